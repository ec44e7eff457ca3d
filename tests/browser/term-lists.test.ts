// A lead keeps a game's term lists in the UI served by the moderation function under its CSP
// (same origin as the API), in Debian's chromium: opens a game without lists, saves a first
// version, sees a refused list's reasons (nothing saved), saves a second version and reads the
// versions. Screenshot: tests/browser/screenshots/term-lists.png.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './chromium';
import { PASSWORD, startFixture, type Fixture } from './fixture';

const SHOTS = resolve(import.meta.dirname, 'screenshots');
mkdirSync(SHOTS, { recursive: true });

describe('term lists in the moderator UI', () => {
  let f: Fixture;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    f = await startFixture();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      // A CSP violation (an inline style, say) is logged as a console error.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('saves a game’s lists, shows why a list is refused, and keeps the versions', async () => {
    // The UI as the moderation function serves it: its own origin, its CSP.
    const response = await page.goto(`${f.apiUrl}/`);
    expect(response?.headers()['content-security-policy']).toMatch(/style-src 'self'/);
    await page.getByLabel('Username').fill('lena');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.topbar .user-name', { hasText: 'lena' }).waitFor();

    await page.getByRole('button', { name: 'Term lists' }).click();
    await page.locator('#term-game').fill('north');
    await page.locator('#btn-open-game').click();
    await expect.poll(() => page.locator('#terms-title').textContent()).toBe('north: no lists yet');

    await page.locator('#term-block').fill('scrub\ni will find you | threat');
    await page.locator('#term-allow').fill('kill');
    await page.locator('#term-note').fill('launch list');
    await page.locator('#btn-save-terms').click();
    await expect.poll(() => page.locator('#terms-title').textContent()).toMatch(/^north: version 1 — saved by lena/);
    const v1 = await f.harness.stores.termLists.latest('north');
    expect(v1?.lists).toEqual({ block: [{ term: 'scrub' }, { term: 'i will find you', category: 'threat' }], allow: [{ term: 'kill' }] });
    expect(await page.locator('#term-block').inputValue()).toBe('scrub\ni will find you | threat');

    // A single letter, a repeat once normalised, a term on both lists: refused whole, each reason shown.
    await page.locator('#term-block').fill('scrub\nx\nN00B\nnoob');
    await page.locator('#term-allow').fill('kill\nscrub');
    await page.locator('#btn-save-terms').click();
    await page.locator('#term-refusal').waitFor();
    const reasons = await page.locator('#term-refusal li').allTextContents();
    expect(reasons.join('\n')).toMatch(/block\.1\.term: a term needs at least 2 letters/);
    await page.locator('#term-block').fill('scrub\nN00B\nnoob');
    await page.locator('#btn-save-terms').click();
    await expect.poll(() => page.locator('#term-refusal li').allTextContents()).toEqual([
      expect.stringMatching(/^block\[2\]: "noob" is the same term as block\[1\]/),
      expect.stringMatching(/^allow\[1\]: "scrub" is also block\[0\]/),
    ]);
    expect((await f.harness.stores.termLists.latest('north'))?.version).toBe(1);

    await page.locator('#term-block').fill('scrub\nnoob\ni will find you | threat');
    await page.locator('#term-allow').fill('kill');
    await page.locator('#term-note').fill('noob is an insult here');
    await page.locator('#btn-save-terms').click();
    await expect.poll(() => page.locator('#terms-title').textContent()).toMatch(/^north: version 2/);
    expect(await page.locator('#term-refusal').count()).toBe(0);
    expect(await page.locator('#term-history tbody tr').count()).toBe(2);
    expect(await page.locator('#term-history tr[data-version="2"]').textContent()).toMatch(/noob is an insult here.*\+ block: noob/);

    // Seen with the refusal of a stale version: another lead saved meanwhile.
    await f.harness.stores.termLists.save('north', { block: [{ term: 'scrub' }], allow: [] }, { by: 'someone-else', contentHash: 'x', now: new Date(), expected: 2 });
    await page.locator('#term-allow').fill('kill\ngg ez');
    await page.locator('#btn-save-terms').click();
    await expect.poll(() => page.locator('#term-refusal').textContent()).toMatch(/at version 3, not 2/);
    await page.locator('#term-refusal').getByRole('button', { name: /Reload/ }).click();
    await expect.poll(() => page.locator('#terms-title').textContent()).toMatch(/^north: version 3 — saved by someone-else/);

    await page.locator('#term-block').fill('scrub\nnoob\ni will find you | threat');
    await page.locator('#term-allow').fill('kill\nx');
    await page.locator('#btn-save-terms').click();
    await page.locator('#term-refusal').waitFor();
    await page.locator('.toast').waitFor({ state: 'hidden' });
    await page.screenshot({ path: resolve(SHOTS, 'term-lists.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);

    // The audit log, as the lead reads it through the API.
    const token = await page.evaluate("JSON.parse(sessionStorage.getItem('sinbin.session') || '{}').token");
    const audit = (await (await fetch(`${f.apiUrl}/v1/audit?actor=lena`, { headers: { authorization: `Bearer ${String(token)}` } })).json()) as { entries: { action: string; detail: { version?: number } }[] };
    expect(audit.entries.filter((e) => e.action === 'term-list-saved').map((e) => e.detail.version)).toEqual([2, 1]);
  }, 120_000);
});
