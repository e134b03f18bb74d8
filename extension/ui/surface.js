// The frame's size and place on the page, shared by the panel and the dialogs.
//
// The content script sizes the (closed-shadow-root) frame from `layout` messages: the panel asks
// for a small box anchored to the composer; a dialog asks for the whole viewport (`modal: true`),
// and the content script then gives the frame keyboard focus. While a dialog is open the panel's
// size requests are remembered and applied when the last dialog closes.
export class Surface {
  constructor(send) {
    this.send = send;
    this.panelSize = { width: 0, height: 0 };
    this.modals = 0;
  }

  /** The panel's wanted size (0×0 hides the frame). */
  panel(width, height) {
    this.panelSize = { width, height };
    if (!this.modals) this.send({ type: 'layout', width, height });
  }

  openModal() {
    if (this.modals++ === 0) {
      document.documentElement.classList.add('modal');
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
