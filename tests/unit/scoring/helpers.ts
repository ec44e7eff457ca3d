// Shared fixtures of the model tests: repository paths and a stand-in fallback scorer.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyCategories, type ToxicityScorer } from '@sinbin/contract';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = resolve(REPO, 'tests', 'fixtures');

/** Typed against the interface only, so these tests do not depend on the lexicon's scores. */
export const stubFallback: ToxicityScorer = {
  kind: 'lexicon',
  version: 'stub-1',
  score: async (batch) => batch.map(() => ({ toxicity: 0, categories: emptyCategories() })),
};

export interface LabelledLine {
  id: string;
  text: string;
  label: 0 | 1;
  playerId?: string;
  context?: { playerId?: string; text: string }[];
}

export function labelledChat(): LabelledLine[] {
  return readFileSync(resolve(FIXTURES, 'labelled-chat.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LabelledLine);
}
