// The demo: SafePost in Chromium on the bundled composer page (see scripts/demo.sh).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../tests/support/server.mjs';
import { launchChromium, ROOT, DIST_CHROME } from '../tests/support/browsers.mjs';
import { safepostFrame, waitInFrame } from '../tests/support/extension-ui.mjs';

const SAMPLE = 'Great week at the Contoso offsite! Reimburse me on 4527 3312 8806 1000, ' +
  'or mail jordan.doe@contoso.example. Internal only: Project Falcon launches in May.';

const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && !process.env.SAFEPOST_HEADLESS;
const server = await startServer({ port: Number(process.env.PORT || 0) });
console.log(`demo page: ${server.url}/`);
// The test flavour (dist/test-chrome): the shipped build does not run on 127.0.0.1.
const browser = await launchChromium({ extensionDir: DIST_CHROME, headless: !headed });
const page = await browser.context.newPage();
await page.goto(`${server.url}/`);
await page.click('#post-text');
await page.keyboard.type(SAMPLE, { delay: headed ? 25 : 0 });
const frame = await safepostFrame(page);
await waitInFrame(frame, () => Number(document.getElementById('count')?.dataset.count) > 0);
await frame.click('#count');
await page.waitForTimeout(300);

if (headed) {
  console.log('SafePost is running in the Chromium window. Close it (or press Ctrl+C) to stop.');
  await new Promise((resolve) => browser.context.on('close', resolve));
} else {
  const shot = join(ROOT, 'dist', 'demo.png');
  await page.screenshot({ path: shot });
  const count = await frame.evaluate(() => document.getElementById('count').textContent);
  console.log(`SafePost found: ${count}`);
  console.log(`screenshot: ${shot}${existsSync(shot) ? '' : ' (missing!)'}`);
  await browser.close();
}
await server.close();
