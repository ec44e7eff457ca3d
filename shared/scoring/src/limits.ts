// @sinbin/scoring/limits: the flood and spam limits as pure rules, before any model. A message
// becomes a trace (its normalised shape and link count, never its text); the rules compare it
// with the channel's and the player's recent traces (shared by every gateway replica through the
// LimitWindows store) and say which limit, if any, it breaks. No model, no I/O: microseconds.
import type { ChatMessage, ChatTrace, LimitHit, RecentTraffic, ResolvedLimits } from '@sinbin/contract';
import { normalizeText } from './normalize';

/** A shape keeps this much of the normalised line: enough to tell two spam lines apart. */
export const SHAPE_LENGTH = 120;

// A scheme or www. prefix, or a bare domain with a common top-level domain (spam rarely spells one out).
const LINK =
  /(?:https?:\/\/|www\.)[^\s]+|\b[a-z0-9][a-z0-9-]{0,62}\.(?:com|net|org|gg|io|ru|cn|xyz|ly|co|me|tv|info|biz|shop|store|app|link|click|top|site|online|live|ws|to|cc)\b(?:\/[^\s]*)?/giu;

/** How many links the line holds. */
export function countLinks(text: string): number {
  return text.match(LINK)?.length ?? 0;
}

/** The trace the limits keep of a message. */
export function traceOf(message: ChatMessage): ChatTrace {
  return {
    gameId: message.gameId,
    channelId: message.channelId,
    playerId: message.playerId,
    messageId: message.messageId,
    at: message.receivedAt,
    shape: normalizeText(message.text).slice(0, SHAPE_LENGTH),
    links: countLinks(message.text),
  };
}

const WHITESPACE = /^\s$/u;

/** The longest run of one character (not a space), and the most times one word appears. */
export function floodMeasures(text: string): { longestRun: number; wordRepeats: number } {
  let longestRun = 0;
  let run = 0;
  let previous = '';
  for (const ch of text) {
    if (WHITESPACE.test(ch)) {
      run = 0;
      previous = '';
      continue;
    }
    run = ch === previous ? run + 1 : 1;
    previous = ch;
    if (run > longestRun) longestRun = run;
  }
  const words = new Map<string, number>();
  let wordRepeats = 0;
  for (const w of text.toLowerCase().split(/\s+/u)) {
    if (w === '') continue;
    const n = (words.get(w) ?? 0) + 1;
    words.set(w, n);
    if (n > wordRepeats) wordRepeats = n;
  }
  return { longestRun, wordRepeats };
}

function bigrams(s: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/**
 * Whether two shapes are the same line or nearly (Dice coefficient of their character bigrams at
 * least `similarity`): "buy gold at x.com 1" and "buy gold at x.com 2" are; short lines ("gg",
 * "ok") only when equal. Lengths too far apart to reach the threshold are not compared.
 */
export function nearlySame(a: string, b: string, similarity: number, gramsOfA?: Map<string, number>, gramsOfB?: Map<string, number>): boolean {
  if (a === b) return true;
  if (a.length < 8 || b.length < 8) return false;
  if ((2 * Math.min(a.length, b.length)) / (a.length + b.length) < similarity) return false;
  const ga = gramsOfA ?? bigrams(a);
  const gb = gramsOfB ?? bigrams(b);
  let shared = 0;
  for (const [g, n] of gb) shared += Math.min(n, ga.get(g) ?? 0);
  return (2 * shared) / (a.length - 1 + (b.length - 1)) >= similarity;
}

// Parsed once per trace object: the in-memory store hands the same traces to many messages.
const parsedTimes = new WeakMap<ChatTrace, number>();
const gramsOf = new WeakMap<ChatTrace, Map<string, number>>();

function timeOf(t: ChatTrace): number {
  let ms = parsedTimes.get(t);
  if (ms === undefined) parsedTimes.set(t, (ms = Date.parse(t.at)));
  return ms;
}

function bigramsOf(t: ChatTrace): Map<string, number> {
  let grams = gramsOf.get(t);
  if (!grams) gramsOf.set(t, (grams = bigrams(t.shape)));
  return grams;
}

/** How many of the traces (newest first) came at or after `fromMs`. */
function countSince(times: readonly number[], fromMs: number, match?: (i: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < times.length; i++) if (times[i]! >= fromMs && (!match || match(i))) n++;
  return n;
}

/**
 * The first limit the message breaks, in the order a studio reads them (the line itself, then
 * repeats, links, the player's rate, the channel's rate), or undefined. `recent` holds the earlier
 * traces only; each window counts what came in it before this message, so `max` messages pass
 * and the next one is limited.
 */
export function checkLimits(message: ChatMessage, trace: ChatTrace, recent: RecentTraffic, limits: ResolvedLimits): LimitHit | undefined {
  if (!limits.enabled) return undefined;
  const hit = (rule: LimitHit['rule'], reason: string, outcome: LimitHit['outcome']): LimitHit => ({
    rule,
    reason,
    outcome,
    ...(outcome === 'mute' ? { muteSeconds: limits.muteSeconds } : {}),
  });
  const at = timeOf(trace);

  const flood = floodMeasures(message.text);
  const cf = limits.charFlood;
  if (flood.longestRun >= cf.maxRun) return hit('char-flood', `one character ${flood.longestRun} times in a row (limit ${cf.maxRun})`, cf.outcome);
  if (flood.wordRepeats >= cf.maxWordRepeats) return hit('char-flood', `one word ${flood.wordRepeats} times in the line (limit ${cf.maxWordRepeats})`, cf.outcome);

  const player = recent.player;
  const playerTimes = player.map(timeOf);
  const rp = limits.repeat;
  if (trace.shape !== '') {
    const grams = trace.shape.length >= 8 ? bigramsOf(trace) : undefined;
    const same = countSince(playerTimes, at - rp.windowSeconds * 1000, (i) => {
      const other = player[i]!;
      return other.shape === trace.shape || (grams !== undefined && nearlySame(trace.shape, other.shape, rp.similarity, grams, other.shape.length >= 8 ? bigramsOf(other) : undefined));
    });
    if (same >= rp.max) return hit('repeat', `the same line ${same + 1} times in ${rp.windowSeconds} s (at most ${rp.max})`, rp.outcome);
  }

  const ln = limits.links;
  if (trace.links > 0) {
    const withLinks = countSince(playerTimes, at - ln.windowSeconds * 1000, (i) => player[i]!.links > 0);
    if (withLinks >= ln.max) return hit('links', `${withLinks + 1} messages with links in ${ln.windowSeconds} s (at most ${ln.max})`, ln.outcome);
  }

  const b = limits.burst;
  const sent = countSince(playerTimes, at - b.windowSeconds * 1000);
  if (sent >= b.max) return hit('burst', `${sent + 1} messages in ${b.windowSeconds} s from one player (at most ${b.max})`, b.outcome);

  const cb = limits.channelBurst;
  // The channel's count is all it needs: no time parsed past the window's start (traces are newest first).
  const channelFrom = at - cb.windowSeconds * 1000;
  let inChannel = 0;
  for (const t of recent.channel) {
    if (timeOf(t) < channelFrom) break;
    inChannel++;
  }
  if (inChannel >= cb.max) return hit('channel-burst', `${inChannel + 1} messages in ${cb.windowSeconds} s in the channel (at most ${cb.max})`, cb.outcome);
  return undefined;
}

/** How many earlier traces per side the rules need to see: one more than the largest count. */
export function tracesNeeded(limits: ResolvedLimits): number {
  return Math.min(1000, Math.max(limits.repeat.max, limits.burst.max, limits.channelBurst.max, limits.links.max) + 1);
}
