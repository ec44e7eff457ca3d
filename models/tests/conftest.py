import sys
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[1]
REPO = MODELS.parent
sys.path.insert(0, str(MODELS))

# Modules these tests must never pull in: the suite runs in a venv with numpy + pytest only.
HEAVY = ('torch', 'transformers', 'onnxruntime', 'onnx', 'sklearn', 'scipy', 'tokenizers')


@pytest.fixture(scope='session')
def data_root():
    from sinbin_models.data import data_dir
    root = data_dir()
    if not (root / 'conda' / 'CONDA_train.csv').is_file():
        pytest.skip(f'no data sets in {root} (run make data)')
    return root


@pytest.fixture(scope='session')
def fixtures_dir():
    return REPO / 'tests' / 'fixtures'
