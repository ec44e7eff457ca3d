// The lexicon baseline: clean game chat stays low, obfuscated abuse is caught, every score comes
// with the terms that produced it, and game vocabulary ("nice kill") is not read as a threat.
import { describe, expect, it } from 'vitest';
import { createLexiconScorer, DEFAULT_LEXICON, LEXICON_THRESHOLDS, LEXICON_VERSION, type LexiconTerm } from '../../../shared/scoring/src/lexicon';
import { CATEGORIES, routeByThresholds } from '@sinbin/contract';

const scorer = createLexiconScorer();
const score = async (text: string) => (await scorer.score([{ text }]))[0]!;

describe('lexicon scorer on clean game chat', () => {
  it.each([
    'gg wp',
    'nice kill',
    'kill the boss first',
    'he killed me from behind lol',
    'shoot the tank',
    'anyone up for ranked?',
    'heal me pls',
    'push mid, they are low',
    'that was a sick play',
    'brb',
    'grats on the win everyone',
    'can you assassinate the healer',
    'Café at 5?',
    'привет всем',
  ])('%j stays OK', async (text) => {
    const s = await score(text);
    expect(s.toxicity).toBeLessThan(LEXICON_THRESHOLDS.okBelow);
    expect(routeByThresholds(s.toxicity, LEXICON_THRESHOLDS)).toBe('ok');
  });
});

describe('lexicon scorer on abuse, plain and obfuscated', () => {
  it.each([
    { text: 'you are an idiot', evidence: ['idiot'], category: 'insult' },
    { text: 'y0u 4re an 1d10t', evidence: ['idiot'], category: 'insult' },
    { text: 'u r an i d i o t', evidence: ['idiot'], category: 'insult' },
    { text: 'f u c k you', evidence: ['fuck'], category: 'profanity' },
    { text: 'fuuuuuck you', evidence: ['fuck'], category: 'profanity' },
    { text: 'ｆｕｃｋ you', evidence: ['fuck'], category: 'profanity' },
    { text: 'fuсk you', evidence: ['fuck'], category: 'profanity' },
    { text: 'kys', evidence: ['kys'], category: 'threat' },
    { text: 'k.y.s', evidence: ['kys'], category: 'threat' },
    { text: 'just kill yourself', evidence: ['kill yourself'], category: 'threat' },
    { text: 'i will kill you', evidence: ['i will kill you'], category: 'threat' },
    { text: 'report this retard', evidence: ['retard'], category: 'identity_hate' },
    { text: 'r3t4rd', evidence: ['retard'], category: 'identity_hate' },
    { text: 'you suck', evidence: ['suck', 'you suck'], category: 'insult' },
  ])('$text scores toxic with evidence $evidence', async ({ text, evidence, category }) => {
    const s = await score(text);
    expect(s.toxicity).toBeGreaterThanOrEqual(LEXICON_THRESHOLDS.toxicFrom);
    expect(s.evidence).toEqual(evidence);
    const top = CATEGORIES.reduce((a, b) => (s.categories[b] > s.categories[a] ? b : a));
    expect(top).toBe(category);
  });

  it('reads "ur trash noob" as ambiguous: a mild insult aimed at someone', async () => {
    const s = await score('ur trash noob');
    expect(routeByThresholds(s.toxicity, LEXICON_THRESHOLDS)).toBe('needs-analysis');
    expect(s.evidence).toEqual(['trash', 'noob']);
  });

  it('a second-person word makes an insult directed, and scores it higher', async () => {
    const undirected = await score('trash');
    const directed = await score('you are trash');
    expect(directed.toxicity).toBeGreaterThan(undirected.toxicity);
    expect(directed.categories.insult).toBeCloseTo(undirected.categories.insult + 0.15, 9);
  });

  it('the directed boost applies to insults only', async () => {
    expect((await score('kys')).toxicity).toBe((await score('kys you')).toxicity);
  });

  it('more bad terms never lower the score', async () => {
    const one = await score('idiot');
    const two = await score('idiot moron');
    expect(two.toxicity).toBeGreaterThan(one.toxicity);
    expect(two.toxicity).toBeLessThanOrEqual(1);
  });
});

describe('lexicon scorer output', () => {
  it('scores a batch in order, one score per input', async () => {
    const out = await scorer.score([{ text: 'gg' }, { text: 'kys' }, { text: 'gg' }]);
    expect(out.map((s) => s.toxicity > 0.5)).toEqual([false, true, false]);
    expect(await scorer.score([])).toEqual([]);
  });

  it('reports confidence as the distance from 0.5, and every value in [0, 1]', async () => {
    for (const text of ['gg', 'ur trash noob', 'kys', 'you suck idiot moron fuck']) {
      const s = await score(text);
      expect(s.confidence).toBeCloseTo(Math.abs(s.toxicity - 0.5) * 2, 5);
      for (const v of [s.toxicity, s.confidence!, ...Object.values(s.categories)]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  });

  it('clean chat has no evidence and zero toxicity', async () => {
    expect(await score('gg wp')).toMatchObject({ toxicity: 0, evidence: [], confidence: 1 });
  });

  it('names its version for decisions', () => {
    expect(scorer.kind).toBe('lexicon');
    expect(scorer.version).toBe(LEXICON_VERSION);
  });

  it('takes a custom lexicon, with exact, prefix and anywhere matching', async () => {
    const terms: LexiconTerm[] = [
      { term: 'bad', category: 'insult', weight: 0.5, match: 'exact' },
      { term: 'grief', category: 'insult', weight: 0.6, match: 'prefix' },
      { term: 'toxicword', category: 'profanity', weight: 0.8, match: 'anywhere' },
    ];
    const custom = createLexiconScorer(terms);
    const [exact, notExact, prefix, anywhere] = await custom.score([{ text: 'bad' }, { text: 'badly' }, { text: 'griefer' }, { text: 'supertoxicwordy' }]);
    expect([exact!.evidence, notExact!.evidence, prefix!.evidence, anywhere!.evidence]).toEqual([['bad'], [], ['grief'], ['toxicword']]);
  });

  it('the default lexicon is well formed', () => {
    for (const t of DEFAULT_LEXICON) {
      expect(t.weight, t.term).toBeGreaterThan(0);
      expect(t.weight, t.term).toBeLessThan(1);
      expect(CATEGORIES, t.term).toContain(t.category);
      expect(t.term, t.term).toBe(t.term.trim().toLowerCase());
    }
  });
});
