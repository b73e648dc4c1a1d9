// classification.ts — classification metrics on integer labels: accuracy, the confusion matrix,
// and precision / recall / F1 with scikit-learn's averaging ('binary', 'macro', 'micro',
// 'weighted', or per class) and zero-division rule. Counts are taken on the host in float64.
// Reference: sklearn/metrics/_classification.py (accuracy_score, confusion_matrix,
// precision_recall_fscore_support, _prf_divide, _check_set_wise_labels) and
// sklearn/utils/extmath.py (_nanaverage), scikit-learn >= 1.3.

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { check, checkKeys, checkOneOf, checkPositiveInt, show } from '../check.js';
import { readPair, type Labels, type Predictions } from './labels.js';

/**
 * The fraction of samples whose predicted label equals the true one:
 * accuracy = (1/N) Σ_i [pred_i = target_i].
 * `pred` may be labels (a 1-D Tensor or array of integers) or (N, C) scores — a 2-D float
 * Tensor or number[][] of logits or probabilities — which count as their per-row argmax.
 *
 * @example
 * metrics.accuracy([0, 2, 1, 3], [0, 1, 2, 3]);                     // 0.5
 * metrics.accuracy(tensor([[0.1, 0.9], [0.8, 0.2]]), [1, 1]);      // argmax [1, 0] -> 0.5
 */
export function accuracy(pred: Predictions, target: Labels): number {
  const [p, t] = readPair('accuracy', pred, target);
  let hits = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === t[i]) hits++;
  return hits / p.length;
}

/**
 * C[i][j] = the number of samples with true class i predicted as class j (rows = true class,
 * columns = predicted, as sklearn.metrics.confusion_matrix), as an int32 Tensor.
 * Labels must lie in [0, numClasses). `pred` may be (N, C) scores, as for accuracy.
 *
 * Shape: (numClasses, numClasses).
 *
 * @example
 * metrics.confusionMatrix([0, 0, 2, 2, 0, 2], [2, 0, 2, 2, 0, 1], 3).toArray();
 * // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 */
export function confusionMatrix(pred: Predictions, target: Labels, numClasses: number): Tensor {
  checkPositiveInt('confusionMatrix', 'numClasses', numClasses);
  const [p, t] = readPair('confusionMatrix', pred, target);
  const counts = new Int32Array(numClasses * numClasses);
  for (let i = 0; i < p.length; i++) {
    for (const [name, v] of [['target', t[i]], ['pred', p[i]]] as const) {
      if (v < 0 || v >= numClasses) throw new Error(`confusionMatrix: ${name} holds label ${v} at index ${i}, outside [0, ${numClasses})`);
    }
    counts[t[i] * numClasses + p[i]]++;
  }
  return tensor(counts, { shape: [numClasses, numClasses], dtype: 'int32' });
}

export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

export interface PrecisionRecallF1Options {
  /** How per-class scores are combined (default 'binary'); null returns them per class. */
  average?: Average | null;
  /** The positive class for average 'binary' (default 1). */
  posLabel?: number;
  /** The value of a score whose denominator is 0: 0 (default), 1 or NaN (NaN is left out of averages). */
  zeroDivision?: number | 'warn';
  /** The classes to score, in this order, when average is not 'binary' (default: sorted labels of pred ∪ target). */
  labels?: readonly number[];
}

/** Averaged scores. */
export interface PrecisionRecallF1 { precision: number; recall: number; f1: number }
/** Per-class scores (average: null), one entry per label in `labels`; support = true count. */
export interface PrecisionRecallF1PerClass {
  precision: number[]; recall: number[]; f1: number[]; support: number[]; labels: number[];
}

const KEYS = ['average', 'posLabel', 'zeroDivision', 'labels'] as const;

/** num / den, or `zero` when den = 0 (sklearn's _prf_divide). */
const divide = (num: number, den: number, zero: number): number => (den === 0 ? zero : num / den);

/** Weighted mean leaving out NaN; unweighted if the weights left sum to 0 (sklearn's _nanaverage). */
function nanAverage(a: number[], w?: number[]): number {
  const keep = a.flatMap((v, k) => (Number.isNaN(v) ? [] : [k]));
  if (keep.length === 0) return NaN;
  const wsum = w ? keep.reduce((s, k) => s + w[k], 0) : 0;
  if (!w || wsum === 0) return keep.reduce((s, k) => s + a[k], 0) / keep.length;
  return keep.reduce((s, k) => s + a[k] * w[k], 0) / wsum;
}

/**
 * Precision, recall and F1 as sklearn.metrics.precision_recall_fscore_support (beta = 1). For
 * each scored label L, with tp = #{pred = L and target = L}, predicted = #{pred = L} and
 * support = #{target = L}:
 *   precision = tp / predicted,  recall = tp / support,
 *   f1 = 2 tp / (support + predicted)  (= 2 P R / (P + R) = 2 tp / (2 tp + fp + fn)).
 * Zero division (sklearn >= 1.3): a denominator of 0 gives `zeroDivision` instead — precision
 * when nothing was predicted as L, recall when L never occurs in target, f1 only when
 * tp + fp + fn = 0; f1 is 0 (not zeroDivision) when tp = 0 but fp + fn > 0. sklearn's default
 * "warn" behaves as 0 (accepted here, without a warning); NaN marks the score undefined and
 * leaves it out of the average.
 *
 * average:
 * - 'binary' (default): the scores of `posLabel` alone. Like sklearn, an error if pred ∪ target
 *   holds more than 2 labels, or 2 labels of which neither is posLabel. posLabel is ignored by
 *   the other averages, and `labels` by this one.
 * - 'macro': the unweighted mean over labels (default: the sorted union of pred and target, so a
 *   label present only in pred counts, with recall = zeroDivision and f1 = 0).
 * - 'micro': from tp, predicted and support summed over the labels (for all labels of a
 *   single-label task: precision = recall = f1 = accuracy).
 * - 'weighted': the mean weighted by support.
 * - null: per-class arrays `{precision, recall, f1, support, labels}`.
 * `pred` may be (N, C) scores, read as their per-row argmax.
 *
 * @example
 * // target [0, 1, 1, 0], pred [0, 1, 0, 0]: tp = 1, fp = 0, fn = 1 for class 1
 * metrics.precisionRecallF1([0, 1, 0, 0], [0, 1, 1, 0]);   // {precision: 1, recall: 0.5, f1: 2/3}
 * metrics.precisionRecallF1(pred, target, { average: 'macro' });
 */
export function precisionRecallF1(pred: Predictions, target: Labels, options: PrecisionRecallF1Options & { average: null }): PrecisionRecallF1PerClass;
export function precisionRecallF1(pred: Predictions, target: Labels, options?: PrecisionRecallF1Options): PrecisionRecallF1;
export function precisionRecallF1(pred: Predictions, target: Labels, options: PrecisionRecallF1Options = {}): PrecisionRecallF1 | PrecisionRecallF1PerClass {
  const op = 'precisionRecallF1';
  checkKeys(op, options, KEYS);
  const average = options.average === null ? null : checkOneOf(op, 'average', options.average ?? 'binary', ['binary', 'macro', 'micro', 'weighted'] as const);
  const posLabel = options.posLabel ?? 1;
  check(op, Number.isInteger(posLabel), 'posLabel', posLabel, 'must be an integer');
  const zd = options.zeroDivision ?? 0;
  check(op, zd === 0 || zd === 1 || Number.isNaN(zd) || zd === 'warn', 'zeroDivision', zd, "must be 0, 1, NaN or 'warn'");
  const zero = zd === 'warn' ? 0 : zd;
  const [p, t] = readPair(op, pred, target);

  const present = [...new Set([...Array.from(p), ...Array.from(t)])].sort((a, b) => a - b);
  let labels: number[];
  if (average === 'binary') {
    if (present.length > 2) {
      throw new Error(`${op}: average 'binary' needs at most 2 labels, but pred and target hold ${present.length} (${show(present)}); use average 'macro', 'micro', 'weighted' or null`);
    }
    if (!present.includes(posLabel) && present.length === 2) {
      throw new Error(`${op}: posLabel ${posLabel} is not a valid label; it should be one of ${show(present)}`);
    }
    labels = [posLabel];
  } else if (options.labels !== undefined) {
    check(op, Array.isArray(options.labels) && options.labels.length > 0 && options.labels.every(Number.isInteger), 'labels', options.labels, 'must be a non-empty list of integers');
    labels = [...options.labels];
  } else {
    labels = present;
  }

  // tp[k], predicted[k], support[k] for labels[k]
  const index = new Map(labels.map((l, k) => [l, k]));
  const tp = labels.map(() => 0), predicted = labels.map(() => 0), support = labels.map(() => 0);
  for (let i = 0; i < p.length; i++) {
    const kp = index.get(p[i]), kt = index.get(t[i]);
    if (kp !== undefined) predicted[kp]++;
    if (kt !== undefined) support[kt]++;
    if (kp !== undefined && p[i] === t[i]) tp[kp]++;
  }
  const sumOf = (a: number[]): number[] => [a.reduce((x, y) => x + y, 0)];
  const [TP, PR, SU] = average === 'micro' ? [sumOf(tp), sumOf(predicted), sumOf(support)] : [tp, predicted, support];

  const precision = TP.map((v, k) => divide(v, PR[k], zero));
  const recall = TP.map((v, k) => divide(v, SU[k], zero));
  const f1 = TP.map((v, k) => divide(2 * v, SU[k] + PR[k], zero));

  if (average === null) return { precision, recall, f1, support, labels };
  const w = average === 'weighted' ? SU : undefined;
  return { precision: nanAverage(precision, w), recall: nanAverage(recall, w), f1: nanAverage(f1, w) };
}
