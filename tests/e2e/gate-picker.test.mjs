// showOpenFilePicker() uploads go through the inspection (issue 11 item 6), in real Chromium with
// the real extension (Firefox has no File System Access picker). No automation drives the
// operating system's picker dialog, so the test stands in for that dialog alone: an init script
// makes showOpenFilePicker() answer a real FileSystemFileHandle (in the origin's private file
// system) holding a real photo with GPS from the shared corpus. SafePost's page-world wrapper
// wraps that function like the browser's own; the site then uploads what getFile() gives it, now
// and again later through the handle it kept. ExifTool checks what the server received.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { ROOT } from '../support/browsers.mjs';
import { openBrowser, safepostFrame, waitForDialog, waitForNoDialog, chooseInDialog, postFields } from '../support/extension-ui.mjs';

const PHOTO = join(ROOT, '../shared/corpus/photoprism/assets/examples/snake_lime_brown.jpg');
const SERVED = join(ROOT, 'tests/fixtures/pages/build/picker-gps.jpg');
const gps = (path) => Object.keys(JSON.parse(execFileSync('exiftool', ['-j', '-n', '-G1', '-a', path], { encoding: 'utf8' }))[0])
  .filter((k) => /GPS(Latitude|Longitude|Position)/.test(k));

let server;
let work;
before(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'safepost-picker-'));
  copyFileSync(PHOTO, SERVED);
});
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(SERVED, { force: true });
});

/** The operating system's picker, answered: a real handle on a real photo. */
function standInPicker() {
  window.showOpenFilePicker = async function showOpenFilePicker() {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('snake_lime_brown.jpg', { create: true });
    const out = await handle.createWritable();
    await out.write(await (await fetch('/fixtures/build/picker-gps.jpg')).blob());
    await out.close();
    return [handle];
  };
}

async function waitPosts(n) {
  for (let i = 0; i < 200 && server.posts.length < n; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(server.posts.length >= n, `expected ${n} post(s), got ${server.posts.length}`);
  return postFields(server.posts[n - 1]);
}

describe('chromium: showOpenFilePicker()', () => {
  let browser;
  before(async () => { browser = await openBrowser('chromium'); });
  after(async () => { await browser?.close(); });

  test('the picked photo is inspected; the site gets the cleaned copy, also from the handle it kept', async () => {
    assert.ok(gps(PHOTO).length > 0, 'the corpus photo has GPS');
    const page = await browser.newPage();
    await page.addInitScript(standInPicker);
    await page.goto(`${server.url}/fixtures/picker.html`);
    await page.waitForSelector('body[data-ready="picker"]');
    const mark = server.posts.length;
    await page.click('#pick');
    const frame = await safepostFrame(page);
    const dialog = await waitForDialog(frame);
    assert.ok(dialog.actions.includes('strip'), `the upload dialog: ${JSON.stringify(dialog.actions)}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(server.posts.length, mark, 'the site has not received the file yet');
    await chooseInDialog(frame, 'strip');
    await waitForNoDialog(frame);
    for (const [n, editor] of [[mark + 1, 'picker'], [mark + 2, 'picker-again']]) {
      if (editor === 'picker-again') await page.evaluate(() => window.readAgain());
      const fields = await waitPosts(n);
      assert.equal(fields.editor, editor);
      const out = join(work, `${editor}.jpg`);
      writeFileSync(out, fields.media[0].bytes);
      assert.deepEqual(gps(out), [], `${editor}: no location in what the site received`);
      assert.notDeepEqual(fields.media[0].bytes, readFileSync(PHOTO));
    }
    await page.close();
  });
});
