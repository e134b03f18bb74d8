// Where a post is checked: short ones at once in the frame (every keystroke), huge ones in
// text-worker.js, so that neither the frame nor (in Firefox, where they may share it) the page's
// main thread stalls on a big paste. One worker per frame, started on the first huge post.
export const LARGE_TEXT = 256 * 1024; // UTF-16 units

let worker = null;
let seq = 0;
const pending = new Map();

function start() {
  worker = new Worker(new URL('./text-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (ev) => {
    const p = pending.get(ev.data && ev.data.id);
    if (!p) return;
    pending.delete(ev.data.id);
    if (ev.data.error) p.reject(new Error(ev.data.error));
    else p.resolve(ev.data.result);
  };
  worker.onerror = (ev) => {
    ev.preventDefault?.();
    for (const p of pending.values()) p.reject(new Error('the text worker failed'));
    pending.clear();
    worker = null;
  };
}

/** Findings for `text` under the policy document `policyJson` (undefined: the default) on `site`. */
export function checkInWorker(policyJson, site, text) {
  if (!worker) start();
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, policyJson, site, text });
  });
}
