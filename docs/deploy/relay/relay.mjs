// A minimal SafePost relay: the company endpoint that holds the service-desk credential, so no
// laptop does. SafePost's webhook adapter posts reports (schema safepost.report/1) and "Post
// anyway" records (safepost.override/1) here; the relay checks the signature, drops repeats by
// `Idempotency-Key`, and files each one in Request Tracker 5 (REST2) as a ticket whose Requestor
// is the employee. Node 18+, no dependencies. Contract: docs/deploy/relay/README.md.
//
// Environment:
//   RELAY_PORT, RELAY_HOST      where to listen (default 8443, 127.0.0.1)
//   RELAY_TLS_KEY, RELAY_TLS_CERT  PEM files: serve HTTPS (required unless RELAY_HOST is loopback)
//   RELAY_HMAC_SECRET           the secret SafePost signs with (tickets.hmac_secret); optional
//   RELAY_STATE                 file remembering each key's outcome (default ./relay-state.jsonl)
//   RT_URL, RT_TOKEN, RT_QUEUE  the desk and its credential (never sent to laptops)
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

const env = process.env;
const HOST = env.RELAY_HOST || '127.0.0.1';
const PORT = Number(env.RELAY_PORT || 8443);
const SECRET = env.RELAY_HMAC_SECRET || '';
const STATE = env.RELAY_STATE || 'relay-state.jsonl';
const RT = { url: (env.RT_URL || '').replace(/\/+$/, ''), token: env.RT_TOKEN || '', queue: env.RT_QUEUE || 'General' };
const MAX_BODY = 8 * 1024 * 1024;
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

if (!RT.url || !RT.token) throw new Error('set RT_URL and RT_TOKEN');
if (!(env.RELAY_TLS_KEY && env.RELAY_TLS_CERT) && !LOOPBACK.includes(HOST)) {
  throw new Error('serve HTTPS (RELAY_TLS_KEY, RELAY_TLS_CERT) on any address but loopback');
}

// Idempotency-Key -> the answer given the first time; kept across restarts in STATE.
const done = new Map();
if (existsSync(STATE)) {
  for (const line of readFileSync(STATE, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const { key, answer } = JSON.parse(line);
      done.set(key, answer);
    } catch { /* a torn last line after a crash: that key is simply not remembered */ }
  }
}
const inFlight = new Map(); // key -> promise of the answer, so a concurrent repeat waits for it

const text = (v, max = 20000) => (typeof v === 'string' ? v.slice(0, max) : '');
const email = (v) => (typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? v : '');

function verify(req, raw) {
  if (!SECRET) return '';
  const ts = req.headers['x-safepost-timestamp'];
  const sig = String(req.headers['x-safepost-signature'] || '');
  if (!ts || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return 'timestamp missing or older than 5 minutes';
  const want = `sha256=${createHmac('sha256', SECRET).update(`${ts}.`).update(raw).digest('hex')}`;
  if (sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) return 'bad signature';
  return '';
}

/** What goes into RT for one SafePost body: {subject, content, requestor}, or an error string. */
function ticketOf(b) {
  if (b.schema === 'safepost.report/1') {
    if (!text(b.subject) || !text(b.body)) return 'subject and body are required';
    return { subject: text(b.subject, 250), content: text(b.body), requestor: email(b.reporter && b.reporter.email) };
  }
  if (b.schema === 'safepost.override/1') {
    const who = email(b.person && b.person.email);
    const findings = Array.isArray(b.findings) ? b.findings : [];
    const content = [
      `${who || 'An employee'} chose "Post anyway" despite SafePost's warning.`, '',
      `Reason given: ${text(b.reason, 500) || '(none)'}`,
      `Rule: ${text(b.rule, 100)} (category ${text(b.category, 40)}, severity ${text(b.severity, 20)})`,
      `Site: ${text(b.site, 253)}`, `Time: ${text(b.at, 40)}`,
      ...findings.slice(0, 50).map((f) => `- [${text(f && f.severity, 20)}] ${text(f && f.rule, 100)}: ${text(f && f.preview, 80)}`),
      `Override ID: ${text(b.id, 64)}`,
    ].join('\n');
    return { subject: `Post anyway: ${text(b.rule, 100)} on ${text(b.site, 253)} [SafePost ${text(b.id).replace(/-/g, '').slice(0, 8)}]`, content, requestor: who };
  }
  return 'schema must be safepost.report/1 or safepost.override/1';
}

async function fileInRt(t) {
  const body = { Queue: RT.queue, Subject: t.subject, Content: t.content, ContentType: 'text/plain' };
  if (t.requestor) body.Requestor = t.requestor;
  const res = await fetch(`${RT.url}/REST/2.0/ticket`, {
    method: 'POST', headers: { Authorization: `token ${RT.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (res.status !== 201 || !json || json.id == null) throw new Error(`RT answered ${res.status}`);
  const id = String(json.id);
  return { ticket: { id, number: `#${id}`, url: `${RT.url}/SelfService/Display.html?id=${id}` } };
}

async function handle(req, res) {
  const reply = (status, obj, headers = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(obj));
  if (req.method !== 'POST') return reply(405, { error: 'POST only' });
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_BODY) return reply(413, { error: 'body too large' });
    chunks.push(c);
  }
  const raw = Buffer.concat(chunks);
  const bad = verify(req, raw);
  if (bad) return reply(401, { error: bad });
  let b;
  try {
    b = JSON.parse(raw.toString('utf8'));
  } catch {
    return reply(400, { error: 'body is not JSON' });
  }
  const key = String(req.headers['idempotency-key'] || '');
  if (!key || key !== b.id) return reply(400, { error: 'Idempotency-Key must equal the body id' });
  if (done.has(key)) return reply(200, done.get(key), { 'idempotent-replayed': 'true' });
  const t = ticketOf(b);
  if (typeof t === 'string') return reply(400, { error: t });
  if (!inFlight.has(key)) {
    inFlight.set(key, fileInRt(t).then((answer) => {
      done.set(key, answer);
      appendFileSync(STATE, `${JSON.stringify({ key, answer })}\n`);
      return answer;
    }).finally(() => inFlight.delete(key)));
  }
  try {
    return reply(200, await inFlight.get(key));
  } catch (err) {
    // The desk failed: SafePost retries later with the same key.
    return reply(503, { error: `the service desk is unavailable: ${err.message}` }, { 'retry-after': '30' });
  }
}

const tls = env.RELAY_TLS_KEY && env.RELAY_TLS_CERT
  ? { key: readFileSync(env.RELAY_TLS_KEY), cert: readFileSync(env.RELAY_TLS_CERT) } : null;
const serve = (req, res) => handle(req, res).catch(() => res.destroy());
const server = tls ? createHttps(tls, serve) : createHttp(serve);
server.listen(PORT, HOST, () => {
  console.log(`SafePost relay on ${tls ? 'https' : 'http'}://${HOST}:${server.address().port} -> ${RT.url} (queue ${RT.queue})`);
});
