// Delivers final decisions to each game's webhook, batched, signed (Standard Webhooks, with the
// `standardwebhooks` package) and retried with backoff off the consumer's path: a slow or failing
// game endpoint never holds up the pipeline. Every try is recorded (WebhookLog) and a batch whose
// last try failed becomes a dead letter, so the game can see what it missed through the API.
// At-least-once across restarts: with an outbox, a decision is stored as owed before the consumer
// moves on and removed once the game answers (or refuses it, or it is dead-lettered), so a restart
// resends what was in flight. A batch that may repeat decisions the game already has (a retry, or
// a resend after a restart) says so in `x-sinbin-redelivery: true`; deduplicate by messageId.
import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { FORMER_SIGNATURE_HEADER, type FinalDecision, type Logger, type WebhookLog, type WebhookOutbox, type WebhookPayload } from '@sinbin/contract';
import { postBody } from '@sinbin/runtime';

/** A Standard Webhooks secret (`whsec_` + base64 of 24-64 random bytes), or a 0.2-style raw secret. */
const SecretSchema = z.string().min(16, 'a webhook secret has at least 16 characters');

export const WebhookConfigSchema = z.record(
  z.string(),
  z
    .object({
      url: z.string().url(),
      /** One secret (0.2 form). */
      secret: SecretSchema.optional(),
      /** Rotation: every delivery is signed with each of them (at most 2), so the receiver can swap. */
      secrets: z.array(SecretSchema).min(1).max(2).optional(),
    })
    .strict()
    .refine((h) => !(h.secret && h.secrets), { message: 'give either secret or secrets, not both' }),
);
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

/** The 0.2 header: HMAC-SHA256 of the body alone (no timestamp, so replayable); sent only with WEBHOOK_LEGACY_SIGNATURE. */
export const LEGACY_SIGNATURE_HEADER = 'x-sinbin-signature';

export function legacySign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** `whsec_` secrets are base64 keys as the spec defines them; any other string is used as raw bytes (0.2 secrets). */
export function signerOf(secret: string): Webhook {
  return secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
}

/** The three Standard Webhooks headers for one try: every secret's signature, space-separated. */
export function standardHeaders(secrets: readonly string[], deliveryId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => signerOf(s).sign(deliveryId, at, body)).join(' '),
  };
}

export interface DispatcherOptions {
  batchMs: number;
  maxBatch: number;
  maxAttempts: number;
  /** First retry delay; each next one doubles it (with jitter), up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Also send the 0.2 header (and its former name) for receivers not yet on Standard Webhooks. */
  legacySignature: boolean;
  timeoutMs: number;
}

/** `true` when the batch may hold decisions the game received before. */
export const REDELIVERY_HEADER = 'x-sinbin-redelivery';

interface Owed {
  decision: FinalDecision;
  /** It may have reached the game before (recovered from the outbox after a restart). */
  maybeSent: boolean;
}

const owedKey = (d: FinalDecision) => `${d.gameId}\u0000${d.messageId}`;

export const DEFAULT_DISPATCHER: DispatcherOptions = { batchMs: 20, maxBatch: 200, maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 60_000, legacySignature: false, timeoutMs: 5000 };

export class WebhookDispatcher {
  private readonly queues = new Map<string, Owed[]>();
  /** gameId/messageId of every decision queued or being sent, so one is never owed twice at once. */
  private readonly owedNow = new Set<string>();
  private readonly opts: DispatcherOptions;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private stopped = false;
  private readonly sleeping = new Set<() => void>();

  constructor(
    private readonly config: WebhookConfig,
    private readonly log: Logger,
    private readonly deliveries: WebhookLog,
    opts: Partial<DispatcherOptions> = {},
    private readonly now: () => Date = () => new Date(),
    private readonly outbox?: WebhookOutbox,
  ) {
    this.opts = { ...DEFAULT_DISPATCHER, ...opts };
  }

  /** Whether the game has a webhook, so its decisions are owed to it (see DecisionStore.putOwed). */
  owes(gameId: string): boolean {
    return this.config[gameId] !== undefined;
  }

  /** Owes the decision to its game's webhook: in the outbox (if any) once this resolves, then sent. */
  async accept(decision: FinalDecision): Promise<void> {
    if (this.stopped || !this.config[decision.gameId] || this.owedNow.has(owedKey(decision))) return;
    await this.outbox?.add(decision);
    this.enqueue(decision);
  }

  /** Queues what the outbox still owes from before a restart; returns how many. */
  async recover(): Promise<number> {
    if (!this.outbox) return 0;
    const owed = await this.outbox.pending(1_000_000);
    for (const decision of owed) {
      if (this.config[decision.gameId]) this.enqueue(decision, true);
      else await this.outbox.remove(decision.gameId, [decision.messageId]);
    }
    return owed.length;
  }

  enqueue(decision: FinalDecision, maybeSent = false): void {
    if (this.stopped || !this.config[decision.gameId] || this.owedNow.has(owedKey(decision))) return;
    this.owedNow.add(owedKey(decision));
    const queue = this.queues.get(decision.gameId) ?? [];
    queue.push({ decision, maybeSent });
    this.queues.set(decision.gameId, queue);
    if (queue.length >= this.opts.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.batchMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [gameId, queue] of this.queues) {
      while (queue.length > 0) void this.send(gameId, queue.splice(0, this.opts.maxBatch));
    }
  }

  private secretsOf(gameId: string): string[] {
    const hook = this.config[gameId]!;
    return hook.secrets ?? (hook.secret ? [hook.secret] : []);
  }

  private async send(gameId: string, owed: Owed[]): Promise<void> {
    const decisions = owed.map((o) => o.decision);
    const hook = this.config[gameId]!;
    const secrets = this.secretsOf(gameId);
    const deliveryId = `msg_${randomUUID()}`;
    const messageIds = decisions.map((d) => d.messageId);
    const body = JSON.stringify({ type: 'decisions.final', timestamp: this.now().toISOString(), data: { decisions }, decisions } satisfies WebhookPayload);
    this.inFlight++;
    let attempt = 0;
    let reason = 'stopped before the first try';
    let refused = false;
    try {
      try {
        await this.outbox?.durable?.();
      } catch (error) {
        // Not on disk: nothing is sent that a restart could take back; it stays owed.
        this.log.error({ gameId, err: String(error) }, 'webhook outbox not durable; not sending');
        return;
      }
      while (attempt < this.opts.maxAttempts && !this.stopped) {
        attempt++;
        const at = this.now();
        // Signed again on each try: the timestamp is the try's, so a retry is never too old to verify.
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(secrets.length > 0 ? standardHeaders(secrets, deliveryId, at, body) : { 'webhook-id': deliveryId }) };
        // A retry may follow a try the game processed but whose answer we never saw.
        if (attempt > 1 || owed.some((o) => o.maybeSent)) headers[REDELIVERY_HEADER] = 'true';
        if (this.opts.legacySignature && secrets[0]) {
          headers[LEGACY_SIGNATURE_HEADER] = legacySign(secrets[0], body);
          headers[FORMER_SIGNATURE_HEADER] = headers[LEGACY_SIGNATURE_HEADER];
        }
        const base = { gameId, deliveryId, attempt, at: at.toISOString(), messageIds };
        try {
          const res = await postBody(hook.url, headers, body, this.opts.timeoutMs);
          if (res.status >= 200 && res.status < 300) {
            await this.note({ ...base, outcome: 'delivered', httpStatus: res.status });
            await this.settled(gameId, decisions);
            return;
          }
          reason = `HTTP ${res.status}`;
          if (res.status < 500 && res.status !== 429 && res.status !== 408) {
            // The receiver refused the content itself: trying again cannot help.
            await this.note({ ...base, outcome: 'refused', httpStatus: res.status });
            this.log.warn({ gameId, deliveryId, status: res.status, count: decisions.length }, 'webhook refused decisions; not retrying');
            refused = true;
            break;
          }
          await this.note({ ...base, outcome: 'failed', httpStatus: res.status });
        } catch (error) {
          reason = error instanceof Error ? error.message : String(error);
          await this.note({ ...base, outcome: 'failed', error: reason.slice(0, 300) });
        }
        if (attempt < this.opts.maxAttempts) await this.sleep(this.delay(attempt));
      }
      // Stopped between tries: with an outbox they stay owed and go again after the restart.
      if (this.outbox && this.stopped && !refused && attempt < this.opts.maxAttempts) return;
      await this.settled(gameId, decisions);
      await this.deadLetter({ gameId, deliveryId, at: this.now().toISOString(), attempts: attempt, reason, payload: body });
      this.log.error({ gameId, deliveryId, count: decisions.length, attempts: attempt, reason }, 'webhook delivery dead-lettered; decisions stay readable by API');
    } finally {
      this.inFlight--;
    }
  }

  private async settled(gameId: string, decisions: FinalDecision[]): Promise<void> {
    for (const d of decisions) this.owedNow.delete(owedKey(d));
    try {
      await this.outbox?.remove(
        gameId,
        decisions.map((d) => d.messageId),
      );
    } catch (error) {
      // Still owed: resent after a restart, flagged as a possible repeat.
      this.log.warn({ gameId, err: String(error) }, 'webhook outbox not updated');
    }
  }

  /** Exponential backoff with full jitter (so many failing batches don't retry in step). */
  private delay(attempt: number): number {
    const ceiling = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping.add(wake);
    });
  }

  private async note(attempt: Parameters<WebhookLog['record']>[0]): Promise<void> {
    await this.deliveries.record(attempt).catch((error) => this.log.warn({ err: String(error), gameId: attempt.gameId }, 'could not record a webhook attempt'));
  }

  private async deadLetter(letter: Parameters<WebhookLog['deadLetter']>[0]): Promise<void> {
    await this.note({ gameId: letter.gameId, deliveryId: letter.deliveryId, attempt: letter.attempts, at: letter.at, outcome: 'dead-lettered', error: letter.reason, messageIds: [] });
    await this.deliveries.deadLetter(letter).catch((error) => this.log.error({ err: String(error), gameId: letter.gameId }, 'could not record a webhook dead letter'));
  }

  /** Sends what is queued, gives in-flight tries up to 2 s, then dead-letters what is still retrying. */
  async stop(): Promise<void> {
    this.flush();
    const deadline = Date.now() + 2000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    this.stopped = true;
    for (const wake of [...this.sleeping]) wake();
    const settle = Date.now() + 2000;
    while (this.inFlight > 0 && Date.now() < settle) await new Promise((r) => setTimeout(r, 10));
  }
}
