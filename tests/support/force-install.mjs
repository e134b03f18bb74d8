// SafePost force-installed by enterprise policy in real Chromium, as IT deploys it: the test
// flavour packed into a CRX with a key generated for the run (the extension id follows from it),
// served with a gupdate update manifest on 127.0.0.1, and named in
// /etc/chromium/policies/managed/safepost-test-forcelist.json (`ExtensionInstallForcelist`),
// which is always removed again. Only a policy install keeps `webRequestBlocking` in Chromium
// (../shared/notes/browser-findings.md). Needs root; callers hold the e2e lock.
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, DIST_CHROME } from './browsers.mjs';

export const FORCELIST_FILE = '/etc/chromium/policies/managed/safepost-test-forcelist.json';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** The Chromium extension id of a public key (DER SubjectPublicKeyInfo): its SHA-256, first 32 hex digits as a-p. */
export function extensionIdOf(spki) {
  return [...createHash('sha256').update(spki).digest('hex').slice(0, 32)]
    .map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');
}

/** Packs `dir` (without the manifest's own key) with a new key. Resolves to {crx, id, version}. */
function pack(dir, work) {
  const ext = join(work, 'ext');
  cpSync(dir, ext, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(ext, 'manifest.json'), 'utf8'));
  delete manifest.key; // the CRX's key decides the id
  writeFileSync(join(ext, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const pem = join(work, 'key.pem');
  writeFileSync(pem, privateKey);
  execFileSync(CHROMIUM, ['--no-sandbox', '--headless=new', '--no-message-box', `--user-data-dir=${join(work, 'pack-profile')}`,
    `--pack-extension=${ext}`, `--pack-extension-key=${pem}`], { stdio: 'ignore', timeout: 60000 });
  return { crx: readFileSync(`${ext}.crx`), id: extensionIdOf(publicKey), version: manifest.version };
}

function serveUpdates({ crx, id, version }) {
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${server.address().port}`;
    if (req.url.startsWith('/updates.xml')) {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version='1.0' encoding='UTF-8'?>
<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>
  <app appid='${id}'><updatecheck codebase='${base}/safepost.crx' version='${version}'/></app>
</gupdate>`);
    } else if (req.url === '/safepost.crx') {
      res.writeHead(200, { 'content-type': 'application/x-chrome-extension' }).end(crx);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Chromium with SafePost force-installed by policy. Returns `{context, extensionId, origin, close()}`
 * once the extension's service worker runs (found with CDP `Target.getTargets`: Playwright does
 * not list a policy-installed extension's worker).
 */
export async function launchPolicyChromium({ extensionDir = DIST_CHROME } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'safepost-forced-'));
  let server;
  let context;
  const cleanup = async () => {
    await context?.close().catch(() => {});
    await new Promise((r) => (server ? server.close(() => r()) : r()));
    rmSync(FORCELIST_FILE, { force: true });
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const packed = pack(extensionDir, work);
    server = await serveUpdates(packed);
    const updates = `http://127.0.0.1:${server.address().port}/updates.xml`;
    mkdirSync('/etc/chromium/policies/managed', { recursive: true });
    writeFileSync(FORCELIST_FILE, JSON.stringify({ ExtensionInstallForcelist: [`${packed.id};${updates}`] }));
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      // --disable-background-networking stops policy installs (the update manifest is never fetched).
      ignoreDefaultArgs: ['--disable-extensions', '--disable-background-networking'],
      args: [...CHROMIUM_ARGS.filter((a) => a !== '--disable-background-networking'), '--headless=new'],
      viewport: { width: 1100, height: 800 },
    });
    const origin = `chrome-extension://${packed.id}`;
    const page = context.pages()[0] || await context.newPage();
    const cdp = await context.newCDPSession(page);
    const deadline = Date.now() + 30000;
    for (;;) {
      const { targetInfos } = await cdp.send('Target.getTargets');
      if (targetInfos.some((t) => t.type === 'service_worker' && t.url.startsWith(`${origin}/`))) break;
      if (Date.now() > deadline) throw new Error('the policy did not install SafePost in time');
      await new Promise((r) => setTimeout(r, 200));
    }
    await cdp.detach().catch(() => {});
    return { context, extensionId: packed.id, origin, close: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
