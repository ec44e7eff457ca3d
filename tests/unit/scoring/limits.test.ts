// The flood and spam rules (@sinbin/scoring/limits), table by table: what passes as ordinary
// fast chat, what each limit stops, and the game's outcome on the hit.
import { describe, expect, it } from 'vitest';
import { type ChatTrace, DEFAULT_LIMITS, resolveLimits, type ResolvedLimits } from '@sinbin/contract';
import { checkLimits, countLinks, floodMeasures, nearlySame, traceOf, tracesNeeded } from '@sinbin/scoring/limits';
import { chatMessage, T0 } from '../../helpers/events';

const AT = new Date(T0.getTime() + 60_000);

/** A message at AT from `player` in `channel`, and its trace. */
function line(text: string, opts: { player?: string; channel?: string; secondsAgo?: number; id?: string } = {}) {
  const message = chatMessage({
    messageId: opts.id ?? `m-${Math.random()}`,
    playerId: opts.player ?? 'p1',
    channelId: opts.channel ?? 'c1',
    text,
    receivedAt: new Date(AT.getTime() - (opts.secondsAgo ?? 0) * 1000).toISOString(),
  });
  return { message, trace: traceOf(message) };
}

/** Earlier lines of the same player (and channel), `gap` seconds apart, newest first as the store returns them. */
function history(texts: string[], gap: number, opts: { player?: string; channel?: string } = {}): ChatTrace[] {
  return texts.map((t, i) => line(t, { ...opts, secondsAgo: gap * (texts.length - i) }).trace).reverse();
}

function check(text: string, earlier: { player?: ChatTrace[]; channel?: ChatTrace[] }, limits: ResolvedLimits = DEFAULT_LIMITS) {
  const { message, trace } = line(text);
  return checkLimits(message, trace, { player: earlier.player ?? [], channel: earlier.channel ?? earlier.player ?? [] }, limits);
}

describe('ordinary fast chat is never limited (defaults)', () => {
  it.each([
    ['gg, twice before in 10 s', 'gg', history(['gg', 'gg'], 5)],
    ['go go go after go go go and gg', 'go go go', history(['go go go', 'gg'], 2)],
    ['"gg" every 12 s for a minute', 'gg', history(['gg', 'gg', 'gg', 'gg', 'gg'], 12)],
    ['seven quick different lines', 'push b', history(['left', 'right', 'mid', 'heal me', 'ult ready', 'back', 'go'], 0.5)],
    ['one link', 'check https://example.com/patch', []],
    ['laughing', 'hahahahahahahaha', []],
    ['an exclamation', 'nooooo!!!!', []],
    ['an empty history', 'hello', []],
  ])('%s', (_name, text, player) => {
    expect(check(text, { player })).toBeUndefined();
  });
});

describe('each limit stops what it is for', () => {
  it.each([
    ['the 4th identical line in 30 s', 'buy gold now', history(['buy gold now', 'buy gold now', 'buy gold now'], 5), 'repeat', 'block'],
    ['near-identical lines (a counter appended)', 'join my discord for skins 4', history(['join my discord for skins 1', 'join my discord for skins 2', 'join my discord for skins 3'], 3), 'repeat', 'block'],
    ['the same line leet-spelled', 'fr33 g0ld h3re', history(['free gold here', 'FREE GOLD HERE', 'free  gold  here'], 3), 'repeat', 'block'],
    ['a 9th line in 5 s', 'nine', history(['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8'], 0.5), 'burst', 'block'],
    ['a 4th link in a minute', 'see x.gg', history(['a goldz.xyz', 'b www.cheap.io', 'c http://spam.example'], 10), 'links', 'block'],
    ['a run of 16 of one character', 'A'.repeat(16), [], 'char-flood', 'block'],
    ['an emoji flood', '😂'.repeat(20), [], 'char-flood', 'block'],
    ['one word 12 times', Array(12).fill('noob').join(' '), [], 'char-flood', 'block'],
  ] as const)('%s', (_name, text, player, rule, outcome) => {
    expect(check(text, { player: [...player] })).toMatchObject({ rule, outcome });
  });

  it('drops a line when the channel is raided (200 lines in 5 s from others)', () => {
    const channel = Array.from({ length: 200 }, (_, i) => line(`raid ${i}`, { player: `r${i}`, secondsAgo: (i % 40) / 10 }).trace);
    expect(check('hello', { player: [], channel })).toMatchObject({ rule: 'channel-burst', outcome: 'drop' });
  });

  it('does not count what fell out of the window', () => {
    expect(check('buy gold now', { player: history(['buy gold now', 'buy gold now', 'buy gold now'], 11) })).toBeUndefined();
  });
});

describe("the game's settings", () => {
  const spam = history(['buy gold now', 'buy gold now', 'buy gold now'], 2);
  it.each([
    ['mute for every limit', { outcome: 'mute', muteSeconds: 300 }, { outcome: 'mute', muteSeconds: 300 }],
    ['drop for every limit', { outcome: 'drop' }, { outcome: 'drop' }],
    ["a limit's own outcome wins", { outcome: 'drop', repeat: { max: 3, windowSeconds: 30, outcome: 'mute' } }, { outcome: 'mute', muteSeconds: 60 }],
    ['a stricter repeat limit', { repeat: { max: 1, windowSeconds: 30 } }, { rule: 'repeat', reason: 'the same line 4 times in 30 s (at most 1)' }],
  ] as const)('%s', (_name, policy, expected) => {
    expect(check('buy gold now', { player: spam }, resolveLimits(policy))).toMatchObject(expected);
  });

  it.each([
    ['a policy without limits', undefined],
    ['limits turned off', { enabled: false }],
  ] as const)('%s: nothing is limited', (_name, policy) => {
    expect(check('A'.repeat(50), { player: spam }, resolveLimits(policy))).toBeUndefined();
  });

  it('"limits": {} turns on the defaults', () => {
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS);
  });

  it('asks the store for one trace more than the largest count', () => {
    expect(tracesNeeded(DEFAULT_LIMITS)).toBe(201);
  });
});

describe('the measures', () => {
  it.each([
    ['https://a.com and www.b.org and c.gg/x', 3],
    ['no links here. fine.', 0],
    ['e.g. this is not a link', 0],
    ['goldz.XYZ', 1],
  ])('links in %j: %i', (text, n) => expect(countLinks(text)).toBe(n));

  it.each([
    ['aaaa  bbb', { longestRun: 4, wordRepeats: 1 }],
    ['go go go', { longestRun: 1, wordRepeats: 3 }],
    ['     ', { longestRun: 0, wordRepeats: 0 }],
  ])('flood measures of %j', (text, expected) => expect(floodMeasures(text)).toEqual(expected));

  it.each([
    ['gg', 'gg', true],
    ['gg', 'gl', false],
    ['buy gold at goldz now 1', 'buy gold at goldz now 2', true],
    ['buy gold at goldz now', 'where is the healer', false],
    ['short', 'shorts', false],
  ])('%j ~ %j: %s', (a, b, same) => expect(nearlySame(a, b, 0.85)).toBe(same));

  it('keeps the shape, never the text, and stamps the gateway time', () => {
    const { message, trace } = line('FREE  G0LD!!!');
    expect(trace).toEqual({ gameId: message.gameId, channelId: 'c1', playerId: 'p1', messageId: message.messageId, at: message.receivedAt, shape: 'free gold', links: 0 });
  });
});
