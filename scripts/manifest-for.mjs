// Writes the browser-specific copy of the one manifest.json: drops only the keys the other
// browser does not know, so neither shows "unrecognized key" warnings.
// The test flavour (`--test`) is the same extension plus the local servers the demo and the
// end-to-end tests use (http://127.0.0.1, http://localhost) as content-script, frame and host
// matches; the shipped packages never run on every developer's local server.
// Usage: node scripts/manifest-for.mjs chrome|firefox OUT [--test]
import { readFileSync, writeFileSync } from 'node:fs';

const [browser, out, flavour] = process.argv.slice(2);
const m = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));
if (browser === 'chrome') {
  delete m.browser_specific_settings;
  delete m.background.scripts;
} else if (browser === 'firefox') {
  // Firefox derives its id from browser_specific_settings.gecko.id, ignores the Chromium key and
  // dynamic resource URLs, and reads managed storage without a schema file.
  delete m.key;
  delete m.minimum_chrome_version;
  delete m.background.service_worker;
  for (const war of m.web_accessible_resources) delete war.use_dynamic_url;
  // Firefox has no profile e-mail to offer (no identity.getProfileUserInfo).
  m.optional_permissions = (m.optional_permissions || []).filter((p) => p !== 'identity.email');
} else {
  throw new Error(`unknown browser ${browser}`);
}
if (flavour === '--test') {
  const LOCAL = ['http://127.0.0.1/*', 'http://localhost/*'];
  for (const cs of m.content_scripts) cs.matches.push(...LOCAL);
  m.web_accessible_resources[0].matches.push(...LOCAL);
  m.host_permissions.push(...LOCAL);
} else if (flavour !== undefined) {
  throw new Error(`unknown flavour ${flavour}`);
}
writeFileSync(out, JSON.stringify(m, null, 2) + '\n');
