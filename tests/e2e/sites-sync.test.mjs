// The logic of background/sites.js and background/overrides.js in Node, against a fake
// extension API: which patterns the policy's sites need, that exactly one content script set
// follows the granted ones (registered, updated, unregistered) when permissions change, and that
// overrides keep the last 100 with bounded fields. A supplement to sites-chromium.test.mjs, which
// cannot reach the live permissions.onAdded path (Chromium's prompt cannot be answered headless).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

const listeners = { storage: [], added: [], removed: [] };
const local = {};
const grantedSet = new Set();
let scripts = [];
const calls = [];
const STATIC = ['https://*.linkedin.com/*', 'https://x.com/*', 'https://*.x.com/*', 'http://127.0.0.1/*', 'http://localhost/*'];
const JS = ['a.js', 'b.js'];

globalThis.chrome = {
  runtime: {
    getManifest: () => ({
      content_scripts: [{ matches: STATIC, js: JS, run_at: 'document_start', all_frames: true }],
      optional_host_permissions: ['https://*/*', 'http://*.localhost/*'],
    }),
    getURL: (p) => `chrome-extension://id/${p}`,
    onStartup: { addListener() {} },
  },
  storage: {
    local: {
      async get(k) { return k in local ? { [k]: structuredClone(local[k]) } : {}; },
      async set(o) { Object.assign(local, structuredClone(o)); },
    },
    onChanged: { addListener: (f) => listeners.storage.push(f) },
  },
  permissions: {
    async contains({ origins }) { return origins.every((o) => grantedSet.has(o)); },
    onAdded: { addListener: (f) => listeners.added.push(f) },
    onRemoved: { addListener: (f) => listeners.removed.push(f) },
  },
  scripting: {
    async getRegisteredContentScripts({ ids }) { return structuredClone(scripts.filter((s) => ids.includes(s.id))); },
    async registerContentScripts(list) { calls.push('register'); scripts.push(...structuredClone(list)); },
    async updateContentScripts(list) {
      calls.push('update');
      for (const u of list) Object.assign(scripts.find((s) => s.id === u.id), structuredClone(u));
    },
    async unregisterContentScripts({ ids }) { calls.push('unregister'); scripts = scripts.filter((s) => !ids.includes(s.id)); },
  },
};

let sites;
let overrides;
before(async () => {
  sites = await import('../../extension/background/sites.js');
  overrides = await import('../../extension/background/overrides.js');
});

const setPolicySites = (list) => {
  local.effectivePolicy = { policy: { sites: list } };
  for (const f of listeners.storage) f({ effectivePolicy: {} }, 'local');
};
const settle = () => sites.syncSites();
const FROM_PAGE = { url: 'chrome-extension://id/extension/popup/popup.html' };

describe('IT-added sites', () => {
  test('one pattern per host; http only for *.localhost; hosts the manifest covers are skipped', () => {
    assert.equal(sites.patternFor('Social.Example.com.'), 'https://*.social.example.com/*');
    assert.equal(sites.patternFor('10.1.2.3'), 'https://10.1.2.3/*');
    assert.equal(sites.patternFor('it.localhost'), 'http://*.it.localhost/*');
    assert.equal(sites.patternFor('bad/host'), null);
    assert.equal(sites.patternFor('127.0.0.2'), 'http://127.0.0.2/*');
    assert.deepEqual(sites.wantedPatterns(['linkedin.com', 'www.linkedin.com', 'x.com', 'social.example.com',
      'social.example.com', '127.0.0.1', '127.0.0.2', 'a.localhost'], STATIC), [
      { host: 'social.example.com', pattern: 'https://*.social.example.com/*' },
      { host: 'a.localhost', pattern: 'http://*.a.localhost/*' },
    ], 'covered by the manifest: linkedin, x.com, 127.0.0.1; not requestable: 127.0.0.2');
  });

  test('the registered script set follows the granted hosts exactly', async () => {
    setPolicySites(['social.example.com', 'intranet.example.org', 'linkedin.com']);
    await settle();
    assert.deepEqual(scripts, [], 'nothing granted, nothing registered');
    const status = await sites.siteHandlers['sites.status']({}, FROM_PAGE);
    assert.deepEqual(status, { ok: true, hosts: ['social.example.com', 'intranet.example.org'], granted: [],
      missing: ['https://*.social.example.com/*', 'https://*.intranet.example.org/*'] });
    assert.equal((await sites.siteHandlers['sites.status']({}, { url: 'https://evil.example/' })).ok, false);

    grantedSet.add('https://*.social.example.com/*');
    for (const f of listeners.added) f({ origins: ['https://*.social.example.com/*'] });
    await settle();
    assert.equal(scripts.length, 1);
    assert.deepEqual(scripts[0], { id: 'safepost-it-sites', matches: ['https://*.social.example.com/*'], js: JS,
      runAt: 'document_start', allFrames: true, persistAcrossSessions: true });

    grantedSet.add('https://*.intranet.example.org/*');
    for (const f of listeners.added) f({});
    await settle();
    assert.deepEqual(scripts[0].matches, ['https://*.social.example.com/*', 'https://*.intranet.example.org/*']);
    assert.deepEqual(calls, ['register', 'update']);

    // IT drops a site: its pattern leaves the set even though the permission stays granted.
    setPolicySites(['intranet.example.org']);
    await settle();
    assert.deepEqual(scripts[0].matches, ['https://*.intranet.example.org/*']);

    grantedSet.delete('https://*.intranet.example.org/*');
    for (const f of listeners.removed) f({});
    await settle();
    assert.deepEqual(scripts, []);
    assert.deepEqual(calls, ['register', 'update', 'update', 'unregister']);
  });
});

describe('Post-anyway overrides', () => {
  test('only extension pages record; the last 100 are kept; only known, bounded fields', async () => {
    const handler = overrides.overrideHandlers['gate.override'];
    assert.equal((await handler({ context: {} }, { url: 'https://site.example/' })).ok, false);
    const context = (i) => ({ site: 'social.example.com', justification: `reason ${i}`, text: 'the whole post 4527 3312 8806 1000',
      findings: [{ rule: 'credit_card', severity: 'block', preview: '4527 **** **** 1000', text: '4527 3312 8806 1000' }] });
    const results = await Promise.all(Array.from({ length: 105 }, (_, i) => handler({ context: context(i) }, FROM_PAGE)));
    assert.ok(results.every((r) => r.ok));
    const stored = local.overrides;
    assert.equal(stored.length, 100);
    assert.equal(stored[0].justification, 'reason 5');
    assert.equal(stored[99].justification, 'reason 104');
    assert.deepEqual(Object.keys(stored[99]).sort(), ['at', 'findings', 'justification', 'site']);
    assert.deepEqual(stored[99].findings, [{ rule: 'credit_card', severity: 'block', preview: '4527 **** **** 1000' }]);
    assert.ok(!JSON.stringify(stored).includes('3312'));
    const long = await handler({ context: { site: 'x'.repeat(1000), justification: 'y'.repeat(5000), findings: 'nope' } }, FROM_PAGE);
    assert.ok(long.ok);
    const last = local.overrides.at(-1);
    assert.equal(last.site.length, 253);
    assert.equal(last.justification.length, 500);
    assert.deepEqual(last.findings, []);
    const list = await overrides.overrideHandlers['overrides.list']({}, FROM_PAGE);
    assert.equal(list.overrides[0].justification.length, 500, 'newest first');
  });
});
