// eld's data files: its large n-gram database, separator pattern and byte dictionary. The package
// exports only its detectors, so they are imported by path (eld is hoisted to the workspace's
// node_modules by the lock file; the language-reader test fails if it is not). A path, unlike a
// computed import, is followed by every bundler: the classify bundle keeps only the routed
// languages' entries, prebuilt for the reader's table (cli/bundle.ts), the images bundle it whole. eld is pinned to
// the version language-reader.ts was checked against.
// @ts-expect-error -- eld's data files ship without types
import { dictionary } from '../../../node_modules/eld/src/dictionary.js';
// @ts-expect-error -- as above
import { ngramsData } from '../../../node_modules/eld/src/ngrams/large.js';
// @ts-expect-error -- as above
import { separators } from '../../../node_modules/eld/src/regexPatterns.js';
import type { EldData } from './language-reader';

const db = ngramsData as Pick<EldData, 'languages' | 'ngrams' | 'packed'>;

export const eldData: EldData = {
  languages: db.languages,
  ngrams: db.ngrams,
  // Only in the classify bundle, whose copy of large.js carries the routed languages' entries prebuilt.
  ...(db.packed && { packed: db.packed }),
  separators: separators as RegExp,
  dictionary: dictionary as string[],
};
