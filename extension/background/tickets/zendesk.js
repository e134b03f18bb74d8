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

function authHeaders(settings) {
  const token = str(settings, 'token');
  const email = str(settings, 'username');
  if (email && token) return { Authorization: basicAuth(`${email}/token`, token) }; // agent email + API token
  if (token) return { Authorization: `Bearer ${token}` }; // OAuth access token
  throw new DeliveryError('no Zendesk credentials in the SafePost policy', {
    retry: false, hint: 'Tell IT the SafePost policy lacks tickets.username (an email) and tickets.token for Zendesk; resend once fixed.',
  });
}

export async function deliver({ record, settings, timeoutMs, mayExist, saveProgress }) {
  const headers = { ...authHeaders(settings), Accept: 'application/json' };
  const progress = { ...(record.progress || {}) };
  if (mayExist) {
    const ref = `SafePost ${shortRef(record.id)}`;
    const query = encodeURIComponent(`"${ref}"`);
    const found = await request(`${joinUrl(settings.endpoint, '/api/v2/requests/search.json')}?query=${query}`, { headers, timeoutMs });
    const requests = found.json && Array.isArray(found.json.requests) ? found.json.requests : [];
    const mine = requests.find((r) => r && r.id != null && String(r.subject || '').endsWith(`[${ref}]`));
    if (mine) return requestOf(settings, mine.id);
  }
  const shot = splitDataUrl(record.report.screenshot);
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
