// The findings panel: SafePost's compact writing-assistant UI next to the composer.
//
// Drawn inside the core page (an extension frame), so the site can neither read nor forge it.
// Collapsed, it is a pill with the finding count in the colour of the worst severity; expanded,
// a list of findings with their message, redacted preview, policy link and a "Show" button that
// selects the span in the composer. Short notices (a photo cleaned by policy, a large video being
// checked) appear above it. It tells the content script how big it wants to be through the
// Surface, and announces changes to screen readers. Nothing is shown for an empty composer.

import { accountMarker, accountNote } from './account-marker.js';

const SEVERITY_ORDER = { info: 0, warn: 1, block: 2 };
const COLLAPSED = { width: 190, height: 40 };
const EXPANDED_WIDTH = 360;
const EXPANDED_MAX_HEIGHT = 420;
const NOTICE_WIDTH = 330;
// The marker sits on the pill's line, inside the composer's corner like a notice, so it never
// covers the site's own buttons.
const MARKER_WIDTH = 306;

export class Panel {
  constructor({ send, surface, i18n, report }) {
    this.send = send;
    this.surface = surface;
    this.report = report;
    this.t = (key, subs) => i18n(key, subs) || key;
    this.root = document.getElementById('panel');
    this.live = document.getElementById('live');
    this.findings = [];
    this.visible = false; // a composer with text is being checked
    this.expanded = false;
    this.notices = [];
    this.lastAnnounced = null;
    this.loading = false; // the company rules are not known yet: never say "No issues found"
    this.account = null; // the company-account state (account-marker.js draws it)
    // Escape folds the open list, and the focus goes back to the pill.
    this.root.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.expanded) {
        this.expanded = false;
        this.render();
        document.getElementById('count')?.focus();
      }
    });
  }

  /** Messages from the content script that are not requests. */
  onHostMessage(msg) {
    if (msg.type === 'hide') this.hide();
  }

  /** The findings of the focused composer; `empty` hides the panel (nothing typed yet). */
  showFindings(findings, { empty = false } = {}) {
    this.findings = Array.isArray(findings) ? findings : [];
    this.visible = !empty;
    if (this.findings.length === 0) this.expanded = false;
    this.render();
    if (this.visible) this.announce();
  }

  /** While the company's policy loads, the pill says so instead of a count. */
  setLoading(loading) {
    if (this.loading === !!loading) return;
    this.loading = !!loading;
    this.render();
    if (this.visible) this.announce();
  }

  /** The account posting (`{status, account, company_rules}` or null); the marker follows it. */
  setAccount(state) {
    this.account = state;
    const marker = accountMarker(state, this.t);
    if (marker) this.live.textContent = marker.textContent;
    this.render();
  }

  hide() {
    this.visible = false;
    this.render();
  }

  /** Shows a short notice; returns a function that removes it. `timeout` 0 keeps it until removed. */
  notice(text, { timeout = 6000, progress = false, tone = 'info' } = {}) {
    const item = { text, progress, tone };
    this.notices.push(item);
    this.live.textContent = text;
    this.render();
    const remove = () => {
      const i = this.notices.indexOf(item);
      if (i >= 0) { this.notices.splice(i, 1); this.render(); }
    };
    if (timeout) setTimeout(remove, timeout);
    return remove;
  }

  worstSeverity() {
    let worst = null;
    for (const f of this.findings) {
      if (worst === null || SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[worst]) worst = f.severity;
    }
    return worst;
  }

  countLabel() {
    const n = this.findings.length;
    if (n === 0) return this.t(this.loading ? 'gatePolicyLoading' : 'panelNoFindings');
    return n === 1 ? this.t('panelOneFinding') : this.t('panelManyFindings', [String(n)]);
  }

  announce() {
    const label = this.countLabel();
    if (label !== this.lastAnnounced) {
      this.lastAnnounced = label;
      this.live.textContent = `SafePost: ${label}`;
    }
  }

  render() {
    const severity = this.worstSeverity() || (this.loading ? 'loading' : 'ok');
    const showPill = this.visible;
    const marker = accountMarker(this.account, this.t);
    if (!showPill && this.notices.length === 0 && !marker) {
      this.root.hidden = true;
      this.root.replaceChildren();
      this.surface.panel(0, 0);
      return;
    }
    this.root.hidden = false;
    // A notice sits on one line beside the pill, inside the composer's corner, so it never covers
    // the site's own buttons; while the list is open it is only announced.
    const notice = !this.expanded && this.notices.length ? this.notices[this.notices.length - 1] : null;
    this.root.className = `panel sev-${severity}${this.expanded ? ' expanded' : ''}${notice ? ' with-notice' : ''}${marker && !this.expanded ? ' with-account' : ''}`;
    const hadFocus = this.root.contains(document.activeElement) ? document.activeElement.id : null;
    this.root.replaceChildren();

    if (showPill) {
      const pill = el('button', { id: 'count', class: 'pill', type: 'button', 'aria-expanded': String(this.expanded),
        'aria-controls': 'findings', 'data-count': String(this.findings.length), 'data-severity': severity,
        'data-loading': String(this.loading) },
        el('span', { class: 'shield', 'aria-hidden': 'true' }), el('span', { class: 'label' }, this.countLabel()));
      pill.disabled = this.findings.length === 0;
      pill.addEventListener('click', () => { this.expanded = !this.expanded; this.render(); });
      this.root.append(pill);
      if (this.expanded) {
        const list = el('ul', { id: 'findings', class: 'findings', 'aria-label': this.t('panelListLabel') });
        this.findings.forEach((f, i) => list.append(this.findingItem(f, i)));
        const report = el('button', { type: 'button', class: 'btn link report', id: 'panel-report' }, this.t('liveReportToIt'));
        report.addEventListener('click', () => this.report(this.findings));
        list.append(el('li', { class: 'panel-footer' }, report));
        this.root.append(list);
      }
    }
    if (notice) {
      const box = el('div', { class: `notice tone-${notice.tone}`, title: notice.text }, el('span', { class: 'notice-text' }, notice.text));
      if (notice.progress) box.append(el('progress', { 'aria-label': notice.text }));
      this.root.append(box);
    }
    if (marker) this.root.append(marker);
    if (hadFocus) document.getElementById(hadFocus)?.focus();
    this.layout();
  }

  findingItem(f, i) {
    // The core's confidence (low / medium / high) rides along for styling and tests.
    const item = el('li', { class: `finding sev-${f.severity}`, 'data-rule': f.rule, 'data-confidence': f.confidence ?? '' },
      el('span', { class: 'severity' }, this.t(`severity_${f.severity}`)),
      el('p', { class: 'message' }, messageOf(f, this.t)),
      el('code', { class: 'preview' }, f.preview), accountNote(f, this.t));
    const row = el('div', { class: 'finding-actions' });
    const jump = el('button', { type: 'button', class: 'btn link jump', id: `jump-${i}` }, this.t('liveJumpTo'));
    jump.addEventListener('click', () => {
      // The user goes back to the post: fold the list so it covers nothing of the site.
      this.expanded = false;
      this.render();
      this.send({ type: 'jump', finding: { start_utf16: f.start_utf16, end_utf16: f.end_utf16 } });
    });
    row.append(jump);
    if (f.link) {
      row.append(el('a', { class: 'policy-link', href: f.link, target: '_blank', rel: 'noopener noreferrer' },
        this.t('panelPolicyLink')));
    }
    item.append(row);
    return item;
  }

  layout() {
    const marker = accountMarker(this.account, this.t) ? MARKER_WIDTH : 0;
    if (!this.expanded) {
      const notice = this.notices.length ? NOTICE_WIDTH : 0;
      this.surface.panel((this.visible ? COLLAPSED.width : 0) + notice + marker || COLLAPSED.width, COLLAPSED.height);
      return;
    }
    const height = Math.min(EXPANDED_MAX_HEIGHT, Math.ceil(this.root.scrollHeight) + 8);
    this.surface.panel(EXPANDED_WIDTH, Math.max(height, COLLAPSED.height));
  }
}

/**
 * The string `key` of the user's locale, or '' when there is none (`t` answers the key itself
 * for a missing string).
 */
export function localized(t, key, subs = []) {
  const text = t(key, subs);
  return text && text !== key ? text : '';
}

/**
 * A finding's message in the user's language when it is one SafePost ships (`message_key`, strings
 * `finding_<key>` in _locales); a message IT wrote is shown as IT wrote it.
 */
export function messageOf(f, t) {
  if (!f.message_key) return f.message;
  return localized(t, `finding_${f.message_key}`, Array.isArray(f.message_args) ? f.message_args : []) || f.message;
}

/** Builds an element with attributes and text/element children (no innerHTML anywhere). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}
