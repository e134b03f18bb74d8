// Sites IT adds by policy (`policy.sites`, such as the company's own Mastodon instance): SafePost
// runs there only once the user has granted it those hosts, and asks for nothing more.
//
// The manifest lists the social sites SafePost knows as static content scripts. For any other
// host, the manifest only declares optional host permissions; the popup asks the user for the
// hosts the policy names (permissions.request needs a user gesture, so it cannot happen here), and
// this module keeps ONE dynamically registered content script set (`safepost-it-sites`) whose
// matches are exactly the granted hosts. It re-syncs at start-up, when the effective policy
// changes and when permissions are granted or revoked. Message types handled here start with
// `sites.`.
//
// Each host becomes one match pattern: `https://*.HOST/*` (which matches HOST itself and its
// subdomains, as the schema promises); an IP address becomes `https://IP/*`. Plain http only on
// loopback (for tests and local demos). Match patterns cannot wildcard IP addresses, so the
// manifest's optional permissions cover `http://*.localhost/*` (names browsers always resolve to
// loopback) and the only loopback address SafePost runs on is 127.0.0.1 (statically).
const api = globalThis.browser ?? globalThis.chrome;
export const SCRIPT_ID = 'safepost-it-sites';
const EFFECTIVE_KEY = 'effectivePolicy';

const isIp = (host) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
const isLoopback = (host) => host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host);

/** The one match pattern that covers `host` and its subdomains. */
export function patternFor(host) {
  const h = String(host).trim().replace(/\.$/, '').toLowerCase();
  if (!h || !/^[a-z0-9.-]+$/.test(h)) return null;
  const scheme = isLoopback(h) ? 'http' : 'https';
  return isIp(h) ? `${scheme}://${h}/*` : `${scheme}://*.${h}/*`;
}

/** Does one static match pattern cover every URL of `pattern` (same scheme, host and subdomains)? */
function covers(staticPattern, pattern) {
  const parse = (p) => /^(https?):\/\/([^/]+)\/\*$/.exec(p);
  const s = parse(staticPattern);
  const w = parse(pattern);
  if (!s || !w || s[1] !== w[1]) return false;
  const [sHost, wHost] = [s[2], w[2]];
  if (sHost === wHost || sHost === '*') return true;
  if (!sHost.startsWith('*.')) return false;
  const base = sHost.slice(2);
  const wanted = wHost.startsWith('*.') ? wHost.slice(2) : wHost;
  return wanted === base || wanted.endsWith(`.${base}`);
}

/**
 * The patterns SafePost needs for the policy's sites, without the ones the manifest's static
 * content scripts already cover, and only those the manifest lets it request (`optional`: a
 * loopback address other than 127.0.0.1 cannot be, and asking for it would fail the whole
 * request). Returns `[{host, pattern}]`, one per host, in policy order.
 */
export function wantedPatterns(sites, staticMatches, optional = ['https://*/*', 'http://*.localhost/*']) {
  const out = [];
  const seen = new Set();
  for (const host of Array.isArray(sites) ? sites : []) {
    const pattern = patternFor(host);
    if (!pattern || seen.has(pattern)) continue;
    seen.add(pattern);
    if (staticMatches.some((m) => covers(m, pattern))) continue;
    if (!optional.some((m) => covers(m, pattern))) continue;
    out.push({ host: String(host), pattern });
  }
  return out;
}

function staticEntry() {
  return api.runtime.getManifest().content_scripts?.[0] ?? { matches: [], js: [] };
}

/** `{hosts, granted, missing}`: patterns the policy needs, split by whether the user granted them. */
export async function siteStatus() {
  const effective = (await api.storage.local.get(EFFECTIVE_KEY))[EFFECTIVE_KEY];
  const manifest = api.runtime.getManifest();
  const wanted = wantedPatterns(effective?.policy?.sites, staticEntry().matches ?? [], manifest.optional_host_permissions ?? []);
  const granted = [];
  const missing = [];
  for (const { pattern } of wanted) {
    const has = await api.permissions.contains({ origins: [pattern] }).catch(() => false);
    (has ? granted : missing).push(pattern);
  }
  return { hosts: wanted.map((w) => w.host), granted, missing };
}

async function syncOnce() {
  const { granted } = await siteStatus();
  const entry = staticEntry();
  const base = api.runtime.getURL('');
  const existing = await api.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] }).catch(() => []);
  if (!granted.length) {
    if (existing.length) await api.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    return granted;
  }
  const script = {
    id: SCRIPT_ID,
    matches: granted,
    // Firefox's getManifest() gives absolute moz-extension:// URLs; registration wants paths.
    js: (entry.js ?? []).map((f) => (f.startsWith(base) ? f.slice(base.length) : f)),
    runAt: entry.run_at ?? 'document_start',
    allFrames: entry.all_frames ?? true,
    persistAcrossSessions: true,
  };
  if (!existing.length) {
    await api.scripting.registerContentScripts([script]);
  } else if (JSON.stringify([...existing[0].matches].sort()) !== JSON.stringify([...granted].sort())) {
    await api.scripting.updateContentScripts([{ id: SCRIPT_ID, matches: granted }]);
  }
  return granted;
}

// One sync at a time; a change during a run queues exactly one more.
let running = Promise.resolve();
export function syncSites() {
  const run = running.then(syncOnce);
  running = run.catch(() => {});
  return run;
}

// Registered at the top level so the events wake the worker / event page.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && EFFECTIVE_KEY in changes) syncSites().catch(() => {});
});
api.permissions.onAdded?.addListener(() => { syncSites().catch(() => {}); });
api.permissions.onRemoved?.addListener(() => { syncSites().catch(() => {}); });
api.runtime.onStartup?.addListener(() => { syncSites().catch(() => {}); });
syncSites().catch(() => {});

function fromExtensionPage(sender) {
  return typeof sender?.url === 'string' && sender.url.startsWith(api.runtime.getURL(''));
}

export const siteHandlers = {
  /** `{hosts, granted, missing}` for the popup, which asks the user for `missing` itself. */
  async 'sites.status'(msg, sender) {
    if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed' };
    const syncError = await syncSites().then(() => null, (err) => String(err?.message ?? err));
    return { ok: true, ...(await siteStatus()), ...(syncError ? { syncError } : {}) };
  },
};
