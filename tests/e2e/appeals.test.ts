// Appeals end to end on the embedded runtime (make run): the game relays a player's appeal, an
// appeal case reaches the moderation queue with the statement and the decision as it stood, a
// moderator other than the one who decided reviews it; an overturn publishes decision.revised,
// lifts the sanction, fixes the reputation and sends an appeal-weighted label to training.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPEAL_TRAINING_WEIGHT, type FinalDecision, type ModerationCase, PlayerReputationSchema, type TrainingExample } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { type EmbeddedRuntime, startEmbedded } from '@sinbin/runtime/embedded';
import { FUNCTIONS } from '../../functions';
import { LEXICON_ENV } from '../helpers/functions';
import { pollUntil } from '../helpers/poll';

const KEYS = { alpha: 'key-alpha-appeal-e2e-01', beta: 'key-beta-appeal-e2e-001' };
const TOKENS = { alice: 'tok-alice-appeal-e2e-01', bob: 'tok-bob-appeal-e2e-0001' };
let runtime: EmbeddedRuntime;
let gateway: string;
const decisions: FinalDecision[] = [];
const examples: TrainingExample[] = [];
const cases: ModerationCase[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-appeal-e2e-'));
  runtime = await startEmbedded({
    env: { ...LEXICON_ENV, GAME_API_KEYS: `alpha:${KEYS.alpha},beta:${KEYS.beta}`, MODERATOR_TOKENS: `alice:${TOKENS.alice},bob:${TOKENS.bob}`, GATEWAY_PORT: '0', MODERATION_PORT: '0' },
    functions: FUNCTIONS,
    objectDir: join(dir, 'objects'),
    logDir: join(dir, 'log'),
    idleMs: 60_000,
    log: silentLogger(),
  });
  gateway = runtime.urls['game-message-proxy']!;
  runtime.bus.subscribe('appeal-e2e-observer', ['final-decisions', 'model-training-data', 'moderation-required'], async (d) => {
    const value = JSON.parse(String(d.value));
    if (d.topic === 'final-decisions') decisions.push(value as FinalDecision);
    else if (d.topic === 'model-training-data') examples.push(value as TrainingExample);
    else cases.push(value as ModerationCase);
    return 'commit';
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

const api = async (path: string, init: { method?: string; body?: unknown; key?: string } = {}) => {
  const res = await fetch(`${gateway}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? KEYS.alpha}`, 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const moderation = async (path: string, token: string, body?: unknown) => {
  const res = await fetch(`${runtime.urls['moderation']}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function decided(messageId: string, text: string, playerId = 'accused'): Promise<FinalDecision> {
  expect((await api('/v1/messages', { method: 'POST', body: { messageId, channelId: 'c', playerId, text } })).status).toBe(202);
  await pollUntil(() => decisions.some((d) => d.messageId === messageId), { what: `the decision of ${messageId}`, timeoutMs: 30_000 });
  return decisions.find((d) => d.messageId === messageId)!;
}
const appealCaseOf = async (messageId: string) => {
  await pollUntil(() => cases.some((c) => c.reason === 'appeal' && c.message.messageId === messageId), { what: `the appeal case of ${messageId}`, timeoutMs: 30_000 });
  return cases.find((c) => c.reason === 'appeal' && c.message.messageId === messageId)!;
};

describe('appeals on make run', () => {
  it('files one appeal per decision: 201, then 409; 404 for another game; 400 without a statement; 409 for an allowed message', async () => {
    const d = await decided('ap-1', 'you are an idiot');
    expect(d).toMatchObject({ verdict: 'block', decidedBy: 'fast' });
    expect(await api('/v1/decisions/ap-1/appeal', { method: 'POST', body: {} })).toMatchObject({ status: 400, body: { error: 'invalid-appeal' } });
    const filed = await api('/v1/decisions/ap-1/appeal', { method: 'POST', body: { statement: 'I was quoting the other team, not calling anyone names.', playerId: 'accused' } });
    expect(filed).toMatchObject({ status: 201, body: { messageId: 'ap-1', playerId: 'accused', status: 'open', links: { decision: '/v1/decisions/ap-1' } } });
    expect(await api('/v1/decisions/ap-1/appeal', { method: 'POST', body: { statement: 'again' } })).toMatchObject({ status: 409, body: { error: 'already-appealed' } });
    expect((await api('/v1/decisions/ap-1/appeal', { method: 'POST', body: { statement: 'not mine' }, key: KEYS.beta })).status).toBe(404);
    await decided('ap-ok', 'gg wp');
    expect(await api('/v1/decisions/ap-ok/appeal', { method: 'POST', body: { statement: 'why' } })).toMatchObject({ status: 409, body: { error: 'not-appealable' } });
  });

  it('opens an appeal case with the message, its readings and the statement; an overturn revises the decision everywhere', async () => {
    const c = await appealCaseOf('ap-1');
    expect(c).toMatchObject({ reason: 'appeal', provisionalVerdict: 'block', message: { text: 'you are an idiot' }, appeal: { statement: expect.stringContaining('quoting'), original: { verdict: 'block', decidedBy: 'fast' } } });
    // The case is in the queue moderators read.
    await pollUntil(async () => (await moderation(`/v1/cases/${c.caseId}`, TOKENS.bob)).status === 200, { what: 'the appeal case in the queue', timeoutMs: 20_000 });
    expect((await moderation(`/v1/cases/${c.caseId}/verdict`, TOKENS.bob, { verdict: 'allow', note: 'quoted' })).status).toBe(200);

    await pollUntil(() => decisions.some((d) => d.messageId === 'ap-1' && d.revision), { what: 'decision.revised', timeoutMs: 30_000 });
    const revised = decisions.find((d) => d.messageId === 'ap-1' && d.revision)!;
    expect(revised).toMatchObject({ verdict: 'allow', action: { type: 'none' }, decidedBy: 'moderator', revision: { number: 1, reason: 'appeal-overturned', revisedBy: 'bob', previous: { verdict: 'block', decidedBy: 'fast' } } });
    // The game reads the revised decision; the appeal says overturned.
    await pollUntil(async () => ((await api('/v1/decisions/ap-1')).body.revision as unknown) !== undefined, { what: 'the revised decision through the API', timeoutMs: 20_000 });
    expect((await api('/v1/decisions/ap-1/appeal')).body).toMatchObject({ status: 'overturned' });
    // The reputation no longer counts it.
    const rep = PlayerReputationSchema.parse((await api('/v1/players/accused')).body);
    expect(rep).toMatchObject({ standing: 1, offences: { total: 1, counted: 0, overturned: 1 } });
    expect(rep.recent[0]).toMatchObject({ messageId: 'ap-1', status: 'overturned', weight: 0 });
    // The corrected label goes to training, weighted as an appeal.
    await pollUntil(() => examples.some((e) => e.messageId === 'ap-1' && e.source === 'appeal'), { what: 'the appeal training example', timeoutMs: 20_000 });
    expect(examples.find((e) => e.messageId === 'ap-1' && e.source === 'appeal')).toMatchObject({ label: 'ok', weight: APPEAL_TRAINING_WEIGHT });
  });

  it('the moderator who decided cannot review the appeal; another upholds it', async () => {
    // An ambiguous line goes to a moderator; alice blocks it.
    expect((await api('/v1/messages', { method: 'POST', body: { messageId: 'ap-2', channelId: 'c2', playerId: 'accused2', text: 'ur trash noob' } })).status).toBe(202);
    await pollUntil(async () => {
      const list = (await moderation('/v1/cases?limit=100', TOKENS.alice)).body.cases as { caseId: string; message: { messageId: string } }[];
      return list.some((x) => x.message.messageId === 'ap-2');
    }, { what: 'the moderation case of ap-2', timeoutMs: 30_000 });
    const list = (await moderation('/v1/cases?limit=100', TOKENS.alice)).body.cases as { caseId: string; message: { messageId: string } }[];
    const first = list.find((x) => x.message.messageId === 'ap-2')!;
    expect((await moderation(`/v1/cases/${first.caseId}/verdict`, TOKENS.alice, { verdict: 'block', category: 'insult' })).status).toBe(200);
    await pollUntil(() => decisions.some((d) => d.messageId === 'ap-2'), { what: 'the decision of ap-2', timeoutMs: 30_000 });

    expect((await api('/v1/decisions/ap-2/appeal', { method: 'POST', body: { statement: 'it was banter with a friend' } })).status).toBe(201);
    const c = await appealCaseOf('ap-2');
    expect(c.appeal).toMatchObject({ decidedByModerator: 'alice', original: { decidedBy: 'moderator' } });
    await pollUntil(async () => (await moderation(`/v1/cases/${c.caseId}`, TOKENS.bob)).status === 200, { what: 'the appeal case in the queue', timeoutMs: 20_000 });
    expect(await moderation(`/v1/cases/${c.caseId}/verdict`, TOKENS.alice, { verdict: 'allow' })).toMatchObject({ status: 403, body: { error: 'own-decision' } });
    expect((await moderation(`/v1/cases/${c.caseId}/verdict`, TOKENS.bob, { verdict: 'block', category: 'insult' })).status).toBe(200);
    await pollUntil(async () => (await api('/v1/decisions/ap-2/appeal')).body.status === 'upheld', { what: 'the appeal upheld', timeoutMs: 30_000 });
    // Upheld: no revision. The topic may carry the same decision twice (a redelivered verdict is
    // republished as the ledger holds it; consumers dedupe by messageId), never a second one.
    const ap2 = decisions.filter((d) => d.messageId === 'ap-2');
    expect(new Set(ap2.map((d) => JSON.stringify(d))).size).toBe(1);
    expect(ap2[0]!.revision).toBeUndefined();
    await pollUntil(() => examples.some((e) => e.messageId === 'ap-2' && e.source === 'appeal'), { what: 'the upheld appeal as a label', timeoutMs: 20_000 });
    expect(examples.find((e) => e.messageId === 'ap-2' && e.source === 'appeal')).toMatchObject({ label: 'toxic', category: 'insult', weight: APPEAL_TRAINING_WEIGHT });
  });
});
