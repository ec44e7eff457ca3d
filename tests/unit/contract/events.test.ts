// The test builders (tests/helpers/events.ts) give a valid event of every topic, and each topic's
// schema refuses what its producers must never send.
import { describe, expect, it } from 'vitest';
import { TOPIC_NAMES, TOPICS } from '@sinbin/contract';
import { chatMessage, eventOf } from '../../helpers/events';

describe('event builders', () => {
  it.each(TOPIC_NAMES)('the default %s event parses with its topic schema', (topic) => {
    expect(TOPICS[topic].schema.safeParse(eventOf(topic)).success).toBe(true);
  });
});

describe('ChatMessageSchema', () => {
  const schema = TOPICS['raw-messages'].schema;
  it.each([
    { name: 'an empty text', over: { text: '' } },
    { name: 'a text over 2,000 characters', over: { text: 'x'.repeat(2001) } },
    { name: 'a sentAt without an offset', over: { sentAt: '2026-03-01T12:00:00' } },
    { name: 'an empty playerId', over: { playerId: '' } },
    { name: 'a messageId over 128 characters', over: { messageId: 'm'.repeat(129) } },
  ])('refuses $name', ({ over }) => {
    expect(schema.safeParse({ ...chatMessage(), ...over }).success).toBe(false);
  });
});
