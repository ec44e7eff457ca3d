// `npm run bench`: benchmark figures as JSON on stdout. `npm run bench -- load [--log durable,memory]
// [--rate 2000] [--duration 20] [--clients 50] [--seed 1] [--runs 1] [--out f.json] [--compare prev.json]`:
// the embedded default under single-message POSTs only (bench/load-command.ts). Flags: --only pipeline|sync|kafka|moderation|models|lifecycle|fastpath|limits (--lines N --runs N)|capacity (per-model CPU, memory, load time for npm run capacity),
// --quick, --rate N, --duration S, --batch N, --mode knative|openfaas|direct (kafka),
// --client kafkajs,platformatic (kafka: the client adapters compared in one run, --lines N records, --runs N rounds),
// --promotion (lifecycle: promotion and rollback under --rate on the real stack), --gate-config FILE (lifecycle: the studio's gate, default docs/gate.example.json), --log durable|nosync|memory|all (pipeline: the embedded log; several, comma-separated, run one
// after the other in this run, as a pair to compare). The kafka figures need the local broker and
// PostgreSQL (started through infra/local), so they run only when asked for.
import { adoptFormerEnvAtStart } from '@sinbin/contract';
import { parseArgs } from 'node:util';
import { BENCH_LOGS, type BenchLog, benchPipeline } from './pipeline';

adoptFormerEnvAtStart();

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rate: { type: 'string' },
    duration: { type: 'string' },
    batch: { type: 'string' },
    mode: { type: 'string' },
    client: { type: 'string' },
    'latency-rate': { type: 'string' },
    clients: { type: 'string' },
    wait: { type: 'string' },
    log: { type: 'string' },
    'gate-config': { type: 'string' },
    promotion: { type: 'boolean', default: false },
    seed: { type: 'string' },
    lines: { type: 'string' },
    runs: { type: 'string' },
    out: { type: 'string' },
    compare: { type: 'string' },
  },
});

const figures: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, startedAt: new Date().toISOString() };
if (positionals[0] === 'load') {
  const { loadCommand } = await import('./load-command');
  const result = await loadCommand({
    logs: (values.log ?? 'durable').split(',') as BenchLog[],
    rate: Number(values.rate ?? 2000),
    durationS: Number(values.duration ?? (values.quick ? 5 : 20)),
    batch: Number(values.batch ?? 1),
    clients: Number(values.clients ?? 50),
    seed: Number(values.seed ?? 1),
    runs: Number(values.runs ?? 1),
    ...(values.out ? { out: values.out } : {}),
    ...(values.compare ? { compare: values.compare } : {}),
  });
  process.stdout.write(`${JSON.stringify({ ...figures, ...result }, null, 2)}\n`);
  process.exit(0);
}
if (positionals.length > 0) throw new Error(`unknown benchmark ${positionals.join(' ')} (load)`);
if (!values.only || values.only === 'pipeline') {
  const logs = values.log === 'all' ? BENCH_LOGS : ((values.log ?? 'durable').split(',') as BenchLog[]);
  const unknown = logs.filter((l) => !BENCH_LOGS.includes(l));
  if (unknown.length > 0) throw new Error(`--log: unknown ${unknown.join(', ')} (durable, nosync, memory, all)`);
  const load = { rate: Number(values.rate ?? 2000), durationS: Number(values.duration ?? (values.quick ? 5 : 30)), batch: Number(values.batch ?? 1) };
  const runs: Record<string, unknown> = {};
  for (const [i, log] of logs.entries()) {
    process.stderr.write(`pipeline ${i + 1}/${logs.length}: ${log} log, ${load.rate} msg/s for ${load.durationS} s (about ${load.durationS + 20} s)\n`);
    // One failed run (a child that did not come up on a busy machine) leaves the others' figures.
    runs[log] = await benchPipeline({ ...load, log }).catch((error: unknown) => ({ log, error: String(error) }));
  }
  figures.pipeline = logs.length === 1 ? runs[logs[0]!] : runs;
}
if (!values.only || values.only === 'sync') {
  const { benchSync } = await import('./sync');
  figures.sync = await benchSync({
    rate: Number(values.rate ?? 1000),
    clients: Number(values.clients ?? 50),
    durationS: Number(values.duration ?? (values.quick ? 5 : 20)),
    waitS: Number(values.wait ?? 2),
  });
}
if (values.only === 'kafka' && values.client) {
  // The Kafka client adapters side by side (bench/kafka-clients.ts), instead of the whole pipeline.
  const { benchKafkaClients } = await import('./kafka-clients');
  const { KAFKA_CLIENTS } = await import('@sinbin/runtime');
  const clients = values.client.split(',').map((c) => c.trim());
  const unknown = clients.filter((c) => !(KAFKA_CLIENTS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`--client: unknown ${unknown.join(', ')} (${KAFKA_CLIENTS.join(', ')})`);
  figures.kafkaClients = await benchKafkaClients({
    clients: clients as (typeof KAFKA_CLIENTS)[number][],
    records: Number(values.lines ?? (values.quick ? 20_000 : 100_000)),
    rate: Number(values.rate ?? 2000),
    durationS: Number(values.duration ?? (values.quick ? 5 : 15)),
    runs: Number(values.runs ?? (values.quick ? 1 : 2)),
  });
} else if (values.only === 'kafka') {
  // SINBIN_KAFKA_CLIENT in the environment reaches the stack and its functions.
  const { benchKafka } = await import('./kafka');
  figures.kafka = await benchKafka({
    throughputRate: Number(values.rate ?? 5000),
    latencyRate: Number(values['latency-rate'] ?? 1000),
    durationS: Number(values.duration ?? (values.quick ? 5 : 30)),
    batch: Number(values.batch ?? 10),
    mode: (values.mode ?? 'knative') as 'knative' | 'openfaas' | 'direct',
  });
}
if (!values.only || values.only === 'moderation') {
  const { benchModeration } = await import('./moderation');
  figures.moderation = await benchModeration({ samples: values.quick ? 50 : 200 });
}
if (!values.only || values.only === 'models') {
  try {
    const { benchModels } = await import('./models');
    figures.models = await benchModels({ quick: values.quick });
    // The comparison table for people (stdout stays JSON).
    const table = (figures.models as { table?: string[] }).table;
    if (table) process.stderr.write(table.join('\n') + '\n');
  } catch (error) {
    figures.models = { error: String(error) };
  }
}
if (!values.only || values.only === 'limits') {
  const { benchLimits } = await import('./limits');
  figures.limits = await benchLimits({ messages: values.quick ? 5000 : 20_000, rate: Number(values.rate ?? 2000), passes: 5 });
}
if (values.only === 'fastpath') {
  const { benchFastPath } = await import('./fast-path');
  figures.fastPath = await benchFastPath({ lines: Number(values.lines ?? (values.quick ? 20_000 : 200_000)), runs: Number(values.runs ?? 3) });
}
if (values.only === 'capacity') {
  const { benchCapacity } = await import('./capacity');
  figures.capacity = await benchCapacity({ quick: values.quick });
}
if (values.only === 'lifecycle' && values.promotion) {
  const { benchPromotion } = await import('./promotion');
  figures.promotion = await benchPromotion({ rate: Number(values.rate ?? 500) });
} else if (values.only === 'lifecycle') {
  const { benchLifecycle } = await import('./lifecycle');
  figures.lifecycle = await benchLifecycle({ quick: values.quick, ...(values['gate-config'] ? { gateConfig: values['gate-config'] } : {}) });
}
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
process.exit(0);
