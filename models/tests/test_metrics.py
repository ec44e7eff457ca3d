import math

import numpy as np

from sinbin_models.metrics import binary_report, roc_auc, routing_report


def test_binary_report_counts():
    y = np.array([1, 1, 0, 0, 1, 0])
    p = np.array([0.9, 0.4, 0.6, 0.1, 0.8, 0.2])
    r = binary_report(y, p, 0.5)
    # tp=2 fp=1 fn=1 tn=2
    assert r['precision'] == round(2 / 3, 4) and r['recall'] == round(2 / 3, 4)
    assert r['f1_toxic'] == round(2 / 3, 4)
    assert r['macro_f1'] == round(2 / 3, 4)
    assert r['accuracy'] == round(4 / 6, 4)
    assert r['n'] == 6 and r['positives'] == 3


def test_f1_of_empty_prediction_is_zero():
    r = binary_report(np.array([1, 0]), np.array([0.1, 0.2]), 0.5)
    assert r['f1_toxic'] == 0.0 and r['precision'] == 0.0


def test_roc_auc_perfect_random_and_ties():
    y = np.array([0, 0, 1, 1])
    assert roc_auc(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert roc_auc(y, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert roc_auc(y, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert math.isnan(roc_auc(np.array([1, 1]), np.array([0.1, 0.2])))


def test_roc_auc_matches_pair_counting():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    p = np.round(rng.random(200), 1)  # many ties
    pos, neg = p[y == 1], p[y == 0]
    pairs = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    assert abs(roc_auc(y, p) - pairs / (len(pos) * len(neg))) < 1e-12


def test_routing_report_shares_add_up():
    y = np.array([1, 0, 1, 0, 0])
    p = np.array([0.95, 0.05, 0.5, 0.3, 0.02])
    r = routing_report(y, p, ok_below=0.1, toxic_from=0.9)
    assert abs(r['share_toxic_route'] + r['share_ok_route'] + r['share_needs_analysis'] - 1) < 1e-3
    assert r['toxic_missed_by_ok_route'] == 0.0
    assert r['precision_toxic_route'] == 1.0
