// cli/byte-lines.ts: classify's output written as bytes must read as the strings it replaced.
import { describe, expect, it } from 'vitest';
import { ByteLines, NumberPieces, PairPieces, Pieces } from '../../../cli/byte-lines';

/** The string form classify wrote before: six decimals from an integer. */
function sixDecimals(p: number): string {
  const n = Math.round(p * 1e6);
  if (!(n > 0)) return '0';
  if (n >= 1e6) return '1';
  const digits = String(n);
  return `0.${'000000'.slice(digits.length)}${digits}`;
}

describe('ByteLines.probability', () => {
  it.each([0, -0, -0.5, Number.NaN, 1e-7, 4.9e-7, 5e-7, 0.000001, 0.000123, 0.047244, 0.1, 0.5, 0.999999, 0.9999994, 0.9999995, 1, 1.5, Number.POSITIVE_INFINITY, Math.fround(0.229684)])(
    '%s as six decimals',
    (p) => {
      const out = new ByteLines(4);
      out.probability(p);
      expect(out.take().toString('latin1')).toBe(sixDecimals(p));
    },
  );

  it('agrees with the string form on 100,000 float32 values', () => {
    const out = new ByteLines();
    let want = '';
    for (let i = 0; i < 100_000; i++) {
      const p = Math.fround(((i * 7919) % 100_003) / 100_003);
      out.probability(p);
      out.text(' ');
      want += `${sixDecimals(p)} `;
    }
    expect(out.take().toString('latin1')).toBe(want);
  });
});

describe('ByteLines', () => {
  it('grows past its capacity, writes UTF-8, and starts afresh after take', () => {
    const out = new ByteLines(8);
    const pieces = new Pieces(',"verdict":"', '"');
    out.text('{"id":"é😀中"');
    out.bytes(pieces.of('review'));
    out.bytes(Buffer.from('x'.repeat(40)));
    const first = out.take();
    expect(first.toString('utf8')).toBe(`{"id":"é😀中","verdict":"review"${'x'.repeat(40)}`);
    out.text('next');
    expect(out.take().toString('utf8')).toBe('next');
    // A taken buffer is its own: later writes do not change it.
    expect(first.toString('utf8')).toBe(`{"id":"é😀中","verdict":"review"${'x'.repeat(40)}`);
  });

  it('encodes a pair piece once per pair of values', () => {
    const pieces = new PairPieces('<', '|', '>');
    expect(pieces.of('ok', 'en')).toBe(pieces.of('ok', 'en'));
    expect(Buffer.from(pieces.of('toxic', 'und')).toString()).toBe('<toxic|und>');
    expect(Buffer.from(pieces.of('toxic', 'fr')).toString()).toBe('<toxic|fr>');
  });

  it('encodes a piece once per value', () => {
    const pieces = new Pieces('<', '>');
    expect(pieces.of('ok')).toBe(pieces.of('ok'));
    expect(Buffer.from(pieces.of('toxic')).toString()).toBe('<toxic>');
  });
});

describe('ByteLines.number and NumberPieces', () => {
  it.each([0, 7, 10, 99, 100, 1234567, 2 ** 53 - 1, -1, 1.5, 2 ** 53, 1e21, Number.NaN])('%s as String() writes it', (n) => {
    const out = new ByteLines(2);
    out.number(n);
    expect(out.take().toString('latin1')).toBe(String(n));
  });

  it('writes every confidence of three decimals as String() does', () => {
    const pieces = new NumberPieces();
    for (let k = 0; k <= 1000; k++) {
      const x = Math.round((k / 1000 + 1e-9) * 1000) / 1000;
      expect(Buffer.from(pieces.of(x)).toString('latin1')).toBe(String(x));
      expect(pieces.of(x)).toBe(pieces.of(x));
    }
  });
});
