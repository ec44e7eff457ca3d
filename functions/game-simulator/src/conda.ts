// CONDA (Dota 2 in-game chat) as replayable matches: a small streaming RFC 4180 CSV parser of our
// own, and the loader that groups rows into matches in chat order.
import { createReadStream } from 'node:fs';

/**
 * Streaming RFC 4180 parser. Feed it text in chunks of any size (a chunk may end inside a quoted
 * field, between `""`, or between CR and LF); it hands back every record completed so far.
 * Fields may be quoted; inside quotes, `""` is a literal quote and commas, CR and LF are data.
 * Records end at LF, CRLF or a lone CR. A UTF-8 byte-order mark at the very start is dropped.
 * Lenient where RFC 4180 is silent or strict: a quote inside an unquoted field, or text after a
 * closing quote, is kept as data instead of failing the whole file.
 */
export class CsvParser {
  private field = '';
  private record: string[] = [];
  /** unquoted: reading a bare field; quoted: inside quotes; quote: saw `"` inside quotes. */
  private state: 'start' | 'unquoted' | 'quoted' | 'quote' = 'start';
  private afterCr = false;
  private atFileStart = true;
  /** True once the current record holds anything (so a trailing newline yields no empty record). */
  private dirty = false;

  push(chunk: string): string[][] {
    const out: string[][] = [];
    let i = 0;
    if (this.atFileStart && chunk.length > 0) {
      this.atFileStart = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n') continue; // the LF of a CRLF that straddled two chunks
      }
      switch (this.state) {
        case 'quoted': {
          // Fast path: copy up to the next quote in one slice.
          const q = chunk.indexOf('"', i);
          if (q === -1) {
            this.field += chunk.slice(i);
            i = chunk.length;
          } else {
            this.field += chunk.slice(i, q);
            i = q;
            this.state = 'quote';
          }
          break;
        }
        case 'quote':
          if (c === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else {
            this.state = 'unquoted'; // closed; anything before the delimiter is kept as data
            i--;
          }
          break;
        case 'start':
          if (c === '"') {
            this.state = 'quoted';
            this.dirty = true;
            break;
          }
        // falls through: a bare field starts
        case 'unquoted':
          if (c === ',') {
            this.record.push(this.field);
            this.field = '';
            this.state = 'start';
            this.dirty = true;
          } else if (c === '\n' || c === '\r') {
            if (c === '\r') this.afterCr = true;
            out.push(this.finishRecord());
          } else {
            this.field += c;
            this.state = 'unquoted';
            this.dirty = true;
          }
          break;
      }
    }
    return out;
  }

  /** Call once after the last chunk: the final record, if the input did not end with a newline. */
  end(): string[][] {
    if (this.state === 'quoted') this.state = 'unquoted'; // unterminated quote: keep what we have
    return this.dirty || this.field !== '' ? [this.finishRecord()] : [];
  }

  private finishRecord(): string[] {
    this.record.push(this.field);
    const record = this.record;
    this.record = [];
    this.field = '';
    this.state = 'start';
    this.dirty = false;
    return record;
  }
}

/** Parses a whole CSV text (tests, small files). */
export function parseCsv(text: string): string[][] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/** Streams records from chunks of text, e.g. `createReadStream(path, { encoding: 'utf8' })`. */
export async function* parseCsvStream(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string[]> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

export type Label = 'toxic' | 'ok';

/** One chat line to replay. `labelGroup` ties the parts of a split CONDA row to that row's label. */
export interface ChatLine {
  channelId: string;
  playerId: string;
  text: string;
  /** CONDA intentClass E or I -> toxic, A or O -> ok; absent when the file has no labels. */
  label?: Label;
  labelGroup?: string;
}

export interface Match {
  matchId: string;
  lines: ChatLine[];
}

/**
 * How multi-part utterances (`a [SEPA] b`) become messages: `join` sends one message per CONDA
 * row with the parts joined by a space (the unit CONDA's annotators labelled); `split` sends each
 * part as its own message, as the players typed them.
 */
export type SepaMode = 'join' | 'split';

export interface CondaOptions {
  sepa?: SepaMode;
  /** Keep intentClass as a label (default true). */
  labels?: boolean;
  /** The gateway refuses longer texts; longer utterances are cut to this many characters. */
  maxTextLength?: number;
}

export const SEPA = /\s*\[SEPA\]\s*/;
const REQUIRED = ['matchId', 'utterance', 'chatTime', 'playerSlot'] as const;

export function labelOf(intentClass: string | undefined): Label | undefined {
  switch (intentClass?.trim().toUpperCase()) {
    case 'E':
    case 'I':
      return 'toxic';
    case 'A':
    case 'O':
      return 'ok';
    default:
      return undefined;
  }
}

interface Row {
  id: number;
  idText: string;
  chatTime: number;
  slot: string;
  utterance: string;
  label: Label | undefined;
}

/**
 * Groups CONDA records (the header first) into matches: rows of a match sorted by chatTime, then
 * by Id; rows with an empty utterance skipped; matches in numeric matchId order. Each match is
 * one channel, `match-<matchId>`; each player is `m<matchId>-slot-<playerSlot>`, unique to the
 * match (offences are counted per game and player, so a bare slot number would merge ten players
 * of every match into one repeat offender).
 */
export async function groupConda(records: AsyncIterable<string[]> | Iterable<string[]>, opts: CondaOptions = {}): Promise<Match[]> {
  const sepa = opts.sepa ?? 'join';
  const keepLabels = opts.labels ?? true;
  const maxText = opts.maxTextLength ?? 2000;
  let columns: Map<string, number> | undefined;
  const byMatch = new Map<string, Row[]>();
  let line = 0;
  for await (const record of records) {
    line++;
    if (!columns) {
      columns = new Map(record.map((name, i) => [name.trim(), i]));
      const missing = REQUIRED.filter((c) => !columns!.has(c));
      if (missing.length > 0) throw new Error(`not a CONDA file: missing column(s) ${missing.join(', ')} (header: ${record.join(',')})`);
      continue;
    }
    if (record.length === 1 && record[0] === '') continue; // blank line
    const get = (name: string): string | undefined => {
      const i = columns!.get(name);
      return i === undefined ? undefined : record[i];
    };
    const utterance = (get('utterance') ?? '').trim();
    const matchId = (get('matchId') ?? '').trim();
    if (!utterance || !matchId) continue;
    const idText = (get('Id') ?? '').trim() || String(line);
    const chatTime = Number(get('chatTime'));
    let rows = byMatch.get(matchId);
    if (!rows) byMatch.set(matchId, (rows = []));
    rows.push({
      id: Number(idText),
      idText,
      chatTime: Number.isFinite(chatTime) ? chatTime : 0,
      slot: (get('playerSlot') ?? '').trim() || 'unknown',
      utterance,
      label: keepLabels ? labelOf(get('intentClass')) : undefined,
    });
  }
  if (!columns) throw new Error('not a CONDA file: it is empty');

  const matches: Match[] = [];
  for (const [matchId, rows] of byMatch) {
    rows.sort((a, b) => a.chatTime - b.chatTime || compareIds(a, b));
    const channelId = `match-${matchId}`;
    const lines: ChatLine[] = [];
    for (const row of rows) {
      const parts = row.utterance.split(SEPA).map((p) => p.trim()).filter(Boolean);
      const texts = sepa === 'split' ? parts : [parts.join(' ')];
      for (const text of texts) {
        if (!text) continue;
        lines.push({
          channelId,
          playerId: `m${matchId}-slot-${row.slot}`,
          text: text.length > maxText ? text.slice(0, maxText) : text,
          ...(row.label ? { label: row.label, labelGroup: `${matchId}/${row.idText}` } : {}),
        });
      }
    }
    if (lines.length > 0) matches.push({ matchId, lines });
  }
  return matches.sort((a, b) => compareNumericStrings(a.matchId, b.matchId));
}

function compareIds(a: Row, b: Row): number {
  if (Number.isFinite(a.id) && Number.isFinite(b.id)) return a.id - b.id;
  return a.idText < b.idText ? -1 : a.idText > b.idText ? 1 : 0;
}

function compareNumericStrings(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads and groups a CONDA CSV file, streaming it. */
export async function loadConda(path: string, opts: CondaOptions = {}): Promise<Match[]> {
  return groupConda(parseCsvStream(createReadStream(path, { encoding: 'utf8' })), opts);
}
