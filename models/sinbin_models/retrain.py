"""Fine-tunes the fast model's heads on moderators' verdicts: `sinbin retrain` runs this.

Only what must change is trained: the hashed n-gram features, their normalisation and the graph
stay as they are; each head's weights start from the base model's and are pulled back towards them
(an L2 penalty centred on the base weights, not on zero; by default about as strong as the base
training's own regularisation, C=0.15), so the base data is remembered without
being reloaded and a few thousand verdicts move the heads where game chat needs it. Seconds, not the
full training run.

Usage: python -m sinbin_models.retrain --base DIR --examples FILE.jsonl --out DIR [--prior-strength 5.0]

Each example line: {"text", "label": 0|1, "categories": {cat: 0|1|null}, "weight": float, "split": "train"|"val"}.
Writes DIR/model.onnx, DIR/fast-model.json (same format as train_fast) and DIR/retrain-report.json.
The routing band (okBelow / toxicFrom) is the base model's, as `evaluate` chose it for the whole
cascade; the report says where it came from and how it routes the validation verdicts (routing.py).
"""
import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from .fast_model import export_onnx, featurize
from .features import HashingConfig
from .metrics import MAX_TOXIC_MISSED_BY_OK, TOXIC_ROUTE_PRECISION, binary_report, pick_ok_below, pick_toxic_from
from .routing import base_routing, retrained_meta, routing_on
from .normalize import normalize_text
from .progress import Progress

def hashing_from_meta(meta: dict) -> HashingConfig:
    h = meta['hashing']
    if h.get('scheme') != 'fnv1a32-utf16-fmix':
        raise SystemExit(f"base model hashing scheme {h.get('scheme')!r} is not supported")
    s = h['seeds']
    return HashingConfig(bucket_bits=h['bucketBits'], char_min=h['charMin'], char_max=h['charMax'], max_features=h['maxFeatures'],
                         seed_word=s['word'], seed_collapsed=s['collapsed'], seed_bigram=s['bigram'], seed_char=s['char'])


def base_weights(base: Path, meta: dict) -> tuple[np.ndarray, np.ndarray]:
    """The base graph's head weights [buckets, K] and biases [K], in the base's own output order."""
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(str(base / meta['onnx'])).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    table, bias = inits['weights'], inits['bias']
    if table.shape[1] != len(meta['outputs']):
        raise SystemExit(f"base graph has {table.shape[1]} heads but fast-model.json lists {len(meta['outputs'])} outputs")
    return table[:-1].astype(np.float64), bias.astype(np.float64)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def fit_head(X, y, w, w0: np.ndarray, b0: float, strength: float, max_iter: int) -> tuple[np.ndarray, float, dict]:
    """Weighted logistic loss + strength/2 * ||theta - theta0||^2, by L-BFGS from theta0."""
    from scipy.optimize import minimize
    Xt = X.T.tocsr()
    theta0 = np.concatenate([w0, [b0]])

    def objective(theta):
        z = X @ theta[:-1] + theta[-1]
        p = sigmoid(z)
        eps = 1e-12
        loss = -np.sum(w * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
        diff = theta - theta0
        loss += 0.5 * strength * float(diff @ diff)
        r = w * (p - y)
        grad = np.concatenate([Xt @ r, [r.sum()]]) + strength * diff
        return loss, grad

    result = minimize(objective, theta0, jac=True, method='L-BFGS-B', options={'maxiter': max_iter})
    theta = result.x
    return theta[:-1], float(theta[-1]), {'iterations': int(result.nit), 'loss': round(float(result.fun), 4), 'moved_l2': round(float(np.linalg.norm(theta - theta0)), 4)}




def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', required=True, help='folder of the base fast model (fast-model.json + model.onnx)')
    ap.add_argument('--examples', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--prior-strength', type=float, default=5.0)
    ap.add_argument('--max-iter', type=int, default=200)
    ap.add_argument('--version', default=None)
    ap.add_argument('--from-scratch-without', default=None, metavar='SOURCES',
                    help='benchmarks: ignore the base weights and --examples; train from zero (L2 as train_fast, C=0.15) '
                         'on the data sets of data.load_all() minus these comma-separated sources (e.g. conda)')
    args = ap.parse_args()
    if args.from_scratch_without:
        scratch(args)
        return
    t0 = time.time()
    base, out = Path(args.base), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = json.loads((base / 'fast-model.json').read_text())
    cfg = hashing_from_meta(meta)
    W0, B0 = base_weights(base, meta)

    rows = [json.loads(line) for line in Path(args.examples).read_text().splitlines() if line.strip()]
    train = [r for r in rows if r.get('split', 'train') == 'train']
    val = [r for r in rows if r.get('split') == 'val']
    if not train:
        raise SystemExit('no training examples')
    print(f'retrain: {len(train)} training and {len(val)} validation examples; featurising', file=sys.stderr, flush=True)
    X = featurize([normalize_text(r['text']) for r in train], cfg).astype(np.float64)
    weights, biases, heads = W0.copy(), B0.copy(), {}
    # The base's heads, in its order; those verdicts say nothing about (severity, self-harm, the
    # alarm detector) keep the base weights, and the alarm rule of the graph is kept as it was.
    outputs = list(meta['outputs'])
    progress = Progress('heads', len(outputs), every_seconds=0)
    for k, output in enumerate(outputs):
        if output == 'toxicity':
            idx = list(range(len(train)))
            y = np.array([float(r['label']) for r in train])
        else:
            idx = [i for i, r in enumerate(train) if (r.get('categories') or {}).get(output) is not None]
            y = np.array([float(train[i]['categories'][output]) for i in idx])
        if len(idx) == 0 or y.min() == y.max() and output != 'toxicity':
            heads[output] = {'rows': len(idx), 'kept': 'base weights (no usable labels)'}
            progress.tick(k + 1, output)
            continue
        w = np.array([float(train[i].get('weight', 1.0)) for i in idx])
        weights[:, k], biases[k], info = fit_head(X[idx], y, w, W0[:, k], B0[k], args.prior_strength, args.max_iter)
        heads[output] = {'rows': len(idx), 'positives': int(y.sum()), **info}
        progress.tick(k + 1, output)

    alarm = meta.get('alarm') if outputs[-1] == 'alarm' else None
    export_onnx(weights.astype(np.float32), biases.astype(np.float32), str(out / 'model.onnx'), **({'alarm': alarm} if alarm else {}))
    # The band stays the base's (sinbin_models/routing.py says why); the report shows how it routes the verdicts.
    version = args.version or f'fast-retrain-{date.today().isoformat()}'
    new_meta = retrained_meta(meta, version)
    routing = base_routing(meta)
    val_report = None
    if val:
        import onnxruntime as ort
        from .fast_model import padded_ids
        sess = ort.InferenceSession(str(out / 'model.onnx'), providers=['CPUExecutionProvider'])
        p = sess.run(['scores'], {'ids': padded_ids([normalize_text(r['text']) for r in val], cfg)})[0][:, 0]
        yv = np.array([int(r['label']) for r in val])
        val_report = binary_report(yv, p, 0.5)
        routing['validation'] = routing_on(yv, p, new_meta['defaultThresholds'])
    (out / 'fast-model.json').write_text(json.dumps(new_meta, indent=2) + '\n')
    report = {'version': version, 'base': meta['version'], 'examples': {'train': len(train), 'val': len(val)},
              'priorStrength': args.prior_strength, 'heads': heads, 'thresholds': dict(new_meta['defaultThresholds']), 'routing': routing,
              'validation': val_report, 'seconds': round(time.time() - t0, 2)}
    (out / 'retrain-report.json').write_text(json.dumps(report, indent=2) + '\n')
    print(json.dumps(report))


def scratch(args) -> None:
    """A base model trained without some sources (the learning-curve benchmark starts from one without CONDA)."""
    from .data import CATEGORIES, load_all
    from .train_fast import CATEGORY_WEIGHT, TOXICITY_WEIGHT, balance
    t0 = time.time()
    base, out = Path(args.base), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = json.loads((base / 'fast-model.json').read_text())
    cfg = hashing_from_meta(meta)
    left_out = set(args.from_scratch_without.split(','))
    records = [r for r in load_all() if r.source not in left_out]
    train = [r for r in records if r.split == 'train']
    print(f'scratch: {len(train)} training records without {sorted(left_out)}; featurising', file=sys.stderr, flush=True)
    X = featurize([r.normalized for r in train], cfg).astype(np.float64)
    outputs = ('toxicity',) + tuple(CATEGORIES)
    k_out = len(outputs)
    weights, biases = np.zeros((cfg.buckets, k_out)), np.zeros(k_out)
    progress = Progress('heads', k_out, every_seconds=0)
    for k, output in enumerate(outputs):
        table = TOXICITY_WEIGHT if output == 'toxicity' else CATEGORY_WEIGHT
        idx = [i for i, r in enumerate(train) if r.source in table and (r.toxic if output == 'toxicity' else r.categories[output]) is not None]
        y = np.array([float(train[i].toxic if output == 'toxicity' else train[i].categories[output]) for i in idx])
        w = np.array([table[train[i].source] for i in idx])
        if output != 'toxicity':
            w = balance(y, w)
        weights[:, k], biases[k], _ = fit_head(X[idx], y, w, np.zeros(cfg.buckets), 0.0, 1 / 0.15, args.max_iter)
        progress.tick(k + 1, output)
    export_onnx(weights.astype(np.float32), biases.astype(np.float32), str(out / 'model.onnx'))
    import onnxruntime as ort
    from .fast_model import padded_ids
    sess = ort.InferenceSession(str(out / 'model.onnx'), providers=['CPUExecutionProvider'])
    val = [r for r in records if r.split == 'val' and r.toxic is not None and r.source == 'offensive']
    p = sess.run(['scores'], {'ids': padded_ids([r.normalized for r in val], cfg)})[0][:, 0]
    yv = np.array([r.toxic for r in val])
    toxic_from = max(pick_toxic_from(yv, p, TOXIC_ROUTE_PRECISION), 0.5)
    ok_below = min(pick_ok_below(yv, p, MAX_TOXIC_MISSED_BY_OK), toxic_from - 0.01)
    new_meta = {**meta, 'version': args.version or 'fast-without-' + '-'.join(sorted(left_out)), 'decisionThreshold': 0.5, 'outputs': list(outputs),
                'defaultThresholds': {'okBelow': round(ok_below, 3), 'toxicFrom': round(toxic_from, 3)},
                'trainedOn': {s: w for s, w in TOXICITY_WEIGHT.items() if s not in left_out}, 'createdBy': 'models/sinbin_models/retrain.py --from-scratch-without'}
    for stale in ('routingFromTargets', 'routingChosenBy', 'decisionBeforeBiasShift', 'alarm'):
        new_meta.pop(stale, None)
    (out / 'fast-model.json').write_text(json.dumps(new_meta, indent=2) + '\n')
    print(json.dumps({'version': new_meta['version'], 'train': len(train), 'thresholds': new_meta['defaultThresholds'], 'seconds': round(time.time() - t0, 1)}))


if __name__ == '__main__':
    main()
