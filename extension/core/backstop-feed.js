// Feeds the network backstop (background/backstop.js) from the core frame.
//
// Exists so the service worker knows, per tab, which values must not leave: after each check,
// the texts of the `block` findings (their spans in the checked text) are sent as this frame's
// held values; a "Post anyway" sends the text the user chose to post; when the backstop cancels a
// request that carried a held value, it asks this frame (over the port the frame opened) to
// show the gate dialog. Values stay held until the page goes away: a site can still send an earlier draft, and
// without a composer identity a second composer's clean text cannot prove the first one resolved.
// The values are re-sent every 20 s, which also keeps the Chromium worker (and its synchronous
// mirror of storage.session) awake while anything is held.
const REFRESH_MS = 20000;

/** Texts of the `block` findings of one check (UTF-16 spans into `text`). */
export function blockedValues(text, findings) {
  const out = [];
  for (const f of Array.isArray(findings) ? findings : []) {
    if (!f || f.severity !== 'block') continue;
    const s = text.slice(f.start_utf16, f.end_utf16).trim();
    if (s) out.push(s);
  }
  return out;
}

/**
 * `showGate(findings, text)` shows the gate dialog and resolves with the user's decision (the
 * core's `gate` handler); `notice(message)` says something in the panel.
 */
export function backstopFeed({ api, showGate, notice, t }) {
  const frame = crypto.randomUUID();
  const held = new Map(); // value -> {text, findings} of the latest check that found it
  let sent = '';
  let active = true;
  let timer = null;
  let asking = false;

  async function push(force = false) {
    const values = [...held.keys()];
    const key = JSON.stringify(values);
    if (!active || (!force && key === sent)) return;
    sent = key;
    const reply = await api.runtime.sendMessage({ type: 'backstop.hold', frame, values }).catch(() => null);
    if (reply && reply.active === false) {
      // No blocking webRequest here (an unpacked or store install in Chromium): nothing to hold.
      active = false;
      held.clear();
    }
    if (active && held.size && !timer) timer = setInterval(() => push(true), REFRESH_MS);
    connect();
  }

  // The backstop asks for the dialog over a port this frame opens (Firefox delivers neither
  // runtime messages nor storage.session to an extension frame inside a web page). The port is
  // reopened when the worker or event page restarts.
  let port = null;
  function connect() {
    if (port || !active || !held.size) return;
    port = api.runtime.connect({ name: `backstop:${frame}` });
    port.onMessage.addListener((msg) => { if (msg && msg.type === 'blocked') ask(); });
    port.onDisconnect.addListener(() => { port = null; setTimeout(connect, 200); });
  }

  function ask() {
    const first = [...held.values()].pop();
    if (!first || asking) return;
    asking = true;
    // The site tried to send a held value by a door the DOM gate did not see.
    showGate(first.findings, first.text).then((decision) => {
      if (decision && decision.action === 'post') notice(t('backstopPostAgain'));
    }, () => {}).finally(() => { asking = false; });
  }

  addEventListener('pagehide', () => {
    if (held.size) api.runtime.sendMessage({ type: 'backstop.release', frame }).catch(() => {});
  });

  return {
    /** After a check: holds the texts of its `block` findings (awaited before the findings are shown). */
    async checked(text, findings) {
      const values = blockedValues(text, findings);
      if (!values.length) return;
      const stop = findings.filter((f) => f.severity !== 'info');
      for (const v of values) {
        held.delete(v); // newest last: the dialog shows the latest check that found it
        held.set(v, { text, findings: stop });
      }
      await push();
    },
    /** "Post anyway" for `text`: the backstop lets exactly that text through once (awaited before the site posts). */
    async allowed(text, findings) {
      if (!active) return;
      await api.runtime.sendMessage({ type: 'backstop.allow', frame, text, values: blockedValues(text, findings) }).catch(() => null);
    },
  };
}
