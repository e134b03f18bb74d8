// The three layers of the effective policy, as pure functions (no browser API, no wasm import):
// shipped defaults, then the managed policy IT sets (wins), then the user's own settings, which
// may only make things stricter.
//
// Validation itself is the core's (`policyCheck`, passed in as `check`): this module removes what
// the core rejects, so that every valid setting still applies and the effective document the core
// compiles is clean, and it records where each setting came from.
//
// Setting paths name settings the way IT reads them: `fail_mode`, `detectors.email.severity`,
// `rules[codename].terms` (rules by id, not by position), `tickets.endpoint`.

export const SEVERITIES = ['info', 'warn', 'block'];
export const UPLOAD_ACTIONS = ['ask', 'strip', 'block'];
export const STRIP_MODES = ['location', 'identifying'];
export const FAIL_MODES = ['open', 'warn', 'closed'];
/** Fields that say what a rule matches: a layer that sets `kind` replaces them all. */
const MATCH_FIELDS = ['kind', 'terms', 'pattern', 'builtin'];
/** Settings only IT may set: a user value here is refused. */
const MANAGED_ONLY = ['sites', 'tickets', 'support_url', 'policy_url', 'company_account'];

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

// ------------------------------------------------------------------ removing what is invalid

/** `rules[3].pattern` -> ['rules', 3, 'pattern']; `$` (the whole document) -> []. */
export function parsePath(path) {
  if (path === '$' || path === '') return [];
  const tokens = [];
  for (const part of String(path).split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return null;
    if (m[1]) tokens.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) tokens.push(Number(idx[1]));
  }
  return tokens;
}

const REMOVED = Symbol('removed');

/** Marks the value at `tokens` as removed; when it does not exist (a "missing" error), its parent. */
function markRemoved(doc, tokens) {
  let node = doc;
  const chain = [];
  for (const t of tokens) {
    if (node === null || typeof node !== 'object' || !(t in node) || node[t] === REMOVED) break;
    chain.push([node, t]);
    node = node[t];
  }
  // The full path exists: remove it. Otherwise remove the deepest container that exists (the
  // setting it belongs to cannot apply without the missing part).
  const target = chain[chain.length - 1];
  if (!target) return false;
  const [parent, key] = target;
  parent[key] = REMOVED;
  return true;
}

function compact(node) {
  if (Array.isArray(node)) {
    const kept = node.filter((v) => v !== REMOVED).map(compact);
    return kept;
  }
  if (isObject(node)) {
    const out = {};
    for (const [k, v] of Object.entries(node)) if (v !== REMOVED) out[k] = compact(v);
    return out;
  }
  return node;
}

/**
 * Validates `doc` with `check` (the core's policyCheck: doc -> [{path, message}]) and returns
 * `{ doc, errors }`: the errors of the document as it was written, and a copy from which every
 * invalid value was removed, so the rest still applies. A value the core reports is removed; a
 * missing part removes the setting it belongs to (a webhook without an endpoint, a rule without
 * a pattern). Repeats until the core finds nothing left to report.
 */
export function pruneInvalid(doc, check) {
  if (!isObject(doc)) {
    const found = typeof doc === 'undefined' ? [] : [{ path: '$', message: 'a policy must be a JSON object' }];
    return { doc: {}, errors: found };
  }
  const errors = check(doc);
  let current = clone(doc);
  let pending = errors;
  for (let round = 0; round < 8 && pending.length; round++) {
    let changed = false;
    for (const e of pending) {
      const tokens = parsePath(e.path);
      if (tokens === null || tokens.length === 0) {
        // Nothing to point at: the document as a whole is unusable.
        return { doc: {}, errors };
      }
      if (markRemoved(current, tokens)) changed = true;
    }
    current = compact(current);
    if (!changed) break;
    pending = check(current);
  }
  if (pending.length) {
    // Did not settle: drop every top-level setting still named by an error.
    for (const e of pending) {
      const [top] = parsePath(e.path) || [];
      if (typeof top === 'string') delete current[top];
    }
    if (check(current).length) current = {};
  }
  return { doc: current, errors };
}

// ------------------------------------------------------------------ laying layers

/** The order settings are listed in (the policy document's own), whatever order storage keeps. */
const DOCUMENT_ORDER = ['version', 'sites', 'detectors', 'rules', 'disclosure', 'uploads', 'submit', 'tickets',
  'support_url', 'policy_url', 'fail_mode', 'company_account'];
const byDocumentOrder = ([a], [b]) => {
  const rank = (k) => (DOCUMENT_ORDER.includes(k) ? DOCUMENT_ORDER.indexOf(k) : DOCUMENT_ORDER.length);
  return rank(a) - rank(b);
};

/** Every setting path of a document, with its value (for sources and the options page). */
export function settingEntries(doc) {
  const out = [];
  if (!isObject(doc)) return out;
  for (const [key, value] of Object.entries(doc).sort(byDocumentOrder)) {
    if (key === 'detectors' && isObject(value)) {
      for (const [id, d] of Object.entries(value)) {
        if (isObject(d)) for (const [f, v] of Object.entries(d)) out.push([`detectors.${id}.${f}`, v]);
      }
    } else if (key === 'rules' && Array.isArray(value)) {
      for (const r of value) {
        if (!isObject(r)) continue;
        for (const [f, v] of Object.entries(r)) if (f !== 'id') out.push([`rules[${r.id}].${f}`, v]);
      }
    } else if (isObject(value)) {
      for (const [f, v] of Object.entries(value)) out.push([`${key}.${f}`, v]);
    } else {
      out.push([key, value]);
    }
  }
  return out;
}

/**
 * Lays `layer` over `base` the way the core does (Policy::apply): rules by id, field by field;
 * detectors, disclosure, uploads and submit field by field; tickets and the rest replaced whole.
 * Mutates `base` and `sources` (setting path -> source).
 */
export function applyLayer(base, layer, source, sources) {
  for (const [key, value] of Object.entries(layer)) {
    if (key === 'detectors') {
      base.detectors ??= {};
      for (const [id, d] of Object.entries(value)) {
        base.detectors[id] = { ...(base.detectors[id] || {}), ...d };
        for (const f of Object.keys(d)) sources[`detectors.${id}.${f}`] = source;
      }
    } else if (key === 'rules') {
      base.rules ??= [];
      for (const r of value) {
        let existing = base.rules.find((x) => x.id === r.id);
        if (!existing) {
          existing = { id: r.id };
          base.rules.push(existing);
        } else if ('kind' in r) {
          for (const f of MATCH_FIELDS) {
            delete existing[f];
            delete sources[`rules[${r.id}].${f}`];
          }
        }
        for (const [f, v] of Object.entries(r)) {
          if (f === 'id') continue;
          existing[f] = clone(v);
          sources[`rules[${r.id}].${f}`] = source;
        }
      }
    } else if (key === 'tickets') {
      for (const p of Object.keys(sources)) if (p.startsWith('tickets.')) delete sources[p];
      base.tickets = clone(value);
      for (const f of Object.keys(value)) sources[`tickets.${f}`] = source;
    } else if (isObject(value)) {
      base[key] = { ...(isObject(base[key]) ? base[key] : {}), ...clone(value) };
      for (const f of Object.keys(value)) sources[`${key}.${f}`] = source;
    } else {
      base[key] = clone(value);
      sources[key] = source;
    }
  }
  return base;
}

// ------------------------------------------------------------------ the user's stricter settings

const rank = (list, v) => list.indexOf(v);
/** A new rule's severity when it does not say (Policy::apply's default). */
const NEW_RULE_SEVERITY = 'warn';

/**
 * Keeps from the user's (already validated) settings only what makes `effective` stricter.
 * Returns `{ layer, errors }`; each refused value is an error naming its path.
 */
export function stricterOnly(effective, user) {
  const layer = {};
  const errors = [];
  const refuse = (path, message) => errors.push({ path, message });
  const looser = (path, what) => refuse(path, `not applied: ${what}; your own settings may only make the company policy stricter`);

  for (const [key, value] of Object.entries(user)) {
    if (key === 'version') continue;
    if (MANAGED_ONLY.includes(key)) {
      refuse(key, 'not applied: only your organisation sets this');
      continue;
    }
    switch (key) {
      case 'detectors':
        for (const [id, d] of Object.entries(value)) {
          const cur = effective.detectors?.[id] || { enabled: true, severity: 'warn' };
          const out = {};
          if ('enabled' in d) {
            if (d.enabled || !cur.enabled) out.enabled = d.enabled;
            else looser(`detectors.${id}.enabled`, 'it would turn off a detector the policy turns on');
          }
          if ('severity' in d) {
            if (rank(SEVERITIES, d.severity) >= rank(SEVERITIES, cur.severity)) out.severity = d.severity;
            else looser(`detectors.${id}.severity`, `${d.severity} is lower than ${cur.severity}`);
          }
          if (Object.keys(out).length) (layer.detectors ??= {})[id] = out;
        }
        break;
      case 'rules':
        for (const [i, r] of value.entries()) {
          const cur = (effective.rules || []).find((x) => x.id === r.id);
          if (!cur) {
            // A rule of the user's own adds a check: always stricter.
            (layer.rules ??= []).push(clone(r));
            continue;
          }
          const out = { id: r.id };
          for (const [f, v] of Object.entries(r)) {
            if (f === 'id') continue;
            const path = `rules[${i}].${f}`;
            if (f === 'enabled') {
              if (v || cur.enabled === false) out.enabled = v;
              else looser(path, 'it would turn off a company rule');
            } else if (f === 'severity') {
              const have = cur.severity || NEW_RULE_SEVERITY;
              if (rank(SEVERITIES, v) >= rank(SEVERITIES, have)) out.severity = v;
              else looser(path, `${v} is lower than ${have}`);
            } else if (JSON.stringify(v) !== JSON.stringify(cur[f])) {
              refuse(`rules[${i}].${f}`, `not applied: rule "${r.id}" belongs to the company policy; add a rule with an id of your own instead`);
            }
          }
          if (Object.keys(out).length > 1) (layer.rules ??= []).push(out);
        }
        break;
      case 'disclosure': {
        const cur = effective.disclosure || {};
        const out = {};
        for (const [f, v] of Object.entries(value)) {
          if (f === 'brands') {
            // More brands to watch for is stricter: the user's brands are added to the company's.
            const union = [...new Set([...(cur.brands || []), ...v])];
            if (union.length > (cur.brands || []).length) out.brands = union;
          } else if (f === 'severity') {
            if (rank(SEVERITIES, v) >= rank(SEVERITIES, cur.severity || 'warn')) out.severity = v;
            else looser('disclosure.severity', `${v} is lower than ${cur.severity}`);
          } else if (JSON.stringify(v) !== JSON.stringify(cur[f])) {
            refuse(`disclosure.${f}`, 'not applied: only your organisation sets this');
          }
        }
        if (Object.keys(out).length) layer.disclosure = out;
        break;
      }
      case 'uploads': {
        const cur = effective.uploads || {};
        const out = {};
        if ('action' in value) {
          if (rank(UPLOAD_ACTIONS, value.action) >= rank(UPLOAD_ACTIONS, cur.action || 'ask')) out.action = value.action;
          else looser('uploads.action', `"${value.action}" is less strict than "${cur.action}"`);
        }
        if ('strip_mode' in value) {
          if (rank(STRIP_MODES, value.strip_mode) >= rank(STRIP_MODES, cur.strip_mode || 'location')) out.strip_mode = value.strip_mode;
          else looser('uploads.strip_mode', `"${value.strip_mode}" removes less than "${cur.strip_mode}"`);
        }
        if (Object.keys(out).length) layer.uploads = out;
        break;
      }
      case 'submit': {
        const cur = effective.submit || {};
        const out = {};
        if ('allow_post_anyway' in value) {
          if (!value.allow_post_anyway || cur.allow_post_anyway !== false) out.allow_post_anyway = value.allow_post_anyway;
          else looser('submit.allow_post_anyway', 'the policy does not let anyone post despite a block');
        }
        if ('require_justification' in value) {
          if (value.require_justification || !cur.require_justification) out.require_justification = value.require_justification;
          else looser('submit.require_justification', 'the policy asks for a justification');
        }
        if (Object.keys(out).length) layer.submit = out;
        break;
      }
      case 'fail_mode':
        if (rank(FAIL_MODES, value) >= rank(FAIL_MODES, effective.fail_mode || 'warn')) layer.fail_mode = value;
        else looser('fail_mode', `"${value}" is less strict than "${effective.fail_mode}"`);
        break;
      default:
        refuse(key, 'not applied: not a setting');
    }
  }
  // Settings equal to what already applies change nothing: keep their source as it was.
  return { layer: dropUnchanged(effective, layer), errors };
}

function dropUnchanged(effective, layer) {
  const out = {};
  for (const [key, value] of Object.entries(layer)) {
    if (key === 'detectors') {
      for (const [id, d] of Object.entries(value)) {
        const cur = effective.detectors?.[id] || {};
        const diff = Object.fromEntries(Object.entries(d).filter(([f, v]) => cur[f] !== v));
        if (Object.keys(diff).length) (out.detectors ??= {})[id] = diff;
      }
    } else if (key === 'rules') {
      for (const r of value) {
        const cur = (effective.rules || []).find((x) => x.id === r.id);
        if (!cur) {
          (out.rules ??= []).push(r);
          continue;
        }
        const diff = Object.fromEntries(Object.entries(r).filter(([f, v]) => f === 'id' || JSON.stringify(cur[f]) !== JSON.stringify(v)));
        if (Object.keys(diff).length > 1) (out.rules ??= []).push(diff);
      }
    } else if (isObject(value)) {
      const cur = effective[key] || {};
      const diff = Object.fromEntries(Object.entries(value).filter(([f, v]) => JSON.stringify(cur[f]) !== JSON.stringify(v)));
      if (Object.keys(diff).length) out[key] = diff;
    } else if (effective[key] !== value) {
      out[key] = value;
    }
  }
  return out;
}

// ------------------------------------------------------------------ the whole computation

/**
 * The effective policy. `check` is the core's policyCheck (object -> [{path, message}]),
 * `defaults` the shipped document, `managed` and `user` what storage holds ({} when none).
 * Returns `{ policy, errors: [{source, path, message}], sources }`.
 */
export function computeEffective({ defaults, managed, user, check }) {
  const sources = {};
  const policy = clone(defaults);
  for (const [path] of settingEntries(policy)) sources[path] = 'default';

  const m = pruneInvalid(managed ?? {}, check);
  // `rules_count` only checks that the managed rules arrived (the core reports a mismatch); it is
  // not a setting of the effective policy, whose rules also hold the defaults'.
  delete m.doc.rules_count;
  // IT asked for a fail mode and mistyped it (reported above): the strictest holds, as in the core.
  if (isObject(managed) && 'fail_mode' in managed && !FAIL_MODES.includes(managed.fail_mode)) m.doc.fail_mode = 'closed';
  applyLayer(policy, m.doc, 'managed', sources);

  // The core checks a document over the shipped defaults; a user setting may also name a rule the
  // managed policy added (to raise its severity), which needs no kind here.
  const known = new Set((policy.rules || []).map((r) => r.id));
  const checkUser = (doc) => check(doc).filter((e) => {
    const m = /^rules\[(\d+)\]\.kind$/.exec(e.path);
    const r = m && doc.rules?.[Number(m[1])];
    return !(r && known.has(r.id) && !MATCH_FIELDS.some((f) => f in r));
  });
  const u = pruneInvalid(user ?? {}, checkUser);
  const stricter = stricterOnly(policy, u.doc);
  applyLayer(policy, stricter.layer, 'user', sources);

  const errors = [
    ...m.errors.map((e) => ({ source: 'managed', ...e })),
    ...u.errors.map((e) => ({ source: 'user', ...e })),
    ...stricter.errors.map((e) => ({ source: 'user', ...e })),
  ];
  // The merged document must compile cleanly; anything the core still reports is shown, never hidden.
  for (const e of check(policy)) errors.push({ source: 'effective', ...e });
  return { policy, errors, sources };
}

/** The fail mode to report when the core cannot run at all (no wasm to validate with). */
export function failModeWithoutCore(managed, user) {
  let mode = 'warn';
  if (isObject(managed) && 'fail_mode' in managed) mode = FAIL_MODES.includes(managed.fail_mode) ? managed.fail_mode : 'closed';
  if (isObject(user) && FAIL_MODES.includes(user.fail_mode) && rank(FAIL_MODES, user.fail_mode) > rank(FAIL_MODES, mode)) {
    mode = user.fail_mode;
  }
  return mode;
}
