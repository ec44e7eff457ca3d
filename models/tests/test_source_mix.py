"""Per-source repeats of train_deep (source_mix.py): the --repeat table and its effect on the mix."""
from collections import Counter
from dataclasses import dataclass

import pytest

from sinbin_models.source_mix import apply_repeats, parse_repeats


@pytest.mark.parametrize('spec, want', [
    ('', {}),                                    # today's behaviour: every line once
    ('offensive=2', {'offensive': 2}),
    ('offensive=2,conda=1', {'offensive': 2, 'conda': 1}),
    (' offensive = 3 , hate=2 ', {'offensive': 3, 'hate': 2}),
    ('offensive=2,', {'offensive': 2}),          # a trailing comma is harmless
])
def test_parse_repeats(spec, want):
    assert parse_repeats(spec) == want


@pytest.mark.parametrize('spec, message', [
    ('offensve=2', 'repeatable sources'),        # a typo must not train today's mix
    ('synthetic=2', 'repeatable sources'),       # that one has --synthetic-repeat
    ('offensive', 'SOURCE=COUNT'),
    ('offensive=', 'SOURCE=COUNT'),
    ('=2', 'SOURCE=COUNT'),
    ('offensive=0', 'whole number'),
    ('offensive=-1', 'whole number'),
    ('offensive=1.5', 'whole number'),
    ('offensive=two', 'whole number'),
    ('offensive=2,offensive=3', 'twice'),
])
def test_parse_repeats_rejects(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_repeats(spec)


@dataclass
class Line:
    source: str
    text: str


MIX = [Line('conda', 'gg'), Line('offensive', 'a'), Line('synthetic', 's'), Line('offensive', 'b'), Line('hate', 'h')]


@pytest.mark.parametrize('repeats, want_counts', [
    ({}, {'conda': 1, 'offensive': 2, 'synthetic': 1, 'hate': 1}),
    ({'offensive': 1}, {'conda': 1, 'offensive': 2, 'synthetic': 1, 'hate': 1}),
    ({'offensive': 2}, {'conda': 1, 'offensive': 4, 'synthetic': 1, 'hate': 1}),
    ({'offensive': 3, 'hate': 2}, {'conda': 1, 'offensive': 6, 'synthetic': 1, 'hate': 2}),
    ({'davidson': 4}, {'conda': 1, 'offensive': 2, 'synthetic': 1, 'hate': 1}),  # absent source: nothing added
])
def test_apply_repeats_counts(repeats, want_counts):
    assert Counter(r.source for r in apply_repeats(MIX, repeats)) == want_counts


def test_apply_repeats_keeps_the_original_order_first():
    out = apply_repeats(MIX, {'offensive': 2})
    assert out[:len(MIX)] == MIX
    assert [r.text for r in out[len(MIX):]] == ['a', 'b']
    assert apply_repeats(MIX, {}) == MIX and apply_repeats(MIX, {}) is not MIX
