// The submit gate's dialog: shown when the user posts text with `block` findings (or `warn`
// findings not yet confirmed). Choices: Edit (default), Report to IT, and, when the policy allows
// it, "Post anyway" with a short justification (required unless the policy says otherwise).
// Resolves with {action: 'edit'|'post', justification}.
import { el, messageOf } from './panel.js';
import { openDialog } from './dialog.js';
import { accountNote, gateAccountLine } from './account-marker.js';

export function gateDialog({ surface, live, t, findings, site, submit, report, account = null }) {
  const blocking = findings.some((f) => f.severity === 'block');
  const allowAnyway = !blocking || submit.allow_post_anyway;
  const needReason = blocking && submit.require_justification;

  const list = el('ul', { class: 'dialog-findings' });
  for (const f of findings) {
    list.append(el('li', { class: `finding sev-${f.severity}`, 'data-rule': f.rule },
      el('span', { class: 'severity' }, t(`severity_${f.severity}`)),
      el('p', { class: 'message' }, messageOf(f, t)),
      // Each part is its own block, so the preview and the policy link never run together
      // ("Project FalconRead the policy"), with or without the stylesheet.
      el('p', { class: 'finding-preview' }, el('code', { class: 'preview' }, f.preview)), accountNote(f, t),
      f.link ? el('p', { class: 'finding-policy' },
        el('a', { class: 'policy-link', href: f.link, target: '_blank', rel: 'noopener noreferrer' }, t('panelPolicyLink'))) : null));
  }
  const reason = el('textarea', { id: 'justification', rows: '3', maxlength: '500' });
  const reasonBox = el('div', { class: 'justification', hidden: '' },
    el('label', { for: 'justification' }, t(needReason ? 'gateJustificationRequired' : 'gateJustificationOptional')), reason);

  const actions = [{ id: 'edit', label: t('gateEdit'), kind: 'primary' }, { id: 'report', label: t('liveReportToIt') }];
  if (allowAnyway) actions.push({ id: 'post', label: t(blocking ? 'gatePostAnyway' : 'gatePost'), kind: blocking ? 'danger' : 'secondary' });

  return openDialog({
    surface, live, role: 'alertdialog', tone: blocking ? 'block' : 'warn', initial: 'edit', dismiss: { action: 'edit' },
    title: t(blocking ? 'gateBlockTitle' : 'gateWarnTitle'),
    intro: t(blocking ? (allowAnyway ? 'gateBlockIntro' : 'gateBlockIntroNoOverride') : 'gateWarnIntro'),
    content: [gateAccountLine(account, t), list, reasonBox].filter(Boolean),
    actions,
    onAction(id, { buttons }) {
      if (id === 'edit') return { action: 'edit' };
      if (id === 'report') { report(findings); return undefined; }
      if (id !== 'post') return undefined;
      if (!blocking) return { action: 'post' };
      if (reasonBox.hidden) {
        // First press reveals the justification; the second press posts.
        reasonBox.hidden = false;
        buttons.get('post').textContent = t('gateConfirmPostAnyway');
        reason.focus();
        return undefined;
      }
      const justification = reason.value.trim();
      if (needReason && !justification) {
        reason.setAttribute('aria-invalid', 'true');
        live.textContent = t('gateJustificationRequired');
        reason.focus();
        return undefined;
      }
      return { action: 'post', justification };
    },
  });
}
