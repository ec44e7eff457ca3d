// The last lines a function process wrote to stderr, kept so that an unexpected exit can be logged
// with what the process said before it died (an uncaught error's message and stack, the watchdog's
// "Forked function has terminated"). Logs never carry chat text, and a crash message can quote the
// input it choked on (`"kys noob" is not valid JSON`), so lines are kept redacted: quoted strings
// other than codes, numbers and addresses lose their content, and fields of structured lines that
// hold message text lose their values. Pure: lines in, redacted lines out.

/** How many lines are kept, and how long each may be. */
export const STDERR_TAIL_LINES = 20;
export const STDERR_LINE_MAX = 400;

/** Fields of a structured (JSON) line whose values can be chat text. */
const TEXT_FIELDS = new Set(['text', 'context', 'evidence', 'readAs', 'statement', 'comment', 'body', 'input', 'messages']);

// A quoted string: '...', "..." or `...`, with backslash escapes.
const QUOTED = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\\n]|\\.)*`/g;
// What a quoted string may keep: an error code (ECONNREFUSED, ERR_INVALID_ARG_TYPE), a number, an
// address or path (127.0.0.1, 127.0.0.1:9000, /v1/messages, node:internal/...), a zod issue code.
const KEEP = /^(?:[A-Z][A-Z0-9_]*|-?\d+(?:\.\d+)*|[\w.-]*[:/][\w.:/@-]*|invalid_[a-z_]+|too_(?:big|small)|custom)$/;

function redactQuoted(line: string): string {
  return line.replace(QUOTED, (quoted) => {
    const inner = quoted.slice(1, -1);
    return KEEP.test(inner) ? quoted : `${quoted[0]}[${inner.length} chars]${quoted[0]}`;
  });
}

function redactFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactFields);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, TEXT_FIELDS.has(k) ? '[redacted]' : redactFields(v)]));
}

/** One stderr line as it may be logged: a structured line without its text fields, any other with its quoted strings emptied. */
export function redactStderrLine(line: string): string {
  const trimmed = line.trimEnd();
  let out: string;
  if (trimmed.startsWith('{')) {
    try {
      out = JSON.stringify(redactFields(JSON.parse(trimmed)));
    } catch {
      out = redactQuoted(trimmed);
    }
  } else out = redactQuoted(trimmed);
  return out.length > STDERR_LINE_MAX ? `${out.slice(0, STDERR_LINE_MAX)}…` : out;
}

/**
 * The last `max` non-empty lines. Kept as they came and redacted when read: a busy function writes
 * a line per event, the tail is read once, at an unexpected exit, and nothing else sees the lines.
 */
export class StderrTail {
  private readonly kept: string[] = [];

  constructor(private readonly max = STDERR_TAIL_LINES) {}

  push(line: string): void {
    if (!line.trim()) return;
    this.kept.push(line);
    if (this.kept.length > this.max) this.kept.shift();
  }

  /** The kept lines, redacted (redactStderrLine). */
  lines(): string[] {
    return this.kept.map(redactStderrLine);
  }

  clear(): void {
    this.kept.length = 0;
  }
}
