// Launching the real browsers with the real extension, headless, for the end-to-end tests.
//
// Chromium (Debian) through playwright-core; Firefox ESR (Debian) through puppeteer-core over
// WebDriver BiDi. Neither downloads a browser. Each launch gets a fresh profile directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/**
 * The test flavour of the build (the shipped files plus content scripts on http://127.0.0.1 and
 * http://localhost, where the tests' servers run). What ships is SHIPPED_CHROME / SHIPPED_FIREFOX.
 */
export const DIST_CHROME = join(ROOT, 'dist/test-chrome');
export const DIST_FIREFOX = join(ROOT, 'dist/test-firefox');
export const SHIPPED_CHROME = join(ROOT, 'dist/chrome');
export const SHIPPED_FIREFOX = join(ROOT, 'dist/firefox');
/** Fixed by the manifest `key` (see README). */
export const CHROME_EXTENSION_ID = 'ebmoneflefbglanhhijdiomjcmjbnlem';
export const GECKO_ID = 'safepost@safepost.app';
/** Pinned so moz-extension:// URLs are stable in tests. */
export const FIREFOX_UUID = '5afe9057-0000-4000-8000-5afe9057cafe';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--no-default-browser-check'];

function profileDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Chromium with the unpacked extension. Returns `{ context, serviceWorker, close() }`.
 * `headless: false` is for the demo on a machine with a display; `lang` sets the browser's UI
 * language (what `i18n.getMessage` answers in).
 */
export async function launchChromium({ extensionDir = DIST_CHROME, headless = true, lang = null } = {}) {
  const { chromium } = await import('playwright-core');
  const dir = profileDir('safepost-chromium-');
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [...CHROMIUM_ARGS, ...(headless ? ['--headless=new'] : []), ...(lang ? [`--lang=${lang}`] : []),
      `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
    ...(lang ? { locale: lang } : {}),
    viewport: { width: 1100, height: 800 },
  });
  let [serviceWorker] = context.serviceWorkers();
  if (!serviceWorker) serviceWorker = await context.waitForEvent('serviceworker', { timeout: 15000 });
  return {
    context,
    serviceWorker,
    extensionId: new URL(serviceWorker.url()).host,
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Firefox ESR with the extension installed as a temporary add-on. Returns `{ browser, close() }`. */
export async function launchFirefox({ extensionDir = DIST_FIREFOX, prefs = {} } = {}) {
  const puppeteer = (await import('puppeteer-core')).default;
  const dir = profileDir('safepost-firefox-');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: dir,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      'datareporting.policy.dataSubmissionEnabled': false,
      'browser.shell.checkDefaultBrowser': false,
      ...prefs,
    },
  });
  await browser.installExtension(extensionDir);
  return {
    browser,
    extensionOrigin: `moz-extension://${FIREFOX_UUID}`,
    async close() {
      await browser.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens an extension page (popup, options) in a new Firefox tab. Puppeteer never sees the load
 * event of a moz-extension:// navigation, so wait for the document itself instead.
 */
export async function openFirefoxExtensionPage(firefox, path) {
  const page = await firefox.browser.newPage();
  const url = `${firefox.extensionOrigin}/${path}`;
  page.goto(url, { timeout: 60000 }).catch(() => {});
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    const ready = await page.evaluate(() => `${location.href}|${document.readyState}`).catch(() => '');
    if (ready === `${url}|complete`) return page;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not load`);
}
