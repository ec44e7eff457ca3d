// Studios' term lists (@sinbin/scoring/terms): whole-word matching after the fast path's
// normalisation, the lists refused when they would match everything, what the models read.
import { describe, expect, it } from 'vitest';
import { type TermLists, TermListsSchema } from '@sinbin/contract';
import { blockCategory, compileTermLists, matchTerms, termListChanges, termListProblems } from '@sinbin/scoring/terms';

const lists = (block: (string | { term: string; category?: 'threat' | 'insult' })[], allow: string[] = []): TermLists => TermListsSchema.parse({ block, allow }) as TermLists;
const blocked = (l: TermLists, text: string) => matchTerms(compileTermLists(l, 1), text).match?.blocked.map((b) => b.term) ?? [];

describe('block list: whole words after normalisation', () => {
  const l = lists(['cunt', 'ass', 'cock', 'rapist', 'fuck', 'noob team', 'gold seller']);
  it.each([
    ['Scunthorpe United won', []],
    ['the assassin is behind you', []],
    ['a cocktail after the match', []],
    ['my therapist says hi', []],
    ['as if', []],
    ['class act', []],
    ['what a cunt', ['cunt']],
    ['kick his ass', ['ass']],
    ['ASS!!!', ['ass']],
    ['f u c k', ['fuck']],
    ['fuuuuck', ['fuck']],
    ['fü¢k', []],
    ['Fυck this', ['fuck']],
    ['r4p1st', ['rapist']],
    ['what a noob team', ['noob team']],
    ['noob teammates', []],
    ['buy from a g0ld s3ller', ['gold seller']],
  ])('%j hits %j', (text, hits) => expect(blocked(l, text)).toEqual(hits));

  it('reports each term once, with its category (profanity by default)', () => {
    const m = matchTerms(compileTermLists(lists([{ term: 'i will find you', category: 'threat' }, 'scrub']), 7), 'scrub scrub, i will find you');
    expect(m.match).toEqual({ version: 7, blocked: [{ term: 'scrub', category: 'profanity' }, { term: 'i will find you', category: 'threat' }], allowed: [] });
    expect(blockCategory(m.match!)).toBe('profanity');
  });
});

describe('allow list: the models read the message without the allowed term', () => {
  const l = lists(['scrub'], ['kill', 'headshot', 'sniper nest']);
  it.each([
    ['kill the boss first', { allowed: ['kill'], readAs: 'the boss first' }],
    ['nice HEADSHOT, scrub', { allowed: ['headshot'], readAs: 'nice scrub', blocked: ['scrub'] }],
    ['camping the sniper nest again', { allowed: ['sniper nest'], readAs: 'camping the again' }],
    ['killer instinct', { allowed: [], readAs: 'killer instinct' }],
  ] as [string, { allowed: string[]; readAs: string; blocked?: string[] }][])('%j', (text, expected) => {
    const r = matchTerms(compileTermLists(l, 2), text);
    expect(r.readAs).toBe(expected.readAs);
    expect(r.match?.allowed ?? []).toEqual(expected.allowed);
    expect(r.match?.blocked.map((b) => b.term) ?? []).toEqual(expected.blocked ?? []);
  });

  it('leaves a message without any term untouched', () => {
    expect(matchTerms(compileTermLists(l, 2), 'GG WP!')).toEqual({ match: undefined, readAs: 'GG WP!' });
  });
});

describe('lists that would match (nearly) everything are refused', () => {
  it.each([
    ['an empty term', { block: [''] }, /must not be empty/],
    ['spaces', { block: ['   '] }, /must not be empty/],
    ['a single letter', { block: ['a'] }, /at least 2 letters or digits/],
    ['punctuation', { allow: ['!!!'] }, /at least 2 letters or digits/],
    ['a letter and a symbol', { block: ['x!'] }, /at least 2 letters or digits/],
  ])('%s: the schema says why', (_name, body, message) => {
    const r = TermListsSchema.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it.each([
    ['two spaced letters', lists(['a b']), /normalises to "a b", which would match nearly every message/],
    ['a duplicate once normalised', lists(['noob', 'N00B']), /block\[1\]: "N00B" is the same term as block\[0\]/],
    ['a term on both lists', lists(['kill'], ['KILL']), /allow\[0\]: "kill" is also block\[0\]/],
  ])('%s', (_name, l, problem) => {
    expect(termListProblems(l).join('; ')).toMatch(problem);
  });

  it('finds nothing wrong with a sensible list', () => {
    expect(termListProblems(lists(['scrub', { term: 'i will find you', category: 'threat' }], ['kill']))).toEqual([]);
  });
});

describe('changes between versions', () => {
  it('lists what was added, removed and changed, by normalised term', () => {
    const before = lists(['scrub', 'noob'], ['kill']);
    const after = lists([{ term: 'SCRUB', category: 'insult' }, 'trash'], ['kill']);
    expect(termListChanges(before, after)).toEqual([
      { list: 'block', kind: 'changed', term: 'scrub' },
      { list: 'block', kind: 'added', term: 'trash' },
      { list: 'block', kind: 'removed', term: 'noob' },
    ]);
    expect(termListChanges(undefined, lists(['lag']))).toEqual([{ list: 'block', kind: 'added', term: 'lag' }]);
  });
});
