// One POST over a keep-alive connection: connector deliveries and game webhooks. node:http costs
// far less CPU per request than fetch, and both send a request per record or batch all the time.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 256 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };

export interface PostAnswer {
  status: number;
  body: string;
}

/** POSTs `body`; rejects on a network error or when no answer comes within `timeoutMs`. */
export function postBody(url: string, headers: Record<string, string>, body: Buffer | string, timeoutMs: number): Promise<PostAnswer> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: 'POST', agent: secure ? agents.https : agents.http, headers: { ...headers, 'content-length': String(bytes.length) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(bytes);
  });
}
