// Typed client of the sinbin gateway: openapi-fetch over the types openapi-typescript generated
// from the gateway's OpenAPI document (schema.ts), plus the one call most game backends make:
// send a message and wait (briefly) for its decision.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths } from './schema';
export type FinalDecision = components['schemas']['FinalDecision'];
export type MessageInput = components['schemas']['MessageInput'];
export type AcceptedMessage = components['schemas']['AcceptedMessage'];
export type ApiError = components['schemas']['ApiError'];

export interface SinbinClientOptions {
  /** The gateway, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** A game API key. */
  apiKey: string;
  fetch?: typeof fetch;
}

export type SinbinClient = Client<paths> & {
  /**
   * Sends messages and waits up to `waitSeconds` (at most 10) for their final decisions. Each
   * accepted message comes back `decided` (with its decision) or `pending` (it will arrive by
   * GET /v1/decisions/{id} and webhook). Throws SinbinError on a refusal.
   */
  sendAndWait(messages: MessageInput | MessageInput[], waitSeconds: number): Promise<AcceptedMessage[]>;
};

export class SinbinError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | undefined,
  ) {
    super(body ? `${status} ${body.error}: ${body.message}` : `HTTP ${status}`);
    this.name = 'SinbinError';
  }
  /** True when the same request may succeed later (after Retry-After). */
  get retry(): boolean {
    return this.body?.retry ?? this.status >= 500;
  }
}

export function createSinbinClient(opts: SinbinClientOptions): SinbinClient {
  const client = createClient<paths>({ baseUrl: opts.baseUrl, headers: { authorization: `Bearer ${opts.apiKey}` }, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  return Object.assign(client, {
    async sendAndWait(messages: MessageInput | MessageInput[], waitSeconds: number): Promise<AcceptedMessage[]> {
      const body = Array.isArray(messages) ? { messages } : messages;
      const { data, error, response } = await client.POST('/v1/messages', { body, params: { header: { prefer: `wait=${waitSeconds}` } } });
      if (!data) throw new SinbinError(response.status, error as ApiError | undefined);
      return data.accepted;
    },
  });
}
