"""The deep stage's final toxicity: a logistic stack of the transformer's toxicity logit and the
fast classifier's toxicity logit, fitted on validation messages of the needs-analysis band.
TS twin: shared/scoring/src/stacking.ts (pinned by tests/fixtures/stacking-parity.json).

toxicity = sigmoid(deepLogitWeight * deep_logit + fastLogitWeight * logit(fast_p) + bias); the
decision cut is folded into the bias so the stage calls a message toxic exactly at >= 0.5. A
fastLogitWeight of 0 is a plain calibration of the transformer's own score."""
import numpy as np
from sklearn.linear_model import LogisticRegression

PROBABILITY_EPS = 1e-6


def logit(p):
    q = np.clip(np.asarray(p, dtype=np.float64), PROBABILITY_EPS, 1 - PROBABILITY_EPS)
    return np.log(q / (1 - q))


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=np.float64)))


def stacked_toxicity(deep_logit, fast_p, params: dict) -> np.ndarray:
    """fast_p may hold NaN where no fast score is known: fastLogitDefault is used there."""
    fast_p = np.asarray(fast_p, dtype=np.float64)
    fast = np.where(np.isnan(fast_p), params['fastLogitDefault'], logit(np.nan_to_num(fast_p, nan=0.5)))
    z = params['deepLogitWeight'] * np.asarray(deep_logit, dtype=np.float64) + params['fastLogitWeight'] * fast + params['bias']
    return sigmoid(z)


def features(deep_logit, fast_p, use_fast: bool) -> np.ndarray:
    cols = [np.asarray(deep_logit, dtype=np.float64)]
    if use_fast:
        cols.append(logit(fast_p))
    return np.stack(cols, axis=1)


def fit(deep_logit, fast_p, y, weight, use_fast: bool) -> dict:
    """Logistic regression (L2, C = 1) of the label on the logits; cut not yet folded in."""
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(features(deep_logit, fast_p, use_fast), y, sample_weight=weight)
    return {'deepLogitWeight': float(clf.coef_[0][0]), 'fastLogitWeight': float(clf.coef_[0][1]) if use_fast else 0.0,
            'bias': float(clf.intercept_[0]), 'fastLogitDefault': float(np.mean(logit(fast_p)))}


def fold_cut(params: dict, cut: float) -> dict:
    """Shifts the bias so that toxicity `cut` on the fitted scale becomes 0.5."""
    return {**params, 'bias': float(params['bias'] - logit(cut))}
