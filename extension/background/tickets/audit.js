// "Post anyway" records to an audit endpoint IT sets (`tickets.audit_endpoint`) instead of the
// service desk, in batches: a SIEM or log pipeline wants events, not tickets.
//
// Formats (`tickets.audit_format`):
//   json        POST {schema: "safepost.overrides/1", batch, records: [safepost.override/1...]}
//               with `Idempotency-Key: <batch id>` (the receiver drops a repeated key: a retry after
//               a lost answer re-sends the same batch, same members, same key), `Authorization:
//               Bearer <audit_token>` when set;
//   splunk_hec  Splunk HTTP Event Collector: POST to the collector URL IT gives
//               (`https://splunk:8088/services/collector/event`), `Authorization: Splunk <token>`,
//               the body one JSON event object after another (`{time, source, sourcetype, event}`),
//               `X-Splunk-Request-Channel: <batch id>`. HEC has no idempotency key: every event
//               carries its override `id`, so a search can `dedup id` after a lost answer.
// A batch is formed once and saved in every member (queue.js) before it is first sent.
import { str } from './config.js';
import { request, DeliveryError } from './http.js';

export const OVERRIDE_SCHEMA = 'safepost.override/1';
export const BATCH_SCHEMA = 'safepost.overrides/1';
export const FORMATS = ['json', 'splunk_hec'];
/** Overrides per request. */
export const BATCH_MAX = 50;

/** One override as IT's systems receive it: no post text, findings as redacted previews only. */
export function overrideEvent(record) {
  const o = record.override;
  return {
    schema: OVERRIDE_SCHEMA,
    id: record.id,
    at: new Date(o.at).toISOString(),
    site: o.site,
    rule: o.rule,
    category: o.category,
    severity: o.severity,
    reason: o.reason,
    findings: o.findings,
    person: record.reporter && record.reporter.email ? record.reporter : null,
  };
}

/** The audit target of the settings, or null when overrides go to the desk. */
export function auditTarget(settings) {
  const endpoint = str(settings, 'audit_endpoint');
  if (!endpoint) return null;
  const format = str(settings, 'audit_format', 'json');
  return { endpoint, format: FORMATS.includes(format) ? format : 'json', token: str(settings, 'audit_token') };
}

/** Sends one batch; resolves when the endpoint has it, throws a DeliveryError otherwise. */
export async function deliverBatch({ target, batchId, records, timeoutMs }) {
  if (target.format === 'splunk_hec') {
    if (!target.token) {
      throw new DeliveryError('no HTTP Event Collector token in the SafePost policy', {
        retry: false, hint: 'Tell IT the SafePost policy lacks tickets.audit_token for Splunk; SafePost keeps the records until then.',
      });
    }
    const body = records.map((r) => JSON.stringify({
      time: Math.floor(r.override.at / 1000), source: 'safepost', sourcetype: 'safepost:override', event: overrideEvent(r),
    })).join('\n');
    const res = await request(target.endpoint, {
      method: 'POST',
      headers: { Authorization: `Splunk ${target.token}`, 'Content-Type': 'application/json', 'X-Splunk-Request-Channel': batchId },
      body, timeoutMs,
    });
    // HEC answers {"text":"Success","code":0}; any other code is a refusal of the batch.
    if (res.json && typeof res.json.code === 'number' && res.json.code !== 0) {
      throw new DeliveryError(`the event collector refused the batch: ${String(res.json.text || res.json.code)}`, { retry: false });
    }
    return { id: batchId, number: '', url: '' };
  }
  // Nothing in the body changes between attempts: a repeat is byte-for-byte the same request.
  const body = JSON.stringify({ schema: BATCH_SCHEMA, batch: batchId, records: records.map(overrideEvent) });
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': batchId };
  if (target.token) headers.Authorization = `Bearer ${target.token}`;
  await request(target.endpoint, { method: 'POST', headers, body, timeoutMs });
  return { id: batchId, number: '', url: '' };
}
