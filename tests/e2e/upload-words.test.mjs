// A photo's words in real Chromium and real Firefox ESR with the real extension: a caption
// that gives a street address and a comment with coordinates are listed as saying where the
// photo was taken, a card number in the headline is listed as a finding of the text policy
// (redacted), and "Remove location and continue" hands the site a copy without the address and
// coordinates (ExifTool), with the other words and the pixels (ImageMagick) unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { ROOT } from '../support/browsers.mjs';
import {
  openBrowser, safepostFrame, waitForDialog, waitForNoDialog, chooseInDialog, waitForPosts, postFields,
} from '../support/extension-ui.mjs';

// Made by tests/fixtures/media/words/make.sh.
const PHOTO = join(ROOT, 'tests/fixtures/media/words/caption.jpg');
const en = JSON.parse(readFileSync(join(ROOT, 'extension/_locales/en/media_words.json'), 'utf8'));

let server;
let work;
before(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'safepost-words-'));
});
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const exif = (path) => JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-a', path], { encoding: 'utf8' }))[0];
const pixels = (path) => execFileSync('identify', ['-format', '%#', path], { encoding: 'utf8' }).trim();

test('the fixture carries an address, coordinates and a card number in its words, per ExifTool', () => {
  const tags = exif(PHOTO);
  assert.match(tags['IPTC:Caption-Abstract'], /1600 Amphitheatre Parkway/);
  assert.match(tags['IFD0:XPComment'], /37\.4219983, -122\.084/);
  assert.match(tags['XMP-photoshop:Headline'], /4539 1488 0343 6467/);
});

for (const browserName of ['chromium', 'firefox']) {
  describe(`${browserName}: a photo's words`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName); });
    after(async () => { await browser?.close(); });

    test('the dialog lists the caption that says where and the card in the headline; "Remove location" blanks the caption', async () => {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/fixtures/textarea.html`);
      await page.waitForSelector('body[data-ready="textarea"]');
      await browser.setFiles(page, '#photo', PHOTO);
      const frame = await safepostFrame(page);
      const dialog = await waitForDialog(frame);
      const says = (kind) => en.uploadWordsLocation.message.replace('$V1$', en[`uploadWordsField_${kind}`].message);
      assert.ok(dialog.text.includes(says('caption')), dialog.text);
      assert.ok(dialog.text.includes(says('comment')), dialog.text);
      const inTitle = en.uploadWordsFinding.message.split('$V1$')[0] + en.uploadWordsField_title.message;
      assert.ok(dialog.text.includes(inTitle), dialog.text);
      assert.ok(dialog.text.includes('payment card number'), dialog.text);
      assert.ok(dialog.text.includes('4539 •••• •••• 6467'), 'the card is redacted');
      assert.ok(!dialog.text.includes('4539 1488'), 'never the whole card number');
      assert.match(dialog.text, /Remove location and continue/);

      await chooseInDialog(frame, 'strip');
      await waitForNoDialog(frame);
      for (let i = 0; i < 100 && (await page.evaluate(() => window.fixtureFiles())).length < 1; i++) await sleep(100);
      const count = server.posts.length;
      await page.click('#post');
      const { media } = await postFields(await waitForPosts(server, count + 1));
      const out = join(work, `${browserName}.jpg`);
      writeFileSync(out, media[0].bytes);
      const tags = exif(out);
      for (const gone of ['IPTC:Caption-Abstract', 'XMP-dc:Description', 'IFD0:XPComment']) {
        assert.equal(tags[gone], undefined, `${gone} is gone from what the site received`);
      }
      assert.equal(tags['XMP-dc:Title'], 'Project Falcon kickoff', 'words that do not say where stay');
      assert.equal(pixels(out), pixels(PHOTO), 'same decoded pixels');
      assert.deepEqual(errors, []);
      await page.close();
    });
  });
}
