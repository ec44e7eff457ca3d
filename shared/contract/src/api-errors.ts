// The closed vocabulary of errors the HTTP APIs answer with (the gateway, the moderation API),
// as the deliveries have theirs (errors.ts): each code has one status and says whether the same
// request may succeed later. The UI and API clients match on `error`, never on the sentence.
import type { HttpResponse } from './http';

interface ApiErrorSpec {
  status: number;
  /** True when repeating the same request later may succeed (after Retry-After if given). */
  retry: boolean;
  /** What it means, for the API reference. */
  meaning: string;
}

export const API_ERRORS = {
  'invalid-json': { status: 400, retry: false, meaning: 'the body is not valid JSON' },
  'invalid-query': { status: 400, retry: false, meaning: 'a query parameter is missing or has a wrong value' },
  'invalid-body': { status: 400, retry: false, meaning: 'the body does not have the documented shape' },
  'invalid-message': { status: 400, retry: false, meaning: 'a chat message is missing a field or has a wrong one' },
  'invalid-batch': { status: 400, retry: false, meaning: '`messages` is not a non-empty array' },
  'batch-too-large': { status: 400, retry: false, meaning: 'more messages in one request than a batch may hold' },
  'text-too-long': { status: 400, retry: false, meaning: 'a message text is over the length limit' },
  'duplicate-message-id': { status: 400, retry: false, meaning: 'a batch repeats a messageId' },
  'invalid-verdict': { status: 400, retry: false, meaning: 'a moderator verdict is missing a field or has a wrong one' },
  'invalid-policy': { status: 400, retry: false, meaning: 'the policy document is not valid (every problem is listed); nothing changed' },
  'invalid-assignment': { status: 400, retry: false, meaning: "a moderator's games are not valid; nothing changed" },
  'invalid-settings': { status: 400, retry: false, meaning: 'the settings are not valid; nothing changed' },
  'invalid-player-id': { status: 400, retry: false, meaning: 'a player id is empty, longer than 128 characters or holds control characters' },
  'invalid-appeal': { status: 400, retry: false, meaning: "an appeal is missing the player's statement or has a wrong field" },
  'invalid-term-list': { status: 400, retry: false, meaning: 'a term list has a wrong entry (one that would match every message, a duplicate, a term on both lists); nothing was saved' },
  'missing-api-key': { status: 401, retry: false, meaning: 'no Authorization: Bearer <game API key>' },
  'unknown-api-key': { status: 401, retry: false, meaning: 'the game API key is not valid' },
  'admin-unauthorized': { status: 401, retry: false, meaning: 'no valid admin token (Authorization: Bearer <token from GATEWAY_ADMIN_TOKENS>)' },
  'admin-disabled': { status: 403, retry: false, meaning: 'the admin API is off: no GATEWAY_ADMIN_TOKENS configured' },
  unauthorized: { status: 401, retry: false, meaning: 'no valid moderator session or token' },
  'invalid-credentials': { status: 401, retry: false, meaning: 'wrong username or password' },
  forbidden: { status: 403, retry: false, meaning: 'the caller may not do this (a lead-only action)' },
  'not-yours': { status: 403, retry: false, meaning: 'only the moderator who gave a verdict can undo it' },
  'own-decision': { status: 403, retry: false, meaning: 'a moderator cannot review the appeal of their own verdict' },
  'not-found': { status: 404, retry: false, meaning: 'no such resource (or not visible to this caller)' },
  'method-not-allowed': { status: 405, retry: false, meaning: 'the path exists, not with this method' },
  claimed: { status: 409, retry: true, meaning: 'another moderator is reviewing the case; it frees when their claim lapses' },
  'already-decided': { status: 409, retry: false, meaning: 'the case already has a verdict' },
  'message-id-conflict': { status: 409, retry: false, meaning: 'a messageId was already used for a message with other content; nothing of the request was published' },
  'key-limit': { status: 409, retry: false, meaning: 'the game already has its two live API keys: revoke one first' },
  'config-key': { status: 409, retry: false, meaning: 'a key from GAME_API_KEYS is rotated by changing the config, not through the API' },
  'not-holder': { status: 409, retry: false, meaning: 'the caller does not hold the case' },
  'not-claimed': { status: 409, retry: false, meaning: 'claim the case before giving a verdict' },
  'too-late': { status: 409, retry: false, meaning: 'the undo window has passed' },
  'already-appealed': { status: 409, retry: false, meaning: 'the decision has an appeal already: one appeal per decision' },
  'not-appealable': { status: 409, retry: false, meaning: 'the decision cannot be appealed (it allowed the message, appeals are off for the game, or the appeal window has passed)' },
  exists: { status: 409, retry: false, meaning: 'an account with this username exists' },
  self: { status: 409, retry: false, meaning: 'a lead cannot disable their own account' },
  'version-conflict': { status: 409, retry: false, meaning: 'the version in force (a policy, the term lists) changed since the caller read it (`expected`); read it again and apply the change again' },
  'no-previous-version': { status: 409, retry: false, meaning: 'there is no earlier version to roll back to' },
  'already-active': { status: 409, retry: false, meaning: 'the version is the active one; a shadow runs a different version' },
  'invalid-artefact': { status: 422, retry: false, meaning: 'the model version cannot serve (corrupt or incompatible artefacts); the champion is unchanged' },
  'body-too-large': { status: 413, retry: false, meaning: 'the request body is over the size limit' },
  'unsupported-media-type': { status: 415, retry: false, meaning: 'send Content-Type: application/json' },
  'rate-limited': { status: 429, retry: true, meaning: 'too many requests with this API key; wait for Retry-After' },
  'too-many-headers': { status: 431, retry: false, meaning: 'the request has more header fields than the limit' },
  'too-many-attempts': { status: 429, retry: true, meaning: 'too many failed attempts; wait for Retry-After' },
  internal: { status: 500, retry: true, meaning: 'the server failed; it is safe to retry' },
  unavailable: { status: 503, retry: true, meaning: 'a dependency is down; retry after Retry-After' },
} as const satisfies Record<string, ApiErrorSpec>;

export type ApiErrorCode = keyof typeof API_ERRORS;
export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/** The body of every API error: the code to match on, a sentence for people, and extra fields some codes carry. */
export interface ApiErrorBody {
  error: ApiErrorCode;
  message: string;
  retry: boolean;
  [extra: string]: unknown;
}

export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.hasOwn(API_ERRORS, code);
}

/** An error response with the status of its code. */
export function apiError(code: ApiErrorCode, message: string, opts: { headers?: Record<string, string>; details?: Record<string, unknown> } = {}): HttpResponse {
  const spec = API_ERRORS[code];
  const body: ApiErrorBody = { ...opts.details, error: code, message, retry: spec.retry };
  return { status: spec.status, body, ...(opts.headers ? { headers: opts.headers } : {}) };
}
