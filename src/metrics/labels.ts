// labels.ts — reading class labels for the metrics: a Tensor or an array of integers, and for
// predictions also (N, C) scores (logits or probabilities, as a 2-D float Tensor or number[][])
// reduced to their per-row argmax. Checks that pred and target pair up one to one.
// Shapes: N samples, C classes.

import { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { show } from '../check.js';

/** Class labels: a 1-D Tensor or array of integers. Predictions may also be (N, C) scores. */
export type Labels = Tensor | ArrayLike<number>;
export type Predictions = Labels | readonly (readonly number[])[];

function argmaxRows(rows: readonly (readonly number[])[]): number[] {
  return rows.map((r) => {
    let best = 0;
    for (let c = 1; c < r.length; c++) if (r[c] > r[best]) best = c;
    return best;
  });
}

/** The labels in `x` as integers; `scores` allows (N, C) scores, read as their row argmax. */
function read(op: string, name: string, x: unknown, scores: boolean): ArrayLike<number> {
  let values: ArrayLike<number>;
  if (x instanceof Tensor) {
    if (scores && x.ndim === 2 && (x.dtype === 'float32' || x.dtype === 'float64')) values = x.argmax(1).dataSync(); // (N, C) -> (N)
    else if (x.ndim === 1) values = x.dataSync();
    else throw new Error(`${op}: ${name} must be 1-D${scores ? ' labels or 2-D float (N, C) scores' : ' labels'}, got a ${x.dtype} tensor of shape ${fmt(x.shape)}`);
  } else if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) {
    if (!scores) throw new Error(`${op}: ${name} must be 1-D labels, got a nested array`);
    const rows = x as number[][];
    if (rows.some((r) => !Array.isArray(r) || r.length !== rows[0].length || r.length === 0)) throw new Error(`${op}: ${name} scores must be rows of one non-zero length`);
    values = argmaxRows(rows);
  } else if (x !== null && typeof x === 'object' && typeof (x as ArrayLike<number>).length === 'number') {
    values = x as ArrayLike<number>;
  } else {
    throw new Error(`${op}: ${name} must be a Tensor or an array of integer labels, got ${show(x)}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) throw new Error(`${op}: ${name} holds ${show(values[i])} at index ${i}; labels must be integers`);
  }
  return values;
}

/** Reads pred (labels or (N, C) scores) and target (labels); throws unless both hold N >= 1 labels. */
export function readPair(op: string, pred: Predictions, target: Labels): [ArrayLike<number>, ArrayLike<number>] {
  const p = read(op, 'pred', pred, true);
  const t = read(op, 'target', target, false);
  if (p.length !== t.length) throw new Error(`${op}: pred has ${p.length} labels but target has ${t.length}`);
  if (p.length === 0) throw new Error(`${op}: pred and target are empty`);
  return [p, t];
}
