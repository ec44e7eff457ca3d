// POST /v1alpha1/comments:analyze: the Perspective-compatible scoring call, on the fast model
// (loaded here, in the gateway, so a Perspective client needs nothing else). It publishes no
// decision, opens no moderation case, and neither stores nor logs the text (doNotStore is thus
// always honoured). Keys: the same game API keys, from `?key=` as Perspective clients send them,
// or the X-Goog-Api-Key header, or Authorization: Bearer.
import type { HttpRequest, HttpResponse, HttpRoute, Logger, Metrics } from '@sinbin/contract';
import { batchingScorer } from '@sinbin/scoring';
import { applyRules, detectLanguage, loadFastClassifier } from '@sinbin/scoring/fast';
import { bearerToken } from './core';
import type { KeyRing } from './keys';
import type { KeyRateLimiter } from './limits';
import { analyzeResponse, googleError, parseAnalyzeRequest, sentenceSpans } from './perspective';

export const ANALYZE_PATH = '/v1alpha1/comments:analyze';

export async function analyzeRoute(deps: { keys: KeyRing; limiter: KeyRateLimiter; modelDir: string | undefined; log: Logger; metrics: Metrics }): Promise<HttpRoute> {
  const model = await loadFastClassifier({ ...(deps.modelDir ? { modelDir: deps.modelDir } : {}), thread: false, log: deps.log });
  const scorer = batchingScorer(model.scorer);
  // The heads the attributes are read from: the fast model's outputs (the lexicon fallback has the five of 0.2).
  const meta = (model.scorer as { meta?: { outputs?: string[] } }).meta;
  const heads = meta?.outputs ?? ['insult', 'profanity', 'identity_hate', 'threat', 'sexual'];
  const calls = deps.metrics.counter({ name: 'sinbin_gateway_analyze_total', help: 'Perspective-compatible analyze calls, by outcome.', labelNames: ['outcome'] });

  function keyOf(req: HttpRequest): string | undefined {
    const header = req.headers['x-goog-api-key'];
    return req.query.get('key') ?? (Array.isArray(header) ? header[0] : header) ?? bearerToken(req.headers['authorization']);
  }

  async function analyze(req: HttpRequest): Promise<HttpResponse> {
    const presented = keyOf(req);
    const caller = await deps.keys.identify(presented);
    if (!caller) {
      calls.inc({ outcome: 'unauthenticated' });
      const reason = presented === undefined ? 'API_KEY_MISSING' : 'API_KEY_INVALID';
      const message = presented === undefined ? 'The request is missing a valid API key.' : 'API key not valid. Please pass a valid API key.';
      return googleError(403, message, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'sinbin' }]);
    }
    const retryAfter = await deps.limiter.take(caller.keyId);
    if (retryAfter !== undefined) {
      calls.inc({ outcome: 'rate-limited' });
      return { ...googleError(429, `Quota exceeded for this API key; retry in ${retryAfter} s.`), headers: { 'retry-after': String(retryAfter) } };
    }
    const parsed = parseAnalyzeRequest(req.body);
    if (!parsed.ok) {
      calls.inc({ outcome: 'invalid' });
      return parsed.error;
    }
    const { plan } = parsed;
    const spans = plan.spans ? sentenceSpans(plan.text) : undefined;
    const texts = [plan.text, ...(spans ?? []).map((s) => plan.text.slice(s.begin, s.end))];
    // The rule layer as on the pipeline's fast path: a threat or doxxing it catches raises THREAT.
    const scores = (await scorer.score(texts.map((text) => ({ text })))).map((s, i) => applyRules(texts[i]!, s));
    calls.inc({ outcome: 'scored' });
    // Perspective detects the language when the caller names none; so does the pipeline's fast path.
    const detected = plan.assumedLanguage ? detectLanguage(plan.text) : undefined;
    const body = analyzeResponse(plan, scores[0]!, spans?.map((s, i) => ({ ...s, score: scores[i + 1]! })), heads, detected);
    return { status: 200, body, headers: { 'x-sinbin-model-version': scorer.version } };
  }

  return { method: 'POST', path: ANALYZE_PATH, handler: analyze };
}
