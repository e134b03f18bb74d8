// SafePost content script: the bridge to the core.
//
// The core (Rust compiled to WebAssembly) cannot run in a content script on strict-CSP sites, so
// it runs in an extension page framed into the site (extension/core/core.html). This file frames
// it on first use, inside a closed shadow root, and talks to it over a private MessageChannel
// whose port the page never sees. It also places that frame, which doubles as SafePost's
// unforgeable on-page UI (the findings panel). Exposes `globalThis.SafePostCore` to the other
// content scripts of this isolated world.
(() => {
  'use strict';
  if (globalThis.SafePostCore) return;
  const api = globalThis.browser ?? globalThis.chrome;
  const CONNECT_TIMEOUT_MS = 10000;

  let connecting = null; // Promise<void> once started
  let port = null;
  let host = null; // the element that holds the closed shadow root
  let frame = null;
  let seq = 0;
  const pending = new Map();
  const listeners = new Set();

  function makeFrame() {
    host = document.createElement('safepost-ui');
    host.style.cssText = 'position: fixed; margin: 0; padding: 0; border: 0; z-index: 2147483647; inset: auto 16px 16px auto; ' +
      'width: 0; height: 0; display: block; pointer-events: none;';
    const shadow = host.attachShadow({ mode: 'closed' });
    frame = document.createElement('iframe');
    frame.setAttribute('title', 'SafePost');
    frame.setAttribute('allowtransparency', 'true');
    frame.style.cssText = 'border: 0; width: 100%; height: 100%; background: transparent; color-scheme: light dark; ' +
      'pointer-events: auto; display: block;';
    frame.src = api.runtime.getURL('extension/core/core.html');
    shadow.append(frame);
    (document.body ?? document.documentElement).append(host);
    return frame;
  }

  function onPortMessage(ev) {
    const msg = ev.data;
    if (!msg || typeof msg !== 'object') return;
    if (msg.reply !== undefined) {
      const p = pending.get(msg.reply);
      if (!p) return;
      pending.delete(msg.reply);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
      return;
    }
    if (msg.type === 'layout') place(msg);
    for (const fn of listeners) {
      try { fn(msg); } catch (err) { console.warn('SafePost listener failed', err); }
    }
  }

  async function connect() {
    const nonce = crypto.randomUUID();
    // The background (a Firefox event page, a Chromium worker) may still be starting: retry briefly.
    let registered = null;
    for (let attempt = 0; ; attempt++) {
      try {
        registered = await api.runtime.sendMessage({ type: 'frame.register', nonce });
        break;
      } catch (err) {
        if (attempt >= 8) throw err;
        await new Promise((r) => setTimeout(r, 150 * (attempt + 1)));
      }
    }
    if (!registered || !registered.ok) throw new Error('the SafePost service worker did not answer');
    const f = makeFrame();
    // URL.origin is "null" for extension schemes in some engines: derive it from the base URL.
    const origin = api.runtime.getURL('/').replace(/\/$/, '');
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the SafePost core did not start in time')), CONNECT_TIMEOUT_MS);
      f.addEventListener('load', () => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (ev) => {
          const msg = ev.data;
          if (msg && msg.type === 'ready') {
            clearTimeout(timer);
            port = channel.port1;
            port.onmessage = onPortMessage;
            resolve();
          } else if (msg && msg.type === 'failed') {
            clearTimeout(timer);
            reject(new Error(msg.error || 'the SafePost core failed to load'));
          }
        };
        f.contentWindow.postMessage({ safepost: 'connect', nonce }, origin, [channel.port2]);
      }, { once: true });
    });
  }

  /** Starts the core once; later calls share the same promise. Failures are reported to the toolbar. */
  function ready() {
    if (!connecting) {
      connecting = connect().catch((err) => {
        api.runtime.sendMessage({ type: 'core.failed', error: err.message }).catch(() => {});
        if (host) host.remove();
        host = null; frame = null; port = null;
        // A later request (the next focus, the next file) tries again, at most every 5 s.
        setTimeout(() => { connecting = null; }, 5000);
        throw err;
      });
    }
    return connecting;
  }

  /** Sends a request to the core; resolves with its result. `transfer` lists transferables. */
  async function request(type, payload = {}, transfer = []) {
    await ready();
    const id = ++seq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      port.postMessage({ id, type, ...payload }, transfer);
    });
  }

  // The frame asks for its size (collapsed pill, expanded panel, modal dialog); it is anchored to
  // the bottom-right corner of the composer it serves, or centred for dialogs.
  let anchor = null;
  let size = { width: 0, height: 0, modal: false };
  function place(msg) {
    if (msg) size = { width: msg.width | 0, height: msg.height | 0, modal: !!msg.modal };
    if (!host) return;
    const s = host.style;
    if (size.modal) {
      s.inset = '0'; s.width = '100vw'; s.height = '100vh';
      // Dialogs take the keyboard: focus moves into the frame (the dialog focuses its default
      // button); the content script that opened the dialog returns focus to the composer.
      if (frame && msg) frame.focus();
      return;
    }
    s.width = `${size.width}px`; s.height = `${size.height}px`;
    const r = anchor && anchor.isConnected ? anchor.getBoundingClientRect() : null;
    if (!r || (r.width === 0 && r.height === 0)) {
      s.inset = 'auto 16px 16px auto';
      return;
    }
    // Inside the composer's bottom-right corner, like a writing assistant; an expanded panel
    // opens below the composer (or above it when there is no room below).
    const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
    const left = Math.max(4, Math.min(vw - size.width - 4, r.right - size.width - 6));
    let top = size.height > 48 ? r.bottom + 6 : r.bottom - size.height - 6;
    if (top + size.height > vh - 4) top = Math.max(4, r.top - size.height - 6);
    s.inset = `${Math.round(top)}px auto auto ${Math.round(left)}px`;
  }
  addEventListener('scroll', () => place(), { passive: true, capture: true });
  addEventListener('resize', () => place(), { passive: true });

  /**
   * What the company wants when the core cannot run (`fail_mode`: open, warn, closed), from the
   * service worker; `warn` when even that cannot be asked.
   */
  async function failMode() {
    try {
      const answer = await api.runtime.sendMessage({ type: 'policy.failMode' });
      return answer && ['open', 'warn', 'closed'].includes(answer.failMode) ? answer.failMode : 'warn';
    } catch {
      return 'warn';
    }
  }

  /**
   * A short notice drawn without the core frame (which is what failed): a closed shadow root in the
   * page's corner, announced to screen readers, gone after a few seconds.
   */
  function fallbackNotice(text) {
    const box = document.createElement('safepost-notice');
    box.style.cssText = 'position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; display: block; margin: 0; padding: 0; border: 0;';
    const root = box.attachShadow({ mode: 'closed' });
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = text;
    p.style.cssText = 'margin: 0; max-width: 360px; padding: 10px 14px; border-radius: 10px; border-left: 4px solid #d1242f; ' +
      'background: #fff; color: #1f2328; font: 13px/1.4 system-ui, sans-serif; box-shadow: 0 4px 16px rgba(0,0,0,.25);';
    root.append(p);
    (document.body ?? document.documentElement).append(box);
    setTimeout(() => box.remove(), 8000);
  }

  globalThis.SafePostCore = Object.freeze({
    failMode,
    fallbackNotice,
    /** A localized string of the extension. */
    t: (key, subs) => api.i18n.getMessage(key, subs) || key,
    ready,
    request,
    /** Anchors the UI frame to `el` (the focused composer). */
    anchorTo(el) { anchor = el; place(); },
    /** Receives the frame's own messages (user choices in the panel and dialogs). */
    onMessage(fn) { listeners.add(fn); },
    /** Sends a one-way message to the frame (no reply expected). */
    post(type, payload = {}) { if (port) port.postMessage({ type, ...payload }); },
  });
})();
