// The admin API of studios' term lists, per game: read the lists in force, save a new version
// (refused with every problem when an entry would match every message, repeats, or sits on both
// lists; 409 when someone saved since the version the change was made on), the history with what
// each version changed and who saved it (the audit), any old version, and a dry run on a text.
// The checks and the versioning are @sinbin/scoring/terms saveTermLists, shared with the leads'
// routes of the moderation API.
import { createHash } from 'node:crypto';
import {
  apiError,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  type Logger,
  PathIdSchema,
  type TermCheckResponse,
  TermCheckRequestSchema,
  type TermListStore,
} from '@sinbin/contract';
import { compileTermLists, matchTerms, saveTermLists, termListHistory, termListView } from '@sinbin/scoring/terms';
import { bearerToken } from './core';

export interface TermListAdminDeps {
  store: TermListStore;
  /** Wraps a handler in the admin token check. */
  admin: (handler: (req: HttpRequest) => Promise<HttpResponse>) => (req: HttpRequest) => Promise<HttpResponse>;
  log: Logger;
  now: () => Date;
}

/** Who saved a version: the admin token's digest prefix, never the token. */
export const adminActor = (req: HttpRequest): string => `admin:${createHash('sha256').update(bearerToken(req.headers['authorization']) ?? '').digest('hex').slice(0, 12)}`;

function bodyOf(req: HttpRequest): { ok: true; value: unknown } | { ok: false; response: HttpResponse } {
  try {
    return { ok: true, value: JSON.parse(req.body.toString('utf8') || '{}') };
  } catch {
    return { ok: false, response: apiError('invalid-json', 'the body is not valid JSON') };
  }
}

export function termListRoutes(deps: TermListAdminDeps): HttpRoute[] {
  const { store, admin, log, now } = deps;

  /** The game of the path, or the 400 that refuses it. */
  function gameOf(req: HttpRequest): string | HttpResponse {
    const id = PathIdSchema.safeParse(req.params.gameId);
    return id.success ? id.data : apiError('invalid-body', `gameId: ${id.error.issues[0]!.message}`);
  }

  async function get(req: HttpRequest): Promise<HttpResponse> {
    const gameId = gameOf(req);
    if (typeof gameId !== 'string') return gameId;
    return json(200, termListView(gameId, await store.latest(gameId)));
  }

  async function put(req: HttpRequest): Promise<HttpResponse> {
    const gameId = gameOf(req);
    if (typeof gameId !== 'string') return gameId;
    const body = bodyOf(req);
    if (!body.ok) return body.response;
    const edit = await saveTermLists(store, gameId, body.value, adminActor(req), now());
    if (edit.status === 'invalid') return apiError('invalid-term-list', edit.issues.join('; '), { details: { issues: edit.issues } });
    if (edit.status === 'conflict') return apiError('version-conflict', edit.message, { details: { current: edit.current } });
    if (!edit.saved.unchanged) log.info({ gameId, version: edit.saved.version, by: edit.saved.createdBy, changes: edit.saved.changes.length }, 'term lists saved');
    return json(edit.created ? 201 : 200, edit.saved);
  }

  async function history(req: HttpRequest): Promise<HttpResponse> {
    const gameId = gameOf(req);
    if (typeof gameId !== 'string') return gameId;
    const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 20) || 20));
    const before = req.query.get('before') ? Number(req.query.get('before')) : undefined;
    if (before !== undefined && !Number.isInteger(before)) return apiError('invalid-query', 'before: a version number');
    return json(200, await termListHistory(store, gameId, { limit, ...(before !== undefined ? { before } : {}) }));
  }

  async function version(req: HttpRequest): Promise<HttpResponse> {
    const gameId = gameOf(req);
    if (typeof gameId !== 'string') return gameId;
    const n = Number(req.params.version);
    const v = Number.isInteger(n) && n > 0 ? await store.get(gameId, n) : undefined;
    return v ? json(200, termListView(gameId, v)) : apiError('not-found', `no version ${req.params.version} of the term lists of ${gameId}`);
  }

  async function check(req: HttpRequest): Promise<HttpResponse> {
    const gameId = gameOf(req);
    if (typeof gameId !== 'string') return gameId;
    const body = bodyOf(req);
    if (!body.ok) return body.response;
    const parsed = TermCheckRequestSchema.safeParse(body.value);
    if (!parsed.success) return apiError('invalid-body', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const latest = await store.latest(gameId);
    const reading = latest ? matchTerms(compileTermLists(latest.lists, latest.version), parsed.data.text) : undefined;
    const answer: TermCheckResponse = {
      version: latest?.version ?? null,
      blocked: reading?.match?.blocked ?? [],
      allowed: reading?.match?.allowed ?? [],
      readAs: reading?.match?.allowed.length ? reading.readAs : parsed.data.text,
    };
    return json(200, answer);
  }

  const base = '/admin/v1/games/:gameId/term-lists';
  return [
    { method: 'GET', path: base, handler: admin(get) },
    { method: 'PUT', path: base, handler: admin(put) },
    { method: 'GET', path: `${base}/versions`, handler: admin(history) },
    { method: 'GET', path: `${base}/versions/:version`, handler: admin(version) },
    { method: 'POST', path: `${base}/check`, handler: admin(check) },
  ];
}
