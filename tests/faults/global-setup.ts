// Once per fault-suite run: a fresh state directory (.run/faults) on free ports, the broker's log
// directory on a small filesystem of its own (a tmpfs, so that the disk-full scenario can fill it
// without touching the machine's disk), and at the end, pass or fail, every service stopped by its
// pid file, the filesystem unmounted, and the figures of every scenario printed as the last lines.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO, stopAllServices } from '../integration/services';
import { formatReport } from './report';

export const FAULTS_STATE_DIR = process.env.SINBIN_FAULTS_STATE_DIR ?? resolve(REPO, '.run', 'faults');
const KAFKA_DATA = join(FAULTS_STATE_DIR, 'kafka', 'data');
/** Room for every scenario's records (a few MB each) with a wide margin; it lives in memory. */
const LOG_DISK_SIZE = '768m';

const run = promisify(execFile);

async function mounted(dir: string): Promise<boolean> {
  return run('mountpoint', ['-q', dir]).then(
    () => true,
    () => false,
  );
}

async function unmount(dir: string): Promise<void> {
  if (existsSync(dir) && (await mounted(dir))) await run('umount', [dir]);
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((ok, fail) => {
          const s = createServer();
          s.once('error', fail);
          s.listen(0, '127.0.0.1', () => ok(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export default async function setup(): Promise<() => Promise<void>> {
  // An earlier run that was killed may have left services and the mount behind: by pid file, then gone.
  await stopAllServices(FAULTS_STATE_DIR);
  await unmount(KAFKA_DATA);
  rmSync(FAULTS_STATE_DIR, { recursive: true, force: true });
  mkdirSync(KAFKA_DATA, { recursive: true });

  let disk: { mounted: boolean; size?: string; reason?: string };
  if (process.getuid?.() !== 0) disk = { mounted: false, reason: 'not root: mounting a small filesystem for the broker log needs root' };
  else {
    disk = await run('mount', ['-t', 'tmpfs', '-o', `size=${LOG_DISK_SIZE},mode=0755`, 'sinbin-faults', KAFKA_DATA]).then(
      () => ({ mounted: true, size: LOG_DISK_SIZE }),
      (error: Error) => ({ mounted: false, reason: `mount -t tmpfs failed: ${error.message.split('\n')[0]}` }),
    );
  }
  writeFileSync(join(FAULTS_STATE_DIR, 'disk.json'), `${JSON.stringify(disk)}\n`);

  const [kafka, controller, postgres, minio, minioConsole] = await freePorts(5);
  Object.assign(process.env, {
    SINBIN_TEST_STATE_DIR: FAULTS_STATE_DIR,
    TEST_KAFKA_PORT: String(kafka),
    TEST_KAFKA_CONTROLLER_PORT: String(controller),
    TEST_PGPORT: String(postgres),
    TEST_MINIO_PORT: String(minio),
    TEST_MINIO_CONSOLE_PORT: String(minioConsole),
  });

  return async () => {
    const problems = await stopAllServices(FAULTS_STATE_DIR);
    await unmount(KAFKA_DATA).catch((error: Error) => problems.push(`umount ${KAFKA_DATA}: ${error.message}`));
    const report = join(FAULTS_STATE_DIR, 'report.jsonl');
    if (existsSync(report)) {
      const rows = readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const text = formatReport(rows);
      writeFileSync(join(FAULTS_STATE_DIR, 'report.txt'), text);
      process.stdout.write(`\n${text}\n(figures: ${report})\n`);
    }
    if (problems.length > 0) throw new Error(`could not clean up after the fault suite:\n${problems.join('\n')}`);
  };
}
