// Sites IT adds by policy, in real Firefox ESR, through the live path Chromium cannot automate:
// the user clicks "Allow" in the popup, the permission is granted at once (the test profile sets
// `extensions.webextOptionalPermissionPrompts` false, Firefox's own switch for answering its
// prompt), permissions.onAdded registers the content scripts, and SafePost runs on the site.
//
// Needs root (writes /etc/firefox/policies/policies.json, always restores it). Fails otherwise, unless SAFEPOST_SKIP_ROOT_TESTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { launchFirefox, openFirefoxExtensionPage } from '../support/browsers.mjs';
import { safepostFrame, waitInFrame } from '../support/extension-ui.mjs';
import { FIREFOX_POLICY_FILE, firefoxPolicy, policyFile, needsRoot } from '../support/managed-policy.mjs';

const HOST = 'it.localhost';
const PATTERN = `http://*.${HOST}/*`;
const CARD_TEXT = 'Booked the offsite, card 4527 3312 8806 1000 exp 12/29';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.close(); });

describe('Firefox ESR: sites IT adds by policy', { skip: needsRoot('/etc/firefox/policies') }, () => {
  test('"Allow" in the popup grants the site and SafePost runs there', async () => {
    const file = policyFile(FIREFOX_POLICY_FILE);
    let b;
    try {
      file.write(firefoxPolicy({ version: 1, sites: [HOST] }));
      b = await launchFirefox({ prefs: {
        'extensions.webextOptionalPermissionPrompts': false,
        'network.dns.localDomains': HOST,
      } });
      const page = await b.browser.newPage();
      await page.goto(`http://${HOST}:${server.port}/`);
      await page.click('#post-text');
      await page.keyboard.type(CARD_TEXT);
      await assert.rejects(safepostFrame(page, { timeout: 3000 }), /did not appear/);

      const popup = await openFirefoxExtensionPage(b, 'extension/popup/popup.html');
      await popup.waitForSelector('#sites[data-missing="1"]', { timeout: 15000 });
      assert.match(await popup.$eval('#sites', (el) => el.textContent), /Your company added 1 site\./);
      await popup.click('#sites-allow');
      await popup.waitForSelector('#sites[data-result="granted"]', { timeout: 15000 });
      assert.equal(await popup.evaluate((o) => browser.permissions.contains({ origins: [o] }), PATTERN), true);
      const deadline = Date.now() + 15000;
      let scripts = [];
      while (Date.now() < deadline) {
        scripts = await popup.evaluate(async () => (await browser.scripting.getRegisteredContentScripts()).map((s) => s.matches));
        if (scripts.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.deepEqual(scripts, [[PATTERN]],
        `not registered: ${JSON.stringify(await popup.evaluate(() => browser.runtime.sendMessage({ type: 'sites.status' })))}`);

      const page2 = await b.browser.newPage();
      await page2.goto(`http://${HOST}:${server.port}/`);
      await page2.click('#post-text');
      await page2.keyboard.type(CARD_TEXT);
      const frame = await safepostFrame(page2, { timeout: 15000 });
      const pill = await waitInFrame(frame, () => {
        const p = document.getElementById('count');
        return p && p.dataset.count === '1' ? { severity: p.dataset.severity } : null;
      }, undefined, { timeout: 15000 });
      assert.equal(pill.severity, 'block');
    } finally {
      file.restore();
      await b?.close();
    }
  });
});
