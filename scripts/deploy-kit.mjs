// Writes the deployment kit (docs/deploy/) from one example policy, docs/deploy/policy.example.json,
// so every file carries the same settings in the form each management tool wants.
//
//   node scripts/deploy-kit.mjs           write the files
//   node scripts/deploy-kit.mjs --check   fail if a file differs from what would be written
//
// The kit test (tests/e2e/policy-kit.test.mjs) reads every file back, checks it against the
// managed-storage schema and the core's own validation, and runs --check.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const KIT = join(ROOT, 'docs/deploy');

/** Fixed by the manifest `key` (Chromium, Edge) and `browser_specific_settings.gecko.id` (Firefox). */
export const CHROME_ID = 'ebmoneflefbglanhhijdiomjcmjbnlem';
export const GECKO_ID = 'safepost@safepost.app';
/** Placeholders IT replaces with its own web server (self-hosted packages and update manifests). */
export const HOST = 'https://safepost.example.com';
export const CHROME_UPDATE_URL = `${HOST}/chrome/updates.xml`;
export const FIREFOX_INSTALL_URL = `${HOST}/firefox/safepost-firefox.xpi`;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')).version;

const policy = JSON.parse(readFileSync(join(KIT, 'policy.example.json'), 'utf8'));

const json = (v) => `${JSON.stringify(v, null, 2)}\n`;

// ------------------------------------------------------------------ Chromium browsers, JSON
const chromeExtensionSettings = {
  // Pinned, so "Report to IT" is one click away on every machine.
  [CHROME_ID]: { installation_mode: 'force_installed', update_url: CHROME_UPDATE_URL, toolbar_pin: 'force_pinned' },
};
const linux = {
  ExtensionSettings: chromeExtensionSettings,
  '3rdparty': { extensions: { [CHROME_ID]: policy } },
};

// ------------------------------------------------------------------ Windows registry
/** A .reg string value (backslashes and quotes escaped). The file is written as ASCII. */
function regString(s) {
  if (/[^\x20-\x7e]/.test(s)) throw new Error(`non-ASCII text in a .reg string: ${s}`);
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
/** JSON with every non-ASCII character as a \u escape: still the same JSON, and ASCII. */
const asciiJson = (v) => JSON.stringify(v).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
function regValue(v) {
  if (typeof v === 'boolean') return `dword:${v ? '00000001' : '00000000'}`;
  if (Number.isInteger(v)) return `dword:${v.toString(16).padStart(8, '0')}`;
  if (typeof v === 'string') return regString(v);
  // Lists and dictionaries: Chromium reads a JSON string where the schema wants one.
  return regString(asciiJson(v));
}
function reg(vendorKey, browser) {
  const base = `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${vendorKey}`;
  const lines = [
    'Windows Registry Editor Version 5.00',
    '',
    `; SafePost for ${browser}: force-install from your own server and set the company policy.`,
    `; Extension id ${CHROME_ID} (fixed by the manifest key). Edit the URLs and the policy values,`,
    '; then import with: reg import <this file>  (or deploy the same values by Group Policy / Intune).',
    '; Off-store force-installs need a domain-joined or MDM-enrolled Windows machine.',
    '',
    `[${base}]`,
    `"ExtensionSettings"=${regString(JSON.stringify(chromeExtensionSettings))}`,
    '',
    `[${base}\\ExtensionInstallForcelist]`,
    `"1"=${regString(`${CHROME_ID};${CHROME_UPDATE_URL}`)}`,
    '',
    `[${base}\\3rdparty\\extensions\\${CHROME_ID}\\policy]`,
    ...Object.entries(policy).map(([k, v]) => `"${k}"=${regValue(v)}`),
    '',
  ];
  return lines.join('\r\n');
}

// ------------------------------------------------------------------ macOS configuration profile
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function plist(v, indent) {
  const pad = '  '.repeat(indent);
  if (typeof v === 'boolean') return `${pad}<${v}/>`;
  if (Number.isInteger(v)) return `${pad}<integer>${v}</integer>`;
  if (typeof v === 'string') return `${pad}<string>${esc(v)}</string>`;
  if (Array.isArray(v)) {
    if (!v.length) return `${pad}<array/>`;
    return [`${pad}<array>`, ...v.map((x) => plist(x, indent + 1)), `${pad}</array>`].join('\n');
  }
  const entries = Object.entries(v);
  if (!entries.length) return `${pad}<dict/>`;
  return [`${pad}<dict>`, ...entries.flatMap(([k, x]) => [`${pad}  <key>${esc(k)}</key>`, plist(x, indent + 1)]), `${pad}</dict>`].join('\n');
}
function payload(type, identifier, uuid, name, content) {
  return { PayloadType: type, PayloadIdentifier: identifier, PayloadUUID: uuid, PayloadVersion: 1, PayloadDisplayName: name, ...content };
}
function mobileconfig() {
  const profile = {
    PayloadContent: [
      payload('com.google.Chrome', 'app.safepost.chrome', '5AFE0001-0000-4000-8000-000000000001', 'SafePost for Google Chrome',
        { ExtensionSettings: chromeExtensionSettings }),
      payload(`com.google.Chrome.extensions.${CHROME_ID}`, 'app.safepost.chrome.policy', '5AFE0001-0000-4000-8000-000000000002',
        'SafePost policy (Chrome)', policy),
      payload('com.microsoft.Edge', 'app.safepost.edge', '5AFE0001-0000-4000-8000-000000000003', 'SafePost for Microsoft Edge',
        { ExtensionSettings: chromeExtensionSettings }),
      payload(`com.microsoft.Edge.extensions.${CHROME_ID}`, 'app.safepost.edge.policy', '5AFE0001-0000-4000-8000-000000000004',
        'SafePost policy (Edge)', policy),
    ],
    PayloadDisplayName: 'SafePost',
    PayloadDescription: 'Installs SafePost in Chrome and Edge and sets the company social media policy.',
    PayloadIdentifier: 'app.safepost.profile',
    PayloadOrganization: 'Example Corp',
    PayloadScope: 'System',
    PayloadType: 'Configuration',
    PayloadUUID: '5AFE0001-0000-4000-8000-000000000000',
    PayloadVersion: 1,
  };
  return ['<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">', plist(profile, 0), '</plist>', ''].join('\n');
}

// ------------------------------------------------------------------ Google Admin console
// "Policy for extensions" takes each setting wrapped as {"Value": ...}.
const adminConsole = Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, { Value: v }]));

// ------------------------------------------------------------------ Firefox
const firefox = {
  policies: {
    ExtensionSettings: {
      [GECKO_ID]: { installation_mode: 'force_installed', install_url: FIREFOX_INSTALL_URL },
    },
    '3rdparty': { Extensions: { [GECKO_ID]: policy } },
  },
};

// ------------------------------------------------------------------ self-hosted update manifests
const gupdate = [
  "<?xml version='1.0' encoding='UTF-8'?>",
  "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>",
  `  <app appid='${CHROME_ID}'>`,
  `    <updatecheck codebase='${HOST}/chrome/safepost-${VERSION}.crx' version='${VERSION}' />`,
  '  </app>',
  '</gupdate>',
  ''].join('\n');
const firefoxUpdates = {
  addons: {
    [GECKO_ID]: {
      updates: [{ version: VERSION, update_link: `${HOST}/firefox/safepost-${VERSION}.xpi` }],
    },
  },
};

export const FILES = {
  'linux/safepost.json': json(linux),
  'windows/chrome.reg': reg('Google\\Chrome', 'Google Chrome'),
  'windows/edge.reg': reg('Microsoft\\Edge', 'Microsoft Edge'),
  'macos/safepost.mobileconfig': mobileconfig(),
  'google-admin-console.json': json(adminConsole),
  'firefox/policies.json': json(firefox),
  'updates/chrome-updates.xml': gupdate,
  'updates/firefox-updates.json': json(firefoxUpdates),
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [rel, content] of Object.entries(FILES)) {
    const file = join(KIT, rel);
    if (check) {
      if (!existsSync(file) || readFileSync(file, 'utf8') !== content) stale.push(rel);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  if (stale.length) {
    console.error(`docs/deploy is not current (run node scripts/deploy-kit.mjs): ${stale.join(', ')}`);
    process.exit(1);
  }
  if (!check) console.log(`wrote ${Object.keys(FILES).length} files to docs/deploy/`);
}
