// SafePost service worker (Chromium) / event page (Firefox).
//
// Owns what is shared by every tab: the core's health (toolbar badge and the popup's status line)
// and the handshake that lets a framed core page trust the content script that framed it.
// It keeps no state in globals: the Firefox event page and the Chromium worker both unload when idle.
import init, { coreVersion } from '../core/pkg/safepost.js';
import { policyHandlers } from './policy.js';
import { ticketHandlers } from './tickets.js';
import { siteHandlers } from './sites.js';
import { overrideHandlers } from './overrides.js';
import { showPolicyBadge } from './policy-badge.js';
import { backstopHandlers } from './backstop.js';

const api = globalThis.browser ?? globalThis.chrome;
const STATUS_KEY = 'coreStatus';

// Loading the core here proves the packaged wasm is sound even before any page is opened.
const coreReady = init({ module_or_path: api.runtime.getURL('extension/core/pkg/safepost_bg.wasm') })
  .then(() => coreVersion());

coreReady.then(
  (version) => recordStatus({ ok: true, version }),
  (err) => recordStatus({ ok: false, error: describe(err), where: 'service worker' }),
);

function describe(err) {
  return (err && (err.message || String(err))) || 'unknown error';
}

async function recordStatus(status) {
  const entry = { ...status, at: Date.now() };
  await api.storage.session.set({ [STATUS_KEY]: entry });
  if (status.ok) {
    await showPolicyBadge(); // clear, or the policy's errors
  } else {
    await api.action.setBadgeBackgroundColor({ color: '#d1242f' });
    await api.action.setBadgeText({ text: '!' });
    await api.action.setTitle({ title: api.i18n.getMessage('statusCoreFailed', [entry.error]) });
  }
}

// One-time tokens: a content script registers a nonce before framing the core page; the page
// accepts a MessageChannel port only with a nonce registered by its own tab. A page script can
// post messages into the frame, but it cannot register nonces.
const nonceKey = (tabId, nonce) => `nonce:${tabId}:${nonce}`;

const handlers = {
  async 'frame.register'(msg, sender) {
    if (!sender.tab || typeof msg.nonce !== 'string') return { ok: false };
    await api.storage.session.set({ [nonceKey(sender.tab.id, msg.nonce)]: Date.now() });
    return { ok: true };
  },
  async 'frame.verify'(msg, sender) {
    if (!sender.tab || typeof msg.nonce !== 'string') return { ok: false };
    const key = nonceKey(sender.tab.id, msg.nonce);
    const found = await api.storage.session.get(key);
    if (!(key in found)) return { ok: false };
    await api.storage.session.remove(key);
    return { ok: true };
  },
  async 'core.failed'(msg) {
    await recordStatus({ ok: false, error: String(msg.error ?? 'unknown error'), where: 'page' });
    return { ok: true };
  },
  async 'status.get'() {
    const stored = (await api.storage.session.get(STATUS_KEY))[STATUS_KEY];
    if (stored) return stored;
    try {
      return { ok: true, version: await coreReady };
    } catch (err) {
      return { ok: false, error: describe(err) };
    }
  },
};

// Each job's module adds its own message types: policy.* (policy.js), report.* (tickets.js),
// sites.* (sites.js), gate.override and overrides.* (overrides.js), backstop.* (backstop.js).
Object.assign(handlers, policyHandlers, ticketHandlers, siteHandlers, overrideHandlers, backstopHandlers);

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const handler = msg && Object.hasOwn(handlers, msg.type) && handlers[msg.type];
  if (!handler) return false;
  handler(msg, sender).then(sendResponse, (err) => sendResponse({ ok: false, error: describe(err) }));
  return true; // answer asynchronously
});
