import json

from sinbin_models.features import HashingConfig, feature_ids, finish, fnv_units, utf16_units
from sinbin_models.normalize import collapse_doubles, normalize_text


def test_normalize_examples():
    assert normalize_text('GG EZ') == 'gg ez'
    assert normalize_text('f u c k you') == 'fuck you'
    assert normalize_text('st@pid b!tch') == 'stapid bitch'
    assert normalize_text('noooooob') == 'noob'
    assert normalize_text('ЅНIТ') == 'shit'
    assert normalize_text('ｆｕｃｋ') == 'fuck'
    assert normalize_text('   ') == ''
    assert normalize_text('a b') == 'a b'  # two single letters stay apart
    assert normalize_text('Café naïve') == 'cafe naive'
    assert collapse_doubles('fuuck') == 'fuck'


def test_utf16_units_match_javascript_char_codes():
    assert utf16_units('a') == [0x61]
    assert utf16_units('😂') == [0xD83D, 0xDE02]  # astral: a surrogate pair, as charCodeAt sees it


def test_hash_is_fnv1a_then_fmix():
    # FNV-1a 32 of "a" from the standard offset basis is 0xe40c292c.
    assert fnv_units(0x811C9DC5, [0x61]) == 0xE40C292C
    assert 0 <= finish(0xE40C292C, 18) < (1 << 18)


def test_feature_ids_shape_and_cap():
    cfg = HashingConfig()
    assert feature_ids('', cfg) == []
    ids = feature_ids('you are trash', cfg)
    assert all(0 <= i < cfg.buckets for i in ids)
    # word + bigram (after the first) + char 3..5-grams of " word " per token
    def chars(n):
        padded = n + 2
        return sum(max(0, min(cfg.char_max, padded - s) - cfg.char_min + 1) for s in range(padded - cfg.char_min + 1))
    assert len(ids) == 3 + 2 + chars(3) + chars(3) + chars(5)
    long = feature_ids(' '.join(['word'] * 500), cfg)
    assert len(long) == cfg.max_features


def test_feature_ids_are_deterministic_and_order_sensitive():
    cfg = HashingConfig()
    assert feature_ids('kill the carry', cfg) == feature_ids('kill the carry', cfg)
    assert sorted(feature_ids('ez noob', cfg)) != sorted(feature_ids('noob ez', cfg))  # bigrams differ


def test_committed_parity_fixture_matches_python(fixtures_dir):
    """tests/fixtures/normalize-parity.json is what the TS test checks normalize.ts and
    fast-features.ts against: it must be exactly what this Python code produces."""
    fixture = json.loads((fixtures_dir / 'normalize-parity.json').read_text())
    cfg = HashingConfig()
    assert fixture['hashing'] == cfg.to_json()
    assert len(fixture['cases']) >= 50
    for case in fixture['cases']:
        norm = normalize_text(case['input'])
        assert norm == case['normalized'], case['input']
        assert feature_ids(norm, cfg) == case['featureIds'], case['input']


def test_fixture_generator_covers_its_cases(fixtures_dir):
    from sinbin_models.parity_fixture import CASES
    fixture = json.loads((fixtures_dir / 'normalize-parity.json').read_text())
    assert [c['input'] for c in fixture['cases']] == CASES
