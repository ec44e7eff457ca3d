// The worst terms of a text, masked until the moderator reveals them (the server says where they
// are). Pure: text and spans in, parts out; unit-tested under Node.
import type { MaskSpan } from './types';

export interface MaskedPart {
  text: string;
  masked: boolean;
}

/** Splits a text at its masks; spans out of range or overlapping are clipped, never trusted blindly. */
export function maskParts(text: string, masks: readonly MaskSpan[] = []): MaskedPart[] {
  const spans = [...masks].filter((m) => m.end > m.start).sort((a, b) => a.start - b.start);
  const out: MaskedPart[] = [];
  let at = 0;
  for (const m of spans) {
    const start = Math.max(at, Math.min(m.start, text.length));
    const end = Math.min(m.end, text.length);
    if (end <= start) continue;
    if (start > at) out.push({ text: text.slice(at, start), masked: false });
    out.push({ text: text.slice(start, end), masked: true });
    at = end;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), masked: false });
  return out;
}

/** What stands in for a masked term: a fixed-width block, so its length tells nothing either. */
export const MASK_GLYPHS = '■■■■';

/** The text as a screen reader or a copy would have it while masked. */
export function maskedText(text: string, masks: readonly MaskSpan[] = []): string {
  return maskParts(text, masks)
    .map((p) => (p.masked ? MASK_GLYPHS : p.text))
    .join('');
}
