// Report to IT into a real service desk: Request Tracker 5 (Debian, SQLite) started on 127.0.0.1.
// Chromium with the real extension files reports through its UI (the popup's "Report to IT"
// button, and a warning panel's report.open with findings), and the test reads the tickets back
// through RT's REST2 API: subject, queue, content, and that only what the user chose was sent.
// The employee (here from the per-user policy value IT sets) is each ticket's Requestor and gets
// a SelfService link; a "Post anyway" on a real composer arrives as its own ticket.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { startServer } from '../support/server.mjs';
import { startRt, rtInstalled, ticketContent, ID_FIELD } from '../support/rt.mjs';
import {
  extensionCopy, newProfile, launchChromiumProfile, setManagedTickets, waitForDesk, reports, removeDir, waitFor,
} from '../support/tickets-browser.mjs';
import {
  chooseInDialog, openTextareaIn, safepostFrame, waitForDialog, waitForPosts, waitInFrame,
} from '../support/extension-ui.mjs';

const EMPLOYEE = { reporter_email: 'ana.lopez@example.com', reporter_name: 'Ana Lopez' };

/** The e-mail addresses RT lists as a ticket's requestors. */
async function requestors(rt, ticket) {
  const out = [];
  for (const r of ticket.Requestor || []) {
    const user = await rt.api(`/user/${encodeURIComponent(r.id)}`);
    out.push(user.json && user.json.EmailAddress);
  }
  return out;
}

/** Waits until the form shows a final state and asserts it is "delivered". */
async function settled(form) {
  await form.waitForSelector('#result:not([hidden])');
  await form.waitForSelector('#result-state:is([data-state="delivered"], [data-state="rejected"], [data-state="unconfigured"], [data-state="error"])', { timeout: 60000 })
    .catch(async (err) => { throw new Error(`${err.message}\nform says: ${await form.textContent('#result')}`); });
  const state = await form.getAttribute('#result-state', 'data-state');
  assert.equal(state, 'delivered', await form.textContent('#result'));
}

const SECRET = '4111 1111 1111 1111';
const CARD = '4527 3312 8806 1000'; // a real-looking card number: a blocking finding

/**
 * A proxy in front of RT that passes everything on, except that RT's answer to the first ticket
 * creation is broken off after RT has created the ticket (the answer is lost on the way back).
 */
function lossyProxy(target) {
  let lost = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const up = httpRequest(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (upRes) => {
        const body = [];
        upRes.on('data', (c) => body.push(c));
        upRes.on('end', () => {
          if (req.method === 'POST' && req.url === '/REST/2.0/ticket' && lost === 0) {
            lost += 1;
            req.socket.end('HTTP/1.1 20');
            return;
          }
          res.writeHead(upRes.statusCode, upRes.headers).end(Buffer.concat(body));
        });
      });
      up.on('error', () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`, lost: () => lost,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  })));
}

/** RT 5 must be installed (scripts/test.sh does it): a missing desk fails the suite, unless
 * SAFEPOST_SKIP_RT=1 says this machine cannot have it. */
function rtMissing() {
  if (rtInstalled()) return false;
  if (process.env.SAFEPOST_SKIP_RT === '1') return 'RT 5 is not installed (SAFEPOST_SKIP_RT=1)';
  throw new Error('Request Tracker 5 is not installed: run bash scripts/rt.sh (or set SAFEPOST_SKIP_RT=1 to skip)');
}

describe('Report to IT → Request Tracker 5 (real)', { skip: rtMissing() }, () => {
  let rt; let server; let ext; let profile; let b; let unsetPolicy;
  before(async () => {
    [rt, server] = await Promise.all([startRt(), startServer()]);
    ext = extensionCopy();
    profile = newProfile();
    const tickets = { adapter: 'request_tracker', endpoint: rt.url, token: rt.token, queue: 'General', ...EMPLOYEE };
    unsetPolicy = setManagedTickets(tickets);
    b = await launchChromiumProfile({ profileDir: profile, extensionDir: ext });
    await waitForDesk(b, tickets);
  });
  after(async () => {
    await b?.close();
    unsetPolicy?.();
    await Promise.all([rt?.close(), server?.close()]);
    if (ext) removeDir(ext);
    if (profile) removeDir(profile);
  });

  test('the popup button opens the form; the filed ticket reads back through REST2', async () => {
    const site = await b.context.newPage();
    await site.goto(`${server.url}/`);
    let popup = await b.context.newPage();
    await popup.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
    await popup.waitForSelector('#report-to-it');
    // The button itself opens the form (here without a page: the "active tab" is the popup's).
    const byButton = b.context.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/report/report.html') });
    await popup.click('#report-to-it');
    const plain = await byButton;
    await plain.waitForSelector('#form:not([hidden])');
    assert.equal(await plain.isDisabled('#inc-page'), true, 'no page address to include');
    await plain.close();
    if (popup.isClosed()) {
      popup = await b.context.newPage();
      await popup.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
    }
    const formPromise = b.context.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/report/report.html') });
    // The popup reports on the active tab; in a real toolbar popup that is the site, here the
    // popup is itself a tab, so send the same message the button sends, for the site's address.
    await popup.evaluate((url) => chrome.runtime.sendMessage({ type: 'report.open', context: { url, site: new URL(url).host } }), `${server.url}/`);
    const form = await formPromise;
    await form.waitForSelector('#form:not([hidden])');
    assert.match(await form.textContent('#desk'), /Request Tracker \(127\.0\.0\.1:\d+\)/);
    assert.match(await form.textContent('#filed-for'), /Filed for Ana Lopez <ana\.lopez@example\.com>/);
    assert.equal(await form.isHidden('#reporter-row'), true, 'nobody is asked when IT names the employee');
    assert.equal(await form.textContent('#page-preview'), `${server.url}/`);
    await form.selectOption('#category', 'scam');
    await form.fill('#description', 'A DM asking me to "verify" my payroll login on a look-alike site.');
    await form.click('#send');
    await settled(form);
    const link = await form.getAttribute('#ticket-link', 'href');
    const id = /id=(\d+)$/.exec(link)[1];
    assert.equal(link, `${rt.url}/SelfService/Display.html?id=${id}`, 'the employee\'s page, not the staff interface');
    const selfService = await fetch(link);
    assert.equal(selfService.status, 200);
    assert.match(await selfService.text(), /name="user"/, 'RT SelfService asks the employee to log in');

    const t = await rt.api(`/ticket/${id}`);
    assert.equal(t.status, 200);
    assert.deepEqual(await requestors(rt, t.json), ['ana.lopez@example.com'], 'the employee is the Requestor');
    const [saved] = (await reports(b)).filter((r) => r.ticket && r.ticket.id === id);
    assert.ok(saved, 'the saved report knows its ticket');
    assert.equal(t.json.Subject, `Suspicious message or scam: 127.0.0.1:${server.port} [SafePost ${saved.id.replace(/-/g, '').slice(0, 8)}]`);
    const queue = await rt.api(`/queue/${t.json.Queue.id}`);
    assert.equal(queue.json.Name, 'General');
    const cf = (t.json.CustomFields || []).find((f) => f.name === ID_FIELD);
    assert.deepEqual(cf && cf.values, [saved.id], 'the report id is in the idempotency custom field');
    const { text } = await ticketContent(rt, id);
    assert.match(text, /verify" my payroll login/);
    assert.match(text, /Category: Suspicious message or scam \(scam\)/);
    assert.match(text, new RegExp(`Page: ${server.url.replace(/\./g, '\\.')}/`));
    assert.match(text, /Environment: Chromium [\d.]+; SafePost \d+\.\d+\.\d+.*policy \S+/);
    assert.match(text, new RegExp(`Report ID: ${saved.id}`));
    assert.match(text, /Reported by: Ana Lopez <ana\.lopez@example\.com>/);

    // The popup lists it as delivered with the ticket number.
    await popup.reload();
    const row = await popup.waitForSelector(`.report[data-id="${saved.id}"][data-state="delivered"]`);
    assert.match(await row.textContent(), new RegExp(`Delivered: #${id}`));
  });

  test('a warning panel report carries the rule and redacted preview, never the secret; unticked items stay home', async () => {
    const site = await b.context.newPage();
    await site.goto(`${server.url}/`);
    const page = await b.context.newPage();
    await page.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
    const formPromise = b.context.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/report/report.html') });
    await page.evaluate((url) => chrome.runtime.sendMessage({ type: 'report.open', context: {
      url, site: new URL(url).host, rule: 'payment-card', category: 'false_alarm', severity: 'block',
      findings: [{ rule: 'payment-card', severity: 'block', preview: '4111 •••• •••• 1111' }],
      text: 'Booked the offsite, card 4111 1111 1111 1111 exp 12/29',
    } }), `${server.url}/compose`);
    const form = await formPromise;
    await form.waitForSelector('#form:not([hidden])');
    assert.equal(await form.inputValue('#category'), 'false_alarm');
    assert.match(await form.textContent('#findings-preview'), /payment-card: 4111 •••• •••• 1111/);
    assert.equal(await form.isChecked('#inc-text'), false, 'the post text is off by default');
    await form.uncheck('#inc-page');
    await form.uncheck('#inc-env');
    await form.fill('#description', 'This was our own test card from the docs.');
    await form.click('#send');
    await settled(form);
    const id = /id=(\d+)$/.exec(await form.getAttribute('#ticket-link', 'href'))[1];
    const t = await rt.api(`/ticket/${id}`);
    assert.match(t.json.Subject, /^False alarm from SafePost \[SafePost [0-9a-f]{8}\]$/, 'no page host when the address is unticked');
    const { text } = await ticketContent(rt, id);
    assert.match(text, /\[block\] payment-card: 4111 •••• •••• 1111/);
    assert.ok(!text.includes(SECRET), 'the card number itself never leaves the device');
    assert.ok(!text.includes('/compose'), 'page address unticked');
    assert.ok(!/Environment:/.test(text), 'versions unticked');
    assert.ok(!text.includes('Booked the offsite'), 'post text not ticked');
  });
  test('"Post anyway" on a real composer arrives in RT as its own ticket, filed for the employee, without the secret', async () => {
    const page = await openTextareaIn(await b.context.newPage(), server);
    await page.keyboard.type(`Booked the offsite, card ${CARD} exp 12/29`);
    const frame = await safepostFrame(page);
    await waitInFrame(frame, () => document.getElementById('count')?.dataset.severity === 'block' || null);
    const posted = server.posts.length;
    await page.click('#post');
    await waitForDialog(frame);
    await chooseInDialog(frame, 'post');
    await waitInFrame(frame, () => !document.querySelector('.justification')?.hidden || null);
    await frame.evaluate(() => { document.getElementById('justification').value = 'Card from the vendor docs, not real'; });
    await chooseInDialog(frame, 'post');
    await waitForPosts(server, posted + 1);

    // Report to IT from the page's SafePost frame (as its panel does): the form says up front
    // that no screenshot can be taken from there, instead of failing when the box is ticked.
    const panelForm = b.context.waitForEvent('page', { predicate: (p) => p.url().includes('/extension/report/report.html') });
    await frame.evaluate((url) => chrome.runtime.sendMessage({ type: 'report.open', context: { url, site: '127.0.0.1', findings: [] } }), page.url());
    const form = await panelForm;
    await form.waitForSelector('#form:not([hidden])');
    assert.equal(await form.isDisabled('#inc-screenshot'), true, 'the screenshot box cannot be ticked');
    assert.match(await form.textContent('#shot-error'), /toolbar button or its keyboard shortcut/);
    await form.close();

    const rec = await waitFor(async () => (await reports(b)).find((r) => r.kind === 'override' && r.state === 'delivered') || null,
      { timeout: 60000, what: 'the override delivered' });
    const t = await rt.api(`/ticket/${rec.ticket.id}`);
    assert.equal(t.status, 200);
    assert.equal(t.json.Subject, `Post anyway: credit_card on 127.0.0.1 [SafePost ${rec.id.replace(/-/g, '').slice(0, 8)}]`);
    assert.deepEqual(await requestors(rt, t.json), ['ana.lopez@example.com']);
    const cf = (t.json.CustomFields || []).find((f) => f.name === ID_FIELD);
    assert.deepEqual(cf && cf.values, [rec.id]);
    const { text } = await ticketContent(rt, rec.ticket.id);
    assert.match(text, /Ana Lopez <ana\.lopez@example\.com> chose "Post anyway"/);
    assert.match(text, /Reason given: Card from the vendor docs, not real/);
    assert.match(text, /Rule: credit_card \(category personal_data, severity block\)/);
    assert.match(text, /Site: 127\.0\.0\.1\n/);
    assert.match(text, /Time: \d{4}-\d\d-\d\dT/);
    assert.match(text, /- \[block\] credit_card: \S+/);
    assert.ok(!text.includes(CARD) && !text.includes('3312 8806'), `the card number never leaves the device: ${text}`);
    assert.ok(!text.includes('Booked the offsite'), 'nor the post');
    const total = await rt.api(`/tickets?query=${encodeURIComponent(`'CF.{${ID_FIELD}}' = '${rec.id}'`)}`);
    assert.equal(total.json.total, 1, 'one ticket for one override');

    // The popup shows the employee what was sent.
    const popup = await b.context.newPage();
    await popup.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
    const row = await popup.waitForSelector(`.report.override[data-id="${rec.id}"][data-state="delivered"]`);
    const shown = await row.textContent();
    assert.match(shown, /Sent to IT: #\d+/);
    assert.match(shown, /Your reason: Card from the vendor docs, not real/);
    assert.match(shown, /\[block\] credit_card: /);
    assert.ok(!shown.includes(CARD));
  });
  test('RT\'s answer to the creation is lost: the retry finds the ticket through REST2 instead of filing another', async () => {
    const proxy = await lossyProxy(rt.url);
    try {
      await b.close();
      const tickets = { adapter: 'request_tracker', endpoint: proxy.url, token: rt.token, queue: 'General' };
      unsetPolicy = setManagedTickets(tickets);
      b = await launchChromiumProfile({ profileDir: profile, extensionDir: ext });
      await waitForDesk(b, tickets);
      const before = (await rt.api(`/tickets?query=${encodeURIComponent("Queue = 'General'")}`)).json.total;
      const page = await b.context.newPage();
      await page.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
      const { id } = await page.evaluate(() => chrome.runtime.sendMessage({
        type: 'report.submit', category: 'security', description: 'Lost-answer check.', context: { findings: [] }, include: {},
      }));
      let rec = null;
      for (let i = 0; i < 200 && !(rec && rec.state === 'delivered'); i++) {
        await new Promise((r) => setTimeout(r, 200));
        rec = (await reports(b)).find((r) => r.id === id);
      }
      assert.equal(rec && rec.state, 'delivered', JSON.stringify(rec && rec.lastError));
      assert.equal(proxy.lost(), 1, 'the first answer was really lost');
      assert.ok(rec.attempts >= 2);
      const found = await rt.api(`/tickets?query=${encodeURIComponent(`'CF.{${ID_FIELD}}' = '${id}'`)}`);
      assert.equal(found.json.total, 1, 'exactly one ticket carries this report id');
      assert.equal(String(found.json.items[0].id), rec.ticket.id);
      assert.equal((await rt.api(`/tickets?query=${encodeURIComponent("Queue = 'General'")}`)).json.total, before + 1);
    } finally {
      await proxy.close();
    }
  });
});
