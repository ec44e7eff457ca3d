// The topic registry and the error vocabulary, plus a check that the test builders stay valid.
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_CE_TYPE,
  deadLetterTopicOf,
  DependencyError,
  describeError,
  errorCodeOf,
  isRetriable,
  isTopicName,
  partitionKeyOf,
  POISON_CODES,
  PoisonEventError,
  RETRIABLE_CODES,
  TOPIC_NAMES,
  topicByCeType,
  type TopicName,
  TOPICS,
} from '@sinbin/contract';
import * as build from '../../helpers/events';

const SAMPLES: { [T in TopicName]: () => unknown } = {
  'raw-messages': build.chatMessage,
  'classified-messages': build.classifiedMessage,
  'limited-messages': build.limitedMessage,
  'nlp-analysis-required': build.analysisRequest,
  'nlp-analysis-results': build.analysisResult,
  'moderation-required': build.moderationCase,
  'moderation-results': build.moderationResult,
  'final-decisions': build.finalDecision,
  'model-training-data': build.trainingExample,
};

describe('topic registry', () => {
  it('lists the pipeline topics', () => {
    expect(TOPIC_NAMES).toEqual(['raw-messages', 'classified-messages', 'limited-messages', 'nlp-analysis-required', 'nlp-analysis-results', 'moderation-required', 'moderation-results', 'final-decisions', 'model-training-data']);
  });

  it('gives each topic its own CloudEvent type, found back by topicByCeType', () => {
    const types = TOPIC_NAMES.map((t) => TOPICS[t].ceType);
    expect(new Set(types).size).toBe(types.length);
    for (const t of TOPIC_NAMES) expect(topicByCeType(TOPICS[t].ceType)).toBe(t);
    expect(topicByCeType(DEAD_LETTER_CE_TYPE)).toBeUndefined();
    expect(topicByCeType('dev.knative.kafka.event')).toBeUndefined();
  });

  it.each(TOPIC_NAMES)('the test builder of %s makes a valid event', (topic) => {
    expect(TOPICS[topic].schema.safeParse(SAMPLES[topic]()).success).toBe(true);
  });

  it('keys every conversation topic by game/channel, and training data by game', () => {
    const m = build.chatMessage({ gameId: 'g', channelId: 'c' });
    expect(partitionKeyOf('raw-messages', m)).toBe('g/c');
    expect(partitionKeyOf('classified-messages', build.classifiedMessage({ message: m }))).toBe('g/c');
    expect(partitionKeyOf('nlp-analysis-required', build.analysisRequest({ message: m }))).toBe('g/c');
    expect(partitionKeyOf('nlp-analysis-results', build.analysisResult({ message: m }))).toBe('g/c');
    expect(partitionKeyOf('moderation-required', build.moderationCase({ message: m }))).toBe('g/c');
    expect(partitionKeyOf('moderation-results', build.moderationResult({ message: m }))).toBe('g/c');
    expect(partitionKeyOf('final-decisions', build.finalDecision({ gameId: 'g', channelId: 'c' }))).toBe('g/c');
    expect(partitionKeyOf('model-training-data', build.trainingExample({ gameId: 'g' }))).toBe('g');
  });

  it('names dead-letter topics <topic>.dlq and knows its own names', () => {
    expect(deadLetterTopicOf('raw-messages')).toBe('raw-messages.dlq');
    expect(isTopicName('raw-messages')).toBe(true);
    expect(isTopicName('raw-messages.dlq')).toBe(false);
    expect(isTopicName('toString')).toBe(false);
  });
});

describe('error vocabulary', () => {
  it('poison is never retried; a broken dependency and an unknown exception always are', () => {
    for (const code of POISON_CODES) expect(isRetriable(new PoisonEventError(code, 'x'))).toBe(false);
    for (const code of RETRIABLE_CODES) expect(isRetriable(new DependencyError('x', { code }))).toBe(true);
    expect(isRetriable(new Error('bug'))).toBe(true);
    expect(isRetriable('a thrown string')).toBe(true);
  });

  it('codes and descriptions', () => {
    expect(errorCodeOf(new PoisonEventError('oversized', 'big'))).toBe('oversized');
    expect(errorCodeOf(new DependencyError('down'))).toBe('dependency-unavailable');
    expect(errorCodeOf(new Error('bug'))).toBe('internal');
    expect(describeError(new Error('why'))).toBe('why');
    expect(describeError(42)).toBe('42');
    expect(new PoisonEventError('rejected', 'x').name).toBe('PoisonEventError');
  });
});
