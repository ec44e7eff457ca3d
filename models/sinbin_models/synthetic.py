"""Synthetic training and test lines for what the public data sets lack: threats, self-harm
encouragement, doxxing, and harmless game talk that uses violent or insulting-looking words.

Provenance: every template and filler below was written for sinbin by its developers (no sentence
is taken from any data set or site). Lines are built deterministically from templates x fillers.
Templates are split by a fixed rule (every fourth template of a kind is held out) so the test
lines use phrasings the models never trained on.

Labels: `toxic` plus attribute labels (None = unknown). Threat, self-harm and doxxing lines are
toxic and severe; the harmless kinds are not toxic at all; `mild` lines (trash talk like "gg ez")
are labelled not toxic with a low weight: the issue asks that they are not blocked.
"""
from dataclasses import dataclass

from .synthetic_game import compositional

ATTRIBUTES = ('severe_toxicity', 'insult', 'profanity', 'identity_hate', 'threat', 'sexual', 'self_harm')

TARGETS = ('you', 'u', 'ya', 'this mid', 'our carry', 'the support', 'that jungler', 'this feeder', 'their pudge',
           'you noob', 'ur whole family', 'the invoker')
PLACES = ('irl', 'after the game', 'tonight', 'in real life', 'at school tomorrow', 'outside your house', '', '')

THREAT_TEMPLATES = (
    'i will find {t} and kill {o} {p}', 'im going to hurt {t} {p}', 'i will come to your house and beat {o}',
    'watch your back {p}', '{t} better hide {p}', 'i will stab {t} {p}', 'going to shoot {t} {p} for real',
    'i swear i will kill {t} {p}', 'ill break your legs {p}', 'i know people who will hurt {t}',
    'you are dead {p}', 'ill make {t} regret being born', 'next time i see {o} {p} ur dead',
    'i will burn your house down', 'ill put {t} in the hospital', 'pray i never meet {o} {p}',
    'i will hunt {t} down {p}', 'someone should shoot {t}', 'i hope {t} gets hit by a car {p}',
    'ill strangle {t} {p}', 'i will end {t} {p} not in game', 'count your days {t}',
    'im gonna beat the shit out of {t} {p}', 'i will kill your family',
    'i am coming for {o} {p}', 'see you in the parking lot {p}', 'ill be waiting outside {p}',
    'you wont live to see the weekend', 'i will ddos {t} {p}', 'ill hack your account and your mom',
    'i will get {t} swatted', 'my brother will deal with {o} {p}', 'hope {t} dies in a fire {p}',
    'hope {t} gets cancer', 'i will ruin your life {p}', 'sleep lightly {t}',
    'ill show up at your door {p}', 'you will regret this when i find {o}', 'i will smash your face {p}',
    'je vais te tuer {p}', 'je vais te retrouver {p}', 'je vais te casser la gueule irl', 'je sais ou tu habites',
    'on se retrouve a la sortie {p}', 'je vais te defoncer en vrai', 'ta famille va payer',
    'je vais te planter', 'fais gaffe a toi ce soir', 'tu vas mourir {p}', 'je te bute irl',
    'je vais te faire ddos', 'je vais pirater ton compte', 'je viens chez toi {p}',
)
SELF_HARM_TEMPLATES = (
    'kys', 'kys {t}', 'k y s', 'k.y.s', 'kys kys kys', 'kill yourself', 'kill urself {t}', 'go kill yourself',
    'just kill yourself already', 'do everyone a favor and kys', 'kys irl', 'pls kys', 'go hang yourself',
    'neck yourself', 'jump off a bridge', 'nobody would miss {o} if {s} died', 'end your life',
    'go die', 'uninstall life', 'you should kill yourself', 'kill ur self', 'kms no kys', 'k ys {t}',
    'drink bleach', 'cut yourself {t}', 'the world is better without {o} kys', 'kys loser', 'kys noob',
    'kyss', 'kys pls', 'kys now', 'k ys', 'ky5', 'kill urslf', 'kil yourself', 'just end it {t}',
    'take a long walk off a short pier', 'swallow some pills', 'go off yourself', 'rope yourself',
    'do the world a favour and die', 'go jump off a roof', 'you should not exist', 'delete yourself irl',
    'suicide-toi', 'va te pendre', 'va mourir', 'va te suicider', 'tue toi', 'creve', 'va crever {t}',
    'jette toi dun pont', 'personne te regrettera si tu meurs', 'fais nous plaisir et disparais pour de bon',
)
DOX_TEMPLATES = (
    'i know where you live', 'i know where {t} lives', 'i know your address', 'whats your real name',
    'tell me your address', 'i found your address {t}', 'i have your ip', 'i know your real name and school',
    'what city do you live in exactly', 'give me your home address', 'i will post your address',
    'i know which school {t} goes to', 'send me your phone number or else', 'i found your facebook',
    'your ip is 192 168 lol', 'i will leak your address', 'i know where your mom works',
    'what street do u live on', 'i traced your ip', 'ill dox {t}', 'doxxing {t} tonight',
    'tell me ur real name', 'i see your house on maps', 'i know your parents names',
    'how old are you and where do you live', 'send me a pic of yourself', 'which school do u go to',
    'whats ur address', 'i will find your address', 'your real name is on your profile lol',
    'post your address if you are so tough', 'i know what city you live in', 'whats your phone number',
    'donne moi ton adresse', 'tu habites ou exactement', 'cest quoi ton nom de famille', 'tu vas dans quel lycee',
    'je connais ton vrai nom', 'je vais publier ton adresse', 'donne ton numero', 'jai trouve ton adresse',
)
HARMLESS_TEMPLATES = (
    'i died like a noob, my bad', 'my bad i died', 'sorry i fed', 'i was a noob there', 'im such a noob at this hero',
    'kill the carry', 'kill the support first', 'shoot him', 'shoot the healer', 'destroy their base',
    'destroy their tower', 'push and destroy rax', 'focus the mid and kill him', 'we need to kill roshan',
    'he killed me again lol', 'i will kill their carry', 'camping noob lol', 'nice kill', 'kill him he is low',
    'go kill the courier', 'burn his mana', 'stab him from behind with the rogue', 'hunt the jungler',
    'let them push then kill them', 'their offlane is dead', 'i am dead, rez me', 'dead again',
    'we got destroyed lol', 'im so bad today', 'he destroyed me in lane', 'noob mistake by me',
    'shoot first then ask', 'i need to farm', 'beat them at the fountain', 'we will crush them',
    'killing spree', 'that was a brutal fight', 'execute him with ult', 'they are camping bot',
    'wp that was insane', 'gank mid and kill him', 'hang back and defend', 'the enemy is weak', 'i suck at last hitting',
    'kill me now this game is so long', 'i am so dead', 'i keep dying lol', 'my hero died again, sorry team',
    'they slaughtered us', 'we got murdered that fight', 'headshot him', 'shoot the tank first', 'i got one shot',
    'sorry noob question, how do i buy wards', 'im new, what does this item do', 'ult him when he jumps',
    'that play was sick', 'you are a monster wp', 'nasty combo', 'execute under tower', 'end this game pls',
    'where do you live on the map', 'whats your ign', 'add me after the game', 'they will kill us at rosh',
    'tue le support', 'on les a detruits', 'je suis nul avec ce perso', 'desole jai feed', 'tue le carry dabord',
    'bien joue', 'cetait ouf ce play', 'attention il arrive', 'on push mid', 'jai rage quit la derniere fois',
    'sorry im a noob', 'my bad i played like a noob', 'noob move by me sorry', 'i am trash today sorry guys',
    'i died like an idiot my bad', 'sorry i was so bad', 'my bad noob mistake', 'i feel like a noob lol',
    'i was so stupid there my bad', 'i suck sorry team', 'i am the noob here', 'lol i am so bad at this',
    'sorry guys i fed like a noob', 'im such an idiot i forgot tp', 'noob me forgot to buy wards',
)
# French insults aimed at a player (word list and templates written for sinbin; the English data
# sets carry no French, and the multilingual encoder needs a few French labels to anchor on).
FR_INSULTS = ('connard', 'abruti', 'debile', 'cretin', 'encule', 'batard', 'bouffon', 'gros nul', 'sac a merde',
              'idiot', 'imbecile', 'tocard', 'clochard', 'fils de pute', 'salope', 'pd', 'teube', 'boloss', 'mongol')
FR_INSULT_TEMPLATES = (
    't es vraiment un {i}', 'ferme ta gueule {i}', 'sale {i}', '{i} de mid', 'ce {i} de support', 'quel {i} ce jungler',
    'va te faire foutre {i}', 'ta gueule le {i}', 'nique ta mere {i}', 'le {i} qui feed depuis le debut',
)
MILD_TEMPLATES = (
    'gg ez', 'ez', 'ez game', 'ggez', 'gg ez noobs', 'ez mid', 'too ez', 'ez pz', 'ez win', 'get rekt',
    'rekt', 'gg no re', 'lol ez', 'so ez', 'ez katka', 'noob team', 'noobs', 'learn to play', 'l2p',
    'get good', 'stay mad', 'cry more', 'ez clap', 'uninstall', 'trash team lol', 'gg easy',
)


@dataclass
class SyntheticLine:
    kind: str            # threat | self_harm | dox | harmless | mild
    text: str
    toxic: int
    attributes: dict[str, int | None]
    split: str           # train | test
    weight: float


def _object(target: str) -> str:
    return 'you' if target in ('you', 'u', 'ya', 'you noob') else ('them' if target == 'ur whole family' else 'him')


def _subject(target: str) -> str:
    return 'you' if target in ('you', 'u', 'ya', 'you noob') else 'they'


def _fill(template: str, target: str, place: str) -> str:
    return ' '.join(template.format(t=target, o=_object(target), s=_subject(target), p=place).split())


def _expand(templates: tuple[str, ...], per_template: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for i, template in enumerate(templates):
        seen: set[str] = set()
        for j in range(len(TARGETS) * len(PLACES)):
            if len(seen) >= per_template:
                break
            line = _fill(template, TARGETS[(j + i) % len(TARGETS)], PLACES[(j // len(TARGETS) + i) % len(PLACES)])
            if line not in seen:
                seen.add(line)
                out.append((i, line))
    return out


def _attrs(**on: int) -> dict[str, int | None]:
    # Toxic kinds say nothing certain about insult/profanity/sexual/identity (left unknown);
    # harmless kinds are zero everywhere.
    unknown = ('insult', 'profanity', 'identity_hate', 'sexual') if on else ()
    base = {a: (None if a in unknown else 0) for a in ATTRIBUTES}
    base.update(on)
    return base


def _eval_texts() -> set[str]:
    """Normalised texts of the evaluation sets under models/eval: synthetic lines that happen to
    equal one are dropped, so those sets stay unseen."""
    import json
    from pathlib import Path

    from .normalize import normalize_text
    out: set[str] = set()
    for path in sorted((Path(__file__).resolve().parents[1] / 'eval').glob('*.jsonl')):
        for line in path.read_text(encoding='utf-8').splitlines():
            if line.strip():
                out.add(normalize_text(json.loads(line)['text']))
    return out


def synthetic_lines() -> list[SyntheticLine]:
    kinds = (
        ('threat', THREAT_TEMPLATES, 6, 1, _attrs(severe_toxicity=1, threat=1), 2.0),
        ('self_harm', SELF_HARM_TEMPLATES, 4, 1, _attrs(severe_toxicity=1, self_harm=1), 2.0),
        ('dox', DOX_TEMPLATES, 3, 1, _attrs(severe_toxicity=1, threat=1), 2.0),
        ('insult_fr', tuple(t.replace('{i}', w) for t in FR_INSULT_TEMPLATES for w in FR_INSULTS[:]), 1, 1,
         {'severe_toxicity': 0, 'insult': 1, 'profanity': None, 'identity_hate': None, 'threat': 0, 'sexual': None, 'self_harm': 0}, 1.0),
        ('harmless', HARMLESS_TEMPLATES, 1, 0, _attrs(), 3.0),
        ('mild', MILD_TEMPLATES, 1, 0, _attrs(), 1.5),
    )
    from .normalize import normalize_text
    held_out = _eval_texts()
    out: list[SyntheticLine] = []
    for kind, templates, per, toxic, attrs, weight in kinds:
        for i, text in _expand(templates, per):
            if normalize_text(text) in held_out:
                continue
            split = 'test' if i % 4 == 3 else 'train'
            out.append(SyntheticLine(kind, text, toxic, dict(attrs), split, weight))
    seen = {normalize_text(line.text) for line in out}
    for kind, text, i, lang, attribute in compositional():
        key = normalize_text(text)
        if key in held_out or key in seen:
            continue
        seen.add(key)
        split = 'test' if i % 4 == 3 else 'train'
        out.append(SyntheticLine(kind, text, int(kind in TOXIC_COMPOSITIONAL), _compositional_attrs(kind, key, attribute), split, COMPOSITIONAL_WEIGHT[kind, lang]))
    return out


# Per generated line; English has tens of thousands of real labelled lines beside these, French
# has nothing else, so its lines weigh more.
COMPOSITIONAL_WEIGHT = {('harmless_game', 'en'): 0.25, ('lookalike', 'en'): 0.5, ('harmless_game', 'fr'): 1.0,
                        ('lookalike', 'fr'): 1.0, ('insult_fr', 'fr'): 1.0, ('threat_real', 'en+fr'): 1.5,
                        ('harassment_fr', 'fr'): 1.0}
TOXIC_COMPOSITIONAL = ('insult_fr', 'threat_real', 'harassment_fr')


def _compositional_attrs(kind: str, normalized: str, attribute: str | None) -> dict[str, int | None]:
    if kind == 'insult_fr':
        return {'severe_toxicity': 0, 'insult': 1, 'profanity': None, 'identity_hate': None, 'threat': 0, 'sexual': None, 'self_harm': 0}
    if kind == 'threat_real':
        return {'severe_toxicity': 1, 'insult': None, 'profanity': None, 'identity_hate': 0, 'threat': 1, 'sexual': 0, 'self_harm': 0}
    if kind == 'harassment_fr':  # sexual remarks or identity attacks: the generator says which
        identity = int(attribute == 'identity_hate')
        return {'severe_toxicity': None, 'insult': None, 'profanity': None, 'identity_hate': identity, 'threat': None,
                'sexual': 1 - identity, 'self_harm': 0}
    # Game talk swears at the game now and then ("shit, missed the jump"): not toxic, yet its
    # profanity is a property of the words, read as for the public sets (lexicon.weak_categories).
    from .lexicon import weak_categories
    profane = weak_categories(normalized, False)['profanity']
    return {'severe_toxicity': 0, 'insult': 0, 'profanity': profane, 'identity_hate': 0, 'threat': 0, 'sexual': 0, 'self_harm': 0}


def as_records(conda_train: list, seed: int = 7) -> list:
    """The lines as data.Record objects (source 'synthetic', group = kind, attribute `weight`);
    half of the training ones borrow the context of a random CONDA line, so that having context
    is no tell."""
    import random

    from .data import Record
    from .normalize import normalize_text
    rng = random.Random(seed)
    out = []
    for line in synthetic_lines():
        ctx = list(rng.choice(conda_train).context) if line.split == 'train' and conda_train and rng.random() < 0.5 else []
        rec = Record('synthetic', line.split, line.text, line.toxic, dict(line.attributes), ctx, group=line.kind,
                     normalized=normalize_text(line.text))
        rec.weight = line.weight  # type: ignore[attr-defined]
        out.append(rec)
    return out


ALARM_KINDS = ('threat', 'self_harm', 'dox', 'threat_real')
