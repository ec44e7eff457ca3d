"""Hashed word and character n-gram features of normalised text (mirrored in
shared/scoring/src/fast-features.ts). Strings are hashed as UTF-16 code units so that JavaScript's
charCodeAt and Python agree on every character, astral ones included."""
from dataclasses import dataclass, asdict

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
MASK32 = 0xFFFFFFFF


@dataclass(frozen=True)
class HashingConfig:
    bucket_bits: int = 18
    char_min: int = 3
    char_max: int = 5
    max_features: int = 768
    # Seeds keep the feature families (word, collapsed word, bigram, char n-gram) apart.
    seed_word: int = 0x9E3779B1
    seed_collapsed: int = 0x85EBCA77
    seed_bigram: int = 0xC2B2AE3D
    seed_char: int = 0x27D4EB2F

    @property
    def buckets(self) -> int:
        return 1 << self.bucket_bits

    def to_json(self) -> dict:
        return {
            'scheme': 'fnv1a32-utf16-fmix',
            'bucketBits': self.bucket_bits,
            'charMin': self.char_min,
            'charMax': self.char_max,
            'maxFeatures': self.max_features,
            'seeds': {
                'word': self.seed_word,
                'collapsed': self.seed_collapsed,
                'bigram': self.seed_bigram,
                'char': self.seed_char,
            },
        }


def utf16_units(s: str) -> list[int]:
    data = s.encode('utf-16-le', 'surrogatepass')
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def fnv_step(h: int, unit: int) -> int:
    return ((h ^ unit) * FNV_PRIME) & MASK32


def fnv_units(h: int, units: list[int]) -> int:
    for u in units:
        h = ((h ^ u) * FNV_PRIME) & MASK32
    return h


def finish(h: int, bits: int) -> int:
    """Murmur3 finaliser so the low bits used as the bucket are well mixed."""
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK32
    h ^= h >> 16
    return h & ((1 << bits) - 1)


def _collapse_units(units: list[int]) -> list[int]:
    out: list[int] = []
    for u in units:
        if not out or out[-1] != u:
            out.append(u)
    return out


def feature_ids(normalized: str, cfg: HashingConfig) -> list[int]:
    """Bucket ids of one normalised message, in emission order, duplicates kept (counts), capped."""
    if normalized == '':
        return []
    bits = cfg.bucket_bits
    ids: list[int] = []
    tokens = [utf16_units(t) for t in normalized.split(' ')]
    prev: list[int] | None = None
    for units in tokens:
        ids.append(finish(fnv_units(cfg.seed_word ^ FNV_OFFSET, units), bits))
        collapsed = _collapse_units(units)
        if collapsed != units:
            ids.append(finish(fnv_units(cfg.seed_collapsed ^ FNV_OFFSET, collapsed), bits))
        if prev is not None:
            h = fnv_units(cfg.seed_bigram ^ FNV_OFFSET, prev)
            h = fnv_step(h, 0x20)
            ids.append(finish(fnv_units(h, units), bits))
        prev = units
        padded = [0x20] + units + [0x20]
        for start in range(len(padded) - cfg.char_min + 1):
            h = cfg.seed_char ^ FNV_OFFSET
            for j in range(start, min(start + cfg.char_max, len(padded))):
                h = fnv_step(h, padded[j])
                if j - start + 1 >= cfg.char_min:
                    ids.append(finish(h, bits))
        if len(ids) >= cfg.max_features:
            return ids[: cfg.max_features]
    return ids
