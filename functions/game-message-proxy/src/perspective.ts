// The Perspective-compatible scoring call, pure: parses a request into what to score, maps the
// model's scores to Perspective's attributes, and words errors as Google does. A scoring call only:
// nothing is published, nothing reaches moderators, no text is stored or logged.
import {
  type AnalyzeCommentRequest,
  AnalyzeCommentRequestSchema,
  type AnalyzeCommentResponse,
  type DetectedLanguage,
  type AttributeScore,
  CATEGORIES,
  type Category,
  type GoogleError,
  PERSPECTIVE_ATTRIBUTES,
  PERSPECTIVE_MAX_TEXT,
  type PerspectiveAttribute,
  type PerspectiveErrorType,
  routeLanguage,
  type ToxicityScore,
} from '@sinbin/contract';

interface AttributeSource {
  /** What the value is computed from, in words (docs/migrating-from-perspective.md shows the table). */
  from: string;
  /** The model head the value is read from; absent: computed from toxicity. */
  head?: Category;
  score: (s: ToxicityScore) => number;
  /** Used when the serving model lacks `head` (the lexicon fallback, a model before 0.3). */
  fallback?: { from: string; score: (s: ToxicityScore) => number };
}

/**
 * Each attribute from the fast model's own heads (v2: `severe_toxicity` included), with the rule
 * layer applied (a threat or doxxing the rules catch raises THREAT). SEVERE_TOXICITY falls back to
 * a combination of the other heads where the model has no such head.
 */
export const ATTRIBUTE_SOURCES: Record<PerspectiveAttribute, AttributeSource> = {
  TOXICITY: { from: 'toxicity', score: (s) => s.toxicity },
  SEVERE_TOXICITY: {
    from: 'categories.severe_toxicity',
    head: 'severe_toxicity',
    score: (s) => s.categories.severe_toxicity,
    // Severe: toxic *and* hateful, threatening, sexual or a profane insult; a plain insult or
    // swearing alone stays low, as Perspective's attribute is less sensitive to them than TOXICITY.
    fallback: {
      from: 'min(toxicity, max(identity_hate, threat, sexual, insult × profanity))',
      score: (s) => Math.min(s.toxicity, Math.max(s.categories.identity_hate, s.categories.threat, s.categories.sexual, s.categories.insult * s.categories.profanity)),
    },
  },
  IDENTITY_ATTACK: { from: 'categories.identity_hate', head: 'identity_hate', score: (s) => s.categories.identity_hate },
  INSULT: { from: 'categories.insult', head: 'insult', score: (s) => s.categories.insult },
  PROFANITY: { from: 'categories.profanity', head: 'profanity', score: (s) => s.categories.profanity },
  THREAT: { from: 'categories.threat', head: 'threat', score: (s) => s.categories.threat },
};

/** How an attribute is scored by a model with these heads: its own head, else the fallback. */
export function attributeScorer(name: PerspectiveAttribute, heads: readonly string[]): (s: ToxicityScore) => number {
  const source = ATTRIBUTE_SOURCES[name];
  if (source.head && !heads.includes(source.head) && source.fallback) return source.fallback.score;
  return source.score;
}

/**
 * Languages every attribute is scored in: English, and French, read by the same fast model (trained
 * with French lines and word lists) and rule layer; on models/eval's French game-chat set it ranks
 * toxic lines at ROC AUC 0.92 (docs/migrating-from-perspective.md).
 */
export const SUPPORTED_LANGUAGES = ['en', 'fr'] as const;

export interface AnalyzePlan {
  text: string;
  attributes: { name: PerspectiveAttribute; threshold?: number }[];
  languages: string[];
  /** True when the caller named no language: the answer's languages are then the detected one's route. */
  assumedLanguage: boolean;
  spans: boolean;
  clientToken?: string;
  doNotStore: boolean;
}

const GOOGLE_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 413: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

export function googleError(code: number, message: string, details: Record<string, unknown>[] = []): { status: number; body: GoogleError } {
  return { status: code, body: { error: { code, message, status: GOOGLE_STATUS[code] ?? 'UNKNOWN', details } } };
}

/** A 400 with Perspective's error type in its details, as the service words them. */
export function perspectiveError(errorType: PerspectiveErrorType, message: string, extra: Record<string, unknown> = {}) {
  return googleError(400, message, [{ '@type': 'type.googleapis.com/google.commentanalyzer.v1alpha1.Error', errorType, ...extra }]);
}

export type ParsedAnalyze = { ok: true; plan: AnalyzePlan } | { ok: false; error: ReturnType<typeof googleError> };

const primaryLanguage = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0]!;

export function parseAnalyzeRequest(body: Buffer | string): ParsedAnalyze {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return { ok: false, error: perspectiveError('INVALID_REQUEST', 'Invalid JSON payload received.') };
  }
  const parsed = AnalyzeCommentRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: perspectiveError('INVALID_REQUEST', `Invalid value at '${issue.path.join('.') || 'request'}': ${issue.message}`) };
  }
  const request: AnalyzeCommentRequest = parsed.data;
  if (request.comment.type !== undefined && request.comment.type !== 'PLAIN_TEXT') {
    return { ok: false, error: perspectiveError('INVALID_REQUEST', "Currently, only 'PLAIN_TEXT' comments are supported") };
  }
  const text = request.comment.text ?? '';
  if (text.trim().length === 0) return { ok: false, error: perspectiveError('COMMENT_EMPTY', 'Comment must be non-empty.') };
  if (text.length > PERSPECTIVE_MAX_TEXT) return { ok: false, error: perspectiveError('COMMENT_TOO_LONG', `Comment text too long: ${text.length} characters, at most ${PERSPECTIVE_MAX_TEXT}.`) };
  const requested = Object.entries(request.requestedAttributes ?? {});
  if (requested.length === 0) return { ok: false, error: perspectiveError('NO_REQUESTED_ATTRIBUTES', 'Missing requested_attributes') };
  const drop = request.dropUnsupportedAttributes === true;
  const languages = (request.languages ?? []).map(primaryLanguage).filter(Boolean);
  const supported = languages.length === 0 || languages.some((l) => (SUPPORTED_LANGUAGES as readonly string[]).includes(l));
  const attributes: AnalyzePlan['attributes'] = [];
  for (const [rawName, options] of requested) {
    const name = rawName.toUpperCase();
    if (!(PERSPECTIVE_ATTRIBUTES as readonly string[]).includes(name)) {
      if (drop) continue;
      return { ok: false, error: perspectiveError('INVALID_REQUEST', `Unknown requested attribute: ${rawName}`) };
    }
    if (!supported) {
      if (drop) continue;
      return {
        ok: false,
        error: perspectiveError('LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE', `Attribute ${name} does not support request languages: ${languages.join(',')}`, {
          languageNotSupportedByAttributeError: { requestedLanguages: languages, attribute: name },
        }),
      };
    }
    if (options?.scoreType !== undefined && options.scoreType !== 'PROBABILITY') {
      return { ok: false, error: perspectiveError('INVALID_REQUEST', `Requested score type ${options.scoreType} is not supported by attribute ${name}`) };
    }
    attributes.push({ name: name as PerspectiveAttribute, ...(options?.scoreThreshold !== undefined ? { threshold: options.scoreThreshold } : {}) });
  }
  return {
    ok: true,
    plan: {
      text,
      attributes,
      languages: languages.length > 0 ? languages : ['en'],
      assumedLanguage: languages.length === 0,
      spans: request.spanAnnotations === true,
      ...(request.clientToken !== undefined ? { clientToken: request.clientToken } : {}),
      doNotStore: request.doNotStore === true,
    },
  };
}

/** Sentence spans [begin, end) over the text, as Perspective annotates: end at . ! ? and the spaces after. */
export function sentenceSpans(text: string): { begin: number; end: number }[] {
  const spans: { begin: number; end: number }[] = [];
  const re = /[^.!?\n]+(?:[.!?]+|\n|$)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const lead = m[0].length - m[0].trimStart().length;
    const body = m[0].trim();
    if (body.length > 0) spans.push({ begin: m.index + lead, end: m.index + lead + body.length });
  }
  return spans.length > 0 ? spans : [{ begin: 0, end: text.length }];
}

const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1e6) / 1e6;

/**
 * The answer: each requested attribute's summary (and span) scores, leaving out those under their
 * threshold. `heads`: the serving model's outputs (every category unless told otherwise).
 * `detected`: the text's language, when the caller named none; as Perspective does, the answer then
 * lists it in `detectedLanguages` and scores in its language (English for a language sinbin does not
 * route, and for a line too short to tell).
 */
export function analyzeResponse(plan: AnalyzePlan, summary: ToxicityScore, spans?: { begin: number; end: number; score: ToxicityScore }[], heads: readonly string[] = CATEGORIES, detected?: DetectedLanguage): AnalyzeCommentResponse {
  const attributeScores: Record<string, AttributeScore> = {};
  for (const { name, threshold } of plan.attributes) {
    const source = { score: attributeScorer(name, heads) };
    const value = round(source.score(summary));
    if (threshold !== undefined && value < threshold) continue;
    attributeScores[name] = {
      summaryScore: { value, type: 'PROBABILITY' },
      ...(spans ? { spanScores: spans.map((s) => ({ begin: s.begin, end: s.end, score: { value: round(source.score(s.score)), type: 'PROBABILITY' as const } })) } : {}),
    };
  }
  const languages = plan.assumedLanguage && detected ? [routeLanguage(plan.text, detected)] : plan.languages;
  const found = plan.assumedLanguage && detected && detected.code !== 'und' ? { detectedLanguages: [detected.code] } : {};
  return { attributeScores, languages, ...found, ...(plan.clientToken !== undefined ? { clientToken: plan.clientToken } : {}) };
}
