// Where a process's CPU went, from a V8 CPU profile (node --cpu-prof): each sample is put in the
// first category any frame of its stack (leaf first) falls in, so "LMDB" includes the msgpack
// encoding lmdb-js does for us, and "HTTP" the socket writes the server makes. Used for the
// figures in bench/README.md:
//   BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- load --duration 10
//   npx tsx bench/profile-summary.ts /tmp/prof/<largest>.cpuprofile [--from S] [--to S] [--timeline]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const CATEGORIES: [string, (f: CallFrame) => boolean][] = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['PGlite (moderation database, wasm)', (f) => f.url.includes('pglite')],
  ['ONNX (onnxruntime-node)', (f) => f.url.includes('onnxruntime')],
  ['prom-client metrics', (f) => f.url.includes('prom-client') || f.url.includes('runtime/src/metrics')],
  ['LMDB log and stores (lmdb-js, msgpackr, state.ts, lmdb-log.ts, stores.ts)', (f) => /node_modules\/(lmdb|msgpackr|ordered-binary)|stores\/src\/lmdb|lmdb-log\.ts/.test(f.url)],
  ['zod validation', (f) => f.url.includes('/zod/')],
  ['model worker messages (postMessage)', (f) => f.functionName === 'postMessage' || f.url.includes('thread-scorer')],
  ['webhook delivery (fetch/undici)', (f) => f.url.includes('undici') || f.url.includes('webhooks.ts')],
  ['HTTP server and sockets', (f) => /node:_http|node:net|node:internal\/streams|runtime\/src\/http\//.test(f.url) || ['writev', 'writeBuffer', 'writeUtf8String', 'parserOnHeadersComplete'].includes(f.functionName)],
  ['crypto (hashes, ids)', (f) => f.url.includes('crypto')],
  ['scoring (normalisation, features)', (f) => f.url.includes('shared/scoring')],
  ['bus, consume, decoders, records (JSON per hop)', (f) => /memory-bus|consume\.ts|decoders\.ts|records\.ts|host\.ts/.test(f.url)],
  ['functions (gateway, classifier, decision manager)', (f) => f.url.includes('/functions/')],
  ['module loading, tsx', (f) => /modules|tsx/.test(f.url)],
];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, timeline: { type: 'boolean', default: false } } });
const file = positionals[0];
if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [--from S] [--to S] [--timeline]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const from = Number(values.from ?? 0) * 1e6;
const to = Number(values.to ?? Infinity) * 1e6;

const totals = new Map<string, number>();
const busyPerSecond: number[] = [];
const allPerSecond: number[] = [];
let sampled = 0;
let t = 0;
profile.samples.forEach((id, i) => {
  const d = profile.timeDeltas[i] ?? 0;
  t += d;
  const second = Math.floor(t / 1e6);
  allPerSecond[second] = (allPerSecond[second] ?? 0) + d;
  if (byId.get(id)!.callFrame.functionName !== '(idle)') busyPerSecond[second] = (busyPerSecond[second] ?? 0) + d;
  if (t < from || t > to) return;
  sampled += d;
  let category = 'other (V8 program, timers, microtasks)';
  search: for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur)!.callFrame;
    for (const [name, matches] of CATEGORIES) {
      if (matches(frame)) {
        category = name;
        break search;
      }
    }
  }
  totals.set(category, (totals.get(category) ?? 0) + d);
});

if (values.timeline) process.stdout.write(`busy per second: ${allPerSecond.map((all, s) => `${s}:${Math.round((100 * (busyPerSecond[s] ?? 0)) / (all || 1))}%`).join(' ')}\n`);
process.stdout.write(`${(sampled / 1e6).toFixed(1)} s sampled${values.from || values.to ? ` (window ${values.from ?? 0}-${values.to ?? 'end'} s)` : ''}\n`);
for (const [name, us] of [...totals].sort((a, b) => b[1] - a[1])) process.stdout.write(`${((100 * us) / sampled).toFixed(1).padStart(5)} %  ${name}\n`);
