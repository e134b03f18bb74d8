// Sites IT adds by policy, in real Chromium: the managed policy lists a host SafePost does not
// know (`sites`); SafePost does not run there until the user allows it from the popup, and then
// runs there (a dynamically registered content script) and finds a card number in the composer.
//
// The host is `it.localhost`: browsers resolve every *.localhost name to loopback, so the test
// server (127.0.0.1) answers it, and it is not among the manifest's static matches.
// Needs root (writes the policy file, always removes it). Skipped otherwise.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { launchChromium, CHROME_EXTENSION_ID, DIST_CHROME } from '../support/browsers.mjs';
import { safepostFrame, waitInFrame } from '../support/extension-ui.mjs';
import { chromiumPolicy, policyFile } from '../support/managed-policy.mjs';

const isRoot = process.getuid?.() === 0;
const EXT = `chrome-extension://${CHROME_EXTENSION_ID}`;
// Its own file name, so it never overwrites another test's policy file.
const POLICY_FILE = '/etc/chromium/policies/managed/safepost-sites-test.json';
const HOST = 'it.localhost';
const PATTERN = `http://*.${HOST}/*`;
const CARD_TEXT = 'Booked the offsite, card 4527 3312 8806 1000 exp 12/29';
const DIST = join(mkdtempSync(join(tmpdir(), 'safepost-chrome-')), 'chrome');

let server;
before(async () => {
  cpSync(process.env.SAFEPOST_CHROME_DIR || DIST_CHROME, DIST, { recursive: true });
  server = await startServer();
});
after(async () => {
  await server?.close();
  rmSync(dirname(DIST), { recursive: true, force: true });
});

const registered = (b) => b.serviceWorker.evaluate(
  async () => (await chrome.scripting.getRegisteredContentScripts()).map((s) => ({ id: s.id, matches: s.matches })));

async function waitFor(fn, what, { timeout = 15000 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}; last: ${JSON.stringify(last)}`);
}

async function typeCard(page) {
  await page.goto(`http://${HOST}:${server.port}/`);
  await page.click('#post-text');
  await page.keyboard.type(CARD_TEXT);
}

describe('Chromium: sites IT adds by policy', { skip: !isRoot && 'needs root to write /etc/chromium/policies' }, () => {
  test('SafePost runs on an IT-added site only after the user allows it in the popup', async () => {
    const file = policyFile(POLICY_FILE);
    let b;
    try {
      file.write(chromiumPolicy({ version: 1, sites: [HOST, 'linkedin.com'] }));
      b = await launchChromium({ extensionDir: DIST });
      await waitFor(() => b.serviceWorker.evaluate(async () => {
        const e = (await chrome.storage.local.get('effectivePolicy')).effectivePolicy;
        return e?.policy?.sites?.includes('it.localhost') ? e.policy.sites : null;
      }), 'the policy\'s sites did not reach the effective policy');

      // Before the grant: no permission, no registered script, no SafePost frame on the page.
      assert.equal(await b.serviceWorker.evaluate((o) => chrome.permissions.contains({ origins: [o] }), PATTERN), false);
      assert.deepEqual(await registered(b), []);
      const page = await b.context.newPage();
      await typeCard(page);
      await assert.rejects(safepostFrame(page, { timeout: 3000 }), /did not appear/);

      // The popup names the one site that needs permission (linkedin.com is already covered).
      const popup = await b.context.newPage();
      await popup.goto(`${EXT}/extension/popup/popup.html`);
      await popup.waitForSelector('#sites[data-missing="1"]:not([hidden])');
      assert.match(await popup.textContent('#sites'), /Your company added 1 site\. Allow SafePost there\./);
      assert.deepEqual(await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'sites.status' })),
        { ok: true, hosts: [HOST], granted: [], missing: [PATTERN] });

      // A real click: the permission request runs in the click's user gesture.
      await popup.click('#sites-allow');
      await popup.waitForSelector('#sites[data-result="granted"]', { timeout: 15000 });
      assert.equal(await b.serviceWorker.evaluate((o) => chrome.permissions.contains({ origins: [o] }), PATTERN), true);
      await waitFor(async () => {
        const r = await registered(b);
        return r.length === 1 && r[0].id === 'safepost-it-sites' && r[0].matches.join() === PATTERN ? r : null;
      }, 'the content scripts were not registered for the granted site');
      assert.equal(await popup.getAttribute('#sites', 'data-missing'), '0');

      // After the grant: SafePost runs on the site and finds the card number.
      await page.bringToFront();
      await typeCard(page);
      const frame = await safepostFrame(page);
      const pill = await waitInFrame(frame, () => {
        const p = document.getElementById('count');
        return p && p.dataset.count === '1' ? { count: 1, severity: p.dataset.severity } : null;
      });
      assert.equal(pill.severity, 'block');

      // Revoking the permission unregisters the script.
      await b.serviceWorker.evaluate((o) => chrome.permissions.remove({ origins: [o] }), PATTERN);
      await waitFor(async () => ((await registered(b)).length === 0 ? true : null), 'the script stayed registered after revoking');
    } finally {
      file.restore();
      await b?.close();
    }
  });
});
