"""Loads the labelled sources into one record list with per-source splits.

Splits (all deterministic):
- CONDA_train is split by matchId into train / val / test (80/10/10): no match sits on two sides.
  CONDA_test has no labels; its utterances only serve as conversation context and MLM text.
- TweetEval offensive and hate: their train file is split 90/10 into train / val (threshold and
  early-stopping data); their val file is the held-out `test` we report.
- Davidson: 80/10/10 by row.
"""
import csv
import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import weak_categories
from .normalize import normalize_text

CATEGORIES = ('insult', 'profanity', 'identity_hate', 'threat', 'sexual')
CONTEXT_LINES = 8


@dataclass
class ContextLine:
    same_speaker: bool
    text: str


@dataclass
class Record:
    source: str          # conda | offensive | hate | davidson
    split: str           # train | val | test
    text: str
    toxic: int | None    # None where the source says nothing about general toxicity (HatEval)
    categories: dict[str, int | None]
    context: list[ContextLine] = field(default_factory=list)
    group: str = ''      # matchId for CONDA, for audits of the split
    normalized: str = ''


def data_dir() -> Path:
    default = Path(__file__).resolve().parents[2] / '..' / 'shared' / 'data'
    return Path(os.environ.get('SINBIN_DATA_DIR', default)).resolve()


def _bucket(key: str) -> float:
    return int(hashlib.md5(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def _three_way(key: str) -> str:
    b = _bucket(key)
    return 'train' if b < 0.8 else ('val' if b < 0.9 else 'test')


def clean_conda(utterance: str) -> str:
    # Multi-part messages are joined with " [SEPA] " in the data; live chat sends them as one line.
    return ' '.join(utterance.replace('[SEPA]', ' ').split())


def _categories(normalized: str, toxic: int, hate: int | None, identity_known: bool) -> dict[str, int | None]:
    cats: dict[str, int | None] = dict(weak_categories(normalized, bool(toxic)))
    if hate is not None:
        cats['identity_hate'] = hate
    elif not identity_known:
        cats['identity_hate'] = None
    return cats


def _conda_conversations(root: Path) -> dict[str, list[dict]]:
    conv: dict[str, list[dict]] = defaultdict(list)
    for name in ('CONDA_train.csv', 'CONDA_test.csv'):
        with open(root / 'conda' / name, encoding='utf-8', newline='') as f:
            for row in csv.DictReader(f):
                conv[row['conversationId']].append(row)
    for rows in conv.values():
        rows.sort(key=lambda r: (int(r['chatTime'] or 0), int(r['Id'] or 0)))
    return conv


def load_conda(root: Path) -> list[Record]:
    out: list[Record] = []
    for rows in _conda_conversations(root).values():
        for i, row in enumerate(rows):
            intent = row.get('intentClass')
            if not intent:
                continue  # unlabelled CONDA_test line: context only
            text = clean_conda(row['utterance'])
            toxic = int(intent in ('E', 'I'))
            earlier = rows[max(0, i - CONTEXT_LINES):i]
            context = [ContextLine(r['playerSlot'] == row['playerSlot'], clean_conda(r['utterance'])) for r in earlier]
            norm = normalize_text(text)
            out.append(Record('conda', _three_way('match:' + row['matchId']), text, toxic,
                              _categories(norm, toxic, None, identity_known=True), context, row['matchId'], norm))
    return out


def conda_unlabelled_text(root: Path, exclude_matches: set[str]) -> list[str]:
    """CONDA_test utterances for MLM pretraining, minus matches held out for evaluation."""
    texts = []
    with open(root / 'conda' / 'CONDA_test.csv', encoding='utf-8', newline='') as f:
        for row in csv.DictReader(f):
            if row['matchId'] not in exclude_matches:
                texts.append(clean_conda(row['utterance']))
    return texts


def _read_lines(path: Path) -> list[str]:
    with open(path, encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f]


def load_tweeteval(root: Path, task: str) -> list[Record]:
    out: list[Record] = []
    for file_split in ('train', 'val'):
        texts = _read_lines(root / 'tweeteval' / task / f'{file_split}_text.txt')
        labels = _read_lines(root / 'tweeteval' / task / f'{file_split}_labels.txt')
        for i, (text, label) in enumerate(zip(texts, labels)):
            y = int(label)
            split = 'test' if file_split == 'val' else ('val' if _bucket(f'{task}:{i}') >= 0.9 else 'train')
            norm = normalize_text(text)
            if task == 'offensive':
                rec = Record('offensive', split, text, y, _categories(norm, y, None, identity_known=False), normalized=norm)
            else:
                # HatEval "not hate" still holds many insults, so it says nothing about general toxicity.
                cats = {c: None for c in CATEGORIES}
                cats['identity_hate'] = y
                rec = Record('hate', split, text, None, cats, normalized=norm)
            out.append(rec)
    return out


def load_davidson(root: Path) -> list[Record]:
    out: list[Record] = []
    with open(root / 'davidson' / 'labeled_data.csv', encoding='utf-8', newline='') as f:
        for row in csv.DictReader(f):
            cls = int(row['class'])
            toxic = int(cls in (0, 1))
            norm = normalize_text(row['tweet'])
            out.append(Record('davidson', _three_way('davidson:' + row['']), row['tweet'], toxic,
                              _categories(norm, toxic, int(cls == 0), identity_known=True), normalized=norm))
    return out


def load_all(root: Path | None = None) -> list[Record]:
    root = root or data_dir()
    return load_conda(root) + load_tweeteval(root, 'offensive') + load_tweeteval(root, 'hate') + load_davidson(root)
