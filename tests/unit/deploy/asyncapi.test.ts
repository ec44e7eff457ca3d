// The committed AsyncAPI document is the generator's output, valid for @asyncapi/parser, and
// documents every registry topic and dead-letter topic with the registry's Kafka settings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deadLetterTopicOf, TOPIC_NAMES, TOPICS } from '@sinbin/contract';
import { ASYNCAPI_PATH, renderAsyncApi } from '../../../scripts/deploy/asyncapi';
import { REPO_ROOT } from '../../../scripts/deploy/manifests';
import { clusterPartitions } from '../../../scripts/deploy/profiles';

const committed = readFileSync(join(REPO_ROOT, ASYNCAPI_PATH), 'utf8');

describe('infra/asyncapi/asyncapi.yaml', () => {
  it('equals a fresh generation from the zod schemas and the topic registry', () => {
    expect(committed, 'stale: run `npx tsx scripts/deploy/asyncapi.ts` and commit infra/asyncapi/asyncapi.yaml').toBe(renderAsyncApi());
  });

  it('is a valid AsyncAPI 3.0 document (no error diagnostics from @asyncapi/parser)', async () => {
    const diagnostics = await new Parser().validate(committed);
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
  });

  it('has a channel with Kafka bindings per topic and per dead-letter topic', () => {
    const doc = parse(committed);
    expect(doc.asyncapi).toBe('3.0.0');
    for (const name of TOPIC_NAMES) {
      const channel = doc.channels[name];
      expect(channel.address).toBe(name);
      expect(channel.bindings.kafka).toMatchObject({ topic: name, partitions: clusterPartitions(name), replicas: 3 });
      expect(channel.bindings.kafka.topicConfiguration).toEqual({ 'cleanup.policy': ['delete'], 'retention.ms': TOPICS[name].retentionMs });
      const dlq = doc.channels[`${name}.dlq`];
      expect(dlq.address).toBe(deadLetterTopicOf(name));
      expect(dlq.bindings.kafka.topic).toBe(deadLetterTopicOf(name));
    }
  });

  it('describes each message with its CloudEvent type, partition key and JSON Schema payload', () => {
    const doc = parse(committed);
    for (const name of TOPIC_NAMES) {
      const ref: string = Object.values<{ $ref: string }>(doc.channels[name].messages)[0]!.$ref;
      const message = doc.components.messages[ref.split('/').pop()!];
      expect(message.title).toBe(TOPICS[name].ceType);
      expect(message.headers.properties.ce_type.const).toBe(TOPICS[name].ceType);
      expect(message.bindings.kafka.key.type).toBe('string');
      expect(message.payload.schemaFormat).toBe('application/schema+json;version=draft-07');
      expect(message.payload.schema.type).toBe('object');
      expect(Object.keys(message.payload.schema.properties).length).toBeGreaterThan(2);
    }
  });
});
