"""Reading bge-small's Linear weights back out of its ONNX graph: each anonymous MatMul
initializer is named after the bias its product is added to, and transposed to torch's layout."""
import numpy as np
import pytest

from sinbin_models.bge_weights import Node, weights_from_graph

LINEARS = ('attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'intermediate.dense', 'output.dense')


def graph(layers: int, skip: str | None = None, bias_name=lambda p: f'{p}.bias', extra_add: str | None = None):
    """A graph shaped like the exported one: x @ W (anonymous) + named bias, per Linear."""
    rng = np.random.default_rng(0)
    init, nodes, want = {}, [], {}
    k = 0
    for i in range(layers):
        for lin in LINEARS:
            p = f'encoder.layer.{i}.{lin}'
            if p == skip:
                continue
            wname, out = f'onnx::MatMul_{k}', f'/mm{k}'
            k += 1
            init[wname] = rng.normal(size=(3, 2)).astype(np.float32)  # [in, out]
            init[bias_name(p)] = np.zeros(2, np.float32)
            nodes.append(Node('MatMul', f'mm{k}', (f'/x{k}', wname), (out,)))
            nodes.append(Node('Add', f'add{k}', (out, bias_name(p)), (f'/y{k}',)))
            if extra_add == p:
                nodes.append(Node('Add', f'add{k}b', (out, '/other'), (f'/z{k}',)))
            want[f'{p}.weight'] = init[wname].T
    init['embeddings.LayerNorm.weight'] = np.ones(2, np.float32)
    return nodes, init, want


def test_names_and_transposes_every_linear():
    nodes, init, want = graph(2)
    w = weights_from_graph(nodes, init, layers=2)
    for name, arr in want.items():
        assert w[name].shape == (2, 3)
        np.testing.assert_array_equal(w[name], arr)
    assert 'embeddings.LayerNorm.weight' in w
    assert not any(k.startswith('onnx::') for k in w)


def test_a_matmul_of_two_activations_is_left_alone():
    nodes, init, _ = graph(1)
    nodes.append(Node('MatMul', 'scores', ('/q', '/k'), ('/s',)))
    # Six anonymous weights renamed, every named tensor kept: as many arrays as the graph holds.
    assert len(weights_from_graph(nodes, init, layers=1)) == len(init)


@pytest.mark.parametrize('case, kwargs, layers, message', [
    ('a layer short', {}, 3, '2 layers read, expected 3'),
    ('one Linear missing', {'skip': 'encoder.layer.1.output.dense'}, 2, 'missing'),
    ('a bias without its name', {'bias_name': lambda p: f'onnx::Add_{p}'}, 1, 'not a named bias'),
    ('a product added twice', {'extra_add': 'encoder.layer.0.intermediate.dense'}, 1, 'expected one Add'),
])
def test_refuses_a_graph_it_cannot_read(case, kwargs, layers, message):
    nodes, init, _ = graph(2 if layers != 1 else 1, **kwargs)
    with pytest.raises(ValueError, match=message):
        weights_from_graph(nodes, init, layers=layers)
