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
)
SELF_HARM_TEMPLATES = (
    'kys', 'kys {t}', 'k y s', 'k.y.s', 'kys kys kys', 'kill yourself', 'kill urself {t}', 'go kill yourself',
    'just kill yourself already', 'do everyone a favor and kys', 'kys irl', 'pls kys', 'go hang yourself',
    'neck yourself', 'jump off a bridge', 'nobody would miss {o} if {s} died', 'end your life',
    'go die', 'uninstall life', 'you should kill yourself', 'kill ur self', 'kms no kys', 'k ys {t}',
    'drink bleach', 'cut yourself {t}', 'the world is better without {o} kys', 'kys loser', 'kys noob',
)
DOX_TEMPLATES = (
    'i know where you live', 'i know where {t} lives', 'i know your address', 'whats your real name',
    'tell me your address', 'i found your address {t}', 'i have your ip', 'i know your real name and school',
    'what city do you live in exactly', 'give me your home address', 'i will post your address',
    'i know which school {t} goes to', 'send me your phone number or else', 'i found your facebook',
    'your ip is 192 168 lol', 'i will leak your address', 'i know where your mom works',
    'what street do u live on', 'i traced your ip', 'ill dox {t}', 'doxxing {t} tonight',
    'tell me ur real name', 'i see your house on maps', 'i know your parents names',
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
)
MILD_TEMPLATES = (
    'gg ez', 'ez', 'ez game', 'ggez', 'gg ez noobs', 'ez mid', 'too ez', 'ez pz', 'ez win', 'get rekt',
    'rekt', 'gg no re', 'lol ez', 'so ez', 'ez katka',
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


def synthetic_lines() -> list[SyntheticLine]:
    kinds = (
        ('threat', THREAT_TEMPLATES, 6, 1, _attrs(severe_toxicity=1, threat=1), 2.0),
        ('self_harm', SELF_HARM_TEMPLATES, 4, 1, _attrs(severe_toxicity=1, self_harm=1), 2.0),
        ('dox', DOX_TEMPLATES, 3, 1, _attrs(severe_toxicity=1, threat=1), 2.0),
        ('harmless', HARMLESS_TEMPLATES, 1, 0, _attrs(), 2.0),
        ('mild', MILD_TEMPLATES, 1, 0, _attrs(), 0.5),
    )
    out: list[SyntheticLine] = []
    for kind, templates, per, toxic, attrs, weight in kinds:
        for i, text in _expand(templates, per):
            split = 'test' if i % 4 == 3 else 'train'
            out.append(SyntheticLine(kind, text, toxic, dict(attrs), split, weight))
    return out
