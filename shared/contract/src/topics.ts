// The topic registry: each topic bound to its CloudEvent type, partition key and schema.
// Keys are the chat channel so a conversation stays ordered on one partition.
import type { z } from 'zod';
import {
  AnalysisRequestSchema,
  AnalysisResultSchema,
  ChatMessageSchema,
  ClassifiedMessageSchema,
  DeadLetterSchema,
  FinalDecisionSchema,
  LimitedMessageSchema,
  ModerationCaseSchema,
  ModerationResultSchema,
  TrainingExampleSchema,
  type ChatMessage,
} from './events';

interface TopicSpec<S extends z.ZodTypeAny> {
  name: string;
  /** CloudEvent `type` attribute for events on this topic. */
  ceType: string;
  schema: S;
  /** Partition key: the channel, so per-conversation order holds on every broker. */
  key: (event: z.infer<S>) => string;
  partitions: number;
  retentionMs: number;
  description: string;
  /** Further kinds of event on the topic, each with its own CloudEvent type: an event `when` matches is sent as it. */
  variants?: readonly TopicVariant<z.infer<S>>[];
}

export interface TopicVariant<E> {
  /** The event's name in the docs, e.g. `decision.revised`. */
  name: string;
  ceType: string;
  when: (event: E) => boolean;
  description: string;
}

const DAY = 24 * 60 * 60 * 1000;
const byChannel = (m: ChatMessage) => `${m.gameId}/${m.channelId}`;

function topic<S extends z.ZodTypeAny>(spec: TopicSpec<S>): TopicSpec<S> {
  return spec;
}

export const TOPICS = {
  'raw-messages': topic({
    name: 'raw-messages',
    ceType: 'gg.sinbin.chat.message.v1',
    schema: ChatMessageSchema,
    key: byChannel,
    partitions: 12,
    retentionMs: 7 * DAY,
    description: 'Chat messages accepted by the gateway.',
  }),
  'classified-messages': topic({
    name: 'classified-messages',
    ceType: 'gg.sinbin.chat.classified.v1',
    schema: ClassifiedMessageSchema,
    key: (e) => byChannel(e.message),
    partitions: 12,
    retentionMs: 7 * DAY,
    description: 'Fast-classifier score and route (ok / toxic / needs-analysis) for every message.',
  }),
  'limited-messages': topic({
    name: 'limited-messages',
    ceType: 'gg.sinbin.chat.limited.v1',
    schema: LimitedMessageSchema,
    key: (e) => byChannel(e.message),
    partitions: 12,
    retentionMs: 7 * DAY,
    description: 'Messages the flood and spam limits stopped before any model, with the limit and its outcome.',
  }),
  'nlp-analysis-required': topic({
    name: 'nlp-analysis-required',
    ceType: 'gg.sinbin.analysis.requested.v1',
    schema: AnalysisRequestSchema,
    key: (e) => byChannel(e.message),
    partitions: 6,
    retentionMs: 7 * DAY,
    description: 'Ambiguous messages with their conversation context, for the deep analyzer.',
  }),
  'nlp-analysis-results': topic({
    name: 'nlp-analysis-results',
    ceType: 'gg.sinbin.analysis.completed.v1',
    schema: AnalysisResultSchema,
    key: (e) => byChannel(e.message),
    partitions: 6,
    retentionMs: 7 * DAY,
    description: "The deep analyzer's toxicity, categories and confidence.",
  }),
  'moderation-required': topic({
    name: 'moderation-required',
    ceType: 'gg.sinbin.moderation.case-opened.v1',
    schema: ModerationCaseSchema,
    key: (e) => byChannel(e.message),
    partitions: 3,
    retentionMs: 30 * DAY,
    description: 'Cases the models could not decide, for human moderators.',
  }),
  'moderation-results': topic({
    name: 'moderation-results',
    ceType: 'gg.sinbin.moderation.verdict.v1',
    schema: ModerationResultSchema,
    key: (e) => byChannel(e.message),
    partitions: 3,
    retentionMs: 30 * DAY,
    description: 'Moderator verdicts (or provisional verdicts of expired cases).',
  }),
  'final-decisions': topic({
    name: 'final-decisions',
    ceType: 'gg.sinbin.decision.final.v1',
    schema: FinalDecisionSchema,
    key: (e) => `${e.gameId}/${e.channelId}`,
    partitions: 12,
    retentionMs: 30 * DAY,
    description: 'Exactly one decision per accepted message, with the action the game applies; a decision.revised event when an appeal overturns one.',
    variants: [
      {
        name: 'decision.revised',
        ceType: 'gg.sinbin.decision.revised.v1',
        when: (e) => e.revision !== undefined,
        description: 'A published decision changed by an appeal: the same shape, with `revision` (what it was, who revised it, when); keep the highest revision number per messageId.',
      },
    ],
  }),
  'model-training-data': topic({
    name: 'model-training-data',
    ceType: 'gg.sinbin.training.example.v1',
    schema: TrainingExampleSchema,
    key: (e) => e.gameId,
    partitions: 3,
    retentionMs: 90 * DAY,
    description: 'Labelled examples from moderator verdicts and deep decisions.',
  }),
} as const;

export type TopicName = keyof typeof TOPICS;
export type EventOf<T extends TopicName> = z.infer<(typeof TOPICS)[T]['schema']>;
export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

export const DEAD_LETTER_SUFFIX = '.dlq';
export const deadLetterTopicOf = (topic: TopicName) => `${topic}${DEAD_LETTER_SUFFIX}`;
export const DEAD_LETTER_CE_TYPE = 'gg.sinbin.dead-letter.v1';
export const DeadLetterEventSchema = DeadLetterSchema;

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(TOPICS, name);
}

export function topicByCeType(ceType: string): TopicName | undefined {
  return TOPIC_NAMES.find((t) => TOPICS[t].ceType === ceType || variantsOf(t).some((v) => v.ceType === ceType));
}

export function variantsOf<T extends TopicName>(topic: T): readonly TopicVariant<EventOf<T>>[] {
  return ((TOPICS[topic] as TopicSpec<z.ZodTypeAny>).variants ?? []) as readonly TopicVariant<EventOf<T>>[];
}

/** The CloudEvent type an event is sent as: its variant's, else the topic's. */
export function ceTypeOf<T extends TopicName>(topic: T, event: EventOf<T>): string {
  return variantsOf(topic).find((v) => v.when(event))?.ceType ?? TOPICS[topic].ceType;
}

export function partitionKeyOf<T extends TopicName>(topic: T, event: EventOf<T>): string {
  return (TOPICS[topic].key as (e: EventOf<T>) => string)(event);
}
