// The effective policy (extension/background/policy/layers.js) with the real core's validation
// (wasm policyCheck in Node): defaults, then managed (wins; invalid values reported and removed,
// the rest applies), then the user's settings (only stricter). What the service worker stores
// must compile in the core without errors and enforce what it says.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadPolicyCore } from '../support/policy-core.mjs';
import { computeEffective, pruneInvalid, parsePath, failModeWithoutCore } from '../../extension/background/policy/layers.js';

let core;
before(async () => { core = await loadPolicyCore(); });

const effective = (managed, user = {}) =>
  computeEffective({ defaults: core.defaults, managed, user, check: core.policyCheck });
const rulesFound = (policy, text) =>
  new core.TextChecker(JSON.stringify(policy), 'www.linkedin.com').check(text).map((f) => [f.rule, f.severity]);

test('no policy at all: the shipped defaults, every value from "default", no errors', () => {
  const e = effective({});
  assert.deepEqual(e.policy, core.defaults);
  assert.deepEqual(e.errors, []);
  assert.ok(Object.values(e.sources).every((s) => s === 'default'));
  assert.equal(e.sources['detectors.credit_card.severity'], 'default');
});

test('an invalid managed value is reported with its place and removed; every valid setting applies', () => {
  const managed = {
    rules: [
      { id: 'codenames', kind: 'keywords', terms: ['Falcon'], severity: 'block', message: 'Codename.' },
      { id: 'broken', kind: 'regex', pattern: '(unclosed' },
      { id: 'half', kind: 'keywords', terms: ['Heron', ''], severity: 'warn' },
    ],
    detectors: { email: { severity: 'high' }, phone: { enabled: false } },
    tickets: { adapter: 'webhook' },
    fail_mode: 'sometimes',
    uploads: { action: 'block' },
    not_a_setting: true,
  };
  const e = effective(managed);
  assert.deepEqual(e.errors.map((x) => `${x.source}:${x.path}`).sort(), [
    'managed:detectors.email.severity', 'managed:fail_mode', 'managed:not_a_setting', 'managed:rules[1].pattern',
    'managed:rules[2].terms[1]', 'managed:tickets.endpoint',
  ]);
  assert.ok(e.errors.every((x) => x.message.length > 5));
  // Valid values applied, invalid ones not.
  assert.equal(e.policy.uploads.action, 'block');
  assert.equal(e.sources['uploads.action'], 'managed');
  assert.equal(e.policy.detectors.phone.enabled, false);
  assert.equal(e.policy.detectors.email.severity, core.defaults.detectors.email.severity);
  assert.equal(e.sources['detectors.email.severity'], 'default');
  assert.equal(e.policy.fail_mode, 'closed', 'a mistyped fail mode is the strictest, never the default');
  assert.equal(e.sources.fail_mode, 'managed');
  assert.equal(e.policy.tickets, undefined);
  assert.deepEqual(e.policy.rules.map((r) => r.id), ['confidential_marker', 'offensive_language', 'codenames', 'half']);
  assert.deepEqual(e.policy.rules.find((r) => r.id === 'half').terms, ['Heron']);
  // What is stored compiles cleanly and enforces the company rule.
  assert.deepEqual(core.policyCheck(e.policy), []);
  assert.deepEqual(rulesFound(e.policy, 'Falcon and Heron'), [['codenames', 'block'], ['half', 'warn']]);
});

test('a managed change to a default rule is merged field by field, and a new kind replaces the match', () => {
  const e = effective({ rules: [
    { id: 'offensive_language', enabled: false },
    { id: 'confidential_marker', kind: 'regex', pattern: 'top\\s+secret', severity: 'block' },
  ] });
  const conf = e.policy.rules.find((r) => r.id === 'confidential_marker');
  assert.equal(conf.terms, undefined, 'the keywords of the default are gone');
  assert.equal(conf.message, core.defaults.rules[0].message, 'fields not named keep their default');
  assert.equal(e.sources['rules[confidential_marker].pattern'], 'managed');
  assert.equal(e.sources['rules[confidential_marker].message'], 'default');
  assert.deepEqual(core.policyCheck(e.policy), []);
  assert.deepEqual(rulesFound(e.policy, 'this is top secret, do not distribute, shit'), [['confidential_marker', 'block']]);
});

test('the user may only make things stricter: stricter settings apply, weaker ones are refused with a reason', () => {
  const managed = { uploads: { action: 'strip' }, detectors: { phone: { enabled: false } }, fail_mode: 'warn',
    rules: [{ id: 'codenames', kind: 'keywords', terms: ['Falcon'], severity: 'block' }] };
  const user = {
    detectors: { phone: { enabled: true }, credit_card: { enabled: false }, email: { severity: 'block' }, iban: { severity: 'info' } },
    rules: [{ id: 'mine', kind: 'keywords', terms: ['Kestrel'], severity: 'block' }, { id: 'codenames', severity: 'warn' }],
    uploads: { action: 'ask' },
    submit: { allow_post_anyway: false },
    fail_mode: 'closed',
    tickets: { adapter: 'email', email_to: 'me@example.com' },
  };
  const e = effective(managed, user);
  // Applied.
  assert.equal(e.policy.detectors.phone.enabled, true);
  assert.equal(e.sources['detectors.phone.enabled'], 'user');
  assert.equal(e.policy.detectors.email.severity, 'block');
  assert.equal(e.policy.submit.allow_post_anyway, false);
  assert.equal(e.policy.fail_mode, 'closed');
  assert.equal(e.sources.fail_mode, 'user');
  assert.equal(e.sources['rules[mine].terms'], 'user');
  // Refused, each with its place.
  const refused = e.errors.filter((x) => x.source === 'user').map((x) => x.path).sort();
  assert.deepEqual(refused, ['detectors.credit_card.enabled', 'detectors.iban.severity', 'rules[1].severity', 'tickets', 'uploads.action']);
  assert.equal(e.policy.detectors.credit_card.enabled, true);
  assert.equal(e.policy.uploads.action, 'strip');
  assert.equal(e.sources['uploads.action'], 'managed');
  assert.equal(e.policy.rules.find((r) => r.id === 'codenames').severity, 'block');
  assert.equal(e.policy.tickets, undefined);
  assert.deepEqual(core.policyCheck(e.policy), []);
  assert.deepEqual(rulesFound(e.policy, 'Falcon meets Kestrel'), [['codenames', 'block'], ['mine', 'block']]);
});

test('a user setting equal to what applies changes nothing and is not an error', () => {
  const e = effective({}, { detectors: { credit_card: { enabled: true, severity: 'block' } }, fail_mode: 'warn' });
  assert.deepEqual(e.errors, []);
  assert.equal(e.sources['detectors.credit_card.severity'], 'default');
  assert.equal(e.sources.fail_mode, 'default');
});

test('a document that is not an object is one error, and nothing from it applies', () => {
  assert.deepEqual(pruneInvalid(['x'], core.policyCheck).doc, {});
  assert.equal(pruneInvalid('text', core.policyCheck).errors.length, 1);
  assert.deepEqual(effective(null).errors, []);
});

test('setting paths', () => {
  assert.deepEqual(parsePath('rules[3].pattern'), ['rules', 3, 'pattern']);
  assert.deepEqual(parsePath('rules[2].terms[1]'), ['rules', 2, 'terms', 1]);
  assert.deepEqual(parsePath('detectors.email.severity'), ['detectors', 'email', 'severity']);
  assert.deepEqual(parsePath('$'), []);
});

test('without the core, the fail mode still comes from the managed policy (and only a stricter user one)', () => {
  assert.equal(failModeWithoutCore({}, {}), 'warn');
  assert.equal(failModeWithoutCore({ fail_mode: 'closed' }, { fail_mode: 'open' }), 'closed');
  assert.equal(failModeWithoutCore({ fail_mode: 'open' }, { fail_mode: 'warn' }), 'warn');
  assert.equal(failModeWithoutCore({ fail_mode: 'bogus' }, {}), 'closed', 'IT asked for a fail mode: a typo fails closed');
});
