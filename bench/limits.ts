// The flood and spam limits' cost per message, beside a peer: the lexicon scorer (the cheapest
// model a message reaches when the limits let it through). Real chat lines (CONDA) spread over
// 400 channels and 4000 players in game-time order, as the gateway sees them; each figure is the
// median of five passes, with the range, so a noisy machine shows as a wide range.
import { performance } from 'node:perf_hooks';
import { type ChatMessage, DEFAULT_LIMITS, limitsLookbackSeconds } from '@sinbin/contract';
import { createLexiconScorer } from '@sinbin/scoring';
import { checkLimits, traceOf, tracesNeeded } from '@sinbin/scoring/limits';
import { MemoryLimitWindows } from '@sinbin/stores';
import { loadChatLines } from './chat-sample';

export interface LimitsBenchOptions {
  messages: number;
  /** Messages a second of game time (spaces the timestamps the windows count in). */
  rate: number;
  passes: number;
}

function messagesOf(lines: readonly string[], n: number, rate: number, pass: number): ChatMessage[] {
  const t0 = Date.parse('2026-12-01T10:00:00.000Z');
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(t0 + (i * 1000) / rate).toISOString();
    return { messageId: `b${pass}-${i}`, gameId: 'bench', channelId: `match-${i % 400}`, playerId: `match-${i % 400}-p${Math.floor(i / 400) % 10}`, text: lines[i % lines.length]!, sentAt: at, receivedAt: at };
  });
}

const range = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { median: r(s[Math.floor(s.length / 2)]!), min: r(s[0]!), max: r(s[s.length - 1]!) };
};

export async function benchLimits(opts: LimitsBenchOptions): Promise<Record<string, unknown>> {
  const { lines, source } = loadChatLines(opts.messages);
  const limits = DEFAULT_LIMITS;
  const lookbackMs = limitsLookbackSeconds(limits) * 1000;
  const need = tracesNeeded(limits);
  const lexicon = createLexiconScorer();
  const rules: number[] = [];
  const withStore: number[] = [];
  const model: number[] = [];
  let limited = 0;
  for (let pass = 0; pass < opts.passes; pass++) {
    process.stderr.write(`limits: pass ${pass + 1}/${opts.passes} (${opts.messages} messages each; about ${opts.passes - pass} s left)\n`);
    const messages = messagesOf(lines, opts.messages, opts.rate, pass);
    // What the gateway does per message: trace, the shared store's observe, the rules.
    const windows = new MemoryLimitWindows();
    const recents = [];
    let t = performance.now();
    limited = 0;
    for (const m of messages) {
      const trace = traceOf(m);
      const recent = await windows.observe(trace, new Date(Date.parse(trace.at) - lookbackMs), need);
      recents.push({ trace, recent });
      if (checkLimits(m, trace, recent, limits)) limited++;
    }
    withStore.push(((performance.now() - t) * 1000) / messages.length);
    // The rules alone, on the same traffic (what a replica adds beyond the store's round trip).
    t = performance.now();
    for (const [i, m] of messages.entries()) checkLimits(m, recents[i]!.trace, recents[i]!.recent, limits);
    rules.push(((performance.now() - t) * 1000) / messages.length);
    // The peer: the lexicon scorer on the same lines.
    t = performance.now();
    for (const m of messages) await lexicon.score([{ text: m.text, playerId: m.playerId }]);
    model.push(((performance.now() - t) * 1000) / messages.length);
  }
  return {
    source,
    messages: opts.messages,
    passes: opts.passes,
    gameRatePerSecond: opts.rate,
    limitedShare: Math.round((limited / opts.messages) * 10_000) / 10_000,
    perMessageMicros: { rules: range(rules), traceStoreAndRules: range(withStore), lexiconScorerPeer: range(model) },
    note: 'µs per message, median of the passes [min, max]; traceStoreAndRules is the embedded default (MemoryLimitWindows); on the real stack add one batched PostgreSQL round trip per request',
  };
}
