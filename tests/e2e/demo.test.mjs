// The README's first command ends in scripts/demo.mjs: on a machine without a display it must
// open the bundled demo composer in headless Chromium with the built extension, show findings
// and save a screenshot under dist/, printing its path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/browsers.mjs';

test('the demo runs headless, finds the sample post\'s problems and saves a screenshot', async () => {
  const started = Date.now();
  const env = { ...process.env, SAFEPOST_HEADLESS: '1' };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const { stdout } = await promisify(execFile)('node', [join(ROOT, 'scripts/demo.mjs')], { cwd: ROOT, env, timeout: 120000 });
  assert.match(stdout, /^demo page: http:\/\/127\.0\.0\.1:\d+\/$/m);
  const found = /^SafePost found: (\d+)/m.exec(stdout);
  assert.ok(found && Number(found[1]) >= 3, `the sample post has a card, an e-mail address and a marker: ${stdout}`);
  const shot = /^screenshot: (.+\.png)$/m.exec(stdout);
  assert.ok(shot, stdout);
  assert.equal(shot[1], join(ROOT, 'dist', 'demo.png'));
  assert.ok(statSync(shot[1]).mtimeMs >= started - 1000, 'written by this run');
  const png = readFileSync(shot[1]);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  assert.ok(png.length > 10000, 'a real picture of the page');
});
