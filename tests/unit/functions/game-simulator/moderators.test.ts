// Simulated moderators (--moderate): the verdict they give each case, and the option's checks.
import { describe, expect, it } from 'vitest';
import { simulatedVerdict } from '../../../../functions/game-simulator/src/moderators';
import { parseOptions, UsageError } from '../../../../functions/game-simulator/src/options';

const scores = (top: string) => ({ insult: 0.2, profanity: 0.1, identity_hate: 0, threat: 0, sexual: 0, [top]: 0.9 });
const queued = (provisionalVerdict: 'allow' | 'block', deep?: string) => ({
  caseId: 'c1',
  message: { messageId: 'sim-1-0001' },
  provisionalVerdict,
  fast: { categories: scores('profanity') },
  ...(deep ? { deep: { categories: scores(deep) } } : {}),
});

describe('simulated moderators', () => {
  it.each([
    { name: 'a toxic label blocks, as the deep model read it', c: queued('allow', 'threat'), label: 'toxic' as const, want: { verdict: 'block', category: 'threat', from: 'label' } },
    { name: 'a toxic label without a deep reading takes the fast one', c: queued('allow'), label: 'toxic' as const, want: { verdict: 'block', category: 'profanity', from: 'label' } },
    { name: 'an ok label allows, whatever the models said', c: queued('block', 'insult'), label: 'ok' as const, want: { verdict: 'allow', from: 'label' } },
    { name: 'no label: the models provisional verdict', c: queued('block', 'identity_hate'), label: undefined, want: { verdict: 'block', category: 'identity_hate', from: 'models' } },
  ])('$name', ({ c, label, want }) => {
    expect(simulatedVerdict(c, label)).toEqual(want);
  });

  it('--moderate needs the moderation API and a moderator token', () => {
    expect(() => parseOptions(['--key', 'k', '--moderate'], {})).toThrow(UsageError);
    const opts = parseOptions(['--key', 'k', '--moderate', '--moderation-url', 'http://127.0.0.1:1', '--moderator-token', 't'], {});
    expect(opts !== 'help' && opts.moderate).toBe(true);
  });
});
