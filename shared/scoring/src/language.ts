// Per-message language detection for routing (bench/lang/RESULTS.md chose this detector and rule):
// eld's reading (large database) restricted to English and French, computed by language-reader.ts
// from eld's own data; French only when eld is sure enough and the line has enough letters ("lol"
// reads as French to every detector).
import { type DetectedLanguage, MAX_DETECT_CHARS, ROUTED_LANGUAGES } from '@sinbin/contract';
import { eldData } from './eld-data';
import { createLanguageReader } from './language-reader';

const reader = createLanguageReader(eldData, ROUTED_LANGUAGES);

const finite01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** The detector's reading: top language (`und` when none) and its score. Never throws. */
export function detectLanguage(text: string): DetectedLanguage {
  let reading: ReturnType<typeof reader.read>;
  try {
    reading = reader.read(text.slice(0, MAX_DETECT_CHARS));
  } catch {
    return { code: 'und', confidence: 0 };
  }
  if (!reading.code) return { code: 'und', confidence: 0 };
  return { code: reading.code, confidence: Math.round(finite01(reading.score) * 1000) / 1000 };
}
