// The training set a retrain reads: every example in the training-data bucket (batched objects
// and those still staged), minus what retention or an erasure removed, one per message, with gold
// labels (moderator verdicts, appeal outcomes) first. Confident deep decisions count for less and
// never alone: they are used only next to enough gold examples, and never against a gold label.
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CATEGORIES, type ObjectStore, type TrainingExample, TrainingExampleSchema } from '@sinbin/contract';

/** An erasure request: every example of the player (or the one message) is dropped from training. */
export const ErasureSchema = z.object({ gameId: z.string().min(1), playerId: z.string().min(1).optional(), messageId: z.string().min(1).optional(), requestedAt: z.string() });
export type Erasure = z.infer<typeof ErasureSchema>;
export const ERASURE_PREFIX = 'erasures/';

export interface LoadedExamples {
  examples: TrainingExample[];
  /** The objects read and how many rows each gave: the run's data snapshot. */
  snapshot: { key: string; rows: number }[];
  erasures: Erasure[];
  unreadable: number;
}

function parseLines(text: string, out: TrainingExample[]): { rows: number; bad: number } {
  let rows = 0;
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parsed = TrainingExampleSchema.safeParse(JSON.parse(line));
    if (parsed.success) {
      out.push(parsed.data);
      rows++;
    } else bad++;
  }
  return { rows, bad };
}

export async function loadExamples(store: ObjectStore, onProgress?: (done: number, total: number) => void): Promise<LoadedExamples> {
  const keys = (await store.list('')).filter((k) => k.endsWith('.jsonl.gz') || (k.startsWith('staging/') && k.endsWith('.json')));
  const examples: TrainingExample[] = [];
  const snapshot: LoadedExamples['snapshot'] = [];
  let unreadable = 0;
  let done = 0;
  for (const key of keys) {
    const body = await store.get(key);
    if (body) {
      const text = key.endsWith('.gz') ? gunzipSync(body).toString('utf8') : Buffer.from(body).toString('utf8');
      const { rows, bad } = parseLines(text, examples);
      unreadable += bad;
      if (!key.startsWith('staging/')) snapshot.push({ key, rows });
      else if (snapshot.at(-1)?.key === 'staging/') snapshot.at(-1)!.rows += rows;
      else snapshot.push({ key: 'staging/', rows });
    }
    onProgress?.(++done, keys.length);
  }
  const erasures: Erasure[] = [];
  for (const key of await store.list(ERASURE_PREFIX)) {
    const body = await store.get(key);
    const parsed = body ? ErasureSchema.safeParse(JSON.parse(Buffer.from(body).toString('utf8'))) : undefined;
    if (parsed?.success) erasures.push(parsed.data);
  }
  return { examples, snapshot, erasures, unreadable };
}

export interface SelectOptions {
  now: Date;
  retentionDays: number;
  /** Weight of a confident deep decision against 1 for a moderator verdict. */
  deepWeight: number;
  /** Deep decisions are used only when at least this many gold examples are in the set. */
  minGoldForDeep: number;
  /** Share of gold examples held out for the gate (recent verdicts) and for threshold validation. */
  holdoutShare: number;
  valShare: number;
}

export const DEFAULT_SELECT: Omit<SelectOptions, 'now' | 'retentionDays'> = { deepWeight: 0.3, minGoldForDeep: 200, holdoutShare: 0.1, valShare: 0.1 };

export interface TrainingRow {
  messageId: string;
  gameId: string;
  language?: string;
  text: string;
  label: 0 | 1;
  categories: Record<string, 0 | 1 | null>;
  weight: number;
  source: TrainingExample['source'];
  split: 'train' | 'val' | 'holdout';
}

export interface TrainingSet {
  rows: TrainingRow[];
  counts: { read: number; expired: number; erased: number; duplicates: number; deepUnused: number; gold: number; deep: number; train: number; val: number; holdout: number };
}

const RANK: Record<TrainingExample['source'], number> = { appeal: 3, moderator: 2, deep: 1 };

/** A message's split is fixed by its id, so it stays on one side across retrains. */
function splitOf(messageId: string, o: SelectOptions): TrainingRow['split'] {
  const bucket = parseInt(createHash('md5').update(`split:${messageId}`).digest('hex').slice(0, 8), 16) / 0xffffffff;
  if (bucket < o.holdoutShare) return 'holdout';
  if (bucket < o.holdoutShare + o.valShare) return 'val';
  return 'train';
}

function categoriesOf(e: TrainingExample): Record<string, 0 | 1 | null> {
  // A blocked message's named category is positive, the others unknown; an allowed one is negative everywhere.
  return Object.fromEntries(CATEGORIES.map((c) => [c, e.label === 'ok' ? 0 : e.category === c ? 1 : null]));
}

export function selectTrainingSet(examples: readonly TrainingExample[], erasures: readonly Erasure[], o: SelectOptions): TrainingSet {
  const cutoff = o.now.getTime() - o.retentionDays * 86_400_000;
  const erased = (e: TrainingExample) =>
    erasures.some((r) => r.gameId === e.gameId && ((r.playerId && r.playerId === e.playerId) || (r.messageId && r.messageId === e.messageId)));
  const counts = { read: examples.length, expired: 0, erased: 0, duplicates: 0, deepUnused: 0, gold: 0, deep: 0, train: 0, val: 0, holdout: 0 };
  const best = new Map<string, TrainingExample>();
  for (const e of examples) {
    if (Date.parse(e.createdAt) < cutoff) {
      counts.expired++;
      continue;
    }
    if (erased(e)) {
      counts.erased++;
      continue;
    }
    const key = `${e.gameId}\u0000${e.messageId}`;
    const held = best.get(key);
    if (held) counts.duplicates++;
    // The strongest source wins; among equals, the latest (an appeal or a corrected verdict).
    if (!held || RANK[e.source] > RANK[held.source] || (RANK[e.source] === RANK[held.source] && e.createdAt > held.createdAt)) best.set(key, e);
  }
  const chosen = [...best.values()];
  counts.gold = chosen.filter((e) => e.source !== 'deep').length;
  const useDeep = counts.gold >= o.minGoldForDeep;
  const rows: TrainingRow[] = [];
  for (const e of chosen.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.messageId.localeCompare(b.messageId))) {
    if (e.source === 'deep' && !useDeep) {
      counts.deepUnused++;
      continue;
    }
    // Deep labels only train: the gate and the thresholds are judged on gold alone.
    const split = e.source === 'deep' ? 'train' : splitOf(e.messageId, o);
    if (e.source === 'deep') counts.deep++;
    counts[split]++;
    rows.push({
      messageId: e.messageId,
      gameId: e.gameId,
      ...(e.language ? { language: e.language } : {}),
      text: e.text,
      label: e.label === 'toxic' ? 1 : 0,
      categories: categoriesOf(e),
      weight: e.source === 'deep' ? o.deepWeight : 1,
      source: e.source,
      split,
    });
  }
  return { rows, counts };
}
