// The stderr tail a function process's unexpected exit is logged with: the last lines, redacted so
// that no chat text reaches the log (a crash message can quote the input it choked on).
import { describe, expect, it } from 'vitest';
import { redactStderrLine, StderrTail, STDERR_TAIL_LINES } from '@sinbin/runtime/stack';

describe('redactStderrLine', () => {
  it.each([
    { name: 'an uncaught error keeps its message, code and address', line: 'Error: connect ECONNREFUSED 127.0.0.1:9000', want: 'Error: connect ECONNREFUSED 127.0.0.1:9000' },
    { name: 'error properties keep codes and addresses', line: "  code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 9000", want: "  code: 'ECONNREFUSED', syscall: '[7 chars]', address: '127.0.0.1', port: 9000" },
    { name: 'a stack frame keeps its path', line: '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)', want: '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)' },
    { name: 'quoted input loses its content', line: `SyntaxError: Unexpected token 'k', "kys noob, uninstall" is not valid JSON`, want: `SyntaxError: Unexpected token '[1 chars]', "[19 chars]" is not valid JSON` },
    { name: 'a one-word quoted line loses it too', line: 'TypeError: cannot read "kys"', want: 'TypeError: cannot read "[3 chars]"' },
    { name: 'the watchdog says how the function ended', line: '2026/12/06 23:58:14 Forked function has terminated: exit status 1', want: '2026/12/06 23:58:14 Forked function has terminated: exit status 1' },
    { name: 'a structured line loses the values of its text fields only', line: '{"level":50,"msg":"delivery failed","text":"you are trash","err":"boom","context":[{"text":"gg"}]}', want: '{"level":50,"msg":"delivery failed","text":"[redacted]","err":"boom","context":"[redacted]"}' },
  ])('$name', ({ line, want }) => {
    expect(redactStderrLine(line)).toBe(want);
  });

  it('cuts a long line', () => {
    expect(redactStderrLine(`Error: ${'x'.repeat(1000)}`).length).toBeLessThanOrEqual(401);
  });
});

describe('StderrTail', () => {
  it('keeps the last lines, skipping empty ones', () => {
    const tail = new StderrTail();
    for (let i = 0; i < STDERR_TAIL_LINES + 5; i++) tail.push(`line ${i}`);
    tail.push('   ');
    expect(tail.lines()).toHaveLength(STDERR_TAIL_LINES);
    expect(tail.lines()[0]).toBe('line 5');
    expect(tail.lines().at(-1)).toBe(`line ${STDERR_TAIL_LINES + 4}`);
  });
});
