// Report to IT: opening the report form, saving reports, and delivering them to the company's
// service desk through the adapter IT chose in the policy (tickets/*.js), never lost, never
// doubled (tickets/queue.js).
//
// Message types (all `report.*`):
//   report.open {context}          any SafePost UI: opens the form prefilled from `context`
//                                   ({site, rule, category, severity, findings: [{rule, severity, preview}], text?})
//   report.draft {draftId}          the form: its context, the desk it will go to
//   report.screenshot {draftId}     the form: a capture of the tab the report is about
//   report.submit {...}             the form: saves the report and queues it; answers {id}
//                                   (`reporter` {email, name}: typed once in the form, remembered)
//   report.reporter                 the form: who the report is filed for ({email, name, source})
//   report.list / report.get {id}   the popup and the form: saved reports (without screenshots)
//   report.resend {id}              "Resend" in the popup
//   report.flush                    runs the queue now and waits for it
// The keyboard shortcut (commands "report-to-it") opens the form for the active tab.
import { readTicketConfig, deskPermission } from './tickets/config.js';
import { CATEGORIES } from './tickets/compose.js';
import { enqueue, kick, drain, allRecords, getRecord, resend, ALARM } from './tickets/queue.js';
import { currentReporter, rememberReporter, cleanEmail, IDENTITY_PERMISSIONS } from './tickets/person.js';

const api = globalThis.browser ?? globalThis.chrome;
const DRAFT = 'reportDraft:';
const SCREENSHOT_MAX = 4 * 1024 * 1024; // data URL characters

/** Only these fields of a context are kept: a finding carries its redacted preview, never the match. */
function cleanContext(context, tab) {
  const c = context && typeof context === 'object' ? context : {};
  const s = (v, max = 2000) => (typeof v === 'string' ? v.slice(0, max) : '');
  const findings = Array.isArray(c.findings) ? c.findings.slice(0, 50).map((f) => ({
    rule: s(f && f.rule, 200), severity: s(f && f.severity, 20), preview: s(f && f.preview, 300),
  })) : [];
  const url = (tab && tab.url && /^https?:/.test(tab.url) ? tab.url : '') || s(c.url) || (/^https?:\/\//.test(s(c.site)) ? s(c.site) : '');
  return {
    site: s(c.site, 500) || (url ? safeHost(url) : ''),
    url,
    rule: s(c.rule, 200),
    category: Object.hasOwn(CATEGORIES, c.category) ? c.category : (c.rule || findings.length ? 'false_alarm' : ''),
    severity: s(c.severity, 20),
    findings,
    text: typeof c.text === 'string' ? c.text.slice(0, 20000) : null,
  };
}

function safeHost(url) {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

async function activeTab() {
  const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true }).catch(() => []);
  return tab || null;
}

/** Opens the report form in its own small window (the reported tab stays visible for a screenshot). */
export async function openReport(context, sourceTab, via = 'page') {
  const tab = sourceTab || await activeTab();
  const draftId = crypto.randomUUID();
  const draft = {
    context: cleanContext(context, tab),
    tabId: tab ? tab.id : null,
    windowId: tab ? tab.windowId : null,
    // The toolbar popup and the shortcut grant activeTab (a screenshot is possible); an in-page
    // panel or dialog does not.
    via,
    createdAt: Date.now(),
  };
  await api.storage.session.set({ [DRAFT + draftId]: draft });
  const url = api.runtime.getURL(`extension/report/report.html?draft=${draftId}`);
  try {
    await api.windows.create({ url, type: 'popup', width: 560, height: 760 });
  } catch {
    await api.tabs.create({ url });
  }
  return { ok: true, draftId };
}

async function environment() {
  const ua = navigator.userAgent;
  const m = /(Firefox|Chrome)\/([\d.]+)/.exec(ua);
  let browser = m ? `${m[1] === 'Chrome' ? 'Chromium' : 'Firefox'} ${m[2]}` : 'unknown browser';
  if (api.runtime.getBrowserInfo) {
    const info = await api.runtime.getBrowserInfo().catch(() => null);
    if (info) browser = `${info.name} ${info.version}`;
  }
  const status = (await api.storage.session.get('coreStatus')).coreStatus;
  const config = await readTicketConfig(api);
  return {
    browser,
    extension: api.runtime.getManifest().version,
    core: status && status.version ? String(status.version) : '',
    policyVersion: config.policyVersion || '',
  };
}

function describeDesk(config) {
  if (!config.configured) return { configured: false };
  let host = '';
  try {
    host = config.settings.endpoint ? new URL(config.settings.endpoint).host : '';
  } catch {
    host = '';
  }
  return {
    configured: true, adapter: config.adapter, host, error: config.error || '', permission: deskPermission(config),
    address: config.adapter === 'email' && typeof config.settings.email_to === 'string' ? config.settings.email_to : '',
  };
}

/**
 * Whether a screenshot of the reported tab can be taken, known before the user ticks the box:
 * `{possible, why}`. captureVisibleTab needs activeTab (granted by the toolbar button and the
 * shortcut) or `<all_urls>`.
 */
async function screenshotPossible(draft) {
  if (!draft || draft.windowId == null) return { possible: false, why: 'no-page' };
  if (draft.via === 'popup' || draft.via === 'command') return { possible: true, why: '' };
  // Access to the page's origin is not enough: Chromium says "Either the '<all_urls>' or
  // 'activeTab' permission is required" (verified), so only <all_urls> helps here.
  const all = api.permissions ? await api.permissions.contains({ origins: ['<all_urls>'] }).catch(() => false) : false;
  return all ? { possible: true, why: '' } : { possible: false, why: 'panel' };
}

/** A record as the UI sees it: the screenshot's bytes stay in the background. */
function forUi(record) {
  if (!record) return null;
  const { report, ...rest } = record;
  if (!report) return rest; // a "Post anyway" record: nothing in it stays in the background
  return { ...rest, report: { ...report, screenshot: report.screenshot ? true : null } };
}

async function buildRecord(msg, draft) {
  const ctx = draft ? draft.context : cleanContext(msg.context, null);
  const include = msg.include && typeof msg.include === 'object' ? msg.include : {};
  const on = (k, dflt) => (typeof include[k] === 'boolean' ? include[k] : dflt);
  const category = Object.hasOwn(CATEGORIES, msg.category) ? msg.category : 'other';
  const report = {
    category,
    description: typeof msg.description === 'string' ? msg.description.slice(0, 20000) : '',
    pageUrl: on('page', true) && ctx.url ? ctx.url : null,
    findings: on('findings', true) && ctx.findings.length ? ctx.findings : null,
    postText: on('text', false) && typeof ctx.text === 'string' ? ctx.text : null,
    screenshot: null,
    environment: on('environment', true) ? await environment() : null,
  };
  if (on('screenshot', false) && typeof msg.screenshot === 'string' && msg.screenshot.length <= SCREENSHOT_MAX
      && /^data:image\/(png|jpeg);base64,/.test(msg.screenshot)) {
    report.screenshot = msg.screenshot;
  }
  const now = Date.now();
  const config = await readTicketConfig(api);
  let reporter = await currentReporter(config.settings || {});
  if (!reporter.email && msg.reporter && cleanEmail(msg.reporter.email)) {
    reporter = (await rememberReporter(msg.reporter)).reporter;
  }
  return {
    id: crypto.randomUUID(), kind: 'report', createdAt: now, updatedAt: now, state: 'new', attempts: 0,
    reporter: reporter.email ? reporter : null, report,
  };
}

/** Reports hold what users wrote: only SafePost's own pages (form, popup) may read or send them. */
function fromExtensionPage(sender) {
  return typeof sender?.url === 'string' && sender.url.startsWith(api.runtime.getURL(''));
}

const handlers = {
  async 'report.open'(msg, sender) {
    const fromPopup = typeof sender?.url === 'string' && sender.url.startsWith(api.runtime.getURL('extension/popup/'));
    return openReport(msg.context, sender && sender.tab && !fromPopup ? sender.tab : null, fromPopup ? 'popup' : 'page');
  },
  async 'report.draft'(msg) {
    const key = DRAFT + String(msg.draftId);
    const draft = (await api.storage.session.get(key))[key];
    const config = await readTicketConfig(api);
    const desk = describeDesk(config);
    const reporter = await currentReporter(config.settings || {});
    return { ok: Boolean(draft), draft: draft || null, desk, environment: await environment(), reporter, screenshot: await screenshotPossible(draft) };
  },
  async 'report.screenshot'(msg) {
    const key = DRAFT + String(msg.draftId);
    const draft = (await api.storage.session.get(key))[key];
    if (!draft || draft.windowId == null) return { ok: false, error: 'no page to capture' };
    try {
      const dataUrl = await api.tabs.captureVisibleTab(draft.windowId, { format: 'jpeg', quality: 70 });
      return { ok: true, dataUrl };
    } catch (err) {
      return { ok: false, error: err.message || String(err) };
    }
  },
  async 'report.submit'(msg) {
    const key = msg.draftId ? DRAFT + String(msg.draftId) : null;
    const draft = key ? (await api.storage.session.get(key))[key] || null : null;
    const record = await buildRecord(msg, draft);
    const saved = await enqueue(record);
    // Only once the record is saved: a worker stopped in between leaves the draft, never nothing.
    if (draft) await api.storage.session.remove(key);
    return { ok: true, id: saved.id, record: forUi(saved) };
  },
  async 'report.reporter'() {
    const config = await readTicketConfig(api);
    return { ok: true, reporter: await currentReporter(config.settings || {}), identityPermissions: IDENTITY_PERMISSIONS };
  },
  async 'report.list'() {
    const records = (await allRecords()).sort((a, b) => b.createdAt - a.createdAt);
    return { ok: true, reports: records.map(forUi), desk: describeDesk(await readTicketConfig(api)) };
  },
  async 'report.get'(msg) {
    return { ok: true, report: forUi(await getRecord(String(msg.id))) };
  },
  async 'report.resend'(msg) {
    return { ok: true, report: forUi(await resend(String(msg.id))) };
  },
  async 'report.flush'() {
    await drain();
    return { ok: true };
  },
};

// Any SafePost UI may open the form (content scripts and the framed core page included); the rest
// answers extension pages only.
export const ticketHandlers = Object.fromEntries(Object.entries(handlers).map(([type, fn]) => [type,
  type === 'report.open' ? fn : (msg, sender) => (fromExtensionPage(sender) ? fn(msg, sender) : Promise.resolve({ ok: false, error: 'not allowed' }))]));

api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) kick();
});

// A desk configured (or fixed) by IT: send what was waiting for it.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.effectivePolicy) kick();
});

api.commands?.onCommand.addListener((command, tab) => {
  if (command === 'report-to-it') openReport({}, tab && tab.id != null ? tab : null, 'command');
});

// A desk or audit host the user just allowed: send what waited for it.
api.permissions?.onAdded?.addListener(() => kick());

// Each time the worker starts (browser start, wake-up), send whatever is due.
kick();
