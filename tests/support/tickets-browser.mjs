// Chromium for the Report-to-IT tests: like browsers.mjs's launchChromium, but the profile
// directory is the caller's, so a test can close the browser and start it again on the same
// profile (the queue must survive that), and the extension is a private copy of dist/chrome, so
// a rebuild by someone else mid-test cannot change it under the running browser.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROME_EXTENSION_ID, DIST_CHROME } from './browsers.mjs';

/** A private copy of the built extension (SAFEPOST_CHROME_DIR: another build, e.g. the code before a fix); `editManifest(m)` may change the copy's manifest. */
export function extensionCopy({ from = process.env.SAFEPOST_CHROME_DIR || DIST_CHROME, editManifest } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'safepost-ext-'));
  cpSync(from, dir, { recursive: true });
  // Chromium passes a managed value to the extension only if managed_schema.json declares it.
  // Until the shipped schema declares `tickets` (see the report of issue 6), the copy does.
  const schemaFile = join(dir, 'extension/managed_schema.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  if (!schema.properties || !schema.properties.tickets) {
    const str = { type: 'string' };
    schema.properties = { ...(schema.properties || {}), tickets: { type: 'object', properties: Object.fromEntries(
      ['adapter', 'endpoint', 'token', 'username', 'queue', 'service_desk_id', 'request_type_id', 'caller_id',
        'category', 'hmac_secret', 'email_to'].map((k) => [k, str])) } };
    writeFileSync(schemaFile, JSON.stringify(schema));
  }
  if (editManifest) {
    const file = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8'));
    editManifest(m);
    writeFileSync(file, JSON.stringify(m, null, 2));
  }
  return dir;
}

export function newProfile() {
  return mkdtempSync(join(tmpdir(), 'safepost-profile-'));
}

/** Launches Chromium on `profileDir` with the extension in `extensionDir`; `close()` keeps the profile. */
export async function launchChromiumProfile({ profileDir, extensionDir }) {
  // Written again at each start: another suite's clean-up may have removed the directory.
  writePolicy();
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [...CHROMIUM_ARGS, '--headless=new', `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
    viewport: { width: 1000, height: 700 },
  });
  let [serviceWorker] = context.serviceWorkers();
  if (!serviceWorker) serviceWorker = await context.waitForEvent('serviceworker', { timeout: 20000 });
  return {
    context,
    serviceWorker,
    extensionId: new URL(serviceWorker.url()).host,
    /** The current service worker (a new one after the browser stopped an idle worker). */
    async worker() {
      const [sw] = context.serviceWorkers();
      return sw || context.waitForEvent('serviceworker', { timeout: 20000 });
    },
    async close() {
      await context.close().catch(() => {});
    },
  };
}

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'safepost-tickets-test.json');

/**
 * Sets the ticket settings the only way they reach SafePost: Chromium managed policy for the
 * extension (read at browser start; the policy module turns it into `effectivePolicy`). Returns a
 * function that removes the file again (always call it: the directory is machine-wide).
 */
let currentPolicy = null;
function writePolicy() {
  if (currentPolicy === null) return;
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(POLICY_FILE, currentPolicy);
}

export function setManagedTickets(tickets, extra = {}) {
  lockPolicy();
  currentPolicy = JSON.stringify({ '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: { ...extra, ...(tickets ? { tickets } : {}) } } } }, null, 2);
  writePolicy();
  return () => {
    currentPolicy = null;
    rmSync(POLICY_FILE, { force: true });
    unlockPolicy();
  };
}

// The policy directory is machine-wide: two test runs at once (two engineers, or a run and CI)
// would read each other's desk settings. Test files of this suite take turns through a lock
// directory: taken by the first setManagedTickets of a process, released by its remover (or when
// the process exits); a lock older than 15 minutes is stale.
const LOCK = join(tmpdir(), 'safepost-chromium-policy.lock');
let lockHeld = false;
function lockPolicy() {
  if (lockHeld) return;
  for (;;) {
    try {
      mkdirSync(LOCK);
      lockHeld = true;
      process.once('exit', unlockPolicy);
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let age = 0;
      try { age = Date.now() - statSync(LOCK).mtimeMs; } catch { continue; }
      if (age > 15 * 60 * 1000) rmSync(LOCK, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
}
function unlockPolicy() {
  if (!lockHeld) return;
  lockHeld = false;
  rmSync(LOCK, { recursive: true, force: true });
}

const canonical = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));

/** Waits until the effective policy carries exactly these ticket settings (null: none). */
export async function waitForDesk(b, tickets) {
  let seen = null;
  const want = canonical(tickets ?? null);
  return waitFor(async () => {
    const sw = await b.worker();
    const eff = await sw.evaluate(async () => (await chrome.storage.local.get('effectivePolicy')).effectivePolicy || null);
    seen = eff && { tickets: eff.policy && eff.policy.tickets, errors: eff.errors, updatedAt: eff.updatedAt };
    return eff && canonical((eff.policy && eff.policy.tickets) ?? null) === want ? eff : null;
  }, { timeout: 60000, what: 'effective policy with the test\'s ticket settings' })
    .catch((err) => { throw new Error(`${err.message}; effective policy seen: ${JSON.stringify(seen)}`); });
}

/** Saved reports, as the popup sees them. */
export async function reports(b) {
  const sw = await b.worker();
  return sw.evaluate(async () => {
    const all = await chrome.storage.local.get(null);
    return Object.entries(all).filter(([k]) => k.startsWith('ticket:')).map(([, v]) => v);
  });
}

export async function waitFor(fn, { timeout = 30000, interval = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn().catch((err) => ({ error: err.message }));
    if (last && !last.error) return last;
    if (Date.now() > deadline) throw new Error(`${what} not met in time; last ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
