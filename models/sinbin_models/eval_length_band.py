"""Experiment: does a length-aware routing band (length_band.py) beat one band for every length?

Same data, objective and constraints as eval_cascade.select: candidates are chosen on validation
only (5-fold out-of-fold deep stage, objective = mean of CONDA toxic F1 and TweetEval macro-F1, at
most MAX_DEEP_SHARE of CONDA to the deep stage, stage band accuracy MIN_BAND_GAIN above the fast
model's on the CONDA and TweetEval bands); then the stage is fitted on the whole validation band,
the review cut picked (pick_min_confidence's rule) and the held-out test reported for the best
single band and the best length-aware band. Writes nothing under models/deep or models/fast: only
length-band-report.json under models/work/ (and a score cache beside it).
"""
import json
import time
from pathlib import Path

import numpy as np

from .eval_cascade import (CUT_GRID, MAX_DEEP_SHARE, MIN_BAND_GAIN, MODELS_DIR, OK_BELOW_GRID, REVIEW_TARGET, SOURCES,
                           STACK_SOURCE_WEIGHT, TOXIC_FROM_GRID, confidence)
from .length_band import routes, word_count
from .metrics import binary_report
from .stacking import fit as fit_stack, fold_cut, stacked_toxicity

WORK = MODELS_DIR / 'work'
LONG_FROM_WORDS = (6, 8, 10, 12, 15, 20, 25, 30)
LONG_OK_BELOW = (0.0, 0.02, 0.05)
LONG_TOXIC_FROM = (0.95, 0.98, 1.0)
EVAL_SETS = ('harm', 'slang', 'mild', 'french')


def score_all(cache: Path) -> dict:
    """fast p, deep toxicity logit, words and labels of every val/test source (HatEval test too) and the eval sets."""
    if cache.is_file():
        z = np.load(cache, allow_pickle=False)
        out: dict = {}
        for key in z.files:
            name, field = key.rsplit('.', 1)
            out.setdefault(name, {})[field] = z[key]
        return out
    from . import eval_sets
    from .data import load_all
    from .eval_cascade import Models, _Line
    from .train_fast import by_source
    models, records = Models(), load_all()
    out = {}
    for split, src in [(sp, s) for sp in ('val', 'test') for s in SOURCES] + [('test', 'hate')]:
        recs = by_source(records, split, src)
        texts = [r.text for r in recs]
        y = [r.categories['identity_hate'] for r in recs] if src == 'hate' else [r.toxic for r in recs]
        out[f'{split}/{src}'] = {'y': np.array(y), 'fast_p': models.fast_scores(texts)[:, 0],
                                 'deep_logit': models.deep_logits(recs, texts)[:, 0], 'words': np.array([word_count(t) for t in texts])}
    sets = eval_sets.available()
    for name in EVAL_SETS:
        rows = sets.get(name, [])
        if not rows:
            continue
        texts = [r['text'] for r in rows]
        out[f'set/{name}'] = {'y': np.array([r['y'] for r in rows]), 'fast_p': models.fast_scores(texts)[:, 0],
                              'deep_logit': models.deep_logits([_Line() for _ in rows], texts)[:, 0],
                              'words': np.array([word_count(t) for t in texts]),
                              'mild': np.array([r['kind'] == 'mild-taunt' for r in rows])}
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **{f'{name}.{field}': v for name, d in out.items() for field, v in d.items()})
    return out


def cascade(s: dict, stage: np.ndarray, th: dict, min_conf: float = 0.0) -> dict:
    """The cascade's verdicts on one source under `th` (stage's cut 0.5; review counted with its verdict)."""
    band, fast_toxic = routes(s['fast_p'], s['words'], th)
    final = np.where(band, stage >= 0.5, fast_toxic)
    review = band & (confidence(stage, 0.5) < min_conf)
    rep = binary_report(s['y'], final.astype(float), 0.5)
    yb = s['y'][band].astype(bool)
    acc = lambda p: float(((p[band] >= 0.5) == yb).mean()) if band.any() else 0.0
    return {'f1_toxic': rep['f1_toxic'], 'macro_f1': rep['macro_f1'], 'precision': rep['precision'], 'recall': rep['recall'],
            'share_deep_analysed': round(float(band.mean()), 4), 'share_review': round(float(review.mean()), 4),
            'band_n': int(band.sum()), 'band_gain': round(acc(stage) - acc(s['fast_p']), 4)}


def pooled_band(val: dict, th: dict):
    parts = []
    for src in SOURCES:
        band = routes(val[src]['fast_p'], val[src]['words'], th)[0]
        parts.append((val[src]['deep_logit'][band], val[src]['fast_p'][band], val[src]['y'][band], np.full(int(band.sum()), src)))
    d, f, y, s = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return d, f, y, np.array([STACK_SOURCE_WEIGHT[x] for x in s]), s


def out_of_fold(val: dict, th: dict, use_fast: bool) -> dict:
    from sklearn.model_selection import StratifiedKFold
    d, f, y, w, s = pooled_band(val, th)
    oof = np.zeros(len(y))
    strata = y * len(SOURCES) + np.array([SOURCES.index(x) for x in s])
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(d, strata):
        oof[te] = stacked_toxicity(d[te], f[te], fit_stack(d[tr], f[tr], y[tr], w[tr], use_fast))
    out = {}
    for src in SOURCES:
        stage = np.zeros(len(val[src]['y']))
        stage[routes(val[src]['fast_p'], val[src]['words'], th)[0]] = oof[s == src]
        out[src] = stage
    return out


def objective(c: dict, o: dict) -> float:
    return (c['f1_toxic'] + o['macro_f1']) / 2


def best_cut(val: dict, stage: dict, th: dict) -> float:
    """The stage cut with the best validation objective (as eval_cascade.best_cut), returned as a cut."""
    scored = [(objective(cascade(val['conda'], stage['conda'] - cut + 0.5, th), cascade(val['offensive'], stage['offensive'] - cut + 0.5, th)),
               round(float(cut), 2)) for cut in CUT_GRID]
    return max(scored)[1]


def candidates(base: dict):
    oks = sorted({base['okBelow'], *[o for o in OK_BELOW_GRID if o < base['okBelow']]})
    toxics = sorted({base['toxicFrom'], *[t for t in TOXIC_FROM_GRID if t > base['toxicFrom']]})
    for ok in oks:
        for tox in toxics:
            th = {'okBelow': round(float(ok), 3), 'toxicFrom': round(float(tox), 3)}
            yield th
            for n in LONG_FROM_WORDS:
                for lo in LONG_OK_BELOW:
                    for lt in LONG_TOXIC_FROM:
                        if lo <= ok and lt >= tox and (lo, lt) != (ok, tox):
                            yield {**th, 'longFromWords': n, 'longBand': {'okBelow': lo, 'toxicFrom': lt}}


def evaluate_candidate(val: dict, th: dict, form: str) -> dict:
    stage = out_of_fold(val, th, form == 'stacked')
    cut = best_cut(val, stage, th)
    shifted = {src: stage[src] - cut + 0.5 for src in SOURCES}
    c, o = cascade(val['conda'], shifted['conda'], th), cascade(val['offensive'], shifted['offensive'], th)
    return {'thresholds': th, 'form': form, 'cut': cut, 'objective': round(objective(c, o), 4), 'conda_f1': c['f1_toxic'],
            'offensive_macro_f1': o['macro_f1'], 'conda_deep_share': c['share_deep_analysed'],
            'offensive_deep_share': o['share_deep_analysed'], 'conda_band_gain': c['band_gain'], 'offensive_band_gain': o['band_gain'],
            'allowed': min(c['band_gain'], o['band_gain']) >= MIN_BAND_GAIN}


def select(table: list, length_aware: bool, cap: float = MAX_DEEP_SHARE) -> dict:
    pool = [r for r in table if ('longFromWords' in r['thresholds']) == length_aware and r['conda_deep_share'] <= cap]
    allowed = [r for r in pool if r['allowed']] or pool
    return max(allowed, key=lambda r: r['objective'])


def final_stage(val: dict, th: dict, form: str) -> dict:
    d, f, y, w, _ = pooled_band(val, th)
    params = fit_stack(d, f, y, w, form == 'stacked')
    stage = {src: stacked_toxicity(val[src]['deep_logit'], val[src]['fast_p'], params) for src in SOURCES}
    return {k: round(v, 6) for k, v in fold_cut(params, best_cut(val, stage, th)).items()}


def pick_min_confidence(val: dict, th: dict, params: dict) -> float:
    best = 0.0
    for m in np.arange(0.0, 1.0, 0.01):
        shares = [cascade(val[src], stacked_toxicity(val[src]['deep_logit'], val[src]['fast_p'], params), th, m)['share_review']
                  for src in ('conda', 'offensive')]
        if max(shares) <= REVIEW_TARGET:
            best = float(m)
    return round(best, 2)


def held_out(scores: dict, th: dict, params: dict, min_conf: float) -> dict:
    out = {}
    for split in ('val', 'test'):
        for src in SOURCES + (('hate',) if split == 'test' else ()):
            s = scores[f'{split}/{src}']
            out[f'{split}/{src}'] = cascade(s, stacked_toxicity(s['deep_logit'], s['fast_p'], params), th, min_conf)
    for name in EVAL_SETS:
        s = scores.get(f'set/{name}')
        if s is None:
            continue
        stage = stacked_toxicity(s['deep_logit'], s['fast_p'], params)
        band, fast_toxic = routes(s['fast_p'], s['words'], th)
        final = np.where(band, stage >= 0.5, fast_toxic)
        review = band & (confidence(stage, 0.5) < min_conf)
        y = s['y'] == 1
        out[f'set/{name}'] = {'harmful_allowed': int(np.sum(y & ~final & ~review)), 'harmful_n': int(y.sum()),
                              'harmless_blocked': int(np.sum(~y & final & ~review)), 'harmless_n': int((~y).sum()),
                              'share_review': round(float(review.mean()), 4), 'share_deep_analysed': round(float(band.mean()), 4)}
    return out


def always_deep_when_long(scores: dict, val: dict, band: dict) -> list:
    """Diagnostic, after the choice and not part of it: every message of N+ words to the deep stage
    (long band 0..1), the short ones on `band`, stage refitted on validation; per N, validation and
    test figures and deep shares. Shows how far routing by length alone can move the cascade."""
    rows = []
    for n in (None, 0, *LONG_FROM_WORDS):  # 0: every message to the deep stage
        th = band if n is None else {**band, 'longFromWords': n, 'longBand': {'okBelow': 0.0, 'toxicFrom': 1.0}}
        params = final_stage(val, th, 'stacked')
        min_conf = pick_min_confidence(val, th, params)
        row = {'longFromWords': n}
        for key in ('val/conda', 'val/offensive', 'test/conda', 'test/offensive'):
            s = scores[key]
            c = cascade(s, stacked_toxicity(s['deep_logit'], s['fast_p'], params), th, min_conf)
            row[key] = {'f1': c['macro_f1' if key.endswith('offensive') else 'f1_toxic'], 'deep_share': c['share_deep_analysed'],
                        'review': c['share_review']}
        rows.append(row)
    return rows


def accuracy_by_length(scores: dict, edges=(0, 10, 20, 10**6)) -> dict:
    """Each model alone at its own cut (fast 0.5, transformer 0.48), by word count: is the fast model
    really the weaker reader of long messages, on validation as on test?"""
    out = {}
    for key in ('val/conda', 'test/conda', 'val/offensive', 'test/offensive'):
        s, rows = scores[key], {}
        for lo, hi in zip(edges, edges[1:]):
            m = (s['words'] >= lo) & (s['words'] < hi)
            if m.any():
                deep = 1 / (1 + np.exp(-s['deep_logit'][m].astype(np.float64)))
                rows[f'{lo}-{hi - 1}' if hi < 10**6 else f'{lo}+'] = {
                    'n': int(m.sum()), 'fast': round(float(((s['fast_p'][m] >= 0.5) == s['y'][m]).mean()), 3),
                    'transformer': round(float(((deep >= 0.48) == s['y'][m]).mean()), 3)}
        out[key] = rows
    return out


def length_profile(scores: dict) -> dict:
    """Share of messages at or above each candidate word count, per source (validation)."""
    return {src: {n: round(float((scores[f'val/{src}']['words'] >= n).mean()), 4) for n in LONG_FROM_WORDS} for src in SOURCES}


def main() -> None:
    started = time.time()
    scores = score_all(WORK / 'length-band-scores.npz')
    val = {src: scores[f'val/{src}'] for src in SOURCES}
    meta = json.loads((MODELS_DIR / 'fast' / 'fast-model.json').read_text())
    base = meta.get('routingFromTargets', meta['defaultThresholds'])
    table = []
    for th in candidates(base):
        # The deep-share cap depends on routing alone: skip the stage fits of candidates over it.
        share = float(routes(val['conda']['fast_p'], val['conda']['words'], th)[0].mean())
        if share > MAX_DEEP_SHARE + 0.03:
            continue
        for form in ('transformer', 'stacked'):
            table.append(evaluate_candidate(val, th, form))
    report = {'lengthProfile': length_profile(scores), 'maxDeepShare': MAX_DEEP_SHARE, 'candidates': len(table), 'runs': {}}
    picks = {'single band': select(table, False), 'length-aware': select(table, True),
             # For information only (over the cost cap): what a little more deep share on chat would buy.
             'length-aware, cap +3 points': select(table, True, MAX_DEEP_SHARE + 0.03)}
    for name, row in picks.items():
        th, form = row['thresholds'], row['form']
        params = final_stage(val, th, form)
        min_conf = pick_min_confidence(val, th, params)
        report['runs'][name] = {'selection': row, 'stacking': params, 'reviewBelowConfidence': min_conf,
                                'figures': held_out(scores, th, params, min_conf)}
    deep_alone = {}
    for src in SOURCES:
        s = scores[f'test/{src}']
        deep_alone[src] = binary_report(s['y'], 1 / (1 + np.exp(-s['deep_logit'].astype(np.float64))), 0.48)['macro_f1' if src == 'offensive' else 'f1_toxic']
    report['deepAloneTest'] = deep_alone
    report['alwaysDeepWhenLong'] = always_deep_when_long(scores, val, report['runs']['single band']['selection']['thresholds'])
    report['accuracyByLength'] = accuracy_by_length(scores)
    report['topLengthAware'] = sorted((r for r in table if 'longFromWords' in r['thresholds'] and r['conda_deep_share'] <= MAX_DEEP_SHARE),
                                      key=lambda r: -r['objective'])[:15]
    report['seconds'] = round(time.time() - started)
    (WORK / 'length-band-report.json').write_text(json.dumps(report, indent=1) + '\n')
    for name, run in report['runs'].items():
        print(name, json.dumps(run['selection']), 'reviewBelowConfidence', run['reviewBelowConfidence'])
        for key, f in run['figures'].items():
            print('  ', key, json.dumps(f))
    for row in report['alwaysDeepWhenLong']:
        print('always deep from', row['longFromWords'], 'words:', json.dumps({k: v for k, v in row.items() if k != 'longFromWords'}))
    print('deep alone test', deep_alone, 'length profile', report['lengthProfile'], 'seconds', report['seconds'])


if __name__ == '__main__':
    main()
