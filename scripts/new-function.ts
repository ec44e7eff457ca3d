// `npm run new:function -- <name> [--consumes <topic>] [--produces <topic>,...] [--scale-to-zero] [--no-install]`
// scaffolds a pipeline step: its folder (pure core, wiring, process entry, README, package.json),
// a table-driven unit test of the core, one line in functions/registry.ts, and regenerated
// deployment artefacts. What is left to write by hand is the core itself (docs/adding-a-function.md).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isTopicName, TOPIC_NAMES, type TopicName } from '@sinbin/contract';

const REPO = resolve(import.meta.dirname, '..');

export interface ScaffoldRequest {
  name: string;
  consumes: TopicName;
  produces: TopicName[];
  scaleToZero: boolean;
}

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The problems with a request, in plain words; empty when it can be scaffolded. */
export function scaffoldProblems(req: ScaffoldRequest, existing: readonly string[]): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(req.name)) problems.push(`name '${req.name}' must be kebab-case: lower-case letters and digits, joined by single hyphens`);
  if (req.name.length > 40) problems.push('name must be at most 40 characters (it becomes a Kubernetes object name and an image name)');
  if (existing.includes(req.name)) problems.push(`functions/${req.name} exists already`);
  if (req.produces.includes(req.consumes)) problems.push(`a function must not produce the topic it consumes (${req.consumes})`);
  return problems;
}

/** The files of a new function, by path relative to the repository root. */
export function scaffoldFiles(req: ScaffoldRequest): Record<string, string> {
  const { name, consumes, produces } = req;
  const id = camel(name);
  const producesList = produces.map((t) => `'${t}'`).join(', ');
  return {
    [`functions/${name}/package.json`]: `${JSON.stringify(
      {
        name: `@sinbin/${name}`,
        version: JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
        private: true,
        type: 'module',
        main: 'src/function.ts',
        scripts: { start: 'tsx src/server.ts' },
        dependencies: { '@sinbin/contract': '0.2.0', '@sinbin/runtime': '0.2.0', zod: '^4.6.7' },
      },
      null,
      2,
    )}\n`,
    [`functions/${name}/README.md`]: `# ${name}

What this step does, in one paragraph: replace this line.

| | |
|---|---|
| consumes | \`${consumes}\` |
| produces | ${produces.length ? produces.map((t) => `\`${t}\``).join(', ') : 'nothing'} |
| scales from zero | ${req.scaleToZero ? 'yes' : 'no'} |

**Core** (\`src/core.ts\`, pure): \`${id}\` decides, from one event, what the step emits.

**Failure policy**: an event that fails its schema is dead-lettered by the runtime; a failing
dependency throws a \`DependencyError\` and the event is retried.
`,
    [`functions/${name}/src/core.ts`]: `// Pure core of ${name}: one ${consumes} event in, what the step emits out. No transport, no
// clock or randomness of its own: the wiring (function.ts) injects them.
import type { EventOf } from '@sinbin/contract';

export interface ${capitalized(id)}Outcome {
  /** Whether the event matters to this step. */
  relevant: boolean;
  reason: string;
}

export function ${id}(event: EventOf<'${consumes}'>): ${capitalized(id)}Outcome {
  const keys = Object.keys(event).length;
  return keys > 0 ? { relevant: true, reason: \`an event with \${keys} fields\` } : { relevant: false, reason: 'an empty event' };
}
`,
    [`functions/${name}/src/function.ts`]: `// Wires ${name}'s core to its ports.
import { z } from 'zod';
import { defineFunction } from '@sinbin/contract';
import { ${id} } from './core';

export default defineFunction({
  name: '${name}',
  description: 'Describe what ${name} does in one line.',
  consumes: ['${consumes}'],
  produces: [${producesList}],
  scaleToZero: ${req.scaleToZero},
  priority: 'background',
  env: z.object({}),
  secrets: [],
  stores: [],
  deploy: {
    minScale: ${req.scaleToZero ? 0 : 1},
    maxScale: 3,
    targetConcurrency: 10,${req.scaleToZero ? "\n    zeroAfter: '15m'," : ''}
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '500m', memory: '256Mi' },
    execTimeout: '30s',
  },
  async start({ log }) {
    return {
      async handle(delivery) {
        if (delivery.topic !== '${consumes}') return [];
        const outcome = ${id}(delivery.event);
        log.debug({ relevant: outcome.relevant, reason: outcome.reason }, '${name} handled an event');
        return [];
      },
      async stop() {},
    };
  },
});
`,
    [`functions/${name}/src/server.ts`]: `// Entry point of this function's own process (of-watchdog upstream or Knative container).
import { runStandalone } from '@sinbin/runtime';
import definition from './function';

await runStandalone(definition);
`,
    [`tests/unit/functions/${name}/core.test.ts`]: `import { describe, expect, it } from 'vitest';
import { ${id} } from '../../../../functions/${name}/src/core';
import { eventOf } from '../../../helpers/events';

describe('${name} ${id}', () => {
  it.each([
    { name: 'a valid ${consumes} event', event: eventOf('${consumes}'), relevant: true },
  ])('$name', ({ event, relevant }) => {
    expect(${id}(event).relevant).toBe(relevant);
  });
});
`,
  };
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** functions/registry.ts with the new function's line, in name order. */
export function registryWith(registry: string, name: string): string {
  const line = `export { default as ${camel(name)} } from './${name}/src/function';`;
  const lines = registry.split('\n');
  const exports = lines.filter((l) => l.startsWith('export {'));
  const at = lines.findIndex((l) => l.startsWith('export {') && l > line);
  if (exports.includes(line)) return registry;
  if (at >= 0) lines.splice(at, 0, line);
  else lines.splice(lines.lastIndexOf(exports[exports.length - 1]!) + 1, 0, line);
  return lines.join('\n');
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      consumes: { type: 'string', default: 'classified-messages' },
      produces: { type: 'string', default: '' },
      'scale-to-zero': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
    },
  });
  const name = positionals[0] ?? '';
  const topics = [values.consumes!, ...values.produces!.split(',').map((t) => t.trim()).filter(Boolean)];
  const unknown = topics.filter((t) => !isTopicName(t));
  if (!name || unknown.length > 0) {
    console.error(`usage: npm run new:function -- <name> [--consumes <topic>] [--produces <topic>,...] [--scale-to-zero] [--no-install]
${unknown.length ? `unknown topic(s): ${unknown.join(', ')}\n` : ''}topics: ${TOPIC_NAMES.join(', ')} (add a new one in shared/contract/src/topics.ts first)`);
    process.exit(2);
  }
  const req: ScaffoldRequest = { name, consumes: values.consumes as TopicName, produces: topics.slice(1) as TopicName[], scaleToZero: values['scale-to-zero']! };
  const existing = existsSync(join(REPO, 'functions', name)) ? [name] : [];
  const problems = scaffoldProblems(req, existing);
  if (problems.length > 0) {
    console.error(`cannot scaffold ${name}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(2);
  }
  for (const [path, content] of Object.entries(scaffoldFiles(req))) {
    mkdirSync(dirname(join(REPO, path)), { recursive: true });
    writeFileSync(join(REPO, path), content);
    console.log(`created ${path}`);
  }
  const registryPath = join(REPO, 'functions', 'registry.ts');
  writeFileSync(registryPath, registryWith(readFileSync(registryPath, 'utf8'), name));
  console.log('registered it in functions/registry.ts');
  const tsx = (script: string) => execFileSync(process.execPath, ['--import', 'tsx', join(REPO, script)], { cwd: REPO, stdio: 'inherit' });
  tsx('scripts/deploy/manifests.ts');
  tsx('scripts/deploy/asyncapi.ts');
  if (!values['no-install']) execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: REPO, stdio: 'inherit' });
  console.log(`\nnext: write functions/${name}/src/core.ts and its table in tests/unit/functions/${name}/core.test.ts (docs/adding-a-function.md)`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
