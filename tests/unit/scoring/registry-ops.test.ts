import { describe, expect, it } from 'vitest';
import { bandFromTag } from '../../../shared/scoring/src/registry-ops';

describe('bandFromTag', () => {
  it.each([
    ['the tag registerVersion writes', '{"okBelow":0.145,"toxicFrom":0.9}', { okBelow: 0.145, toxicFrom: 0.9 }],
    ['no tag (a deep model, or a version registered before the tag)', undefined, undefined],
    ['not JSON', 'okBelow=0.1', undefined],
    ['a field missing', '{"okBelow":0.1}', undefined],
    ['outside [0, 1]', '{"okBelow":-0.1,"toxicFrom":0.9}', undefined],
    ['extra fields are dropped', '{"okBelow":0.2,"toxicFrom":0.8,"from":"fast-3"}', { okBelow: 0.2, toxicFrom: 0.8 }],
  ])('%s', (_, tag, band) => {
    expect(bandFromTag(tag)).toEqual(band);
  });
});
