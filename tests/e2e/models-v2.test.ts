// Models v2 end to end on the embedded runtime with the bundled models (not the lexicon): threats,
// self-harm encouragement and doxxing go to a moderator at the top of the queue, never allowed by
// the fast path; mild taunts get a warning at most (default policy), or pass where a game allows them; French is read by the English
// models (the multilingual one on request); every decision says the language it was read as; bad input gets a decision or a clear 400.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type FinalDecision, FinalDecisionSchema, MAX_TEXT_LENGTH, type ModerationCase } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { type EmbeddedRuntime, startEmbedded } from '@sinbin/runtime/embedded';
import { FUNCTIONS } from '../../functions';
import { BAD_TEXTS } from '../helpers/bad-input';
import { pollUntil } from '../helpers/poll';

const KEY = 'key-models-e2e-000001';
// A game whose policy trusts the fast model less: its toxic route starts above the gesture's 0.95.
const WARY_KEY = 'key-models-e2e-wary01';
const WARY_BAND = { okBelow: 0.145, toxicFrom: 0.98 };
// A game that lets mild taunts through.
const RELAXED_KEY = 'key-models-e2e-relax1';
const TOKEN = 'tok-mod-e2e-0000001';
let runtime: EmbeddedRuntime;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-models-e2e-'));
  const policies = join(dir, 'policies.json');
  writeFileSync(policies, JSON.stringify({ default: DEFAULT_POLICY, games: { wary: { routing: WARY_BAND }, relaxed: { mildTaunts: 'allow' } } }));
  runtime = await startEmbedded({
    env: {
      GAME_API_KEYS: `arena:${KEY},wary:${WARY_KEY},relaxed:${RELAXED_KEY}`,
      GAME_POLICIES_FILE: policies,
      MODERATOR_TOKENS: `mo:${TOKEN}`,
      GATEWAY_PORT: '0',
      MODERATION_PORT: '0',
      MODEL_REGISTRY_POLL_MS: '0',
      MODERATION_SWEEP_MS: '100',
    },
    functions: FUNCTIONS,
    objectDir: join(dir, 'objects'),
    logDir: join(dir, 'log'),
    idleMs: 60_000,
    log: silentLogger(),
  });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

async function send(texts: string[], key = KEY): Promise<{ status: number; ids: string[]; body: Record<string, unknown> }> {
  const res = await fetch(`${runtime.urls['game-message-proxy']}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: texts.map((text, i) => ({ channelId: 'match-1', playerId: `p${i}`, text })) }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, ids: ((body.accepted as { messageId: string }[] | undefined) ?? []).map((a) => a.messageId), body };
}

async function cases(): Promise<ModerationCase[]> {
  const res = await fetch(`${runtime.urls['moderation']}/v1/cases?limit=500`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { cases: ModerationCase[] }).cases;
}

/** Each message's decision, or its open case: what a game sees after the pipeline settled. */
async function settle(ids: string[], key = KEY): Promise<Map<string, { decision?: FinalDecision; case?: ModerationCase }>> {
  return pollUntil(
    async () => {
      const open = new Map((await cases()).map((c) => [c.message.messageId, c]));
      const out = new Map<string, { decision?: FinalDecision; case?: ModerationCase }>();
      for (const id of ids) {
        if (open.has(id)) {
          out.set(id, { case: open.get(id)! });
          continue;
        }
        const res = await fetch(`${runtime.urls['game-message-proxy']}/v1/decisions/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${key}` } });
        if (res.status !== 200) return undefined;
        out.set(id, { decision: FinalDecisionSchema.parse(await res.json()) });
      }
      return out;
    },
    { timeoutMs: 60_000, intervalMs: 100, what: 'every message decided or queued' },
  );
}

describe('models v2 on make run', () => {
  it('sends threats, self-harm encouragement and doxxing to a moderator, at the top of the queue', async () => {
    const harmful = ['kys', 'i know where you live', 'whats your real name', 'k y s noob'];
    const { status, ids } = await send(['push mid pls', ...harmful]);
    expect(status).toBe(202);
    const settled = await settle(ids);
    for (const id of ids.slice(1)) {
      const c = settled.get(id)!.case;
      expect(c?.reason, id).toBe('alarm');
      expect(c?.provisionalVerdict).toBe('block');
      expect(c?.fast.alarm?.by).toContain('rule');
    }
    const queue = await cases();
    expect(queue.slice(0, harmful.length).every((c) => c.reason === 'alarm')).toBe(true);
    expect(settled.get(ids[0]!)!.decision).toMatchObject({ verdict: 'allow', language: { code: 'en' } });
  }, 90_000);

  it('warns mild taunts at most under the default policy, and lets them through where the game allows them', async () => {
    const taunts = ['gg ez', 'noob team', 'skill issue'];
    const { ids } = await send(taunts);
    const settled = await settle(ids);
    for (const [id, s] of settled) {
      expect(s.case, id).toBeUndefined();
      expect(['none', 'warn'], id).toContain(s.decision!.action.type);
    }
    expect(settled.get(ids[0]!)!.decision).toMatchObject({ verdict: 'block', action: { type: 'warn' }, rule: 'mild taunt' });
    const relaxed = await send(taunts, RELAXED_KEY);
    for (const [id, s] of await settle(relaxed.ids, RELAXED_KEY)) {
      expect(s.case, id).toBeUndefined();
      expect(s.decision!.verdict, id).toBe('allow');
    }
  }, 90_000);

  it('blocks an attack on a protected group as identity hate: the default policy mutes for an hour', async () => {
    const { ids } = await send(['black people are animals', 'go back to your country', 'women belong in the kitchen']);
    for (const [id, s] of await settle(ids)) {
      expect(s.case, id).toBeUndefined();
      expect(s.decision, id).toMatchObject({ verdict: 'block', decidedBy: 'fast', rule: 'identity hate', action: { type: 'mute', durationSeconds: 3600 } });
      expect(s.decision!.categories.identity_hate, id).toBeGreaterThanOrEqual(0.9);
    }
  }, 90_000);

  it('blocks sexual harassment that no sexual word gives away, and an in-game look-alike passes', async () => {
    const { ids } = await send(['send nudes', 'what are you wearing', 'show me your build']);
    const settled = await settle(ids);
    for (const id of ids.slice(0, 2)) {
      expect(settled.get(id)!.decision, id).toMatchObject({ verdict: 'block', decidedBy: 'fast' });
      expect(settled.get(id)!.decision!.categories.sexual, id).toBeGreaterThanOrEqual(0.9);
    }
    expect(settled.get(ids[2]!)!.decision).toMatchObject({ verdict: 'allow' });
    // A game whose band starts above the rules' 0.9 floor: the flag, not the score, routes it.
    const wary = await send(['send nudes', 'what are you wearing'], WARY_KEY);
    for (const [id, s] of await settle(wary.ids, WARY_KEY)) expect(s.decision, id).toMatchObject({ verdict: 'block', decidedBy: 'fast' });
  }, 90_000);

  it('scores French on the Perspective-compatible endpoint, named or detected, with the bundled fast model', async () => {
    type Answer = { attributeScores: { TOXICITY: { summaryScore: { value: number } } }; languages: string[]; detectedLanguages?: string[] };
    const analyze = async (body: unknown): Promise<Answer> => {
      const res = await fetch(`${runtime.urls['game-message-proxy']}/v1alpha1/comments:analyze?key=${KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return (await res.json()) as Answer;
    };
    const detected = await analyze({ comment: { text: "t'es vraiment qu'une grosse merde, ferme ta gueule" }, requestedAttributes: { TOXICITY: {} } });
    expect(detected).toMatchObject({ languages: ['fr'], detectedLanguages: ['fr'] });
    expect(detected.attributeScores.TOXICITY.summaryScore.value).toBeGreaterThan(0.5);
    const named = await analyze({ comment: { text: 'bien joué les gars, on a gagné' }, requestedAttributes: { TOXICITY: {} }, languages: ['fr'] });
    expect(named.languages).toEqual(['fr']);
    expect(named.attributeScores.TOXICITY.summaryScore.value).toBeLessThan(0.5);
  });

  it('does not allow the middle finger, alone or after a taunt, though no model can read an emoji', async () => {
    const { ids } = await send(['\u{1F595}', 'gg ez \u{1F595}\u{1F3FD}']);
    for (const [id, s] of await settle(ids)) {
      expect(s.decision?.verdict, id).not.toBe('allow');
      expect(s.decision?.toxicity ?? s.case?.fast.toxicity, id).toBeGreaterThanOrEqual(0.95);
    }
  }, 90_000);

  it("blocks the middle finger on the fast path for a game whose band starts above the gesture's score", async () => {
    // Without the rule's own route the line would go to the deep model, which reads no emoji.
    const { status, ids } = await send(['\u{1F595}', 'gg ez \u{1F595}\u{1F3FD}', 'push mid pls'], WARY_KEY);
    expect(status).toBe(202);
    const settled = await settle(ids, WARY_KEY);
    for (const id of ids.slice(0, 2)) {
      expect(settled.get(id)!.case, id).toBeUndefined();
      expect(settled.get(id)!.decision, id).toMatchObject({ verdict: 'block', decidedBy: 'fast' });
      expect(settled.get(id)!.decision!.toxicity, id).toBeGreaterThanOrEqual(0.95);
    }
    expect(settled.get(ids[2]!)!.decision).toMatchObject({ verdict: 'allow' });
  }, 90_000);

  it('reads ambiguous French with the English deep model by default, and the decision says it is French', async () => {
    // The fast band's middle goes to the deep stage; FRENCH_DEEP_MODEL=multilingual would send French to
    // the multilingual model (tests/unit/functions/deep-analyzer), which reads our French set less well.
    const { ids } = await send(['ferme ta gueule espèce de connard, tu sers à rien', 'bien joué la team, on a gagné le match', 'ton jeu est bizarre, tu fais quoi là']);
    const settled = await settle(ids);
    let deep = 0;
    for (const id of ids) {
      const s = settled.get(id)!;
      const language = s.decision?.language ?? s.case?.fast.language;
      expect(language?.code).toBe('fr');
      expect(language!.confidence).toBeGreaterThanOrEqual(0.6);
      const deepVersion = s.case?.deep?.modelVersion ?? (s.decision?.decidedBy === 'deep' ? s.decision.modelVersion : undefined);
      if (deepVersion) {
        deep++;
        expect(deepVersion).toMatch(/^deep-/);
      }
    }
    expect(deep).toBeGreaterThanOrEqual(1);
  }, 90_000);
});

describe('Perspective-compatible analyze on the v2 heads', () => {
  const analyze = async (text: string) => {
    const res = await fetch(`${runtime.urls['game-message-proxy']}/v1alpha1/comments:analyze?key=${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ comment: { text }, requestedAttributes: { TOXICITY: {}, SEVERE_TOXICITY: {}, THREAT: {}, INSULT: {} } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { attributeScores: Record<string, { summaryScore: { value: number } }> };
    return Object.fromEntries(Object.entries(body.attributeScores).map(([k, v]) => [k, v.summaryScore.value]));
  };

  it('scores a threat the rules catch as a threat, and a plain game line low on every attribute', async () => {
    expect((await analyze('i know where you live')).THREAT).toBeGreaterThanOrEqual(0.9);
    const clean = await analyze('push mid, they are low');
    for (const v of Object.values(clean)) expect(v).toBeLessThan(0.5);
  });
});

describe('bad input', () => {
  it.each([
    { what: 'empty text', text: '', status: 400, error: /text must not be empty/ },
    { what: 'whitespace only', text: ' \n\t ', status: 400, error: /text must not be empty/ },
    { what: '20,000 characters', text: 'a'.repeat(20_000), status: 400, error: /at most 2000 characters/ },
  ])('$what -> a clear 400', async ({ text, status, error }) => {
    const res = await send([text]);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toMatch(error);
  });

  it.each([
    // The scorers' bad-input table, where the gateway accepts the text (the rest are the 400s above).
    ...BAD_TEXTS.filter(({ text }) => text.trim() !== '' && text.length <= MAX_TEXT_LENGTH),
    { what: '2,000 characters of one letter', text: 'x'.repeat(2000) },
    { what: '2,000 characters of insults', text: 'fuck you idiot '.repeat(133) },
    { what: 'Cyrillic look-alikes', text: 'іdіоt' },
    { what: 'emoji only, none of them rude', text: '🔥🔥🔥😂' },
    { what: 'middle finger emoji', text: '🖕' },
  ])('$what -> a decision (or a case) with finite scores in [0, 1]', async ({ text }) => {
    const res = await send([text]);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const s = (await settle(res.ids)).get(res.ids[0]!)!;
    const score = s.decision ?? s.case!.deep ?? s.case!.fast;
    for (const v of [score.toxicity, ...Object.values(score.categories)]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const language = s.decision?.language ?? s.case!.fast.language;
    expect(language && Number.isFinite(language.confidence)).toBe(true);
  }, 90_000);
});
