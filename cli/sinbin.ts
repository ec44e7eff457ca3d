#!/usr/bin/env -S npx tsx
// `sinbin`: the project's command line.
//   sinbin classify ...                       offline evaluation (same as npm run classify)
//   sinbin retrain [--model sinbin-fast] [--promote] [--watch [--every-verdicts N] [--every-minutes M]]
//   sinbin models list | init | promote <model> <version> | rollback <model>
//   sinbin data erase --game G (--player P | --message M)
//   sinbin retention run [--days N]      decisions past retention archived to MinIO, then pruned from PostgreSQL
// Stores: S3_ENDPOINT / MLFLOW_TRACKING_URI (MinIO / MLflow; `make up` writes them to
// .run/lifecycle.env), else the embedded default's folders under .run/objects.
import { parseArgs } from 'node:util';
import { adoptFormerEnvAtStart, DEFAULT_GATE, numberVar, parseEnv, stableId } from '@sinbin/contract';
import { z } from 'zod';
import { applyRetention, createPool } from '@sinbin/stores';
import { lifecyclePython, openLifecycle, readGateConfig } from './lifecycle/config';
import { initModels, listModels, promote, rollbackChampion } from '@sinbin/scoring';
import { retrain } from './lifecycle/retrain';
import { watchRetrain } from './lifecycle/trigger';
import { ERASURE_PREFIX } from './lifecycle/training-data';

adoptFormerEnvAtStart();

const USAGE = `usage:
  sinbin classify --input in.jsonl --output out.jsonl [--stage fast|cascade]
  sinbin retrain [--model sinbin-fast] [--promote] [--watch [--every-verdicts N] [--every-minutes M]]
  sinbin models list
  sinbin models init                      register the bundled models as version 1 (champion) where none is
  sinbin models promote <model> <version>
  sinbin models rollback <model>
  sinbin data erase --game G (--player P | --message M)
  sinbin retention run [--days N] [--audit-days N]   archive and prune the PostgreSQL ledger (DATABASE_URL)`;

const GateEnv = z.object({
  GATE_F1_TOLERANCE: numberVar(DEFAULT_GATE.f1Tolerance, 0, 1),
  GATE_REVIEW_TOLERANCE: numberVar(DEFAULT_GATE.reviewTolerance, 0, 1),
  GATE_LATENCY_BUDGET_MS: numberVar(DEFAULT_GATE.latencyBudgetMs, 0),
  GATE_CONFIG_FILE: z.string().min(1).optional(),
});

const say = (line: string) => process.stderr.write(`${line}\n`);
const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    say(USAGE);
    return;
  }
  const lc = openLifecycle();
  if (command === 'retrain') {
    const { values } = parseArgs({
      args: rest,
      options: { model: { type: 'string', default: 'sinbin-fast' }, promote: { type: 'boolean', default: false }, watch: { type: 'boolean', default: false }, 'every-verdicts': { type: 'string' }, 'every-minutes': { type: 'string' } },
    });
    const g = parseEnv(GateEnv);
    const envGate = { f1Tolerance: g.GATE_F1_TOLERANCE, reviewTolerance: g.GATE_REVIEW_TOLERANCE, latencyBudgetMs: g.GATE_LATENCY_BUDGET_MS };
    const options = {
      model: values.model!,
      python: lifecyclePython(),
      retentionDays: lc.retentionDays,
      // Per-set tolerances come from the file; what it leaves out, from the GATE_* variables.
      gate: g.GATE_CONFIG_FILE ? readGateConfig(g.GATE_CONFIG_FILE, envGate) : envGate,
      promote: values.promote!,
      log: say,
    };
    say(`stores: objects ${lc.where.objects}, registry ${lc.where.registry}`);
    if (values.watch) {
      await watchRetrain(lc, { ...options, everyVerdicts: Number(values['every-verdicts'] ?? 500), everyMinutes: values['every-minutes'] ? Number(values['every-minutes']) : undefined });
      return;
    }
    const result = await retrain(lc, { ...options, now: new Date() });
    print(result);
    return;
  }
  if (command === 'models') {
    const [sub, model, version] = rest;
    if (sub === 'list') return print(await listModels(lc));
    if (sub === 'init') return print(await initModels(lc));
    if (sub === 'promote' && model && version) return print({ model, ...(await promote(lc, model, version, { recheck: true })) });
    if (sub === 'rollback' && model) return print({ model, ...(await rollbackChampion(lc, model)) });
    throw new Error(USAGE);
  }
  if (command === 'data' && rest[0] === 'erase') {
    const { values } = parseArgs({ args: rest.slice(1), options: { game: { type: 'string' }, player: { type: 'string' }, message: { type: 'string' } } });
    if (!values.game || (!values.player && !values.message)) throw new Error(USAGE);
    const erasure = { gameId: values.game, ...(values.player ? { playerId: values.player } : {}), ...(values.message ? { messageId: values.message } : {}), requestedAt: new Date().toISOString() };
    const key = `${ERASURE_PREFIX}${stableId(erasure.gameId, erasure.playerId ?? '', erasure.messageId ?? '')}.json`;
    await lc.trainingData.put(key, JSON.stringify(erasure), 'application/json');
    return print({ recorded: key, note: 'the next retrain drops these examples' });
  }
  if (command === 'retention' && rest[0] === 'run') {
    const { values } = parseArgs({ args: rest.slice(1), options: { days: { type: 'string' }, 'audit-days': { type: 'string' } } });
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is needed (the stack\'s PostgreSQL: bash infra/local/postgres.sh url)');
    const pool = createPool(url, 2);
    try {
      const days = Number(values.days ?? lc.retentionDays);
      return print(await applyRetention(pool, lc.decisions, { now: new Date(), days, auditDays: Number(values['audit-days'] ?? 365) }));
    } finally {
      await pool.end();
    }
  }
  throw new Error(USAGE);
}

if (process.argv[2] === 'classify') {
  // The offline evaluation CLI, unchanged: it parses its own arguments and exits by itself.
  process.argv = [process.argv[0]!, 'classify', ...process.argv.slice(3)];
  await import('./classify');
} else main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    say(`sinbin: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
