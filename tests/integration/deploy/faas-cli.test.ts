// stack.yml and the manifests through the platforms' own offline tools: the real faas-cli
// (generate: Function CRDs and Knative Services; build --shrinkwrap: the build contexts) and
// the real kustomize (the dev and prod overlays). The shrink-wrapped context is then put
// through the template's build stage (bundle.mjs) to show it holds everything a build needs.
/* eslint-disable @typescript-eslint/no-explicit-any -- parsed manifests are untyped JSON; these assertions are their schema */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FUNCTIONS } from '../../../functions';
import { TOPIC_NAMES, TOPICS } from '@sinbin/contract';
import { REPO_ROOT } from '../../../scripts/deploy/manifests';
import { clusterPartitions, IMAGE_TAG, PROFILES } from '../../../scripts/deploy/profiles';
import { requireTool } from './tools';

const SCALE_TO_ZERO = FUNCTIONS.filter((f) => f.scaleToZero).map((f) => f.name);
let faasCli = '';
let kustomize = '';
let work = '';

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean) as any[];

function faas(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(faasCli, args, { cwd: work, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(async () => {
  faasCli = await requireTool('faas-cli');
  kustomize = await requireTool('kustomize');
  // faas-cli reads ./template and writes ./build relative to where it runs: a scratch copy of
  // the layout, the repository's folders linked in, so nothing lands in the work tree.
  work = mkdtempSync(join(tmpdir(), 'sinbin-faas-'));
  for (const entry of ['template', 'functions', 'shared', 'runtime', 'models', 'package.json', 'package-lock.json']) symlinkSync(join(REPO_ROOT, entry), join(work, entry));
  cpSync(join(REPO_ROOT, 'stack.yml'), join(work, 'stack.yml'));
}, 15 * 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('faas-cli generate', () => {
  it('writes an openfaas.com/v1 Function per function, with registry topics and scale labels', () => {
    const functions = docs(faas(['generate', '-f', 'stack.yml', '--namespace', 'openfaas-fn'], { REGISTRY: 'registry.example/sinbin', TAG: 'abc123' }));
    expect(functions.map((f) => f.metadata.name).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    for (const crd of functions) {
      const fn = FUNCTIONS.find((f) => f.name === crd.metadata.name)!;
      expect(`${crd.apiVersion} ${crd.kind}`).toBe('openfaas.com/v1 Function');
      expect(crd.spec.image).toBe(`registry.example/sinbin/sinbin-${fn.name}:abc123`);
      expect(crd.spec.annotations.topic.split(','), fn.name).toEqual([...fn.consumes]);
      for (const topic of crd.spec.annotations.topic.split(',')) expect(TOPIC_NAMES).toContain(topic);
      expect(crd.spec.labels['com.openfaas.scale.zero'], fn.name).toBe(String(SCALE_TO_ZERO.includes(fn.name)));
      if (SCALE_TO_ZERO.includes(fn.name)) expect(crd.spec.labels['com.openfaas.scale.zero-duration']).toBeTruthy();
      expect(Number(crd.spec.labels['com.openfaas.scale.min'])).toBeGreaterThanOrEqual(1);
      expect(crd.spec.limits.memory).toBeTruthy();
      // Each function gets exactly the secrets its definition names (and the database if it keeps state).
      expect(crd.spec.secrets ?? [], fn.name).toEqual(PROFILES.find((p) => p.name === fn.name)!.secrets.map((s) => s.name));
      for (const key of Object.keys(crd.spec.environment)) expect(key).not.toMatch(/KEY|TOKEN|PASSWORD|SECRET|DATABASE_URL/);
    }
    expect(SCALE_TO_ZERO.sort()).toEqual(['deep-analyzer', 'moderation']);
  });

  it('writes Knative Services too, but without the autoscaling our own manifests carry', () => {
    const services = docs(faas(['generate', '-f', 'stack.yml', '--api=serving.knative.dev/v1']));
    expect(services.map((s) => s.metadata.name).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    for (const s of services) {
      expect(`${s.apiVersion} ${s.kind}`).toBe('serving.knative.dev/v1 Service');
      // faas-cli keeps the annotations on the Service; the autoscaler reads the revision template's.
      expect(s.metadata.annotations.topic).toBeTruthy();
      const templateAnnotations = Object.keys(s.spec.template.metadata?.annotations ?? {});
      expect(templateAnnotations.filter((k) => k.startsWith('autoscaling.knative.dev/'))).toEqual([]);
      // Secrets arrive as files under /var/openfaas/secrets, which template/sinbin-ts/secrets-env.mjs reads.
      for (const m of s.spec.template.spec.containers[0].volumeMounts ?? []) expect(m.mountPath).toMatch(/^\/var\/openfaas\/secrets\//);
    }
    const ours = docs(readFileSync(join(REPO_ROOT, 'infra/k8s/base/functions/services.yaml'), 'utf8'));
    for (const s of ours) expect(s.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']).toBeDefined();
  });
});

describe('faas-cli build --shrinkwrap', () => {
  beforeAll(() => {
    faas(['build', '-f', 'stack.yml', '--shrinkwrap']);
  });

  it('writes one build context per function: the template, the handler and the workspace it builds in', () => {
    for (const fn of FUNCTIONS) {
      const context = join(work, 'build', fn.name);
      for (const file of ['Dockerfile', 'template.yml', 'bundle.mjs', 'secrets-env.mjs', '.dockerignore']) expect(existsSync(join(context, file)), `${fn.name}: ${file}`).toBe(true);
      // The handler (functions/<fn>) lands in function/, the configuration.copy paths beside it.
      expect(existsSync(join(context, 'function', 'src', 'server.ts')), fn.name).toBe(true);
      for (const path of ['package.json', 'package-lock.json', 'shared/contract/src/topics.ts', 'runtime/src/index.ts', `functions/${fn.name}/src/server.ts`, 'models/fast/model.onnx', 'models/deep/config.json']) {
        expect(existsSync(join(context, 'function', path)), `${fn.name}: function/${path}`).toBe(true);
      }
      expect(JSON.parse(readFileSync(join(context, 'function', 'package.json'), 'utf8')).workspaces).toEqual(['shared/contract', 'shared/stores', 'shared/scoring', 'runtime', 'functions/*', 'clients/*']);
    }
  });

  it("bundles every function from its context the way the Dockerfile's build stage does", () => {
    for (const fn of FUNCTIONS) {
      const context = join(work, 'build', fn.name, 'function');
      // The build stage runs `npm ci` there; the repository's installed node_modules stand in for it.
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(context, 'node_modules'));
      cpSync(join(work, 'build', fn.name, 'bundle.mjs'), join(context, '.sinbin-bundle.mjs'));
      const out = join(work, 'out', fn.name);
      const report = JSON.parse(execFileSync(process.execPath, ['.sinbin-bundle.mjs', fn.name, out], { cwd: context, encoding: 'utf8' }).trim().split('\n').pop()!);
      expect(existsSync(join(out, 'server.mjs')), fn.name).toBe(true);
      // Native and wasm packages travel beside the bundle only where a model is scored.
      // (The deep analyzer reaches onnxruntime through the transformers library; the fast classifier
      // directly, and never carries the transformers library.)
      const scores = fn.deploy.model !== undefined;
      expect(report.externals.includes('onnxruntime-node') || report.externals.includes('@huggingface/transformers'), fn.name).toBe(scores);
      const folders = [fn.deploy.model ?? []].flat();
      // A function serving the model admin API (a public API with the registry) checks a deep
      // version as the deep analyzer would load it before promoting it, so it carries the library too.
      const checksDeepVersions = fn.http !== undefined && (fn.stores as readonly string[]).includes('registry');
      expect(report.externals.includes('@huggingface/transformers'), fn.name).toBe(folders.includes('deep') || checksDeepVersions);
      expect(existsSync(join(out, 'node_modules', 'onnxruntime-node')), fn.name).toBe(scores);
    }
  }, 180_000);
});

describe('kustomize build', () => {
  const build = (overlay: string) => docs(execFileSync(kustomize, ['build', join(REPO_ROOT, 'infra/k8s/overlays', overlay)], { encoding: 'utf8' }));

  it('renders the prod overlay: every kind, namespaced, with the base scale settings', () => {
    const all = build('prod');
    const count = (kind: string) => all.filter((d) => d.kind === kind).length;
    expect(count('Service') - all.filter((d) => d.kind === 'Service' && d.apiVersion === 'v1').length).toBe(FUNCTIONS.length);
    expect(count('KafkaSource')).toBe(FUNCTIONS.reduce((n, f) => n + f.consumes.length, 0));
    expect(count('KafkaSink')).toBe(TOPIC_NAMES.length);
    expect(count('Topic')).toBe(TOPIC_NAMES.length * 2);
    expect(count('Redpanda')).toBe(1);
    expect(count('ConfigMap')).toBe(1);
    for (const d of all.filter((x) => x.kind !== 'Namespace')) expect(d.metadata.namespace, `${d.kind}/${d.metadata.name}`).toBe(d.kind === 'Topic' || d.kind === 'Redpanda' ? 'redpanda' : 'sinbin');
    for (const t of all.filter((d) => d.kind === 'Topic' && !d.metadata.name.endsWith('.dlq'))) expect(t.spec.partitions).toBe(clusterPartitions(t.metadata.name as keyof typeof TOPICS));
    const gateway = all.find((d) => d.kind === 'Service' && d.metadata.name === 'game-message-proxy');
    // The capacity model's maxScale (docs/capacity.json), which prod keeps.
    expect(gateway.spec.template.metadata.annotations['autoscaling.knative.dev/max-scale']).toBe(String(PROFILES.find((p) => p.name === 'game-message-proxy')!.maxScale));
    expect(gateway.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']).toBe('2');
  });

  it('renders the dev overlay: one warm instance on the fast path, zero still allowed, one broker', () => {
    const all = build('dev');
    for (const s of all.filter((d) => d.kind === 'Service' && d.apiVersion === 'serving.knative.dev/v1')) {
      const min = s.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'];
      expect(min, s.metadata.name).toBe(SCALE_TO_ZERO.includes(s.metadata.name) ? '0' : '1');
      expect(s.spec.template.spec.containers[0].image).toMatch(new RegExp(`:${IMAGE_TAG.replaceAll('.', '\\.')}$`));
      expect(s.spec.template.spec.containers[0].env.find((e: any) => e.name === 'LOG_LEVEL').value).toBe('debug');
    }
    for (const t of all.filter((d) => d.kind === 'Topic')) expect(t.spec.replicationFactor).toBe(1);
    expect(all.find((d) => d.kind === 'Redpanda').spec.clusterSpec.statefulset.replicas).toBe(1);
  });
});
