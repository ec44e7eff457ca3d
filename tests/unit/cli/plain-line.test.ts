// cli/plain-line.ts: a plain input line must read exactly as JSON.parse reads it, and every other
// line must be left to JSON.parse (undefined), never misread.
import { describe, expect, it } from 'vitest';
import { parsePlainLine } from '../../../cli/plain-line';

/** What the fast path must give: JSON.parse's reading when it answers at all. */
function agrees(raw: string): boolean {
  const got = parsePlainLine(raw);
  if (got === undefined) return true;
  let want: unknown;
  try {
    want = JSON.parse(raw);
  } catch {
    return false;
  }
  return JSON.stringify(Object.keys(want as object)) === '["id","text"]' && Object.is((want as { id: unknown }).id, got.id) && (want as { text: unknown }).text === got.text;
}

describe('parsePlainLine', () => {
  it.each([
    ['{"id":0,"text":"gg wp"}', { id: 0, text: 'gg wp' }],
    ['{"id":123,"text":""}', { id: 123, text: '' }],
    ['{"id":999999999999999,"text":"x"}', { id: 999999999999999, text: 'x' }],
    ['{"id":7,"text":"é 😀 中 \u2028 \u007f"}', { id: 7, text: 'é 😀 中 \u2028 \u007f' }],
    ['{"id":7,"text":"{\\"id\\"}"}', undefined],
    ['{"id":7,"text":"a\\nb"}', undefined],
    ['{"id":7,"text":"a\\u0041"}', undefined],
    ['{"id":7,"text":"a","x":"b"}', undefined],
    ['{"id":7,"text":"a" }', undefined],
    ['{"id":7, "text":"a"}', undefined],
    ['{ "id":7,"text":"a"}', undefined],
    ['{"text":"a","id":7}', undefined],
    ['{"id":"7","text":"a"}', undefined],
    ['{"id":07,"text":"a"}', undefined],
    ['{"id":-7,"text":"a"}', undefined],
    ['{"id":7.5,"text":"a"}', undefined],
    ['{"id":7e2,"text":"a"}', undefined],
    ['{"id":1234567890123456,"text":"a"}', undefined],
    ['{"id":,"text":"a"}', undefined],
    ['{"id":7,"text":"a\tb"}', undefined],
    ['{"id":7,"text":"a"}\r', undefined],
    ['{"id":7,"text":"}', undefined],
    ['{"id":7,"text":"', undefined],
    ['{"id":7,"text":"a"', undefined],
    ['{"id":7,"text":"a"}}', undefined],
    ['', undefined],
  ])('%j -> %j', (raw, want) => {
    expect(parsePlainLine(raw)).toEqual(want);
    expect(agrees(raw)).toBe(true);
  });

  it('reads 50,000 generated lines as JSON.parse does, or leaves them to it', () => {
    let seed = 20261207;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const chars = ['a', 'Z', ' ', '"', '\\', '\\"', '\\n', '\\u00e9', '\n', '\t', '\u0000', '}', '{', ',', ':', 'é', '😀', '\ud83d', '0', '9'];
    const ids = ['0', '1', '42', '007', '-1', '1.5', '1e3', '"x"', '123456789012345', '1234567890123456', ''];
    let plain = 0;
    for (let i = 0; i < 50_000; i++) {
      let text = '';
      for (let k = Math.floor(next() * 12); k > 0; k--) text += chars[Math.floor(next() * chars.length)];
      const id = ids[Math.floor(next() * ids.length)];
      const raw = next() < 0.5 ? `{"id":${id},"text":"${text}"}` : JSON.stringify({ id: Number(id) || 0, text });
      expect(agrees(raw), raw).toBe(true);
      if (parsePlainLine(raw)) plain++;
    }
    // Most lines are plain (the fast path is taken), and some are not.
    expect(plain).toBeGreaterThan(2_000);
    expect(plain).toBeLessThan(50_000);
  });
});
