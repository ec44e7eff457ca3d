"""Evaluates the exported models as the pipeline runs them: fast routing, then the deep model on
the needs-analysis band, with low-confidence deep verdicts going to human review.

Chooses, on validation data, the deep model's decision cut for the messages it sees in the cascade
(they are the hard, mostly clean ones, so the cut differs from the standalone one) and the review
cut (minimum deep confidence) so that at most REVIEW_BUDGET of all messages of every source go to
review. Both go into models/deep/config.json; writes
models/deep/cascade-report.{json,md}. Metrics are per source; review lines count with the deep
model's own verdict (a pessimistic reading: a human would usually fix them).
"""
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from .data import load_all
from .deep_input import DeepInputConfig, SpecialIds, build_ids
from .fast_model import padded_ids
from .features import HashingConfig
from .metrics import binary_report, roc_auc
from .normalize import normalize_text
from .obfuscate import obfuscate
from .train_deep import onnx_predict
from .train_fast import by_source, onnx_scores

MODELS_DIR = Path(__file__).resolve().parents[1]
REVIEW_BUDGET = 0.03
SOURCES = ('conda', 'offensive', 'davidson')


def confidence(p: np.ndarray, decision: float) -> np.ndarray:
    return np.where(p >= decision, (p - decision) / (1 - decision), (decision - p) / decision)


class Models:
    def __init__(self) -> None:
        fast_dir, deep_dir = MODELS_DIR / 'fast', MODELS_DIR / 'deep'
        self.fast_meta = json.loads((fast_dir / 'fast-model.json').read_text())
        h = self.fast_meta['hashing']
        self.hashing = HashingConfig(h['bucketBits'], h['charMin'], h['charMax'], h['maxFeatures'], h['seeds']['word'],
                                     h['seeds']['collapsed'], h['seeds']['bigram'], h['seeds']['char'])
        self.fast = ort.InferenceSession(str(fast_dir / 'model.onnx'), providers=['CPUExecutionProvider'])
        self.deep_config = json.loads((deep_dir / 'config.json').read_text())
        c = self.deep_config['toxmod']['input']
        self.input_cfg = DeepInputConfig(c['maxLen'], c['messageMax'], c['lineMax'], c['contextLines'])
        self.tok = Tokenizer.from_file(str(deep_dir / 'tokenizer.json'))
        self.special = SpecialIds(*(self.tok.token_to_id(t) for t in ('[PAD]', '[CLS]', '[SEP]', '[SELF]', '[OTHER]')))
        self.deep = ort.InferenceSession(str(deep_dir / 'onnx' / 'model.onnx'), providers=['CPUExecutionProvider'])

    def fast_scores(self, texts: list[str]) -> np.ndarray:
        return onnx_scores(self.fast, [normalize_text(t) for t in texts], self.hashing)

    def deep_scores(self, records, texts: list[str]) -> np.ndarray:
        def enc(t: str) -> list[int]:
            n = normalize_text(t)
            return self.tok.encode(n, add_special_tokens=False).ids if n else []
        seqs = [build_ids(enc(t), [(c.same_speaker, enc(c.text)) for c in r.context], self.special, self.input_cfg)
                for r, t in zip(records, texts)]
        return onnx_predict(self.deep, seqs, self.special.pad)


def cascade(y, fast_p, deep_p, thresholds, deep_decision, fast_decision, min_conf) -> dict:
    ok_below, toxic_from = thresholds['okBelow'], thresholds['toxicFrom']
    band = (fast_p >= ok_below) & (fast_p < toxic_from)
    final = np.where(band, deep_p >= deep_decision, fast_p >= toxic_from)
    review = band & (confidence(deep_p, deep_decision) < min_conf)
    as_scores = final.astype(float)
    rep = binary_report(y, as_scores, 0.5)
    del rep['threshold'], rep['roc_auc']
    yb = y[band]
    return {
        **rep,
        'share_fast_decided': round(float(1 - band.mean()), 4),
        'share_deep_analysed': round(float(band.mean()), 4),
        'share_review': round(float(review.mean()), 4),
        'band': {
            'n': int(band.sum()), 'positives': int(yb.sum()),
            'fast_accuracy': round(float(((fast_p[band] >= fast_decision) == yb).mean()), 4) if band.any() else None,
            'deep_accuracy': round(float(((deep_p[band] >= deep_decision) == yb).mean()), 4) if band.any() else None,
            'fast_f1_toxic': binary_report(yb, fast_p[band], fast_decision)['f1_toxic'] if band.any() else None,
            'deep_f1_toxic': binary_report(yb, deep_p[band], deep_decision)['f1_toxic'] if band.any() else None,
            # threshold-free comparison of the two models on the same hard messages
            'fast_roc_auc': round(roc_auc(yb, fast_p[band]), 4) if band.any() else None,
            'deep_roc_auc': round(roc_auc(yb, deep_p[band]), 4) if band.any() else None,
        },
    }


def pick_min_confidence(val_scores, thresholds, deep_decision) -> float:
    """Largest review cut that keeps review within budget on every validation source."""
    best = 0.0
    for m in np.arange(0.0, 1.0, 0.01):
        shares = []
        for _, fast_p, deep_p in val_scores:
            band = (fast_p >= thresholds['okBelow']) & (fast_p < thresholds['toxicFrom'])
            shares.append((band & (confidence(deep_p, deep_decision) < m)).mean())
        if max(shares) <= REVIEW_BUDGET:
            best = float(m)
    return round(best, 2)


def pick_cascade_decision(val_scores, thresholds, fast_decision) -> float:
    """Deep cut maximising the mean of the bar metrics: CONDA toxic F1 and TweetEval macro-F1."""
    (yc, fc, dc), (yo, fo, do) = val_scores
    def objective(cut):
        c = cascade(yc, fc, dc, thresholds, cut, fast_decision, 0.0)
        o = cascade(yo, fo, do, thresholds, cut, fast_decision, 0.0)
        return (c['f1_toxic'] + o['macro_f1']) / 2
    grid = np.arange(0.1, 0.91, 0.02)
    return round(float(grid[int(np.argmax([objective(c) for c in grid]))]), 2)


def main() -> None:
    models = Models()
    records = load_all()
    thresholds = models.fast_meta['defaultThresholds']
    fast_decision = models.fast_meta['decisionThreshold']
    toxmod = models.deep_config['toxmod']
    standalone = toxmod.setdefault('standaloneDecisionThreshold', toxmod['decisionThreshold'])
    scores = {}
    for split in ('val', 'test'):
        for src in SOURCES:
            recs = by_source(records, split, src)
            texts = [r.text for r in recs]
            scores[(split, src)] = (np.array([r.toxic for r in recs]), models.fast_scores(texts)[:, 0],
                                    models.deep_scores(recs, texts)[:, 0])
    val_scores = [scores[('val', 'conda')], scores[('val', 'offensive')]]
    deep_decision = pick_cascade_decision(val_scores, thresholds, fast_decision)
    min_conf = pick_min_confidence(val_scores, thresholds, deep_decision)
    report = {'thresholds': thresholds, 'fastDecision': fast_decision, 'deepDecision': deep_decision,
              'deepStandaloneDecision': standalone,
              'reviewBelowConfidence': min_conf, 'reviewBudget': REVIEW_BUDGET, 'validation': {}, 'test': {},
              'test_obfuscated': {}, 'deep_alone_test': {}}
    for (split, src), (y, fp, dp) in scores.items():
        report['validation' if split == 'val' else 'test'][src] = cascade(y, fp, dp, thresholds, deep_decision, fast_decision, min_conf)
        if split == 'test':
            report['deep_alone_test'][src] = binary_report(y, dp, standalone)
    for src in SOURCES:
        recs = by_source(records, 'test', src)
        y = np.array([r.toxic for r in recs])
        texts = [obfuscate(r.text, i) for i, r in enumerate(recs)]
        report['test_obfuscated'][src] = cascade(y, models.fast_scores(texts)[:, 0], models.deep_scores(recs, texts)[:, 0],
                                                 thresholds, deep_decision, fast_decision, min_conf)
    # Ablation: how much the conversation context is worth to the deep model.
    conda_test = by_source(records, 'test', 'conda')
    bare = [type(r)(**{**r.__dict__, 'context': []}) for r in conda_test]
    report['deep_alone_test_without_context'] = {'conda': binary_report(
        np.array([r.toxic for r in conda_test]), models.deep_scores(bare, [r.text for r in bare])[:, 0], standalone)}
    deep_dir = MODELS_DIR / 'deep'
    cfg = models.deep_config
    cfg['toxmod']['decisionThreshold'] = deep_decision
    cfg['toxmod']['reviewBelowConfidence'] = min_conf
    (deep_dir / 'config.json').write_text(json.dumps(cfg, indent=2) + '\n')
    (deep_dir / 'cascade-report.json').write_text(json.dumps(report, indent=2) + '\n')
    print(json.dumps({k: report[k] for k in ('reviewBelowConfidence', 'test')}, indent=1))


if __name__ == '__main__':
    main()
