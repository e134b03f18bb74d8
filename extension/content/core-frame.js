// SafePost content script: the bridge to the core.
//
// The core (Rust compiled to WebAssembly) cannot run in a content script on strict-CSP sites, so
// it runs in an extension page framed into the site (extension/core/core.html). This file frames
// it on first use, inside a closed shadow root, and talks to it over a private MessageChannel
// whose port the page never sees. It also places that frame, which doubles as SafePost's
// unforgeable on-page UI (the findings panel). Exposes `globalThis.SafePostCore` to the other
// content scripts of this isolated world.
//
// A hostile page can remove, hide or cover that frame (docs/security.md): the element that holds
// it has a random per-page name (nothing names SafePost), a removed or dead frame is re-created,
// every request ends (answer, or a typed `{code: 'core-unavailable'}` rejection), and while a
// dialog is open the host's style is re-asserted and its visibility reported to the frame
// (`host-state`), which ignores input unless the dialog has really been visible for a while.
(() => {
  'use strict';
  if (globalThis.SafePostCore) return;
  const api = globalThis.browser ?? globalThis.chrome;
  const CONNECT_TIMEOUT_MS = 10000;
  /** A check of a text gets this long, plus a second per 100 KB (a 5 MB paste scans for a while). */
  const CHECK_TIMEOUT_MS = 15000;
  /** Requests that wait for the user (dialogs) have no deadline, but the frame must stay alive. */
  const USER_REQUESTS = new Set(['gate', 'upload']);
  const PING_EVERY_MS = 3000;
  const PING_TIMEOUT_MS = 8000;

  /** A random custom-element name, so a page cannot look SafePost up by its elements' names. */
  const randomName = () => {
    const letters = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String.fromCharCode(97 + (b % 26))).join('');
    return `${letters(4 + (crypto.getRandomValues(new Uint8Array(1))[0] % 4))}-${letters(5)}`;
  };
  const HOST_TAG = randomName();
  const NOTICE_TAG = randomName();

  /** The rejection every caller can act on: the core cannot answer (removed, dead, too slow). */
  function unavailable(reason) {
    return Object.assign(new Error(`the SafePost core is unavailable: ${reason}`), { code: 'core-unavailable' });
  }

  let connecting = null; // Promise<void> once started
  let port = null;
  let host = null; // the element that holds the closed shadow root
  let frame = null;
  let seq = 0;
  const pending = new Map();
  const listeners = new Set();

  function makeFrame() {
    host = document.createElement(HOST_TAG);
    hostStyle({ inset: 'auto 16px 16px auto', width: '0', height: '0' });
    const shadow = host.attachShadow({ mode: 'closed' });
    frame = document.createElement('iframe');
    frame.setAttribute('title', 'SafePost');
    frame.setAttribute('allowtransparency', 'true');
    frame.style.cssText = 'border: 0; width: 100%; height: 100%; background: transparent; color-scheme: light dark; ' +
      'pointer-events: auto; display: block;';
    frame.src = api.runtime.getURL('extension/core/core.html');
    shadow.append(frame);
    // On <html>, after <body>: a site that re-renders its body does not take the frame with it.
    document.documentElement.append(host);
    watchHost();
    return frame;
  }

  /**
   * Writes the host's whole style (the page may have changed any of it); `box` holds the place.
   * Every property is `!important` so a page stylesheet cannot override it.
   */
  let box = { inset: 'auto 16px 16px auto', width: '0', height: '0' };
  function hostStyle(next) {
    if (next) box = next;
    if (!host) return;
    const css = `all: initial; position: fixed; margin: 0; padding: 0; border: 0; z-index: 2147483647; inset: ${box.inset}; ` +
      `width: ${box.width}; height: ${box.height}; display: block; pointer-events: none; opacity: 1; visibility: visible; ` +
      'filter: none; clip-path: none; mask: none; transform: none; mix-blend-mode: normal; overflow: visible; ' +
      'background: transparent; transition: none; animation: none; contain: none;';
    const wanted = css.replace(/;/g, ' !important;');
    if (host.style.cssText !== wanted) host.style.cssText = wanted;
  }

  // A removed host (the page, or a body re-render) takes the frame and its port with it: every
  // pending request is rejected at once and the next request frames the core again.
  let hostObserver = null;
  function watchHost() {
    hostObserver?.disconnect();
    // Moved counts as removed: re-inserting an iframe reloads it, and its port dies with it.
    hostObserver = new MutationObserver(() => {
      if (host && host.parentNode !== document.documentElement) lost('its frame was removed from the page');
    });
    hostObserver.observe(document, { childList: true, subtree: true });
  }

  let generation = 0;
  function lost(reason) {
    hostObserver?.disconnect();
    hostObserver = null;
    if (host) host.remove();
    host = null; frame = null;
    if (port) { try { port.close(); } catch { /* already closed */ } }
    port = null;
    connecting = null;
    generation++;
    stopGuard();
    const err = unavailable(reason);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    if (connectAbort) connectAbort(err);
  }
  let connectAbort = null;

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
    if (msg.type === 'dialog-buttons') buttons = Array.isArray(msg.points) ? msg.points.slice(0, 8) : [];
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
      const timer = setTimeout(() => reject(unavailable('it did not start in time')), CONNECT_TIMEOUT_MS);
      connectAbort = (err) => { clearTimeout(timer); reject(err); };
      f.addEventListener('load', () => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (ev) => {
          const msg = ev.data;
          if (msg && msg.type === 'ready') {
            clearTimeout(timer);
            port = channel.port1;
            port.onmessage = onPortMessage;
            connectAbort = null;
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
      const mine = connect().catch((err) => {
        connectAbort = null;
        if (connecting && connecting !== mine) return connecting; // already started again
        // Removed by the page before it connected: frame it again (a few times), not a failure.
        if (err.code === 'core-unavailable' && removals < 3 && /removed/.test(err.message)) {
          removals++;
          connecting = null;
          return ready();
        }
        api.runtime.sendMessage({ type: 'core.failed', error: err.message }).catch(() => {});
        hostObserver?.disconnect();
        if (host) host.remove();
        host = null; frame = null; port = null;
        // A later request (the next input, the next file) tries again, at most every 5 s.
        setTimeout(() => { if (connecting === mine) connecting = null; }, 5000);
        throw err.code ? err : unavailable(err.message);
      });
      connecting = mine;
      mine.then(() => { removals = 0; }, () => {});
    }
    return connecting;
  }
  let removals = 0;

  /** Sends a request to the core; resolves with its result. `transfer` lists transferables. */
  // Rejects with `{code: 'core-unavailable'}` when the frame is removed, stops answering, or a
  // check takes longer than its deadline; never waits forever.
  async function request(type, payload = {}, transfer = []) {
    if (host && host.parentNode !== document.documentElement) lost('its frame was removed from the page');
    await ready();
    if (!port) throw unavailable('it is not connected');
    const id = ++seq;
    return new Promise((resolve, reject) => {
      let timer = 0;
      const done = (fn) => (v) => { clearTimeout(timer); clearInterval(timer); pending.delete(id); fn(v); };
      pending.set(id, { resolve: done(resolve), reject: done(reject) });
      if (USER_REQUESTS.has(type)) {
        // The user may take their time; the frame must still answer a ping.
        const mine = generation;
        timer = setInterval(() => {
          if (mine !== generation || !pending.has(id)) return clearInterval(timer);
          ping().catch(() => { if (mine === generation) lost('its frame stopped answering'); });
        }, PING_EVERY_MS);
      } else {
        const size = typeof payload.text === 'string' ? payload.text.length : 0;
        const ms = CHECK_TIMEOUT_MS + Math.ceil(size / 100000) * 1000;
        timer = setTimeout(() => pending.get(id)?.reject(unavailable('it did not answer in time')), ms);
      }
      const xfer = [...transfer];
      port.postMessage({ id, type, ...wire(payload, xfer) }, xfer);
    });
  }

  // A long text goes as UTF-8 bytes, transferred: Firefox spends ~200 ms of the page's main thread
  // cloning a 5 MB string into a port, encoding and transferring it costs a few. (A lone surrogate
  // becomes U+FFFD, one UTF-16 unit for one, so offsets stay the same.)
  const WIRE_BYTES_FROM = 64 * 1024;
  function wire(payload, transfer) {
    if (typeof payload.text !== 'string' || payload.text.length < WIRE_BYTES_FROM) return payload;
    const { text, ...rest } = payload;
    const bytes = new TextEncoder().encode(text).buffer;
    transfer.push(bytes);
    return { ...rest, text_utf8: bytes };
  }

  /** Resolves when the frame answers a `version` request within PING_TIMEOUT_MS. */
  function ping() {
    if (!port) return Promise.reject(unavailable('it is not connected'));
    const id = ++seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { pending.delete(id); reject(unavailable('no answer')); }, PING_TIMEOUT_MS);
      pending.set(id, { resolve: (v) => { clearTimeout(timer); resolve(v); }, reject: (e) => { clearTimeout(timer); reject(e); } });
      port.postMessage({ id, type: 'version' });
    });
  }

  // The frame asks for its size (collapsed pill, expanded panel, modal dialog); it is anchored to
  // the bottom-right corner of the composer it serves, or centred for dialogs.
  let anchor = null;
  let size = { width: 0, height: 0, modal: false };
  function place(msg) {
    if (msg) size = { width: msg.width | 0, height: msg.height | 0, modal: !!msg.modal };
    if (!host) return;
    if (size.modal) {
      hostStyle({ inset: '0', width: '100vw', height: '100vh' });
      startGuard();
      // Dialogs take the keyboard: focus moves into the frame (the dialog focuses its default
      // button); the content script that opened the dialog returns focus to the composer.
      if (frame && msg) frame.focus();
      return;
    }
    stopGuard();
    const width = `${size.width}px`, height = `${size.height}px`;
    const r = anchor && anchor.isConnected ? anchor.getBoundingClientRect() : null;
    if (!r || (r.width === 0 && r.height === 0)) {
      hostStyle({ inset: 'auto 16px 16px auto', width, height });
      return;
    }
    // Inside the composer's bottom-right corner, like a writing assistant; an expanded panel
    // opens below the composer (or above it when there is no room below).
    const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
    const left = Math.max(4, Math.min(vw - size.width - 4, r.right - size.width - 6));
    let top = size.height > 48 ? r.bottom + 6 : r.bottom - size.height - 6;
    if (top + size.height > vh - 4) top = Math.max(4, r.top - size.height - 6);
    hostStyle({ inset: `${Math.round(top)}px auto auto ${Math.round(left)}px`, width, height });
  }

  // ---- While a dialog is open: the host is kept in the top layer (a popover, above anything the
  // page draws), its style re-asserted, and its visibility checked every few frames: computed
  // style (opacity, filter, clip, transform, visibility), what is hit at the dialog's buttons,
  // and no page element in the top layer above it. The result goes to the frame as `host-state`
  // with the time it has been visible since; the frame acts on input only after a quiet period.
  let guardTimer = 0;
  let visibleSince = 0;
  let buttons = []; // [{x, y}] centres of the dialog's buttons, in viewport pixels
  const TOP_LAYER = ':popover-open, :modal, :fullscreen';

  function toTopLayer() {
    if (!host || typeof host.showPopover !== 'function') return;
    if (host.getAttribute('popover') !== 'manual') host.setAttribute('popover', 'manual');
    try {
      if (host.matches(':popover-open')) host.hidePopover();
      host.showPopover();
    } catch { /* not connected yet */ }
  }

  /** Why the host is not seen as it should be ('' when it is): the reason goes to the frame. */
  function hostHidden() {
    if (!host || !host.isConnected) return 'removed';
    if (typeof host.showPopover === 'function' && !host.matches(':popover-open')) return 'not in the top layer';
    // A page element shown in the top layer after ours would be drawn above it.
    for (const el of document.querySelectorAll(TOP_LAYER)) if (el !== host) return 'a page element above it';
    const cs = getComputedStyle(host);
    if (cs.opacity !== '1' || cs.visibility !== 'visible' || cs.display === 'none' || cs.filter !== 'none' ||
      cs.clipPath !== 'none' || (cs.maskImage && cs.maskImage !== 'none') || cs.transform !== 'none' ||
      cs.mixBlendMode !== 'normal' || cs.contentVisibility === 'hidden') return 'restyled';
    const root = getComputedStyle(document.documentElement);
    if (root.opacity !== '1' || root.filter !== 'none') return 'page restyled';
    const r = host.getBoundingClientRect();
    if (r.width < innerWidth * 0.9 || r.height < innerHeight * 0.9) return `small ${Math.round(r.width)}x${Math.round(r.height)}`;
    for (const p of buttons) {
      const x = Number(p.x), y = Number(p.y);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (document.elementFromPoint(x, y) !== host) return `covered at ${Math.round(x)},${Math.round(y)}`;
    }
    return '';
  }

  function guardTick() {
    if (!host) return;
    const before = host.style.cssText;
    hostStyle();
    let moved = before !== host.style.cssText;
    if (moved || (typeof host.showPopover === 'function' && !host.matches(':popover-open'))) { toTopLayer(); moved = true; }
    const why = moved ? 'moved' : hostHidden();
    const ok = !why;
    if (!ok) visibleSince = 0;
    else if (!visibleSince) visibleSince = performance.now();
    if (port) port.postMessage({ type: 'host-state', visible: ok, why, visibleFor: ok ? Math.round(performance.now() - visibleSince) : 0 });
  }

  function startGuard() {
    if (guardTimer) return;
    visibleSince = 0;
    toTopLayer();
    guardTimer = setInterval(guardTick, 50);
    guardTick();
  }

  function stopGuard() {
    clearInterval(guardTimer);
    guardTimer = 0;
    visibleSince = 0;
    buttons = [];
    if (host && typeof host.hidePopover === 'function' && host.matches(':popover-open')) {
      try { host.hidePopover(); } catch { /* gone */ }
    }
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
    const box = document.createElement(NOTICE_TAG);
    box.style.cssText = 'all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; display: block; margin: 0; padding: 0; border: 0;';
    const root = box.attachShadow({ mode: 'closed' });
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = text;
    p.style.cssText = 'margin: 0; max-width: 360px; padding: 10px 14px; border-radius: 10px; border-left: 4px solid #d1242f; ' +
      'background: #fff; color: #1f2328; font: 13px/1.4 system-ui, sans-serif; box-shadow: 0 4px 16px rgba(0,0,0,.25);';
    root.append(p);
    document.documentElement.append(box);
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
