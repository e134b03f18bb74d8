// SafePost content script: upload interception.
//
// Photos and videos reach a site four ways: a file picker (`input`/`change` on an
// <input type="file">), drag and drop, paste, and `showOpenFilePicker()` (whose files the
// page-world wrapper content/file-picker-main.js hands over; see there for its limits). Listeners on `window` in the capture phase,
// registered at document_start, run before any page listener: they hold the event, hand the
// files to the core frame (which inspects them, asks the user and cleans them), and then give the
// site the result as if the user had picked it: the cleaned File goes into `input.files` and
// `input`/`change` are dispatched again, or a new drop/paste event carries it. When the user
// cancels, the site never sees the files. The user's original file is never lost: it is only
// replaced by a cleaned copy the user agreed to (or the policy requires).
(() => {
  'use strict';
  if (globalThis.SafePostUploads) return;
  const core = globalThis.SafePostCore;

  const MEDIA_NAME = /\.(jpe?g|jfif|png|apng|heic|heif|avif|webp|gif|tiff?|dng|jxl|mp4|m4v|mov|qt|3gp|3g2)$/i;
  const isMedia = (f) => /^(image|video)\//.test(f.type) || (!f.type && MEDIA_NAME.test(f.name));

  let replaying = 0;
  const held = new WeakMap(); // file input -> true while its pick is being inspected

  function replay(fn) {
    replaying++;
    try { fn(); } finally { replaying--; }
  }

  function deepActive() {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el;
  }

  /** Hands the files to the core; resolves with `{action: 'continue'|'cancel', files}`. */
  async function inspect(files, via) {
    const focus = deepActive();
    try {
      const result = await core.request('upload', { files, via, site: location.hostname });
      if (!result || !Array.isArray(result.files)) throw new Error('no answer from the core');
      return result;
    } catch (err) {
      // The core is not running (the toolbar says so): the company's fail mode decides whether the
      // site gets exactly what the user gave (open, warn) or nothing (closed).
      console.warn('SafePost: upload check unavailable:', err.message);
      const mode = await core.failMode();
      if (mode === 'closed') {
        core.fallbackNotice(core.t('liveFailUploadClosed'));
        return { action: 'cancel', files: [] };
      }
      if (mode === 'warn') core.fallbackNotice(core.t('liveFailUploadWarn'));
      return { action: 'continue', files };
    } finally {
      if (focus && focus.isConnected && typeof focus.focus === 'function') focus.focus({ preventScroll: true });
    }
  }

  function fileInputOf(ev) {
    const el = ev.composedPath()[0];
    return el && el.localName === 'input' && el.type === 'file' ? el : null;
  }

  // File picker: `input` fires first, then `change`; both are held until the files are settled.
  function onPick(ev) {
    if (replaying) return;
    const input = fileInputOf(ev);
    if (!input) return;
    if (held.get(input)) {
      ev.stopImmediatePropagation();
      return;
    }
    const files = [...(input.files || [])];
    if (!files.some(isMedia)) return;
    ev.stopImmediatePropagation();
    held.set(input, true);
    inspect(files, 'picker').then((result) => {
      held.delete(input);
      if (result.action !== 'continue') {
        input.value = '';
        return;
      }
      if (result.changed) {
        const dt = new DataTransfer();
        for (const f of result.files) dt.items.add(f);
        input.files = dt.files;
      }
      replay(() => {
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
    });
  }
  addEventListener('input', onPick, true);
  addEventListener('change', onPick, true);

  /** What a DataTransfer carries besides files (text, HTML, URLs), read while it is readable. */
  function stringsOf(dt) {
    const out = [];
    for (const type of dt.types || []) {
      if (type === 'Files') continue;
      try { out.push([type, dt.getData(type)]); } catch { /* not readable */ }
    }
    return out;
  }

  function rebuild(files, strings) {
    const dt = new DataTransfer();
    for (const [type, data] of strings) {
      try { dt.setData(type, data); } catch { /* not settable */ }
    }
    for (const f of files) dt.items.add(f);
    return dt;
  }

  /**
   * Firefox hides DataTransfer items added by a content script from the page (each item keeps the
   * principal that added it), and its ClipboardEvent constructor drops `clipboardData`. So in
   * Firefox the DataTransfer and the event are made on the page's side (`wrappedJSObject`, whose
   * calls run with the page's principal), and `clipboardData` is set on the page's event.
   */
  function firefoxEvent(kind, prop, files, strings, init) {
    const W = window.wrappedJSObject;
    const pdt = new W.DataTransfer();
    for (const [type, data] of strings) {
      try { pdt.setData(type, data); } catch { /* not settable */ }
    }
    for (const f of files) pdt.items.add(f);
    const Ctor = kind === 'drop' ? W.DragEvent : W.ClipboardEvent;
    const ev = new Ctor(kind, cloneInto({ ...init, [prop]: pdt }, window, { wrapReflectors: true }));
    if (!(ev[prop] && ev[prop].files && ev[prop].files.length === files.length)) {
      W.Object.defineProperty(ev, prop, cloneInto({ value: pdt, configurable: true, enumerable: true }, window,
        { wrapReflectors: true }));
    }
    return ev;
  }
  const inFirefox = typeof cloneInto === 'function' && !!window.wrappedJSObject;

  /** The event's files; in Firefox also those a page-made event carries on the page's side. */
  function filesOf(ev, prop) {
    const own = ev[prop];
    if (own && own.files && own.files.length) return { dt: own, files: [...own.files] };
    const pageDt = ev.wrappedJSObject && ev.wrappedJSObject[prop];
    if (pageDt && pageDt.files && pageDt.files.length) return { dt: pageDt, files: [...pageDt.files] };
    return { dt: own, files: [] };
  }

  // Drag and drop, and paste: the event is cancelled; a new one carries the settled files.
  function intercept(ev, via, prop, redispatch) {
    if (replaying) return;
    const { dt, files } = filesOf(ev, prop);
    if (!dt) return;
    if (!files.some(isMedia)) return;
    const strings = stringsOf(dt);
    const target = ev.composedPath()[0];
    ev.preventDefault();
    ev.stopImmediatePropagation();
    inspect(files, via).then((result) => {
      if (result.action !== 'continue' || !target.isConnected) return;
      const ev2 = inFirefox ? firefoxEvent(via, prop, result.files, strings, redispatch(null))
        : redispatch(rebuild(result.files, strings));
      replay(() => target.dispatchEvent(ev2));
    });
  }

  addEventListener('drop', (ev) => {
    const { clientX, clientY, screenX, screenY, ctrlKey, shiftKey, altKey, metaKey } = ev;
    const init = { bubbles: true, cancelable: true, composed: true, clientX, clientY, screenX, screenY, ctrlKey, shiftKey, altKey, metaKey };
    intercept(ev, 'drop', 'dataTransfer', (dataTransfer) => (dataTransfer ? new DragEvent('drop', { ...init, dataTransfer }) : init));
  }, true);

  addEventListener('paste', (ev) => {
    const init = { bubbles: true, cancelable: true, composed: true };
    intercept(ev, 'paste', 'clipboardData', (clipboardData) => (clipboardData ? new ClipboardEvent('paste', { ...init, clipboardData }) : init));
  }, true);

  // showOpenFilePicker(): the page-world wrapper (content/file-picker-main.js) hands the picked
  // files over with a private port. This listener is registered at document_start, before any
  // page script's, and takes the message, so the page never sees the port. One request at a time.
  const PICKER_MARK = 'sp-file-check-7d1f';
  let pickerBusy = false;
  addEventListener('message', (ev) => {
    const data = ev.data;
    if (ev.source !== window || !data || typeof data !== 'object' || data[PICKER_MARK] !== 'check') return;
    ev.stopImmediatePropagation();
    const port = ev.ports && ev.ports[0];
    if (!port) return;
    const files = Array.isArray(data.files) ? data.files.filter((f) => f instanceof File) : [];
    const answer = (r) => { try { port.postMessage(r); } finally { port.close(); } };
    if (pickerBusy || files.length !== (data.files || []).length) {
      answer({ action: 'cancel', files: [] });
      return;
    }
    if (!files.some(isMedia)) {
      answer({ action: 'continue', files });
      return;
    }
    pickerBusy = true;
    inspect(files, 'picker').then((result) => answer({ action: result.action, files: result.action === 'continue' ? result.files : [] }),
      () => answer({ action: 'cancel', files: [] })).finally(() => { pickerBusy = false; });
  }, true);

  globalThis.SafePostUploads = Object.freeze({ isMedia });
})();
