"""Refits the output heads of an exported deep member on the full multi-source training mix,
keeping its (fine-tuned) encoder: the pooled [CLS] vector feeding the final Gemm is read with
onnxruntime for every training line (a forward pass only, cheap next to fine-tuning), one
logistic regression per output is fitted on it (per-source weights and labels of
sinbin_models.train_deep.targets), and the Gemm's weights are replaced in a copy of the graph.

Used when the encoder was fine-tuned on a subset (CPU budget: e.g. CONDA only) and the heads
should still see every source (TweetEval, Davidson, HatEval, the hand-written lines).

Usage: python -m sinbin_models refit-heads --member work/deep-encoder --out work/deep-member
"""
import argparse
import json
import random
import shutil
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from sklearn.linear_model import LogisticRegression
from tokenizers import Tokenizer

from .data import load_all
from .deep_input import DeepInputConfig
from .progress import Progress
from .synthetic import as_records
from .deep_text import text_form_of
from .train_deep import OUTPUTS, EVAL_SOURCES, Encoded, add_to_report, assemble, cap_source, log_run, onnx_predict, pad_batch, special_ids, targets
from .train_fast import by_source, decision_threshold

MODELS_DIR = Path(__file__).resolve().parents[1]


def features(session, feature_name: str, seqs, pad: int, label: str, batch: int = 64) -> np.ndarray:
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]))
    out = None
    prog = Progress(label, len(order))
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        ids, mask, types = pad_batch([seqs[i] for i in idx], pad)
        f = session.run([feature_name], {'input_ids': ids.numpy(), 'attention_mask': mask.numpy(), 'token_type_ids': types.numpy()})[0]
        if out is None:
            out = np.zeros((len(seqs), f.shape[1]), dtype=np.float32)
        out[idx] = f
        prog.tick(min(s + batch, len(order)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--member', required=True, help='exported fp32 deep member folder (train_deep output)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--cap', default='davidson=3000,hate=3000')
    ap.add_argument('--c', type=float, default=1.0)
    ap.add_argument('--seed', type=int, default=7)
    args = ap.parse_args()
    t0 = time.time()
    member, out = Path(args.member), Path(args.out)
    (out / 'onnx').mkdir(parents=True, exist_ok=True)
    model = onnx.load(str(member / 'onnx' / 'model.onnx'))
    last = [n for n in model.graph.node if n.op_type == 'Gemm' and n.output[0] == 'logits']
    if len(last) != 1:
        raise SystemExit('cannot find the output Gemm')
    gemm = last[0]
    feat_name = gemm.input[0]
    probe = onnx.load(str(member / 'onnx' / 'model.onnx'))
    probe.graph.output.append(onnx.helper.make_tensor_value_info(feat_name, onnx.TensorProto.FLOAT, None))
    so = ort.SessionOptions(); so.intra_op_num_threads = 2
    session = ort.InferenceSession(probe.SerializeToString(), so, providers=['CPUExecutionProvider'])

    cfg = json.loads((member / 'config.json').read_text())
    c = cfg['sinbin']['input']
    in_cfg = DeepInputConfig.from_json(c)
    tok = Tokenizer.from_file(str(member / 'tokenizer.json'))
    sp = special_ids(tok)
    enc = Encoded(tok, text_form_of(cfg))
    rng = random.Random(args.seed)
    records = load_all()
    records += as_records([r for r in records if r.source == 'conda' and r.split == 'train'], args.seed)
    train = [r for r in records if r.split == 'train']
    for item in filter(None, args.cap.split(',')):
        src, n = item.split('=')
        train = cap_source(train, src, int(n), rng)
    print(f'{len(train)} training lines; features from {feat_name}', flush=True)
    X = features(session, feat_name, assemble(train, enc, sp, in_cfg), sp.pad, 'features train')
    y, m = targets(train)
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Xs = (X - mu) / sd
    init = {i.name: i for i in model.graph.initializer}
    W = numpy_helper.to_array(init[gemm.input[1]]).copy()
    b = numpy_helper.to_array(init[gemm.input[2]]).copy()
    trans_b = next((a.i for a in gemm.attribute if a.name == 'transB'), 0)
    for k, name in enumerate(OUTPUTS):
        rows = m[:, k] > 0
        if len(set(y[rows, k].tolist())) < 2:
            print(f'  head {name}: kept (one class only)', flush=True)
            continue
        w = m[rows, k].astype(np.float64)
        if name != 'toxicity':
            pos = y[rows, k] == 1
            w = np.where(pos, w * min(w[~pos].sum() / max(w[pos].sum(), 1e-9), 5.0) ** 0.5, w)
        clf = LogisticRegression(C=args.c, max_iter=3000).fit(Xs[rows], y[rows, k], sample_weight=w)
        coef = clf.coef_[0] / sd
        if trans_b:
            W[k] = coef
        else:
            W[:, k] = coef
        b[k] = clf.intercept_[0] - float(np.dot(clf.coef_[0], mu / sd))
        print(f'  head {name}: {int(rows.sum())} rows, {int(y[rows, k].sum())} positive', flush=True)
    init[gemm.input[1]].CopyFrom(numpy_helper.from_array(W.astype(np.float32), gemm.input[1]))
    init[gemm.input[2]].CopyFrom(numpy_helper.from_array(b.astype(np.float32), gemm.input[2]))
    onnx.save(model, str(out / 'onnx' / 'model.onnx'))
    for name in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(member / name, out / name)

    session = ort.InferenceSession(str(out / 'onnx' / 'model.onnx'), providers=['CPUExecutionProvider'])
    preds = {}
    for split in ('val', 'test'):
        for src in EVAL_SOURCES + ('hate', 'synthetic'):
            recs = by_source(records, split, src)
            if recs:
                preds[(split, src)] = (recs, onnx_predict(session, assemble(recs, enc, sp, in_cfg), sp.pad))
    val = {s: (np.array([r.toxic for r in preds[('val', s)][0]]), preds[('val', s)][1][:, 0]) for s in ('conda', 'offensive')}
    decision = decision_threshold(val)
    member_report = json.loads((member / 'eval-report.json').read_text())
    report = {'model': cfg['sinbin']['version'], 'decisionThreshold': round(decision, 3), 'parameters': member_report['parameters'],
              'encoder': member_report['encoder'], 'input': member_report['input'],
              'args': {**member_report.get('args', {}), 'refit_heads': vars(args)}, 'train_seconds': round(time.time() - t0),
              'encoder_fine_tuning': member_report.get('args'), 'validation': {}, 'test': {}, 'categories_test': {}}
    for (split, src), (recs, probs) in preds.items():
        add_to_report(report, split, src, recs, probs, decision)
    cfg['sinbin']['decisionThreshold'] = round(decision, 3)
    cfg['sinbin']['heads'] = ('logistic heads refit on the pooled [CLS] vector over all training sources '
                              '(sinbin_models.refit_heads); encoder fine-tuned as in eval-report.json encoder_fine_tuning')
    (out / 'config.json').write_text(json.dumps(cfg, indent=2) + '\n')
    (out / 'eval-report.json').write_text(json.dumps(report, indent=2) + '\n')
    print(json.dumps({'validation': report['validation'], 'test': report['test']}, indent=1))
    print(f'done in {time.time() - t0:.0f}s')
    report['args']['script'] = 'refit_heads'
    log_run(report)


if __name__ == '__main__':
    main()
