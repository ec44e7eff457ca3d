"""Fast classifier: one linear head per output over hashed n-gram counts, exported as
Gather -> ReduceSum -> Add -> Sigmoid so onnxruntime-node can score padded id batches."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from scipy.sparse import csr_matrix

from .features import HashingConfig, feature_ids

OUTPUTS = ('toxicity', 'insult', 'profanity', 'identity_hate', 'threat', 'sexual')


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


def export_onnx(weights: np.ndarray, bias: np.ndarray, path: str) -> None:
    """weights: [buckets, K]; an extra zero row at index `buckets` is the padding id."""
    table = np.vstack([weights, np.zeros((1, weights.shape[1]), dtype=np.float32)]).astype(np.float32)
    k = weights.shape[1]
    graph = helper.make_graph(
        nodes=[
            helper.make_node('Gather', ['weights', 'ids'], ['gathered'], axis=0),
            helper.make_node('ReduceSum', ['gathered', 'sum_axes'], ['logit_sum'], keepdims=0),
            helper.make_node('Add', ['logit_sum', 'bias'], ['logits']),
            helper.make_node('Sigmoid', ['logits'], ['scores']),
        ],
        name='sinbin_fast',
        inputs=[helper.make_tensor_value_info('ids', TensorProto.INT32, ['batch', 'features'])],
        outputs=[helper.make_tensor_value_info('scores', TensorProto.FLOAT, ['batch', k])],
        initializer=[
            numpy_helper.from_array(table, 'weights'),
            numpy_helper.from_array(bias.astype(np.float32), 'bias'),
            numpy_helper.from_array(np.array([1], dtype=np.int64), 'sum_axes'),
        ],
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
