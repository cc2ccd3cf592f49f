/**
 * `npm run lab`: builds the lab, then serves out/lab/ on localhost with the
 * cross-origin isolation headers (COOP/COEP) that WebAssembly threads need, and
 * prints the address. PORT picks the port (8017 by default; 0 for any free one).
 *
 *     npm run lab
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLab } from './build.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.bin': 'application/octet-stream',
};

/** Serves `dir` on 127.0.0.1:`port` with COOP/COEP; resolves with the server and its address. */
export function serveLab(dir: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    };
    if (file !== join(dir, 'index.html') && !file.startsWith(join(dir, sep))) {
      res.writeHead(403, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address() as AddressInfo;
      resolve({ server, url: `http://localhost:${p}/` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = await buildLab();
  const { url } = await serveLab(dir, Number(process.env.PORT ?? 8017));
  console.log(`normgrad lab: open ${url} (Ctrl-C stops the server; ${dir} also works as static files)`);
}
