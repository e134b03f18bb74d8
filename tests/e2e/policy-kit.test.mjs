// The one policy schema and the deployment kit, checked without a browser:
// - extension/managed_schema.json is a schema Chromium loads, and it describes exactly the
//   settings the core reads (`safepost policy check`, wasm `policyCheck`);
// - docs/settings.md and docs/deploy/ are generated from their sources and current;
// - every example file in docs/deploy/, read back the way its management tool would deliver it,
//   carries a policy that the schema accepts and the core validates without a single error, for
//   the fixed extension ids.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, CHROME_EXTENSION_ID, GECKO_ID } from '../support/browsers.mjs';
import { checkSchema, validate } from '../support/chrome-schema.mjs';
import { loadPolicyCore } from '../support/policy-core.mjs';
import { settingsDoc } from '../../scripts/settings-doc.mjs';

const read = (rel) => readFileSync(join(ROOT, rel), 'utf8');
// SAFEPOST_SCHEMA: try a proposed schema file before it replaces extension/managed_schema.json.
const schema = JSON.parse(process.env.SAFEPOST_SCHEMA ? readFileSync(process.env.SAFEPOST_SCHEMA, 'utf8') : read('extension/managed_schema.json'));
const defaults = JSON.parse(read('src/policy/default.json'));
const manifest = JSON.parse(read('manifest.json'));
// The command-line tool: the release build (scripts/build.sh) or the one `cargo test` builds.
const CLI = ['target/release/safepost', 'target/debug/safepost'].map((p) => join(ROOT, p)).find((p) => existsSync(p));

let core;
before(async () => { core = await loadPolicyCore(); });

// ------------------------------------------------------------------ readers for each kit format

/** A .reg file: `{ 'HKEY_...\\key': { name: string | number } }`. */
function parseReg(text) {
  const keys = {};
  let current = null;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith(';') || line.startsWith('Windows Registry Editor')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = keys[section[1]] = {};
      continue;
    }
    const m = /^"((?:[^"\\]|\\.)*)"=(?:"((?:[^"\\]|\\.)*)"|dword:([0-9a-f]{8}))$/.exec(line);
    assert.ok(m && current, `unreadable .reg line: ${line}`);
    const unescape = (s) => s.replace(/\\(.)/g, '$1');
    current[unescape(m[1])] = m[2] !== undefined ? unescape(m[2]) : parseInt(m[3], 16);
  }
  return keys;
}

/** Registry values back to policy values, as Chromium does with the schema: JSON strings for lists and dictionaries. */
function fromRegistry(values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    const type = schema.properties?.[k]?.type;
    if ((type === 'object' || type === 'array') && typeof v === 'string') out[k] = JSON.parse(v);
    else if (type === 'boolean' && typeof v === 'number') out[k] = v !== 0;
    else out[k] = v;
  }
  return out;
}

/** A property list (XML): dict, array, string, integer, real, true, false. */
function parsePlist(xml) {
  const tokens = xml.replace(/<\?xml[^>]*>|<!DOCTYPE[^>]*>/g, '').match(/<[^>]+>|[^<]+/g).filter((t) => t.trim());
  let i = 0;
  const text = () => (tokens[i] && !tokens[i].startsWith('<') ? tokens[i++] : '');
  const decode = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const value = () => {
    const tag = tokens[i++];
    if (tag === '<dict/>') return {};
    if (tag === '<array/>') return [];
    if (tag === '<true/>') return true;
    if (tag === '<false/>') return false;
    if (tag === '<string/>') return '';
    if (tag === '<string>') { const s = decode(text()); i++; return s; }
    if (tag === '<integer>') { const n = parseInt(text(), 10); i++; return n; }
    if (tag === '<array>') {
      const out = [];
      while (tokens[i] !== '</array>') out.push(value());
      i++;
      return out;
    }
    if (tag === '<dict>') {
      const out = {};
      while (tokens[i] !== '</dict>') {
        assert.equal(tokens[i++], '<key>');
        const key = decode(text());
        assert.equal(tokens[i++], '</key>');
        out[key] = value();
      }
      i++;
      return out;
    }
    throw new Error(`unexpected plist token ${tag}`);
  };
  assert.match(tokens[i++], /^<plist/);
  return value();
}

/** Every policy document the kit delivers: `[{where, browser, doc, install}]`. */
function kitPolicies() {
  const found = [];
  const linux = JSON.parse(read('docs/deploy/linux/safepost.json'));
  found.push({ where: 'linux/safepost.json', doc: linux['3rdparty'].extensions[CHROME_EXTENSION_ID], install: linux.ExtensionSettings });

  for (const [file, vendor] of [['windows/chrome.reg', 'Google\\Chrome'], ['windows/edge.reg', 'Microsoft\\Edge']]) {
    const keys = parseReg(read(`docs/deploy/${file}`));
    const base = `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${vendor}`;
    assert.ok(keys[base], `${file}: ${base}`);
    const forcelist = keys[`${base}\\ExtensionInstallForcelist`];
    assert.match(forcelist['1'], new RegExp(`^${CHROME_EXTENSION_ID};https://`), `${file}: ExtensionInstallForcelist`);
    found.push({ where: file, doc: fromRegistry(keys[`${base}\\3rdparty\\extensions\\${CHROME_EXTENSION_ID}\\policy`]),
      install: JSON.parse(keys[base].ExtensionSettings) });
  }

  const profile = parsePlist(read('docs/deploy/macos/safepost.mobileconfig'));
  assert.equal(profile.PayloadType, 'Configuration');
  const uuids = new Set([profile.PayloadUUID, ...profile.PayloadContent.map((p) => p.PayloadUUID)]);
  assert.equal(uuids.size, profile.PayloadContent.length + 1, 'every payload has its own UUID');
  for (const app of ['com.google.Chrome', 'com.microsoft.Edge']) {
    const install = profile.PayloadContent.find((p) => p.PayloadType === app);
    const policy = profile.PayloadContent.find((p) => p.PayloadType === `${app}.extensions.${CHROME_EXTENSION_ID}`);
    assert.ok(install && policy, `mobileconfig: ${app} payloads`);
    const doc = Object.fromEntries(Object.entries(policy).filter(([k]) => !k.startsWith('Payload')));
    found.push({ where: `macos/safepost.mobileconfig (${app})`, doc, install: install.ExtensionSettings });
  }

  const admin = JSON.parse(read('docs/deploy/google-admin-console.json'));
  for (const [k, v] of Object.entries(admin)) assert.deepEqual(Object.keys(v), ['Value'], `admin console: ${k} is wrapped in {"Value": ...}`);
  found.push({ where: 'google-admin-console.json', doc: Object.fromEntries(Object.entries(admin).map(([k, v]) => [k, v.Value])) });

  const firefox = JSON.parse(read('docs/deploy/firefox/policies.json'));
  const ff = firefox.policies.ExtensionSettings[GECKO_ID];
  assert.equal(ff.installation_mode, 'force_installed');
  assert.match(ff.install_url, /^https:\/\/.+\.xpi$/);
  found.push({ where: 'firefox/policies.json', doc: firefox.policies['3rdparty'].Extensions[GECKO_ID] });
  return found;
}

// ------------------------------------------------------------------ tests

describe('the policy schema', () => {
  test('Chromium would load it: top-level object, only the attributes its schema parser knows', () => {
    assert.deepEqual(checkSchema(schema).problems, []);
    assert.equal(schema.type, 'object');
  });

  test('the validator is not vacuous: it refuses what Chromium refuses', () => {
    assert.notDeepEqual(checkSchema({ type: 'object', properties: { a: { type: 'string', default: 'x' } } }).problems, []);
    assert.notDeepEqual(checkSchema({ type: 'object', additionalProperties: false }).problems, []);
    assert.notDeepEqual(checkSchema({ type: 'array' }).problems, []);
    const s = { type: 'object', properties: { mode: { type: 'string', enum: ['a', 'b'] }, n: { type: 'integer', minimum: 1 } } };
    assert.deepEqual(validate(s, { mode: 'a', n: 2 }), []);
    assert.equal(validate(s, { mode: 'c' }).length, 1);
    assert.equal(validate(s, { n: 0 }).length, 1);
    assert.equal(validate(s, { n: '2' }).length, 1);
    assert.equal(validate(s, { typo: 1 }).length, 1);
    assert.deepEqual(validate(s, { typo: 1 }, { strict: false }), []);
  });

  test('it describes exactly the settings the core reads', () => {
    // The core names the settings it knows in its error for an unknown one.
    const [top] = core.policyCheck({ not_a_setting: 1 });
    const known = /expected one of: (.+)$/.exec(top.message)?.[1].split(', ');
    assert.ok(known, top.message);
    assert.deepEqual(Object.keys(schema.properties || {}).sort(), [...known].sort(),
      'extension/managed_schema.json must list every top-level setting of the policy document');
    const [det] = core.policyCheck({ detectors: { not_a_detector: {} } });
    const detectors = /known detectors: (.+)$/.exec(det.message)?.[1].split(', ');
    assert.deepEqual(Object.keys(schema.properties.detectors?.properties || {}).sort(), [...detectors].sort());
  });

  test('the shipped default policy is valid for the schema and the core', () => {
    assert.deepEqual(validate(schema, defaults), []);
    assert.deepEqual(core.policyCheck(defaults), []);
  });

  test('docs/settings.md is generated from the schema and current', () => {
    assert.equal(read('docs/settings.md'), settingsDoc(schema, defaults),
      'docs/settings.md is stale: run node scripts/settings-doc.mjs');
    for (const key of Object.keys(schema.properties || {})) assert.match(read('docs/settings.md'), new RegExp(`\\| \`${key}\` \\|`));
  });
});

describe('the deployment kit (docs/deploy)', () => {
  test('the ids in the kit are the ones the manifest fixes', () => {
    const der = Buffer.from(manifest.key, 'base64');
    const id = [...createHash('sha256').update(der).digest('hex').slice(0, 32)]
      .map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
    assert.equal(id, CHROME_EXTENSION_ID);
    assert.equal(manifest.browser_specific_settings.gecko.id, GECKO_ID);
    const readme = read('docs/deploy/README.md');
    assert.ok(readme.includes(CHROME_EXTENSION_ID) && readme.includes(GECKO_ID), 'README names both ids');
  });

  test('every file is generated from policy.example.json and current', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/deploy-kit.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test('every example policy is valid for the schema and for the core, in every format', () => {
    const example = JSON.parse(read('docs/deploy/policy.example.json'));
    const found = kitPolicies();
    assert.equal(found.length, 7);
    for (const { where, doc, install } of found) {
      assert.deepEqual(doc, example, `${where}: carries the example policy unchanged`);
      assert.deepEqual(validate(schema, doc), [], `${where}: schema`);
      assert.deepEqual(core.policyCheck(doc), [], `${where}: core policyCheck`);
      if (install) {
        assert.equal(install[CHROME_EXTENSION_ID]?.installation_mode, 'force_installed', `${where}: force-installs SafePost`);
        assert.match(install[CHROME_EXTENSION_ID].update_url, /^https:\/\/.+\/updates\.xml$/);
        assert.equal(install[CHROME_EXTENSION_ID].toolbar_pin, 'force_pinned', `${where}: pins the toolbar button (Report to IT)`);
      }
    }
  });

  test('the command-line check accepts every example policy and refuses a broken one', { skip: !CLI && 'the safepost command-line tool is not built (cargo build --release --bin safepost)' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'safepost-kit-'));
    try {
      for (const { where, doc } of kitPolicies()) {
        const file = join(dir, 'policy.json');
        writeFileSync(file, JSON.stringify(doc));
        const out = execFileSync(CLI, ['policy', 'check', file], { encoding: 'utf8' });
        assert.match(out, /policy OK/, `${where}: ${out}`);
      }
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, JSON.stringify({ fail_mode: 'sometimes' }));
      const r = spawnSync(CLI, ['policy', 'check', broken], { encoding: 'utf8' });
      assert.notEqual(r.status, 0);
      assert.match(r.stdout + r.stderr, /fail_mode/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the self-hosting update manifests name the fixed ids and the current version', () => {
    const xml = read('docs/deploy/updates/chrome-updates.xml');
    assert.match(xml, new RegExp(`<app appid='${CHROME_EXTENSION_ID}'>`));
    assert.match(xml, new RegExp(`version='${manifest.version.replace(/\./g, '\\.')}'`));
    assert.match(xml, /xmlns='http:\/\/www\.google\.com\/update2\/response' protocol='2\.0'/);
    const updates = JSON.parse(read('docs/deploy/updates/firefox-updates.json'));
    const [entry] = updates.addons[GECKO_ID].updates;
    assert.equal(entry.version, manifest.version);
    assert.match(entry.update_link, /^https:\/\/.+\.xpi$/);
  });
});
