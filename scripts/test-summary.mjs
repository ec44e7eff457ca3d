// The cause of a failed test stage, for the last lines of `make test`'s output (scripts/run-tests.sh):
// every failing test's file, name and first lines of its error, from vitest's JSON report; a file that
// failed outside its tests (a beforeAll, an import); and, when the report names no failure (an error of
// the runner itself, or no report at all), the stage's last log lines, where vitest prints it.
//
//   node scripts/test-summary.mjs <stage> <report.json> <stage.log>
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import process from 'node:process';

const [stage, reportFile, logFile] = process.argv.slice(2);
const ERROR_LINES = 12;
// eslint-disable-next-line no-control-regex -- vitest colours its output
const plain = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');
// The error and where in the project it happened; the test runner's own frames say nothing.
const firstLines = (text, n = ERROR_LINES) =>
  plain(text)
    .split('\n')
    .filter((l) => !/\/node_modules\/|\(node:internal|at new Promise|at processTicksAndRejections/.test(l))
    .slice(0, n)
    .map((l) => `      ${l}`)
    .join('\n');

const out = [];
let named = 0;
if (reportFile && existsSync(reportFile)) {
  let report;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8'));
  } catch (error) {
    out.push(`  (the JSON report ${reportFile} could not be read: ${error.message})`);
  }
  for (const file of report?.testResults ?? []) {
    const where = relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of failed) {
      named++;
      out.push(`  ✗ ${where} > ${test.fullName}`, firstLines((test.failureMessages ?? []).join('\n') || '(no message)'));
    }
    if (failed.length === 0 && file.status === 'failed') {
      named++;
      out.push(`  ✗ ${where} (outside its tests)`, firstLines(file.message || '(no message)'));
    }
  }
}
if (named === 0 && logFile && existsSync(logFile)) {
  const lines = plain(readFileSync(logFile, 'utf8')).trimEnd().split('\n');
  out.push(`  no failing test is named in the report: the last lines of ${relative(process.cwd(), logFile)}:`, ...lines.slice(-40).map((l) => `    ${l}`));
}
process.stdout.write(`\n${stage}: ${named} failure(s)\n${out.join('\n')}\n`);
