// Bundles the editor fixture pages' scripts (tests/fixtures/pages/src/<page>.js, each using the
// real npm editor packages: Lexical, Draft.js + React, ProseMirror, Quill) with esbuild into
// tests/fixtures/pages/build/, so the pages load them as plain same-origin scripts under the
// strict CSP the test server sends (no inline script, no eval).
// Usage: node scripts/build-fixtures.mjs
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pages = fileURLToPath(new URL('../tests/fixtures/pages/', import.meta.url));
const entries = readdirSync(join(pages, 'src')).filter((f) => f.endsWith('.js') && f !== 'common.js')
  .map((f) => join(pages, 'src', f));
await build({
  entryPoints: entries,
  outdir: join(pages, 'build'),
  bundle: true,
  format: 'iife',
  target: ['chrome120', 'firefox128'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
});
console.error(`fixture pages: bundled ${entries.length} scripts into tests/fixtures/pages/build/`);
