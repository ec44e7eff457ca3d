"""Experiment: which tweets should the cascade's choices (routing, stage form, review cut) be made
on? `evaluate` makes them on the validation tenth of TweetEval's train file; our TweetEval test is
its val file, on which the fast model scores lower than on that tenth. This splits the val file
in two halves by a hash of the text, makes the same choices (`evaluate`'s grid, rules and caps)
three ways (the tenth, half A, the tenth and half A) and reports each on half B, which none saw,
with CONDA's test beside. Writes choice-split.json under models/work/ only; serving is untouched.

Usage: python -m sinbin_models evaluate-choice-split
"""
import hashlib
import json
import time

import numpy as np

from .data import load_all
from .eval_cascade import MODELS_DIR, SOURCES, Models, cascade, final_params, pick_min_confidence, select
from .stacking import stacked_toxicity
from .train_fast import by_source


def half_a(texts: list[str]) -> np.ndarray:
    """A fixed half of the lines, by a hash of the text (so a retrain keeps the same halves)."""
    return np.array([int(hashlib.sha1(t.encode()).hexdigest(), 16) % 2 == 0 for t in texts])


def main() -> None:
    t0 = time.time()
    models, records = Models(), load_all()
    base = models.fast_meta.get('routingFromTargets', models.fast_meta['defaultThresholds'])
    fast_decision = models.fast_meta['decisionThreshold']
    val = {src: models.scored(by_source(records, 'val', src)) for src in SOURCES}
    test = {src: models.scored(by_source(records, 'test', src)) for src in SOURCES}
    in_a = half_a([r.text for r in by_source(records, 'test', 'offensive')])
    a = {k: v[in_a] for k, v in test['offensive'].items()}
    b = {k: v[~in_a] for k, v in test['offensive'].items()}
    print(f'scored in {time.time() - t0:.0f}s; TweetEval val file: half A {int(in_a.sum())}, half B {int((~in_a).sum())} lines', flush=True)
    schemes = {'train-file tenth (evaluate)': val, 'val-file half A': {**val, 'offensive': a},
               'tenth and half A': {**val, 'offensive': {k: np.concatenate([val['offensive'][k], a[k]]) for k in a}}}
    rows = []
    for name, v in schemes.items():
        th, form, _ = select(v, base)
        params = final_params(v, th, form == 'stacked')
        stage = lambda s: stacked_toxicity(s['deep_logit'], s['fast_p'], params)
        min_conf = pick_min_confidence([(v[s]['y'], v[s]['fast_p'], stage(v[s])) for s in ('conda', 'offensive')], th, 0.5)
        on_b = cascade(b['y'], b['fast_p'], stage(b), th, 0.5, fast_decision, min_conf)
        conda = cascade(test['conda']['y'], test['conda']['fast_p'], stage(test['conda']), th, 0.5, fast_decision, min_conf)
        rows.append({'choices_made_on': name, 'routing': th, 'form': form, 'reviewBelowConfidence': min_conf,
                     'half_b_tweeteval_macro_f1': on_b['macro_f1'], 'half_b_to_deep': on_b['share_deep_analysed'],
                     'half_b_review': on_b['share_review'], 'conda_test_f1_toxic': conda['f1_toxic'],
                     'conda_to_deep': conda['share_deep_analysed'], 'conda_review': conda['share_review']})
        print(json.dumps(rows[-1]), flush=True)
    out = MODELS_DIR / 'work' / 'choice-split.json'
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({'half_a': int(in_a.sum()), 'half_b': int((~in_a).sum()), 'rows': rows}, indent=2) + '\n')
    print(f'wrote {out} in {time.time() - t0:.0f}s')


if __name__ == '__main__':
    main()
