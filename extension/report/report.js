// The report form: what the user tells IT, and exactly what will be included (each item shown
// before it is sent; the screenshot only after the user ticks its box and sees it).
// Sending goes through the service worker (report.submit), which saves the report first.
import { copyTextOf, mailtoOf } from '../background/tickets/compose.js';

const api = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => api.i18n.getMessage(key, subs) || key;
const $ = (id) => document.getElementById(id);
const send = (msg) => api.runtime.sendMessage(msg);

for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
document.title = t('reportTitle');

const draftId = new URLSearchParams(location.search).get('draft') || '';
const { draft, desk, environment, reporter, screenshot: shotInfo } = await send({ type: 'report.draft', draftId });
const context = (draft && draft.context) || { findings: [], text: null, url: '', site: '' };
let screenshot = null;

showDesk(desk);
showReporter(reporter);
$('form').hidden = false;
if (context.category) $('category').value = context.category;

// Page address
if (context.url) $('page-preview').textContent = context.url;
else { $('inc-page').checked = false; $('inc-page').disabled = true; $('page-preview').textContent = t('reportNoPage'); }

// Findings: only the rule and the redacted preview exist here; the match itself never does.
if (context.findings.length) {
  for (const f of context.findings) {
    const li = document.createElement('li');
    li.textContent = `${f.rule}${f.preview ? `: ${f.preview}` : ''}`;
    $('findings-preview').append(li);
  }
} else {
  $('inc-findings').checked = false;
  $('inc-findings').disabled = true;
  const li = document.createElement('li');
  li.textContent = t('reportNoFindings');
  $('findings-preview').append(li);
}

if (typeof context.text !== 'string' || !context.text) $('inc-text-row').hidden = true;
else {
  // What will be sent, shown when ticked: the post with SafePost's findings already redacted.
  $('text-preview').textContent = context.text;
  $('inc-text').addEventListener('change', () => { $('text-preview').hidden = !$('inc-text').checked; });
}
if (desk.configured && desk.adapter === 'email') $('inc-shot-row').hidden = true; // a mailto: link carries no picture
else if (shotInfo && !shotInfo.possible) {
  // Said up front, instead of the browser's permission error after ticking the box.
  $('inc-screenshot').disabled = true;
  $('shot-error').textContent = t(shotInfo.why === 'no-page' ? 'reportShotNoPage' : 'reportShotFromPanel');
  $('shot-error').hidden = false;
  $('shot-error').classList.add('explained');
}
$('env-preview').textContent = `${environment.browser} · SafePost ${environment.extension}`
  + `${environment.core ? ` (core ${environment.core})` : ''} · ${t('reportPolicyVersion', [environment.policyVersion || '—'])}`;

$('inc-screenshot').addEventListener('change', async () => {
  $('shot-error').hidden = true;
  if (!$('inc-screenshot').checked) {
    screenshot = null;
    $('shot-box').hidden = true;
    return;
  }
  const res = await send({ type: 'report.screenshot', draftId }).catch((err) => ({ ok: false, error: err.message }));
  if (res && res.ok) {
    screenshot = res.dataUrl;
    $('shot').src = screenshot;
    $('shot-box').hidden = false;
  } else {
    $('inc-screenshot').checked = false;
    $('shot-error').textContent = t('reportShotFailed', [(res && res.error) || '']);
    $('shot-error').hidden = false;
  }
});

/** Asks, within the click, for access to the desk's address (once per desk). */
function askForDesk(d) {
  if (!d || !d.permission || !api.permissions) return Promise.resolve(true);
  return api.permissions.request({ origins: [d.permission] }).catch(() => false);
}

/** Who the report is filed for; when nobody is known, the form asks once (remembered). */
function showReporter(who) {
  if (who && who.email) {
    $('filed-for').textContent = t('reportFiledFor', [who.name ? `${who.name} <${who.email}>` : who.email]);
    $('filed-for').hidden = false;
    $('reporter-row').hidden = true;
    return;
  }
  $('reporter-row').hidden = false;
  // Chromium can name the profile's account once the user allows it (optional permission).
  const canAsk = api.permissions && /Chrome\//.test(navigator.userAgent) && !/Firefox\//.test(navigator.userAgent);
  $('use-browser-account').hidden = !canAsk;
}

$('use-browser-account').addEventListener('click', async () => {
  const granted = await api.permissions.request({ permissions: ['identity', 'identity.email'] }).catch(() => false);
  if (!granted) return;
  const res = await send({ type: 'report.reporter' }).catch(() => null);
  if (res && res.reporter && res.reporter.email) showReporter(res.reporter);
  else $('reporter-email').focus(); // no account signed in to this profile: type it once
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const typed = $('reporter-row').hidden ? '' : $('reporter-email').value.trim();
  if (typed && !EMAIL.test(typed)) {
    $('reporter-error').textContent = t('reportReporterInvalid');
    $('reporter-error').hidden = false;
    $('reporter-email').setAttribute('aria-invalid', 'true');
    $('reporter-email').focus();
    return;
  }
  $('reporter-error').hidden = true;
  $('send').disabled = true;
  await askForDesk(desk); // refused: the report is still saved, and says how to resend
  const res = await send({
    type: 'report.submit',
    draftId,
    context,
    category: $('category').value,
    description: $('description').value,
    include: {
      page: $('inc-page').checked,
      findings: $('inc-findings').checked,
      text: $('inc-text').checked && !$('inc-text-row').hidden,
      screenshot: $('inc-screenshot').checked && Boolean(screenshot),
      environment: $('inc-env').checked,
    },
    screenshot: $('inc-screenshot').checked ? screenshot : null,
    reporter: typed ? { email: typed } : null,
  }).catch((err) => ({ ok: false, error: err.message }));
  if (!res || !res.ok) {
    $('send').disabled = false;
    showResult({ state: 'error', lastError: { message: (res && res.error) || '' } });
    return;
  }
  $('form').hidden = true;
  watch(res.id, res.record);
});

$('close').addEventListener('click', () => window.close());

function showDesk(d) {
  const p = $('desk');
  if (!d.configured) {
    p.dataset.state = 'unconfigured';
    p.textContent = t('reportDeskNone');
  } else if (d.error) {
    p.dataset.state = 'error';
    p.textContent = t('reportDeskBroken', [d.error]);
  } else if (d.adapter === 'email') {
    p.dataset.state = 'email';
    p.textContent = t('reportDeskEmail', [d.address || '—']);
  } else {
    p.dataset.state = 'desk';
    p.textContent = t('reportDeskTo', [t(`reportAdapter_${d.adapter}`), d.host]);
  }
}

/** Follows the saved report until the desk has it (or the user must act). */
function watch(id, first) {
  let current = first;
  showResult(current);
  api.storage.onChanged.addListener((changes, area) => {
    const change = changes[`ticket:${id}`];
    if (area !== 'local' || !change || !change.newValue) return;
    current = change.newValue;
    showResult(current);
  });
  $('copy').onclick = async () => {
    const full = (await send({ type: 'report.get', id })).report || current;
    await navigator.clipboard.writeText(copyTextOf(full)).catch(() => {});
    $('copy').textContent = t('reportCopied');
  };
  $('mail').onclick = async () => {
    const full = (await send({ type: 'report.get', id })).report || current;
    const url = full.mailto || mailtoOf(full, desk.address || '');
    await api.tabs.create({ url }).catch(() => { location.href = url; });
  };
}

function showResult(r) {
  $('result').hidden = false;
  const state = $('result-state');
  const hint = $('result-hint');
  state.dataset.state = r.state;
  hint.textContent = '';
  $('copy').hidden = r.state === 'delivered';
  $('mail').hidden = !(r.state === 'drafted' || r.state === 'unconfigured');
  state.replaceChildren();
  switch (r.state) {
    case 'delivered': {
      state.append(t('reportDelivered', [r.ticket && r.ticket.number ? r.ticket.number : '']));
      if (r.ticket && r.ticket.url) {
        const a = document.createElement('a');
        a.href = r.ticket.url;
        a.target = '_blank';
        a.rel = 'noopener';
        a.id = 'ticket-link';
        a.textContent = t('reportOpenTicket');
        state.append(' ', a);
      }
      break;
    }
    case 'rejected':
      state.textContent = t('reportRejected', [(r.lastError && r.lastError.message) || '']);
      hint.textContent = (r.lastError && r.lastError.hint) || '';
      break;
    case 'drafted':
      state.textContent = t('reportDrafted');
      break;
    case 'unconfigured':
      state.textContent = t('reportUnconfigured');
      break;
    case 'error':
      state.textContent = t('reportSaveFailed', [(r.lastError && r.lastError.message) || '']);
      break;
    default:
      state.textContent = r.attempts > 0 && r.lastError
        ? t('reportRetrying', [r.lastError.message || ''])
        : t('reportSending');
  }
}
