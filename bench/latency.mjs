// Keystroke-to-finding latency of the live check, in real Chromium and Firefox ESR with the built
// extension (dist/), on bench/latency.html served with the strict CSP real sites send.
//
// For each trial the composer holds a post whose card number lacks its last digit (no `block`
// finding: the 15 digits read as a phone number, a warning);
// the benchmark presses that digit and measures, in wall-clock milliseconds shared by the page
// and the extension frame, the time from the keydown to the moment SafePost's panel shows the
// finding. That time includes the deliberate 120 ms debounce (checks run when typing pauses, never
// on the keystroke's path). It also records keydown-to-next-frame for every key typed, with and
// without the extension (Chromium), to show typing itself is not slowed down.
//
// Usage: node bench/latency.mjs [--trials N] [--out docs/benchmarks/latency.md]
import { createServer } from 'node:http';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { STRICT_CSP } from '../tests/support/server.mjs';
import { ROOT, CHROMIUM_ARGS, launchChromium, launchFirefox } from '../tests/support/browsers.mjs';
import { safepostFrame, distDirs } from '../tests/support/extension-ui.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const TRIALS = Number(opt('--trials', 30));
const OUT = join(ROOT, opt('--out', 'docs/benchmarks/latency.md'));

const CARD_PREFIX = '4539 1488 0343 646'; // + '7' completes a valid (non-test) Visa number
const SHORT = 'Booked the offsite for Thursday, paying with ';
const LONG = `${'Quarterly update: the team shipped the new onboarding flow and the metrics look good. '.repeat(24)}Paying with `;

function serve() {
  const server = createServer(async (req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '') || 'latency.html';
    if (!/^latency\.(html|js)$/.test(name)) { res.writeHead(404).end(); return; }
    const body = await readFile(join(ROOT, 'bench', name));
    res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8',
      'content-security-policy': STRICT_CSP, 'cache-control': 'no-store' }).end(body);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const stats = (xs) => ({ n: xs.length, p50: pct(xs, 50), p90: pct(xs, 90), max: Math.max(...xs) });

async function until(fn, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

async function run(name, page, withExtension) {
  const result = { name, short: [], long: [], frames: [] };
  await page.click('#post');
  await page.keyboard.type('Warm-up 4539 1488 0343 6467');
  if (!withExtension) {
    // Typing responsiveness only.
    await page.evaluate(() => { window.benchFrames.length = 0; });
    await page.keyboard.type(SHORT + CARD_PREFIX, { delay: 15 });
    await sleep(200);
    result.frames = await page.evaluate(() => window.benchFrames);
    return result;
  }
  const frame = await safepostFrame(page);
  await until(() => frame.evaluate(() => document.getElementById('count')?.dataset.count === '1'));
  for (const [kind, prefix] of [['short', SHORT], ['long', LONG]]) {
    for (let i = 0; i < TRIALS; i++) {
      await page.evaluate((text) => {
        const ta = document.getElementById('post');
        ta.value = text;
        ta.setSelectionRange(text.length, text.length);
        ta.dispatchEvent(new Event('input', { bubbles: true }));
      }, prefix + CARD_PREFIX);
      await until(() => frame.evaluate(() => { const p = document.getElementById('count'); return p && p.dataset.severity !== 'block'; }));
      await frame.evaluate(() => {
        window.benchFound = 0;
        const obs = new MutationObserver(() => {
          if (!window.benchFound && document.getElementById('count')?.dataset.severity === 'block') {
            window.benchFound = performance.timeOrigin + performance.now();
            obs.disconnect();
          }
        });
        obs.observe(document.getElementById('panel'), { subtree: true, childList: true, attributes: true });
      });
      await page.evaluate(() => { window.benchKeys.length = 0; });
      await page.keyboard.press('7');
      const found = await until(() => frame.evaluate(() => window.benchFound));
      const [key] = await page.evaluate(() => window.benchKeys);
      result[kind].push(found - key.at);
    }
  }
  await page.evaluate(() => { window.benchFrames.length = 0; });
  await page.keyboard.type(` and more text ${CARD_PREFIX}`, { delay: 15 });
  await sleep(300);
  result.frames = await page.evaluate(() => window.benchFrames);
  return result;
}

const { server, url } = await serve();
const results = [];
try {
  {
    const b = await launchChromium(distDirs().chrome ? { extensionDir: distDirs().chrome } : {});
    try { results.push(await run('Chromium', await b.context.newPage().then(async (p) => { await p.goto(url); return p; }), true)); }
    finally { await b.close(); }
  }
  {
    // No SafePost: a baseline for typing responsiveness.
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
      args: [...CHROMIUM_ARGS, '--headless=new'] });
    try { results.push(await run('Chromium, no extension', await browser.newPage().then(async (p) => { await p.goto(url); return p; }), false)); }
    finally { await browser.close(); }
  }
  {
    const b = await launchFirefox(distDirs().firefox ? { extensionDir: distDirs().firefox } : {});
    try { results.push(await run('Firefox ESR', await b.browser.newPage().then(async (p) => { await p.goto(url); return p; }), true)); }
    finally { await b.close(); }
  }
} finally {
  server.close();
}

const fmt = (v) => `${v.toFixed(1)} ms`;
const cpu = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' }).trim();
const lines = [
  '# Keystroke-to-finding latency',
  '',
  `Measured by \`node bench/latency.mjs\` on ${new Date().toISOString().slice(0, 10)}: headless browsers, ${cpu}, ` +
  `${(await import('node:os')).cpus().length} cores shared with other work; ${TRIALS} trials per row.`,
  '',
  'From the keydown of the digit that completes a card number to SafePost\'s panel (in the extension frame)',
  'showing the `block` finding. It includes the 120 ms debounce by design: the check runs when typing pauses, off the',
  `keystroke's path. "Short" is a ${SHORT.length + CARD_PREFIX.length + 1}-character post; "long" a ${LONG.length + CARD_PREFIX.length + 1}-character one.`,
  '',
  '| browser | post | p50 | p90 | max | above the debounce (p50) |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const r of results) {
  for (const kind of ['short', 'long']) {
    if (!r[kind].length) continue;
    const s = stats(r[kind]);
    lines.push(`| ${r.name} | ${kind} | ${fmt(s.p50)} | ${fmt(s.p90)} | ${fmt(s.max)} | ${fmt(s.p50 - 120)} |`);
  }
}
lines.push('', 'Typing responsiveness: keydown to the next animation frame, for every key typed.', '',
  '| browser | keys | p50 | p90 | max |', '| --- | --- | --- | --- | --- |');
for (const r of results) {
  if (!r.frames.length) continue;
  const s = stats(r.frames);
  lines.push(`| ${r.name} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p90)} | ${fmt(s.max)} |`);
}
lines.push('');
await mkdir(dirname(OUT), { recursive: true });
await writeFile(OUT, lines.join('\n'));
console.log(lines.join('\n'));
