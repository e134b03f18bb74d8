// Parses every JavaScript file of the extension before it is packaged, so a syntax error fails the
// build with its file and line instead of silently stopping a content script or the service worker.
// Usage: node scripts/check-js.mjs DIR
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';

function* jsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* jsFiles(path);
    else if (/\.m?js$/.test(name) && !path.includes('/pkg/')) yield path;
  }
}

let failed = 0;
for (const file of jsFiles(process.argv[2])) {
  try {
    await transform(readFileSync(file, 'utf8'), { loader: 'js', sourcefile: file, logLevel: 'silent' });
  } catch (err) {
    failed++;
    for (const e of err.errors || [err]) {
      console.error(`${file}:${e.location?.line ?? '?'}:${e.location?.column ?? '?'}: ${e.text || e.message}`);
    }
  }
}
if (failed) process.exit(1);
