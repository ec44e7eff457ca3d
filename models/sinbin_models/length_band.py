"""Length-aware routing band (pure: numpy + the normaliser).

A bag of hashed n-grams reads a long sentence worst (negation, sarcasm, a slur quoted to be
condemned), while game chat lines are mostly short. So a routing config may name a second, wider
band for messages of at least `longFromWords` words: those go to the deep stage more often, short
lines keep the usual band. Absent fields mean one band for every length (today's configs).
Measured by eval_length_band.py and not adopted (deep/EXPERIMENTS.md): serving has no twin of this.

Word rule: the number of tokens of the normalised text (normalize_text, which has a TS twin), i.e.
whitespace-separated pieces that keep at least one letter or digit after folding; spaced-out
letters ("k i l l") count as one word, emoji-only pieces as none.
"""
import numpy as np

from .normalize import normalize_text


def word_count(text: str) -> int:
    normalized = normalize_text(text)
    return len(normalized.split(' ')) if normalized else 0


def band_edges(words: np.ndarray, thresholds: dict) -> tuple[np.ndarray, np.ndarray]:
    """Per message (okBelow, toxicFrom): the long band from longFromWords words on, else the band."""
    n = len(words)
    ok, toxic = np.full(n, float(thresholds['okBelow'])), np.full(n, float(thresholds['toxicFrom']))
    long_from = thresholds.get('longFromWords')
    if long_from is None:
        return ok, toxic
    long = np.asarray(words) >= long_from
    return (np.where(long, thresholds['longBand']['okBelow'], ok),
            np.where(long, thresholds['longBand']['toxicFrom'], toxic))


def routes(fast_p: np.ndarray, words: np.ndarray, thresholds: dict) -> tuple[np.ndarray, np.ndarray]:
    """(needs-analysis mask, toxic-route mask) of the fast model's scores under `thresholds`."""
    ok, toxic = band_edges(words, thresholds)
    fast_p = np.asarray(fast_p)
    return (fast_p >= ok) & (fast_p < toxic), fast_p >= toxic
