"""A retrained fast model keeps the routing band of the model it was retrained from (routing.py).

The pure part runs everywhere; the end-to-end run of retrain.py needs scipy, onnx and onnxruntime,
so it runs under the training venv's Python (from models/: that python -m pytest on this file) and
skips in the numpy-only venv of models/test.sh.
"""
import importlib.util
import json
import random
import subprocess
import sys

import numpy as np
import pytest

from conftest import MODELS
from sinbin_models.routing import base_routing, retrained_meta, routing_on

# A served model as `evaluate` leaves it: its band chosen for the cascade, train_fast's targets beside it.
SERVED = {
    'version': 'fast-2026-12-06', 'format': 'sinbin-fast-1', 'outputs': ['toxicity', 'insult'],
    'defaultThresholds': {'okBelow': 0.145, 'toxicFrom': 0.9}, 'routingFromTargets': {'okBelow': 0.145, 'toxicFrom': 0.57},
    'routingChosenBy': 'models/sinbin_models/eval_cascade.py', 'decisionThreshold': 0.5, 'decisionBeforeBiasShift': 0.35,
    'createdBy': 'models/sinbin_models/train_fast.py',
}


@pytest.mark.parametrize('base, want_band, want_kept_from, want_chosen_by', [
    (SERVED, {'okBelow': 0.145, 'toxicFrom': 0.9}, 'fast-2026-12-06', 'models/sinbin_models/eval_cascade.py'),
    # Retrained from a retrained model: still the band `evaluate` chose, and from where.
    ({**SERVED, 'version': 'fast-r1', 'routingKeptFrom': 'fast-2026-12-06'}, {'okBelow': 0.145, 'toxicFrom': 0.9}, 'fast-2026-12-06',
     'models/sinbin_models/eval_cascade.py'),
    # Straight out of train_fast (never evaluated): its own band, said so.
    ({k: v for k, v in SERVED.items() if k not in ('routingChosenBy', 'routingFromTargets')} | {'defaultThresholds': {'okBelow': 0.2, 'toxicFrom': 0.6}},
     {'okBelow': 0.2, 'toxicFrom': 0.6}, 'fast-2026-12-06', 'models/sinbin_models/train_fast.py'),
])
def test_retrained_meta_keeps_the_base_band(base, want_band, want_kept_from, want_chosen_by):
    meta = retrained_meta(base, 'fast-r2')
    assert meta['defaultThresholds'] == want_band
    assert meta['version'] == 'fast-r2' and meta['retrainedFrom'] == base['version']
    assert meta['routingKeptFrom'] == want_kept_from
    assert 'decisionBeforeBiasShift' not in meta
    assert base_routing(base)['chosenBy'] == want_chosen_by
    assert {k: base_routing(base)[k] for k in ('okBelow', 'toxicFrom')} == want_band


def test_routing_on_reports_the_kept_band():
    y = np.array([0, 0, 0, 1, 1, 1])
    p = np.array([0.05, 0.1, 0.5, 0.5, 0.92, 0.95])
    r = routing_on(y, p, {'okBelow': 0.145, 'toxicFrom': 0.9})
    assert r['share_ok_route'] == pytest.approx(2 / 6, abs=1e-3)
    assert r['share_needs_analysis'] == pytest.approx(2 / 6, abs=1e-3)
    assert r['precision_toxic_route'] == 1.0


HEAVY_OK = all(importlib.util.find_spec(m) for m in ('scipy', 'onnx', 'onnxruntime'))


@pytest.mark.skipif(not HEAVY_OK, reason='needs scipy, onnx and onnxruntime (the training venv)')
def test_retrain_keeps_the_band_with_enough_verdicts_to_pick_another(tmp_path):
    """With 300 validation verdicts retrain.py used to re-pick the band from CONDA-style targets (toxicFrom ~0.57)."""
    from sinbin_models.fast_model import export_onnx
    bits = 10
    base = tmp_path / 'base'
    base.mkdir()
    rng = np.random.default_rng(0)
    export_onnx((rng.normal(0, 0.01, (2 ** bits, 2))).astype(np.float32), np.zeros(2, dtype=np.float32), str(base / 'model.onnx'))
    meta = {**SERVED, 'onnx': 'model.onnx', 'input': 'ids', 'output': 'scores', 'paddingId': 2 ** bits,
            'hashing': {'scheme': 'fnv1a32-utf16-fmix', 'bucketBits': bits, 'charMin': 3, 'charMax': 5, 'maxFeatures': 64,
                        'seeds': {'word': 2654435761, 'collapsed': 2246822519, 'bigram': 3266489917, 'char': 668265263}}}
    (base / 'fast-model.json').write_text(json.dumps(meta))
    words_bad, words_ok = ['idiot', 'trash', 'loser', 'moron', 'garbage'], ['push', 'mid', 'nice', 'ult', 'gg', 'wp', 'lane', 'tower']
    rand = random.Random(1)
    rows = []
    for i in range(1200):
        toxic = i % 3 == 0
        words = rand.sample(words_ok, 3) + ([rand.choice(words_bad)] if toxic else [])
        rows.append({'text': ' '.join(words), 'label': int(toxic), 'categories': {'insult': int(toxic)}, 'weight': 1.0,
                     'split': 'val' if i % 4 == 0 else 'train'})
    examples = tmp_path / 'examples.jsonl'
    examples.write_text('\n'.join(json.dumps(r) for r in rows) + '\n')
    out = tmp_path / 'out'
    subprocess.run([sys.executable, '-m', 'sinbin_models.retrain', '--base', str(base), '--examples', str(examples), '--out', str(out),
                    '--version', 'fast-r-test', '--max-iter', '50'], cwd=MODELS, check=True, capture_output=True)
    retrained = json.loads((out / 'fast-model.json').read_text())
    report = json.loads((out / 'retrain-report.json').read_text())
    assert report['examples']['val'] >= 200
    assert retrained['defaultThresholds'] == {'okBelow': 0.145, 'toxicFrom': 0.9}
    assert retrained['routingChosenBy'] == SERVED['routingChosenBy']
    assert report['routing']['toxicFrom'] == 0.9 and report['routing']['from'] == 'fast-2026-12-06'
    assert set(report['routing']['validation']) >= {'share_needs_analysis', 'precision_toxic_route'}
