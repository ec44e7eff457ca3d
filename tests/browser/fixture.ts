// The moderation API on PGlite with real time, seeded with accounts, a few cases in their chat
// channels and a player history; the built UI on a separate static server (another origin).
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import type { ModerationCase } from '@sinbin/contract';
import { closeServer } from '@sinbin/runtime';
import { memoryStoreSet, pgliteModerationStores } from '@sinbin/stores';
import { caseRank } from '../../functions/moderation/src/core';
import { createAccount, startHarness, tmpObjects, type Harness } from '../unit/functions/moderation/harness';
import { serveStatic } from './static-server';

export const PASSWORD = 'correct horse battery staple';
/** A MODERATOR_TOKENS entry like the one `make run` prints (dev-moderator:<token>). */
export const MODERATOR_NAME = 'dev-moderator';
export const MODERATOR_TOKEN = 'mod-0123456789abcdef01';

interface SeedLine {
  playerId: string;
  text: string;
}

interface SeedCase {
  gameId: string;
  channelId: string;
  playerId: string;
  text: string;
  toxicity: number;
  categories: Partial<Record<'insult' | 'profanity' | 'identity_hate' | 'threat' | 'sexual', number>>;
  evidence: string[];
  confidence: number;
  before: SeedLine[];
  after: SeedLine[];
  waitedMinutes: number;
}

const SEED: SeedCase[] = [
  {
    gameId: 'dota',
    channelId: 'match-4411',
    playerId: 'wraith_king_77',
    text: 'uninstall the game you absolute waste of oxygen',
    toxicity: 0.61,
    categories: { insult: 0.66, profanity: 0.12 },
    evidence: ['waste of oxygen', 'uninstall'],
    confidence: 0.42,
    before: [
      { playerId: 'crystal_m', text: 'mid missing' },
      { playerId: 'wraith_king_77', text: 'who is feeding bot' },
      { playerId: 'sniper_main', text: 'sry lag, my bad' },
    ],
    after: [
      { playerId: 'sniper_main', text: 'reported' },
      { playerId: 'crystal_m', text: 'chill guys we can still win this' },
    ],
    waitedMinutes: 4,
  },
  {
    gameId: 'dota',
    channelId: 'match-4420',
    playerId: 'anon_4412',
    text: 'i know which school you go to, watch yourself',
    toxicity: 0.55,
    categories: { threat: 0.58, insult: 0.1 },
    evidence: ['watch yourself'],
    confidence: 0.38,
    before: [
      { playerId: 'lina_pro', text: 'gg report anon for afk' },
      { playerId: 'anon_4412', text: 'you first' },
    ],
    after: [{ playerId: 'lina_pro', text: '??? wtf' }],
    waitedMinutes: 1,
  },
  {
    gameId: 'cs2',
    channelId: 'dust2-88',
    playerId: 'headshot_hank',
    text: 'ez clap, go back to deathmatch',
    toxicity: 0.47,
    categories: { insult: 0.41 },
    evidence: ['ez'],
    confidence: 0.5,
    before: [{ playerId: 'molly_k', text: 'nice ace' }],
    after: [],
    waitedMinutes: 9,
  },
  {
    gameId: 'cs2',
    channelId: 'mirage-12',
    playerId: 'rush_b_rob',
    text: 'girls should stick to support lol',
    toxicity: 0.5,
    categories: { identity_hate: 0.46, insult: 0.2 },
    evidence: ['girls'],
    confidence: 0.35,
    before: [
      { playerId: 'ana_sniper', text: 'rotate A' },
      { playerId: 'rush_b_rob', text: 'why is she awping' },
    ],
    after: [{ playerId: 'ana_sniper', text: 'muted' }],
    waitedMinutes: 2,
  },
  {
    gameId: 'dota',
    channelId: 'match-4431',
    playerId: 'pudge_enjoyer',
    text: 'damn that hook was clean',
    toxicity: 0.44,
    categories: { profanity: 0.4 },
    evidence: ['damn'],
    confidence: 0.45,
    before: [{ playerId: 'io_support', text: 'hook the cm' }],
    after: [{ playerId: 'io_support', text: 'hahaha' }],
    waitedMinutes: 6,
  },
];

export interface Fixture {
  apiUrl: string;
  uiUrl: string;
  /** The UI page, pointed at the API on its other origin. */
  appUrl: string;
  harness: Harness;
  cases: ModerationCase[];
  close: () => Promise<void>;
}

export async function startFixture(opts: { undoMs?: number } = {}): Promise<Fixture> {
  const db = await pgliteModerationStores();
  const stores = { ...memoryStoreSet(tmpObjects()), cases: db.cases, moderators: db.moderators };
  await createAccount(stores, 'alice', PASSWORD, 'moderator');
  await createAccount(stores, 'bob', PASSWORD, 'moderator');
  await createAccount(stores, 'lena', PASSWORD, 'lead');

  const now = Date.now();
  // An earlier blocked case of wraith_king_77, so the history panel has something to show.
  const prior = seedCase(SEED[0]!, now - 3 * 86_400_000, 'prior');
  prior.message.text = 'noob team, every game the same trash';
  await stores.cases.open(prior);
  await stores.cases.decide(prior.caseId, { ...prior, verdict: 'block', category: 'insult', moderatorId: 'lena', resolution: 'moderator', decidedAt: new Date(now - 3 * 86_400_000).toISOString() }, {
    moderatorId: 'lena',
    now: new Date(now - 3 * 86_400_000),
    requireClaim: false,
  });
  await stores.cases.markPublished(prior.caseId);

  const cases: ModerationCase[] = [];
  for (const [i, s] of SEED.entries()) {
    const opened = now - s.waitedMinutes * 60_000;
    const c = seedCase(s, opened, String(i));
    const key = `${s.gameId}/${s.channelId}`;
    let t = opened - (s.before.length + 1) * 7000;
    for (const [j, l] of s.before.entries()) await stores.context.append(key, { messageId: `${c.caseId}-b${j}`, playerId: l.playerId, text: l.text, sentAt: new Date((t += 7000)).toISOString() });
    await stores.context.append(key, { messageId: c.message.messageId, playerId: s.playerId, text: s.text, sentAt: c.message.sentAt });
    t = opened;
    for (const [j, l] of s.after.entries()) await stores.context.append(key, { messageId: `${c.caseId}-a${j}`, playerId: l.playerId, text: l.text, sentAt: new Date((t += 9000)).toISOString() });
    const history = await stores.cases.playerHistory(s.gameId, s.playerId, { exceptCaseId: c.caseId, limit: 0 });
    await stores.cases.open(c, caseRank(c, history));
    cases.push(c);
  }

  const harness = await startHarness(stores, { MODERATOR_TOKENS: `${MODERATOR_NAME}:${MODERATOR_TOKEN}`, MODERATION_UNDO_MS: String(opts.undoMs ?? 5000), MODERATION_HEARTBEAT_MS: '5000' }, { realClock: true, sweepEveryMs: 250 });
  const ui = await serveStatic(resolve(import.meta.dirname, '..', '..', 'ui', 'dist'));
  return {
    apiUrl: harness.url,
    uiUrl: ui.url,
    appUrl: `${ui.url}/?api=${encodeURIComponent(harness.url)}`,
    harness,
    cases,
    close: async () => {
      await closeServer(ui.server as Server);
      await harness.close();
      await db.close();
    },
  };
}

function seedCase(s: SeedCase, openedAt: number, suffix: string): ModerationCase {
  const categories = { insult: 0, profanity: 0, identity_hate: 0, threat: 0, sexual: 0, ...s.categories };
  const sent = new Date(openedAt - 1500).toISOString();
  return {
    caseId: `case-${s.playerId}-${suffix}`,
    message: { messageId: `msg-${s.playerId}-${suffix}`, gameId: s.gameId, channelId: s.channelId, playerId: s.playerId, text: s.text, sentAt: sent, receivedAt: sent },
    context: s.before.map((l) => ({ playerId: l.playerId, text: l.text })),
    fast: { toxicity: Math.min(1, s.toxicity + 0.08), categories, evidence: s.evidence, modelVersion: 'fast-2026-11-24' },
    deep: { toxicity: s.toxicity, categories, confidence: s.confidence, evidence: s.evidence, modelVersion: 'deep-2026-11-24' },
    reason: 'low-confidence',
    provisionalVerdict: s.toxicity >= 0.5 ? 'block' : 'allow',
    dueAt: new Date(openedAt + 3600_000).toISOString(),
    openedAt: new Date(openedAt).toISOString(),
  };
}
