// Request Tracker 5, REST2: `POST /REST/2.0/ticket` with Queue, Subject, Content.
//
// RT has no idempotency key. SafePost writes the report id into a ticket custom field (default
// "SafePost Report ID", which IT creates once and applies to the queue) and, before any attempt
// that follows an earlier one (whose answer may have been lost), searches for a ticket carrying
// that id: if one exists, the report is delivered and nothing is created. With `idCustomField`
// set to "" the search falls back to the short reference in the subject.
import { joinUrl, str, isObject } from './config.js';
import { request, DeliveryError } from './http.js';
import { subjectOf, bodyOf, shortRef, splitDataUrl } from './compose.js';

export async function deliver({ record, settings, timeoutMs, mayExist }) {
  const base = joinUrl(settings.endpoint, '/REST/2.0');
  const token = str(settings, 'token');
  if (!token) {
    throw new DeliveryError('no RT token in the SafePost policy', {
      retry: false, hint: 'Tell IT the SafePost policy lacks tickets.token for Request Tracker; resend once fixed.',
    });
  }
  const headers = { Authorization: `token ${token}`, Accept: 'application/json' };
  const cf = settings.idCustomField === undefined ? 'SafePost Report ID' : str(settings, 'idCustomField');

  if (mayExist) {
    const query = cf ? `'CF.{${cf}}' = '${record.id}'` : `Subject LIKE '${shortRef(record.id)}'`;
    const found = await request(`${base}/tickets?query=${encodeURIComponent(query)}&fields=Subject`, { headers, timeoutMs });
    const item = found.json && Array.isArray(found.json.items) ? found.json.items[0] : null;
    if (item && item.id != null) return ticketOf(settings, String(item.id));
  }

  const body = {
    Queue: str(settings, 'queue', 'General'),
    Subject: subjectOf(record),
    Content: bodyOf(record),
    ContentType: 'text/plain',
  };
  const requestor = str(settings, 'requestor');
  if (requestor) body.Requestor = requestor;
  const customFields = isObject(settings.customFields) ? { ...settings.customFields } : {};
  if (cf) customFields[cf] = record.id;
  if (Object.keys(customFields).length) body.CustomFields = customFields;
  const shot = splitDataUrl(record.report.screenshot);
  if (shot) {
    body.Attachments = [{ FileName: shot.type === 'image/png' ? 'screenshot.png' : 'screenshot.jpg', FileType: shot.type, FileContent: shot.base64 }];
  }
  const res = await request(`${base}/ticket`, {
    method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body), timeoutMs,
  });
  const id = res.json && res.json.id != null ? String(res.json.id) : (/\/ticket\/(\d+)/.exec(res.headers.get('location') || '') || [])[1];
  if (!id) throw new DeliveryError('RT created a ticket but did not say its number', { retry: true });
  return ticketOf(settings, id);
}

function ticketOf(settings, id) {
  return { id, number: `#${id}`, url: joinUrl(settings.endpoint, `/Ticket/Display.html?id=${encodeURIComponent(id)}`) };
}
