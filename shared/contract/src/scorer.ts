// The one model interface every classifier implements: the lexicon baseline, the ONNX fast
// classifier and the context-aware transformer. Functions only ever see this.

/**
 * What a message can be blocked *as*: the reason a decision names, the categories a moderator
 * picks and policy rules match. `self_harm` (encouragement of suicide or self-harm) came with the
 * v2 models (0.3).
 */
export const OFFENCE_CATEGORIES = ['insult', 'profanity', 'identity_hate', 'threat', 'sexual', 'self_harm'] as const;
export type OffenceCategory = (typeof OFFENCE_CATEGORIES)[number];

/**
 * Every score a model reports beside toxicity: the offence categories and `severe_toxicity`, how
 * grave the message is (Perspective's SEVERE_TOXICITY), which is a severity, not a reason.
 */
export const CATEGORIES = [...OFFENCE_CATEGORIES, 'severe_toxicity'] as const;
export type Category = (typeof CATEGORIES)[number];
/** Scores added after events were first written: absent from events before 0.3, so optional on the wire. */
export const ADDED_CATEGORIES = ['self_harm', 'severe_toxicity'] as const satisfies readonly Category[];
export type AddedCategory = (typeof ADDED_CATEGORIES)[number];
/** What a scorer reports: every category, always. */
export type CategoryScores = Record<Category, number>;
/** What an event carries: the categories of 0.2 always, the added ones when the model had the head. */
export type ReportedCategoryScores = Record<Exclude<Category, AddedCategory>, number> & Partial<Record<AddedCategory, number>>;

/** A category's score from an event, 0 where the model that scored it had no such head. */
export const categoryScore = (scores: ReportedCategoryScores, c: Category): number => scores[c] ?? 0;

/** One earlier message of the same channel, oldest first in a context list. */
export interface ContextLine {
  playerId?: string;
  text: string;
}

export interface ScoringInput {
  text: string;
  /** Speaker of `text`; lets a context-aware model tell the speaker's own lines from others'. */
  playerId?: string;
  /** Earlier messages of the same channel, oldest first. Ignored by context-free scorers. */
  context?: readonly ContextLine[];
  /**
   * The fast classifier's toxicity for this message, when the caller has it (the deep stage of
   * the cascade always does). A stacked deep model combines it with its own score.
   */
  fastToxicity?: number;
}

/** What the fast path never lets through on its own: threats, self-harm encouragement, doxxing. */
export const ALARM_KINDS = ['threat', 'self_harm', 'doxxing'] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

export interface Alarm {
  kinds: AlarmKind[];
  /** `model`: the fast model's alarm head; `rule`: the rule layer (shared/scoring/src/rules). */
  by: ('model' | 'rule')[];
  /** Names of the rules that fired, for moderators and audits. */
  rules?: string[];
}

/** The language a message was read as (ISO 639-1, `und` when nothing could be told) and how sure the detector was. */
export interface DetectedLanguage {
  code: string;
  confidence: number;
}

/** The languages a message can be routed as; everything else is read as English. */
export const ROUTED_LANGUAGES = ['en', 'fr'] as const;
export type RoutedLanguage = (typeof ROUTED_LANGUAGES)[number];

export interface LanguageRule {
  /** The detector's score for French at or above which a line is French. */
  minConfidence: number;
  /** Letters a line needs before it can be French ("lol" reads as French to every detector). */
  minLetters: number;
}

/** The rule measured in bench/lang/RESULTS.md: 87 % of French lines routed, ≤ 1 % of English ones. */
export const FRENCH_RULE: LanguageRule = { minConfidence: 0.6, minLetters: 4 };

/** Lines are read for their language up to this many characters. */
export const MAX_DETECT_CHARS = 512;

/** Which models read a message: French under the rule, English otherwise. */
export function routeLanguage(text: string, detected: DetectedLanguage | undefined, rule: LanguageRule = FRENCH_RULE): RoutedLanguage {
  if (!detected || detected.code !== 'fr' || detected.confidence < rule.minConfidence) return 'en';
  const letters = text.slice(0, MAX_DETECT_CHARS).match(/\p{L}/gu)?.length ?? 0;
  return letters >= rule.minLetters ? 'fr' : 'en';
}

export interface ToxicityScore {
  /** Probability-like toxicity in [0, 1]. */
  toxicity: number;
  categories: CategoryScores;
  /** How sure the model is of its own verdict, in [0, 1]; context-aware models report it. */
  confidence?: number;
  /** Normalised terms that drove the score (shown to moderators); never logged at info level. */
  evidence?: string[];
  /** Set when the message reads as a threat, self-harm encouragement or doxxing. */
  alarm?: Alarm;
  /** A mild taunt about someone's play ("gg ez", "noob team"): a game's policy decides how far to act on it. */
  mildTaunt?: boolean;
  /**
   * The rule layer found an obscene gesture (the middle-finger emoji), which no model can read:
   * the line takes the toxic route whatever the routing band (see routeFast).
   */
  obsceneGesture?: boolean;
  /**
   * The rule layer found an attack on a protected group ("gay people are disgusting"): toxic
   * route whatever the band, and the decision names `identity_hate` (the models' identity heads
   * miss most of these).
   */
  identityAttack?: boolean;
  /**
   * The rule layer found sexual harassment aimed at the reader ("send nudes"): toxic route
   * whatever the band, and the decision names `sexual`.
   */
  sexualHarassment?: boolean;
  /** Set by the fast path's language detection. */
  language?: DetectedLanguage;
}

export type ScorerKind = 'lexicon' | 'onnx-fast' | 'transformer';

export interface ToxicityScorer {
  readonly kind: ScorerKind;
  /** Reported as `modelVersion` on every decision, e.g. `lexicon-1` or `fast-2026-11-24`. */
  readonly version: string;
  /** Scores a batch; the result has one entry per input, in order. */
  score(batch: readonly ScoringInput[]): Promise<ToxicityScore[]>;
  close?(): Promise<void>;
}

/** Routing band of the fast classifier: below `okBelow` is OK, at or above `toxicFrom` is toxic. */
export interface RoutingThresholds {
  okBelow: number;
  toxicFrom: number;
}

export type FastRoute = 'ok' | 'toxic' | 'needs-analysis';

export function routeByThresholds(toxicity: number, t: RoutingThresholds): FastRoute {
  if (toxicity >= t.toxicFrom) return 'toxic';
  if (toxicity < t.okBelow) return 'ok';
  return 'needs-analysis';
}

/** The rule layer's findings that send a line down the toxic route under every band. */
export type RuleFlags = Pick<ToxicityScore, 'obsceneGesture' | 'identityAttack' | 'sexualHarassment'>;

export function blockedByRule(flags: RuleFlags): boolean {
  return flags.obsceneGesture === true || flags.identityAttack === true || flags.sexualHarassment === true;
}

/**
 * The fast path's route: the band, except that a message with an alarm (threat, self-harm
 * encouragement, doxxing) never takes the ok route, a message for another language's model
 * (`analyse: true`) is never decided by the English fast model alone, and an obscene gesture the
 * rule layer found takes the toxic route whatever the band: the band says how far the fast
 * model's score is trusted, and a game that trusts it less (toxicFrom above the gesture's 0.95)
 * does not mean to let the gesture through, which the deep model cannot read (emoji are
 * normalised away; it would see only the raised fast score). An identity attack or sexual
 * harassment the rule layer found takes the toxic route too: the deep model reads the words but
 * misses most of these, and a band chosen per model version must not decide whether they pass.
 */
export function routeFast(score: RuleFlags & Pick<ToxicityScore, 'toxicity' | 'alarm'>, t: RoutingThresholds, opts: { analyse?: boolean } = {}): FastRoute {
  if (blockedByRule(score)) return 'toxic';
  const route = routeByThresholds(score.toxicity, t);
  if (score.alarm && route === 'ok') return 'needs-analysis';
  if (opts.analyse && !score.alarm) return 'needs-analysis';
  return route;
}

export function emptyCategories(): CategoryScores {
  return { insult: 0, profanity: 0, identity_hate: 0, threat: 0, sexual: 0, self_harm: 0, severe_toxicity: 0 };
}

/** Scores leave a function inside [0, 1]: a model's NaN or overflow must not fail the event's schema. */
export const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

export function clampCategories(categories: ReportedCategoryScores): CategoryScores {
  const out = emptyCategories();
  for (const c of CATEGORIES) out[c] = clamp01(categoryScore(categories, c));
  return out;
}

/**
 * Whether an alarm goes to a moderator under `alarms: moderator`: when the rule layer raised it.
 * The fast model's alarm head alone is too loose for a moderator's time (it fires on "i'll kill
 * you in the arena"): it only keeps the message off the fast ok route, and the deep reading decides.
 */
export function alarmNeedsModerator(alarm: Alarm): boolean {
  return alarm.by.includes('rule');
}
