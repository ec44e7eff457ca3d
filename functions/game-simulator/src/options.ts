// Command line and environment -> the simulator's options, validated in one place.
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SepaMode } from './conda';

export interface SimulatorOptions {
  gateway: string;
  key: string;
  rate: number;
  durationSeconds: number;
  matches: number;
  batch: number;
  concurrency: number;
  pollConcurrency: number;
  graceSeconds: number;
  waitReadySeconds: number;
  dataFile: string;
  sepa: SepaMode;
  labels: boolean;
  seed: number;
  runId: string;
  moderationUrl: string | undefined;
  moderatorToken: string | undefined;
  /** Answer every review case of this run from CONDA's label (simulated moderators). */
  moderate: boolean;
  gameId: string | undefined;
  quiet: boolean;
}

export const USAGE = `npm run simulate -- --key <game API key> [options]

Replays CONDA Dota 2 match chat into the gateway at a target rate, then reads every decision back.

  --gateway URL          gateway base URL (env GATEWAY_URL; default http://127.0.0.1:8080)
  --key KEY              game API key (env GAME_API_KEY; required)
  --rate N               messages per second across all matches (default 200)
  --duration S           seconds of sending (default 30)
  --matches N            matches chatting at the same time (default 50)
  --batch N              messages per POST, 1..500 (default 1)
  --concurrency N        most POSTs in flight at once (default 64)
  --poll-concurrency N   most decision GETs in flight at once (default 16)
  --grace S              seconds to keep polling for decisions after sending stops (default 30)
  --wait-ready S         wait up to S seconds for the gateway's /healthz first (default 0: check once)
  --data-dir DIR         data directory (env SINBIN_DATA_DIR; default ../shared/data beside the repo)
  --file PATH            CONDA CSV, relative to the data directory (default conda/CONDA_train.csv)
  --sepa join|split      a multi-part utterance as one message (join, default) or one per part
  --no-labels            ignore intentClass (no agreement figures)
  --seed N               interleaving seed (default 1)
  --run-id ID            messageId prefix (default sim-<random>); must differ between runs
  --moderation-url URL   moderation API (env MODERATION_URL), to confirm undecided messages wait
  --moderator-token T    for a moderator (env MODERATOR_TOKEN)
  --moderate             simulated moderators answer this run's review cases from CONDA's labels
                         (needs --moderation-url and --moderator-token)
  --game ID              the key's gameId (env GAME_ID; default: learnt from the first decision)
  --quiet                no progress lines on stderr
  -h, --help             this text

Exit status: 0 when every accepted message has a decision or waits for a moderator, nothing was
rejected and nothing failed; 1 otherwise (see the summary); 2 for bad options or no gateway.`;

export class UsageError extends Error {}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function num(name: string, raw: string | undefined, fallback: number, min: number, max: number, integer = false): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function url(name: string, raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    return u.toString().replace(/\/+$/, '');
  } catch {
    throw new UsageError(`--${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
}

/** Returns the options, `'help'` for --help, or throws UsageError. */
export function parseOptions(argv: string[], env: Record<string, string | undefined>): SimulatorOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        gateway: { type: 'string' },
        key: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        matches: { type: 'string' },
        batch: { type: 'string' },
        concurrency: { type: 'string' },
        'poll-concurrency': { type: 'string' },
        grace: { type: 'string' },
        'wait-ready': { type: 'string' },
        'data-dir': { type: 'string' },
        file: { type: 'string' },
        sepa: { type: 'string' },
        'no-labels': { type: 'boolean' },
        seed: { type: 'string' },
        'run-id': { type: 'string' },
        'moderation-url': { type: 'string' },
        'moderator-token': { type: 'string' },
        game: { type: 'string' },
        moderate: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const str = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };

  const key = str('key') ?? env.GAME_API_KEY;
  if (!key) throw new UsageError('a game API key is required: --key <key> or GAME_API_KEY');
  const sepa = str('sepa') ?? 'join';
  if (sepa !== 'join' && sepa !== 'split') throw new UsageError(`--sepa must be join or split, got ${JSON.stringify(sepa)}`);
  const dataDir = resolve(REPO_ROOT, str('data-dir') ?? env.SINBIN_DATA_DIR ?? '../shared/data');
  const file = str('file') ?? 'conda/CONDA_train.csv';
  const runId = str('run-id') ?? `sim-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(runId)) throw new UsageError('--run-id must be 1..100 characters of A-Z a-z 0-9 . _ : -');
  const moderationRaw = str('moderation-url') ?? env.MODERATION_URL;
  const moderatorToken = str('moderator-token') ?? env.MODERATOR_TOKEN;
  if (values.moderate && !(moderationRaw && moderatorToken)) throw new UsageError('--moderate needs --moderation-url and --moderator-token');

  return {
    gateway: url('gateway', str('gateway') ?? env.GATEWAY_URL ?? 'http://127.0.0.1:8080'),
    key,
    rate: num('rate', str('rate'), 200, 0.001, 100_000),
    durationSeconds: num('duration', str('duration'), 30, 0, 86_400),
    matches: num('matches', str('matches'), 50, 1, 100_000, true),
    batch: num('batch', str('batch'), 1, 1, 500, true),
    concurrency: num('concurrency', str('concurrency'), 64, 1, 10_000, true),
    pollConcurrency: num('poll-concurrency', str('poll-concurrency'), 16, 1, 1_000, true),
    graceSeconds: num('grace', str('grace'), 30, 0, 3_600),
    waitReadySeconds: num('wait-ready', str('wait-ready'), 0, 0, 3_600),
    dataFile: isAbsolute(file) ? file : resolve(dataDir, file),
    sepa,
    labels: !values['no-labels'],
    seed: num('seed', str('seed'), 1, 0, 2 ** 32 - 1, true),
    runId,
    moderationUrl: moderationRaw ? url('moderation-url', moderationRaw) : undefined,
    moderatorToken,
    moderate: Boolean(values.moderate),
    gameId: str('game') ?? env.GAME_ID,
    quiet: Boolean(values.quiet),
  };
}
