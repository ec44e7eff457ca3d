// A chat line as moderators read it: the worst terms masked (a fixed block, so a term's length
// tells nothing) until the moderator reveals the case with V; the words that drove the score marked.
import { h, type Child } from './dom';
import { highlightSegments } from './format';
import { MASK_GLYPHS, maskParts } from './masking';
import type { MaskSpan } from './types';

export function maskedLine(text: string, masks: readonly MaskSpan[] | undefined, revealed: boolean, evidence: readonly string[] = []): Child[] {
  return maskParts(text, masks).map((part) => {
    if (part.masked) {
      return revealed
        ? h('mark', { class: 'revealed-term', title: 'revealed: press V to mask again' }, part.text)
        : h('span', { class: 'masked', role: 'img', 'aria-label': 'masked term', title: 'a masked term: press V to reveal' }, MASK_GLYPHS);
    }
    return highlightSegments(part.text, evidence).map((s) => (s.evidence ? h('mark', null, s.text) : s.text));
  });
}
