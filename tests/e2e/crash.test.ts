// Crash test of the embedded default (make run): the runtime runs as its own process on a state
// directory of its own; concurrent clients POST 2,000 messages; the process is killed (SIGKILL)
// at a seeded random moment while requests are in flight; it is started again on the same state
// directory, and the clients do what the API asks of them: a request that got no answer is sent
// again with the same messageId. Then, from the decision ledger on disk, the read model and a
// webhook receiver that counts deliveries per messageId:
//   - every message answered 202 has exactly one final decision, the same in ledger, read model and webhook;
//   - a refused message (4xx) has none;
//   - no decision reaches the webhook twice, except in a batch flagged x-sinbin-redelivery
//     (at-least-once with the messageId as idempotency key);
//   - a message decided by the moderation path has its case, closed, in the moderation database;
//   - messages sent but never answered before the crash have at most one decision before their retry.
// Replay a failure with SINBIN_CRASH_SEED=<the printed seed>.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { DEFAULT_POLICY, type FinalDecision, seededRandom, stableId } from '@sinbin/contract';
import { pgliteModerationStores } from '@sinbin/stores';
import { LmdbDecisionTable, openStateDb } from '@sinbin/stores/lmdb';
import { LEXICON_ENV } from '../helpers/functions';
import { pollUntil } from '../helpers/poll';

const SEED = Number(process.env.SINBIN_CRASH_SEED ?? randomInt(2 ** 31));
const MESSAGES = 2_000;
const CLIENTS = 32;
const KEY = 'crash-key-0123456789';


// Each path of the pipeline: fast allow, fast block, deep analysis then a moderation case (which
// expires in 1 s and is decided provisionally), and one refused by the gateway (empty text).
const TEXTS = ['gg wp', 'nice kill', 'push mid, they are low', 'you are an idiot', 'kys', 'ur trash noob', 'you are trash', ''];

interface Outcome {
  status?: number;
  /** Sent, and the connection died before an answer. */
  unanswered?: boolean;
}

interface Delivery {
  decision: FinalDecision;
  redelivery: boolean;
}

const started: ChildProcess[] = [];
const cleanups: (() => void)[] = [];
afterAll(() => {
  // Whatever this test started is stopped by its pid, pass or fail.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const c of cleanups) c();
});

/** The last lines each runtime wrote to stderr (its warnings and errors), shown when the test fails. */
const stderrTails: string[] = [];

function startRuntime(stateDir: string, env: Record<string, string>): Promise<{ child: ChildProcess; gateway: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/embedded/main.ts'], {
    env: { ...process.env, ...env, SINBIN_STATE_DIR: stateDir, GATEWAY_PORT: '0', MODERATION_PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started.push(child);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the runtime did not start in 90 s:\n${stderr}`)), 90_000);
    const tail = stderrTails.push('') - 1;
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      stderrTails[tail] = stderr.slice(-4000);
      const gateway = /gateway\s+(http:\/\/\S+)/.exec(stderr)?.[1];
      if (gateway) {
        clearTimeout(timer);
        resolve({ child, gateway, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the runtime exited (${code}) before it started:\n${stderr}`));
    });
  });
}

async function startReceiver(): Promise<{ url: string; deliveries: Map<string, Delivery[]>; server: Server }> {
  const deliveries = new Map<string, Delivery[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const redelivery = req.headers['x-sinbin-redelivery'] === 'true';
      for (const decision of (JSON.parse(Buffer.concat(chunks).toString()) as { decisions: FinalDecision[] }).decisions) {
        deliveries.set(decision.messageId, [...(deliveries.get(decision.messageId) ?? []), { decision, redelivery }]);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, deliveries, server };
}

async function postOne(gateway: string, body: object): Promise<Outcome> {
  try {
    const res = await fetch(`${gateway}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return { status: res.status };
  } catch {
    return { unanswered: true };
  }
}

/** Sends with CLIENTS concurrent clients until the list ends or the gateway stops answering; returns how many were sent. */
async function sendAll(gateway: string, list: readonly { messageId: string }[], outcomes: Map<string, Outcome>, onAnswer: () => void): Promise<number> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < list.length) {
        const m = list[next++]!;
        const outcome = await postOne(gateway, m);
        outcomes.set(m.messageId, outcome);
        if (outcome.unanswered) return; // the gateway is gone: this client stops
        onAnswer();
      }
    }),
  );
  return next;
}

async function decisionOf(gateway: string, messageId: string): Promise<FinalDecision | undefined> {
  const res = await fetch(`${gateway}/v1/decisions/${encodeURIComponent(messageId)}`, { headers: { authorization: `Bearer ${KEY}` } });
  return res.status === 200 ? ((await res.json()) as FinalDecision) : undefined;
}

it(`every accepted message is decided exactly once across a kill -9 (seed ${SEED})`, { timeout: 600_000 }, async () => {
  process.stderr.write(`crash test seed ${SEED} (replay: SINBIN_CRASH_SEED=${SEED} npx vitest run --project e2e tests/e2e/crash.test.ts)\n`);
  const random = seededRandom(SEED);
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const policies = join(dir, 'policies.json');
  writeFileSync(policies, JSON.stringify({ default: { ...DEFAULT_POLICY, moderationDeadlineSeconds: 1 } }));
  const receiver = await startReceiver();
  cleanups.push(() => receiver.server.close());
  const env = {
    ...LEXICON_ENV,
    GAME_API_KEYS: `crash:${KEY}`,
    MODERATOR_TOKENS: 'crash-mod:crash-moderator-token',
    GAME_WEBHOOKS: JSON.stringify({ crash: { url: receiver.url } }),
    GAME_POLICIES_FILE: policies,
    MODERATION_SWEEP_MS: '100',
    WEBHOOK_BATCH_MS: '5',
  };
  const stateDir = join(dir, 'state');

  const messages = Array.from({ length: MESSAGES }, (_, i) => ({
    messageId: `crash-${SEED}-${i}`,
    channelId: `match-${i % 97}`,
    playerId: `p${i % 13}`,
    text: TEXTS[Math.floor(random() * TEXTS.length)]!,
  }));
  const outcomes = new Map<string, Outcome>();
  // The kill comes after a seeded number of answers (and a seeded few ms more), with CLIENTS requests in flight.
  const killAfter = 100 + Math.floor(random() * (MESSAGES - 400));
  const killDelayMs = Math.floor(random() * 20);

  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const phase = (name: string) => (phases[name] = Math.round(performance.now() - t0));
  let runtime = await startRuntime(stateDir, env);
  phase('started');
  let answered = 0;
  let killed = false;
  const next = await sendAll(runtime.gateway, messages, outcomes, () => {
    if (++answered === killAfter) setTimeout(() => ((killed = true), runtime.child.kill('SIGKILL')), killDelayMs);
  });
  phase('killed');
  expect(killed, 'the kill came before every message was answered').toBe(true);
  await runtime.exited;
  const unsent = messages.slice(next);
  const unanswered = messages.filter((m) => outcomes.get(m.messageId)?.unanswered);
  const acceptedBeforeKill = messages.filter((m) => outcomes.get(m.messageId)?.status === 202).length;

  // Same state directory; the clients first wait for what was accepted, then retry and finish.
  runtime = await startRuntime(stateDir, env);
  phase('restarted');
  const acceptedIds = messages.filter((m) => outcomes.get(m.messageId)?.status === 202).map((m) => m.messageId);
  // Generous: on a machine shared with other work a restart and its backlog can take minutes.
  await pollUntil(() => acceptedIds.every((id) => receiver.deliveries.has(id)), {
    timeoutMs: 240_000,
    intervalMs: 250,
    what: 'a webhook delivery for each message accepted before the kill',
  }).catch(async (error: unknown) => {
    const missing = acceptedIds.filter((id) => !receiver.deliveries.has(id));
    const readable = (await Promise.all(missing.slice(0, 20).map((id) => decisionOf(runtime.gateway, id)))).filter(Boolean).length;
    throw new Error(`${String(error)}: ${missing.length} without a delivery (of the first 20, ${readable} readable by GET), e.g. ${missing.slice(0, 5).join(', ')}\nruntime stderr:\n${stderrTails.join('\n---\n')}`);
  });
  // Never answered: the request may or may not have been stored before the kill; at most one decision.
  const unansweredDecided = (await Promise.all(unanswered.map((m) => decisionOf(runtime.gateway, m.messageId)))).filter(Boolean).length;
  phase('acceptedBeforeKillDelivered');
  const resent = [...unanswered, ...unsent];
  await sendAll(runtime.gateway, resent, outcomes, () => undefined);
  expect(resent.filter((m) => outcomes.get(m.messageId)?.unanswered), 'the restarted gateway answers every request').toEqual([]);
  phase('resent');
  const accepted = messages.filter((m) => outcomes.get(m.messageId)?.status === 202);
  const refused = messages.filter((m) => (outcomes.get(m.messageId)?.status ?? 0) >= 400);
  expect(accepted.length + refused.length).toBe(MESSAGES);
  expect(refused.every((m) => m.text === '' && outcomes.get(m.messageId)!.status === 400)).toBe(true);
  await pollUntil(() => accepted.every((m) => receiver.deliveries.has(m.messageId)), { timeoutMs: 240_000, intervalMs: 250, what: 'a webhook delivery for every accepted message' });
  phase('allDelivered');

  // Stop it the way an operator does, then read what is on disk.
  runtime.child.kill('SIGTERM');
  expect(await runtime.exited).toBe(0);
  const state = openStateDb(join(stateDir, 'log'));
  try {
    const ledger = new LmdbDecisionTable(state, 'ledger');
    const readModel = new LmdbDecisionTable(state, 'decisions');
    let repeats = 0;
    let twiceDecided = 0;
    for (const m of accepted) {
      const decided = await ledger.get('crash', m.messageId);
      expect(decided, `ledger entry of ${m.messageId}`).toBeDefined();
      expect(await readModel.get('crash', m.messageId), `read model of ${m.messageId}`).toEqual(decided);
      const got = receiver.deliveries.get(m.messageId)!;
      // One decision, whichever copy arrived; a second copy only in a batch that says it may repeat.
      if (got.some((d) => !isDeepStrictEqual(d.decision, decided))) twiceDecided++;
      for (const d of got) expect(d.decision).toEqual(decided);
      expect(got.slice(1).every((d) => d.redelivery), `unflagged repeat delivery of ${m.messageId}`).toBe(true);
      repeats += got.length - 1;
    }
    for (const m of refused) {
      expect(await ledger.get('crash', m.messageId)).toBeUndefined();
      expect(receiver.deliveries.has(m.messageId)).toBe(false);
    }
    expect(ledger.size).toBe(accepted.length);
    expect(readModel.size).toBe(accepted.length);
    const byPath: Record<string, number> = {};
    const moderated: string[] = [];
    for (const m of accepted) {
      const d = (await ledger.get('crash', m.messageId))!;
      byPath[d.decidedBy] = (byPath[d.decidedBy] ?? 0) + 1;
      if (d.decidedBy === 'moderator') moderated.push(m.messageId);
    }
    // Cases opened before the kill closed after it: the case store kept them.
    const moderation = await pgliteModerationStores(join(stateDir, 'moderation'));
    try {
      for (const id of moderated) expect((await moderation.cases.get(stableId('case', 'crash', id)))?.status, `case of ${id}`).toMatch(/^(decided|expired)$/);
    } finally {
      await moderation.close();
    }
    const figures = {
      seed: SEED,
      acceptedBeforeKill,
      unansweredAtKill: unanswered.length,
      unansweredAlreadyDecided: unansweredDecided,
      unsentAtKill: unsent.length,
      accepted: accepted.length,
      refused: refused.length,
      decided: ledger.size,
      lost: accepted.length - accepted.filter((m) => receiver.deliveries.has(m.messageId)).length,
      duplicateDecisions: twiceDecided,
      webhookRepeatsFlagged: repeats,
      decidedBy: byPath,
      phasesMs: phases,
    };
    process.stderr.write(`crash test figures ${JSON.stringify(figures)}\n`);
  } finally {
    await state.close();
  }
});
