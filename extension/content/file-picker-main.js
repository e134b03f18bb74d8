// SafePost page-world script: `showOpenFilePicker()` uploads (Chromium's File System Access API).
//
// The picker's files never pass through an event the isolated content scripts can hold, so this
// script, run in the page's own world at document_start (before any page script), wraps
// `showOpenFilePicker` and `FileSystemFileHandle.prototype.getFile`: the picked files go to the
// isolated world (content/uploads.js) for the same inspection as a file input, drop or paste, and
// the site receives the handles only once the user settled them; `getFile()` on such a handle then
// answers the settled (cleaned) file, and a file changed on disk since is inspected again.
//
// Trust: this script decides nothing. The isolated world inspects the files it is given and the
// user answers in SafePost's own frame. The request goes by `window.postMessage` with a private
// port; the isolated listener, registered before any page script, takes it before the page's
// listeners run, so the page never holds the port and cannot answer in SafePost's place. Limits:
// a page can reach the unwrapped API from another realm it creates (a fresh iframe) or keep a
// handle from elsewhere (IndexedDB, drag and drop as a handle, a worker); such reads are not
// inspected. A hostile site could skip any in-page check; SafePost protects users from sending
// what they did not mean to, it cannot make a site honest.
(() => {
  'use strict';
  const w = window;
  if (typeof w.showOpenFilePicker !== 'function' || typeof w.FileSystemFileHandle !== 'function') return;
  const MARK = 'sp-file-check-7d1f';
  const originalPicker = w.showOpenFilePicker;
  const originalGetFile = w.FileSystemFileHandle.prototype.getFile;
  const settled = new WeakMap(); // handle -> {from: the file as picked, file: what the site gets}

  /** Asks the isolated world to inspect `files`; resolves with {action, files}. */
  function inspect(files) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (ev) => {
        channel.port1.close();
        const r = ev.data;
        resolve(r && Array.isArray(r.files) ? r : { action: 'cancel', files: [] });
      };
      w.postMessage({ [MARK]: 'check', files }, w.location.origin === 'null' ? '*' : w.location.origin, [channel.port2]);
    });
  }

  const abort = () => new DOMException('The user aborted a request.', 'AbortError');

  async function showOpenFilePicker(...args) {
    const handles = await originalPicker.apply(this, args);
    const files = await Promise.all(handles.map((h) => originalGetFile.call(h)));
    const result = await inspect(files);
    if (result.action !== 'continue' || result.files.length !== files.length) throw abort();
    handles.forEach((h, i) => settled.set(h, { from: files[i], file: result.files[i] }));
    return handles;
  }

  async function getFile(...args) {
    const file = await originalGetFile.apply(this, args);
    const known = settled.get(this);
    if (!known) return file;
    if (known.from.size === file.size && known.from.lastModified === file.lastModified) return known.file;
    const result = await inspect([file]);
    if (result.action !== 'continue' || result.files.length !== 1) throw abort();
    settled.set(this, { from: file, file: result.files[0] });
    return result.files[0];
  }

  Object.defineProperty(w, 'showOpenFilePicker', { value: showOpenFilePicker, writable: true, configurable: true, enumerable: true });
  Object.defineProperty(w.FileSystemFileHandle.prototype, 'getFile', { value: getFile, writable: true, configurable: true, enumerable: true });
})();
