// A model version's artefacts: the manifest that lists them with their SHA-256, the check every
// version passes before it is registered and again before it serves (loads, has the expected
// label set and inputs, scores a few lines to finite probabilities), and the download of a
// version's prefix into a local folder.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  ArtefactManifestSchema,
  ADDED_CATEGORIES,
  CATEGORIES,
  MANIFEST_FILE,
  type ArtefactManifest,
  type ObjectStore,
  type ToxicityScorer,
} from '@sinbin/contract';
import type { ModelKind, ModelLoader } from './load';

/** A version whose files cannot serve: refused at registration and at load, with the reason. */
export class ArtefactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtefactError';
  }
}

/** The outputs every model must have, in any order: toxicity and each category. */
/** Every model has these; the scores added in models v2 (ADDED_CATEGORIES) are optional, so a v1 artefact still loads. */
export const EXPECTED_LABELS: readonly string[] = ['toxicity', ...CATEGORIES.filter((c) => !(ADDED_CATEGORIES as readonly string[]).includes(c))];
/** Outputs a model may add (models v2: severity, self-harm encouragement, the fast model's alarm detector). */
export const OPTIONAL_LABELS = ['severe_toxicity', 'self_harm', 'alarm'] as const;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else if (e.isFile()) out.push(relative(dir, join(d, e.name)).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

async function labelsOf(kind: ModelKind, dir: string): Promise<string[]> {
  const file = kind === 'fast' ? 'fast-model.json' : 'config.json';
  let json: { outputs?: unknown; id2label?: Record<string, string> };
  try {
    json = JSON.parse(await readFile(join(dir, file), 'utf8')) as typeof json;
  } catch (error) {
    throw new ArtefactError(`${kind} artefact: cannot read ${file}: ${(error as Error).message}`);
  }
  if (kind === 'fast') return Array.isArray(json.outputs) ? json.outputs.map(String) : [];
  return Object.values(json.id2label ?? {}).map(String);
}

const SMOKE_LINES = [{ text: 'gg wp' }, { text: 'you are an idiot', context: [{ text: 'mid missing' }] }, { text: '' }, { text: 'x'.repeat(2000) }];

/**
 * Loads the folder as `kind` and proves it can serve; returns the loaded scorer (the caller owns
 * it) or throws ArtefactError saying what is wrong: a missing file (e.g. the tokenizer), input or
 * output names the loader does not find, a label set other than toxicity + the categories, or
 * scores that are not probabilities.
 */
export async function checkArtefact(kind: ModelKind, dir: string, load: ModelLoader): Promise<ToxicityScorer> {
  const labels = await labelsOf(kind, dir);
  const missing = EXPECTED_LABELS.filter((l) => !labels.includes(l));
  const known: readonly string[] = [...EXPECTED_LABELS, ...OPTIONAL_LABELS];
  const extra = labels.filter((l) => !known.includes(l));
  if (missing.length > 0 || extra.length > 0) {
    throw new ArtefactError(`${kind} artefact: wrong label set [${labels.join(', ')}]: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]; expected [${EXPECTED_LABELS.join(', ')}] (optionally ${OPTIONAL_LABELS.join(', ')})`);
  }
  let scorer: ToxicityScorer;
  try {
    scorer = await load(dir, { intraOpNumThreads: 1 });
  } catch (error) {
    throw new ArtefactError(`${kind} artefact does not load: ${(error as Error).message}`);
  }
  try {
    const scores = await scorer.score(SMOKE_LINES);
    const bad = scores.some((s) => !(s.toxicity >= 0 && s.toxicity <= 1) || Object.values(s.categories).some((p) => !(p >= 0 && p <= 1)));
    if (scores.length !== SMOKE_LINES.length || bad) throw new Error('scores are not probabilities in [0, 1]');
  } catch (error) {
    await scorer.close?.();
    throw new ArtefactError(`${kind} artefact cannot score: ${(error as Error).message}`);
  }
  return scorer;
}

/** The manifest of a folder about to be registered. */
export async function buildManifest(dir: string, meta: { model: string; kind: ModelKind; scorerVersion: string; now: Date }): Promise<ArtefactManifest> {
  const files = [];
  for (const path of (await filesUnder(dir)).filter((p) => p !== MANIFEST_FILE)) {
    const bytes = await readFile(join(dir, path));
    files.push({ path, sha256: sha256(bytes), bytes: bytes.length });
  }
  return { format: 'sinbin-artefact-1', model: meta.model, kind: meta.kind, scorerVersion: meta.scorerVersion, files, createdAt: meta.now.toISOString() };
}

/** Uploads a folder and its manifest (last, so a reader that finds the manifest finds every file). */
export async function uploadVersion(store: ObjectStore, prefix: string, dir: string, manifest: ArtefactManifest): Promise<void> {
  for (const f of manifest.files) await store.put(`${prefix}${f.path}`, await readFile(join(dir, f.path)), 'application/octet-stream');
  await store.put(`${prefix}${MANIFEST_FILE}`, `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
}

/**
 * Downloads a version's prefix into `dir` (replacing what is there) and checks every file against
 * the manifest. A missing manifest, file or checksum mismatch is an ArtefactError.
 */
export async function downloadVersion(store: ObjectStore, prefix: string, dir: string): Promise<ArtefactManifest> {
  const raw = await store.get(`${prefix}${MANIFEST_FILE}`);
  if (!raw) throw new ArtefactError(`no ${MANIFEST_FILE} under ${prefix}: not a registered sinbin artefact (or not uploaded yet)`);
  const parsed = ArtefactManifestSchema.safeParse(JSON.parse(Buffer.from(raw).toString('utf8')));
  if (!parsed.success) throw new ArtefactError(`${prefix}${MANIFEST_FILE} is not a sinbin manifest: ${parsed.error.issues[0]?.message}`);
  const target = resolve(dir);
  const temp = `${target}.${process.pid}.download`;
  await rm(temp, { recursive: true, force: true });
  for (const f of parsed.data.files) {
    const path = resolve(temp, f.path);
    if (!path.startsWith(temp + sep)) throw new ArtefactError(`manifest path escapes the folder: ${f.path}`);
    const bytes = await store.get(`${prefix}${f.path}`);
    if (!bytes) throw new ArtefactError(`${prefix}${f.path} is listed in the manifest but missing`);
    if (sha256(bytes) !== f.sha256) throw new ArtefactError(`${prefix}${f.path} does not match its checksum in the manifest (corrupt or tampered)`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  await rename(temp, target);
  return parsed.data;
}
