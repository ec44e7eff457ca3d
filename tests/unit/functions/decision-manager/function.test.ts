// The decision manager wired to its stores: one decision per message however often an event is
// redelivered, escalation by offences, deterministic case and example ids, per-game policy.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnalysisRequest, DEFAULT_POLICY, type FinalDecision, type ModerationCase, stableId, type TrainingExample } from '@sinbin/contract';
import decisionManager from '../../../../functions/decision-manager/src/function';
import { analysisResult, at, categories, chatMessage, classifiedMessage, delivery, modelScore, moderationResult } from '../../../helpers/events';
import { startFunction } from '../../../helpers/functions';

const toxic = (text: string, playerId = 'p1') =>
  classifiedMessage({ message: chatMessage({ text, playerId }), route: 'toxic', fast: modelScore({ toxicity: 0.8, categories: categories({ insult: 0.8 }) }) });

describe('decision-manager function', () => {
  it('decides an ok message: one final decision, no training example', async () => {
    const { running } = await startFunction(decisionManager);
    const e = classifiedMessage({ route: 'ok' });
    const out = await running.handle(delivery('classified-messages', e));
    expect(out.map((o) => o.topic)).toEqual(['final-decisions']);
    expect(out[0]!.event).toMatchObject({ messageId: e.message.messageId, verdict: 'allow', decidedBy: 'fast', action: { type: 'none' } });
  });

  it('escalates a player who keeps insulting: warn, warn, mute (10 min)', async () => {
    const { running } = await startFunction(decisionManager);
    const actions = [];
    for (const text of ['idiot', 'moron', 'stupid idiot']) {
      const [out] = await running.handle(delivery('classified-messages', toxic(text)));
      actions.push((out!.event as FinalDecision).action);
    }
    expect(actions).toEqual([{ type: 'warn' }, { type: 'warn' }, { type: 'mute', durationSeconds: 600 }]);
    // Another player starts from zero.
    const [other] = await running.handle(delivery('classified-messages', toxic('idiot', 'p2')));
    expect((other!.event as FinalDecision).action).toEqual({ type: 'warn' });
  });

  it('bans for repeated identity hate, not for one attack on a group after an insult', async () => {
    const { running } = await startFunction(decisionManager);
    const attack = (text: string, playerId: string) =>
      classifiedMessage({ message: chatMessage({ text, playerId }), route: 'toxic', fast: modelScore({ toxicity: 0.9, identityAttack: true, categories: categories({ identity_hate: 0.9 }) }) });
    const decided = async (e: ReturnType<typeof toxic>) => {
      const [out] = await running.handle(delivery('classified-messages', e));
      return out!.event as FinalDecision;
    };
    expect(await decided(toxic('idiot', 'p1'))).toMatchObject({ rule: 'first offence' });
    expect(await decided(attack('go back to your country', 'p1'))).toMatchObject({ rule: 'identity hate', action: { type: 'mute', durationSeconds: 3600 } });
    expect(await decided(attack('dirty immigrants', 'p1'))).toMatchObject({ rule: 'repeat identity hate', action: { type: 'ban', durationSeconds: 24 * 3600 } });
  });

  it('warns mild taunts under the default policy and never lets them escalate the rules', async () => {
    const { running } = await startFunction(decisionManager);
    const taunt = (text: string) => classifiedMessage({ message: chatMessage({ text, playerId: 'p1' }), route: 'toxic', fast: modelScore({ toxicity: 0.97, mildTaunt: true, categories: categories({ insult: 0.9 }) }) });
    const decided = [];
    for (const e of [taunt('gg ez'), taunt('ez noobs'), taunt('noob team'), taunt('gg ez'), toxic('idiot')]) {
      const [out] = await running.handle(delivery('classified-messages', e));
      decided.push(out!.event as FinalDecision);
    }
    expect(decided.map((d) => [d.verdict, d.action.type])).toEqual(Array(5).fill(['block', 'warn']));
    expect(decided.slice(0, 4).every((d) => d.rule === 'mild taunt')).toBe(true);
    // Four taunts counted no offence: the insult is the first, then the second, then the mute.
    const [second] = await running.handle(delivery('classified-messages', toxic('moron')));
    const [third] = await running.handle(delivery('classified-messages', toxic('dumb')));
    expect([(second!.event as FinalDecision).action.type, (third!.event as FinalDecision).action.type]).toEqual(['warn', 'mute']);
  });

  it('a redelivered event republishes the decision that holds, without deciding or counting it again', async () => {
    const { running, stores } = await startFunction(decisionManager);
    const e = toxic('idiot');
    const [first] = await running.handle(delivery('classified-messages', e));
    const later = await startFunction(decisionManager, { stores, now: () => at(60_000) });
    const [again] = await later.running.handle(delivery('classified-messages', e));
    expect(again!.event).toEqual(first!.event);
    // The offence was recorded once: the next message is the second offence, still a warning.
    const [next] = await running.handle(delivery('classified-messages', toxic('moron')));
    const [third] = await running.handle(delivery('classified-messages', toxic('dumb')));
    expect([(next!.event as FinalDecision).action.type, (third!.event as FinalDecision).action.type]).toEqual(['warn', 'mute']);
  });

  it('asks for analysis of an ambiguous message, with its context', async () => {
    const { running } = await startFunction(decisionManager);
    const e = classifiedMessage({ route: 'needs-analysis', context: [{ messageId: 'c0', playerId: 'p2', text: 'you missed' }] });
    const [out] = await running.handle(delivery('classified-messages', e));
    expect(out!.topic).toBe('nlp-analysis-required');
    expect((out!.event as AnalysisRequest).context).toEqual(e.context);
  });

  it('a confident deep verdict is final and becomes a training example with a stable id', async () => {
    const { running } = await startFunction(decisionManager);
    const e = analysisResult();
    const out = await running.handle(delivery('nlp-analysis-results', e));
    expect(out.map((o) => o.topic)).toEqual(['final-decisions', 'model-training-data']);
    expect(out[0]!.event).toMatchObject({ verdict: 'block', decidedBy: 'deep', modelVersion: 'deep-test-1' });
    expect(out[1]!.event).toMatchObject({ exampleId: stableId('example', e.message.gameId, e.message.messageId), label: 'toxic', source: 'deep', context: e.context });
  });

  it('an unsure deep verdict opens a case whose id is the same on every redelivery', async () => {
    const { running } = await startFunction(decisionManager);
    const e = analysisResult({ deep: { toxicity: 0.55, confidence: 0.1, categories: categories({ insult: 0.55 }), modelVersion: 'd' } });
    const [a] = await running.handle(delivery('nlp-analysis-results', e));
    const [b] = await running.handle(delivery('nlp-analysis-results', e));
    expect(a!.topic).toBe('moderation-required');
    const c = a!.event as ModerationCase;
    expect(c.caseId).toBe(stableId('case', e.message.gameId, e.message.messageId));
    expect((b!.event as ModerationCase).caseId).toBe(c.caseId);
  });

  it("turns a moderator's verdict into the final decision and a ground-truth example", async () => {
    const { running } = await startFunction(decisionManager);
    const e = moderationResult({ verdict: 'block', category: 'threat', action: { type: 'kick' } });
    const out = await running.handle(delivery('moderation-results', e));
    expect(out[0]!.event).toMatchObject({ verdict: 'block', decidedBy: 'moderator', action: { type: 'kick' } });
    expect(out[1]!.event as TrainingExample).toMatchObject({ label: 'toxic', category: 'threat', source: 'moderator' });
  });

  it('an expired case is decided by the deadline with the rule that applied, and is no training example', async () => {
    const { running } = await startFunction(decisionManager);
    const e = moderationResult({ verdict: 'allow', resolution: 'expired', lapse: 'allow', moderatorId: undefined });
    const out = await running.handle(delivery('moderation-results', e));
    expect(out.map((o) => o.topic)).toEqual(['final-decisions']);
    expect(out[0]!.event).toMatchObject({ verdict: 'allow', decidedBy: 'deadline', lapse: 'allow', rule: 'allowed', policyVersion: 1 });
  });

  it('applies a per-game policy from GAME_POLICIES_FILE and the default to other games', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinbin-policy-'));
    const file = join(dir, 'policies.json');
    writeFileSync(file, JSON.stringify({ default: DEFAULT_POLICY, games: { strict: { rules: [{ name: 'zero tolerance', when: {}, action: { type: 'ban' } }] } } }));
    const { running } = await startFunction(decisionManager, { env: { GAME_POLICIES_FILE: file } });
    const strict = toxic('idiot');
    strict.message = { ...strict.message, gameId: 'strict' };
    const [a] = await running.handle(delivery('classified-messages', strict));
    const [b] = await running.handle(delivery('classified-messages', toxic('idiot')));
    expect((a!.event as FinalDecision).action).toEqual({ type: 'ban' });
    expect((b!.event as FinalDecision).action).toEqual({ type: 'warn' });
  });

  it('refuses to start with a malformed policy file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinbin-policy-'));
    const file = join(dir, 'policies.json');
    writeFileSync(file, JSON.stringify({ default: { ...DEFAULT_POLICY, rules: [] } }));
    await expect(startFunction(decisionManager, { env: { GAME_POLICIES_FILE: file } })).rejects.toThrow(/default\.rules/);
  });
});
