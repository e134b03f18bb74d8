// "Report to IT" from any panel or dialog: hands the context (never the secret itself, only the
// redacted previews the core made) to the service worker's ticket handler (`report.open`).
const api = globalThis.browser ?? globalThis.chrome;

/**
 * The post as it may go into a report: every finding's span replaced by its redacted preview, so
 * the secret itself never leaves the frame even when the user ticks "The text of my post".
 * `findings` must be all the findings of `text` (spans in UTF-16 code units, as the core gives).
 */
export function redactPost(text, findings) {
  const spans = findings
    .filter((f) => Number.isInteger(f.start_utf16) && Number.isInteger(f.end_utf16) && f.end_utf16 > f.start_utf16)
    .sort((a, b) => a.start_utf16 - b.start_utf16);
  let out = '';
  let at = 0;
  for (const f of spans) {
    if (f.start_utf16 >= at) out += `${text.slice(at, f.start_utf16)}[${f.preview || f.rule}]`;
    at = Math.max(at, f.end_utf16); // an overlapping finding is already hidden by the one before
  }
  return out + text.slice(at);
}

/**
 * `findings`: the core's findings (or upload items); only rule, severity and preview are sent.
 * `text`: the post, already redacted (`redactPost`); offered in the form as an unticked option.
 */
export function reportToIt({ site, findings = [], category, rule, severity, text }) {
  const first = findings[0] || {};
  const context = {
    site,
    rule: rule ?? first.rule ?? null,
    category: category ?? first.category ?? null,
    severity: severity ?? first.severity ?? null,
    findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, preview: f.preview })),
    text: typeof text === 'string' && text.trim() ? text : null,
  };
  return api.runtime.sendMessage({ type: 'report.open', context }).catch(() => null);
}
