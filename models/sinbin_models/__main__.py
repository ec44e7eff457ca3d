"""Entry point: `python -m sinbin_models COMMAND [ARGS...]`.

Library modules (normalize, features, lexicon, data, metrics, deep_input, ...) hold the logic and
import nothing heavy at module level; each command below is a module whose `main()` parses its own
arguments. `python -m sinbin_models.<module>` runs the same thing.
"""
import importlib
import sys

COMMANDS = {
    'fixtures': ('parity_fixture', 'write tests/fixtures/normalize-parity.json (normalisation + hashed features)'),
    'train-fast': ('train_fast', 'train the fast hashed n-gram model, export models/fast'),
    'train-deep': ('train_deep', 'fine-tune the pretrained encoder (MiniLM) with conversation context'),
    'refit-heads': ('refit_heads', 'refit the output heads of a deep member on all sources (encoder kept)'),
    'quantize-deep': ('ensemble_deep', 'join deep members into one graph and quantize it to int8'),
    'seven-bit-weights': ('seven_bit', 'requantize exported int8 graphs to 7-bit weights (same scores on CPUs without VNNI)'),
    'deep-fixture': ('deep_parity_fixture', 'write tests/fixtures/deep-input-parity.json'),
    'evaluate': ('eval_cascade', 'cascade selection and evaluation (fast -> deep), writes cascade-report'),
    'train-multilingual': ('train_multilingual', 'multilingual-e5-small (frozen, mean pooled) + logistic heads, export'),
    'evaluate-length-band': ('eval_length_band', 'experiment: a wider band for long messages vs one band (writes models/work only)'),
    'evaluate-choice-split': ('eval_choice_split', 'experiment: cascade choices made on half of TweetEval\'s val file, reported on the other half (writes models/work only)'),
    'evaluate-multilingual': ('eval_multilingual', 'French + English evaluation of models/multilingual, review cut'),
    'speed': ('speed', 'single-thread onnxruntime speed of exported deep models (TS serving proxy)'),
    'teacher-report': ('jigsaw_teacher', 'measure the weak teacher toxic-comment-classifier beside the deep heads (models/eval/teacher-report.json)'),
    'peers': ('peers', 'score alt-profanity-check on the same splits (run via models/peers.sh, own venv)'),
    'report': ('report_md', 'render eval-report.md files from the JSON reports'),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ['usage: python -m sinbin_models COMMAND [ARGS...]', '', 'commands:']
    lines += [f'  {name.ljust(width)}  {help_}' for name, (_, help_) in COMMANDS.items()]
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ('-h', '--help', 'help'):
        print(usage())
        return
    name = argv[0]
    if name not in COMMANDS:
        print(f'unknown command {name!r}\n\n{usage()}', file=sys.stderr)
        raise SystemExit(2)
    module = importlib.import_module(f'sinbin_models.{COMMANDS[name][0]}')
    sys.argv = [f'sinbin_models {name}'] + argv[1:]
    module.main()


if __name__ == '__main__':
    main()
