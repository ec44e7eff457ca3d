// The fast classifier wired to the lexicon baseline and the channel context store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ClassifiedMessage, DEFAULT_POLICY } from '@sinbin/contract';
import { LEXICON_VERSION } from '../../../../shared/scoring/src/lexicon';
import fastClassifier from '../../../../functions/fast-classifier/src/function';
import { chatMessage, delivery } from '../../../helpers/events';
import { startFunction } from '../../../helpers/functions';

async function classifyAll(texts: string[], opts: Parameters<typeof startFunction>[1] = {}) {
  const f = await startFunction(fastClassifier, opts);
  const out: ClassifiedMessage[] = [];
  for (const [i, text] of texts.entries()) {
    const [o] = await f.running.handle(delivery('raw-messages', chatMessage({ messageId: `m${i}`, text, playerId: `p${i % 2}` })));
    out.push(o!.event as ClassifiedMessage);
  }
  return { ...f, out };
}

describe('fast-classifier function (lexicon baseline)', () => {
  it('routes clean, ambiguous and toxic chat with the lexicon thresholds', async () => {
    const { out } = await classifyAll(['gg wp', 'ur trash noob', 'you are an idiot']);
    expect(out.map((c) => c.route)).toEqual(['ok', 'needs-analysis', 'toxic']);
    expect(out.every((c) => c.fast.modelVersion === LEXICON_VERSION)).toBe(true);
    expect(out[2]!.fast.evidence).toEqual(['idiot']);
  });

  it('sends the earlier lines of the channel with an ambiguous message, not the message itself', async () => {
    const { out } = await classifyAll(['gg', 'you missed', 'ur trash noob']);
    expect(out[2]!.context).toEqual([
      { messageId: 'm0', playerId: 'p0', text: 'gg' },
      { messageId: 'm1', playerId: 'p1', text: 'you missed' },
    ]);
  });

  it('a redelivered message does not appear twice in the context', async () => {
    const f = await startFunction(fastClassifier);
    const first = chatMessage({ messageId: 'a', text: 'hello' });
    await f.running.handle(delivery('raw-messages', first));
    await f.running.handle(delivery('raw-messages', first));
    const [o] = await f.running.handle(delivery('raw-messages', chatMessage({ messageId: 'b', text: 'ur trash noob' })));
    expect((o!.event as ClassifiedMessage).context.map((l) => l.messageId)).toEqual(['a']);
    expect(await f.stores.context.recent('game-a/match-1', 10)).toHaveLength(2);
  });

  it("keeps channels apart: another channel's lines are not context", async () => {
    const f = await startFunction(fastClassifier);
    await f.running.handle(delivery('raw-messages', chatMessage({ messageId: 'x', channelId: 'other', text: 'secret' })));
    const [o] = await f.running.handle(delivery('raw-messages', chatMessage({ messageId: 'y', text: 'ur trash noob' })));
    expect((o!.event as ClassifiedMessage).context).toEqual([]);
  });

  it("uses a game's routing override from the policy file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinbin-policy-'));
    const file = join(dir, 'policies.json');
    writeFileSync(file, JSON.stringify({ default: DEFAULT_POLICY, games: { lenient: { routing: { okBelow: 0.7, toxicFrom: 0.9 } } } }));
    const f = await startFunction(fastClassifier, { env: { GAME_POLICIES_FILE: file } });
    const [lenient] = await f.running.handle(delivery('raw-messages', chatMessage({ gameId: 'lenient', text: 'ur trash noob' })));
    const [normal] = await f.running.handle(delivery('raw-messages', chatMessage({ text: 'ur trash noob' })));
    expect([(lenient!.event as ClassifiedMessage).route, (normal!.event as ClassifiedMessage).route]).toEqual(['ok', 'needs-analysis']);
  });
});
