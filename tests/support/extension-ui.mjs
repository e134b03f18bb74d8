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
