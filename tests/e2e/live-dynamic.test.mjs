// Composers the page adds after load, inside an open shadow root and inside a same-origin iframe;
// nothing drawn on the page until a composer is used; dialogs are keyboard operable and give the
// focus back to the composer. Real Chromium and Firefox ESR, real extension, strict CSP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { openBrowser, safepostFrame, waitInFrame, waitForDialog, waitForNoDialog, chooseInDialog, waitForPosts, openTextareaIn } from '../support/extension-ui.mjs';

const CARD_TEXT = 'Reimburse me: 4539 1488 0343 6467';
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every SafePost frame of the page (one per document that has a composer in use). */
async function safepostFrames(page) {
  const found = [];
  for (const frame of page.frames()) {
    const href = await frame.evaluate(() => location.href).catch(() => '');
    if (/^(chrome|moz)-extension:\/\/[^/]+\/extension\/core\/core\.html/.test(href)) found.push(frame);
  }
  return found;
}

/** Waits until one of the page's SafePost frames shows `count` findings. */
async function waitForCount(page, count, { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of await safepostFrames(page)) {
      const n = await frame.evaluate(() => document.getElementById('count')?.dataset.count).catch(() => null);
      if (n === String(count)) return frame;
    }
    await sleep(100);
  }
  throw new Error(`no SafePost frame showed ${count} finding(s)`);
}

for (const browserName of ['chromium', 'firefox']) {
  describe(`${browserName}: late, shadow and framed composers`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName); });
    after(async () => { await browser?.close(); });

    test('nothing is drawn until a composer is used; then shadow-root and iframe composers are checked', async () => {
      const page = await browser.newPage();
      await page.goto(`${server.url}/fixtures/dynamic.html`);
      await page.waitForSelector('body[data-late="yes"]');
      await sleep(300);
      assert.equal(await page.evaluate(() => [...document.querySelectorAll('*')].find((e) => e.localName.includes('-') && !e.id) ?? null), null, 'no SafePost UI before use');
      assert.equal((await safepostFrames(page)).length, 0);

      // The site's search box (type=text inside role=search) is not a composer: nothing appears.
      await page.click('#search');
      await page.keyboard.type(CARD_TEXT);
      await sleep(600);
      assert.equal(await page.evaluate(() => [...document.querySelectorAll('*')].find((e) => e.localName.includes('-') && !e.id) ?? null), null, 'a search box is not a post');
      assert.equal(await page.evaluate(() => document.getElementById('search').value), CARD_TEXT);

      // A textarea inside an open shadow root, added after load.
      await page.evaluate(() => document.getElementById('late-host').shadowRoot.getElementById('shadow-text').focus());
      await page.keyboard.type(CARD_TEXT);
      await waitForCount(page, 1);

      // A contenteditable inside the same shadow root.
      await page.evaluate(() => document.getElementById('late-host').shadowRoot.getElementById('shadow-editable').focus());
      // Two cards, so the count can only come from this editor (the textarea above shows 1).
      await page.keyboard.type(`Also ${CARD_TEXT} and 5425 2334 3010 9903`);
      const frame = await waitForCount(page, 2);
      assert.ok(frame);

      // A contenteditable in a same-origin iframe the page made itself.
      await page.evaluate(() => document.getElementById('inner-frame').contentDocument.getElementById('frame-editable').focus());
      await page.keyboard.type('Card for the framed editor 5425 2334 3010 9903');
      // Its finding shows in the SafePost frame of the iframe's own document (not the top one's).
      let framed = null;
      for (let i = 0; i < 100 && framed !== '1'; i++) {
        await sleep(100);
        for (const f of await safepostFrames(page)) {
          if (f.parentFrame() === page.mainFrame()) continue;
          framed = await f.evaluate(() => document.getElementById('count')?.dataset.count ?? null).catch(() => null);
        }
      }
      assert.equal(framed, '1', "the iframe's SafePost frame shows the framed editor's finding");
      assert.equal(await page.evaluate(() => document.getElementById('inner-frame').contentDocument.getElementById('frame-editable').textContent),
        'Card for the framed editor 5425 2334 3010 9903', 'the framed editor is untouched');
      await page.close();
    });

    test('a post button outside any form is known by its place, whatever its label or language', async () => {
      const page = await browser.newPage();
      await page.goto(`${server.url}/fixtures/dynamic.html`);
      await page.waitForSelector('body[data-late="yes"]');
      await page.evaluate(() => document.getElementById('late-host').shadowRoot.getElementById('shadow-text').focus());
      await page.keyboard.type(CARD_TEXT);
      const frame = await waitForCount(page, 1);
      const before = server.posts.length;
      for (const label of ['Publicar', 'Veröffentlichen', 'Répondre', 'Pubblica']) {
        await page.evaluate((l) => { document.getElementById('post').textContent = l; }, label);
        await page.click('#post');
        const dialog = await waitForDialog(frame);
        assert.deepEqual(dialog.findings, ['credit_card'], label);
        await chooseInDialog(frame, 'edit');
        await waitForNoDialog(frame);
      }
      assert.equal(server.posts.length, before, 'nothing was posted');
      // No word list decides: a label that has nothing to do with posting is held all the same.
      await page.evaluate(() => { document.getElementById('post').textContent = 'Postal code'; });
      await page.click('#post');
      await waitForDialog(frame);
      await chooseInDialog(frame, 'edit');
      await waitForNoDialog(frame);
      assert.equal(server.posts.length, before, 'nothing was posted');
      // What the structure says is not a send control (a toggle: aria-pressed) is not gated.
      await page.evaluate(() => { document.getElementById('post').setAttribute('aria-pressed', 'false'); });
      await page.click('#post');
      if (browserName === 'firefox') {
        // The page gate lets the toggle's click through, but Firefox runs the network backstop for
        // every install: the card in the site's request is still stopped, and the dialog shown.
        await waitForDialog(frame);
        await chooseInDialog(frame, 'edit');
        await waitForNoDialog(frame);
        assert.equal(server.posts.length, before, 'the backstop stopped the request');
      } else {
        await waitForPosts(server, before + 1);
        assert.equal(await frame.evaluate(() => !!document.querySelector('.dialog')), false, 'a toggle is not a post button');
      }
      await page.close();
    });

    test('the gate dialog is keyboard operable: Escape goes back to the composer, focus returns', async () => {
      const page = await browser.newPage();
      await openTextareaIn(page, server);
      await page.keyboard.type(CARD_TEXT);
      const frame = await safepostFrame(page);
      await waitForCount(page, 1);
      const before = server.posts.length;
      await page.keyboard.down('Control');
      await page.keyboard.press('Enter');
      await page.keyboard.up('Control');
      const dialog = await waitForDialog(frame);
      assert.ok(dialog);
      await waitInFrame(frame, () => document.activeElement?.dataset?.action === 'edit');
      // Tab moves through the dialog's buttons and stays inside it. Key presses reach the
      // SafePost frame (another process) after press() resolves: wait for each focus move.
      const focusOn = (action) => waitInFrame(frame, (a) => document.activeElement?.dataset?.action === a, action, { timeout: 5000 });
      await page.keyboard.press('Tab');
      await focusOn('report');
      await page.keyboard.press('Tab');
      await focusOn('post');
      await page.keyboard.press('Tab');
      await focusOn('edit').catch(() => assert.fail('focus wraps inside the dialog'));
      assert.match(await frame.evaluate(() => document.getElementById('live').textContent), /can't be shared/, 'announced');
      await page.keyboard.press('Escape');
      await waitForNoDialog(frame);
      await sleep(200);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'post-text', 'focus is back in the composer');
      assert.equal(await page.$eval('#post-text', (el) => el.value), CARD_TEXT);
      assert.equal(server.posts.length, before);
      await page.close();
    });
  });
}

describe('chromium: light and dark themes', () => {
  let browser;
  before(async () => { browser = await openBrowser('chromium'); });
  after(async () => { await browser?.close(); });

  test('the panel follows the system colour scheme and stays transparent over the page', async () => {
    const colours = {};
    for (const scheme of ['light', 'dark']) {
      const page = await browser.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      await openTextareaIn(page, server);
      await page.keyboard.type(CARD_TEXT);
      const frame = await safepostFrame(page);
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '1');
      colours[scheme] = await frame.evaluate(() => ({
        dark: matchMedia('(prefers-color-scheme: dark)').matches,
        pill: getComputedStyle(document.getElementById('count')).backgroundColor,
        text: getComputedStyle(document.getElementById('count')).color,
        body: getComputedStyle(document.body).backgroundColor,
      }));
      await page.close();
    }
    assert.equal(colours.light.dark, false);
    assert.equal(colours.dark.dark, true, 'the SafePost frame sees the dark scheme');
    assert.notEqual(colours.dark.pill, colours.light.pill, 'the pill changes colour');
    assert.notEqual(colours.dark.text, colours.light.text);
    for (const scheme of ['light', 'dark']) assert.equal(colours[scheme].body, 'rgba(0, 0, 0, 0)', `${scheme}: transparent over the page`);
  });
});
