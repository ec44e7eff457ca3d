"""Python port of shared/scoring/src/normalize.ts, used when training the fast model.

Must produce exactly what the TypeScript produces: tests/fixtures/normalize-parity.json is written
from this module and checked by a TS test, so change both sides together.
"""
import re
import unicodedata

CONFUSABLES = {
    'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c',
    'т': 't', 'у': 'y', 'х': 'x', 'ь': 'b', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ɡ': 'g',
    'ӏ': 'l', 'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
    'τ': 't', 'υ': 'u', 'χ': 'x', 'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ø': 'o', 'ł': 'l', 'đ': 'd',
    'ð': 'd', 'þ': 'th', 'ı': 'i',
}

LEET = {
    '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
    '@': 'a', '$': 's', '!': 'i', '|': 'l', '€': 'e', '£': 'l',
}

# JavaScript's \s (ECMAScript WhiteSpace + LineTerminator), which differs from Python's str.split().
JS_WHITESPACE = re.compile('[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+')
EDGE_PUNCTUATION = re.compile(r"""^[!?.,;:'"()]+|[!?.,;:'"()]+$""")
RUN_OF_THREE_OR_MORE = re.compile(r'(.)\1{2,}', re.DOTALL)
DOUBLED = re.compile(r'(.)\1+', re.DOTALL)
LATIN = re.compile('[a-z]')


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == 'L'


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ('L', 'N')


def _looks_latin(token: str) -> bool:
    if LATIN.search(token):
        return True
    letters = 0
    for ch in token:
        if not _is_letter(ch):
            continue
        if ch not in CONFUSABLES:
            return False
        letters += 1
    return letters > 0


def _map_token(raw: str) -> str:
    token = EDGE_PUNCTUATION.sub('', raw)
    if _looks_latin(token):
        token = ''.join(CONFUSABLES.get(ch, ch) for ch in token)
    if LATIN.search(token):
        token = ''.join(LEET.get(ch, ch) for ch in token)
    token = ''.join(ch for ch in token if _is_word_char(ch))
    return RUN_OF_THREE_OR_MORE.sub(r'\1\1', token)


def _fold(text: str) -> str:
    lowered = unicodedata.normalize('NFKC', text).lower()
    stripped = ''.join(ch for ch in unicodedata.normalize('NFD', lowered) if unicodedata.category(ch)[0] != 'M')
    return unicodedata.normalize('NFC', stripped)


def _join_spaced_letters(tokens: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for token in tokens + [None]:  # None flushes the final run
        if token is not None and len(token) == 1:
            run.append(token)
            continue
        out.extend([''.join(run)] if len(run) >= 3 else run)
        run = []
        if token is not None:
            out.append(token)
    return out


def normalize_text(text: str) -> str:
    tokens = []
    for raw in JS_WHITESPACE.split(_fold(text)):
        if raw == '':
            continue
        token = _map_token(raw)
        if token != '':
            tokens.append(token)
    return ' '.join(_join_spaced_letters(tokens))


def collapse_doubles(token: str) -> str:
    return DOUBLED.sub(r'\1', token)
