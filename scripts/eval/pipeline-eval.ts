// Runs models/eval's hand-written sets through `npm run classify` (the pipeline's decisions under
// the default policy: rule layer, language routing, alarms to a moderator, mild taunts warned)
// and prints the figures issue 21 asks for. Evaluation only: never train on these sets.
//
//   npx tsx scripts/eval/pipeline-eval.ts [--stage cascade|fast] [--languages en|en,fr] [--json FILE] [-- extra classify args]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type DetectedLanguage, routeLanguage } from '@sinbin/contract';

const REPO = resolve(import.meta.dirname, '..', '..');
const EVAL = join(REPO, 'models', 'eval');

interface EvalLine { id: string; text: string; label: 'toxic' | 'ok'; kind: string; harm?: string | null; lang?: string }
interface Classified { id: string; verdict: 'ok' | 'toxic' | 'review'; fastRoute: string; language: DetectedLanguage; readAs: string; stage: string; mildTaunt?: boolean; alarm?: unknown }

const { values, positionals } = parseArgs({
  options: { stage: { type: 'string', default: 'cascade' }, languages: { type: 'string', default: 'en' }, json: { type: 'string' } },
  allowPositionals: true,
});

const SETS = ['threats-selfharm-doxxing', 'game-slang-harmless', 'mild-taunts', 'french-game-chat', 'attributes'] as const;
const dir = mkdtempSync(join(tmpdir(), 'sinbin-eval-'));

function run(set: string): { lines: EvalLine[]; out: Classified[]; seconds: number } {
  const input = join(EVAL, `${set}.jsonl`);
  const output = join(dir, `${set}.out.jsonl`);
  const started = Date.now();
  execFileSync(join(REPO, 'node_modules', '.bin', 'tsx'), ['cli/classify.ts', '--input', input, '--output', output, '--stage', values.stage, '--languages', values.languages, ...positionals], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const lines = readFileSync(input, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EvalLine);
  const out = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Classified);
  return { lines, out, seconds: (Date.now() - started) / 1000 };
}

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);

/** Toxic-F1 with `review` counted as flagged (a moderator sees it) and, apart, the review rate. */
function f1(pairs: { line: EvalLine; out: Classified }[]) {
  const scored = pairs.filter((p) => p.line.kind !== 'mild-taunt'); // mild taunts: apart, as models/eval/README says
  let tp = 0, fp = 0, fn = 0, review = 0, tpDecided = 0, fpDecided = 0, fnDecided = 0;
  for (const { line, out } of scored) {
    const toxic = line.label === 'toxic';
    if (out.verdict === 'review') review++;
    const flagged = out.verdict !== 'ok';
    if (flagged && toxic) tp++; else if (flagged) fp++; else if (toxic) fn++;
    if (out.verdict === 'toxic' && toxic) tpDecided++; else if (out.verdict === 'toxic') fpDecided++; else if (out.verdict === 'ok' && toxic) fnDecided++;
  }
  const f = (t: number, p: number, n: number) => (t === 0 ? 0 : Math.round(((2 * t) / (2 * t + p + n)) * 1000) / 1000);
  return { n: scored.length, toxicF1FlaggedIsToxic: f(tp, fp, fn), toxicF1ModelsAlone: f(tpDecided, fpDecided, fnDecided), reviewRate: rate(review, scored.length) };
}

const report: Record<string, unknown> = { stage: values.stage, languages: values.languages, extraArgs: positionals };
for (const set of SETS) {
  const { lines, out, seconds } = run(set);
  const pairs = lines.map((line, i) => ({ line, out: out[i]! }));
  const ok = pairs.filter((p) => p.line.label === 'ok');
  const toxic = pairs.filter((p) => p.line.label === 'toxic');
  const flagged = (xs: typeof pairs) => xs.filter((p) => p.out.verdict !== 'ok').length;
  const entry: Record<string, unknown> = { lines: lines.length, seconds };
  if (set === 'threats-selfharm-doxxing') {
    for (const lang of ['en', 'fr', 'all']) {
      const harm = toxic.filter((p) => lang === 'all' || p.line.lang === lang);
      const look = ok.filter((p) => lang === 'all' || p.line.lang === lang);
      entry[lang] = {
        harmful: harm.length,
        notAllowedByFastPath: rate(harm.filter((p) => p.out.fastRoute !== 'ok').length, harm.length),
        flaggedAtTheEnd: rate(flagged(harm), harm.length),
        toModerator: rate(harm.filter((p) => p.out.verdict === 'review').length, harm.length),
        lookalikes: look.length,
        lookalikesBlockedOrReviewed: rate(flagged(look), look.length),
      };
    }
    entry.byHarm = Object.fromEntries(['threat', 'self_harm', 'doxxing'].map((h) => {
      const xs = toxic.filter((p) => p.line.harm === h);
      return [h, { n: xs.length, notAllowedByFastPath: rate(xs.filter((p) => p.out.fastRoute !== 'ok').length, xs.length), flaggedAtTheEnd: rate(flagged(xs), xs.length) }];
    }));
  } else if (set === 'game-slang-harmless' || set === 'mild-taunts') {
    entry.flagged = rate(flagged(pairs), pairs.length);
    entry.blocked = rate(pairs.filter((p) => p.out.verdict === 'toxic').length, pairs.length);
    entry.reviewed = rate(pairs.filter((p) => p.out.verdict === 'review').length, pairs.length);
    entry.readAsMildTaunt = rate(pairs.filter((p) => p.out.mildTaunt).length, pairs.length);
  } else {
    entry.all = f1(pairs);
    if (set === 'french-game-chat') {
      // French under the routing rule, whichever model then reads it (--languages).
      entry.detectedFrench = rate(pairs.filter((p) => routeLanguage(p.line.text, p.out.language) === 'fr').length, pairs.length);
      entry.readByMultilingual = rate(pairs.filter((p) => p.out.readAs === 'fr' && p.out.stage === 'deep').length, pairs.length);
      entry.mildTaunts = { n: pairs.filter((p) => p.line.kind === 'mild-taunt').length, flagged: rate(flagged(pairs.filter((p) => p.line.kind === 'mild-taunt')), pairs.filter((p) => p.line.kind === 'mild-taunt').length) };
    }
  }
  report[set] = entry;
  process.stderr.write(`${set}: ${JSON.stringify(entry)}\n`);
}
rmSync(dir, { recursive: true, force: true });
const text = JSON.stringify(report, null, 2);
if (values.json) writeFileSync(values.json, text + '\n');
process.stdout.write(text + '\n');
