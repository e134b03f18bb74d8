// SafePost content script: the submit gate.
//
// When the user posts (the site's post button, Ctrl/Cmd+Enter in a composer, a form submit) and
// the post has `block` findings, or `warn` findings not yet confirmed, the post is stopped before
// any page listener sees it, and the core frame shows the dialog (Edit, Report to IT, and "Post
// anyway" with a justification when the policy allows it). When the user goes ahead, the same
// action is replayed so the site posts as it would have; the text is never touched.
//
// Listeners are registered on `window` in the capture phase at document_start, so they run before
// the page's own. A post is only stopped when a check is needed: with clean, already-checked text
// the site's event goes through untouched.
(() => {
  'use strict';
  if (globalThis.SafePostGate) return;
  const core = globalThis.SafePostCore;
  const composers = globalThis.SafePostComposer;

  // Words on the buttons that post: the sites' own labels, which follow the user's site language
  // (English, German, French, Spanish, Portuguese, Italian, Dutch), not SafePost's.
  const POST_LABEL = new RegExp('^(post|posten|tweet|reply|send|publish|share|submit|toot|skeet|comment'
    + '|poster|publier|envoyer|partager|répondre|commenter' // fr
    + '|senden|veröffentlichen|teilen|antworten|absenden|kommentieren|beitrag' // de
    + '|publicar|enviar|compartir|responder|comentar|postear' // es, pt
    + '|partilhar|compartilhar' // pt
    + '|pubblica|invia|condividi|rispondi|commenta' // it
    + '|plaatsen|verzenden|delen|reageren|publiceren)(?![\\p{L}])', 'iu'); // nl
  const POST_TESTID = /tweetButton|post|submit|publish|share|send/i;

  let replaying = 0; // > 0 while SafePost replays an action the user confirmed
  let busy = false;
  const confirmedWarnings = new WeakMap(); // composer -> key of the warnings the user accepted

  function replay(fn) {
    replaying++;
    try { fn(); } finally { replaying--; }
  }

  /** The post button an event target belongs to, or null. */
  function postButtonOf(target) {
    if (!target || target.nodeType !== 1 || !target.closest) return null;
    const btn = target.closest('button, input[type="submit"], [role="button"]');
    if (!btn) return null;
    if ((btn.localName === 'button' || btn.localName === 'input') && btn.type === 'submit' && btn.form) return btn;
    const label = (btn.getAttribute('aria-label') || btn.value || btn.textContent || '').trim();
    if (POST_LABEL.test(label) || POST_TESTID.test(btn.getAttribute('data-testid') || '')) return btn;
    return null;
  }

  /** The composer a post action is about: one in the same form, else the one last used. */
  function composerFor(el, { formOnly = false } = {}) {
    const form = el && (el.localName === 'form' ? el : (el.form || (el.closest && el.closest('form'))));
    if (form) {
      const inForm = composers.within(form);
      if (inForm.length) return inForm.includes(composers.active) ? composers.active : inForm[0];
    }
    // A form without a composer (a search box, a login form) is none of SafePost's business.
    return formOnly ? null : composers.active;
  }

  const warnKey = (findings) => JSON.stringify(findings.filter((f) => f.severity === 'warn')
    .map((f) => [f.rule, f.preview]));

  /** The findings that should stop this post. */
  function stopping(composer, findings) {
    if (findings.some((f) => f.severity === 'block')) return findings.filter((f) => f.severity !== 'info');
    const warns = findings.filter((f) => f.severity === 'warn');
    if (warns.length && confirmedWarnings.get(composer) !== warnKey(findings)) return warns;
    return [];
  }

  /**
   * Decides synchronously whether the event must be held (it is, when the text has changed since
   * its last check or the last findings would stop it), then checks and asks asynchronously.
   */
  function gate(ev, composer, again) {
    if (replaying || !composer || !composer.isConnected) return;
    if (!composers.isStale(composer) && stopping(composer, composers.findingsFor(composer)).length === 0) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    if (busy) return;
    busy = true;
    decide(composer, again).finally(() => { busy = false; });
  }

  async function decide(composer, again) {
    let findings;
    try {
      findings = await composers.checkNow(composer);
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
    const stop = stopping(composer, findings);
    if (stop.length === 0) {
      replay(again);
      return;
    }
    let decision;
    try {
      decision = await core.request('gate', { findings: stop, text: composers.textOf(composer), site: location.hostname });
    } catch {
      decision = { action: 'edit' };
    }
    if (decision.action === 'post') {
      if (!stop.some((f) => f.severity === 'block')) confirmedWarnings.set(composer, warnKey(findings));
      composer.focus({ preventScroll: true });
      replay(again);
    } else {
      // Edit (or the dialog was dismissed): back to the composer, on the first finding.
      composers.jumpTo(composer, stop[0]);
    }
  }

  addEventListener('click', (ev) => {
    if (ev.button !== 0) return;
    const btn = postButtonOf(ev.composedPath()[0]);
    if (!btn || btn.disabled) return;
    gate(ev, composerFor(btn), () => btn.click());
  }, true);

  addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || !(ev.ctrlKey || ev.metaKey) || ev.isComposing) return;
    const target = ev.composedPath()[0];
    const composer = composers.composerOf(target);
    if (!composer) return;
    const init = { key: ev.key, code: ev.code, keyCode: 13, which: 13, ctrlKey: ev.ctrlKey, metaKey: ev.metaKey,
      shiftKey: ev.shiftKey, altKey: ev.altKey, bubbles: true, cancelable: true, composed: true };
    gate(ev, composer, () => {
      target.dispatchEvent(new KeyboardEvent('keydown', init));
      target.dispatchEvent(new KeyboardEvent('keyup', init));
    });
  }, true);

  addEventListener('submit', (ev) => {
    const form = ev.target;
    if (!form || form.localName !== 'form') return;
    const submitter = ev.submitter || null;
    gate(ev, composerFor(form, { formOnly: true }), () => {
      if (submitter && submitter.isConnected) form.requestSubmit(submitter);
      else form.requestSubmit();
    });
  }, true);

  globalThis.SafePostGate = Object.freeze({ postButtonOf });
})();
