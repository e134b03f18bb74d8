// Who is reporting: every ticket and every "Post anyway" record names the employee, so IT can
// answer them and the desk files the ticket for them (RT Requestor, ServiceNow caller_id, JSM
// raiseOnBehalfOf, Zendesk requester), not for a shared integration account.
//
// Where the name comes from, first found wins:
//   1. the browser profile (Chromium `identity.getProfileUserInfo`, only once the user granted the
//      optional `identity.email` permission; on managed Chromebooks and signed-in work profiles
//      this is the company account);
//   2. the policy value IT sets per user or machine (`tickets.reporter_email`, `reporter_name`);
//   3. what the employee typed once in the report form (storage.local `reporter`).
// `{email, name, source}`; `email` is '' when nobody is known yet (the form then asks).
const api = globalThis.browser ?? globalThis.chrome;
export const REPORTER_KEY = 'reporter';
export const IDENTITY_PERMISSIONS = ['identity', 'identity.email'];

const MAX = 254;

/** A plausible e-mail address (one @, a dot in the domain, no spaces), or ''. */
export function cleanEmail(v) {
  const s = typeof v === 'string' ? v.trim().slice(0, MAX) : '';
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) ? s : '';
}

const cleanName = (v) => (typeof v === 'string' ? v.trim().slice(0, 200) : '');

async function fromBrowser() {
  if (!api.identity || typeof api.identity.getProfileUserInfo !== 'function' || !api.permissions) return null;
  const granted = await api.permissions.contains({ permissions: IDENTITY_PERMISSIONS }).catch(() => false);
  if (!granted) return null;
  const info = await api.identity.getProfileUserInfo({ accountStatus: 'ANY' }).catch(() => null);
  const email = cleanEmail(info && info.email);
  return email ? { email, name: '', source: 'browser' } : null;
}

function fromPolicy(settings) {
  const email = cleanEmail(settings && settings.reporter_email);
  return email ? { email, name: cleanName(settings.reporter_name), source: 'policy' } : null;
}

async function fromForm() {
  const saved = (await api.storage.local.get(REPORTER_KEY))[REPORTER_KEY];
  const email = cleanEmail(saved && saved.email);
  return email ? { email, name: cleanName(saved.name), source: 'form' } : null;
}

/** The employee, or `{email: '', name: '', source: ''}` when nobody is known yet. */
export async function currentReporter(settings) {
  return (await fromBrowser()) || fromPolicy(settings) || (await fromForm()) || { email: '', name: '', source: '' };
}

/** Remembers what the employee typed in the form; a bad address is refused with a reason. */
export async function rememberReporter({ email, name } = {}) {
  const clean = cleanEmail(email);
  if (!clean) return { ok: false, error: 'not an e-mail address' };
  await api.storage.local.set({ [REPORTER_KEY]: { email: clean, name: cleanName(name), at: Date.now() } });
  return { ok: true, reporter: { email: clean, name: cleanName(name), source: 'form' } };
}
