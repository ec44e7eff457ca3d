"""Trains the context-aware deep analyzer from scratch: WordPiece tokenizer on chat text,
short MLM pretraining, multi-label fine-tuning, ONNX export for @huggingface/transformers.

Usage: python -m sinbin_models.train_deep [--out ../deep] [--mlm-minutes 8] [--epochs 4]
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
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

from .data import CATEGORIES, conda_unlabelled_text, data_dir, load_all
from .deep_input import DeepInputConfig, SpecialIds, build_ids
from .deep_model import Encoder, EncoderConfig
from .metrics import binary_report
from .normalize import normalize_text
from .train_fast import TOXICITY_WEIGHT, CATEGORY_WEIGHT, by_source, decision_threshold, category_report

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[SELF]', '[OTHER]']
OUTPUTS = ('toxicity',) + CATEGORIES
MODELS_DIR = Path(__file__).resolve().parents[1]
EVAL_SOURCES = ('conda', 'offensive', 'davidson')


def train_tokenizer(texts: list[str], vocab: int, max_len: int) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(unk_token='[UNK]', max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=vocab, min_frequency=2, special_tokens=SPECIALS))
    tok.post_processor = processors.TemplateProcessing(
        single='[CLS] $A [SEP]', pair='[CLS] $A [SEP] $B:1 [SEP]:1',
        special_tokens=[('[CLS]', tok.token_to_id('[CLS]')), ('[SEP]', tok.token_to_id('[SEP]'))])
    tok.decoder = decoders.WordPiece()
    return tok


class Encoded:
    """Caches token ids of normalised strings; most chat lines repeat."""

    def __init__(self, tok: Tokenizer):
        self.tok = tok
        self.cache: dict[str, list[int]] = {}

    def __call__(self, raw: str) -> list[int]:
        norm = normalize_text(raw)
        if norm not in self.cache:
            self.cache[norm] = self.tok.encode(norm, add_special_tokens=False).ids
        return self.cache[norm]


def assemble(records, enc: Encoded, sp: SpecialIds, cfg: DeepInputConfig):
    return [build_ids(enc(r.text), [(c.same_speaker, enc(c.text)) for c in r.context], sp, cfg) for r in records]


def out_of_fold_fast(records, folds: int = 2) -> np.ndarray:
    """Fast-model toxicity for each training record from a model that did not see it, so the deep
    model can be told which examples the fast stage would send it. NaN where unlabelled."""
    from sklearn.linear_model import LogisticRegression
    from .fast_model import featurize
    from .features import HashingConfig
    idx = np.array([i for i, r in enumerate(records) if r.toxic is not None and r.source in TOXICITY_WEIGHT])
    X = featurize([records[i].normalized for i in idx], HashingConfig())
    y = np.array([records[i].toxic for i in idx]); w = np.array([TOXICITY_WEIGHT[records[i].source] for i in idx])
    fold = np.arange(len(idx)) % folds
    np.random.default_rng(3).shuffle(fold)
    out = np.full(len(records), np.nan)
    for k in range(folds):
        clf = LogisticRegression(C=0.15, max_iter=2000).fit(X[fold != k], y[fold != k], sample_weight=w[fold != k])
        out[idx[fold == k]] = clf.predict_proba(X[fold == k])[:, 1]
    return out


def targets(records):
    y = np.zeros((len(records), len(OUTPUTS)), dtype=np.float32)
    m = np.zeros_like(y)
    for i, r in enumerate(records):
        if r.toxic is not None and r.source in TOXICITY_WEIGHT:
            y[i, 0] = r.toxic; m[i, 0] = TOXICITY_WEIGHT[r.source]
        for k, cat in enumerate(CATEGORIES, start=1):
            if r.categories[cat] is not None and r.source in CATEGORY_WEIGHT:
                y[i, k] = r.categories[cat]; m[i, k] = CATEGORY_WEIGHT[r.source] * 0.5
    return y, m


def pad_batch(seqs, pad: int):
    width = max(len(ids) for ids, _ in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    types = torch.zeros((len(seqs), width), dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, (a, t) in enumerate(seqs):
        ids[i, :len(a)] = torch.tensor(a); types[i, :len(t)] = torch.tensor(t); mask[i, :len(a)] = 1
    return ids, mask, types


def mlm_pretrain(model: Encoder, seqs, sp: SpecialIds, vocab: int, minutes: float, batch: int = 64) -> None:
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    mask_id = 4
    deadline = time.time() + minutes * 60
    step = 0
    model.train()
    while time.time() < deadline:
        chunk = random.sample(seqs, batch)
        ids, mask, types = pad_batch(chunk, sp.pad)
        special = (ids == sp.pad) | (ids == sp.cls) | (ids == sp.sep) | (ids == sp.self_) | (ids == sp.other)
        chosen = (torch.rand(ids.shape) < 0.15) & ~special
        r = torch.rand(ids.shape)
        inp = ids.clone()
        inp[chosen & (r < 0.8)] = mask_id
        rand_tok = chosen & (r >= 0.8) & (r < 0.9)
        inp[rand_tok] = torch.randint(7, vocab, (int(rand_tok.sum()),))
        logits = model.mlm_logits(inp, mask, types, chosen)
        loss = torch.nn.functional.cross_entropy(logits, ids[chosen])
        opt.zero_grad(); loss.backward(); opt.step()
        step += 1
        if step % 200 == 0:
            print(f'  mlm step {step} loss {loss.item():.3f}', flush=True)
    print(f'  mlm done: {step} steps', flush=True)


def predict(model: Encoder, seqs, pad: int, batch: int = 256) -> np.ndarray:
    model.eval()
    out = []
    with torch.no_grad():
        for s in range(0, len(seqs), batch):
            out.append(torch.sigmoid(model(*pad_batch(seqs[s:s + batch], pad))).numpy())
    return np.vstack(out) if out else np.zeros((0, len(OUTPUTS)))


def length_bucketed_batches(lengths: list[int], batch: int, pool: int = 50) -> list[list[int]]:
    """Random batches of similar length (less padding, so less CPU per example)."""
    order = list(range(len(lengths)))
    random.shuffle(order)
    batches = []
    for s in range(0, len(order), batch * pool):
        chunk = sorted(order[s:s + batch * pool], key=lambda i: lengths[i])
        batches.extend(chunk[k:k + batch] for k in range(0, len(chunk) - batch + 1, batch))
    random.shuffle(batches)
    return batches


def finetune(model: Encoder, seqs, y, m, val_seqs, val_y, pad: int, epochs: int, batch: int = 32):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
    steps = epochs * len(length_bucketed_batches([0] * len(seqs), batch))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-4, total_steps=steps, pct_start=0.1)
    best, best_state = -1.0, None
    for epoch in range(epochs):
        model.train()
        t0 = time.time()
        for idx in length_bucketed_batches([len(ids) for ids, _ in seqs], batch):
            logits = model(*pad_batch([seqs[i] for i in idx], pad))
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(
                logits, torch.from_numpy(y[idx]), reduction='none') * torch.from_numpy(m[idx])).sum() / max(1.0, float(m[idx].sum()))
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        p = predict(model, val_seqs, pad)[:, 0]
        f1 = max(binary_report(val_y, p, t)['f1_toxic'] for t in np.arange(0.2, 0.8, 0.02))
        print(f'  epoch {epoch + 1}: conda val best-F1 {f1:.4f} ({time.time() - t0:.0f}s)', flush=True)
        if f1 > best:
            best, best_state = f1, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)


def export(model: Encoder, out: Path, tok: Tokenizer, enc_cfg: EncoderConfig, in_cfg: DeepInputConfig,
           version: str, decision: float) -> None:
    (out / 'onnx').mkdir(parents=True, exist_ok=True)
    model.eval()
    ids = torch.randint(7, enc_cfg.vocab_size, (2, 20)); mask = torch.ones_like(ids); types = torch.zeros_like(ids)
    torch.onnx.export(model, (ids, mask, types), str(out / 'onnx' / 'model.onnx'),
                      input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['logits'],
                      dynamic_axes={n: {0: 'batch', 1: 'sequence'} for n in ('input_ids', 'attention_mask', 'token_type_ids')} | {'logits': {0: 'batch'}},
                      opset_version=17, dynamo=False)
    tok.save(str(out / 'tokenizer.json'))
    (out / 'tokenizer_config.json').write_text(json.dumps({
        'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': in_cfg.max_len,
        'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]',
        'additional_special_tokens': ['[SELF]', '[OTHER]'],
    }, indent=2) + '\n')
    (out / 'config.json').write_text(json.dumps({
        'model_type': 'bert', 'architectures': ['BertForSequenceClassification'],
        'problem_type': 'multi_label_classification',
        'vocab_size': enc_cfg.vocab_size, 'hidden_size': enc_cfg.hidden, 'num_hidden_layers': enc_cfg.layers,
        'num_attention_heads': enc_cfg.heads, 'intermediate_size': enc_cfg.ffn,
        'max_position_embeddings': enc_cfg.max_len, 'type_vocab_size': enc_cfg.type_vocab, 'pad_token_id': 0,
        'id2label': {str(i): o for i, o in enumerate(OUTPUTS)}, 'label2id': {o: i for i, o in enumerate(OUTPUTS)},
        'sinbin': {'version': version, 'format': 'sinbin-deep-1', 'input': in_cfg.to_json(),
                   'textNormalization': 'normalizeText', 'decisionThreshold': round(decision, 3),
                   'confidence': 'distance of toxicity from decisionThreshold, scaled to [0, 1] on its side'},
    }, indent=2) + '\n')


def cap_source(records, source: str, cap: int):
    """Keeps a random `cap` of one source's records: two CPU cores cannot afford all of them."""
    mine = [r for r in records if r.source == source]
    if len(mine) <= cap:
        return records
    keep = set(map(id, random.sample(mine, cap)))
    return [r for r in records if r.source != source or id(r) in keep]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=str(MODELS_DIR / 'deep'))
    ap.add_argument('--mlm-minutes', type=float, default=8)
    ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--limit', type=int, default=0, help='smoke test: use only this many training records')
    ap.add_argument('--max-len', type=int, default=64, help='tokens per sequence (message + context)')
    ap.add_argument('--message-max', type=int, default=40, help='tokens of the message itself')
    ap.add_argument('--hidden', type=int, default=160)
    ap.add_argument('--layers', type=int, default=3)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--ffn', type=int, default=512)
    ap.add_argument('--band-weight', type=float, default=2.0,
                    help='extra loss weight on examples the fast model would route to analysis')
    ap.add_argument('--davidson-max', type=int, default=8000, help='Davidson rows used (off-domain, CPU budget)')
    ap.add_argument('--hate-max', type=int, default=4000, help='HatEval rows used (identity_hate head only)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    random.seed(args.seed); torch.manual_seed(args.seed); np.random.seed(args.seed)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    work = MODELS_DIR / 'work'; work.mkdir(exist_ok=True)
    t0 = time.time()
    records = load_all()
    train = [r for r in records if r.split == 'train']
    tokenizer_text = [r.normalized for r in train]
    train = cap_source(cap_source(train, 'davidson', args.davidson_max), 'hate', args.hate_max)
    if args.limit:
        train = random.sample(train, args.limit)
    held_out_matches = {r.group for r in records if r.source == 'conda' and r.split != 'train'}
    extra = conda_unlabelled_text(data_dir(), held_out_matches)

    in_cfg = DeepInputConfig(max_len=args.max_len, message_max=args.message_max)
    tok = train_tokenizer(tokenizer_text + [normalize_text(t) for t in extra], 8000, in_cfg.max_len)
    sp = SpecialIds(*(tok.token_to_id(t) for t in ('[PAD]', '[CLS]', '[SEP]', '[SELF]', '[OTHER]')))
    enc = Encoded(tok)
    enc_cfg = EncoderConfig(vocab_size=tok.get_vocab_size(), hidden=args.hidden, layers=args.layers, heads=args.heads,
                            ffn=args.ffn, max_len=in_cfg.max_len)
    model = Encoder(enc_cfg)
    print(f'tokenizer {tok.get_vocab_size()} tokens; encoder {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params', flush=True)

    train_seqs = assemble(train, enc, sp, in_cfg)
    extra_seqs = [build_ids(enc(t), [], sp, in_cfg) for t in extra if t.strip()]
    mlm_pretrain(model, train_seqs + extra_seqs, sp, enc_cfg.vocab_size, args.mlm_minutes)

    y, m = targets(train)
    if args.band_weight != 1.0:
        # The deep model only ever sees what the fast stage is unsure about: weigh those examples up.
        fast_meta = json.loads((MODELS_DIR / 'fast' / 'fast-model.json').read_text())
        band = fast_meta['defaultThresholds']
        oof = out_of_fold_fast(train)
        # The exported fast model has its decision cut folded into the bias: put these scores on that scale.
        raw_cut = fast_meta.get('decisionBeforeBiasShift')
        if raw_cut:
            z = np.log(np.clip(oof, 1e-6, 1 - 1e-6) / (1 - np.clip(oof, 1e-6, 1 - 1e-6))) - np.log(raw_cut / (1 - raw_cut))
            oof = np.where(np.isnan(oof), np.nan, 1 / (1 + np.exp(-z)))
        in_band = (oof >= band['okBelow']) & (oof < band['toxicFrom'])
        m[in_band] *= args.band_weight
        print(f'  {int(in_band.sum())} of {len(train)} training examples in the fast model\'s analysis band', flush=True)
    conda_val = by_source(records, 'val', 'conda')
    finetune(model, train_seqs, y, m, assemble(conda_val, enc, sp, in_cfg), np.array([r.toxic for r in conda_val]),
             sp.pad, args.epochs)

    val = {}
    for src in ('conda', 'offensive'):
        recs = by_source(records, 'val', src)
        val[src] = (np.array([r.toxic for r in recs]), predict(model, assemble(recs, enc, sp, in_cfg), sp.pad)[:, 0])
    decision = decision_threshold(val)
    version = f'deep-{date.today().isoformat()}'
    export(model, out, tok, enc_cfg, in_cfg, version, decision)

    # Evaluate the exported graph, not the torch module.
    session = ort.InferenceSession(str(out / 'onnx' / 'model.onnx'), providers=['CPUExecutionProvider'])
    report = {'model': version, 'decisionThreshold': round(decision, 3), 'parameters': sum(p.numel() for p in model.parameters()),
              'encoder': enc_cfg.__dict__, 'input': in_cfg.to_json(), 'validation': {}, 'test': {}, 'categories_test': {}}
    preds = {}
    for split in ('val', 'test'):
        for src in EVAL_SOURCES + ('hate',):
            recs = by_source(records, split, src)
            probs = onnx_predict(session, assemble(recs, enc, sp, in_cfg), sp.pad)
            preds[f'{split}:{src}'] = probs.tolist()
            add_to_report(report, split, src, recs, probs, decision)
    (out / 'eval-report.json').write_text(json.dumps(report, indent=2) + '\n')
    (work / 'deep_preds.json').write_text(json.dumps(preds))
    print(json.dumps(report['test'], indent=1))
    print(f'done in {time.time() - t0:.0f}s')


def add_to_report(report: dict, split: str, src: str, recs, probs: np.ndarray, decision: float) -> None:
    """Adds one source's figures (toxicity at the decision cut; categories on test) to an eval report."""
    if src != 'hate':
        yt = np.array([r.toxic for r in recs])
        report['validation' if split == 'val' else 'test'][src] = binary_report(yt, probs[:, 0], decision)
    if split == 'test':
        report['categories_test'][src] = category_report(recs, probs)


def onnx_predict(session, seqs, pad: int, batch: int = 256) -> np.ndarray:
    out = []
    for s in range(0, len(seqs), batch):
        ids, mask, types = pad_batch(seqs[s:s + batch], pad)
        logits = session.run(['logits'], {'input_ids': ids.numpy(), 'attention_mask': mask.numpy(), 'token_type_ids': types.numpy()})[0]
        out.append(1 / (1 + np.exp(-logits)))
    return np.vstack(out)


if __name__ == '__main__':
    main()
