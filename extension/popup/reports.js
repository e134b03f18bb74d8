// The popup's reports to IT: the "Report to IT" button and the list of saved reports with their
// state, the ticket number or link once delivered, and for a rejected report what to do, with
// "Resend" and "Copy". "Post anyway" records are listed too (class `override`), with exactly what
// IT received: rule, site, time, the reason, the redacted previews.
import { copyTextOf, subjectOf } from '../background/tickets/compose.js';

const SHOWN = 20;

export async function showReports(section, { api, t }) {
  section.replaceChildren();
  const h = document.createElement('h2');
  h.id = 'reports-title';
  h.textContent = t('reportsTitle');
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'report-to-it';
  button.textContent = t('reportToItButton');
  button.addEventListener('click', async () => {
    const [tab] = await api.tabs.query({ active: true, currentWindow: true }).catch(() => []);
    const url = tab && /^https?:/.test(tab.url || '') ? tab.url : '';
    await api.runtime.sendMessage({ type: 'report.open', context: { url, site: url ? new URL(url).host : '' } });
    window.close();
  });
  const list = document.createElement('ul');
  list.id = 'report-list';
  section.append(h, button, list);
  section.hidden = false;

  const render = async () => {
    const res = await api.runtime.sendMessage({ type: 'report.list' }).catch(() => null);
    list.replaceChildren();
    if (!res || !res.ok) return;
    for (const r of res.reports.slice(0, SHOWN)) list.append(item(r, { api, t, desk: res.desk }));
  };
  await render();
  let pending = null;
  api.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !Object.keys(changes).some((k) => k.startsWith('ticket:'))) return;
    clearTimeout(pending);
    pending = setTimeout(render, 100);
  });
}

/** What a "Post anyway" record holds: the same fields IT receives. */
function overrideDetails(r, t) {
  const o = r.override || {};
  const box = document.createElement('div');
  box.className = 'override-sent';
  const what = document.createElement('div');
  what.className = 'override-what';
  what.textContent = t('overrideWhat');
  const reason = document.createElement('div');
  reason.className = 'override-reason';
  reason.textContent = o.reason ? t('overrideReason', [o.reason]) : t('overrideNoReason');
  const list = document.createElement('ul');
  list.className = 'override-findings';
  for (const f of Array.isArray(o.findings) ? o.findings : []) {
    const li = document.createElement('li');
    li.textContent = `[${f.severity || 'info'}] ${f.rule || ''}${f.preview ? `: ${f.preview}` : ''}`;
    list.append(li);
  }
  box.append(what, reason, list);
  return box;
}

function item(r, { api, t, desk }) {
  const li = document.createElement('li');
  li.className = 'report';
  li.dataset.id = r.id;
  li.dataset.state = r.state;
  const title = document.createElement('div');
  title.className = 'report-title';
  title.textContent = subjectOf(r);
  const state = document.createElement('div');
  state.className = 'report-state';
  const when = new Date(r.createdAt).toLocaleString();
  if (r.kind === 'override' && r.state === 'delivered') {
    state.textContent = t('overrideSent', [(r.ticket && r.ticket.number) || new Date(r.deliveredAt || r.updatedAt).toLocaleString()]);
  } else if (r.state === 'delivered' && r.ticket) {
    state.append(t('reportsStateDelivered', [r.ticket.number || '']), ' ');
    if (r.ticket.url) {
      const a = document.createElement('a');
      a.href = r.ticket.url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.className = 'ticket-link';
      a.textContent = t('reportOpenTicket');
      state.append(a);
    }
  } else {
    state.textContent = t(`reportsState_${r.state}`) + (r.state === 'pending' && r.lastError ? ` (${r.lastError.message})` : '');
  }
  const meta = document.createElement('div');
  meta.className = 'report-when';
  meta.textContent = when;
  li.append(title, state, meta);
  if (r.kind === 'override') {
    li.classList.add('override');
    li.append(overrideDetails(r, t));
  }
  if (r.state === 'rejected' && r.lastError) {
    const hint = document.createElement('div');
    hint.className = 'report-hint';
    hint.textContent = `${r.lastError.message}. ${r.lastError.hint || ''}`;
    li.append(hint);
  }
  if (r.state !== 'delivered') {
    const actions = document.createElement('div');
    actions.className = 'report-actions';
    const canResend = r.state === 'rejected' || (r.state === 'unconfigured' && desk && desk.configured);
    if (canResend) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'resend';
      b.textContent = t('reportsResend');
      b.addEventListener('click', async () => {
        if (desk && desk.permission && api.permissions) await api.permissions.request({ origins: [desk.permission] }).catch(() => false);
        await api.runtime.sendMessage({ type: 'report.resend', id: r.id });
      });
      actions.append(b);
    }
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'copy';
    copy.textContent = t('reportCopy');
    copy.addEventListener('click', async () => {
      const full = (await api.runtime.sendMessage({ type: 'report.get', id: r.id })).report || r;
      await navigator.clipboard.writeText(copyTextOf(full)).catch(() => {});
      copy.textContent = t('reportCopied');
    });
    actions.append(copy);
    if (r.state === 'drafted' && r.mailto) {
      const mail = document.createElement('button');
      mail.type = 'button';
      mail.textContent = t('reportOpenEmail');
      mail.addEventListener('click', () => api.tabs.create({ url: r.mailto }));
      actions.append(mail);
    }
    li.append(actions);
  }
  return li;
}
