"""The routing band a retrained fast model carries (pure: numpy only).

The band (okBelow / toxicFrom in fast-model.json's defaultThresholds) decides what the fast path
allows, what it blocks and what goes to the deep model. `python -m sinbin_models evaluate`
(eval_cascade.py) chooses it for the whole cascade: it needs the deep model, the public data sets'
validation splits and the deep stage's reading of them, which `sinbin retrain` has none of (it sees
the studio's verdicts and the fast model's heads). Picking a band from the verdicts the way
train_fast does (CONDA-style precision targets) would silently move both what the fast path blocks
and the deep model's share, so a retrained model keeps the band of the model it was retrained from,
with where that band came from; re-choosing it is `evaluate`'s job, on purpose.
"""
import numpy as np

from .metrics import routing_report

# What a fast-model.json says about its routing, kept together.
ROUTING_KEYS = ('defaultThresholds', 'routingFromTargets', 'routingChosenBy')
# Keys of the base that do not describe the retrained heads.
STALE_KEYS = ('decisionBeforeBiasShift',)


def base_routing(meta: dict) -> dict:
    """The band a fast model serves with, and who chose it."""
    band = meta['defaultThresholds']
    return {'okBelow': band['okBelow'], 'toxicFrom': band['toxicFrom'], 'from': meta['version'],
            'chosenBy': meta.get('routingChosenBy') or meta.get('createdBy') or 'unknown'}


def retrained_meta(base: dict, version: str, created_by: str = 'models/sinbin_models/retrain.py') -> dict:
    """fast-model.json of a model retrained from `base`: the base's band and its provenance, unchanged."""
    meta = {k: v for k, v in base.items() if k not in STALE_KEYS}
    meta.update({'version': version, 'decisionThreshold': 0.5, 'retrainedFrom': base['version'], 'createdBy': created_by,
                 'routingKeptFrom': base.get('routingKeptFrom', base['version'])})
    for key in ROUTING_KEYS:
        if key in base:
            meta[key] = base[key]
    return meta


def routing_on(y: np.ndarray, p: np.ndarray, band: dict) -> dict:
    """How the kept band routes a labelled set (the verdicts' validation split): shares and precision."""
    return routing_report(y, p, band['okBelow'], band['toxicFrom'])
