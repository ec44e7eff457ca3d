// SQL adapters of the gateway's stores (PostgreSQL on the real stack, PGlite in tests): shared by
// every gateway replica, so a retried send, a rotated key or a delivery log is the same wherever
// the request lands. Each method is one statement (a claim re-reads what a racing replica wrote).
import type {
  ApiKeyRecord,
  ApiKeyStore,
  SendClaim,
  SendLedger,
  SentMessage,
  WebhookAttempt,
  WebhookDeadLetter,
  WebhookLog,
} from '@sinbin/contract';
import type { SqlClient } from './sql';

const columns = (sends: readonly SentMessage[]) => [sends.map((s) => s.gameId), sends.map((s) => s.messageId), sends.map((s) => s.fingerprint)];

export class SqlSendLedger implements SendLedger {
  constructor(private readonly db: SqlClient) {}

  async claim(sends: readonly SentMessage[], now: Date): Promise<SendClaim[]> {
    if (sends.length === 0) return [];
    // The select reads the snapshot from before the insert: a row it created shows as created,
    // a row that existed shows its fingerprint.
    const rows = await this.db.query<{ ord: string; created: boolean; fingerprint: string | null; published: boolean | null }>(
      `with input as (
         select * from unnest($1::text[], $2::text[], $3::text[]) with ordinality as t(game_id, message_id, fingerprint, ord)),
       ins as (
         insert into gateway_sends (game_id, message_id, fingerprint, first_seen)
         select game_id, message_id, fingerprint, $4 from input order by ord
         on conflict do nothing returning game_id, message_id)
       select i.ord, ins.message_id is not null as created, s.fingerprint, s.published
       from input i
       left join ins on ins.game_id = i.game_id and ins.message_id = i.message_id
       left join gateway_sends s on s.game_id = i.game_id and s.message_id = i.message_id
       order by i.ord`,
      [...columns(sends), now],
    );
    const claims: (SendClaim | undefined)[] = rows.rows.map((r, i) =>
      r.created ? { outcome: 'new' } : r.fingerprint === null ? undefined : this.compare(sends[i]!, r.fingerprint, r.published ?? false),
    );
    // Claimed by another replica after this statement's snapshot was taken: read it again.
    const racing = sends.filter((_, i) => claims[i] === undefined);
    if (racing.length > 0) {
      const again = await this.db.query<{ message_id: string; fingerprint: string; published: boolean }>(
        `select message_id, fingerprint, published from gateway_sends where game_id = $1 and message_id = any($2::text[])`,
        [racing[0]!.gameId, racing.map((s) => s.messageId)],
      );
      const byId = new Map(again.rows.map((r) => [r.message_id, r]));
      sends.forEach((s, i) => {
        if (claims[i] !== undefined) return;
        const r = byId.get(s.messageId);
        // Released again in between: nobody holds it, so this caller publishes it.
        claims[i] = r ? this.compare(s, r.fingerprint, r.published) : { outcome: 'new' };
      });
    }
    return claims as SendClaim[];
  }

  private compare(send: SentMessage, fingerprint: string, published: boolean): SendClaim {
    return fingerprint === send.fingerprint ? { outcome: 'repeat', published } : { outcome: 'conflict' };
  }

  async markPublished(sends: readonly SentMessage[]): Promise<void> {
    if (sends.length === 0) return;
    await this.db.query(
      `update gateway_sends s set published = true
       from unnest($1::text[], $2::text[], $3::text[]) as t(game_id, message_id, fingerprint)
       where s.game_id = t.game_id and s.message_id = t.message_id and s.fingerprint = t.fingerprint and not s.published`,
      columns(sends),
    );
  }

  async release(sends: readonly SentMessage[]): Promise<void> {
    if (sends.length === 0) return;
    await this.db.query(
      `delete from gateway_sends s
       using unnest($1::text[], $2::text[], $3::text[]) as t(game_id, message_id, fingerprint)
       where s.game_id = t.game_id and s.message_id = t.message_id and s.fingerprint = t.fingerprint and not s.published`,
      columns(sends),
    );
  }

  async purge(before: Date): Promise<number> {
    const r = await this.db.query('delete from gateway_sends where first_seen < $1', [before]);
    return r.rowCount ?? 0;
  }
}

interface KeyRow {
  key_id: string;
  game_id: string;
  secret_hash: string;
  label: string | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function toKey(r: KeyRow): ApiKeyRecord {
  return {
    keyId: r.key_id,
    gameId: r.game_id,
    secretHash: r.secret_hash,
    createdAt: iso(r.created_at),
    ...(r.label !== null ? { label: r.label } : {}),
    ...(r.revoked_at !== null ? { revokedAt: iso(r.revoked_at) } : {}),
  };
}

export class SqlApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: SqlClient) {}

  async create(key: ApiKeyRecord, maxActive: number): Promise<'created' | 'limit'> {
    // A live key takes the lowest free slot of its game; the partial unique index on (game, slot)
    // makes two concurrent creations of the last slot end in one key, never in one too many.
    const r = await this.db.query(
      `insert into gateway_api_keys (key_id, game_id, secret_hash, label, created_at, slot)
       select $1, $2, $3, $4, $5, s from generate_series(1, $6::int) s
       where not exists (select 1 from gateway_api_keys where game_id = $2 and slot = s and revoked_at is null)
       order by s limit 1
       on conflict do nothing`,
      [key.keyId, key.gameId, key.secretHash, key.label ?? null, key.createdAt, maxActive],
    );
    return (r.rowCount ?? 0) > 0 ? 'created' : 'limit';
  }

  async find(keyId: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.db.query<KeyRow>('select * from gateway_api_keys where key_id = $1', [keyId]);
    return r.rows[0] && toKey(r.rows[0]);
  }

  async list(filter: { gameId?: string; includeRevoked: boolean }): Promise<ApiKeyRecord[]> {
    const r = await this.db.query<KeyRow>(
      `select * from gateway_api_keys where ($1::text is null or game_id = $1) and ($2 or revoked_at is null) order by created_at, key_id`,
      [filter.gameId ?? null, filter.includeRevoked],
    );
    return r.rows.map(toKey);
  }

  async revoke(keyId: string, at: Date): Promise<boolean> {
    const r = await this.db.query('update gateway_api_keys set revoked_at = $2 where key_id = $1 and revoked_at is null', [keyId, at]);
    return (r.rowCount ?? 0) > 0;
  }
}

export class SqlWebhookLog implements WebhookLog {
  constructor(private readonly db: SqlClient) {}

  async record(a: WebhookAttempt): Promise<void> {
    await this.db.query(
      `insert into webhook_attempts (game_id, delivery_id, attempt, at, outcome, http_status, error, message_ids) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.gameId, a.deliveryId, a.attempt, a.at, a.outcome, a.httpStatus ?? null, a.error ?? null, a.messageIds],
    );
  }

  async deadLetter(l: WebhookDeadLetter): Promise<void> {
    await this.db.query(`insert into webhook_dead_letters (game_id, delivery_id, at, attempts, reason, payload) values ($1, $2, $3, $4, $5, $6)`, [
      l.gameId,
      l.deliveryId,
      l.at,
      l.attempts,
      l.reason,
      l.payload,
    ]);
  }

  async attempts(gameId: string, limit: number): Promise<WebhookAttempt[]> {
    const r = await this.db.query<{ delivery_id: string; attempt: number; at: Date | string; outcome: WebhookAttempt['outcome']; http_status: number | null; error: string | null; message_ids: string[] }>(
      'select * from webhook_attempts where game_id = $1 order by seq desc limit $2',
      [gameId, limit],
    );
    return r.rows.map((row) => ({
      gameId,
      deliveryId: row.delivery_id,
      attempt: row.attempt,
      at: iso(row.at),
      outcome: row.outcome,
      ...(row.http_status !== null ? { httpStatus: row.http_status } : {}),
      ...(row.error !== null ? { error: row.error } : {}),
      messageIds: row.message_ids,
    }));
  }

  async deadLetters(gameId: string, limit: number): Promise<WebhookDeadLetter[]> {
    const r = await this.db.query<{ delivery_id: string; at: Date | string; attempts: number; reason: string; payload: string }>(
      'select * from webhook_dead_letters where game_id = $1 order by seq desc limit $2',
      [gameId, limit],
    );
    return r.rows.map((row) => ({ gameId, deliveryId: row.delivery_id, at: iso(row.at), attempts: row.attempts, reason: row.reason, payload: row.payload }));
  }
}
