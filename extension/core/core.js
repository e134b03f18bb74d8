// The core page: the extension page that content scripts frame into a site.
//
// It runs the Rust core (WebAssembly is allowed here whatever the site's CSP), answers the
// content script over the private MessageChannel it was given, and draws SafePost's on-page UI
// (extension/ui/panel.js) where page scripts cannot read or forge it. Media inspection runs in a
// dedicated worker (media-worker.js) because it reads Files synchronously, slice by slice.
import init, { TextChecker, coreVersion } from './pkg/safepost.js';
import { Panel } from '../ui/panel.js';

const api = globalThis.browser ?? globalThis.chrome;

const wasmReady = init({ module_or_path: new URL('./pkg/safepost_bg.wasm', import.meta.url) });
wasmReady.catch(() => {}); // handled in accept(): reported to the content script, never thrown

let port = null;
const checkers = new Map(); // site -> TextChecker
let panel = null;

function checkerFor(site) {
  let checker = checkers.get(site);
  if (!checker) {
    checker = new TextChecker(undefined, site || undefined);
    checkers.set(site, checker);
  }
  return checker;
}

const handlers = {
  'check-text'(msg) {
    const findings = checkerFor(msg.site).check(String(msg.text ?? ''));
    panel.showFindings(findings);
    return { findings };
  },
  version() {
    return { version: coreVersion() };
  },
  'inspect-upload'(msg) {
    return media('inspect', { file: msg.file });
  },
  'strip-upload'(msg) {
    return media('strip', { file: msg.file, mode: msg.mode });
  },
};

// One media worker per frame, started on the first upload.
let worker = null;
let mediaSeq = 0;
const mediaPending = new Map();
function media(type, payload) {
  if (!worker) {
    worker = new Worker(new URL('./media-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (ev) => {
      const p = mediaPending.get(ev.data.id);
      if (!p) return;
      mediaPending.delete(ev.data.id);
      if (ev.data.error) p.reject(new Error(ev.data.error));
      else p.resolve(ev.data.result);
    };
  }
  const id = ++mediaSeq;
  return new Promise((resolve, reject) => {
    mediaPending.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...payload });
  });
}

function send(msg) {
  if (port) port.postMessage(msg);
}

async function onRequest(ev) {
  const msg = ev.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.id === undefined) return panel.onHostMessage(msg);
  const handler = handlers[msg.type];
  try {
    if (!handler) throw new Error(`unknown request ${msg.type}`);
    const result = await handler(msg);
    send({ reply: msg.id, result });
  } catch (err) {
    send({ reply: msg.id, error: (err && err.message) || String(err) });
  }
}

async function accept(candidate, nonce) {
  const verdict = await api.runtime.sendMessage({ type: 'frame.verify', nonce }).catch(() => null);
  if (port || !verdict || !verdict.ok) {
    candidate.close();
    return;
  }
  port = candidate;
  try {
    await wasmReady;
  } catch (err) {
    const error = `the SafePost core failed to load: ${(err && err.message) || err}`;
    port.postMessage({ type: 'failed', error });
    return;
  }
  panel = new Panel({ send, i18n: (key, subs) => api.i18n.getMessage(key, subs) });
  port.onmessage = onRequest;
  port.postMessage({ type: 'ready', version: coreVersion() });
}

// Only the first verified connection from the framing window is accepted. A page script can post
// into this frame too, but it cannot register a nonce with the service worker.
addEventListener('message', (ev) => {
  const data = ev.data;
  if (port || ev.source !== parent || !data || data.safepost !== 'connect' || ev.ports.length !== 1) return;
  accept(ev.ports[0], String(data.nonce));
});
