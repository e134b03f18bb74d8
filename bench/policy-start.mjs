// Measures, after a Chromium start, when the first effective-policy record is published and when
// the policy is known (managed layer read). Not a test (timings are never asserted); results are
// recorded in docs/benchmarks/policy-start.md. Usage: node bench/policy-start.mjs
import { launchChromium } from '../tests/support/browsers.mjs';
const t0 = Date.now();
const b = await launchChromium(process.env.SAFEPOST_DIST ? { extensionDir: `${process.env.SAFEPOST_DIST}/chrome` } : {});
const tLaunch = Date.now() - t0;
const sw = b.serviceWorker;
let firstRecordMs = null;
let knownMs = null;
for (let i = 0; i < 600 && knownMs === null; i++) {
  const e = await sw.evaluate(async () => (await chrome.storage.local.get('effectivePolicy')).effectivePolicy ?? null).catch(() => null);
  if (e && firstRecordMs === null) firstRecordMs = Date.now() - t0;
  if (e && e.provisional === false) knownMs = Date.now() - t0;
  if (e && e.provisional === undefined) knownMs = Date.now() - t0; // the base commit: one record, final
  await new Promise((r) => setTimeout(r, 25));
}
const managedMs = await sw.evaluate(async () => { const t = performance.now(); await chrome.storage.managed.get(null); return Math.round(performance.now() - t); });
console.log(JSON.stringify({ launchMs: tLaunch, firstRecordMs, knownMs, managedGetAfterwardsMs: managedMs }));
await b.close();
