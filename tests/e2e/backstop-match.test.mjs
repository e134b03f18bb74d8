// The backstop's matcher (extension/background/backstop/match.js) on bodies as sites send them:
// what it must find (every encoding, digits-only card numbers) and what it must leave alone
// (a held word inside another word, a longer number, an unrelated body). No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedText, bodyViews, carriesText, heldForms, heldIn } from '../../extension/background/backstop/match.js';

const enc = new TextEncoder();
const raw = (s) => ({ raw: [{ bytes: enc.encode(s).buffer }] });
const TEXT = 'Reimburse me on 4527 3312 8806 1000 for Project Falcon';
const HELD = [...heldForms('4527 3312 8806 1000'), ...heldForms('Project Falcon')];
const found = (body) => heldIn(bodyViews(body), HELD);

test('held values are found in every encoding a site uses', () => {
  const esc = (s) => s.replace(/[^A-Za-z0-9]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const bodies = {
    'JSON with \\u escapes': raw(`{"status":"${esc(TEXT)}"}`),
    'digits only': raw(JSON.stringify({ status: 'card 4527331288061000' })),
    'dashes': raw(JSON.stringify({ status: 'card 4527-3312-8806-1000' })),
    'URL-encoded': raw(`csrf=x&status=${encodeURIComponent(TEXT)}`),
    'GraphQL variables in a form field': raw(`doc_id=1&variables=${encodeURIComponent(JSON.stringify({ input: { text: TEXT } }))}`),
    'GraphQL variables as a JSON string': raw(JSON.stringify({ variables: JSON.stringify({ text: TEXT }) })),
    'form data': { formData: { status: [TEXT] } },
    'multipart': raw(`--b\r\nContent-Disposition: form-data; name="status"\r\n\r\n${TEXT}\r\n--b--\r\n`),
    'percent-encoded unicode around it': raw(`s=${encodeURIComponent(`Café ☕ ${TEXT}`)}`),
  };
  for (const [name, body] of Object.entries(bodies)) assert.ok(found(body).length > 0, name);
  assert.deepEqual(found(raw(JSON.stringify({ s: 'codename: project falcon!' }))), ['project falcon'], 'case and punctuation do not hide a value');
});

test('unrelated bodies and look-alikes are not matched', () => {
  const held = [...heldForms('ass')];
  assert.deepEqual(heldIn(bodyViews(raw('password=hunter2&class=passive')), held), []);
  assert.deepEqual(found(raw(JSON.stringify({ n: '45273312880610001234' }))), [], 'a longer number is another number');
  assert.deepEqual(found(raw(JSON.stringify({ event: 'composer_open', ms: 1234 }))), []);
  assert.deepEqual(found({ formData: { q: ['falcon'] } }), [], 'part of a held phrase is not the phrase');
  assert.deepEqual(found(undefined), []);
  assert.deepEqual(found({ raw: [{ file: '/tmp/upload.jpg' }] }), [], 'file parts are not read');
});

test('an override passes exactly that text: as one field, or one field per paragraph', () => {
  const a = allowedText(TEXT);
  assert.ok(carriesText(bodyViews(raw(JSON.stringify({ status: TEXT, visibility: 'public' }))), a));
  assert.ok(carriesText(bodyViews({ formData: { status: [TEXT] } }), a));
  assert.ok(!carriesText(bodyViews(raw(JSON.stringify({ status: `${TEXT} and more` }))), a), 'a longer text is another post');
  const two = allowedText('First paragraph\n\nwith 4527 3312 8806 1000');
  assert.ok(carriesText(bodyViews(raw(JSON.stringify({ doc: [{ t: 'First paragraph' }, { t: 'with 4527 3312 8806 1000' }] }))), two));
});
