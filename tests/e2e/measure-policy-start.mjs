// Measures how long after a browser start the effective policy is known (storage.local
// effectivePolicy written by the service worker). Usage: node tests/e2e/measure-policy-start.mjs
import { launchChromium } from '../support/browsers.mjs';
const t0 = Date.now();
const b = await launchChromium();
const tLaunch = Date.now() - t0;
const sw = b.serviceWorker;
let tPolicy = null;
for (let i = 0; i < 400; i++) {
  const has = await sw.evaluate(async () => !!(await chrome.storage.local.get('effectivePolicy')).effectivePolicy).catch(() => false);
  if (has) { tPolicy = Date.now() - t0; break; }
  await new Promise((r) => setTimeout(r, 25));
}
const marks = await sw.evaluate(() => globalThis.__safepostTimings || null).catch(() => null);
console.log(JSON.stringify({ launchMs: tLaunch, policyKnownMs: tPolicy, marks }));
await b.close();
