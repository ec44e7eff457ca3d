import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBody } from '@sinbin/runtime';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(204).end(), 500);
      res.writeHead(req.url === '/busy' ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(`${req.headers['x-probe']}|${req.headers['content-length']}|${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => server.close());

describe('postBody', () => {
  it.each([
    { path: '/', body: 'héllo', status: 200, answer: 'p|6|héllo' },
    { path: '/', body: Buffer.from('{}'), status: 200, answer: 'p|2|{}' },
    { path: '/busy', body: 'x', status: 503, answer: 'p|1|x' },
  ])('POST $path answers $status with the body it was sent', async ({ path, body, status, answer }) => {
    expect(await postBody(`${base}${path}`, { 'x-probe': 'p' }, body, 2000)).toEqual({ status, body: answer });
  });

  it('rejects when no answer comes in time', async () => {
    await expect(postBody(`${base}/slow`, {}, 'x', 100)).rejects.toThrow('no answer in 100 ms');
  });

  it('rejects when nothing listens', async () => {
    await expect(postBody('http://127.0.0.1:1/', {}, 'x', 1000)).rejects.toThrow();
  });
});
