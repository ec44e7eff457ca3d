// Registering, promoting and rolling back model versions (the sinbin CLI, make up, tests). Registration refuses artefacts that
// cannot serve (artefacts.ts); promotion moves the `champion` alias and keeps the champion's
// history as a model tag, so rollback steps back through it. Running functions follow the alias.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHAMPION_HISTORY_TAG,
  modelKindOf,
  type ModelRegistry,
  type ModelVersionRecord,
  type ObjectStore,
  parseHistory,
  promotion,
  rollback,
  RoutingBandSchema,
  type RoutingThresholds,
  type ToxicityScorer,
} from '@sinbin/contract';
import { ArtefactError, buildManifest, checkArtefact, downloadVersion, uploadVersion } from './artefacts';
import { defaultModelDir, loaderOf } from './load';

export interface Lifecycle {
  registry: ModelRegistry;
  artefacts: ObjectStore;
}

/**
 * Checks a folder, uploads it under `<model>/runs/<id>/` (the version number is the registry's to
 * give) and registers it. A folder that cannot serve is refused before anything is stored.
 */
export async function registerVersion(lc: Lifecycle, model: string, dir: string, opts: { runId?: string; tags?: Record<string, string>; now?: Date } = {}): Promise<ModelVersionRecord> {
  const kind = modelKindOf(model);
  const scorer = await checkArtefact(kind, dir, await loaderOf(kind));
  const scorerVersion = scorer.version;
  // The routing band a fast model serves with, so that a listing shows what a promotion would move.
  const band = routingBandOf(scorer);
  await scorer.close?.();
  const manifest = await buildManifest(dir, { model, kind, scorerVersion, now: opts.now ?? new Date() });
  const prefix = `${model}/runs/${opts.runId ?? `manual-${Date.now()}`}/`;
  await uploadVersion(lc.artefacts, prefix, dir, manifest);
  return lc.registry.createVersion(model, prefix, { ...(opts.runId ? { runId: opts.runId } : {}), tags: { scorer_version: scorerVersion, kind, ...(band && { [ROUTING_BAND_TAG]: JSON.stringify(band) }), ...opts.tags } });
}

/** The registry tag holding a fast model's routing band, as JSON. */
export const ROUTING_BAND_TAG = 'routing_band';

/** The routing band a scorer carries (a fast model's defaultThresholds); undefined for one without (a deep model). */
export function routingBandOf(scorer: ToxicityScorer): RoutingThresholds | undefined {
  const parsed = RoutingBandSchema.safeParse((scorer as { defaultThresholds?: unknown }).defaultThresholds);
  return parsed.success ? { okBelow: parsed.data.okBelow, toxicFrom: parsed.data.toxicFrom } : undefined;
}

/** A version's band from its tag; undefined for a deep model, or a version registered before the tag existed. */
export function bandFromTag(tag: string | undefined): RoutingThresholds | undefined {
  if (tag === undefined) return undefined;
  try {
    const parsed = RoutingBandSchema.safeParse(JSON.parse(tag));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Registers the bundled models (models/fast, models/deep) as champions of a registry that has none. */
export async function initModels(lc: Lifecycle, models: readonly string[] = ['sinbin-fast', 'sinbin-deep']): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const model of models) {
    const champion = await lc.registry.byAlias(model, 'champion');
    if (champion) {
      out[model] = `champion is version ${champion.version}`;
      continue;
    }
    const v = await registerVersion(lc, model, defaultModelDir(modelKindOf(model)), { tags: { origin: 'bundled', base: 'self' } });
    await promote(lc, model, v.version);
    out[model] = `registered the bundled model as version ${v.version} (champion)`;
  }
  return out;
}

/** Moves `champion` to `version` (which must exist and pass its artefact check again). */
export async function promote(lc: Lifecycle, model: string, version: string, opts: { recheck?: boolean } = {}): Promise<{ from?: string; to: string }> {
  const target = await lc.registry.getVersion(model, version);
  if (!target) throw new Error(`${model} has no version ${version} (see: sinbin models list)`);
  if (opts.recheck) await recheck(lc, model, target);
  const current = await lc.registry.byAlias(model, 'champion');
  const history = parseHistory((await lc.registry.getModel(model))?.tags[CHAMPION_HISTORY_TAG]);
  const next = promotion(current?.version, history, version);
  await lc.registry.setModelTag(model, CHAMPION_HISTORY_TAG, next.history.join(','));
  await lc.registry.setAlias(model, 'champion', next.champion);
  if ((await lc.registry.byAlias(model, 'challenger'))?.version === version) await lc.registry.deleteAlias(model, 'challenger');
  return { ...(current ? { from: current.version } : {}), to: version };
}

export async function rollbackChampion(lc: Lifecycle, model: string): Promise<{ from?: string; to: string }> {
  const current = await lc.registry.byAlias(model, 'champion');
  const history = parseHistory((await lc.registry.getModel(model))?.tags[CHAMPION_HISTORY_TAG]);
  const step = rollback(current?.version, history);
  if ('error' in step) throw new Error(`${model}: ${step.error}`);
  await lc.registry.setModelTag(model, CHAMPION_HISTORY_TAG, step.history.join(','));
  await lc.registry.setAlias(model, 'champion', step.champion);
  return { ...(current ? { from: current.version } : {}), to: step.champion };
}

/** Downloads and checks a registered version as a serving function would. */
export async function recheck(lc: Lifecycle, model: string, v: ModelVersionRecord): Promise<void> {
  const kind = modelKindOf(model);
  const dir = join(mkdtempSync(join(tmpdir(), 'sinbin-check-')), 'v');
  try {
    await downloadVersion(lc.artefacts, v.source, dir);
    const scorer = await checkArtefact(kind, dir, await loaderOf(kind));
    await scorer.close?.();
  } catch (error) {
    if (error instanceof ArtefactError) throw new Error(`${model} version ${v.version} cannot serve: ${error.message}`);
    throw error;
  }
}

export async function listModels(lc: Lifecycle, models: readonly string[] = ['sinbin-fast', 'sinbin-deep']) {
  const out = [];
  for (const model of models) {
    const versions = await lc.registry.listVersions(model);
    const history = parseHistory((await lc.registry.getModel(model))?.tags[CHAMPION_HISTORY_TAG]);
    out.push({ model, history, versions: versions.map((v) => {
      const band = bandFromTag(v.tags[ROUTING_BAND_TAG]);
      return { version: v.version, aliases: v.aliases, scorer: v.tags.scorer_version, ...(band && { band }), gate: v.tags.gate, runId: v.runId, createdAt: v.createdAt };
    }) });
  }
  return out;
}
