// The issue-14 detectors in the real extension: in Chromium (German) and Firefox ESR (French), a
// Dutch citizen service number next to its word is a finding with the message the core ships, in
// the user's language (extension/_locales/<lang>/findings_ids.json), while the same kind of nine
// digits as an order number raises nothing (a weak shape below the default confidence).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer } from '../support/server.mjs';
import { ROOT } from '../support/browsers.mjs';
import { openBrowser, safepostFrame, waitInFrame, openTextareaIn } from '../support/extension-ui.mjs';

// 123456782 and 111222333 both pass the BSN 11-proof; only the first has its word within the
// default 40 characters.
const TEXT = 'Mijn BSN is 123456782, en nu iets heel anders: de bestelling 111222333 is gisteren verzonden';

function message(lang, key) {
  const strings = JSON.parse(readFileSync(`${ROOT}/extension/_locales/${lang}/findings_ids.json`, 'utf8'));
  if (!strings[key]) throw new Error(`${lang}: no ${key}`);
  return strings[key].message;
}

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

for (const [browserName, lang] of [['chromium', 'de'], ['firefox', 'fr']]) {
  describe(`${browserName} in ${lang}: national ids need their words`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName, { lang }); });
    after(async () => { await browser?.close(); });

    test('the BSN after "BSN" is one finding in the user\'s language; the order number is none', async () => {
      const page = await browser.newPage();
      await openTextareaIn(page, server);
      await page.keyboard.type(TEXT);
      const frame = await safepostFrame(page);
      const count = await waitInFrame(frame, () => document.getElementById('count')?.dataset.count || null);
      assert.equal(count, '1');
      await frame.click('#count');
      const shown = await waitInFrame(frame, () => {
        const f = [...document.querySelectorAll('.finding')].map((el) => ({
          rule: el.dataset.rule ?? null,
          confidence: el.dataset.confidence ?? null,
          message: el.querySelector('.message')?.textContent ?? '',
        }));
        return f.length ? f : null;
      });
      assert.equal(shown.length, 1, JSON.stringify(shown));
      assert.equal(shown[0].message, message(lang, 'finding_nl_bsn'));
      assert.equal(shown[0].rule, 'nl_bsn');
      // The finding's confidence travels from the wasm core to the extension's UI.
      assert.equal(shown[0].confidence, 'medium');
      assert.equal(await page.evaluate(() => document.getElementById('post-text').value), TEXT);
      await page.close();
    });
  });
}
