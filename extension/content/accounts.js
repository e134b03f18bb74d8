// SafePost content script: which account is posting.
//
// Once a composer is focused on a site where IT named company accounts, reads the active account
// off the page with the site's entry of the detection table (accounts-table.js, extended or
// overridden by IT's `company_account.detection`, which the core frame hands over) and tells the
// core frame what it saw: `{field, value}` of the first probe that found something, or nothing.
// The core decides whether that is a company account, draws the marker and rechecks the draft
// when the account changes. While a composer is in use, changes to the page (an account switcher,
// a "post as" picker, a client-side navigation to an admin view) are followed, debounced.
// Reads the page only; writes nothing into it.
(() => {
  'use strict';
  if (globalThis.SafePostAccounts) return;
  const core = globalThis.SafePostCore;
  const composers = globalThis.SafePostComposer;
  const TABLE = globalThis.SafePostAccountTable || {};
  const DEBOUNCE_MS = 150;

  let setup = null; // Promise<{has_accounts, detection, ...} | null>
  let entry = null; // this page's entry of the table, once set up
  let lastSent = null;
  let observer = null;
  let timer = 0;

  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** `Posting as {value}` -> /^Posting as (.+?)$/; `*` matches anything. */
  function patternRegex(pattern, { anchoredEnd = true, value = '(.+?)' } = {}) {
    const [before, after] = pattern.split('{value}');
    const part = (s) => s.split('*').map(escape).join('.*?');
    return new RegExp(`^${part(before)}${value}${part(after ?? '')}${anchoredEnd ? '$' : ''}`, 's');
  }

  /** The table entry for this page: IT's entries laid over the shipped ones, most specific first. */
  function entryFor(detection) {
    const merged = {};
    for (const [id, e] of Object.entries(TABLE)) merged[id] = { ...e };
    for (const [id, e] of Object.entries(detection || {})) merged[id] = { ...(merged[id] || {}), ...e };
    const host = location.hostname.toLowerCase();
    const where = location.pathname + location.search;
    const matches = Object.entries(merged).filter(([, e]) =>
      Array.isArray(e.hosts) && e.hosts.some((h) => host === h || host.endsWith(`.${h}`))
      && (!Array.isArray(e.paths) || e.paths.some((p) => where.startsWith(p))));
    matches.sort(([, a], [, b]) => Number(Array.isArray(b.paths)) - Number(Array.isArray(a.paths)));
    return matches.length ? { site: matches[0][0], ...matches[0][1] } : null;
  }

  /** What one probe finds: the value, or null. A selector the page cannot parse finds nothing. */
  function read(probe) {
    let raw = null;
    if (probe.url) {
      const m = patternRegex(probe.url, { anchoredEnd: false, value: '([^/?&#]+)' }).exec(location.pathname + location.search);
      if (!m) return null;
      try { return decodeURIComponent(m[1]); } catch { return m[1]; }
    }
    let el = null;
    try { el = document.querySelector(probe.selector); } catch { return null; }
    if (!el) return null;
    raw = (probe.read || 'text') === 'text' ? el.textContent : el.getAttribute(probe.read);
    raw = (raw || '').replace(/\s+/g, ' ').trim();
    if (!raw) return null;
    if (!probe.pattern) return raw;
    const m = patternRegex(probe.pattern).exec(raw);
    return m && m[1].trim() ? m[1].trim() : null;
  }

  function observe() {
    if (!entry) return null;
    const probes = Array.isArray(entry.probes) ? entry.probes : [];
    for (let i = 0; i < probes.length; i++) {
      const value = read(probes[i]);
      if (value) return { field: probes[i].field, value, probe: i, site: entry.site };
    }
    return null;
  }

  function report() {
    timer = 0;
    const observed = observe();
    const key = JSON.stringify(observed);
    if (key === lastSent) return;
    lastSent = key;
    core.post('account', { site: location.hostname, observed });
  }

  function schedule() {
    if (!timer) timer = setTimeout(report, DEBOUNCE_MS);
  }

  async function start() {
    setup ??= core.request('account-setup', { site: location.hostname }).catch(() => null);
    const s = await setup;
    if (!s || !s.has_accounts) {
      // No company account here (or no core): nothing to observe, nothing to say.
      observer?.disconnect();
      observer = null;
      entry = null;
      return;
    }
    entry = entryFor(s.detection);
    lastSent = null;
    report();
    if (!observer) {
      observer = new MutationObserver(schedule);
      observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
      addEventListener('popstate', schedule);
    }
  }

  // Started once a composer is in use (typed in, or focused while it holds text), like the rest of
  // SafePost: focus alone adds nothing to the page (the core frame is what answers account-setup).
  let started = false;
  const maybeStart = (ev) => {
    if (started) return;
    const el = composers.composerOf(ev.composedPath()[0]);
    if (!el) return;
    const text = 'value' in el ? el.value : el.textContent;
    if (ev.type !== 'input' && !text) return;
    started = true;
    start().catch(() => {});
  };
  addEventListener('focusin', maybeStart, true);
  addEventListener('input', maybeStart, true);

  core.onMessage((msg) => {
    // A new policy may name other accounts or another table: set up again (not for the recheck
    // the core asks for after an account change).
    if (msg.type === 'policy-changed' && msg.reason !== 'account' && setup) {
      setup = null;
      if (composers.active) start().catch(() => {});
    }
  });

  globalThis.SafePostAccounts = Object.freeze({ observe });
})();
