// Zendesk: `POST /api/v2/requests.json` ({request: {subject, comment: {body, uploads}}}).
//
// Never doubled, in two layers. Every creation carries an `Idempotency-Key` (the report id): a
// retry soon after a lost answer gets the first request back. Zendesk keeps those keys only for a
// while (hours), and a report may wait longer (the browser closed, the desk down), so before any
// attempt that follows an earlier one SafePost first searches the requests
// (`GET /api/v2/requests/search.json`) for the report's reference, which ends every subject
// ("[SafePost 1a2b3c4d]"); Zendesk's search index lags by minutes, which the key covers.
// The screenshot is uploaded first (`POST /api/v2/uploads.json?filename=...`) and its token
// saved, so a retry does not upload it again.
import { joinUrl, str } from './config.js';
import { request, DeliveryError, basicAuth } from './http.js';
import { subjectOf, bodyOf, shortRef, splitDataUrl, base64ToBytes } from './compose.js';

// The employee is the `requester` ({name, email}). Without any credential in the policy the
// request is an anonymous request (Zendesk's "anyone can submit tickets" setting), which needs the
// requester and lets the laptop read nothing; the search before a retry then is not possible, and
// the Idempotency-Key alone keeps a retry from filing twice.
function authHeaders(settings, reporter) {
  const token = str(settings, 'token');
  const email = str(settings, 'username');
  if (email && token) return { Authorization: basicAuth(`${email}/token`, token) }; // agent email + API token
  if (token) return { Authorization: `Bearer ${token}` }; // OAuth access token
  if (reporter && reporter.email) return {}; // anonymous request
  throw new DeliveryError('Zendesk needs your e-mail address or a credential in the SafePost policy', {
    retry: false, hint: 'Give your e-mail address in the report form and resend, or tell IT the SafePost policy lacks tickets.token for Zendesk.',
  });
}

export async function deliver({ record, settings, timeoutMs, mayExist, saveProgress }) {
  const auth = authHeaders(settings, record.reporter);
  const headers = { ...auth, Accept: 'application/json' };
  const progress = { ...(record.progress || {}) };
  if (mayExist && auth.Authorization) {
    const ref = `SafePost ${shortRef(record.id)}`;
    const query = encodeURIComponent(`"${ref}"`);
    const found = await request(`${joinUrl(settings.endpoint, '/api/v2/requests/search.json')}?query=${query}`, { headers, timeoutMs });
    const requests = found.json && Array.isArray(found.json.requests) ? found.json.requests : [];
    const mine = requests.find((r) => r && r.id != null && String(r.subject || '').endsWith(`[${ref}]`));
    if (mine) return requestOf(settings, mine.id);
  }
  const shot = splitDataUrl(record.report?.screenshot);
  if (shot && !progress.uploadToken) {
    const name = shot.type === 'image/png' ? 'screenshot.png' : 'screenshot.jpg';
    const up = await request(`${joinUrl(settings.endpoint, '/api/v2/uploads.json')}?filename=${encodeURIComponent(name)}`, {
      method: 'POST', headers: { ...headers, 'Content-Type': shot.type }, body: base64ToBytes(shot.base64), timeoutMs,
    });
    const token = up.json && up.json.upload && up.json.upload.token;
    if (!token) throw new DeliveryError('Zendesk did not return an upload token', { retry: true });
    progress.uploadToken = String(token);
    await saveProgress(progress);
  }
  const req = { subject: subjectOf(record), comment: { body: bodyOf(record) } };
  if (progress.uploadToken) req.comment.uploads = [progress.uploadToken];
  if (record.reporter && record.reporter.email) {
    req.requester = { email: record.reporter.email, name: record.reporter.name || record.reporter.email.split('@')[0] };
  }
  const res = await request(joinUrl(settings.endpoint, '/api/v2/requests.json'), {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': record.id },
    body: JSON.stringify({ request: req }),
    timeoutMs,
  });
  const r = res.json && res.json.request;
  if (!r || r.id == null) throw new DeliveryError('Zendesk answered without the new request', { retry: true });
  return requestOf(settings, r.id);
}

function requestOf(settings, id) {
  return { id: String(id), number: `#${id}`, url: joinUrl(settings.endpoint, `/hc/requests/${encodeURIComponent(id)}`) };
}
