// Retention of the PostgreSQL tables that grow with traffic: decisions older than the retention
// period are archived to the decision-archive bucket (gzipped JSON lines, by day, each with the
// model and version that decided it) and deleted from the ledger and the gateway's read model;
// channel context, offences and ended sessions are pruned; the audit log keeps its own, longer
// period. Each step works in batches, so a month of backlog never holds a long transaction.
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { ObjectStore } from '@sinbin/contract';
import type { SqlClient } from './sql';

export interface RetentionOptions {
  now: Date;
  /** Decisions, context and offences older than this are archived or pruned. */
  days: number;
  /** The moderators' audit log is kept longer. */
  auditDays: number;
  batch?: number;
}

export interface RetentionReport {
  archived: number;
  objects: string[];
  pruned: Record<string, number>;
}

const cutoffOf = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

export async function applyRetention(sql: SqlClient, archive: ObjectStore, o: RetentionOptions): Promise<RetentionReport> {
  const cutoff = cutoffOf(o.now, o.days);
  const batch = o.batch ?? 5000;
  const report: RetentionReport = { archived: 0, objects: [], pruned: {} };
  // Archive first, delete after: a crash in between leaves rows that the next run archives again
  // (same object name, same contents), never a decision deleted unarchived.
  for (;;) {
    const rows = (
      await sql.query<{ game_id: string; message_id: string; decision: unknown; created_at: Date | string }>(
        'select game_id, message_id, decision, created_at from decision_ledger where created_at < $1 order by created_at, game_id, message_id limit $2',
        [cutoff, batch],
      )
    ).rows;
    if (rows.length === 0) break;
    const byDay = new Map<string, typeof rows>();
    for (const r of rows) {
      const day = new Date(r.created_at).toISOString().slice(0, 10);
      byDay.set(day, [...(byDay.get(day) ?? []), r]);
    }
    for (const [day, list] of byDay) {
      const name = createHash('sha256').update(list.map((r) => `${r.game_id}/${r.message_id}`).join('\n')).digest('hex').slice(0, 16);
      const key = `date=${day}/decisions-${name}.jsonl.gz`;
      await archive.put(key, gzipSync(`${list.map((r) => JSON.stringify(typeof r.decision === 'string' ? JSON.parse(r.decision) : r.decision)).join('\n')}\n`), 'application/gzip');
      report.objects.push(key);
    }
    const games = rows.map((r) => r.game_id);
    const ids = rows.map((r) => r.message_id);
    await sql.query('delete from decision_ledger where (game_id, message_id) in (select * from unnest($1::text[], $2::text[]))', [games, ids]);
    report.archived += rows.length;
    if (rows.length < batch) break;
  }
  const prune = async (table: string, statement: string, cutoffValue: string) => {
    let total = 0;
    for (;;) {
      const res = await sql.query(statement, [cutoffValue, batch]);
      const n = (res as { rowCount?: number | null }).rowCount ?? (res as { affectedRows?: number }).affectedRows ?? 0;
      total += n;
      if (n < batch) break;
    }
    report.pruned[table] = total;
  };
  await prune('final_decisions', 'delete from final_decisions where ctid in (select ctid from final_decisions where stored_at < $1 limit $2)', cutoff);
  await prune('channel_context', 'delete from channel_context where ctid in (select ctid from channel_context where sent_at < $1 limit $2)', cutoff);
  await prune('offences', 'delete from offences where ctid in (select ctid from offences where at < $1 limit $2)', cutoff);
  await prune('moderator_sessions', 'delete from moderator_sessions where ctid in (select ctid from moderator_sessions where expires_at < $1 limit $2)', o.now.toISOString());
  await prune('moderation_audit', 'delete from moderation_audit where seq in (select seq from moderation_audit where at < $1 limit $2)', cutoffOf(o.now, o.auditDays));
  return report;
}
