// The company-account layer in the effective policy (extension/background/policy/layers.js with
// the real wasm core in Node): only IT sets it, an invalid part is reported with its place and
// removed while the rest applies, and the core's AccountChecker reads the result.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/browsers.mjs';
import { loadPolicyCore } from '../support/policy-core.mjs';
import { computeEffective } from '../../extension/background/policy/layers.js';

let core;
let AccountChecker;
before(async () => {
  core = await loadPolicyCore();
  const mod = await import(join(ROOT, 'target/pkg/safepost.js'));
  await mod.default({ module_or_path: readFileSync(join(ROOT, 'target/pkg/safepost_bg.wasm')) });
  AccountChecker = mod.AccountChecker;
});

const effective = (managed, user = {}) => computeEffective({ defaults: core.defaults, managed, user, check: core.policyCheck });
const CONTOSO = { name: 'Contoso', sites: ['x.com'], handles: ['contoso'] };

test('the shipped policy has the company layer and no account', () => {
  const e = effective({});
  assert.deepEqual(e.policy.company_account.accounts, []);
  assert.equal(e.policy.company_account.confirm_every_post, true);
  assert.deepEqual(e.errors, []);
  const c = new AccountChecker(JSON.stringify(e.policy), 'x.com');
  assert.equal(c.setup().has_accounts, false);
});

test('only IT names company accounts: a user setting is refused', () => {
  const e = effective({}, { company_account: { accounts: [CONTOSO] } });
  assert.deepEqual(e.errors.map((x) => `${x.source}:${x.path}`), ['user:company_account']);
  assert.deepEqual(e.policy.company_account.accounts, []);
});

test('an invalid probe is reported and removed; the accounts and the valid probes still apply', () => {
  const managed = { company_account: { accounts: [CONTOSO], detection: { x: { probes: [
    { selector: '[data-brand] img', read: 'alt', field: 'name' },
    { selector: 'a', field: 'nickname' },
  ] } } } };
  const e = effective(managed);
  assert.deepEqual(e.errors.map((x) => `${x.source}:${x.path}`), ['managed:company_account.detection.x.probes[1].field']);
  assert.deepEqual(e.policy.company_account.detection.x.probes, [{ selector: '[data-brand] img', read: 'alt', field: 'name' }]);
  const c = new AccountChecker(JSON.stringify(e.policy), 'x.com');
  assert.equal(c.setup().has_accounts, true);
  assert.deepEqual(c.identify('handle', '@Contoso'), { status: 'company', account: 'Contoso', company_rules: true });
  assert.deepEqual(c.identify('handle', 'jane'), { status: 'personal', account: null, company_rules: false });
  assert.equal(c.identify(undefined, undefined).status, 'unknown');
  const { findings, because_account: because } = c.check('What a load of shit');
  const i = findings.findIndex((f) => f.rule === 'offensive_language');
  assert.equal(findings[i].severity, 'block');
  assert.equal(because[i], true);
});
