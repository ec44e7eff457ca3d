// One-key shortcuts of the review screen. Pure: a key press in, a command out.
import { OFFENCE_CATEGORIES, type OffenceCategory } from './types';

export type Command =
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'open' }
  | { kind: 'allow' }
  | { kind: 'block' }
  | { kind: 'block-as'; category: OffenceCategory }
  | { kind: 'undo' }
  | { kind: 'release' }
  | { kind: 'extend' }
  | { kind: 'note' }
  | { kind: 'refresh' }
  | { kind: 'reveal' }
  | { kind: 'help' };

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** The command for a key, or undefined (modified keys stay the browser's). */
export function commandFor(e: KeyPress): Command | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  const digit = /^[1-9]$/.test(e.key) ? Number(e.key) : 0;
  if (digit >= 1 && digit <= OFFENCE_CATEGORIES.length) return { kind: 'block-as', category: OFFENCE_CATEGORIES[digit - 1]! };
  switch (e.key) {
    case 'j':
    case 'J':
    case 'ArrowDown':
      return { kind: 'next' };
    case 'k':
    case 'K':
    case 'ArrowUp':
      return { kind: 'prev' };
    case 'Enter':
      return { kind: 'open' };
    case 'a':
    case 'A':
      return { kind: 'allow' };
    case 'b':
    case 'B':
      return { kind: 'block' };
    case 'u':
    case 'U':
      return { kind: 'undo' };
    case 'r':
    case 'R':
      return { kind: 'release' };
    case 'e':
    case 'E':
      return { kind: 'extend' };
    case 'n':
    case 'N':
      return { kind: 'note' };
    case '.':
      return { kind: 'refresh' };
    case 'v':
    case 'V':
      return { kind: 'reveal' };
    case '?':
      return { kind: 'help' };
    default:
      return undefined;
  }
}

export const SHORTCUTS: readonly { keys: string; does: string }[] = [
  { keys: 'J / ↓', does: 'next case in the queue (claims it)' },
  { keys: 'K / ↑', does: 'previous case in the queue (claims it)' },
  { keys: 'Enter', does: 'review the highlighted case' },
  { keys: 'A', does: 'allow' },
  { keys: 'B', does: 'block with the suggested category (the model’s strongest)' },
  ...OFFENCE_CATEGORIES.map((c, i) => ({ keys: String(i + 1), does: `block as ${c.replace('_', ' ')}` })),
  { keys: 'U', does: 'undo your last verdict (while its window is open)' },
  { keys: 'R', does: 'release the case back to the queue' },
  { keys: 'E', does: 'extend your claim' },
  { keys: 'N', does: 'write a note' },
  { keys: '.', does: 'refresh the queue' },
  { keys: 'V', does: 'reveal (or mask again) the worst terms of this case' },
  { keys: '?', does: 'show or hide these shortcuts' },
];
