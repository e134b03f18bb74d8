// "Report to IT" from any panel or dialog: hands the context (never the secret itself, only the
// redacted previews the core made) to the service worker's ticket handler (`report.open`).
const api = globalThis.browser ?? globalThis.chrome;

/** `findings`: the core's findings (or upload items); only rule, severity and preview are sent. */
export function reportToIt({ site, findings = [], category, rule, severity }) {
  const first = findings[0] || {};
  const context = {
    site,
    rule: rule ?? first.rule ?? null,
    category: category ?? first.category ?? null,
    severity: severity ?? first.severity ?? null,
    findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, preview: f.preview })),
  };
  return api.runtime.sendMessage({ type: 'report.open', context }).catch(() => null);
}
