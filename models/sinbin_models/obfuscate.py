"""Deterministic obfuscated copies of messages, the way players dodge word filters:
leetspeak digits, spaced-out letters, stretched letters, look-alike Cyrillic/Greek letters and
in-word separators. Used only to measure robustness, never for training."""
import random

LEET_OUT = {'a': '4', 'e': '3', 'i': '1', 'o': '0', 's': '$', 't': '7'}
LOOKALIKE_OUT = {'a': 'а', 'e': 'е', 'o': 'о', 'p': 'р', 'c': 'с', 'x': 'х', 'y': 'у', 'i': 'і', 'k': 'κ'}


def _leet(w: str, rng: random.Random) -> str:
    return ''.join(LEET_OUT[c] if c in LEET_OUT and rng.random() < 0.7 else c for c in w)


def _spaced(w: str, rng: random.Random) -> str:
    return ' '.join(w)


def _stretched(w: str, rng: random.Random) -> str:
    vowels = [i for i, c in enumerate(w) if c in 'aeiou'] or [len(w) - 1]
    i = rng.choice(vowels)
    return w[:i] + w[i] * rng.randint(3, 6) + w[i + 1:]


def _lookalike(w: str, rng: random.Random) -> str:
    return ''.join(LOOKALIKE_OUT[c] if c in LOOKALIKE_OUT and rng.random() < 0.6 else c for c in w)


def _separated(w: str, rng: random.Random) -> str:
    sep = rng.choice(['.', '*', '_', '-'])
    return sep.join(w)


TRICKS = (_leet, _spaced, _stretched, _lookalike, _separated)


def obfuscate(text: str, seed: int) -> str:
    """Disguises every word of 3+ letters with probability 0.6 using one random trick."""
    rng = random.Random(seed)
    words = text.split(' ')
    out = []
    for w in words:
        if len(w) >= 3 and w.isalpha() and rng.random() < 0.6:
            out.append(rng.choice(TRICKS)(w.lower(), rng))
        else:
            out.append(w)
    return ' '.join(out)
