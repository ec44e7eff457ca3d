import { defineConfig } from 'vitest/config';

// The moderator UI in a real browser: Debian's chromium (scripts/install-chromium.sh) driven by
// playwright-core against the moderation API on PGlite. Run: npx vitest run --config vitest.browser.config.ts
export default defineConfig({
  test: {
    name: 'browser',
    include: ['tests/browser/**/*.test.ts'],
    globalSetup: ['tests/browser/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
