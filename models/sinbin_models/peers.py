"""Scores the peer classifier alt-profanity-check (PyPI, MIT; a linear SVM over bag of words) on
the same held-out splits as our models: F1 per source at its own predict() cut, ROC AUC of its
predict_prob(), and messages per second on one core. Runs in its own small venv (its pinned
scikit-learn differs from ours): models/peers.sh. Imports only the pure data modules.

Usage: python -m sinbin_models.peers [--out fast/peers-report.json]
"""
import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from . import eval_sets
from .data import load_all
from .metrics import binary_report

MODELS_DIR = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=str(MODELS_DIR / 'peers-report.json'))
    args = ap.parse_args()
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    from profanity_check import predict_prob
    records = load_all()
    report = {'peer': 'alt-profanity-check 1.9.1', 'cut': 0.5, 'test': {}, 'eval_sets': {}}
    for src in ('conda', 'offensive', 'davidson'):
        recs = [r for r in records if r.split == 'test' and r.source == src]
        texts = [r.text for r in recs]
        t0 = time.perf_counter()
        p = np.asarray(predict_prob(texts))
        dt = time.perf_counter() - t0
        rep = binary_report(np.array([r.toxic for r in recs]), p, 0.5)
        rep['msgs_per_s'] = round(len(texts) / dt)
        report['test'][src] = rep
        print(src, json.dumps(rep), flush=True)
    for name, rows in eval_sets.available().items():
        p = np.asarray(predict_prob([r['text'] for r in rows]))
        report['eval_sets'][name] = eval_sets.binary_set_report(rows, p, 0.5)
    Path(args.out).write_text(json.dumps(report, indent=2) + '\n')


if __name__ == '__main__':
    main()
