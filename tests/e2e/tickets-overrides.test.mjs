// "Post anyway" on record, in Chromium with the real extension: each override goes through the
// same durable queue as reports, to an audit endpoint IT sets (batched JSON with an
// Idempotency-Key, or Splunk HTTP Event Collector events) or to a webhook desk as a record type of
// its own, named for the employee, and never with the post. The fault run files 200 overrides and
// reports while both receivers fail 30 % of the time (503s, answers lost after processing, 504s
// after processing, time-outs) and restarts the browser midway: each arrives exactly once.
// A 429 with Retry-After is honoured.
// Checking servers: tests/support/desk-servers.mjs (`audit`, `webhook`, `servicenow`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDesk, basic } from '../support/desk-servers.mjs';
import {
  extensionCopy, newProfile, launchChromiumProfile, setManagedTickets, waitForDesk, reports, waitFor, removeDir,
} from '../support/tickets-browser.mjs';

const EMPLOYEE = { reporter_email: 'sam.okafor@example.com', reporter_name: 'Sam Okafor' };
const PREVIEW = '4527 **** **** 1000';
const CARD = '4527 3312 8806 1000';

/** A small seeded generator, so a failing run can be replayed. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let ext; let profile; let b; let unsetPolicy;

before(async () => {
  ext = extensionCopy();
  profile = newProfile();
  unsetPolicy = setManagedTickets(null);
  b = await launchChromiumProfile({ profileDir: profile, extensionDir: ext });
});
after(async () => {
  await b?.close();
  unsetPolicy?.();
  if (ext) removeDir(ext);
  if (profile) removeDir(profile);
});

/** Switches the managed policy and restarts the browser on the same profile. */
async function useDesk(tickets) {
  await b.close();
  unsetPolicy = setManagedTickets(tickets);
  b = await launchChromiumProfile({ profileDir: profile, extensionDir: ext });
  await waitForDesk(b, tickets);
}

/** A page of the extension, to send what the core frame sends when the user posts anyway. */
async function extensionPage() {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
  return page;
}

/** `count` "Post anyway" decisions, as core.js reports them; resolves with their record ids. */
async function postAnyway(page, count, tag) {
  return page.evaluate(async ({ count, tag, preview, card }) => {
    const out = [];
    for (let i = 0; i < count; i++) {
      const res = await chrome.runtime.sendMessage({ type: 'gate.override', context: {
        site: 'social.example', justification: `${tag} reason ${i}`,
        text: `the post itself, card ${card}`,
        findings: [{ rule: 'credit_card', category: 'personal_data', severity: 'block', preview, match: card }],
      } });
      if (!res.ok) throw new Error(res.error);
      out.push(res.id);
    }
    return out;
  }, { count, tag, preview: PREVIEW, card: CARD });
}

async function delivered(ids, what) {
  return waitFor(async () => {
    const rs = (await reports(b)).filter((r) => ids.includes(r.id));
    return rs.length === ids.length && rs.every((r) => r.state === 'delivered') ? rs : null;
  }, { timeout: 120000, interval: 300, what }).catch(async (err) => {
    const rs = (await reports(b)).filter((r) => ids.includes(r.id) && r.state !== 'delivered');
    throw new Error(`${err.message}: ${rs.length} not delivered, e.g. ${JSON.stringify(rs.slice(0, 2).map((r) => ({ state: r.state, attempts: r.attempts, lastError: r.lastError })))}`);
  });
}

function assertOverrideEvent(e, { tag }) {
  assert.equal(e.schema, 'safepost.override/1');
  assert.equal(e.site, 'social.example');
  assert.equal(e.rule, 'credit_card');
  assert.equal(e.category, 'personal_data');
  assert.equal(e.severity, 'block');
  assert.match(e.reason, new RegExp(`^${tag} reason \\d+$`));
  assert.ok(Math.abs(Date.now() - Date.parse(e.at)) < 15 * 60000);
  assert.deepEqual(e.findings, [{ rule: 'credit_card', category: 'personal_data', severity: 'block', preview: PREVIEW }]);
  assert.deepEqual(e.person, { email: EMPLOYEE.reporter_email, name: EMPLOYEE.reporter_name, source: 'policy' });
  assert.ok(!JSON.stringify(e).includes(CARD) && !JSON.stringify(e).includes('the post itself'), 'never the post or the match');
}

describe('"Post anyway" on record', () => {
  test('to a Splunk HTTP Event Collector: events in HEC\'s format, with its token, named for the employee', async () => {
    const hec = await startDesk('audit', { auth: 'Splunk 11111111-2222-3333-4444-555555555555' });
    try {
      await useDesk({ adapter: 'email', email_to: 'it@example.com', audit_endpoint: `${hec.url}/services/collector/event`,
        audit_format: 'splunk_hec', audit_token: '11111111-2222-3333-4444-555555555555', ...EMPLOYEE });
      const ids = await postAnyway(await extensionPage(), 3, 'hec');
      await delivered(ids, 'the overrides at the event collector');
      assert.deepEqual(hec.violations, []);
      assert.deepEqual(hec.events.map((e) => e.id).sort(), ids.slice().sort());
      for (const e of hec.events) {
        assertOverrideEvent(e, { tag: 'hec' });
        assert.equal(e.deliveries, 1);
      }
      const posts = hec.requests.filter((r) => r.method === 'POST');
      assert.ok(posts.every((r) => r.headers.authorization === 'Splunk 11111111-2222-3333-4444-555555555555'));
    } finally {
      await hec.close();
    }
  });

  test('to a webhook desk: a record of its own type (safepost.override/1), keyed by the override id', async () => {
    const hook = await startDesk('webhook');
    try {
      await useDesk({ adapter: 'webhook', endpoint: `${hook.url}/hook`, ...EMPLOYEE });
      const ids = await postAnyway(await extensionPage(), 2, 'hook');
      await delivered(ids, 'the overrides at the webhook');
      assert.deepEqual(hook.violations, []);
      assert.deepEqual(hook.events.map((e) => e.id).sort(), ids.slice().sort());
      for (const e of hook.events) assertOverrideEvent(e, { tag: 'hook' });
      assert.equal(hook.tickets.length, 0, 'no report was made of them');
    } finally {
      await hook.close();
    }
  });

  test('a 429 with Retry-After: the next attempt waits at least as long', async () => {
    let n = 0;
    const audit = await startDesk('audit', { retryAfterSeconds: 4, fault: (q) => (q.method === 'POST' && n++ === 0 ? 'ratelimit' : null) });
    try {
      await useDesk({ adapter: 'email', email_to: 'it@example.com', audit_endpoint: `${audit.url}/audit`, ...EMPLOYEE });
      const ids = await postAnyway(await extensionPage(), 1, 'limited');
      await delivered(ids, 'the override after the rate limit');
      const posts = audit.requests.filter((r) => r.method === 'POST');
      assert.equal(posts[0].fault, 'ratelimit');
      assert.ok(posts.length >= 2);
      assert.ok(posts[1].at - posts[0].at >= 4000, `retried ${posts[1].at - posts[0].at} ms after a 429 saying 4 s`);
      assert.equal(audit.events.length, 1);
    } finally {
      await audit.close();
    }
  });

  test('200 overrides and reports, 30 % failures and time-outs, browser restarted midway: each arrives exactly once', { timeout: 400000 }, async () => {
    const seed = Number(process.env.SAFEPOST_FAULT_SEED || Date.now() % 100000);
    const random = rng(seed);
    const faults = { fail: 0, timeout: 0, lose: 0, gateway: 0 };
    let first = true;
    const fault = (q) => {
      if (q.method !== 'POST') return null;
      // The first batch is processed and its answer lost: only the Idempotency-Key saves it.
      if (q.path === '/audit' && first) { first = false; faults.lose += 1; return 'lose'; }
      const x = random();
      const f = x < 0.10 ? 'fail' : x < 0.18 ? 'lose' : x < 0.25 ? 'gateway' : x < 0.30 ? 'timeout' : null;
      if (f) faults[f] += 1;
      return f;
    };
    const audit = await startDesk('audit', { fault });
    const desk = await startDesk('servicenow', { auth: basic('svc', 'pw'), fault });
    try {
      await useDesk({ adapter: 'servicenow', endpoint: desk.url, username: 'svc', token: 'pw', audit_endpoint: `${audit.url}/audit`, ...EMPLOYEE });
      const page = await extensionPage();
      const overrideIds = [];
      const reportIds = [];
      for (let round = 0; round < 10; round++) {
        overrideIds.push(...await postAnyway(page, 12, 'fault'));
        reportIds.push(...await page.evaluate(async (round) => {
          const out = [];
          for (let i = 0; i < 8; i++) {
            const res = await chrome.runtime.sendMessage({ type: 'report.submit', category: 'scam', description: `fault report ${round}.${i}`,
              context: { findings: [] }, include: { environment: false } });
            out.push(res.id);
          }
          return out;
        }, round));
      }
      assert.equal(new Set([...overrideIds, ...reportIds]).size, 200);

      const midway = await waitFor(async () => {
        const n = (await reports(b)).filter((r) => r.state === 'delivered').length;
        return n >= 40 ? n : null;
      }, { timeout: 120000, interval: 100, what: 'some delivered' });
      assert.ok(midway < 200, `still records to send at the restart (${midway} delivered)`);
      await b.close();
      b = await launchChromiumProfile({ profileDir: profile, extensionDir: ext });

      await delivered([...overrideIds, ...reportIds], 'all 200 delivered');
      assert.deepEqual(audit.violations, []);
      assert.deepEqual(desk.violations, []);
      // Each override once at the audit receiver (a repeated batch key is dropped there; an
      // override in two different batches would count twice).
      assert.deepEqual(audit.events.map((e) => e.id).sort(), overrideIds.slice().sort());
      assert.deepEqual(audit.events.filter((e) => e.deliveries !== 1).map((e) => e.id), [], 'no override in two batches');
      for (const e of audit.events) assertOverrideEvent(e, { tag: 'fault' });
      const repeats = [...audit.batches.values()].reduce((n, x) => n + x.repeats, 0);
      assert.ok(repeats >= 1, 'a batch whose answer was lost was sent again under its key');
      // Each report once at the desk.
      const byCorrelation = new Map();
      for (const t of desk.tickets) byCorrelation.set(t.correlation_id, (byCorrelation.get(t.correlation_id) || 0) + 1);
      assert.deepEqual([...byCorrelation].filter(([, n]) => n > 1), [], 'no report produced two incidents');
      assert.deepEqual([...byCorrelation.keys()].sort(), reportIds.slice().sort());
      assert.ok(Object.values(faults).every((x) => x > 0), JSON.stringify(faults));
      console.log(`# seed ${seed}; faults ${JSON.stringify(faults)}; ${audit.batches.size} batches (${repeats} repeated); ${midway} delivered before the restart`);
    } finally {
      await audit.close();
      await desk.close();
    }
  });
});
