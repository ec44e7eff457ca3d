"""Single-core speed of exported deep models, with Python onnxruntime as the proxy for the TS
serving path (intra_op_num_threads=1, sequential): real CONDA test messages with their context,
laid out exactly as served. Reports one-message latency (p50/p99) and batched throughput.

Usage: python -m sinbin_models speed MODEL_DIR [MODEL_DIR ...] [--messages 600] [--no-context]
"""
import argparse
from dataclasses import replace
import json
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from .data import load_conda, data_dir
from .deep_input import DeepInputConfig
from .progress import Progress
from .deep_text import text_form_of
from .train_deep import Encoded, assemble, pad_batch, special_ids


def session(path: Path) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(path), so, providers=['CPUExecutionProvider'])


def feed(seqs, pad):
    ids, mask, types = pad_batch(seqs, pad)
    return {'input_ids': ids.numpy(), 'attention_mask': mask.numpy(), 'token_type_ids': types.numpy()}


def measure(model_dir: Path, records, context: bool, batch: int = 32) -> dict:
    config = json.loads((model_dir / 'config.json').read_text())
    cfg = config['sinbin']['input']
    in_cfg = DeepInputConfig.from_json(cfg)
    if not context:
        in_cfg = replace(in_cfg, context_lines=0)
    tok = Tokenizer.from_file(str(model_dir / 'tokenizer.json'))
    sp = special_ids(tok)
    seqs = assemble(records, Encoded(tok, text_form_of(config)), sp, in_cfg)
    s = session(model_dir / 'onnx' / 'model.onnx')
    for q in seqs[:20]:
        s.run(['logits'], feed([q], sp.pad))
    lat = []
    prog = Progress(f'speed {model_dir.name} single', len(seqs))
    for i, q in enumerate(seqs, start=1):
        t0 = time.perf_counter()
        s.run(['logits'], feed([q], sp.pad))
        lat.append(time.perf_counter() - t0)
        prog.tick(i)
    # Batched: messages in arrival order (no sorting by length), as a service batches them.
    t0 = time.perf_counter()
    for k in range(0, len(seqs), batch):
        s.run(['logits'], feed(seqs[k:k + batch], sp.pad))
    batched = len(seqs) / (time.perf_counter() - t0)
    lat_ms = np.array(lat) * 1e3
    return {'model': str(model_dir), 'context': context, 'messages': len(seqs),
            'mean_tokens': round(float(np.mean([len(q[0]) for q in seqs])), 1),
            'single_p50_ms': round(float(np.percentile(lat_ms, 50)), 2), 'single_p99_ms': round(float(np.percentile(lat_ms, 99)), 2),
            'single_msgs_per_s': round(float(1e3 / lat_ms.mean()), 1), f'batch{batch}_msgs_per_s': round(float(batched), 1),
            'size_mb': round((model_dir / 'onnx' / 'model.onnx').stat().st_size / 1e6, 2)}


def measure_fast(fast_dir: Path, records, batch: int = 512) -> dict:
    """The fast model the way the TS scorer runs it: feature ids computed per message (here in
    Python, which is slower than the TS code), ONNX in batches of `batch`. Reports the ONNX part
    alone and the whole, per message."""
    from .fast_model import padded_ids
    from .features import HashingConfig
    from .normalize import normalize_text
    meta = json.loads((fast_dir / 'fast-model.json').read_text())
    h = meta['hashing']
    cfg = HashingConfig(h['bucketBits'], h['charMin'], h['charMax'], h['maxFeatures'], h['seeds']['word'], h['seeds']['collapsed'],
                        h['seeds']['bigram'], h['seeds']['char'])
    s = session(fast_dir / meta['onnx'])
    texts = [r.text for r in records]
    t0 = time.perf_counter()
    feeds = [padded_ids([normalize_text(t) for t in texts[k:k + batch]], cfg) for k in range(0, len(texts), batch)]
    t1 = time.perf_counter()
    for _ in range(5):
        for f in feeds:
            s.run(['scores'], {'ids': f})
    t2 = time.perf_counter()
    return {'model': str(fast_dir), 'messages': len(texts), 'onnx_msgs_per_s': round(5 * len(texts) / (t2 - t1)),
            'python_features_msgs_per_s': round(len(texts) / (t1 - t0))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('models', nargs='+')
    ap.add_argument('--messages', type=int, default=600)
    ap.add_argument('--no-context', action='store_true')
    ap.add_argument('--out', default='')
    ap.add_argument('--fast', default='', help='also time this fast model folder')
    args = ap.parse_args()
    recs = [r for r in load_conda(data_dir()) if r.split == 'test'][:args.messages]
    results = []
    for m in args.models:
        for ctx in ((False,) if args.no_context else (True, False)):
            r = measure(Path(m), recs, ctx)
            print(json.dumps(r), flush=True)
            results.append(r)
    if args.fast:
        r = measure_fast(Path(args.fast), [x for x in load_conda(data_dir()) if x.split != 'train'])
        print(json.dumps(r), flush=True)
        results.append(r)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + '\n')


if __name__ == '__main__':
    main()
