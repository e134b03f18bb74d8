// "Post anyway" decisions: when a user posts despite a warning, the core frame sends
// `gate.override` with the site, the user's justification and the findings. Each one is put on
// record for IT: a queue record of kind "override" (tickets/queue.js: saved before anything is
// sent, delivered exactly once to the desk or the audit endpoint, surviving restarts; the popup
// lists it with what was sent). This module also keeps the last 100 in storage.local
// `overrides` (`[{at, site, justification, findings: [{rule, severity, preview}]}]`, oldest
// first), the device's own log.
//
// Never the post itself: findings carry only the core's redacted previews (such as `4527 ****
// **** 1000`), and every field is cut to a bounded length. storage.local is out of content
// scripts' reach in Chromium (policy.js sets TRUSTED_CONTEXTS).
import { enqueue } from './tickets/queue.js';
import { readTicketConfig } from './tickets/config.js';
import { currentReporter } from './tickets/person.js';

const api = globalThis.browser ?? globalThis.chrome;
export const OVERRIDES_KEY = 'overrides';
export const KEEP = 100;

const str = (v, max) => String(v ?? '').slice(0, max);

function fromExtensionPage(sender) {
  return typeof sender?.url === 'string' && sender.url.startsWith(api.runtime.getURL(''));
}

/** The stored form of one override: only known fields, each bounded. */
export function overrideEntry(context, at = Date.now()) {
  const findings = Array.isArray(context?.findings) ? context.findings : [];
  return {
    at,
    site: str(context?.site, 253),
    justification: str(context?.justification, 500),
    // Posting as a company account (issue 17): the account named, or its status when unknown.
    ...(context?.account_status ? { account: context.account === null ? null : str(context.account, 120), account_status: str(context.account_status, 20) } : {}),
    findings: findings.slice(0, 50).map((f) => ({
      rule: str(f?.rule, 100), severity: str(f?.severity, 20), preview: str(f?.preview, 80),
    })),
  };
}

const RANK = { block: 3, warn: 2, info: 1 };

/**
 * The queue record of one override: the most severe finding names the rule, category and
 * severity; every finding goes as its rule, severity and redacted preview, never the match.
 */
export function overrideRecord(context, reporter, at = Date.now()) {
  const findings = Array.isArray(context?.findings) ? context.findings.slice(0, 50) : [];
  const clean = findings.map((f) => ({
    rule: str(f?.rule, 100), category: str(f?.category, 40), severity: str(f?.severity, 20), preview: str(f?.preview, 80),
  }));
  const top = clean.slice().sort((a, b) => (RANK[b.severity] || 0) - (RANK[a.severity] || 0))[0] || {};
  return {
    id: crypto.randomUUID(),
    kind: 'override',
    createdAt: at,
    updatedAt: at,
    state: 'new',
    attempts: 0,
    reporter: reporter && reporter.email ? reporter : null,
    override: {
      at,
      site: str(context?.site, 253),
      rule: top.rule || '',
      category: top.category || '',
      severity: top.severity || '',
      reason: str(context?.justification, 500),
      findings: clean,
    },
  };
}

// One write at a time, so two quick overrides do not overwrite each other.
let writing = Promise.resolve();
function record(entry) {
  const run = writing.then(async () => {
    const list = (await api.storage.local.get(OVERRIDES_KEY))[OVERRIDES_KEY];
    const next = [...(Array.isArray(list) ? list : []), entry].slice(-KEEP);
    await api.storage.local.set({ [OVERRIDES_KEY]: next });
    return next.length;
  });
  writing = run.catch(() => {});
  return run;
}

export const overrideHandlers = {
  /** Sent by the core frame (an extension page) when the user chose "Post anyway". */
  async 'gate.override'(msg, sender) {
    if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed' };
    if (!msg.context || typeof msg.context !== 'object') return { ok: false, error: 'context must be an object' };
    const at = Date.now();
    const reporter = await currentReporter((await readTicketConfig(api)).settings || {});
    // On record for IT first (saved before any attempt to send), then the device's log.
    const saved = await enqueue(overrideRecord(msg.context, reporter, at));
    const count = await record(overrideEntry(msg.context, at));
    return { ok: true, count, id: saved.id };
  },
  /** The recorded overrides, newest first (extension pages only). */
  async 'overrides.list'(msg, sender) {
    if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed' };
    const list = (await api.storage.local.get(OVERRIDES_KEY))[OVERRIDES_KEY];
    return { ok: true, overrides: (Array.isArray(list) ? list : []).slice().reverse() };
  },
};
