// matmul.ts — gpu.js kernels for the batched matrix product c = a @ b, c[i][j] = sum_k a[i][k] b[k][j].
// CPU twin: matmulKernel in src/backend/cpu/matmul.ts. Operands are strided views read through
// their strides (a transposed operand is never copied); batch dims share one shape (a broadcast
// operand has stride 0 there). Both forms walk k in steps of 4 with the bound baked in, then a
// tail of K mod 4 terms, accumulating in float32.
// Shapes: B batch (flat), M x K @ K x N per batch entry, MB = ceil(M / 4) row blocks.

import type { DType } from '../src/tensor/dtype.js';
import { coordLines, indexExpr, sig, type KernelSource } from './common.js';

/** Geometry of one product: batch dims (collapsed) with each operand's strides along them. */
export interface MatmulGeometry {
  batch: number[];
  aBatch: number[];
  bBatch: number[];
  M: number; K: number; N: number;
  /** a's row and column strides, b's row and column strides */
  ars: number; acs: number; brs: number; bcs: number;
}

const key = (g: MatmulGeometry, dtype: DType): string =>
  `${sig(g.batch)}/${g.aBatch.join(',')}/${g.bBatch.join(',')}:${g.M}x${g.K}x${g.N}:${g.ars},${g.acs},${g.brs},${g.bcs}:${dtype}`;

/** `base + v` in source, dropping a zero. */
const plus = (base: string, v: number): string => (v === 0 ? base : `${base} + ${v}`);

/** The store into an output of `dtype`: int32 rounds toward zero, as an Int32Array store. */
const store = (v: string, dtype: DType): string => (dtype === 'int32' ? `(${v} < 0.0 ? Math.ceil(${v}) : Math.floor(${v}))` : v);

/**
 * One thread per output element (1-D output, row-major (B, M, N)); the form for every gpu.js
 * mode, GL included. Thread t = ((n, i), j): s = sum_k a[p + k*acs] * b[q + k*brs].
 */
export function matmulSource(g: MatmulGeometry, dtype: DType): KernelSource {
  const { M, K, N, ars, acs, brs, bcs } = g;
  const K4 = Math.floor(K / 4);
  const term = (pk: string, qk: string, u: number): string => `s += a[${plus(pk, u * acs)}] * b[${plus(qk, u * brs)}];`;
  const loop = K4 === 0 ? '' : `for (let k = 0; k < ${K4}; k++) {
      const pk = p + k * ${4 * acs};
      const qk = q + k * ${4 * brs};
      ${[0, 1, 2, 3].map((u) => term('pk', 'qk', u)).join('\n      ')}
    }`;
  const tail = [];
  for (let k = 4 * K4; k < K; k++) tail.push(term('p', 'q', k));
  const source = `function (a, ao, b, bo) {
    ${coordLines([...g.batch, M, N], 'this.thread.x')}
    const p = ${indexExpr('ao', [...g.aBatch, ars, 0])};
    const q = ${indexExpr('bo', [...g.bBatch, 0, bcs])};
    let s = 0.0;
    ${loop}
    ${tail.join('\n    ')}
    return ${store('s', dtype)};
  }`;
  return { key: `matmul:${key(g, dtype)}`, source, maxLoop: K4 };
}

/**
 * The webasm form: a 2-D output [N, B*MB], thread (x = j, y = n*MB + rb) returning rows
 * 4rb..4rb+3 of column j as an Array(4). gpu.js's webasm runs 4 consecutive x as one f32x4
 * step, so the row index (from y) is the same in every lane: each k loads 4 values of a as
 * scalars and one value of b per lane, for 16 multiply-adds (the 1-D form loads both operands
 * per lane for 4). Rows past M read row M-1 and are dropped by `unblock`.
 */
export function matmulBlockedSource(g: MatmulGeometry, dtype: DType): KernelSource {
  const { M, K, acs, brs } = g;
  const MB = Math.ceil(M / 4);
  const K4 = Math.floor(K / 4);
  const rowIndex = (c: number): string => (c === 0 ? 'i0' : `Math.min(i0 + ${c}, ${M - 1})`);
  const rows = [0, 1, 2, 3].map((c) => `const p${c} = ${indexExpr('ao', g.aBatch, 'n')}${g.ars === 0 ? '' : ` + ${rowIndex(c)} * ${g.ars}`};`);
  // one k: a value of b (per lane) times a column of 4 values of a (scalars)
  const step = (pk: (c: number) => string, qk: string): string =>
    `{ const v = b[${qk}]; ${[0, 1, 2, 3].map((c) => `s${c} += a[${pk(c)}] * v;`).join(' ')} }`;
  const loop = K4 === 0 ? '' : `for (let k = 0; k < ${K4}; k++) {
      const kk = k * ${4 * acs};
      ${[0, 1, 2, 3].map((u) => step((c) => plus(`p${c} + kk`, u * acs), plus('q', u * brs))).join('\n      ')}
      q += ${4 * brs};
    }`;
  const tail = [];
  for (let u = 0; u < K - 4 * K4; u++) tail.push(step((c) => plus(`p${c}`, (4 * K4 + u) * acs), plus('q', u * brs)));
  const source = `function (a, ao, b, bo) {
    const t = this.thread.y;
    const qt = Math.floor((t + 0.5) / ${MB});
    const i0 = (t - qt * ${MB}) * 4;
    ${coordLines(g.batch, 'qt', 'n')}
    ${rows.join('\n    ')}
    let q = ${indexExpr('bo', g.bBatch, 'n')} + this.thread.x * ${g.bcs};
    let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;
    ${loop}
    ${tail.join('\n    ')}
    return [${[0, 1, 2, 3].map((c) => store(`s${c}`, dtype)).join(', ')}];
  }`;
  const B = g.batch.reduce((x, y) => x * y, 1);
  return { key: `matmul4:${key(g, dtype)}`, source, maxLoop: K4, output: [g.N, B * MB] };
}

/**
 * Scatters the blocked kernel's cells (cell [y][x] holds rows 4rb..4rb+3 of column x of batch
 * entry n, y = n*MB + rb) into a row-major (B, M, N) array. webasm hands back every cell as a
 * view into one buffer, read flat here (cell (y, x) component c at (y*N + x)*4 + c).
 */
export function unblock(cells: Float32Array[][], B: number, M: number, N: number): Float32Array {
  const MB = Math.ceil(M / 4);
  const first = cells[0][0];
  const flat = first.buffer.byteLength >= first.byteOffset + 16 * B * MB * N
    ? new Float32Array(first.buffer, first.byteOffset, 4 * B * MB * N)
    : Float32Array.from(cells.flatMap((row) => row.flatMap((cell) => [...cell])));
  const out = new Float32Array(B * M * N);
  for (let n = 0; n < B; n++) {
    for (let rb = 0; rb < MB; rb++) {
      const src = (n * MB + rb) * N * 4;
      for (let c = 0; c < 4 && 4 * rb + c < M; c++) {
        const o = (n * M + 4 * rb + c) * N;
        for (let j = 0; j < N; j++) out[o + j] = flat[src + 4 * j + c];
      }
    }
  }
  return out;
}
