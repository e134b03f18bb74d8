// The core page: the extension page that content scripts frame into a site.
//
// It runs the Rust core (WebAssembly is allowed here whatever the site's CSP), answers the
// content script over the private MessageChannel it was given, and draws SafePost's on-page UI
// (extension/ui/) where page scripts cannot read or forge it: the findings panel, the submit
// gate's dialog and the upload dialogs. Media inspection runs in a dedicated worker
// (media-worker.js) because it reads Files synchronously, slice by slice.
//
// The effective policy (written by the service worker's policy module to storage.local under
// `effectivePolicy`) is read at start and followed through storage.onChanged: text rules compile
// into a TextChecker per site; `submit` and `uploads` settings drive the dialogs. Until the
// policy is known (the service worker's `policy.known`), the panel says it is loading and
// `policy-ready` lets the submit gate wait for it.
import init, { TextChecker, AccountChecker, coreVersion } from './pkg/safepost.js';
import { applyPlan } from './apply-plan.js';
import { Panel } from '../ui/panel.js';
import { Surface } from '../ui/surface.js';
import { gateDialog } from '../ui/gate-dialog.js';
import { uploadDialog, uploadProblemDialog } from '../ui/upload-dialog.js';
import { reportToIt, redactPost } from '../ui/report.js';
import { LARGE_TEXT, checkInWorker } from './large-text.js';
import { backstopFeed } from './backstop-feed.js';
import { CompanyAccounts } from './accounts.js';

const api = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => api.i18n.getMessage(key, subs) || key;

const wasmReady = init({ module_or_path: new URL('./pkg/safepost_bg.wasm', import.meta.url) });
wasmReady.catch(() => {}); // handled in accept(): reported to the content script, never thrown

let port = null;
let panel = null;
let surface = null;
let site = '';
let post = ''; // the text of the composer in use, as last checked or gated (for "Report to IT")
const live = document.getElementById('live');

// ---- Policy ---------------------------------------------------------------------------------

let policy = null; // the policy document (object) or null for the shipped default
const checkers = new Map(); // site -> TextChecker
// The company-account layer: which account is posting, and the checks for posts made as one.
const accounts = new CompanyAccounts({ AccountChecker, t, recheck: () => send({ type: 'policy-changed', reason: 'account' }),
  marker: (state) => panel?.setAccount(state) });

function setPolicy(effective) {
  const next = effective && effective.policy && typeof effective.policy === 'object' ? effective.policy : null;
  policy = next;
  for (const checker of checkers.values()) checker.free?.();
  checkers.clear();
  accounts.reset(policy);
}

const policyLoaded = api.storage.local.get('effectivePolicy')
  .then((stored) => setPolicy(stored.effectivePolicy), () => setPolicy(null));

// Whether the effective policy, managed layer included, is known since the browser started (the
// service worker's `policy.known` answers once it has read storage.managed, which Chromium delays
// for seconds after a start). Until then the panel says the company rules are loading, never
// "No issues found", and the submit gate holds posts (`policy-ready`, bounded).
const POLICY_WAIT_MS = 5000;
let policyKnown = false;
let markKnown;
const policyKnownNow = new Promise((resolve) => { markKnown = resolve; });
function setKnown() {
  if (policyKnown) return;
  policyKnown = true;
  markKnown();
  send({ type: 'policy-state', known: true });
  if (panel) panel.setLoading(false);
}
(function askKnown(attempt = 0) {
  const again = () => { if (attempt < 40) setTimeout(() => askKnown(attempt + 1), 250); };
  api.runtime.sendMessage({ type: 'policy.known' }).then((r) => (r && r.known ? setKnown() : again()), again);
})();

api.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !changes.effectivePolicy) return;
  setPolicy(changes.effectivePolicy.newValue);
  send({ type: 'policy-changed' });
});

function submitSettings() {
  const s = (policy && policy.submit) || {};
  return {
    allow_post_anyway: s.allow_post_anyway !== false,
    require_justification: s.require_justification !== false,
  };
}

function uploadSettings() {
  const u = (policy && policy.uploads) || {};
  return {
    action: ['ask', 'strip', 'block'].includes(u.action) ? u.action : 'ask',
    strip_mode: u.strip_mode === 'identifying' ? 'identifying' : 'location',
  };
}

function checkerFor(host) {
  let checker = checkers.get(host);
  if (!checker) {
    try {
      checker = new TextChecker(policy ? JSON.stringify(policy) : undefined, host || undefined);
    } catch (err) {
      // A policy the core cannot compile at all: the shipped default still protects the user.
      console.warn('SafePost: policy could not be compiled, using the default:', err);
      checker = new TextChecker(undefined, host || undefined);
    }
    checkers.set(host, checker);
  }
  return checker;
}

/** Report to IT from the panel or the gate dialog: the findings, and the post with every finding redacted. */
function reportPost(findings) {
  let text = null;
  try {
    text = redactPost(post, checkerFor(site).check(post));
  } catch {
    // The post cannot be checked again, so it cannot be redacted: the report goes without it.
  }
  return reportToIt({ site, findings, text });
}
/** Report to IT from an upload dialog: about the files, so no post text. */
const reportUpload = (findings) => reportToIt({ site, findings });

// ---- Requests from the content script ---------------------------------------------------------

const handlers = {
  async 'check-text'(msg) {
    await policyLoaded;
    site = String(msg.site || '');
    // A long text arrives as UTF-8 bytes (content/core-frame.js `wire`).
    const text = msg.text_utf8 instanceof ArrayBuffer ? new TextDecoder().decode(msg.text_utf8) : String(msg.text ?? '');
    const findings = accounts.applies(site) ? accounts.check(site, text)
      : text.length >= LARGE_TEXT ? await checkInWorker(policy ? JSON.stringify(policy) : undefined, site, text)
        : checkerFor(site).check(text);
    await backstop.checked(text, findings);
    if (msg.show !== false) {
      post = text;
      panel.showFindings(findings, { empty: text.trim() === '' });
    }
    return { findings };
  },
  async 'account-setup'(msg) {
    await policyLoaded;
    return accounts.setup(String(msg.site || ''));
  },
  version() {
    return { version: coreVersion() };
  },
  /** Waits (at most `timeout` ms, 5 s by default) until the policy is known; says whether it is. */
  async 'policy-ready'(msg) {
    await policyLoaded;
    if (!policyKnown) {
      const ms = Math.max(0, Math.min(POLICY_WAIT_MS, Number(msg.timeout) || POLICY_WAIT_MS));
      await Promise.race([policyKnownNow, new Promise((r) => setTimeout(r, ms))]);
    }
    return { known: policyKnown };
  },
  async gate(msg) {
    await policyLoaded;
    site = String(msg.site || site);
    const findings = Array.isArray(msg.findings) ? msg.findings : [];
    if (typeof msg.text === 'string') post = msg.text;
    const account = accounts.applies(site) ? accounts.state : null;
    const decision = await gateDialog({ surface, live, t, findings, site, submit: accounts.submit(site, submitSettings()), report: reportPost, account });
    if (decision.action === 'post' && (decision.justification || findings.some((f) => f.severity === 'block'))) {
      // Every "Post anyway" goes on record for IT (overrides.js), with the account it was posted as; never the secret itself.
      api.runtime.sendMessage({ type: 'gate.override', context: { site, justification: decision.justification || '', ...accounts.record(account),
        findings: findings.map((f) => ({ rule: f.rule, category: f.category, severity: f.severity, preview: f.preview })) } }).catch(() => {});
    }
    if (decision.action === 'post') await backstop.allowed(post, findings);
    return decision;
  },
  async upload(msg) {
    await policyLoaded;
    site = String(msg.site || site);
    return settleUploads(Array.isArray(msg.files) ? msg.files : []);
  },
  // Direct access to the media engine (used by tests and the CLI parity check).
  'inspect-upload'(msg) {
    return media('inspect', { file: msg.file, ...wordsPolicy() });
  },
  'strip-upload'(msg) {
    return media('strip', { file: msg.file, mode: msg.mode });
  },
};

const backstop = backstopFeed({ api, t, showGate: (findings, text) => handlers.gate({ findings, text, site }),
  notice: (message) => panel?.notice(message) });

// ---- Uploads ----------------------------------------------------------------------------------

const LARGE_FILE = 20 * 1024 * 1024;
const MEDIA_NAME = /\.(jpe?g|jfif|png|apng|heic|heif|avif|webp|gif|tiff?|dng|jxl|mp4|m4v|mov|qt|3gp|3g2)$/i;
const isMedia = (f) => /^(image|video)\//.test(f.type) || (!f.type && MEDIA_NAME.test(f.name));
const revealing = (r) => !!(r && (r.location || r.identity?.serial_numbers?.length || r.identity?.owner_names?.length || r.findings?.length));
/** What the media worker needs to check a file's words with the effective policy. */
const wordsPolicy = () => ({ policy: policy ? JSON.stringify(policy) : undefined, site });

/** A file the core could not check or clean: the English detail and the kind of problem. */
const failure = (file, err) => ({ file, error: (err && err.message) || String(err), kind: err && err.kind });

/**
 * Inspects the files, asks the user (or applies the policy), cleans what must be cleaned.
 * Resolves with {action: 'continue'|'cancel', files, changed}. A file is only ever replaced by a
 * cleaned copy, and passed on unchecked only when the user explicitly chooses so.
 */
async function settleUploads(files) {
  const settings = uploadSettings();
  const large = files.filter((f) => isMedia(f) && f.size >= LARGE_FILE);
  const done = large.length ? panel.notice(t('uploadChecking', [large.map((f) => f.name).join(', ')]), { timeout: 0, progress: true }) : null;
  let results;
  try {
    results = await Promise.all(files.map(async (file) => {
      if (!isMedia(file)) return { file };
      try {
        return { file, report: await media('inspect', { file, ...wordsPolicy() }) };
      } catch (err) {
        return failure(file, err);
      }
    }));
  } finally {
    if (done) done();
  }

  const problems = results.filter((r) => r.error);
  if (problems.length) {
    const choice = await uploadProblemDialog({ surface, live, t, items: problems, report: reportUpload });
    if (choice !== 'original') return { action: 'cancel', files: [], changed: false };
  }
  const risky = results.filter((r) => revealing(r.report));
  if (!risky.length) return { action: 'continue', files, changed: false };

  let mode = settings.strip_mode;
  if (settings.action !== 'strip') {
    const choice = await uploadDialog({ surface, live, t, items: risky, uploads: settings, report: reportUpload });
    if (choice.action === 'cancel') return { action: 'cancel', files: [], changed: false };
    if (choice.action === 'keep') return { action: 'continue', files, changed: false };
    if (choice.identity) mode = 'identifying';
  }

  const cleaned = new Map();
  const failed = [];
  const stays = []; // what the cleaned files still hold (the plan's residual), for the notice
  const stop = large.length ? panel.notice(t('uploadCleaning'), { timeout: 0, progress: true }) : null;
  try {
    for (const r of risky) {
      try {
        const plan = await media('strip', { file: r.file, mode });
        cleaned.set(r.file, applyPlan(r.file, plan));
        for (const line of plan.residual || []) stays.push(`${r.file.name}: ${line}`);
      } catch (err) {
        failed.push(failure(r.file, err));
      }
    }
  } finally {
    if (stop) stop();
  }
  if (failed.length) {
    const choice = await uploadProblemDialog({ surface, live, t, items: failed, report: reportUpload });
    if (choice !== 'original') return { action: 'cancel', files: [], changed: false };
  }
  if (settings.action === 'strip' && cleaned.size) {
    panel.notice(cleaned.size === 1 ? t('uploadStrippedOne', [[...cleaned.keys()][0].name]) : t('uploadStrippedMany', [String(cleaned.size)]));
  }
  // Whether the user chose or the policy stripped silently: what could not be removed is said.
  if (stays.length) panel.notice(t('uploadStrippedResidual', [stays.join('; ')]), { tone: 'warn', timeout: 15000 });
  return { action: 'continue', files: files.map((f) => cleaned.get(f) || f), changed: cleaned.size > 0 };
}

// One media worker per frame, started on the first upload.
let worker = null;
let mediaSeq = 0;
const mediaPending = new Map();
function media(type, payload) {
  if (!worker) {
    worker = new Worker(new URL('./media-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (ev) => {
      const p = mediaPending.get(ev.data.id);
      if (!p) return;
      mediaPending.delete(ev.data.id);
      if (ev.data.error) p.reject(Object.assign(new Error(ev.data.error), { kind: ev.data.kind }));
      else p.resolve(ev.data.result);
    };
    worker.onerror = (ev) => {
      ev.preventDefault?.();
      for (const p of mediaPending.values()) p.reject(new Error(t('uploadWorkerFailed')));
      mediaPending.clear();
      worker = null;
    };
  }
  const id = ++mediaSeq;
  return new Promise((resolve, reject) => {
    mediaPending.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...payload });
  });
}

// ---- The channel --------------------------------------------------------------------------------

function send(msg) {
  if (port) port.postMessage(msg);
}

async function onRequest(ev) {
  const msg = ev.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'account' && msg.id === undefined) return policyLoaded.then(() => accounts.observed(String(msg.site || ''), msg.observed));
  if (msg.id === undefined) return surface.onHostMessage(msg) || panel.onHostMessage(msg);
  const handler = Object.hasOwn(handlers, msg.type) && handlers[msg.type];
  try {
    if (!handler) throw new Error(`unknown request ${msg.type}`);
    const result = await handler(msg);
    send({ reply: msg.id, result });
  } catch (err) {
    send({ reply: msg.id, error: (err && err.message) || String(err) });
  }
}

async function accept(candidate, nonce) {
  const verdict = await api.runtime.sendMessage({ type: 'frame.verify', nonce }).catch(() => null);
  if (port || !verdict || !verdict.ok) {
    candidate.close();
    return;
  }
  port = candidate;
  try {
    await wasmReady;
  } catch (err) {
    const error = `the SafePost core failed to load: ${(err && err.message) || err}`;
    port.postMessage({ type: 'failed', error });
    return;
  }
  surface = new Surface(send);
  panel = new Panel({ send, surface, report: reportPost, i18n: t });
  panel.setLoading(!policyKnown);
  port.onmessage = onRequest;
  port.postMessage({ type: 'ready', version: coreVersion() });
  port.postMessage({ type: 'policy-state', known: policyKnown });
}

// Only the first verified connection from the framing window is accepted. A page script can post
// into this frame too, but it cannot register a nonce with the service worker.
addEventListener('message', (ev) => {
  const data = ev.data;
  if (port || ev.source !== parent || !data || data.safepost !== 'connect' || ev.ports.length !== 1) return;
  accept(ev.ports[0], String(data.nonce));
});
