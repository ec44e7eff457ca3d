// Pure core of the training-data sink: where an example lives in the object store.
import type { TrainingExample } from '@sinbin/contract';

/**
 * One object per example, keyed by its deterministic id: a redelivered example overwrites
 * itself instead of becoming a duplicate row. Partitioned by game and day for training jobs.
 */
export function exampleObjectKey(e: TrainingExample): string {
  const day = e.createdAt.slice(0, 10);
  return `training-data/game=${encodeURIComponent(e.gameId)}/date=${day}/${e.source}/${e.exampleId}.json`;
}

export function exampleObjectBody(e: TrainingExample): string {
  return `${JSON.stringify(e)}\n`;
}
