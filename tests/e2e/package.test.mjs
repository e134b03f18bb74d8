// The packages IT distributes: dist/safepost-chrome.zip and dist/safepost-firefox.xpi hold exactly
// what the extension needs (every file the manifest names, the wasm core, nothing from the
// repository's tooling), and the unpacked zip loads in Chromium with the fixed id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launchChromium, CHROME_EXTENSION_ID } from '../support/browsers.mjs';

function entries(pkg) {
  return execFileSync('unzip', ['-Z1', pkg], { encoding: 'utf8' }).split('\n').filter((l) => l && !l.endsWith('/'));
}

/** Every file path a manifest refers to. */
function manifestFiles(m) {
  const files = new Set([...Object.values(m.icons), ...Object.values(m.action.default_icon), m.action.default_popup]);
  if (m.background.service_worker) files.add(m.background.service_worker);
  for (const s of m.background.scripts || []) files.add(s);
  for (const cs of m.content_scripts) for (const f of cs.js || []) files.add(f);
  for (const war of m.web_accessible_resources) for (const f of war.resources) files.add(f);
  if (m.options_ui) files.add(m.options_ui.page);
  if (m.storage?.managed_schema) files.add(m.storage.managed_schema);
  return files;
}

for (const [name, browser] of [['safepost-chrome.zip', 'chrome'], ['safepost-firefox.xpi', 'firefox']]) {
  test(`${name} holds the extension and nothing else`, () => {
    const list = entries(join(ROOT, 'dist', name));
    const manifest = JSON.parse(execFileSync('unzip', ['-p', join(ROOT, 'dist', name), 'manifest.json'], { encoding: 'utf8' }));
    assert.equal(manifest.manifest_version, 3);
    for (const f of manifestFiles(manifest)) assert.ok(list.includes(f), `${name} lacks ${f}, named by its manifest`);
    assert.ok(list.includes('extension/core/pkg/safepost_bg.wasm'));
    assert.ok(list.includes('_locales/en/messages.json') && list.includes('_locales/de/messages.json')
      && list.includes('_locales/fr/messages.json'));
    for (const f of list) {
      assert.match(f, /^(manifest\.json|_locales\/[a-zA-Z_]+\/messages\.json|extension\/)/, `${name} holds ${f}`);
      assert.doesNotMatch(f, /node_modules|\.rs$|\.test\.|\.map$|\.DS_Store/, `${name} holds ${f}`);
    }
    if (browser === 'chrome') assert.ok(manifest.key && !manifest.browser_specific_settings);
    else assert.ok(manifest.browser_specific_settings.gecko.id && !manifest.key);
  });
}

const LOCAL = ['http://127.0.0.1/*', 'http://localhost/*'];
const manifestOf = (path) => JSON.parse(path.endsWith('.json') ? readFileSync(path, 'utf8')
  : execFileSync('unzip', ['-p', path, 'manifest.json'], { encoding: 'utf8' }));
/** Every match pattern of a manifest: content scripts, frame resources, host permissions. */
const matchesOf = (m) => [...m.content_scripts.flatMap((c) => c.matches), ...m.web_accessible_resources.flatMap((w) => w.matches),
  ...(m.host_permissions || [])];

test('the shipped packages never run on a local server; the test flavour does', () => {
  for (const shipped of ['dist/chrome/manifest.json', 'dist/firefox/manifest.json', 'dist/safepost-chrome.zip', 'dist/safepost-firefox.xpi']) {
    const patterns = matchesOf(manifestOf(join(ROOT, shipped)));
    for (const local of LOCAL) assert.ok(!patterns.includes(local), `${shipped} matches ${local}`);
    assert.ok(!patterns.some((p) => /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(p)), `${shipped} matches a local server`);
  }
  for (const flavour of ['dist/test-chrome/manifest.json', 'dist/test-firefox/manifest.json', 'dist/safepost-test-firefox.xpi']) {
    const m = manifestOf(join(ROOT, flavour));
    for (const local of LOCAL) {
      assert.ok(m.content_scripts[0].matches.includes(local), `${flavour}: content scripts on ${local}`);
      assert.ok(m.host_permissions.includes(local), `${flavour}: host permission for ${local}`);
    }
  }
  // Otherwise the same extension: the test flavour adds only those matches.
  for (const b of ['chrome', 'firefox']) {
    const strip = (m) => JSON.stringify(m, (k, v) => (Array.isArray(v) ? v.filter((x) => !LOCAL.includes(x)) : v));
    assert.equal(strip(manifestOf(join(ROOT, `dist/test-${b}/manifest.json`))), strip(manifestOf(join(ROOT, `dist/${b}/manifest.json`))));
  }
});

test('the unpacked Chrome package loads in Chromium with the fixed id', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'safepost-unzipped-'));
  try {
    execFileSync('unzip', ['-q', join(ROOT, 'dist', 'safepost-chrome.zip'), '-d', dir]);
    const b = await launchChromium({ extensionDir: dir });
    try {
      assert.equal(b.extensionId, CHROME_EXTENSION_ID);
      // The packaged core loads: the popup reports protection on, with the manifest's version.
      const popup = await b.context.newPage();
      await popup.goto(`chrome-extension://${b.extensionId}/extension/popup/popup.html`);
      await popup.waitForSelector('#status[data-state="ok"]');
      const version = await b.serviceWorker.evaluate(() => chrome.runtime.getManifest().version);
      assert.equal(version, JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')).version);
      // The core inside is the same release as the manifest (Cargo.toml and manifest.json agree).
      assert.match(await popup.textContent('#status'), new RegExp(`core ${version.replace(/\./g, '\\.')}\\)`));
    } finally {
      await b.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the README states the size of the wasm core that ships (within 2 %)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const row = /\| `safepost_bg\.wasm` \| ([\d,]+) bytes .*\| ([\d,]+) bytes/.exec(readme);
  assert.ok(row, 'the README has the size table');
  const [raw, gz] = [row[1], row[2]].map((n) => Number(n.replace(/,/g, '')));
  const wasm = readFileSync(join(ROOT, 'dist/chrome/extension/core/pkg/safepost_bg.wasm'));
  const near = (stated, actual) => Math.abs(stated - actual) / actual <= 0.02;
  assert.ok(near(raw, wasm.length), `README says ${raw} bytes raw, the build is ${wasm.length}: update the README`);
  const built = /(\d+) bytes gzipped/.exec(readFileSync(join(ROOT, 'dist/wasm-size.txt'), 'utf8'));
  assert.ok(built && near(gz, Number(built[1])), `README says ${gz} bytes gzipped, the build ${built && built[1]}`);
});
