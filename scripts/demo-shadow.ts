// The lead's side of `npm run demo -- --shadow-policy FILE` (scripts/demo.sh): through the lead API
// of the running pipeline, as a lead account would,
//   start   validate the candidate policy, store it as a new version, run it in shadow, and wait
//           until the decision manager applies it (its sinbin_policy_version{role="shadow"} gauge);
//   report  print the shadow report: what the candidate would have done beside what was done.
// Every figure comes from the API's answers; nothing here decides or counts by itself.
//
//   node --import tsx scripts/demo-shadow.ts start  --moderation URL --gateway URL --username U --password-file F --policy FILE
//   node --import tsx scripts/demo-shadow.ts report --moderation URL --username U --password-file F [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { PolicyValidationResponse, ShadowReportResponse } from '@sinbin/contract';

const say = (line: string) => process.stderr.write(`[demo] ${line}\n`);
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    moderation: { type: 'string' },
    gateway: { type: 'string' },
    username: { type: 'string' },
    'password-file': { type: 'string' },
    policy: { type: 'string' },
    json: { type: 'string' },
  },
});
const command = positionals[0];
const moderation = values.moderation;
if (!moderation || !values.username || !values['password-file'] || (command !== 'start' && command !== 'report')) {
  say('usage: demo-shadow.ts start|report --moderation URL --username U --password-file F [--gateway URL --policy FILE] [--json FILE]');
  process.exit(2);
}

async function call<T>(path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${moderation}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

function fail(what: string, answer: { status: number; body: unknown }): never {
  say(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  process.exit(1);
}

const password = readFileSync(values['password-file'], 'utf8').split('\n')[0]!;
const login = await call<{ token: string }>('/v1/auth/login', undefined, { username: values.username, password });
if (login.status !== 200) fail('signing in as the lead failed', login);
const token = login.body.token;

if (command === 'start') {
  if (!values.policy || !values.gateway) {
    say('start needs --policy FILE and --gateway URL');
    process.exit(2);
  }
  const policy = JSON.parse(readFileSync(values.policy, 'utf8')) as unknown;
  const checked = await call<PolicyValidationResponse>('/v1/policies/validate', token, { policy });
  if (checked.status !== 200 || !checked.body.valid) fail(`${values.policy} is not a valid policy`, checked);
  say(`candidate ${values.policy} against active version ${checked.body.against ?? 'none'}:`);
  for (const line of checked.body.lines) say(`  ${line}`);
  const created = await call<{ version: number }>('/v1/policies', token, { policy, note: `demo: ${values.policy} in shadow` });
  if (created.status !== 201) fail('storing the candidate failed', created);
  const shadowed = await call('/v1/policies/' + created.body.version + '/shadow', token, {});
  if (shadowed.status !== 200) fail('running the candidate in shadow failed', shadowed);
  // Decisions are compared only once the decision manager has read the new head.
  const want = `sinbin_policy_version{fn="decision-manager",role="shadow"} ${created.body.version}`;
  for (let i = 0; ; i++) {
    const text = await fetch(`${values.gateway}/metrics`).then((r) => r.text(), () => '');
    if (text.includes(want)) break;
    if (i === 200) {
      say(`the decision manager did not pick up shadow version ${created.body.version} in 20 s`);
      process.exit(1);
    }
    await sleep(100);
  }
  say(`version ${created.body.version} runs in shadow: it decides nothing; its would-be actions are recorded beside the real ones`);
} else {
  // Comparisons are written in batches about once a second: wait until two reads agree.
  let report: { status: number; body: ShadowReportResponse } | undefined;
  for (let i = 0; i < 20; i++) {
    const next = await call<ShadowReportResponse>('/v1/policies/shadow/report?hours=1', token);
    if (next.status !== 200) fail('reading the shadow report failed', next);
    if (report && report.body.compared === next.body.compared) break;
    report = next;
    await sleep(1500);
  }
  const r = report!.body;
  if (values.json) writeFileSync(values.json, `${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(`\nShadow report: candidate version ${r.shadowVersion} beside active version ${r.activeVersion ?? '?'} (${r.since} .. ${r.until})\n`);
  for (const line of r.summary) process.stdout.write(`  ${line}\n`);
  process.stdout.write('\n  action   players (real -> would be)   messages (real -> would be)\n');
  for (const a of r.actions) process.stdout.write(`  ${a.action.padEnd(8)} ${String(a.real.players).padStart(7)} -> ${String(a.wouldBe.players).padEnd(18)} ${String(a.real.messages).padStart(7)} -> ${a.wouldBe.messages}\n`);
  process.stdout.write(`\n  compared ${r.compared}, same ${r.same}, changed ${r.changed}; allow->block ${r.verdicts.allowToBlock}, block->allow ${r.verdicts.blockToAllow}; would analyse ${r.routing.wouldAnalyse}, would review ${r.routing.wouldReview}\n`);
}
