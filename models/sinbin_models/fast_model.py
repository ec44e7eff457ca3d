"""Fast classifier: one linear head per output over hashed n-gram counts, exported as
Gather -> ReduceSum -> Add -> Sigmoid so onnxruntime-node can score padded id batches."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from scipy.sparse import csr_matrix

from .features import HashingConfig, feature_ids

# `alarm`: threats / self-harm encouragement / doxxing detector. When it fires (>= alarm cut) the
# exported toxicity is raised to at least the alarm floor, a value inside the needs-analysis band,
# so such lines never take the fast "ok" route (they still need the deep stage or the rules to block).
OUTPUTS = ('toxicity', 'severe_toxicity', 'insult', 'profanity', 'identity_hate', 'threat', 'sexual', 'self_harm', 'alarm')


def featurize(normalized: list[str], cfg: HashingConfig) -> csr_matrix:
    indptr = [0]
    indices: list[int] = []
    for text in normalized:
        indices.extend(feature_ids(text, cfg))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    m = csr_matrix((data, np.array(indices, dtype=np.int64), np.array(indptr)), shape=(len(normalized), cfg.buckets))
    m.sum_duplicates()
    return m


def export_onnx(weights: np.ndarray, bias: np.ndarray, path: str, alarm: dict | None = None) -> None:
    """weights: [buckets, K]; an extra zero row at index `buckets` is the padding id. With alarm
    ({'cut': p, 'floor': p}; the last column is the alarm head), column 0 of `scores` becomes
    max(toxicity, floor if alarm >= cut else 0)."""
    table = np.vstack([weights, np.zeros((1, weights.shape[1]), dtype=np.float32)]).astype(np.float32)
    k = weights.shape[1]
    nodes = [
        helper.make_node('Gather', ['weights', 'ids'], ['gathered'], axis=0),
        helper.make_node('ReduceSum', ['gathered', 'sum_axes'], ['logit_sum'], keepdims=0),
        helper.make_node('Add', ['logit_sum', 'bias'], ['logits']),
    ]
    extra = []
    if alarm is None:
        nodes.append(helper.make_node('Sigmoid', ['logits'], ['scores']))
    else:
        nodes += [
            helper.make_node('Sigmoid', ['logits'], ['probs']),
            helper.make_node('Split', ['probs', 'split_sizes'], ['tox', 'middle', 'alarm'], axis=1),
            helper.make_node('GreaterOrEqual', ['alarm', 'alarm_cut'], ['alarm_on']),
            helper.make_node('Cast', ['alarm_on'], ['alarm_on_f'], to=TensorProto.FLOAT),
            helper.make_node('Mul', ['alarm_on_f', 'alarm_floor'], ['floor']),
            helper.make_node('Max', ['tox', 'floor'], ['tox_floored']),
            helper.make_node('Concat', ['tox_floored', 'middle', 'alarm'], ['scores'], axis=1),
        ]
        extra = [numpy_helper.from_array(np.array([1, k - 2, 1], dtype=np.int64), 'split_sizes'),
                 numpy_helper.from_array(np.array(alarm['cut'], dtype=np.float32), 'alarm_cut'),
                 numpy_helper.from_array(np.array(alarm['floor'], dtype=np.float32), 'alarm_floor')]
    graph = helper.make_graph(
        nodes=nodes,
        name='sinbin_fast',
        inputs=[helper.make_tensor_value_info('ids', TensorProto.INT32, ['batch', 'features'])],
        outputs=[helper.make_tensor_value_info('scores', TensorProto.FLOAT, ['batch', k])],
        initializer=[
            numpy_helper.from_array(table, 'weights'),
            numpy_helper.from_array(bias.astype(np.float32), 'bias'),
            numpy_helper.from_array(np.array([1], dtype=np.int64), 'sum_axes'),
        ] + extra,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='sinbin')
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def padded_ids(normalized: list[str], cfg: HashingConfig) -> np.ndarray:
    rows = [feature_ids(t, cfg) for t in normalized]
    width = max(1, max((len(r) for r in rows), default=1))
    out = np.full((len(rows), width), cfg.buckets, dtype=np.int32)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out
