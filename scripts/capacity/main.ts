// `npm run capacity -- --bench a.json [--bench b.json ...]`: take the figures the bench files hold
// (`npm run bench -- load`, `--only pipeline|fastpath|models|capacity`), keep the committed ones
// for the rest, and write docs/capacity.json and docs/capacity.md. `npm run capacity -- --check`:
// recompute both from the committed inputs and exit 1 if either differs (no benchmark runs).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FUNCTIONS } from '../../functions';
import { DEFAULT_INPUTS, DEFAULT_SCENARIO } from './defaults';
import { mergeInputs } from './inputs';
import { SIZED_FUNCTIONS, type CapacityInputs, type SizedFunction } from './model';
import { buildPlan, type CapacityPlan, type CapacityScenario } from './plan';
import { renderCapacityDoc } from './render';
import { CAPACITY_JSON, REPO_ROOT } from './committed';

const CAPACITY_MD = 'docs/capacity.md';

const mebibytes = (q: string) => {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unsupported memory quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};

/** What the definitions say (minScale, memory requests): read each time, so a changed definition makes --check fail. */
function fromDefinitions(): { minScale: Record<SizedFunction, number>; memoryMiB: Record<SizedFunction, number> } {
  const pick = <T>(f: (fn: (typeof FUNCTIONS)[number]) => T) =>
    Object.fromEntries(SIZED_FUNCTIONS.map((name) => {
      const fn = FUNCTIONS.find((x) => x.name === name);
      if (!fn) throw new Error(`no function ${name} in functions/registry.ts`);
      return [name, f(fn)];
    })) as Record<SizedFunction, T>;
  return { minScale: pick((fn) => fn.deploy.minScale), memoryMiB: pick((fn) => mebibytes(fn.deploy.requests.memory)) };
}

const serialise = (plan: CapacityPlan) => `${JSON.stringify(plan, null, 2)}\n`;

function main(): void {
  const { values } = parseArgs({ options: { bench: { type: 'string', multiple: true, default: [] }, check: { type: 'boolean', default: false } } });
  const jsonPath = join(REPO_ROOT, CAPACITY_JSON);
  const mdPath = join(REPO_ROOT, CAPACITY_MD);
  const committed = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as CapacityPlan) : undefined;
  const definitions = fromDefinitions();
  let inputs: CapacityInputs = { ...(committed?.inputs ?? DEFAULT_INPUTS), memoryMiB: definitions.memoryMiB };
  const scenario: CapacityScenario = { ...(committed?.scenario ?? DEFAULT_SCENARIO), minScale: definitions.minScale };
  if (values.check && values.bench.length > 0) throw new Error('--check recomputes from the committed inputs: give no --bench');
  if (values.bench.length > 0) {
    const merged = mergeInputs(inputs, values.bench.map((file) => ({ file, json: JSON.parse(readFileSync(file, 'utf8')) as unknown })));
    if (merged.found.length === 0) throw new Error(`no capacity figures in ${values.bench.join(', ')} (want the JSON of npm run bench -- load, or --only pipeline|fastpath|models)`);
    process.stderr.write(`figures taken: ${[...new Set(merged.found)].join(', ')}\n`);
    inputs = merged.inputs;
  }
  const plan = buildPlan(inputs, scenario);
  const json = serialise(plan);
  const md = renderCapacityDoc(plan);
  if (values.check) {
    const stale = [
      [CAPACITY_JSON, json],
      [CAPACITY_MD, md],
    ].filter(([path, fresh]) => !existsSync(join(REPO_ROOT, path!)) || readFileSync(join(REPO_ROOT, path!), 'utf8') !== fresh);
    for (const [path] of stale) console.error(`stale: ${path}`);
    if (stale.length > 0) {
      console.error('run `npm run capacity` (no --bench: recompute from the committed inputs), then `npx tsx scripts/deploy/manifests.ts`, and commit the result');
      process.exit(1);
    }
    return;
  }
  writeFileSync(jsonPath, json);
  writeFileSync(mdPath, md);
  for (const tier of plan.tiers) {
    const replicas = tier.functions.map((f) => `${f.function} ${f.replicas}`).join(', ');
    process.stderr.write(`${tier.messagesPerS} msg/s: ${replicas}; broker ${tier.broker.nodes} nodes / ${tier.broker.cores} cores\n`);
  }
  console.log(`wrote ${CAPACITY_JSON} and ${CAPACITY_MD}; now run npx tsx scripts/deploy/manifests.ts`);
}

main();
