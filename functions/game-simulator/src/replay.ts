// The replay schedule: many matches chatting at once, each in its own chat order, interleaved
// into one stream at a target rate. Pure: no clock, no I/O; randomness from a seed.
import { seededRandom } from '@sinbin/contract';
import type { ChatLine, Label, Match } from './conda';

export interface ScheduledMessage {
  messageId: string;
  /** When to send it, in milliseconds after the replay starts. */
  atMs: number;
  channelId: string;
  playerId: string;
  text: string;
  label?: Label;
  labelGroup?: string;
  matchId: string;
  /** 0 on the first pass over the data, 1 after it wrapped around once, ... */
  lap: number;
}

export interface ReplayOptions {
  /** Messages per second across all matches. */
  rate: number;
  durationSeconds: number;
  /** Matches chatting at the same time. */
  concurrentMatches: number;
  /** Prefix of every messageId; make it unique per run (the gateway dedupes supplied ids). */
  runId: string;
  /** Picks which live match speaks next; the same seed gives the same stream. */
  seed?: number;
}

/** Deterministic PRNG (mulberry32): uniform in [0, 1). */
export const mulberry32 = seededRandom;

/** A replayed pass gets its own channel and players, so context and offences do not carry over. */
export function lapId(id: string, lap: number): string {
  return lap === 0 ? id : `${id}-r${lap + 1}`;
}

export function totalMessages(opts: Pick<ReplayOptions, 'rate' | 'durationSeconds'>): number {
  return Math.max(0, Math.round(opts.rate * opts.durationSeconds));
}

interface Live {
  match: Match;
  lap: number;
  next: number;
}

/**
 * Yields `round(rate * duration)` messages, the k-th due at `k * 1000 / rate` ms. Up to
 * `concurrentMatches` matches are live at once; each message comes from a live match picked at
 * random, and each match's lines come out in their own order. A finished match hands its place to
 * the next match in the list; after the last match the list starts again with `lap + 1`.
 * messageIds are `<runId>-<sequence>`, so unique within a run.
 */
export function* replay(matches: readonly Match[], opts: ReplayOptions): Generator<ScheduledMessage> {
  if (!(opts.rate > 0)) throw new Error('rate must be positive');
  if (!(opts.durationSeconds >= 0)) throw new Error('duration must not be negative');
  const playable = matches.filter((m) => m.lines.length > 0);
  if (playable.length === 0) throw new Error('no match has any chat line to replay');
  const total = totalMessages(opts);
  const random = mulberry32(opts.seed ?? 1);
  const slots = Math.max(1, Math.floor(opts.concurrentMatches));
  let cursor = 0;
  let lap = 0;
  const nextMatch = (): Live => {
    if (cursor === playable.length) {
      cursor = 0;
      lap++;
    }
    return { match: playable[cursor++]!, lap, next: 0 };
  };
  const live: Live[] = [];
  for (let i = 0; i < slots; i++) live.push(nextMatch());

  const width = String(Math.max(total - 1, 0)).length;
  for (let k = 0; k < total; k++) {
    const slot = Math.floor(random() * live.length);
    const current = live[slot]!;
    const line: ChatLine = current.match.lines[current.next++]!;
    yield {
      messageId: `${opts.runId}-${String(k).padStart(width, '0')}`,
      atMs: (k * 1000) / opts.rate,
      channelId: lapId(line.channelId, current.lap),
      playerId: lapId(line.playerId, current.lap),
      text: line.text,
      ...(line.label ? { label: line.label, labelGroup: lapId(line.labelGroup ?? '', current.lap) } : {}),
      matchId: current.match.matchId,
      lap: current.lap,
    };
    if (current.next >= current.match.lines.length) live[slot] = nextMatch();
  }
}

/** Groups consecutive messages into POST batches of up to `size`, due when their first one is. */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  const n = Math.max(1, Math.floor(size));
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === n) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
