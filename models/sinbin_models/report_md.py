"""Renders the JSON evaluation reports as short markdown tables next to them
(models/fast/eval-report.md, models/deep/eval-report.md, models/deep/cascade-report.md)."""
import json
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1]
# Held-out test = CONDA's own test split by matchId, the TweetEval val files, Davidson's own 10%;
# validation = CONDA's own val split by matchId, 10% of the TweetEval train files, Davidson's own 10%.
SOURCE_NAMES = {'conda': 'CONDA (split by matchId)', 'offensive': 'TweetEval offensive',
                'davidson': 'Davidson', 'hate': 'TweetEval hate'}
SPLITS_NOTE = ('Held-out test = CONDA_train matches in our own test split (by matchId), the TweetEval val file, '
               "Davidson's own 10%. Validation = our CONDA val split, 10% of the TweetEval train file, Davidson's own 10%.")


def _row(cells) -> str:
    return '| ' + ' | '.join(str(c) for c in cells) + ' |'


def _binary_table(by_source: dict) -> list[str]:
    lines = [_row(['source', 'n', 'toxic', 'precision', 'recall', 'F1 toxic', 'macro-F1', 'ROC AUC']), _row(['---'] * 8)]
    for src, m in by_source.items():
        lines.append(_row([SOURCE_NAMES.get(src, src), m['n'], m['positives'], m['precision'], m['recall'], m['f1_toxic'],
                           m['macro_f1'], m.get('roc_auc', '')]))
    return lines


def _category_table(cats: dict) -> list[str]:
    lines = [_row(['source', 'category', 'positives', 'precision', 'recall', 'F1']), _row(['---'] * 6)]
    for src, by_cat in cats.items():
        for cat, m in by_cat.items():
            lines.append(_row([src, cat, m['positives'], m['precision'], m['recall'], m['f1_toxic']]))
    return lines


def fast_md(r: dict) -> str:
    t = r['thresholds']
    targets = t.get('routingFromTargets')
    routing_note = (f" (toxicFrom moved up from {targets['toxicFrom']}, the CONDA routing targets' value, by "
                    'models/sinbin_models/eval_cascade.py on validation data)' if targets and targets != {k: t[k] for k in ('okBelow', 'toxicFrom')} else '')
    out = [f"# Fast classifier evaluation ({r['model']})", '',
           f"Decision threshold {t['decision']}; routing okBelow {t['okBelow']}, toxicFrom {t['toxicFrom']}{routing_note}. "
           'Generated from eval-report.json by models/sinbin_models/report_md.py.', '', SPLITS_NOTE, '',
           '## Held-out test, at the decision threshold', *_binary_table({s: v['at_decision'] for s, v in r['test'].items()}), '',
           '## Held-out test, obfuscated copy (leetspeak, spacing, stretching, look-alikes, separators)',
           *_binary_table({s: v['at_decision'] for s, v in r['test_obfuscated'].items()}), '',
           '## Routing on held-out test', _row(['source', 'toxic route', 'ok route', 'needs analysis', 'precision of toxic route',
                                                'toxic missed by ok route']), _row(['---'] * 6)]
    for src, v in r['test'].items():
        g = v['routing']
        out.append(_row([SOURCE_NAMES.get(src, src), g['share_toxic_route'], g['share_ok_route'], g['share_needs_analysis'],
                         g['precision_toxic_route'], g['toxic_missed_by_ok_route']]))
    out += ['', '## Categories on held-out test (weak labels, see MODEL_CARD.md)', *_category_table(r['categories_test'])]
    if 'alarm' in r:
        a = r['alarm']
        out += ['', f"## Alarm (threats, self-harm encouragement, doxxing): cut {a['cut']}, floor {a['floor']}",
                f"Where the alarm output is >= {a['cut']} the exported toxicity is at least {a['floor']} (inside the needs-analysis band), "
                f"so such lines never take the ok route. It fires on {a['false_alarm_conda_val_clean']:.2%} of clean CONDA validation lines."]
    if r.get('eval_sets'):
        out += ['', '## Hand-written evaluation sets (models/eval, never trained on): fast routing',
                _row(['set', 'lines', 'harmful in ok route', 'harmless in toxic route', 'toxic-F1 at decision (mild taunts excluded)']),
                _row(['---'] * 5)]
        for name, v in r['eval_sets'].items():
            g = v['routing']
            out.append(_row([name, g['n'], f"{g['harmful_in_ok_route']} of {g['harmful_n']}", f"{g['harmless_in_toxic_route']} of {g['harmless_n']}",
                             v['at_decision'].get('f1_toxic', '-')]))
        out += ['', '### Routes by kind', _row(['set', 'kind', 'label', 'n', 'ok', 'needs analysis', 'toxic']), _row(['---'] * 7)]
        for name, v in r['eval_sets'].items():
            for kind, k in v['routing']['by_kind'].items():
                out.append(_row([name, kind, k['label'], k['n'], k['share_ok'], k['share_needs-analysis'], k['share_toxic']]))
    if r.get('probes'):
        out += ['', '## Probe lines (toxicity as exported)', _row(['line', 'toxicity']), _row(['---'] * 2)]
        out += [_row([t, p]) for t, p in r['probes'].items()]
    return '\n'.join(out) + '\n'


def deep_md(r: dict) -> str:
    out = [f"# Deep analyzer evaluation ({r['model']})", '',
           f"{r['parameters']:,} parameters; decision threshold {r['decisionThreshold']}"
           + (f"; mean of {r['ensemble']['members']} transformers' logits (seeds differ), joined in one ONNX graph"
              if 'ensemble' in r else '') + '. Generated from eval-report.json.', '',
           SPLITS_NOTE, '',
           '## Held-out test, deep model alone (with conversation context for CONDA)', *_binary_table(r['test']), '',
           '## Categories on held-out test (weak labels)', *_category_table(r['categories_test'])]
    return '\n'.join(out) + '\n'


def cascade_md(r: dict) -> str:
    head = [_row(['source', 'F1 toxic', 'macro-F1', 'precision', 'recall', 'decided by fast', 'sent to deep', 'sent to review',
                  'band n', 'band acc. fast', 'band acc. deep', 'band F1 fast', 'band F1 deep', 'band AUC fast',
                  'band AUC deep']), _row(['---'] * 15)]

    def table(by_source):
        rows = list(head)
        for src, m in by_source.items():
            b = m['band']
            rows.append(_row([SOURCE_NAMES.get(src, src), m['f1_toxic'], m['macro_f1'], m['precision'], m['recall'],
                              m['share_fast_decided'], m['share_deep_analysed'], m['share_review'], b['n'], b['fast_accuracy'],
                              b['deep_accuracy'], b['fast_f1_toxic'], b['deep_f1_toxic'], b['fast_roc_auc'], b['deep_roc_auc']]))
        return rows

    def band_table(by_source):
        rows = [_row(['source', 'band n (toxic)', 'accuracy fast', 'accuracy transformer', 'accuracy stacked',
                      'AUC fast', 'AUC transformer', 'AUC stacked']), _row(['---'] * 8)]
        for src, b in by_source.items():
            rows.append(_row([SOURCE_NAMES.get(src, src), f"{b['n']} ({b['positives']})", b['fast']['accuracy'],
                              b['transformer']['accuracy'], b['stacked']['accuracy'], b['fast']['roc_auc'],
                              b['transformer']['roc_auc'], b['stacked']['roc_auc']]))
        return rows

    sel = [_row(['toxicFrom', 'deep stage', 'CONDA to deep', 'allowed', 'cut', 'objective', 'CONDA F1', 'TweetEval macro-F1',
                 'CONDA band acc. gain', 'TweetEval band acc. gain', 'CONDA band AUC', 'TweetEval band AUC']), _row(['---'] * 12)]
    for x in r.get('selection', []):
        sel.append(_row([x['toxicFrom'], x['form'], x['conda_deep_share'], 'yes' if x['allowed'] else 'no', x['cut'],
                         x['objective'], x['conda_f1'], x['offensive_macro_f1'], x.get('conda_band_gain', ''),
                         x.get('offensive_band_gain', ''), x['conda_band_auc'], x['offensive_band_auc']]))
    forms = r.get('forms', {})
    out = ['# Cascade evaluation (fast routing, deep stage on the needs-analysis band)', '',
           f"Routing {r['thresholds']} (fast model's own targets gave {r.get('thresholdsFromTrainFast')}); "
           f"deep stage: **{r.get('deepForm', 'transformer')}** "
           f"(toxicity = sigmoid({r['stacking']['deepLogitWeight']} x transformer logit + {r['stacking']['fastLogitWeight']} x "
           f"fast logit + {r['stacking']['bias']}), decision {r['deepDecision']}; review below deep confidence "
           f"{r['reviewBelowConfidence']} (chosen on validation for at most {r['reviewBudget']:.0%} review per source). "
           'Review lines are scored with the deep verdict. "band" = messages the fast model sends to analysis. '
           'Everything was chosen on validation data; the test tables were not used for any choice.', '', SPLITS_NOTE, '',
           '## Held-out test', *table(r['test']), '',
           *(['## Held-out test, obfuscated copy', *table(r['test_obfuscated']), ''] if r.get('test_obfuscated') else []),
           '## Validation (in-sample: the deep stage, its cut and the review cut were fitted here)', *table(r['validation']), '',
           '## On the band: fast model vs the transformer alone vs the stacked stage',
           'Each at its own cut (0.5 on its own scale: the fast model\'s decision cut and both fitted stages fold theirs in). '
           f"transformer = {forms.get('transformer')}; stacked = {forms.get('stacked')}.", '',
           '### Held-out test', *band_table(r['band_comparison']['test']), '',
           '### Validation (in-sample for both stages)', *band_table(r['band_comparison']['validation']), '',
           f"## Selection on validation (5-fold out-of-fold stage scores; objective = mean of CONDA F1 and TweetEval macro-F1; "
           f"allowed: at most {r.get('maxDeepShare', 0):.0%} of CONDA to deep"
           + (f" and band accuracy at least {r['minBandGain']} above the fast model's on both validation bands"
              if 'minBandGain' in r else '') + ')', *sel, '',
           f"## Transformer alone on held-out test, every message (its standalone cut {r['deepStandaloneDecision']} on its raw probability)",
           *_binary_table(r['deep_alone_test']), '',
           *(['## Transformer alone on CONDA test with the conversation context removed (ablation)',
              *_binary_table(r['deep_alone_test_without_context'])] if r.get('deep_alone_test_without_context') else [])]
    if r.get('eval_sets'):
        out += ['', '## Cascade on the hand-written evaluation sets (models/eval, never trained on)',
                _row(['set', 'toxic-F1 (mild excluded)', 'harmful allowed', 'harmless blocked', 'review share', 'mild taunts blocked']),
                _row(['---'] * 6)]
        for name, v in r['eval_sets'].items():
            c = v.get('cascade_without_mild_taunts') or {}
            out.append(_row([name, c.get('f1_toxic', '-'), f"{v['harmful_allowed']} of {v['harmful_n']}",
                             f"{v['harmless_blocked']} of {v['harmless_n']}", v['share_review'],
                             (v.get('mild_taunts') or {}).get('blocked', '-')]))
        att = (r['eval_sets'].get('attributes') or {}).get('deep_attributes')
        if att:
            out += ['', '## Attribute heads on attributes.jsonl (cut 0.5)', _row(['attribute', 'positives', 'precision', 'recall', 'F1', 'ROC AUC']),
                    _row(['---'] * 6)]
            for a, m in att.items():
                out.append(_row([a, '-', '-', '-', m, '-']) if isinstance(m, str) else
                           _row([a, m['positives'], m['precision'], m['recall'], m['f1_toxic'], m['roc_auc']]))
    return '\n'.join(out) + '\n'


def multilingual_md(r: dict) -> str:
    out = [f"# Multilingual model evaluation ({r['model']})", '',
           f"Decision threshold {r['decisionThreshold']}; review below confidence {r['reviewBelowConfidence']} "
           '(chosen on English validation). Generated from multilingual-report.json.', '', SPLITS_NOTE, '',
           '## English held-out test (model alone)', *_binary_table(r['test']), '',
           '## Hand-written sets (models/eval), model alone, no context',
           _row(['set', 'n', 'toxic-F1', 'macro-F1', 'precision', 'recall', 'review share', 'F1 decided lines only',
                 'F1 if review is resolved correctly']), _row(['---'] * 9)]
    for name, v in r['eval_sets'].items():
        m = v['standalone']
        d = v.get('decided_only') or {}
        out.append(_row([name, m.get('n'), m.get('f1_toxic', '-'), m.get('macro_f1', '-'), m.get('precision', '-'), m.get('recall', '-'),
                         v['share_review'], d.get('f1_toxic', '-'), v['review_counted_correct_f1']]))
    att = (r['eval_sets'].get('attributes') or {}).get('attributes')
    if att:
        out += ['', '## Attribute heads on attributes.jsonl (cut 0.5)', _row(['attribute', 'positives', 'precision', 'recall', 'F1']),
                _row(['---'] * 5)]
        for a, m in att.items():
            out.append(_row([a, '-', '-', '-', m]) if isinstance(m, str) else _row([a, m['positives'], m['precision'], m['recall'], m['f1_toxic']]))
    return '\n'.join(out) + '\n'


def main() -> None:
    fast = MODELS_DIR / 'fast' / 'eval-report.json'
    if fast.exists():
        (MODELS_DIR / 'fast' / 'eval-report.md').write_text(fast_md(json.loads(fast.read_text())))
    deep = MODELS_DIR / 'deep' / 'eval-report.json'
    if deep.exists():
        (MODELS_DIR / 'deep' / 'eval-report.md').write_text(deep_md(json.loads(deep.read_text())))
    multi = MODELS_DIR / 'multilingual' / 'multilingual-report.json'
    if multi.exists():
        (MODELS_DIR / 'multilingual' / 'eval-report.md').write_text(multilingual_md(json.loads(multi.read_text())))
    cascade = MODELS_DIR / 'deep' / 'cascade-report.json'
    if cascade.exists():
        (MODELS_DIR / 'deep' / 'cascade-report.md').write_text(cascade_md(json.loads(cascade.read_text())))


if __name__ == '__main__':
    main()
