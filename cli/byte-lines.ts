// Output lines written as bytes into one buffer per batch. Building each line as a string, joining
// a batch's lines and encoding the result to UTF-8 was about a sixth of a `classify --stage fast`
// run (65 MB of JSON for 200,000 lines); the fixed parts of a line are encoded once here.

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
      buf[this.pos] = 0x30;
      buf[this.pos + 1] = 0x2e;
      let v = n;
      for (let i = 7; i >= 2; i--) {
        buf[this.pos + i] = 0x30 + (v % 10);
        v = (v - (v % 10)) / 10;
      }
      this.pos += 8;
    }
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
