// One behaviour for every adapter of the ModelRegistry port: the registry file of the embedded
// default and an MLflow tracking server (the real stack). Model names are unique per run, so the
// suite can run against a server that keeps its state.
import { describe, expect, it } from 'vitest';
import type { ModelRegistry } from '@sinbin/contract';

let unique = 0;
const modelName = () => `contract-${process.pid}-${Date.now()}-${++unique}`;

export function registryContract(name: string, open: () => Promise<ModelRegistry>): void {
  describe(`model registry contract: ${name}`, () => {
    it('numbers versions from 1 per model and finds them again', async () => {
      const registry = await open();
      const model = modelName();
      expect(await registry.getModel(model)).toBeUndefined();
      expect(await registry.listVersions(model)).toEqual([]);
      const v1 = await registry.createVersion(model, `${model}/1/`, { tags: { scorer: 'fast-x' } });
      const v2 = await registry.createVersion(model, `${model}/2/`);
      expect([v1.version, v2.version]).toEqual(['1', '2']);
      expect(v1).toMatchObject({ name: model, source: `${model}/1/`, aliases: [], tags: { scorer: 'fast-x' } });
      expect((await registry.getVersion(model, '1'))?.source).toBe(`${model}/1/`);
      expect(await registry.getVersion(model, '9')).toBeUndefined();
      expect((await registry.listVersions(model)).map((v) => v.version)).toEqual(['1', '2']);
      expect(Date.parse(v1.createdAt)).toBeGreaterThan(Date.parse('2020-01-01'));
    });

    it('moves aliases between versions; an unset alias is undefined', async () => {
      const registry = await open();
      const model = modelName();
      await registry.createVersion(model, `${model}/1/`);
      await registry.createVersion(model, `${model}/2/`);
      expect(await registry.byAlias(model, 'champion')).toBeUndefined();
      await registry.setAlias(model, 'champion', '1');
      await registry.setAlias(model, 'challenger', '2');
      expect((await registry.byAlias(model, 'champion'))?.version).toBe('1');
      expect((await registry.getVersion(model, '2'))?.aliases).toEqual(['challenger']);
      await registry.setAlias(model, 'champion', '2');
      expect((await registry.getVersion(model, '2'))?.aliases).toEqual(['challenger', 'champion']);
      expect((await registry.getVersion(model, '1'))?.aliases).toEqual([]);
      expect((await registry.getModel(model))?.aliases).toEqual({ champion: '2', challenger: '2' });
      expect((await registry.listVersions(model)).map((v) => [v.version, v.aliases])).toEqual([['1', []], ['2', ['challenger', 'champion']]]);
      await registry.deleteAlias(model, 'challenger');
      await registry.deleteAlias(model, 'challenger');
      expect(await registry.byAlias(model, 'challenger')).toBeUndefined();
    });

    it('refuses an alias on a version that does not exist', async () => {
      const registry = await open();
      const model = modelName();
      await registry.createVersion(model, `${model}/1/`);
      await expect(registry.setAlias(model, 'champion', '7')).rejects.toThrow();
    });

    it('keeps model tags', async () => {
      const registry = await open();
      const model = modelName();
      await registry.createVersion(model, `${model}/1/`);
      await registry.setModelTag(model, 'champion_history', '1,2');
      expect((await registry.getModel(model))?.tags.champion_history).toBe('1,2');
    });

    it('tracks a run: params, metrics (latest value), tags, artefacts, status; links it to a version', async () => {
      const registry = await open();
      const runId = await registry.startRun(`contract-${process.pid}`, 'retrain');
      await registry.logParams(runId, { model: 'sinbin-fast', examples: '5000' });
      await registry.logMetrics(runId, { 'conda.f1': 0.5 });
      await registry.logMetrics(runId, { 'conda.f1': 0.8, 'tweeteval.macro_f1': 0.7 });
      await registry.setRunTags(runId, { 'gate.verdict': 'passed' });
      await registry.logArtifact(runId, 'reports/eval-report.json', '{"ok":true}');
      await registry.logArtifact(runId, 'MODEL_CARD.md', '# card');
      await registry.endRun(runId, 'FINISHED');
      const run = await registry.getRun(runId);
      expect(run).toMatchObject({ runId, status: 'FINISHED', params: { model: 'sinbin-fast', examples: '5000' }, tags: { 'gate.verdict': 'passed' } });
      expect(run?.metrics).toEqual({ 'conda.f1': 0.8, 'tweeteval.macro_f1': 0.7 });
      expect(await registry.listArtifacts(runId)).toEqual(['MODEL_CARD.md', 'reports/eval-report.json']);
      const model = modelName();
      expect((await registry.createVersion(model, `${model}/1/`, { runId })).runId).toBe(runId);
      expect(await registry.getRun('0123456789abcdef0123456789abcdef')).toBeUndefined();
    });

    it("takes metrics and artefacts on a finished run (the shadow's figures arrive after training)", async () => {
      const registry = await open();
      const runId = await registry.startRun(`contract-${process.pid}`, 'retrain');
      await registry.endRun(runId, 'FINISHED');
      await registry.logMetrics(runId, { 'shadow.scored': 10, 'shadow.agreement': 0.9 });
      await registry.logMetrics(runId, { 'shadow.scored': 25 });
      await registry.logArtifact(runId, 'shadow/replica-1.json', '{"scored":25}');
      const run = await registry.getRun(runId);
      expect(run).toMatchObject({ status: 'FINISHED', metrics: { 'shadow.scored': 25, 'shadow.agreement': 0.9 } });
      expect(await registry.listArtifacts(runId)).toContain('shadow/replica-1.json');
    });
  });
}
