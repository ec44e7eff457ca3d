// In-memory adapters of the gateway's stores (idempotent sends, API keys, webhook log): the
// embedded runtime's and the tests'. Same behaviour as the SQL ones (gateway-sql.ts), checked by
// one contract suite; a single thread makes each method atomic.
import {
  type ApiKeyRecord,
  type ApiKeyStore,
  BoundedMap,
  type SendClaim,
  type SendLedger,
  type SentMessage,
  type WebhookAttempt,
  type WebhookDeadLetter,
  type WebhookLog,
} from '@sinbin/contract';

const sendKey = (s: { gameId: string; messageId: string }) => `${s.gameId}\u0000${s.messageId}`;

export class MemorySendLedger implements SendLedger {
  private readonly sends = new BoundedMap<string, { fingerprint: string; published: boolean; at: number }>(1_000_000);

  async claim(sends: readonly SentMessage[], now: Date): Promise<SendClaim[]> {
    return sends.map((s) => {
      const seen = this.sends.get(sendKey(s));
      if (!seen) {
        this.sends.set(sendKey(s), { fingerprint: s.fingerprint, published: false, at: now.getTime() });
        return { outcome: 'new' };
      }
      return seen.fingerprint === s.fingerprint ? { outcome: 'repeat', published: seen.published } : { outcome: 'conflict' };
    });
  }

  async markPublished(sends: readonly SentMessage[]): Promise<void> {
    for (const s of sends) {
      const seen = this.sends.get(sendKey(s));
      if (seen && seen.fingerprint === s.fingerprint) seen.published = true;
    }
  }

  async release(sends: readonly SentMessage[]): Promise<void> {
    for (const s of sends) {
      const seen = this.sends.get(sendKey(s));
      if (seen && !seen.published && seen.fingerprint === s.fingerprint) this.sends.delete(sendKey(s));
    }
  }

  async purge(before: Date): Promise<number> {
    return this.sends.deleteWhere((v) => v.at < before.getTime());
  }
}

export class MemoryApiKeyStore implements ApiKeyStore {
  private readonly keys = new Map<string, ApiKeyRecord>();

  async create(key: ApiKeyRecord, maxActive: number): Promise<'created' | 'limit'> {
    const live = [...this.keys.values()].filter((k) => k.gameId === key.gameId && !k.revokedAt).length;
    if (live >= maxActive) return 'limit';
    this.keys.set(key.keyId, { ...key });
    return 'created';
  }

  async find(keyId: string): Promise<ApiKeyRecord | undefined> {
    const k = this.keys.get(keyId);
    return k && { ...k };
  }

  async list(filter: { gameId?: string; includeRevoked: boolean }): Promise<ApiKeyRecord[]> {
    return [...this.keys.values()]
      .filter((k) => (filter.gameId === undefined || k.gameId === filter.gameId) && (filter.includeRevoked || !k.revokedAt))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId))
      .map((k) => ({ ...k }));
  }

  async revoke(keyId: string, at: Date): Promise<boolean> {
    const k = this.keys.get(keyId);
    if (!k || k.revokedAt) return false;
    k.revokedAt = at.toISOString();
    return true;
  }
}

export class MemoryWebhookLog implements WebhookLog {
  private readonly tries = new Map<string, WebhookAttempt[]>();
  private readonly letters = new Map<string, WebhookDeadLetter[]>();
  constructor(private readonly keptPerGame = 1000) {}

  private push<T>(map: Map<string, T[]>, gameId: string, item: T): void {
    const list = map.get(gameId) ?? [];
    list.push(item);
    if (list.length > this.keptPerGame) list.splice(0, list.length - this.keptPerGame);
    map.set(gameId, list);
  }

  async record(attempt: WebhookAttempt): Promise<void> {
    this.push(this.tries, attempt.gameId, { ...attempt, messageIds: [...attempt.messageIds] });
  }

  async deadLetter(letter: WebhookDeadLetter): Promise<void> {
    this.push(this.letters, letter.gameId, { ...letter });
  }

  async attempts(gameId: string, limit: number): Promise<WebhookAttempt[]> {
    return (this.tries.get(gameId) ?? []).slice(-limit).reverse();
  }

  async deadLetters(gameId: string, limit: number): Promise<WebhookDeadLetter[]> {
    return (this.letters.get(gameId) ?? []).slice(-limit).reverse();
  }
}
