"""The weak teacher of issue 21: `toxic-comment-classifier` (PyPI, MIT), a small BiLSTM trained on
Jigsaw's six labels (toxic, severe_toxic, obscene, threat, insult, identity_hate).

The package imports TensorFlow to run it; the training environment does not carry TensorFlow, so
this module reads the package's two files itself and runs the same network in numpy:
- `model/model.weights.h5` (Keras 3 weights, read with h5py): embedding 20,000 x 50, a
  bidirectional LSTM of 50 units returning every step, global max pooling, dense 50 (relu),
  dense 6 (sigmoid);
- `model/tokenizer.pickle`, a pickled Keras `Tokenizer`. It is unpickled by an Unpickler that
  resolves only that class (to a plain attribute holder), OrderedDict, defaultdict and int, so the pickle cannot
  run code; only the training environment ever loads it, never serving.
Inputs are cut and padded as the package does (the last 100 word ids, zeros in front).
"""
from __future__ import annotations

import importlib.util
import pickle
from collections import OrderedDict, defaultdict
from pathlib import Path

import numpy as np

PACKAGE = 'toxic_classifier'   # the import name of toxic-comment-classifier==0.3.0
LABELS = ('toxic', 'severe_toxic', 'obscene', 'threat', 'insult', 'identity_hate')
MAX_WORDS = 100
# Jigsaw's labels under the names of the deep model's heads.
TO_SINBIN = {'toxic': 'toxicity', 'severe_toxic': 'severe_toxicity', 'obscene': 'profanity',
             'threat': 'threat', 'insult': 'insult', 'identity_hate': 'identity_hate'}


class _TokenizerState:
    """Holds a pickled Keras Tokenizer's attributes (word_index, num_words, filters, ...)."""

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


class _TokenizerUnpickler(pickle.Unpickler):
    ALLOWED = {('keras.src.legacy.preprocessing.text', 'Tokenizer'): _TokenizerState,
               ('keras.preprocessing.text', 'Tokenizer'): _TokenizerState,
               ('collections', 'OrderedDict'): OrderedDict, ('collections', 'defaultdict'): defaultdict,
               ('builtins', 'int'): int}

    def find_class(self, module: str, name: str):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f'the teacher tokenizer may not load {module}.{name}') from None


def package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError('toxic-comment-classifier is not installed: pip install --no-deps '
                                'toxic-comment-classifier==0.3.0 (models/requirements-weights.txt)')
    return Path(list(spec.submodule_search_locations)[0])


def word_ids(text: str, tok: _TokenizerState) -> list[int]:
    """Keras Tokenizer.texts_to_sequences for one text: lower-case, filter characters become
    separators, words outside the kept vocabulary dropped (or the OOV id when it has one)."""
    if getattr(tok, 'lower', True):
        text = text.lower()
    split = getattr(tok, 'split', ' ')
    text = text.translate(str.maketrans({c: split for c in getattr(tok, 'filters', '')}))
    num_words = getattr(tok, 'num_words', None)
    oov = tok.word_index.get(tok.oov_token) if getattr(tok, 'oov_token', None) else None
    out = []
    for w in (w for w in text.split(split) if w):
        i = tok.word_index.get(w)
        if i is not None and (not num_words or i < num_words):
            out.append(i)
        elif oov is not None:
            out.append(oov)
    return out


def pad_pre(seqs: list[list[int]], length: int = MAX_WORDS) -> np.ndarray:
    """keras pad_sequences defaults: keep the last `length` ids, zeros in front."""
    out = np.zeros((len(seqs), length), dtype=np.int64)
    for row, s in enumerate(seqs):
        s = s[-length:]
        if s:
            out[row, length - len(s):] = s
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def lstm_max(x: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, bias: np.ndarray, backwards: bool) -> np.ndarray:
    """A Keras LSTM (gates i, f, c, o; tanh, sigmoid) over x [batch, steps, dim], max over steps of its outputs."""
    batch, steps, _ = x.shape
    units = recurrent.shape[0]
    h = np.zeros((batch, units), dtype=np.float32)
    c = np.zeros_like(h)
    best = np.full_like(h, -np.inf)
    xw = x @ kernel + bias
    for t in (range(steps - 1, -1, -1) if backwards else range(steps)):
        z = xw[:, t] + h @ recurrent
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        best = np.maximum(best, h)
    return best


class JigsawTeacher:
    def __init__(self, root: Path | None = None) -> None:
        import h5py  # training environment only
        root = root or package_dir()
        with open(root / 'model' / 'tokenizer.pickle', 'rb') as f:
            self.tokenizer = _TokenizerUnpickler(f).load()
        with h5py.File(root / 'model' / 'model.weights.h5', 'r') as w:
            get = lambda path: np.asarray(w[path], dtype=np.float32)
            self.embedding = get('layers/embedding/vars/0')
            self.lstm = {side: tuple(get(f'layers/bidirectional/{side}_layer/cell/vars/{k}') for k in range(3))
                         for side in ('forward', 'backward')}
            self.dense = (get('layers/dense/vars/0'), get('layers/dense/vars/1'))
            self.out = (get('layers/dense_1/vars/0'), get('layers/dense_1/vars/1'))

    def scores(self, texts: list[str], batch: int = 512) -> np.ndarray:
        """Probabilities [n, 6] in LABELS order."""
        rows = []
        for s in range(0, len(texts), batch):
            ids = pad_pre([word_ids(t, self.tokenizer) for t in texts[s:s + batch]])
            x = self.embedding[ids]
            pooled = np.concatenate([lstm_max(x, *self.lstm['forward'], backwards=False),
                                     lstm_max(x, *self.lstm['backward'], backwards=True)], axis=1)
            hidden = np.maximum(pooled @ self.dense[0] + self.dense[1], 0)
            rows.append(_sigmoid(hidden @ self.out[0] + self.out[1]))
        return np.vstack(rows) if rows else np.zeros((0, len(LABELS)), dtype=np.float32)


def teacher_report(teacher: JigsawTeacher, deep_attribute_probs: np.ndarray, deep_labels: list[str],
                   attribute_rows: list[dict], held_out: dict[str, tuple[np.ndarray, list[str]]]) -> dict:
    """The teacher beside the served deep heads on the hand-labelled attribute set (cut 0.5, ROC AUC),
    and its `toxic` output on held-out toxicity labels (each source's y and texts)."""
    from .metrics import binary_report
    probs = teacher.scores([r['text'] for r in attribute_rows])
    attributes = {}
    for label, name in TO_SINBIN.items():
        if name == 'toxicity':
            y = np.array([r['y'] for r in attribute_rows])
        else:
            y = np.array([int(name in r['attrs']) for r in attribute_rows])
        attributes[name] = {'teacher': binary_report(y, probs[:, LABELS.index(label)], 0.5),
                            'deep': binary_report(y, deep_attribute_probs[:, deep_labels.index(name)], 0.5)}
    toxic = {src: binary_report(y, teacher.scores(texts)[:, LABELS.index('toxic')], 0.5) for src, (y, texts) in held_out.items()}
    return {'attribute_set': attributes, 'held_out_toxic': toxic}


def main() -> None:
    """`python -m sinbin_models teacher-report`: measures the weak teacher before anyone trusts it
    (models/eval/teacher-report.json)."""
    import json
    from .data import load_all
    from .eval_cascade import MODELS_DIR, Models, _Line
    from .eval_sets import load_set
    from .train_fast import by_source
    from .progress import Progress
    steps = Progress('teacher-report', 3, every_seconds=0)
    teacher, models = JigsawTeacher(), Models()
    rows = load_set('attributes')
    labels = [models.deep_config['id2label'][str(i)] for i in range(len(models.deep_config['id2label']))]
    deep = 1 / (1 + np.exp(-models.deep_logits([_Line() for _ in rows], [r['text'] for r in rows]).astype(np.float64)))
    steps.tick(1, 'attribute set scored')
    records = load_all()
    held_out = {src: (np.array([r.toxic for r in rs]), [r.text for r in rs])
                for src in ('conda', 'offensive', 'davidson') for rs in [by_source(records, 'test', src)]}
    hate = by_source(records, 'test', 'hate')
    held_out['hateval'] = (np.array([r.categories['identity_hate'] for r in hate]), [r.text for r in hate])
    steps.tick(2, 'held-out sets loaded')
    report = teacher_report(teacher, deep, labels, rows, held_out)
    report['teacher'] = 'toxic-comment-classifier 0.3.0 (PyPI, MIT), run in numpy by sinbin_models/jigsaw_teacher.py'
    report['deep'] = models.deep_config.get('sinbin', {}).get('version', 'models/deep')
    out = MODELS_DIR / 'eval' / 'teacher-report.json'
    out.write_text(json.dumps(report, indent=2) + '\n')
    steps.tick(3, f'wrote {out.relative_to(MODELS_DIR.parent)}')
