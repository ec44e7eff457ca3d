// CPU used by a process tree, read from /proc (Linux): the stack's connector and functions, the
// broker's JVM, PostgreSQL's postmaster and backends. A live process's cutime/cstime hold what its
// reaped children used, so summing every live process of the tree counts the dead ones too (a
// function process that scaled to zero, a backend that ended).
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc's times are in these ticks on every architecture Node supports. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

/** Fields after the command name, which may itself hold spaces and parentheses. */
export function parseProcStat(line: string): ProcStat {
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  const at = (field: number) => Number(fields[field - 3]);
  return { ppid: at(4), ticks: at(14) + at(15) + at(16) + at(17) };
}

function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // ended while we read
    }
  }
  return stats;
}

/** CPU seconds used so far by each root and its descendants (a root that is not running counts 0). */
export function treeCpuSeconds(roots: Record<string, number | undefined>): Record<string, number> {
  const stats = allStats();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const sum = (pid: number): number => (stats.get(pid)?.ticks ?? 0) + (children.get(pid) ?? []).reduce((s, c) => s + sum(c), 0);
  return Object.fromEntries(Object.entries(roots).map(([name, pid]) => [name, pid === undefined ? 0 : sum(pid) / TICKS_PER_SECOND]));
}
