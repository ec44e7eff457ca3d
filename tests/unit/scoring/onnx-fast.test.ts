import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, loadScorer } from '../../../shared/scoring/src/load';
import { loadOnnxFastScorer, type OnnxFastScorer } from '../../../shared/scoring/src/onnx-fast';
import { normalizeForFeatures } from '../../../shared/scoring/src/fast-features';
import { CATEGORIES } from '@sinbin/contract';
import { labelledChat, stubFallback } from './helpers';

describe('ONNX fast scorer', () => {
  let scorer: OnnxFastScorer;
  beforeAll(async () => {
    scorer = await loadOnnxFastScorer(defaultModelDir('fast'));
  });
  afterAll(async () => scorer.close());

  it('loads with kind, version and validation-chosen thresholds', () => {
    expect(scorer.kind).toBe('onnx-fast');
    expect(scorer.version).toMatch(/^fast-/);
    expect(scorer.defaultThresholds.okBelow).toBeLessThan(scorer.defaultThresholds.toxicFrom);
  });

  it('scores a batch the same as one message at a time', async () => {
    const inputs = labelledChat().map((l) => ({ text: l.text }));
    const batched = await scorer.score(inputs);
    expect(batched).toHaveLength(inputs.length);
    for (let i = 0; i < inputs.length; i += 7) {
      const [single] = await scorer.score([inputs[i]!]);
      expect(single!.toxicity).toBeCloseTo(batched[i]!.toxicity, 5);
      for (const c of CATEGORIES) expect(single!.categories[c]).toBeCloseTo(batched[i]!.categories[c], 5);
    }
  });

  it('scores normalised texts as it scores the raw ones (classify normalises once for the model and the rule layer)', async () => {
    const texts = [...labelledChat().map((l) => l.text), '', 'ｆ ｕ ｃ ｋ', 'N00B!!!'];
    expect(await scorer.scoreNormalized(texts.map((t) => normalizeForFeatures(t)))).toEqual(await scorer.score(texts.map((text) => ({ text }))));
  });

  it('computes the linear head in JavaScript with onnxruntime\'s scores (every output, within float32 rounding)', async () => {
    const viaOnnx = await loadOnnxFastScorer(defaultModelDir('fast'), { engine: 'onnx' });
    // Longer and shorter lines, Unicode, an empty one and one over maxFeatures: padding and truncation alike.
    const texts = [...labelledChat().map((l) => l.text), '', 'ｆ ｕ ｃ ｋ 你好 ĝĝ', 'word '.repeat(400)];
    const [a, b] = [await viaOnnx.run(texts), await scorer.run(texts)];
    expect(b).toHaveLength(a.length);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    await viaOnnx.close();
  });

  it('splits batches larger than maxBatch without changing scores', async () => {
    const small = await loadOnnxFastScorer(defaultModelDir('fast'), { maxBatch: 3 });
    const inputs = labelledChat().slice(0, 10).map((l) => ({ text: l.text }));
    const a = await small.score(inputs);
    const b = await scorer.score(inputs);
    a.forEach((s, i) => expect(s.toxicity).toBeCloseTo(b[i]!.toxicity, 5));
    await small.close();
  });

  it('names the categories in CATEGORIES\' order (the order events carry them in)', async () => {
    const [s] = await scorer.score([{ text: 'ur trash noob' }]);
    expect(Object.keys(s!.categories)).toEqual([...CATEGORIES]);
  });

  it('handles empty and whitespace-only messages', async () => {
    const [a, b] = await scorer.score([{ text: '' }, { text: '   ' }]);
    expect(a!.toxicity).toBeGreaterThanOrEqual(0);
    expect(b!.toxicity).toBeLessThanOrEqual(1);
  });

  it('meets an accuracy floor on invented game chat', async () => {
    const lines = labelledChat();
    const scores = await scorer.score(lines.map((l) => ({ text: l.text })));
    const correct = scores.filter((s, i) => (s.toxicity >= scorer.decisionThreshold ? 1 : 0) === lines[i]!.label).length;
    expect(correct / lines.length).toBeGreaterThanOrEqual(0.85);
  });
});

describe('loadScorer for the fast model', () => {
  it('returns the model when it loads', async () => {
    const loaded = await loadScorer({ kind: 'fast', load: loadOnnxFastScorer, fallback: stubFallback });
    expect(loaded.fellBack).toBe(false);
    expect(loaded.scorer.kind).toBe('onnx-fast');
    await loaded.scorer.close?.();
  });

  it('falls back with a clear problem when the folder is missing', async () => {
    const loaded = await loadScorer({ kind: 'fast', load: loadOnnxFastScorer, modelDir: '/nonexistent/sinbin-fast', fallback: stubFallback });
    expect(loaded.fellBack).toBe(true);
    expect(loaded.scorer).toBe(stubFallback);
    expect(loaded.problem).toMatch(/fast model.*\/nonexistent\/sinbin-fast.*fast-model\.json/s);
  });

  it('falls back when the metadata JSON is corrupt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinbin-fast-'));
    writeFileSync(join(dir, 'fast-model.json'), '{ not json');
    const loaded = await loadScorer({ kind: 'fast', load: loadOnnxFastScorer, modelDir: dir, fallback: stubFallback });
    expect(loaded.fellBack).toBe(true);
    expect(loaded.problem).toMatch(/not valid JSON/);
  });

  it('falls back when the ONNX graph is corrupt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinbin-fast-'));
    copyFileSync(join(defaultModelDir('fast'), 'fast-model.json'), join(dir, 'fast-model.json'));
    writeFileSync(join(dir, 'model.onnx'), 'garbage, not a protobuf');
    const loaded = await loadScorer({ kind: 'fast', load: loadOnnxFastScorer, modelDir: dir, fallback: stubFallback });
    expect(loaded.fellBack).toBe(true);
    expect(loaded.problem).toMatch(/cannot load ONNX graph/);
  });
});
