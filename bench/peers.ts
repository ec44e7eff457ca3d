// Peers for the model benchmark, on the very texts our models read: the `obscenity` npm word filter
// (in process) and alt-profanity-check (PyPI; its own venv made by bench/peers/setup.sh, run as a
// child process, scoring timed inside Python so the process start is not counted).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ALT_PROFANITY_CHECK = 'alt-profanity-check 1.9.1';

export interface PeerRun {
  flagged: boolean[];
  msgsPerSecond: number;
}

export function obscenityPeer(): (texts: string[], repeatTo: number) => PeerRun {
  const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  return (texts, repeatTo) => {
    const flagged = texts.map((t) => matcher.hasMatch(t));
    const start = process.hrtime.bigint();
    for (let i = 0; i < repeatTo; i++) matcher.hasMatch(texts[i % texts.length]!);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { flagged, msgsPerSecond: Math.round(repeatTo / seconds) };
  };
}

function peersPython(): string | undefined {
  const python = join(resolve(process.env.SINBIN_CACHE ?? join(homedir(), '.cache', 'sinbin')), 'peers-venv', 'bin', 'python');
  return existsSync(python) ? python : undefined;
}

/** alt-profanity-check at its own 0.5 cut; undefined when its venv is missing (run bench/peers/setup.sh). */
export async function altProfanityCheck(texts: string[]): Promise<PeerRun | undefined> {
  const python = peersPython();
  if (!python) return undefined;
  const out = await new Promise<string>((resolveRun, reject) => {
    const child = execFile(python, [join(HERE, 'peers', 'alt_profanity_check.py')], { maxBuffer: 256 * 1024 * 1024, timeout: 600_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`alt-profanity-check failed: ${stderr || error.message}`)) : resolveRun(stdout));
    child.stdin!.end(texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  });
  const { probabilities, seconds } = JSON.parse(out) as { probabilities: number[]; seconds: number };
  return { flagged: probabilities.map((p) => p >= 0.5), msgsPerSecond: Math.round(texts.length / seconds) };
}
