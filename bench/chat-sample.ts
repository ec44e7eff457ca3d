// Real chat lines for benchmarks: CONDA utterances from the data directory, or a small built-in
// mix when the data is not there (the figures then say so).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function dataDir(): string {
  return process.env.SINBIN_DATA_DIR ?? join(process.cwd(), '..', 'shared', 'data');
}

/** Utterance column of CONDA_train.csv; a light parse is enough to pull texts for load. */
export function loadChatLines(limit = 20_000): { lines: string[]; source: string } {
  const path = join(dataDir(), 'conda', 'CONDA_train.csv');
  if (!existsSync(path)) {
    const lines = ['gg wp', 'mid missing', 'ur trash noob', 'report this idiot', 'nice ult', 'kys', 'go b', 'f u c k you', 'lol', 'ty'];
    return { lines: Array.from({ length: limit }, (_, i) => lines[i % lines.length]!), source: 'built-in sample (data dir not found)' };
  }
  const rows = readFileSync(path, 'utf8').split('\n').slice(1);
  const lines: string[] = [];
  for (const row of rows) {
    // Columns: Id, matchId, conversationId, utterance, ...; utterances may be quoted.
    const m = /^[^,]*,[^,]*,[^,]*,("(?:[^"]|"")*"|[^,]*),/.exec(row);
    const text = m?.[1]?.replace(/^"|"$/g, '').replace(/""/g, '"').trim();
    if (text) lines.push(text.slice(0, 2000));
    if (lines.length >= limit) break;
  }
  return { lines, source: 'CONDA_train.csv' };
}
