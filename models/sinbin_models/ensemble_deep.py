"""Joins transformers trained by train_deep with different seeds into one exported deep model:
one ONNX graph that runs every member on the same inputs and outputs the mean of their logits,
so the function loads and calls it exactly like a single model (same inputs, same `logits`).

All members must share the tokenizer and input layout (train_deep trains the tokenizer
deterministically from the same data, so they do; checked here). Writes into --out the joined
onnx/model.onnx, the tokenizer files and config.json of the first member (decision threshold
re-chosen for the mean, `sinbin_models.ensemble` lists the members), and eval-report.json for the joined
model.

The joined graph's MatMuls are then quantized to int8 (static QDQ: weights per channel, kept
within [-64, 64] so CPUs without VNNI compute the same (seven_bit.py), activation ranges
calibrated once on validation messages): about 1.6x faster on one CPU core
and a quarter of the file size. Static rather than dynamic quantization because dynamic
quantization scales activations per batch, so a message's score would depend on which other
messages share its batch; with fixed scales, batch and single inference agree exactly. Every
figure here and in eval_cascade is measured on the quantized graph, the one the function serves.

--weights fp16 stores the weights in half precision and computes in fp32 (a Cast per weight,
folded once when the session loads): half the file of fp32 with its scores (logits within
0.06 of fp32 on validation), where static int8 moved them by up to 6 and cost the English deep
model 0.02-0.08 of ROC AUC (the FFN output projections' activations have outliers that one
int8 scale per tensor rounds away). --weights int8-ff2 keeps those projections (and the head) in
fp32 and quantises the rest: most of int8's speed with most of fp32's scores. --weights fp32 (or
--fp32) keeps full precision.

Usage: python -m sinbin_models.ensemble_deep --out ../deep [--weights int8|fp16|fp32] MEMBER_DIR [MEMBER_DIR ...]
"""
import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, compose, helper, numpy_helper
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process
from tokenizers import Tokenizer

from .data import load_all
from .deep_input import DeepInputConfig, SpecialIds
from .deep_text import text_form_of
from .seven_bit import LABEL as SEVEN_BIT_LABEL, seven_bit_weights
from .train_deep import EVAL_SOURCES, MODELS_DIR, Encoded, add_to_report, assemble, onnx_predict, pad_batch
from .train_fast import by_source, decision_threshold

INPUTS = ('input_ids', 'attention_mask', 'token_type_ids')


def vocab_of(tokenizer_json: str) -> dict[str, int]:
    return json.loads(tokenizer_json)['model']['vocab']


def remap_token_embedding(model: onnx.ModelProto, own: dict[str, int], target: dict[str, int]) -> None:
    """Re-indexes the token embedding from the member's ids to the target tokenizer's ids.
    WordPiece splits text by the vocabulary's strings alone, so two tokenizers with the same
    strings under different ids (ties ordered differently in training) give the same tokens."""
    gathers = [n for n in model.graph.node if n.op_type == 'Gather' and n.input[1] == 'input_ids']
    if len(gathers) != 1:
        raise SystemExit('cannot find the token embedding lookup in a member graph')
    init = next(i for i in model.graph.initializer if i.name == gathers[0].input[0])
    table = numpy_helper.to_array(init)
    order = np.empty(len(target), dtype=np.int64)
    for token, idx in target.items():
        order[idx] = own[token]
    init.CopyFrom(numpy_helper.from_array(table[order], init.name))


def join_graphs(paths: list[Path], vocabs: list[dict[str, int]] | None = None) -> onnx.ModelProto:
    """Each member's graph under its own name prefix, fed by the shared inputs; logits = mean.
    With vocabs, every member's token embedding is re-indexed to the first member's ids."""
    loaded = [onnx.load(str(p)) for p in paths]
    if vocabs:
        for m, v in zip(loaded[1:], vocabs[1:]):
            if v != vocabs[0]:
                remap_token_embedding(m, v, vocabs[0])
    members = [compose.add_prefix(m, f'm{i}/') for i, m in enumerate(loaded)]
    first = onnx.load(str(paths[0]))
    nodes, inits = [], []
    for i, m in enumerate(members):
        nodes += [helper.make_node('Identity', [name], [f'm{i}/{name}'], name=f'm{i}/feed_{name}') for name in INPUTS]
        nodes += list(m.graph.node)
        inits += list(m.graph.initializer)
    names = [f'm{i}/logits' for i in range(len(members))]
    nodes.append(helper.make_node('Sum', names, ['logits_sum'], name='ensemble_sum'))
    inits.append(helper.make_tensor('ensemble_scale', TensorProto.FLOAT, [], [1.0 / len(members)]))
    nodes.append(helper.make_node('Mul', ['logits_sum', 'ensemble_scale'], ['logits'], name='ensemble_mean'))
    graph = helper.make_graph(nodes, 'sinbin_deep_ensemble', list(first.graph.input), list(first.graph.output), inits)
    model = helper.make_model(graph, opset_imports=list(first.opset_import), producer_name='sinbin_models.ensemble_deep')
    model.ir_version = first.ir_version
    onnx.checker.check_model(model)
    return model


def feed(seqs, pad: int) -> dict[str, np.ndarray]:
    ids, mask, types = pad_batch(seqs, pad)
    return {'input_ids': ids.numpy(), 'attention_mask': mask.numpy(), 'token_type_ids': types.numpy()}


WEIGHTS_LABELS = {
    'int8': 'int8 (static QDQ, calibrated on validation)' + SEVEN_BIT_LABEL,
    'int8-ff2': 'int8 (static QDQ, calibrated on validation) except the feed-forward output projections and the head (fp32)' + SEVEN_BIT_LABEL,
    'int8-ff2-fp16': 'int8 (static QDQ, calibrated on validation) except the feed-forward output projections and the head '
                     '(stored in fp16, computed in fp32)' + SEVEN_BIT_LABEL,
    'fp16': 'fp16 (weights stored in half precision, computed in fp32)',
    'fp32': 'fp32',
}


def fp16_weights(model: onnx.ModelProto, min_elements: int = 1024, only: set[str] | None = None) -> onnx.ModelProto:
    """The model with each large fp32 weight stored as fp16 behind a Cast back to fp32: the graph
    computes exactly as before on weights rounded to half precision. Small tensors (biases, norms,
    shape constants) stay as they are; `only`: just these initializers (a quantised graph's
    scales must stay initializers)."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    inits, casts = [], []
    for init in out.graph.initializer:
        array = numpy_helper.to_array(init)
        if array.dtype == np.float32 and array.size >= min_elements and (only is None or init.name in only):
            half = numpy_helper.from_array(array.astype(np.float16), f'{init.name}__fp16')
            inits.append(half)
            casts.append(helper.make_node('Cast', [half.name], [init.name], to=TensorProto.FLOAT, name=f'{init.name}__to_fp32'))
        else:
            inits.append(init)
    del out.graph.initializer[:]
    out.graph.initializer.extend(inits)
    nodes = casts + list(out.graph.node)
    del out.graph.node[:]
    out.graph.node.extend(nodes)
    onnx.checker.check_model(out)
    return out


def run_logits(session, seqs, pad: int) -> np.ndarray:
    p = onnx_predict(session, seqs, pad)
    return np.log(p / (1 - p))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=str(MODELS_DIR / 'deep'))
    ap.add_argument('--weights', choices=tuple(WEIGHTS_LABELS), default='int8',
                    help='int8: static QDQ; int8-ff2: the same with the feed-forward output projections in fp32; '
                         'int8-ff2-fp16: those projections stored in fp16; '
                         'fp16: weights stored in half precision, computed in fp32; fp32: full precision')
    ap.add_argument('--fp32', dest='weights', action='store_const', const='fp32', help='the same as --weights fp32')
    ap.add_argument('--no-eval', action='store_true',
                    help="skip the validation/test pass: keep the member's decision threshold and eval report (CPU budget; evaluate separately)")
    ap.add_argument('members', nargs='+')
    args = ap.parse_args()
    weights_label = WEIGHTS_LABELS[args.weights]
    members = [Path(m).resolve() for m in args.members]
    out = Path(args.out).resolve()
    if out in members:
        raise SystemExit('write the joined model to a directory that is not one of its members')
    tok_files = [json.loads((m / 'tokenizer.json').read_text()) for m in members]
    vocabs = [t['model']['vocab'] for t in tok_files]
    rest = lambda t: {**{k: v for k, v in t.items() if k != 'model'}, 'model': {k: v for k, v in t['model'].items() if k != 'vocab'}}
    if len(members) == 1:
        vocabs = None  # one member: nothing to join or re-index (and Unigram vocabularies are lists)
    elif any(set(v) != set(vocabs[0]) or rest(t) != rest(tok_files[0]) for v, t in zip(vocabs, tok_files)):
        raise SystemExit('members have different tokenizers (vocabulary or pipeline): they cannot be joined')
    specials = ('[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[SELF]', '[OTHER]')
    if vocabs and any(v[t] != vocabs[0][t] for v in vocabs for t in specials):
        raise SystemExit('members give the special tokens different ids: they cannot be joined')
    configs = [json.loads((m / 'config.json').read_text()) for m in members]
    if any(c['sinbin']['input'] != configs[0]['sinbin']['input'] for c in configs):
        raise SystemExit('members have different input layouts: they cannot be joined')
    joined = join_graphs([m / 'onnx' / 'model.onnx' for m in members], vocabs)
    member_reports = [json.loads((m / 'eval-report.json').read_text()) for m in members]
    (out / 'onnx').mkdir(parents=True, exist_ok=True)
    for name in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(members[0] / name, out / name)
    final = out / 'onnx' / 'model.onnx'
    full = out / 'onnx' / 'model.fp32.onnx'
    onnx.save(joined, str(full))

    tok = Tokenizer.from_file(str(out / 'tokenizer.json'))
    sp = SpecialIds(*(tok.token_to_id(t) for t in ('[PAD]', '[CLS]', '[SEP]', '[SELF]', '[OTHER]')))
    c = configs[0]['sinbin']['input']
    in_cfg = DeepInputConfig.from_json(c)
    form = text_form_of(configs[0])
    if any(text_form_of(c) != form for c in configs):
        raise SystemExit('members read different text forms (config.json sinbin.textNormalization)')
    enc = Encoded(tok, form)
    records = load_all()
    session = ort.InferenceSession(str(full), providers=['CPUExecutionProvider'])
    # The joined graph must give the mean of its members' logits.
    probe_recs = by_source(records, 'val', 'conda')[:200] + by_source(records, 'val', 'offensive')[:200]
    probe = assemble(probe_recs, enc, sp, in_cfg)
    singles = []
    for m in members:  # each member with its own tokenizer, as it was trained
        mtok = Tokenizer.from_file(str(m / 'tokenizer.json'))
        msp = SpecialIds(*(mtok.token_to_id(t) for t in ('[PAD]', '[CLS]', '[SEP]', '[SELF]', '[OTHER]')))
        singles.append(run_logits(ort.InferenceSession(str(m / 'onnx' / 'model.onnx'), providers=['CPUExecutionProvider']),
                                  assemble(probe_recs, Encoded(mtok, form), msp, in_cfg), msp.pad))
    assert np.allclose(run_logits(session, probe, sp.pad), np.mean(singles, axis=0), atol=1e-3), 'joined graph != mean of members'
    if args.weights == 'fp32':
        full.replace(final)
    elif args.weights == 'fp16':
        onnx.save(fp16_weights(joined), str(final))
        full.unlink()
    else:
        prepared = out / 'onnx' / 'model.prep.onnx'
        quant_pre_process(str(full), str(prepared), skip_symbolic_shape=True)
        calibration = iter([feed(probe[i:i + 1], sp.pad) for i in range(len(probe))])
        reader = type('Calibration', (CalibrationDataReader,), {'get_next': lambda self: next(calibration, None)})()
        # The token embedding (Gather) is quantised too: with a pretrained vocabulary it is the largest
        # table. The output Gemm stays fp32: refit heads have wide per-row ranges that int8 rounds badly.
        prepared_model = onnx.load(str(prepared))
        head = [n.name for n in prepared_model.graph.node if n.op_type == 'Gemm' and n.output[0].endswith('logits')]
        if args.weights in ('int8-ff2', 'int8-ff2-fp16'):
            # Their inputs (after GELU) have the outliers one int8 scale per tensor rounds away.
            head += [n.name for n in prepared_model.graph.node if n.op_type == 'MatMul' and '/ff2/' in n.name]
        quantize_static(str(prepared), str(final), reader, quant_format=QuantFormat.QDQ, per_channel=True,
                        weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8,
                        op_types_to_quantize=['MatMul', 'Gemm', 'Gather'], nodes_to_exclude=head)
        # Weights within [-64, 64]: no 16-bit saturation on CPUs without VNNI (seven_bit.py).
        onnx.save(seven_bit_weights(onnx.load(str(final)))[0], str(final))
        if args.weights == 'int8-ff2-fp16':
            # What int8 left in fp32 (the excluded products' weights) is most of the file: halve it.
            quantized = onnx.load(str(final))
            names = {i.name for i in quantized.graph.initializer}
            kept = {x for n in quantized.graph.node if n.name in head for x in n.input if x in names}
            onnx.save(fp16_weights(quantized, only=kept), str(final))
        full.unlink()
        prepared.unlink()
    if args.weights != 'fp32':
        # Fewer bits move the logits a little; how much is reported, the figures below are the served graph's.
        q = run_logits(ort.InferenceSession(str(final), providers=['CPUExecutionProvider']), probe, sp.pad)
        print(f'{args.weights} vs fp32 logits on {len(probe_recs)} validation messages: max |diff| {np.abs(q - np.mean(singles, axis=0)).max():.3f}')
    if args.no_eval:
        cfg = configs[0]
        cfg['sinbin']['weights'] = weights_label
        (out / 'config.json').write_text(json.dumps(cfg, indent=2) + '\n')
        report = {**member_reports[0], 'weights': cfg['sinbin']['weights'],
                  'note': f'figures of the fp32 member; the {args.weights} graph is evaluated by the evaluate commands'}
        (out / 'eval-report.json').write_text(json.dumps(report, indent=2) + '\n')
        return
    session = ort.InferenceSession(str(final), providers=['CPUExecutionProvider'])

    preds = {}
    for split in ('val', 'test'):
        for src in EVAL_SOURCES + ('hate',):
            recs = by_source(records, split, src)
            preds[(split, src)] = (recs, onnx_predict(session, assemble(recs, enc, sp, in_cfg), sp.pad))
    val = {src: (np.array([r.toxic for r in preds[('val', src)][0]]), preds[('val', src)][1][:, 0]) for src in ('conda', 'offensive')}
    decision = decision_threshold(val)
    params = sum(r['parameters'] for r in member_reports)
    version = configs[0]['sinbin']['version']
    report = {'model': version, 'decisionThreshold': round(decision, 3), 'parameters': params,
              'encoder': member_reports[0]['encoder'], 'input': member_reports[0]['input'],
              'weights': weights_label,
              'ensemble': {'members': len(members), 'combination': 'mean of the members\' logits',
                           'member_test': [r['test'] for r in member_reports]},
              'validation': {}, 'test': {}, 'categories_test': {}}
    for (split, src), (recs, probs) in preds.items():
        add_to_report(report, split, src, recs, probs, decision)
    (out / 'eval-report.json').write_text(json.dumps(report, indent=2) + '\n')
    cfg = configs[0]
    # Cuts fitted for an earlier model (eval_cascade writes them) no longer apply: start afresh.
    for stale in ('stacking', 'standaloneDecisionThreshold', 'transformerStandaloneDecisionThreshold', 'reviewBelowConfidence'):
        cfg['sinbin'].pop(stale, None)
    cfg['sinbin']['decisionThreshold'] = round(decision, 3)
    cfg['sinbin']['ensemble'] = {'members': len(members), 'combination': 'mean of logits, inside onnx/model.onnx'}
    cfg['sinbin']['weights'] = weights_label
    (out / 'config.json').write_text(json.dumps(cfg, indent=2) + '\n')
    print(json.dumps(report['test'], indent=1))


if __name__ == '__main__':
    main()
