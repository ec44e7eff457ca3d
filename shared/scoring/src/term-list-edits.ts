// Saving and reading a game's term lists, the same for every API that manages them (the gateway's
// admin API, the moderation API's leads): check the request whole (schema, then what would match
// every message, repeats, a term on both lists), refuse a change made on a stale version, save a
// version only when the lists differ, and describe each version by what it changed. Transport-free:
// the callers turn the outcome into their HTTP answers and audit entries.
import { createHash } from 'node:crypto';
import {
  type TermListHistory,
  TermListRequestSchema,
  type TermLists,
  type TermListSaved,
  type TermListStore,
  type TermListVersion,
  type TermListVersionResponse,
} from '@sinbin/contract';
import { termListChanges, termListProblems } from './term-lists';

export const termListHash = (lists: TermLists): string => createHash('sha256').update(JSON.stringify({ block: lists.block, allow: lists.allow })).digest('hex');

/** A version as the APIs answer it (`version: null`: the game has no lists). */
export function termListView(gameId: string, v: TermListVersion | undefined): TermListVersionResponse {
  if (!v) return { gameId, version: null, block: [], allow: [] };
  return { gameId, version: v.version, block: v.lists.block, allow: v.lists.allow, createdAt: v.createdAt, createdBy: v.createdBy, contentHash: v.contentHash, ...(v.note ? { note: v.note } : {}) };
}

export type TermListEdit =
  /** Nothing saved: every problem, each with its place (`block[2]: ...`). */
  | { status: 'invalid'; issues: string[] }
  /** Nothing saved: someone saved since `expectedVersion`. */
  | { status: 'conflict'; current: number | null; message: string }
  /** `created`: the game's first version. `saved.unchanged`: the lists equal the latest version. */
  | { status: 'saved'; saved: TermListSaved; created: boolean };

/** Checks a save request (the body, parsed JSON) and saves it as a new version of the game's lists when valid, current and different. */
export async function saveTermLists(store: TermListStore, gameId: string, body: unknown, by: string, now: Date): Promise<TermListEdit> {
  const parsed = TermListRequestSchema.safeParse(body);
  if (!parsed.success) return { status: 'invalid', issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) };
  const { note, expectedVersion, ...rest } = parsed.data;
  const lists = rest as TermLists;
  const problems = termListProblems(lists);
  if (problems.length > 0) return { status: 'invalid', issues: problems };
  const latest = await store.latest(gameId);
  const current = latest?.version ?? null;
  if (expectedVersion !== undefined && expectedVersion !== current) {
    return { status: 'conflict', current, message: `the term lists of ${gameId} are at version ${current ?? 'none'}, not ${expectedVersion}: reload them and apply the change again` };
  }
  const contentHash = termListHash(lists);
  if (latest?.contentHash === contentHash) return { status: 'saved', saved: { ...termListView(gameId, latest), changes: [], unchanged: true }, created: false };
  const saved = await store.save(gameId, lists, { by, contentHash, now, expected: current, ...(note ? { note } : {}) });
  if (saved.status === 'conflict') {
    return { status: 'conflict', current: saved.current, message: `the term lists of ${gameId} changed meanwhile (now version ${saved.current ?? 'none'}): reload them and apply the change again` };
  }
  return { status: 'saved', saved: { ...termListView(gameId, saved.version), changes: termListChanges(latest?.lists, lists), unchanged: false }, created: !latest };
}

/** A page of the game's versions, newest first, each with what it changed against the one before. */
export async function termListHistory(store: TermListStore, gameId: string, opts: { limit: number; before?: number }): Promise<TermListHistory> {
  // One more than asked, so each version's changes are against the one before it.
  const versions = await store.history(gameId, { limit: opts.limit + 1, ...(opts.before !== undefined ? { before: opts.before } : {}) });
  const page = versions.slice(0, opts.limit);
  return {
    gameId,
    versions: page.map((v, i) => ({
      version: v.version,
      createdAt: v.createdAt,
      createdBy: v.createdBy,
      ...(v.note ? { note: v.note } : {}),
      blockCount: v.lists.block.length,
      allowCount: v.lists.allow.length,
      changes: termListChanges(versions[i + 1]?.lists, v.lists),
    })),
    ...(versions.length > opts.limit ? { next: page.at(-1)!.version } : {}),
  };
}
