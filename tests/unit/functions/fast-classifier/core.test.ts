import { describe, expect, it } from 'vitest';
import { ClassifiedMessageSchema, type StoredContextLine, type ToxicityScore } from '@sinbin/contract';
import { channelKey, classify, CONTEXT_LINES, needsContext, toModelScore } from '../../../../functions/fast-classifier/src/core';
import { categories, chatMessage, T0 } from '../../../helpers/events';

const thresholds = { okBelow: 0.3, toxicFrom: 0.7 };
const context: StoredContextLine[] = [
  { messageId: 'c1', playerId: 'p2', text: 'you missed again', sentAt: '2026-03-01T11:59:00.000Z' },
  { messageId: 'c2', playerId: 'p1', text: 'lag', sentAt: '2026-03-01T11:59:30.000Z' },
];
const score = (toxicity: number, extra: Partial<ToxicityScore> = {}): ToxicityScore => ({ toxicity, categories: categories({ insult: toxicity }), ...extra });

describe('fast-classifier classify: routing bands', () => {
  it.each([
    { toxicity: 0, route: 'ok' },
    { toxicity: 0.2999, route: 'ok' },
    { toxicity: 0.3, route: 'needs-analysis' },
    { toxicity: 0.5, route: 'needs-analysis' },
    { toxicity: 0.6999, route: 'needs-analysis' },
    { toxicity: 0.7, route: 'toxic' },
    { toxicity: 1, route: 'toxic' },
  ])('toxicity $toxicity with okBelow 0.3 / toxicFrom 0.7 routes $route', ({ toxicity, route }) => {
    const out = classify({ message: chatMessage(), score: score(toxicity), modelVersion: 'v', thresholds, context, now: T0 });
    expect(out.route).toBe(route);
    expect(ClassifiedMessageSchema.parse(out)).toEqual(out);
    // The context is read back exactly for the messages that carry it.
    expect(needsContext(score(toxicity), thresholds)).toBe(route === 'needs-analysis');
  });

  it('a band with okBelow == toxicFrom has no needs-analysis zone', () => {
    const t = { okBelow: 0.5, toxicFrom: 0.5 };
    expect(classify({ message: chatMessage(), score: score(0.4999), modelVersion: 'v', thresholds: t, context, now: T0 }).route).toBe('ok');
    expect(classify({ message: chatMessage(), score: score(0.5), modelVersion: 'v', thresholds: t, context, now: T0 }).route).toBe('toxic');
  });
});

describe('fast-classifier classify: context', () => {
  it.each([
    { toxicity: 0.1, route: 'ok', carriesContext: false },
    { toxicity: 0.5, route: 'needs-analysis', carriesContext: true },
    { toxicity: 0.9, route: 'toxic', carriesContext: false },
  ])('attaches the channel context only when the message needs analysis ($route)', ({ toxicity, carriesContext }) => {
    const out = classify({ message: chatMessage(), score: score(toxicity), modelVersion: 'v', thresholds, context, now: T0 });
    expect(out.context).toEqual(carriesContext ? [{ messageId: 'c1', playerId: 'p2', text: 'you missed again' }, { messageId: 'c2', playerId: 'p1', text: 'lag' }] : []);
  });

  it('drops the stored sentAt from context lines (the wire schema has no such field)', () => {
    const out = classify({ message: chatMessage(), score: score(0.5), modelVersion: 'v', thresholds, context, now: T0 });
    for (const line of out.context) expect(Object.keys(line).sort()).toEqual(['messageId', 'playerId', 'text']);
  });

  it('carries the message, model version and classification time', () => {
    const message = chatMessage({ text: 'hello' });
    const out = classify({ message, score: score(0.1), modelVersion: 'fast-9', thresholds, context: [], now: T0 });
    expect(out.message).toBe(message);
    expect(out.fast.modelVersion).toBe('fast-9');
    expect(out.classifiedAt).toBe(T0.toISOString());
  });

  it('sends at most CONTEXT_LINES lines of context by contract', () => {
    expect(CONTEXT_LINES).toBeGreaterThan(0);
    expect(CONTEXT_LINES).toBeLessThanOrEqual(50);
  });
});

describe('fast-classifier toModelScore', () => {
  it.each([
    { toxicity: -0.2, want: 0 },
    { toxicity: 1.7, want: 1 },
    { toxicity: Number.NaN, want: 0 },
    { toxicity: Number.POSITIVE_INFINITY, want: 0 },
    { toxicity: 0.42, want: 0.42 },
  ])('clamps toxicity $toxicity to $want', ({ toxicity, want }) => {
    expect(toModelScore(score(toxicity), 'v').toxicity).toBe(want);
  });

  it('keeps confidence (clamped) and up to 32 evidence terms, and omits empty evidence', () => {
    const evidence = Array.from({ length: 40 }, (_, i) => `term${i}`);
    const out = toModelScore(score(0.5, { confidence: 1.5, evidence }), 'v');
    expect(out.confidence).toBe(1);
    expect(out.evidence).toEqual(evidence.slice(0, 32));
    const bare = toModelScore(score(0.5, { evidence: [] }), 'v');
    expect(bare).not.toHaveProperty('evidence');
    expect(bare).not.toHaveProperty('confidence');
  });
});

describe('fast-classifier classify with an obscene gesture', () => {
  it.each([
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, want: 'toxic' },
    { band: { okBelow: 0.145, toxicFrom: 0.98 }, want: 'toxic' },
    { band: { okBelow: 0.2, toxicFrom: 1 }, want: 'toxic' },
  ])('takes the toxic route under band $band.okBelow / $band.toxicFrom, and says why', ({ band, want }) => {
    const out = classify({ message: chatMessage({ text: '\u{1F595}' }), score: score(0.95, { obsceneGesture: true }), modelVersion: 'v', thresholds: band, context: [], now: T0 });
    expect(out.route).toBe(want);
    expect(out.fast.obsceneGesture).toBe(true);
    expect(ClassifiedMessageSchema.parse(out).fast.obsceneGesture).toBe(true);
  });
});

describe('fast-classifier classify with an identity attack', () => {
  it.each([
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, analyse: false },
    { band: { okBelow: 0.145, toxicFrom: 0.98 }, analyse: false },
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, analyse: true },
  ])('takes the toxic route under band $band.toxicFrom (other language: $analyse), and the flag travels', ({ band, analyse }) => {
    const out = classify({ message: chatMessage({ text: 'black people are animals' }), score: score(0.9, { identityAttack: true }), modelVersion: 'v', thresholds: band, context: [], now: T0, analyse });
    expect(out.route).toBe('toxic');
    expect(ClassifiedMessageSchema.parse(out).fast.identityAttack).toBe(true);
  });
});

describe('fast-classifier classify with sexual harassment', () => {
  it('takes the toxic route under a band above its floor, and the flag travels', () => {
    const out = classify({ message: chatMessage({ text: 'send nudes' }), score: score(0.9, { sexualHarassment: true }), modelVersion: 'v', thresholds: { okBelow: 0.145, toxicFrom: 0.98 }, context: [], now: T0 });
    expect(out.route).toBe('toxic');
    expect(ClassifiedMessageSchema.parse(out).fast.sexualHarassment).toBe(true);
  });
});

describe('fast-classifier channelKey', () => {
  it('is game/channel, the topic partition key of every message event', () => {
    expect(channelKey({ gameId: 'g', channelId: 'c' })).toBe('g/c');
  });
});
