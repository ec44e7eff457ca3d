// Game API keys and admin tokens, kept only as SHA-256 digests and compared in constant time.
// Keys made through the admin API look like `sbk_<keyId>_<secret>`: the id finds the record (and
// is what the admin API lists), the secret's digest is compared with timingSafeEqual. Keys from
// config (GAME_API_KEYS, plain or `sha256:<hex>`) are hashed at boot and compared the same way.
// A key is random (192 bits), so a fast hash is enough: there is no password to stretch.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyStore } from '@sinbin/contract';

export const KEY_PREFIX = 'sbk_';
const STORED_KEY = /^sbk_([0-9a-f]{16})_([A-Za-z0-9_-]{32,64})$/;
const DIGEST = /^sha256:([0-9a-f]{64})$/i;

export const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** A configured secret as its digest: `sha256:<hex>` is taken as the digest itself. */
export function digestOfConfigured(secret: string): Buffer {
  const given = DIGEST.exec(secret);
  return given ? Buffer.from(given[1]!.toLowerCase(), 'hex') : sha256(secret);
}

export function newApiKey(): { keyId: string; key: string; secretHash: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { keyId, key: `${KEY_PREFIX}${keyId}_${secret}`, secretHash: sha256(secret).toString('hex') };
}

/** True when `digest` equals one of `digests`; every one is compared, so the time says nothing of which. */
export function matchesAny(digest: Buffer, digests: readonly Buffer[]): number {
  let found = -1;
  digests.forEach((d, i) => {
    if (d.length === digest.length && timingSafeEqual(d, digest) && found < 0) found = i;
  });
  return found;
}

/** Config keys are listed by an id derived from their digest (never the key). */
export const configKeyId = (digest: Buffer) => `cfg_${createHash('sha256').update(digest).digest('hex').slice(0, 12)}`;

export interface Caller {
  gameId: string;
  keyId: string;
}

export class KeyRing {
  private readonly configured: { digest: Buffer; gameId: string; keyId: string }[];
  private readonly cache = new Map<string, { record: ApiKeyRecord | undefined; until: number }>();

  constructor(
    configKeys: ReadonlyMap<string, string>,
    private readonly store: ApiKeyStore,
    private readonly cacheMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.configured = [...configKeys].map(([secret, gameId]) => {
      const digest = digestOfConfigured(secret);
      return { digest, gameId, keyId: configKeyId(digest) };
    });
  }

  get configuredKeys(): readonly { gameId: string; keyId: string }[] {
    return this.configured;
  }

  /** The game and key id of a presented key, or undefined. */
  async identify(presented: string | undefined): Promise<Caller | undefined> {
    if (!presented) return undefined;
    const stored = STORED_KEY.exec(presented);
    if (stored) {
      const record = await this.record(stored[1]!);
      if (!record || record.revokedAt) return undefined;
      const ok = matchesAny(sha256(stored[2]!), [Buffer.from(record.secretHash, 'hex')]) === 0;
      return ok ? { gameId: record.gameId, keyId: record.keyId } : undefined;
    }
    const at = matchesAny(sha256(presented), this.configured.map((c) => c.digest));
    return at >= 0 ? { gameId: this.configured[at]!.gameId, keyId: this.configured[at]!.keyId } : undefined;
  }

  /** A stored key's record, cached briefly: a revocation reaches other replicas within cacheMs. */
  private async record(keyId: string): Promise<ApiKeyRecord | undefined> {
    const hit = this.cache.get(keyId);
    if (hit && hit.until > this.clock()) return hit.record;
    const record = await this.store.find(keyId);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(keyId, { record, until: this.clock() + this.cacheMs });
    return record;
  }

  forget(keyId: string): void {
    this.cache.delete(keyId);
  }
}

/** Admin tokens (GATEWAY_ADMIN_TOKENS): digests only, compared in constant time. */
export class AdminTokens {
  private readonly digests: Buffer[];
  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digestOfConfigured);
  }
  get enabled(): boolean {
    return this.digests.length > 0;
  }
  accepts(presented: string | undefined): boolean {
    return presented !== undefined && matchesAny(sha256(presented), this.digests) >= 0;
  }
}
