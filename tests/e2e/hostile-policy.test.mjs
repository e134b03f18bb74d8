// A managed policy with one wrong value among good rules, in real Chromium (issue 12, item 1).
// Chromium validates the extension's managed value against managed_schema.json and drops a whole
// top-level setting on the first mismatch: one mistyped severity must not remove every company
// rule (the schema takes plain strings; the core checks them per rule), and a `rules` setting
// Chromium drops anyway (a list written as text) must be reported (`rules_count`), never "all is
// well": in the options page, the popup and the badge.
//
// Needs root (writes the policy file, always removes it). Fails otherwise, unless SAFEPOST_SKIP_ROOT_TESTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { pathToFileURL } from 'node:url';
import { launchChromium, CHROME_EXTENSION_ID, DIST_CHROME, ROOT, GECKO_ID, FIREFOX_UUID, openFirefoxExtensionPage } from '../support/browsers.mjs';
import { safepostFrame, waitInFrame } from '../support/extension-ui.mjs';
import {
  CHROMIUM_POLICY_FILE, FIREFOX_POLICY_FILE, chromiumPolicy, firefoxPolicy, findingsInPanel, optionsState, policyFile, needsRoot,
} from '../support/managed-policy.mjs';

const EXT = `chrome-extension://${CHROME_EXTENSION_ID}`;
const BUILT = process.env.SAFEPOST_CHROME_DIR || DIST_CHROME;
const DIST = join(mkdtempSync(join(tmpdir(), 'safepost-chrome-')), 'chrome');
const XPI = join(dirname(DIST), 'safepost-firefox.xpi');

let server;
before(async () => {
  cpSync(BUILT, DIST, { recursive: true });
  copyFileSync(process.env.SAFEPOST_XPI || join(ROOT, 'dist/safepost-test-firefox.xpi') /* the test flavour: the page is on 127.0.0.1 */, XPI);
  server = await startServer();
});
after(async () => {
  await server?.close();
  rmSync(dirname(DIST), { recursive: true, force: true });
});

const codename = { id: 'project_codenames', kind: 'keywords', terms: ['Falcon'], severity: 'block', category: 'confidential',
  message: 'The codename Falcon is confidential.' };
const other = { id: 'launch_dates', kind: 'keywords', terms: ['launch date'], severity: 'warn' };

async function policyState(b, page) {
  await page.goto(`${EXT}/extension/options/options.html`);
  const options = await waitInFrame(page.mainFrame(), optionsState, undefined, { timeout: 15000 });
  await page.goto(`${EXT}/extension/popup/popup.html`);
  const popup = await waitInFrame(page.mainFrame(), () => {
    const line = document.getElementById('status');
    return line && line.dataset.policy ? { errors: line.dataset.policyErrors, text: line.textContent } : null;
  }, undefined, { timeout: 15000 });
  const badge = await b.serviceWorker.evaluate(async () => ({
    text: await chrome.action.getBadgeText({}), title: await chrome.action.getTitle({}),
  }));
  return { options, popup, badge };
}

async function waitForErrorAt(b, path) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    const eff = await b.serviceWorker.evaluate(async () => (await chrome.storage.local.get('effectivePolicy')).effectivePolicy ?? null);
    if (eff && eff.managed && eff.errors.some((e) => e.path === path)) return eff;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no policy error at ${path}`);
}

describe('Chromium: a broken managed policy', { skip: needsRoot('/etc/chromium/policies') }, () => {
  test('one rule with a severity outside the list: every other rule stays enforced, the error shows with its place', async () => {
    const file = policyFile(CHROMIUM_POLICY_FILE);
    let b;
    try {
      file.write(chromiumPolicy({ version: 1, rules: [other, { ...codename }, { id: 'typo', kind: 'keywords', terms: ['x'], severity: 'critical' }],
        rules_count: 3 }));
      b = await launchChromium({ extensionDir: DIST });
      const eff = await waitForErrorAt(b, 'rules[2].severity');
      assert.ok(eff.policy.rules.some((r) => r.id === 'project_codenames'), 'the codename rule arrived and applies');

      const page = await b.context.newPage();
      await page.goto(`${server.url}/fixtures/textarea.html`);
      await page.waitForSelector('body[data-ready]');
      await page.click('#post-text');
      await page.keyboard.type('Falcon ships next week');
      const found = await findingsInPanel(await safepostFrame(page), { rule: 'project_codenames' });
      assert.equal(found.severity, 'block');

      const state = await policyState(b, page);
      assert.ok(state.options.errors.some((e) => e.path === 'rules[2].severity' && /critical/.test(e.message)), JSON.stringify(state.options.errors));
      assert.notEqual(state.popup.errors, '0', 'the popup counts the error');
      assert.equal(state.badge.text, '!', 'the badge says the policy has an error');
      assert.match(state.badge.title, /rules\[2\]\.severity/);
    } finally {
      await b?.close();
      file.restore();
    }
  });

  test('a rules setting Chromium drops (terms written as text) is reported through rules_count, never "all is well"', async () => {
    const file = policyFile(CHROMIUM_POLICY_FILE);
    let b;
    try {
      file.write(chromiumPolicy({ version: 1, rules: [codename, { ...other, terms: 'launch date' }], rules_count: 2, fail_mode: 'closed' }));
      b = await launchChromium({ extensionDir: DIST });
      const eff = await waitForErrorAt(b, 'rules_count');
      assert.ok(!eff.policy.rules.some((r) => r.id === 'project_codenames'), 'Chromium did drop the rules (the premise of this test)');
      assert.equal(eff.policy.fail_mode, 'closed', 'the rest of the policy arrived');
      const page = await b.context.newPage();
      const state = await policyState(b, page);
      const err = state.options.errors.find((e) => e.path === 'rules_count');
      assert.ok(err, JSON.stringify(state.options.errors));
      assert.match(err.message, /none arrived/);
      assert.notEqual(state.popup.errors, '0');
      assert.equal(state.badge.text, '!');
    } finally {
      await b?.close();
      file.restore();
    }
  });
});

describe('Chromium: one wrong value in any setting', { skip: needsRoot('/etc/chromium/policies') }, () => {
  test('a value outside a list or a range costs only that value: the rest of its setting applies, each error shows, a mistyped fail mode fails closed', async () => {
    const file = policyFile(CHROMIUM_POLICY_FILE);
    let b;
    try {
      file.write(chromiumPolicy({
        version: 1, rules: [codename], rules_count: 1,
        uploads: { action: 'quarantine', strip_mode: 'identifying' },
        disclosure: { brands: ['Contoso'], tags: ['#ad'], severity: 'fatal' },
        detectors: { credit_card: { context_chars: 500 }, email: { severity: 'block' } },
        tickets: { adapter: 'webhook', endpoint: 'https://hooks.example.com/x', audit_format: 'syslog', retry: { initial_delay_seconds: 600, timeout_seconds: 900 } },
        company_account: { when_unknown: 'strict' },
        fail_mode: 'close',
      }));
      b = await launchChromium({ extensionDir: DIST });
      let eff;
      for (const path of ['uploads.action', 'disclosure.severity', 'detectors.credit_card.context_chars', 'tickets.audit_format',
        'tickets.retry.timeout_seconds', 'company_account.when_unknown', 'fail_mode']) eff = await waitForErrorAt(b, path);
      const p = eff.policy;
      assert.equal(p.uploads.strip_mode, 'identifying', 'the rest of uploads applies');
      assert.deepEqual(p.disclosure.brands, ['Contoso'], 'the rest of disclosure applies');
      assert.equal(p.detectors.email.severity, 'block', 'the other detector settings apply');
      assert.equal(p.tickets.adapter, 'webhook', 'the service desk is still set up');
      assert.equal(p.tickets.retry.initial_delay_seconds, 600, 'the documented retry timing takes effect');
      assert.equal(p.fail_mode, 'closed', 'IT asked for a fail mode and mistyped it: the strictest holds');
      assert.ok(p.rules.some((r) => r.id === 'project_codenames'));
      const page = await b.context.newPage();
      const state = await policyState(b, page);
      for (const path of ['uploads.action', 'fail_mode', 'tickets.audit_format']) {
        assert.ok(state.options.errors.some((e) => e.path === path), `${path} shows: ${JSON.stringify(state.options.errors)}`);
      }
      assert.equal(state.badge.text, '!');
    } finally {
      await b?.close();
      file.restore();
    }
  });
});

describe('Firefox ESR: a broken managed policy', { skip: needsRoot('/etc/firefox/policies') }, () => {
  test('one rule with a wrong severity: the other rules apply; the options page and the badge say so', async () => {
    const file = policyFile(FIREFOX_POLICY_FILE);
    const profile = mkdtempSync(join(tmpdir(), 'safepost-firefox-hostile-'));
    let browser;
    try {
      file.write(firefoxPolicy({ version: 1, rules: [other, codename, { id: 'typo', kind: 'keywords', terms: ['x'], severity: 'critical' }],
        rules_count: 3 }, {
        ExtensionSettings: { [GECKO_ID]: { installation_mode: 'force_installed', install_url: pathToFileURL(XPI).href } },
      }));
      const puppeteer = (await import('puppeteer-core')).default;
      browser = await puppeteer.launch({
        browser: 'firefox', protocol: 'webDriverBiDi', executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr', headless: true,
        userDataDir: profile, args: ['--remote-allow-system-access'],
        extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }), 'xpinstall.signatures.required': false },
      });
      const ff = { browser, extensionOrigin: `moz-extension://${FIREFOX_UUID}` };
      let options = null;
      const deadline = Date.now() + 30000;
      while (!options && Date.now() < deadline) {
        try {
          const page = await openFirefoxExtensionPage(ff, 'extension/options/options.html');
          await waitInFrame(page.mainFrame(), () => document.body.dataset.ready === 'true', undefined, { timeout: 10000 });
          options = page;
        } catch { await new Promise((r) => setTimeout(r, 500)); } // still installing from policy
      }
      assert.ok(options, 'the options page opened');
      const state = await waitInFrame(options.mainFrame(), () => {
        const s = window.document.body.dataset.ready === 'true' && [...document.querySelectorAll('#policy-errors tbody tr')]
          .map((tr) => tr.dataset.path);
        return s && s.includes('rules[2].severity') ? s : null;
      }, undefined, { timeout: 15000 });
      assert.ok(state.includes('rules[2].severity'));
      const badge = await options.evaluate(async () => ({ text: await browser.action.getBadgeText({}), title: await browser.action.getTitle({}) }));
      assert.equal(badge.text, '!', 'the badge says the policy has an error');
      assert.match(badge.title, /rules\[2\]\.severity/);

      const page = await browser.newPage();
      await page.goto(`${server.url}/fixtures/textarea.html`);
      await page.waitForSelector('body[data-ready]');
      await page.click('#post-text');
      await page.keyboard.type('Falcon ships next week');
      const found = await findingsInPanel(await safepostFrame(page), { rule: 'project_codenames' });
      assert.equal(found.severity, 'block', 'the good rules stay enforced');
    } finally {
      await browser?.close().catch(() => {});
      file.restore();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
