// The network backstop, end to end: a site that posts by doors the DOM gate never sees (its own
// fetch with \u-escaped JSON, a digits-only card, XMLHttpRequest with URL-encoding, form.submit()
// from script as multipart and URL-encoded, GraphQL variables as JSON and inside a form field).
// With a `block` finding in the composer, each request is cancelled before it leaves (the server
// receives nothing) and the gate dialog opens in the tab; after "Post anyway" with a reason,
// exactly that text goes through once, and the next attempt is stopped again. Unrelated traffic
// (a clean post, an analytics beacon, an image) passes meanwhile.
//
// Chromium: SafePost force-installed by policy (a CRX, an update manifest on 127.0.0.1 and
// ExtensionInstallForcelist; needs root); loaded unpacked, Chromium drops blocking webRequest, so
// there the popup says the backstop is off (and the site's fetch does go out: the DOM gate alone
// runs). Firefox ESR: the temporary add-on keeps blocking webRequest.
// SAFEPOST_CHROME_DIR / SAFEPOST_FIREFOX_DIR run it against another unpacked build (such as an older one).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackstopSite } from '../support/backstop-site.mjs';
import { launchChromium, launchFirefox, openFirefoxExtensionPage, DIST_CHROME, DIST_FIREFOX } from '../support/browsers.mjs';
import { launchPolicyChromium } from '../support/force-install.mjs';
import { needsRoot } from '../support/managed-policy.mjs';
import {
  safepostFrame, waitInFrame, waitForDialog, waitForNoDialog, chooseInDialog,
} from '../support/extension-ui.mjs';

const CHROME = process.env.SAFEPOST_CHROME_DIR || DIST_CHROME;
const FIREFOX = process.env.SAFEPOST_FIREFOX_DIR || DIST_FIREFOX;
const TEXT = 'Reimburse me on 4527 3312 8806 1000 for the offsite, thanks';
const CLEAN = 'Great offsite this week, thanks everyone';
const DOORS = ['json', 'digits', 'xhr', 'formMultipart', 'formUrlencoded', 'graphql', 'graphqlForm'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let site;
before(async () => { site = await startBackstopSite(); });
after(async () => { await site?.close(); });

const apiPosts = () => site.posts().filter((r) => r.path.startsWith('/api/') && r.path !== '/api/beacon');

async function until(fn, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const v = fn();
    if (v) return v;
    await sleep(100);
  }
  throw new Error(`${what} did not happen in time`);
}

/** Opens the site, types the blocked post, waits until SafePost shows the `block` finding. */
async function composeBlocked(page) {
  await page.goto(`${site.url}/`);
  await page.click('#post-text');
  await page.keyboard.type(TEXT);
  const frame = await safepostFrame(page);
  await waitInFrame(frame, () => {
    const pill = document.getElementById('count');
    return !!pill && !document.getElementById('panel').hidden && pill.dataset.severity === 'block';
  });
  return frame;
}

const send = (page, door, text) => page.evaluate(([d, t]) => window.site[d](t), [door, text]);

/** Every door is closed, the dialog shows; unrelated traffic passes; "Post anyway" lets exactly that text through once. */
async function backstopHolds(page) {
  const frame = await composeBlocked(page);

  // Unrelated traffic from the same tab, while the value is held: untouched.
  const before = apiPosts().length;
  assert.equal(await send(page, 'json', CLEAN), 'sent', 'a clean post goes through');
  assert.equal(apiPosts().length, before + 1);
  const beacons = site.posts('/api/beacon').length;
  assert.equal(await send(page, 'beacon'), 'queued');
  await until(() => site.posts('/api/beacon').length === beacons + 1, 'the analytics beacon');
  assert.equal(await send(page, 'asset'), 'sent', 'an image of the page loads');
  assert.equal(await frame.evaluate(() => !!document.querySelector('.dialog')), false, 'no dialog for unrelated traffic');

  for (const door of DOORS) {
    const count = apiPosts().length;
    const outcome = await send(page, door, TEXT);
    assert.notEqual(outcome, 'sent', `${door}: the site's request did not succeed`);
    const dialog = await waitForDialog(frame);
    assert.ok(dialog.findings.includes('credit_card'), `${door}: the gate dialog names the card`);
    await sleep(300);
    assert.equal(apiPosts().length, count, `${door}: the server received nothing`);
    assert.ok(!apiPosts().slice(count).some((r) => r.body.includes('3312')), `${door}: the card never reached the server`);
    await chooseInDialog(frame, 'edit');
    await waitForNoDialog(frame);
  }

  // "Post anyway" with a reason: exactly that text passes, once.
  const count = apiPosts().length;
  assert.notEqual(await send(page, 'json', TEXT), 'sent');
  await waitForDialog(frame);
  await chooseInDialog(frame, 'post');
  await waitInFrame(frame, () => !document.querySelector('.justification')?.hidden);
  await frame.evaluate(() => { document.getElementById('justification').value = 'Dummy card for the expense demo'; });
  await chooseInDialog(frame, 'post');
  await waitForNoDialog(frame);
  assert.equal(await send(page, 'graphql', `${TEXT} and more`), 'failed', 'another text with the value is still stopped');
  await waitForDialog(frame);
  await chooseInDialog(frame, 'edit');
  await waitForNoDialog(frame);
  assert.equal(await send(page, 'json', TEXT), 'sent', 'the text the user chose to post goes through');
  assert.equal(apiPosts().length, count + 1);
  assert.match(apiPosts().at(-1).body, /4527\\u00203312/);
  assert.equal(await send(page, 'json', TEXT), 'failed', 'once: the same post again is stopped');
  await waitForDialog(frame);
  assert.equal(apiPosts().length, count + 1);
}

describe('Chromium, SafePost force-installed by policy', { skip: needsRoot('/etc/chromium/policies') }, () => {
  test('the backstop stops every door, passes unrelated traffic, and lets an override through once', async () => {
    const b = await launchPolicyChromium({ extensionDir: CHROME });
    try {
      const page = await b.context.newPage();
      await backstopHolds(page);
      // The popup's status comes from the service worker; asked from the core frame (an extension page).
      const frame = await safepostFrame(page);
      const status = await frame.evaluate(() => chrome.runtime.sendMessage({ type: 'backstop.status' }));
      assert.deepEqual([status.active, status.reason], [true, 'admin']);
    } finally {
      await b.close();
    }
  });
});

describe('Chromium, SafePost loaded unpacked', () => {
  test('the popup says the backstop is off, and only the DOM gate runs', async () => {
    const b = await launchChromium({ extensionDir: CHROME });
    try {
      const popup = await b.context.newPage();
      await popup.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
      await popup.waitForSelector('#status[data-state="ok"]');
      assert.equal(await popup.getAttribute('#status', 'data-backstop'), 'off');
      assert.match(await popup.textContent('#status'), /Network backstop off/);
      const page = await b.context.newPage();
      await composeBlocked(page);
      const count = apiPosts().length;
      // What the popup says is what happens: a request by the site's own script is not stopped here.
      assert.equal(await send(page, 'json', TEXT), 'sent');
      assert.equal(apiPosts().length, count + 1);
    } finally {
      await b.close();
    }
  });
});

describe('Firefox ESR, temporary add-on', () => {
  test('the backstop stops every door, passes unrelated traffic, and lets an override through once; the popup says it is on', async () => {
    const b = await launchFirefox({ extensionDir: FIREFOX });
    try {
      const popup = await openFirefoxExtensionPage(b, 'extension/popup/popup.html');
      const state = await backstopState(popup);
      assert.equal(state, 'on');
      assert.match(await popup.evaluate(() => document.getElementById('status').textContent), /Network backstop on/);
      await popup.close();
      const page = await b.browser.newPage();
      await backstopHolds(page);
    } finally {
      await b.close();
    }
  });
});

/** The popup's `data-backstop` once it has rendered. */
async function backstopState(page) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const v = await page.evaluate(() => document.getElementById('status')?.dataset.backstop).catch(() => null);
    if (v) return v;
    await sleep(100);
  }
  return null;
}
