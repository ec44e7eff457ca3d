// The fault suite's figures, one row per scenario: written by each scenario to report.jsonl, printed
// as a table at the end of the run (tests/faults/global-setup.ts).
import type { LedgerFigures } from './ledger';

export interface ScenarioRow extends LedgerFigures {
  scenario: string;
  variant: string;
  /** Sent, not yet answered or accepted but not yet decided, when the fault struck. */
  inFlightAtFault: number;
  sent: number;
  /** Non-202 answers the client got and retried or gave up on, by status (0: no answer). */
  answers: Record<string, number>;
  /** What the fault did, and what a client was told meanwhile. */
  note: string;
  durationMs: number;
  passed: boolean;
  skipped?: string;
}

export function formatReport(rows: ScenarioRow[]): string {
  const head = ['scenario', 'sent', 'accepted', 'in flight at fault', 'lost', 'duplicated', 'refused', 'refused+decided', 'abandoned', 'republished', 'webhook missing/dup', 'settle s', 'answers', 'result'];
  const lines = rows.map((r) =>
    r.skipped
      ? [r.scenario, '', '', '', '', '', '', '', '', '', '', '', '', `skipped: ${r.skipped}`]
      : [
          r.scenario,
          String(r.sent),
          String(r.accepted),
          String(r.inFlightAtFault),
          String(r.lost),
          String(r.duplicated),
          String(r.refused),
          String(r.refusedButDecided),
          `${r.abandoned + r.unanswered} (${r.unknownDecided} decided)`,
          String(r.republished),
          `${r.webhook.missing}/${r.webhook.duplicated}`,
          (r.settleMs / 1000).toFixed(1),
          Object.entries(r.answers)
            .map(([s, n]) => `${s === '0' ? 'no answer' : s}x${n}`)
            .join(' ') || '-',
          r.passed ? 'ok' : 'FAILED',
        ],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const variant = rows[0]?.variant ?? '';
  return [
    `fault suite (${variant}): every accepted message must end in exactly one final decision, none for a refused one`,
    `  in flight: sent but not yet answered, or accepted but not yet decided, when the fault struck; lost: accepted, no decision;`,
    `  duplicated: two different decisions for one message; abandoned: the client gave up while told to retry (fate unknown to it);`,
    `  republished: the same decision published again by a redelivery (consumers dedupe by messageId)`,
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...lines.map(fmt),
    ...rows.filter((r) => r.note).map((r) => `  ${r.scenario}: ${r.note}`),
  ].join('\n');
}
