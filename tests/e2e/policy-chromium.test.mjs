// Enterprise policy in real Chromium, end to end: a policy file in /etc/chromium/policies/managed/
// (as Group Policy, an MDM profile or a Linux policy file would deliver it) sets a company rule
// that the composer enforces; a changed file applies when Chromium reloads policy (the "Reload
// policies" button of chrome://policy), in the tab that is already open, without reinstalling;
// an invalid value is reported on the options page and in the popup while every valid setting
// still applies; the user's own settings may only make things stricter.
//
// Needs root (writes the policy file, always removes it). Fails otherwise, unless SAFEPOST_SKIP_ROOT_TESTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { launchChromium, CHROME_EXTENSION_ID, DIST_CHROME } from '../support/browsers.mjs';
import { safepostFrame, waitInFrame } from '../support/extension-ui.mjs';
import {
  CHROMIUM_POLICY_FILE, chromiumPolicy, companyPolicy, findingsInPanel, optionsState, policyFile, waitForNoFindings, needsRoot, POLICY_CLAUSE,
} from '../support/managed-policy.mjs';

const EXT = `chrome-extension://${CHROME_EXTENSION_ID}`;
/** SAFEPOST_CHROME_DIR: run against another unpacked build (such as one with a proposed schema). */
const BUILT = process.env.SAFEPOST_CHROME_DIR || DIST_CHROME;
// A private copy: a build running meanwhile (the repository is shared) rewrites dist/.
const DIST = join(mkdtempSync(join(tmpdir(), 'safepost-chrome-')), 'chrome');

let server;
before(async () => {
  cpSync(BUILT, DIST, { recursive: true });
  server = await startServer();
});
after(async () => {
  await server?.close();
  rmSync(dirname(DIST), { recursive: true, force: true });
});

/** Replaces the composer's text (typing, as a user would). */
async function retype(page, text) {
  await page.fill('#post-text', '');
  await page.click('#post-text');
  await page.keyboard.type(text);
}

/** Waits until the effective policy in storage.local satisfies `fn` (run in the service worker). */
async function waitForEffective(b, fn, { timeout = 15000 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await b.serviceWorker.evaluate(async () => (await chrome.storage.local.get('effectivePolicy')).effectivePolicy ?? null);
    if (last && fn(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the effective policy did not change as expected; last: ${JSON.stringify(last)?.slice(0, 800)}`);
}

describe('Chromium: managed policy', { skip: needsRoot('/etc/chromium/policies') }, () => {
  test('a company rule from policy is enforced, reloads live, and invalid values are reported', async () => {
    const file = policyFile(CHROMIUM_POLICY_FILE);
    let b;
    try {
      file.write(chromiumPolicy(companyPolicy({ codename: 'Falcon' })));
      b = await launchChromium({ extensionDir: DIST });

      // The policy reached the extension through Chromium's policy stack and its schema.
      const managed = await b.serviceWorker.evaluate(() => chrome.storage.managed.get());
      assert.deepEqual(managed.rules?.[0]?.terms, ['Falcon'],
        `chrome.storage.managed holds the rule (an empty result means extension/managed_schema.json does not declare "rules"): ${JSON.stringify(managed)}`);
      await waitForEffective(b, (e) => e.managed && e.policy.rules.some((r) => r.id === 'project_codenames'));

      // The codename is blocked in the composer; the finding is the company rule's.
      const page = await b.context.newPage();
      await page.goto(`${server.url}/`);
      await page.click('#post-text');
      await page.keyboard.type('Excited to share what Falcon can do next week!');
      const frame = await safepostFrame(page);
      const first = await findingsInPanel(frame, { rule: 'project_codenames' });
      const codename = first.items.find((f) => f.rule === 'project_codenames');
      assert.equal(codename.severity, 'block');
      assert.equal(codename.message, 'The codename Falcon is confidential.');
      assert.equal(codename.link, POLICY_CLAUSE, 'the panel links to the policy clause');
      assert.equal(first.severity, 'block');

      // The options page: managed source, version, each problem with its place, valid settings applied.
      const options = await b.context.newPage();
      await options.goto(`${EXT}/extension/options/options.html`);
      const state = await waitInFrame(options.mainFrame(), optionsState);
      assert.equal(state.managed, true);
      assert.equal(state.version, '1');
      const paths = state.errors.map((e) => `${e.source}:${e.path}`).sort();
      assert.deepEqual(paths, ['managed:rules[1].pattern', 'managed:support_url']);
      assert.match(state.errors.find((e) => e.path === 'rules[1].pattern').message, /unclosed group/);
      assert.equal(state.rows['rules[project_codenames].terms'].source, 'managed');
      assert.equal(state.rows['rules[project_codenames].severity'].value, 'block');
      assert.equal(state.rows['uploads.action'].value, 'strip');
      assert.equal(state.rows['uploads.action'].source, 'managed');
      assert.equal(state.rows.fail_mode.value, 'closed');
      assert.equal(state.rows['detectors.credit_card.severity'].source, 'default');
      assert.equal(state.rows['rules[broken_pattern].pattern'], undefined, 'the invalid rule is not applied');
      assert.equal(state.rows.support_url, undefined, 'the invalid link is not applied');

      // The popup's one line: managed policy, its problems.
      const popup = await b.context.newPage();
      await popup.goto(`${EXT}/extension/popup/popup.html`);
      await popup.waitForSelector('#status[data-state="ok"][data-policy="managed"]');
      assert.equal(await popup.getAttribute('#status', 'data-policy-errors'), '2');
      assert.match(await popup.textContent('#status'), /Protection is on \(core \d+\.\d+\.\d+\)\. Policy set by your organisation \(version 1, revision [0-9a-f]{8}\)\. 2 problems in the policy\./);
      await popup.close();

      // IT changes the policy file; chrome://policy's "Reload policies" applies it to the open tab.
      file.write(chromiumPolicy(companyPolicy({ codename: 'Osprey' })));
      const policyPage = await b.context.newPage();
      await policyPage.goto('chrome://policy');
      await policyPage.click('#reload-policies');
      await waitForEffective(b, (e) => e.policy.rules.some((r) => r.id === 'project_codenames' && r.terms[0] === 'Osprey'));
      await page.bringToFront();
      await retype(page, 'Excited to share what Falcon can do next week!');
      await waitForNoFindings(frame);
      await retype(page, 'Osprey ships soon.');
      const second = await findingsInPanel(frame, { rule: 'project_codenames' });
      assert.equal(second.items.find((f) => f.rule === 'project_codenames').message, 'The codename Osprey is confidential.');
      assert.equal(b.extensionId, CHROME_EXTENSION_ID, 'the same installed extension, never reinstalled');

      // The open options page follows the change too.
      await options.bringToFront();
      await waitInFrame(options.mainFrame(), () => {
        const tr = document.querySelector('#effective tr[data-path="rules[project_codenames].terms"]');
        return tr && tr.querySelector('.value').textContent.includes('Osprey');
      });

      // The user's own settings: a stricter one applies, a weaker one is refused and says why.
      await options.fill('#user-words', 'Kestrel');
      await options.selectOption('#user-words-severity', 'block');
      await options.click('#user-save');
      await options.waitForSelector('#user-saved:has-text("Saved.")');
      await options.click('#user-advanced summary');
      await options.fill('#user-json', JSON.stringify({
        rules: [{ id: 'user_words', kind: 'keywords', terms: ['Kestrel'], severity: 'block' }],
        uploads: { action: 'ask' },
      }));
      await options.click('#user-json-save');
      const afterUser = await waitInFrame(options.mainFrame(), () => {
        const rows = [...document.querySelectorAll('#policy-errors tbody tr')];
        return rows.some((r) => r.dataset.path === 'uploads.action')
          ? rows.map((r) => ({ source: r.dataset.source, path: r.dataset.path, message: r.querySelector('.message').textContent }))
          : null;
      });
      const refused = afterUser.find((e) => e.path === 'uploads.action');
      assert.equal(refused.source, 'user');
      assert.match(refused.message, /only make the company policy stricter/);
      const userState = await waitInFrame(options.mainFrame(), optionsState);
      assert.equal(userState.rows['uploads.action'].value, 'strip', 'the managed value stays');
      assert.equal(userState.rows['rules[user_words].terms'].source, 'user');
      await page.bringToFront();
      await retype(page, 'Kestrel is my favourite bird.');
      const mine = await findingsInPanel(frame, { rule: 'user_words' });
      assert.equal(mine.items.find((f) => f.rule === 'user_words').severity, 'block');
    } finally {
      file.restore();
      await b?.close();
    }
  });

  test('when the core cannot load, the popup says what the company fail mode means', async () => {
    const file = policyFile(CHROMIUM_POLICY_FILE);
    const dir = mkdtempSync(join(tmpdir(), 'safepost-broken-'));
    let b;
    try {
      cpSync(DIST, dir, { recursive: true });
      writeFileSync(join(dir, 'extension/core/pkg/safepost_bg.wasm'), Buffer.from('this is not WebAssembly'));
      file.write(chromiumPolicy(companyPolicy({ codename: 'Falcon' })));
      b = await launchChromium({ extensionDir: dir });
      const popup = await b.context.newPage();
      await popup.goto(`${EXT}/extension/popup/popup.html`);
      await popup.waitForSelector('#status[data-state="failed"][data-fail-mode="closed"]', { timeout: 15000 });
      const line = await popup.textContent('#status');
      assert.match(line, /could not start its checker/);
      assert.match(line, /Your organisation stops posting until the checker works again\./);
      // The same answer for content scripts (the submit gate), which cannot read storage.local.
      assert.deepEqual(await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'policy.failMode' })),
        { ok: true, failMode: 'closed', managed: true });
    } finally {
      file.restore();
      await b?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
