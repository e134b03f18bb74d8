// The network backstop: the last door a blocked post cannot pass, whatever the page's DOM does.
//
// While a tab holds values of unresolved `block` findings (fed by the core frame,
// core/backstop-feed.js), `webRequest.onBeforeRequest` (blocking, with the request body) cancels
// any request from that tab whose body carries one of them (match.js: JSON, GraphQL variables,
// URL-encoding, form data, multipart) and asks that frame to show the gate dialog. When the user
// chose "Post anyway" for a text, the next request carrying exactly that text passes, once.
// Requests from other tabs, requests without a body and bodies without a held value are never
// looked at twice.
//
// Where it runs: Firefox (blocking webRequest for every add-on) and Chromium only when the
// extension is installed by policy (`management.getSelf().installType === 'admin'`); elsewhere
// Chromium silently ignores the blocking listener, so the DOM gate alone runs and the popup says so.
//
// The held values are secrets: they live only in storage.session (memory, never on disk, out of
// content scripts' reach) under `backstop:<tabId>`, and are never logged. The listener must answer
// synchronously in Chromium, so this module mirrors storage.session in memory and follows it
// through storage.onChanged; the mirror is a cache, storage.session the truth (the Chromium worker
// and the Firefox event page unload when idle and reload it).
import { allowedText, bodyViews, carriesText, heldForms, heldIn } from './backstop/match.js';

const api = globalThis.browser ?? globalThis.chrome;
const PREFIX = 'backstop:';
const FRAME_TTL_MS = 5 * 60 * 1000; // a frame refreshes its values every 20 s; a silent one is gone
const ALLOW_TTL_MS = 5 * 60 * 1000; // a "Post anyway" is for the post the user is sending now
const MAX_VALUES = 200;
const isFirefox = typeof api.runtime.getBrowserInfo === 'function';

/** Tab id -> {frames: {[frameKey]: {values, at}}, allow: [{values, text, parts, at}]}: the mirror. */
const mirror = new Map();
const loaded = api.storage.session.get(null).then((all) => {
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(PREFIX)) mirror.set(Number(key.slice(PREFIX.length)), value);
  }
}, () => {});
let ready = false;
loaded.then(() => { ready = true; });

api.storage.onChanged.addListener((changes, area) => {
  if (area !== 'session') return;
  for (const [key, change] of Object.entries(changes)) {
    if (!key.startsWith(PREFIX)) continue;
    const tab = Number(key.slice(PREFIX.length));
    if (change.newValue) mirror.set(tab, change.newValue);
    else mirror.delete(tab);
  }
});

/** Whether blocking webRequest works here: `{active, reason}` (reason: firefox, admin, host-permissions, or the install type). */
export async function backstopStatus() {
  if (!listening) return { active: false, reason: 'unavailable' };
  try {
    // webRequest sees only the hosts SafePost may access: the social sites must be granted.
    const hosts = api.runtime.getManifest().host_permissions || [];
    if (!(await api.permissions.contains({ origins: hosts }))) return { active: false, reason: 'host-permissions' };
    if (isFirefox) return { active: true, reason: 'firefox' };
    const self = await api.management.getSelf();
    return self.installType === 'admin' ? { active: true, reason: 'admin' } : { active: false, reason: self.installType };
  } catch {
    return { active: false, reason: 'unknown' };
  }
}

// ---- State (storage.session) ---------------------------------------------------------------

function entryOf(tab) {
  const e = mirror.get(tab);
  return { frames: { ...(e?.frames || {}) }, allow: [...(e?.allow || [])] };
}

function fresh(entry, now = Date.now()) {
  for (const [key, f] of Object.entries(entry.frames)) if (now - f.at > FRAME_TTL_MS) delete entry.frames[key];
  entry.allow = entry.allow.filter((a) => now - a.at <= ALLOW_TTL_MS);
  return entry;
}

function save(tab, entry) {
  const empty = !Object.keys(entry.frames).length && !entry.allow.length;
  if (empty) mirror.delete(tab);
  else mirror.set(tab, entry);
  return empty ? api.storage.session.remove(PREFIX + tab) : api.storage.session.set({ [PREFIX + tab]: entry });
}

function fromCoreFrame(msg, sender) {
  return !!sender?.tab && typeof sender.url === 'string' && sender.url.startsWith(api.runtime.getURL(''))
    && typeof msg.frame === 'string' && msg.frame.length <= 64;
}

const formsOf = (values) => [...new Set((Array.isArray(values) ? values : [])
  .filter((v) => typeof v === 'string').slice(0, MAX_VALUES).flatMap(heldForms))];

// Each core frame that holds values keeps a port open (named `backstop:<frameKey>`): the way to
// ask it for the dialog. A connection, not state: it is reopened by the frame when this context
// restarts.
const ports = new Map();
api.runtime.onConnect.addListener((port) => {
  const key = typeof port.name === 'string' && port.name.startsWith('backstop:') ? port.name.slice(9) : '';
  if (!key || !fromCoreFrame({ frame: key }, port.sender)) return;
  ports.set(key, port);
  port.onDisconnect.addListener(() => {
    if (ports.get(key) !== port) return;
    ports.delete(key);
    // The frame is gone (page closed or navigated): its values are no longer held.
    const tab = port.sender.tab.id;
    const entry = entryOf(tab);
    if (!entry.frames[key]) return;
    delete entry.frames[key];
    save(tab, entry).catch(() => {});
  });
});

api.tabs?.onRemoved?.addListener((tab) => {
  if (mirror.has(tab)) save(tab, { frames: {}, allow: [] }).catch(() => {});
});

export const backstopHandlers = {
  /** The core frame's held values (the texts of its unresolved `block` findings), replacing its earlier ones. */
  async 'backstop.hold'(msg, sender) {
    if (!fromCoreFrame(msg, sender)) return { ok: false, error: 'not allowed' };
    await loaded;
    const status = await backstopStatus();
    if (!status.active) return { ok: true, active: false };
    const tab = sender.tab.id;
    const entry = fresh(entryOf(tab));
    const values = formsOf(msg.values);
    if (values.length) entry.frames[msg.frame] = { values, at: Date.now() };
    else delete entry.frames[msg.frame];
    await save(tab, entry);
    return { ok: true, active: true };
  },
  /** "Post anyway" for `text`: the next request from this tab carrying exactly that text passes. */
  async 'backstop.allow'(msg, sender) {
    if (!fromCoreFrame(msg, sender) || typeof msg.text !== 'string') return { ok: false, error: 'not allowed' };
    await loaded;
    const tab = sender.tab.id;
    const entry = fresh(entryOf(tab));
    entry.allow.push({ values: formsOf(msg.values), ...allowedText(msg.text), at: Date.now() });
    entry.allow = entry.allow.slice(-10);
    await save(tab, entry);
    return { ok: true };
  },
  /** The frame is going away (page closed or navigated). */
  async 'backstop.release'(msg, sender) {
    if (!fromCoreFrame(msg, sender)) return { ok: false, error: 'not allowed' };
    await loaded;
    const entry = entryOf(sender.tab.id);
    delete entry.frames[msg.frame];
    await save(sender.tab.id, entry);
    return { ok: true };
  },
  async 'backstop.status'() {
    return { ok: true, ...(await backstopStatus()) };
  },
};

// ---- The listener ----------------------------------------------------------------------------

/** The decision for one request: undefined (pass) or {cancel: true}. Exported for the bench. */
export function decide(details, now = Date.now()) {
  if (details.tabId < 0 || !details.requestBody) return undefined;
  const stored = mirror.get(details.tabId);
  if (!stored) return undefined;
  const frames = Object.entries(stored.frames || {}).filter(([, f]) => now - f.at <= FRAME_TTL_MS);
  const held = [...new Set(frames.flatMap(([, f]) => f.values))];
  if (!held.length) return undefined;
  const views = bodyViews(details.requestBody);
  const found = heldIn(views, held);
  if (!found.length) return undefined;
  const allow = (stored.allow || []).findIndex((a) => now - a.at <= ALLOW_TTL_MS
    && found.every((v) => a.values.includes(v)) && carriesText(views, a));
  const entry = entryOf(details.tabId);
  if (allow !== -1) {
    // Once: this request is the post the user chose to send.
    entry.allow.splice(allow, 1);
    save(details.tabId, entry).catch(() => {});
    return undefined;
  }
  const [frame] = frames.find(([, f]) => f.values.some((v) => found.includes(v)));
  // The frame that holds the value shows the gate dialog.
  ports.get(frame)?.postMessage({ type: 'blocked' });
  return { cancel: true };
}

function onBeforeRequest(details) {
  if (ready) return decide(details);
  if (details.tabId < 0 || !details.requestBody) return undefined;
  // Just woken: Firefox can wait for storage.session; Chromium needs an answer now (the core
  // frame's refresh keeps the worker awake while values are held, so this is a worker that held
  // nothing).
  return isFirefox ? loaded.then(() => decide(details)) : undefined;
}

let listening = false;
try {
  api.webRequest.onBeforeRequest.addListener(onBeforeRequest, { urls: ['<all_urls>'] }, ['blocking', 'requestBody']);
  listening = true;
} catch {
  // No blocking webRequest here: backstopStatus() says so and the popup shows it.
}
