// Pure core of the gateway: turns a game backend's request into validated chat messages, or
// into one error that names the problem. Nothing of a rejected request is ever published.
import type { z } from 'zod';
import { type ApiErrorCode, type ChatMessage, type FinalDecision, MAX_WAIT_SECONDS, MessageBatchSchema, type MessageInput, MessageInputSchema } from '@sinbin/contract';

export { MAX_BATCH, MessageInputSchema, type MessageInput } from '@sinbin/contract';

export type ParseResult =
  | { ok: true; messages: MessageInput[] }
  | { ok: false; error: ApiErrorCode; message: string; issues?: { path: string; message: string }[] };

export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

function issuesOf(error: z.ZodError, prefix: string): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));
}

export function parseMessagesRequest(contentType: string | undefined, body: Buffer | string): ParseResult {
  if (!isJsonContentType(contentType)) {
    return { ok: false, error: 'unsupported-media-type', message: 'send the body as Content-Type: application/json' };
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return { ok: false, error: 'invalid-json', message: 'the body is not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: 'invalid-body', message: 'the body must be one message object or {"messages": [...]}' };
  }
  let items: unknown[];
  let prefix: string;
  if ('messages' in json) {
    const batch = MessageBatchSchema.safeParse(json);
    if (!batch.success) {
      const tooMany = batch.error.issues.some((i) => i.code === 'too_big');
      return {
        ok: false,
        error: tooMany ? 'batch-too-large' : 'invalid-batch',
        message: batch.error.issues[0]!.message,
        issues: issuesOf(batch.error, ''),
      };
    }
    items = batch.data.messages;
    prefix = 'messages';
  } else {
    items = [json];
    prefix = '';
  }
  const messages: MessageInput[] = [];
  const issues: { path: string; message: string }[] = [];
  items.forEach((item, i) => {
    const parsed = MessageInputSchema.safeParse(item);
    if (parsed.success) messages.push(parsed.data);
    else issues.push(...issuesOf(parsed.error, prefix ? `${prefix}.${i}` : ''));
  });
  if (issues.length > 0) {
    const tooLong = issues.some((i) => i.message.startsWith('text must be at most'));
    return { ok: false, error: tooLong ? 'text-too-long' : 'invalid-message', message: issues[0]!.message, issues: issues.slice(0, 20) };
  }
  const ids = messages.map((m) => m.messageId).filter((x): x is string => x !== undefined);
  if (new Set(ids).size !== ids.length) {
    return { ok: false, error: 'duplicate-message-id', message: 'a batch must not repeat a messageId' };
  }
  return { ok: true, messages };
}

export function toChatMessage(input: MessageInput, gameId: string, messageId: string, now: Date): ChatMessage {
  return {
    messageId,
    gameId,
    channelId: input.channelId,
    playerId: input.playerId,
    text: input.text,
    sentAt: input.sentAt ?? now.toISOString(),
    receivedAt: now.toISOString(),
    ...(input.locale ? { locale: input.locale } : {}),
  };
}

/** `Authorization: Bearer <key>` -> the key, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/**
 * The wait a request asks for with `Prefer: wait=<seconds>` (RFC 7240), clamped to 0..MAX_WAIT_SECONDS.
 * Several Prefer headers or comma-separated preferences are read; a malformed value (or none)
 * means no wait: a preference is a hint, so it is never an error.
 */
export function preferredWait(header: string | string[] | undefined, max = MAX_WAIT_SECONDS): number | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const value of values) {
    for (const pref of value.slice(0, 1024).split(',')) {
      const [name, ...rest] = pref.split(';')[0]!.split('=');
      if (name?.trim().toLowerCase() !== 'wait' || rest.length !== 1) continue;
      const raw = rest[0]!.trim().replace(/^"(.*)"$/, '$1');
      if (!/^\d{1,12}$/.test(raw)) return undefined;
      return Math.min(max, Number(raw));
    }
  }
  return undefined;
}

/** What identifies a message's content for idempotency: the fields the client sent, in a fixed order. */
export function canonicalContent(input: MessageInput): string {
  return JSON.stringify([input.channelId, input.playerId, input.text, input.sentAt ?? null, input.locale ?? null]);
}

/** The answer for each accepted message: its decision when there is one. */
export function acceptedAnswers(ids: readonly string[], decisions: ReadonlyMap<string, FinalDecision>) {
  return ids.map((messageId) => {
    const decision = decisions.get(messageId);
    return decision ? { messageId, status: 'decided' as const, decision } : { messageId, status: 'pending' as const };
  });
}
