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
           '## Held-out test', *table(r['test']), '', '## Held-out test, obfuscated copy', *table(r['test_obfuscated']), '',
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
           '## Transformer alone on CONDA test with the conversation context removed (ablation)',
           *_binary_table(r['deep_alone_test_without_context'])]
    return '\n'.join(out) + '\n'


def main() -> None:
    fast = MODELS_DIR / 'fast' / 'eval-report.json'
    if fast.exists():
        (MODELS_DIR / 'fast' / 'eval-report.md').write_text(fast_md(json.loads(fast.read_text())))
    deep = MODELS_DIR / 'deep' / 'eval-report.json'
    if deep.exists():
        (MODELS_DIR / 'deep' / 'eval-report.md').write_text(deep_md(json.loads(deep.read_text())))
    cascade = MODELS_DIR / 'deep' / 'cascade-report.json'
    if cascade.exists():
        (MODELS_DIR / 'deep' / 'cascade-report.md').write_text(cascade_md(json.loads(cascade.read_text())))


if __name__ == '__main__':
    main()
