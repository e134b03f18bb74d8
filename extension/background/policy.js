// The effective policy: shipped defaults, then the managed policy IT sets (Chrome/Edge policy,
// Firefox policies.json: wins), then the user's own settings, which may only make things stricter.
//
// Contract with the rest of the extension: the result is kept in storage.local under
// `effectivePolicy` = { policy, errors: [{source, path, message}], sources: {path: source},
// version, revision, managed, failMode, provisional, updatedAt }; `provisional` while the
// managed layer has not been read yet since the browser started (`policy.known` answers once it
// has). Core pages compile `policy` with
// `new TextChecker(JSON.stringify(policy), site)` and follow storage.onChanged, so a managed
// change reaches open tabs at once. Message types handled here start with `policy.`.
//
// Firefox validates nothing it reads from policies.json and Chromium checks only the schema's
// shape, so every layer goes through the core's own validation (`policyCheck`) here: an invalid
// value is reported and removed, every valid setting still applies.
import init, { policyCheck, defaultPolicyJson } from '../core/pkg/safepost.js';
import { computeEffective, failModeWithoutCore } from './policy/layers.js';

const api = globalThis.browser ?? globalThis.chrome;
export const EFFECTIVE_KEY = 'effectivePolicy';
export const USER_KEY = 'userPolicy';
/** storage.local: the managed layer as last read, used while the browser has not answered yet. */
const MANAGED_SEEN_KEY = 'managedSeen';

// service-worker.js starts the core as soon as it loads; compiling the module a second time here
// would double the start-up cost, so wait for that instance (the glue's exports work once it is
// ready) and start one only if the worker never does.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function coreIsReady() {
  try {
    defaultPolicyJson();
    return true;
  } catch {
    return false;
  }
}
let coreLoading = null;
function loadCore() {
  coreLoading ??= (async () => {
    for (let waited = 0; waited < 10000; waited += 25) {
      if (coreIsReady()) return;
      const status = (await api.storage.session.get('coreStatus')).coreStatus;
      if (status && !status.ok) throw new Error(status.error || 'the core failed to load');
      await sleep(25);
    }
    await init({ module_or_path: api.runtime.getURL('extension/core/pkg/safepost_bg.wasm') });
  })();
  coreLoading.catch(() => { coreLoading = null; });
  return coreLoading;
}

const describe = (err) => (err && (err.message || String(err))) || 'unknown error';
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What IT set. Firefox rejects when no policy exists ("Managed storage manifest not found"). */
async function readManaged() {
  if (!api.storage.managed) return {};
  try {
    const value = await api.storage.managed.get(null);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** Where the user's own settings live: sync when the browser offers it, local otherwise. */
async function userArea() {
  if (api.storage.sync) {
    try {
      await api.storage.sync.get(USER_KEY);
      return api.storage.sync;
    } catch { /* sync disabled by policy or unavailable */ }
  }
  return api.storage.local;
}

async function readUser() {
  const area = await userArea();
  const value = (await area.get(USER_KEY))[USER_KEY];
  return isObject(value) ? value : {};
}

async function readStored() {
  return (await api.storage.local.get(EFFECTIVE_KEY))[EFFECTIVE_KEY] || null;
}

/** A short fingerprint of the managed document, so IT can tell which policy a browser has. */
async function revisionOf(managed) {
  if (!Object.keys(managed).length) return null;
  const canonical = (v) => (Array.isArray(v) ? v.map(canonical)
    : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v);
  const bytes = new TextEncoder().encode(JSON.stringify(canonical(managed)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const withoutTime = (r) => r && JSON.stringify({ ...r, updatedAt: 0 });

/**
 * The record for one set of layers. `provisional` is true while the managed layer is the one last
 * seen (or none) because the browser has not answered yet.
 */
async function buildRecord(managed, user, previous, provisional) {
  const isManaged = Object.keys(managed).length > 0;
  try {
    await loadCore();
    const check = (doc) => policyCheck(JSON.stringify(doc));
    const defaults = JSON.parse(defaultPolicyJson());
    const { policy, errors, sources } = computeEffective({ defaults, managed, user, check });
    return {
      policy, errors, sources,
      version: policy.version ?? null,
      revision: await revisionOf(managed),
      managed: isManaged,
      failMode: policy.fail_mode ?? 'warn',
      provisional,
      updatedAt: Date.now(),
    };
  } catch (err) {
    // Without the core nothing can be validated: keep the last good policy for the pages, and
    // still say which fail mode applies so the popup (and the submit gate) can act on it.
    return {
      policy: previous?.policy ?? null,
      sources: previous?.sources ?? {},
      version: previous?.version ?? null,
      revision: await revisionOf(managed).catch(() => null),
      managed: isManaged,
      errors: [{ source: 'core', path: '$', message: `the SafePost core could not load: ${describe(err)}` }],
      failMode: failModeWithoutCore(managed, user),
      provisional,
      updatedAt: Date.now(),
    };
  }
}

async function store(previous, record) {
  if (withoutTime(previous) === withoutTime(record)) return previous;
  await api.storage.local.set({ [EFFECTIVE_KEY]: record });
  return record;
}

/**
 * How long the managed layer may take before a provisional record is published. Chromium answers
 * `storage.managed.get` only once its policy service has started, 3 to 6 s after a browser start
 * even when no policy exists (measured: 4.8 s on this project's machine); every other read takes
 * milliseconds.
 */
const MANAGED_GRACE_MS = 150;

async function computeAndStore() {
  const managedRead = readManaged();
  const [user, previous, seen] = await Promise.all([readUser(), readStored(),
    api.storage.local.get(MANAGED_SEEN_KEY).then((v) => v[MANAGED_SEEN_KEY], () => undefined)]);
  let managed = await Promise.race([managedRead, sleep(MANAGED_GRACE_MS).then(() => null)]);
  let record = previous;
  if (managed === null) {
    // The browser is still starting its policy service: publish at once what is known (the
    // managed layer seen last time, or none), marked provisional, so pages can show findings;
    // the submit gate holds posts until the policy is known (`policy.known`).
    record = await store(record, await buildRecord(isObject(seen) ? seen : {}, user, previous, true));
    managed = await managedRead;
  }
  if (JSON.stringify(seen) !== JSON.stringify(managed)) await api.storage.local.set({ [MANAGED_SEEN_KEY]: managed });
  return store(record, await buildRecord(managed, user, previous, false));
}

// One computation at a time; a change during a run queues exactly one more.
let running = Promise.resolve();
export function recompute() {
  const run = running.then(computeAndStore);
  running = run.catch(() => {});
  return run;
}

// The effective policy can hold the ticket adapter's secrets: in Chromium, keep storage.local out
// of content scripts' reach (they never read it; extension pages and the worker still do).
// Firefox has no such setting.
api.storage.local.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })?.catch?.(() => {});

// Registered at the top level so the events wake the worker / event page.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed' || ((area === 'sync' || area === 'local') && USER_KEY in changes)) recompute().catch(() => {});
});
api.runtime.onInstalled.addListener(() => { recompute().catch(() => {}); });
api.runtime.onStartup?.addListener(() => { recompute().catch(() => {}); });
recompute().catch(() => {});

/** Only SafePost's own pages (options, popup, core frame) may read the policy: it can hold secrets. */
function fromExtensionPage(sender) {
  return typeof sender?.url === 'string' && sender.url.startsWith(api.runtime.getURL(''));
}

export const policyHandlers = {
  /** The effective policy and the user's own settings (options page). */
  async 'policy.get'(msg, sender) {
    if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed' };
    await running;
    const effective = (await readStored()) || (await recompute());
    return { ok: true, effective, user: await readUser() };
  },
  /** Saves the user's own settings (a policy document that may only make things stricter). */
  async 'policy.setUser'(msg, sender) {
    if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed' };
    if (!isObject(msg.settings)) return { ok: false, error: 'settings must be an object' };
    const area = await userArea();
    if (Object.keys(msg.settings).length) await area.set({ [USER_KEY]: msg.settings });
    else await area.remove(USER_KEY);
    const effective = await recompute();
    return { ok: true, effective, user: await readUser() };
  },
  /**
   * What to do when the core cannot load (`open`, `warn`, `closed`), for content scripts such as
   * the submit gate: they cannot read storage.local, and this answer holds no secret.
   */
  async 'policy.failMode'() {
    await running;
    const stored = await readStored();
    return { ok: true, failMode: stored?.failMode ?? 'warn', managed: Boolean(stored?.managed) };
  },
  /**
   * Answers once the effective policy, managed layer included, is known (the computation under
   * way, if any, has read `storage.managed`). Holds no secret.
   */
  async 'policy.known'() {
    await running;
    return { ok: true, known: true };
  },
  /** Reads the managed policy again now (the browser's own reload raises storage.onChanged too). */
  async 'policy.refresh'(msg, sender) {
    if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed' };
    return { ok: true, effective: await recompute() };
  },
};
