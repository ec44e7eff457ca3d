// The leads' term-list routes: the games with lists, one game's lists in force with its recent
// versions, and saving a new version. The checks, the stale-version refusal and the versions are
// the gateway admin API's own (@sinbin/scoring/terms saveTermLists, the same TermListStore), so a
// list saved here or there is the same list; a save here is also written to the moderation audit log.
import { apiError, type HttpRequest, type HttpResponse, type HttpRoute, json, PathIdSchema, type TermListEditor, type TermListGames, type TermListStore, type ModeratorStore } from '@sinbin/contract';
import { saveTermLists, termListHistory, termListView } from '@sinbin/scoring/terms';
import type { Kit, Principal } from './kit';

export interface TermListDeps {
  kit: Kit;
  termLists: TermListStore;
  moderators: ModeratorStore;
  now: () => Date;
}

/** Versions shown beside the lists; older ones page through the gateway's admin API. */
const HISTORY_SHOWN = 20;

export function termListRoutes(deps: TermListDeps): HttpRoute[] {
  const { kit, termLists, now } = deps;

  function gameOf(req: HttpRequest): string | HttpResponse {
    const id = PathIdSchema.safeParse(req.params.gameId);
    return id.success ? id.data : apiError('invalid-body', `gameId: ${id.error.issues[0]!.message}`);
  }

  async function games(): Promise<HttpResponse> {
    const heads = await termLists.heads();
    const answer: TermListGames = { games: Object.entries(heads).sort(([a], [b]) => a.localeCompare(b)).map(([gameId, version]) => ({ gameId, version })) };
    return json(200, answer);
  }

  async function editor(req: HttpRequest): Promise<HttpResponse> {
    const gameId = gameOf(req);
    if (typeof gameId !== 'string') return gameId;
    const [latest, history] = await Promise.all([termLists.latest(gameId), termListHistory(termLists, gameId, { limit: HISTORY_SHOWN })]);
    return json(200, { current: termListView(gameId, latest), history } satisfies TermListEditor);
  }

  async function save(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const gameId = gameOf(req);
    if (typeof gameId !== 'string') return gameId;
    let body: unknown;
    try {
      body = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
    } catch {
      return apiError('invalid-json', 'the body is not valid JSON');
    }
    const at = now();
    const edit = await saveTermLists(termLists, gameId, body, who.moderatorId, at);
    if (edit.status === 'invalid') return apiError('invalid-term-list', edit.issues.join('; '), { details: { issues: edit.issues } });
    if (edit.status === 'conflict') return apiError('version-conflict', edit.message, { details: { current: edit.current } });
    const { saved } = edit;
    if (!saved.unchanged) {
      await deps.moderators.audit({
        at,
        actor: who.moderatorId,
        action: 'term-list-saved',
        detail: { gameId, version: saved.version, blockCount: saved.block.length, allowCount: saved.allow.length, changes: saved.changes.length, ...(saved.note ? { note: saved.note } : {}) },
      });
    }
    return json(edit.created ? 201 : 200, saved);
  }

  return [
    { method: 'GET', path: '/v1/term-lists', handler: kit.authed(games, 'lead') },
    { method: 'GET', path: '/v1/games/:gameId/term-lists', handler: kit.authed(editor, 'lead') },
    { method: 'PUT', path: '/v1/games/:gameId/term-lists', handler: kit.authed(save, 'lead') },
  ];
}
