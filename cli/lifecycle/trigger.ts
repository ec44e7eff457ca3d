// The retraining trigger: every N new gold examples (moderator verdicts, appeals) or every M
// minutes when there are new ones, whichever comes first. Counting reads only the bucket's key
// listing. A retrain that fails (MinIO or MLflow down, too few verdicts) says why and is tried
// again later; the examples wait in the bucket (and, while the sink cannot write, in their topic).
import type { ObjectStore } from '@sinbin/contract';
import { countExamples } from '../../functions/training-data-sink/src/core';
import type { Lifecycle } from '@sinbin/scoring';
import { retrain, type RetrainOptions } from './retrain';

export interface WatchOptions extends Omit<RetrainOptions, 'now'> {
  everyVerdicts: number;
  everyMinutes?: number;
  pollMs?: number;
  /** Stop after this many retrains (tests); forever by default. */
  maxRuns?: number;
}

/** Pure: should a retrain start now? */
export function due(goldNow: number, goldAtLast: number, lastAt: number, now: number, o: { everyVerdicts: number; everyMinutes?: number }): boolean {
  const fresh = goldNow - goldAtLast;
  if (fresh <= 0) return false;
  if (fresh >= o.everyVerdicts) return true;
  return o.everyMinutes !== undefined && now - lastAt >= o.everyMinutes * 60_000;
}

export async function watchRetrain(lc: Lifecycle & { trainingData: ObjectStore }, o: WatchOptions): Promise<void> {
  const tag = 'last_retrain_gold';
  let runs = 0;
  let lastAt = Date.now();
  let failures = 0;
  o.log(`watching: retrain ${o.model} every ${o.everyVerdicts} new verdicts${o.everyMinutes ? ` or every ${o.everyMinutes} min` : ''}`);
  for (;;) {
    try {
      const { gold } = countExamples(await lc.trainingData.list(''));
      const atLast = Number((await lc.registry.getModel(o.model))?.tags[tag] ?? 0);
      if (due(gold, atLast, lastAt, Date.now(), o)) {
        o.log(`${gold - atLast} new verdicts: retraining`);
        const result = await retrain(lc, { ...o, now: new Date() });
        await lc.registry.setModelTag(o.model, tag, String(gold));
        o.log(`retrained: version ${result.version}, gate ${result.gate.passed ? 'passed' : 'failed'}${result.promoted ? ', promoted' : ''}`);
        lastAt = Date.now();
        failures = 0;
        if (o.maxRuns !== undefined && ++runs >= o.maxRuns) return;
      }
    } catch (error) {
      failures++;
      o.log(`retrain failed (attempt ${failures}), trying again later: ${error instanceof Error ? error.message : String(error)}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(10 * 60_000, (o.pollMs ?? 30_000) * 2 ** Math.min(failures, 4))));
  }
}
