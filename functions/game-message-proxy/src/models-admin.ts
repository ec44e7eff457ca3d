// The gateway's admin API for the model lifecycle: list the registered versions, promote a version
// to champion, roll the champion back; the same moves as `sinbin models promote|rollback`, behind
// the same admin tokens as the key routes. A version is downloaded and checked as a serving
// function would load it before the alias moves, so a corrupt or incompatible one never becomes
// champion; the running functions follow the alias at their next registry poll.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  apiError,
  type ChampionMoveResponse,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  type Logger,
  MODEL_NAMES,
  ModelPromoteRequestSchema,
  ModelRollbackRequestSchema,
  type ModelsResponse,
  modelKindOf,
} from '@sinbin/contract';
import { ArtefactError, checkArtefact, downloadVersion, type Lifecycle, listModels, loaderOf, promote, rollbackChampion } from '@sinbin/scoring';

type Guard = (handler: (req: HttpRequest) => Promise<HttpResponse>) => (req: HttpRequest) => Promise<HttpResponse>;

export function modelAdminRoutes(deps: { lifecycle: Lifecycle; admin: Guard; log: Logger }): HttpRoute[] {
  const { lifecycle: lc, log } = deps;

  function body<S extends z.ZodTypeAny>(req: HttpRequest, schema: S): { ok: true; data: z.infer<S> } | { ok: false; response: HttpResponse } {
    let raw: unknown;
    try {
      raw = JSON.parse(req.body.toString('utf8') || '{}');
    } catch {
      return { ok: false, response: apiError('invalid-json', 'the body is not valid JSON') };
    }
    const parsed = schema.safeParse(raw);
    return parsed.success ? { ok: true, data: parsed.data } : { ok: false, response: apiError('invalid-body', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')) };
  }

  /** The registry or the object store did not answer: nothing moved, and the caller may retry. */
  const unavailable = (error: unknown) => apiError('unavailable', `the model registry or artefact store did not answer: ${(error as Error).message}`, { headers: { 'retry-after': '5' } });

  const modelParam = (req: HttpRequest) => ((MODEL_NAMES as readonly string[]).includes(req.params.model!) ? req.params.model! : undefined);

  async function guarded(req: HttpRequest, expected: string | undefined, move: (model: string) => Promise<HttpResponse>): Promise<HttpResponse> {
    const model = modelParam(req);
    if (!model) return apiError('not-found', `no model ${req.params.model}; models: ${MODEL_NAMES.join(', ')}`);
    try {
      if (expected !== undefined) {
        const current = (await lc.registry.byAlias(model, 'champion'))?.version;
        if (current !== expected) return apiError('version-conflict', `the champion of ${model} is version ${current ?? 'unset'}, not ${expected}; nothing changed`, { details: { current: current ?? null } });
      }
      return await move(model);
    } catch (error) {
      return unavailable(error);
    }
  }

  async function promoteVersion(req: HttpRequest): Promise<HttpResponse> {
    const parsed = body(req, ModelPromoteRequestSchema);
    if (!parsed.ok) return parsed.response;
    const { version, expectedChampion } = parsed.data;
    return guarded(req, expectedChampion, async (model) => {
      const target = await lc.registry.getVersion(model, version);
      if (!target) return apiError('not-found', `${model} has no version ${version}`);
      // Checked as a serving function loads it, before anything moves.
      const dir = mkdtempSync(join(tmpdir(), 'sinbin-admin-check-'));
      try {
        const kind = modelKindOf(model);
        await downloadVersion(lc.artefacts, target.source, join(dir, 'v'));
        await (await checkArtefact(kind, join(dir, 'v'), await loaderOf(kind))).close?.();
      } catch (error) {
        if (!(error instanceof ArtefactError)) throw error;
        log.warn({ model, version, reason: error.message }, 'promotion refused: the version cannot serve');
        return apiError('invalid-artefact', `${model} version ${version} cannot serve: ${error.message}; the champion is unchanged`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const moved = await promote(lc, model, version);
      log.info({ model, from: moved.from ?? null, to: moved.to, via: 'admin-api' }, 'champion promoted');
      return json(200, { model, champion: moved.to, previous: moved.from ?? null } satisfies ChampionMoveResponse);
    });
  }

  async function rollback(req: HttpRequest): Promise<HttpResponse> {
    const parsed = body(req, ModelRollbackRequestSchema);
    if (!parsed.ok) return parsed.response;
    return guarded(req, parsed.data.expectedChampion, async (model) => {
      const current = await lc.registry.byAlias(model, 'champion');
      let moved: { from?: string; to: string };
      try {
        moved = await rollbackChampion(lc, model);
      } catch (error) {
        // rollbackChampion says so when there is no earlier champion; the registry's own failures re-read the same.
        if ((await lc.registry.byAlias(model, 'champion'))?.version === current?.version && /no earlier champion|no champion/.test((error as Error).message)) {
          return apiError('no-previous-version', (error as Error).message);
        }
        throw error;
      }
      log.info({ model, from: moved.from ?? null, to: moved.to, via: 'admin-api' }, 'champion rolled back');
      return json(200, { model, champion: moved.to, previous: moved.from ?? null } satisfies ChampionMoveResponse);
    });
  }

  return [
    {
      method: 'GET',
      path: '/admin/v1/models',
      handler: deps.admin(async () => {
        try {
          return json(200, { models: await listModels(lc) } satisfies ModelsResponse);
        } catch (error) {
          return unavailable(error);
        }
      }),
    },
    { method: 'POST', path: '/admin/v1/models/:model/promote', handler: deps.admin(promoteVersion) },
    { method: 'POST', path: '/admin/v1/models/:model/rollback', handler: deps.admin(rollback) },
  ];
}
