// template/sinbin-ts's secrets preload: OpenFaaS secrets (files) become the environment the
// functions read, without overriding what the platform already set (Knative secretKeyRef).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/deploy/manifests';

const dir = mkdtempSync(join(tmpdir(), 'sinbin-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function envAfterPreload(env: Record<string, string>): Record<string, string | undefined> {
  const out = execFileSync(
    process.execPath,
    ['--import', join(REPO_ROOT, 'template/sinbin-ts/secrets-env.mjs'), '-e', 'console.log(JSON.stringify({DATABASE_URL: process.env.DATABASE_URL, GAME_API_KEYS: process.env.GAME_API_KEYS, MINIO_SECRET_KEY: process.env.MINIO_SECRET_KEY, DATA: process.env.DATA}))'],
    { env: { PATH: process.env.PATH ?? '', OPENFAAS_SECRETS_DIR: dir, ...env }, encoding: 'utf8' },
  );
  return JSON.parse(out);
}

describe('template/sinbin-ts/secrets-env.mjs', () => {
  writeFileSync(join(dir, 'database-url'), 'postgres://u:p@db:5432/sinbin\n');
  writeFileSync(join(dir, 'game-api-keys'), 'game-a:k1');
  writeFileSync(join(dir, 'minio-secret-key'), 's3cret');
  // Kubernetes projects secrets through ..data symlinks; those are not secrets.
  mkdirSync(join(dir, '..2026_11_24'));
  symlinkSync(join(dir, '..2026_11_24'), join(dir, '..data'));

  it('maps each secret file to its UPPER_SNAKE variable, trimmed', () => {
    expect(envAfterPreload({})).toEqual({ DATABASE_URL: 'postgres://u:p@db:5432/sinbin', GAME_API_KEYS: 'game-a:k1', MINIO_SECRET_KEY: 's3cret' });
  });

  it('keeps a variable the platform already set', () => {
    expect(envAfterPreload({ DATABASE_URL: 'postgres://from-env' }).DATABASE_URL).toBe('postgres://from-env');
  });

  it('does nothing when no secrets are mounted', () => {
    const out = execFileSync(process.execPath, ['--import', join(REPO_ROOT, 'template/sinbin-ts/secrets-env.mjs'), '-e', 'console.log(process.env.DATABASE_URL ?? "unset")'], {
      env: { PATH: process.env.PATH ?? '', OPENFAAS_SECRETS_DIR: join(dir, 'missing') },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('unset');
  });
});
