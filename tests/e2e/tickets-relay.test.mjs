// Relay mode against a real Request Tracker 5: the laptop's policy holds no RT credential, only
// the relay's address and a signing secret; the kit's relay (docs/deploy/relay/relay.mjs, run
// as it ships) holds the RT token. A report from the form and a "Post anyway" both become RT
// tickets whose Requestor is the employee, and a repeated Idempotency-Key files nothing twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { startRt, rtInstalled, freePort, ticketContent } from '../support/rt.mjs';
import { ROOT } from '../support/browsers.mjs';
import {
  extensionCopy, newProfile, launchChromiumProfile, setManagedTickets, waitForDesk, reports, removeDir, waitFor,
} from '../support/tickets-browser.mjs';

const SECRET = 'relay-signing-secret';

function rtMissing() {
  if (rtInstalled()) return false;
  if (process.env.SAFEPOST_SKIP_RT === '1') return 'RT 5 is not installed (SAFEPOST_SKIP_RT=1)';
  throw new Error('Request Tracker 5 is not installed: run bash scripts/rt.sh (or set SAFEPOST_SKIP_RT=1 to skip)');
}

async function startRelay(rt) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'docs/deploy/relay/relay.mjs')], {
    env: { ...process.env, RELAY_PORT: String(port), RELAY_HOST: '127.0.0.1', RELAY_HMAC_SECRET: SECRET,
      RELAY_STATE: join(rt.dir, 'relay-state.jsonl'), RT_URL: rt.url, RT_TOKEN: rt.token, RT_QUEUE: 'General' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  await waitFor(async () => (out.includes('SafePost relay on') ? true : null), { timeout: 10000, what: `relay start (${out})` });
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) };
}

async function requestorsOf(rt, id) {
  const t = await rt.api(`/ticket/${id}`);
  const out = [];
  for (const r of t.json.Requestor || []) out.push((await rt.api(`/user/${encodeURIComponent(r.id)}`)).json.EmailAddress);
  return { ticket: t.json, requestors: out };
}

describe('relay mode → Request Tracker 5 (real)', { skip: rtMissing() }, () => {
  let rt; let relay; let server; let ext; let profile; let b; let unsetPolicy; let tickets;
  before(async () => {
    [rt, server] = await Promise.all([startRt(), startServer()]);
    relay = await startRelay(rt);
    ext = extensionCopy();
    profile = newProfile();
    tickets = { adapter: 'webhook', endpoint: relay.url, hmac_secret: SECRET, reporter_email: 'noor.haddad@example.com', reporter_name: 'Noor Haddad' };
    unsetPolicy = setManagedTickets(tickets, { support_url: 'https://help.example.com/social', policy_url: 'https://intranet.example.com/social-media-policy' });
    b = await launchChromiumProfile({ profileDir: profile, extensionDir: ext });
    await waitForDesk(b, tickets);
  });
  after(async () => {
    await b?.close();
    unsetPolicy?.();
    await relay?.close();
    await Promise.all([rt?.close(), server?.close()]);
    if (ext) removeDir(ext);
    if (profile) removeDir(profile);
  });

  test('a report and a "Post anyway" reach RT through the relay, filed for the employee; no RT credential on the laptop', async () => {
    const page = await b.context.newPage();
    await page.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
    const everything = await page.evaluate(async () => JSON.stringify({
      local: await chrome.storage.local.get(null), managed: await chrome.storage.managed.get(null),
    }));
    assert.ok(!everything.includes(rt.token), 'the RT token is nowhere in the extension\'s storage or policy');
    // The popup links to IT's support and policy pages.
    await page.waitForSelector('#links:not([hidden])');
    assert.equal(await page.getAttribute('#support-url', 'href'), 'https://help.example.com/social');
    assert.equal(await page.getAttribute('#policy-url', 'href'), 'https://intranet.example.com/social-media-policy');
    assert.equal(await page.textContent('#links'), 'IT support · Social media policy');

    const formPromise = b.context.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/report/report.html') });
    await page.evaluate((url) => chrome.runtime.sendMessage({ type: 'report.open', context: { url, site: new URL(url).host } }), `${server.url}/`);
    const form = await formPromise;
    await form.waitForSelector('#form:not([hidden])');
    await form.selectOption('#category', 'scam');
    await form.fill('#description', 'Relay report: a fake support account DMs our customers.');
    await form.click('#send');
    await form.waitForSelector('#result-state[data-state="delivered"]', { timeout: 60000 })
      .catch(async (err) => { throw new Error(`${err.message}: ${await form.textContent('#result')}`); });
    const link = await form.getAttribute('#ticket-link', 'href');
    const id = /SelfService\/Display\.html\?id=(\d+)$/.exec(link)[1];
    assert.equal(link, `${rt.url}/SelfService/Display.html?id=${id}`);
    const report = await requestorsOf(rt, id);
    assert.deepEqual(report.requestors, ['noor.haddad@example.com']);
    assert.match(report.ticket.Subject, /^Suspicious message or scam: .*\[SafePost [0-9a-f]{8}\]$/);
    assert.match((await ticketContent(rt, id)).text, /Reported by: Noor Haddad <noor\.haddad@example\.com>/);

    const { id: overrideId } = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'gate.override', context: {
      site: 'social.example', justification: 'Relay override reason',
      findings: [{ rule: 'credit_card', category: 'personal_data', severity: 'block', preview: '4527 **** **** 1000' }],
    } }));
    const rec = await waitFor(async () => (await reports(b)).find((r) => r.id === overrideId && r.state === 'delivered') || null,
      { timeout: 60000, what: 'the override delivered through the relay' });
    const o = await requestorsOf(rt, rec.ticket.id);
    assert.deepEqual(o.requestors, ['noor.haddad@example.com']);
    assert.match(o.ticket.Subject, /^Post anyway: credit_card on social\.example \[SafePost [0-9a-f]{8}\]$/);
    assert.match((await ticketContent(rt, rec.ticket.id)).text, /Reason given: Relay override reason/);
  });

  test('the relay drops a repeated Idempotency-Key and refuses an unsigned body', async () => {
    const count = async () => (await rt.api(`/tickets?query=${encodeURIComponent("Queue = 'General'")}`)).json.total;
    const before = await count();
    const body = JSON.stringify({ schema: 'safepost.override/1', id: 'c0ffee00-0000-4000-8000-000000000001', at: new Date().toISOString(),
      site: 'x.com', rule: 'credit_card', category: 'personal_data', severity: 'block', reason: 'repeat check', findings: [],
      person: { email: 'noor.haddad@example.com', name: 'Noor Haddad', source: 'policy' } });
    const send = () => {
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
      return fetch(relay.url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'idempotency-key': 'c0ffee00-0000-4000-8000-000000000001',
        'x-safepost-timestamp': ts, 'x-safepost-signature': sig } });
    };
    const answers = await Promise.all([send(), send(), send()]);
    const jsons = await Promise.all(answers.map((r) => r.json()));
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 200]);
    assert.equal(new Set(jsons.map((j) => j.ticket.id)).size, 1, 'one ticket for three deliveries');
    const later = await send();
    assert.equal(later.headers.get('idempotent-replayed'), 'true');
    assert.equal((await later.json()).ticket.id, jsons[0].ticket.id);
    assert.equal(await count(), before + 1);
    const unsigned = await fetch(relay.url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'idempotency-key': 'c0ffee00-0000-4000-8000-000000000001' } });
    assert.equal(unsigned.status, 401);
  });
});
