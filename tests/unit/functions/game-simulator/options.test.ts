import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../../../../functions/game-simulator/src/options';

describe('parseOptions', () => {
  it('takes defaults from the environment', () => {
    const opts = parseOptions([], { GAME_API_KEY: 'k', GATEWAY_URL: 'http://gw:9000/', SINBIN_DATA_DIR: '/data', MODERATION_URL: 'http://mod:1', MODERATOR_TOKEN: 't' });
    expect(opts).toMatchObject({
      gateway: 'http://gw:9000',
      key: 'k',
      rate: 200,
      durationSeconds: 30,
      matches: 50,
      batch: 1,
      graceSeconds: 30,
      dataFile: '/data/conda/CONDA_train.csv',
      sepa: 'join',
      labels: true,
      moderationUrl: 'http://mod:1',
      moderatorToken: 't',
    });
  });

  it('lets flags win over the environment', () => {
    const opts = parseOptions(
      ['--gateway', 'http://127.0.0.1:8080', '--key', 'flag', '--rate', '50', '--duration', '2.5', '--matches', '3', '--batch', '20', '--sepa', 'split', '--no-labels', '--data-dir', '/d', '--file', 'x.csv', '--run-id', 'r1'],
      { GAME_API_KEY: 'env', GATEWAY_URL: 'http://other' },
    );
    expect(opts).toMatchObject({ gateway: 'http://127.0.0.1:8080', key: 'flag', rate: 50, durationSeconds: 2.5, matches: 3, batch: 20, sepa: 'split', labels: false, dataFile: '/d/x.csv', runId: 'r1' });
  });

  it('makes a fresh run id each time', () => {
    const a = parseOptions(['--key', 'k'], {});
    const b = parseOptions(['--key', 'k'], {});
    expect(a !== 'help' && b !== 'help' && a.runId !== b.runId).toBe(true);
  });

  it('answers --help', () => {
    expect(parseOptions(['--help'], {})).toBe('help');
  });

  it.each([
    [[], /API key is required/],
    [['--key', 'k', '--rate', '0'], /--rate/],
    [['--key', 'k', '--rate', 'fast'], /--rate/],
    [['--key', 'k', '--batch', '501'], /--batch/],
    [['--key', 'k', '--matches', '1.5'], /--matches/],
    [['--key', 'k', '--sepa', 'both'], /--sepa/],
    [['--key', 'k', '--gateway', 'ftp://x'], /--gateway/],
    [['--key', 'k', '--run-id', 'has space'], /--run-id/],
    [['--key', 'k', '--bogus'], /bogus/],
  ])('rejects %j', (argv, error) => {
    expect(() => parseOptions(argv, {})).toThrow(UsageError);
    expect(() => parseOptions(argv, {})).toThrow(error);
  });
});
