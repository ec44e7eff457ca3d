import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv, parseCsvStream } from '../../../../functions/game-simulator/src/conda';

const cases: { name: string; input: string; want: string[][] }[] = [
  { name: 'plain fields', input: 'a,b,c\n1,2,3\n', want: [['a', 'b', 'c'], ['1', '2', '3']] },
  { name: 'no trailing newline', input: 'a,b\n1,2', want: [['a', 'b'], ['1', '2']] },
  { name: 'CRLF line ends', input: 'a,b\r\n1,2\r\n', want: [['a', 'b'], ['1', '2']] },
  { name: 'lone CR line ends', input: 'a,b\r1,2\r', want: [['a', 'b'], ['1', '2']] },
  { name: 'quoted comma', input: '1,"hello, world",x\n', want: [['1', 'hello, world', 'x']] },
  { name: 'escaped quotes', input: '"he said ""gg"""\n', want: [['he said "gg"']] },
  { name: 'only an escaped quote', input: '""""\n', want: [['"']] },
  { name: 'LF inside quotes', input: '"line1\nline2",b\n', want: [['line1\nline2', 'b']] },
  { name: 'CRLF inside quotes is data', input: '"a\r\nb",c\r\n', want: [['a\r\nb', 'c']] },
  { name: 'empty fields', input: ',,\n', want: [['', '', '']] },
  { name: 'empty quoted field', input: '"",x\n', want: [['', 'x']] },
  { name: 'trailing empty field', input: 'a,\n', want: [['a', '']] },
  { name: 'blank line in the middle', input: 'a\n\nb\n', want: [['a'], [''], ['b']] },
  { name: 'UTF-8 BOM dropped', input: '\uFEFFId,x\n1,2\n', want: [['Id', 'x'], ['1', '2']] },
  { name: 'non-ASCII text', input: 'Иром,=) ty,ㅇㅅㅇ\n', want: [['Иром', '=) ty', 'ㅇㅅㅇ']] },
  { name: 'lenient: quote inside a bare field', input: 'a"b,c\n', want: [['a"b', 'c']] },
  { name: 'lenient: text after a closing quote', input: '"a"b,c\n', want: [['ab', 'c']] },
  { name: 'lenient: unterminated quote at EOF', input: '"abc', want: [['abc']] },
  { name: 'empty input', input: '', want: [] },
  {
    name: 'CONDA-shaped row',
    input: 'Id,utterance,slotTokens\n37524,"always engage at bot, lc cant takle bot then top","bot (S), "\n',
    want: [['Id', 'utterance', 'slotTokens'], ['37524', 'always engage at bot, lc cant takle bot then top', 'bot (S), ']],
  },
];

describe('CsvParser', () => {
  it.each(cases)('$name (whole input)', ({ input, want }) => {
    expect(parseCsv(input)).toEqual(want);
  });

  it.each(cases)('$name (one character per chunk)', ({ input, want }) => {
    const parser = new CsvParser();
    const got = [...input].flatMap((ch) => parser.push(ch));
    expect([...got, ...parser.end()]).toEqual(want);
  });

  it.each(cases)('$name (every split into two chunks)', ({ input, want }) => {
    for (let cut = 0; cut <= input.length; cut++) {
      const parser = new CsvParser();
      const got = [...parser.push(input.slice(0, cut)), ...parser.push(input.slice(cut)), ...parser.end()];
      expect(got, `cut at ${cut}`).toEqual(want);
    }
  });

  it('streams records from an async source', async () => {
    async function* chunks() {
      yield 'a,"b\r';
      yield '\nc"\r';
      yield '\n1,2';
    }
    const got: string[][] = [];
    for await (const record of parseCsvStream(chunks())) got.push(record);
    expect(got).toEqual([['a', 'b\r\nc'], ['1', '2']]);
  });
});
