import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, loadScorer } from '../../../shared/scoring/src/load';
import { buildDeepInput, buildDeepWindows, confidenceOf, loadTransformerDeepScorer, messageWindows, type DeepSequence, type TransformerDeepScorer } from '../../../shared/scoring/src/transformer-deep';
import type { ScoringInput } from '@sinbin/contract';
import { DEEP_TEXT_FORMS, type DeepTextForm } from '../../../shared/scoring/src/deep-text';
import { FIXTURES, labelledChat, stubFallback } from './helpers';
import { BAD_TEXTS } from '../../helpers/bad-input';

interface DeepFixture {
  textNormalization?: DeepTextForm;
  cases: { input: ScoringInput; prepared?: string; sequences: DeepSequence[] }[];
  textForms?: Record<DeepTextForm, { text: string; prepared: string; ids: number[] }[]>;
}

describe('transformer deep scorer', () => {
  let scorer: TransformerDeepScorer;
  beforeAll(async () => {
    scorer = await loadTransformerDeepScorer(defaultModelDir('deep'));
  });
  afterAll(async () => scorer.close());

  it('loads from local files with kind and version', () => {
    expect(scorer.kind).toBe('transformer');
    expect(scorer.version).toMatch(/^deep-/);
  });

  it('builds the same token sequences as the Python trainer, windows of long messages included', () => {
    const fixture = JSON.parse(readFileSync(resolve(FIXTURES, 'deep-input-parity.json'), 'utf8')) as DeepFixture;
    const prepare = DEEP_TEXT_FORMS[fixture.textNormalization ?? 'normalizeText'];
    for (const c of fixture.cases) {
      if (c.prepared !== undefined) expect(prepare(c.input.text)).toBe(c.prepared);
      expect(scorer.encode(c.input), c.input.text.slice(0, 40)).toEqual(c.sequences);
    }
    expect(fixture.cases.some((c) => c.sequences.length > 1)).toBe(true);
  });

  it('reads a long message to its end: a threat after the first window still counts', async () => {
    const filler = 'we held the high ground for a while and the carry farmed well while our support warded their jungle, ';
    const harmless = `${filler}${filler}then we lost the fight at roshan`;
    const threat = `${filler}${filler}i know where you live and i will find you and kill you irl`;
    expect(scorer.encode({ text: threat }).length).toBeGreaterThan(1);
    const [calm, menacing, short] = await scorer.score([{ text: harmless }, { text: threat }, { text: 'i know where you live and i will find you and kill you irl' }]);
    expect(menacing!.categories.threat).toBeGreaterThan(0.5);
    expect(menacing!.categories.threat).toBeGreaterThanOrEqual(short!.categories.threat * 0.5);
    expect(calm!.categories.threat).toBeLessThan(0.5);
  });

  it('prepares and tokenises every text form as the Python trainer does', async () => {
    const fixture = JSON.parse(readFileSync(resolve(FIXTURES, 'deep-input-parity.json'), 'utf8')) as DeepFixture;
    const dir = defaultModelDir('deep');
    env.allowRemoteModels = false;
    env.localModelPath = dirname(dir) + '/';
    const tokenizer = await AutoTokenizer.from_pretrained(basename(dir), { local_files_only: true });
    expect(Object.keys(fixture.textForms ?? {}).sort()).toEqual(Object.keys(DEEP_TEXT_FORMS).sort());
    for (const [form, rows] of Object.entries(fixture.textForms ?? {})) {
      for (const row of rows) {
        const prepared = DEEP_TEXT_FORMS[form as DeepTextForm](row.text);
        expect(prepared, `${form}: ${row.text}`).toBe(row.prepared);
        expect(prepared === '' ? [] : tokenizer.encode(prepared, { add_special_tokens: false }), `${form}: ${row.text}`).toEqual(row.ids);
      }
    }
  });

  it('scores a batch the same as one message at a time, with confidence', async () => {
    const inputs = labelledChat().slice(0, 24).map((l) => ({ text: l.text, playerId: l.playerId, context: l.context }));
    const batched = await scorer.score(inputs);
    for (let i = 0; i < inputs.length; i += 5) {
      const [single] = await scorer.score([inputs[i]!]);
      expect(single!.toxicity).toBeCloseTo(batched[i]!.toxicity, 4);
      expect(single!.confidence).toBeGreaterThanOrEqual(0);
      expect(single!.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('meets an accuracy floor on invented game chat', async () => {
    const lines = labelledChat();
    const scores = await scorer.score(lines.map((l) => ({ text: l.text, playerId: l.playerId, context: l.context })));
    const correct = scores.filter((s, i) => (s.toxicity >= scorer.standaloneDecisionThreshold ? 1 : 0) === lines[i]!.label).length;
    expect(correct / lines.length).toBeGreaterThanOrEqual(0.75);
  });
});

describe.each(['deep', 'multilingual'] as const)('bad input through the %s model', (kind) => {
  let model: TransformerDeepScorer;
  beforeAll(async () => {
    model = await loadTransformerDeepScorer(defaultModelDir(kind));
  });
  afterAll(async () => model.close());

  it.each(BAD_TEXTS)('$what -> finite scores in [0, 1], at most maxWindows windows', async ({ text }) => {
    expect(model.encode({ text }).length).toBeLessThanOrEqual(model.inputConfig.maxWindows ?? 1);
    const [s] = await model.score([{ text, context: [{ text }] }]);
    for (const v of [s!.toxicity, s!.confidence!, ...Object.values(s!.categories)]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});

describe('the multilingual model', () => {
  it('builds the same token sequences as the Python trainer', async () => {
    const multilingual = await loadTransformerDeepScorer(defaultModelDir('multilingual'));
    try {
      const fixture = JSON.parse(readFileSync(resolve(FIXTURES, 'multilingual-input-parity.json'), 'utf8')) as DeepFixture;
      for (const c of fixture.cases) expect(multilingual.encode(c.input), c.input.text.slice(0, 40)).toEqual(c.sequences);
    } finally {
      await multilingual.close();
    }
  });
});

describe('message windows', () => {
  // The same table as models/tests/test_deep_input.py (WINDOW_TABLE).
  const table: [number, number, number | undefined, number, number[]][] = [
    [0, 4, 2, 8, [0]],
    [4, 4, 2, 8, [0]],
    [5, 4, 2, 8, [0, 1]],
    [10, 4, 2, 8, [0, 2, 4, 6]],
    [11, 4, 2, 8, [0, 2, 4, 6, 7]],
    [100, 4, 2, 8, [0, 13, 27, 41, 54, 68, 82, 96]],
    [10, 4, 0, 8, [0]],
    [10, 4, undefined, 8, [0]],
    [10, 4, 2, 1, [0]],
    [10, 4, 4, 8, [0, 4, 6]],
  ];
  it.each(table)('%i tokens, window %i, stride %s, at most %i: starts %j', (n, size, stride, max, starts) => {
    expect(messageWindows(n, size, stride, max)).toEqual(starts);
  });

  it('covers every token of a message while under the cap', () => {
    for (let n = 1; n < 60; n++) {
      const covered = new Set(messageWindows(n, 4, 3, 100).flatMap((s) => [0, 1, 2, 3].map((k) => s + k).filter((i) => i < n)));
      expect(covered.size).toBe(n);
    }
  });

  it('gives every window the same context', () => {
    const sp = { pad: 0, cls: 2, sep: 3, self: 5, other: 6 };
    const cfg = { maxLen: 12, messageMax: 4, lineMax: 3, contextLines: 3, windowStride: 2, maxWindows: 8 };
    expect(buildDeepWindows([10, 11, 12, 13, 14], [{ same: true, ids: [40] }], sp, cfg)).toEqual([
      { ids: [2, 10, 11, 12, 13, 3, 5, 40, 3], types: [0, 0, 0, 0, 0, 0, 1, 1, 1] },
      { ids: [2, 11, 12, 13, 14, 3, 5, 40, 3], types: [0, 0, 0, 0, 0, 0, 1, 1, 1] },
    ]);
    expect(buildDeepWindows([10, 11, 12, 13, 14], [], sp, { ...cfg, windowStride: undefined })).toEqual([buildDeepInput([10, 11, 12, 13, 14], [], sp, cfg)]);
  });
});

describe('deep input layout', () => {
  const sp = { pad: 0, cls: 2, sep: 3, self: 5, other: 6 };
  const cfg = { maxLen: 12, messageMax: 4, lineMax: 3, contextLines: 3 };

  it('keeps the newest context lines, oldest first, and marks the speaker', () => {
    const seq = buildDeepInput([10, 11], [{ same: false, ids: [20] }, { same: true, ids: [21, 22] }, { same: false, ids: [23, 24, 25, 26] }], sp, cfg);
    expect(seq.ids).toEqual([2, 10, 11, 3, 5, 21, 22, 6, 23, 24, 25, 3]);
    expect(seq.types).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('has no context part without context', () => {
    expect(buildDeepInput([10], [], sp, cfg)).toEqual({ ids: [2, 10, 3], types: [0, 0, 0] });
  });

  it('confidence is 0 at the decision cut and 1 at the extremes', () => {
    expect(confidenceOf(0.4, 0.4)).toBe(0);
    expect(confidenceOf(1, 0.4)).toBe(1);
    expect(confidenceOf(0, 0.4)).toBe(1);
  });
});

describe('loadScorer for the deep model', () => {
  it('falls back with a clear problem when files are missing', async () => {
    const loaded = await loadScorer({ kind: 'deep', load: loadTransformerDeepScorer, modelDir: '/nonexistent/sinbin-deep', fallback: stubFallback });
    expect(loaded.fellBack).toBe(true);
    expect(loaded.scorer).toBe(stubFallback);
    expect(loaded.problem).toMatch(/deep model: cannot read \/nonexistent\/sinbin-deep\/config\.json/);
  });

  it('falls back when the ONNX file is corrupt', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sinbin-deep-')), 'deep');
    cpSync(defaultModelDir('deep'), dir, { recursive: true });
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not an onnx model');
    const loaded = await loadScorer({ kind: 'deep', load: loadTransformerDeepScorer, modelDir: dir, fallback: stubFallback });
    expect(loaded.fellBack).toBe(true);
    expect(loaded.problem).toMatch(/cannot load ONNX model/);
  });

  it('falls back when config.json is not a sinbin model', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sinbin-deep-')), 'deep');
    cpSync(defaultModelDir('deep'), dir, { recursive: true });
    copyFileSync(join(dir, 'tokenizer_config.json'), join(dir, 'config.json'));
    const loaded = await loadScorer({ kind: 'deep', load: loadTransformerDeepScorer, modelDir: dir, fallback: stubFallback });
    expect(loaded.fellBack).toBe(true);
    expect(loaded.problem).toMatch(/not a sinbin deep model config/);
  });
});
