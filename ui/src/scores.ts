// The model's reading of a case: toxicity, a bar per category, the evidence words, the models.
import { h } from './dom';
import { categoryLabel, deadlineOutcome, percent } from './format';
import { MASK_GLYPHS, maskParts } from './masking';
import { CATEGORIES, categoryScore, type QueueCase } from './types';

export function scoresView(c: QueueCase, revealed = false): HTMLElement {
  const score = c.deep ?? c.fast;
  const evidence = score.evidence ?? c.fast.evidence ?? [];
  // Evidence words are normalised, so a masked slur may not appear as written: while masked, only
  // words that stand in the unmasked text are shown.
  const visible = maskParts(c.message.text, c.masks)
    .filter((p) => !p.masked)
    .map((p) => p.text.toLowerCase())
    .join(' ');
  const hidden = (e: string) => !revealed && (c.masks?.length ?? 0) > 0 && !visible.includes(e.toLowerCase());
  // Scores a model did not report (heads added in 0.3) are left out rather than shown as 0.
  const cats = CATEGORIES.filter((c) => score.categories[c] !== undefined).sort((a, b) => categoryScore(score.categories, b) - categoryScore(score.categories, a));
  const bar = (label: string, value: number, id?: string) =>
    h(
      'div',
      { class: 'bar-row' },
      h('span', { class: 'bar-label', id }, label),
      h('span', { class: 'bar', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(value * 100)), 'aria-labelledby': id }, h('span', { class: 'bar-fill', style: { width: `${Math.round(value * 100)}%` } })),
      h('span', { class: 'bar-value' }, percent(value)),
    );
  return h(
    'section',
    { class: 'scores', 'aria-labelledby': 'scores-title' },
    h('h3', { id: 'scores-title' }, 'Model reading'),
    h(
      'p',
      { class: 'score-main' },
      h('span', { class: 'big-number' }, percent(score.toxicity)),
      ' toxic',
      h('span', { class: 'muted' }, c.deep ? ` · deep model, ${percent(c.deep.confidence ?? 0)} sure · fast model ${percent(c.fast.toxicity)}` : ' · fast model'),
    ),
    h('div', { class: 'bars' }, cats.map((cat) => bar(categoryLabel(cat), categoryScore(score.categories, cat), `bar-${cat}`))),
    h('h4', null, 'Words that drove the score'),
    evidence.length
      ? h('ul', { class: 'chips', id: 'evidence' }, evidence.map((e) => (hidden(e) ? h('li', { class: 'chip masked', 'aria-label': 'masked term' }, MASK_GLYPHS) : h('li', { class: 'chip' }, e))))
      : h('p', { class: 'muted small' }, 'The model named no words.'),
    h('p', { class: 'muted small' }, `Models: ${[c.fast.modelVersion, c.deep?.modelVersion].filter(Boolean).join(', ')} · at the deadline: ${deadlineOutcome(c)}`),
  );
}
