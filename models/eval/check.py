#!/usr/bin/env python3
"""Validate the hand-written evaluation sets in models/eval/ and print their counts.

    python3 models/eval/check.py            # validate; exit 1 on any error
    python3 models/eval/check.py --counts   # validate, then print the count tables (Markdown) for README.md

Standard library only. Checks: every line is one JSON object with the fields its file needs; ids are
unique across all files and follow <prefix>-NNNN; labels, attributes, harm, lang, severity and policy
take allowed values; label and attributes agree with the labelling policy in README.md; texts are
1-20 words and not repeated (after case folding, accent and punctuation stripping) anywhere in the
sets, except spelling variants of one phrase inside the kinds that exist to test spellings.
"""
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ATTRIBUTES = ['insult', 'profanity', 'identity_attack', 'threat', 'sexual', 'self_harm', 'severe_toxicity']
LABELS = {'toxic', 'ok'}
HARMS = {'threat', 'self_harm', 'doxxing', None}
# Kinds whose point is spelling variants of one phrase ("kys", "KYS", "k.y.s"): normalised repeats allowed.
VARIANT_KINDS = {'kys', 'threat-obfuscated', 'typo', 'abbrev'}

FILES = {
    'french-game-chat.jsonl': {'prefix': 'fr', 'min': 400},
    'threats-selfharm-doxxing.jsonl': {'prefix': 'th', 'min': 300, 'extra': {'harm', 'lang'}},
    'game-slang-harmless.jsonl': {'prefix': 'gs', 'min': 200},
    'mild-taunts.jsonl': {'prefix': 'mt', 'min': 30, 'extra': {'severity', 'policy'}},
    'attributes.jsonl': {'prefix': 'at', 'min': 280},
}
BASE_KEYS = {'id', 'text', 'label', 'attributes', 'kind'}


def norm(text):
    t = unicodedata.normalize('NFKD', text.casefold())
    t = ''.join(c for c in t if not unicodedata.combining(c))
    return ' '.join(re.findall(r'\w+', t))


def words(text):
    return len(text.split())


def load():
    errors, rows = [], {}
    for name, spec in FILES.items():
        path = HERE / name
        if not path.exists():
            errors.append(f'{name}: missing')
            continue
        rows[name] = []
        for n, line in enumerate(path.read_text(encoding='utf8').splitlines(), 1):
            where = f'{name}:{n}'
            try:
                o = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f'{where}: not JSON ({e})')
                continue
            if not isinstance(o, dict):
                errors.append(f'{where}: not an object')
                continue
            keys = set(o)
            need = BASE_KEYS | spec.get('extra', set())
            if need - keys:
                errors.append(f'{where}: missing {sorted(need - keys)}')
                continue
            if keys - need - {'note'}:
                errors.append(f'{where}: unexpected {sorted(keys - need - {"note"})}')
            o['_where'] = where
            o['_file'] = name
            rows[name].append(o)
    return errors, rows


def check(rows):
    errors, ids, seen = [], {}, {}
    for name, items in rows.items():
        spec = FILES[name]
        if len(items) < spec['min']:
            errors.append(f'{name}: {len(items)} lines, want at least {spec["min"]}')
        for o in items:
            w = o['_where']
            if not isinstance(o['id'], str) or not re.fullmatch(spec['prefix'] + r'-\d{4}', o['id']):
                errors.append(f'{w}: id {o["id"]!r} should be {spec["prefix"]}-NNNN')
            if o['id'] in ids:
                errors.append(f'{w}: id {o["id"]} already used at {ids[o["id"]]}')
            ids[o['id']] = w
            text = o['text']
            if not isinstance(text, str) or not text.strip() or text != text.strip():
                errors.append(f'{w}: text empty or padded')
                continue
            if not 1 <= words(text) <= 20:
                errors.append(f'{w}: {words(text)} words (want 1-20)')
            if o['label'] not in LABELS:
                errors.append(f'{w}: label {o["label"]!r}')
            attrs = o['attributes']
            if not isinstance(attrs, list) or len(set(attrs)) != len(attrs) or any(a not in ATTRIBUTES for a in attrs):
                errors.append(f'{w}: attributes {attrs!r}')
                attrs = []
            if not isinstance(o['kind'], str) or not re.fullmatch(r'[a-z][a-z0-9-]{1,30}', o['kind']):
                errors.append(f'{w}: kind {o["kind"]!r}')
            if 'note' in o and (not isinstance(o['note'], str) or not o['note'].strip()):
                errors.append(f'{w}: empty note')
            # Policy (README.md): toxic lines name at least one attribute; ok lines may carry only
            # "profanity" (an undirected swear word); severe_toxicity only on toxic lines.
            if o['label'] == 'toxic' and not attrs:
                errors.append(f'{w}: toxic without attributes')
            if o['label'] == 'ok' and set(attrs) - {'profanity'}:
                errors.append(f'{w}: ok line with {sorted(set(attrs) - {"profanity"})}')
            if o['kind'] == 'mild-taunt' and o['label'] != 'ok':
                errors.append(f'{w}: mild-taunt must be labelled ok (policy: at most warn)')
            if name == 'threats-selfharm-doxxing.jsonl':
                if o['harm'] not in HARMS:
                    errors.append(f'{w}: harm {o["harm"]!r}')
                if (o['harm'] is None) != (o['label'] == 'ok'):
                    errors.append(f'{w}: harm must be null exactly when the label is ok')
                if o['lang'] not in ('en', 'fr'):
                    errors.append(f'{w}: lang {o["lang"]!r}')
            if name == 'game-slang-harmless.jsonl' and (o['label'] != 'ok' or attrs):
                errors.append(f'{w}: game-slang lines are ok with no attributes')
            if name == 'mild-taunts.jsonl':
                if o['severity'] != 'mild' or o['policy'] != 'warn-at-most' or o['label'] != 'ok' or o['kind'] != 'mild-taunt':
                    errors.append(f'{w}: mild taunts need severity "mild", policy "warn-at-most", label ok, kind mild-taunt')
            key = norm(text)
            if not key:
                key = text
            if key in seen:
                other = seen[key]
                variant = o['kind'] in VARIANT_KINDS and other['kind'] in VARIANT_KINDS and text != other['text']
                if not variant:
                    errors.append(f'{w}: repeats {other["_where"]} ({other["text"]!r})')
            else:
                seen[key] = o
    th = rows.get('threats-selfharm-doxxing.jsonl', [])
    harmful = sum(o['label'] == 'toxic' for o in th)
    if th and (harmful < 150 or len(th) - harmful < harmful):
        errors.append(f'threats-selfharm-doxxing.jsonl: {harmful} harmful, {len(th) - harmful} look-alikes (want >= 150 and look-alikes >= harmful)')
    at = Counter(a for o in rows.get('attributes.jsonl', []) for a in o['attributes'])
    for a in ATTRIBUTES:
        if rows.get('attributes.jsonl') and at[a] < 30:
            errors.append(f'attributes.jsonl: {a} has {at[a]} positives (want >= 30)')
    return errors


def near_duplicates(rows, limit=0.9):
    """Pairs whose word sets overlap by at least `limit` (Jaccard), outside the spelling-variant kinds."""
    items = [o for r in rows.values() for o in r if o['kind'] not in VARIANT_KINDS]
    bags = [(o, set(norm(o['text']).split())) for o in items]
    bags = [(o, b) for o, b in bags if len(b) >= 3]
    out = []
    for i, (a, wa) in enumerate(bags):
        for b, wb in bags[i + 1:]:
            if len(wa & wb) / len(wa | wb) >= limit:
                out.append(f'{a["id"]} {a["text"]!r} ~ {b["id"]} {b["text"]!r}')
    return out


def table(head, rows_):
    out = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    out += ['| ' + ' | '.join(str(c) for c in r) + ' |' for r in rows_]
    return '\n'.join(out)


def counts(rows):
    parts = []
    total = [(n, len(r), sum(o['label'] == 'toxic' for o in r), sum(o['label'] == 'ok' for o in r)) for n, r in rows.items()]
    parts.append('### Lines per file\n\n' + table(['file', 'lines', 'toxic', 'ok'], total))
    for name, items in rows.items():
        kinds = Counter((o['kind'], o['label']) for o in items)
        by_kind = sorted({k for k, _ in kinds})
        body = [(k, kinds[(k, 'toxic')], kinds[(k, 'ok')]) for k in by_kind]
        parts.append(f'### {name}: kinds\n\n' + table(['kind', 'toxic', 'ok'], body))
        attrs = Counter((a, o['label']) for o in items for a in o['attributes'])
        if attrs:
            body = [(a, attrs[(a, 'toxic')], attrs[(a, 'ok')]) for a in ATTRIBUTES if attrs[(a, 'toxic')] or attrs[(a, 'ok')]]
            parts.append(f'### {name}: attributes (lines carrying each)\n\n' + table(['attribute', 'on toxic lines', 'on ok lines'], body))
        if name == 'threats-selfharm-doxxing.jsonl':
            harm = Counter((o['harm'] or 'null (look-alike)', o['lang']) for o in items)
            keys = sorted({h for h, _ in harm})
            parts.append(f'### {name}: harm by language\n\n' + table(['harm', 'en', 'fr'], [(h, harm[(h, 'en')], harm[(h, 'fr')]) for h in keys]))
        lengths = Counter('1-2' if words(o['text']) <= 2 else '3-5' if words(o['text']) <= 5 else '6+' for o in items)
        parts.append(f'{name}: words per line: 1-2: {lengths["1-2"]}, 3-5: {lengths["3-5"]}, 6+: {lengths["6+"]}')
    return '\n\n'.join(parts)


def main():
    errors, rows = load()
    errors += check(rows)
    for e in errors:
        print('ERROR', e)
    if not errors:
        for w in near_duplicates(rows):
            print('WARNING near-duplicate:', w)
    n = sum(len(r) for r in rows.values())
    print(f'{n} lines in {len(rows)} files, {len(errors)} errors', file=sys.stderr)
    if '--counts' in sys.argv[1:] and not errors:
        print(counts(rows))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
