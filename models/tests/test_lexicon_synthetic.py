from sinbin_models.lexicon import self_harm_encouragement, weak_categories
from sinbin_models.normalize import normalize_text
from sinbin_models.synthetic import synthetic_lines


def cats(text, toxic=True):
    return weak_categories(normalize_text(text), toxic)


def test_self_harm_spellings():
    for text in ('kys', 'k y s', 'KYS noob', 'kill yourself', 'kill ur self', 'go hang urself'):
        assert cats(text)['self_harm'] == 1, text
    for text in ('kill the carry', 'kill your carry', 'i killed myself by accident lol'):
        assert cats(text)['self_harm'] == 0, text
    assert not self_harm_encouragement(['kill', 'ur', 'carry'])


def test_clean_lines_get_no_attack_labels():
    c = cats('kill the carry', toxic=False)
    assert c['threat'] == 0 and c['insult'] == 0 and c['severe_toxicity'] == 0
    assert cats('fuck this game', toxic=False)['profanity'] == 1  # profanity is a property of the words


def test_severe_and_threat():
    assert cats('i will find you and kill you')['threat'] == 1
    assert cats('i will find you and kill you')['severe_toxicity'] == 1
    assert cats('you fucking idiot')['severe_toxicity'] == 1
    assert cats('noob')['severe_toxicity'] == 0


def test_synthetic_lines_are_deterministic_and_split_by_template():
    a, b = synthetic_lines(), synthetic_lines()
    assert [x.text for x in a] == [x.text for x in b]
    kinds = {x.kind for x in a}
    assert kinds == {'threat', 'self_harm', 'dox', 'harmless', 'mild', 'insult_fr', 'harmless_game', 'lookalike', 'threat_real', 'harassment_fr'}
    for kind in kinds:
        train = {x.text for x in a if x.kind == kind and x.split == 'train'}
        test = {x.text for x in a if x.kind == kind and x.split == 'test'}
        assert train and test, kind
    assert all(x.toxic == 0 for x in a if x.kind in ('harmless', 'mild', 'harmless_game', 'lookalike'))
    assert all(x.attributes['threat'] == 0 and x.attributes['self_harm'] == 0 for x in a if x.kind == 'lookalike')
    assert all(x.toxic == 1 and x.attributes['severe_toxicity'] == 1 for x in a if x.kind in ('threat', 'self_harm', 'dox'))


def test_generated_game_talk_swears_at_the_game_yet_is_not_toxic():
    lines = {x.text: x for x in synthetic_lines() if x.kind == 'harmless_game'}
    profane = [x for x in lines.values() if x.attributes['profanity'] == 1]
    assert profane and all(x.toxic == 0 and x.attributes['insult'] == 0 for x in profane)
    assert all(x.attributes['profanity'] == 0 for t, x in lines.items() if t.startswith('kill the '))


def test_generated_lines_never_repeat_an_evaluation_line():
    from sinbin_models.synthetic import _eval_texts
    held_out = _eval_texts()
    assert not [x.text for x in synthetic_lines() if normalize_text(x.text) in held_out]


def test_each_game_threat_opening_is_both_a_lookalike_and_a_threat():
    # The contrast the models must learn: the frame (a match, or the player's real life) decides.
    lines = synthetic_lines()
    look = {x.text for x in lines if x.kind == 'lookalike'}
    real = {x.text for x in lines if x.kind == 'threat_real'}
    assert any(t.startswith("i'll crush you") for t in look) and any(t.startswith("i'll crush you") for t in real)
    assert all(x.toxic == 1 and x.attributes['threat'] == 1 for x in lines if x.kind == 'threat_real')


def test_french_harassment_is_sexual_or_identity():
    for x in (x for x in synthetic_lines() if x.kind == 'harassment_fr'):
        assert x.toxic == 1 and x.attributes['sexual'] + x.attributes['identity_hate'] == 1, x.text
