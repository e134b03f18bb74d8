// SafePost content script: the submit gate.
//
// When the user posts and a composer of that post has `block` findings (or `warn` findings not yet
// confirmed), the post is stopped before any page listener sees it and the core frame shows the
// dialog (Edit, Report to IT, and "Post anyway" with a justification when the policy allows it).
// When the user goes ahead, the same action is replayed once so the site posts as it would have;
// the text is never touched.
//
// What counts as a post attempt is decided from structure, never from labels:
// - a control: any button-like element (`button`, `input[type=submit|button|image]`,
//   `[role=button]`, also inside the site's closed shadow roots) that is not a toggle, a menu
//   opener, part of a toolbar or menu, or inside the editor itself; activated by mouse, pen or
//   touch (from `pointerdown` on, as some sites post on pointerdown), by Enter or Space (keydown
//   and keyup), or by a click with no pointer;
// - Enter in a composer: Ctrl/Cmd+Enter always; plain Enter when the composer's findings stop a
//   post (or the policy is not known yet), and for text not yet checked only where Enter was seen
//   to send; never where Enter was seen to make a new line, never Shift+Enter, never during IME
//   composition;
// - a form's submit event that the user caused (trusted, during user activation).
// A control belongs to the composers it sits with: those of its form, else those of its nearest
// container that holds any composer (its card, its dialog, the page). Every composer in reach is
// checked by its current text at the attempt, also one the site filled in itself and the user
// never focused; when a control is ambiguous, every composer in reach that would stop a post does.
//
// Untrusted events (`isTrusted: false`: the page's own dispatchEvent, `el.click()`) are never
// gated: treating them all alike means the page cannot ask the gate which words are confidential.
// Page-initiated posts (script clicks, `form.submit()`, `fetch`) are the network backstop's.
//
// Until the company policy is known (the core frame says `policy-state`), every attempt with text
// waits for it (at most 5 s), then is checked with what is known, and the user is told so.
//
// Listeners are registered on `window` in the capture phase at document_start, so they run before
// the page's own. With clean, already-checked text the site's event goes through untouched; a
// control the pointer rests on has its composers checked ahead (`pointerover`, `focusin`).
(() => {
  'use strict';
  if (globalThis.SafePostGate) return;
  const api = globalThis.browser ?? globalThis.chrome;
  const core = globalThis.SafePostCore;
  const composers = globalThis.SafePostComposer;

  const CONTROL = 'button, input[type="submit"], input[type="button"], input[type="image"], [role="button"]';
  /** Containers whose buttons pick, format or navigate: never a post. */
  const NOT_POSTING_CONTAINER = '[role="toolbar"], [role="menu"], [role="menubar"], [role="listbox"], [role="tablist"], [role="tree"], [role="grid"]';
  const COMPOSER_LIKE = 'textarea, input, [contenteditable]:not([contenteditable="false"])';
  const GESTURE_MS = 5000;
  const POLICY_WAIT_MS = 5000;

  let replaying = 0; // > 0 while SafePost replays an action the user confirmed (or that was clean)
  let queue = Promise.resolve(); // the held attempts, decided one after the other
  let policyKnown = false; // from the core frame; false until it says so
  let policyEpoch = 0; // bumped on every policy change: checks made before it are stale
  const confirmed = new WeakMap(); // composer -> key of the text and findings the user chose to post
  const checked = new WeakMap(); // composer -> {text, epoch, findings, pending} of the gate's own checks
  const newlineComposers = new WeakSet(); // composers where a plain Enter makes a new line
  const sendOnEnter = new WeakSet(); // composers a plain Enter was seen to send
  let gesture = null; // the pointer gesture in progress: {held, control, reach, x, y, at}
  let keyHeld = null; // {key, target} while a held keydown's keyup is still to come
  let lastKey = null; // {composer, plain} of the last trusted Enter keydown (to learn newline composers)

  core.onMessage((msg) => {
    if (msg.type === 'policy-state') policyKnown = !!msg.known;
    if (msg.type === 'policy-changed') policyEpoch++;
  });

  function replay(fn) {
    replaying++;
    try { return fn(); } finally { replaying--; }
  }

  // ---- Structure ------------------------------------------------------------------------------

  /** The element's shadow root, open or closed (closed ones through the extension-only APIs). */
  function shadowOf(el) {
    if (el.shadowRoot) return el.shadowRoot;
    try {
      if (api && api.dom && typeof api.dom.openOrClosedShadowRoot === 'function') return api.dom.openOrClosedShadowRoot(el) || null;
    } catch { /* not a host */ }
    try { return el.openOrClosedShadowRoot || null; } catch { return null; }
  }

  /**
   * The element an event really reached. `composedPath()` stops at the host of a closed shadow
   * root (the page's own web components): look inside it at the pointer, or at its focus.
   */
  function realTarget(ev) {
    let el = ev.composedPath()[0];
    const point = typeof ev.clientX === 'number' ? [ev.clientX, ev.clientY] : null;
    for (let depth = 0; el && el.nodeType === 1 && depth < 8; depth++) {
      const root = !el.shadowRoot && shadowOf(el);
      if (!root) break;
      const inner = point ? root.elementFromPoint(point[0], point[1]) : root.activeElement;
      if (!inner || inner === el) break;
      el = inner;
    }
    return el && el.nodeType === 1 ? el : null;
  }

  /** The parent of a node, crossing from a shadow root to its host. */
  function up(node) {
    if (node.parentElement) return node.parentElement;
    const p = node.parentNode;
    return p && p.nodeType === 11 && p.host ? p.host : null;
  }

  /** `el.closest(selector)` across shadow boundaries. */
  function closestDeep(el, selector) {
    for (let n = el; n; n = up(n)) if (n.nodeType === 1 && n.matches(selector)) return n;
    return null;
  }

  /** The button-like control an element belongs to, or null when it is none or cannot post. */
  function controlOf(el) {
    if (!el || el.nodeType !== 1) return null;
    const ctl = el.closest(CONTROL) || (el.getRootNode().host && closestDeep(el, CONTROL));
    if (!ctl) return null;
    if (ctl.disabled || ctl.getAttribute('aria-disabled') === 'true') return null;
    if (ctl.localName === 'input' && ctl.type === 'file') return null;
    // Toggles (bold, emoji, "more") and menu openers change the composer or open something.
    if (ctl.hasAttribute('aria-pressed') || ctl.hasAttribute('aria-expanded')) return null;
    const popup = ctl.getAttribute('aria-haspopup');
    if (popup && popup !== 'false') return null;
    if (closestDeep(ctl, NOT_POSTING_CONTAINER)) return null;
    if (ctl.isContentEditable) return null; // a widget inside the editor
    return ctl;
  }

  /** Every composer on the page, in open and closed shadow roots too. */
  function allComposers() {
    const found = new Set();
    const visit = (root) => {
      for (const el of root.querySelectorAll(COMPOSER_LIKE)) {
        const c = composers.composerOf(el);
        if (c) found.add(c);
      }
      // Shadow hosts: custom elements (closed roots are attached to those) and any open root.
      for (const el of root.querySelectorAll('*')) {
        const sr = el.shadowRoot || (el.localName.includes('-') ? shadowOf(el) : null);
        if (sr) visit(sr);
      }
    };
    visit(document);
    return [...found];
  }

  /** The form a control submits, when it has one. */
  function formOf(el) {
    if (el.form) return el.form;
    return closestDeep(el, 'form');
  }

  function containsDeep(root, el) {
    for (let n = el; n; n = up(n)) if (n === root) return true;
    return false;
  }

  /**
   * The composers a control posts: those of its form; else those of its nearest container holding
   * any composer. A form without a composer (search, sign-in) posts nothing SafePost checks.
   */
  function reachOf(control) {
    const all = allComposers();
    if (!all.length) return [];
    const form = formOf(control);
    if (form) return all.filter((c) => containsDeep(form, c));
    const depthOf = new Map();
    let d = 0;
    for (let n = control; n; n = up(n)) depthOf.set(n, d++);
    let best = Infinity;
    const near = [];
    for (const c of all) {
      let n = c;
      while (n && !depthOf.has(n)) n = up(n);
      if (!n) continue;
      const depth = depthOf.get(n);
      if (depth < best) { best = depth; near.length = 0; }
      if (depth === best) near.push(c);
    }
    return near;
  }

  // ---- Verdicts ---------------------------------------------------------------------------------

  const keyOf = (text, findings) => JSON.stringify([text, findings.filter((f) => f.severity !== 'info').map((f) => [f.rule, f.preview])]);

  /** The findings that should stop this post of `text`. */
  function stopping(composer, text, findings) {
    if (confirmed.get(composer) === keyOf(text, findings)) return [];
    if (findings.some((f) => f.severity === 'block')) return findings.filter((f) => f.severity !== 'info');
    return findings.filter((f) => f.severity === 'warn');
  }

  /** The last findings known for the composer's current text, or null when it must be checked. */
  function knownFindings(c, text) {
    const own = checked.get(c);
    if (own && !own.pending && own.text === text && own.epoch === policyEpoch) return own.findings;
    // composer.js re-checks the composer in use after a policy change; others only when asked.
    if (!composers.isStale(c) && (policyEpoch === 0 || c === composers.active)) return composers.findingsFor(c);
    return null;
  }

  /** Synchronously: must this attempt be held? (Unknown text, unknown policy, or findings that stop.) */
  function mustHold(reach) {
    for (const c of reach) {
      const text = composers.textOf(c);
      if (!text.trim()) continue;
      if (!policyKnown) return true;
      const findings = knownFindings(c, text);
      if (!findings || stopping(c, text, findings).length) return true;
    }
    return false;
  }

  /**
   * Plain Enter is held only when it would post something that stops: the policy is not known yet,
   * or the composer's findings stop a post; text typed since the last check is held only in a
   * composer known to send on Enter. A clean composer's Enter is never delayed, and its new line
   * never replayed (a replayed key cannot carry `keyCode` to the page in Chromium, and editors
   * such as Lexical read it).
   */
  function enterMustHold(c) {
    const text = composers.textOf(c);
    if (!text.trim()) return false;
    if (!policyKnown) return true;
    const findings = knownFindings(c, text);
    if (findings) return stopping(c, text, findings).length > 0;
    if (sendOnEnter.has(c)) return true;
    const last = composers.findingsFor(c);
    return stopping(c, text, last).some((f) => f.severity === 'block');
  }

  /** A plain Enter that emptied its composer sent it: that composer sends on Enter. */
  function learnSendOnEnter(c) {
    if (!composers.textOf(c).trim()) return;
    setTimeout(() => { if (c.isConnected && !composers.textOf(c).trim()) sendOnEnter.add(c); }, 50);
  }

  function checkText(c, text) {
    const entry = { text, epoch: policyEpoch, findings: [], pending: true };
    checked.set(c, entry);
    return core.request('check-text', { text, site: location.hostname, show: c === composers.active }).then((r) => {
      entry.findings = Array.isArray(r && r.findings) ? r.findings : [];
      entry.pending = false;
      return entry.findings;
    }, (err) => {
      if (checked.get(c) === entry) checked.delete(c);
      throw err;
    });
  }

  /** Checks ahead the composers a control would post, so the click itself need not wait. */
  function precheck(control) {
    if (!control) return;
    for (const c of reachOf(control)) {
      const text = composers.textOf(c);
      if (!text.trim() || knownFindings(c, text)) continue;
      const own = checked.get(c);
      if (own && own.pending && own.text === text) continue;
      checkText(c, text).catch(() => {});
    }
  }

  // ---- Holding and deciding ---------------------------------------------------------------------

  function stop(ev) {
    ev.preventDefault();
    ev.stopImmediatePropagation();
  }

  /**
   * Holds the event and decides asynchronously; `again` replays the user's action. Attempts made
   * while an earlier one is being decided (the policy still loading) are decided in turn, never
   * dropped.
   */
  function hold(ev, reach, again) {
    stop(ev);
    queue = queue.then(() => decide(reach, again)).catch(() => {});
  }

  async function decide(reach, again) {
    let known = policyKnown;
    let results;
    try {
      if (!known) known = !!(await core.request('policy-ready', { timeout: POLICY_WAIT_MS })).known;
      results = await Promise.all(reach.map(async (c) => {
        const text = composers.textOf(c);
        return { c, text, findings: text.trim() ? await checkText(c, text) : [] };
      }));
    } catch {
      // The core is not running (the toolbar says so): the company's fail mode decides.
      const mode = await core.failMode();
      if (mode === 'closed') {
        core.fallbackNotice(core.t('liveFailClosed'));
        return;
      }
      if (mode === 'warn') core.fallbackNotice(core.t('liveFailWarn'));
      replay(again);
      return;
    }
    if (!known) core.fallbackNotice(core.t('gatePolicyUnknown'));
    const stops = results.map((r) => ({ ...r, stop: stopping(r.c, r.text, r.findings) })).filter((r) => r.stop.length);
    if (!stops.length) {
      replay(again);
      return;
    }
    let decision;
    try {
      decision = await core.request('gate', { findings: stops.flatMap((r) => r.stop),
        text: stops.map((r) => r.text).join('\n\n'), site: location.hostname });
    } catch {
      decision = { action: 'edit' };
    }
    if (decision && decision.action === 'post') {
      for (const r of stops) confirmed.set(r.c, keyOf(r.text, r.findings));
      if (stops[0].c.isConnected) stops[0].c.focus({ preventScroll: true });
      replay(again);
    } else {
      // Edit (or the dialog was dismissed): back to the composer, on the first finding.
      composers.jumpTo(stops[0].c, stops[0].stop[0]);
    }
  }

  // ---- Replays ----------------------------------------------------------------------------------

  /** The control to replay on: the original, or what the site put in its place meanwhile. */
  function liveControl(control, x, y) {
    if (control.isConnected) return control;
    if (typeof x !== 'number') return null;
    let el = document.elementFromPoint(x, y);
    for (let i = 0; el && i < 8; i++) {
      const root = !el.shadowRoot && shadowOf(el);
      const inner = root && root.elementFromPoint(x, y);
      if (!inner || inner === el) break;
      el = inner;
    }
    return controlOf(el);
  }

  /** Replays a pointer activation: the events a real press sends, each on the control then there. */
  function replayPress(g) {
    const base = { bubbles: true, cancelable: true, composed: true, clientX: g.x, clientY: g.y, screenX: g.sx, screenY: g.sy,
      button: 0, view: window };
    const steps = [['pointerdown', 1], ['mousedown', 1], ['pointerup', 0], ['mouseup', 0]];
    for (const [type, buttons] of steps) {
      const target = liveControl(g.control, g.x, g.y);
      if (!target) return;
      const init = { ...base, buttons };
      const ev = type.startsWith('pointer')
        ? new PointerEvent(type, { ...init, pointerId: 1, pointerType: g.pointerType || 'mouse', isPrimary: true })
        : new MouseEvent(type, init);
      target.dispatchEvent(ev);
    }
    const target = liveControl(g.control, g.x, g.y);
    if (target) target.dispatchEvent(new MouseEvent('click', { ...base, buttons: 0, detail: 1 }));
  }

  /** Dispatches keydown, keypress (unless cancelled) and keyup; true when the site handled the key. */
  function replayKeys(target, init) {
    const down = target.dispatchEvent(new KeyboardEvent('keydown', init));
    let press = true;
    if (down && init.key === 'Enter') press = target.dispatchEvent(new KeyboardEvent('keypress', { ...init, charCode: 13 }));
    const upEv = target.dispatchEvent(new KeyboardEvent('keyup', init));
    return !(down && press && upEv);
  }

  /** Replays Enter or Space on a control: its own key handlers, else its activation (a click). */
  function replayControlKey(control, init) {
    if (!control.isConnected) return;
    if (!replayKeys(control, init)) control.click();
  }

  /**
   * Replays a plain Enter in a composer. When the site does not take it (no handler cancelled it),
   * the browser would have done what Enter does there: submit a one-line field's form, or start a
   * new line, which is then done through the editing commands the editor itself follows.
   */
  function replayComposerEnter(composer, target, init) {
    if (!composer.isConnected) return;
    composer.focus({ preventScroll: true });
    if (replayKeys(target, init)) return;
    if (composer.localName === 'input') {
      if (composer.form) composer.form.requestSubmit();
      return;
    }
    newlineComposers.add(composer);
    if (composer.localName === 'textarea') document.execCommand('insertText', false, '\n');
    else document.execCommand(init.shiftKey ? 'insertLineBreak' : 'insertParagraph');
  }

  function keyInit(ev) {
    return { key: ev.key, code: ev.code, keyCode: ev.keyCode, which: ev.which, ctrlKey: ev.ctrlKey, metaKey: ev.metaKey,
      shiftKey: ev.shiftKey, altKey: ev.altKey, bubbles: true, cancelable: true, composed: true, view: window };
  }

  // ---- Listeners ----------------------------------------------------------------------------------

  const recent = (g) => g && Date.now() - g.at < GESTURE_MS;

  addEventListener('pointerdown', (ev) => {
    if (!ev.isTrusted || replaying) return;
    gesture = null;
    if (ev.button !== 0) return;
    const control = controlOf(realTarget(ev));
    if (!control) return;
    const reach = reachOf(control);
    const g = { held: false, control, reach, x: ev.clientX, y: ev.clientY, sx: ev.screenX, sy: ev.screenY,
      pointerType: ev.pointerType, at: Date.now() };
    gesture = g;
    if (!reach.length || !mustHold(reach)) return;
    g.held = true;
    hold(ev, reach, () => replayPress(g));
  }, true);

  // The rest of a held press never reaches the page (a site may post on any of them).
  for (const type of ['mousedown', 'touchstart', 'pointerup', 'mouseup', 'touchend']) {
    addEventListener(type, (ev) => {
      if (!ev.isTrusted || replaying) return;
      if (gesture && gesture.held && recent(gesture)) stop(ev);
    }, true);
  }

  addEventListener('click', (ev) => {
    if (!ev.isTrusted || replaying || ev.button !== 0) return;
    const g = gesture;
    gesture = null;
    if (g && g.held && recent(g)) {
      stop(ev);
      return;
    }
    const control = (g && recent(g) && g.control.isConnected ? g.control : null) || controlOf(realTarget(ev));
    if (!control) return;
    const reach = g && g.control === control ? g.reach : reachOf(control);
    if (!reach.length || !mustHold(reach)) return;
    const { clientX: x, clientY: y } = ev;
    hold(ev, reach, () => {
      const target = liveControl(control, x, y);
      if (target) target.click();
    });
  }, true);

  addEventListener('keydown', (ev) => {
    if (!ev.isTrusted || replaying) return;
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    if (ev.isComposing || ev.keyCode === 229) return; // IME composition: its Enter is the IME's
    const target = realTarget(ev);
    if (!target) return;
    const composer = composers.composerOf(target);
    if (composer) {
      if (ev.key !== 'Enter') return;
      const plain = !(ev.ctrlKey || ev.metaKey || ev.altKey || ev.shiftKey);
      lastKey = { composer, plain };
      if (ev.shiftKey && !(ev.ctrlKey || ev.metaKey)) return; // Shift+Enter: a new line, untouched
      const init = keyInit(ev);
      if (!plain) {
        if (!mustHold([composer])) return;
        keyHeld = { key: ev.key };
        hold(ev, [composer], () => replayKeys(target, init));
        return;
      }
      if (newlineComposers.has(composer)) return; // Enter makes a new line here, it posts nothing
      if (!enterMustHold(composer)) {
        learnSendOnEnter(composer);
        return;
      }
      keyHeld = { key: ev.key };
      hold(ev, [composer], () => replayComposerEnter(composer, target, init));
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const control = controlOf(target);
    if (!control) return;
    const reach = reachOf(control);
    if (!reach.length || !mustHold(reach)) return;
    keyHeld = { key: ev.key };
    const init = keyInit(ev);
    hold(ev, reach, () => replayControlKey(control, init));
  }, true);

  addEventListener('keyup', (ev) => {
    if (!ev.isTrusted || replaying || !keyHeld || ev.key !== keyHeld.key) return;
    keyHeld = null;
    stop(ev);
  }, true);

  // A plain Enter that made a new line teaches that this composer takes Enter as a new line.
  addEventListener('beforeinput', (ev) => {
    if (!ev.isTrusted || !lastKey) return;
    if (ev.inputType === 'insertParagraph' || ev.inputType === 'insertLineBreak') {
      const c = composers.composerOf(realTarget(ev));
      if (c && c === lastKey.composer && lastKey.plain) newlineComposers.add(c);
    }
    lastKey = null;
  }, true);

  addEventListener('submit', (ev) => {
    if (!ev.isTrusted || replaying) return;
    const form = ev.target;
    if (!form || form.localName !== 'form') return;
    // Only a submit the user caused: a page's own `requestSubmit()` without a user gesture is
    // page-initiated (the network backstop's), and gating it would tell the page the verdict.
    if (navigator.userActivation && !navigator.userActivation.isActive) return;
    const reach = allComposers().filter((c) => containsDeep(form, c));
    if (!reach.length || !mustHold(reach)) return;
    const submitter = ev.submitter || null;
    hold(ev, reach, () => {
      if (submitter && submitter.isConnected) form.requestSubmit(submitter);
      else form.requestSubmit();
    });
  }, true);

  // Checking ahead: the pointer on a control, or the focus on it (Tab), starts the composers' checks.
  let lastPrecheck = null;
  const ahead = (ev) => {
    if (!ev.isTrusted) return;
    const control = controlOf(realTarget(ev));
    if (!control || control === lastPrecheck) return;
    lastPrecheck = control;
    precheck(control);
  };
  addEventListener('pointerover', ahead, { capture: true, passive: true });
  addEventListener('focusin', ahead, true);
  addEventListener('pointerout', () => { lastPrecheck = null; }, { capture: true, passive: true });

  globalThis.SafePostGate = Object.freeze({ controlOf, reachOf });
})();
