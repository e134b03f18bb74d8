// Never lost, never doubled: 200 reports are filed while the service desk fails (503), times
// out, or carries out the request and then loses the answer (broken off, or a proxy's 504),
// 30 % of all requests, and the browser is
// shut down midway and started again on the same profile. Every report must end as exactly one
// ticket. The desk is the ServiceNow checking server, which has no idempotency key of its own:
// only the extension's look-up before each retry (correlation_id) prevents duplicates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDesk, basic } from '../support/desk-servers.mjs';
import {
  extensionCopy, newProfile, launchChromiumProfile, setManagedTickets, waitForDesk, reports, waitFor, removeDir,
} from '../support/tickets-browser.mjs';

const COUNT = 200;

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

let desk; let ext; let profile; let b; let unsetPolicy;
const seed = Number(process.env.SAFEPOST_FAULT_SEED || Date.now() % 100000);
const faults = { fail: 0, timeout: 0, lose: 0, gateway: 0 };

before(async () => {
  const random = rng(seed);
  desk = await startDesk('servicenow', {
    auth: basic('svc', 'pw'),
    fault: () => {
      const x = random();
      const f = x < 0.10 ? 'fail' : x < 0.18 ? 'lose' : x < 0.25 ? 'gateway' : x < 0.30 ? 'timeout' : null;
      if (f) faults[f] += 1;
      return f;
    },
  });
  ext = extensionCopy();
  profile = newProfile();
  const tickets = { adapter: 'servicenow', endpoint: desk.url, username: 'svc', token: 'pw' };
  unsetPolicy = setManagedTickets(tickets);
  b = await launchChromiumProfile({ profileDir: profile, extensionDir: ext });
  await waitForDesk(b, tickets);
});
after(async () => {
  await b?.close();
  unsetPolicy?.();
  await desk?.close();
  if (ext) removeDir(ext);
  if (profile) removeDir(profile);
});

test(`${COUNT} reports, 30 % failures and time-outs, browser restarted midway: each arrives exactly once`, { timeout: 240000 }, async () => {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
  const ids = await page.evaluate(async (count) => {
    const out = [];
    for (let i = 0; i < count; i++) {
      const res = await chrome.runtime.sendMessage({
        type: 'report.submit', category: 'scam', description: `fault-test report ${i}`,
        context: { url: `https://social.example/post/${i}`, findings: [] }, include: { page: true, environment: false },
      });
      out.push(res.id);
    }
    return out;
  }, COUNT);
  assert.equal(new Set(ids).size, COUNT);

  // Shut the browser down while reports are still on their way.
  const midway = await waitFor(async () => {
    const n = (await reports(b)).filter((r) => r.state === 'delivered').length;
    return n >= COUNT * 0.3 ? n : null;
  }, { timeout: 120000, interval: 100, what: 'a third delivered' });
  assert.ok(midway < COUNT, `still reports to send at the restart (${midway} delivered)`);
  await b.close();
  const beforeRestart = desk.tickets.length;
  b = await launchChromiumProfile({ profileDir: profile, extensionDir: ext });

  const all = await waitFor(async () => {
    const rs = await reports(b);
    return rs.length === COUNT && rs.every((r) => r.state === 'delivered') ? rs : null;
  }, { timeout: 200000, interval: 500, what: `all ${COUNT} delivered` }).catch(async (err) => {
    const rs = await reports(b);
    const now = Date.now();
    const pending = rs.filter((r) => r.state !== 'delivered');
    throw new Error(`${err.message}: ${rs.length} saved, ${pending.length} not delivered, e.g. ${JSON.stringify(pending.slice(0, 3).map((r) => ({
      state: r.state, attempts: r.attempts, dueIn: r.nextAttemptAt - now, lastError: r.lastError && r.lastError.message })))}`);
  });

  assert.deepEqual(desk.violations, []);
  const byCorrelation = new Map();
  for (const t of desk.tickets) byCorrelation.set(t.correlation_id, [...(byCorrelation.get(t.correlation_id) || []), t]);
  const doubled = [...byCorrelation].filter(([, ts]) => ts.length > 1).map(([id]) => id);
  if (doubled.length) {
    for (const id of doubled.slice(0, 3)) {
      const seq = desk.requests.filter((q) => q.body.toString().includes(id) || q.query.includes(id))
        .map((q) => `${q.at} ${q.method} ${q.socket} ${q.fault || 'ok'}`);
      console.log(`# ${id}:\n#   ${seq.join('\n#   ')}`);
    }
  }
  assert.deepEqual(doubled, [], 'no report produced two incidents');
  assert.equal(desk.tickets.length, COUNT, 'every report produced an incident');
  for (const r of all) {
    const [t] = byCorrelation.get(r.id) || [];
    assert.ok(t, `report ${r.id} has its incident`);
    assert.equal(r.ticket.number, t.number);
    assert.equal(r.ticket.id, t.sys_id);
  }
  // The run really exercised what it claims to.
  assert.ok(Object.values(faults).every((n) => n > 0), JSON.stringify(faults));
  assert.ok(beforeRestart < COUNT, 'the restart happened before the desk had everything');
  const retried = all.filter((r) => r.attempts > 1).length;
  assert.ok(retried > 0);
  console.log(`# seed ${seed}; faults ${JSON.stringify(faults)}; ${retried} reports retried; ${midway} delivered before the restart`);
});
