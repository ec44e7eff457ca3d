// Model folders and training examples for the lifecycle tests: copies of the bundled models, made
// valid (another version) or broken in the ways registration and loading must refuse.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ObjectStore, TrainingExample } from '@sinbin/contract';
import { exampleObjectBody, exampleObjectKey } from '../../functions/training-data-sink/src/core';

const REPO = resolve(import.meta.dirname, '..', '..');

export type Breakage = 'none' | 'wrong-labels' | 'wrong-input' | 'missing-tokenizer' | 'garbage-onnx';

/** A copy of models/<kind> with a new scorer version, broken as asked. */
export function modelCopy(kind: 'fast' | 'deep', breakage: Breakage = 'none', version = `${kind}-copy-${Date.now()}`): string {
  const dir = join(mkdtempSync(join(tmpdir(), `sinbin-${kind}-copy-`)), kind);
  cpSync(join(REPO, 'models', kind), dir, { recursive: true });
  const metaFile = join(dir, kind === 'fast' ? 'fast-model.json' : 'config.json');
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, unknown> & { sinbin?: Record<string, unknown>; outputs?: string[]; id2label?: Record<string, string> };
  if (kind === 'fast') meta.version = version;
  else meta.sinbin = { ...meta.sinbin, version };
  if (breakage === 'wrong-labels') {
    if (kind === 'fast') meta.outputs = ['toxicity', 'insult', 'profanity', 'identity_hate', 'threat', 'spam'];
    else meta.id2label = { ...meta.id2label, '5': 'spam' };
  }
  if (breakage === 'wrong-input' && kind === 'fast') meta.input = 'tokens';
  writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  if (breakage === 'missing-tokenizer') rmSync(join(dir, 'tokenizer.json'));
  if (breakage === 'garbage-onnx') writeFileSync(join(dir, kind === 'fast' ? 'model.onnx' : 'onnx/model.onnx'), 'not an onnx graph');
  return dir;
}

const LABELLED = readFileSync(join(REPO, 'tests', 'fixtures', 'labelled-chat.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { text: string; label: number });

/** `n` moderator verdicts (staged, as the training-data sink writes them), over the labelled chat fixture. */
export async function seedVerdicts(store: ObjectStore, n: number, opts: { gameId?: string; now?: Date; prefix?: string } = {}): Promise<TrainingExample[]> {
  const out: TrainingExample[] = [];
  for (let i = 0; i < n; i++) {
    const line = LABELLED[i % LABELLED.length]!;
    const id = `${opts.prefix ?? 'v'}-${i}`;
    const e: TrainingExample = {
      exampleId: `ex-${id}`,
      messageId: `msg-${id}`,
      gameId: opts.gameId ?? 'game-a',
      playerId: `p-${i % 17}`,
      text: i < LABELLED.length ? line.text : `${line.text} ${i}`,
      context: [],
      label: line.label ? 'toxic' : 'ok',
      ...(line.label ? { category: 'insult' as const } : {}),
      source: 'moderator',
      createdAt: (opts.now ?? new Date()).toISOString(),
    };
    await store.put(exampleObjectKey(e), exampleObjectBody(e), 'application/x-ndjson');
    out.push(e);
  }
  return out;
}
