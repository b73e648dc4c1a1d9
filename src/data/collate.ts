// collate.ts — defaultCollate, which turns a list of dataset items into one batch the way
// PyTorch's default_collate does: tensors are stacked on a new dim 0, numbers become a 1-D
// tensor, and tuples/arrays and plain objects are collated field by field.
// Reference: torch.utils.data._utils.collate.default_collate.

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { stack } from '../tensor/functions.js';

/** The batch type defaultCollate makes from items of type T. */
export type Collated<T> =
  T extends Tensor ? Tensor
    : T extends number | boolean ? Tensor
      : T extends string ? string[]
        : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object ? { [K in keyof T]: Collated<T[K]> }
            : never;

function kind(x: unknown): string {
  if (x instanceof Tensor) return 'a Tensor';
  if (Array.isArray(x)) return 'an array';
  if (x === null) return 'null';
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

/**
 * Collates `items` (one per sample) into a batch, recursively:
 * - Tensors of one shape S → `stack(items)`, shape (B, ...S);
 * - numbers → a 1-D tensor of B values, int32 when all are integers, else float32 (PyTorch makes
 *   int64 / float64; tensorloom's label and default float dtypes are int32 / float32);
 * - booleans → a bool tensor; strings → the array of strings, unchanged;
 * - arrays (tuples) of one length L → an array of L batches, field k from every item's k-th entry;
 * - plain objects → an object with the same keys, each collated over the items.
 *
 * @example
 * defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]);
 * // [tensor([[1, 2], [3, 4]]), tensor([0, 1], { dtype: 'int32' })]
 * defaultCollate([{ x: 1.5, y: 'a' }, { x: 2, y: 'b' }]); // { x: tensor([1.5, 2]), y: ['a', 'b'] }
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  return collate(items as readonly unknown[], 'batch') as Collated<T>;
}

function collate(items: readonly unknown[], path: string): unknown {
  if (items.length === 0) throw new Error('defaultCollate: cannot collate an empty list of items');
  const first = items[0];
  const k = kind(first);
  items.forEach((it, i) => {
    if (kind(it) !== k) throw new Error(`defaultCollate: at ${path}, item ${i} is ${kind(it)} but item 0 is ${k}`);
  });
  if (first instanceof Tensor) return stack(items as Tensor[]);
  if (typeof first === 'number') {
    const values = items as number[];
    return tensor(values, { dtype: values.every(Number.isInteger) ? 'int32' : 'float32' });
  }
  if (typeof first === 'boolean') return tensor(items as boolean[]);
  if (typeof first === 'string') return [...(items as string[])];
  if (Array.isArray(first)) {
    const rows = items as unknown[][];
    rows.forEach((r, i) => {
      if (r.length !== first.length) throw new Error(`defaultCollate: at ${path}, item ${i} has ${r.length} fields but item 0 has ${first.length}; every item needs the same number`);
    });
    return first.map((_, f) => collate(rows.map((r) => r[f]), `${path}[${f}]`));
  }
  if (first !== null && typeof first === 'object') {
    const objs = items as Record<string, unknown>[];
    const keys = Object.keys(first);
    objs.forEach((o, i) => {
      const missing = keys.find((key) => !(key in o));
      if (missing !== undefined) throw new Error(`defaultCollate: at ${path}, item ${i} has no key '${missing}' that item 0 has`);
    });
    return Object.fromEntries(keys.map((key) => [key, collate(objs.map((o) => o[key]), `${path}.${key}`)]));
  }
  throw new Error(`defaultCollate: at ${path}, cannot batch items that are ${k}`);
}
