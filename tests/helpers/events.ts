// Builders of valid pipeline events, one per topic, each overridable field by field. Every
// builder's default output parses with its topic's schema (tests/unit/contract/events.test.ts).
import {
  type AnalysisRequest,
  type AnalysisResult,
  type AnyDelivery,
  type CategoryScores,
  type ChatMessage,
  type ClassifiedMessage,
  emptyCategories,
  type EventOf,
  type FinalDecision,
  type LimitedMessage,
  type ModelScore,
  type ModerationCase,
  type ModerationResult,
  type TopicName,
  type TrainingExample,
} from '@sinbin/contract';

/** A fixed instant, so events built in different tests compare equal. */
export const T0 = new Date('2026-03-01T12:00:00.000Z');
export const at = (ms: number): Date => new Date(T0.getTime() + ms);
export const iso = (ms = 0): string => at(ms).toISOString();

let counter = 0;
/** A fresh id with a readable prefix; unique within the test process. */
export const nextId = (prefix = 'm'): string => `${prefix}-${++counter}`;

export function categories(overrides: Partial<CategoryScores> = {}): CategoryScores {
  return { ...emptyCategories(), ...overrides };
}

export function chatMessage(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    messageId: overrides.messageId ?? nextId('msg'),
    gameId: 'game-a',
    channelId: 'match-1',
    playerId: 'player-1',
    text: 'gg wp',
    sentAt: iso(-50),
    receivedAt: iso(0),
    ...overrides,
  };
}

export function modelScore(overrides: Partial<ModelScore> = {}): ModelScore {
  return { toxicity: 0.1, categories: categories(), modelVersion: 'test-model-1', ...overrides };
}

export function classifiedMessage(overrides: Partial<ClassifiedMessage> = {}): ClassifiedMessage {
  return { message: chatMessage(), route: 'ok', fast: modelScore(), context: [], classifiedAt: iso(5), ...overrides };
}

export function analysisRequest(overrides: Partial<AnalysisRequest> = {}): AnalysisRequest {
  return {
    message: chatMessage({ text: 'ur trash noob' }),
    fast: modelScore({ toxicity: 0.5, categories: categories({ insult: 0.5 }) }),
    context: [{ messageId: 'earlier-1', playerId: 'player-2', text: 'you missed again' }],
    requestedAt: iso(10),
    ...overrides,
  };
}

export function analysisResult(overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  const request = analysisRequest();
  return {
    message: request.message,
    fast: request.fast,
    deep: { toxicity: 0.8, categories: categories({ insult: 0.8 }), confidence: 0.9, modelVersion: 'deep-test-1' },
    context: request.context,
    analyzedAt: iso(20),
    ...overrides,
  };
}

export function moderationCase(overrides: Partial<ModerationCase> = {}): ModerationCase {
  const message = overrides.message ?? chatMessage({ text: 'ur trash noob' });
  return {
    caseId: `case-${message.messageId}`,
    message,
    context: [],
    fast: modelScore({ toxicity: 0.5, categories: categories({ insult: 0.5 }) }),
    deep: { toxicity: 0.55, categories: categories({ insult: 0.55 }), confidence: 0.3, modelVersion: 'deep-test-1' },
    reason: 'low-confidence',
    provisionalVerdict: 'block',
    dueAt: iso(3_600_000),
    openedAt: iso(30),
    ...overrides,
  };
}

export function moderationResult(overrides: Partial<ModerationResult> = {}): ModerationResult {
  const c = moderationCase(overrides.message ? { message: overrides.message } : {});
  return {
    caseId: c.caseId,
    message: c.message,
    context: c.context,
    verdict: 'block',
    moderatorId: 'alice',
    resolution: 'moderator',
    fast: c.fast,
    deep: c.deep,
    decidedAt: iso(60_000),
    ...overrides,
  };
}

export function finalDecision(overrides: Partial<FinalDecision> = {}): FinalDecision {
  const m = chatMessage();
  return {
    messageId: m.messageId,
    gameId: m.gameId,
    channelId: m.channelId,
    playerId: m.playerId,
    verdict: 'allow',
    toxicity: 0.1,
    categories: categories(),
    decidedBy: 'fast',
    action: { type: 'none' },
    modelVersion: 'test-model-1',
    decidedAt: iso(40),
    latencyMs: 40,
    ...overrides,
  };
}

export function trainingExample(overrides: Partial<TrainingExample> = {}): TrainingExample {
  return {
    exampleId: 'example-0123456789abcdef',
    messageId: 'msg-1',
    gameId: 'game-a',
    text: 'ur trash noob',
    context: [],
    label: 'toxic',
    category: 'insult',
    source: 'moderator',
    createdAt: iso(60_000),
    ...overrides,
  };
}

export function limitedMessage(overrides: Partial<LimitedMessage> = {}): LimitedMessage {
  return {
    message: chatMessage(),
    limit: { rule: 'repeat', reason: 'the same line 4 times in 30 s (at most 3)', outcome: 'block' },
    limitedAt: iso(5),
    ...overrides,
  };
}

/** A typed delivery as parseDelivery yields it, for calling a running function's handle(). */
export function delivery<T extends TopicName>(topic: T, event: EventOf<T>, position: { partition?: number; offset?: string } = {}): AnyDelivery {
  const partition = position.partition ?? 0;
  const offset = position.offset ?? '0';
  return { topic, key: null, partition, offset, id: `partition:${partition}/offset:${offset}`, event } as AnyDelivery;
}

/** A valid event of any topic, from the builders above. */
export function eventOf<T extends TopicName>(topic: T): EventOf<T> {
  const builders: { [K in TopicName]: () => EventOf<K> } = {
    'raw-messages': () => chatMessage(),
    'classified-messages': () => classifiedMessage(),
    'limited-messages': () => limitedMessage(),
    'nlp-analysis-required': () => analysisRequest(),
    'nlp-analysis-results': () => analysisResult(),
    'moderation-required': () => moderationCase(),
    'moderation-results': () => moderationResult(),
    'final-decisions': () => finalDecision(),
    'model-training-data': () => trainingExample(),
  };
  return builders[topic]() as EventOf<T>;
}
