"""Writes tests/fixtures/deep-input-parity.json: messages with conversation context and the token
sequences (ids, token types; one per window of a long message) the evaluation builds for them with
the exported tokenizer. The TS test checks transformer-deep.ts builds the same from the same files."""
import argparse
import json
from pathlib import Path

from tokenizers import Tokenizer

from .deep_input import DeepInputConfig, SpecialIds, build_windows
from .deep_text import TEXT_FORMS, text_form_of

CASES = [
    {'text': 'gg wp', 'playerId': 'p1'},
    {'text': 'you are trash', 'playerId': 'p2', 'context': [{'playerId': 'p1', 'text': 'why no wards'}]},
    {'text': 'report him', 'playerId': 'p3', 'context': [
        {'playerId': 'p1', 'text': 'mid is feeding'}, {'playerId': 'p3', 'text': 'pls stop'},
        {'playerId': 'p1', 'text': 'shut up noob'}]},
    {'text': 'ЅТUРІD n00b!!!', 'context': [{'text': 'f u c k this'}]},
    {'text': 'ok', 'playerId': 'a', 'context': [{'playerId': 'a', 'text': 'line %d with several words to fill the budget quickly' % i} for i in range(10)]},
    {'text': ' '.join(['word'] * 80), 'playerId': 'x', 'context': [{'playerId': 'y', 'text': 'short'}]},
    {'text': '', 'playerId': 'x', 'context': [{'playerId': 'y', 'text': '???'}]},
    {'text': "t'es vraiment nul, va te faire voir", 'playerId': 'f', 'context': [{'playerId': 'g', 'text': 'on a perdu le mid'}]},
    {'text': 'Ça va? Très bien 😂 ÉNORME', 'playerId': 'f'},
    {'text': 'uninstall pls', 'playerId': 'q', 'context': [{'text': 'no player id here'}, {'playerId': 'q', 'text': 'my own line'}]},
    # What the light form keeps or removes: mentions, runs, invisible characters, scripts, emoji.
    {'text': '@user @user @USER @user_2 you\'re an IDIOT!!!!!! 😂😂😂😂 http://t.co/x', 'playerId': 'm'},
    {'text': '@user @username @user', 'playerId': 'm'},
    {'text': 'k\u200by\u200bs\u00ad now\u2028\u2028ok\t\t', 'playerId': 'z'},
    {'text': '  ｆｕｌｌ　ｗｉｄｔｈ ﬁne №1 ²  ', 'playerId': 'z'},
    {'text': 'مرحبا يا noob שלום 你好世界 こんにちは', 'playerId': 'z'},
    {'text': 'f*ck u $#!t h34d 🖕🏻 ❤️ 🇫🇷', 'playerId': 'z', 'context': [{'playerId': 'y', 'text': 'gg ez 😎😎😎😎😎'}]},
    {'text': 'naïve café résumé ÀÉÎÕÜ', 'playerId': 'z'},
    # Long messages: read in windows when the model's config sets windowStride.
    {'text': ('we pushed top after the second roshan and held the high ground for a while, the carry had '
              'farmed well and our support kept placing wards around their jungle, but then the enemy '
              'offlaner came back with blink and split us up before the fight even started. '
              'honestly you should kys'), 'playerId': 'l', 'context': [{'playerId': 'k', 'text': 'that was close'}]},
    {'text': ' '.join(f'w{i}' for i in range(400)), 'playerId': 'l'},
]


def main() -> None:
    ap = argparse.ArgumentParser()
    root = Path(__file__).resolve().parents[2]
    ap.add_argument('--model', default=str(root / 'models' / 'deep'))
    ap.add_argument('--out', default=str(root / 'tests' / 'fixtures' / 'deep-input-parity.json'))
    args = ap.parse_args()
    tok = Tokenizer.from_file(str(Path(args.model) / 'tokenizer.json'))
    config = json.loads((Path(args.model) / 'config.json').read_text())
    cfg_json = config['sinbin']['input']
    cfg = DeepInputConfig.from_json(cfg_json)
    sp = SpecialIds(*(tok.token_to_id(t) for t in ('[PAD]', '[CLS]', '[SEP]', '[SELF]', '[OTHER]')))

    form = text_form_of(config)
    prepare = TEXT_FORMS[form]

    def enc(text: str) -> list[int]:
        norm = prepare(text)
        return tok.encode(norm, add_special_tokens=False).ids if norm else []

    cases = []
    for case in CASES:
        me = case.get('playerId')
        context = [(me is not None and line.get('playerId') == me, enc(line['text'])) for line in case.get('context', [])]
        sequences = [{'ids': ids, 'types': types} for ids, types in build_windows(enc(case['text']), context, sp, cfg)]
        cases.append({'input': case, 'prepared': prepare(case['text']), 'sequences': sequences})
    # Every text form's output through this tokenizer, whichever form the model reads: a model
    # trained with another form (train-deep --text-form) must tokenise the same in TS.
    def tokenized_row(text: str, prepared: str) -> dict:
        return {'text': text, 'prepared': prepared, 'ids': tok.encode(prepared, add_special_tokens=False).ids if prepared else []}

    tokenized = {name: [tokenized_row(c['text'], f(c['text'])) for c in CASES] for name, f in TEXT_FORMS.items()}
    out = Path(args.out)
    out.write_text(json.dumps({'generatedBy': 'models/sinbin_models/deep_parity_fixture.py', 'model': Path(args.model).name,
                               'textNormalization': form, 'cases': cases,
                               'textForms': tokenized}, ensure_ascii=False) + '\n')
    print(f'wrote {len(cases)} cases to {out}')


if __name__ == '__main__':
    main()
