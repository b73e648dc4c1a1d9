// classification.test.ts — accuracy, confusionMatrix and precisionRecallF1 against values worked
// out by hand from small confusion tables with scikit-learn's definitions (>= 1.3):
//   P = tp / predicted, R = tp / support, F1 = 2 tp / (support + predicted), a 0 denominator
//   giving zeroDivision; macro = mean over labels (NaN left out), weighted = by support,
//   micro = from summed counts. Also (N, C) scores read as argmax, and every error message.

import { describe, expect, it } from 'vitest';
import { metrics, tensor } from '../../src/index.js';

const { accuracy, confusionMatrix, precisionRecallF1 } = metrics;

function expectScores(got: { precision: number; recall: number; f1: number }, want: [number, number, number]): void {
  expect(got.precision).toBeCloseTo(want[0], 12);
  expect(got.recall).toBeCloseTo(want[1], 12);
  expect(got.f1).toBeCloseTo(want[2], 12);
}

describe('accuracy', () => {
  it('is the fraction of equal labels, from arrays or int tensors', () => {
    expect(accuracy([0, 2, 1, 3], [0, 1, 2, 3])).toBe(0.5); // sklearn's docstring example
    expect(accuracy(tensor([1, 1, 0], { dtype: 'int32' }), tensor([1, 0, 0], { dtype: 'int32' }))).toBeCloseTo(2 / 3, 12);
  });
  it('reads 2-D float scores (N, C) as their row argmax', () => {
    const logits = [[2, 1, 0], [0, 3, 1], [0.1, 0.2, 0.9], [5, 0, 0]]; // argmax [0, 1, 2, 0]
    expect(accuracy(tensor(logits), [0, 1, 1, 0])).toBe(0.75);
    expect(accuracy(logits, [0, 1, 1, 0])).toBe(0.75);
    expect(accuracy(tensor(logits, { dtype: 'float64' }).softmax(1), [0, 1, 2, 2])).toBe(0.75);
  });
  it('errors name the op and the offending values', () => {
    expect(() => accuracy([0, 1], [0, 1, 1])).toThrow('accuracy: pred has 2 labels but target has 3');
    expect(() => accuracy([], [])).toThrow('accuracy: pred and target are empty');
    expect(() => accuracy([0, 0.5], [0, 1])).toThrow('accuracy: pred holds 0.5 at index 1; labels must be integers');
    expect(() => accuracy([0, 1], [0, NaN])).toThrow('accuracy: target holds NaN at index 1; labels must be integers');
    expect(() => accuracy([0, 1], [[0, 1], [1, 0]] as never)).toThrow('accuracy: target must be 1-D labels, got a nested array');
    expect(() => accuracy(tensor([[1, 0]], { dtype: 'int32' }), [0])).toThrow('accuracy: pred must be 1-D labels or 2-D float (N, C) scores, got a int32 tensor of shape [1,2]');
    expect(() => accuracy([0], tensor([[0.5, 0.5]]))).toThrow('accuracy: target must be 1-D labels, got a float32 tensor of shape [1,2]');
    expect(() => accuracy([[1, 0], [1]], [0, 0])).toThrow('accuracy: pred scores must be rows of one non-zero length');
    expect(() => accuracy(null as never, [0])).toThrow('accuracy: pred must be a Tensor or an array of integer labels, got null');
  });
});

describe('confusionMatrix', () => {
  it('counts C[true][pred] into an int32 (C, C) tensor', () => {
    // sklearn: confusion_matrix(y_true=[2,0,2,2,0,1], y_pred=[0,0,2,2,0,2])
    const cm = confusionMatrix([0, 0, 2, 2, 0, 2], [2, 0, 2, 2, 0, 1], 3);
    expect(cm.dtype).toBe('int32');
    expect(cm.shape).toEqual([3, 3]);
    expect(cm.toArray()).toEqual([[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
  });
  it('keeps absent classes as zero rows/columns and reads scores as argmax', () => {
    const cm = confusionMatrix(tensor([[0.9, 0.1, 0, 0], [0, 0, 0, 1]]), [0, 3], 4);
    expect(cm.toArray()).toEqual([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]]);
  });
  it('rejects labels outside [0, numClasses) and a bad numClasses', () => {
    expect(() => confusionMatrix([0, 1, 3], [0, 1, 2], 3)).toThrow('confusionMatrix: pred holds label 3 at index 2, outside [0, 3)');
    expect(() => confusionMatrix([0, 1], [-1, 1], 3)).toThrow('confusionMatrix: target holds label -1 at index 0, outside [0, 3)');
    expect(() => confusionMatrix([0], [0], 0)).toThrow('confusionMatrix: invalid numClasses 0 (must be a positive integer)');
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow('confusionMatrix: pred has 1 labels but target has 2');
  });
});

describe('precisionRecallF1 on a binary task', () => {
  // target [0,1,1,0,1,1], pred [0,1,0,0,1,1]
  //            pred 0  pred 1
  //   true 0     2       0        class 1: tp 3, predicted 3, support 4 -> P 1,   R 3/4, F 6/7
  //   true 1     1       3        class 0: tp 2, predicted 3, support 2 -> P 2/3, R 1,   F 4/5
  const target = [0, 1, 1, 0, 1, 1], pred = [0, 1, 0, 0, 1, 1];
  it("'binary' scores posLabel (1 by default, or 0)", () => {
    expectScores(precisionRecallF1(pred, target), [1, 0.75, 6 / 7]);
    expectScores(precisionRecallF1(pred, target, { posLabel: 0 }), [2 / 3, 1, 0.8]);
  });
  it("'macro', 'weighted' and 'micro' average over both classes", () => {
    expectScores(precisionRecallF1(pred, target, { average: 'macro' }), [5 / 6, 0.875, 29 / 35]);
    // weights = support [2, 4]: P (2·2/3 + 4·1)/6 = 8/9, R (2·1 + 4·3/4)/6 = 5/6, F (2·4/5 + 4·6/7)/6 = 88/105
    expectScores(precisionRecallF1(pred, target, { average: 'weighted' }), [8 / 9, 5 / 6, 88 / 105]);
    // micro: tp 5, predicted 6, support 6 -> 5/6 each, = accuracy
    expectScores(precisionRecallF1(pred, target, { average: 'micro' }), [5 / 6, 5 / 6, 5 / 6]);
    expect(accuracy(pred, target)).toBeCloseTo(5 / 6, 12);
  });
  it('accepts int tensors and (N, 2) probabilities', () => {
    const probs = tensor(pred.map((c) => (c === 1 ? [0.3, 0.7] : [0.6, 0.4])));
    expectScores(precisionRecallF1(probs, tensor(target, { dtype: 'int32' })), [1, 0.75, 6 / 7]);
  });
});

describe('precisionRecallF1 on a multiclass task with a label present only in pred', () => {
  // target [0,1,2,0,1,2], pred [0,2,1,0,0,3]; labels = sorted union [0,1,2,3]
  //            p0 p1 p2 p3
  //   true 0    2  0  0  0     class 0: tp 2, predicted 3, support 2 -> P 2/3, R 1, F 4/5
  //   true 1    1  0  1  0     class 1: tp 0, predicted 1, support 2 -> P 0,   R 0, F 0
  //   true 2    0  1  0  1     class 2: tp 0, predicted 1, support 2 -> P 0,   R 0, F 0
  //   true 3    0  0  0  0     class 3: tp 0, predicted 1, support 0 -> P 0,   R zeroDivision, F 0/1 = 0
  const target = [0, 1, 2, 0, 1, 2], pred = [0, 2, 1, 0, 0, 3];
  it('average null gives per-class arrays over the sorted union of labels', () => {
    const r = precisionRecallF1(pred, target, { average: null });
    expect(r.labels).toEqual([0, 1, 2, 3]);
    expect(r.support).toEqual([2, 2, 2, 0]);
    expect(r.precision.map((v) => +v.toFixed(12))).toEqual([+(2 / 3).toFixed(12), 0, 0, 0]);
    expect(r.recall).toEqual([1, 0, 0, 0]);
    expect(r.f1.map((v) => +v.toFixed(12))).toEqual([0.8, 0, 0, 0]);
  });
  it('macro, weighted and micro', () => {
    expectScores(precisionRecallF1(pred, target, { average: 'macro' }), [1 / 6, 1 / 4, 1 / 5]);
    // weights [2,2,2,0]: P (2·2/3)/6 = 2/9, R 2/6 = 1/3, F (2·4/5)/6 = 4/15
    expectScores(precisionRecallF1(pred, target, { average: 'weighted' }), [2 / 9, 1 / 3, 4 / 15]);
    // micro: tp 2, predicted 6, support 6 -> 1/3 each, = accuracy
    expectScores(precisionRecallF1(pred, target, { average: 'micro' }), [1 / 3, 1 / 3, 1 / 3]);
  });
  it('zeroDivision 1 sets class 3 recall to 1; NaN drops it from the mean; f1 stays 0', () => {
    expectScores(precisionRecallF1(pred, target, { average: 'macro', zeroDivision: 1 }), [1 / 6, 2 / 4, 1 / 5]);
    expectScores(precisionRecallF1(pred, target, { average: 'macro', zeroDivision: NaN }), [1 / 6, 1 / 3, 1 / 5]);
    expectScores(precisionRecallF1(pred, target, { average: 'macro', zeroDivision: 'warn' }), [1 / 6, 1 / 4, 1 / 5]);
    expect(precisionRecallF1(pred, target, { average: null, zeroDivision: NaN }).recall).toEqual([1, 0, 0, NaN]);
  });
  it('labels picks and orders the classes scored', () => {
    const r = precisionRecallF1(pred, target, { average: null, labels: [2, 0] });
    expect(r.labels).toEqual([2, 0]);
    expect(r.support).toEqual([2, 2]);
    expect(r.recall).toEqual([0, 1]);
    // micro over labels [0, 2] only: tp 2, predicted 3 + 1 = 4, support 4
    expectScores(precisionRecallF1(pred, target, { average: 'micro', labels: [0, 2] }), [0.5, 0.5, 0.5]);
  });
  it("'binary' refuses more than 2 labels", () => {
    expect(() => precisionRecallF1(pred, target)).toThrow(
      "precisionRecallF1: average 'binary' needs at most 2 labels, but pred and target hold 4 ([0,1,2,3]); use average 'macro', 'micro', 'weighted' or null");
  });
});

describe('precisionRecallF1 zero division (sklearn >= 1.3)', () => {
  it('no positives anywhere: P, R and F are all zeroDivision', () => {
    // target [0,0,0], pred [0,0,0], posLabel 1: tp = fp = fn = 0
    expectScores(precisionRecallF1([0, 0, 0], [0, 0, 0]), [0, 0, 0]);
    expectScores(precisionRecallF1([0, 0, 0], [0, 0, 0], { zeroDivision: 1 }), [1, 1, 1]);
    const r = precisionRecallF1([0, 0, 0], [0, 0, 0], { zeroDivision: NaN });
    expect([r.precision, r.recall, r.f1]).toEqual([NaN, NaN, NaN]);
  });
  it('nothing predicted positive: P = zeroDivision, R = 0, F = 0 (tp + fp + fn = 2 > 0)', () => {
    expectScores(precisionRecallF1([0, 0, 0], [1, 1, 0]), [0, 0, 0]);
    expectScores(precisionRecallF1([0, 0, 0], [1, 1, 0], { zeroDivision: 1 }), [1, 0, 0]);
  });
  it('no true positives in target: R = zeroDivision, P = 0, F = 0', () => {
    expectScores(precisionRecallF1([1, 0, 0], [0, 0, 0], { zeroDivision: 1 }), [0, 1, 0]);
  });
  it('weighted with every support 0 falls back to the plain mean', () => {
    // labels [3, 5]: both predicted once, never true -> P [0, 0], R [zd, zd], F [0, 0]
    expectScores(precisionRecallF1([3, 5, 1], [0, 1, 0], { average: 'weighted', labels: [3, 5], zeroDivision: 1 }), [0, 1, 0]);
  });
});

describe('precisionRecallF1 errors', () => {
  it('name the op and the bad value', () => {
    expect(() => precisionRecallF1([0, 2], [0, 2])).toThrow("precisionRecallF1: posLabel 1 is not a valid label; it should be one of [0,2]");
    expect(() => precisionRecallF1([0], [0], { average: 'samples' as never })).toThrow("precisionRecallF1: average must be 'binary', 'macro', 'micro', 'weighted'; got 'samples'");
    expect(() => precisionRecallF1([0], [0], { zeroDivision: 0.5 })).toThrow("precisionRecallF1: invalid zeroDivision 0.5 (must be 0, 1, NaN or 'warn')");
    expect(() => precisionRecallF1([0], [0], { posLabel: 0.5 })).toThrow('precisionRecallF1: invalid posLabel 0.5 (must be an integer)');
    expect(() => precisionRecallF1([0], [0], { average: 'macro', labels: [] })).toThrow('precisionRecallF1: invalid labels [] (must be a non-empty list of integers)');
    expect(() => precisionRecallF1([0], [0], { beta: 2 } as never)).toThrow("precisionRecallF1: unknown option 'beta' (options are average, posLabel, zeroDivision, labels)");
    expect(() => precisionRecallF1([0, 1], [1], { average: 'macro' })).toThrow('precisionRecallF1: pred has 2 labels but target has 1');
  });
});
