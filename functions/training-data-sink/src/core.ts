// Pure core of the training-data sink: where an example is staged, and how staged examples are
// batched into one compressed JSON-lines object per game and day.
import { stableId, type TrainingExample } from '@sinbin/contract';

const partitionOf = (gameId: string, day: string) => `game=${encodeURIComponent(gameId)}/date=${day}`;

/**
 * One object per example, keyed by its deterministic id: a redelivered example overwrites itself
 * instead of becoming a duplicate row. Staged objects are batched by `compactionPlan`.
 */
export function exampleObjectKey(e: TrainingExample): string {
  return `staging/${partitionOf(e.gameId, e.createdAt.slice(0, 10))}/${e.source}/${e.exampleId}.json`;
}

export function exampleObjectBody(e: TrainingExample): string {
  return `${JSON.stringify(e)}\n`;
}

export interface CompactionBatch {
  /**
   * `game=<g>/date=<d>/batch-<hash>-g<gold>-d<deep>.jsonl.gz`: named by its contents, so a retried
   * batch overwrites itself, and counting examples needs only a listing.
   */
  key: string;
  staged: string[];
}

const STAGED = /^staging\/(game=[^/]+\/date=\d{4}-\d{2}-\d{2})\/([^/]+)\/[^/]+\.json$/;
const BATCH = /\/batch-[0-9a-f]{16}-g(\d+)-d(\d+)\.jsonl\.gz$/;

/** Gold (moderator, appeal) and deep examples in the bucket, from its key listing alone. */
export function countExamples(keys: readonly string[]): { gold: number; deep: number } {
  let gold = 0;
  let deep = 0;
  for (const key of keys) {
    const staged = STAGED.exec(key);
    if (staged) {
      if (staged[2] === 'deep') deep++;
      else gold++;
      continue;
    }
    const batch = BATCH.exec(key);
    if (batch) {
      gold += Number(batch[1]);
      deep += Number(batch[2]);
    }
  }
  return { gold, deep };
}

/** Groups staged keys by game and day, at most `maxPerBatch` examples an object. */
export function compactionPlan(stagedKeys: readonly string[], maxPerBatch = 5000): CompactionBatch[] {
  const byPartition = new Map<string, string[]>();
  for (const key of stagedKeys) {
    const match = STAGED.exec(key);
    if (!match) continue;
    const list = byPartition.get(match[1]!) ?? [];
    list.push(key);
    byPartition.set(match[1]!, list);
  }
  const batches: CompactionBatch[] = [];
  for (const [partition, keys] of [...byPartition].sort(([a], [b]) => a.localeCompare(b))) {
    keys.sort();
    for (let i = 0; i < keys.length; i += maxPerBatch) {
      const staged = keys.slice(i, i + maxPerBatch);
      const { gold, deep } = countExamples(staged);
      batches.push({ key: `${partition}/batch-${stableId(...staged).slice(0, 16)}-g${gold}-d${deep}.jsonl.gz`, staged });
    }
  }
  return batches;
}
