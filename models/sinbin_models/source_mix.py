"""Per-source repetition of training records for train_deep (pure: no numpy, no torch).

`--repeat offensive=2` shows every TweetEval offensive training line twice per epoch, so that
source weighs more in the mix without a new loss weight. The hand-written synthetic lines keep
their own --synthetic-repeat (older runs name it), so they are not accepted here.
"""
from typing import Sequence, TypeVar

REPEATABLE = ('conda', 'offensive', 'davidson', 'hate')

R = TypeVar('R')


def parse_repeats(spec: str, known: Sequence[str] = REPEATABLE) -> dict[str, int]:
    """'offensive=2,conda=1' -> {'offensive': 2, 'conda': 1}; '' -> {} (every source once).
    Raises ValueError on an unknown source, a source named twice, or a count that is not a
    whole number >= 1, so a typo cannot silently train today's mix."""
    repeats: dict[str, int] = {}
    for item in (part.strip() for part in spec.split(',')):
        if not item:
            continue
        source, sep, count = (s.strip() for s in item.partition('='))
        if not sep or not source or not count:
            raise ValueError(f'--repeat item {item!r} is not SOURCE=COUNT')
        if source not in known:
            raise ValueError(f'--repeat names {source!r}; repeatable sources: {", ".join(known)}')
        if source in repeats:
            raise ValueError(f'--repeat names {source!r} twice')
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f'--repeat count for {source!r} must be a whole number >= 1, not {count!r}')
        repeats[source] = int(count)
    return repeats


def apply_repeats(records: list[R], repeats: dict[str, int]) -> list[R]:
    """The records, then (count - 1) more copies of each repeated source's records, source by
    source in the order given; an empty table returns the list unchanged (same order)."""
    out = list(records)
    for source, count in repeats.items():
        out += [r for r in records if r.source == source] * (count - 1)  # type: ignore[attr-defined]
    return out
