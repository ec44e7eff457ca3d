// Lines of a text file, a chunk's worth at a time. readline's async iterator costs a promise and a
// few events per line, a tenth of a `classify --stage fast` run on short chat lines; this yields
// every complete line of each chunk read at once. Line ends as readline's with crlfDelay Infinity:
// \n, \r\n and a lone \r.
import { createReadStream } from 'node:fs';

const LF = 10;
const CR = 13;

export async function* readLineChunks(path: string, chunkBytes = 1 << 16): AsyncGenerator<string[]> {
  let rest = '';
  // The previous chunk ended with \r: a \n opening this one is the second half of its \r\n.
  let skipLf = false;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes })) {
    let text = chunk as string;
    if (skipLf && text.charCodeAt(0) === LF) text = text.slice(1);
    skipLf = false;
    text = rest + text;
    const last = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (last < 0) {
      rest = text;
      continue;
    }
    skipLf = last === text.length - 1 && text.charCodeAt(last) === CR;
    rest = text.slice(last + 1);
    yield splitLines(text.slice(0, last + 1));
  }
  if (rest !== '') yield [rest];
}

/** The lines of text that ends with a line end. */
export function splitLines(text: string): string[] {
  if (!text.includes('\r')) return text.slice(0, -1).split('\n');
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop();
  return lines;
}
