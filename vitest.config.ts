import { defineConfig } from 'vitest/config';

// Projects mirror the test levels: unit (pure cores, no I/O beyond files), contract (one suite
// over every transport decoder), e2e (the embedded runtime over HTTP), integration (real services).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'tests/contract/**/*.test.ts'], testTimeout: 20_000 } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false } },
    ],
  },
});
