// Once per integration run, before any test file: the ports of the test services, and, at the end,
// pass or fail, every service the run started stopped by its pid file (never by name).
//
// Ports: free ones, kept per checkout in <state>/ports.json so that later runs reuse them (the broker's
// storage keeps its controller address) and two checkouts on one machine never share one. TEST_KAFKA_PORT,
// TEST_KAFKA_CONTROLLER_PORT and TEST_PGPORT still override. The test workers inherit them through the
// environment, which is set here before they start.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stopAllServices, TEST_STATE_DIR } from './services';

interface Ports {
  kafka: number;
  controller: number;
  postgres: number;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Three distinct ports the OS calls free, all held at once while they are chosen. */
async function freshPorts(): Promise<Ports> {
  const servers = await Promise.all(
    [0, 1, 2].map(
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const [kafka, controller, postgres] = servers.map((s) => (s.address() as { port: number }).port) as [number, number, number];
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return { kafka, controller, postgres };
}

async function choosePorts(): Promise<Ports> {
  const file = join(TEST_STATE_DIR, 'ports.json');
  let kept: Ports | undefined;
  try {
    kept = JSON.parse(readFileSync(file, 'utf8')) as Ports;
  } catch {
    // first run in this checkout
  }
  if (kept && (await Promise.all([kept.kafka, kept.controller, kept.postgres].map(isFree))).every(Boolean)) return kept;
  const ports = await freshPorts();
  // The broker's formatted storage names its controller's address: new ports, new storage.
  if (kept && (kept.kafka !== ports.kafka || kept.controller !== ports.controller)) rmSync(join(TEST_STATE_DIR, 'kafka'), { recursive: true, force: true });
  mkdirSync(TEST_STATE_DIR, { recursive: true });
  writeFileSync(file, `${JSON.stringify(ports)}\n`);
  return ports;
}

export default async function setup(): Promise<() => Promise<void>> {
  // What an interrupted earlier run left running in this checkout's test state (pid files) goes first:
  // it would hold the ports, or answer on the old ones.
  if (existsSync(TEST_STATE_DIR)) await stopAllServices(TEST_STATE_DIR);
  if (!process.env.TEST_KAFKA_PORT || !process.env.TEST_KAFKA_CONTROLLER_PORT || !process.env.TEST_PGPORT) {
    const ports = await choosePorts();
    process.env.TEST_KAFKA_PORT ??= String(ports.kafka);
    process.env.TEST_KAFKA_CONTROLLER_PORT ??= String(ports.controller);
    process.env.TEST_PGPORT ??= String(ports.postgres);
  }
  return async () => {
    const problems = await stopAllServices(TEST_STATE_DIR);
    if (problems.length > 0) throw new Error(`could not stop every test service:\n${problems.join('\n')}`);
  };
}
