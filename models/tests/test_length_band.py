"""The length-aware routing band (length_band.py): word rule and per-message band edges."""
import numpy as np
import pytest

from sinbin_models.length_band import routes, word_count

ONE_BAND = {'okBelow': 0.145, 'toxicFrom': 0.9}
LENGTH_AWARE = {**ONE_BAND, 'longFromWords': 10, 'longBand': {'okBelow': 0.02, 'toxicFrom': 0.98}}


@pytest.mark.parametrize('text, want', [
    ('', 0),
    ('   ', 0),
    ('gg ez', 2),
    ('  gg   ez  ', 2),
    ('you are a n00b!!!', 4),
    ('k i l l yourself', 2),        # spaced-out letters join into one word
    ('🖕 🖕 noob', 1),              # emoji-only pieces are no words
    ('... ??? !!!', 0),             # nor punctuation-only ones
    ('well,played\tteam\nlol', 3),  # tabs and newlines split words, a comma does not
    ('@USER this is not even that bad tbh URL', 9),
])
def test_word_count(text, want):
    assert word_count(text) == want


@pytest.mark.parametrize('thresholds, p, words, want_band, want_toxic', [
    # One band (the older configs): length plays no part.
    (ONE_BAND, 0.10, 30, False, False),
    (ONE_BAND, 0.50, 3, True, False),
    (ONE_BAND, 0.95, 30, False, True),
    # Short lines keep the band.
    (LENGTH_AWARE, 0.10, 9, False, False),
    (LENGTH_AWARE, 0.95, 9, False, True),
    # From longFromWords words on, the wider band: these go to the deep stage.
    (LENGTH_AWARE, 0.10, 10, True, False),
    (LENGTH_AWARE, 0.95, 10, True, False),
    # Edges of the long band: okBelow is in the band, toxicFrom is toxic.
    (LENGTH_AWARE, 0.02, 12, True, False),
    (LENGTH_AWARE, 0.019, 12, False, False),
    (LENGTH_AWARE, 0.98, 12, False, True),
])
def test_routes(thresholds, p, words, want_band, want_toxic):
    band, toxic = routes(np.array([p]), np.array([words]), thresholds)
    assert (bool(band[0]), bool(toxic[0])) == (want_band, want_toxic)


def test_routes_mixes_lengths_in_one_batch():
    band, toxic = routes(np.array([0.1, 0.1, 0.95, 0.95]), np.array([3, 15, 3, 15]), LENGTH_AWARE)
    assert band.tolist() == [False, True, False, True]
    assert toxic.tolist() == [False, False, True, False]
