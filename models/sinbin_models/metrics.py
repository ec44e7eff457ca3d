"""Binary metrics, computed per source (never pooled across sources)."""
import numpy as np


def binary_report(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    pred = p >= threshold
    y = y.astype(bool)
    tp = int(np.sum(pred & y)); fp = int(np.sum(pred & ~y)); fn = int(np.sum(~pred & y)); tn = int(np.sum(~pred & ~y))
    f1_pos = _f1(tp, fp, fn)
    f1_neg = _f1(tn, fn, fp)
    return {
        'n': int(len(y)), 'positives': int(y.sum()), 'threshold': round(float(threshold), 4),
        'precision': _ratio(tp, tp + fp), 'recall': _ratio(tp, tp + fn),
        'f1_toxic': round(f1_pos, 4), 'macro_f1': round((f1_pos + f1_neg) / 2, 4),
        'accuracy': _ratio(tp + tn, len(y)), 'roc_auc': round(roc_auc(y, p), 4),
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    y = y.astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float('nan')
    order = np.argsort(p, kind='mergesort')
    ranks = np.empty(len(p)); ranks[order] = np.arange(1, len(p) + 1)
    # average ranks of ties
    sp = p[order]
    i = 0
    while i < len(sp):
        j = i
        while j + 1 < len(sp) and sp[j + 1] == sp[i]:
            j += 1
        if j > i:
            ranks[order[i:j + 1]] = (i + j + 2) / 2
        i = j + 1
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def routing_report(y: np.ndarray, p: np.ndarray, ok_below: float, toxic_from: float) -> dict:
    y = y.astype(bool)
    toxic = p >= toxic_from
    ok = p < ok_below
    middle = ~toxic & ~ok
    return {
        'share_toxic_route': _ratio(int(toxic.sum()), len(y)),
        'share_ok_route': _ratio(int(ok.sum()), len(y)),
        'share_needs_analysis': _ratio(int(middle.sum()), len(y)),
        'precision_toxic_route': _ratio(int((toxic & y).sum()), int(toxic.sum())),
        'toxic_missed_by_ok_route': _ratio(int((ok & y).sum()), int(y.sum())),
        'clean_in_ok_route': _ratio(int((ok & ~y).sum()), int(ok.sum())),
    }


# The fast model's routing band, chosen on validation data (training and retraining alike): the toxic
# route must be this precise, and the ok route may let this share of the toxic lines through.
TOXIC_ROUTE_PRECISION = 0.90
MAX_TOXIC_MISSED_BY_OK = 0.05


def pick_toxic_from(y, p, target) -> float:
    for t in np.arange(0.30, 0.99, 0.005):
        sel = p >= t
        if sel.sum() >= 10 and (y[sel] == 1).mean() >= target:
            return float(t)
    return 0.99


def pick_ok_below(y, p, max_missed) -> float:
    best = 0.01
    for t in np.arange(0.01, 0.6, 0.005):
        if ((p < t) & (y == 1)).sum() / max(1, (y == 1).sum()) <= max_missed:
            best = float(t)
    return best
