// IT sets a detector's confidence threshold by enterprise policy, in real Chromium: a policy file
// in /etc/chromium/policies/managed/ with `detectors.nl_bsn.min_confidence: "low"` passes
// Chromium's check against extension/managed_schema.json, reaches chrome.storage.managed, and
// makes the core report a bare nine-digit number that passes the BSN 11-proof (which the shipped
// threshold, medium, keeps silent), with its confidence, low, in the panel.
//
// Needs root (writes the policy file, always removes it). Fails otherwise, unless SAFEPOST_SKIP_ROOT_TESTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { launchChromium, DIST_CHROME } from '../support/browsers.mjs';
import { safepostFrame, waitInFrame } from '../support/extension-ui.mjs';
import { CHROMIUM_POLICY_FILE, chromiumPolicy, policyFile, needsRoot } from '../support/managed-policy.mjs';

// A private copy: a build running meanwhile rewrites dist/.
const DIST = join(mkdtempSync(join(tmpdir(), 'safepost-chrome-')), 'chrome');
const TEXT = 'Bestelling 111222333 is gisteren verzonden';

let server;
before(async () => {
  cpSync(DIST_CHROME, DIST, { recursive: true });
  server = await startServer();
});
after(async () => {
  await server?.close();
  rmSync(dirname(DIST), { recursive: true, force: true });
});

describe('Chromium: a confidence threshold from managed policy', { skip: needsRoot('/etc/chromium/policies') }, () => {
  test('min_confidence low reports the bare weak shape, with its confidence', async () => {
    const file = policyFile(CHROMIUM_POLICY_FILE);
    let b;
    try {
      file.write(chromiumPolicy({ version: 1, detectors: { nl_bsn: { min_confidence: 'low', context_chars: 20 } } }));
      b = await launchChromium({ extensionDir: DIST });
      const managed = await b.serviceWorker.evaluate(() => chrome.storage.managed.get());
      assert.deepEqual(managed.detectors?.nl_bsn, { min_confidence: 'low', context_chars: 20 },
        `the schema declares both settings: ${JSON.stringify(managed)}`);

      const page = await b.context.newPage();
      await page.goto(`${server.url}/`);
      await page.click('#post-text');
      await page.keyboard.type(TEXT);
      const frame = await safepostFrame(page);
      const items = await waitInFrame(frame, () => {
        const pill = document.getElementById('count');
        if (!pill || pill.dataset.count !== '1') return null;
        if (pill.getAttribute('aria-expanded') !== 'true') pill.click();
        const f = [...document.querySelectorAll('.finding')].map((el) => ({ rule: el.dataset.rule, confidence: el.dataset.confidence }));
        return f.length ? f : null;
      }, undefined, { timeout: 20000 });
      assert.deepEqual(items, [{ rule: 'nl_bsn', confidence: 'low' }]);
    } finally {
      await b?.close();
      file.restore();
    }
  });
});
