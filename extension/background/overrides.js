// "Post anyway" decisions: when a user posts despite a blocking finding, the core frame sends
// `gate.override` with the site, the user's justification and the findings. This module keeps the
// last 100 in storage.local `overrides` (`[{at, site, justification, findings: [{rule, severity,
// preview}]}]`, oldest first) so IT or the user can see why protection was bypassed.
//
// Never the post itself: findings carry only the core's redacted previews (such as `4527 ****
// **** 1000`), and every field is cut to a bounded length. storage.local is out of content
// scripts' reach in Chromium (policy.js sets TRUSTED_CONTEXTS).
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
    const count = await record(overrideEntry(msg.context));
    return { ok: true, count };
  },
  /** The recorded overrides, newest first (extension pages only). */
  async 'overrides.list'(msg, sender) {
    if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed' };
    const list = (await api.storage.local.get(OVERRIDES_KEY))[OVERRIDES_KEY];
    return { ok: true, overrides: (Array.isArray(list) ? list : []).slice().reverse() };
  },
};
