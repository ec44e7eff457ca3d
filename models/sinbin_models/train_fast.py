"""Trains the fast classifier, picks routing thresholds on validation data, exports
models/fast/{model.onnx,fast-model.json} and writes evaluation reports.

Usage: python -m sinbin_models.train_fast [--out ../fast]
"""
import argparse
import json
import time
from datetime import date
from pathlib import Path

import numpy as np
import onnxruntime as ort
from sklearn.linear_model import LogisticRegression

from .data import CATEGORIES, load_all
from .fast_model import OUTPUTS, export_onnx, featurize, padded_ids
from .features import HashingConfig
from .metrics import MAX_TOXIC_MISSED_BY_OK, TOXIC_ROUTE_PRECISION, binary_report, pick_ok_below, pick_toxic_from, routing_report
from .normalize import normalize_text
from .obfuscate import obfuscate
from . import eval_sets
from .synthetic import ALARM_KINDS, as_records

# Per-source weight of the toxicity label. CONDA is the target domain; Davidson labels much
# everyday slang "offensive", so it informs the model without dominating it.
TOXICITY_WEIGHT = {'conda': 1.0, 'offensive': 1.0, 'davidson': 0.1, 'synthetic': 3.0}
CATEGORY_WEIGHT = {'conda': 1.0, 'offensive': 1.0, 'davidson': 0.5, 'hate': 1.0, 'synthetic': 3.0}
# The alarm head: hand-written threat / self-harm / doxxing lines and lexicon self-harm lines
# against everything else (harmless game talk included), positives weighted up.
ALARM_WEIGHT = {'conda': 1.0, 'offensive': 1.0, 'davidson': 0.3, 'hate': 0.3, 'synthetic': 3.0}
ALARM_POSITIVE_WEIGHT = 5.0
# Alarm cut: the alarm fires on at most this share of clean CONDA validation lines.
ALARM_MAX_FALSE_ALARM = 0.02
# The generated game talk (synthetic_game.py) weighs less here than in the transformers: a
# bag of n-grams cannot tell "i'm an idiot" from "you're an idiot", and they cost it
# TweetEval macro-F1 (0.708 before them; 0.692 at full weight, 0.700 at half, 0.708 at half once
# their real-life counterparts joined; the alarm head keeps the full weight: the look-alikes are
# its negatives).
GAME_TALK_KINDS = ('harmless_game', 'lookalike')
GAME_TALK_SCALE = 0.5
EVAL_SOURCES = ('conda', 'offensive', 'davidson')
# Routing targets, met on validation data of the target domain (game chat = CONDA); what they
# give on tweets is reported, not tuned for.
ROUTING_SOURCES = ('conda',)
MODELS_DIR = Path(__file__).resolve().parents[1]


def alarm_label(r) -> int:
    if r.source == 'synthetic':
        return int(r.group in ALARM_KINDS)
    return int(bool(r.toxic) and r.categories.get('self_harm') == 1)


def label_rows(records, output: str):
    idx, y, w = [], [], []
    for i, r in enumerate(records):
        if output == 'alarm':
            label, table = alarm_label(r), ALARM_WEIGHT
        else:
            label = r.toxic if output == 'toxicity' else r.categories.get(output)
            table = TOXICITY_WEIGHT if output == 'toxicity' else CATEGORY_WEIGHT
        if label is None or r.source not in table:
            continue
        weight = table[r.source] * getattr(r, 'weight', 1.0) * (ALARM_POSITIVE_WEIGHT if output == 'alarm' and label else 1.0)
        if r.source == 'synthetic' and r.group in GAME_TALK_KINDS and output != 'alarm':
            weight *= GAME_TALK_SCALE
        idx.append(i); y.append(label); w.append(weight)
    return np.array(idx), np.array(y), np.array(w, dtype=np.float64)


def balance(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Rare category heads: up-weight positives so the head does not collapse to zero."""
    pos = y == 1
    ratio = w[~pos].sum() / max(w[pos].sum(), 1e-9)
    return np.where(pos, w * min(ratio, 5.0) ** 0.5, w)


def train_heads(X, records, c_tox: float):
    weights, biases = [], []
    for output in OUTPUTS:
        idx, y, w = label_rows(records, output)
        if output not in ('toxicity', 'alarm'):
            w = balance(y, w)
        clf = LogisticRegression(C=c_tox if output == 'toxicity' else 1.0, max_iter=2000, solver='lbfgs')
        clf.fit(X[idx], y, sample_weight=w)
        weights.append(clf.coef_[0].astype(np.float32)); biases.append(float(clf.intercept_[0]))
        print(f'  head {output}: {len(idx)} rows, {int(y.sum())} positive', flush=True)
    return np.stack(weights, axis=1), np.array(biases, dtype=np.float32)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))




def decision_threshold(val_by_source) -> float:
    """One decision cut (used when a single yes/no is needed) maximising the mean of the two bar
    metrics on validation: CONDA toxic-class F1 and TweetEval offensive macro-F1."""
    grid = np.arange(0.1, 0.9, 0.01)
    (yc, pc), (yo, po) = val_by_source['conda'], val_by_source['offensive']
    scores = [binary_report(yc, pc, t)['f1_toxic'] + binary_report(yo, po, t)['macro_f1'] for t in grid]
    return float(grid[int(np.argmax(scores))])


def logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def onnx_scores(session, normalized, cfg, batch=2048):
    out = []
    for s in range(0, len(normalized), batch):
        out.append(session.run(['scores'], {'ids': padded_ids(normalized[s:s + batch], cfg)})[0])
    return np.vstack(out)


def by_source(records, split, source):
    return [r for r in records if r.split == split and r.source == source]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=str(MODELS_DIR / 'fast'))
    ap.add_argument('--c', type=float, default=0.15)
    args = ap.parse_args()
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    work = MODELS_DIR / 'work'; work.mkdir(exist_ok=True)
    cfg = HashingConfig()

    t0 = time.time()
    records = load_all()
    records += as_records([r for r in records if r.source == 'conda' and r.split == 'train'])
    train = [r for r in records if r.split == 'train']
    print(f'loaded {len(records)} records in {time.time() - t0:.1f}s; featurising', flush=True)
    X = featurize([r.normalized for r in train], cfg)
    weights, bias = train_heads(X, train, args.c)

    alarm = None

    def export_and_score_val():
        export_onnx(weights, bias, str(out / 'model.onnx'), alarm)
        sess = ort.InferenceSession(str(out / 'model.onnx'), providers=['CPUExecutionProvider'])
        scored = {}
        for src in ('conda', 'offensive', 'davidson'):
            recs = by_source(records, 'val', src)
            scored[src] = (np.array([r.toxic for r in recs]), onnx_scores(sess, [r.normalized for r in recs], cfg)[:, 0])
        return sess, scored

    # Validation: the decision cut, then folded into the toxicity bias so that the exported
    # probability crosses 0.5 exactly at the cut (a checker reading `toxicity >= 0.5` gets the
    # model's own decision). Scores come from the exported ONNX graph itself.
    session, val = export_and_score_val()
    raw_decision = decision_threshold({s: val[s] for s in ('conda', 'offensive')})
    bias[0] -= np.float32(logit(raw_decision))
    session, val = export_and_score_val()
    decision = 0.5
    # The toxic route never starts below the decision cut: a message routed toxic is one the
    # model itself calls toxic.
    toxic_from = max(max(pick_toxic_from(*val[s], TOXIC_ROUTE_PRECISION) for s in ROUTING_SOURCES), decision)
    ok_below = min(pick_ok_below(*val[s], MAX_TOXIC_MISSED_BY_OK) for s in ROUTING_SOURCES)
    ok_below = min(ok_below, toxic_from - 0.01)
    # Alarm: cut from the clean CONDA validation lines (false-alarm budget), floor inside the band.
    conda_val = by_source(records, 'val', 'conda')
    val_alarm = onnx_scores(session, [r.normalized for r in conda_val], cfg)[:, OUTPUTS.index('alarm')]
    clean = np.array([r.toxic == 0 for r in conda_val])
    alarm = {'cut': round(float(max(0.05, np.quantile(val_alarm[clean], 1 - ALARM_MAX_FALSE_ALARM))), 4),
             'floor': round(float(min(ok_below + 0.05, (ok_below + toxic_from) / 2)), 4)}
    session, val = export_and_score_val()
    version = f'fast-{date.today().isoformat()}'

    report = {'model': version, 'thresholds': {'okBelow': round(ok_below, 3), 'toxicFrom': round(toxic_from, 3),
              'decision': round(decision, 3), 'decisionBeforeBiasShift': round(raw_decision, 3)}, 'validation': {}, 'test': {}, 'test_obfuscated': {}, 'categories_test': {}}
    for src, (y, p) in val.items():
        report['validation'][src] = {'at_decision': binary_report(y, p, decision),
                                     'routing': routing_report(y, p, ok_below, toxic_from)}
    preds = {}
    for src in EVAL_SOURCES:
        recs = by_source(records, 'test', src)
        y = np.array([r.toxic for r in recs])
        scores = onnx_scores(session, [r.normalized for r in recs], cfg)
        p = scores[:, 0]
        obf = onnx_scores(session, [normalize_text(obfuscate(r.text, i)) for i, r in enumerate(recs)], cfg)[:, 0]
        report['test'][src] = {'at_decision': binary_report(y, p, decision), 'at_0.5': binary_report(y, p, 0.5),
                               'routing': routing_report(y, p, ok_below, toxic_from)}
        report['test_obfuscated'][src] = {'at_decision': binary_report(y, obf, decision),
                                          'routing': routing_report(y, obf, ok_below, toxic_from)}
        report['categories_test'][src] = category_report(recs, scores)
        preds[src] = p.tolist()
    hate = by_source(records, 'test', 'hate')
    hs = onnx_scores(session, [r.normalized for r in hate], cfg)
    report['categories_test']['hate'] = category_report(hate, hs)
    preds['hate_identity'] = hs[:, 3].tolist()

    report['alarm'] = {**alarm, 'meaning': 'toxicity raised to at least floor where alarm >= cut',
                       'false_alarm_conda_val_clean': round(float(np.mean(val_alarm[clean] >= alarm['cut'])), 4)}
    report['eval_sets'] = eval_set_report(session, cfg, ok_below, toxic_from, decision)
    report['synthetic_test'] = eval_sets.fast_routing_report(
        [{'kind': r.group, 'y': r.toxic, 'label': 'toxic' if r.toxic else 'ok'} for r in by_source(records, 'test', 'synthetic')],
        onnx_scores(session, [r.normalized for r in by_source(records, 'test', 'synthetic')], cfg)[:, 0], ok_below, toxic_from)
    report['probes'] = {t: round(float(p), 4) for t, p in zip(PROBES, onnx_scores(session, [normalize_text(t) for t in PROBES], cfg)[:, 0])}
    meta = {
        'version': version, 'format': 'sinbin-fast-1', 'alarm': alarm, 'onnx': 'model.onnx', 'input': 'ids', 'output': 'scores',
        'outputs': list(OUTPUTS), 'paddingId': cfg.buckets, 'hashing': cfg.to_json(),
        'normalization': 'normalize.ts normalizeText (pinned by tests/fixtures/normalize-parity.json)',
        'defaultThresholds': {'okBelow': round(ok_below, 3), 'toxicFrom': round(toxic_from, 3)},
        # The routing targets' own thresholds; eval_cascade.py may move toxicFrom up (never down).
        'routingFromTargets': {'okBelow': round(ok_below, 3), 'toxicFrom': round(toxic_from, 3)},
        'decisionThreshold': round(decision, 3),
        'decisionBeforeBiasShift': round(raw_decision, 3),
        'trainedOn': {k: v for k, v in TOXICITY_WEIGHT.items()}, 'createdBy': 'models/sinbin_models/train_fast.py',
    }
    (out / 'fast-model.json').write_text(json.dumps(meta, indent=2) + '\n')
    (out / 'eval-report.json').write_text(json.dumps(report, indent=2) + '\n')
    (work / 'fast_test_preds.json').write_text(json.dumps(preds))
    print(json.dumps({s: report['test'][s]['at_decision'] for s in EVAL_SOURCES}, indent=1))
    print(json.dumps(report['thresholds']), json.dumps({s: report['test'][s]['routing'] for s in EVAL_SOURCES}))
    print(f'done in {time.time() - t0:.0f}s')


PROBES = ('kys', 'k y s', 'kill yourself', 'i will find you and kill you irl', 'i know where you live', 'whats your real name',
          'gg ez', 'camping noob lol', 'i died like a noob, my bad', 'kill the carry', 'shoot him', 'destroy their base',
          'you are trash', 'fuck you idiot')


def eval_set_report(session, cfg, ok_below: float, toxic_from: float, decision: float) -> dict:
    out = {}
    for name, rows in eval_sets.available().items():
        p = onnx_scores(session, [normalize_text(r['text']) for r in rows], cfg)
        out[name] = {'routing': eval_sets.fast_routing_report(rows, p[:, 0], ok_below, toxic_from),
                     'at_decision': eval_sets.binary_set_report(rows, p[:, 0], decision)}
        if name == 'attributes':
            out[name]['attributes'] = eval_sets.attribute_set_report(rows, p, list(OUTPUTS))
    return out


def category_report(recs, scores) -> dict:
    out = {}
    for k, cat in enumerate(OUTPUTS):
        if k == 0 or cat == 'alarm':
            continue
        labelled = [(r.categories.get(cat), scores[i, k]) for i, r in enumerate(recs) if r.categories.get(cat) is not None]
        if not labelled or sum(y for y, _ in labelled) == 0:
            continue
        y = np.array([a for a, _ in labelled]); p = np.array([b for _, b in labelled])
        out[cat] = binary_report(y, p, 0.5)
    return out


if __name__ == '__main__':
    main()
