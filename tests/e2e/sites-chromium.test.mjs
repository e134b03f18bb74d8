// Sites IT adds by policy, in real Chromium: the managed policy lists a host SafePost does not
// know (`sites`); SafePost does not run there until the user allows it from the popup, and then
// runs there (a dynamically registered content script) and finds a card number in the composer.
//
// Chromium cannot accept its permission prompt headless (no command-line switch or DevTools call
// grants an optional host permission: `permissions.request` from a real click shows the prompt and
// stays pending; chrome://extensions' developerPrivate.addHostPermission only re-grants withheld
// hosts). So the test clicks "Allow" for real and checks the request is under way (a click without
// a user gesture is refused at once), then grants the way Chromium records a granted optional
// permission, in the profile's Preferences (`extensions.settings.ID.granted_permissions`), and
// starts Chromium again with that profile: SafePost registers its scripts at start-up.
// "Post anyway" on that site is recorded (storage.local `overrides`, without the post's text).
//
// The host is `it.localhost`: browsers resolve every *.localhost name to loopback, so the test
// server (127.0.0.1) answers it, and it is not among the manifest's static matches.
// Needs root (writes the policy file, always removes it). Fails otherwise, unless SAFEPOST_SKIP_ROOT_TESTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { CHROMIUM_ARGS, CHROME_EXTENSION_ID, DIST_CHROME } from '../support/browsers.mjs';
import {
  chooseInDialog, safepostFrame, waitForDialog, waitForPosts, waitInFrame,
} from '../support/extension-ui.mjs';
import { chromiumPolicy, policyFile, needsRoot } from '../support/managed-policy.mjs';

const EXT = `chrome-extension://${CHROME_EXTENSION_ID}`;
// Its own file name, so it never overwrites another test's policy file.
const POLICY_FILE = '/etc/chromium/policies/managed/safepost-sites-test.json';
const HOST = 'it.localhost';
const PATTERN = `http://*.${HOST}/*`;
const CARD_TEXT = 'Booked the offsite, card 4527 3312 8806 1000 exp 12/29';
const DIST = join(mkdtempSync(join(tmpdir(), 'safepost-chrome-')), 'chrome');

const PROFILE = mkdtempSync(join(tmpdir(), 'safepost-sites-profile-'));

let server;
before(async () => {
  cpSync(process.env.SAFEPOST_CHROME_DIR || DIST_CHROME, DIST, { recursive: true });
  server = await startServer();
});
after(async () => {
  await server?.close();
  rmSync(dirname(DIST), { recursive: true, force: true });
  rmSync(PROFILE, { recursive: true, force: true });
});

/** Chromium as launchChromium starts it, but on a profile that survives a restart. */
async function launch() {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(PROFILE, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [...CHROMIUM_ARGS, '--headless=new', `--disable-extensions-except=${DIST}`, `--load-extension=${DIST}`],
    viewport: { width: 1100, height: 800 },
  });
  let [serviceWorker] = context.serviceWorkers();
  if (!serviceWorker) serviceWorker = await context.waitForEvent('serviceworker', { timeout: 15000 });
  return { context, serviceWorker, close: () => context.close().catch(() => {}) };
}

/** What Chromium stores when the user accepts the permission prompt for `pattern`. */
function recordGrant(pattern) {
  const file = join(PROFILE, 'Default', 'Preferences');
  const prefs = JSON.parse(readFileSync(file, 'utf8'));
  const settings = prefs.extensions.settings[CHROME_EXTENSION_ID];
  for (const key of ['granted_permissions', 'active_permissions']) {
    settings[key] ??= {};
    settings[key].explicit_host = [...(settings[key].explicit_host ?? []), pattern];
  }
  writeFileSync(file, JSON.stringify(prefs));
}

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

describe('Chromium: sites IT adds by policy', { skip: needsRoot('/etc/chromium/policies') }, () => {
  test('SafePost runs on an IT-added site only after the user allows it in the popup', async () => {
    const file = policyFile(POLICY_FILE);
    let b;
    try {
      file.write(chromiumPolicy({ version: 1, sites: [HOST, 'linkedin.com'] }));
      b = await launch();
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

      // A real click: the permission request runs in the click's user gesture, so Chromium shows
      // its prompt (and the request stays pending: headless, nobody can answer it).
      await popup.click('#sites-allow');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await popup.getAttribute('#sites', 'data-result'), null, `the request was refused at once: ${await popup.getAttribute('#sites', 'title')}`);
      await b.close();

      // The user accepts: Chromium records the grant in the profile; SafePost registers at start-up.
      recordGrant(PATTERN);
      b = await launch();
      assert.equal(await b.serviceWorker.evaluate((o) => chrome.permissions.contains({ origins: [o] }), PATTERN), true);
      await waitFor(async () => {
        const r = await registered(b);
        return r.length === 1 && r[0].id === 'safepost-it-sites' && r[0].matches.join() === PATTERN ? r : null;
      }, 'the content scripts were not registered for the granted site');
      const popup2 = await b.context.newPage();
      await popup2.goto(`${EXT}/extension/popup/popup.html`);
      await popup2.waitForSelector('#sites[data-missing="0"]', { state: 'attached' });
      assert.equal(await popup2.isHidden('#sites'), true, 'nothing left to allow');
      await popup2.close();

      // After the grant: SafePost runs on the site and finds the card number.
      const page2 = await b.context.newPage();
      await typeCard(page2);
      const frame = await safepostFrame(page2);
      const pill = await waitInFrame(frame, () => {
        const p = document.getElementById('count');
        return p && p.dataset.count === '1' ? { count: 1, severity: p.dataset.severity } : null;
      });
      assert.equal(pill.severity, 'block');

      // "Post anyway" with a justification is recorded, with the redacted preview only.
      const posted = server.posts.length;
      await page2.click('#post');
      await waitForDialog(frame);
      await chooseInDialog(frame, 'post');
      await waitInFrame(frame, () => !document.querySelector('.justification')?.hidden);
      await frame.evaluate(() => { document.getElementById('justification').value = 'Card is a dummy for the demo'; });
      await chooseInDialog(frame, 'post');
      await waitForPosts(server, posted + 1);
      const [override] = await waitFor(() => b.serviceWorker.evaluate(
        async () => (await chrome.storage.local.get('overrides')).overrides ?? null), 'no override was recorded');
      assert.equal(override.site, HOST);
      assert.equal(override.justification, 'Card is a dummy for the demo');
      assert.deepEqual(override.findings.map((f) => [f.rule, f.severity]), [['credit_card', 'block']]);
      assert.ok(!JSON.stringify(override).includes('4527 3312 8806 1000'), `the card number is not stored: ${JSON.stringify(override)}`);
      assert.ok(Math.abs(Date.now() - override.at) < 60000);

      // Revoking the permission unregisters the script.
      await b.serviceWorker.evaluate((o) => chrome.permissions.remove({ origins: [o] }), PATTERN);
      await waitFor(async () => ((await registered(b)).length === 0 ? true : null), 'the script stayed registered after revoking');
    } finally {
      file.restore();
      await b?.close();
    }
  });
});
