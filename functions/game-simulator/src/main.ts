// `npm run simulate`: replays CONDA match chat into the gateway at a target rate, reads every
// decision back, and prints a JSON summary on stdout (progress goes to stderr).
import { adoptFormerEnvAtStart, DECIDED_BY, type FinalDecision, FinalDecisionSchema, stableId } from '@sinbin/contract';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConda, type Label } from './conda';
import { parseOptions, UsageError, USAGE, type SimulatorOptions } from './options';
import { batches, replay, totalMessages, type ScheduledMessage } from './replay';
import { type ModeratorTally, startModerators } from './moderators';
import { agreement, percentiles, retryAfterMs, tally } from './summary';

adoptFormerEnvAtStart();

/** Fatal problems (bad key, no gateway): exit 2 after the summary. */
class Abort extends Error {}

class Semaphore {
  private waiters: (() => void)[] = [];
  private idle: (() => void)[] = [];
  inUse = 0;
  constructor(readonly size: number) {}
  get available(): number {
    return this.size - this.inUse;
  }
  tryAcquire(): boolean {
    if (this.inUse >= this.size) return false;
    this.inUse++;
    return true;
  }
  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    await new Promise<void>((r) => this.waiters.push(r));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) return next(); // the permit passes straight on
    this.inUse--;
    if (this.inUse === 0) for (const r of this.idle.splice(0)) r();
  }
  async drained(): Promise<void> {
    if (this.inUse > 0) await new Promise<void>((r) => this.idle.push(r));
  }
}

interface Tracked {
  msg: ScheduledMessage;
  acceptedAt: number;
  nextPollAt: number;
  polls: number;
  polling: boolean;
  /** Confirmed by the moderation API: an open case waits for a moderator. */
  awaitingModerator: boolean;
  nextCaseCheckAt: number;
}

const VERDICTS = ['allow', 'block'] as const;
const ACTIONS = ['none', 'warn', 'mute', 'kick', 'ban'] as const;

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

async function errorCode(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON
  }
  return `http-${res.status}`;
}

export async function run(opts: SimulatorOptions): Promise<{ summary: Record<string, unknown>; exitCode: number }> {
  const log = (line: string) => {
    if (!opts.quiet) process.stderr.write(`[simulate] ${line}\n`);
  };
  const auth = { authorization: `Bearer ${opts.key}` };
  const canCheckCases = Boolean(opts.moderationUrl && opts.moderatorToken);

  // --- the gateway must answer before anything is loaded or sent
  const readyBy = Date.now() + opts.waitReadySeconds * 1000;
  for (;;) {
    const ok = await fetch(`${opts.gateway}/healthz`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() >= readyBy) throw new Abort(`the gateway at ${opts.gateway} does not answer GET /healthz`);
    await sleep(250);
  }

  if (!existsSync(opts.dataFile)) throw new Abort(`no data at ${opts.dataFile}: run \`make data\`, or give --data-dir / SINBIN_DATA_DIR`);
  const loadStart = performance.now();
  const matches = await loadConda(opts.dataFile, { sepa: opts.sepa, labels: opts.labels });
  const lineCount = matches.reduce((n, m) => n + m.lines.length, 0);
  const labelledLines = matches.reduce((n, m) => n + m.lines.filter((l) => l.label).length, 0);
  log(`loaded ${matches.length} matches, ${lineCount} messages from ${opts.dataFile} in ${Math.round(performance.now() - loadStart)} ms`);

  const scheduled = totalMessages(opts);
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  let retries = 0;
  let invalidDecisions = 0;
  const caseLookupErrors: Record<string, number> = {};
  let maxLagMs = 0;
  const rejectedBy: Record<string, number> = {};
  const failedBy: Record<string, number> = {};
  let rejected = 0;
  let fatal: string | undefined;
  let interrupted = false;
  let gameId = opts.gameId;

  const outstanding = new Map<string, Tracked>();
  const decisions = new Map<string, FinalDecision>();
  const labelled = new Map<string, { label: Label; ids: string[] }>();
  const labelOf = new Map<string, Label>();

  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('interrupted: sending stops, summary follows (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSigint);

  // --- sending
  const sendSem = new Semaphore(opts.concurrency);
  let sendingDone = false;
  let retryDeadline = Infinity; // set when sending stops: retries end with the grace period

  async function post(batch: ScheduledMessage[]): Promise<void> {
    const inputs = batch.map((m) => ({ messageId: m.messageId, channelId: m.channelId, playerId: m.playerId, text: m.text }));
    const body = JSON.stringify(inputs.length === 1 ? inputs[0] : { messages: inputs });
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${opts.gateway}/v1/messages`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
        if (attempt >= 5 || Date.now() > retryDeadline || interrupted) {
          failed += batch.length;
          failedBy[reason] = (failedBy[reason] ?? 0) + batch.length;
          return;
        }
        retries++;
        await sleep(200 * 2 ** attempt);
        continue; // same messageIds: the gateway answers a repeat without publishing it twice
      }
      if (res.status === 202) {
        const json = (await res.json().catch(() => ({}))) as { accepted?: { messageId?: string }[] };
        const ids = new Set((json.accepted ?? []).map((a) => a.messageId));
        const at = Date.now();
        for (const m of batch) {
          if (!ids.has(m.messageId)) {
            failed++;
            failedBy['not-in-202'] = (failedBy['not-in-202'] ?? 0) + 1;
            continue;
          }
          accepted++;
          outstanding.set(m.messageId, { msg: m, acceptedAt: at, nextPollAt: at + 150, polls: 0, polling: false, awaitingModerator: false, nextCaseCheckAt: at + 2000 });
          if (m.label) labelOf.set(m.messageId, m.label);
          if (m.label && m.labelGroup) {
            const group = labelled.get(m.labelGroup);
            if (group) group.ids.push(m.messageId);
            else labelled.set(m.labelGroup, { label: m.label, ids: [m.messageId] });
          }
        }
        return;
      }
      if (res.status === 503 || res.status === 429) {
        retries++;
        const wait = retryAfterMs(res.headers.get('retry-after'), Date.now());
        await res.arrayBuffer().catch(() => undefined);
        if (Date.now() + wait > retryDeadline || interrupted) {
          failed += batch.length;
          failedBy[`gave-up-${res.status}`] = (failedBy[`gave-up-${res.status}`] ?? 0) + batch.length;
          return;
        }
        await sleep(wait);
        continue;
      }
      const code = await errorCode(res);
      rejected += batch.length;
      rejectedBy[code] = (rejectedBy[code] ?? 0) + batch.length;
      if (res.status === 401 || res.status === 403) fatal ??= `the gateway refused the API key (${res.status} ${code})`;
      return;
    }
  }

  // --- reading decisions back
  const pollSem = new Semaphore(opts.pollConcurrency);

  async function pollDecision(t: Tracked): Promise<void> {
    const id = t.msg.messageId;
    t.polls++;
    try {
      const res = await fetch(`${opts.gateway}/v1/decisions/${encodeURIComponent(id)}`, { headers: auth, signal: AbortSignal.timeout(10_000) });
      if (res.status === 200) {
        const parsed = FinalDecisionSchema.safeParse(await res.json());
        if (!parsed.success) {
          // A decision exists but breaks the contract: counted apart, never as decided or pending.
          invalidDecisions++;
          if (invalidDecisions <= 3) {
            const issue = parsed.error.issues[0];
            log(`decision for ${id} does not match FinalDecision: ${issue ? `${issue.path.join('.')}: ${issue.message}` : ''}`);
          }
          outstanding.delete(id);
          return;
        }
        decisions.set(id, parsed.data);
        gameId ??= parsed.data.gameId;
        outstanding.delete(id);
        return;
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 401 || res.status === 403) fatal ??= `the gateway refused the API key on GET /v1/decisions (${res.status})`;
    } catch {
      // network trouble: try again later
    }
    // Back off per message: 150 ms, 300, 600, ... up to 2 s (5 s once a moderator has the case).
    t.nextPollAt = Date.now() + (t.awaitingModerator ? 5000 : Math.min(2000, 150 * 2 ** Math.min(t.polls, 4)));
  }

  async function checkCase(t: Tracked): Promise<void> {
    if (!gameId || !canCheckCases) return;
    // The decision manager names a message's case stableId('case', gameId, messageId).
    const caseId = stableId('case', gameId, t.msg.messageId);
    try {
      const res = await fetch(`${opts.moderationUrl}/v1/cases/${caseId}`, {
        headers: { authorization: `Bearer ${opts.moderatorToken}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status === 200) {
        const stored = (await res.json()) as { status?: string };
        t.awaitingModerator = stored.status === 'pending';
      } else {
        await res.arrayBuffer().catch(() => undefined);
        t.awaitingModerator = false;
        if (res.status !== 404) caseLookupErrors[res.status] = (caseLookupErrors[res.status] ?? 0) + 1;
      }
    } catch {
      caseLookupErrors.network = (caseLookupErrors.network ?? 0) + 1; // unknown: leave as it was
    }
    t.nextCaseCheckAt = Date.now() + 3000;
  }

  let polling = true;
  const poller = (async () => {
    while (polling) {
      const now = Date.now();
      for (const t of outstanding.values()) {
        if (t.polling) continue;
        const caseDue = canCheckCases && gameId !== undefined && !t.awaitingModerator && t.polls >= 3 && t.nextCaseCheckAt <= now;
        if (!caseDue && t.nextPollAt > now) continue;
        if (!pollSem.tryAcquire()) break;
        t.polling = true;
        void (caseDue ? checkCase(t) : pollDecision(t)).finally(() => {
          t.polling = false;
          pollSem.release();
        });
      }
      await sleep(25);
    }
    await pollSem.drained();
  })();

  // --- progress, about once a second
  const started = performance.now();
  const waiting = () => [...outstanding.values()].filter((t) => t.awaitingModerator).length;
  const progress = setInterval(() => {
    const s = ((performance.now() - started) / 1000).toFixed(0).padStart(3);
    const phase = sendingDone ? 'draining' : 'sending ';
    log(
      `${phase} ${s}s sent ${sent}/${scheduled} accepted ${accepted} decided ${decisions.size} rejected ${rejected} failed ${failed}` +
        ` retries ${retries} outstanding ${outstanding.size} (moderator ${waiting()}) in-flight ${sendSem.inUse}`,
    );
  }, 1000);
  progress.unref();

  const moderators = opts.moderate
    ? startModerators({ url: opts.moderationUrl!, token: opts.moderatorToken!, labelOf: (id) => labelOf.get(id), ours: (id) => id.startsWith(`${opts.runId}-`) })
    : undefined;

  log(`sending ${scheduled} messages over ${opts.durationSeconds} s (${opts.rate}/s, ${opts.matches} matches at once, batch ${opts.batch}) as ${opts.runId}`);
  const sendStart = performance.now();
  for (const batch of batches(replay(matches, { rate: opts.rate, durationSeconds: opts.durationSeconds, concurrentMatches: opts.matches, runId: opts.runId, seed: opts.seed }), opts.batch)) {
    if (fatal || interrupted) break;
    const wait = sendStart + batch[0]!.atMs - performance.now();
    if (wait > 1) await sleep(wait);
    await sendSem.acquire();
    maxLagMs = Math.max(maxLagMs, performance.now() - (sendStart + batch[0]!.atMs));
    sent += batch.length;
    void post(batch).finally(() => sendSem.release());
  }
  const sendSeconds = (performance.now() - sendStart) / 1000;
  sendingDone = true;
  retryDeadline = Date.now() + opts.graceSeconds * 1000;
  await sendSem.drained();

  // --- grace: wait for every decision that is not confirmed to sit with a moderator
  const graceStart = performance.now();
  const graceEnd = Date.now() + opts.graceSeconds * 1000;
  while (!fatal && !interrupted && Date.now() < graceEnd) {
    // With simulated moderators, the cases they answer are waited for too.
    const pending = opts.moderate ? outstanding.size : [...outstanding.values()].filter((t) => !t.awaitingModerator).length;
    if (pending === 0) break;
    await sleep(100);
  }
  const graceSeconds = (performance.now() - graceStart) / 1000;
  polling = false;
  await poller;
  const moderated: ModeratorTally | undefined = await moderators?.stop();
  clearInterval(progress);
  process.off('SIGINT', onSigint);

  // --- a last look at whatever is still outstanding
  if (!fatal) {
    const last = [...outstanding.values()];
    const finalSem = new Semaphore(opts.pollConcurrency);
    await Promise.all(
      last.map(async (t) => {
        await finalSem.acquire();
        try {
          await pollDecision(t);
          if (outstanding.has(t.msg.messageId)) await checkCase(t);
        } finally {
          finalSem.release();
        }
      }),
    );
  }

  // --- the summary
  const all = [...decisions.values()];
  const undecided = outstanding.size;
  const confirmedWaiting = waiting();
  // Without the moderation API, a message still at 404 after the grace period is taken to wait
  // for a moderator (it may also be lost: the summary says it is unverified).
  const awaitingModerator = canCheckCases && gameId ? confirmedWaiting : undecided;
  const missing = undecided - awaitingModerator;
  const notes: string[] = [];
  if (!(canCheckCases && gameId)) {
    notes.push(
      canCheckCases
        ? 'no decision arrived, so the gameId (needed to name moderation cases) is unknown; give --game'
        : 'awaitingModerator is unverified: messages still without a decision after the grace period are assumed to wait for a moderator; give --moderation-url and --moderator-token to check',
    );
  }
  if (Object.keys(caseLookupErrors).length > 0) {
    notes.push(`the moderation API did not answer every case lookup (${JSON.stringify(caseLookupErrors)}): check --moderation-url and --moderator-token`);
  }
  if (accepted > 0 && all.length === 0) notes.push('no decision at all came back: is the pipeline behind the gateway running?');
  if (fatal) notes.push(`aborted: ${fatal}`);
  if (interrupted) notes.push('interrupted by SIGINT');

  const decidedBy = { ...zeroes(DECIDED_BY), ...tally(all.map((d) => d.decidedBy)) };
  const verdicts = { ...zeroes(VERDICTS), ...tally(all.map((d) => d.verdict)) };
  const actions = { ...zeroes(ACTIONS), ...tally(all.map((d) => d.action.type)) };
  const latencyByPath = Object.fromEntries(
    DECIDED_BY.map((p) => [p, percentiles(all.filter((d) => d.decidedBy === p).map((d) => d.latencyMs))]).filter(([, v]) => (v as { count: number }).count > 0),
  );
  const quality = opts.labels
    ? labelled.size === 0
      ? null
      : {
          unit: opts.sepa === 'join' ? 'message (one CONDA row)' : 'CONDA row (blocked if any of its parts was blocked)',
          positive: 'verdict block vs intentClass E or I (toxic)',
          ...(/train/i.test(basename(opts.dataFile))
            ? { caveat: 'replayed from a training split: models trained on it score in-sample here; a sanity check, not an evaluation' }
            : {}),
          ...agreement([...labelled.values()].map((g) => ({ label: g.label, verdicts: g.ids.map((id) => decisions.get(id)?.verdict) }))),
        }
    : null;

  const ok = !fatal && !interrupted && missing === 0 && rejected === 0 && failed === 0 && invalidDecisions === 0 && !(accepted > 0 && all.length === 0);
  const summary: Record<string, unknown> = {
    ok,
    runId: opts.runId,
    gateway: opts.gateway,
    gameId: gameId ?? null,
    settings: { rate: opts.rate, durationSeconds: opts.durationSeconds, matches: opts.matches, batch: opts.batch, concurrency: opts.concurrency, sepa: opts.sepa, seed: opts.seed },
    data: { file: opts.dataFile, matches: matches.length, messages: lineCount, labelled: labelledLines },
    scheduled,
    sent,
    accepted,
    rejected,
    ...(rejected > 0 ? { rejectedBy } : {}),
    failed,
    ...(failed > 0 ? { failedBy } : {}),
    retries,
    sendSeconds: Math.round(sendSeconds * 10) / 10,
    achievedRate: sendSeconds > 0 ? Math.round((sent / sendSeconds) * 10) / 10 : null,
    maxLagMs: Math.round(maxLagMs),
    graceSecondsUsed: Math.round(graceSeconds * 10) / 10,
    decided: all.length,
    undecided,
    awaitingModerator,
    awaitingModeratorVerified: Boolean(canCheckCases && gameId),
    missing,
    ...(missing > 0 ? { missingSample: [...outstanding.values()].filter((t) => !t.awaitingModerator).slice(0, 5).map((t) => t.msg.messageId) } : {}),
    invalidDecisions,
    decidedBy,
    verdicts,
    actions,
    latencyMs: percentiles(all.map((d) => d.latencyMs)),
    latencyMsByDecidedBy: latencyByPath,
    quality,
    ...(moderated ? { simulatedModerators: moderated } : {}),
    notes,
  };
  return { summary, exitCode: fatal ? 2 : ok ? 0 : 1 };
}

async function main(): Promise<number> {
  let opts: SimulatorOptions | 'help';
  try {
    opts = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`simulate: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const { summary, exitCode } = await run(opts);
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return exitCode;
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    process.stderr.write(`simulate: ${error.message}\n`);
    return 2;
  }
}

process.exitCode = await main();
