// ObjectStore on MinIO (or any S3 API) through the `minio` client: one adapter per bucket. MinIO
// is a separate AGPL server reached only over its S3 API; nothing of it is linked here.
import { Client } from 'minio';
import type { ObjectStore } from '@sinbin/contract';

export interface S3Endpoint {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
}

/** `http://127.0.0.1:9000` -> the client's endpoint settings. */
export function s3Endpoint(url: string, accessKey: string, secretKey: string): S3Endpoint {
  const u = new URL(url);
  const useSSL = u.protocol === 'https:';
  return { endPoint: u.hostname, port: Number(u.port || (useSSL ? 443 : 80)), useSSL, accessKey, secretKey };
}

export function minioClient(endpoint: S3Endpoint): Client {
  return new Client({ ...endpoint, region: 'us-east-1' });
}

const TRANSIENT = /socket hang up|ECONNRESET|EPIPE|ETIMEDOUT/;

/** Every call here is idempotent: a connection dropped mid-call (a stale keep-alive socket) is retried twice. */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 3 || !TRANSIENT.test(String((error as Error).message ?? error))) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

const isMissing = (error: unknown) => ['NoSuchKey', 'NotFound', 'NoSuchObject'].includes((error as { code?: string }).code ?? '');

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return new Uint8Array(Buffer.concat(chunks));
}

export class MinioObjectStore implements ObjectStore {
  constructor(
    private readonly client: Client,
    readonly bucket: string,
  ) {}

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    const buffer = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    await retried(() => this.client.putObject(this.bucket, key, buffer, buffer.length, { 'Content-Type': contentType }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await retried(async () => readAll(await this.client.getObject(this.bucket, key)));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  list(prefix: string): Promise<string[]> {
    return retried(() => this.listOnce(prefix));
  }

  private async listOnce(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const stream = this.client.listObjectsV2(this.bucket, prefix, true);
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (item) => {
        if (item.name) keys.push(item.name);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve());
    });
    return keys.sort();
  }

  async remove(key: string): Promise<void> {
    await retried(() => this.client.removeObject(this.bucket, key));
  }
}
