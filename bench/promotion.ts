// `npm run bench -- --only lifecycle --promotion [--rate N]`: promotion and rollback twice under a
// steady message rate on the real stack (Kafka, PostgreSQL, MinIO, MLflow; every function its own
// process, models followed from the registry every second). Figures: fast-path latency p50/p99 of
// the steady phase (after a warm-up) against the phases around each swap (from the alias move until 5 s after the
// decisions show the new version), the time each swap took to reach the decisions, and whether
// every accepted message got exactly one final decision (read back from final-decisions).
// The services are the integration suites' (infra/local, their own free ports and state
// directory), started here and stopped by pid file at the end, pass or fail.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FinalDecision } from '@sinbin/contract';
import { freePort } from '@sinbin/runtime';
import { initModels, promote, registerVersion, rollbackChampion } from '@sinbin/scoring';
import { summarize } from './stats';

const say = (line: string) => process.stderr.write(`promotion: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TEXTS = ['gg wp', 'ur trash noob', 'nice ult', 'report this idiot pls', 'mid missing', 'you f u c k i n g idiot', 'lol', 'kys', 'go next', 'ez'];

export async function benchPromotion(opts: { rate: number; steadyS?: number; holdS?: number; warmUpS?: number }): Promise<Record<string, unknown>> {
  // The integration helpers read their ports and state directory when first imported: set them first.
  const stateDir = mkdtempSync(join(tmpdir(), 'sinbin-bench-promotion-'));
  process.env.SINBIN_TEST_STATE_DIR = stateDir;
  process.env.TEST_KAFKA_PORT = String(await freePort());
  process.env.TEST_KAFKA_CONTROLLER_PORT = String(await freePort());
  process.env.TEST_PGPORT = String(await freePort());
  const services = await import('../tests/integration/services');
  const { startLifecycleServers } = await import('../tests/integration/lifecycle/servers');
  const { post, startLoadedStack } = await import('../tests/integration/lifecycle/under-load');
  const { modelCopy } = await import('../tests/helpers/lifecycle');
  const steadyS = opts.steadyS ?? 20;
  const holdS = opts.holdS ?? 8;
  const warmUpS = opts.warmUpS ?? 15;
  const t0 = performance.now();
  say(`starting PostgreSQL, MinIO and MLflow (state ${stateDir})`);
  const servers = await startLifecycleServers();
  try {
    say(`services up in ${Math.round((performance.now() - t0) / 1000)} s; starting Kafka and the stack`);
    const loaded = await startLoadedStack(servers, { gateway: await freePort(), moderation: await freePort(), base: 0 });
    try {
      const { stores, stack } = loaded;
      await initModels(stores, ['sinbin-fast']);
      const v1 = (await stores.registry.byAlias('sinbin-fast', 'champion'))!.version;
      const v2 = (await registerVersion(stores, 'sinbin-fast', modelCopy('fast', 'none', `fast-bench-${Date.now()}`))).version;
      say(`stack up in ${Math.round((performance.now() - t0) / 1000)} s; champion ${v1}, candidate ${v2}; ${opts.rate} msg/s, steady ${steadyS} s, then promote/rollback twice (${holdS} s after each)`);

      // --- the load: batches of 10 every 10 ms-tick share, paced by the clock
      const accepted: string[] = [];
      const refused: Record<string, number> = {};
      let sending = true;
      let seq = 0;
      const perBatch = 10;
      const started = performance.now();
      const load = (async () => {
        const inflight = new Set<Promise<void>>();
        while (sending) {
          const due = Math.floor(((performance.now() - started) / 1000) * opts.rate);
          while (seq < due && inflight.size < 64) {
            const messages = Array.from({ length: perBatch }, (_, i) => {
              const n = seq + i;
              return { messageId: `pb-${n}`, channelId: `pb-match-${n % 40}`, playerId: `pb-p${n % 200}`, text: TEXTS[n % TEXTS.length]! };
            });
            seq += perBatch;
            const p = post(stack, messages).then(
              (status) => void (status === 202 ? accepted.push(...messages.map((m) => m.messageId)) : (refused[status] = (refused[status] ?? 0) + messages.length)),
              () => void (refused.network = (refused.network ?? 0) + messages.length),
            );
            inflight.add(p);
            void p.finally(() => inflight.delete(p));
          }
          await sleep(10);
        }
        await Promise.all(inflight);
      })();

      // --- final decisions as they are published: which version decides now, and every record for the exactly-once count
      const { Kafka, logLevel } = await import('kafkajs');
      const consumer = new Kafka({ clientId: 'bench-promotion', brokers: loaded.brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `bench-promotion-${Date.now()}` });
      const records = new Map<string, FinalDecision[]>();
      let latestFast: { at: number; version: string } | undefined;
      await consumer.connect();
      await consumer.subscribe({ topic: 'final-decisions', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const d = JSON.parse(message.value?.toString() ?? '{}') as FinalDecision;
          if (!d.messageId?.startsWith('pb-')) return;
          records.set(d.messageId, [...(records.get(d.messageId) ?? []), d]);
          const at = Date.parse(d.decidedAt);
          if (d.decidedBy === 'fast' && (!latestFast || at >= latestFast.at)) latestFast = { at, version: d.model === 'sinbin-fast' ? d.modelVersion : `bundled:${d.modelVersion}` };
        },
      });
      const fastVersion = async (): Promise<string | undefined> => latestFast?.version;
      const swaps: { move: string; at: number; seenAfterS: number; windowEnd: number }[] = [];
      const waitFor = async (version: string, move: string, at: number) => {
        while (performance.now() - at < 60_000) {
          if ((await fastVersion()) === version && latestFast!.at >= Date.now() - (performance.now() - at)) {
            const seen = performance.now();
            swaps.push({ move, at: Date.now() - (seen - at), seenAfterS: Math.round((seen - at) / 100) / 10, windowEnd: Date.now() + 5000 });
            say(`${move}: decisions show version ${version} after ${((seen - at) / 1000).toFixed(1)} s`);
            return;
          }
          await sleep(200);
        }
        throw new Error(`${move}: decisions did not show version ${version} within 60 s`);
      };
      // The first decisions may still come from the bundled model, before the first registry poll.
      await waitFor(v1, 'start', performance.now());
      swaps.length = 0;
      // Warm-up, not measured: JIT, connection pools grown to the rate, the broker's first batches.
      await sleep(warmUpS * 1000);
      const steadyFrom = Date.now();
      await sleep(steadyS * 1000);
      const steadyTo = Date.now();
      for (let round = 1; round <= 2; round++) {
        let at = performance.now();
        await promote(stores, 'sinbin-fast', v2);
        await waitFor(v2, `promote ${round}`, at);
        await sleep(holdS * 1000);
        at = performance.now();
        await rollbackChampion(stores, 'sinbin-fast');
        await waitFor(v1, `rollback ${round}`, at);
        await sleep(holdS * 1000);
      }
      sending = false;
      await load;
      const sendS = (performance.now() - started) / 1000;
      say(`sent ${seq}, accepted ${accepted.length} in ${sendS.toFixed(0)} s; reading final-decisions back`);
      const wanted = new Set(accepted);
      const drainBy = Date.now() + 180_000;
      const decidedCount = () => [...wanted].filter((id) => records.has(id)).length;
      while (Date.now() < drainBy && decidedCount() < wanted.size) await sleep(500);
      await sleep(2000); // late duplicates, if any, arrive too
      await consumer.disconnect();
      const decisions = new Map([...records].filter(([id]) => wanted.has(id)));
      const missing = accepted.filter((id) => !decisions.has(id)).length;
      // A record read twice with the same decidedAt is one decision; two decidedAt values are two decisions.
      const duplicated = [...decisions.values()].filter((l) => new Set(l.map((d) => d.decidedAt)).size > 1).length;
      const first = [...decisions.values()].map((l) => l[0]!);
      const fast = first.filter((d) => d.decidedBy === 'fast');
      const inSwap = (d: FinalDecision) => swaps.some((s) => Date.parse(d.decidedAt) >= s.at && Date.parse(d.decidedAt) <= s.windowEnd);
      const steady = fast.filter((d) => Date.parse(d.decidedAt) >= steadyFrom && Date.parse(d.decidedAt) < steadyTo);
      const during = fast.filter(inSwap);
      // The same period without a swap in progress: the holds between the swaps (a baseline of the same load and warmth).
      const between = fast.filter((d) => Date.parse(d.decidedAt) >= steadyTo && !inSwap(d));
      const steadyLatency = summarize(steady.map((d) => d.latencyMs));
      const swapLatency = summarize(during.map((d) => d.latencyMs));
      return {
        runtime: 'Apache Kafka 4 + PostgreSQL + MinIO + MLflow; every function its own process (direct delivery); MODEL_REGISTRY_POLL_MS 1000',
        rate: opts.rate,
        achievedRate: Math.round((seq / sendS) * 10) / 10,
        sent: seq,
        accepted: accepted.length,
        refused,
        decided: decisions.size,
        missing,
        duplicated,
        versions: [...new Set(fast.map((d) => `${d.model ?? 'bundled'}@${d.modelVersion}`))].sort(),
        phases: { warmUpS, steadyS, holdAfterEachMoveS: holdS, swapWindow: 'from the alias move until 5 s after the decisions show the new version' },
        swaps: swaps.map(({ move, seenAfterS }) => ({ move, seenAfterS })),
        fastPathLatencyMs: { steady: steadyLatency, betweenSwaps: summarize(between.map((d) => d.latencyMs)), duringSwaps: swapLatency },
        p99Ratio: steady.length && during.length ? Math.round((swapLatency.p99 / steadyLatency.p99) * 100) / 100 : null,
        p99RatioToBetweenSwaps: between.length && during.length ? Math.round((swapLatency.p99 / summarize(between.map((d) => d.latencyMs)).p99) * 100) / 100 : null,
        wallS: Math.round((performance.now() - t0) / 1000),
      };
    } finally {
      await loaded.stop();
    }
  } finally {
    await servers.stop();
    const problems = await services.stopAllServices(stateDir);
    if (problems.length > 0) say(`stopping: ${problems.join('; ')}`);
    say(`services stopped (state ${resolve(stateDir)})`);
  }
}
