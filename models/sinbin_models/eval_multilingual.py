"""Evaluates the multilingual deep model (models/multilingual): English held-out sources as the
other models, and the French game-chat set of models/eval (never trained on) with a review band.

Review: a verdict whose confidence (distance of the toxicity from the decision cut, scaled to
[0, 1] on its side) is below reviewBelowConfidence goes to a human. The cut is chosen on English
validation data only (the largest that keeps review within REVIEW_BUDGET on CONDA and TweetEval
validation), then applied to French as it is. Written into the multilingual model's config.json (models/multilingual/, once exported).

Usage: python -m sinbin_models evaluate-multilingual [--model multilingual]
"""
import argparse
import json
from pathlib import Path

import numpy as np

from . import eval_sets
from .eval_cascade import Models, cascade, confidence, _Line
from .data import load_all
from .metrics import binary_report
from .train_fast import by_source

MODELS_DIR = Path(__file__).resolve().parents[1]
REVIEW_BUDGET = 0.05


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=str(MODELS_DIR / 'multilingual'))
    args = ap.parse_args()
    model_dir = Path(args.model)
    models = Models(model_dir)
    cfg = models.deep_config
    decision = cfg['sinbin']['decisionThreshold']
    records = load_all()
    report = {'model': cfg['sinbin']['version'], 'decisionThreshold': decision, 'validation': {}, 'test': {}, 'french': {}, 'eval_sets': {}}
    val_p = {}
    for split in ('val', 'test'):
        for src in ('conda', 'offensive', 'davidson'):
            recs = by_source(records, split, src)
            p = models.deep_scores(recs, [r.text for r in recs])[:, 0]
            y = np.array([r.toxic for r in recs])
            report['validation' if split == 'val' else 'test'][src] = binary_report(y, p, decision)
            if split == 'val':
                val_p[src] = p
    min_conf = 0.0
    for m in np.arange(0.0, 1.0, 0.01):
        if all(np.mean(confidence(val_p[s], decision) < m) <= REVIEW_BUDGET for s in ('conda', 'offensive')):
            min_conf = round(float(m), 2)
    report['reviewBelowConfidence'] = min_conf
    labels = [cfg['id2label'][str(i)] for i in range(len(cfg['id2label']))]
    thresholds = models.fast_meta['defaultThresholds']
    for name, rows in eval_sets.available().items():
        texts = [r['text'] for r in rows]
        probs = models.deep_scores([_Line() for _ in rows], texts)
        p = probs[:, 0]
        y = np.array([r['y'] for r in rows])
        keep = np.array([r['kind'] != 'mild-taunt' for r in rows])
        review = confidence(p, decision) < min_conf
        entry = {'standalone': eval_sets.binary_set_report(rows, p, decision),
                 'share_review': round(float(review.mean()), 4),
                 'decided_only': binary_report(y[keep & ~review], p[keep & ~review], decision) if len(set(y[keep & ~review].tolist())) == 2 else None,
                 'review_counted_correct_f1': _f1_review_correct(y[keep], p[keep] >= decision, review[keep])}
        # The English cascade in front (fast route first, this model on the band), for comparison.
        fast_p = models.fast_scores(texts)[:, 0]
        if len(set(y[keep].tolist())) == 2:
            entry['cascade_fast_then_multilingual'] = cascade(y[keep], fast_p[keep], p[keep], thresholds, decision,
                                                              models.fast_meta['decisionThreshold'], min_conf)
        if name == 'attributes':
            entry['attributes'] = eval_sets.attribute_set_report(rows, probs, labels)
        report['eval_sets'][name] = entry
    report['french'] = report['eval_sets'].get('french', {})
    cfg['sinbin']['reviewBelowConfidence'] = min_conf
    cfg['sinbin']['languages'] = ['en', 'fr']
    (model_dir / 'config.json').write_text(json.dumps(cfg, indent=2) + '\n')
    (model_dir / 'multilingual-report.json').write_text(json.dumps(report, indent=2) + '\n')
    print(json.dumps({'test': report['test'], 'french': report['french']}, indent=1))


def _f1_review_correct(y: np.ndarray, pred: np.ndarray, review: np.ndarray) -> float:
    """Toxic-F1 if every reviewed line is then decided correctly by the human (the optimistic
    reading; the pessimistic one, the model's own verdict, is `standalone`)."""
    final = np.where(review, y.astype(bool), pred)
    tp = int(np.sum(final & (y == 1))); fp = int(np.sum(final & (y == 0))); fn = int(np.sum(~final & (y == 1)))
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0


if __name__ == '__main__':
    main()
