// What a studio trips on in its first minutes with the moderator UI: signing in with the token
// `make run` prints, score bars drawn at their values under the CSP the moderation function
// serves, and cases the models routed labelled as what they are (nobody reported them).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './chromium';
import { MODERATOR_NAME, MODERATOR_TOKEN, PASSWORD, startFixture, type Fixture } from './fixture';

type ModerationCase = Fixture['cases'][number];

const SHOTS = resolve(import.meta.dirname, 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`) });

/** Category scores spread over the whole range, 2 % and 90 % among them. */
const SCORES = { insult: 0.9, profanity: 0.02, threat: 0.5, identity_hate: 0, sexual: 0.25 };

describe('first look at the moderator UI', () => {
  let f: Fixture;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let scored: ModerationCase;
  let unavailable: ModerationCase;
  const pageErrors: string[] = [];

  async function newPage(): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  }

  async function signIn(page: Page, url: string, username: string): Promise<void> {
    await page.goto(url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.topbar .user-name', { hasText: username }).waitFor();
  }

  async function openCase(page: Page, c: ModerationCase): Promise<void> {
    await page.locator(`#queue-list [data-case="${c.caseId}"]`).click();
    await expect.poll(() => page.locator('#case-title').textContent()).toContain(c.message.playerId);
    await page.locator('.line', { hasText: c.message.text }).waitFor();
  }

  beforeAll(async () => {
    f = await startFixture();
    browser = await launchBrowser();
    const base = f.cases[0]!;
    scored = {
      ...base,
      caseId: 'case-bars',
      message: { ...base.message, messageId: 'msg-bars', playerId: 'bars_player', text: 'bars: you are the worst player alive' },
      fast: { ...base.fast, categories: SCORES },
      deep: { ...base.deep!, categories: SCORES, evidence: ['worst'] },
      reason: 'low-confidence',
    };
    const { deep: _deep, ...fastOnly } = base;
    unavailable = {
      ...fastOnly,
      caseId: 'case-unavailable',
      message: { ...base.message, messageId: 'msg-unavailable', playerId: 'quiet_deep', text: 'nobody scored this one deeply' },
      reason: 'model-unavailable',
    };
    await f.harness.deliver(scored);
    await f.harness.deliver(unavailable);
  });

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('signs in with the printed moderator token alone or with an account, each by Enter, in one form', async () => {
    const own = await launchBrowser(); // its own profile: the form remembers the last way in
    try {
      const page = await own.context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(f.appUrl);
      await page.getByRole('radio', { name: 'Token' }).check();
      expect(await page.getByLabel('Username').isVisible()).toBe(false);
      await page.getByLabel('Moderator token').fill('not-a-token');
      await page.getByLabel('Moderator token').press('Enter');
      // Nothing else filled in: no other field may stand in the way.
      expect(await page.evaluate("document.getElementById('login-user').validationMessage")).toBe('');
      await expect.poll(() => page.locator('#login-error').textContent()).toBe('That token is not valid.');
      await shot(page, '12-login-token');

      await page.getByLabel('Moderator token').fill(MODERATOR_TOKEN);
      await page.getByLabel('Moderator token').press('Enter');
      await page.locator('.topbar .user-name', { hasText: MODERATOR_NAME }).waitFor();
      await page.locator('#queue-list .queue-item').first().waitFor();

      // Signed out, the form offers the token again; the account way still works, by Enter too.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('login-token');
      await page.getByRole('radio', { name: 'Account' }).check();
      expect(await page.getByLabel('Moderator token').isVisible()).toBe(false);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByLabel('Password').press('Enter');
      await page.locator('.topbar .user-name', { hasText: 'alice' }).waitFor();
    } finally {
      await own.close();
    }
  });

  it('draws each score bar at its value, under the CSP the moderation function serves', async () => {
    const page = await newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const res = await page.goto(`${f.apiUrl}/`);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await signIn(page, `${f.apiUrl}/`, 'alice');
    await openCase(page, scored);

    const bars = await page.locator('.bars .bar-row').evaluateAll((rows) =>
      rows.map((row) => {
        const track = row.querySelector('.bar')!.getBoundingClientRect().width;
        const fill = row.querySelector('.bar-fill')?.getBoundingClientRect().width ?? 0;
        return { label: row.querySelector('.bar-label')!.textContent, share: (100 * fill) / track, track };
      }),
    );
    await shot(page, '13-score-bars');
    expect(bars.map((b) => b.label)).toEqual(['insult', 'threat', 'sexual', 'profanity', 'identity hate']);
    for (const b of bars) expect(b.track).toBeGreaterThan(50);
    const share = Object.fromEntries(bars.map((b) => [b.label, b.share]));
    expect(share.insult).toBeCloseTo(90, 0);
    expect(share.threat).toBeCloseTo(50, 0);
    expect(share.sexual).toBeCloseTo(25, 0);
    expect(share.profanity).toBeCloseTo(2, 0);
    expect(share['identity hate']).toBeCloseTo(0, 0);
    expect(consoleErrors).toEqual([]);
    await page.keyboard.press('r');
    await expect.poll(() => page.locator('.toast').textContent()).toContain('Released');
    await page.close();
  });

  it('labels a case the models routed by what it is and why it is here, never as "reported"', async () => {
    const page = await newPage();
    await signIn(page, f.appUrl, 'bob');
    /** The UI's own words on the case screen (not the chat lines), aria labels included. */
    const chrome = () =>
      page.evaluate(`(() => {
        const copy = document.getElementById('case').cloneNode(true);
        for (const quoted of copy.querySelectorAll('.bubble p, .history-text, #evidence')) quoted.remove();
        const labels = [...copy.querySelectorAll('[aria-label], [title]')].map((e) => (e.getAttribute('aria-label') ?? '') + ' ' + (e.getAttribute('title') ?? ''));
        return [copy.textContent, ...labels].join(' ');
      })()`);
    const line = (c: ModerationCase) => page.locator('.line', { hasText: c.message.text });

    // A seeded low-confidence case; its player also spoke before it.
    const seeded = f.cases[0]!;
    await openCase(page, seeded);
    await expect.poll(() => line(seeded).locator('.who-tag').allTextContents()).toEqual(['message under review']);
    expect(await line(seeded).locator('.who-why').textContent()).toBe('the models were unsure');
    expect(await page.locator('.line.before .who-tag').allTextContents()).toEqual(['player under review']);
    expect(await page.locator('.case-meta').textContent()).toContain('the models were unsure');
    expect(await chrome()).not.toMatch(/report/i);
    await shot(page, '14-routed-unsure');

    await openCase(page, unavailable);
    await expect.poll(() => line(unavailable).locator('.who-tag').allTextContents()).toEqual(['message under review']);
    expect(await line(unavailable).locator('.who-why').textContent()).toBe('the deep model was unavailable');
    expect(await page.locator('.case-meta').textContent()).toContain('the deep model was unavailable');
    expect(await chrome()).not.toMatch(/report/i);
    await shot(page, '15-routed-model-unavailable');
    await page.close();
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
