// Generates infra/asyncapi/asyncapi.yaml (AsyncAPI 3.0) from the code: every topic of the
// registry and its dead-letter topic, with Kafka bindings (topic, partitions, replicas,
// retention), the partition key, the CloudEvent type and the payload's JSON Schema converted
// from the zod schema; operations say which function sends or receives each topic.
//
//   npx tsx scripts/deploy/asyncapi.ts           write the file
//   npx tsx scripts/deploy/asyncapi.ts --check   exit 1 if the committed file differs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document } from 'yaml';
import { z } from 'zod';
import { FUNCTIONS } from '../../functions';
import { DEAD_LETTER_CE_TYPE, DeadLetterEventSchema, deadLetterTopicOf, TOPIC_NAMES, type TopicName, TOPICS, variantsOf } from '@sinbin/contract';
import { KAFKA_BOOTSTRAP, REPLICATION_FACTOR, topicDeployments } from './profiles';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ASYNCAPI_PATH = 'infra/asyncapi/asyncapi.yaml';
// Kafka bindings version this document is written against.
const KAFKA_BINDING_VERSION = '0.5.0';
const PAYLOAD_FORMAT = 'application/schema+json;version=draft-07';

/** draft-07 JSON Schema of a zod schema, without the `$schema` line (schemaFormat says it). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  return rest;
}

const pascal = (name: string) => name.replace(/(^|[-.])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());

/** The CloudEvent attributes each record carries as Kafka headers (binary content mode). */
function cloudEventHeaders(ceType: string) {
  return {
    type: 'object',
    required: ['ce_specversion', 'ce_id', 'ce_type', 'ce_source'],
    properties: {
      ce_specversion: { type: 'string', const: '1.0' },
      ce_id: { type: 'string' },
      ce_type: { type: 'string', const: ceType },
      ce_source: { type: 'string' },
      ce_time: { type: 'string', format: 'date-time' },
      'content-type': { type: 'string', const: 'application/json' },
    },
  };
}

export function renderAsyncApi(): string {
  const deployments = new Map(topicDeployments().map((t) => [t.name, t]));
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  const kafkaChannel = (name: string) => {
    const t = deployments.get(name);
    if (!t) throw new Error(`topic ${name} is not in the deployment plan`);
    return {
      kafka: {
        topic: name,
        partitions: t.partitions,
        replicas: REPLICATION_FACTOR,
        topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': t.retentionMs },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    };
  };

  for (const name of TOPIC_NAMES) {
    const topic = TOPICS[name];
    const messageId = pascal(name);
    messages[messageId] = {
      name: messageId,
      title: topic.ceType,
      summary: topic.description,
      contentType: 'application/json',
      headers: cloudEventHeaders(topic.ceType),
      payload: { schemaFormat: PAYLOAD_FORMAT, schema: jsonSchema(topic.schema) },
      bindings: {
        kafka: {
          key: { type: 'string', description: name === 'model-training-data' ? 'gameId' : '<gameId>/<channelId>: a conversation stays on one partition' },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    // A variant is another kind of event on the topic: same payload schema, its own CloudEvent type.
    const variantIds: string[] = [];
    for (const variant of variantsOf(name)) {
      const variantId = pascal(variant.name);
      variantIds.push(variantId);
      messages[variantId] = { ...(messages[messageId] as object), name: variantId, title: variant.ceType, summary: variant.description, headers: cloudEventHeaders(variant.ceType) };
    }
    channels[name] = {
      address: name,
      title: name,
      description: topic.description,
      messages: Object.fromEntries([messageId, ...variantIds].map((m) => [m, { $ref: `#/components/messages/${m}` }])),
      bindings: kafkaChannel(name),
    };

    const dlq = deadLetterTopicOf(name);
    const dlqChannel = `${name}.dlq`;
    channels[dlqChannel] = {
      address: dlq,
      title: dlq,
      description: `Dead letters of ${name}: events a consumer could not process, kept whole with the reason.`,
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
      bindings: kafkaChannel(dlq),
    };
  }
  messages.DeadLetter = {
    name: 'DeadLetter',
    title: DEAD_LETTER_CE_TYPE,
    summary: 'An event a consumer could not process (poison), answered 2xx and kept here with the reason.',
    contentType: 'application/json',
    headers: cloudEventHeaders(DEAD_LETTER_CE_TYPE),
    payload: { schemaFormat: PAYLOAD_FORMAT, schema: jsonSchema(DeadLetterEventSchema) },
    bindings: { kafka: { key: { type: 'string', description: 'the original record key' }, bindingVersion: KAFKA_BINDING_VERSION } },
  };

  const ref = (channel: string) => ({ $ref: `#/channels/${channel}` });
  const msgRef = (channel: string, message: string) => ({ $ref: `#/channels/${channel}/messages/${message}` });
  for (const fn of FUNCTIONS) {
    const topicMessages = (topic: TopicName) => [msgRef(topic, pascal(topic)), ...variantsOf(topic).map((v) => msgRef(topic, pascal(v.name)))];
    for (const topic of fn.consumes) {
      operations[`${fn.name}.receive.${topic}`] = {
        action: 'receive',
        channel: ref(topic),
        title: `${fn.name} consumes ${topic}`,
        messages: topicMessages(topic),
      };
      operations[`${fn.name}.send.${topic}.dlq`] = {
        action: 'send',
        channel: ref(`${topic}.dlq`),
        title: `${fn.name} dead-letters what it cannot process from ${topic}`,
        messages: [msgRef(`${topic}.dlq`, 'DeadLetter')],
      };
    }
    for (const topic of fn.produces as TopicName[]) {
      operations[`${fn.name}.send.${topic}`] = {
        action: 'send',
        channel: ref(topic),
        title: `${fn.name} produces ${topic}`,
        messages: topicMessages(topic),
      };
    }
  }

  const doc = {
    asyncapi: '3.0.0',
    info: {
      title: 'sinbin topics',
      version: '1.0.0',
      description:
        'Every Kafka topic of the sinbin moderation pipeline. Records are CloudEvents in Kafka binary content mode ' +
        '(ce_* headers, JSON value). Generated by scripts/deploy/asyncapi.ts from shared/contract/src/topics.ts and ' +
        'shared/contract/src/events.ts; do not edit.',
    },
    defaultContentType: 'application/json',
    servers: {
      redpanda: { host: KAFKA_BOOTSTRAP, protocol: 'kafka', description: 'Redpanda in the cluster (internal listener).' },
    },
    channels,
    operations,
    components: { messages },
  };
  const header = '# Generated by scripts/deploy/asyncapi.ts; do not edit. Run `npx tsx scripts/deploy/asyncapi.ts`.\n';
  return header + new Document(doc).toString({ lineWidth: 0 });
}

function main(): void {
  const file = join(REPO_ROOT, ASYNCAPI_PATH);
  const fresh = renderAsyncApi();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== fresh) {
      console.error(`stale: ${ASYNCAPI_PATH}; run \`npx tsx scripts/deploy/asyncapi.ts\` and commit it`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(file, fresh);
  console.log(`wrote ${ASYNCAPI_PATH}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
