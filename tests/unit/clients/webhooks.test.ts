// The receiver helper a game copies: verifies Standard Webhooks signatures, refuses old and
// replayed deliveries, accepts either secret during a rotation.
import { describe, expect, it } from 'vitest';
import { WebhookReceiver, WebhookRejected } from '@sinbin/client/webhooks';
import { standardHeaders } from '../../../functions/game-message-proxy/src/webhooks';

const OLD = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const NEW = `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;
const body = JSON.stringify({ type: 'decisions.final', timestamp: new Date().toISOString(), data: { decisions: [] }, decisions: [] });

describe('WebhookReceiver', () => {
  it('accepts a fresh delivery once and refuses its replay', () => {
    const r = new WebhookReceiver({ secrets: [OLD] });
    const headers = standardHeaders([OLD], 'msg_1', new Date(), body);
    expect(r.verify(body, headers).type).toBe('decisions.final');
    expect(() => r.verify(body, headers)).toThrow(WebhookRejected);
    expect(() => r.verify(body, headers)).toThrow(/replay/);
  });

  it('refuses a delivery older than 5 minutes, a changed body and a wrong secret', () => {
    const r = new WebhookReceiver({ secrets: [OLD] });
    expect(() => r.verify(body, standardHeaders([OLD], 'msg_2', new Date(Date.now() - 6 * 60_000), body))).toThrow(WebhookRejected);
    expect(() => r.verify(`${body} `, standardHeaders([OLD], 'msg_3', new Date(), body))).toThrow(WebhookRejected);
    expect(() => r.verify(body, standardHeaders([NEW], 'msg_4', new Date(), body))).toThrow(WebhookRejected);
  });

  it('during a rotation, a receiver with either secret verifies what the sender signs with both', () => {
    const headers = standardHeaders([NEW, OLD], 'msg_5', new Date(), body);
    expect(() => new WebhookReceiver({ secrets: [OLD] }).verify(body, headers)).not.toThrow();
    expect(() => new WebhookReceiver({ secrets: [NEW] }).verify(body, headers)).not.toThrow();
    expect(() => new WebhookReceiver({ secrets: [NEW, OLD] }).verify(body, standardHeaders([OLD], 'msg_6', new Date(), body))).not.toThrow();
  });
});
