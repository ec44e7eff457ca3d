// Simulated moderators (`--moderate`): work the moderation queue while the replay runs and answer
// every case of a replayed message from CONDA's label (toxic -> block, ok -> allow); a case whose
// line has no label gets the models' provisional verdict. The block category is the one the models
// read highest, as a moderator who agrees with the reading would pick. Without it, review cases wait
// for people and their decisions arrive after the run.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Label } from './conda';

interface QueuedCase {
  caseId: string;
  message: { messageId: string };
  provisionalVerdict: 'allow' | 'block';
  fast: { categories: Record<string, number> };
  deep?: { categories: Record<string, number> };
}

export interface ModeratorTally {
  answered: number;
  fromLabel: number;
  fromModels: number;
  /** Claims another moderator (or a lapse) got first, and refused answers. */
  skipped: number;
  errors: number;
}

/** The verdict a simulated moderator gives: the label when there is one, else the models' reading. */
export function simulatedVerdict(c: QueuedCase, label: Label | undefined): { verdict: 'allow' | 'block'; category?: string; from: 'label' | 'models' } {
  const verdict = label ? (label === 'toxic' ? 'block' : 'allow') : c.provisionalVerdict;
  if (verdict === 'allow') return { verdict, from: label ? 'label' : 'models' };
  const scores = (c.deep ?? c.fast).categories;
  const category = Object.keys(scores).reduce((best, k) => ((scores[k] ?? 0) > (scores[best] ?? 0) ? k : best), 'insult');
  return { verdict, category, from: label ? 'label' : 'models' };
}

export function startModerators(o: {
  url: string;
  token: string;
  labelOf: (messageId: string) => Label | undefined;
  /** Only cases of this run's messages are answered. */
  ours: (messageId: string) => boolean;
  everyMs?: number;
}): { stop: () => Promise<ModeratorTally> } {
  const tally: ModeratorTally = { answered: 0, fromLabel: 0, fromModels: 0, skipped: 0, errors: 0 };
  const headers = { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' };
  const call = (path: string, body?: unknown) =>
    fetch(`${o.url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(10_000) });
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await call('/v1/cases?limit=50');
        const cases = res.ok ? ((await res.json()) as { cases: QueuedCase[] }).cases.filter((c) => o.ours(c.message.messageId)) : [];
        if (!res.ok) tally.errors++;
        for (const c of cases) {
          if (!running) break;
          const claimed = await call(`/v1/cases/${encodeURIComponent(c.caseId)}/claim`, {});
          await claimed.arrayBuffer().catch(() => undefined);
          if (claimed.status !== 200) {
            tally.skipped++;
            continue;
          }
          const v = simulatedVerdict(c, o.labelOf(c.message.messageId));
          const answer = await call(`/v1/cases/${encodeURIComponent(c.caseId)}/verdict`, { verdict: v.verdict, ...(v.category ? { category: v.category } : {}) });
          await answer.arrayBuffer().catch(() => undefined);
          if (answer.ok) {
            tally.answered++;
            if (v.from === 'label') tally.fromLabel++;
            else tally.fromModels++;
          } else tally.skipped++;
        }
      } catch {
        tally.errors++;
      }
      await sleep(o.everyMs ?? 500);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return tally;
    },
  };
}
