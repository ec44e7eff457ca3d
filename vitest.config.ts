import { defineConfig } from 'vitest/config';

// Projects mirror the test levels: unit (pure cores, no I/O beyond files), contract (one suite
// over every transport decoder), e2e (the embedded runtime over HTTP), integration (real services),
// faults (the fault suite on the real stack: npm run test:faults).
//
// Sized for a 2-core machine that is busy with other work: one worker process per project run at a
// time and generous timeouts. Vitest 3's runner drops a worker that does not answer it for 60 s
// (`Timeout calling "onTaskUpdate"`, not configurable), so no test may block its worker's event loop
// that long: services, tools and child processes are started asynchronously, and installed before
// the runner starts (make test).
export default defineConfig({
  test: {
    maxWorkers: 1,
    minWorkers: 1,
    teardownTimeout: 60_000,
    // expect.poll waits for an event, not a duration: a wide bound costs nothing when all is well and
    // keeps a loaded machine from failing a test whose event is merely late (default: 1 s).
    expect: { poll: { timeout: 20_000 } },
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'tests/contract/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 90_000 } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          globalSetup: ['tests/faults/global-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
