"""Writes tests/fixtures/normalize-parity.json: varied chat strings (plain, obfuscated, Unicode
edge cases) with the normalised text and hashed feature ids the Python trainer produces. The TS
test asserts normalize.ts and fast-features.ts give the same."""
import json
from pathlib import Path

from .features import HashingConfig, feature_ids
from .normalize import normalize_text

CASES = [
    'gg wp', 'GG EZ', 'ez mid noob', 'n00b team', 'you are trash', 'ur so b4d lol',
    'f u c k you', 'f.u.c.k off', 'sh_it happens', 'f*ck this game', 'fuuuuuuck', 'noooooob',
    'stuuuupid   idiot', 'k y s', 'kys noob', 'st@pid b!tch', '$hit pl4yer', 'id10t', 'l0ser!!!',
    '!!!', '???', '...', '', '   ', 'a b', 'a b c', 'i am a b c d', 'x y z noob',
    'ЅНIТ', 'іdіоt', 'ѕtuріd', 'сука блять', 'μαλάκα', 'Café', 'naïve noob', 'Straße',
    'ｆｕｃｋ', 'ＧＧ ＥＺ', '𝐟𝐮𝐜𝐤 𝐲𝐨𝐮', 'ﬁne', 'Ⅻ', '１２３', 'noob😂😂', '👍', 'report mid 💩',
    'tab\tseparated\nlines', 'non\u00a0breaking\u2003space', 'zero\u200bwidth', 'I\u0307stanbul', 'ΣΟΦΟΣ',
    '"quoted" (brackets)', "don't feed pls", 'what?!', '1v1 me', '322 ggwp', 'gl hf <3', ':) :( xD',
    'REPORT PUDGE 4 FEED', 'wtf is this pick', 'nice 5 stack', 'ok', 'ty',
    'omg ur sooooo baaaaad', 'go die in a fire', 'uninstall the game',
]


def main() -> None:
    cfg = HashingConfig()
    cases = [{'input': s, 'normalized': (n := normalize_text(s)), 'featureIds': feature_ids(n, cfg)} for s in CASES]
    out = Path(__file__).resolve().parents[2] / 'tests' / 'fixtures' / 'normalize-parity.json'
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {'generatedBy': 'models/sinbin_models/parity_fixture.py', 'hashing': cfg.to_json(), 'cases': cases}
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + '\n')
    print(f'wrote {len(cases)} cases to {out}')


if __name__ == '__main__':
    main()
