"""light_text: the same table as tests/unit/scoring/deep-text.test.ts (the TS twin)."""
import pytest

from sinbin_models.deep_text import TEXT_FORMS, light_text

ROWS = [
    ('plain chat stays as typed', 'gg wp, Nice Play!', 'gg wp, Nice Play!'),
    ('a chain of one mention becomes one', '@user @user @user you are trash', '@user you are trash'),
    ('different mentions stay', '@user @USER @bob hi', '@user @USER @bob hi'),
    ('a longer name is not its prefix repeated', '@user @username', '@user @username'),
    ('runs past three shrink to three', 'nooooooob!!!!!!', 'nooob!!!'),
    ('emoji runs shrink by code point', 'lol 😂😂😂😂😂', 'lol 😂😂😂'),
    ('invisible characters go', 'k\u200by\u200bs\u00ad', 'kys'),
    ('bidi controls go', '\u202eevil\u202c', 'evil'),
    ('whitespace collapses and edges trim', '  a\t\tb\u2028c\u3000 ', 'a b c'),
    ('NFKC folds full width and ligatures', 'ｆｕｌｌ ﬁne', 'full fine'),
    ('accents and scripts are left to the tokenizer', 'café مرحبا 你好', 'café مرحبا 你好'),
    ('empty stays empty', '', ''),
    ('only invisible is empty', '\u200b\u200d\ufeff', ''),
]


@pytest.mark.parametrize('why,raw,expected', ROWS, ids=[r[0] for r in ROWS])
def test_light_text(why, raw, expected):
    assert light_text(raw) == expected


def test_forms_are_named_as_the_config_names_them():
    assert set(TEXT_FORMS) == {'normalizeText', 'light'}
