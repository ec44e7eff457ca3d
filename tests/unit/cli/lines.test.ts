// cli/lines.ts: the lines readline would give (crlfDelay Infinity), whatever the chunk size.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { readLineChunks } from '../../../cli/lines';

const dir = mkdtempSync(join(tmpdir(), 'sinbin-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ours(path: string, chunkBytes: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const chunk of readLineChunks(path, chunkBytes)) lines.push(...chunk);
  return lines;
}

async function readline(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

describe('readLineChunks', () => {
  it.each([
    ['empty file', ''],
    ['one line, no final newline', '{"id":1}'],
    ['final newline', 'a\nb\n'],
    ['empty lines kept', 'a\n\n\nb'],
    ['CRLF', 'a\r\nb\r\n'],
    ['lone CR', 'a\rb\rc'],
    ['CR then CRLF', 'a\r\r\nb'],
    ['trailing CR', 'a\r'],
    ['multi-byte characters', 'é😀中\nça va\r\nnul'],
  ])('%s: as readline, at every chunk size', async (_name, text) => {
    const path = join(dir, 'in.txt');
    writeFileSync(path, text);
    const want = await readline(path);
    for (const size of [1, 2, 3, 5, 64]) expect(await ours(path, size), `chunk ${size}`).toEqual(want);
  });
});
