// Local stand-ins for the service desks SafePost files tickets into, for the end-to-end tests.
// Each one checks every request against the product's documented shape (method, path, headers,
// authentication, body fields and types) and answers the way the product does; a request that
// does not match is refused with the product's kind of error and recorded in `violations`, so a
// test can assert there were none. Faults (failure, timeout, lost answer) can be injected.
//
//   ServiceNow Table API        POST /api/now/table/incident, GET ...?sysparm_query=correlation_id=...,
//                               POST /api/now/attachment/file
//   Jira Service Management     POST /rest/servicedeskapi/request, GET ...?searchTerm=...,
//                               POST /rest/servicedeskapi/servicedesk/{id}/attachTemporaryFile,
//                               POST /rest/servicedeskapi/request/{key}/attachment
//   Zendesk                     POST /api/v2/requests.json (Idempotency-Key), POST /api/v2/uploads.json,
//                               GET /api/v2/requests/search.json?query=...
//   Webhook                     POST /hook (schema safepost.report/1 or safepost.override/1, optional HMAC signature)
//   Audit                       POST /audit (batches, schema safepost.overrides/1, Idempotency-Key),
//                               POST /services/collector/event (Splunk HTTP Event Collector)
// On behalf of the employee: ServiceNow's caller_id must be a sys_id of `users` (found through
// GET /api/now/table/sys_user), JSM's raiseOnBehalfOf and Zendesk's requester are checked and
// recorded, and a Zendesk request without credentials (anonymous) must name its requester.
// Fault 'ratelimit' answers 429 with `Retry-After` (seconds), 'maintenance' 503 with
// `X-RateLimit-Reset` (Unix seconds); every request's arrival time is in `requests[].at`.
import { createServer } from 'node:http';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export const basic = (user, pass) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/**
 * Starts one desk. `kind`: servicenow | jira | zendesk | webhook. Options: `auth` (the exact
 * Authorization header expected; omit for none), `secret` (webhook HMAC), `fault(req)` returning
 * null | 'fail' | 'timeout' | 'lose' | 'gateway' for each request ('fail': 503; 'timeout': no
 * answer at all; 'lose': the request is carried out, a ticket created, and the answer breaks
 * off; 'gateway': carried out, then a proxy's 504). Zendesk only: `indexDelayMs`, how long a new
 * request stays out of search results (Zendesk's index lags), and `idempotencyTtlMs`, how long an
 * Idempotency-Key is remembered (Zendesk: hours). Resolves with `{url, tickets, requests, violations, close()}`.
 */
export function startDesk(kind, { auth, secret, fault, indexDelayMs = 0, idempotencyTtlMs = Infinity, users = [], anonymous = false, retryAfterSeconds = 2 } = {}) {
  const state = { tickets: [], requests: [], violations: [], temp: new Map(), uploads: new Map(), idem: new Map(), seq: 0,
    indexDelayMs, idempotencyTtlMs, users, events: [], batches: new Map() };
  const held = new Set();
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://127.0.0.1');
    const entry = { method: req.method, path: url.pathname, query: url.search, headers: req.headers, body };
    state.requests.push(entry);
    const send = (status, json, headers = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(json === undefined ? '' : JSON.stringify(json));
    };
    const refuse = (status, why, json) => {
      state.violations.push(`${req.method} ${url.pathname}: ${why}`);
      send(status, json ?? { error: why });
    };
    try {
      // Zendesk with "anyone can submit tickets": a request without credentials is anonymous.
      const anon = anonymous && kind === 'zendesk' && !req.headers.authorization;
      entry.anonymous = anon;
      if (auth !== undefined && req.headers.authorization !== auth && !anon) {
        // Wrong credentials are a rejection the client must show, not a shape violation.
        send(401, kind === 'servicenow' ? { error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' }
          : kind === 'zendesk' ? { error: "Couldn't authenticate you" } : { errorMessage: 'Unauthorized' });
        return;
      }
      const handler = HANDLERS[kind];
      const f = fault ? fault(entry) : null;
      entry.fault = f;
      entry.at = Date.now();
      entry.socket = `${req.socket.remotePort}#${(req.socket.__requests = (req.socket.__requests || 0) + 1)}`;
      if (f === 'fail') { send(503, { error: 'Service Unavailable' }); return; }
      if (f === 'ratelimit') { send(429, { error: 'Too Many Requests' }, { 'retry-after': String(retryAfterSeconds) }); return; }
      if (f === 'maintenance') {
        send(503, { error: 'Service Unavailable' }, { 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + retryAfterSeconds) });
        return;
      }
      if (f === 'timeout') { held.add(res); res.on('close', () => held.delete(res)); return; }
      const out = await handler({ req, url, body, state, refuse, secret, anonymous: anon, base: `http://127.0.0.1:${server.address().port}` });
      if (!out) return; // refused
      if (f === 'lose') {
        // Carried out, then the answer is lost on the way: the first bytes of the status line
        // arrive and the connection breaks. (A close with no byte at all would make the
        // browser's own HTTP/1.1 stack resend the request on a reused connection; see
        // docs/tickets.md.)
        req.socket.end('HTTP/1.1 20');
        req.socket.destroySoon?.();
        return;
      }
      if (f === 'gateway') { send(504, { error: 'Gateway Timeout' }); return; }
      send(out.status, out.json, out.headers);
    } catch (err) {
      refuse(500, `server error: ${err.message}`);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        ...state,
        async close() {
          for (const r of held) r.destroy();
          server.closeAllConnections?.();
          await new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}

function json(body, refuse, req) {
  if (!/^application\/json\b/.test(req.headers['content-type'] || '')) {
    refuse(415, `Content-Type must be application/json, got ${req.headers['content-type']}`);
    return null;
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    refuse(400, 'body is not JSON');
    return null;
  }
}

const isStr = (v) => typeof v === 'string';
const nonEmpty = (v) => typeof v === 'string' && v.trim() !== '';

async function formData(req, body) {
  return new Request('http://x/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] || '' }, body }).formData();
}

const HANDLERS = {
  // https://www.servicenow.com/docs (Table API, Attachment API)
  async servicenow({ req, url, body, state, refuse }) {
    if (req.headers.accept !== 'application/json') return refuse(406, 'Accept must be application/json');
    if (url.pathname === '/api/now/table/incident' && req.method === 'GET') {
      const q = url.searchParams.get('sysparm_query') || '';
      const m = /^correlation_id=(.+)$/.exec(q);
      if (!m) return refuse(400, `unexpected sysparm_query ${q}`);
      const limit = Number(url.searchParams.get('sysparm_limit') || 10000);
      const hits = state.tickets.filter((t) => t.correlation_id === m[1]).slice(0, limit)
        .map((t) => ({ sys_id: t.sys_id, number: t.number }));
      return { status: 200, json: { result: hits } };
    }
    if (url.pathname === '/api/now/table/sys_user' && req.method === 'GET') {
      // sysparm_query: conditions joined by ^OR, each field=value (email, user_name).
      const q = url.searchParams.get('sysparm_query') || '';
      const conds = q.split('^OR').map((c) => /^(email|user_name)=(.+)$/.exec(c));
      if (!q || conds.some((c) => !c)) return refuse(400, `unexpected sys_user query ${q}`);
      const hits = state.users.filter((u) => conds.some(([, field, value]) => String(u[field]).toLowerCase() === value.toLowerCase()));
      return { status: 200, json: { result: hits.map((u) => ({ sys_id: u.sys_id, email: u.email, user_name: u.user_name })) } };
    }
    if (url.pathname === '/api/now/table/incident' && req.method === 'POST') {
      const b = json(body, refuse, req);
      if (!b) return null;
      if (typeof b !== 'object' || Array.isArray(b)) return refuse(400, 'body must be a JSON object of field names');
      if (b.caller_id !== undefined && state.users.length && !state.users.some((u) => u.sys_id === b.caller_id)) {
        return refuse(400, `caller_id ${b.caller_id} is not the sys_id of a user`);
      }
      for (const [k, v] of Object.entries(b)) if (!isStr(v)) return refuse(400, `field ${k} must be a string`);
      if (!nonEmpty(b.short_description)) return refuse(400, 'short_description is required');
      if (!nonEmpty(b.description) && !nonEmpty(b.comments)) return refuse(400, 'description or comments is required');
      const sys_id = randomBytes(16).toString('hex');
      const number = `INC${String(10000 + ++state.seq).padStart(7, '0')}`;
      const record = { ...b, sys_id, number, attachments: [] };
      state.tickets.push(record);
      return { status: 201, json: { result: { ...b, sys_id, number, state: '1' } }, headers: { location: `/api/now/table/incident/${sys_id}` } };
    }
    if (url.pathname === '/api/now/attachment/file' && req.method === 'POST') {
      const table = url.searchParams.get('table_name');
      const id = url.searchParams.get('table_sys_id');
      const name = url.searchParams.get('file_name');
      if (table !== 'incident' || !id || !name) return refuse(400, 'table_name, table_sys_id and file_name are required');
      if (!/^image\//.test(req.headers['content-type'] || '')) return refuse(400, 'Content-Type must be the file type');
      const t = state.tickets.find((x) => x.sys_id === id);
      if (!t) return refuse(404, 'no such record');
      t.attachments.push({ name, type: req.headers['content-type'], bytes: body });
      return { status: 201, json: { result: { sys_id: randomBytes(16).toString('hex'), file_name: name, table_sys_id: id } } };
    }
    return refuse(404, 'no such endpoint');
  },

  // https://developer.atlassian.com/cloud/jira/service-desk/rest/
  async jira({ req, url, body, state, refuse, base }) {
    const api = '/rest/servicedeskapi';
    if (url.pathname === `${api}/request` && req.method === 'GET') {
      const term = url.searchParams.get('searchTerm') || '';
      const values = state.tickets.filter((t) => t.summary.includes(term)).map((t) => ({
        issueId: t.issueId, issueKey: t.issueKey,
        requestFieldValues: [{ fieldId: 'summary', value: t.summary }, { fieldId: 'description', value: t.description }],
        _links: { web: `${base}/servicedesk/customer/portal/1/${t.issueKey}` },
      }));
      return { status: 200, json: { size: values.length, start: 0, limit: 50, isLastPage: true, values } };
    }
    if (url.pathname === `${api}/request` && req.method === 'POST') {
      const b = json(body, refuse, req);
      if (!b) return null;
      if (!nonEmpty(b.serviceDeskId) || !nonEmpty(b.requestTypeId)) return refuse(400, 'serviceDeskId and requestTypeId are required strings', { errorMessage: 'serviceDeskId and requestTypeId are required' });
      const v = b.requestFieldValues;
      if (!v || typeof v !== 'object' || !nonEmpty(v.summary) || !isStr(v.description)) return refuse(400, 'requestFieldValues.summary and .description are required');
      if (v.summary.length > 255) return refuse(400, 'summary longer than 255 characters');
      if (b.raiseOnBehalfOf !== undefined && !/^[^\s@]+@[^\s@]+$/.test(String(b.raiseOnBehalfOf))) return refuse(400, 'raiseOnBehalfOf must name a customer (e-mail address or account id)');
      const n = ++state.seq;
      const t = { issueId: String(10000 + n), issueKey: `IT-${n}`, summary: v.summary, description: v.description, serviceDeskId: b.serviceDeskId, requestTypeId: b.requestTypeId, fields: v, attachments: [], raiseOnBehalfOf: b.raiseOnBehalfOf ?? null };
      state.tickets.push(t);
      return { status: 201, json: { issueId: t.issueId, issueKey: t.issueKey, requestTypeId: b.requestTypeId, serviceDeskId: b.serviceDeskId, _links: { web: `${base}/servicedesk/customer/portal/1/${t.issueKey}` } } };
    }
    let m = new RegExp(`^${api}/servicedesk/([^/]+)/attachTemporaryFile$`).exec(url.pathname);
    if (m && req.method === 'POST') {
      if (req.headers['x-atlassian-token'] !== 'no-check') return refuse(403, 'XSRF check failed (X-Atlassian-Token: no-check missing)');
      if (!/^multipart\/form-data; ?boundary=/.test(req.headers['content-type'] || '')) return refuse(415, 'multipart/form-data expected');
      const form = await formData(req, body);
      const files = form.getAll('file');
      if (!files.length || files.some((f) => typeof f === 'string')) return refuse(400, 'the multipart field must be named "file"');
      const out = [];
      for (const f of files) {
        const id = randomUUID();
        state.temp.set(id, { name: f.name, type: f.type, bytes: Buffer.from(await f.arrayBuffer()), serviceDeskId: m[1] });
        out.push({ temporaryAttachmentId: id, fileName: f.name });
      }
      return { status: 201, json: { temporaryAttachments: out } };
    }
    m = new RegExp(`^${api}/request/([^/]+)/attachment$`).exec(url.pathname);
    if (m && req.method === 'POST') {
      const b = json(body, refuse, req);
      if (!b) return null;
      const t = state.tickets.find((x) => x.issueKey === m[1] || x.issueId === m[1]);
      if (!t) return refuse(404, 'no such request');
      if (!Array.isArray(b.temporaryAttachmentIds) || !b.temporaryAttachmentIds.length) return refuse(400, 'temporaryAttachmentIds required');
      if (typeof b.public !== 'boolean') return refuse(400, 'public must be a boolean');
      for (const id of b.temporaryAttachmentIds) {
        const f = state.temp.get(id);
        if (!f) return refuse(400, `unknown temporary attachment ${id}`);
        state.temp.delete(id);
        t.attachments.push(f);
      }
      return { status: 201, json: { attachments: { size: t.attachments.length, values: t.attachments.map((a) => ({ filename: a.name, mimeType: a.type })) } } };
    }
    return refuse(404, 'no such endpoint');
  },

  // https://developer.zendesk.com/api-reference/ticketing/tickets/ticket-requests/
  async zendesk({ req, url, body, state, refuse, base, anonymous }) {
    if (anonymous && !['/api/v2/requests.json', '/api/v2/uploads.json'].includes(url.pathname)) {
      return { status: 401, json: { error: "Couldn't authenticate you" } };
    }
    if (url.pathname === '/api/v2/uploads.json' && req.method === 'POST') {
      const name = url.searchParams.get('filename');
      if (!name) return refuse(400, 'filename is required');
      const token = randomBytes(12).toString('hex');
      state.uploads.set(token, { name, type: req.headers['content-type'], bytes: body });
      return { status: 201, json: { upload: { token, attachment: { file_name: name, content_type: req.headers['content-type'], size: body.length } } } };
    }
    if (url.pathname === '/api/v2/requests.json' && req.method === 'POST') {
      const b = json(body, refuse, req);
      if (!b) return null;
      const key = req.headers['idempotency-key'];
      if (key && state.idem.has(key) && Date.now() - state.idem.get(key).at > state.idempotencyTtlMs) state.idem.delete(key);
      if (key && state.idem.has(key)) {
        const prev = state.idem.get(key);
        if (prev.body !== body.toString('utf8')) return refuse(400, 'IdempotentRequestError: same key, different request');
        return { status: 201, json: prev.response, headers: { 'x-idempotency-lookup': 'hit' } };
      }
      const r = b.request;
      if (!r || typeof r !== 'object') return refuse(422, 'request object is required', { error: 'RecordInvalid' });
      if (!r.comment || !nonEmpty(r.comment.body)) return refuse(422, 'request.comment.body is required', { error: 'RecordInvalid', description: 'Description: cannot be blank' });
      if (!isStr(r.subject)) return refuse(422, 'request.subject must be a string');
      if (r.requester !== undefined && (!r.requester || !nonEmpty(r.requester.email) || !isStr(r.requester.name))) {
        return refuse(422, 'request.requester must be {name, email}');
      }
      if (anonymous && !r.requester) return refuse(422, 'an anonymous request needs request.requester', { error: 'RecordInvalid', description: 'Requester: cannot be blank' });
      const attachments = [];
      for (const tok of r.comment.uploads || []) {
        const u = state.uploads.get(tok);
        if (!u) return refuse(422, `unknown upload token ${tok}`);
        attachments.push(u);
      }
      const id = ++state.seq;
      state.tickets.push({ id, subject: r.subject, body: r.comment.body, attachments, idempotencyKey: key || null, createdAt: Date.now(),
        requester: r.requester || null, anonymous });
      const response = { request: { id, subject: r.subject, description: r.comment.body, status: 'new', url: `${base}/api/v2/requests/${id}.json` } };
      if (key) state.idem.set(key, { body: body.toString('utf8'), response, at: Date.now() });
      return { status: 201, json: response, headers: { 'x-idempotency-lookup': 'miss' } };
    }
    // https://developer.zendesk.com/api-reference/ticketing/tickets/ticket-requests/#search-requests
    if (url.pathname === '/api/v2/requests/search.json' && req.method === 'GET') {
      const query = url.searchParams.get('query');
      if (!query) return refuse(400, 'query is required');
      // A quoted phrase matches it as a whole; otherwise every word must appear (subject or description).
      const phrase = /^"(.*)"$/.exec(query);
      const words = phrase ? [phrase[1].toLowerCase()] : query.toLowerCase().split(/\s+/).filter(Boolean);
      const indexed = state.tickets.filter((t) => Date.now() - t.createdAt >= state.indexDelayMs);
      const hits = indexed.filter((t) => words.every((w) => `${t.subject}\n${t.body}`.toLowerCase().includes(w)));
      return { status: 200, json: { requests: hits.map((t) => ({ id: t.id, subject: t.subject, description: t.body, status: 'new',
        url: `${base}/api/v2/requests/${t.id}.json` })), count: hits.length, next_page: null, previous_page: null } };
    }
    return refuse(404, 'no such endpoint');
  },

  // docs/tickets.md, "Webhook"
  async webhook({ req, url, body, state, refuse, secret }) {
    if (url.pathname !== '/hook' || req.method !== 'POST') return refuse(404, 'no such endpoint');
    const b = json(body, refuse, req);
    if (!b) return null;
    if (secret) {
      const ts = req.headers['x-safepost-timestamp'];
      const sig = req.headers['x-safepost-signature'] || '';
      const want = `sha256=${createHmac('sha256', secret).update(`${ts}.${body.toString('utf8')}`).digest('hex')}`;
      if (!ts || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return refuse(401, 'timestamp missing or stale');
      if (sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) return refuse(401, 'bad signature');
    }
    if (b.schema === 'safepost.override/1') {
      const bad = checkOverride(b);
      if (bad) return refuse(400, bad);
      if (req.headers['idempotency-key'] !== b.id) return refuse(400, 'Idempotency-Key must equal the body id');
      const seen = state.events.find((e) => e.id === b.id);
      if (seen) { seen.deliveries += 1; return { status: 200, json: { ok: true } }; }
      state.events.push({ ...b, deliveries: 1 });
      return { status: 200, json: { ok: true } };
    }
    if (b.schema !== 'safepost.report/1') return refuse(400, 'schema must be safepost.report/1');
    for (const k of ['id', 'createdAt', 'category', 'subject', 'text', 'body']) if (!nonEmpty(b[k])) return refuse(400, `${k} is required`);
    if (req.headers['idempotency-key'] !== b.id || req.headers['x-safepost-report-id'] !== b.id) return refuse(400, 'Idempotency-Key and X-SafePost-Report-Id must equal the body id');
    const existing = state.tickets.find((t) => t.id === b.id);
    if (existing) {
      existing.deliveries += 1;
      return { status: 200, json: { ticket: existing.ticket } };
    }
    const n = ++state.seq;
    const ticket = { id: String(n), number: `HOOK-${n}`, url: `https://desk.example/tickets/${n}` };
    state.tickets.push({ id: b.id, body: b, ticket, deliveries: 1 });
    return { status: 200, json: { ticket } };
  },

  // docs/tickets.md, "Overrides to an audit endpoint": batches with an Idempotency-Key (a repeated
  // key is dropped: `events` then holds each override once, `deliveries` counts every receipt),
  // or Splunk HEC events (HEC dedupes nothing: `deliveries` counts what a SIEM would index).
  async audit({ req, url, body, state, refuse }) {
    if (url.pathname === '/audit' && req.method === 'POST') {
      const b = json(body, refuse, req);
      if (!b) return null;
      if (b.schema !== 'safepost.overrides/1') return refuse(400, 'schema must be safepost.overrides/1');
      const key = req.headers['idempotency-key'];
      if (!nonEmpty(key) || key !== b.batch) return refuse(400, 'Idempotency-Key must equal the batch id');
      if (!Array.isArray(b.records) || !b.records.length || b.records.length > 50) return refuse(400, 'records must hold 1 to 50 overrides');
      for (const r of b.records) {
        const bad = checkOverride(r);
        if (bad) return refuse(400, bad);
      }
      if (state.batches.has(key)) {
        const prev = state.batches.get(key);
        if (prev.ids.join() !== b.records.map((r) => r.id).join()) return refuse(422, 'same Idempotency-Key, different batch');
        prev.repeats += 1;
        return { status: 200, json: { ok: true, repeated: true } };
      }
      state.batches.set(key, { ids: b.records.map((r) => r.id), repeats: 0 });
      for (const r of b.records) {
        const seen = state.events.find((e) => e.id === r.id);
        if (seen) seen.deliveries += 1; // in two different batches: a real double
        else state.events.push({ ...r, deliveries: 1 });
      }
      return { status: 200, json: { ok: true } };
    }
    if (url.pathname === '/services/collector/event' && req.method === 'POST') {
      if (!/^Splunk \S+$/.test(req.headers.authorization || '')) return refuse(401, 'Authorization: Splunk <token> required', { text: 'Token is required', code: 2 });
      if (!nonEmpty(req.headers['x-splunk-request-channel'])) return refuse(400, 'X-Splunk-Request-Channel expected', { text: 'Data channel is missing', code: 10 });
      let events;
      try {
        events = concatenatedJson(body.toString('utf8'));
      } catch (err) {
        return refuse(400, `invalid data format: ${err.message}`, { text: 'Invalid data format', code: 6 });
      }
      if (!events.length) return refuse(400, 'no data', { text: 'No data', code: 5 });
      for (const e of events) {
        if (!e || typeof e.event !== 'object' || e.event === null) return refuse(400, 'event field is required', { text: 'Event field is required', code: 12 });
        if (typeof e.time !== 'number') return refuse(400, 'time must be epoch seconds', { text: 'Invalid data format', code: 6 });
        if (e.sourcetype !== 'safepost:override' || e.source !== 'safepost') return refuse(400, 'source/sourcetype');
        const bad = checkOverride(e.event);
        if (bad) return refuse(400, bad, { text: bad, code: 6 });
      }
      for (const e of events) {
        const seen = state.events.find((x) => x.id === e.event.id);
        if (seen) seen.deliveries += 1;
        else state.events.push({ ...e.event, deliveries: 1, time: e.time });
      }
      return { status: 200, json: { text: 'Success', code: 0 } };
    }
    return refuse(404, 'no such endpoint');
  },
};

/** What is wrong with a safepost.override/1 record, or ''. */
function checkOverride(r) {
  if (!r || r.schema !== 'safepost.override/1') return 'each record must be schema safepost.override/1';
  for (const k of ['id', 'at', 'site', 'rule', 'severity']) if (!nonEmpty(r[k])) return `override ${k} is required`;
  if (!isStr(r.reason) || !isStr(r.category)) return 'override reason and category must be strings';
  if (Number.isNaN(Date.parse(r.at))) return 'override at must be an ISO time';
  if (!Array.isArray(r.findings) || r.findings.some((f) => !f || !nonEmpty(f.rule) || !isStr(f.preview))) return 'override findings must be [{rule, severity, preview}]';
  if (r.person !== null && (typeof r.person !== 'object' || !nonEmpty(r.person.email))) return 'override person must be null or {email, name, source}';
  return '';
}

/** HEC's body: JSON objects one after another (whitespace between them optional). */
function concatenatedJson(text) {
  const out = [];
  let depth = 0; let start = -1; let inString = false; let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') { if (depth++ === 0) start = i; }
    else if (c === '}') { if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1))); if (depth < 0) throw new Error('unbalanced'); }
    else if (depth === 0 && !/\s/.test(c)) throw new Error(`unexpected ${c}`);
  }
  if (depth !== 0 || inString) throw new Error('truncated');
  return out;
}
