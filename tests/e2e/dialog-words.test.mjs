// The upload dialog's words (issue 16), in Chromium and Firefox with the real extension: the IPTC
// agency photo from the shared corpus names Washington in four metadata groups, with "US",
// "United States" and "United States of America" side by side; the dialog names each place
// once, most specific first, and shows the capture date in the browser's own format, not
// ExifTool's `2009:06:24 09:41:07`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { ROOT } from '../support/browsers.mjs';
import { openBrowser, safepostFrame, waitForDialog, chooseInDialog, waitForNoDialog } from '../support/extension-ui.mjs';

const PHOTO = join(ROOT, '../shared/corpus/exifr/test/fixtures/iptc-agency-photographer-example.jpg');
const PLACE = 'Lincoln Memorial, Washington, District of Columbia, United States of America, North America';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

for (const browserName of ['chromium', 'firefox']) {
  describe(`${browserName}: the upload dialog's words`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName); });
    after(async () => { await browser?.close(); });

    test('each place once, most specific first; the date in the user\'s format', async () => {
      const page = await browser.newPage();
      await page.goto(`${server.url}/fixtures/textarea.html`);
      await page.waitForSelector('body[data-ready="textarea"]');
      await browser.setFiles(page, '#photo', PHOTO);
      const frame = await safepostFrame(page);
      const dialog = await waitForDialog(frame);
      assert.ok(dialog.text.includes(`near ${PLACE}`), dialog.text);
      assert.ok(!/United States, North America|, US,/.test(dialog.text), `no repeated place: ${dialog.text}`);
      assert.ok(!dialog.text.includes('2009:06:24'), `no raw date: ${dialog.text}`);
      const expected = await frame.evaluate(() => new Intl.DateTimeFormat((globalThis.browser ?? globalThis.chrome).i18n.getUILanguage(),
        { dateStyle: 'long', timeStyle: 'short' }).format(new Date(2009, 5, 24, 9, 41, 7)));
      assert.ok(dialog.text.includes(`Date taken: ${expected}`), `${expected} in ${dialog.text}`);
      assert.match(dialog.text, /without changing the picture/);
      assert.match(dialog.text, /Also remove the serial number and owner name/);
      // "Report to IT" never wraps inside its button.
      assert.equal(await frame.evaluate(() => getComputedStyle(document.querySelector('.dialog [data-action="report"]')).whiteSpace), 'nowrap');
      await chooseInDialog(frame, 'cancel');
      await waitForNoDialog(frame);
      await page.close();
    });
  });
}
