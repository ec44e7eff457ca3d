// The one release of compatibility with the former name (shared/contract/src/legacy-names.mjs): deleting
// that file and this test is all it takes to drop it.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  adoptFormerEnv,
  currentCeType,
  currentModelConfig,
  FORMER_POSTGRES,
  FORMER_SIGNATURE_HEADER,
  formerEnvWarning,
  topicByCeType,
} from '@sinbin/contract';

const SHIM = resolve(import.meta.dirname, '../../../shared/contract/src/legacy-names.mjs');

describe('former environment variables', () => {
  const cases: { name: string; env: Record<string, string>; adopted: string[]; after: Record<string, string> }[] = [
    { name: 'nothing set', env: {}, adopted: [], after: {} },
    { name: 'only the new name', env: { SINBIN_DATA_DIR: '/new' }, adopted: [], after: { SINBIN_DATA_DIR: '/new' } },
    { name: 'only the former name', env: { TOXMOD_DATA_DIR: '/old' }, adopted: ['TOXMOD_DATA_DIR'], after: { SINBIN_DATA_DIR: '/old' } },
    { name: 'both: the new one wins', env: { TOXMOD_DATA_DIR: '/old', SINBIN_DATA_DIR: '/new' }, adopted: [], after: { SINBIN_DATA_DIR: '/new' } },
    { name: 'an empty former value still counts as set', env: { TOXMOD_PG_PASSWORD: '' }, adopted: ['TOXMOD_PG_PASSWORD'], after: { SINBIN_PG_PASSWORD: '' } },
    {
      name: 'several, reported in order',
      env: { TOXMOD_STATE_DIR: '/s', TOXMOD_CACHE: '/c', PATH: '/bin' },
      adopted: ['TOXMOD_CACHE', 'TOXMOD_STATE_DIR'],
      after: { SINBIN_STATE_DIR: '/s', SINBIN_CACHE: '/c', PATH: '/bin' },
    },
    { name: 'a look-alike prefix is left alone', env: { TOXMODX: '1', MY_TOXMOD_X: '1' }, adopted: [], after: {} },
    { name: 'the UI build variable (Vite exposes VITE_* only)', env: { VITE_TOXMOD_API: 'http://mod' }, adopted: ['VITE_TOXMOD_API'], after: { VITE_SINBIN_API: 'http://mod' } },
  ];
  it.each(cases)('$name', ({ env, adopted, after }) => {
    const copy: Record<string, string | undefined> = { ...env };
    expect(adoptFormerEnv(copy).map((a) => a.from)).toEqual(adopted);
    expect(copy).toMatchObject(after);
  });

  it('warns once, naming each new variable', () => {
    expect(formerEnvWarning([])).toBeUndefined();
    const line = formerEnvWarning(adoptFormerEnv({ TOXMOD_DATA_DIR: '/d', TOXMOD_DELIVERY: 'direct' }))!;
    expect(line).toContain('set SINBIN_DATA_DIR instead of TOXMOD_DATA_DIR');
    expect(line).toContain('set SINBIN_DELIVERY instead of TOXMOD_DELIVERY');
    expect(line).toContain('0.3.0');
  });

  it('exports the former variables to shell scripts, quoted, with the warning on stderr', () => {
    const run = (env: Record<string, string>) =>
      execFileSync('bash', ['-c', `node "${SHIM}" shell-env 2>"$ERR"; echo "--"; cat "$ERR"`], {
        env: { PATH: process.env.PATH!, ERR: `/tmp/sinbin-shim-${process.pid}.err`, ...env },
        encoding: 'utf8',
      });
    const out = run({ TOXMOD_DATA_DIR: "/data/it's here", SINBIN_CACHE: '/c', TOXMOD_CACHE: '/ignored' });
    const [exports, warning] = out.split('--\n');
    expect(exports).toBe(`export SINBIN_DATA_DIR='/data/it'\\''s here'\n`);
    expect(warning).toMatch(/^warning: .*set SINBIN_DATA_DIR instead of TOXMOD_DATA_DIR/);
    expect(execFileSync('bash', ['-c', `eval "$(node "${SHIM}" shell-env 2>/dev/null)"; printf %s "$SINBIN_DATA_DIR"`], {
      env: { PATH: process.env.PATH!, TOXMOD_DATA_DIR: "/data/it's here" },
      encoding: 'utf8',
    })).toBe("/data/it's here");
    expect(run({})).toBe('--\n');
  });
});

describe('former names in stored data', () => {
  it.each([
    ['gg.toxmod.chat.message.v1', 'gg.sinbin.chat.message.v1'],
    ['gg.toxmod.decision.final.v1', 'gg.sinbin.decision.final.v1'],
    ['gg.sinbin.chat.message.v1', 'gg.sinbin.chat.message.v1'],
    ['dev.knative.kafka.event', 'dev.knative.kafka.event'],
  ])('reads CloudEvent type %s as %s', (former, current) => {
    expect(currentCeType(former)).toBe(current);
  });

  it('finds the topic of a record written before the rename', () => {
    expect(topicByCeType(currentCeType('gg.toxmod.chat.classified.v1'))).toBe('classified-messages');
  });

  it('reads a model config written under the former section name and format tag', () => {
    const former = { toxmod: { version: 'deep-1', format: 'toxmod-deep-1', input: { maxLen: 64 } }, architectures: ['x'] };
    expect(currentModelConfig(former)).toEqual({ sinbin: { version: 'deep-1', format: 'sinbin-deep-1', input: { maxLen: 64 } }, architectures: ['x'] });
    expect(currentModelConfig({ version: 'fast-1', format: 'toxmod-fast-1' })).toEqual({ version: 'fast-1', format: 'sinbin-fast-1' });
    const current = { sinbin: { format: 'sinbin-deep-1' } };
    expect(currentModelConfig(current)).toEqual(current);
  });

  it('names the former webhook header and PostgreSQL role and database', () => {
    expect(FORMER_SIGNATURE_HEADER).toBe('x-toxmod-signature');
    expect(FORMER_POSTGRES).toEqual({ role: 'toxmod', database: 'toxmod', settingsFile: 'toxmod.conf' });
    expect(execFileSync(process.execPath, [SHIM, 'pg-names'], { encoding: 'utf8' })).toBe('toxmod toxmod toxmod.conf\n');
  });
});
