// Reputation end to end on the embedded runtime (make run): a player's standing over HTTP, policy
// rules that read it (a clean record gets a warning, a repeat offender a mute), and the decision
// recording what it used.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FinalDecision, PlayerReputationSchema } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { type EmbeddedRuntime, startEmbedded } from '@sinbin/runtime/embedded';
import { FUNCTIONS } from '../../functions';
import { LEXICON_ENV } from '../helpers/functions';
import { pollUntil } from '../helpers/poll';

const KEYS = { alpha: 'key-alpha-rep-e2e-00001', beta: 'key-beta-rep-e2e-000001' };
let runtime: EmbeddedRuntime;
let gateway: string;
const decisions: FinalDecision[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-rep-e2e-'));
  const policies = join(dir, 'policies.json');
  writeFileSync(
    policies,
    JSON.stringify({
      default: {
        rules: [
          { name: 'clean record: a warning', when: { minStanding: 0.8 }, action: { type: 'warn' } },
          { name: 'repeat offender: a mute', when: {}, action: { type: 'mute', durationSeconds: 600 } },
        ],
      },
    }),
  );
  runtime = await startEmbedded({
    env: { ...LEXICON_ENV, GAME_API_KEYS: `alpha:${KEYS.alpha},beta:${KEYS.beta}`, GAME_POLICIES_FILE: policies, GATEWAY_PORT: '0', MODERATION_PORT: '0' },
    functions: FUNCTIONS,
    objectDir: join(dir, 'objects'),
    logDir: join(dir, 'log'),
    idleMs: 60_000,
    log: silentLogger(),
  });
  gateway = runtime.urls['game-message-proxy']!;
  runtime.bus.subscribe('rep-e2e-observer', ['final-decisions'], async (d) => {
    decisions.push(JSON.parse(String(d.value)) as FinalDecision);
    return 'commit';
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

async function decide(messageId: string, playerId: string, text: string): Promise<FinalDecision> {
  const res = await fetch(`${gateway}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.alpha}`, 'content-type': 'application/json' }, body: JSON.stringify({ messageId, channelId: 'c', playerId, text }) });
  expect(res.status).toBe(202);
  await pollUntil(() => decisions.some((d) => d.messageId === messageId), { what: `the decision of ${messageId}`, timeoutMs: 30_000 });
  return decisions.find((d) => d.messageId === messageId)!;
}

const player = (playerId: string, key = KEYS.alpha) => fetch(`${gateway}/v1/players/${playerId}`, { headers: { authorization: `Bearer ${key}` } });

describe('reputation on make run', () => {
  it('a clean record gets the warning, the next offence the mute, and each decision says what standing it read', async () => {
    const first = await decide('rep-1', 'villain', 'you are an idiot');
    expect(first).toMatchObject({ verdict: 'block', rule: 'clean record: a warning', action: { type: 'warn' }, reputation: { standing: 1, offences: 0 } });
    const second = await decide('rep-2', 'villain', 'you are trash idiot');
    expect(second).toMatchObject({ verdict: 'block', rule: 'repeat offender: a mute', action: { type: 'mute', durationSeconds: 600 }, reputation: { offences: 1 } });
    expect(second.reputation!.standing).toBeLessThan(0.8);
  });

  it('GET /v1/players/{playerId}: standing, offences by category and severity, sanctions, recent decisions with links', async () => {
    await decide('rep-3', 'villain', 'gg wp');
    const res = await player('villain');
    expect(res.status).toBe(200);
    const rep = PlayerReputationSchema.parse(await res.json());
    expect(rep.standing).toBeGreaterThan(0);
    expect(rep.standing).toBeLessThan(0.8);
    expect(rep.activity.messages).toBe(3);
    expect(rep.offences).toMatchObject({ total: 2, counted: 2, overturned: 0 });
    expect(Object.values(rep.offences.bySeverity).reduce((a, b) => a + b, 0)).toBe(2);
    expect(rep.sanctions).toEqual([expect.objectContaining({ messageId: 'rep-2', action: 'mute', durationSeconds: 600 })]);
    expect(rep.recent.map((d) => d.messageId)).toEqual(['rep-2', 'rep-1']);
    expect(rep.recent[0]!.links).toEqual({ decision: '/v1/decisions/rep-2', appeal: '/v1/decisions/rep-2/appeal' });
    expect(rep.standingModel).toMatchObject({ halfLifeDays: 14, scale: 8 });
  });

  it('a player with only clean messages stands at 1', async () => {
    await decide('rep-clean', 'angel', 'nice shot');
    expect(PlayerReputationSchema.parse(await (await player('angel')).json())).toMatchObject({ standing: 1, offences: { total: 0 }, sanctions: [], recent: [] });
  });

  it("answers 404 for another game's player or an unknown one, 400 for a bad id", async () => {
    expect((await player('villain', KEYS.beta)).status).toBe(404);
    expect((await player('nobody')).status).toBe(404);
    const bad = await player('%01bad');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid-player-id');
  });
});
