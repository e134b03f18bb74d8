// SafePost speaks the user's language: Chromium and Firefox ESR started in German and in French
// (and Chromium in Spanish and Japanese)
// show the panel, the finding messages the core ships and the submit gate in that language
// (strings from extension/_locales), on a strict-CSP fixture page with the real extension.
// Firefox takes its UI language from Debian's language packs (firefox-esr-l10n-de/-fr).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer } from '../support/server.mjs';
import { ROOT } from '../support/browsers.mjs';
import { openBrowser, safepostFrame, waitInFrame, waitForDialog, chooseInDialog, waitForNoDialog, openTextareaIn } from '../support/extension-ui.mjs';

const TEXT = 'Karte 4539 1488 0343 6467, internal only';

/** The string `key` of `lang`, as the build merges it (extension/_locales/<lang>/*.json). */
function message(lang, key) {
  for (const part of ['findings', 'live']) {
    const strings = JSON.parse(readFileSync(`${ROOT}/extension/_locales/${lang}/${part}.json`, 'utf8'));
    if (strings[key]) return strings[key].message;
  }
  throw new Error(`${lang}: no ${key}`);
}

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

// es and ja (issue 16's new locales) in Chromium: Debian ships Firefox ESR language packs for de and fr only here.
for (const [browserName, lang] of [['chromium', 'de'], ['chromium', 'fr'], ['firefox', 'de'], ['firefox', 'fr'], ['chromium', 'es'], ['chromium', 'ja']]) {
  describe(`${browserName} in ${lang}: findings and the gate in the user's language`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName, { lang }); });
    after(async () => { await browser?.close(); });

    test('panel messages, severity and the gate dialog are translated; the post is untouched', async () => {
      const page = await browser.newPage();
      await openTextareaIn(page, server);
      await page.keyboard.type(TEXT);
      const frame = await safepostFrame(page);
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '2');
      await frame.click('#count');
      const messages = await waitInFrame(frame, () => {
        const m = [...document.querySelectorAll('.finding .message')].map((p) => p.textContent);
        return m.length === 2 ? m : null;
      });
      const expected = [message(lang, 'finding_credit_card'), message(lang, 'finding_confidential_marker')];
      assert.deepEqual(messages, expected);
      assert.ok(!messages.some((m) => /payment card|confidentiality marker/.test(m)), 'no English left');
      assert.ok(!/can't be shared/.test(message(lang, 'gateBlockTitle')), 'the gate title is translated');

      await frame.click('#count'); // fold the list again: expanded, it covers the site's Post button
      await page.click('#post');
      const dialog = await waitForDialog(frame);
      assert.equal(dialog.title, message(lang, 'gateBlockTitle'));
      assert.match(dialog.text, new RegExp(message(lang, 'finding_credit_card').replace(/[.()]/g, '\\$&')));
      await chooseInDialog(frame, 'edit');
      await waitForNoDialog(frame);
      assert.equal(await page.evaluate(() => document.getElementById('post-text').value), TEXT);
      await page.close();
    });
  });
}
