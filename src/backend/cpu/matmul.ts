// matmul.ts — CPU batched matrix multiply C = A @ B.
// Each (M,K)x(K,N) product packs A into 4-row panels and B into 4-column panels laid out
// along K, then computes C in 4x4 register tiles: per k, 4 loads from each panel feed 16
// multiply-adds held in locals. Pack buffers are kept between calls (no fresh allocation on
// the hot path). Accumulation is in float64 registers; the store rounds to the output dtype.
// Reference: Goto & van de Geijn, "Anatomy of high-performance matrix multiplication" (2008).

import type { View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { forEachRow } from '../strided.js';

type Arr = TypedArray;

let packA: Float64Array = new Float64Array(0);
let packB: Float64Array = new Float64Array(0);
const edge = new Float64Array(16);

function ensure(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

/** Packs rows [i0, i0+4) of A (M x K, strides rs/cs) into pa[k*4 + r], zero beyond M. */
function packPanelsA(a: Arr, ao: number, rs: number, cs: number, M: number, K: number, pa: Float64Array): void {
  for (let i0 = 0, p = 0; i0 < M; i0 += 4) {
    for (let k = 0; k < K; k++) {
      for (let r = 0; r < 4; r++, p++) pa[p] = i0 + r < M ? a[ao + (i0 + r) * rs + k * cs] : 0;
    }
  }
}

/** Packs columns [j0, j0+4) of B (K x N, strides rs/cs) into pb[k*4 + c], zero beyond N. */
function packPanelsB(b: Arr, bo: number, rs: number, cs: number, K: number, N: number, pb: Float64Array): void {
  for (let j0 = 0, p = 0; j0 < N; j0 += 4) {
    for (let k = 0; k < K; k++) {
      const row = bo + k * rs;
      for (let c = 0; c < 4; c++, p++) pb[p] = j0 + c < N ? b[row + (j0 + c) * cs] : 0;
    }
  }
}

/** C[M,N] (contiguous at co) = packed A @ packed B. */
function tiles(pa: Float64Array, pb: Float64Array, M: number, K: number, N: number, c: Arr, co: number): void {
  const panel = 4 * K;
  for (let i0 = 0; i0 < M; i0 += 4) {
    const ap = (i0 >> 2) * panel;
    for (let j0 = 0; j0 < N; j0 += 4) {
      const bp = (j0 >> 2) * panel;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0, pA = ap, pB = bp; k < K; k++, pA += 4, pB += 4) {
        const a0 = pa[pA], a1 = pa[pA + 1], a2 = pa[pA + 2], a3 = pa[pA + 3];
        const b0 = pb[pB], b1 = pb[pB + 1], b2 = pb[pB + 2], b3 = pb[pB + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const rows = Math.min(4, M - i0), cols = Math.min(4, N - j0);
      const r0 = co + i0 * N + j0;
      if (rows === 4 && cols === 4) {
        c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
        c[r0 + N] = c10; c[r0 + N + 1] = c11; c[r0 + N + 2] = c12; c[r0 + N + 3] = c13;
        c[r0 + 2 * N] = c20; c[r0 + 2 * N + 1] = c21; c[r0 + 2 * N + 2] = c22; c[r0 + 2 * N + 3] = c23;
        c[r0 + 3 * N] = c30; c[r0 + 3 * N + 1] = c31; c[r0 + 3 * N + 2] = c32; c[r0 + 3 * N + 3] = c33;
      } else {
        // edge tile: stage in a reused scratch tile, store only the rows/cols inside C
        const t = edge;
        t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
        t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
        for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) c[r0 + r * N + q] = t[r * 4 + q];
      }
    }
  }
}

export function matmulKernel(a: View<Arr>, b: View<Arr>, dtype: DType): Arr {
  const nd = a.shape.length;
  const M = a.shape[nd - 2], K = a.shape[nd - 1], N = b.shape[nd - 1];
  const batchShape = a.shape.slice(0, nd - 2);
  const out = allocTyped(dtype, numel(batchShape) * M * N);
  if (M === 0 || N === 0 || numel(batchShape) === 0) return out;
  const pM = Math.ceil(M / 4) * 4, pN = Math.ceil(N / 4) * 4;
  packA = ensure(packA, pM * K);
  packB = ensure(packB, pN * K);
  const [ars, acs] = [a.stride[nd - 2], a.stride[nd - 1]];
  const [brs, bcs] = [b.stride[nd - 2], b.stride[nd - 1]];
  let co = 0, lastA = -1, lastB = -1;
  // walk the batch dims; each step multiplies one (M,K) by one (K,N) matrix.
  // A broadcast operand (batch stride 0) is packed once, not once per batch.
  const batchRow = (offs: number[], n: number, inner: number[]): void => {
    for (let t = 0; t < n; t++) {
      const ao = offs[0] + t * inner[0], bo = offs[1] + t * inner[1];
      if (ao !== lastA) packPanelsA(a.data, (lastA = ao), ars, acs, M, K, packA);
      if (bo !== lastB) packPanelsB(b.data, (lastB = bo), brs, bcs, K, N, packB);
      tiles(packA, packB, M, K, N, out, co);
      co += M * N;
    }
  };
  forEachRow(batchShape, [a.stride.slice(0, nd - 2), b.stride.slice(0, nd - 2)], [a.offset, b.offset], batchRow);
  return out;
}
