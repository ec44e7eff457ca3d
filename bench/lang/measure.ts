// Language detection on short game-chat lines: can an npm detector tell French from English well
// enough to route French lines to a multilingual model?
//
//   npm install --prefix bench/lang          # detectors live here, not in the root package.json
//   npx tsx bench/lang/measure.ts            # prints the tables; --json FILE also writes raw figures
//
// Data: the French and English lines of models/eval/*.jsonl (written for this project) and a seeded
// sample of CONDA chat lines read at run time from <data dir>/conda/CONDA_train.csv (SINBIN_DATA_DIR,
// default ../shared/data beside the repository); nothing from CONDA is written to the repository.
// Options: --conda N (lines per CONDA sample, default 2000), --seed S, --only a,b (detector names),
// --json FILE. Each detector runs on one thread; speed is lines per second over every measured line.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@sinbin/contract';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const MODULES = join(HERE, 'node_modules');

type Truth = 'fr' | 'en';
type Bucket = '1-2' | '3-5' | '6+';
interface Line { text: string; truth: Truth | null; source: string; toxic: boolean }
interface Guess { lang: string; conf: number }
interface Detector {
  name: string;
  packages: string[];
  note: string;
  /** Synchronous detectors fill `detect`; a detector with only an asynchronous API fills `detectAsync`. */
  detect?: (text: string) => Guess;
  detectAsync?: (text: string) => Promise<Guess>;
}

const BUCKETS: Bucket[] = ['1-2', '3-5', '6+'];
const wordCount = (t: string) => t.trim().split(/\s+/).filter(Boolean).length;
const bucket = (t: string): Bucket => (wordCount(t) <= 2 ? '1-2' : wordCount(t) <= 5 ? '3-5' : '6+');
const letters = (t: string) => (t.match(/\p{L}/gu) ?? []).length;

// --- arguments --------------------------------------------------------------------------------
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const CONDA_N = Number(opt('conda', '2000'));
const SEED = Number(opt('seed', '7'));
const ONLY = opt('only', '').split(',').filter(Boolean);
const JSON_OUT = opt('json', '');

// --- data -------------------------------------------------------------------------------------
// Lines made only of tokens that every game chat shares ("gg ez", "noob team", "rip bozo") carry no
// language; they are left out of accuracy (and counted) whichever file they come from.
const NEUTRAL = new Set(['gg', 'ez', 'wp', 'glhf', 'gl', 'hf', 'noob', 'noobs', 'team', 'game', 'life', 'no', 're', 'low', 'elo',
  'rip', 'bozo', 'l2p', 'skill', 'issue', 'headshot', 'lol', 'ok', 'bot', 'nice', 'shot', 'bro', 'it', 's', 'over', 'surrender',
  'ff', 'ff15', 'mid', 'top', 'afk', 'gank', 'ult', 'xd', 'legend', 'clean', 'godlike', 'ruthless']);
function isNeutral(text: string): boolean {
  const toks = text.toLowerCase().match(/\p{L}[\p{L}\d]*/gu) ?? [];
  return toks.every((t) => NEUTRAL.has(t));
}

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(join(ROOT, 'models', 'eval', file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function evalLines(): { lines: Line[]; neutral: number } {
  const out: Line[] = [];
  const add = (text: string, truth: Truth, source: string, toxic: boolean) => out.push({ text, truth, source, toxic });
  for (const o of readJsonl('french-game-chat.jsonl')) add(String(o.text), 'fr', 'eval-fr', o.label === 'toxic');
  for (const o of readJsonl('threats-selfharm-doxxing.jsonl')) add(String(o.text), o.lang === 'fr' ? 'fr' : 'en', o.lang === 'fr' ? 'eval-fr' : 'eval-en', o.label === 'toxic');
  for (const f of ['game-slang-harmless.jsonl', 'mild-taunts.jsonl', 'attributes.jsonl']) {
    for (const o of readJsonl(f)) add(String(o.text), 'en', 'eval-en', o.label === 'toxic');
  }
  const kept = out.filter((l) => !isNeutral(l.text));
  return { lines: kept, neutral: out.length - kept.length };
}

/** RFC 4180-style CSV: quoted fields, doubled quotes, newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function sample<T>(items: T[], n: number, seed: number): T[] {
  const rnd = seededRandom(seed);
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

// English CONDA lines: printable ASCII, at least one English function word, none of the frequent
// non-English chat words (transliterated Russian, Spanish, Portuguese, Tagalog) seen in Dota chat.
const EN_FUNCTION = new Set(['the', 'you', 'your', 'youre', "you're", 'i', 'im', "i'm", 'is', 'are', 'was', 'were', 'to', 'and', 'it',
  "it's", 'this', 'that', 'we', 'my', 'me', 'he', 'she', 'they', 'what', 'why', 'how', 'dont', "don't", 'cant', "can't", 'have',
  'just', 'of', 'for', 'with', 'be', 'will', 'would', 'should', 'if', 'but', 'when', 'who', 'there', 'our', 'his', 'her', 'them',
  'did', 'not', 'a', 'an', 'u', 'ur']);
const NOT_EN = new Set(['blyat', 'blya', 'bliat', 'suka', 'cyka', 'nahui', 'nahuy', 'naxui', 'pidor', 'pidr', 'idi', 'davai', 'ebal',
  'que', 'por', 'pero', 'puta', 'mierda', 'hijo', 'nao', 'vai', 'porra', 'caralho', 'tangina', 'putang', 'gago', 'ina', 'bobo', 'ka',
  'na', 'ya', 'da', 'ne', 'ti', 'eto', 'kak', 'tut', 'tebya', 'mama', 'mamu', 'de', 'la', 'le', 'el', 'es', 'tu', 'te', 'je']);

function condaLines(): { en: Line[]; all: Line[]; source: string } {
  const dir = process.env.SINBIN_DATA_DIR ?? join(ROOT, '..', 'shared', 'data');
  const path = join(dir, 'conda', 'CONDA_train.csv');
  if (!existsSync(path)) return { en: [], all: [], source: `${relative(ROOT, path)} not found: CONDA figures left out` };
  const rows = parseCsv(readFileSync(path, 'utf8'));
  const col = rows[0]!.indexOf('utterance');
  const texts = rows.slice(1).map((r) => (r[col] ?? '').trim()).filter((t) => letters(t) > 0);
  const english = texts.filter((t) => {
    if (!/^[\x20-\x7e]+$/.test(t)) return false;
    const toks = t.toLowerCase().match(/[a-z']+/g) ?? [];
    return toks.some((w) => EN_FUNCTION.has(w)) && !toks.some((w) => NOT_EN.has(w));
  });
  const line = (truth: Truth | null, src: string) => (text: string): Line => ({ text, truth, source: src, toxic: false });
  return {
    en: sample(english, CONDA_N, SEED).map(line('en', 'conda-en')),
    all: sample(texts, CONDA_N, SEED + 1).map(line(null, 'conda-all')),
    source: `${relative(ROOT, path)}: ${texts.length} utterances with letters, ${english.length} pass the English filter`,
  };
}

// --- detectors --------------------------------------------------------------------------------
// Imports go through a variable so that the root type check does not need bench/lang installed.
const importPkg = (name: string): Promise<unknown> => import(name);
const ISO3: Record<string, string> = { fra: 'fr', eng: 'en' };
const iso2 = (code: string | null | undefined) => (code ? (ISO3[code] ?? code) : '');

type Ranked = [string, number][];
interface EldResult { language: string; getScores(): Record<string, number> }
interface Eld { detect(t: string): EldResult; setLanguageSubset(l: string[] | false): unknown; newInstance(): Eld }
type Franc = (t: string, o?: { minLength?: number; only?: string[] }) => Ranked;
interface Cld3Result { language: string; probability: number }
interface FtVector { size(): number; get(i: number): [number, string]; delete?: () => void }

async function eldDetector(db: 'large' | 'small' | 'extrasmall', subset: boolean): Promise<Detector> {
  const { eld } = (await importPkg(`eld/${db}`)) as { eld: Eld };
  const inst = eld.newInstance();
  if (subset) inst.setLanguageSubset(['en', 'fr']);
  const dbNote = db === 'large' ? 'large database (60 languages)' : `${db} database`;
  return {
    name: `eld${db === 'large' ? '' : ` ${db}`}${subset ? ' (en+fr subset)' : ''}`,
    packages: ['eld'],
    note: `${dbNote}${subset ? ', setLanguageSubset([en, fr])' : ''}; conf = its score for the top language`,
    detect: (t) => {
      const r = inst.detect(t);
      return { lang: r.language, conf: r.language ? (r.getScores()[r.language] ?? 0) : 0 };
    },
  };
}

async function francDetector(pkg: 'franc-min' | 'franc' | 'franc-all', only?: string[]): Promise<Detector> {
  const { francAll } = (await importPkg(pkg)) as { francAll: Franc };
  return {
    name: only ? `${pkg} (eng+fra only)` : pkg,
    packages: [pkg],
    note: `minLength 1${only ? ', only [eng, fra]' : ''}; conf = 1 - runner-up score (its top score is always 1)`,
    detect: (t) => {
      const r = francAll(t, { minLength: 1, ...(only ? { only } : {}) });
      const top = r[0];
      if (!top || top[0] === 'und') return { lang: '', conf: 0 };
      return { lang: iso2(top[0]), conf: 1 - (r[1]?.[1] ?? 0) };
    },
  };
}

async function tinyldDetector(subset: boolean): Promise<Detector> {
  const m = (await importPkg('tinyld')) as { detectAll(t: string, o?: { only?: string[] }): { lang: string; accuracy: number }[] };
  return {
    name: subset ? 'tinyld (en+fr only)' : 'tinyld',
    packages: ['tinyld'],
    note: subset ? 'only [en, fr]' : 'default (light) build; conf = its accuracy for the top language',
    detect: (t) => {
      const r = m.detectAll(t, subset ? { only: ['en', 'fr'] } : {})[0];
      return r ? { lang: r.lang, conf: r.accuracy } : { lang: '', conf: 0 };
    },
  };
}

async function cld3Detector(): Promise<Detector> {
  const m = (await importPkg('cld3-asm')) as { loadModule(): Promise<{ create(min: number, max: number): { findLanguage(t: string): Cld3Result } }> };
  const id = (await m.loadModule()).create(0, 1000);
  return {
    name: 'cld3-asm',
    packages: ['cld3-asm'],
    note: 'CLD3 in WebAssembly; conf = probability',
    detect: (t) => {
      const r = id.findLanguage(t);
      return { lang: r.language === 'und' ? '' : r.language, conf: r.probability };
    },
  };
}

/** Of a full distribution, the better of en and fr, with its probability renormalised over the two. */
function enFr(dist: Ranked): Guess {
  const en = dist.find(([l]) => l === 'en')?.[1] ?? 0;
  const fr = dist.find(([l]) => l === 'fr')?.[1] ?? 0;
  if (en + fr === 0) return { lang: '', conf: 0 };
  return fr > en ? { lang: 'fr', conf: fr / (en + fr) } : { lang: 'en', conf: en / (en + fr) };
}

async function landeDetector(subset: boolean): Promise<Detector> {
  const lande = ((await importPkg('lande')) as { default: (t: string) => Ranked }).default;
  return {
    name: subset ? 'lande (en+fr)' : 'lande',
    packages: ['lande'],
    note: subset ? 'better of en/fr, conf = its share of p(en) + p(fr)' : 'small neural network; conf = probability',
    detect: (t) => {
      const dist = lande(t).map(([l, p]): [string, number] => [iso2(l), p]);
      if (subset) return enFr(dist);
      const top = dist[0];
      return top ? { lang: top[0], conf: top[1] } : { lang: '', conf: 0 };
    },
  };
}

async function languagedetectDetector(): Promise<Detector> {
  const LD = ((await importPkg('languagedetect')) as { default: new () => { setLanguageType(t: string): void; detect(t: string, n: number): [string | null, number][] } }).default;
  const ld = new LD();
  ld.setLanguageType('iso2');
  return {
    name: 'languagedetect',
    packages: ['languagedetect'],
    note: 'trigram profiles; conf = score',
    detect: (t) => {
      const top = ld.detect(t, 1)[0];
      return top && top[0] ? { lang: top[0], conf: top[1] } : { lang: '', conf: 0 };
    },
  };
}

async function fasttextDetector(subset: boolean): Promise<Detector> {
  const { getLIDModel } = (await importPkg('fasttext.wasm.js')) as { getLIDModel(): Promise<{ load(): Promise<{ predict(t: string, k: number, th: number): FtVector }> }> };
  const model = await (await getLIDModel()).load();
  const predict = (t: string, k: number): Ranked => {
    const v = model.predict(t.replace(/\n/g, ' '), k, 0);
    const out: Ranked = [];
    for (let i = 0; i < v.size(); i++) {
      const [p, label] = v.get(i);
      out.push([label.replace('__label__', ''), p]);
    }
    v.delete?.();
    return out;
  };
  return {
    name: subset ? 'fasttext.wasm.js (en+fr)' : 'fasttext.wasm.js',
    packages: ['fasttext.wasm.js'],
    note: subset ? 'better of en/fr over all 176 labels, conf = its share of p(en) + p(fr)' : 'fastText lid.176.ftz in WebAssembly; conf = probability',
    detect: (t) => {
      if (subset) return enFr(predict(t, -1));
      const top = predict(t, 1)[0];
      return top ? { lang: top[0], conf: top[1] } : { lang: '', conf: 0 };
    },
  };
}

async function cldDetector(): Promise<Detector> {
  // Native CLD2 binding: needs a node-gyp build, which npm 11 skips unless the install script is approved.
  const m = (await importPkg('cld')) as { default?: unknown; detect?: unknown };
  const cld = (m.default ?? m) as { detect(t: string, o: object): Promise<{ languages: { code: string; percent: number; score: number }[] }> };
  await cld.detect('this is a check that the native module loads', {});
  return {
    name: 'cld (CLD2)',
    packages: ['cld'],
    note: 'native CLD2 binding, bestEffort; conf = percent/100 of the top language',
    detectAsync: async (t: string) => {
      try {
        const r = await cld.detect(t, { bestEffort: true });
        const top = r.languages[0];
        return top ? { lang: top.code, conf: top.percent / 100 } : { lang: '', conf: 0 };
      } catch {
        return { lang: '', conf: 0 };
      }
    },
  };
}

const FACTORIES: [string, () => Promise<Detector>][] = [
  ['eld', () => eldDetector('large', false)],
  ['eld-subset', () => eldDetector('large', true)],
  ['eld-small-subset', () => eldDetector('small', true)],
  ['eld-extrasmall-subset', () => eldDetector('extrasmall', true)],
  ['franc-min', () => francDetector('franc-min')],
  ['franc-min-subset', () => francDetector('franc-min', ['eng', 'fra'])],
  ['franc', () => francDetector('franc')],
  ['franc-all', () => francDetector('franc-all')],
  ['tinyld', () => tinyldDetector(false)],
  ['tinyld-subset', () => tinyldDetector(true)],
  ['cld3-asm', cld3Detector],
  ['lande', () => landeDetector(false)],
  ['lande-subset', () => landeDetector(true)],
  ['languagedetect', languagedetectDetector],
  ['fasttext', () => fasttextDetector(false)],
  ['fasttext-subset', () => fasttextDetector(true)],
  ['cld', cldDetector],
];

// --- measuring ----------------------------------------------------------------------------------
function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += e.name === 'node_modules' ? 0 : dirBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Installed size of the packages and their dependency closure (files on disk, bench/lang/node_modules). */
function installedBytes(pkgs: string[]): number {
  const seen = new Set<string>();
  const stack = [...pkgs];
  let total = 0;
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const dir = join(MODULES, name);
    if (!existsSync(dir)) continue;
    total += dirBytes(dir);
    const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    stack.push(...Object.keys(pj.dependencies ?? {}));
  }
  return total;
}

interface Scored extends Line { guess: Guess }

async function run(det: Detector, lines: Line[]): Promise<{ scored: Scored[]; perSec: number }> {
  const sync = det.detect;
  const detect = det.detectAsync ?? (async (t: string) => sync!(t));
  const scored: Scored[] = [];
  for (const l of lines) scored.push({ ...l, guess: await detect(l.text) });
  // Speed: best of three passes over every line (at least ~1 s each), one thread.
  let best = 0;
  for (let pass = 0; pass < 3; pass++) {
    let n = 0;
    const t0 = performance.now();
    do {
      if (sync) for (const l of lines) sync(l.text);
      else for (const l of lines) await detect(l.text);
      n += lines.length;
    } while (performance.now() - t0 < 1000);
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return { scored, perSec: best };
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}` : '–');
const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

function accuracy(scored: Scored[], source: string, b?: Bucket): string {
  const xs = scored.filter((s) => s.source === source && (!b || bucket(s.text) === b));
  return pct(xs.filter((s) => s.guess.lang === s.truth).length, xs.length);
}

interface Rule { minConf: number; minLetters: number }
const routesFr = (g: Guess, text: string, r: Rule) => g.lang === 'fr' && g.conf >= r.minConf && letters(text) >= r.minLetters;

function ruleFigures(scored: Scored[], r: Rule) {
  const on = (src: string, pred: (s: Scored) => boolean = () => true) => {
    const xs = scored.filter((s) => s.source === src && pred(s));
    return { n: xs.length, fr: xs.filter((s) => routesFr(s.guess, s.text, r)).length };
  };
  const fr = on('eval-fr');
  const frToxic = on('eval-fr', (s) => s.toxic);
  const en = on('eval-en');
  const condaEn = on('conda-en');
  const condaAll = on('conda-all');
  return {
    frRecall: fr.fr / fr.n,
    frToxicRecall: frToxic.fr / frToxic.n,
    enFalse: en.fr / en.n,
    condaEnFalse: condaEn.n ? condaEn.fr / condaEn.n : NaN,
    condaAllFr: condaAll.n ? condaAll.fr / condaAll.n : NaN,
  };
}

async function main() {
  const { lines: evalSet, neutral } = evalLines();
  const conda = condaLines();
  const all = [...evalSet, ...conda.en, ...conda.all];
  const counts = (src: string) => {
    const xs = all.filter((l) => l.source === src);
    return `${xs.length} (${BUCKETS.map((b) => `${b}: ${xs.filter((l) => bucket(l.text) === b).length}`).join(', ')})`;
  };
  const out: string[] = [];
  out.push(`Lines: French eval ${counts('eval-fr')}; English eval ${counts('eval-en')}; CONDA English ${counts('conda-en')}; CONDA any language ${counts('conda-all')}.`);
  out.push(`Left out as language-neutral (only shared game tokens such as "gg ez"): ${neutral}. CONDA: ${conda.source}.`);
  out.push(`Node ${process.version}, one thread; seed ${SEED}.`);

  const results: { det: Detector; scored: Scored[]; perSec: number; bytes: number }[] = [];
  for (const [key, make] of FACTORIES) {
    if (ONLY.length && !ONLY.includes(key)) continue;
    let det: Detector;
    try {
      det = await make();
    } catch (e) {
      out.push(`${key}: not measured (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    const { scored, perSec } = await run(det, all);
    results.push({ det, scored, perSec, bytes: installedBytes(det.packages) });
    process.stderr.write(`measured ${det.name}\n`);
  }

  out.push('', '### Accuracy (% of lines whose top language is the true one), speed and size', '');
  out.push('| detector | fr 1-2 | fr 3-5 | fr 6+ | fr all | en 1-2 | en 3-5 | en 6+ | en all | CONDA-en 1-2 | CONDA-en 3-5 | CONDA-en 6+ | CONDA-en all | CONDA any → fr | lines/s | installed MB |');
  out.push('|---|' + '---:|'.repeat(15));
  for (const { det, scored, perSec, bytes } of results) {
    const anyFr = scored.filter((s) => s.source === 'conda-all');
    out.push(`| ${det.name} | ${BUCKETS.map((b) => accuracy(scored, 'eval-fr', b)).join(' | ')} | **${accuracy(scored, 'eval-fr')}** | ${BUCKETS.map((b) => accuracy(scored, 'eval-en', b)).join(' | ')} | **${accuracy(scored, 'eval-en')}** | ${BUCKETS.map((b) => accuracy(scored, 'conda-en', b)).join(' | ')} | **${accuracy(scored, 'conda-en')}** | ${pct(anyFr.filter((s) => s.guess.lang === 'fr').length, anyFr.length)} | ${Math.round(perSec).toLocaleString('en')} | ${(bytes / 1e6).toFixed(1)} |`);
  }

  out.push('', '### Confidence (median of the detector\'s own confidence for its top language)', '');
  out.push('| detector | fr lines, right | fr lines, wrong | en lines (eval + CONDA-en), right | en lines, wrong | en lines called fr | conf scale |');
  out.push('|---|---:|---:|---:|---:|---:|---|');
  for (const { det, scored } of results) {
    const fr = scored.filter((s) => s.source === 'eval-fr');
    const en = scored.filter((s) => s.source === 'eval-en' || s.source === 'conda-en');
    const m = (xs: Scored[]) => f2(median(xs.map((s) => s.guess.conf)));
    out.push(`| ${det.name} | ${m(fr.filter((s) => s.guess.lang === 'fr'))} | ${m(fr.filter((s) => s.guess.lang !== 'fr'))} | ${m(en.filter((s) => s.guess.lang === 'en'))} | ${m(en.filter((s) => s.guess.lang !== 'en'))} | ${m(en.filter((s) => s.guess.lang === 'fr'))} | ${det.note} |`);
  }

  // Routing: French model only when the detector says fr with conf >= x and the line has >= n letters.
  out.push('', '### Routing rules: route to the multilingual model when lang = fr, conf ≥ x and letters ≥ n', '');
  out.push('fr recall = French eval lines routed (toxic ones apart); false routes = English lines routed to the French model.', '');
  out.push('| detector | x | n | fr recall | fr toxic recall | en eval false | CONDA-en false | CONDA any → fr |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  const sweep: Record<string, unknown>[] = [];
  for (const { det, scored } of results) {
    const confs = [...new Set(scored.filter((s) => s.guess.lang === 'fr').map((s) => s.guess.conf))].sort((a, b) => a - b);
    // Quantiles of the detector's own fr confidences, plus fixed points (the scales differ by detector).
    const quantiles = [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => confs[Math.floor(q * (confs.length - 1))] ?? 0);
    const grid = [...new Set([0, ...quantiles, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 0.95, 0.99])].sort((a, b) => a - b);
    let bestRow = '';
    let bestRecall = -1;
    for (const minConf of grid) {
      for (const minLetters of [0, 4, 8, 12]) {
        const f = ruleFigures(scored, { minConf, minLetters });
        sweep.push({ detector: det.name, minConf, minLetters, ...f });
        // Keep, per detector, the rule with the best French recall whose false routes stay ≤ 1 % on every English set.
        const ok = f.enFalse <= 0.01 && !(f.condaEnFalse > 0.01) && !(f.condaAllFr > 0.01);
        if (ok && f.frRecall > bestRecall) {
          bestRecall = f.frRecall;
          bestRow = `| ${det.name} | ${minConf.toFixed(3)} | ${minLetters} | ${pct(f.frRecall, 1)} | ${pct(f.frToxicRecall, 1)} | ${pct(f.enFalse, 1)} | ${pct(f.condaEnFalse, 1)} | ${pct(f.condaAllFr, 1)} |`;
        }
      }
    }
    const plain = ruleFigures(scored, { minConf: 0, minLetters: 0 });
    out.push(`| ${det.name} (top language only) | 0 | 0 | ${pct(plain.frRecall, 1)} | ${pct(plain.frToxicRecall, 1)} | ${pct(plain.enFalse, 1)} | ${pct(plain.condaEnFalse, 1)} | ${pct(plain.condaAllFr, 1)} |`);
    if (bestRow) out.push(bestRow.replace(`| ${det.name} |`, `| ${det.name} (best with ≤ 1 % false) |`));
  }

  // A finer grid for the detectors that come out best (see RESULTS.md).
  const DETAIL: Record<string, number[]> = {
    eld: [0, 0.6, 0.65, 0.7, 0.75],
    'eld (en+fr subset)': [0, 0.6, 0.65, 0.7, 0.75],
    'fasttext.wasm.js (en+fr)': [0, 0.6, 0.8, 0.9, 0.95],
  };
  for (const { det, scored } of results.filter((r) => DETAIL[r.det.name])) {
    out.push('', `### ${det.name}: finer grid (fr recall / fr toxic recall / en eval false / CONDA-en false / CONDA any → fr, %)`, '');
    const ns = [0, 4, 6, 8, 10, 12];
    out.push(`| x \\ n | ${ns.join(' | ')} |`, '|---|' + '---|'.repeat(ns.length));
    for (const minConf of DETAIL[det.name]!) {
      const cells = ns.map((minLetters) => {
        const f = ruleFigures(scored, { minConf, minLetters });
        return [f.frRecall, f.frToxicRecall, f.enFalse, f.condaEnFalse, f.condaAllFr].map((v) => pct(v, 1)).join(' / ');
      });
      out.push(`| ${minConf} | ${cells.join(' | ')} |`);
    }
  }
  if (args.includes('--examples')) {
    // Local inspection only (stderr): which lines a rule gets wrong. Never paste CONDA lines into the repository.
    const r = { minConf: Number(opt('x', '0')), minLetters: Number(opt('n', '8')) };
    for (const { det, scored } of results) {
      const missed = scored.filter((s) => s.source === 'eval-fr' && !routesFr(s.guess, s.text, r)).map((s) => `${s.text} [${s.guess.lang} ${s.guess.conf.toFixed(2)}]`);
      const falseFr = scored.filter((s) => s.source !== 'eval-fr' && routesFr(s.guess, s.text, r)).map((s) => `${s.source}: ${s.text} [${s.guess.conf.toFixed(2)}]`);
      process.stderr.write(`\n== ${det.name} missed French (${missed.length}):\n${missed.join('\n')}\n== routed to fr, not French eval (${falseFr.length}):\n${falseFr.join('\n')}\n`);
    }
  }

  console.log(out.join('\n'));
  if (JSON_OUT) {
    const perLine = results.map(({ det, scored }) => ({ detector: det.name, guesses: scored.map((s) => [s.source, s.guess.lang, Number(s.guess.conf.toFixed(4))]) }));
    writeFileSync(JSON_OUT, JSON.stringify({ seed: SEED, conda: CONDA_N, speed: results.map((r) => ({ detector: r.det.name, linesPerSec: r.perSec, bytes: r.bytes })), sweep, perLine }, null, 1));
  }
}

await main();
