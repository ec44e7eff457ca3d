// Ledger retention on PGlite (the same SQL as the real stack's PostgreSQL): old decisions are
// archived with their model version and then deleted; recent ones stay; the other tables are pruned.
import { gunzipSync } from 'node:zlib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { applyRetention, FilesystemObjectStore, openPGlite, PostgresDecisionTable } from '@sinbin/stores';
import { finalDecision } from '../../helpers/events';

let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});

describe('applyRetention', () => {
  it('archives decisions past retention (with their model version), deletes them, keeps recent ones; prunes the rest', async () => {
    db = await openPGlite();
    const ledger = new PostgresDecisionTable(db, 'decision_ledger');
    const old = Array.from({ length: 7 }, (_, i) => finalDecision({ messageId: `old-${i}`, model: 'sinbin-fast', modelVersion: '3' }));
    for (const d of old) await ledger.putIfAbsent(d);
    await ledger.putIfAbsent(finalDecision({ messageId: 'recent' }));
    await db.query("update decision_ledger set created_at = now() - interval '40 days' where message_id like 'old-%'");
    await db.query("insert into offences values ('g', 'p', 'm-old', now() - interval '40 days'), ('g', 'p', 'm-new', now())");
    const archive = new FilesystemObjectStore(mkdtempSync(join(tmpdir(), 'sinbin-archive-')));
    const report = await applyRetention(db, archive, { now: new Date(), days: 30, auditDays: 365, batch: 3 });
    expect(report.archived).toBe(7);
    expect(report.pruned.offences).toBe(1);
    const keys = await archive.list('date=');
    const archived = (await Promise.all(keys.map(async (k) => gunzipSync((await archive.get(k))!).toString().trim().split('\n')))).flat().map((l) => JSON.parse(l) as { messageId: string; model?: string; modelVersion: string });
    expect(archived.map((d) => d.messageId).sort()).toEqual(old.map((d) => d.messageId).sort());
    expect(archived.every((d) => d.model === 'sinbin-fast' && d.modelVersion === '3')).toBe(true);
    expect((await db.query<{ message_id: string }>('select message_id from decision_ledger')).rows.map((r) => r.message_id)).toEqual(['recent']);
    // A second run finds nothing more to do.
    expect((await applyRetention(db, archive, { now: new Date(), days: 30, auditDays: 365 })).archived).toBe(0);
  }, 120_000);
});
