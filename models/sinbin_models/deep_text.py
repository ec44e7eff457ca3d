"""The text the deep model reads, before its WordPiece tokenizer (which lowercases, strips accents
and splits punctuation itself). Twin of shared/scoring/src/deep-text.ts; the deep input parity
fixture pins both.

normalizeText serves the fast model's hashed features: it folds leet, drops punctuation and emoji.
A pretrained encoder learned on ordinary text, so 'light' keeps what it can read and only removes
noise: invisible characters, runs of a repeated character, and chains of repeated mentions
(a tweet's "@user @user @user ..." would otherwise spend the message's token budget).
"""
import re
import unicodedata

from .normalize import normalize_text

INVISIBLE = re.compile('[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]')
WHITESPACE = re.compile('[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+')
LONG_RUN = re.compile(r'(.)\1{3,}', re.DOTALL)
REPEATED_MENTION = re.compile(r'(@[A-Za-z0-9_]+)(?: \1)+(?![A-Za-z0-9_])')


def light_text(raw: str) -> str:
    text = INVISIBLE.sub('', unicodedata.normalize('NFKC', raw))
    text = WHITESPACE.sub(' ', text).strip(' ')  # not strip(): Python's whitespace is not JavaScript's
    text = LONG_RUN.sub(r'\1\1\1', text)
    return REPEATED_MENTION.sub(r'\1', text)


TEXT_FORMS = {'normalizeText': normalize_text, 'light': light_text}


def text_form_of(config: dict) -> str:
    """The text form a deep model's config.json names (models before the light form did not say)."""
    return config['sinbin'].get('textNormalization', 'normalizeText')
