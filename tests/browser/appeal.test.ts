// An appeal case in the moderator UI, in Debian's chromium: the player's statement and the
// decision they contest are shown; allowing it overturns the decision (the result published to
// moderation-results carries the outcome for the decision manager).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModerationCase } from '@sinbin/contract';
import { launchBrowser } from './chromium';
import { PASSWORD, startFixture, type Fixture } from './fixture';

const SHOTS = resolve(import.meta.dirname, 'screenshots');
mkdirSync(SHOTS, { recursive: true });

describe('an appeal case in the moderator UI', () => {
  let f: Fixture;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let bob: Page;
  const pageErrors: string[] = [];
  const now = Date.now();
  const appealCase: ModerationCase = {
    caseId: 'case-appeal-1',
    message: { messageId: 'msg-appealed-1', gameId: 'dota', channelId: 'match-4500', playerId: 'quoted_player', text: 'you are an idiot', sentAt: new Date(now - 60_000).toISOString(), receivedAt: new Date(now - 60_000).toISOString() },
    context: [{ playerId: 'other', text: 'he said: you are an idiot' }],
    fast: { toxicity: 0.9, categories: { insult: 0.9, profanity: 0, identity_hate: 0, threat: 0, sexual: 0 }, modelVersion: 'fast-2026-11-24' },
    reason: 'appeal',
    provisionalVerdict: 'block',
    dueAt: new Date(now + 72 * 3_600_000).toISOString(),
    openedAt: new Date(now - 10_000).toISOString(),
    onDeadline: { lapse: 'model' },
    appeal: {
      appealId: 'appeal-1',
      statement: 'I was quoting what the other player said, to report him.',
      filedAt: new Date(now - 10_000).toISOString(),
      original: { verdict: 'block', action: { type: 'mute', durationSeconds: 600 }, decidedBy: 'moderator', decidedAt: new Date(now - 50_000).toISOString(), toxicity: 0.9, category: 'insult', rule: 'moderator' },
      decidedByModerator: 'alice',
    },
  };

  beforeAll(async () => {
    f = await startFixture({ undoMs: 500 });
    await f.harness.stores.cases.open(appealCase);
    browser = await launchBrowser();
    bob = await browser.context.newPage();
    bob.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('shows the statement and the contested decision; Allow overturns it', async () => {
    await bob.goto(f.appUrl);
    await bob.getByLabel('Username').fill('bob');
    await bob.getByLabel('Password').fill(PASSWORD);
    await bob.getByRole('button', { name: 'Sign in' }).click();
    const item = bob.locator(`#queue-list .queue-item[data-case="${appealCase.caseId}"]`);
    await item.waitFor();
    await item.click();
    await bob.locator('#appeal-statement').waitFor();
    expect(await bob.locator('#appeal-statement').textContent()).toBe('I was quoting what the other player said, to report him.');
    expect(await bob.locator('#appeal').textContent()).toContain('blocked by a moderator (mute 10 min, rule: moderator)');
    expect(await bob.locator('.case-meta').textContent()).toContain('here because the player appealed the decision');
    expect(await bob.locator('.case-meta').textContent()).toContain('the decision stands in');
    await bob.screenshot({ path: resolve(SHOTS, '20-appeal-case.png') });
    await bob.locator('#btn-allow').click();
    await expect.poll(() => f.harness.published.filter((r) => r.caseId === appealCase.caseId).length, { timeout: 15_000 }).toBe(1);
    expect(f.harness.published.find((r) => r.caseId === appealCase.caseId)).toMatchObject({ verdict: 'allow', moderatorId: 'bob', appeal: { appealId: 'appeal-1' }, appealOutcome: 'overturned' });
    expect(pageErrors).toEqual([]);
  });
});
