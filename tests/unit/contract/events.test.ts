// The test builders (tests/helpers/events.ts) give a valid event of every topic, and each topic's
// schema refuses what its producers must never send.
import { describe, expect, it } from 'vitest';
import { RoutingBandSchema, TOPIC_NAMES, TOPICS } from '@sinbin/contract';
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

describe('RoutingBandSchema (every band: a game policy, a fast model, a registry tag, an event)', () => {
  it.each([
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, ok: true },
    { band: { okBelow: 0.5, toxicFrom: 0.5 }, ok: true },
    { band: { okBelow: 0, toxicFrom: 1 }, ok: true },
    { band: { okBelow: 0.9, toxicFrom: 0.145 }, ok: false },
    { band: { okBelow: -0.1, toxicFrom: 0.5 }, ok: false },
    { band: { okBelow: 0.2, toxicFrom: 1.5 }, ok: false },
    { band: { okBelow: 0.2 }, ok: false },
  ])('$band -> $ok', ({ band, ok }) => {
    expect(RoutingBandSchema.safeParse(band).success).toBe(ok);
  });

  it('names the inverted field', () => {
    const parsed = RoutingBandSchema.safeParse({ okBelow: 0.9, toxicFrom: 0.1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['okBelow'], message: 'okBelow must not exceed toxicFrom' });
  });
});
