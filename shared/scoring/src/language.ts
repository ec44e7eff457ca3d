// Per-message language detection for routing (bench/lang/RESULTS.md chose this detector and rule):
// eld, large database, restricted to English and French; French only when eld is sure enough
// and the line has enough letters ("lol" reads as French to every detector).
import { eld } from 'eld/large';
import { type DetectedLanguage, MAX_DETECT_CHARS, ROUTED_LANGUAGES } from '@sinbin/contract';

const detector = eld.newInstance();
detector.setLanguageSubset([...ROUTED_LANGUAGES]);

const finite01 = (x: number | undefined): number => (x !== undefined && Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** The detector's reading: top language (`und` when none) and its score. Never throws. */
export function detectLanguage(text: string): DetectedLanguage {
  const sample = text.slice(0, MAX_DETECT_CHARS);
  let result: ReturnType<typeof detector.detect>;
  try {
    result = detector.detect(sample);
  } catch {
    return { code: 'und', confidence: 0 };
  }
  const code = result.language;
  if (!code) return { code: 'und', confidence: 0 };
  return { code, confidence: Math.round(finite01(result.getScores()[code]) * 1000) / 1000 };
}
