// The frame's size and place on the page, shared by the panel and the dialogs, and whether the
// page lets the user really see it.
//
// The content script sizes the (closed-shadow-root) frame from `layout` messages: the panel asks
// for a small box anchored to the composer; a dialog asks for the whole viewport (`modal: true`),
// and the content script then gives the frame keyboard focus. While a dialog is open the panel's
// size requests are remembered and applied when the last dialog closes.
//
// A page can hide or cover the frame (clickjacking): while a dialog is open the content script
// re-asserts the host element's style and reports `host-state` (visible or not, and for how
// long); `seen()` combines that report with the frame's own IntersectionObserver v2 visibility
// where the browser has it (Chromium), so a dialog acts only on input it was really seen for.
export const QUIET_MS = 700; // a dialog must have been visible this long before input counts
const STATE_FRESH_MS = 400; // the content script reports every 50 ms; older means it stopped

export class Surface {
  constructor(send) {
    this.send = send;
    this.panelSize = { width: 0, height: 0 };
    this.modals = 0;
    this.host = { visible: false, visibleFor: 0, at: 0 };
  }

  /** Messages of the content script that are the surface's; true when handled. */
  onHostMessage(msg) {
    if (!msg || msg.type !== 'host-state') return false;
    this.host = { visible: msg.visible === true, visibleFor: Number(msg.visibleFor) || 0, why: String(msg.why || ''), at: performance.now() };
    return true;
  }

  /** True when the content script says the frame has been visible for `ms`, and said so just now. */
  hostSeen(ms = QUIET_MS) {
    const h = this.host;
    const age = performance.now() - h.at;
    return h.visible && age < STATE_FRESH_MS && h.visibleFor + age >= ms;
  }

  /** The content script's last report, for diagnostics: visible, for how long, how old. */
  hostReport() {
    const h = this.host;
    return `visible=${h.visible}${h.why ? ` (${h.why})` : ''} for=${h.visibleFor} age=${Math.round(performance.now() - h.at)}`;
  }

  /** Tells the content script where the dialog's buttons are (it checks what is hit there). */
  buttonsAt(nodes) {
    const points = [];
    for (const n of nodes) {
      const r = n.getBoundingClientRect();
      if (r.width && r.height) points.push({ x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) });
    }
    this.send({ type: 'dialog-buttons', points });
  }

  /** The panel's wanted size (0×0 hides the frame). */
  panel(width, height) {
    this.panelSize = { width, height };
    if (!this.modals) this.send({ type: 'layout', width, height });
  }

  openModal() {
    if (this.modals++ === 0) {
      document.documentElement.classList.add('modal');
      this.host = { visible: false, visibleFor: 0, at: 0 };
      this.send({ type: 'layout', width: 0, height: 0, modal: true });
    }
  }

  closeModal() {
    if (this.modals > 0 && --this.modals === 0) {
      document.documentElement.classList.remove('modal');
      this.send({ type: 'layout', ...this.panelSize });
    }
  }
}
