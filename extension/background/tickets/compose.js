// What a report says, in the one wording every adapter, the email draft, the "copy" button and
// the form's preview share. Pure functions over a saved report; no browser APIs, so the report
// page and the popup import this module too.
//
// Ticket text is written for IT in English (category codes are stable identifiers for routing);
// the user-facing form and popup are localised separately.

export const CATEGORIES = {
  security: 'Security concern',
  scam: 'Suspicious message or scam',
  account: 'Account problem',
  policy: 'Policy question',
  false_alarm: 'False alarm from SafePost',
  other: 'Other',
};

/** The short reference shown to people and put in every subject: first 8 hex digits of the id. */
export function shortRef(id) {
  return String(id).replace(/-/g, '').slice(0, 8);
}

export function categoryLabel(code) {
  return Object.hasOwn(CATEGORIES, code) ? CATEGORIES[code] : CATEGORIES.other;
}

/** The page's host for the subject, or '' when the page address is not included. */
export function pageHost(report) {
  if (!report.pageUrl) return '';
  try {
    return new URL(report.pageUrl).host || report.pageUrl;
  } catch {
    return '';
  }
}

/** `Name <email>`, `email`, or 'not given', for ticket text. */
export function reporterLine(reporter) {
  if (!reporter || !reporter.email) return 'not given';
  return reporter.name ? `${reporter.name} <${reporter.email}>` : reporter.email;
}

/** A "Post anyway" record rather than a report to IT. */
export const isOverride = (record) => Boolean(record && record.kind === 'override');

/** `Suspicious message or scam: x.com [SafePost 1a2b3c4d]`; an override:
 * `Post anyway: credit_card on x.com [SafePost 1a2b3c4d]` */
export function subjectOf(record) {
  if (isOverride(record)) {
    const o = record.override;
    return `Post anyway: ${o.rule || 'finding'}${o.site ? ` on ${o.site}` : ''} [SafePost ${shortRef(record.id)}]`;
  }
  const host = pageHost(record.report);
  return `${categoryLabel(record.report.category)}${host ? `: ${host}` : ''} [SafePost ${shortRef(record.id)}]`;
}

/** The plain-text body: the user's words first, then only what the user chose to include. */
export function bodyOf(record) {
  if (isOverride(record)) return overrideBodyOf(record);
  const r = record.report;
  const lines = [];
  lines.push(r.description && r.description.trim() ? r.description.trim() : '(no description)');
  lines.push('');
  lines.push(`Category: ${categoryLabel(r.category)} (${r.category})`);
  if (r.pageUrl) lines.push(`Page: ${r.pageUrl}`);
  if (Array.isArray(r.findings)) {
    if (r.findings.length === 0) {
      lines.push('Findings: none');
    } else {
      lines.push('Findings (previews are redacted by SafePost):');
      for (const f of r.findings) lines.push(`- [${f.severity || 'info'}] ${f.rule || 'rule'}${f.preview ? `: ${f.preview}` : ''}`);
    }
  }
  if (typeof r.postText === 'string') {
    lines.push('Post text:');
    for (const l of r.postText.split('\n')) lines.push(`> ${l}`);
  }
  if (r.environment) {
    const e = r.environment;
    lines.push(`Environment: ${e.browser || 'unknown browser'}; SafePost ${e.extension || '?'}`
      + `${e.core ? ` (core ${e.core})` : ''}; policy ${e.policyVersion || 'none'}`);
  }
  lines.push(`Reported by: ${reporterLine(record.reporter)}`);
  if (r.screenshot) lines.push('Screenshot: attached (screenshot of the visible tab, shown to the user before sending)');
  lines.push(`Report ID: ${record.id} (created ${new Date(record.createdAt).toISOString()})`);
  return lines.join('\n');
}

/** The text of a "Post anyway" record: what was overridden, where, when, why and by whom. */
function overrideBodyOf(record) {
  const o = record.override;
  const lines = [
    `${reporterLine(record.reporter)} chose "Post anyway" despite SafePost's warning.`,
    '',
    `Reason given: ${o.reason ? o.reason : '(none)'}`,
    `Rule: ${o.rule || '?'} (category ${o.category || '?'}, severity ${o.severity || '?'})`,
    `Site: ${o.site || '?'}`,
    `Time: ${new Date(o.at).toISOString()}`,
  ];
  if (o.findings.length) {
    lines.push('Findings (previews are redacted by SafePost):');
    for (const f of o.findings) lines.push(`- [${f.severity || 'info'}] ${f.rule || 'rule'}${f.preview ? `: ${f.preview}` : ''}`);
  }
  lines.push(`Person: ${reporterLine(record.reporter)}`);
  lines.push(`Override ID: ${record.id}`);
  return lines.join('\n');
}

/** Everything a person needs to paste the report somewhere by hand. */
export function copyTextOf(record) {
  return `${subjectOf(record)}\n\n${bodyOf(record)}\n`;
}

/** A `mailto:` draft; the screenshot cannot travel in a mailto link and is left out. */
export function mailtoOf(record, address = '') {
  const q = new URLSearchParams();
  q.set('subject', subjectOf(record));
  q.set('body', bodyOf(record));
  // URLSearchParams encodes spaces as '+', which mail clients show literally: use %20.
  return `mailto:${encodeURIComponent(address).replace(/%40/g, '@').replace(/%2C/gi, ',')}?${q.toString().replace(/\+/g, '%20')}`;
}

/** A screenshot data URL → `{type, base64}`; null for anything else. */
export function splitDataUrl(dataUrl) {
  const m = typeof dataUrl === 'string' && /^data:(image\/(?:png|jpeg));base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
  return m ? { type: m[1], base64: m[2] } : null;
}

export function base64ToBytes(base64) {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
