// Media worker: inspects and plans the cleaning of photos and videos with the core.
//
// Runs in a dedicated worker because the core reads a File synchronously, one slice at a time
// (FileReaderSync), so a 2 GB video is inspected by reading only its headers and metadata.
// The File arrives by structured clone: its bytes are never copied into this worker.
import init, { inspectBlob, stripBlob } from './pkg/safepost.js';

const ready = init({ module_or_path: new URL('./pkg/safepost_bg.wasm', import.meta.url) });

const handlers = {
  // The policy (JSON text, or undefined for the default) checks the file's caption and title too.
  inspect: (msg) => inspectBlob(msg.file, msg.policy, msg.site || undefined),
  strip: (msg) => stripBlob(msg.file, msg.mode),
};

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await ready;
    const handler = handlers[msg.type];
    if (!handler) throw new Error(`unknown media request ${msg.type}`);
    self.postMessage({ id: msg.id, result: handler(msg) });
  } catch (err) {
    // The core names the kind of problem in `name` (truncated, damaged, ...): the dialog explains
    // it in the user's language and keeps the English detail as the reason.
    self.postMessage({ id: msg.id, error: (err && err.message) || String(err), kind: (err && err.name) || 'Error' });
  }
};
