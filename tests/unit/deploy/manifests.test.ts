// Structure of every deployment artefact: stack.yml, the sinbin-ts template, the Knative and
// Redpanda manifests, the data services, kustomizations, the dashboard and the CI workflow.
// Checked against the code they deploy: the topic registry and the functions' consumes.
/* eslint-disable @typescript-eslint/no-explicit-any -- parsed manifests are untyped JSON; these assertions are their schema */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsRegistry as registry, startFunction } from '@sinbin/runtime';
import { memoryStoreSet } from '@sinbin/stores';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument, isMap, isScalar, Scalar, type YAMLMap } from 'yaml';
import { FUNCTIONS } from '../../../functions';
import { deadLetterTopicOf, TOPIC_NAMES, type TopicName, TOPICS } from '@sinbin/contract';
import { RENDERED, REPO_ROOT } from '../../../scripts/deploy/manifests';
import { CAPACITY, clusterPartitions, PROFILES, SECRETS } from '../../../scripts/deploy/profiles';


type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, unknown>; annotations?: Record<string, unknown> }; spec?: any; [k: string]: any };

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const manifests = (path: string): Manifest[] =>
  parseAllDocuments(read(path)).map((d) => {
    expect(d.errors, `${path}: ${d.errors.join('; ')}`).toEqual([]);
    return d.toJS() as Manifest;
  });
const stack = () => parseDocument(read('stack.yml')).toJS() as { functions: Record<string, any>; [k: string]: any };
const byName = <T extends { metadata: { name: string } }>(items: T[], name: string) => {
  const found = items.find((i) => i.metadata.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};

const SCALE_TO_ZERO = new Set(FUNCTIONS.filter((f) => f.scaleToZero).map((f) => f.name));
const FAST_PATH = ['game-message-proxy', 'fast-classifier', 'decision-manager'];
const SECRET_LIKE = /(KEY|TOKEN|PASSWORD|SECRET|DATABASE_URL|WEBHOOKS)/;

/** Every container of every workload in a manifest list. */
function containersOf(items: Manifest[]): { owner: string; container: any; podSpec: any }[] {
  return items.flatMap((m) => {
    const podSpec = m.kind === 'Service' && m.apiVersion.startsWith('serving.knative.dev') ? m.spec.template.spec : ['StatefulSet', 'Deployment'].includes(m.kind) ? m.spec.template.spec : undefined;
    return podSpec ? (podSpec.containers as any[]).map((container) => ({ owner: `${m.kind}/${m.metadata.name}`, container, podSpec })) : [];
  });
}

describe('generated artefacts are current', () => {
  it.each(Object.keys(RENDERED))('%s equals a fresh rendering from the registry and profiles', (path) => {
    expect(read(path), `stale: run \`npx tsx scripts/deploy/manifests.ts\` and commit ${path}`).toBe(RENDERED[path]!());
  });
});

describe('deployment profiles follow the functions', () => {
  it('has one profile per function, with its consumes and scale-to-zero flag', () => {
    expect(PROFILES.map((p) => p.name).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    for (const fn of FUNCTIONS) {
      const profile = PROFILES.find((p) => p.name === fn.name)!;
      expect(profile.consumes, fn.name).toEqual(fn.consumes);
      expect(profile.scaleToZero, fn.name).toBe(fn.scaleToZero);
    }
  });
});

describe('stack.yml (OpenFaaS)', () => {
  const doc = parseDocument(read('stack.yml'));

  it('lists every function with our TypeScript template, its handler and its own image', () => {
    const s = stack();
    expect(s.version).toBe('1.0');
    expect(s.provider.name).toBe('openfaas');
    expect(Object.keys(s.functions).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    for (const [name, fn] of Object.entries(s.functions)) {
      expect(fn.lang).toBe('sinbin-ts');
      expect(fn.handler).toBe(`./functions/${name}`);
      expect(existsSync(join(REPO_ROOT, fn.handler, 'src', 'server.ts'))).toBe(true);
      expect(fn.image).toMatch(new RegExp(`/sinbin-${name}:`));
      expect(fn.build_args.FUNCTION).toBe(name);
      expect(fn.readonly_root_filesystem).toBe(true);
      expect(fn.limits.memory && fn.limits.cpu && fn.requests.memory && fn.requests.cpu).toBeTruthy();
    }
    expect(existsSync(join(REPO_ROOT, 'template', 'sinbin-ts', 'template.yml'))).toBe(true);
  });

  it('copies the models only into the images that score', () => {
    const s = stack();
    const withModel = Object.entries(s.functions).filter(([, fn]) => fn.build_args.MODEL).map(([name, fn]) => [name, fn.build_args.MODEL]);
    // The gateway scores Perspective-compatible analyze calls with the fast model; the deep
    // analyzer reads French with the multilingual model.
    expect(Object.fromEntries(withModel)).toEqual({ 'fast-classifier': 'fast', 'deep-analyzer': 'deep multilingual', 'game-message-proxy': 'fast' });
  });

  it('annotates every topic-triggered function with its registry topics', () => {
    const s = stack();
    for (const fn of FUNCTIONS) {
      const topics = String(s.functions[fn.name].annotations.topic).split(',');
      expect(topics, fn.name).toEqual([...fn.consumes]);
      for (const t of topics) expect(TOPIC_NAMES).toContain(t);
    }
  });

  it('sets the autoscaling labels, with scale to zero exactly where the function allows it', () => {
    const s = stack();
    for (const fn of FUNCTIONS) {
      const labels = s.functions[fn.name].labels;
      for (const key of ['com.openfaas.scale.min', 'com.openfaas.scale.max', 'com.openfaas.scale.target', 'com.openfaas.scale.type']) expect(labels[key], `${fn.name} ${key}`).toBeDefined();
      expect(Number(labels['com.openfaas.scale.min'])).toBeGreaterThanOrEqual(1);
      expect(labels['com.openfaas.scale.zero']).toBe(String(SCALE_TO_ZERO.has(fn.name)));
      if (SCALE_TO_ZERO.has(fn.name)) expect(labels['com.openfaas.scale.zero-duration']).toMatch(/^\d+[sm]$/);
    }
    expect([...SCALE_TO_ZERO].sort()).toEqual(['deep-analyzer', 'moderation']);
  });

  it('quotes every label and annotation value', () => {
    const functions = doc.get('functions') as YAMLMap;
    for (const fnNode of functions.items) {
      for (const field of ['labels', 'annotations']) {
        const map = (fnNode.value as YAMLMap).get(field) as YAMLMap;
        expect(isMap(map)).toBe(true);
        for (const pair of map.items) {
          expect(isScalar(pair.value)).toBe(true);
          expect((pair.value as Scalar).type, `${String(fnNode.key)} ${field} ${String(pair.key)}`).toBe(Scalar.QUOTE_DOUBLE);
        }
      }
    }
  });

  it('passes credentials only as OpenFaaS secrets, never as environment values', () => {
    const s = stack();
    const secretNames = new Set(Object.values(SECRETS).map((x) => x.name));
    for (const [name, fn] of Object.entries(s.functions)) {
      for (const key of Object.keys(fn.environment)) expect(key, `${name} env ${key}`).not.toMatch(SECRET_LIKE);
      for (const secret of fn.secrets) expect(secretNames, `${name} secret ${secret}`).toContain(secret);
    }
    expect(s.functions['game-message-proxy'].secrets).toEqual(expect.arrayContaining(['game-api-keys', 'database-url']));
    // Functions that keep state share the database; one that only writes objects gets MinIO's credentials, not it.
    expect(s.functions['decision-manager'].secrets).toEqual(['database-url']);
    expect(s.functions['training-data-sink'].secrets).toEqual(['s3-access-key', 's3-secret-key']);
  });
});

describe('template/sinbin-ts', () => {
  const dockerfile = read('template/sinbin-ts/Dockerfile');
  const stages = dockerfile.split('\n').filter((l) => /^FROM /.test(l));

  it('is a multi-stage build: of-watchdog image, a build stage, a slim Node final stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/ARG WATCHDOG_IMAGE=ghcr\.io\/openfaas\/of-watchdog:\d+\.\d+\.\d+/);
    expect(stages[0]).toMatch(/\$\{WATCHDOG_IMAGE\} AS watchdog/);
    // The image runs the Node the project recommends (.nvmrc).
    expect(dockerfile).toMatch(new RegExp(`ARG NODE_IMAGE=node:${readFileSync(join(REPO_ROOT, '.nvmrc'), 'utf8').trim()}-[a-z]+-slim`));
    expect(dockerfile).toMatch(/COPY --from=watchdog \/fwatchdog \/usr\/bin\/fwatchdog/);
    expect(dockerfile).toMatch(/RUN node \.sinbin-bundle\.mjs "\$FUNCTION" \/out/);
    expect(dockerfile).toMatch(/npm ci /);
  });

  it('runs the watchdog in http mode in front of the function on 127.0.0.1:3000, as a non-root user', () => {
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).toMatch(/mode=http/);
    expect(final).toMatch(/upstream_url=http:\/\/127\.0\.0\.1:3000/);
    expect(final).toMatch(/PORT=3000/);
    expect(final).toMatch(/^USER 10001:10001$/m);
    expect(final).toMatch(/CMD \["fwatchdog"\]/);
    // Read-only root filesystem: scratch space only under /tmp.
    expect(final).toMatch(/OBJECT_DIR=\/tmp\//);
  });

  it('adds models only when MODEL names them (a space-separated list)', () => {
    expect(dockerfile).toMatch(/for m in \$MODEL; do cp -r "\/tmp\/models\/\$m"/);
  });

  it('declares the language faas-cli looks up', () => {
    const template = parseDocument(read('template/sinbin-ts/template.yml')).toJS();
    expect(template.language).toBe('sinbin-ts');
    expect(template.fprocess).toContain('./server.mjs');
  });
});

describe('Knative Services', () => {
  const services = manifests('infra/k8s/base/functions/services.yaml');

  it('has one serving.knative.dev/v1 Service per function', () => {
    expect(services.map((s) => `${s.apiVersion} ${s.kind}`)).toEqual(FUNCTIONS.map(() => 'serving.knative.dev/v1 Service'));
    expect(services.map((s) => s.metadata.name).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
  });

  it('puts the autoscaling annotations on the revision template, where the autoscaler reads them', () => {
    for (const s of services) {
      const annotations = s.spec.template.metadata.annotations as Record<string, string>;
      expect(Object.keys(s.metadata.annotations ?? {}).filter((k) => k.startsWith('autoscaling.knative.dev/')), s.metadata.name).toEqual([]);
      expect(annotations['autoscaling.knative.dev/class']).toBe('kpa.autoscaling.knative.dev');
      expect(annotations['autoscaling.knative.dev/metric']).toBe('concurrency');
      expect(Number(annotations['autoscaling.knative.dev/target'])).toBeGreaterThan(0);
      for (const v of Object.values(annotations)) expect(typeof v).toBe('string');
      const min = annotations['autoscaling.knative.dev/min-scale'];
      if (SCALE_TO_ZERO.has(s.metadata.name)) expect(min, s.metadata.name).toBe('0');
      else expect(Number(min), s.metadata.name).toBeGreaterThanOrEqual(1);
      expect(Number(annotations['autoscaling.knative.dev/max-scale'])).toBeGreaterThanOrEqual(Math.max(1, Number(min)));
    }
    for (const name of FAST_PATH) expect(Number(byName(services, name).spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'])).toBeGreaterThanOrEqual(1);
  });

  it("takes target, containerConcurrency and maxScale from the capacity model's committed plan (docs/capacity.json)", () => {
    expect(CAPACITY, 'docs/capacity.json').toBeDefined();
    const functions: Record<string, { targetConcurrency: number; containerConcurrency: number; maxScale: number } | undefined> = CAPACITY!.functions;
    for (const s of services) {
      const sized = functions[s.metadata.name as string];
      if (!sized) continue;
      const annotations = s.spec.template.metadata.annotations as Record<string, string>;
      const definition = FUNCTIONS.find((f) => f.name === s.metadata.name)!.deploy;
      expect(annotations['autoscaling.knative.dev/target'], s.metadata.name).toBe(String(sized.targetConcurrency));
      expect(s.spec.template.spec.containerConcurrency, s.metadata.name).toBe(sized.containerConcurrency);
      expect(annotations['autoscaling.knative.dev/max-scale'], s.metadata.name).toBe(String(Math.max(definition.maxScale, sized.maxScale)));
    }
  });

  it('runs the function itself on $PORT, with secrets only through secretKeyRef', () => {
    for (const { owner, container } of containersOf(services)) {
      expect(container.command).toEqual(['node', '--enable-source-maps', './server.mjs']);
      expect((container.env as any[]).some((e) => e.name === 'PORT'), `${owner}: Knative sets PORT`).toBe(false);
      for (const e of container.env as any[]) {
        if (SECRET_LIKE.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${owner} ${e.name}`).toBeDefined();
        expect(e.value === undefined || e.valueFrom === undefined).toBe(true);
      }
      expect(container.env.find((e: any) => e.name === 'KAFKA_BROKERS').value).toContain(':9093');
    }
  });
});

describe('workload security', () => {
  const workloads = [...manifests('infra/k8s/base/functions/services.yaml'), ...['postgres', 'minio', 'mlflow'].flatMap((n) => manifests(`infra/k8s/base/data/${n}.yaml`))];

  it('runs every container as non-root with a read-only root filesystem and a writable /tmp only', () => {
    const all = containersOf(workloads);
    expect(all.length).toBe(FUNCTIONS.length + 3);
    for (const { owner, container, podSpec } of all) {
      const sc = container.securityContext;
      expect(sc?.runAsNonRoot, owner).toBe(true);
      expect(sc.runAsUser, owner).toBeGreaterThan(0);
      expect(sc.readOnlyRootFilesystem, owner).toBe(true);
      expect(sc.allowPrivilegeEscalation, owner).toBe(false);
      expect(sc.capabilities.drop, owner).toEqual(['ALL']);
      const tmp = (container.volumeMounts as any[]).find((m) => m.mountPath === '/tmp');
      expect(tmp, `${owner} /tmp`).toBeDefined();
      const volume = (podSpec.volumes as any[]).find((v) => v.name === tmp.name);
      expect(volume.emptyDir, `${owner} /tmp is an emptyDir`).toBeDefined();
    }
  });

  it('takes every credential from a Secret', () => {
    for (const { owner, container } of containersOf(workloads)) {
      for (const e of (container.env ?? []) as any[]) {
        if (/(PASSWORD|SECRET|ACCESS_KEY|ROOT_USER|DATABASE_URL|TOKEN)/.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${owner} ${e.name}`).toBeDefined();
      }
    }
  });
});

describe('model lifecycle wiring', () => {
  const services = manifests('infra/k8s/base/functions/services.yaml');
  const minio = manifests('infra/k8s/base/data/minio.yaml');
  const envOf = (name: string) => (byName(services, name).spec.template.spec.containers[0].env ?? []) as any[];

  it('a function with a lifecycle store reaches MinIO (and MLflow for the registry) with the credentials MinIO itself uses', () => {
    const minioUser = containersOf(minio).flatMap(({ container }) => container.env ?? []).find((e: any) => e.name === 'MINIO_ROOT_USER');
    for (const fn of FUNCTIONS) {
      const stores = fn.stores as readonly string[];
      const env = envOf(fn.name);
      const value = (n: string) => env.find((e) => e.name === n);
      if (!stores.some((s) => ['objects', 'artefacts', 'registry'].includes(s))) {
        expect(value('S3_ENDPOINT'), fn.name).toBeUndefined();
        continue;
      }
      expect(value('S3_ENDPOINT')?.value, fn.name).toBe('http://minio.sinbin.svc.cluster.local:9000');
      expect(value('S3_ACCESS_KEY')?.valueFrom.secretKeyRef, fn.name).toEqual(minioUser.valueFrom.secretKeyRef);
      expect(value('S3_SECRET_KEY')?.valueFrom.secretKeyRef, fn.name).toEqual({ name: 's3-secret-key', key: 's3-secret-key' });
      expect(value('MLFLOW_TRACKING_URI')?.value, fn.name).toBe(stores.includes('registry') ? 'http://mlflow.sinbin.svc.cluster.local:5000' : undefined);
      // OpenFaaS: the secret files become the same variables (template/sinbin-ts/secrets-env.mjs).
      expect(stack().functions[fn.name].secrets, fn.name).toEqual(expect.arrayContaining(['s3-access-key', 's3-secret-key']));
      expect(stack().functions[fn.name].environment.S3_ENDPOINT, fn.name).toBe('http://minio.sinbin.svc.cluster.local:9000');
    }
    expect(FUNCTIONS.filter((f) => (f.stores as readonly string[]).includes('registry')).map((f) => f.name)).toEqual(expect.arrayContaining(['fast-classifier', 'deep-analyzer', 'game-message-proxy']));
  });
});

describe('Secret templates', () => {
  const secrets = manifests('infra/k8s/secrets/secrets.template.yaml');

  it('names every Secret the manifests and stack.yml use, with placeholders only', () => {
    const used = new Set<string>();
    for (const path of ['infra/k8s/base/functions/services.yaml', 'infra/k8s/base/data/postgres.yaml', 'infra/k8s/base/data/minio.yaml', 'infra/k8s/base/data/mlflow.yaml']) {
      for (const { container } of containersOf(manifests(path))) for (const e of container.env ?? []) if (e.valueFrom?.secretKeyRef) used.add(`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
    }
    for (const fn of Object.values(stack().functions)) for (const s of fn.secrets) used.add(`${s}/${s}`);
    const templated = new Set(secrets.flatMap((s) => Object.keys(s.stringData).map((k) => `${s.metadata.name}/${k}`)));
    for (const u of used) expect(templated, u).toContain(u);
    for (const s of secrets) {
      expect(s.kind).toBe('Secret');
      for (const v of Object.values(s.stringData)) expect(v).toBe('REPLACE_ME');
    }
  });

  it('is left out of every kustomization, so an apply never overwrites real values', () => {
    for (const k of kustomizations()) expect(JSON.stringify(k.doc)).not.toContain('secrets');
  });
});

describe('KafkaSources and dead-letter sinks', () => {
  const sources = manifests('infra/k8s/base/eventing/kafka-sources.yaml');
  const sinks = manifests('infra/k8s/base/eventing/dead-letter-sinks.yaml');
  const services = manifests('infra/k8s/base/functions/services.yaml');

  it('delivers exactly the registry topics each function consumes, in its own consumer group', () => {
    for (const fn of FUNCTIONS) {
      const own = sources.filter((s) => s.spec.sink.ref.name === fn.name);
      expect(own.flatMap((s) => s.spec.topics).sort(), fn.name).toEqual([...fn.consumes].sort());
      for (const s of own) expect(s.spec.consumerGroup).toBe(fn.name);
    }
    expect(sources.length).toBe(FUNCTIONS.reduce((n, f) => n + f.consumes.length, 0));
  });

  it('uses the ordered, retried, dead-lettered delivery the functions are written for', () => {
    for (const s of sources) {
      expect(s.apiVersion).toBe('sources.knative.dev/v1');
      expect(s.kind).toBe('KafkaSource');
      expect(s.spec.bootstrapServers).toEqual([expect.stringMatching(/:9093$/)]);
      expect(s.spec.initialOffset).toBe('earliest');
      expect(s.spec.ordering).toBe('ordered');
      expect(s.spec.delivery).toMatchObject({ retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.3S' });
      expect(s.spec.sink.ref).toMatchObject({ apiVersion: 'serving.knative.dev/v1', kind: 'Service' });
      byName(services, s.spec.sink.ref.name);
      const dls = s.spec.delivery.deadLetterSink.ref;
      expect(dls).toMatchObject({ apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink' });
      const topic = s.spec.topics[0] as TopicName;
      expect(byName(sinks, dls.name).spec.topic).toBe(deadLetterTopicOf(topic));
      expect(s.spec.consumers).toBeLessThanOrEqual(clusterPartitions(topic));
    }
  });

  it('has a KafkaSink for every dead-letter topic', () => {
    expect(sinks.map((s) => s.spec.topic).sort()).toEqual(TOPIC_NAMES.map(deadLetterTopicOf).sort());
    for (const s of sinks) expect(`${s.apiVersion} ${s.kind}`).toBe('eventing.knative.dev/v1alpha1 KafkaSink');
  });
});

describe('Redpanda', () => {
  const topics = manifests('infra/k8s/base/redpanda/topics.yaml');
  const cluster = manifests('infra/k8s/base/redpanda/redpanda.yaml')[0]!;

  it("declares a Topic per registry topic and per dead-letter topic, with the capacity model's partitions (never fewer than the registry's)", () => {
    expect(topics.map((t) => t.metadata.name).sort()).toEqual(TOPIC_NAMES.flatMap((t) => [t, deadLetterTopicOf(t)]).sort());
    for (const t of topics) {
      expect(`${t.apiVersion} ${t.kind}`).toBe('cluster.redpanda.com/v1alpha2 Topic');
      expect(t.spec.replicationFactor).toBe(3);
      expect(t.spec.cluster.clusterRef.name).toBe(cluster.metadata.name);
      for (const v of Object.values(t.spec.additionalConfig)) expect(typeof v).toBe('string');
      expect(t.spec.additionalConfig['cleanup.policy']).toBe('delete');
    }
    for (const name of TOPIC_NAMES) {
      const t = byName(topics, name);
      expect(t.spec.partitions, name).toBe(Math.max(TOPICS[name].partitions, CAPACITY?.partitions[name] ?? 0));
      expect(t.spec.partitions, name).toBeGreaterThanOrEqual(TOPICS[name].partitions);
      expect(t.spec.additionalConfig['retention.ms'], name).toBe(String(TOPICS[name].retentionMs));
    }
  });

  it('runs the cluster from the same chart values the Helm install uses', () => {
    const values = parseDocument(read('infra/k8s/helm/redpanda-values.yaml')).toJS();
    expect(`${cluster.apiVersion} ${cluster.kind}`).toBe('cluster.redpanda.com/v1alpha2 Redpanda');
    expect(cluster.spec.clusterSpec).toEqual(values);
    expect(values.statefulset.replicas).toBeGreaterThanOrEqual(3);
    expect(values.listeners.kafka.port).toBe(9093);
    expect(values.config.cluster.auto_create_topics_enabled).toBe(false);
  });
});

function kustomizations(): { dir: string; doc: any }[] {
  const found: { dir: string; doc: any }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name === 'kustomization.yaml') found.push({ dir, doc: parseDocument(read(join(dir, entry.name))).toJS() });
    }
  };
  walk('infra/k8s');
  return found;
}

describe('kustomize layout', () => {
  it('has a base and dev/prod overlays whose resources and files exist', () => {
    const all = kustomizations();
    expect(all.map((k) => k.dir).sort()).toEqual(
      ['infra/k8s/base', 'infra/k8s/base/data', 'infra/k8s/base/eventing', 'infra/k8s/base/functions', 'infra/k8s/base/monitoring', 'infra/k8s/base/redpanda', 'infra/k8s/overlays/dev', 'infra/k8s/overlays/prod'].sort(),
    );
    for (const { dir, doc } of all) {
      expect(doc.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
      expect(doc.kind).toBe('Kustomization');
      for (const r of doc.resources ?? []) expect(existsSync(join(REPO_ROOT, dir, r)), `${dir}: ${r}`).toBe(true);
      for (const g of doc.configMapGenerator ?? []) for (const f of g.files) expect(existsSync(join(REPO_ROOT, dir, f)), `${dir}: ${f}`).toBe(true);
    }
    for (const overlay of ['dev', 'prod']) expect(all.find((k) => k.dir === `infra/k8s/overlays/${overlay}`)!.doc.resources).toEqual(['../../base']);
  });
});

describe('Grafana dashboard', () => {
  it('graphs every metric the code exports, the functions\' own included', async () => {
    // A function declares its metrics when it starts: start each once, as a runtime would.
    const started = await Promise.all(
      FUNCTIONS.map((fn) =>
        startFunction(fn, {
          env: { GAME_API_KEYS: 'g:k', FAST_MODEL_DIR: '/nonexistent', DEEP_MODEL_DIR: '/nonexistent', MODEL_THREAD: 'false' },
          stores: memoryStoreSet(mkdtempSync(join(tmpdir(), 'sinbin-dash-'))),
          publisher: { publish: async () => undefined },
        }),
      ),
    );
    await Promise.all(started.map((r) => r.stop()));
    const dashboard = JSON.parse(read('infra/k8s/base/monitoring/sinbin-dashboard.json'));
    const exprs = (dashboard.panels as any[]).flatMap((p) => (p.targets as any[]).map((t) => t.expr as string)).join('\n');
    const metrics = (await registry.getMetricsAsJSON()).map((m) => (String(m.type) === 'histogram' ? `${m.name}_bucket` : m.name));
    expect(metrics.length).toBeGreaterThanOrEqual(11);
    for (const m of metrics) expect(exprs, m).toContain(m);
    for (const p of dashboard.panels) expect(p.datasource.uid).toBe('${datasource}');
  });
});

describe('deploy workflow', () => {
  const workflow = parseDocument(read('.github/workflows/deploy.yml')).toJS();
  const text = read('.github/workflows/deploy.yml');

  it('builds and deploys with faas-cli up on the OpenFaaS path and kustomize on the Knative path', () => {
    const steps = Object.values(workflow.jobs as Record<string, any>).flatMap((j) => j.steps as any[]);
    const runs = steps.map((s) => String(s.run ?? '')).join('\n');
    expect(runs).toMatch(/faas-cli up -f stack\.yml/);
    expect(runs).toMatch(/kustomize build "?infra\/k8s\/overlays\/\$OVERLAY/);
    expect(runs).toMatch(/kubectl apply/);
    expect(runs).toMatch(/scripts\/deploy\/install-tools\.sh/);
  });

  it('takes every credential from GitHub secrets', () => {
    for (const s of Object.values(SECRETS)) expect(text).toContain(`secrets.${s.env}`);
    // A credential-looking YAML key always takes an expression, never a literal.
    for (const line of text.split('\n')) {
      const m = /^\s*[\w-]*(password|token|secret|_key)[\w-]*:\s+(\S.*)$/i.exec(line);
      if (m) expect(m[2], line).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
    }
  });
});
