// Foundation round trip, in real Chromium and real Firefox ESR with the real extension:
// on a page served with a strict CSP, text typed in the composer reaches the wasm core (framed
// extension page) and the result comes back to SafePost's UI on the page. And when the core
// cannot load, the extension says so visibly and the page keeps working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, FOUNDATION_CSP } from '../support/server.mjs';
import {
  launchChromium, launchFirefox, openFirefoxExtensionPage, DIST_CHROME, DIST_FIREFOX, CHROME_EXTENSION_ID,
} from '../support/browsers.mjs';
import { safepostFrame, waitInFrame, pillState } from '../support/extension-ui.mjs';

// A Luhn-valid Visa number that is not one of the well-known test numbers (those are only warnings).
const CARD_TEXT = 'Booked the offsite, card 4527 3312 8806 1000 exp 12/29';

let server;
before(async () => { server = await startServer({ csp: FOUNDATION_CSP }); });
after(async () => { await server.close(); });

/** A copy of a built extension whose wasm core is damaged, as a broken download would be. */
function brokenCopy(dist) {
  const dir = mkdtempSync(join(tmpdir(), 'safepost-broken-'));
  cpSync(dist, dir, { recursive: true });
  writeFileSync(join(dir, 'extension/core/pkg/safepost_bg.wasm'), Buffer.from('this is not WebAssembly'));
  return dir;
}

/** The assertions shared by both browsers, given a page and a way to type into it. */
async function assertRoundTrip(page) {
  const frame = await safepostFrame(page);
  const pill = await waitInFrame(frame, () => {
    const p = document.getElementById('count');
    return p && p.dataset.count === '1' ? { count: 1, severity: p.dataset.severity, label: p.textContent } : null;
  });
  assert.equal(pill.severity, 'block');
  assert.match(pill.label, /1 finding/);
  // The page cannot reach SafePost's UI: closed shadow root, no iframe in its DOM.
  const seen = await page.evaluate(() => ({
    // SafePost's element has a random name: found by structure (a custom element on <html>).
    shadow: [...document.documentElement.children].find((e) => e.localName.includes('-'))?.shadowRoot ?? null,
    iframes: document.querySelectorAll('iframe').length,
  }));
  assert.deepEqual(seen, { shadow: null, iframes: 0 });
  return frame;
}

describe('Chromium', () => {
  test('strict-CSP page: typed text reaches the wasm core and the finding comes back', async () => {
    const b = await launchChromium();
    try {
      assert.equal(b.extensionId, CHROME_EXTENSION_ID, 'the manifest key fixes the extension id');
      const page = await b.context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const res = await page.goto(`${server.url}/`);
      assert.equal(res.headers()['content-security-policy'], FOUNDATION_CSP);
      await page.click('#post-text');
      await page.keyboard.type(CARD_TEXT);
      const frame = await assertRoundTrip(page);
      // Removing the number clears the finding: every change is checked, not just the first.
      await page.fill('#post-text', 'Booked the offsite.');
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '0');
      assert.equal(await page.inputValue('#post-text'), 'Booked the offsite.');
      assert.deepEqual(errors, []);

      const popup = await b.context.newPage();
      await popup.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
      await popup.waitForSelector('#status[data-state="ok"]');
      assert.match(await popup.textContent('#status'), /Protection is on \(core \d+\.\d+\.\d+\)/);
    } finally {
      await b.close();
    }
  });

  test('a core that fails to load shows on the toolbar and popup, and never blocks typing', async () => {
    const dir = brokenCopy(DIST_CHROME);
    const b = await launchChromium({ extensionDir: dir });
    try {
      const page = await b.context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/`);
      await page.click('#post-text');
      await page.keyboard.type(CARD_TEXT);
      assert.equal(await page.inputValue('#post-text'), CARD_TEXT, 'typing is never blocked or altered');
      let badge = '';
      for (let i = 0; i < 50 && badge !== '!'; i++) {
        badge = await b.serviceWorker.evaluate(() => chrome.action.getBadgeText({}));
        if (badge !== '!') await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(badge, '!');
      const popup = await b.context.newPage();
      await popup.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
      await popup.waitForSelector('#status[data-state="failed"]');
      assert.match(await popup.textContent('#status'), /could not start its checker/);
      assert.deepEqual(errors, [], 'the page sees no error from SafePost');
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Firefox ESR', () => {
  test('strict-CSP page: typed text reaches the wasm core and the finding comes back', async () => {
    const b = await launchFirefox();
    try {
      const page = await b.browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const res = await page.goto(`${server.url}/`);
      assert.equal(res.headers()['content-security-policy'], FOUNDATION_CSP);
      await page.click('#post-text');
      await page.keyboard.type(CARD_TEXT);
      const frame = await assertRoundTrip(page);
      await page.$eval('#post-text', (el) => { el.select(); });
      await page.keyboard.press('Backspace');
      await page.keyboard.type('Booked the offsite.');
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '0');
      assert.equal(await page.$eval('#post-text', (el) => el.value), 'Booked the offsite.');
      assert.deepEqual(errors, []);

      const popup = await openFirefoxExtensionPage(b, 'extension/popup/popup.html');
      await popup.waitForSelector('#status[data-state="ok"]');
      assert.match(await popup.$eval('#status', (el) => el.textContent), /Protection is on/);
    } finally {
      await b.close();
    }
  });

  test('a core that fails to load shows on the toolbar and popup, and never blocks typing', async () => {
    const dir = brokenCopy(DIST_FIREFOX);
    const b = await launchFirefox({ extensionDir: dir });
    try {
      const page = await b.browser.newPage();
      await page.goto(`${server.url}/`);
      await page.click('#post-text');
      await page.keyboard.type(CARD_TEXT);
      assert.equal(await page.$eval('#post-text', (el) => el.value), CARD_TEXT);
      const popup = await openFirefoxExtensionPage(b, 'extension/popup/popup.html');
      await popup.waitForSelector('#status[data-state="failed"]');
      assert.match(await popup.$eval('#status', (el) => el.textContent), /could not start its checker/);
      let badge = '';
      for (let i = 0; i < 50 && badge !== '!'; i++) {
        badge = await popup.evaluate(() => browser.action.getBadgeText({}));
        if (badge !== '!') await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(badge, '!');
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
