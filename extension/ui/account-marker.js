// What the employee sees of the company-account layer, drawn in the extension frame (the page
// can neither read nor forge it): the persistent marker by the composer ("Posting as Contoso —
// company account"), the note on findings that apply because of the account, and the line of
// the gate dialog that names the account.
import { el } from './panel.js';

/** The marker for an account state (`{status, account, company_rules}`), or null for none. */
export function accountMarker(state, t) {
  if (!state || state.status === 'personal') return null;
  let text;
  if (state.status === 'company') text = t('accountMarkerCompany', [state.account]);
  else text = t(state.company_rules ? 'accountMarkerUnknownStrict' : 'accountMarkerUnknown');
  return el('div', { id: 'account-marker', class: `account-marker ${state.status}`, role: 'note', title: text,
    'data-status': state.status, 'data-account': state.account ?? '' },
  el('span', { class: 'account-badge', 'aria-hidden': 'true' }), el('span', { class: 'account-text' }, text));
}

/** "Applies because you are posting as Contoso", for a finding of the company layer. */
export function accountNote(f, t) {
  if (!f || !f.because_account) return null;
  const text = f.account ? t('accountBecause', [f.account]) : t('accountBecauseUnknown');
  return el('p', { class: 'because-account' }, text);
}

/** The gate dialog's line naming the account, or null. */
export function gateAccountLine(account, t) {
  if (!account) return null;
  const text = account.account ? t('accountGate', [account.account]) : t('accountGateUnknown');
  return el('p', { id: 'gate-account', class: 'gate-account', 'data-account': account.account ?? '' }, text);
}
