// ModelRegistry in one JSON file: the embedded default's stand-in for MLflow, with the same
// numbered versions, aliases, model tags and runs. Writes go to a temporary file renamed over the
// registry, under a lock directory, so two CLIs never interleave and a reader never sees half a file.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ModelRegistry, ModelVersionRecord, RegisteredModelRecord, RunRecord, RunStatus } from '@sinbin/contract';

interface StoredModel {
  aliases: Record<string, string>;
  tags: Record<string, string>;
  versions: Omit<ModelVersionRecord, 'aliases'>[];
}

interface RegistryFile {
  format: 'sinbin-registry-1';
  models: Record<string, StoredModel>;
  runs: Record<string, RunRecord>;
}

const empty = (): RegistryFile => ({ format: 'sinbin-registry-1', models: {}, runs: {} });

export class FileModelRegistry implements ModelRegistry {
  private readonly path: string;
  private readonly artifactRoot: string;

  constructor(path: string) {
    this.path = resolve(path);
    this.artifactRoot = join(dirname(this.path), 'runs');
  }

  private async read(): Promise<RegistryFile> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as RegistryFile;
      if (parsed.format !== 'sinbin-registry-1') throw new Error(`${this.path} is not a sinbin registry file`);
      return parsed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty();
      throw error;
    }
  }

  /** Read-modify-write under a lock directory (stale after 30 s, e.g. a killed CLI). */
  private async update<T>(change: (file: RegistryFile) => T): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const lock = `${this.path}.lock`;
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
        if (age > 30_000) await rmdir(lock).catch(() => undefined);
        if (attempt > 600) throw new Error(`registry ${this.path} stays locked (${lock})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    try {
      const file = await this.read();
      const result = change(file);
      const temp = `${this.path}.${process.pid}.${randomUUID()}.tmp`;
      await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`);
      await rename(temp, this.path);
      return result;
    } finally {
      await rmdir(lock).catch(() => undefined);
    }
  }

  private run(file: RegistryFile, runId: string): RunRecord {
    const run = file.runs[runId];
    if (!run) throw new Error(`no run ${runId} in ${this.path}`);
    return run;
  }

  async startRun(experiment: string, name: string): Promise<string> {
    const runId = randomUUID().replaceAll('-', '');
    await this.update((f) => {
      f.runs[runId] = { runId, experiment, name, status: 'RUNNING', params: {}, metrics: {}, tags: {} };
    });
    return runId;
  }

  async logParams(runId: string, params: Record<string, string>): Promise<void> {
    await this.update((f) => {
      const run = this.run(f, runId);
      for (const [k, v] of Object.entries(params)) {
        if (run.params[k] !== undefined && run.params[k] !== v) throw new Error(`param ${k} of run ${runId} is already ${run.params[k]}`);
        run.params[k] = v;
      }
    });
  }

  async logMetrics(runId: string, metrics: Record<string, number>): Promise<void> {
    await this.update((f) => Object.assign(this.run(f, runId).metrics, metrics));
  }

  async setRunTags(runId: string, tags: Record<string, string>): Promise<void> {
    await this.update((f) => Object.assign(this.run(f, runId).tags, tags));
  }

  private artifactPath(runId: string, path: string): string {
    const base = join(this.artifactRoot, runId);
    const full = resolve(base, path);
    if (!full.startsWith(base + sep)) throw new Error(`artifact path escapes the run: ${path}`);
    return full;
  }

  async logArtifact(runId: string, path: string, body: string | Uint8Array): Promise<void> {
    this.run(await this.read(), runId);
    const full = this.artifactPath(runId, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, body);
  }

  async listArtifacts(runId: string): Promise<string[]> {
    const base = join(this.artifactRoot, runId);
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        if (e.isDirectory()) await walk(join(dir, e.name));
        else out.push(relative(base, join(dir, e.name)).split(sep).join('/'));
      }
    };
    await walk(base);
    return out.sort();
  }

  async endRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>): Promise<void> {
    await this.update((f) => void (this.run(f, runId).status = status));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return (await this.read()).runs[runId];
  }

  async createVersion(name: string, source: string, opts: { runId?: string; tags?: Record<string, string> } = {}): Promise<ModelVersionRecord> {
    return this.update((f) => {
      const model = (f.models[name] ??= { aliases: {}, tags: {}, versions: [] });
      const last = model.versions.reduce((n, v) => Math.max(n, Number(v.version)), 0);
      const record = { name, version: String(last + 1), source, createdAt: new Date().toISOString(), tags: { ...opts.tags }, ...(opts.runId ? { runId: opts.runId } : {}) };
      model.versions.push(record);
      return { ...record, aliases: [] };
    });
  }

  private withAliases(model: StoredModel, v: Omit<ModelVersionRecord, 'aliases'>): ModelVersionRecord {
    return { ...v, aliases: Object.entries(model.aliases).filter(([, version]) => version === v.version).map(([a]) => a).sort() };
  }

  async getVersion(name: string, version: string): Promise<ModelVersionRecord | undefined> {
    const model = (await this.read()).models[name];
    const v = model?.versions.find((x) => x.version === version);
    return model && v ? this.withAliases(model, v) : undefined;
  }

  async listVersions(name: string): Promise<ModelVersionRecord[]> {
    const model = (await this.read()).models[name];
    return model ? model.versions.map((v) => this.withAliases(model, v)) : [];
  }

  async getModel(name: string): Promise<RegisteredModelRecord | undefined> {
    const model = (await this.read()).models[name];
    return model ? { name, aliases: { ...model.aliases }, tags: { ...model.tags } } : undefined;
  }

  async setModelTag(name: string, key: string, value: string): Promise<void> {
    await this.update((f) => {
      const model = f.models[name];
      if (!model) throw new Error(`no registered model ${name}`);
      model.tags[key] = value;
    });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.update((f) => {
      const model = f.models[name];
      if (!model?.versions.some((v) => v.version === version)) throw new Error(`${name} has no version ${version}`);
      model.aliases[alias] = version;
    });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.update((f) => {
      const model = f.models[name];
      if (model) delete model.aliases[alias];
    });
  }

  async byAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined> {
    const model = (await this.read()).models[name];
    const version = model?.aliases[alias];
    return version ? this.getVersion(name, version) : undefined;
  }
}
