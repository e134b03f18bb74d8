// A generic webhook: one documented JSON body (schema "safepost.report/1", or
// "safepost.override/1" for a "Post anyway" record; see docs/tickets.md),
// optionally signed with HMAC-SHA256, which also suits Teams and Slack workflows.
//
// Headers: `Idempotency-Key` and `X-SafePost-Report-Id` carry the report id (receivers dedupe on
// it: a retry after a lost answer sends the same id); when IT sets `tickets.hmac_secret`,
// `X-SafePost-Timestamp` (Unix seconds) and `X-SafePost-Signature: sha256=<hex>` over
// `<timestamp>.<body>`. A JSON answer may name the ticket: `{ticket: {id, number, url}}` or
// `{id, number, url}`.
import { str, isObject } from './config.js';
import { request } from './http.js';
import { subjectOf, bodyOf, copyTextOf, categoryLabel, splitDataUrl, isOverride } from './compose.js';
import { overrideEvent } from './audit.js';

export const SCHEMA = 'safepost.report/1';

export function webhookBody(record) {
  // A "Post anyway" record is a record type of its own (schema safepost.override/1).
  if (isOverride(record)) return overrideEvent(record);
  const r = record.report;
  const shot = splitDataUrl(r.screenshot);
  return {
    schema: SCHEMA,
    id: record.id,
    createdAt: new Date(record.createdAt).toISOString(),
    category: r.category,
    categoryLabel: categoryLabel(r.category),
    subject: subjectOf(record),
    description: r.description || '',
    text: copyTextOf(record),
    body: bodyOf(record),
    page: r.pageUrl ? { url: r.pageUrl } : null,
    findings: Array.isArray(r.findings) ? r.findings : null,
    postText: typeof r.postText === 'string' ? r.postText : null,
    environment: r.environment || null,
    reporter: record.reporter && record.reporter.email ? record.reporter : null,
    screenshot: shot ? { type: shot.type, base64: shot.base64 } : null,
  };
}

export async function sign(secret, timestamp, body) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`${timestamp}.${body}`)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function deliver({ record, settings, timeoutMs }) {
  const body = JSON.stringify(webhookBody(record));
  const headers = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'Idempotency-Key': record.id,
    'X-SafePost-Report-Id': record.id,
  };
  const secret = str(settings, 'hmac_secret');
  if (secret) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    headers['X-SafePost-Timestamp'] = timestamp;
    headers['X-SafePost-Signature'] = await sign(secret, timestamp, body);
  }
  const res = await request(settings.endpoint, { method: 'POST', headers, body, timeoutMs });
  const j = isObject(res.json) ? (isObject(res.json.ticket) ? res.json.ticket : res.json) : {};
  const pick = (k) => (typeof j[k] === 'string' || typeof j[k] === 'number' ? String(j[k]) : '');
  const url = /^https?:\/\//.test(pick('url')) ? pick('url') : '';
  return { id: pick('id'), number: pick('number') || pick('id'), url };
}
