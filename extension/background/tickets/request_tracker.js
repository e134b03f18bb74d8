// Request Tracker 5, REST2: `POST /REST/2.0/ticket` with Queue, Subject, Content.
//
// RT has no idempotency key. Every subject ends with the report's short reference
// ("[SafePost 1a2b3c4d]") and the full report id goes into the ticket custom field
// "SafePost Report ID" when IT has created it for the queue (RT ignores the value otherwise).
// Before any attempt that follows an earlier one (whose answer may have been lost), SafePost
// searches the tickets for that reference; a hit whose custom field, if set, holds this report's
// id is this report's ticket, and nothing is created.
//
// The employee is the ticket's `Requestor` (RT creates an unprivileged user for a new address),
// so RT's replies go to them; the link SafePost shows them opens RT's SelfService, the part of RT
// a requestor may open (Ticket/Display.html is for staff).
import { joinUrl, str } from './config.js';
import { request, DeliveryError } from './http.js';
import { subjectOf, bodyOf, shortRef, splitDataUrl } from './compose.js';

export const ID_FIELD = 'SafePost Report ID';

export async function deliver({ record, settings, timeoutMs, mayExist }) {
  const base = joinUrl(settings.endpoint, '/REST/2.0');
  const token = str(settings, 'token');
  if (!token) {
    throw new DeliveryError('no RT token in the SafePost policy', {
      retry: false, hint: 'Tell IT the SafePost policy lacks tickets.token for Request Tracker; resend once fixed.',
    });
  }
  const headers = { Authorization: `token ${token}`, Accept: 'application/json' };

  if (mayExist) {
    const query = `Subject LIKE '[SafePost ${shortRef(record.id)}]'`;
    const found = await request(`${base}/tickets?query=${encodeURIComponent(query)}&fields=Subject,CustomFields`, { headers, timeoutMs });
    const items = found.json && Array.isArray(found.json.items) ? found.json.items : [];
    const mine = items.find((item) => {
      const cf = Array.isArray(item.CustomFields) ? item.CustomFields.find((f) => f && f.name === ID_FIELD) : null;
      return !cf || !Array.isArray(cf.values) || cf.values.length === 0 || cf.values.includes(record.id);
    });
    if (mine && mine.id != null) return ticketOf(settings, String(mine.id));
  }

  const body = {
    Queue: str(settings, 'queue', 'General'),
    Subject: subjectOf(record),
    Content: bodyOf(record),
    ContentType: 'text/plain',
    CustomFields: { [ID_FIELD]: record.id },
  };
  if (record.reporter && record.reporter.email) body.Requestor = record.reporter.email;
  const shot = splitDataUrl(record.report?.screenshot);
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
  return { id, number: `#${id}`, url: joinUrl(settings.endpoint, `/SelfService/Display.html?id=${encodeURIComponent(id)}`) };
}
