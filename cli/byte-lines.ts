// Output lines written as bytes into one buffer per batch. Building each line as a string, joining
// a batch's lines and encoding the result to UTF-8 was about a sixth of a `classify --stage fast`
// run (65 MB of JSON for 200,000 lines); the fixed parts of a line are encoded once here.

/** "000" to "999": three ASCII digits for each number below 1,000. */
const DIGITS3 = Uint8Array.from({ length: 3000 }, (_, i) => 0x30 + (Math.floor(Math.floor(i / 3) / 10 ** (2 - (i % 3))) % 10));

export class ByteLines {
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly capacity = 1 << 18) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Bytes encoded once (see Pieces). */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    const buf = this.buf;
    let pos = this.pos;
    // Most pieces are a few bytes: a loop beats set() there.
    if (b.length < 24) for (let i = 0; i < b.length; i++) buf[pos++] = b[i]!;
    else {
      buf.set(b, pos);
      pos += b.length;
    }
    this.pos = pos;
  }

  /** Any string, as UTF-8. */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * A probability with six decimals: "0" at or below zero (or NaN), "1" once it rounds to one,
   * else "0." and six digits (JSON.stringify's shortest form of a float32 widened to a double
   * has up to 17, and was 15 % of a `--stage fast` run).
   */
  probability(p: number): void {
    const n = Math.round(p * 1e6);
    this.room(8);
    const buf = this.buf;
    if (!(n > 0)) buf[this.pos++] = 0x30;
    else if (n >= 1e6) buf[this.pos++] = 0x31;
    else {
      // Two groups of three digits from a table: nine of these per line, division by ten was most of it.
      const hi = 3 * Math.floor(n / 1000);
      const lo = 3 * (n % 1000);
      const pos = this.pos;
      buf[pos] = 0x30;
      buf[pos + 1] = 0x2e;
      buf[pos + 2] = DIGITS3[hi]!;
      buf[pos + 3] = DIGITS3[hi + 1]!;
      buf[pos + 4] = DIGITS3[hi + 2]!;
      buf[pos + 5] = DIGITS3[lo]!;
      buf[pos + 6] = DIGITS3[lo + 1]!;
      buf[pos + 7] = DIGITS3[lo + 2]!;
      this.pos = pos + 8;
    }
  }

  /** A number as String(n) writes it; a non-negative safe integer (a line's id) without making the string. */
  number(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.text(String(n));
      return;
    }
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    this.room(digits);
    for (let i = this.pos + digits - 1, v = n; i >= this.pos; i--, v = Math.floor(v / 10)) this.buf[i] = 0x30 + (v % 10);
    this.pos += digits;
  }

  /** What was written since the last take, in a buffer of its own; writing starts afresh. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(this.capacity, this.buf.length));
    this.pos = 0;
    return out;
  }
}

/** A fixed piece of a line with one value in it (`,"verdict":"` + value + `"`), encoded once per value. */
export class Pieces {
  private readonly cache = new Map<string, Uint8Array>();

  constructor(private readonly before: string, private readonly after: string) {}

  of(value: string): Uint8Array {
    let b = this.cache.get(value);
    if (!b) {
      b = Buffer.from(this.before + value + this.after, 'utf8');
      // Values come from small fixed sets (verdicts, stages, routes, language codes).
      if (this.cache.size < 256) this.cache.set(value, b);
    }
    return b;
  }
}

/** A fixed piece with two values in it (before + a + middle + b + after), encoded once per pair. */
export class PairPieces {
  private readonly cache = new Map<string, Pieces>();

  constructor(private readonly before: string, private readonly middle: string, private readonly after: string) {}

  of(a: string, b: string): Uint8Array {
    let second = this.cache.get(a);
    if (!second) {
      second = new Pieces(this.before + a + this.middle, this.after);
      // Values come from small fixed sets, as for Pieces.
      if (this.cache.size < 256) this.cache.set(a, second);
    }
    return second.of(b);
  }
}

/** Numbers from a small set (a language confidence has three decimals), encoded once each as String(x) writes them. */
export class NumberPieces {
  private readonly cache = new Map<number, Uint8Array>();

  of(x: number): Uint8Array {
    let b = this.cache.get(x);
    if (!b) {
      b = Buffer.from(String(x), 'latin1');
      if (this.cache.size < 4096) this.cache.set(x, b);
    }
    return b;
  }
}
