from collections import defaultdict

import pytest

from sinbin_models.data import _three_way, clean_conda, load_conda, load_davidson, load_tweeteval


@pytest.fixture(scope='module')
def conda(data_root):
    return load_conda(data_root)


def test_conda_split_by_match_no_match_on_two_sides(conda):
    sides = defaultdict(set)
    for r in conda:
        sides[r.group].add(r.split)
    assert all(len(s) == 1 for s in sides.values())
    counts = {s: sum(1 for r in conda if r.split == s) for s in ('train', 'val', 'test')}
    assert counts['train'] > 6 * counts['test'] and counts['val'] > 0 and counts['test'] > 1000


def test_conda_split_is_deterministic_by_match_id():
    assert _three_way('match:123') == _three_way('match:123')
    shares = [_three_way(f'match:{i}') for i in range(5000)]
    assert 0.75 < shares.count('train') / 5000 < 0.85


def test_conda_labels_and_context(conda):
    assert {r.toxic for r in conda} == {0, 1}
    with_context = [r for r in conda if r.context]
    assert len(with_context) > 0.6 * len(conda)
    assert all(len(r.context) <= 8 for r in conda)
    assert all('[SEPA]' not in r.text for r in conda)
    assert clean_conda('gg [SEPA] wp') == 'gg wp'


def test_tweeteval_held_out_is_the_val_file(data_root):
    recs = load_tweeteval(data_root, 'offensive')
    test = [r for r in recs if r.split == 'test']
    assert len(test) == 1324
    assert {r.split for r in recs} == {'train', 'val', 'test'}
    hate = load_tweeteval(data_root, 'hate')
    assert all(r.toxic is None for r in hate)  # HatEval says nothing about general toxicity


def test_davidson_labels(data_root):
    recs = load_davidson(data_root)
    assert len(recs) == 24783
    assert all(r.categories['identity_hate'] in (0, 1) for r in recs)
