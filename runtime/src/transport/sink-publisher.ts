// Publisher to a Knative KafkaSink (or any CloudEvents sink): one binary-mode CloudEvent POST
// per record; 202 means produced. The record key travels as the `partitionkey` extension.
import { DependencyError, type Publisher, type WireRecord } from '@sinbin/contract';

export class CloudEventSinkPublisher implements Publisher {
  constructor(private readonly sinkUrl: string) {}

  async publish(records: readonly WireRecord[]): Promise<void> {
    for (const record of records) {
      const headers: Record<string, string> = { 'content-type': record.headers['content-type'] ?? 'application/json' };
      for (const [k, v] of Object.entries(record.headers)) if (k.startsWith('ce_')) headers[`ce-${k.slice(3)}`] = v;
      if (record.key !== null) headers['ce-partitionkey'] = record.key;
      let status: number;
      try {
        const res = await fetch(this.sinkUrl, { method: 'POST', headers, body: record.value, signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        status = res.status;
      } catch (cause) {
        throw new DependencyError(`sink unreachable: ${(cause as Error).message}`, { cause });
      }
      if (status < 200 || status >= 300) throw new DependencyError(`sink answered ${status} for a ${record.topic} event`);
    }
  }
}
