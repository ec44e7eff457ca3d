import json
from pathlib import Path

import numpy as np
import pytest

from sinbin_models.seven_bit import SEVEN_BIT, requantize

MODELS = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize('q, scale, axis', [
    (np.array([[127, -3], [64, 10], [-127, 1]], dtype=np.int8), np.array([0.5, 0.1], dtype=np.float32), 1),
    (np.array([[127, -128], [5, 10]], dtype=np.int8), np.array([0.2, 0.3], dtype=np.float32), 0),
    (np.array([100, -50, 3], dtype=np.int8), np.float32(0.01), 0),
    (np.zeros((3, 2), dtype=np.int8), np.array([0.5, 0.1], dtype=np.float32), 1),
])
def test_requantize_keeps_values_within_half_a_new_step(q, scale, axis):
    q7, s7 = requantize(q, scale, axis)
    assert q7.dtype == np.int8 and np.abs(q7.astype(int)).max() <= SEVEN_BIT
    shape = [1] * q.ndim
    if np.ndim(scale):
        shape[axis] = -1
    before = q.astype(np.float64) * np.reshape(scale, shape)
    after = q7.astype(np.float64) * np.reshape(s7, shape)
    assert np.all(np.abs(before - after) <= np.reshape(s7, shape) / 2 + 1e-6)


def test_slices_already_within_range_are_unchanged():
    q = np.array([[127, 64], [-30, -64]], dtype=np.int8)
    q7, s7 = requantize(q, np.array([1.0, 2.0], dtype=np.float32), 1)
    assert q7[:, 1].tolist() == [64, -64] and s7[1] == 2.0
    assert q7[:, 0].tolist() == [64, -15] and s7[0] == pytest.approx(127 / 64)


def test_a_pair_of_products_fits_sixteen_bits():
    # vpmaddubsw adds two uint8 x int8 products in 16 bits: the worst pair with 7-bit weights fits.
    assert 255 * SEVEN_BIT * 2 <= 32767 < 255 * 127 * 2


def test_rejects_other_types():
    with pytest.raises(ValueError):
        requantize(np.array([1, 2], dtype=np.uint8), np.float32(1.0))


@pytest.mark.parametrize('model', ['deep', 'multilingual'])
def test_committed_graphs_have_seven_bit_weights(model):
    onnx = pytest.importorskip('onnx')
    from onnx import numpy_helper
    graph = onnx.load(str(MODELS / model / 'onnx' / 'model.onnx')).graph
    weights = [numpy_helper.to_array(i) for i in graph.initializer if i.data_type == onnx.TensorProto.INT8]
    assert weights, 'no int8 weights found'
    assert max(np.abs(w.astype(int)).max() for w in weights) <= SEVEN_BIT
    assert json.loads((MODELS / model / 'config.json').read_text())['sinbin']['weights'].endswith('within [-64, 64]')
