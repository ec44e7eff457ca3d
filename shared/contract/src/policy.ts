// Per-game moderation policy, as data: routing thresholds, when to ask a human, and the rules
// that turn a verdict into an action. Validated once at start-up; unknown games get the default.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ActionSchema, CategorySchema } from './events';

export const RuleSchema = z.object({
  /** Human-readable name, reported with the decision's action in logs and audits. */
  name: z.string().min(1),
  when: z
    .object({
      category: CategorySchema.optional(),
      minToxicity: z.number().min(0).max(1).optional(),
      /** Offences by the player inside the policy's window, this one included. */
      minOffences: z.number().int().positive().optional(),
    })
    .strict(),
  action: ActionSchema,
});
export type Rule = z.infer<typeof RuleSchema>;

export const GamePolicySchema = z
  .object({
    /** Overrides the fast model's own routing thresholds for this game. */
    routing: z
      .object({ okBelow: z.number().min(0).max(1), toxicFrom: z.number().min(0).max(1) })
      .refine((r) => r.okBelow <= r.toxicFrom, 'okBelow must not exceed toxicFrom')
      .optional(),
    /**
     * The deep verdict is final at or above this confidence; below it a moderator decides.
     * Unset: the deep model's own validated value (travels with its result), else 0.6.
     */
    deepMinConfidence: z.number().min(0).max(1).optional(),
    /** Deep toxicity from which a message is blocked. Unset: the model's own value, else 0.5. */
    deepToxicFrom: z.number().min(0).max(1).optional(),
    /** A case no moderator decides in time gets its provisional (model) verdict. */
    moderationDeadlineSeconds: z.number().int().positive().default(3600),
    offenceWindowSeconds: z.number().int().positive().default(24 * 3600),
    /** Evaluated in order for blocked messages; the first match wins, so put specific rules first. */
    rules: z.array(RuleSchema).min(1),
  })
  .strict();
export type GamePolicy = z.infer<typeof GamePolicySchema>;

export const PolicyFileSchema = z
  .object({
    default: GamePolicySchema,
    // A game's override without the schema defaults: they would mask the values of `default`.
    games: z.record(z.string(), z.object(Object.fromEntries(Object.entries(GamePolicySchema.shape).map(([k, s]) => [k, s instanceof z.ZodDefault ? s.unwrap() : s]))).partial().strict()).default({}),
  })
  .strict();
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

const HOUR = 3600;

export const DEFAULT_POLICY: GamePolicy = GamePolicySchema.parse({
  rules: [
    { name: 'repeat threats', when: { category: 'threat', minOffences: 2 }, action: { type: 'ban', durationSeconds: 7 * 24 * HOUR } },
    { name: 'threat', when: { category: 'threat' }, action: { type: 'kick' } },
    { name: 'repeat identity hate', when: { category: 'identity_hate', minOffences: 2 }, action: { type: 'ban', durationSeconds: 24 * HOUR } },
    { name: 'identity hate', when: { category: 'identity_hate' }, action: { type: 'mute', durationSeconds: HOUR } },
    { name: 'persistent offender', when: { minOffences: 5 }, action: { type: 'kick' } },
    { name: 'repeat offender', when: { minOffences: 3 }, action: { type: 'mute', durationSeconds: 10 * 60 } },
    { name: 'severe', when: { minToxicity: 0.95 }, action: { type: 'mute', durationSeconds: 5 * 60 } },
    { name: 'first offence', when: {}, action: { type: 'warn' } },
  ],
});

export interface PolicyBook {
  forGame(gameId: string): GamePolicy;
}

export function policyBook(file: PolicyFile = { default: DEFAULT_POLICY, games: {} }): PolicyBook {
  const cache = new Map<string, GamePolicy>();
  return {
    forGame(gameId) {
      let policy = cache.get(gameId);
      if (!policy) {
        policy = { ...file.default, ...file.games[gameId] } as GamePolicy;
        cache.set(gameId, policy);
      }
      return policy;
    },
  };
}

/** Problems with a policy file, in plain words; empty when it is valid. */
function policyFileProblems(path: string): { book?: PolicyBook; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { problems: [`policy file ${path} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const parsed = PolicyFileSchema.safeParse(json);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `policy file ${path}: ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { book: policyBook(parsed.data), problems: [] };
}

/** Reads a policy file (GAME_POLICIES_FILE) if given; a malformed file throws with every problem. */
export function loadPolicyBook(path: string | undefined): PolicyBook {
  if (!path) return policyBook();
  const { book, problems } = policyFileProblems(path);
  if (!book) throw new Error(problems.join('; '));
  return book;
}

/** Config variable naming a policy file: parsed into a PolicyBook at boot, the default without one. */
export const policyFileVar = () =>
  z
    .string()
    .optional()
    .transform((path, ctx) => {
      if (!path) return policyBook();
      const { book, problems } = policyFileProblems(path);
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return book ?? z.NEVER;
    });
