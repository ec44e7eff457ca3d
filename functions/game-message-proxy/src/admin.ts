// The gateway's admin API: game API keys (create, list by id and creation date, revoke), any
// game's webhook deliveries and its term lists (term-lists-admin.ts; the model lifecycle's routes: models-admin.ts). Authenticated by an admin token from config (GATEWAY_ADMIN_TOKENS),
// kept as a digest and compared in constant time; without one the admin API is off.
import {
  type ApiKeyInfo,
  type ApiKeyRecord,
  type ApiKeysResponse,
  type ApiKeyStore,
  ApiKeysQuerySchema,
  apiError,
  type CreatedApiKey,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  type Logger,
  NewApiKeySchema,
  type TermListStore,
  type WebhookDeliveriesResponse,
} from '@sinbin/contract';
import { bearerToken } from './core';
import { type AdminTokens, type KeyRing, newApiKey } from './keys';
import { termListRoutes } from './term-lists-admin';

export interface AdminDeps {
  tokens: AdminTokens;
  keys: KeyRing;
  store: ApiKeyStore;
  maxLive: number;
  deliveriesOf: (gameId: string, req: HttpRequest) => Promise<WebhookDeliveriesResponse | HttpResponse>;
  termLists: TermListStore;
  log: Logger;
  now: () => Date;
}

const info = (k: ApiKeyRecord): ApiKeyInfo => ({
  keyId: k.keyId,
  gameId: k.gameId,
  source: 'api',
  createdAt: k.createdAt,
  ...(k.label !== undefined ? { label: k.label } : {}),
  ...(k.revokedAt !== undefined ? { revokedAt: k.revokedAt } : {}),
});

/** Wraps an admin handler: off without tokens, 401 without a valid one. */
export const adminGuard =
  (tokens: AdminTokens) =>
  (handler: (req: HttpRequest) => Promise<HttpResponse>) =>
  async (req: HttpRequest): Promise<HttpResponse> => {
    if (!tokens.enabled) return apiError('admin-disabled', 'the admin API is off: set GATEWAY_ADMIN_TOKENS');
    if (!tokens.accepts(bearerToken(req.headers['authorization']))) return apiError('admin-unauthorized', 'send Authorization: Bearer <admin token>', { headers: { 'www-authenticate': 'Bearer' } });
    return handler(req);
  };

export function adminRoutes(deps: AdminDeps): HttpRoute[] {
  const { tokens, keys, store, log, now } = deps;
  const admin = adminGuard(tokens);

  async function listKeys(req: HttpRequest): Promise<HttpResponse> {
    const query = ApiKeysQuerySchema.safeParse(Object.fromEntries(req.query));
    if (!query.success) return apiError('invalid-query', query.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
    const gameId = query.data.gameId;
    const includeRevoked = query.data.includeRevoked === 'true';
    const configured: ApiKeyInfo[] = keys.configuredKeys.filter((k) => gameId === undefined || k.gameId === gameId).map((k) => ({ keyId: k.keyId, gameId: k.gameId, source: 'config', createdAt: null }));
    const made = (await store.list({ includeRevoked, ...(gameId ? { gameId } : {}) })).map(info);
    return json(200, { keys: [...configured, ...made] } satisfies ApiKeysResponse);
  }

  async function createKey(req: HttpRequest): Promise<HttpResponse> {
    let raw: unknown;
    try {
      raw = JSON.parse(req.body.toString('utf8') || '{}');
    } catch {
      return apiError('invalid-json', 'the body is not valid JSON');
    }
    const parsed = NewApiKeySchema.safeParse(raw);
    if (!parsed.success) return apiError('invalid-body', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const { keyId, key, secretHash } = newApiKey();
    const record: ApiKeyRecord = { keyId, gameId: parsed.data.gameId, secretHash, createdAt: now().toISOString(), ...(parsed.data.label ? { label: parsed.data.label } : {}) };
    if ((await store.create(record, deps.maxLive)) === 'limit') {
      return apiError('key-limit', `game ${record.gameId} already has ${deps.maxLive} live API keys: revoke one (DELETE /admin/v1/keys/{keyId}) first`);
    }
    log.info({ keyId, gameId: record.gameId }, 'API key created');
    return json(201, { ...info(record), key } satisfies CreatedApiKey);
  }

  async function revokeKey(req: HttpRequest): Promise<HttpResponse> {
    const keyId = req.params.keyId!;
    if (keys.configuredKeys.some((k) => k.keyId === keyId)) return apiError('config-key', 'this key comes from GAME_API_KEYS: remove it there');
    if (!(await store.revoke(keyId, now()))) return apiError('not-found', 'no live API key with this id');
    keys.forget(keyId);
    log.info({ keyId }, 'API key revoked');
    return json(200, info((await store.find(keyId))!));
  }

  return [
    { method: 'GET', path: '/admin/v1/keys', handler: admin(listKeys) },
    { method: 'POST', path: '/admin/v1/keys', handler: admin(createKey) },
    { method: 'DELETE', path: '/admin/v1/keys/:keyId', handler: admin(revokeKey) },
    {
      method: 'GET',
      path: '/admin/v1/games/:gameId/webhook-deliveries',
      handler: admin(async (req) => {
        const answer = await deps.deliveriesOf(req.params.gameId!, req);
        return 'status' in answer ? answer : json(200, answer);
      }),
    },
    ...termListRoutes({ store: deps.termLists, admin, log, now }),
  ];
}
