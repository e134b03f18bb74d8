// Live inspection in the editors the social sites use, in real Chromium and real Firefox ESR with
// the real extension, on strict-CSP fixture pages built from the real npm editor packages
// (textarea, Lexical, Draft.js, ProseMirror, Quill):
// - typing a valid card number shows a `block` finding in SafePost's panel;
// - "Show in post" selects exactly the card number in the editor;
// - the site's Post button and Ctrl+Enter are stopped by the submit gate (the server receives
//   nothing), "Edit" returns to the editor, and "Post anyway" with a justification lets the
//   post through with the text exactly as typed (checked in what the server received).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, STRICT_CSP } from '../support/server.mjs';
import {
  openBrowser, safepostFrame, waitInFrame, waitForDialog, waitForNoDialog, chooseInDialog, waitForPosts, postFields,
} from '../support/extension-ui.mjs';

const CARD = '4539 1488 0343 6467';
const TEXT = `Booked the offsite, card ${CARD} exp 12/29`;
const EDITORS = {
  textarea: '#post-text',
  lexical: '#editor[contenteditable]',
  draft: '#editor .public-DraftEditor-content',
  prosemirror: '#editor .ProseMirror',
  quill: '#editor .ql-editor',
};

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What is selected in the composer: the textarea's range, or the document selection's text. */
function selectedText(selector) {
  const el = document.querySelector(selector);
  if (el.localName === 'textarea') return el.value.slice(el.selectionStart, el.selectionEnd);
  return getSelection().toString();
}

async function openEditor(browser, editor) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(`${server.url}/fixtures/${editor}.html`);
  assert.equal(res.headers()['content-security-policy'], STRICT_CSP);
  await page.waitForSelector(`body[data-ready="${editor}"]`);
  await page.click(EDITORS[editor]);
  return { page, errors };
}

for (const browserName of ['chromium', 'firefox']) {
  describe(`${browserName}: composers`, () => {
    let browser;
    before(async () => { browser = await openBrowser(browserName); });
    after(async () => { await browser?.close(); });

    for (const editor of Object.keys(EDITORS)) {
      test(`${editor}: a card number is found, the post is gated, "Post anyway" posts the text intact`, async () => {
        const { page, errors } = await openEditor(browser, editor);
        await page.keyboard.type(TEXT);
        const frame = await safepostFrame(page);
        const pill = await waitInFrame(frame, () => {
          const p = document.getElementById('count');
          return p && p.dataset.count === '1' ? { severity: p.dataset.severity, label: p.textContent } : null;
        });
        assert.equal(pill.severity, 'block');
        assert.match(pill.label, /1 finding/);

        // "Show in post" selects the card number in the editor, through the editor's own selection.
        await frame.evaluate(() => document.getElementById('count').click());
        await frame.evaluate(() => document.getElementById('jump-0').click());
        let selected = '';
        for (let i = 0; i < 50 && selected !== CARD; i++) {
          await sleep(50);
          selected = await page.evaluate(selectedText, EDITORS[editor]);
        }
        assert.equal(selected, CARD);
        assert.equal(await page.evaluate(() => window.fixtureText()), TEXT, 'selecting never changes the text');

        // The Post button is stopped: dialog, nothing sent.
        const before = server.posts.length;
        await page.click('#post');
        const dialog = await waitForDialog(frame);
        assert.equal(dialog.role, 'alertdialog');
        assert.equal(dialog.modal, true);
        assert.deepEqual(dialog.findings, ['credit_card']);
        assert.deepEqual(dialog.actions, ['edit', 'report', 'post']);
        assert.ok(dialog);
        await waitInFrame(frame, () => document.activeElement?.dataset?.action === 'edit'); // the safe choice has the focus
        await sleep(300);
        assert.equal(server.posts.length, before, 'the gate stopped the post');

        // Edit: back to the editor, text untouched, still nothing sent.
        await chooseInDialog(frame, 'edit');
        await waitForNoDialog(frame);
        assert.equal(await page.evaluate(() => window.fixtureText()), TEXT);

        // Ctrl+Enter (the site's keyboard shortcut) is gated too.
        await page.click(EDITORS[editor]);
        await page.keyboard.down('Control');
        await page.keyboard.press('Enter');
        await page.keyboard.up('Control');
        await waitForDialog(frame);
        await sleep(200);
        assert.equal(server.posts.length, before, 'Ctrl+Enter was stopped');

        // Post anyway: first asks for a justification, then the site posts. Whether it is
        // required follows the effective policy (`submit.require_justification`).
        await chooseInDialog(frame, 'post');
        const label = await waitInFrame(frame, () => {
          const box = document.querySelector('.justification');
          return box && !box.hidden && box.querySelector('label').textContent;
        });
        assert.equal(server.posts.length, before, 'the first press only asks why');
        if (/required/.test(label)) {
          await chooseInDialog(frame, 'post');
          await sleep(200);
          assert.ok(await frame.evaluate(() => !!document.querySelector('.dialog')), 'no post without a justification');
          assert.equal(server.posts.length, before);
        }
        await frame.evaluate(() => { document.getElementById('justification').value = 'Card is a dummy for the demo'; });
        await chooseInDialog(frame, 'post');
        await waitForNoDialog(frame);
        const fields = await postFields(await waitForPosts(server, before + 1));
        assert.equal(fields.editor, editor);
        assert.equal(fields.text, TEXT, 'the site received the text exactly as typed');
        assert.deepEqual(errors, []);
        await page.close();
      });
    }

    if (browserName === 'chromium') {
      test('"Report to IT" from the findings panel opens the report form with the post redacted', async () => {
        const { page } = await openEditor(browser, 'textarea');
        await page.keyboard.type(TEXT);
        const frame = await safepostFrame(page);
        await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '1');
        await frame.click('#count');
        const opened = browser.raw.context.waitForEvent('page', { timeout: 10000 });
        await frame.click('#panel-report');
        const report = await opened;
        await report.waitForSelector('#form:not([hidden])');
        assert.match(await report.textContent('#findings-preview'), /credit_card: 4539 •••• •••• 6467/);
        await report.check('#inc-text');
        assert.equal(await report.textContent('#text-preview'), 'Booked the offsite, card [4539 •••• •••• 6467] exp 12/29');
        assert.ok(!(await report.content()).includes(CARD), 'the card number is nowhere in the form');
        await report.close();
        await page.close();
      });

      test('"Report to IT" from the gate dialog opens the report form with the context, never the secret', async () => {
        const { page } = await openEditor(browser, 'textarea');
        await page.keyboard.type(TEXT);
        const frame = await safepostFrame(page);
        await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '1');
        await page.click('#post');
        await waitForDialog(frame);
        const context = browser.raw.context;
        const opened = context.waitForEvent('page', { timeout: 10000 });
        await chooseInDialog(frame, 'report');
        const report = await opened;
        await report.waitForLoadState();
        const draftId = new URL(report.url()).searchParams.get('draft');
        assert.match(report.url(), /\/extension\/report\/report\.html\?draft=/);
        const draft = await report.evaluate((id) => chrome.runtime.sendMessage({ type: 'report.draft', draftId: id }), draftId);
        const ctx = draft.draft.context;
        assert.equal(ctx.site, '127.0.0.1');
        assert.equal(ctx.rule, 'credit_card');
        assert.equal(ctx.severity, 'block');
        assert.deepEqual(ctx.findings.map((f) => f.preview), ['4539 •••• •••• 6467']);
        assert.equal(ctx.text, 'Booked the offsite, card [4539 •••• •••• 6467] exp 12/29',
          'the post is offered with the finding redacted');
        assert.ok(!JSON.stringify(draft).includes(CARD), 'the card number itself never leaves the page');
        // The form offers the post unticked, and shows exactly what would be sent once ticked.
        await report.waitForSelector('#form:not([hidden])');
        assert.equal(await report.isVisible('#inc-text-row'), true);
        assert.equal(await report.isChecked('#inc-text'), false);
        assert.equal(await report.isVisible('#text-preview'), false);
        await report.check('#inc-text');
        assert.equal(await report.textContent('#text-preview'), ctx.text);
        assert.ok(await frame.evaluate(() => !!document.querySelector('.dialog')), 'the dialog stays open');
        await report.close();
        await page.close();
      });
    }

    test('textarea: a form submitted by the site\'s own script is gated too', async () => {
      const { page } = await openEditor(browser, 'textarea');
      await page.keyboard.type(TEXT);
      const frame = await safepostFrame(page);
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.count === '1');
      const before = server.posts.length;
      await page.evaluate(() => document.getElementById('composer').requestSubmit());
      const dialog = await waitForDialog(frame);
      assert.deepEqual(dialog.findings, ['credit_card']);
      await sleep(300);
      assert.equal(server.posts.length, before, 'the submit was stopped');
      await chooseInDialog(frame, 'edit');
      await waitForNoDialog(frame);
      assert.equal(await page.evaluate(() => window.fixtureText()), TEXT);
      await page.close();
    });

    test('textarea: a warning asks once; clean text posts without any dialog', async () => {
      const { page } = await openEditor(browser, 'textarea');
      const warnText = 'Test payment with 4111 1111 1111 1111 worked';
      await page.keyboard.type(warnText);
      const frame = await safepostFrame(page);
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.severity === 'warn');
      const before = server.posts.length;
      await page.click('#post');
      const dialog = await waitForDialog(frame);
      assert.deepEqual(dialog.actions, ['edit', 'report', 'post']);
      await chooseInDialog(frame, 'post');
      assert.equal((await postFields(await waitForPosts(server, before + 1))).text, warnText);

      // Same warning again: confirmed once, so it goes straight through.
      await page.click('#post-text');
      await page.keyboard.type(warnText);
      await waitInFrame(frame, () => document.getElementById('count')?.dataset.severity === 'warn');
      await page.click('#post');
      assert.equal((await postFields(await waitForPosts(server, before + 2))).text, warnText);
      assert.equal(await frame.evaluate(() => !!document.querySelector('.dialog')), false);

      // Clean text: no dialog, posted at once.
      await page.click('#post-text');
      await page.keyboard.type('Great offsite, thanks everyone!');
      await page.click('#post');
      assert.equal((await postFields(await waitForPosts(server, before + 3))).text, 'Great offsite, thanks everyone!');
      await page.close();
    });
  });
}
