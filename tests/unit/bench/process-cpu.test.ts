// The Kafka bench's CPU accounting reads /proc/<pid>/stat: the command name may hold spaces and
// parentheses, so fields are counted from its last ')'.
import { describe, expect, it } from 'vitest';
import { parseProcStat, treeCpuSeconds } from '../../../bench/process-cpu';

/** A stat line: pid (comm) state ppid ... with utime..cstime at fields 14-17. */
function statLine(comm: string, ppid: number, [utime, stime, cutime, cstime]: number[]): string {
  const fields = ['S', String(ppid), ...Array.from({ length: 9 }, () => '0'), String(utime), String(stime), String(cutime), String(cstime), '20', '0'];
  return `4242 (${comm}) ${fields.join(' ')}`;
}

describe('parseProcStat', () => {
  it.each([
    { comm: 'node', ppid: 1, times: [100, 20, 5, 1], ticks: 126 },
    { comm: 'of-watchdog', ppid: 77, times: [0, 0, 300, 40], ticks: 340 },
    { comm: 'a (weird) name', ppid: 9, times: [1, 2, 3, 4], ticks: 10 },
  ])('$comm', ({ comm, ppid, times, ticks }) => {
    expect(parseProcStat(statLine(comm, ppid, times))).toEqual({ ppid, ticks });
  });
});

describe('treeCpuSeconds', () => {
  it('counts this process (a live root) and 0 for a root that is not running', () => {
    const used = treeCpuSeconds({ self: process.pid, gone: undefined });
    expect(used.self).toBeGreaterThan(0);
    expect(used.gone).toBe(0);
  });
});
