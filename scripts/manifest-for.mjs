// Writes the browser-specific copy of the one manifest.json: drops only the keys the other
// browser does not know, so neither shows "unrecognized key" warnings. Nothing is added.
// Usage: node scripts/manifest-for.mjs chrome|firefox OUT
import { readFileSync, writeFileSync } from 'node:fs';

const [browser, out] = process.argv.slice(2);
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
writeFileSync(out, JSON.stringify(m, null, 2) + '\n');
