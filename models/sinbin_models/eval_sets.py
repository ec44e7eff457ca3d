"""The hand-written evaluation sets under models/eval/ (written by the team for Models v2; never
trained on): loading and per-set figures for any scorer that maps texts to toxicity + attributes.

Attribute names there: identity_attack = our identity_hate. Mild taunts are reported apart (flag
rate, score distribution) and left out of binary F1, as the sets' README asks.
"""
import json
from pathlib import Path

import numpy as np

from .metrics import binary_report

EVAL_DIR = Path(__file__).resolve().parents[1] / 'eval'
ATTRIBUTE_ALIASES = {'identity_attack': 'identity_hate'}
FILES = {'french': 'french-game-chat.jsonl', 'harm': 'threats-selfharm-doxxing.jsonl',
         'slang': 'game-slang-harmless.jsonl', 'mild': 'mild-taunts.jsonl', 'attributes': 'attributes.jsonl'}


def load_set(name: str) -> list[dict]:
    path = EVAL_DIR / FILES[name]
    if not path.is_file():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding='utf-8').splitlines() if line.strip()]
    for r in rows:
        r['y'] = int(r['label'] == 'toxic')
        r['attrs'] = {ATTRIBUTE_ALIASES.get(a, a) for a in r.get('attributes', [])}
    return rows


def available() -> dict[str, list[dict]]:
    return {name: rows for name in FILES if (rows := load_set(name))}


def route_of(p: np.ndarray, ok_below: float, toxic_from: float) -> np.ndarray:
    return np.where(p >= toxic_from, 'toxic', np.where(p < ok_below, 'ok', 'needs-analysis'))


def fast_routing_report(rows: list[dict], p: np.ndarray, ok_below: float, toxic_from: float) -> dict:
    """Route shares per kind, and the two rules of the issue: harmful lines never in `ok`,
    harmless lines never `toxic`."""
    routes = route_of(p, ok_below, toxic_from)
    by_kind: dict[str, dict] = {}
    for kind in sorted({r['kind'] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r['kind'] == kind]
        rs = routes[idx]
        by_kind[kind] = {'n': len(idx), 'label': rows[idx[0]]['label'],
                         **{f'share_{x}': round(float(np.mean(rs == x)), 3) for x in ('ok', 'needs-analysis', 'toxic')}}
    toxic = np.array([r['y'] == 1 for r in rows])
    return {
        'n': len(rows),
        'harmful_in_ok_route': int(np.sum(toxic & (routes == 'ok'))),
        'harmful_n': int(toxic.sum()),
        'harmless_in_toxic_route': int(np.sum(~toxic & (routes == 'toxic'))),
        'harmless_n': int((~toxic).sum()),
        'by_kind': by_kind,
    }


def binary_set_report(rows: list[dict], p: np.ndarray, decision: float) -> dict:
    """Toxic-F1 etc. on a set, mild taunts excluded (reported apart)."""
    keep = [i for i, r in enumerate(rows) if r['kind'] != 'mild-taunt']
    y = np.array([rows[i]['y'] for i in keep])
    out = binary_report(y, p[keep], decision) if len(set(y.tolist())) == 2 else {'n': len(keep), 'flagged': round(float(np.mean(p[keep] >= decision)), 3)}
    mild = [i for i, r in enumerate(rows) if r['kind'] == 'mild-taunt']
    if mild:
        out['mild_taunts'] = mild_report(p[mild], decision)
    return out


def mild_report(p: np.ndarray, decision: float) -> dict:
    return {'n': int(len(p)), 'flag_rate': round(float(np.mean(p >= decision)), 3),
            'score_quartiles': [round(float(q), 3) for q in np.quantile(p, [0.25, 0.5, 0.75])]}


def attribute_set_report(rows: list[dict], probs: np.ndarray, labels: list[str], threshold: float = 0.5) -> dict:
    """Per attribute: F1 of probs[:, labels.index(attribute)] >= threshold against the multi-labels."""
    out = {}
    for att in sorted({a for r in rows for a in r['attrs']}):
        if att not in labels:
            out[att] = 'no such output'
            continue
        y = np.array([int(att in r['attrs']) for r in rows])
        out[att] = binary_report(y, probs[:, labels.index(att)], threshold)
    return out
