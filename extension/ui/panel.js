// The findings panel: SafePost's compact writing-assistant UI next to the composer.
//
// Drawn inside the core page (an extension frame), so the site can neither read nor forge it.
// Collapsed, it is a pill with the finding count in the colour of the worst severity; expanded,
// a list of findings with their message, redacted preview and policy link. It tells the content
// script how big it wants to be with `layout` messages, and announces changes to screen readers.

const SEVERITY_ORDER = { info: 0, warn: 1, block: 2 };
const COLLAPSED = { width: 190, height: 40 };
const EXPANDED_WIDTH = 360;
const EXPANDED_MAX_HEIGHT = 420;

export class Panel {
  constructor({ send, i18n }) {
    this.send = send;
    this.t = (key, subs) => i18n(key, subs) || key;
    this.root = document.getElementById('panel');
    this.live = document.getElementById('live');
    this.findings = [];
    this.expanded = false;
    this.lastAnnounced = null;
  }

  /** Messages from the content script that are not requests. */
  onHostMessage(msg) {
    if (msg.type === 'hide') this.hide();
  }

  showFindings(findings) {
    this.findings = Array.isArray(findings) ? findings : [];
    if (this.findings.length === 0) this.expanded = false;
    this.render();
    this.announce();
  }

  hide() {
    this.root.hidden = true;
    this.send({ type: 'layout', width: 0, height: 0 });
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
    if (n === 0) return this.t('panelNoFindings');
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
    const severity = this.worstSeverity() || 'ok';
    this.root.hidden = false;
    this.root.className = `panel sev-${severity}${this.expanded ? ' expanded' : ''}`;
    this.root.replaceChildren();

    const pill = el('button', { id: 'count', class: 'pill', type: 'button', 'aria-expanded': String(this.expanded),
      'data-count': String(this.findings.length), 'data-severity': severity },
      el('span', { class: 'shield', 'aria-hidden': 'true' }), el('span', { class: 'label' }, this.countLabel()));
    pill.disabled = this.findings.length === 0;
    pill.addEventListener('click', () => { this.expanded = !this.expanded; this.render(); });
    this.root.append(pill);

    if (this.expanded) {
      const list = el('ul', { class: 'findings', 'aria-label': this.t('panelListLabel') });
      for (const f of this.findings) list.append(this.findingItem(f));
      this.root.append(list);
    }
    this.layout();
  }

  findingItem(f) {
    const item = el('li', { class: `finding sev-${f.severity}`, 'data-rule': f.rule },
      el('span', { class: 'severity' }, this.t(`severity_${f.severity}`)),
      el('p', { class: 'message' }, f.message),
      el('code', { class: 'preview' }, f.preview));
    if (f.link) {
      item.append(el('a', { class: 'policy-link', href: f.link, target: '_blank', rel: 'noopener noreferrer' },
        this.t('panelPolicyLink')));
    }
    return item;
  }

  layout() {
    if (!this.expanded) {
      this.send({ type: 'layout', ...COLLAPSED });
      return;
    }
    const height = Math.min(EXPANDED_MAX_HEIGHT, Math.ceil(this.root.scrollHeight) + 8);
    this.send({ type: 'layout', width: EXPANDED_WIDTH, height });
  }
}

/** Builds an element with attributes and text/element children (no innerHTML anywhere). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}
