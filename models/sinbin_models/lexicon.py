"""Small term lists that derive weak category labels where the data sets have none.

Matching is on normalised tokens with doubled letters collapsed, so "fuuck" and "fuck" agree.
These labels are weak supervision: the category heads learn a smoothed version of these lists.
"""
from .normalize import collapse_doubles

# Stems match any token that starts with them; exact terms only match whole tokens.
PROFANITY_STEMS = ('fuck', 'fuk', 'fck', 'shit', 'bitch', 'cunt', 'asshol', 'bastard', 'motherf',
                   'bullshit', 'dipshit', 'wank', 'twat', 'crap', 'piss', 'damn', 'dick', 'cock', 'pusy')
PROFANITY_TERMS = {'fk', 'fu', 'fuq', 'wtf', 'stfu', 'gtfo', 'ass', 'as', 'sht', 'btch', 'prick', 'omfg',
                   'fking', 'fkin', 'fucken', 'bs', 'cum', 'hoe', 'hoes', 'slut', 'whore'}

INSULT_STEMS = ('idiot', 'retard', 'stupid', 'moron', 'imbecil', 'noob', 'nob', 'loser', 'useles',
                'braindead', 'autis', 'clown', 'trash', 'garbage', 'dumb', 'pathetic', 'scum',
                'worthles', 'incompetent', 'brainles', 'mongol', 'fagot', 'bitch', 'cunt', 'dick',
                'asshol', 'bastard', 'twat', 'wanker', 'jerk', 'ugly', 'fat', 'lame', 'pig')
INSULT_TERMS = {'nob', 'bad', 'shit', 'dog', 'dogs', 'monkey', 'rat', 'tard', 'fag', 'ape', 'bot', 'kid',
                'cancer', 'feder', 'n1', 'l2p', 'uninstal', 'sux', 'suck', 'sucks', 'hoe', 'slut', 'whore'}
SECOND_PERSON = {'you', 'u', 'ur', 'your', 'youre', 'yours', 'urself', 'yourself', 'ya', 'ye', 'yu'}

IDENTITY_SLURS_STEMS = ('niger', 'niga', 'fagot', 'chink', 'kike', 'spic', 'trany', 'dyke', 'wetback',
                        'beaner', 'raghead', 'towelhead', 'gook', 'nigr')
IDENTITY_SLURS_TERMS = {'fag', 'fags', 'coon', 'coons', 'paki', 'homo', 'homos', 'jap', 'gypsy'}

# Encouraging self-harm: "kys" and spellings, "kill/hang/neck yourself", "go die".
SELF_HARM_TERMS = {'kys', 'kyss', 'kysl', 'kysnob', 'kms'}
SELF_HARM_VERBS = ('kil', 'hang', 'neck', 'hurt', 'cut', 'end', 'shoot', 'drown')
REFLEXIVE = {'yourself', 'urself', 'yourselfe', 'yoself', 'youself', 'uself', 'self', 'ur', 'your'}

THREAT_STEMS = ('kil', 'murder', 'shoot', 'stab', 'hang', 'burn', 'bomb', 'rape', 'destroy', 'beat')
THREAT_TERMS = {'kys', 'die', 'dead', 'death', 'cancer', 'find', 'hunt', 'hurt', 'gun', 'knife'}

SEXUAL_STEMS = ('dick', 'cock', 'pusy', 'puss', 'cum', 'blowjob', 'porn', 'boob', 'tits', 'anal', 'penis',
                'vagin', 'rape', 'sex', 'whore', 'slut', 'horny', 'masturb', 'orgasm', 'dildo', 'motherf',
                'suck')
SEXUAL_TERMS = {'tit', 'mom', 'mother', 'mum', 'mama', 'sister', 'hoe', 'hoes', 'nude'}


def _tokens(normalized: str) -> list[str]:
    return [collapse_doubles(t) for t in normalized.split(' ') if t]


def _hits(tokens: list[str], stems: tuple[str, ...], terms: set[str]) -> int:
    return sum(1 for t in tokens if t in terms or t.startswith(stems))


def self_harm_encouragement(tokens: list[str]) -> bool:
    """kys (any spelling normalisation leaves), or a self-harm verb followed by a reflexive
    within two tokens ("kill yourself", "go hang urself", "kill ur self")."""
    if any(t in SELF_HARM_TERMS for t in tokens):
        return True
    for i, t in enumerate(tokens):
        if t.startswith(SELF_HARM_VERBS) and any(u in REFLEXIVE and (u != 'ur' and u != 'your' or
                                                                    tokens[j + 1:j + 2] == ['self'])
                                                 for j, u in enumerate(tokens[i + 1:i + 3], start=i + 1)):
            return True
    return False


def weak_categories(normalized: str, toxic: bool) -> dict[str, int]:
    """Category labels for one message. Non-toxic messages get zeros except plain profanity,
    which is a property of the words, not of the intent."""
    tokens = _tokens(normalized)
    profane = _hits(tokens, PROFANITY_STEMS, PROFANITY_TERMS) > 0
    slur = _hits(tokens, IDENTITY_SLURS_STEMS, IDENTITY_SLURS_TERMS) > 0
    if not toxic:
        return {'insult': 0, 'profanity': int(profane), 'identity_hate': 0, 'threat': 0, 'sexual': 0,
                'severe_toxicity': 0, 'self_harm': 0}
    directed = any(t in SECOND_PERSON for t in tokens)
    insulting = _hits(tokens, INSULT_STEMS, INSULT_TERMS) > 0
    threat_words = _hits(tokens, THREAT_STEMS, THREAT_TERMS) > 0
    # "kill yourself" / "i will find you": violent verbs aimed at someone, or kys alone.
    threat = ('kys' in tokens) or (threat_words and directed)
    sexual_hits = _hits(tokens, SEXUAL_STEMS, set()) > 0
    # "your mother" style lines only count as sexual when a sexual or profane word is also present.
    family_hit = any(t in SEXUAL_TERMS for t in tokens) and profane
    self_harm = self_harm_encouragement(tokens)
    insult = int(insulting or (directed and profane))
    # Severe: the attacks Perspective calls severe, approximated: slurs, threats, self-harm
    # encouragement, or a directed insult that is also profane.
    severe = int(slur or threat or self_harm or (insulting and directed and profane))
    return {
        'severe_toxicity': severe,
        'self_harm': int(self_harm),
        'insult': insult,
        'profanity': int(profane),
        'identity_hate': int(slur),
        'threat': int(threat),
        'sexual': int(sexual_hits or family_hit),
    }
