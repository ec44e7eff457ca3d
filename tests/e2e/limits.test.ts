// Flood and spam limits end to end on the embedded runtime (make run): over HTTP, a limited
// message gets exactly one final decision by `limits`, with the game's outcome, and no model
// reads it; ordinary fast chat passes to the models.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type FinalDecision } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { type EmbeddedRuntime, startEmbedded } from '@sinbin/runtime/embedded';
import { FUNCTIONS } from '../../functions';
import { LEXICON_ENV } from '../helpers/functions';
import { pollUntil } from '../helpers/poll';

const KEYS = { alpha: 'key-alpha-limits-e2e-01', beta: 'key-beta-limits-e2e-001', gamma: 'key-gamma-limits-e2e-01', delta: 'key-delta-limits-e2e-01' };
let runtime: EmbeddedRuntime;
let gateway: string;
const seen = { raw: [] as string[], classified: [] as string[], limited: [] as string[], decisions: [] as FinalDecision[] };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-limits-e2e-'));
  const policies = join(dir, 'policies.json');
  writeFileSync(
    policies,
    JSON.stringify({
      // Limits are off until a policy has them: on with the defaults for every game, one's own outcome for beta and gamma.
      default: { rules: DEFAULT_POLICY.rules, limits: {} },
      games: { beta: { limits: { outcome: 'mute', muteSeconds: 120 } }, gamma: { limits: { outcome: 'drop', burst: { max: 3, windowSeconds: 10 } } }, delta: { limits: { enabled: false } } },
    }),
  );
  runtime = await startEmbedded({
    env: { ...LEXICON_ENV, GAME_API_KEYS: `alpha:${KEYS.alpha},beta:${KEYS.beta},gamma:${KEYS.gamma},delta:${KEYS.delta}`, GAME_POLICIES_FILE: policies, GATEWAY_PORT: '0', MODERATION_PORT: '0' },
    functions: FUNCTIONS,
    objectDir: join(dir, 'objects'),
    logDir: join(dir, 'log'),
    idleMs: 60_000,
    log: silentLogger(),
  });
  gateway = runtime.urls['game-message-proxy']!;
  runtime.bus.subscribe('limits-e2e-observer', ['raw-messages', 'classified-messages', 'limited-messages', 'final-decisions'], async (d) => {
    const value = JSON.parse(String(d.value)) as { messageId?: string; message?: { messageId: string } };
    if (d.topic === 'final-decisions') seen.decisions.push(value as FinalDecision);
    else if (d.topic === 'raw-messages') seen.raw.push(value.messageId!);
    else if (d.topic === 'classified-messages') seen.classified.push(value.message!.messageId);
    else seen.limited.push(value.message!.messageId);
    return 'commit';
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

async function send(key: string, messages: { messageId: string; channelId: string; playerId: string; text: string }[]): Promise<void> {
  const res = await fetch(`${gateway}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
  expect(res.status).toBe(202);
}

const decisionsOf = (ids: readonly string[]) => seen.decisions.filter((d) => ids.includes(d.messageId));
async function decided(ids: readonly string[]): Promise<Map<string, FinalDecision>> {
  await pollUntil(() => new Set(decisionsOf(ids).map((d) => d.messageId)).size === ids.length, { what: `decisions for ${ids.join(', ')}`, timeoutMs: 30_000 });
  return new Map(decisionsOf(ids).map((d) => [d.messageId, d]));
}

describe('flood and spam limits on make run', () => {
  it('leaves a game whose policy has no limits alone', async () => {
    await send(KEYS.delta, [{ messageId: 'delta-flood', channelId: 'c', playerId: 'p', text: 'A'.repeat(40) }]);
    expect((await decided(['delta-flood'])).get('delta-flood')!.decidedBy).not.toBe('limits');
  });

  it('lets ordinary fast chat through to the models: "gg", "go go go", a few lines each', async () => {
    const lines = ['gg', 'go go go', 'gg', 'nice one', 'go go go', 'gg wp'];
    const ids: string[] = [];
    for (const [i, text] of lines.entries()) {
      ids.push(`chat-${i}`);
      await send(KEYS.alpha, [{ messageId: `chat-${i}`, channelId: 'lobby', playerId: 'fast-talker', text }]);
    }
    const decisions = await decided(ids);
    for (const id of ids) expect(decisions.get(id)).toMatchObject({ verdict: 'allow', decidedBy: 'fast' });
    expect(seen.limited.filter((id) => ids.includes(id))).toEqual([]);
  });

  it('blocks the fourth repeat of a spam line with a warning, without any model reading it', async () => {
    const ids = ['spam-1', 'spam-2', 'spam-3', 'spam-4', 'spam-5'];
    await send(KEYS.alpha, ids.map((messageId, i) => ({ messageId, channelId: 'trade', playerId: 'spammer', text: `join my discord for free skins ${i}` })));
    const decisions = await decided(ids);
    for (const id of ids.slice(0, 3)) expect(decisions.get(id)!.decidedBy).not.toBe('limits');
    for (const id of ids.slice(3)) {
      expect(decisions.get(id)).toMatchObject({ verdict: 'block', decidedBy: 'limits', rule: 'limits', action: { type: 'warn' }, modelVersion: 'limits', limit: { rule: 'repeat', outcome: 'block' } });
      expect(decisions.get(id)!.limit!.reason).toMatch(/same line 4|same line 5/);
    }
    // Never on the models' topics; exactly one final decision each.
    expect(seen.raw.filter((id) => ids.slice(3).includes(id))).toEqual([]);
    expect(seen.classified.filter((id) => ids.slice(3).includes(id))).toEqual([]);
    expect(seen.limited.filter((id) => ids.includes(id)).sort()).toEqual(['spam-4', 'spam-5']);
    expect(decisionsOf(ids)).toHaveLength(ids.length);
  });

  it('stops a character flood at once, and the decision is readable through the API', async () => {
    await send(KEYS.alpha, [{ messageId: 'flood-1', channelId: 'lobby', playerId: 'flooder', text: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }]);
    await decided(['flood-1']);
    const res = await fetch(`${gateway}/v1/decisions/flood-1`, { headers: { authorization: `Bearer ${KEYS.alpha}` } });
    expect(await res.json()).toMatchObject({ decidedBy: 'limits', limit: { rule: 'char-flood' }, action: { type: 'warn' } });
  });

  it("applies each game's outcome: mute for beta, drop for gamma", async () => {
    const beta = ['beta-1', 'beta-2', 'beta-3', 'beta-4'];
    await send(KEYS.beta, beta.map((messageId) => ({ messageId, channelId: 'c', playerId: 'p', text: 'free gold at goldz.xyz' })));
    expect((await decided(beta)).get('beta-4')).toMatchObject({ decidedBy: 'limits', action: { type: 'mute', durationSeconds: 120 }, limit: { outcome: 'mute', muteSeconds: 120 } });

    const gamma = ['gamma-1', 'gamma-2', 'gamma-3', 'gamma-4'];
    await send(KEYS.gamma, gamma.map((messageId, i) => ({ messageId, channelId: 'c', playerId: 'p', text: ['hello there', 'where is the flag', 'push mid now', 'need healing'][i]! })));
    const g = await decided(gamma);
    expect(g.get('gamma-3')!.decidedBy).not.toBe('limits');
    expect(g.get('gamma-4')).toMatchObject({ verdict: 'block', decidedBy: 'limits', action: { type: 'none' }, limit: { rule: 'burst', outcome: 'drop' } });
  });
});
