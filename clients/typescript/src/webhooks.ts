// Receiving sinbin's webhooks (Standard Webhooks, verified with the `standardwebhooks` package):
// the signature must match one of your secrets (two during a rotation), the timestamp must be
// within 5 minutes, and a webhook-id already seen is refused, so a captured delivery cannot be
// replayed. Answer 2xx only after you have stored the decisions.
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { components } from './schema';

export type WebhookPayload = components['schemas']['WebhookPayload'];

export class WebhookRejected extends Error {
  override name = 'WebhookRejected';
}

export interface WebhookReceiverOptions {
  /** Your webhook secrets (`whsec_...`): the current one, and the next one during a rotation. */
  secrets: string[];
  /** How long a seen webhook-id is remembered: longer than the 5-minute timestamp tolerance. */
  rememberMs?: number;
  now?: () => number;
}

export class WebhookReceiver {
  private readonly verifiers: Webhook[];
  private readonly seen = new Map<string, number>();
  private readonly rememberMs: number;
  private readonly now: () => number;

  constructor(opts: WebhookReceiverOptions) {
    if (opts.secrets.length === 0) throw new Error('give at least one webhook secret');
    this.verifiers = opts.secrets.map((s) => (s.startsWith('whsec_') ? new Webhook(s) : new Webhook(s, { format: 'raw' })));
    this.rememberMs = opts.rememberMs ?? 10 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** The verified payload; throws WebhookRejected (answer 400) for a bad signature, an old timestamp or a replay. */
  verify(body: string, headers: Record<string, string | string[] | undefined>): WebhookPayload {
    const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0]! : (v ?? '')]));
    let payload: unknown;
    let lastError: unknown;
    for (const verifier of this.verifiers) {
      try {
        payload = verifier.verify(body, flat);
        break;
      } catch (error) {
        lastError = error;
      }
    }
    if (payload === undefined) throw new WebhookRejected(lastError instanceof WebhookVerificationError ? lastError.message : 'signature does not verify');
    const id = flat['webhook-id']!;
    this.forgetOld();
    if (this.seen.has(id)) throw new WebhookRejected(`webhook-id ${id} was already received (replay)`);
    this.seen.set(id, this.now());
    return payload as WebhookPayload;
  }

  private forgetOld(): void {
    const before = this.now() - this.rememberMs;
    for (const [id, at] of this.seen) {
      if (at >= before) break;
      this.seen.delete(id);
    }
  }
}
