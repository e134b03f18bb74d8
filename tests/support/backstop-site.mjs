// A site for the network backstop tests, on 127.0.0.1: a composer and scripts that post by the
// doors the DOM cannot see (tests/fixtures/backstop/site.js), under a strict CSP. It records every
// request it receives (method, path, content type, body), so a test checks what actually arrived.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './browsers.mjs';

const DIR = join(ROOT, 'tests/fixtures/backstop');
const CSP = "default-src 'self'; script-src 'self'; img-src 'self'; frame-src 'self'";
const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/site.js': ['site.js', 'text/javascript; charset=utf-8'],
};

/** Starts the site; resolves with `{url, requests, posts(path?), close()}`. */
export function startBackstopSite() {
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const chunks = [];
    for await (const c of req) chunks.push(c);
    requests.push({ method: req.method, path: url.pathname, contentType: req.headers['content-type'] || '',
      body: Buffer.concat(chunks).toString('utf8') });
    try {
      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP }).end('<p>posted</p>');
        return;
      }
      if (url.pathname === '/logo.png') {
        res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' })
          .end(await readFile(join(ROOT, 'extension/icons/16.png')));
        return;
      }
      const file = FILES[url.pathname];
      if (!file) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': file[1], 'content-security-policy': CSP, 'cache-control': 'no-store' })
        .end(await readFile(join(DIR, file[0])));
    } catch (err) {
      res.writeHead(500).end(String(err.message));
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url,
        requests,
        /** The POSTs received (to `path` when given). */
        posts: (path) => requests.filter((r) => r.method === 'POST' && (!path || r.path === path)),
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
