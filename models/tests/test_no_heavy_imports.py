import importlib
import subprocess
import sys

from conftest import HEAVY, MODELS

PURE = ['normalize', 'features', 'lexicon', 'metrics', 'routing', 'length_band', 'data', 'deep_input', 'obfuscate', 'synthetic',
        'parity_fixture', 'splits', 'source_mix']


def test_pure_modules_import_nothing_heavy():
    code = ('import sys; sys.path.insert(0, %r)\n' % str(MODELS)) + ''.join(
        f'import sinbin_models.{m}\n' for m in PURE if importlib.util.find_spec(f'sinbin_models.{m}')) + (
        'bad = [m for m in %r if m in sys.modules]\nprint(",".join(bad))' % (HEAVY,))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == '', f'pure modules pulled in heavy dependencies: {out}'


def test_command_table_names_existing_modules():
    from sinbin_models.__main__ import COMMANDS
    for name, (module, _) in COMMANDS.items():
        assert (MODELS / 'sinbin_models' / f'{module}.py').is_file(), name
