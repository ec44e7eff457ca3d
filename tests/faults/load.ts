// The game backend of the fault suite: POSTs chat messages to the gateway at a steady rate, each with a
// messageId of its own, until told to stop, and does what the API asks of a client: a 5xx or 429 (or a
// dropped connection) is retried with the same messageIds (an idempotency key) after Retry-After, until
// the batch is accepted or the client gives up. Every message ends as accepted (a 202 came back),
// refused (a 4xx), abandoned (the client gave up while told to retry: the gateway may or may not have
// stored it) or unanswered; the ledger check compares that with the decisions.
export const TEXTS = [
  'gg wp',
  'mid missing',
  'you f u c k i n g idiot',
  'ur trash noob',
  'nice ult',
  'kys',
  'report this idiot pls',
  'lol',
  'ty all',
  'go back to your country',
  'uninstall the game',
  'ez',
];

export interface LoadOptions {
  gateway: () => string;
  key: string;
  /** messageIds are `<prefix>-<n>`: one prefix per scenario. */
  prefix: string;
  perSecond: number;
  batch: number;
  /** A batch still refused (503/429) or unanswered this long after its first try is given up. */
  giveUpMs: number;
  /** Requests in flight at most; more wait (the client is as patient as the gateway is slow). */
  concurrency?: number;
}

export interface LoadOutcome {
  accepted: Set<string>;
  /** Answered 4xx: these must never get a decision. */
  refused: Set<string>;
  /** Still answered 5xx or 429 when the client gave up: their fate is not known to the client. */
  abandoned: Set<string>;
  /** Never answered (connection dropped on the last try): the gateway may or may not have taken them. */
  unanswered: Set<string>;
  /** Answers other than 202, by status (0: no answer). */
  retries: Map<number, number>;
  /** The first non-2xx answer's body, by status, to show what a client was told. */
  sampleAnswers: Map<number, string>;
}

interface Message {
  messageId: string;
  channelId: string;
  playerId: string;
  text: string;
}

export class Load {
  readonly outcome: LoadOutcome = { accepted: new Set(), refused: new Set(), abandoned: new Set(), unanswered: new Set(), retries: new Map(), sampleAnswers: new Map() };
  private inflight = 0;
  private sent = 0;
  private stopped = false;
  /** Messages sent but not yet answered with a 202 or given up (requests in flight and waiting to retry). */
  pending = 0;
  readonly done: Promise<void>;

  constructor(private readonly opts: LoadOptions) {
    this.done = this.run();
  }

  get sentCount(): number {
    return this.sent;
  }

  private message(n: number): Message {
    return { messageId: `${this.opts.prefix}-${n}`, channelId: `${this.opts.prefix}-ch${n % 16}`, playerId: `p${n % 7}`, text: TEXTS[n % TEXTS.length]! };
  }

  private async run(): Promise<void> {
    const started = performance.now();
    const batches: Promise<void>[] = [];
    for (let n = 0; !this.stopped; n += this.opts.batch) {
      // Steady rate: batch k leaves at k * batch / perSecond.
      const due = started + (n / this.opts.perSecond) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      while (this.inflight >= (this.opts.concurrency ?? 16) && !this.stopped) await sleep(5);
      if (this.stopped) break;
      const messages = Array.from({ length: this.opts.batch }, (_, i) => this.message(n + i));
      this.sent += messages.length;
      this.pending += messages.length;
      batches.push(this.send(messages));
    }
    await Promise.all(batches);
  }

  private note(status: number, body: string): void {
    this.outcome.retries.set(status, (this.outcome.retries.get(status) ?? 0) + 1);
    if (!this.outcome.sampleAnswers.has(status)) this.outcome.sampleAnswers.set(status, body.slice(0, 300));
  }

  private async send(messages: Message[]): Promise<void> {
    const first = Date.now();
    const ids = messages.map((m) => m.messageId);
    this.inflight++;
    try {
      for (;;) {
        let status = 0;
        let retryAfterMs = 500;
        try {
          const res = await fetch(`${this.opts.gateway()}/v1/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${this.opts.key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ messages }),
            signal: AbortSignal.timeout(15_000),
          });
          status = res.status;
          const body = await res.text();
          if (status === 202) {
            for (const id of ids) this.outcome.accepted.add(id);
            return;
          }
          this.note(status, body);
          if (status < 500 && status !== 429 && status !== 408) {
            for (const id of ids) this.outcome.refused.add(id);
            return;
          }
          const after = Number(res.headers.get('retry-after'));
          if (after > 0) retryAfterMs = Math.min(after * 1000, 5000);
        } catch (error) {
          this.note(0, String(error));
        }
        if (Date.now() - first > this.opts.giveUpMs) {
          for (const id of ids) (status === 0 ? this.outcome.unanswered : this.outcome.abandoned).add(id);
          return;
        }
        await sleep(retryAfterMs);
      }
    } finally {
      this.inflight--;
      this.pending -= messages.length;
    }
  }

  /** Stops sending new batches (those in flight, and their retries, still finish). */
  stop(): void {
    this.stopped = true;
  }
}

/** Requests the gateway must refuse (unknown key, invalid body): their ids must never get a decision. */
export async function sendRefused(gateway: string, key: string, prefix: string, count: number): Promise<Set<string>> {
  const refused = new Set<string>();
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < count; i++) {
    const messageId = `${prefix}-refused-${i}`;
    const badKey = i % 2 === 0;
    const body = badKey ? { messages: [{ messageId, channelId: `${prefix}-r`, playerId: 'p1', text: 'gg' }] } : { messages: [{ messageId, channelId: `${prefix}-r`, playerId: 'p1', text: 42 }] };
    const res = await fetch(`${gateway}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${badKey ? 'not-a-key-0000000000' : key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => undefined);
    await res?.arrayBuffer();
    // Only an explicit refusal counts; a gateway still coming back is asked again.
    if (res && res.status >= 400 && res.status < 500) refused.add(messageId);
    else if (Date.now() < deadline) {
      i--;
      await sleep(500);
    }
  }
  return refused;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
