// What changes between two policy versions, as a lead reads it: per scope (the default and each
// game, as the game effectively gets it), each setting that differs, and the rules matched by name
// (added, removed, changed, moved). Pure and zod-free, so the UI may use it too.
import type { GamePolicy, PolicyFile, Rule } from './policy';

export type PolicyChangeKind = 'added' | 'removed' | 'changed' | 'moved';

export interface PolicyChange {
  /** `default`, or the game whose effective policy changes. */
  scope: string;
  /** The setting (`moderationDeadlineSeconds`, `routing.okBelow`) or `rules["name"]`. */
  path: string;
  kind: PolicyChangeKind;
  before?: unknown;
  after?: unknown;
}

/** Settings in the order a lead reads them; rules come last. */
const SETTINGS = ['routing', 'deepMinConfidence', 'deepToxicFrom', 'moderationDeadlineSeconds', 'onDeadline', 'holdSeconds', 'offenceWindowSeconds'] as const;

/** The policy a game gets: the default with the game's own fields over it. */
export function effectivePolicy(file: PolicyFile, gameId: string): GamePolicy {
  return { ...file.default, ...file.games[gameId] } as GamePolicy;
}

/**
 * Changes from `before` to `after`. The default is compared as written; each game named in either
 * version is compared as it effectively is, so a change to the default shows under every game
 * that inherits it, and a game moved onto the default shows only what really changes for it.
 */
export function diffPolicies(before: PolicyFile, after: PolicyFile): PolicyChange[] {
  const changes = diffGamePolicy('default', before.default, after.default);
  const games = [...new Set([...Object.keys(before.games), ...Object.keys(after.games)])].sort();
  for (const game of games) {
    const was = game in before.games;
    const is = game in after.games;
    if (was !== is) changes.push({ scope: game, path: '(override)', kind: is ? 'added' : 'removed' });
    changes.push(...diffGamePolicy(game, effectivePolicy(before, game), effectivePolicy(after, game)));
  }
  return changes;
}

function diffGamePolicy(scope: string, a: GamePolicy, b: GamePolicy): PolicyChange[] {
  const out: PolicyChange[] = [];
  for (const key of SETTINGS) {
    const x = a[key];
    const y = b[key];
    if (key === 'routing' && x && y && typeof x === 'object' && typeof y === 'object') {
      for (const bound of ['okBelow', 'toxicFrom'] as const) if (x[bound] !== y[bound]) out.push({ scope, path: `routing.${bound}`, kind: 'changed', before: x[bound], after: y[bound] });
      continue;
    }
    if (same(x, y)) continue;
    out.push({ scope, path: key, kind: x === undefined ? 'added' : y === undefined ? 'removed' : 'changed', ...(x !== undefined ? { before: x } : {}), ...(y !== undefined ? { after: y } : {}) });
  }
  out.push(...diffRules(scope, a.rules, b.rules));
  return out;
}

function diffRules(scope: string, a: readonly Rule[], b: readonly Rule[]): PolicyChange[] {
  const out: PolicyChange[] = [];
  const before = new Map(a.map((r, i) => [r.name, { rule: r, at: i }]));
  const after = new Map(b.map((r, i) => [r.name, { rule: r, at: i }]));
  for (const [name, { rule }] of before) if (!after.has(name)) out.push({ scope, path: `rules["${name}"]`, kind: 'removed', before: rule });
  // Order matters (first match wins): a rule that keeps its name but changes place is reported.
  const keptBefore = a.filter((r) => after.has(r.name)).map((r) => r.name);
  const keptAfter = b.filter((r) => before.has(r.name)).map((r) => r.name);
  for (const [name, { rule, at }] of after) {
    const old = before.get(name);
    if (!old) {
      out.push({ scope, path: `rules["${name}"]`, kind: 'added', after: { ...rule, position: at + 1 } });
      continue;
    }
    if (!same(old.rule.when, rule.when)) out.push({ scope, path: `rules["${name}"].when`, kind: 'changed', before: old.rule.when, after: rule.when });
    if (!same(old.rule.action, rule.action)) out.push({ scope, path: `rules["${name}"].action`, kind: 'changed', before: old.rule.action, after: rule.action });
    if (keptBefore.indexOf(name) !== keptAfter.indexOf(name)) out.push({ scope, path: `rules["${name}"]`, kind: 'moved', before: old.at + 1, after: at + 1 });
  }
  return out;
}

/** Structural equality of JSON values (key order ignored). */
function same(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x).filter((k) => (x as Record<string, unknown>)[k] !== undefined);
  const ky = Object.keys(y).filter((k) => (y as Record<string, unknown>)[k] !== undefined);
  if (kx.length !== ky.length) return false;
  return kx.every((k) => same((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
}

/** One line per change, for people: `arena-shooter: moderationDeadlineSeconds 900 → 300`. */
export function describeChange(c: PolicyChange): string {
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  switch (c.kind) {
    case 'added':
      return `${c.scope}: ${c.path} added${c.after !== undefined ? ` (${show(c.after)})` : ''}`;
    case 'removed':
      return `${c.scope}: ${c.path} removed${c.before !== undefined ? ` (was ${show(c.before)})` : ''}`;
    case 'moved':
      return `${c.scope}: ${c.path} moved from position ${show(c.before)} to ${show(c.after)}`;
    case 'changed':
      return `${c.scope}: ${c.path} ${show(c.before)} → ${show(c.after)}`;
  }
}
