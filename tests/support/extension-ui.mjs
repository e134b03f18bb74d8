// Reading SafePost's on-page UI from tests. The UI lives in an extension frame inside a closed
// shadow root, out of the page's reach; automation reaches it as a frame of the page.

/** Resolves with the SafePost frame of a Playwright (Chromium) or Puppeteer (Firefox) page. */
export async function safepostFrame(page, { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const href = await frame.evaluate(() => location.href).catch(() => '');
      if (/^(chrome|moz)-extension:\/\/[^/]+\/extension\/core\/core\.html/.test(href)) return frame;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the SafePost frame did not appear');
}

/** Waits until `fn` (run in `frame`) returns a truthy value; resolves with it. */
export async function waitInFrame(frame, fn, arg, { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await frame.evaluate(fn, arg).catch((err) => ({ error: err.message }));
    if (last && !last.error) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met in time; last value ${JSON.stringify(last)}`);
}

/** The findings pill's state: `{count, severity, label}` or null while hidden. */
export function pillState() {
  const pill = document.getElementById('count');
  if (!pill || document.getElementById('panel').hidden) return null;
  return { count: Number(pill.dataset.count), severity: pill.dataset.severity, label: pill.textContent };
}

/** The open SafePost dialog: `{title, role, actions: [ids], findings: [rules], text}` or null. */
export function dialogState() {
  const d = document.querySelector('.dialog');
  if (!d) return null;
  return {
    title: d.querySelector('.dialog-title')?.textContent ?? '',
    role: d.getAttribute('role'),
    modal: document.documentElement.classList.contains('modal'),
    focused: document.activeElement?.dataset?.action ?? document.activeElement?.id ?? null,
    actions: [...d.querySelectorAll('.dialog-actions button')].map((b) => b.dataset.action),
    findings: [...d.querySelectorAll('.dialog-findings .finding')].map((f) => f.dataset.rule),
    text: d.innerText,
  };
}

/** Waits for a dialog in the SafePost frame; resolves with its state. */
export function waitForDialog(frame, opts = { timeout: 20000 }) {
  // Generous: the first upload starts the media worker, which compiles the core (slow on a busy machine).
  return waitInFrame(frame, dialogState, undefined, opts);
}

/**
 * Waits until the open dialog listens to input (`data-armed`: it has been visible to the user for
 * its quiet period; see extension/ui/dialog.js).
 */
export async function waitForArmed(frame, opts = { timeout: 10000 }) {
  try {
    return await waitInFrame(frame, () => !!document.querySelector('.dialog[data-armed]'), undefined, opts);
  } catch (err) {
    const waiting = await frame.evaluate(() => document.querySelector('.dialog')?.dataset.waiting ?? 'no dialog').catch(() => '?');
    throw new Error(`the dialog never listened to input (still waiting for: ${waiting}): ${err.message}`);
  }
}

/** Clicks a dialog action button (`data-action`) in the SafePost frame, once the dialog listens. */
export async function chooseInDialog(frame, action) {
  await waitForArmed(frame);
  const ok = await frame.evaluate((a) => {
    const b = document.querySelector(`.dialog [data-action="${a}"]`);
    if (!b) return false;
    b.click();
    return true;
  }, action);
  if (!ok) throw new Error(`no "${action}" button in the SafePost dialog`);
}

/** Waits until no dialog is open in the SafePost frame. */
export function waitForNoDialog(frame, opts) {
  return waitInFrame(frame, () => !document.querySelector('.dialog'), undefined, opts);
}

/** `SAFEPOST_DIST=DIR` tests the build in DIR/test-chrome and DIR/test-firefox (test flavour) instead of dist/. */
export function distDirs() {
  const dir = process.env.SAFEPOST_DIST;
  return dir ? { chrome: `${dir}/test-chrome`, firefox: `${dir}/test-firefox` } : {};
}

/**
 * One browser for the live tests, whichever engine: `{name, newPage(), setFiles(page, selector,
 * path), close()}`. Chromium through playwright-core, Firefox ESR through puppeteer-core (BiDi).
 */
export async function openBrowser(name, { lang = null } = {}) {
  const { launchChromium, launchFirefox } = await import('./browsers.mjs');
  const dist = distDirs();
  if (name === 'chromium') {
    const b = await launchChromium({ ...(dist.chrome ? { extensionDir: dist.chrome } : {}), lang });
    return {
      name,
      raw: b,
      newPage: () => b.context.newPage(),
      setFiles: (page, selector, path) => page.setInputFiles(selector, path),
      close: () => b.close(),
    };
  }
  // Firefox's UI language (Debian's firefox-esr-l10n-<lang> language packs must be installed).
  const prefs = lang ? { 'intl.locale.requested': lang } : {};
  const b = await launchFirefox({ ...(dist.firefox ? { extensionDir: dist.firefox } : {}), prefs });
  return {
    name,
    raw: b,
    newPage: () => b.browser.newPage(),
    async setFiles(page, selector, path) {
      const input = await page.$(selector);
      await input.uploadFile(path);
    },
    close: () => b.close(),
  };
}

/** Opens the textarea fixture page of `server` in `page` and puts the cursor in its composer. */
export async function openTextareaIn(page, server) {
  await page.goto(`${server.url}/fixtures/textarea.html`);
  await page.waitForSelector('body[data-ready]');
  await page.click('#post-text');
  return page;
}

/** Resolves when the server has recorded `count` posts; returns the last one. */
export async function waitForPosts(server, count, { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  while (server.posts.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} post(s), the server has ${server.posts.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return server.posts[count - 1];
}

/** The fields of a recorded multipart post: `{text, editor, media: [{name, type, bytes}]}`. */
export async function postFields(post) {
  const form = await new Response(post.body, { headers: { 'content-type': post.contentType } }).formData();
  const media = [];
  for (const f of form.getAll('media')) media.push({ name: f.name, type: f.type, bytes: Buffer.from(await f.arrayBuffer()) });
  return { text: form.get('text'), editor: form.get('editor'), media };
}
