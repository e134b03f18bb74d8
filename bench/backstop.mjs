// Cost of the network backstop per request: the time spent in background/backstop.js `decide()`
// (what the blocking webRequest listener runs), for JSON and URL-encoded bodies of 1 KB, 100 KB
// and 1 MB, in three cases: the tab holds no value (the path every request of an unaffected tab
// takes), the tab holds values and the body is clean (a full scan), and the body carries a held
// value (cancelled). Runs the extension's own module under Node's V8 (the engine of Chromium's
// worker) with a minimal in-memory `chrome` (storage.session, management) around it.
// Usage: node bench/backstop.mjs   (results: docs/benchmarks/backstop.md)
const session = new Map();
globalThis.chrome = {
  runtime: { getURL: (p) => `chrome-extension://bench/${p}`, getManifest: () => ({ host_permissions: [] }), onConnect: { addListener() {} } },
  permissions: { contains: async () => true },
  management: { getSelf: async () => ({ installType: 'admin' }) },
  storage: {
    session: {
      get: async () => Object.fromEntries(session),
      set: async (o) => { for (const [k, v] of Object.entries(o)) session.set(k, v); },
      remove: async (k) => { session.delete(k); },
    },
    onChanged: { addListener() {} },
  },
  webRequest: { onBeforeRequest: { addListener() {} } },
  tabs: { onRemoved: { addListener() {} } },
};
const { decide, backstopHandlers } = await import('../extension/background/backstop.js');

const HELD_TAB = 1;
const FREE_TAB = 2;
const sender = { tab: { id: HELD_TAB }, url: 'chrome-extension://bench/extension/core/core.html' };
await backstopHandlers['backstop.hold']({ frame: 'f1', values: ['4527 3312 8806 1000', 'Project Falcon'] }, sender);

const WORDS = 'the quick brown fox jumps over a lazy dog while our team ships another release on time '.split(' ');
function filler(n) {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${WORDS[i % WORDS.length]} `;
  return s.slice(0, n);
}
const enc = new TextEncoder();
function bodies(size, secret) {
  const text = filler(size - 200) + (secret ? ' card 4527 3312 8806 1000' : ' card number on file');
  return {
    json: { raw: [{ bytes: enc.encode(JSON.stringify({ operationName: 'CreatePost', variables: { input: { text, audience: 'PUBLIC' } } })).buffer }] },
    urlencoded: { raw: [{ bytes: enc.encode(`csrf=abc&status=${encodeURIComponent(text)}`).buffer }] },
  };
}

function time(fn, minMs = 300) {
  for (let i = 0; i < 3; i++) fn(); // warm up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs * 1e6 || n < 5) {
    fn();
    n++;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return elapsed / n / 1e6; // ms per request
}

const rows = [];
for (const [label, size] of [['1 KB', 1024], ['100 KB', 100 * 1024], ['1 MB', 1024 * 1024]]) {
  const clean = bodies(size, false);
  const secret = bodies(size, true);
  for (const enc of ['json', 'urlencoded']) {
    const free = time(() => decide({ tabId: FREE_TAB, requestBody: clean[enc] }));
    const scan = time(() => decide({ tabId: HELD_TAB, requestBody: clean[enc] }));
    const hit = time(() => decide({ tabId: HELD_TAB, requestBody: secret[enc] }));
    if (decide({ tabId: HELD_TAB, requestBody: secret[enc] })?.cancel !== true) throw new Error(`${label} ${enc}: not cancelled`);
    if (decide({ tabId: HELD_TAB, requestBody: clean[enc] })) throw new Error(`${label} ${enc}: clean body cancelled`);
    rows.push(`| ${label} | ${enc} | ${free.toFixed(4)} | ${scan.toFixed(3)} | ${hit.toFixed(3)} |`);
  }
}
console.log(`node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| body | encoding | tab holds nothing (ms) | held, clean body (ms) | held, body carries it: cancelled (ms) |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
