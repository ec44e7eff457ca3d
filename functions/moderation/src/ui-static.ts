// Serves the built moderator UI (ui/dist) at `/` for convenience. The UI is plain static files and
// works from any static host as well; then it reaches this API across origins (CORS).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { HttpResponse, HttpRoute } from '@sinbin/contract';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // The UI's own files only; the API it talks to may be on another origin (connect-src).
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src *; frame-ancestors 'none'; base-uri 'none'",
};

export function uiRoutes(dir: string): HttpRoute[] {
  const cache = new Map<string, Buffer>();

  async function file(name: string, cacheControl: string): Promise<HttpResponse> {
    // Names come from one path segment; anything that could leave the folder is refused.
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) return notFound();
    const path = name === 'index.html' ? join(dir, 'index.html') : join(dir, 'assets', name);
    let body = cache.get(path);
    if (!body) {
      if (!existsSync(path)) return name === 'index.html' ? notBuilt() : notFound();
      body = await readFile(path);
      cache.set(path, body);
    }
    return {
      status: 200,
      headers: { 'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream', 'cache-control': cacheControl, ...SECURITY_HEADERS },
      body,
    };
  }

  const notFound = (): HttpResponse => ({ status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found\n' });
  const notBuilt = (): HttpResponse => ({
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: `The moderator UI is not built (${dir} has no index.html). Build it with: npx vite build ui\n`,
  });

  // index.html is revalidated on every load; Vite's assets have content hashes in their names.
  const index = () => file('index.html', 'no-cache');
  return [
    { method: 'GET', path: '/', handler: index },
    { method: 'GET', path: '/index.html', handler: index },
    { method: 'GET', path: '/assets/:file', handler: (req) => file(req.params.file!, 'public, max-age=31536000, immutable') },
    // The UI asks for config.json to learn where the API is; served from here, it is right here.
    { method: 'GET', path: '/config.json', handler: () => ({ status: 200, headers: { 'cache-control': 'no-cache' }, body: {} }) },
  ];
}
