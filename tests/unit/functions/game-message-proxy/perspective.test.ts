// The Perspective-compatible call: a table of request -> answer examples (shapes after
// Perspective's published reference), scored by the lexicon fallback so values are known.
import { describe, expect, it } from 'vitest';
import { AnalyzeCommentResponseSchema, GoogleErrorSchema, PERSPECTIVE_ATTRIBUTES, type ToxicityScore } from '@sinbin/contract';
import gateway from '../../../../functions/game-message-proxy/src/function';
import { analyzeResponse, ATTRIBUTE_SOURCES, attributeScorer, parseAnalyzeRequest, sentenceSpans } from '../../../../functions/game-message-proxy/src/perspective';
import { startFunction } from '../../../helpers/functions';
import { callRoute } from '../../../helpers/http';

const KEY = 'key-alpha-0001';
const analyze = async (body: unknown, path = `/v1alpha1/comments:analyze?key=${KEY}`, headers: Record<string, string> = {}) => {
  const { running, publisher } = await startFunction(gateway, { env: { GAME_API_KEYS: `alpha:${KEY}` } });
  const res = await callRoute(running.routes!, { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body });
  return { res, publisher };
};
const score = (toxicity: number, c: Partial<ToxicityScore['categories']> = {}): ToxicityScore => ({ toxicity, categories: { insult: 0, profanity: 0, identity_hate: 0, threat: 0, sexual: 0, self_harm: 0, severe_toxicity: 0, ...c } });

describe('attribute table', () => {
  it('names a source for every production attribute', () => {
    expect(Object.keys(ATTRIBUTE_SOURCES).sort()).toEqual([...PERSPECTIVE_ATTRIBUTES].sort());
  });
  const V2 = ['toxicity', 'severe_toxicity', 'insult', 'profanity', 'identity_hate', 'threat', 'sexual', 'self_harm', 'alarm'];
  const V1 = ['toxicity', 'insult', 'profanity', 'identity_hate', 'threat', 'sexual'];
  it.each([
    ['TOXICITY', V2, score(0.9, { profanity: 0.9 }), 0.9],
    ['SEVERE_TOXICITY', V2, score(0.9, { profanity: 0.95, severe_toxicity: 0.12 }), 0.12],
    ['SEVERE_TOXICITY', V2, score(0.4, { threat: 0.8, severe_toxicity: 0.85 }), 0.85],
    ['SEVERE_TOXICITY', V1, score(0.9, { profanity: 0.95 }), 0],
    ['SEVERE_TOXICITY', V1, score(0.95, { insult: 0.99, profanity: 0.01 }), 0.0099],
    ['SEVERE_TOXICITY', V1, score(0.9, { insult: 0.8, profanity: 0.9 }), 0.72],
    ['SEVERE_TOXICITY', V1, score(0.4, { threat: 0.8 }), 0.4],
    ['SEVERE_TOXICITY', V1, score(0.9, { identity_hate: 0.6 }), 0.6],
    ['IDENTITY_ATTACK', V2, score(0.8, { identity_hate: 0.6 }), 0.6],
    ['INSULT', V1, score(0.8, { insult: 0.75 }), 0.75],
    ['PROFANITY', V2, score(0.8, { profanity: 0.5 }), 0.5],
    ['THREAT', V2, score(0.8, { threat: 0.33 }), 0.33],
  ] as const)('%s with heads %j of %j = %d', (attribute, heads, s, value) => {
    expect(attributeScorer(attribute, heads)(s)).toBeCloseTo(value, 6);
  });
  it('reads every attribute but TOXICITY from a model head of its own', () => {
    for (const [name, source] of Object.entries(ATTRIBUTE_SOURCES)) expect(name === 'TOXICITY' || source.head !== undefined).toBe(true);
  });
});

describe('sentence spans', () => {
  it.each([
    ['gg wp', [[0, 5]]],
    ['What a noob. Sorry, gg!', [[0, 12], [13, 23]]],
    ['one\ntwo', [[0, 3], [4, 7]]],
    ['?!', [[0, 2]]],
  ] as const)('%j -> %j', (text, spans) => {
    expect(sentenceSpans(text).map((s) => [s.begin, s.end])).toEqual(spans);
  });
});

// Request -> answer, as a Perspective client sends and reads them.
describe('POST /v1alpha1/comments:analyze examples', () => {
  it('scores the requested attributes, echoes clientToken and the languages, publishes nothing', async () => {
    const { res, publisher } = await analyze({ comment: { text: 'you are an idiot' }, requestedAttributes: { TOXICITY: {}, INSULT: {} }, languages: ['en'], clientToken: 'c-42', doNotStore: true });
    expect(res.status).toBe(200);
    const body = AnalyzeCommentResponseSchema.parse(res.body);
    expect(Object.keys(body.attributeScores).sort()).toEqual(['INSULT', 'TOXICITY']);
    expect(body.attributeScores.TOXICITY!.summaryScore.type).toBe('PROBABILITY');
    expect(body.attributeScores.TOXICITY!.summaryScore.value).toBeGreaterThan(0.5);
    expect(body.attributeScores.TOXICITY!.spanScores).toBeUndefined();
    expect(body).toMatchObject({ languages: ['en'], clientToken: 'c-42' });
    expect(publisher.records).toHaveLength(0);
  });

  it('adds per-sentence spanScores when spanAnnotations is true', async () => {
    const text = 'gg wp. you are an idiot';
    const { res } = await analyze({ comment: { text }, requestedAttributes: { TOXICITY: {} }, spanAnnotations: true });
    const spans = AnalyzeCommentResponseSchema.parse(res.body).attributeScores.TOXICITY!.spanScores!;
    expect(spans.map((s) => text.slice(s.begin, s.end))).toEqual(['gg wp.', 'you are an idiot']);
    expect(spans[1]!.score.value).toBeGreaterThan(spans[0]!.score.value);
  });

  it('leaves out an attribute under its scoreThreshold; drops unknown attributes when asked', async () => {
    const { res } = await analyze({ comment: { text: 'gg wp' }, requestedAttributes: { TOXICITY: { scoreThreshold: 0.9 }, FLIRTATION: {}, threat: {} }, dropUnsupportedAttributes: true });
    expect(Object.keys((res.body as { attributeScores: object }).attributeScores)).toEqual(['THREAT']);
  });

  it.each([
    { name: 'empty text', body: { comment: { text: '  ' }, requestedAttributes: { TOXICITY: {} } }, type: 'COMMENT_EMPTY' },
    { name: 'no text', body: { comment: {}, requestedAttributes: { TOXICITY: {} } }, type: 'COMMENT_EMPTY' },
    { name: 'text over 20,480 characters', body: { comment: { text: 'a'.repeat(20_481) }, requestedAttributes: { TOXICITY: {} } }, type: 'COMMENT_TOO_LONG' },
    { name: 'no attributes', body: { comment: { text: 'hi' }, requestedAttributes: {} }, type: 'NO_REQUESTED_ATTRIBUTES' },
    { name: 'attributes missing', body: { comment: { text: 'hi' } }, type: 'NO_REQUESTED_ATTRIBUTES' },
    { name: 'unknown attribute', body: { comment: { text: 'hi' }, requestedAttributes: { FLIRTATION: {} } }, type: 'INVALID_REQUEST' },
    { name: 'unsupported language', body: { comment: { text: 'hola' }, requestedAttributes: { TOXICITY: {} }, languages: ['es'] }, type: 'LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE' },
    { name: 'other score type', body: { comment: { text: 'hi' }, requestedAttributes: { TOXICITY: { scoreType: 'STD_DEV_SCORE' } } }, type: 'INVALID_REQUEST' },
    { name: 'HTML text', body: { comment: { text: '<b>hi</b>', type: 'HTML' }, requestedAttributes: { TOXICITY: {} } }, type: 'INVALID_REQUEST' },
    { name: 'wrong field type', body: { comment: { text: 42 }, requestedAttributes: { TOXICITY: {} } }, type: 'INVALID_REQUEST' },
    { name: 'invalid JSON', body: '{"comment":', type: 'INVALID_REQUEST' },
  ])('$name -> 400 INVALID_ARGUMENT $type, nothing published', async ({ body, type }) => {
    const { res, publisher } = await analyze(body);
    expect(res.status).toBe(400);
    const err = GoogleErrorSchema.parse(res.body).error;
    expect(err).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(err.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.commentanalyzer.v1alpha1.Error', errorType: type });
    expect(err.message.length).toBeGreaterThan(5);
    expect(publisher.records).toHaveLength(0);
  });

  it('names the attribute and languages of a language refusal', async () => {
    const { res } = await analyze({ comment: { text: 'hola' }, requestedAttributes: { INSULT: {} }, languages: ['es-MX'] });
    expect((res.body as { error: { details: unknown[] } }).error.details[0]).toMatchObject({ languageNotSupportedByAttributeError: { requestedLanguages: ['es'], attribute: 'INSULT' } });
  });

  it.each([
    { name: 'no key', path: '/v1alpha1/comments:analyze', headers: {}, status: 403, reason: 'API_KEY_MISSING' },
    { name: 'wrong key', path: '/v1alpha1/comments:analyze?key=nope', headers: {}, status: 403, reason: 'API_KEY_INVALID' },
    { name: 'key in X-Goog-Api-Key', path: '/v1alpha1/comments:analyze', headers: { 'x-goog-api-key': KEY }, status: 200 },
    { name: 'key as bearer', path: '/v1alpha1/comments:analyze', headers: { authorization: `Bearer ${KEY}` }, status: 200 },
  ])('$name -> $status', async ({ path, headers, status, reason }) => {
    const { res } = await analyze({ comment: { text: 'hi' }, requestedAttributes: { TOXICITY: {} } }, path, headers as Record<string, string>);
    expect(res.status).toBe(status);
    if (reason) expect(res.body).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED', details: [{ reason }] } });
  });
});

describe('languages', () => {
  it.each([
    { why: 'French named', languages: ['fr'], want: ['fr'] },
    { why: 'a French region tag', languages: ['fr-CA'], want: ['fr'] },
    { why: 'English and French', languages: ['en', 'fr'], want: ['en', 'fr'] },
  ])('accepts $why and answers $want', async ({ languages, want }) => {
    const { res } = await analyze({ comment: { text: 'espèce de noob' }, requestedAttributes: { TOXICITY: {} }, languages });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ languages: want });
    expect((res.body as { detectedLanguages?: string[] }).detectedLanguages).toBeUndefined();
  });

  it.each([
    { text: "t'es vraiment le joueur le plus nul que j'ai jamais vu", languages: ['fr'], detected: ['fr'] },
    { text: 'you are the worst player i have ever seen in this game', languages: ['en'], detected: ['en'] },
    // Too short to tell: English, as the pipeline reads it.
    { text: 'gg', languages: ['en'], detected: undefined },
  ])('detects the language of $text when the caller names none', async ({ text, languages, detected }) => {
    const { res } = await analyze({ comment: { text }, requestedAttributes: { TOXICITY: {} } });
    expect(res.status).toBe(200);
    expect(AnalyzeCommentResponseSchema.parse(res.body)).toMatchObject({ languages });
    if (detected) expect((res.body as { detectedLanguages: string[] }).detectedLanguages).toEqual(detected);
  });
});

describe('plan and answer (pure)', () => {
  it('assumes English when no language is given and answers it', () => {
    const parsed = parseAnalyzeRequest(JSON.stringify({ comment: { text: 'hi' }, requestedAttributes: { toxicity: {} } }));
    expect(parsed.ok && parsed.plan).toMatchObject({ languages: ['en'], assumedLanguage: true, attributes: [{ name: 'TOXICITY' }], doNotStore: false });
    if (parsed.ok) expect(analyzeResponse(parsed.plan, score(0.1234567))).toEqual({ attributeScores: { TOXICITY: { summaryScore: { value: 0.123457, type: 'PROBABILITY' } } }, languages: ['en'] });
  });

  it.each([
    { text: 'nique ta mère fdp, sale noob', detected: { code: 'fr', confidence: 0.9 }, languages: ['fr'], detectedLanguages: ['fr'] },
    // Detected French, but under the routing rule's confidence: scored and answered as English.
    { text: 'camping noob lol', detected: { code: 'fr', confidence: 0.55 }, languages: ['en'], detectedLanguages: ['fr'] },
    { text: '???', detected: { code: 'und', confidence: 0 }, languages: ['en'], detectedLanguages: undefined },
  ])('answers $languages for $text detected as $detected.code', ({ text, detected, languages, detectedLanguages }) => {
    const parsed = parseAnalyzeRequest(JSON.stringify({ comment: { text }, requestedAttributes: { toxicity: {} } }));
    if (!parsed.ok) throw new Error('expected a plan');
    const answer = analyzeResponse(parsed.plan, score(0.5), undefined, undefined, detected);
    expect(answer.languages).toEqual(languages);
    expect(answer.detectedLanguages).toEqual(detectedLanguages);
  });

  it('answers the languages the caller named, whatever the text reads as', () => {
    const parsed = parseAnalyzeRequest(JSON.stringify({ comment: { text: 'nique ta mère' }, requestedAttributes: { toxicity: {} }, languages: ['en'] }));
    if (!parsed.ok) throw new Error('expected a plan');
    expect(analyzeResponse(parsed.plan, score(0.5), undefined, undefined, { code: 'fr', confidence: 0.99 })).toMatchObject({ languages: ['en'] });
  });
});
