// The moderator UI end to end in Debian's chromium: two moderators in two browsers, the API on
// PGlite at one origin and the built UI on a plain static server at another (CORS). Screenshots
// of the main screens go to tests/browser/screenshots/.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './chromium';
import { PASSWORD, startFixture, type Fixture } from './fixture';

const SHOTS = resolve(import.meta.dirname, 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`) });

describe('moderator UI in chromium', () => {
  let f: Fixture;
  let first: { context: BrowserContext; close: () => Promise<void> };
  let second: { context: BrowserContext; close: () => Promise<void> };
  let alice: Page;
  let bob: Page;
  const pageErrors: string[] = [];

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(f.appUrl);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.topbar .user-name', { hasText: username }).waitFor();
  }

  const queueItems = (page: Page) => page.locator('#queue-list .queue-item');
  const caseTitle = (page: Page) => page.locator('#case-title');

  beforeAll(async () => {
    f = await startFixture({ undoMs: 4000 });
    first = await launchBrowser();
    second = await launchBrowser();
    alice = await first.context.newPage();
    bob = await second.context.newPage();
    for (const p of [alice, bob]) p.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await f?.close();
  });

  it('signs in, and says so when the password is wrong', async () => {
    await alice.goto(f.appUrl);
    await expect.poll(() => alice.evaluate('document.activeElement && document.activeElement.id')).toBe('login-user');
    await shot(alice, '01-login');
    await alice.getByLabel('Username').fill('alice');
    await alice.getByLabel('Password').fill('not the password');
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => alice.locator('#login-error').textContent()).toBe('Wrong username or password.');
    await shot(alice, '02-login-error');

    await alice.getByLabel('Password').fill(PASSWORD);
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await queueItems(alice).first().waitFor();
    await expect.poll(() => queueItems(alice).count()).toBe(5);
    await expect.poll(() => alice.locator('.live').textContent()).toBe('Live');
    expect(await alice.locator('#count-pending').textContent()).toBe('5');
    await shot(alice, '03-queue');
  });

  it('claims by keyboard; the case leaves the queue in a second browser', async () => {
    await signIn(bob, 'bob');
    await expect.poll(() => queueItems(bob).count()).toBe(5);
    const top = f.cases.find((c) => c.message.playerId === 'wraith_king_77')!;
    expect(await queueItems(bob).first().getAttribute('data-case')).toBe(top.caseId);

    await alice.keyboard.press('j');
    await alice.locator('.line.subject').waitFor();
    expect(await caseTitle(alice).textContent()).toContain('wraith_king_77');
    // the message in its conversation, speakers told apart, evidence marked, history shown
    expect(await alice.locator('.line.before').count()).toBe(3);
    expect(await alice.locator('.line.after').count()).toBe(2);
    expect(await alice.locator('.line.subject mark').allTextContents()).toEqual(['uninstall', 'waste of oxygen']);
    expect(await alice.locator('.line .speaker').evaluateAll((els) => new Set(els.map((e) => e.className)).size)).toBe(3);
    await expect.poll(() => alice.locator('.history-sum').textContent()).toBe('1 earlier case, 1 blocked');
    await shot(alice, '04-case');

    // Bob's queue drops it as soon as Alice holds it (live update, no reload).
    await expect.poll(() => queueItems(bob).count()).toBe(4);
    expect(await bob.locator(`[data-case="${top.caseId}"]`).count()).toBe(0);
    await expect.poll(() => bob.locator('#count-claimed').textContent()).toBe('1');
    await shot(bob, '05-second-browser');
  });

  it('decides by keyboard, undoes, decides again: one verdict, published after the undo window', async () => {
    const top = f.cases.find((c) => c.message.playerId === 'wraith_king_77')!;
    await alice.keyboard.press('1'); // block as insult
    await expect.poll(() => alice.locator('.toast').textContent()).toContain('Blocked · insult');
    // the next case opens by itself
    await expect.poll(() => caseTitle(alice).textContent()).toContain('anon_4412');
    await shot(alice, '06-verdict-undo');

    await alice.keyboard.press('u');
    await expect.poll(() => alice.locator('.toast').textContent()).toContain('Undone');
    await expect.poll(() => caseTitle(alice).textContent()).toContain('wraith_king_77');
    await alice.locator('.line.subject').waitFor();
    await alice.keyboard.press('a');
    await expect.poll(() => alice.locator('.toast').textContent()).toContain('Allowed');

    await expect.poll(() => f.harness.published.filter((r) => r.caseId === top.caseId).length, { timeout: 10_000 }).toBe(1);
    expect(f.harness.published.find((r) => r.caseId === top.caseId)).toMatchObject({ verdict: 'allow', moderatorId: 'alice', resolution: 'moderator' });
    await expect.poll(() => bob.locator('#count-pending').textContent()).toBe('3');
  });

  it('works through the queue to the empty state, seen live in the second browser', async () => {
    for (let i = 0; i < 8 && (await alice.locator('#case-empty').count()) === 0; i++) {
      const before = await caseTitle(alice).textContent();
      await alice.locator('.line.subject').waitFor();
      await alice.keyboard.press('a');
      await expect.poll(async () => (await alice.locator('#case-empty').count()) > 0 || (await caseTitle(alice).textContent()) !== before).toBe(true);
    }
    await expect.poll(() => alice.locator('#case-empty .empty-title').textContent()).toBe('The queue is clear');
    await expect.poll(() => bob.locator('#queue-empty').count()).toBe(1);
    await expect.poll(() => alice.locator('#count-claimed').textContent()).toBe('0');
    await shot(alice, '07-empty');
    expect(await bob.locator('#count-pending').textContent()).toBe('0');
    await expect.poll(() => f.harness.published.filter((r) => r.resolution === 'moderator').length, { timeout: 10_000 }).toBe(5);
  });

  it('shows the audit log to a lead and not to a moderator', async () => {
    expect(await alice.getByRole('button', { name: 'Audit log' }).count()).toBe(0);
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await bob.getByLabel('Username').waitFor();
    await signIn(bob, 'lena');
    await bob.getByRole('button', { name: 'Audit log' }).click();
    await bob.locator('.audit-table tbody tr').first().waitFor();
    const actions = await bob.locator('.audit-table tbody tr td:nth-child(3)').allTextContents();
    expect(actions).toEqual(expect.arrayContaining(['verdict', 'undo', 'claim', 'login']));
    await shot(bob, '08-audit-log');
  });

  it('lists the shortcuts on ?', async () => {
    await alice.keyboard.press('?');
    await alice.locator('dialog.help').waitFor();
    expect(await alice.locator('dialog.help tr').count()).toBeGreaterThan(10);
    await shot(alice, '10-shortcuts');
    await alice.keyboard.press('Escape');
    await alice.locator('dialog.help').waitFor({ state: 'hidden' });
  });

  it('says when the API cannot be reached', async () => {
    const page = await first.context.newPage();
    await page.goto(`${f.uiUrl}/?api=${encodeURIComponent('http://127.0.0.1:9')}`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('Cannot reach the moderation API');
    await shot(page, '09-api-unreachable');
    await page.close();
  });

  it('says when the connection to the API drops while working', async () => {
    await f.harness.deliver({ ...f.cases[0]!, caseId: 'case-late-arrival', message: { ...f.cases[0]!.message, messageId: 'msg-late' } });
    await expect.poll(() => queueItems(alice).count()).toBe(1);
    await alice.route(`${f.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    f.harness.dropConnections();
    await alice.keyboard.press('.');
    await expect.poll(() => alice.locator('.error-state').count()).toBeGreaterThan(0);
    await expect.poll(() => alice.locator('.banner').isVisible(), { timeout: 15_000 }).toBe(true);
    await shot(alice, '11-connection-lost');
    await alice.unroute(`${f.apiUrl}/**`);
    await expect.poll(() => alice.locator('.live').textContent(), { timeout: 20_000 }).toBe('Live');
    await expect.poll(() => alice.locator('.error-state').count()).toBe(0);
  });

  it('also runs when the moderation function serves it at / (same origin, its CSP)', async () => {
    const page = await second.context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') violations.push(m.text());
    });
    await page.goto(`${f.apiUrl}/`);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.topbar .user-name', { hasText: 'bob' }).waitFor();
    await expect.poll(() => page.locator('.live').textContent()).toBe('Live');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('fits 1280×800, labels every control, and raised no page errors', async () => {
    const fits = await alice.evaluate('document.documentElement.scrollWidth <= 1280 && document.documentElement.scrollHeight <= 800');
    expect(fits).toBe(true);
    const unlabelled = await alice.evaluate(`[...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.id || el.outerHTML)`);
    expect(unlabelled).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
