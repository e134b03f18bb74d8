// Jira Service Management: `POST /rest/servicedeskapi/request` (serviceDeskId, requestTypeId,
// requestFieldValues.summary/description); the screenshot as a temporary attachment
// (`POST /rest/servicedeskapi/servicedesk/{id}/attachTemporaryFile`, multipart field "file",
// header `X-Atlassian-Token: no-check`) then attached to the request
// (`POST /rest/servicedeskapi/request/{key}/attachment`).
//
// No idempotency key either: every summary ends with the report's short reference, and before
// any attempt that follows an earlier one SafePost searches the caller's requests for it
// (`GET /rest/servicedeskapi/request?searchTerm=...`) and checks the full report id in the
// description before treating a hit as this report. Each step is saved, so a retry resumes
// where the last attempt stopped.
//
// The employee is the customer the request is raised for (`raiseOnBehalfOf`, their e-mail
// address: JSM finds or creates the customer), so the request is theirs in the customer portal,
// where the link SafePost shows opens it.
import { joinUrl, str } from './config.js';
import { request, DeliveryError, basicAuth } from './http.js';
import { subjectOf, bodyOf, shortRef, splitDataUrl, base64ToBytes } from './compose.js';

function authHeaders(settings) {
  const token = str(settings, 'token');
  const email = str(settings, 'username');
  if (email && token) return { Authorization: basicAuth(email, token) }; // Jira Cloud: account email + API token
  if (token) return { Authorization: `Bearer ${token}` }; // Data Center: personal access token
  throw new DeliveryError('no Jira credentials in the SafePost policy', {
    retry: false, hint: 'Tell IT the SafePost policy lacks tickets.username (the account e-mail address) and tickets.token for Jira Service Management; resend once fixed.',
  });
}

export async function deliver({ record, settings, timeoutMs, mayExist, saveProgress }) {
  const api = joinUrl(settings.endpoint, '/rest/servicedeskapi');
  const headers = { ...authHeaders(settings), Accept: 'application/json' };
  const serviceDeskId = str(settings, 'service_desk_id');
  const requestTypeId = str(settings, 'request_type_id');
  if (!serviceDeskId || !requestTypeId) {
    throw new DeliveryError('serviceDeskId or requestTypeId missing from the SafePost policy', {
      retry: false, hint: 'Tell IT the SafePost policy needs tickets.service_desk_id and tickets.request_type_id for Jira Service Management; resend once fixed.',
    });
  }
  const progress = { ...(record.progress || {}) };

  if (!progress.issue && mayExist) {
    const q = new URLSearchParams({ searchTerm: shortRef(record.id), serviceDeskId, requestOwnership: 'OWNED_REQUESTS', limit: '50' });
    const found = await request(`${api}/request?${q}`, { headers, timeoutMs });
    const values = found.json && Array.isArray(found.json.values) ? found.json.values : [];
    const hit = values.find((v) => JSON.stringify(v.requestFieldValues || []).includes(record.id));
    if (hit) progress.issue = { id: String(hit.issueId), key: String(hit.issueKey), web: hit._links && hit._links.web };
  }

  if (!progress.issue) {
    const requestFieldValues = { summary: subjectOf(record), description: bodyOf(record) };
    const body = { serviceDeskId, requestTypeId, requestFieldValues };
    if (record.reporter && record.reporter.email) body.raiseOnBehalfOf = record.reporter.email;
    const res = await request(`${api}/request`, {
      method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body), timeoutMs,
    });
    const j = res.json || {};
    if (!j.issueKey) throw new DeliveryError('Jira answered without the new request key', { retry: true });
    progress.issue = { id: String(j.issueId ?? ''), key: String(j.issueKey), web: j._links && j._links.web };
  }
  await saveProgress(progress);

  const shot = splitDataUrl(record.report?.screenshot);
  if (shot && !progress.attached) {
    // A temporary file expires after a while: upload it right before attaching, on each attempt.
    const form = new FormData();
    const name = shot.type === 'image/png' ? 'screenshot.png' : 'screenshot.jpg';
    form.append('file', new Blob([base64ToBytes(shot.base64)], { type: shot.type }), name);
    const up = await request(`${api}/servicedesk/${encodeURIComponent(serviceDeskId)}/attachTemporaryFile`, {
      method: 'POST', headers: { ...headers, 'X-Atlassian-Token': 'no-check' }, body: form, timeoutMs,
    });
    const temp = up.json && Array.isArray(up.json.temporaryAttachments) ? up.json.temporaryAttachments : [];
    const ids = temp.map((t) => t.temporaryAttachmentId).filter(Boolean);
    if (!ids.length) throw new DeliveryError('Jira did not return a temporary attachment id', { retry: true });
    await request(`${api}/request/${encodeURIComponent(progress.issue.key)}/attachment`, {
      method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ temporaryAttachmentIds: ids, public: true }), timeoutMs,
    });
    progress.attached = true;
    await saveProgress(progress);
  }
  return {
    id: progress.issue.id || progress.issue.key,
    number: progress.issue.key,
    url: progress.issue.web || joinUrl(settings.endpoint, `/servicedesk/customer/portal/${encodeURIComponent(serviceDeskId)}/${encodeURIComponent(progress.issue.key)}`),
  };
}
