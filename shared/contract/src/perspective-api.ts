// The Perspective-compatible scoring call (POST /v1alpha1/comments:analyze): request, answer and
// Google's error shape as zod schemas, after Perspective's published reference. Unknown fields are
// kept out of the answer but accepted in the request, as Google's JSON parser does.
import { z } from 'zod';

/** The production attributes of Perspective that sinbin answers (the table in perspective.ts says from what). */
export const PERSPECTIVE_ATTRIBUTES = ['TOXICITY', 'SEVERE_TOXICITY', 'IDENTITY_ATTACK', 'INSULT', 'PROFANITY', 'THREAT'] as const;
export type PerspectiveAttribute = (typeof PERSPECTIVE_ATTRIBUTES)[number];

/** Perspective's limit (20 KB of text); its npm client refuses more than this many characters. */
export const PERSPECTIVE_MAX_TEXT = 20_480;

export const PERSPECTIVE_ERROR_TYPES = [
  'INVALID_REQUEST',
  'COMMENT_EMPTY',
  'COMMENT_TOO_LONG',
  'NO_REQUESTED_ATTRIBUTES',
  'LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE',
  'LANGUAGE_DETECTION_FAILED',
] as const;
export type PerspectiveErrorType = (typeof PERSPECTIVE_ERROR_TYPES)[number];

export const AnalyzeCommentRequestSchema = z
  .object({
    comment: z.object({ text: z.string().optional(), type: z.string().optional() }).passthrough(),
    context: z.unknown().optional(),
    requestedAttributes: z
      .record(z.string(), z.object({ scoreType: z.string().optional(), scoreThreshold: z.number().min(0).max(1).optional() }).passthrough().nullable())
      .optional(),
    languages: z.array(z.string()).optional(),
    doNotStore: z.boolean().optional(),
    spanAnnotations: z.boolean().optional(),
    clientToken: z.string().optional(),
    sessionId: z.string().optional(),
    communityId: z.string().optional(),
    dropUnsupportedAttributes: z.boolean().optional(),
  })
  .passthrough()
  .meta({ id: 'AnalyzeCommentRequest' });
export type AnalyzeCommentRequest = z.infer<typeof AnalyzeCommentRequestSchema>;

const ScoreSchema = z.object({ value: z.number().min(0).max(1), type: z.literal('PROBABILITY') });

export const AttributeScoreSchema = z.object({
  summaryScore: ScoreSchema,
  spanScores: z.array(z.object({ begin: z.number().int(), end: z.number().int(), score: ScoreSchema })).optional(),
});
export type AttributeScore = z.infer<typeof AttributeScoreSchema>;

export const AnalyzeCommentResponseSchema = z
  .object({
    attributeScores: z.record(z.string(), AttributeScoreSchema),
    languages: z.array(z.string()),
    detectedLanguages: z.array(z.string()).optional(),
    clientToken: z.string().optional(),
  })
  .meta({ id: 'AnalyzeCommentResponse' });
export type AnalyzeCommentResponse = z.infer<typeof AnalyzeCommentResponseSchema>;

/** Google's error body: `{"error": {code, message, status, details}}`. */
export const GoogleErrorSchema = z
  .object({
    error: z.object({
      code: z.number().int(),
      message: z.string(),
      status: z.string(),
      details: z.array(z.record(z.string(), z.unknown())),
    }),
  })
  .meta({ id: 'GoogleError' });
export type GoogleError = z.infer<typeof GoogleErrorSchema>;
