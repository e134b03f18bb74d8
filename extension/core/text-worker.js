// Text worker: checks a huge post (a big paste) with the core, off every main thread.
//
// A 5 MB text takes the core a good part of a second; in Firefox the extension frame may share
// the page's main thread, so a scan there would freeze the site. Posts above LARGE_TEXT
// (large-text.js) are checked here instead; the compiled checker is kept while the policy and
// the site stay the same.
import init, { TextChecker } from './pkg/safepost.js';

const ready = init({ module_or_path: new URL('./pkg/safepost_bg.wasm', import.meta.url) });
let key = null;
let checker = null;

function checkerFor(policyJson, site) {
  const k = `${site}\n${policyJson ?? ''}`;
  if (k === key) return checker;
  checker?.free?.();
  checker = null;
  try {
    checker = new TextChecker(policyJson ?? undefined, site || undefined);
  } catch {
    // A policy the core cannot compile: the shipped default still protects (as core.js does).
    checker = new TextChecker(undefined, site || undefined);
  }
  key = k;
  return checker;
}

self.onmessage = async (ev) => {
  const { id, policyJson, site, text } = ev.data || {};
  try {
    await ready;
    self.postMessage({ id, result: checkerFor(policyJson, String(site || '')).check(String(text ?? '')) });
  } catch (err) {
    self.postMessage({ id, error: (err && err.message) || String(err) });
  }
};
