// The options page: the effective policy, where each value came from (default, your
// organisation, you), the policy version, every validation problem, and the user's own settings,
// which may only make things stricter (the service worker refuses anything weaker and says why).
//
// Everything comes from the service worker (`policy.get`, `policy.setUser`) and the page follows
// storage.onChanged, so a policy IT changes while the page is open shows at once.
import { settingEntries, SEVERITIES, UPLOAD_ACTIONS, FAIL_MODES } from '../background/policy/layers.js';

const api = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => api.i18n.getMessage(key, subs) || key;
const $ = (id) => document.getElementById(id);
/** Settings that hold secrets: shown as set, never shown. */
const SECRET = /^tickets\.(token|hmac_secret|audit_token)$/;
const USER_RULE_ID = 'user_words';

for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
document.title = t('optionsTitle');

let state = { effective: null, user: {} };
const initial = new Map(); // control -> value when last rendered (only changed controls are saved)

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function show(value, path) {
  if (SECRET.test(path)) return t('optionsSecretHidden');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function masked(policy) {
  const copy = JSON.parse(JSON.stringify(policy ?? null));
  if (copy?.tickets) for (const k of ['token', 'hmac_secret', 'audit_token']) if (k in copy.tickets) copy.tickets[k] = t('optionsSecretHidden');
  return copy;
}

function options(select, values, labelKey, current, floor) {
  select.replaceChildren(...values.map((v) => el('option', { value: v, disabled: floor !== undefined && values.indexOf(v) < values.indexOf(floor) },
    labelKey ? t(`${labelKey}${v}`) : t(`severity_${v}`))));
  select.value = current;
}

function render({ effective, user }) {
  state = { effective, user: user || {} };
  const policy = effective?.policy || {};
  const sources = effective?.sources || {};

  $('policy-source').textContent = effective?.managed ? t('optionsManaged', [effective.revision || '-']) : t('optionsNotManaged');
  $('policy-source').dataset.managed = String(Boolean(effective?.managed));
  const version = $('policy-version');
  version.dataset.version = String(effective?.version ?? '');
  version.textContent = t('optionsVersion', [String(effective?.version ?? '?'),
    effective?.updatedAt ? new Date(effective.updatedAt).toLocaleString() : '-']);

  const errors = effective?.errors || [];
  $('errors-none').hidden = errors.length > 0;
  $('errors-some').hidden = errors.length === 0;
  $('policy-errors').tBodies[0].replaceChildren(...errors.map((e) => el('tr', { 'data-source': e.source, 'data-path': e.path },
    el('td', { className: 'source', 'data-source': e.source }, t(`source_${e.source}`)),
    el('td', { className: 'path' }, e.path),
    el('td', { className: 'message' }, e.message))));

  $('effective').tBodies[0].replaceChildren(...settingEntries(policy).map(([path, value]) => {
    const source = sources[path] || 'default';
    return el('tr', { 'data-path': path, 'data-source': source },
      el('td', { className: 'path' }, path),
      el('td', { className: 'value' }, show(value, path)),
      el('td', { className: 'source', 'data-source': source }, t(`source_${source}`)));
  }));
  $('effective-json').textContent = JSON.stringify(masked(policy), null, 2);

  renderUserForm(policy, sources);
  $('user-json').value = JSON.stringify(state.user, null, 2);
}

/** The lowest choice a control may offer: what applies without the user's own settings. */
const floorOf = (sources, path, value) => (sources[path] === 'user' ? undefined : value);

function renderUserForm(policy, sources) {
  initial.clear();
  const rows = Object.entries(policy.detectors || {}).map(([id, d]) => {
    const on = el('input', { type: 'checkbox', checked: d.enabled, id: `det-${id}-on`,
      disabled: d.enabled && sources[`detectors.${id}.enabled`] !== 'user' });
    const sev = el('select', { id: `det-${id}-severity` });
    options(sev, SEVERITIES, null, d.severity, floorOf(sources, `detectors.${id}.severity`, d.severity));
    initial.set(on, on.checked);
    initial.set(sev, sev.value);
    return el('tr', { 'data-detector': id }, el('td', { className: 'path' }, id),
      el('td', {}, el('label', {}, on, ` ${t('optionsUserDetectorOn')}`)), el('td', {}, sev));
  });
  $('user-detectors').tBodies[0].replaceChildren(...rows);

  const mine = (state.user.rules || []).find((r) => r.id === USER_RULE_ID);
  $('user-words').value = (mine?.terms || []).join('\n');
  options($('user-words-severity'), SEVERITIES, null, mine?.severity || 'warn');
  options($('user-uploads'), UPLOAD_ACTIONS, 'upload_', policy.uploads?.action || 'ask',
    floorOf(sources, 'uploads.action', policy.uploads?.action));
  $('user-no-post-anyway').checked = policy.submit?.allow_post_anyway === false;
  $('user-no-post-anyway').disabled = policy.submit?.allow_post_anyway === false && sources['submit.allow_post_anyway'] !== 'user';
  $('user-justify').checked = Boolean(policy.submit?.require_justification);
  $('user-justify').disabled = Boolean(policy.submit?.require_justification) && sources['submit.require_justification'] !== 'user';
  options($('user-fail-mode'), FAIL_MODES, 'fail_', policy.fail_mode || 'warn', floorOf(sources, 'fail_mode', policy.fail_mode));
  for (const id of ['user-words', 'user-words-severity', 'user-uploads', 'user-no-post-anyway', 'user-justify', 'user-fail-mode']) {
    const c = $(id);
    initial.set(c, c.type === 'checkbox' ? c.checked : c.value);
  }
}

const changed = (c) => (c.type === 'checkbox' ? c.checked : c.value) !== initial.get(c);

/** The user's settings with what the form changed: untouched controls keep what was stored. */
function settingsFromForm() {
  const s = JSON.parse(JSON.stringify(state.user));
  for (const row of $('user-detectors').tBodies[0].rows) {
    const id = row.dataset.detector;
    const on = $(`det-${id}-on`);
    const sev = $(`det-${id}-severity`);
    if (changed(on)) ((s.detectors ??= {})[id] ??= {}).enabled = on.checked;
    if (changed(sev)) ((s.detectors ??= {})[id] ??= {}).severity = sev.value;
  }
  if (changed($('user-words')) || changed($('user-words-severity'))) {
    const terms = $('user-words').value.split('\n').map((x) => x.trim()).filter(Boolean);
    s.rules = (s.rules || []).filter((r) => r.id !== USER_RULE_ID);
    if (terms.length) {
      s.rules.push({ id: USER_RULE_ID, kind: 'keywords', terms, severity: $('user-words-severity').value,
        category: 'confidential', message: 'This matches a word you asked SafePost to watch for.' });
    }
    if (!s.rules.length) delete s.rules;
  }
  if (changed($('user-uploads'))) (s.uploads ??= {}).action = $('user-uploads').value;
  if (changed($('user-no-post-anyway'))) (s.submit ??= {}).allow_post_anyway = !$('user-no-post-anyway').checked;
  if (changed($('user-justify'))) (s.submit ??= {}).require_justification = $('user-justify').checked;
  if (changed($('user-fail-mode'))) s.fail_mode = $('user-fail-mode').value;
  return s;
}

async function save(settings, statusNode) {
  const r = await api.runtime.sendMessage({ type: 'policy.setUser', settings }).catch((err) => ({ ok: false, error: err.message }));
  if (!r?.ok) {
    statusNode.textContent = t('optionsLoadFailed', [r?.error || 'unknown error']);
    return;
  }
  render(r);
  statusNode.textContent = t('optionsSaved');
}

async function load() {
  const r = await api.runtime.sendMessage({ type: 'policy.get' }).catch((err) => ({ ok: false, error: err.message }));
  if (!r?.ok) {
    $('policy-source').textContent = t('optionsLoadFailed', [r?.error || 'unknown error']);
    return;
  }
  render(r);
  document.body.dataset.ready = 'true';
}

$('user-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  save(settingsFromForm(), $('user-saved'));
});
$('user-reset').addEventListener('click', () => save({}, $('user-saved')));
$('user-json-save').addEventListener('click', () => {
  let doc;
  try {
    doc = JSON.parse($('user-json').value || '{}');
  } catch (err) {
    $('user-json-status').textContent = t('optionsJsonInvalid', [err.message]);
    return;
  }
  save(doc, $('user-json-status'));
});

// Live: a managed change (or the user's settings from another device) re-renders the page.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.effectivePolicy) load();
});

await load();
