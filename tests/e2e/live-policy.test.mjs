// The live checks follow the effective policy, changed while the page is open (storage.onChanged),
// in real Chromium and Firefox ESR. The policy is changed the way a user can: stricter-only user
// settings saved through the policy module (`policy.setUser`, from an extension page).
// - submit.require_justification: "Post anyway" needs a reason;
// - uploads.action "strip" + strip_mode "identifying": no dialog, a short notice, and the site
//   receives a photo without location or serial numbers (ExifTool) and with the same pixels;
// - uploads.action "block": the dialog offers no "Keep as is".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { ROOT, DIST_CHROME, launchChromium } from '../support/browsers.mjs';
import {
  openBrowser, distDirs, safepostFrame, waitInFrame, waitForDialog, waitForNoDialog, chooseInDialog, waitForPosts, postFields, openTextareaIn,
} from '../support/extension-ui.mjs';

const PHOTO = join(ROOT, '../shared/corpus/photoprism/assets/examples/snake_lime_brown.jpg');
const CARD_TEXT = 'Expense it on 4539 1488 0343 6467 please';

let server;
let work;
before(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'safepost-policy-'));
});
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const exif = (path) => JSON.parse(execFileSync('exiftool', ['-j', '-n', '-G1', '-a', path], { encoding: 'utf8' }))[0];
const pixels = (path) => execFileSync('identify', ['-format', '%#', path], { encoding: 'utf8' }).trim();

/** Saves user settings from the SafePost frame (an extension page) and waits until they apply. */
async function setUserPolicy(frame, settings, applied) {
  const res = await frame.evaluate((s) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'policy.setUser', settings: s }), settings);
  assert.ok(res && res.ok, `policy.setUser: ${JSON.stringify(res)}`);
  await waitInFrame(frame, async (expr) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const { effectivePolicy } = await api.storage.local.get('effectivePolicy');
    const p = effectivePolicy && effectivePolicy.policy;
    return p && JSON.stringify(expr.map((path) => path.split('.').reduce((o, k) => o && o[k], p)));
  }, Object.keys(applied)).then((got) => assert.equal(got, JSON.stringify(Object.values(applied))));
}

const openTextarea = async (browser) => openTextareaIn(await browser.newPage(), server);

for (const browserName of ['chromium', 'firefox']) {
  describe(`${browserName}: policy`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName); });
    after(async () => { await browser?.close(); });

    test('require_justification: "Post anyway" needs a reason', async () => {
      const page = await openTextarea(browser);
      await page.keyboard.type(CARD_TEXT);
      const frame = await safepostFrame(page);
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '1');
      await setUserPolicy(frame, { submit: { require_justification: true } }, { 'submit.require_justification': true });
      const before = server.posts.length;
      await page.click('#post');
      await waitForDialog(frame);
      await chooseInDialog(frame, 'post');
      assert.match(await frame.evaluate(() => document.querySelector('.justification label').textContent), /required/);
      await chooseInDialog(frame, 'post');
      await sleep(300);
      assert.ok(await frame.evaluate(() => !!document.querySelector('.dialog')), 'still asking');
      assert.equal(await frame.evaluate(() => document.getElementById('justification').getAttribute('aria-invalid')), 'true');
      assert.equal(server.posts.length, before);
      await frame.evaluate(() => { document.getElementById('justification').value = 'Approved by finance'; });
      await chooseInDialog(frame, 'post');
      await waitForNoDialog(frame);
      assert.equal((await postFields(await waitForPosts(server, before + 1))).text, CARD_TEXT);
      await page.close();
    });

    test('allow_post_anyway false: the gate offers only Edit and Report to IT', async () => {
      const page = await openTextarea(browser);
      await page.keyboard.type(CARD_TEXT);
      const frame = await safepostFrame(page);
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '1');
      await setUserPolicy(frame, { submit: { allow_post_anyway: false, require_justification: true } },
        { 'submit.allow_post_anyway': false });
      const before = server.posts.length;
      await page.click('#post');
      const dialog = await waitForDialog(frame);
      assert.deepEqual(dialog.actions, ['edit', 'report']);
      await chooseInDialog(frame, 'edit');
      await waitForNoDialog(frame);
      await sleep(200);
      assert.equal(server.posts.length, before);
      await page.close();
    });

    test('uploads "strip" (identifying): no dialog, a notice, the site gets a clean photo', async () => {
      const page = await openTextarea(browser);
      await page.keyboard.type('Trip photo');
      const frame = await safepostFrame(page);
      await setUserPolicy(frame, { uploads: { action: 'strip', strip_mode: 'identifying' } },
        { 'uploads.action': 'strip', 'uploads.strip_mode': 'identifying' });
      await browser.setFiles(page, '#photo', PHOTO);
      const notice = await waitInFrame(frame, () => document.querySelector('.notice')?.textContent);
      assert.match(notice, /removed the location from snake_lime_brown\.jpg/);
      assert.equal(await frame.evaluate(() => !!document.querySelector('.dialog')), false, 'no dialog');
      for (let i = 0; i < 50 && (await page.evaluate(() => window.fixtureFiles().length)) === 0; i++) await sleep(100);
      const before = server.posts.length;
      await page.click('#post');
      const { media } = await postFields(await waitForPosts(server, before + 1));
      const out = join(work, `${browserName}-strip.jpg`);
      writeFileSync(out, media[0].bytes);
      const tags = Object.keys(exif(out));
      assert.deepEqual(tags.filter((k) => /GPS(Latitude|Longitude|Position)/.test(k)), []);
      assert.deepEqual(tags.filter((k) => /SerialNumber/.test(k)), [], 'identifying mode removes serial numbers');
      assert.equal(pixels(out), pixels(PHOTO));
      await page.close();
    });

    test('uploads "block": the dialog offers no "Keep as is"', async () => {
      const page = await openTextarea(browser);
      await page.keyboard.type('x');
      const frame = await safepostFrame(page);
      await setUserPolicy(frame, { uploads: { action: 'block', strip_mode: 'identifying' } }, { 'uploads.action': 'block' });
      await browser.setFiles(page, '#photo', PHOTO);
      const dialog = await waitForDialog(frame);
      assert.deepEqual(dialog.actions, ['strip', 'cancel', 'report']);
      assert.match(dialog.text, /does not allow/);
      await chooseInDialog(frame, 'cancel');
      await waitForNoDialog(frame);
      assert.deepEqual(await page.evaluate(() => window.fixtureFiles()), []);
      await page.close();
    });
  });
}

describe('chromium: fail_mode when the core cannot load', () => {
  test('warn posts with a visible notice; closed stops the post', async () => {
    // A build whose wasm core is damaged, as a broken download would be.
    const dir = mkdtempSync(join(tmpdir(), 'safepost-broken-'));
    cpSync(distDirs().chrome || DIST_CHROME, dir, { recursive: true });
    writeFileSync(join(dir, 'extension/core/pkg/safepost_bg.wasm'), Buffer.from('this is not WebAssembly'));
    const b = await launchChromium({ extensionDir: dir });
    try {
      const page = await b.context.newPage();
      await openTextareaIn(page, server);
      await page.keyboard.type(CARD_TEXT);
      let before = server.posts.length;
      await page.click('#post');
      // Default fail_mode "warn": the post goes through, with a notice on the page.
      assert.equal((await postFields(await waitForPosts(server, before + 1, { timeout: 20000 }))).text, CARD_TEXT);
      // The notice (a randomly named element: the only one SafePost added, the core never started).
      await page.waitForFunction(() => [...document.documentElement.children].some((e) => e.localName.includes('-')));

      // fail_mode "closed" (a stricter user setting, saved from an extension page).
      const options = await b.context.newPage();
      await options.goto(`chrome-extension://${b.extensionId}/extension/options/options.html`);
      const res = await options.evaluate(() => chrome.runtime.sendMessage({ type: 'policy.setUser', settings: { fail_mode: 'closed' } }));
      assert.ok(res && res.ok, JSON.stringify(res));
      let mode = null;
      for (let i = 0; i < 50 && mode !== 'closed'; i++) {
        if (i) await sleep(100);
        mode = (await options.evaluate(() => chrome.runtime.sendMessage({ type: 'policy.failMode' }))).failMode;
      }
      assert.equal(mode, 'closed', `policy.setUser answered ${JSON.stringify(res)}`);
      await options.close();
      await page.bringToFront();
      await page.click('#post-text');
      await page.keyboard.type(CARD_TEXT);
      before = server.posts.length;
      await page.click('#post');
      await sleep(6000); // the failed core is retried at most every 5 s
      assert.equal(server.posts.length, before, 'fail_mode closed: nothing is posted unchecked');
      assert.equal(await page.$eval('#post-text', (el) => el.value), CARD_TEXT, 'the text is kept');
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
