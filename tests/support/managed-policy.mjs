// Managed policy for the end-to-end tests: real policy files where the browsers read them
// (root only), always removed afterwards, and helpers to read SafePost's policy state back.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CHROME_EXTENSION_ID, GECKO_ID } from './browsers.mjs';
import { waitInFrame } from './extension-ui.mjs';

/**
 * The `skip` option of a suite that writes machine-wide policy files: those need root. Not being
 * root fails the suite (a test command that passed without checking policy would prove nothing),
 * unless SAFEPOST_SKIP_ROOT_TESTS=1 says this machine cannot run them.
 */
export function needsRoot(what) {
  if (process.getuid?.() === 0) return false;
  if (process.env.SAFEPOST_SKIP_ROOT_TESTS === '1') return `needs root to write ${what} (SAFEPOST_SKIP_ROOT_TESTS=1)`;
  throw new Error(`these tests write ${what} and need root; run them as root, or set SAFEPOST_SKIP_ROOT_TESTS=1 to skip them`);
}

/** The policy clause the company rule links to (shown in the panel as "the policy" link). */
export const POLICY_CLAUSE = 'https://intranet.example.com/social-media-policy#codenames';

export const CHROMIUM_POLICY_FILE = '/etc/chromium/policies/managed/safepost-test.json';
export const FIREFOX_POLICY_FILE = '/etc/firefox/policies/policies.json';

/**
 * A company policy as IT would write it: a codename rule at severity block, plus values that are
 * invalid for the core but pass Chromium's schema (so they reach the extension in both browsers):
 * a regular expression with an unclosed group and a support link with a scheme SafePost refuses.
 */
export function companyPolicy({ codename, message = `The codename ${codename} is confidential.` }) {
  return {
    version: 1,
    rules: [
      { id: 'project_codenames', kind: 'keywords', terms: [codename], severity: 'block', category: 'confidential', message,
        link: POLICY_CLAUSE },
      { id: 'broken_pattern', kind: 'regex', pattern: '(unclosed', severity: 'warn' },
    ],
    support_url: 'ftp://help.example.com/safepost',
    uploads: { action: 'strip' },
    fail_mode: 'closed',
  };
}

/**
 * Writes a file, remembering what was there before; `restore()` puts it back (or removes it).
 * A file of the tests' own (`safepost-*.json`) is always removed: what was there before can only
 * be a leftover of an interrupted run, and putting it back would leak its policy into every later
 * test on this machine.
 */
export function policyFile(path) {
  const ownFile = /\/safepost-[^/]*\.json$/.test(path);
  const before = !ownFile && existsSync(path) ? readFileSync(path) : null;
  let createdDir = null;
  return {
    write(content) {
      if (createdDir === null) createdDir = mkdirSync(dirname(path), { recursive: true }) ?? '';
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    },
    restore() {
      if (before === null) rmSync(path, { force: true });
      else writeFileSync(path, before);
      // Directories this test created go too (mkdirSync returns the first one it made).
      if (createdDir) rmSync(createdDir, { recursive: true, force: true });
    },
  };
}

export const chromiumPolicy = (doc) => ({ '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: doc } } });
export const firefoxPolicy = (doc, extra = {}) => ({ policies: { ...extra, '3rdparty': { Extensions: { [GECKO_ID]: doc } } } });

/** Expands the findings panel (if needed) and returns `[{rule, severity, message, link}]`. */
export async function findingsInPanel(frame, { rule, timeout = 10000 } = {}) {
  return waitInFrame(frame, (wanted) => {
    const pill = document.getElementById('count');
    if (!pill || document.getElementById('panel').hidden) return null;
    if (pill.getAttribute('aria-expanded') !== 'true' && Number(pill.dataset.count) > 0) pill.click();
    const items = [...document.querySelectorAll('.finding')].map((f) => ({
      rule: f.dataset.rule,
      severity: [...f.classList].find((c) => c.startsWith('sev-'))?.slice(4),
      message: f.querySelector('.message')?.textContent ?? '',
      link: f.querySelector('a.policy-link')?.getAttribute('href') ?? null,
    }));
    if (wanted && !items.some((f) => f.rule === wanted)) return null;
    return { items, count: Number(pill.dataset.count), severity: pill.dataset.severity };
  }, rule, { timeout });
}

/** Waits until the pill shows no finding. */
export function waitForNoFindings(frame, opts) {
  return waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '0', undefined, opts);
}

/** The options page, read back: source, version, problems, and the rows of the settings table. */
export function optionsState() {
  if (document.body.dataset.ready !== 'true') return null;
  const rows = {};
  for (const tr of document.querySelectorAll('#effective tbody tr')) {
    rows[tr.dataset.path] = { value: tr.querySelector('.value').textContent, source: tr.dataset.source };
  }
  return {
    managed: document.getElementById('policy-source').dataset.managed === 'true',
    sourceText: document.getElementById('policy-source').textContent,
    version: document.getElementById('policy-version').dataset.version,
    errors: [...document.querySelectorAll('#policy-errors tbody tr')].map((tr) => ({
      source: tr.dataset.source, path: tr.dataset.path, message: tr.querySelector('.message').textContent,
    })),
    rows,
  };
}
