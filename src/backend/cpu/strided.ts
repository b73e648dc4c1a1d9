// strided.ts — walking several strided views of one shape in lockstep, a row at a time.
// Kernels get (offsets, n, innerStrides) per row and run a tight loop over the row, so there is
// no per-element index arithmetic or closure call. Dims that are laid out back to back in every
// operand are merged first, so contiguous data becomes a single long row.

/** Merges adjacent dims that are contiguous in every operand and drops size-1 dims. */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offs, n, inner)` once per innermost row of `shape`, where offs[k] is operand k's
 * offset of the row's first element and inner[k] its stride along the row.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  row: (offs: number[], n: number, inner: number[]) => void,
): void {
  const c = collapse(shape, strides);
  const k = offsets.length;
  const offs = [...offsets];
  const nd = c.shape.length;
  if (shape.some((s) => s === 0)) return;
  if (nd === 0) {
    row(offs, 1, new Array<number>(k).fill(0));
    return;
  }
  const n = c.shape[nd - 1];
  const inner = c.strides.map((s) => s[nd - 1]);
  const idx = new Array<number>(nd - 1).fill(0);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= c.shape[d];
  for (let r = 0; r < rows; r++) {
    row(offs, n, inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (let j = 0; j < k; j++) offs[j] += c.strides[j][d];
      if (idx[d] < c.shape[d]) break;
      for (let j = 0; j < k; j++) offs[j] -= c.strides[j][d] * c.shape[d];
      idx[d] = 0;
    }
  }
}
