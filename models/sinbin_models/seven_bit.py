"""Seven-bit weights for the exported int8 graphs, so no x86 CPU clips their int8 products.

onnxruntime multiplies uint8 activations by int8 weights. On CPUs with AVX-512 VNNI or AVX-VNNI the
products are summed in 32 bits; on CPUs without (AVX2, AVX-512 before VNNI) each pair of products
is first added in 16 bits with saturation (vpmaddubsw), so a pair above 32,767 is clipped. With
8-bit weights that happens: 255 x 127 x 2 = 64,770. Measured on the 0.4 graphs with CONDA test
lines, 0.2 % (deep) and 1.3 % (multilingual; 16 % in its first feed-forward layer) of the
quantized products' outputs hold such a pair, and the multilingual model's held-out figures moved
by up to 0.05 between two machines. Weights within [-64, 64] keep every pair at or below
255 x 64 x 2 = 32,640: no clipping on any CPU, at the cost of one bit of weight precision.
(onnxruntime's own reduce_range would also cut the activations to 7 bits.)

Usage: python -m sinbin_models seven-bit-weights MODEL_DIR [MODEL_DIR ...]   (rewrites onnx/model.onnx)
"""
import argparse
import json
from pathlib import Path

import numpy as np

SEVEN_BIT = 64
# What config.json's sinbin.weights says of such a graph.
LABEL = '; int8 weights within [-64, 64]'


def requantize(q: np.ndarray, scale: np.ndarray, axis: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """int8 weights and their scale (one per tensor, or one per slice along `axis`) -> the same
    weights within [-64, 64] and the scale that keeps q x scale: each slice is rescaled by its own
    largest magnitude, so slices already within the range stay exactly as they were."""
    q = np.asarray(q)
    if q.dtype != np.int8:
        raise ValueError(f'expected int8 weights, got {q.dtype}')
    scale = np.asarray(scale, dtype=np.float32)
    if scale.ndim == 0:
        peak = np.abs(q.astype(np.int32)).max(initial=0)
        factor = np.float32(max(peak, SEVEN_BIT) / SEVEN_BIT)
    else:
        peak = np.abs(np.moveaxis(q.astype(np.int32), axis, 0).reshape(q.shape[axis], -1)).max(axis=1, initial=0)
        factor = (np.maximum(peak, SEVEN_BIT) / SEVEN_BIT).astype(np.float32)
    shape = [1] * q.ndim
    if scale.ndim:
        shape[axis] = -1
    q7 = np.clip(np.round(q.astype(np.float32) / factor.reshape(shape)), -SEVEN_BIT, SEVEN_BIT).astype(np.int8)
    return q7, (scale * factor).astype(np.float32)


def seven_bit_weights(model):
    """The model (onnx.ModelProto, changed in place and returned) with every int8 initializer that
    a DequantizeLinear reads requantized by `requantize`. Zero points must be 0 (symmetric weights)."""
    from onnx import numpy_helper
    inits = {i.name: i for i in model.graph.initializer}
    changed = 0
    for node in model.graph.node:
        if node.op_type != 'DequantizeLinear' or node.input[0] not in inits:
            continue
        q = numpy_helper.to_array(inits[node.input[0]])
        if q.dtype != np.int8:
            continue
        if len(node.input) > 2 and node.input[2] and np.any(numpy_helper.to_array(inits[node.input[2]])):
            raise SystemExit(f'{node.name}: int8 weights with a non-zero zero point')
        axis = next((a.i for a in node.attribute if a.name == 'axis'), 1)
        q7, s7 = requantize(q, numpy_helper.to_array(inits[node.input[1]]), axis if axis >= 0 else q.ndim + axis)
        inits[node.input[0]].CopyFrom(numpy_helper.from_array(q7, node.input[0]))
        inits[node.input[1]].CopyFrom(numpy_helper.from_array(s7, node.input[1]))
        changed += 1
    return model, changed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('models', nargs='+', help='exported model folders (onnx/model.onnx inside)')
    args = ap.parse_args()
    import onnx
    for folder in args.models:
        path = Path(folder) / 'onnx' / 'model.onnx'
        model, changed = seven_bit_weights(onnx.load(str(path)))
        onnx.checker.check_model(model)
        onnx.save(model, str(path))
        config_path = Path(folder) / 'config.json'
        config = json.loads(config_path.read_text())
        if changed and not config['sinbin'].get('weights', '').endswith(LABEL):
            config['sinbin']['weights'] = config['sinbin'].get('weights', 'int8') + LABEL
            config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + '\n')
        print(f'{path}: {changed} weight tensors within [-{SEVEN_BIT}, {SEVEN_BIT}]')


if __name__ == '__main__':
    main()
