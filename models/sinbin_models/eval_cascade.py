"""Evaluates the exported models as the pipeline runs them: fast routing, then the deep stage on
the needs-analysis band, with low-confidence deep verdicts going to human review.

Chooses on validation data only:
- the deep stage's form: the transformer's score alone (calibrated) or stacked with the fast
  model's logit (sinbin_models/stacking.py), each fitted by logistic regression on the validation band
  (all sources pooled, Davidson down-weighted) and compared by 5-fold out-of-fold cascade metrics;
- its decision cut (folded into the stack's bias, so the stage's cut is 0.5);
- the start of the fast model's toxic route (toxicFrom, never below the value train_fast picked
  for the CONDA precision target) and the end of its ok route (okBelow, never above train_fast's),
  subject to sending at most MAX_DEEP_SHARE of CONDA messages to the deep stage and to the stage
  beating the fast model's band accuracy by MIN_BAND_GAIN on the CONDA and TweetEval validation
  bands (out of fold);
- the review cut (minimum deep confidence) so that at most REVIEW_TARGET of all messages of every
  source go to review (under the issue's REVIEW_BUDGET: a margin for held-out data).
Writes them to models/deep/config.json and models/fast/fast-model.json (defaultThresholds), the
final routing figures into models/fast/eval-report.json, models/deep/cascade-report.json and
tests/fixtures/stacking-parity.json. Metrics are per source; review lines count with the deep
stage's own verdict (a pessimistic reading: a human would usually fix them).
"""
import json
from pathlib import Path


import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from .data import load_all
from .deep_input import DeepInputConfig, SpecialIds, build_windows, max_by_owner
from .fast_model import padded_ids
from .features import HashingConfig
from .metrics import binary_report, roc_auc
from .deep_text import TEXT_FORMS, text_form_of
from .normalize import normalize_text
from .obfuscate import obfuscate
from .metrics import routing_report
from .stacking import fit as fit_stack, fold_cut, stacked_toxicity
from .train_deep import pad_batch
from .train_fast import by_source, onnx_scores

MODELS_DIR = Path(__file__).resolve().parents[1]
REVIEW_BUDGET = 0.03
# The review cut is chosen on validation for a smaller share than the budget: on held-out TweetEval
# the share came out up to 1.5 points above its validation share (4.5 % for 3 %).
REVIEW_TARGET = 0.02
SOURCES = ('conda', 'offensive', 'davidson')
# The deep stage costs ~500 msg/s against ~200k for the fast one: keep its share of game chat small.
MAX_DEEP_SHARE = 0.20
TOXIC_FROM_GRID = (0.6, 0.7, 0.8, 0.9)
# The ok route's end may move down too (more of the unsure low scores read by the deep stage), never up.
OK_BELOW_GRID = (0.02, 0.05, 0.1)
# The deep stage must be clearly more accurate than the fast model on the messages it is sent:
# a candidate qualifies only if its out-of-fold band accuracy beats the fast model's (each at its
# own cut) by at least this much on the CONDA and on the TweetEval validation band.
MIN_BAND_GAIN = 0.02
STACK_SOURCE_WEIGHT = {'conda': 1.0, 'offensive': 1.0, 'davidson': 0.3}
CUT_GRID = np.arange(0.2, 0.81, 0.02)


def confidence(p: np.ndarray, decision: float) -> np.ndarray:
    return np.where(p >= decision, (p - decision) / (1 - decision), (decision - p) / decision)


class Models:
    def __init__(self, deep_dir: Path | None = None) -> None:
        fast_dir, deep_dir = MODELS_DIR / 'fast', deep_dir or MODELS_DIR / 'deep'
        self.fast_meta = json.loads((fast_dir / 'fast-model.json').read_text())
        h = self.fast_meta['hashing']
        self.hashing = HashingConfig(h['bucketBits'], h['charMin'], h['charMax'], h['maxFeatures'], h['seeds']['word'],
                                     h['seeds']['collapsed'], h['seeds']['bigram'], h['seeds']['char'])
        self.fast = ort.InferenceSession(str(fast_dir / 'model.onnx'), providers=['CPUExecutionProvider'])
        self.deep_config = json.loads((deep_dir / 'config.json').read_text())
        c = self.deep_config['sinbin']['input']
        self.input_cfg = DeepInputConfig.from_json(c)
        self.tok = Tokenizer.from_file(str(deep_dir / 'tokenizer.json'))
        self.special = SpecialIds(*(self.tok.token_to_id(t) for t in ('[PAD]', '[CLS]', '[SEP]', '[SELF]', '[OTHER]')))
        self.deep = ort.InferenceSession(str(deep_dir / 'onnx' / 'model.onnx'), providers=['CPUExecutionProvider'])

    def fast_scores(self, texts: list[str]) -> np.ndarray:
        return onnx_scores(self.fast, [normalize_text(t) for t in texts], self.hashing)

    def deep_logits(self, records, texts: list[str]) -> np.ndarray:
        """Raw output logits [n, 6] of the exported transformer (the stack reads the logit)."""
        prepare = TEXT_FORMS[text_form_of(self.deep_config)]

        def enc(t: str) -> list[int]:
            n = prepare(t)
            return self.tok.encode(n, add_special_tokens=False).ids if n else []
        # A long message is read in windows, as served: its logits are the highest of its windows'.
        seqs, owners = [], []
        for i, (r, t) in enumerate(zip(records, texts)):
            windows = build_windows(enc(t), [(c.same_speaker, enc(c.text)) for c in r.context], self.special, self.input_cfg)
            seqs += windows
            owners += [i] * len(windows)
        out = []
        for s in range(0, len(seqs), 256):
            ids, mask, types = pad_batch(seqs[s:s + 256], self.special.pad)
            out.append(self.deep.run(['logits'], {'input_ids': ids.numpy(), 'attention_mask': mask.numpy(),
                                                  'token_type_ids': types.numpy()})[0])
        if not out:
            return np.zeros((0, len(self.deep_config['id2label'])), dtype=np.float32)
        return max_by_owner(np.vstack(out), np.array(owners), len(records))

    def scored(self, records) -> dict:
        """Toxic labels, fast probabilities and deep logits of labelled records: what the cascade's choices read."""
        texts = [r.text for r in records]
        return {'y': np.array([r.toxic for r in records]), 'fast_p': self.fast_scores(texts)[:, 0],
                'deep_logit': self.deep_logits(records, texts)[:, 0]}

    def deep_scores(self, records, texts: list[str]) -> np.ndarray:
        return 1 / (1 + np.exp(-self.deep_logits(records, texts).astype(np.float64)))


def cascade(y, fast_p, deep_p, thresholds, deep_decision, fast_decision, min_conf) -> dict:
    ok_below, toxic_from = thresholds['okBelow'], thresholds['toxicFrom']
    band = (fast_p >= ok_below) & (fast_p < toxic_from)
    final = np.where(band, deep_p >= deep_decision, fast_p >= toxic_from)
    review = band & (confidence(deep_p, deep_decision) < min_conf)
    as_scores = final.astype(float)
    rep = binary_report(y, as_scores, 0.5)
    del rep['threshold'], rep['roc_auc']
    yb = y[band]
    return {
        **rep,
        'share_fast_decided': round(float(1 - band.mean()), 4),
        'share_deep_analysed': round(float(band.mean()), 4),
        'share_review': round(float(review.mean()), 4),
        'band': {
            'n': int(band.sum()), 'positives': int(yb.sum()),
            'fast_accuracy': round(float(((fast_p[band] >= fast_decision) == yb).mean()), 4) if band.any() else None,
            'deep_accuracy': round(float(((deep_p[band] >= deep_decision) == yb).mean()), 4) if band.any() else None,
            'fast_f1_toxic': binary_report(yb, fast_p[band], fast_decision)['f1_toxic'] if band.any() else None,
            'deep_f1_toxic': binary_report(yb, deep_p[band], deep_decision)['f1_toxic'] if band.any() else None,
            # threshold-free comparison of the two models on the same hard messages
            'fast_roc_auc': round(roc_auc(yb, fast_p[band]), 4) if band.any() else None,
            'deep_roc_auc': round(roc_auc(yb, deep_p[band]), 4) if band.any() else None,
        },
    }


def pick_min_confidence(val_scores, thresholds, deep_decision) -> float:
    """Largest review cut that keeps review within REVIEW_TARGET on every validation source."""
    best = 0.0
    for m in np.arange(0.0, 1.0, 0.01):
        shares = []
        for _, fast_p, deep_p in val_scores:
            band = (fast_p >= thresholds['okBelow']) & (fast_p < thresholds['toxicFrom'])
            shares.append((band & (confidence(deep_p, deep_decision) < m)).mean())
        if max(shares) <= REVIEW_TARGET:
            best = float(m)
    return round(best, 2)


def in_band(fast_p, thresholds):
    return (fast_p >= thresholds['okBelow']) & (fast_p < thresholds['toxicFrom'])


def objective(conda_report: dict, offensive_report: dict) -> float:
    """The two cascade bars: CONDA toxic F1 and TweetEval offensive macro-F1."""
    return (conda_report['f1_toxic'] + offensive_report['macro_f1']) / 2


def band_training_set(val, thresholds):
    """Validation band messages of every source, pooled: deep logit, fast p, label, weight, source."""
    parts = [(val[src]['deep_logit'][b], val[src]['fast_p'][b], val[src]['y'][b], np.full(int(b.sum()), src))
             for src in SOURCES for b in [in_band(val[src]['fast_p'], thresholds)]]
    d, f, y, s = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return d, f, y, np.array([STACK_SOURCE_WEIGHT[x] for x in s]), s


def out_of_fold(val, thresholds, use_fast: bool, folds: int = 5) -> dict:
    """Stage toxicity on the validation band from fits that did not see the message (5-fold)."""
    from sklearn.model_selection import StratifiedKFold
    d, f, y, w, s = band_training_set(val, thresholds)
    oof = np.zeros(len(y))
    strata = y * len(SOURCES) + np.array([SOURCES.index(x) for x in s])
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(d, strata):
        oof[te] = stacked_toxicity(d[te], f[te], fit_stack(d[tr], f[tr], y[tr], w[tr], use_fast))
    out = {}
    for src in SOURCES:
        stage = np.zeros(len(val[src]['y']))
        stage[in_band(val[src]['fast_p'], thresholds)] = oof[s == src]
        out[src] = stage
    return out


def best_cut(val, stage, thresholds) -> tuple[float, float]:
    results = []
    for cut in CUT_GRID:
        c = cascade(val['conda']['y'], val['conda']['fast_p'], stage['conda'], thresholds, cut, 0.5, 0.0)
        o = cascade(val['offensive']['y'], val['offensive']['fast_p'], stage['offensive'], thresholds, cut, 0.5, 0.0)
        results.append((objective(c, o), round(float(cut), 2)))
    return max(results)


def select(val, base_thresholds) -> tuple[dict, str, list]:
    """Routing (okBelow, toxicFrom) and stage form with the best out-of-fold validation cascade objective."""
    table = []
    ok_belows = sorted({base_thresholds['okBelow'], *[o for o in OK_BELOW_GRID if o < base_thresholds['okBelow']]})
    toxic_froms = sorted({base_thresholds['toxicFrom'], *[t for t in TOXIC_FROM_GRID if t > base_thresholds['toxicFrom']]})
    for ok_below, toxic_from in ((o, t) for o in ok_belows for t in toxic_froms):
        th = {'okBelow': round(float(ok_below), 3), 'toxicFrom': round(float(toxic_from), 3)}
        share = float(in_band(val['conda']['fast_p'], th).mean())
        for form in ('transformer', 'stacked'):
            stage = out_of_fold(val, th, form == 'stacked')
            obj, cut = best_cut(val, stage, th)
            c = cascade(val['conda']['y'], val['conda']['fast_p'], stage['conda'], th, cut, 0.5, 0.0)
            o = cascade(val['offensive']['y'], val['offensive']['fast_p'], stage['offensive'], th, cut, 0.5, 0.0)
            gains = {k: round(r['band']['deep_accuracy'] - r['band']['fast_accuracy'], 4) for k, r in (('conda', c), ('offensive', o))}
            table.append({'okBelow': th['okBelow'], 'toxicFrom': th['toxicFrom'], 'form': form, 'conda_deep_share': round(share, 4),
                          'allowed': share <= MAX_DEEP_SHARE and min(gains.values()) >= MIN_BAND_GAIN,
                          'cut': cut, 'objective': round(obj, 4),
                          'conda_f1': c['f1_toxic'], 'offensive_macro_f1': o['macro_f1'],
                          'conda_band_gain': gains['conda'], 'offensive_band_gain': gains['offensive'],
                          'conda_band_auc': c['band']['deep_roc_auc'], 'offensive_band_auc': o['band']['deep_roc_auc']})
    allowed = [r for r in table if r['allowed']]
    if not allowed:  # no stage beats the fast model clearly enough: keep to the deep-share cap alone
        allowed = [r for r in table if r['conda_deep_share'] <= MAX_DEEP_SHARE]
    best = max(allowed, key=lambda r: r['objective'])
    return {'okBelow': best['okBelow'], 'toxicFrom': best['toxicFrom']}, best['form'], table


def final_params(val, thresholds, use_fast: bool) -> dict:
    """Fit on the whole validation band, then fold the cut (chosen on the fitted scores) into the bias."""
    d, f, y, w, _ = band_training_set(val, thresholds)
    params = fit_stack(d, f, y, w, use_fast)
    stage = {src: stacked_toxicity(val[src]['deep_logit'], val[src]['fast_p'], params) for src in SOURCES}
    _, cut = best_cut(val, stage, thresholds)
    return {k: round(v, 6) for k, v in fold_cut(params, cut).items()}


def band_comparison(y, fast_p, deep_logit, thresholds, forms: dict) -> dict:
    """On the band: accuracy (each at its own cut: 0.5 for the fast model and both stages) and ROC AUC."""
    band = in_band(fast_p, thresholds)
    yb = y[band]
    out = {'n': int(band.sum()), 'positives': int(yb.sum()),
           'fast': {'accuracy': round(float(((fast_p[band] >= 0.5) == yb).mean()), 4), 'roc_auc': round(roc_auc(yb, fast_p[band]), 4)}}
    for name, params in forms.items():
        p = stacked_toxicity(deep_logit[band], fast_p[band], params)
        out[name] = {'accuracy': round(float(((p >= 0.5) == yb).mean()), 4), 'roc_auc': round(roc_auc(yb, p), 4),
                     'f1_toxic': binary_report(yb, p, 0.5)['f1_toxic']}
    return out


PARITY_FAST = (None, 0.1, 0.3, 0.6)


def write_stacking_fixture(models: 'Models', forms: dict, chosen: str) -> None:
    """Stage toxicity of the deep-input parity messages with several fast scores, under each fitted
    form, for the TS test (the chosen form is the one in config.json)."""
    from .data import ContextLine, Record
    root = MODELS_DIR.parent
    cases = json.loads((root / 'tests' / 'fixtures' / 'deep-input-parity.json').read_text())['cases']
    recs, texts = [], []
    for c in cases:
        inp = c['input']; me = inp.get('playerId')
        ctx = [ContextLine(text=l['text'], same_speaker=me is not None and l.get('playerId') == me) for l in inp.get('context', [])]
        recs.append(Record(source='fixture', split='test', text=inp['text'], toxic=None, categories={}, context=ctx))
        texts.append(inp['text'])
    logits = models.deep_logits(recs, texts)[:, 0]
    out = {}
    for name, params in forms.items():
        rows = []
        for c, z in zip(cases, logits):
            for f in PARITY_FAST:
                fp = np.nan if f is None else f
                rows.append({'input': {**c['input'], **({} if f is None else {'fastToxicity': f})}, 'deepLogit': float(z),
                             'toxicity': float(stacked_toxicity(np.array([z]), np.array([fp]), params)[0])})
        out[name] = {'stacking': params, 'cases': rows}
    path = root / 'tests' / 'fixtures' / 'stacking-parity.json'
    path.write_text(json.dumps({'generatedBy': 'models/sinbin_models/eval_cascade.py', 'chosen': chosen, 'forms': out},
                               ensure_ascii=False) + '\n')


class _Line:
    """An evaluation-set line as the cascade sees it: text, no context."""
    context: list = []


def eval_sets_report(models: 'Models', params: dict, thresholds: dict, min_conf: float, fast_decision: float) -> dict:
    """The cascade (fast route, deep stage on the band, review) on the hand-written sets of
    models/eval, plus the deep model's attribute heads on attributes.jsonl."""
    from . import eval_sets
    labels = [models.deep_config['id2label'][str(i)] for i in range(len(models.deep_config['id2label']))]
    out = {}
    for name, rows in eval_sets.available().items():
        texts = [r['text'] for r in rows]
        fast_p = models.fast_scores(texts)[:, 0]
        logits = models.deep_logits([_Line() for _ in rows], texts)
        stage = stacked_toxicity(logits[:, 0], fast_p, params)
        y = np.array([r['y'] for r in rows])
        keep = np.array([r['kind'] != 'mild-taunt' for r in rows])
        rep = cascade(y[keep], fast_p[keep], stage[keep], thresholds, 0.5, fast_decision, min_conf) if len(set(y[keep].tolist())) == 2 else {}
        band = (fast_p >= thresholds['okBelow']) & (fast_p < thresholds['toxicFrom'])
        final = np.where(band, stage >= 0.5, fast_p >= thresholds['toxicFrom'])
        review = band & (confidence(stage, 0.5) < min_conf)
        entry = {'cascade_without_mild_taunts': rep,
                 'harmful_allowed': int(np.sum((y == 1) & ~final & ~review)), 'harmful_n': int((y == 1).sum()),
                 'harmless_blocked': int(np.sum((y == 0) & final & ~review)), 'harmless_n': int((y == 0).sum()),
                 'share_review': round(float(review.mean()), 4),
                 'fast_routing': eval_sets.fast_routing_report(rows, fast_p, thresholds['okBelow'], thresholds['toxicFrom'])}
        mild = ~keep
        if mild.any():
            entry['mild_taunts'] = {'n': int(mild.sum()), 'blocked': round(float(np.mean(final[mild] & ~review[mild])), 3),
                                    'review': round(float(np.mean(review[mild])), 3),
                                    'fast_toxic_route': round(float(np.mean(fast_p[mild] >= thresholds['toxicFrom'])), 3)}
        if name == 'attributes':
            entry['deep_attributes'] = eval_sets.attribute_set_report(rows, 1 / (1 + np.exp(-logits.astype(np.float64))), labels)
        out[name] = entry
    return out


IDENTITY_HATE = 4  # column of identity_hate (IDENTITY_ATTACK) in both models' outputs


def hateval_report(models, records, params, thresholds, min_conf, fast_decision) -> dict:
    """HatEval's held-out lines (hateful or not, against immigrants and women) read two ways: the
    cascade's toxic verdict, and the served IDENTITY_ATTACK attribute (the deep model's on the lines
    the band sends it, the fast model's elsewhere) at the attribute cut 0.5."""
    recs = by_source(records, 'test', 'hate')
    texts = [r.text for r in recs]
    y = np.array([r.categories['identity_hate'] for r in recs])
    fast = models.fast_scores(texts)
    deep = models.deep_logits(recs, texts)
    fast_p = fast[:, 0]
    band = in_band(fast_p, thresholds)
    served = np.where(band, 1 / (1 + np.exp(-deep[:, IDENTITY_HATE].astype(np.float64))), fast[:, IDENTITY_HATE])
    return {'n': int(len(y)), 'positives': int(y.sum()),
            'toxic_verdict': cascade(y, fast_p, stacked_toxicity(deep[:, 0], fast_p, params), thresholds, 0.5, fast_decision, min_conf),
            'identity_attack_served': binary_report(y, served, 0.5),
            'identity_attack_deep_alone': binary_report(y, 1 / (1 + np.exp(-deep[:, IDENTITY_HATE].astype(np.float64))), 0.5)}


def main() -> None:
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true',
                    help='skip the obfuscated-copy cascade and the context ablation (CPU budget)')
    args = ap.parse_args()
    models = Models()
    records = load_all()
    # train_fast's routing from its CONDA targets; defaultThresholds may already hold an earlier run's choice.
    base_thresholds = models.fast_meta.get('routingFromTargets', models.fast_meta['defaultThresholds'])
    fast_decision = models.fast_meta['decisionThreshold']
    sinbin = models.deep_config['sinbin']
    # The transformer's own cut for scoring every message alone (chosen by train_deep on its raw probability).
    standalone = sinbin.get('transformerStandaloneDecisionThreshold',
                            sinbin.get('standaloneDecisionThreshold', sinbin['decisionThreshold']))
    scores = {(split, src): models.scored(by_source(records, split, src)) for split in ('val', 'test') for src in SOURCES}
    val = {src: scores[('val', src)] for src in SOURCES}
    thresholds, form, selection = select(val, base_thresholds)
    forms = {name: final_params(val, thresholds, name == 'stacked') for name in ('transformer', 'stacked')}
    params = forms[form]
    stage_of = lambda s: stacked_toxicity(s['deep_logit'], s['fast_p'], params)
    val_scores = [(s['y'], s['fast_p'], stage_of(s)) for s in (val['conda'], val['offensive'])]
    min_conf = pick_min_confidence(val_scores, thresholds, 0.5)
    # The standalone cut was chosen for the transformer's raw probability; on the stage's scale
    # (no fast score known: fastLogitDefault) it maps monotonically.
    standalone_stage = float(stacked_toxicity(np.array([np.log(standalone / (1 - standalone))]), np.array([np.nan]), params)[0])
    report = {'thresholds': thresholds, 'thresholdsFromTrainFast': base_thresholds, 'fastDecision': fast_decision,
              'deepForm': form, 'stacking': params, 'forms': forms, 'deepDecision': 0.5,
              'deepStandaloneDecision': standalone, 'reviewBelowConfidence': min_conf, 'reviewBudget': REVIEW_BUDGET, 'reviewTarget': REVIEW_TARGET,
              'maxDeepShare': MAX_DEEP_SHARE, 'minBandGain': MIN_BAND_GAIN, 'selection': selection, 'validation': {}, 'test': {},
              'test_obfuscated': {}, 'band_comparison': {'validation': {}, 'test': {}}, 'routing': {'validation': {}, 'test': {}},
              'deep_alone_test': {}}
    for (split, src), s in scores.items():
        name = 'validation' if split == 'val' else 'test'
        report[name][src] = cascade(s['y'], s['fast_p'], stage_of(s), thresholds, 0.5, fast_decision, min_conf)
        report['band_comparison'][name][src] = band_comparison(s['y'], s['fast_p'], s['deep_logit'], thresholds, forms)
        report['routing'][name][src] = routing_report(s['y'], s['fast_p'], thresholds['okBelow'], thresholds['toxicFrom'])
        if split == 'test':
            report['deep_alone_test'][src] = binary_report(s['y'], 1 / (1 + np.exp(-s['deep_logit'].astype(np.float64))), standalone)
    report['routing']['test_obfuscated'] = {}
    for src in (() if args.quick else SOURCES):
        recs = by_source(records, 'test', src)
        y = np.array([r.toxic for r in recs])
        texts = [obfuscate(r.text, i) for i, r in enumerate(recs)]
        fp = models.fast_scores(texts)[:, 0]
        dl = models.deep_logits(recs, texts)[:, 0]
        report['test_obfuscated'][src] = cascade(y, fp, stacked_toxicity(dl, fp, params), thresholds, 0.5, fast_decision, min_conf)
        report['routing']['test_obfuscated'][src] = routing_report(y, fp, thresholds['okBelow'], thresholds['toxicFrom'])
    # Ablation: how much the conversation context is worth to the transformer.
    if not args.quick and models.input_cfg.context_lines > 0:
        conda_test = by_source(records, 'test', 'conda')
        bare = [type(r)(**{**r.__dict__, 'context': []}) for r in conda_test]
        report['deep_alone_test_without_context'] = {'conda': binary_report(
            np.array([r.toxic for r in conda_test]), models.deep_scores(bare, [r.text for r in bare])[:, 0], standalone)}
    report['hateval_test'] = hateval_report(models, records, params, thresholds, min_conf, fast_decision)
    report['eval_sets'] = eval_sets_report(models, params, thresholds, min_conf, fast_decision)
    deep_dir, fast_dir = MODELS_DIR / 'deep', MODELS_DIR / 'fast'
    cfg = models.deep_config
    cfg['sinbin']['stacking'] = params
    cfg['sinbin']['decisionThreshold'] = 0.5
    cfg['sinbin']['standaloneDecisionThreshold'] = round(standalone_stage, 4)
    cfg['sinbin']['transformerStandaloneDecisionThreshold'] = standalone
    cfg['sinbin']['reviewBelowConfidence'] = min_conf
    cfg['sinbin']['confidence'] = 'distance of the stage toxicity from decisionThreshold, scaled to [0, 1] on its side'
    (deep_dir / 'config.json').write_text(json.dumps(cfg, indent=2) + '\n')
    (deep_dir / 'cascade-report.json').write_text(json.dumps(report, indent=2) + '\n')
    meta = models.fast_meta
    meta['routingFromTargets'] = base_thresholds
    meta['defaultThresholds'] = thresholds
    meta['routingChosenBy'] = ('models/sinbin_models/eval_cascade.py (toxicFrom: best validation cascade, at most 20% of CONDA to deep, '
                               'deep stage clearly beating the fast model on the validation bands)')
    (fast_dir / 'fast-model.json').write_text(json.dumps(meta, indent=2) + '\n')
    fast_report_path = fast_dir / 'eval-report.json'
    if fast_report_path.exists():
        fast_report = json.loads(fast_report_path.read_text())
        fast_report['thresholds'].update({**thresholds, 'routingFromTargets': base_thresholds})
        for split_name, key in (('validation', 'validation'), ('test', 'test'), ('test_obfuscated', 'test_obfuscated')):
            for src, routing in report['routing'][split_name].items():
                if src in fast_report.get(key, {}):
                    fast_report[key][src]['routing'] = routing
        fast_report_path.write_text(json.dumps(fast_report, indent=2) + '\n')
    write_stacking_fixture(models, forms, form)
    print(json.dumps({k: report[k] for k in ('thresholds', 'deepForm', 'stacking', 'reviewBelowConfidence', 'selection')}, indent=1))
    print(json.dumps({k: report[k] for k in ('test', 'band_comparison')}, indent=1))


if __name__ == '__main__':
    main()
