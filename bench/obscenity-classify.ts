// The keyword-filter peer of `classify --stage fast` for bench/fast-path.ts: the same JSONL in,
// one JSON verdict per line out, through the `obscenity` npm filter (a word list with
// obfuscation-aware matching). Run as its own process, as the classify CLI is.
//   tsx bench/obscenity-classify.ts --input in.jsonl --output out.jsonl
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';

const { values } = parseArgs({ options: { input: { type: 'string' }, output: { type: 'string' } } });
if (!values.input || !values.output) throw new Error('usage: obscenity-classify --input in.jsonl --output out.jsonl');
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const output = createWriteStream(values.output);
let chunk: string[] = [];
for await (const raw of createInterface({ input: createReadStream(values.input, 'utf8'), crlfDelay: Infinity })) {
  if (raw.trim() === '') continue;
  const line = JSON.parse(raw) as { id: string | number; text: string };
  chunk.push(JSON.stringify({ id: line.id, verdict: matcher.hasMatch(line.text) ? 'toxic' : 'ok' }));
  if (chunk.length >= 1024) {
    if (!output.write(`${chunk.join('\n')}\n`)) await once(output, 'drain');
    chunk = [];
  }
}
if (chunk.length > 0) output.write(`${chunk.join('\n')}\n`);
output.end();
await once(output, 'close');
