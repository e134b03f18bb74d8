// Runs bench/text.html in headless Chromium: the wasm TextChecker against the JavaScript regex
// loop (../shared/bench/textscan/scanner.js) on the same page, same texts, one run.
//
//   node bench/text-bench.mjs            # uses dist/chrome/extension/core/pkg (scripts/build.sh)
//   SAFEPOST_PKG=dir node bench/text-bench.mjs   # another wasm-bindgen --target web output
//   TEXTSCAN_WORKLOAD=dir ...            # another workload (gen.js SEED=N)
//   BENCH_SERVE=1 ...                    # only serve the page (prints its URL) for a manual run
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SHARED = process.env.TEXTSCAN_DIR || resolve(ROOT, '../shared/bench/textscan');
const WORKLOAD = process.env.TEXTSCAN_WORKLOAD || join(SHARED, 'workload');
const PKG = process.env.SAFEPOST_PKG || join(ROOT, 'dist/chrome/extension/core/pkg');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8' };

/** Maps a request path to a file, only under the few directories the page needs. */
function fileFor(url) {
  const path = decodeURIComponent(new URL(url, 'http://x').pathname);
  if (path.includes('..')) return null;
  const roots = [['/pkg/', PKG], ['/workload/', WORKLOAD], ['/shared/', SHARED]];
  for (const [prefix, dir] of roots) if (path.startsWith(prefix)) return join(dir, path.slice(prefix.length));
  if (path === '/' || path === '/text.html') return join(ROOT, 'bench/text.html');
  return null;
}

const server = createServer(async (req, res) => {
  const file = fileFor(req.url);
  try {
    if (!file) throw new Error('not found');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/text.html`;
if (process.env.BENCH_SERVE) {
  console.log(`serving ${url} (Ctrl-C to stop)`);
} else {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--headless=new'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
    await page.goto(url);
    await page.waitForFunction(() => window.__results, null, { timeout: 600_000, polling: 500 });
    const r = await page.evaluate(() => window.__results);
    if (r.error) throw new Error(r.error);
    console.log(`Chromium ${browser.version()}, core ${r.core}, pkg ${PKG}`);
    console.log(`instantiate ${r.instantiateMs.toFixed(1)} ms, policy compile ${r.compileMs.toFixed(1)} ms ` +
      `(${r.policyErrors} errors), first scan ${r.firstScanMs.toFixed(1)} ms (${r.postFindings} findings); ` +
      `JS: build ${r.jsBuildMs.toFixed(1)} ms, first scan ${r.jsFirstScanMs.toFixed(1)} ms (${r.jsPostMatches} matches)`);
    console.log('| case | median ms | p99 ms | n |\n| --- | --- | --- | --- |');
    for (const c of r.cases) console.log(`| ${c.name} | ${c.median.toFixed(4)} | ${c.p99.toFixed(4)} | ${c.n} |`);
  } finally {
    await browser.close();
    server.close();
  }
}
