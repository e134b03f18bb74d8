// Upload interception in real Chromium and real Firefox ESR with the real extension, on a
// strict-CSP fixture page. A real photo with GPS from the shared corpus (its truth.json says
// where) is given to the site by file picker, drag and drop, and paste. Each time SafePost's
// dialog shows what the photo reveals, "Remove location and continue" hands the site a cleaned
// file (same name, type, modification time), and the file the site uploads to the server has no
// location per ExifTool and the same decoded pixels per ImageMagick. "Cancel" gives the site
// nothing; "Keep as is" gives it the original bytes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { ROOT } from '../support/browsers.mjs';
import {
  openBrowser, safepostFrame, waitInFrame, waitForDialog, waitForNoDialog, waitForArmed, chooseInDialog, waitForPosts, postFields,
} from '../support/extension-ui.mjs';

const CORPUS = join(ROOT, '../shared/corpus');
const PHOTO_REL = 'photoprism/assets/examples/snake_lime_brown.jpg';
const PHOTO = join(CORPUS, PHOTO_REL);
const NAME = basename(PHOTO);
const truth = JSON.parse(readFileSync(join(CORPUS, 'truth.json'), 'utf8')).find((t) => t.path === PHOTO_REL);
const SERVED = join(ROOT, 'tests/fixtures/pages/build/upload-gps.jpg'); // for drop and paste
const LAST_MODIFIED = 1700000000000;

let server;
let work;
before(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'safepost-uploads-'));
  mkdirSync(join(ROOT, 'tests/fixtures/pages/build'), { recursive: true });
  copyFileSync(PHOTO, SERVED);
});
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(SERVED, { force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function exif(path) {
  return JSON.parse(execFileSync('exiftool', ['-j', '-n', '-G1', '-a', path], { encoding: 'utf8' }))[0];
}
const gpsTags = (tags) => Object.keys(tags).filter((k) => /GPS(Latitude|Longitude|Position|Altitude|Coordinates)/.test(k));
const pixels = (path) => execFileSync('identify', ['-format', '%#', path], { encoding: 'utf8' }).trim();

/** "33.9592 S, 23.4735 E", as the dialog writes it, from the corpus truth. */
function coordinates(lat, lon) {
  const f = (v, pos, neg) => `${Math.abs(v).toFixed(4)} ${v >= 0 ? pos : neg}`;
  return `${f(lat, 'N', 'S')}, ${f(lon, 'E', 'W')}`;
}

/** Checks the file the site posted: no location, same pixels as the original. */
async function assertCleanUpload(post, label) {
  const fields = await postFields(post);
  assert.equal(fields.media.length, 1, `${label}: one file uploaded`);
  const [file] = fields.media;
  assert.equal(file.name, NAME);
  assert.equal(file.type, 'image/jpeg');
  const out = join(work, `${label}-${Date.now()}.jpg`);
  writeFileSync(out, file.bytes);
  assert.deepEqual(gpsTags(exif(out)), [], `${label}: ExifTool finds no location in what the site received`);
  assert.equal(pixels(out), pixels(PHOTO), `${label}: same decoded pixels`);
  assert.notDeepEqual(file.bytes, readFileSync(PHOTO), `${label}: the site did not get the original`);
}

async function openPage(browser) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/fixtures/textarea.html`);
  await page.waitForSelector('body[data-ready="textarea"]');
  return { page, errors };
}

/** Gives the site the served photo by a synthetic drop or paste from the page itself. */
function giveByEvent({ kind, lastModified }) {
  return (async () => {
    const blob = await (await fetch('/fixtures/build/upload-gps.jpg')).blob();
    const file = new File([blob], 'snake_lime_brown.jpg', { type: 'image/jpeg', lastModified });
    const dt = new DataTransfer();
    dt.items.add(file);
    const target = document.getElementById('post-text');
    const ev = kind === 'drop'
      ? new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, composed: true })
      : new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true });
    // Firefox's ClipboardEvent constructor drops clipboardData: carry it as a user paste would.
    if (kind === 'paste' && !(ev.clipboardData && ev.clipboardData.files.length)) {
      Object.defineProperty(ev, 'clipboardData', { value: dt });
    }
    target.dispatchEvent(ev);
    return true;
  })();
}

const attachedFiles = (page) => page.evaluate(() => window.fixtureFiles());

async function waitAttached(page, count) {
  for (let i = 0; i < 100; i++) {
    const files = await attachedFiles(page);
    if (files.length === count) return files;
    await sleep(100);
  }
  throw new Error(`the page never had ${count} attachment(s)`);
}

test('the corpus photo has GPS, per its truth and ExifTool', () => {
  assert.ok(truth && truth.has_location && typeof truth.lat === 'number', 'truth.json lists the photo with coordinates');
  assert.ok(gpsTags(exif(PHOTO)).length > 0);
});

for (const browserName of ['chromium', 'firefox']) {
  describe(`${browserName}: uploads`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName); });
    after(async () => { await browser?.close(); });

    test('file picker: the dialog shows where and what; "Remove location" gives the site a clean copy', async () => {
      const { page, errors } = await openPage(browser);
      await browser.setFiles(page, '#photo', PHOTO);
      const frame = await safepostFrame(page);
      const dialog = await waitForDialog(frame);
      assert.equal(dialog.modal, true);
      assert.deepEqual(dialog.actions, ['strip', 'keep', 'cancel', 'report']);
      // "Remove location and continue" is the default: it has the focus.
      await waitInFrame(frame, () => document.activeElement?.dataset?.action === 'strip');
      assert.match(dialog.text, /Remove location and continue/);
      assert.ok(dialog.text.includes(`Taken at ${coordinates(truth.lat, truth.lon)}`), dialog.text);
      assert.ok(dialog.text.includes(truth.model), 'the device is named');
      assert.match(dialog.text, /Serial number: \S+/);
      assert.ok(await frame.evaluate(() => document.querySelector('.dialog img.thumb')?.naturalWidth > 0), 'a thumbnail');
      assert.deepEqual(await attachedFiles(page), [], 'the site has not seen the file yet');

      await chooseInDialog(frame, 'strip');
      await waitForNoDialog(frame);
      const [attached] = await waitAttached(page, 1);
      assert.equal(attached.name, NAME);
      assert.equal(attached.type, 'image/jpeg');
      assert.equal(attached.lastModified, Math.floor(statSync(PHOTO).mtimeMs), 'same modification time');
      const count = server.posts.length;
      await page.click('#post');
      await assertCleanUpload(await waitForPosts(server, count + 1), `${browserName}-picker`);
      assert.deepEqual(errors, []);
      await page.close();
    });

    for (const kind of ['drop', 'paste']) {
      test(`${kind}: the dialog appears and the site receives the cleaned photo`, async () => {
        const { page } = await openPage(browser);
        await page.evaluate(giveByEvent, { kind, lastModified: LAST_MODIFIED });
        const frame = await safepostFrame(page);
        const dialog = await waitForDialog(frame);
        assert.ok(dialog.text.includes(`Taken at ${coordinates(truth.lat, truth.lon)}`), dialog.text);
        assert.deepEqual(await attachedFiles(page), [], 'held until the user decides');
        await chooseInDialog(frame, 'strip');
        const [attached] = await waitAttached(page, 1);
        assert.deepEqual([attached.name, attached.type, attached.lastModified], [NAME, 'image/jpeg', LAST_MODIFIED]);
        const count = server.posts.length;
        await page.click('#post');
        await assertCleanUpload(await waitForPosts(server, count + 1), `${browserName}-${kind}`);
        await page.close();
      });
    }

    test('a photo SafePost cannot read: Cancel is the default, the original only by explicit choice', async () => {
      // A JPEG cut short inside its EXIF header: the core reports it cannot check it.
      const broken = join(work, 'cut-short.jpg');
      writeFileSync(broken, Buffer.from('ffd8ffe10010457869660000' + '4d4d002a00000008ffff', 'hex'));
      const { page } = await openPage(browser);
      await browser.setFiles(page, '#photo', broken);
      const frame = await safepostFrame(page);
      const dialog = await waitForDialog(frame);
      assert.match(dialog.title, /could not check/);
      assert.match(dialog.text, /Reason: \S+/, 'the reason is shown');
      const explanations = Object.entries(JSON.parse(readFileSync(join(ROOT, 'extension/_locales/en/live.json'), 'utf8')))
        .filter(([k]) => k.startsWith('uploadError_')).map(([, v]) => v.message);
      assert.ok(explanations.some((m) => dialog.text.includes(m)), `the kind of problem is explained: ${dialog.text}`);
      assert.deepEqual(dialog.actions, ['cancel', 'original', 'report']);
      await waitInFrame(frame, () => document.activeElement?.dataset?.action === 'cancel');
      await chooseInDialog(frame, 'original');
      await waitAttached(page, 1);
      const count = server.posts.length;
      await page.click('#post');
      const fields = await postFields(await waitForPosts(server, count + 1));
      assert.deepEqual(fields.media[0].bytes, readFileSync(broken), 'the user explicitly chose the original');
      await page.close();
    });

    test('a large video: progress while it is checked, then the site gets it without its location', async () => {
      const video = join(work, 'clip.mp4');
      // 14 s of lossless 720p (about 28 MB) with a QuickTime/3GP location, made by ffmpeg.
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-t', '14',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-metadata', 'location=+48.8584+002.2945/',
        '-movflags', '+use_metadata_tags+faststart', video]);
      assert.ok(statSync(video).size > 20 * 1024 * 1024);
      assert.ok(gpsTags(exif(video)).length > 0, 'the clip carries a location');
      const { page } = await openPage(browser);
      await page.click('#post-text');
      await page.keyboard.type('Clip');
      const frame = await safepostFrame(page);
      await frame.evaluate(() => {
        window.sawProgress = false;
        new MutationObserver(() => { if (document.querySelector('.notice progress')) window.sawProgress = true; })
          .observe(document.body, { subtree: true, childList: true });
      });
      await browser.setFiles(page, '#photo', video);
      const dialog = await waitForDialog(frame);
      assert.equal(await frame.evaluate(() => window.sawProgress), true, 'a progress notice while checking');
      assert.match(dialog.title, /video shows where/);
      assert.ok(dialog.text.includes('Taken at 48.8584 N, 2.2945 E'), dialog.text);
      await chooseInDialog(frame, 'strip');
      await waitAttached(page, 1);
      const count = server.posts.length;
      await page.click('#post');
      const { media } = await postFields(await waitForPosts(server, count + 1, { timeout: 30000 }));
      const out = join(work, `${browserName}-clip.mp4`);
      writeFileSync(out, media[0].bytes);
      assert.deepEqual(gpsTags(exif(out)), [], 'ExifTool finds no location in the uploaded clip');
      const frames = (path) => execFileSync('ffmpeg', ['-loglevel', 'error', '-i', path, '-map', '0:v', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();
      assert.equal(frames(out), frames(video), 'same decoded frames');
      await page.close();
    });

    test('what cannot be removed is said plainly: a GoPro video\'s GPS track stays, and the user is told before and after', async () => {
      const video = join(CORPUS, 'gpmf-parser/samples/karma.mp4');
      const { page } = await openPage(browser);
      await browser.setFiles(page, '#photo', video);
      const frame = await safepostFrame(page);
      const dialog = await waitForDialog(frame);
      assert.match(dialog.text, /Stays in the file: timed GPS track in the video's media data \(GoPro GPMF\)/);
      await chooseInDialog(frame, 'strip');
      await waitAttached(page, 1);
      const notice = await waitInFrame(frame, () => [...document.querySelectorAll('.notice')].map((n) => n.textContent).join(' ') || null);
      assert.match(notice, /Not everything could be removed\. karma\.mp4: timed GPS track/);
      await page.close();
    });

    test('"Cancel" (Escape) gives the site nothing; "Keep as is" (by keyboard) gives it the original', async () => {
      const { page } = await openPage(browser);
      await browser.setFiles(page, '#photo', PHOTO);
      const frame = await safepostFrame(page);
      await waitForDialog(frame);
      await waitInFrame(frame, () => document.activeElement?.dataset?.action === 'strip');
      await page.keyboard.press('Escape'); // dismissing the dialog is "Cancel"
      await waitForNoDialog(frame);
      await sleep(300);
      assert.deepEqual(await attachedFiles(page), []);
      assert.equal(await page.evaluate(() => document.getElementById('photo').files.length), 0);

      await browser.setFiles(page, '#photo', PHOTO);
      await waitForDialog(frame);
      await waitInFrame(frame, () => document.activeElement?.dataset?.action === 'strip');
      await page.keyboard.press('Tab');
      // The key reaches the SafePost frame (another process) after press() resolves.
      await waitInFrame(frame, () => document.activeElement?.dataset?.action === 'keep', undefined, { timeout: 5000 })
        .catch(() => assert.fail('Tab moves to the next choice'));
      await waitForArmed(frame); // a dialog takes input once it has been visible a moment (clickjacking)
      await page.keyboard.press('Enter');
      await waitAttached(page, 1);
      const count = server.posts.length;
      await page.click('#post');
      const fields = await postFields(await waitForPosts(server, count + 1));
      assert.deepEqual(fields.media[0].bytes, readFileSync(PHOTO), 'the user chose to keep the original');
      await page.close();
    });
  });
}
