// The whole pipeline in one process (startEmbedded), driven over HTTP as a game backend and a
// moderator would. The functions run on the lexicon baseline (the model folders point nowhere), so
// which message takes which path is known: clean chat is decided by the fast stage, plain abuse is
// blocked by it, and "ur trash noob"-style chat goes to the deep analyzer and, unsure, to a human.
// Game beta's policy trusts the deep stage more, so its ambiguous messages can end there.
//
// The tests share one runtime and run in order: the scale-to-zero checks depend on what came before.
import { loadExamples } from '../../cli/lifecycle/training-data';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatMessage, type DeadLetter, DeadLetterSchema, DEFAULT_POLICY, type FinalDecision, type ModerationCase, TOPICS, type TrainingExample } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { type EmbeddedRuntime, startEmbedded } from '@sinbin/runtime/embedded';
import { FUNCTIONS } from '../../functions';
import { LEXICON_ENV } from '../helpers/functions';
import { pollUntil } from '../helpers/poll';
import { partitionFor } from '../../runtime/src/transport/partitioner';

const KEYS = { alpha: 'key-alpha-e2e-0000001', beta: 'key-beta-e2e-0000002' } as const;
const MODERATOR_TOKEN = 'tok-alice-e2e-0000001';
const IDLE_MS = 400;

let runtime: EmbeddedRuntime;
/** What a consumer group of our own saw on the bus, beside the pipeline's groups. */
const seen = { raw: [] as ChatMessage[], decisions: [] as FinalDecision[], letters: [] as DeadLetter[] };
/** Messages the gateway accepted (202, published), per game: what the metric must say. */
const accepted = { alpha: 0, beta: 0 };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-e2e-'));
  const policies = join(dir, 'policies.json');
  // Alarms blocked at once and mild taunts under the rules, so each line's path is the lexicon's own;
  // the default (alarms to a moderator, mild taunts allowed) is tests/e2e/models-v2.test.ts.
  writeFileSync(policies, JSON.stringify({ default: { rules: DEFAULT_POLICY.rules, alarms: 'block', mildTaunts: 'rules' }, games: { beta: { deepMinConfidence: 0.2 } } }));
  runtime = await startEmbedded({
    env: {
      ...LEXICON_ENV,
      GAME_API_KEYS: `alpha:${KEYS.alpha},beta:${KEYS.beta}`,
      MODERATOR_TOKENS: `alice:${MODERATOR_TOKEN}`,
      GAME_POLICIES_FILE: policies,
      MODERATION_SWEEP_MS: '100',
      GATEWAY_PORT: '0',
      MODERATION_PORT: '0',
    },
    functions: FUNCTIONS,
    objectDir: join(dir, 'objects'),
    // The durable log and stores, as make run has them.
    logDir: join(dir, 'log'),
    idleMs: IDLE_MS,
    log: silentLogger(),
  });
  runtime.bus.subscribe('e2e-observer', ['raw-messages', 'final-decisions', 'raw-messages.dlq'], async (d) => {
    let value: unknown;
    try {
      value = JSON.parse(String(d.value));
    } catch {
      return 'commit'; // the poison records of the dead-letter test
    }
    if (d.topic === 'raw-messages') seen.raw.push(value as ChatMessage);
    else if (d.topic === 'final-decisions') seen.decisions.push(value as FinalDecision);
    else seen.letters.push(DeadLetterSchema.parse(value));
    return 'commit';
  });
});

afterAll(async () => {
  await runtime?.stop();
});

// --- HTTP helpers ------------------------------------------------------------------------------

type Game = keyof typeof KEYS;

async function postRaw(body: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${runtime.urls['game-message-proxy']}/v1/messages`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function post(game: Game, body: unknown): Promise<string[]> {
  const res = await postRaw(JSON.stringify(body), { authorization: `Bearer ${KEYS[game]}`, 'content-type': 'application/json' });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return (res.body.accepted as { messageId: string }[]).map((a) => a.messageId);
}

async function decisionOf(game: Game, messageId: string): Promise<{ status: number; decision?: FinalDecision }> {
  const res = await fetch(`${runtime.urls['game-message-proxy']}/v1/decisions/${encodeURIComponent(messageId)}`, { headers: { authorization: `Bearer ${KEYS[game]}` } });
  return res.status === 200 ? { status: 200, decision: (await res.json()) as FinalDecision } : { status: res.status };
}

async function moderation(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
  const token = init.token === undefined ? MODERATOR_TOKEN : init.token;
  const res = await fetch(`${runtime.urls['moderation']}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function pendingCases(): Promise<ModerationCase[]> {
  const res = await moderation('/v1/cases?limit=500');
  expect(res.status).toBe(200);
  return res.body.cases as ModerationCase[];
}

/** Polls until every message has a decision or sits in the moderation queue; returns both. */
async function settle(game: Game, ids: string[], what: string) {
  return pollUntil(
    async () => {
      const cases = new Map((await pendingCases()).map((c) => [c.message.messageId, c]));
      const decisions = new Map<string, FinalDecision>();
      for (const id of ids) {
        if (cases.has(id)) continue;
        const d = await decisionOf(game, id);
        if (!d.decision) return undefined;
        decisions.set(id, d.decision);
      }
      return { decisions, cases: new Map(ids.filter((id) => cases.has(id)).map((id) => [id, cases.get(id)!])) };
    },
    { timeoutMs: 20_000, intervalMs: 50, what },
  );
}

async function decided(game: Game, ids: string[], what: string): Promise<Map<string, FinalDecision>> {
  const out = new Map<string, FinalDecision>();
  await pollUntil(
    async () => {
      for (const id of ids) if (!out.has(id)) {
        const d = await decisionOf(game, id);
        if (d.decision) out.set(id, d.decision);
      }
      return out.size === ids.length;
    },
    { timeoutMs: 20_000, intervalMs: 50, what },
  );
  return out;
}

async function acceptedMetric(game: Game): Promise<number> {
  const text = await (await fetch(`${runtime.urls['game-message-proxy']}/metrics`)).text();
  const match = new RegExp(`^sinbin_gateway_messages_accepted_total\\{game="${game}"\\} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

const deepAnalyzer = () => runtime.hosts.get('deep-analyzer')!;

// --- The conversation --------------------------------------------------------------------------

type Path = 'fast-allow' | 'fast-block' | 'case' | 'deep-block';
const line = (id: string, playerId: string, text: string, path: Path) => ({ id, playerId, text, path });

const CLEAN_OPENING = [
  line('open-1', 'p1', 'gl hf everyone', 'fast-allow'),
  line('open-2', 'p2', 'nice kill', 'fast-allow'),
  line('open-3', 'p3', 'kill the boss first', 'fast-allow'),
  line('open-4', 'p1', 'heal me pls', 'fast-allow'),
];

const CONVERSATION = [
  line('conv-01', 'p1', 'push mid, they are low', 'fast-allow'),
  line('conv-02', 'p2', 'anyone up for ranked after this?', 'fast-allow'),
  line('conv-03', 'p3', 'ur trash noob', 'case'),
  line('conv-04', 'p1', 'what a noob team', 'fast-allow'),
  line('conv-05', 'p3', 'you are an idiot', 'fast-block'),
  line('conv-06', 'p2', 'chill guys', 'fast-allow'),
  line('conv-07', 'p3', 'kys', 'fast-block'),
  line('conv-08', 'p1', 'reported', 'fast-allow'),
  line('conv-09', 'p3', 'you are trash', 'case'),
  line('conv-10', 'p2', 'ez', 'fast-allow'),
  line('conv-11', 'p3', 'f u c k you', 'fast-block'),
  line('conv-12', 'p1', 'stupid bot', 'case'),
  line('conv-13', 'p2', 'gg wp', 'fast-allow'),
  line('conv-14', 'p3', 'i will kill you', 'fast-block'),
  line('conv-15', 'p1', 'lol', 'fast-allow'),
  line('conv-16', 'p2', 'report this retard', 'fast-block'),
  line('conv-17', 'p1', 'brb', 'fast-allow'),
  line('conv-18', 'p3', 'uninstall noob', 'case'),
  line('conv-19', 'p2', 'nice shot', 'fast-allow'),
  line('conv-20', 'p3', 'you suck', 'fast-block'),
  line('conv-21', 'p1', 'good game everyone', 'fast-allow'),
  line('conv-22', 'p2', 'ｆｕｃｋ off', 'fast-block'),
];

const BETA = [
  line('beta-1', 'q1', 'gg', 'fast-allow'),
  line('beta-2', 'q2', 'ur trash noob', 'deep-block'),
  line('beta-3', 'q2', 'you are trash', 'case'),
  line('beta-4', 'q1', 'kys', 'fast-block'),
];

const msg = (l: ReturnType<typeof line>, channelId = 'match-1') => ({ messageId: l.id, channelId, playerId: l.playerId, text: l.text });
const CASE_IDS = [...CONVERSATION, ...BETA].filter((l) => l.path === 'case').map((l) => l.id);

// --- Tests -------------------------------------------------------------------------------------

describe('embedded runtime: operations endpoints', () => {
  it('answers /healthz on the gateway and on moderation', async () => {
    for (const url of [runtime.urls['game-message-proxy'], runtime.urls['moderation']]) {
      const res = await fetch(`${url}/healthz`);
      expect(res.status, url).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
  });

  it('serves Prometheus metrics, including the accepted-messages counter', async () => {
    const res = await fetch(`${runtime.urls['game-message-proxy']}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('# TYPE sinbin_gateway_messages_accepted_total counter');
    expect(text).toContain('sinbin_function_instances');
  });
});

describe('embedded runtime: the gateway refuses bad requests and publishes nothing of them', () => {
  const json = (key?: string) => ({ 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) });
  const ok = { channelId: 'match-x', playerId: 'p1', text: 'hello' };
  const many = (n: number) => JSON.stringify({ messages: Array.from({ length: n }, (_, i) => ({ ...ok, messageId: `bulk-${n}-${i}` })) });

  it.each([
    { name: 'no API key', headers: json(), body: JSON.stringify(ok), status: 401, error: 'missing-api-key' },
    { name: 'an unknown API key', headers: json('key-of-nobody'), body: JSON.stringify(ok), status: 401, error: 'unknown-api-key' },
    { name: 'a non-Bearer authorization', headers: { 'content-type': 'application/json', authorization: `Basic ${KEYS.alpha}` }, body: JSON.stringify(ok), status: 401, error: 'missing-api-key' },
    { name: 'text/plain', headers: { ...json(KEYS.alpha), 'content-type': 'text/plain' }, body: JSON.stringify(ok), status: 415, error: 'unsupported-media-type' },
    { name: 'no content type', headers: { authorization: `Bearer ${KEYS.alpha}` }, body: JSON.stringify(ok), status: 415, error: 'unsupported-media-type' },
    { name: 'invalid JSON', headers: json(KEYS.alpha), body: '{"channelId":', status: 400, error: 'invalid-json' },
    { name: 'a JSON array', headers: json(KEYS.alpha), body: JSON.stringify([ok]), status: 400, error: 'invalid-body' },
    { name: 'a missing field', headers: json(KEYS.alpha), body: JSON.stringify({ channelId: 'c', text: 'hi' }), status: 400, error: 'invalid-message', names: 'playerId is required' },
    { name: 'an empty field', headers: json(KEYS.alpha), body: JSON.stringify({ ...ok, channelId: '' }), status: 400, error: 'invalid-message', names: 'channelId must not be empty' },
    { name: 'whitespace-only text', headers: json(KEYS.alpha), body: JSON.stringify({ ...ok, text: '   ' }), status: 400, error: 'invalid-message', names: 'text must not be empty' },
    { name: 'text of the wrong type', headers: json(KEYS.alpha), body: JSON.stringify({ ...ok, text: 42 }), status: 400, error: 'invalid-message', names: 'text must be a string' },
    { name: 'text of 2001 characters', headers: json(KEYS.alpha), body: JSON.stringify({ ...ok, text: 'a'.repeat(2001) }), status: 400, error: 'text-too-long', names: '2000' },
    { name: 'a batch of 501', headers: json(KEYS.alpha), body: many(501), status: 400, error: 'batch-too-large', names: '500' },
    { name: 'an empty batch', headers: json(KEYS.alpha), body: JSON.stringify({ messages: [] }), status: 400, error: 'invalid-batch', names: 'messages must not be empty' },
    {
      name: 'a batch with one bad message among good ones',
      headers: json(KEYS.alpha),
      body: JSON.stringify({ messages: [ok, ok, { ...ok, playerId: 7 }] }),
      status: 400,
      error: 'invalid-message',
      names: 'playerId must be a string',
    },
    {
      name: 'a batch repeating a messageId',
      headers: json(KEYS.alpha),
      body: JSON.stringify({ messages: [{ ...ok, messageId: 'same' }, { ...ok, messageId: 'same' }] }),
      status: 400,
      error: 'duplicate-message-id',
      names: 'messageId',
    },
  ])('$name -> $status $error', async ({ headers, body, status, error, names }) => {
    expect(await runtime.bus.drained()).toBe(true);
    const published = seen.raw.length;
    const metric = await acceptedMetric('alpha');
    const res = await postRaw(body, headers);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    if (names) expect(JSON.stringify(res.body)).toContain(names);
    if (status === 401) expect(res.body).not.toHaveProperty('accepted');
    expect(await runtime.bus.drained()).toBe(true);
    expect(seen.raw.length).toBe(published);
    expect(await acceptedMetric('alpha')).toBe(metric);
  });

  it('accepts the limits: text of exactly 2000 characters and a batch of exactly 500, each decided', async () => {
    const long = await post('alpha', { messageId: 'limit-text', channelId: 'limits', playerId: 'p9', text: 'a'.repeat(2000) });
    const batch = (await postRaw(many(500), json(KEYS.alpha))) as { status: number; body: { accepted: { messageId: string }[] } };
    expect(batch.status).toBe(202);
    expect(batch.body.accepted).toHaveLength(500);
    accepted.alpha += 501;
    const ids = [...long, ...batch.body.accepted.map((a) => a.messageId)];
    const decisions = await decided('alpha', ids, 'decisions for the 501 messages at the limits');
    expect([...decisions.values()].every((d) => d.verdict === 'allow' && d.decidedBy === 'fast')).toBe(true);
  });
});

describe('embedded runtime: a conversation, end to end', () => {
  it('decides clean chat at the fast stage without waking the deep analyzer', async () => {
    for (const l of CLEAN_OPENING) await post('alpha', msg(l));
    accepted.alpha += CLEAN_OPENING.length;
    const decisions = await decided('alpha', CLEAN_OPENING.map((l) => l.id), 'the clean opening');
    for (const d of decisions.values()) expect(d).toMatchObject({ verdict: 'allow', decidedBy: 'fast', action: { type: 'none' }, gameId: 'alpha', channelId: 'match-1' });
    expect(deepAnalyzer().isRunning).toBe(false);
    expect(deepAnalyzer().coldStartsMs).toHaveLength(0);
  });

  it('gives every message one decision, or a place in the moderation queue', async () => {
    // Single posts, then batches, as a game backend would send them.
    for (const l of CONVERSATION.slice(0, 6)) await post('alpha', msg(l));
    await post('alpha', { messages: CONVERSATION.slice(6, 14).map((l) => msg(l)) });
    await post('alpha', { messages: CONVERSATION.slice(14).map((l) => msg(l)) });
    await post('beta', { messages: BETA.map((l) => msg(l)) });
    accepted.alpha += CONVERSATION.length;
    accepted.beta += BETA.length;

    const alpha = await settle('alpha', CONVERSATION.map((l) => l.id), 'the alpha conversation to settle');
    const beta = await settle('beta', BETA.map((l) => l.id), 'the beta messages to settle');
    for (const [lines, got] of [[CONVERSATION, alpha], [BETA, beta]] as const) {
      for (const l of lines) {
        const d = got.decisions.get(l.id);
        const where = `${l.id} ${JSON.stringify(l.text)}`;
        if (l.path === 'case') {
          expect(d, where).toBeUndefined();
          expect(got.cases.get(l.id), where).toMatchObject({ reason: 'low-confidence', message: { text: l.text, playerId: l.playerId } });
          expect(got.cases.get(l.id)!.deep, where).toBeDefined();
        } else {
          expect(got.cases.has(l.id), where).toBe(false);
          const want = { 'fast-allow': ['allow', 'fast'], 'fast-block': ['block', 'fast'], 'deep-block': ['block', 'deep'] }[l.path];
          expect([d?.verdict, d?.decidedBy], where).toEqual(want);
          expect(d!.action.type === 'none', where).toBe(l.path === 'fast-allow');
          expect(d!.latencyMs, where).toBeGreaterThanOrEqual(0);
        }
      }
    }
    // The ambiguous message's case carries the conversation before it.
    expect(alpha.cases.get('conv-03')!.context.map((c) => c.text)).toEqual([...CLEAN_OPENING, ...CONVERSATION.slice(0, 2)].map((l) => l.text));
    // Ambiguous chat woke the deep analyzer.
    expect(deepAnalyzer().coldStartsMs.length).toBeGreaterThanOrEqual(1);
    // DEFAULT_POLICY escalates a player who keeps abusing (p3, blocked at the fast stage each time).
    expect(alpha.decisions.get('conv-05')!.action).toEqual({ type: 'warn' }); // first offence
    expect(alpha.decisions.get('conv-07')!).toMatchObject({ action: { type: 'mute', durationSeconds: 24 * 3600 }, rule: 'self-harm encouragement' }); // "kys": blocked on the alarm
    expect(alpha.decisions.get('conv-11')!.action).toEqual({ type: 'mute', durationSeconds: 600 }); // third offence
    expect(alpha.decisions.get('conv-20')!.action).toEqual({ type: 'kick' }); // fifth offence
  });

  it('publishes exactly one decision per message on final-decisions (a republish is the same decision)', async () => {
    expect(await runtime.bus.drained()).toBe(true);
    const byId = new Map<string, FinalDecision[]>();
    for (const d of seen.decisions) byId.set(`${d.gameId}/${d.messageId}`, [...(byId.get(`${d.gameId}/${d.messageId}`) ?? []), d]);
    for (const [id, list] of byId) for (const d of list) expect(d, id).toEqual(list[0]);
    for (const l of CONVERSATION.filter((x) => x.path !== 'case')) expect(byId.has(`alpha/${l.id}`), l.id).toBe(true);
    for (const id of CASE_IDS) expect(byId.has(`alpha/${id}`) || byId.has(`beta/${id}`), id).toBe(false);
  });

  it('moderators decide the open cases through the API; those messages get the moderator decision', async () => {
    expect((await moderation('/v1/cases', { token: null })).status).toBe(401);
    expect((await moderation('/v1/cases', { token: 'tok-mallory' })).status).toBe(401);
    const cases = new Map((await pendingCases()).map((c) => [`${c.message.gameId}/${c.message.messageId}`, c]));
    const caseOf = (game: Game, id: string) => {
      const c = cases.get(`${game}/${id}`);
      expect(c, `${game}/${id}`).toBeDefined();
      return c!;
    };
    const verdicts: { game: Game; id: string; body: Record<string, unknown>; verdict: 'allow' | 'block'; action: FinalDecision['action'] }[] = [
      // p3's sixth blocked message: the rules make it a kick.
      { game: 'alpha', id: 'conv-03', body: { verdict: 'block', category: 'insult' }, verdict: 'block', action: { type: 'kick' } },
      { game: 'alpha', id: 'conv-09', body: { verdict: 'allow', note: 'banter between friends' }, verdict: 'allow', action: { type: 'none' } },
      { game: 'alpha', id: 'conv-12', body: { verdict: 'block', category: 'insult', action: { type: 'mute', durationSeconds: 60 } }, verdict: 'block', action: { type: 'mute', durationSeconds: 60 } },
      { game: 'alpha', id: 'conv-18', body: { verdict: 'allow' }, verdict: 'allow', action: { type: 'none' } },
      // q2's second offence (beta-2 was blocked by the deep stage): still a warning.
      { game: 'beta', id: 'beta-3', body: { verdict: 'block', category: 'insult' }, verdict: 'block', action: { type: 'warn' } },
    ];
    for (const v of verdicts) {
      const res = await moderation(`/v1/cases/${encodeURIComponent(caseOf(v.game, v.id).caseId)}/verdict`, { method: 'POST', body: v.body });
      expect(res.status, `${v.id}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body).toMatchObject({ status: 'decided', published: true });
    }
    for (const v of verdicts) {
      const [d] = (await decided(v.game, [v.id], `the moderator decision of ${v.id}`)).values();
      expect(d, v.id).toMatchObject({ verdict: v.verdict, decidedBy: 'moderator', action: v.action });
      expect(d!.toxicity, v.id).toBe(v.verdict === 'block' ? Math.max(d!.toxicity, 0.9) : Math.min(d!.toxicity, 0.1));
    }
    expect(await pendingCases()).toEqual([]);

    // A second verdict on a decided case changes nothing.
    const again = await moderation(`/v1/cases/${encodeURIComponent(caseOf('alpha', 'conv-09').caseId)}/verdict`, { method: 'POST', body: { verdict: 'block' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already-decided');
    expect((await decisionOf('alpha', 'conv-09')).decision?.verdict).toBe('allow');
  });

  it('writes a training example for every moderator verdict and confident deep verdict', async () => {
    const examples = await pollUntil(
      async () => {
        // Staged one per object, or already batched into a gzipped JSON-lines object: the retrainer reads both.
        const all: TrainingExample[] = (await loadExamples(runtime.stores.objects)).examples;
        return all.length >= CASE_IDS.length + 1 ? all : undefined;
      },
      { timeoutMs: 20_000, what: 'the training examples' },
    );
    const byMessage = new Map(examples.map((e) => [`${e.gameId}/${e.messageId}`, e]));
    expect(byMessage.get('alpha/conv-03')).toMatchObject({ label: 'toxic', category: 'insult', source: 'moderator', text: 'ur trash noob' });
    expect(byMessage.get('alpha/conv-09')).toMatchObject({ label: 'ok', source: 'moderator' });
    expect(byMessage.get('beta/beta-3')).toMatchObject({ label: 'toxic', source: 'moderator' });
    expect(byMessage.get('beta/beta-2')).toMatchObject({ label: 'toxic', source: 'deep' });
    expect(byMessage.get('alpha/conv-03')!.context.length).toBeGreaterThan(0);
    // Fast decisions are not labels.
    expect(byMessage.has('alpha/conv-05')).toBe(false);
    // Partitioned by game (and day): staged under staging/game=<g>/..., batched as game=<g>/date=<d>/batch-*-g<gold>-d<deep>.jsonl.gz.
    const keys = await runtime.stores.objects.list('');
    const hasGame = (game: string, source: 'moderator' | 'deep') =>
      keys.some((k) => k.includes(`game=${game}/`) && (k.includes(`/${source}/`) || (source === 'moderator' ? /-g[1-9]\d*-d\d+\.jsonl\.gz$/ : /-g\d+-d[1-9]\d*\.jsonl\.gz$/).test(k)));
    expect(hasGame('alpha', 'moderator')).toBe(true);
    expect(hasGame('beta', 'deep')).toBe(true);
  });

  it("keeps each game's decisions to itself", async () => {
    expect((await decisionOf('alpha', 'conv-05')).status).toBe(200);
    expect((await decisionOf('beta', 'conv-05')).status).toBe(404);
    expect((await decisionOf('alpha', 'beta-2')).status).toBe(404);
    expect((await decisionOf('beta', 'beta-2')).status).toBe(200);
    const noKey = await fetch(`${runtime.urls['game-message-proxy']}/v1/decisions/conv-05`);
    expect(noKey.status).toBe(401);
  });

  it('is idempotent: re-posting a messageId gets 202 and still one decision', async () => {
    expect(await runtime.bus.drained()).toBe(true);
    // Both tables can count (the memory ones and the LMDB ones of the durable default).
    const ledger = runtime.stores.ledger as unknown as { size: number };
    const decisions = runtime.stores.decisions as unknown as { size: number };
    const [ledgerBefore, storeBefore] = [ledger.size, decisions.size];
    const before = (await decisionOf('alpha', 'conv-05')).decision!;

    expect(await post('alpha', msg(CONVERSATION[4]!))).toEqual(['conv-05']);
    expect(await post('alpha', { messages: [msg(CONVERSATION[4]!), msg(line('conv-23', 'p2', 'one more game?', 'fast-allow'))] })).toEqual(['conv-05', 'conv-23']);
    accepted.alpha += 1;
    await decided('alpha', ['conv-23'], 'the new message');
    expect(await runtime.bus.drained()).toBe(true);

    expect(seen.raw.filter((m) => m.gameId === 'alpha' && m.messageId === 'conv-05')).toHaveLength(1);
    expect((await decisionOf('alpha', 'conv-05')).decision).toEqual(before);
    expect([ledger.size, decisions.size]).toEqual([ledgerBefore + 1, storeBefore + 1]);
  });

  it('dead-letters malformed records on raw-messages.dlq and keeps deciding the partition behind them', async () => {
    const key = 'alpha/dlq-channel';
    const headers = { ce_specversion: '1.0', ce_type: TOPICS['raw-messages'].ceType, ce_source: '/e2e/rogue-producer', 'content-type': 'application/json' };
    await runtime.bus.publish([
      { topic: 'raw-messages', key, value: '{"messageId": "broken", ', headers: { ...headers, ce_id: 'rogue-1' } },
      { topic: 'raw-messages', key, value: JSON.stringify({ messageId: 'no-game', channelId: 'dlq-channel', text: 'hi' }), headers: { ...headers, ce_id: 'rogue-2' } },
    ]);
    const after = ['dlq-after-1', 'dlq-after-2', 'dlq-after-3'];
    await post('alpha', { messages: after.map((id, i) => ({ messageId: id, channelId: 'dlq-channel', playerId: 'p1', text: i === 1 ? 'kys' : 'still here' })) });
    accepted.alpha += after.length;

    const letters = await pollUntil(() => (seen.letters.length >= 2 ? seen.letters : undefined), { what: 'two dead letters' });
    expect(letters.map((l) => [l.errorCode, l.consumer, l.topic, l.key])).toEqual([
      ['invalid-json', 'fast-classifier', 'raw-messages', key],
      ['schema-violation', 'fast-classifier', 'raw-messages', key],
    ]);
    expect(letters[0]!.reason).toContain('not JSON');
    expect(letters[1]!.reason).toMatch(/gameId|playerId/);
    expect(letters[0]!.payload).toBe('{"messageId": "broken", ');
    const partition = partitionFor(key, runtime.bus.partitionCount('raw-messages'));
    expect(letters.map((l) => l.partition)).toEqual([partition, partition]);

    const decisions = await decided('alpha', after, 'the messages behind the poison');
    expect([...decisions.values()].map((d) => d.verdict)).toEqual(['allow', 'block', 'allow']);
    expect(seen.raw.filter((m) => after.includes(m.messageId)).length).toBe(3);
  });

  it('counts accepted messages per game in /metrics', async () => {
    expect(await acceptedMetric('alpha')).toBe(accepted.alpha);
    expect(await acceptedMetric('beta')).toBe(accepted.beta);
  });

  it('scales the deep analyzer back to zero after idleMs without work, and up again for the next ambiguous message', async () => {
    await pollUntil(() => !deepAnalyzer().isRunning, { timeoutMs: 10_000, what: 'the deep analyzer to scale to zero' });
    const coldStarts = deepAnalyzer().coldStartsMs.length;
    await post('beta', { messageId: 'beta-5', channelId: 'match-1', playerId: 'q3', text: 'ur trash noob' });
    accepted.beta += 1;
    const [d] = (await decided('beta', ['beta-5'], 'the deep decision after a cold start')).values();
    expect(d).toMatchObject({ verdict: 'block', decidedBy: 'deep' });
    expect(deepAnalyzer().coldStartsMs.length).toBe(coldStarts + 1);
    await pollUntil(() => !deepAnalyzer().isRunning, { timeoutMs: 10_000, what: 'the deep analyzer to scale to zero again' });
  });
});
