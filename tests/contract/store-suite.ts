// One behaviour for every adapter of the pipeline's store ports (context, ledger, offences, the
// gateway's decisions and webhook outbox):
// the in-memory one of the embedded runtime and the SQL one of the real stack. Calls are made both
// one at a time and concurrently, since the SQL adapters batch concurrent calls into one statement.
import { describe, expect, it } from 'vitest';
import type { ContextStore, DecisionLedger, DecisionStore, OffenceStore, StoredContextLine, WebhookOutbox } from '@sinbin/contract';
import { at, finalDecision, iso } from '../helpers/events';

export interface StoreUnderTest {
  context: ContextStore;
  ledger: DecisionLedger & DecisionStore;
  offences: OffenceStore;
  outbox: WebhookOutbox;
  /** The gateway's decisions, owing to `outbox` (putOwed). */
  decisions: DecisionStore;
}

/** One putOwed call: which decision (by letter), whether it is owed, whether it should come back stored. */
type OwedCall = [decision: 'a' | 'a2' | 'b' | 'c', owed: boolean, stored: boolean];

// Each case runs its rounds in order; the calls of a round run concurrently (SQL shares one statement).
// `a2` is another decision for a's message (a redelivery decided differently): the first one holds.
const putOwedCases: { name: string; rounds: OwedCall[][]; sentBetween?: boolean; kept: ('a' | 'b' | 'c')[]; owed: ('a' | 'b' | 'c')[] }[] = [
  { name: 'a new owed decision is stored and owed', rounds: [[['a', true, true]]], kept: ['a'], owed: ['a'] },
  { name: 'a new decision of a game without a webhook is stored, not owed', rounds: [[['a', false, true]]], kept: ['a'], owed: [] },
  { name: 'a repeat is neither stored nor owed again', rounds: [[['a', true, true]], [['a', true, false]], [['a2', true, false]]], kept: ['a'], owed: ['a'] },
  { name: 'a repeat after the webhook was sent is not owed again', rounds: [[['a', true, true]], [['a', true, false]]], sentBetween: true, kept: ['a'], owed: [] },
  { name: 'a repeat does not owe what its first call did not', rounds: [[['a', false, true]], [['a', true, false]]], kept: ['a'], owed: [] },
  {
    name: 'concurrent calls: the first per message holds, others kept apart',
    rounds: [[['a', true, true], ['a2', true, false], ['b', false, true], ['c', true, true], ['a', true, false]]],
    kept: ['a', 'b', 'c'],
    owed: ['a', 'c'],
  },
];

let unique = 0;
const channel = () => `g/contract-${process.pid}-${++unique}`;
const line = (messageId: string, playerId = 'p'): StoredContextLine => ({ messageId, playerId, text: `text of ${messageId}`, sentAt: iso(1000 + Number(messageId.replace(/\D/g, '') || 0)) });
const ids = (lines: StoredContextLine[]) => lines.map((l) => l.messageId);

export function storeContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    it('appendAndRecall returns the lines before the message, oldest first, and a redelivery the same', async () => {
      const { context } = await open();
      const c = channel();
      expect(await context.appendAndRecall(c, line('m1'), 8)).toEqual([]);
      expect(await context.appendAndRecall(c, line('m2', 'q'), 8)).toEqual([line('m1')]);
      expect(ids(await context.appendAndRecall(c, line('m3'), 1))).toEqual(['m2']);
      await context.append(c, line('m4'));
      expect(ids(await context.appendAndRecall(c, line('m2', 'q'), 8))).toEqual(['m1']);
      expect(ids(await context.recent(c, 10))).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(ids(await context.recent(c, 2, 'm4'))).toEqual(['m2', 'm3']);
      expect(ids(await context.after(c, 'm2', 10))).toEqual(['m3', 'm4']);
    });

    it('concurrent appends: each channel in call order, channels kept apart', async () => {
      const { context } = await open();
      const [a, b] = [channel(), channel()];
      // Same turn of the event loop: the SQL adapter runs these as one batch with repeated keys.
      const results = await Promise.all([
        context.appendAndRecall(a, line('m1'), 8),
        context.appendAndRecall(b, line('m1'), 8),
        context.appendAndRecall(a, line('m2'), 8),
        context.appendAndRecall(a, line('m3'), 2),
        context.appendAndRecall(b, line('m2'), 8),
        context.appendAndRecall(a, line('m1'), 8),
      ]);
      expect(results.map(ids)).toEqual([[], [], ['m1'], ['m1', 'm2'], ['m1'], []]);
      expect(ids(await context.recent(a, 10))).toEqual(['m1', 'm2', 'm3']);
      expect(ids(await context.recent(b, 10))).toEqual(['m1', 'm2']);
    });

    it('concurrent plain appends: one batch keeps call order per channel and skips redeliveries', async () => {
      const { context } = await open();
      const [a, b] = [channel(), channel()];
      await Promise.all([context.append(a, line('m1')), context.append(b, line('m1')), context.append(a, line('m2')), context.append(a, line('m1')), context.append(a, line('m3'))]);
      expect(ids(await context.recent(a, 10))).toEqual(['m1', 'm2', 'm3']);
      expect(ids(await context.recent(b, 10))).toEqual(['m1']);
      expect(ids(await context.appendAndRecall(a, line('m4'), 2))).toEqual(['m2', 'm3']);
    });

    it('ledger: the first decision per message holds, also among concurrent calls', async () => {
      const { ledger } = await open();
      const first = finalDecision({ verdict: 'block' });
      const second = { ...first, verdict: 'allow' as const };
      const other = finalDecision();
      const sameIdOtherGame = { ...finalDecision(), messageId: first.messageId, gameId: `${first.gameId}-b` };
      const results = await Promise.all([ledger.putIfAbsent(first), ledger.putIfAbsent(second), ledger.putIfAbsent(other), ledger.putIfAbsent(sameIdOtherGame)]);
      expect(results).toEqual([
        { decision: first, created: true },
        { decision: first, created: false },
        { decision: other, created: true },
        { decision: sameIdOtherGame, created: true },
      ]);
      expect(await ledger.putIfAbsent(second)).toEqual({ decision: first, created: false });
      expect(await ledger.put(other)).toBe(false);
      expect(await ledger.get(first.gameId, first.messageId)).toEqual(first);
      expect(await ledger.get('no-such-game', first.messageId)).toBeUndefined();
      expect(await ledger.getMany(first.gameId, [first.messageId, 'no-such-message'])).toEqual([first]);
      expect(await ledger.getMany(first.gameId, [])).toEqual([]);
    });

    it.each(putOwedCases)('decisions putOwed: $name', async ({ rounds, sentBetween, kept, owed }) => {
      const { decisions, outbox } = await open();
      const game = `g-owed-${process.pid}-${++unique}`;
      const a = finalDecision({ gameId: game, messageId: 'a', verdict: 'block' });
      const byLetter = { a, a2: { ...a, verdict: 'allow' as const }, b: finalDecision({ gameId: game, messageId: 'b' }), c: finalDecision({ gameId: game, messageId: 'c' }) };
      for (const [i, round] of rounds.entries()) {
        if (sentBetween && i === 1) await outbox.remove(game, ['a', 'b', 'c']);
        const stored = await Promise.all(round.map(([letter, isOwed]) => decisions.putOwed(byLetter[letter], isOwed)));
        expect(stored).toEqual(round.map(([, , s]) => s));
      }
      expect(await decisions.getMany(game, ['a', 'b', 'c'])).toEqual(expect.arrayContaining(kept.map((l) => byLetter[l])));
      expect((await decisions.getMany(game, ['a', 'b', 'c'])).length).toBe(kept.length);
      await outbox.durable?.();
      expect((await outbox.pending(10_000)).filter((d) => d.gameId === game).sort((x, y) => x.messageId.localeCompare(y.messageId))).toEqual(owed.map((l) => byLetter[l]));
    });

    it('offences: counted in the window, each message once', async () => {
      const { offences } = await open();
      const player = `p-${++unique}`;
      const window = 60_000;
      expect(await offences.record('g', player, 'o1', at(0), window)).toBe(1);
      expect(await offences.record('g', player, 'o1', at(10), window)).toBe(1);
      expect(await offences.record('g', player, 'o2', at(20), window)).toBe(2);
      expect(await offences.record('g', `${player}-other`, 'o3', at(20), window)).toBe(1);
      expect(await offences.record('g', player, 'o5', at(60_021), window)).toBe(1);
    });

    it('webhook outbox: what was added is pending until removed, once per message and game', async () => {
      const { outbox } = await open();
      const game = `g-outbox-${++unique}`;
      const [a, b, c] = ['w1', 'w2', 'w3'].map((messageId) => finalDecision({ gameId: game, messageId }));
      await outbox.add(a!);
      await outbox.add(b!);
      await outbox.add(a!);
      await outbox.add(c!);
      await outbox.durable?.();
      const mine = async () => (await outbox.pending(10_000)).filter((d) => d.gameId === game).map((d) => d.messageId).sort();
      expect(await mine()).toEqual(['w1', 'w2', 'w3']);
      await outbox.remove(game, ['w1', 'w3', 'never-added']);
      await outbox.remove(`${game}-other`, ['w2']);
      await outbox.durable?.();
      expect(await mine()).toEqual(['w2']);
      expect(await outbox.pending(0)).toEqual([]);
    });
  });
}
