// Enterprise policy in real Firefox ESR, end to end, the way IT deploys it: one
// /etc/firefox/policies/policies.json force-installs SafePost (ExtensionSettings, here from the
// built .xpi by file:// URL; ESR accepts it unsigned with xpinstall.signatures.required=false)
// and sets its policy (3rdparty.Extensions). The company rule is enforced in the composer; the
// invalid values are reported on the options page while every valid setting applies (Firefox
// validates nothing: SafePost does); a changed policies.json applies when Firefox restarts with
// the same profile, and the extension is not reinstalled (the user's own settings survive).
//
// Needs root (writes /etc/firefox/policies/policies.json, always restores it). Fails otherwise, unless SAFEPOST_SKIP_ROOT_TESTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from '../support/server.mjs';
import { ROOT, GECKO_ID, FIREFOX_UUID, openFirefoxExtensionPage } from '../support/browsers.mjs';
import { safepostFrame, waitInFrame } from '../support/extension-ui.mjs';
import {
  FIREFOX_POLICY_FILE, companyPolicy, findingsInPanel, firefoxPolicy, optionsState, policyFile, waitForNoFindings, needsRoot,
} from '../support/managed-policy.mjs';

const BUILT_XPI = process.env.SAFEPOST_XPI || join(ROOT, 'dist/safepost-test-firefox.xpi') // the test flavour: its pages are on 127.0.0.1;
// A private copy: a build running meanwhile (the repository is shared) rewrites dist/.
const XPI = join(mkdtempSync(join(tmpdir(), 'safepost-xpi-')), 'safepost-firefox.xpi');
const ORIGIN = `moz-extension://${FIREFOX_UUID}`;

let server;
before(async () => {
  copyFileSync(BUILT_XPI, XPI);
  server = await startServer();
});
after(async () => {
  await server?.close();
  rmSync(dirname(XPI), { recursive: true, force: true });
});

/** policies.json as IT writes it: force-install plus the extension's policy. */
const policies = (codename) => firefoxPolicy(companyPolicy({ codename }), {
  ExtensionSettings: { [GECKO_ID]: { installation_mode: 'force_installed', install_url: pathToFileURL(XPI).href } },
});

/** Firefox ESR on a profile that outlives the browser (puppeteer keeps a given userDataDir). */
async function startFirefox(profile) {
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: profile,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      'xpinstall.signatures.required': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  return { browser, extensionOrigin: ORIGIN };
}

/** Opens the options page once the force-installed extension is up; resolves with the page. */
async function openOptions(ff) {
  const deadline = Date.now() + 30000;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const page = await openFirefoxExtensionPage(ff, 'extension/options/options.html');
      await waitInFrame(page.mainFrame(), () => document.body.dataset.ready === 'true', undefined, { timeout: 10000 });
      return page;
    } catch (err) {
      lastError = err; // the add-on is still being installed from policy
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw lastError;
}

async function optionsWhen(page, predicate) {
  const deadline = Date.now() + 15000;
  let state;
  while (Date.now() < deadline) {
    state = await page.evaluate(optionsState).catch(() => null);
    if (state && predicate(state)) return state;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`options page state not reached; last: ${JSON.stringify(state)?.slice(0, 600)}`);
}

async function typeInComposer(page, text) {
  await page.$eval('#post-text', (el) => { el.focus(); el.select(); });
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

describe('Firefox ESR: managed policy', { skip: needsRoot('/etc/firefox/policies') }, () => {
  test('policies.json force-installs SafePost, its rule is enforced, a restart applies a new policy', async () => {
    const file = policyFile(FIREFOX_POLICY_FILE);
    const profile = mkdtempSync(join(tmpdir(), 'safepost-firefox-managed-'));
    let ff;
    try {
      file.write(policies('Falcon'));
      ff = await startFirefox(profile);

      const options = await openOptions(ff);
      const state = await optionsWhen(options, (s) => s.managed);
      assert.equal(state.version, '1');
      assert.deepEqual(state.errors.map((e) => `${e.source}:${e.path}`).sort(), ['managed:rules[1].pattern', 'managed:support_url']);
      assert.equal(state.rows['rules[project_codenames].terms'].source, 'managed');
      assert.equal(state.rows['rules[project_codenames].terms'].value, '["Falcon"]');
      assert.equal(state.rows['uploads.action'].value, 'strip');
      assert.equal(state.rows.fail_mode.value, 'closed');

      // A stricter setting of the user's own, kept in the profile: it must survive the restart.
      await options.evaluate(() => browser.runtime.sendMessage({ type: 'policy.setUser',
        settings: { detectors: { email: { severity: 'block' } } } }));
      await optionsWhen(options, (s) => s.rows['detectors.email.severity']?.source === 'user');

      const page = await ff.browser.newPage();
      await page.goto(`${server.url}/`);
      await page.click('#post-text');
      await page.keyboard.type('Excited to share what Falcon can do next week!');
      const frame = await safepostFrame(page);
      const found = await findingsInPanel(frame, { rule: 'project_codenames' });
      assert.equal(found.items.find((f) => f.rule === 'project_codenames').severity, 'block');
      assert.equal(found.items.find((f) => f.rule === 'project_codenames').message, 'The codename Falcon is confidential.');

      const popup = await openFirefoxExtensionPage(ff, 'extension/popup/popup.html');
      await popup.waitForSelector('#status[data-state="ok"][data-policy="managed"]');
      assert.equal(await popup.$eval('#status', (el) => el.dataset.policyErrors), '2');
      await ff.browser.close();
      ff = null;

      // IT changes policies.json; Firefox reads it at start: restart on the same profile.
      file.write(policies('Osprey'));
      ff = await startFirefox(profile);
      const options2 = await openOptions(ff);
      const state2 = await optionsWhen(options2, (s) => s.rows['rules[project_codenames].terms']?.value === '["Osprey"]');
      assert.equal(state2.rows['detectors.email.severity'].source, 'user', 'same installation: the user settings are still there');
      assert.equal(state2.rows['detectors.email.severity'].value, 'block');

      const page2 = await ff.browser.newPage();
      await page2.goto(`${server.url}/`);
      await page2.click('#post-text');
      await page2.keyboard.type('Excited to share what Falcon can do next week!');
      const frame2 = await safepostFrame(page2);
      await waitForNoFindings(frame2);
      await typeInComposer(page2, 'Osprey ships soon.');
      const found2 = await findingsInPanel(frame2, { rule: 'project_codenames' });
      assert.equal(found2.items.find((f) => f.rule === 'project_codenames').message, 'The codename Osprey is confidential.');
    } finally {
      file.restore();
      await ff?.browser.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    }
  });

  test('the kit\'s firefox/policies.json installs and configures SafePost as it is', async () => {
    const file = policyFile(FIREFOX_POLICY_FILE);
    const profile = mkdtempSync(join(tmpdir(), 'safepost-firefox-kit-'));
    let ff;
    try {
      // Only the download location changes: the built .xpi instead of https://safepost.example.com.
      const kit = JSON.parse(readFileSync(join(ROOT, 'docs/deploy/firefox/policies.json'), 'utf8'));
      kit.policies.ExtensionSettings[GECKO_ID].install_url = pathToFileURL(XPI).href;
      file.write(kit);
      ff = await startFirefox(profile);
      const options = await openOptions(ff);
      const state = await optionsWhen(options, (s) => s.managed);
      assert.deepEqual(state.errors, [], 'the kit policy has no problem');
      assert.equal(state.rows['rules[project_codenames].severity'].value, 'block');
      assert.equal(state.rows['rules[project_codenames].severity'].source, 'managed');
      assert.equal(state.rows['submit.require_justification'].value, 'true');
      assert.equal(state.rows['tickets.hmac_secret'].value, '(hidden)', 'secrets are never shown');

      const page = await ff.browser.newPage();
      await page.goto(`${server.url}/`);
      await page.click('#post-text');
      await page.keyboard.type('Bluebird launches in May.');
      const found = await findingsInPanel(await safepostFrame(page), { rule: 'project_codenames' });
      assert.equal(found.items.find((f) => f.rule === 'project_codenames').severity, 'block');
    } finally {
      file.restore();
      await ff?.browser.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
