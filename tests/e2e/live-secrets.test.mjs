// Credentials of the services staff use, in the real extension: a post with a database
// connection string and an OpenAI project key, typed into the strict-CSP fixture composer in
// Chromium (German UI) and Firefox ESR (French UI). The connection string is one finding (not an
// e-mail address), each finding carries its message from extension/_locales/<lang>/
// findings_secrets.json, no preview shows the password or the key, the submit gate blocks, and
// the post is left as typed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer } from '../support/server.mjs';
import { ROOT } from '../support/browsers.mjs';
import { openBrowser, safepostFrame, waitInFrame, waitForDialog, chooseInDialog, waitForNoDialog, openTextareaIn } from '../support/extension-ui.mjs';

const PASSWORD = 'S3cr3tP4ss';
const CONNECTION = `postgres://admin:${PASSWORD}@db.internal:5432/prod`;
// Fake, random, in OpenAI's project-key format.
const KEY_BODY = 'Qm7xT2vK9pL4wR8zN1cY5bH3dF6gJ0sAeUiOoPqWtRyXuVnMlKjIhGfEdCbA12-_34Zx' + 'T3BlbkFJ' + 'Lq9Wm2Xn7Bv4Cz8Ds1Ft6Gr3Hy5Ju0Ki_Lo-Mp9Nq2Or7Ps4Qt8Ru1Sv6Tw3Ux5Vy0Wz1Xa2Yb3Zc';
const KEY = `sk-proj-${KEY_BODY}`;
const TEXT = `DATABASE_URL=${CONNECTION} and the demo key ${KEY}`;

/** The string `key` of `lang`, from the locale part the build merges in. */
function message(lang, key) {
  for (const part of ['findings_secrets', 'live']) {
    const strings = JSON.parse(readFileSync(`${ROOT}/extension/_locales/${lang}/${part}.json`, 'utf8'));
    if (strings[key]) return strings[key].message;
  }
  throw new Error(`${lang}: no ${key}`);
}

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

for (const [browserName, lang] of [['chromium', 'de'], ['firefox', 'fr']]) {
  describe(`${browserName} in ${lang}: service credentials and connection strings`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName, { lang }); });
    after(async () => { await browser?.close(); });

    test('one finding each, translated, previews without the secret, the gate blocks, the post is untouched', async () => {
      const page = await browser.newPage();
      await openTextareaIn(page, server);
      await page.keyboard.type(TEXT);
      const frame = await safepostFrame(page);
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '2', undefined, { timeout: 20000 });
      await frame.click('#count');
      const findings = await waitInFrame(frame, () => {
        const items = [...document.querySelectorAll('.finding')].map((li) => ({
          rule: li.dataset.rule,
          message: li.querySelector('.message')?.textContent,
          preview: li.querySelector('.preview')?.textContent,
        }));
        return items.length === 2 ? items : null;
      });
      assert.deepEqual(findings.map((f) => f.rule), ['connection_string', 'openai_api_key'], 'no e-mail finding inside the connection string');
      assert.deepEqual(findings.map((f) => f.message), [message(lang, 'finding_connection_string'), message(lang, 'finding_openai_api_key')]);
      assert.equal(findings[0].preview, 'postgres://••••@db.internal:5432/…');
      for (const f of findings) {
        assert.ok(!f.preview.includes(PASSWORD) && !f.preview.includes('admin'), `preview ${f.preview}`);
        assert.ok(!f.preview.includes(KEY_BODY.slice(0, 12)), `preview ${f.preview}`);
      }

      await frame.click('#count');
      await page.click('#post');
      const dialog = await waitForDialog(frame);
      assert.equal(dialog.title, message(lang, 'gateBlockTitle'));
      await chooseInDialog(frame, 'edit');
      await waitForNoDialog(frame);
      assert.equal(await page.evaluate(() => document.getElementById('post-text').value), TEXT);
      await page.close();
    });
  });
}
