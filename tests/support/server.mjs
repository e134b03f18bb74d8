// The local web server for the demo and the end-to-end tests (127.0.0.1 only).
//
// Serves the bundled demo composer (demo/) and the editor fixture pages (tests/fixtures/pages/)
// with the strict CSP that real social sites send, and records what the page posts, so tests can
// check what a site would actually have received (text and files).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The CSP issue 2 names: the strictest a social site could send (no frames, no inline script). */
export const FOUNDATION_CSP = "default-src 'self'; script-src 'self'; frame-src 'none'";
/** The same, with thumbnails of the attached photos allowed (the upload fixtures show them). */
export const STRICT_CSP = `${FOUNDATION_CSP}; img-src 'self' blob: data:`;
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml', '.map': 'application/json',
};
const MOUNTS = [
  ['/fixtures/', join(ROOT, 'tests/fixtures/pages')],
  ['/', join(ROOT, 'demo')],
];

/** Starts the server; resolves with `{ url, port, posts, close() }`. */
export function startServer({ port = 0, csp = STRICT_CSP } = {}) {
  const posts = [];
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname === '/api/posts') {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        posts.push({ contentType: req.headers['content-type'] || '', body: Buffer.concat(chunks), at: Date.now() });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: posts.length }));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      const [prefix, dir] = MOUNTS.find(([p]) => url.pathname.startsWith(p));
      let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
      if (rel.endsWith('/')) rel += 'index.html';
      const file = normalize(join(dir, rel));
      if (!file.startsWith(dir)) {
        res.writeHead(403).end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'content-security-policy': csp,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(err.code === 'ENOENT' || err.code === 'EISDIR' ? 404 : 500, { 'content-type': 'text/plain' })
        .end(String(err.code || err.message));
    }
  });
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolveStart({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        posts,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT || 8765);
  startServer({ port }).then((s) => console.log(`SafePost demo server on ${s.url}/`));
}
