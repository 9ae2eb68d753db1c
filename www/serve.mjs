#!/usr/bin/env node
// Tiny static server for the demo: serves www/ (demo/, src/, pkg/) on 127.0.0.1 with the right MIME types
// (application/wasm, so WebAssembly.instantiateStreaming works). Usage: node serve.mjs [port]  (or PORT=...; default 8080)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
  '.pack': 'application/octet-stream',
};

/** Serves `root` (default: www/) on `host:port`; `/` redirects to `/demo/` when www/ is served. */
export function startServer(port = 8080, host = '127.0.0.1', root = ROOT) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (url.pathname === '/' && root === ROOT) {
        res.writeHead(302, { Location: '/demo/' }).end();
        return;
      }
      let file = normalize(join(root, decodeURIComponent(url.pathname)));
      if (!file.startsWith(root) || file.split(sep).includes('node_modules')) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  const server = await startServer(port);
  const { port: p } = server.address();
  console.log(`landed demo: http://127.0.0.1:${p}/demo/`);
}
