// Issue item 4: a moderator's verdict becomes a model-training-data example. The decision manager
// emits it when the verdict reaches it on moderation-results; this follows one verdict from the
// moderation API through the decision manager and checks nothing of the case is lost on the way.
import { describe, expect, it } from 'vitest';
import type { FinalDecision, TrainingExample } from '@sinbin/contract';
import { startFunction } from '@sinbin/runtime';
import { memoryStoreSet } from '@sinbin/stores';
import decisionManager from '../../../../functions/decision-manager/src/function';
import { client, makeCase, startHarness, STATIC_TOKEN, tmpObjects } from './harness';

describe('moderator verdicts as training data', () => {
  it.each([
    ['block', { verdict: 'block', category: 'threat' }, 'toxic', 'threat'],
    ['allow', { verdict: 'allow' }, 'ok', undefined],
  ] as const)('a %s verdict gives one labelled example with the case context', async (_name, verdict, label, category) => {
    const h = await startHarness(memoryStoreSet(tmpObjects()));
    const dm = await startFunction(decisionManager, { env: {}, publisher: { publish: async () => {} }, stores: memoryStoreSet(tmpObjects()) });
    try {
      const c = makeCase({ gameId: 'dota', text: 'i will find you after the match' });
      await h.deliver(c);
      expect((await client(h.url, STATIC_TOKEN).post(`/v1/cases/${c.caseId}/verdict`, verdict)).status).toBe(200);
      const [result] = h.published;
      const outputs = await dm.handle({ topic: 'moderation-results', key: c.message.channelId, partition: 0, offset: '0', id: 'd1', event: result! });

      const decision = outputs.find((o) => o.topic === 'final-decisions')?.event as FinalDecision;
      expect(decision).toMatchObject({ messageId: c.message.messageId, verdict: verdict.verdict, decidedBy: 'moderator' });
      const examples = outputs.filter((o) => o.topic === 'model-training-data').map((o) => o.event as TrainingExample);
      expect(examples).toHaveLength(1);
      expect(examples[0]).toMatchObject({ messageId: c.message.messageId, gameId: 'dota', text: c.message.text, context: c.context, label, source: 'moderator' });
      expect(examples[0]!.category).toBe(category);
    } finally {
      await dm.stop();
      await h.close();
    }
  });
});
