// A modal dialog in the extension frame: the base every SafePost dialog is built on.
//
// Keyboard operable (Tab stays inside, Escape dismisses, the default button has focus on open),
// announced to screen readers (role=dialog or alertdialog, aria-modal, labelled and described,
// plus a polite live-region message), drawn over a backdrop that covers the page. Dialogs open one
// at a time, in the order they were asked for. The page's focus is returned by the content
// script that asked, once the answer is back.
//
// A page may hide the frame or cover it with decoys (clickjacking), so a press on a button counts
// only when the dialog is armed: it has been really visible for a quiet period (Surface.seen: the
// content script's report, and IntersectionObserver v2 `isVisible` where the browser has it), and
// nothing moved in that time. Each accepted press disarms it again for the same period, so a
// double click on a decoy never reveals and confirms "Post anyway" at once. Escape (which only
// ever goes back) always works. `data-armed` on the dialog says it listens.
import { el } from './panel.js';
import { QUIET_MS } from './surface.js';

let queue = Promise.resolve();

/**
 * Opens a dialog; resolves with what `onAction` returns for the chosen action (an action whose
 * handler returns `undefined` keeps the dialog open, e.g. to reveal a justification field).
 * `content`: nodes for the body. `actions`: [{id, label, kind: 'primary'|'secondary'|'danger'}].
 * `dismiss`: the result for Escape.
 */
export function openDialog(opts) {
  const run = queue.then(() => show(opts));
  queue = run.catch(() => {});
  return run;
}

let seq = 0;
function show({ surface, live, title, intro, content = [], actions, dismiss, onAction, role = 'dialog', initial, tone = 'info' }) {
  return new Promise((resolve) => {
    const id = `dlg-${++seq}`;
    const buttons = new Map();
    const actionRow = el('div', { class: 'dialog-actions' });
    for (const a of actions) {
      const b = el('button', { type: 'button', class: `btn ${a.kind || 'secondary'}`, 'data-action': a.id }, a.label);
      buttons.set(a.id, b);
      actionRow.append(b);
    }
    const box = el('div', { class: `dialog tone-${tone}`, role, 'aria-modal': 'true', 'aria-labelledby': `${id}-title`,
      'aria-describedby': `${id}-intro`, id },
      el('h2', { id: `${id}-title`, class: 'dialog-title' }, title),
      el('p', { id: `${id}-intro`, class: 'dialog-intro' }, intro || ''),
      ...content, actionRow);
    const backdrop = el('div', { class: 'backdrop' }, box);
    document.body.append(backdrop);
    surface.openModal();

    // ---- Armed only while really seen (see the file comment).
    let quietFrom = performance.now(); // opened, moved, or last press
    const restart = () => { quietFrom = performance.now(); box.removeAttribute('data-armed'); };
    const trackable = typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;
    let seenSince = 0; // IntersectionObserver v2: visible (unoccluded, untransformed, opaque) since
    let ioEntries = 0;
    let ioLast = 0; // when the observer last reported
    const io = trackable ? new IntersectionObserver((entries) => {
      ioLast = performance.now();
      for (const e of entries) {
        ioEntries++;
        if (!e.isVisible) { seenSince = 0; restart(); } else if (!seenSince) seenSince = performance.now();
      }
    }, { trackVisibility: true, delay: 100 }) : null;
    io?.observe(box);
    // Chromium reports a change of visibility alone only sometimes: while the dialog is not yet seen,
    // observing it afresh makes the observer report its current state.
    const reobserve = () => {
      if (!io || seenSince || performance.now() - ioLast < 300) return;
      ioLast = performance.now();
      io.unobserve(box);
      io.observe(box);
    };
    const armed = () => {
      const now = performance.now();
      return now - quietFrom >= QUIET_MS && surface.hostSeen(QUIET_MS) && (!trackable || (seenSince && now - seenSince >= QUIET_MS));
    };
    const tellButtons = () => surface.buttonsAt([...buttons.values()]);
    let lastRect = '';
    let moves = 0; // how often the dialog moved or resized (diagnostics)
    const watchMoves = setInterval(() => {
      const r = box.getBoundingClientRect();
      const rect = `${Math.round(r.left)},${Math.round(r.top)},${Math.round(r.width)},${Math.round(r.height)},${innerWidth},${innerHeight}`;
      if (rect !== lastRect) { lastRect = rect; moves++; restart(); tellButtons(); }
      if (!surface.hostSeen(0)) restart();
      reobserve();
      if (armed()) box.setAttribute('data-armed', ''); else box.removeAttribute('data-armed');
      box.dataset.waiting = waitingFor(); // what the dialog still waits for (read by tests on a timeout)
    }, 50);
    const waitingFor = () => {
      const now = performance.now();
      if (!surface.hostSeen(QUIET_MS)) return `host ${surface.hostReport()}`;
      if (now - quietFrom < QUIET_MS) return `quiet (moved ${moves} times, now ${lastRect})`;
      if (trackable && !(seenSince && now - seenSince >= QUIET_MS)) return `unoccluded (${ioEntries} reports)`;
      return '';
    };

    // When the content script hands the frame the keyboard, the focus lands in the dialog.
    const refocus = () => { if (!box.contains(document.activeElement)) (buttons.get(initial) || focusables()[0])?.focus(); };
    window.addEventListener('focus', refocus);
    const close = (result) => {
      clearInterval(watchMoves);
      io?.disconnect();
      backdrop.remove();
      window.removeEventListener('focus', refocus);
      document.removeEventListener('keydown', onKey, true);
      surface.closeModal();
      resolve(result);
    };
    const handle = async (actionId) => {
      const result = await onAction(actionId, { box, buttons, close });
      if (result !== undefined) close(result);
    };
    actionRow.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-action]');
      if (!b || b.disabled) return;
      // Not seen long enough (hidden, covered, just opened or moved): the press does nothing.
      if (!armed()) { restart(); return; }
      restart();
      handle(b.dataset.action);
    });
    const focusables = () => [...box.querySelectorAll('button, a[href], input, textarea, select, [tabindex="0"]')]
      .filter((n) => !n.disabled && !n.hidden && n.offsetParent !== null);
    function onKey(ev) {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        close(dismiss);
      } else if (ev.key === 'Tab') {
        const list = focusables();
        if (!list.length) return;
        const first = list[0], last = list[list.length - 1];
        if (ev.shiftKey && document.activeElement === first) { ev.preventDefault(); last.focus(); }
        else if (!ev.shiftKey && document.activeElement === last) { ev.preventDefault(); first.focus(); }
        else if (!box.contains(document.activeElement)) { ev.preventDefault(); first.focus(); }
      }
    }
    document.addEventListener('keydown', onKey, true);
    if (live) live.textContent = `${title}. ${intro || ''}`;
    const start = buttons.get(initial) || focusables()[0];
    if (start) start.focus();
    // The frame is resized and given the keyboard by the content script a moment later; make sure
    // the focus is on the default button once that has happened.
    requestAnimationFrame(refocus);
    setTimeout(refocus, 150);
  });
}
