// Delivers final decisions to each game's webhook, batched, signed and retried off the
// consumer's path: a slow or failing game endpoint never holds up the pipeline.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { FORMER_SIGNATURE_HEADER, type FinalDecision, type Logger } from '@sinbin/contract';
import { postBody } from '@sinbin/runtime';

export const WebhookConfigSchema = z.record(
  z.string(),
  z.object({ url: z.string().url(), secret: z.string().min(16).optional() }).strict(),
);
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

export const SIGNATURE_HEADER = 'x-sinbin-signature';

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class WebhookDispatcher {
  private readonly queues = new Map<string, FinalDecision[]>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private stopped = false;

  constructor(
    private readonly config: WebhookConfig,
    private readonly log: Logger,
    private readonly opts: { batchMs: number; maxBatch: number; maxAttempts: number } = { batchMs: 20, maxBatch: 200, maxAttempts: 6 },
  ) {}

  enqueue(decision: FinalDecision): void {
    if (this.stopped || !this.config[decision.gameId]) return;
    const queue = this.queues.get(decision.gameId) ?? [];
    queue.push(decision);
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

  private async send(gameId: string, decisions: FinalDecision[]): Promise<void> {
    const hook = this.config[gameId]!;
    const body = JSON.stringify({ decisions });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secret) {
      headers[SIGNATURE_HEADER] = sign(hook.secret, body);
      // Receivers written before the rename check the former header name (until 0.3.0).
      headers[FORMER_SIGNATURE_HEADER] = headers[SIGNATURE_HEADER];
    }
    this.inFlight++;
    try {
      for (let attempt = 1; attempt <= this.opts.maxAttempts && !this.stopped; attempt++) {
        try {
          const res = await postBody(hook.url, headers, body, 5000);
          if (res.status >= 200 && res.status < 300) return;
          if (res.status < 500 && res.status !== 429 && res.status !== 408) {
            this.log.warn({ gameId, status: res.status, count: decisions.length }, 'webhook refused decisions; not retrying');
            return;
          }
        } catch {
          // network error: retried below
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
      this.log.error({ gameId, count: decisions.length }, 'webhook delivery gave up; decisions stay readable by API');
    } finally {
      this.inFlight--;
    }
  }

  async stop(): Promise<void> {
    this.flush();
    const deadline = Date.now() + 2000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    this.stopped = true;
  }
}
