// Pure core of the gateway: turns a game backend's request into validated chat messages, or
// into one error that names the problem. Nothing of a rejected request is ever published.
import { z } from 'zod';
import { type ApiErrorCode, type ChatMessage, MAX_TEXT_LENGTH } from '@sinbin/contract';

export const MAX_BATCH = 500;

const id = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`);

export const MessageInputSchema = z.object({
  messageId: id('messageId').optional(),
  channelId: id('channelId'),
  playerId: id('playerId'),
  text: z
    .string({ error: (i) => (i.input === undefined ? 'text is required' : 'text must be a string') })
    .max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`)
    .refine((t) => t.trim().length > 0, 'text must not be empty'),
  sentAt: z.string().datetime({ offset: true, message: 'sentAt must be an ISO 8601 timestamp' }).optional(),
  locale: z.string().min(2).max(35).optional(),
});
export type MessageInput = z.infer<typeof MessageInputSchema>;

const BatchSchema = z.object({
  messages: z.array(z.unknown(), { error: 'messages must be an array' }).min(1, 'messages must not be empty').max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} messages`),
});

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
    const batch = BatchSchema.safeParse(json);
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
