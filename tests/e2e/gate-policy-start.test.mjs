// Fail closed while the policy loads (issue 11 item 5): right after Chromium starts, its policy
// service answers `storage.managed` only after seconds. Until the effective policy (managed layer
// included) is known, SafePost's panel never says "No issues found" for a post that holds the
// company's codename, and a post attempt waits for the policy and is then held by the company
// rule. Real Chromium, a real managed policy file (root), the gate fixture site.
// (Firefox reads policies.json before extensions start: its managed layer answers at once.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { launchChromium, DIST_CHROME } from '../support/browsers.mjs';
import { safepostFrame, waitForDialog, chooseInDialog, distDirs } from '../support/extension-ui.mjs';
import { CHROMIUM_POLICY_FILE, chromiumPolicy, companyPolicy, policyFile, needsRoot } from '../support/managed-policy.mjs';

const DIST = distDirs().chrome ?? DIST_CHROME;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

describe('Chromium: the first seconds after a start', { skip: needsRoot('/etc/chromium/policies') }, () => {
  test('the panel says the rules are loading, and a codename post is held by the company rule', async () => {
    const file = policyFile(CHROMIUM_POLICY_FILE);
    let b;
    try {
      file.write(chromiumPolicy(companyPolicy({ codename: 'Falcon' })));
      b = await launchChromium({ extensionDir: DIST });
      const page = await b.context.newPage();
      await page.goto(`${server.url}/fixtures/gate.html`);
      await page.waitForSelector('body[data-ready="gate"]');
      await page.click('#editor');
      await page.keyboard.type('Falcon ships next week');
      const frame = await safepostFrame(page);
      const labels = new Set();
      const sample = async () => {
        const label = await frame.evaluate(() => {
          const p = document.getElementById('count');
          return p && !document.getElementById('panel').hidden ? p.textContent : null;
        }).catch(() => null);
        if (label) labels.add(label);
      };
      for (let i = 0; i < 5; i++) { await sample(); await sleep(100); }
      const mark = server.posts.length;
      await page.click('#post');
      const dialog = await waitForDialog(frame);
      assert.ok(dialog.findings.includes('project_codenames'), `held by the company rule: ${JSON.stringify(dialog.findings)}`);
      assert.equal(server.posts.length, mark, 'nothing was posted');
      await chooseInDialog(frame, 'edit');
      for (let i = 0; i < 5; i++) { await sample(); await sleep(100); }
      assert.ok(![...labels].some((l) => /No issues found/.test(l)), `never "No issues found": ${[...labels].join(' | ')}`);
      assert.ok([...labels].some((l) => /1 finding/.test(l)), `the finding is shown once the policy is known: ${[...labels].join(' | ')}`);
      await page.close();
    } finally {
      await b?.close();
      file.restore();
    }
  });
});
