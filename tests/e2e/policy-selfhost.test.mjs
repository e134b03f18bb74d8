// The deployment kit's self-hosting path in real Chromium: the kit's Linux policy file
// (docs/deploy/linux/safepost.json: ExtensionSettings force_installed + update_url, and the
// 3rdparty policy) and its update manifest (docs/deploy/updates/chrome-updates.xml) make Chromium
// download and install the packed extension by itself, with no --load-extension, and the installed
// extension enforces the kit's example policy.
//
// The files are used as they are, except two things a test cannot have: the host
// (safepost.example.com becomes a local server) and the id (SafePost's private key is not in the
// repository, so the CRX is packed with a fresh key and the kit's id is replaced by that key's id);
// and one policy is added so automation may inspect the installed extension.
//
// Needs root (writes /etc/chromium/policies/managed/, always removes it). Fails otherwise, unless SAFEPOST_SKIP_ROOT_TESTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash, createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { ROOT, DIST_CHROME, CHROME_EXTENSION_ID, CHROMIUM_ARGS } from '../support/browsers.mjs';
import { safepostFrame } from '../support/extension-ui.mjs';
import { CHROMIUM_POLICY_FILE, findingsInPanel, policyFile, needsRoot } from '../support/managed-policy.mjs';

const KIT_HOST = 'https://safepost.example.com';
const DIST = process.env.SAFEPOST_CHROME_DIR || DIST_CHROME;

/** The extension id of a key: the first 32 hex digits of SHA-256(public key DER), 0-f as a-p. */
function idOf(pem) {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return [...createHash('sha256').update(der).digest('hex').slice(0, 32)]
    .map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

let demo;
before(async () => { demo = await startServer(); });
after(async () => { await demo?.close(); });

describe('Chromium: self-hosted force-install from the kit', { skip: needsRoot('/etc/chromium/policies') }, () => {
  test('the kit\'s policy file and update manifest install SafePost and configure it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'safepost-selfhost-'));
    const file = policyFile(CHROMIUM_POLICY_FILE);
    let updates;
    let context;
    try {
      // Pack the built extension as a release would (a fresh key stands in for SafePost's).
      cpSync(DIST, join(work, 'safepost'), { recursive: true });
      execFileSync(process.env.CHROMIUM || '/usr/bin/chromium',
        ['--headless=new', '--no-sandbox', '--disable-gpu', `--pack-extension=${join(work, 'safepost')}`], { stdio: 'ignore', timeout: 60000 });
      const crx = readFileSync(join(work, 'safepost.crx'));
      const id = idOf(readFileSync(join(work, 'safepost.pem')));

      const requests = [];
      let base = '';
      const adapt = (text) => text.replaceAll(KIT_HOST, base).replaceAll(CHROME_EXTENSION_ID, id);
      updates = createServer((req, res) => {
        requests.push(new URL(req.url, 'http://x').pathname);
        if (req.url.startsWith('/chrome/updates.xml')) {
          res.writeHead(200, { 'content-type': 'text/xml' }).end(adapt(readFileSync(join(ROOT, 'docs/deploy/updates/chrome-updates.xml'), 'utf8')));
        } else if (/^\/chrome\/safepost-[\d.]+\.crx$/.test(req.url)) {
          res.writeHead(200, { 'content-type': 'application/x-chrome-extension' }).end(crx);
        } else {
          res.writeHead(404).end();
        }
      });
      await new Promise((r) => updates.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${updates.address().port}`;
      // Chromium keeps DevTools (and so automation) away from policy-installed extensions unless
      // DeveloperToolsAvailability allows it: the one policy the test adds to the kit's file.
      const policies = JSON.parse(adapt(readFileSync(join(ROOT, 'docs/deploy/linux/safepost.json'), 'utf8')));
      file.write({ ...policies, DeveloperToolsAvailability: 1 });

      // Chromium with no extension on its command line: policy installs it.
      const { chromium } = await import('playwright-core');
      const profile = join(work, 'profile');
      context = await chromium.launchPersistentContext(profile, {
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        ignoreDefaultArgs: ['--disable-extensions', '--disable-background-networking', '--disable-component-update'],
        args: [...CHROMIUM_ARGS.filter((a) => a !== '--disable-background-networking' && a !== '--disable-component-update'), '--headless=new'],
      });

      // The popup of the installed extension: it runs and reports the managed policy.
      // (A tab opened on the extension's origin before the install is closed by it: use a new one each try.)
      const deadline = Date.now() + 60000;
      let popup = null;
      while (!popup && Date.now() < deadline) {
        const candidate = await context.newPage();
        await candidate.goto(`chrome-extension://${id}/extension/popup/popup.html`).catch(() => {});
        const ok = await candidate.waitForSelector('#status[data-state="ok"][data-policy="managed"]', { timeout: 3000 }).then(() => true, () => false);
        if (ok) popup = candidate;
        else await candidate.close().catch(() => {});
      }
      assert.ok(popup, `SafePost was not installed from policy; the update server saw ${JSON.stringify(requests)}`);
      assert.deepEqual(requests.slice(0, 2), ['/chrome/updates.xml', `/chrome/safepost-${JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')).version}.crx`]);
      assert.equal(await popup.getAttribute('#status', 'data-policy-errors'), '0', 'the kit policy has no problem');

      // The kit's example policy is enforced: its codename rule blocks.
      const page = await context.newPage();
      await page.goto(`${demo.url}/`);
      await page.click('#post-text');
      await page.keyboard.type('Bluebird launches in May.');
      const found = await findingsInPanel(await safepostFrame(page), { rule: 'project_codenames' });
      assert.equal(found.items.find((f) => f.rule === 'project_codenames').severity, 'block');
    } finally {
      file.restore();
      await context?.close().catch(() => {});
      updates?.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
