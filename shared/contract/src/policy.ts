// Per-game moderation policy, as data: routing thresholds, when to ask a human, what a case no
// moderator decides in time gets, and the rules that turn a verdict into an action. Policies are
// versioned data (policy-versions.ts); a file (GAME_POLICIES_FILE) seeds the first version.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ActionSchema, CategorySchema, DeadlineLapseSchema, LimitOutcomeSchema, RoutingBandSchema } from './events';
import { CATEGORIES } from './scorer';

/** A category name as models report it: today's CATEGORIES and any head a later model adds. */
export const CategoryNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a category name: lower-case letters, digits and _');

/** The default deadline: minutes, so a message whose case nobody takes is not left undecided for long. */
export const DEFAULT_DEADLINE_SECONDS = 300;

export const RuleSchema = z.object({
  /** Human-readable name, reported with the decision's action in logs and audits. */
  name: z.string().min(1),
  when: z
    .object({
      category: CategorySchema.optional(),
      minToxicity: z.number().min(0).max(1).optional(),
      /** Offences by the player inside the policy's window, this one included, whatever their category. */
      minOffences: z.number().int().positive().optional(),
      /**
       * Offences of this message's category by the player inside the policy's window, this one
       * included: "a second attack on a group", where minOffences reads "after any offence".
       */
      minCategoryOffences: z.number().int().positive().optional(),
      /**
       * Category scores the deciding model must reach, e.g. `{"threat": 0.7}`. Any category name
       * a model reports (new heads included); one no model reports yet never matches.
       */
      scores: z.record(CategoryNameSchema, z.number().min(0).max(1)).optional(),
      /** The player's standing before this message (docs/reputation.md) is at least this: a clean history. */
      minStanding: z.number().min(0).max(1).optional(),
      /** The player's standing before this message is at most this: a repeat offender. */
      maxStanding: z.number().min(0).max(1).optional(),
    })
    .strict(),
  action: ActionSchema,
});
export type Rule = z.infer<typeof RuleSchema>;

const seconds = (max: number) => z.number().int().positive().max(max);

/** One limit: more than `max` matching messages inside `windowSeconds` and the next one is limited. */
const windowLimit = (maxWindow: number) =>
  z.object({ max: z.number().int().positive().max(10_000), windowSeconds: seconds(maxWindow), outcome: LimitOutcomeSchema.optional() }).strict();

export const LIMIT_WINDOW_MAX_SECONDS = 600;

export const LimitsPolicySchema = z
  .object({
    enabled: z.boolean().optional(),
    /** What a limited message gets unless its limit names its own outcome. */
    outcome: LimitOutcomeSchema.optional(),
    /** For the `mute` outcome. */
    muteSeconds: seconds(7 * 86_400).optional(),
    /** The same or a near-identical line from one player (any channel). */
    repeat: windowLimit(LIMIT_WINDOW_MAX_SECONDS).extend({ similarity: z.number().min(0.5).max(1).optional() }).strict().optional(),
    /** Messages from one player. */
    burst: windowLimit(LIMIT_WINDOW_MAX_SECONDS).optional(),
    /** Messages in one channel from everyone (a raid): slows the channel down. */
    channelBurst: windowLimit(LIMIT_WINDOW_MAX_SECONDS).optional(),
    /** Messages with a link from one player. */
    links: windowLimit(LIMIT_WINDOW_MAX_SECONDS).optional(),
    /** One line made of a character run (`maxRun` or more of one character) or of one word repeated (`maxWordRepeats` times). */
    charFlood: z.object({ maxRun: z.number().int().min(4).max(2000).optional(), maxWordRepeats: z.number().int().min(3).max(1000).optional(), outcome: LimitOutcomeSchema.optional() }).strict().optional(),
  })
  .strict();
export type LimitsPolicy = z.infer<typeof LimitsPolicySchema>;

export const ReputationPolicySchema = z
  .object({
    /** An offence weighs half as much after this many days. */
    halfLifeDays: z.number().positive().max(3650).optional(),
    /** Weighted offences that take standing to 1/e (0.37). */
    scale: z.number().positive().max(1000).optional(),
  })
  .strict();
export type ReputationPolicy = z.infer<typeof ReputationPolicySchema>;

export const AppealsPolicySchema = z
  .object({
    /** Players may appeal (through the game) decisions that blocked them. */
    enabled: z.boolean().optional(),
    /** An appeal no moderator reviews by then lapses: the decision stands. */
    deadlineHours: z.number().positive().max(24 * 90).optional(),
    /** How long after the decision a player may still appeal. */
    windowDays: z.number().positive().max(365).optional(),
  })
  .strict();
export type AppealsPolicy = z.infer<typeof AppealsPolicySchema>;

export const GamePolicySchema = z
  .object({
    /** Overrides the fast model's own routing thresholds for this game. */
    routing: RoutingBandSchema.optional(),
    /**
     * The deep verdict is final at or above this confidence; below it a moderator decides.
     * Unset: the deep model's own validated value (travels with its result), else 0.6.
     */
    deepMinConfidence: z.number().min(0).max(1).optional(),
    /** Deep toxicity from which a message is blocked. Unset: the model's own value, else 0.5. */
    deepToxicFrom: z.number().min(0).max(1).optional(),
    /** How long a case waits for a moderator before `onDeadline` applies. */
    moderationDeadlineSeconds: z.number().int().positive().max(7 * 24 * 3600).default(DEFAULT_DEADLINE_SECONDS),
    /** What a case gets when no moderator decided it in time (see DeadlineLapseSchema). */
    onDeadline: DeadlineLapseSchema.default('model'),
    /** With `onDeadline: hold`: how much longer the case waits for a moderator before the models' reading applies. */
    holdSeconds: z.number().int().positive().max(7 * 24 * 3600).default(24 * 3600),
    offenceWindowSeconds: z.number().int().positive().default(24 * 3600),
    /**
     * Threats, self-harm encouragement and doxxing (the fast path's alarm; never allowed by it):
     * `moderator` (default): a moderator decides, at the top of the queue, after the deep reading;
     * blocked if nobody decides in time. `block`: blocked at once (the rules pick the action).
     * `models`: the deep analysis decides, as for any ambiguous message.
     */
    alarms: z.enum(['moderator', 'block', 'models']).default('moderator'),
    /**
     * Mild taunts about someone's play ("gg ez", "noob team", "uninstall") that a model blocks:
     * `warn` (default) keeps the block with a warning and never more (the taunt does not count
     * towards the rules' offences and weighs as low severity); `allow` lets them through; `rules`
     * treats them like any other blocked message. Game-chat annotators call most of them toxic
     * (CONDA), so the default keeps the verdict and softens only the sanction.
     */
    mildTaunts: z.enum(['allow', 'warn', 'rules']).default('warn'),
    /** Evaluated in order for blocked messages; the first match wins, so put specific rules first. */
    rules: z.array(RuleSchema).min(1),
    /** Flood and spam limits before any model (docs/limits.md); unset fields keep DEFAULT_LIMITS. */
    limits: LimitsPolicySchema.optional(),
    /** How a player's standing is computed (docs/reputation.md); unset fields keep DEFAULT_REPUTATION. */
    reputation: ReputationPolicySchema.optional(),
    /** Players' appeals (docs/appeals.md); unset fields keep DEFAULT_APPEALS. */
    appeals: AppealsPolicySchema.optional(),
  })
  .strict();
export type GamePolicy = z.infer<typeof GamePolicySchema>;

export const PolicyFileSchema = z
  .object({
    default: GamePolicySchema,
    // A game's override without the schema defaults: they would mask the values of `default`.
    games: z.record(z.string().min(1).max(128), z.object(Object.fromEntries(Object.entries(GamePolicySchema.shape).map(([k, s]) => [k, s instanceof z.ZodDefault ? s.unwrap() : s]))).partial().strict()).default({}),
  })
  .strict();
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

const HOUR = 3600;

export const DEFAULT_POLICY: GamePolicy = GamePolicySchema.parse({
  rules: [
    { name: 'repeat threats', when: { category: 'threat', minCategoryOffences: 2 }, action: { type: 'ban', durationSeconds: 7 * 24 * HOUR } },
    { name: 'threat', when: { category: 'threat' }, action: { type: 'kick' } },
    { name: 'self-harm encouragement', when: { category: 'self_harm' }, action: { type: 'mute', durationSeconds: 24 * HOUR } },
    { name: 'repeat identity hate', when: { category: 'identity_hate', minCategoryOffences: 2 }, action: { type: 'ban', durationSeconds: 24 * HOUR } },
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

/** Problems with a policy document, in plain words (`path: message`); empty when it is valid. */
export function policyProblems(json: unknown, label = 'policy'): { file?: PolicyFile; problems: string[] } {
  const parsed = PolicyFileSchema.safeParse(json);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${label}: ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { file: parsed.data, problems: [] };
}

/**
 * What is valid but probably not meant, for the lead to read before activating: categories no
 * model reports, games whose rules leave a blocked message without action, settings that do nothing.
 */
export function policyWarnings(file: PolicyFile, knownCategories: readonly string[] = CATEGORIES): string[] {
  const warnings: string[] = [];
  const scopes: [string, Partial<GamePolicy>][] = [['default', file.default], ...Object.entries(file.games).map(([g, p]) => [`games.${g}`, p] as [string, Partial<GamePolicy>])];
  for (const [scope, p] of scopes) {
    for (const [i, rule] of (p.rules ?? []).entries()) {
      for (const name of Object.keys(rule.when.scores ?? {})) {
        if (!knownCategories.includes(name)) warnings.push(`${scope}.rules.${i} ("${rule.name}"): no model in service reports the category "${name}" yet; the rule matches nothing until one does`);
      }
      if (['mute', 'ban'].includes(rule.action.type) && rule.action.durationSeconds === undefined) warnings.push(`${scope}.rules.${i} ("${rule.name}"): a ${rule.action.type} without durationSeconds: the game decides how long`);
    }
    const rules = p.rules;
    if (rules && !rules.some((r) => Object.keys(r.when).length === 0)) warnings.push(`${scope}: no catch-all rule ("when": {}) last: a blocked message no rule matches gets no action`);
    if (p.routing && p.routing.okBelow === p.routing.toxicFrom) warnings.push(`${scope}.routing: okBelow equals toxicFrom, so no message goes to the deep analysis`);
  }
  for (const [game, p] of Object.entries(file.games)) {
    const effective = { ...file.default, ...p };
    if (p.holdSeconds !== undefined && effective.onDeadline !== 'hold') warnings.push(`games.${game}.holdSeconds: set, but onDeadline is ${effective.onDeadline}, so it is not used`);
  }
  return warnings;
}

/** A policy document's content as a stable hash (keys sorted), to tell whether a file changed. */
export function policyHash(file: PolicyFile): string {
  return createHash('sha256').update(stableJson(file)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function readPolicyFile(path: string): { file?: PolicyFile; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { problems: [`policy file ${path} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return policyProblems(json, `policy file ${path}`);
}

/** Reads a policy file (GAME_POLICIES_FILE) if given; a malformed file throws with every problem. */
export function loadPolicyBook(path: string | undefined): PolicyBook {
  if (!path) return policyBook();
  const { file, problems } = readPolicyFile(path);
  if (!file) throw new Error(problems.join('; '));
  return policyBook(file);
}

/** Where the first policy version comes from: the file named by GAME_POLICIES_FILE, else the built-in default. */
export interface PolicySeed {
  document: PolicyFile;
  source: 'file' | 'default';
  path?: string;
}

export const DEFAULT_POLICY_FILE: PolicyFile = { default: DEFAULT_POLICY, games: {} };

/**
 * Config variable naming a policy file: read and validated at boot (a malformed file stops the
 * function with every problem), the seed of the versioned policies.
 */
export const policyFileVar = () =>
  z
    .string()
    .optional()
    .transform((path, ctx): PolicySeed => {
      if (!path) return { document: DEFAULT_POLICY_FILE, source: 'default' };
      const { file, problems } = readPolicyFile(path);
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return file ? { document: file, source: 'file', path } : z.NEVER;
    });
