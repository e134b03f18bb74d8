// The report queue: every report is saved in storage.local before any attempt to send it, and
// stays there until a service desk has it (or rejected it, or the user gets an email draft).
//
// A record is `ticket:<uuid>` = {id, createdAt, updatedAt, state, attempts, nextAttemptAt,
// lastError, progress, ticket, adapter, report}. States:
//   pending      waiting for its (next) attempt; nextAttemptAt says when
//   delivered    the desk has it; `ticket` = {id, number, url}
//   rejected     the desk refused it (4xx other than 408/429) or IT's settings are unusable;
//                `lastError.hint` tells the user what to do; "resend" puts it back to pending
//   drafted      handed to the user's mail program as a mailto: draft
//   unconfigured IT has set up no desk; the user can copy it, and resend once IT has
//   kept         a "Post anyway" record with nowhere to go (an e-mail desk and no audit
//                endpoint): kept on the device, listed in the popup
// `kind` is 'report' (Report to IT, `report`) or 'override' ("Post anyway", `override`); both
// carry `reporter` ({email, name, source}, tickets/person.js), filled at delivery if unknown
// before. Overrides go to the desk like reports (their own ticket, or the webhook's
// safepost.override/1), or, when IT sets `tickets.audit_endpoint`, in batches to that endpoint
// (tickets/audit.js): a batch's id is written into every member before its first attempt, so a
// retry re-sends exactly that batch under the same Idempotency-Key.
// Before each attempt the record is saved with `attempts + 1` and its next retry time, so a
// browser that dies mid-request retries later; every attempt after the first asks the adapter to
// look for a ticket an earlier, unanswered attempt may have created (or to reuse the idempotency
// key). Only one drain runs at a time (Web Locks), so one record is never in flight twice.
import { readTicketConfig, deskPermission, checkEndpoint, LOOPBACK } from './config.js';
import { DeliveryError } from './http.js';
import * as servicenow from './servicenow.js';
import * as jira from './jira_service_management.js';
import * as zendesk from './zendesk.js';
import * as rt from './request_tracker.js';
import * as webhook from './webhook.js';
import * as email from './email.js';
import { auditTarget, deliverBatch, BATCH_MAX } from './audit.js';
import { currentReporter } from './person.js';

const api = globalThis.browser ?? globalThis.chrome;
export const PREFIX = 'ticket:';
export const ALARM = 'safepost-tickets-retry';
const SENDERS = { servicenow, jira_service_management: jira, zendesk, request_tracker: rt, webhook };
/** Reports sent side by side within one drain: a backlog clears quickly, a desk is not flooded. */
const PARALLEL = 6;

export const keyOf = (id) => `${PREFIX}${id}`;

export async function saveRecord(record) {
  record.updatedAt = Date.now();
  await api.storage.local.set({ [keyOf(record.id)]: record });
}

/** Saves several records in one write (all of a batch or none). */
async function saveRecords(records) {
  const now = Date.now();
  const items = {};
  for (const r of records) {
    r.updatedAt = now;
    items[keyOf(r.id)] = r;
  }
  await api.storage.local.set(items);
}

const isOverride = (r) => r && r.kind === 'override';

export async function getRecord(id) {
  return (await api.storage.local.get(keyOf(id)))[keyOf(id)] || null;
}

export async function allRecords() {
  const all = await api.storage.local.get(null);
  return Object.entries(all).filter(([k]) => k.startsWith(PREFIX)).map(([, v]) => v);
}

/**
 * Delay before attempt `attempts + 1`: from the initial delay, growing by half each time (a
 * report is one request from one browser: no need to back off as steeply as a busy client),
 * capped, ±20 % jitter.
 */
export function backoffMs(attempts, retry) {
  const base = Math.min(retry.maxDelaySeconds, retry.initialDelaySeconds * 1.5 ** Math.max(0, attempts - 1));
  return Math.round(base * 1000 * (0.8 + Math.random() * 0.4));
}

/** Makes a new record's first decision: send, draft an email, or keep it for later. */
export async function enqueue(record) {
  const config = await readTicketConfig(api);
  record.state = 'pending';
  record.attempts = 0;
  record.nextAttemptAt = Date.now();
  if (!config.configured) record.state = 'unconfigured';
  else if (isOverride(record)) {
    if (config.adapter === 'email' && !auditTarget(config.settings)) record.state = 'kept';
  } else if (config.adapter === 'email' && !config.error) {
    record.state = 'drafted';
    record.adapter = 'email';
    record.mailto = email.draft(record, config.settings);
  }
  await saveRecord(record);
  if (record.state === 'pending') kick();
  return record;
}

let waker = null;
let waiting = null; // a drain queued behind the running one; more kicks join it

/** Starts a drain soon (coalesced); the returned promise settles when that drain ends. */
export function kick() {
  if (!waiting) {
    waiting = drain().catch((err) => console.error('SafePost tickets: drain failed', err));
  }
  return waiting;
}

async function withLock(fn) {
  if (globalThis.navigator && navigator.locks) return navigator.locks.request('safepost-tickets-queue', fn);
  // Fallback: one chain per worker (the only context that drains).
  const run = (withLock.chain || Promise.resolve()).then(fn, fn);
  withLock.chain = run.catch(() => {});
  return run;
}

/** Sends every due pending report; schedules the next wake-up for the rest. */
export async function drain() {
  return withLock(async () => {
    waiting = null; // from here on, a new kick needs a new pass
    for (;;) {
      const now = Date.now();
      const due = (await allRecords())
        .filter((r) => r.state === 'pending' && (r.nextAttemptAt || 0) <= now)
        .sort((a, b) => a.createdAt - b.createdAt);
      if (!due.length) break;
      const config = await readTicketConfig(api);
      if (!config.configured) break;
      const target = auditTarget(config.settings);
      const batched = target ? due.filter(isOverride) : [];
      const single = target ? due.filter((r) => !isOverride(r)) : due;
      let next = 0;
      await Promise.all([
        sendAudit(batched, config, target),
        ...Array.from({ length: Math.min(PARALLEL, single.length) }, async () => {
          while (next < single.length) {
            const record = single[next++];
            await attempt(record, config);
          }
        }),
      ]);
    }
    await forgetOld();
    await scheduleWakeUp();
  });
}

/** Delivered reports (and email drafts) are listed for 90 days, then removed from the device. */
const KEEP_MS = 90 * 24 * 3600 * 1000;
async function forgetOld() {
  const cutoff = Date.now() - KEEP_MS;
  const old = (await allRecords()).filter((r) => (r.state === 'delivered' || r.state === 'drafted') && (r.updatedAt || r.createdAt) < cutoff);
  if (old.length) await api.storage.local.remove(old.map((r) => keyOf(r.id)));
}

async function scheduleWakeUp() {
  const pending = (await allRecords()).filter((r) => r.state === 'pending');
  if (!(await readTicketConfig(api)).configured) pending.length = 0;
  if (waker) clearTimeout(waker);
  waker = null;
  if (!pending.length) {
    await api.alarms.clear(ALARM);
    return;
  }
  const when = Math.min(...pending.map((r) => r.nextAttemptAt || 0));
  // The alarm survives the worker and the browser; the timer is quicker while the worker lives.
  await api.alarms.create(ALARM, { when: Math.max(when, Date.now() + 1000) });
  waker = setTimeout(() => { waker = null; kick(); }, Math.max(0, when - Date.now()) + 50);
}

/** The employee on a record that was saved before anyone was known. */
async function fillReporter(record, config) {
  if (record.reporter && record.reporter.email) return;
  const who = await currentReporter(config.settings);
  if (who.email) record.reporter = who;
}

/** May the worker reach `endpoint`? Loopback (tests) needs no grant. */
async function mayReach(endpoint) {
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, origin: endpoint };
  }
  if (LOOPBACK.has(url.hostname) || !api.permissions) return { ok: true };
  const origin = `${url.protocol}//${url.hostname}/*`;
  return { ok: await api.permissions.contains({ origins: [origin] }).catch(() => false), origin };
}

/** "Post anyway" records to the audit endpoint, in batches formed once. */
async function sendAudit(due, config, target) {
  if (!due.length) return;
  try {
    checkEndpoint(target.endpoint);
  } catch (err) {
    for (const r of due) reject(r, new DeliveryError(`the audit endpoint is unusable: ${err.message}`, { retry: false, hint: 'Tell IT; the record stays on this device.' }));
    await saveRecords(due);
    return;
  }
  // Members of a batch already sent once go again together, under the same key.
  // One order everywhere (created, then id): a batch sent again is the same request.
  const order = (a, b) => (a.createdAt - b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const pending = (await allRecords()).filter((r) => r.state === 'pending' && isOverride(r)).sort(order);
  const groups = new Map();
  for (const r of due.filter((d) => d.batch)) {
    if (!groups.has(r.batch)) groups.set(r.batch, pending.filter((p) => p.batch === r.batch));
  }
  const loose = due.filter((r) => !r.batch).sort(order);
  const formed = [];
  for (let i = 0; i < loose.length; i += BATCH_MAX) {
    const id = crypto.randomUUID();
    const members = loose.slice(i, i + BATCH_MAX);
    for (const m of members) m.batch = id;
    groups.set(id, members);
    formed.push(...members);
  }
  if (formed.length) await saveRecords(formed); // the batch exists before its first attempt
  for (const [batchId, members] of groups) await attemptBatch(batchId, members, config, target);
}

async function attemptBatch(batchId, members, config, target) {
  const reach = await mayReach(target.endpoint);
  if (!reach.ok) {
    waitForGrant(members, reach.origin);
    await saveRecords(members);
    return;
  }
  for (const r of members) {
    await fillReporter(r, config);
    r.attempts += 1;
    r.adapter = `audit:${target.format}`;
    r.lastAttemptAt = Date.now();
    r.nextAttemptAt = Date.now() + backoffMs(r.attempts, config.retry);
  }
  await saveRecords(members); // before the request: a browser that dies mid-request retries later
  try {
    const ticket = await deliverBatch({ target, batchId, records: members, timeoutMs: config.retry.timeoutSeconds * 1000 });
    for (const r of members) {
      r.state = 'delivered';
      r.ticket = ticket;
      r.deliveredAt = Date.now();
      r.lastError = null;
    }
  } catch (err) {
    for (const r of members) failed(r, err, config);
  }
  await saveRecords(members);
}

/** An override cannot reach its endpoint yet: it waits (never given up) for the grant. */
function waitForGrant(records, origin) {
  for (const r of records) {
    r.nextAttemptAt = Date.now() + 15 * 60 * 1000;
    r.lastError = { message: `SafePost may not contact ${String(origin).replace(/\/\*$/, '')} yet`, status: 0, retry: true, at: Date.now() };
  }
}

/** What a failed attempt means for a record: rejected, or a later attempt. */
function failed(record, err, config) {
  if (err instanceof DeliveryError && !err.retry) {
    reject(record, err);
    return;
  }
  // After a timeout the desk may still be creating the ticket: give it at least as long
  // again before the next attempt looks for it. A rate limit says itself when to come back.
  const timedOut = err instanceof DeliveryError && err.timedOut;
  record.nextAttemptAt = Date.now() + Math.max(backoffMs(record.attempts, config.retry),
    timedOut ? config.retry.timeoutSeconds * 1000 : 0, (err && err.retryAfterMs) || 0);
  record.lastError = { message: err.message || String(err), status: err.status || 0, retry: true, at: Date.now() };
}

async function attempt(record, config) {
  // No desk in the policy right now (not computed yet after a start, or IT removed it): a report
  // already queued waits for one rather than being given up (tickets.js re-runs the queue when
  // the effective policy changes).
  if (!config.configured) return;
  if (config.error) {
    reject(record, new DeliveryError(`the service desk settings are unusable: ${config.error}`, {
      retry: false, hint: 'Tell IT that SafePost\'s ticket settings are invalid (the message above says why); resend once they have fixed them, or copy the report.',
    }));
    await saveRecord(record);
    return;
  }
  if (config.adapter === 'email' && isOverride(record)) {
    record.state = 'kept';
    await saveRecord(record);
    return;
  }
  if (config.adapter === 'email') {
    record.state = 'drafted';
    record.adapter = 'email';
    record.mailto = email.draft(record, config.settings);
    await saveRecord(record);
    return;
  }
  const origin = deskPermission(config);
  if (origin && api.permissions && !(await api.permissions.contains({ origins: [origin] }).catch(() => false))) {
    if (isOverride(record)) {
      waitForGrant([record], origin);
      await saveRecord(record);
      return;
    }
    reject(record, new DeliveryError(`SafePost may not contact ${origin.slice(0, -2)} yet`, {
      retry: false, hint: 'Press "Resend" and allow SafePost to reach your company\'s service desk when the browser asks.',
    }));
    await saveRecord(record);
    return;
  }
  const sender = SENDERS[config.adapter];
  await fillReporter(record, config);
  const mayExist = record.attempts > 0 || Boolean(record.progress);
  record.attempts += 1;
  record.adapter = config.adapter;
  record.lastAttemptAt = Date.now();
  record.nextAttemptAt = Date.now() + backoffMs(record.attempts, config.retry);
  await saveRecord(record); // before the request: a browser that dies mid-request retries later

  try {
    const ticket = await sender.deliver({
      record,
      settings: config.settings,
      timeoutMs: config.retry.timeoutSeconds * 1000,
      mayExist,
      saveProgress: async (progress) => {
        record.progress = progress;
        await saveRecord(record);
      },
    });
    record.state = 'delivered';
    record.ticket = ticket;
    record.deliveredAt = Date.now();
    record.lastError = null;
    // The screenshot is kept only until the desk has it.
    if (record.report?.screenshot) {
      record.report.screenshot = null;
      record.report.screenshotSent = true;
    }
  } catch (err) {
    failed(record, err, config);
  }
  await saveRecord(record);
}

function reject(record, err) {
  record.state = 'rejected';
  record.lastError = { message: err.message, status: err.status || 0, hint: err.hint || '', detail: err.detail || '', retry: false, at: Date.now() };
}

/** Puts a rejected or unconfigured report back in the queue (the user pressed "Resend"). */
export async function resend(id) {
  // Read and rewrite under the queue's lock: a drain in progress may be delivering this very
  // report, and a stale "pending" written over its "delivered" would send it a second time.
  const record = await withLock(async () => {
    const r = await getRecord(id);
    if (!r || !['rejected', 'unconfigured', 'drafted', 'pending', 'kept'].includes(r.state)) return r;
    r.state = 'pending';
    r.nextAttemptAt = Date.now();
    await saveRecord(r);
    return r;
  });
  if (!record || record.state !== 'pending') return record;
  await drain();
  return getRecord(id);
}
