import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, loadScorer } from '../../../shared/scoring/src/load';
import { buildDeepInput, confidenceOf, loadTransformerDeepScorer, type TransformerDeepScorer } from '../../../shared/scoring/src/transformer-deep';
import type { ScoringInput } from '@sinbin/contract';
import { DEEP_TEXT_FORMS, type DeepTextForm } from '../../../shared/scoring/src/deep-text';
import { FIXTURES, labelledChat, stubFallback } from './helpers';

interface DeepFixture {
  textNormalization?: DeepTextForm;
  cases: { input: ScoringInput; prepared?: string; ids: number[]; types: number[] }[];
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

  it('builds the same token sequences as the Python trainer', () => {
    const fixture = JSON.parse(readFileSync(resolve(FIXTURES, 'deep-input-parity.json'), 'utf8')) as DeepFixture;
    const prepare = DEEP_TEXT_FORMS[fixture.textNormalization ?? 'normalizeText'];
    for (const c of fixture.cases) {
      if (c.prepared !== undefined) expect(prepare(c.input.text)).toBe(c.prepared);
      const seq = scorer.encode(c.input);
      expect(seq.ids).toEqual(c.ids);
      expect(seq.types).toEqual(c.types);
    }
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
