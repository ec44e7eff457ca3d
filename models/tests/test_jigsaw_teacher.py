import io
import os
import pickle
import sys
import types

import numpy as np
import pytest

from sinbin_models.jigsaw_teacher import _TokenizerState, _TokenizerUnpickler, lstm_max, pad_pre, word_ids


def tokenizer(**attrs) -> _TokenizerState:
    t = _TokenizerState()
    t.__setstate__({'word_index': {'you': 1, 'are': 2, 'an': 3, 'idiot': 4, 'rare': 9, '<oov>': 5},
                    'filters': '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n', 'lower': True, 'split': ' ',
                    'num_words': 8, 'oov_token': None, **attrs})
    return t


@pytest.mark.parametrize('text, attrs, ids', [
    ('you are an idiot', {}, [1, 2, 3, 4]),
    ('YOU, are... an IDIOT!!', {}, [1, 2, 3, 4]),            # case folded, filter characters split words
    ('you are rare', {}, [1, 2]),                             # index 9 is past num_words 8: dropped
    ('you are rare', {'num_words': None}, [1, 2, 9]),         # no cap keeps it
    ('you are unknown', {}, [1, 2]),                          # unknown words dropped without an OOV token
    ('you are unknown', {'oov_token': '<oov>'}, [1, 2, 5]),
    ('', {}, []),
    ('!!! ???', {}, []),
])
def test_word_ids_follow_the_keras_tokenizer(text, attrs, ids):
    assert word_ids(text, tokenizer(**attrs)) == ids


@pytest.mark.parametrize('seqs, length, expected', [
    ([[1, 2]], 4, [[0, 0, 1, 2]]),                   # zeros in front
    ([[1, 2, 3, 4, 5, 6]], 4, [[3, 4, 5, 6]]),       # the last ids kept
    ([[], [7]], 3, [[0, 0, 0], [0, 0, 7]]),
])
def test_pad_pre(seqs, length, expected):
    assert pad_pre(seqs, length).tolist() == expected


def test_lstm_with_only_biases_matches_its_recurrence_by_hand():
    units, steps = 1, 3
    bias = np.array([0.5, 1.0, 0.3, -0.2], dtype=np.float32)  # gates i, f, c, o
    sig = lambda z: 1 / (1 + np.exp(-z))
    c, hs = 0.0, []
    for _ in range(steps):
        c = sig(1.0) * c + sig(0.5) * np.tanh(0.3)
        hs.append(sig(-0.2) * np.tanh(c))
    x = np.zeros((1, steps, 2), dtype=np.float32)
    out = lstm_max(x, np.zeros((2, 4 * units), np.float32), np.zeros((units, 4 * units), np.float32), bias, backwards=False)
    assert out.shape == (1, units)
    assert out[0, 0] == pytest.approx(max(hs), rel=1e-5)


def test_a_backward_lstm_reads_the_reversed_sequence():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    weights = (rng.normal(size=(3, 8)).astype(np.float32), rng.normal(size=(2, 8)).astype(np.float32),
               rng.normal(size=8).astype(np.float32))
    backward = lstm_max(x, *weights, backwards=True)
    assert np.allclose(backward, lstm_max(x[:, ::-1], *weights, backwards=False), atol=1e-6)
    assert not np.allclose(backward, lstm_max(x, *weights, backwards=False), atol=1e-3)


def test_the_tokenizer_pickle_loads_its_own_class_and_nothing_else(monkeypatch):
    module = types.ModuleType('keras.src.legacy.preprocessing.text')

    class Tokenizer:
        pass
    Tokenizer.__module__ = module.__name__
    Tokenizer.__qualname__ = 'Tokenizer'
    module.Tokenizer = Tokenizer
    parts = module.__name__.split('.')
    for depth in range(1, len(parts)):  # pickle imports the class's module, parents first
        monkeypatch.setitem(sys.modules, '.'.join(parts[:depth]), types.ModuleType('.'.join(parts[:depth])))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    saved = Tokenizer()
    saved.word_index = {'gg': 1}
    saved.num_words = 10
    loaded = _TokenizerUnpickler(io.BytesIO(pickle.dumps(saved))).load()
    assert isinstance(loaded, _TokenizerState) and loaded.word_index == {'gg': 1} and loaded.num_words == 10

    hostile = pickle.dumps(os.getcwd)
    with pytest.raises(pickle.UnpicklingError, match='may not load'):
        _TokenizerUnpickler(io.BytesIO(hostile)).load()
