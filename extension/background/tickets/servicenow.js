// ServiceNow Table API: `POST /api/now/table/incident`.
//
// The Table API has no idempotency key; incidents have a `correlation_id` field meant for
// integrations. SafePost puts the report id there and, before any attempt that follows an earlier
// one, looks it up (`GET /api/now/table/incident?sysparm_query=correlation_id=...`): if an incident
// exists, nothing is created. The screenshot goes through the Attachment API once the incident
// exists; that step is saved, so a retry attaches it without creating a second incident.
//
// The employee is the incident's caller: `caller_id` is the sys_id of the user found by e-mail
// address or user name (`GET /api/now/table/sys_user`); IT's `tickets.caller_id` is used only
// when nobody is known or found. The link shown to the employee opens the incident in the
// Service Portal (`/sp?id=ticket`), which callers may open; `nav_to.do` is for fulfillers.
import { joinUrl, str } from './config.js';
import { request, DeliveryError, basicAuth } from './http.js';
import { subjectOf, bodyOf, splitDataUrl, base64ToBytes } from './compose.js';

/** `username` + `token`: basic authentication (the token is that account's password);
 * `token` alone: an OAuth bearer token. */
export function authHeaders(settings) {
  const token = str(settings, 'token');
  const user = str(settings, 'username');
  if (user && token) return { Authorization: basicAuth(user, token) };
  if (token) return { Authorization: `Bearer ${token}` };
  throw new DeliveryError('no ServiceNow credentials in the SafePost policy', {
    retry: false, hint: 'Tell IT the SafePost policy lacks tickets.username and tickets.token for ServiceNow; resend once fixed.',
  });
}

export async function deliver({ record, settings, timeoutMs, mayExist, saveProgress }) {
  const table = 'incident';
  const base = joinUrl(settings.endpoint, `/api/now/table/${encodeURIComponent(table)}`);
  const headers = { ...authHeaders(settings), Accept: 'application/json' };
  let incident = record.progress && record.progress.incident;

  if (!incident && mayExist) {
    const q = `sysparm_query=${encodeURIComponent(`correlation_id=${record.id}`)}&sysparm_fields=sys_id,number&sysparm_limit=1`;
    const found = await request(`${base}?${q}`, { headers, timeoutMs });
    const hit = found.json && Array.isArray(found.json.result) ? found.json.result[0] : null;
    if (hit && hit.sys_id) incident = { sys_id: String(hit.sys_id), number: String(hit.number || '') };
  }

  if (!incident) {
    const body = {
      short_description: subjectOf(record),
      description: bodyOf(record),
      correlation_id: record.id,
      correlation_display: 'SafePost',
    };
    // The user's category travels in the subject and description; `category` is IT's routing value.
    const category = str(settings, 'category');
    if (category) body.category = category;
    const caller = (await findCaller(base, record.reporter, headers, timeoutMs)) || str(settings, 'caller_id');
    if (caller) body.caller_id = caller;
    const res = await request(base, {
      method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body), timeoutMs,
    });
    const result = res.json && res.json.result;
    if (!result || !result.sys_id) throw new DeliveryError('ServiceNow answered without the new incident', { retry: true });
    incident = { sys_id: String(result.sys_id), number: String(result.number || '') };
  }
  await saveProgress({ incident });

  const shot = splitDataUrl(record.report?.screenshot);
  if (shot && !(record.progress && record.progress.attached)) {
    const name = shot.type === 'image/png' ? 'screenshot.png' : 'screenshot.jpg';
    const q = new URLSearchParams({ table_name: table, table_sys_id: incident.sys_id, file_name: name });
    await request(`${joinUrl(settings.endpoint, '/api/now/attachment/file')}?${q}`, {
      method: 'POST', headers: { ...headers, 'Content-Type': shot.type }, body: base64ToBytes(shot.base64), timeoutMs,
    });
    await saveProgress({ incident, attached: true });
  }
  return {
    id: incident.sys_id,
    number: incident.number || incident.sys_id,
    url: joinUrl(settings.endpoint, `/sp?id=ticket&table=${table}&sys_id=${encodeURIComponent(incident.sys_id)}`),
  };
}

/** The sys_id of the employee's ServiceNow user (by e-mail, else user name), or ''. */
async function findCaller(incidentBase, reporter, headers, timeoutMs) {
  if (!reporter || !reporter.email) return '';
  const users = incidentBase.replace(/\/api\/now\/table\/incident$/, '/api/now/table/sys_user');
  const name = reporter.email.split('@')[0];
  const q = `sysparm_query=${encodeURIComponent(`email=${reporter.email}^ORuser_name=${reporter.email}^ORuser_name=${name}`)}&sysparm_fields=sys_id,email,user_name&sysparm_limit=5`;
  const found = await request(`${users}?${q}`, { headers, timeoutMs });
  const list = found.json && Array.isArray(found.json.result) ? found.json.result : [];
  const lower = reporter.email.toLowerCase();
  const hit = list.find((u) => String(u.email || '').toLowerCase() === lower)
    || list.find((u) => String(u.user_name || '').toLowerCase() === lower)
    || list.find((u) => String(u.user_name || '').toLowerCase() === name.toLowerCase());
  return hit && hit.sys_id ? String(hit.sys_id) : '';
}
