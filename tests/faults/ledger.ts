// The check every fault scenario ends with: every message the gateway accepted (202) has exactly one
// final decision, and none that it refused has any. Three witnesses are read: the decision manager's
// ledger (PostgreSQL decision_ledger, the first decision per message holds), every record on the
// final-decisions topic (a redelivery may republish the ledger's decision, never a different one), and
// the game's webhook (counted, reported, not asserted: webhooks are best effort, the API is the record).
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import type { LoadOutcome } from './load';
import { sleep } from './load';

export interface LedgerFigures {
  accepted: number;
  refused: number;
  abandoned: number;
  unanswered: number;
  /** Accepted messages with no decision (in the ledger or on final-decisions) when the check gave up waiting. */
  lost: number;
  /** Decisions on final-decisions that the ledger does not hold (PostgreSQL lost its last writes). */
  ledgerMissing: number;
  /** Messages with more than one distinct decision (ledger vs topic, or on the topic). */
  duplicated: number;
  /** Refused messages that got a decision anyway. */
  refusedButDecided: number;
  /** Abandoned or unanswered messages that got one (the gateway had taken them; the client could not know). */
  unknownDecided: number;
  /** Extra records on final-decisions carrying the same decision again (redeliveries; consumers dedupe by messageId). */
  republished: number;
  webhook: { delivered: number; missing: number; duplicated: number };
  /** Time from the end of the load until the last accepted message was decided. */
  settleMs: number;
  examples: { lost: string[]; duplicated: string[]; refusedButDecided: string[] };
}

interface Decision {
  messageId: string;
  verdict: string;
  decidedAt: string;
  decidedBy: string;
  action?: { type?: string };
}

const identity = (d: Decision) => `${d.verdict}|${d.decidedAt}|${d.decidedBy}|${d.action?.type ?? ''}`;

export class Ledger {
  private readonly kafka: Kafka;
  /** Webhook deliveries per messageId (filled by the suite's receiver). */
  readonly webhooks = new Map<string, number>();

  constructor(
    private readonly opts: { brokers: string[]; databaseUrl: string; gameId: string },
  ) {
    this.kafka = new Kafka({ clientId: 'faults-ledger', brokers: opts.brokers, logLevel: logLevel.NOTHING });
  }

  /** messageId -> ledger decision, for the ids under `prefix`. */
  async ledger(prefix: string): Promise<Map<string, Decision>> {
    const client = new pg.Client({ connectionString: this.opts.databaseUrl });
    await client.connect();
    try {
      const rows = await client.query<{ message_id: string; decision: Decision }>('select message_id, decision from decision_ledger where game_id = $1 and message_id like $2', [
        this.opts.gameId,
        `${prefix}-%`,
      ]);
      return new Map(rows.rows.map((r) => [r.message_id, r.decision]));
    } finally {
      await client.end();
    }
  }

  /** How many of `ids` have a ledger decision (retries while PostgreSQL is coming back). */
  async decidedCount(prefix: string, ids: Set<string>): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const decided = await this.ledger(prefix);
        let n = 0;
        for (const id of ids) if (decided.has(id)) n++;
        return n;
      } catch (error) {
        if (attempt >= 60) throw error;
        await sleep(1000);
      }
    }
  }

  /** Every record on final-decisions under `prefix`, read from the start to the current end. */
  async topicRecords(prefix: string): Promise<Map<string, Decision[]>> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets('final-decisions');
    await admin.disconnect();
    const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
    const out = new Map<string, Decision[]>();
    if (remaining.size === 0) return out;
    const consumer = this.kafka.consumer({ groupId: `faults-ledger-${prefix}-${Date.now()}`, sessionTimeout: 30_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'final-decisions', fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`final-decisions not read to its end in 120 s (${remaining.size} partitions left)`)), 120_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const d = JSON.parse(message.value?.toString() ?? '{}') as Decision;
          if (d.messageId?.startsWith(`${prefix}-`)) out.set(d.messageId, [...(out.get(d.messageId) ?? []), d]);
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? Infinity)) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    return out;
  }

  /**
   * Waits for every accepted message to be decided, then counts. A backlog on a busy machine is not a
   * loss: the wait goes on while decisions keep coming, and ends when all are there, when none has
   * come for `stallMs`, or at `maxMs`.
   */
  async check(prefix: string, load: LoadOutcome, refused: Set<string>, opts: { stallMs: number; maxMs: number }): Promise<LedgerFigures> {
    const started = Date.now();
    let decided = new Map<string, Decision>();
    let progressAt = Date.now();
    let lastCount = -1;
    for (;;) {
      decided = await this.ledger(prefix).catch(() => decided);
      const missing = [...load.accepted].filter((id) => !decided.has(id)).length;
      if (decided.size !== lastCount) {
        lastCount = decided.size;
        progressAt = Date.now();
      }
      if (missing === 0 || Date.now() - progressAt > opts.stallMs || Date.now() - started > opts.maxMs) break;
      await sleep(500);
    }
    const settled = Date.now() - started;
    // Late redeliveries and webhooks of the last decisions have a moment to land.
    await sleep(2000);
    decided = await this.ledger(prefix);
    const records = await this.topicRecords(prefix);
    const allRefused = new Set([...refused, ...load.refused]);
    const lost = [...load.accepted].filter((id) => !decided.has(id) && !records.has(id));
    const ledgerMissing = [...records.keys()].filter((id) => !decided.has(id)).length;
    const duplicated: string[] = [];
    let republished = 0;
    for (const [id, list] of records) {
      const distinct = new Set(list.map(identity));
      const ledgerDecision = decided.get(id);
      if (ledgerDecision) distinct.add(identity(ledgerDecision));
      if (distinct.size > 1) duplicated.push(id);
      republished += list.length - 1;
    }
    const refusedButDecided = [...allRefused].filter((id) => decided.has(id) || records.has(id));
    let webhookDelivered = 0;
    let webhookDuplicated = 0;
    for (const id of load.accepted) {
      const n = this.webhooks.get(id) ?? 0;
      if (n > 0) webhookDelivered++;
      if (n > 1) webhookDuplicated++;
    }
    return {
      accepted: load.accepted.size,
      refused: allRefused.size,
      abandoned: load.abandoned.size,
      unanswered: load.unanswered.size,
      lost: lost.length,
      ledgerMissing,
      duplicated: duplicated.length,
      refusedButDecided: refusedButDecided.length,
      unknownDecided: [...load.unanswered, ...load.abandoned].filter((id) => decided.has(id) || records.has(id)).length,
      republished,
      webhook: { delivered: webhookDelivered, missing: load.accepted.size - webhookDelivered, duplicated: webhookDuplicated },
      settleMs: settled,
      examples: { lost: lost.slice(0, 5), duplicated: duplicated.slice(0, 5), refusedButDecided: refusedButDecided.slice(0, 5) },
    };
  }
}
