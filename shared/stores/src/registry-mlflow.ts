// ModelRegistry on an MLflow tracking server, through its REST API (/api/2.0/mlflow/...): runs
// with params, metrics, tags and artefacts (proxied to MinIO by the server's S3 support),
// registered models with numbered versions and aliases. A version's source is the s3:// address
// of its prefix in the model-artefacts bucket; the port speaks in prefixes.
import { DependencyError, type ModelRegistry, type ModelVersionRecord, type RegisteredModelRecord, type RunRecord, type RunStatus } from '@sinbin/contract';

interface MlflowTag {
  key: string;
  value: string;
}

interface MlflowVersion {
  name: string;
  version: string;
  source: string;
  run_id?: string;
  creation_timestamp?: number | string;
  tags?: MlflowTag[];
  aliases?: string[];
}

class MlflowError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

const tagsOf = (tags: MlflowTag[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

export interface MlflowRegistryOptions {
  /** e.g. http://127.0.0.1:5000 */
  trackingUri: string;
  /** The bucket model versions' prefixes live in (their MLflow source is s3://<bucket>/<prefix>). */
  artefactBucket: string;
  timeoutMs?: number;
}

export class MlflowModelRegistry implements ModelRegistry {
  private readonly base: string;
  private readonly experiments = new Map<string, string>();

  constructor(private readonly opts: MlflowRegistryOptions) {
    this.base = opts.trackingUri.replace(/\/+$/, '');
  }

  private async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: Record<string, unknown>): Promise<T> {
    const query = method === 'GET' ? `?${new URLSearchParams(Object.entries(body ?? {}).map(([k, v]): [string, string] => [k, String(v)]))}` : '';
    let res: Response;
    try {
      res = await fetch(`${this.base}/api/2.0/mlflow/${path}${query}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(query ? {} : { body: JSON.stringify(body ?? {}) }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (cause) {
      throw new DependencyError(`MLflow at ${this.base} is unreachable (${method} ${path}): ${String(cause)}; retry later`, { cause });
    }
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : {}) as T;
    let code = 'HTTP_' + res.status;
    let message = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { error_code?: string; message?: string };
      code = parsed.error_code ?? code;
      message = parsed.message ?? message;
    } catch {
      // not JSON
    }
    if (res.status >= 500) throw new DependencyError(`MLflow ${method} ${path} failed with ${res.status}: ${message}; retry later`);
    throw new MlflowError(res.status, code, `MLflow ${method} ${path}: ${code}: ${message}`);
  }

  private async optional<T>(request: Promise<T>): Promise<T | undefined> {
    try {
      return await request;
    } catch (error) {
      if (error instanceof MlflowError && (error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.status === 404)) return undefined;
      if (error instanceof MlflowError && error.errorCode === 'INVALID_PARAMETER_VALUE' && /alias/i.test(error.message)) return undefined;
      throw error;
    }
  }

  private async experimentId(name: string): Promise<string> {
    const known = this.experiments.get(name);
    if (known) return known;
    const found = await this.optional(this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name }));
    let id = found?.experiment.experiment_id;
    if (!id) {
      try {
        id = (await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
      } catch (error) {
        // Created by a concurrent caller in the meantime.
        if (!(error instanceof MlflowError && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
        id = (await this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment.experiment_id;
      }
    }
    this.experiments.set(name, id);
    return id;
  }

  async startRun(experiment: string, name: string): Promise<string> {
    const experimentId = await this.experimentId(experiment);
    const res = await this.call<{ run: { info: { run_id: string } } }>('POST', 'runs/create', { experiment_id: experimentId, run_name: name, start_time: Date.now() });
    return res.run.info.run_id;
  }

  async logParams(runId: string, params: Record<string, string>): Promise<void> {
    const entries = Object.entries(params).map(([key, value]) => ({ key, value: value.slice(0, 6000) }));
    for (let i = 0; i < entries.length; i += 100) await this.call('POST', 'runs/log-batch', { run_id: runId, params: entries.slice(i, i + 100) });
  }

  async logMetrics(runId: string, metrics: Record<string, number>): Promise<void> {
    const timestamp = Date.now();
    const entries = Object.entries(metrics).filter(([, v]) => Number.isFinite(v)).map(([key, value]) => ({ key, value, timestamp, step: 0 }));
    for (let i = 0; i < entries.length; i += 500) await this.call('POST', 'runs/log-batch', { run_id: runId, metrics: entries.slice(i, i + 500) });
  }

  async setRunTags(runId: string, tags: Record<string, string>): Promise<void> {
    const entries = toTags(tags).map((t) => ({ ...t, value: t.value.slice(0, 8000) }));
    for (let i = 0; i < entries.length; i += 100) await this.call('POST', 'runs/log-batch', { run_id: runId, tags: entries.slice(i, i + 100) });
  }

  /** The run's artefact root below the proxied artefact API (mlflow-artifacts:/<exp>/<run>/artifacts). */
  private async artifactBase(runId: string): Promise<string> {
    const res = await this.call<{ run: { info: { artifact_uri: string } } }>('GET', 'runs/get', { run_id: runId });
    const uri = res.run.info.artifact_uri;
    const match = /^mlflow-artifacts:\/?(.*)$/.exec(uri);
    if (!match) throw new Error(`run ${runId} stores artefacts at ${uri}; start the server with --serve-artifacts so they go through it`);
    return match[1]!.replace(/^\/+/, '').replace(/\/+$/, '');
  }

  async logArtifact(runId: string, path: string, body: string | Uint8Array): Promise<void> {
    const base = await this.artifactBase(runId);
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts/${base}/${path.split('/').map(encodeURIComponent).join('/')}`;
    let res: Response;
    try {
      res = await fetch(url, { method: 'PUT', body: typeof body === 'string' ? body : Buffer.from(body), signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000) });
    } catch (cause) {
      throw new DependencyError(`MLflow artefact upload to ${this.base} failed: ${String(cause)}; retry later`, { cause });
    }
    if (!res.ok) throw new DependencyError(`MLflow artefact upload of ${path} failed with ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }

  async listArtifacts(runId: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (path: string): Promise<void> => {
      const res = await this.call<{ files?: { path: string; is_dir?: boolean }[] }>('GET', 'artifacts/list', { run_id: runId, ...(path ? { path } : {}) });
      for (const f of res.files ?? []) {
        if (f.is_dir) await walk(f.path);
        else out.push(f.path);
      }
    };
    await walk('');
    return out.sort();
  }

  async endRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: Date.now() });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const res = await this.optional(
      this.call<{ run: { info: { run_id: string; experiment_id: string; run_name?: string; status: RunStatus }; data: { params?: MlflowTag[]; metrics?: { key: string; value: number }[]; tags?: MlflowTag[] } } }>(
        'GET',
        'runs/get',
        { run_id: runId },
      ),
    );
    if (!res) return undefined;
    const { info, data } = res.run;
    return {
      runId: info.run_id,
      experiment: info.experiment_id,
      name: info.run_name ?? '',
      status: info.status,
      params: tagsOf(data.params),
      metrics: Object.fromEntries((data.metrics ?? []).map((m) => [m.key, m.value])),
      tags: Object.fromEntries(Object.entries(tagsOf(data.tags)).filter(([k]) => !k.startsWith('mlflow.'))),
    };
  }

  private sourceOf(prefix: string): string {
    return `s3://${this.opts.artefactBucket}/${prefix}`;
  }

  private prefixOf(source: string): string {
    const head = `s3://${this.opts.artefactBucket}/`;
    return source.startsWith(head) ? source.slice(head.length) : source;
  }

  private record(v: MlflowVersion): ModelVersionRecord {
    return {
      name: v.name,
      version: String(v.version),
      source: this.prefixOf(v.source),
      ...(v.run_id ? { runId: v.run_id } : {}),
      createdAt: new Date(Number(v.creation_timestamp ?? 0)).toISOString(),
      aliases: [...(v.aliases ?? [])].sort(),
      tags: tagsOf(v.tags),
    };
  }

  async createVersion(name: string, source: string, opts: { runId?: string; tags?: Record<string, string> } = {}): Promise<ModelVersionRecord> {
    if (!(await this.getModel(name))) {
      try {
        await this.call('POST', 'registered-models/create', { name });
      } catch (error) {
        if (!(error instanceof MlflowError && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
      }
    }
    const res = await this.call<{ model_version: MlflowVersion }>('POST', 'model-versions/create', {
      name,
      source: this.sourceOf(source),
      ...(opts.runId ? { run_id: opts.runId } : {}),
      tags: toTags(opts.tags ?? {}),
    });
    return this.record(res.model_version);
  }

  async getVersion(name: string, version: string): Promise<ModelVersionRecord | undefined> {
    const res = await this.optional(this.call<{ model_version: MlflowVersion }>('GET', 'model-versions/get', { name, version }));
    return res ? this.record(res.model_version) : undefined;
  }

  async listVersions(name: string): Promise<ModelVersionRecord[]> {
    const out: ModelVersionRecord[] = [];
    let token: string | undefined;
    do {
      const res = await this.call<{ model_versions?: MlflowVersion[]; next_page_token?: string }>('GET', 'model-versions/search', {
        filter: `name='${name.replaceAll("'", "\\'")}'`,
        max_results: 200,
        ...(token ? { page_token: token } : {}),
      });
      out.push(...(res.model_versions ?? []).map((v) => this.record(v)));
      token = res.next_page_token || undefined;
    } while (token);
    // A search answer carries no aliases (only model-versions/get does): they come from the model.
    const aliases = Object.entries((await this.getModel(name))?.aliases ?? {});
    for (const v of out) v.aliases = aliases.filter(([, version]) => version === v.version).map(([alias]) => alias).sort();
    return out.sort((a, b) => Number(a.version) - Number(b.version));
  }

  async getModel(name: string): Promise<RegisteredModelRecord | undefined> {
    const res = await this.optional(
      this.call<{ registered_model: { name: string; tags?: MlflowTag[]; aliases?: { alias: string; version: string }[] } }>('GET', 'registered-models/get', { name }),
    );
    if (!res) return undefined;
    const m = res.registered_model;
    return { name: m.name, aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, String(a.version)])), tags: tagsOf(m.tags) };
  }

  async setModelTag(name: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'registered-models/set-tag', { name, key, value });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.optional(this.call('DELETE', 'registered-models/alias', { name, alias }));
  }

  async byAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined> {
    const res = await this.optional(this.call<{ model_version: MlflowVersion }>('GET', 'registered-models/alias', { name, alias }));
    return res ? this.record(res.model_version) : undefined;
  }
}
