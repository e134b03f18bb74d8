// Report to IT in Firefox ESR: the same queue and adapter code runs in Firefox's event page.
// Settings through real Firefox enterprise policy (policies.json, 3rdparty.Extensions); a report
// submitted from the extension's popup reaches the signed webhook exactly once, after a lost answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchFirefox, openFirefoxExtensionPage } from '../support/browsers.mjs';
import { startDesk } from '../support/desk-servers.mjs';
import { FIREFOX_POLICY_FILE, firefoxPolicy, policyFile } from '../support/managed-policy.mjs';
import { extensionCopy, removeDir, waitFor } from '../support/tickets-browser.mjs';
import { DIST_FIREFOX } from '../support/browsers.mjs';

let desk; let file; let ext; let b;

before(async () => {
  let lost = false;
  desk = await startDesk('webhook', { secret: 'ff-secret', fault: (req) => (req.method === 'POST' && !lost ? (lost = true, 'lose') : null) });
  file = policyFile(FIREFOX_POLICY_FILE);
  file.write(firefoxPolicy({ tickets: { adapter: 'webhook', endpoint: `${desk.url}/hook`, hmac_secret: 'ff-secret' } }));
  ext = extensionCopy({ from: DIST_FIREFOX });
  b = await launchFirefox({ extensionDir: ext });
});
after(async () => {
  await b?.close();
  file?.restore();
  await desk?.close();
  if (ext) removeDir(ext);
});

test('Firefox: a report reaches the signed webhook exactly once', { timeout: 90000 }, async () => {
  const page = await openFirefoxExtensionPage(b, 'extension/popup/popup.html');
  await waitFor(async () => {
    const eff = await page.evaluate(async () => (await browser.storage.local.get('effectivePolicy')).effectivePolicy || null);
    return eff && eff.policy && eff.policy.tickets && eff.policy.tickets.adapter === 'webhook' ? eff : null;
  }, { timeout: 30000, what: 'the webhook desk from policies.json' });
  const { id } = await page.evaluate(() => browser.runtime.sendMessage({
    type: 'report.submit', category: 'account', description: 'Locked out after a password reset mail.',
    context: { url: 'https://social.example/settings', findings: [] }, include: {},
  }));
  const rec = await waitFor(async () => {
    const r = await page.evaluate(async (key) => (await browser.storage.local.get(key))[key], `ticket:${id}`);
    return r && r.state === 'delivered' ? r : (r && r.state === 'rejected' ? { error: JSON.stringify(r.lastError) } : null);
  }, { timeout: 60000, what: 'delivered' });
  assert.deepEqual(desk.violations, []);
  assert.equal(desk.tickets.length, 1);
  assert.equal(desk.tickets[0].deliveries, 2, 'the lost answer was retried with the same id');
  assert.equal(desk.tickets[0].body.id, id);
  assert.match(desk.tickets[0].body.environment.browser, /Firefox/);
  assert.equal(rec.ticket.number, 'HOOK-1');
});
