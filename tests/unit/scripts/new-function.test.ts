// The scaffold's pure parts: which names it refuses, what it writes, and the registry line.
import { describe, expect, it } from 'vitest';
import { registryWith, scaffoldFiles, scaffoldProblems, type ScaffoldRequest } from '../../../scripts/new-function';

const req = (over: Partial<ScaffoldRequest> = {}): ScaffoldRequest => ({ name: 'flood-limits', consumes: 'raw-messages', produces: [], scaleToZero: false, ...over });

describe('scaffoldProblems', () => {
  it.each([
    { name: 'a kebab-case name', r: req(), existing: [], problems: [] },
    { name: 'digits inside', r: req({ name: 'stage2-limits' }), existing: [], problems: [] },
    { name: 'upper case', r: req({ name: 'FloodLimits' }), existing: [], problems: ['kebab-case'] },
    { name: 'a double hyphen', r: req({ name: 'flood--limits' }), existing: [], problems: ['kebab-case'] },
    { name: 'a path', r: req({ name: '../escape' }), existing: [], problems: ['kebab-case'] },
    { name: 'too long', r: req({ name: 'a'.repeat(41) }), existing: [], problems: ['at most 40'] },
    { name: 'an existing function', r: req(), existing: ['flood-limits'], problems: ['exists already'] },
    { name: 'a loop on its own topic', r: req({ produces: ['raw-messages'] }), existing: [], problems: ['must not produce the topic it consumes'] },
  ])('$name', ({ r, existing, problems }) => {
    const got = scaffoldProblems(r, existing);
    expect(got).toHaveLength(problems.length);
    problems.forEach((p, i) => expect(got[i]).toContain(p));
  });
});

describe('scaffoldFiles', () => {
  it('writes the folder (core, wiring, entry, README, package.json) and a unit test of the core', () => {
    expect(Object.keys(scaffoldFiles(req())).sort()).toEqual([
      'functions/flood-limits/README.md',
      'functions/flood-limits/package.json',
      'functions/flood-limits/src/core.ts',
      'functions/flood-limits/src/function.ts',
      'functions/flood-limits/src/server.ts',
      'tests/unit/functions/flood-limits/core.test.ts',
    ]);
  });

  it('wires the chosen topics and scaling into the definition', () => {
    const files = scaffoldFiles(req({ consumes: 'final-decisions', produces: ['model-training-data'], scaleToZero: true }));
    const fn = files['functions/flood-limits/src/function.ts']!;
    expect(fn).toContain("consumes: ['final-decisions']");
    expect(fn).toContain("produces: ['model-training-data']");
    expect(fn).toContain('scaleToZero: true');
    expect(fn).toContain('minScale: 0');
    expect(files['functions/flood-limits/src/core.ts']).toContain("EventOf<'final-decisions'>");
    expect(files['functions/flood-limits/src/core.ts']).not.toMatch(/from 'node:|@sinbin\/runtime/);
  });
});

describe('registryWith', () => {
  const registry = `// header\nexport { default as alpha } from './alpha/src/function';\nexport { default as gamma } from './gamma/src/function';\n`;

  it.each([
    { name: 'beta', at: 2 },
    { name: 'aardvark', at: 1 },
    { name: 'zulu', at: 3 },
  ])('adds $name as line $at, in name order', ({ name, at }) => {
    const lines = registryWith(registry, name).split('\n');
    expect(lines[at]).toBe(`export { default as ${name} } from './${name}/src/function';`);
    expect(lines.filter((l) => l.startsWith('export'))).toHaveLength(3);
  });

  it('is idempotent, and camel-cases the export', () => {
    const once = registryWith(registry, 'flood-limits');
    expect(registryWith(once, 'flood-limits')).toBe(once);
    expect(once).toContain("export { default as floodLimits } from './flood-limits/src/function';");
  });
});
