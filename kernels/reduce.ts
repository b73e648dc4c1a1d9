// reduce.ts — the gpu.js reduction kernel: one thread per output element (or per chunk of one)
// loops over the reduced elements. CPU twins: reduceKernel and argReduceKernel in
// src/backend/cpu/reduce.ts (the softmax and layer-norm kernels build on this one too).
// Long reductions run in two passes: pass 1 reduces fixed-size chunks into partials (out, P),
// pass 2 reduces the partials; inside a chunk, blocks of BLOCK elements are summed apart and
// then added up, so a float32 sum's rounding error grows with BLOCK + L/BLOCK, not with L.

import type { ReduceOp } from '../src/backend/backend.js';
import type { DType } from '../src/tensor/dtype.js';
import { allocTyped } from '../src/tensor/dtype.js';
import { coordLines, indexExpr, lit, sig, type KernelSource } from './common.js';

/** Reduced elements one thread handles at most; longer reductions are split into chunks. */
export const CHUNK = 1024;
/** Elements summed into one block partial before it joins the thread's running value. */
export const BLOCK = 32;

/** Starting value of each op: what the CPU's accumulator is filled with. */
export const INIT: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

/** acc (op) v, with NaN propagating through max/min as the CPU's `v > a || v !== v`. */
export function combineExpr(op: ReduceOp, acc: string, v: string): string {
  switch (op) {
    case 'sum': return `${acc} + ${v}`;
    case 'prod': return `${acc} * ${v}`;
    case 'max': return `(${v} > ${acc} || ${v} !== ${v} ? ${v} : ${acc})`;
    case 'min': return `(${v} < ${acc} || ${v} !== ${v} ? ${v} : ${acc})`;
  }
}

/** The store into `dtype`: int32 truncates toward zero, bool saturates to 0/1 (typed-array stores). */
export function storeExpr(v: string, dtype: DType): string {
  if (dtype === 'int32') return `(${v} < 0.0 ? Math.ceil(${v}) : Math.floor(${v}))`;
  if (dtype === 'bool') return `(${v} !== 0.0 ? 1.0 : 0.0)`;
  return v;
}

/** A per-element map applied before reducing; `a` is the aux value of the output, `r` the reduced index. */
export interface PreMap { name: string; expr: (v: string, a: string, r: string) => string }
/** A map of the finished reduction; `a` is the aux value of the output. */
export interface PostMap { name: string; expr: (acc: string, a: string) => string }

export interface ReduceSpec {
  op: ReduceOp;
  /** kept dims (collapsed; the output is row-major over them) and x's strides along them */
  kept: readonly number[];
  keptStride: readonly number[];
  /** reduced dims (collapsed), walked row-major: the flat reduced index r runs over them */
  red: readonly number[];
  redStride: readonly number[];
  /** chunks per output (1: one thread per output reduces everything) */
  chunks: number;
  /** reduced elements per chunk: a multiple of BLOCK unless there is one block (see chunkLength) */
  chunkLen: number;
  pre?: PreMap;
  post?: PostMap;
  /** an aux input with one value per output (args: x, xOffset, aux) */
  aux?: boolean;
  dtype: DType;
}

/** Chunk length for `chunks` chunks over R elements: whole blocks, or one short block. */
export function chunkLength(R: number, chunks: number): number {
  const L = Math.ceil(R / chunks);
  return L <= BLOCK ? L : Math.ceil(L / BLOCK) * BLOCK;
}

/**
 * out[t] for t = o * chunks + p: the reduction of chunk p of output o's reduced elements
 * (r in [p L, (p+1) L) ∩ [0, R)), pre-mapped per element and post-mapped at the end.
 * Arguments: x, its offset xo, and with `aux` a contiguous buffer a of one value per output.
 */
export function reduceSource(s: ReduceSpec): KernelSource {
  const R = s.red.reduce((p, n) => p * n, 1);
  const { chunks: P, chunkLen: L, op } = s;
  const B = Math.max(1, Math.min(L, BLOCK));
  const NB = Math.ceil(L / B);
  const args = s.aux ? 'x, xo, a' : 'x, xo';
  const key = `reduce:${op}:${s.dtype}:${sig(s.kept, s.keptStride)}:${sig(s.red, s.redStride)}:${P}x${L}` +
    `:${s.pre?.name ?? ''}:${s.post?.name ?? ''}`;
  const lines: string[] = [];
  lines.push(P === 1 ? 'const o = this.thread.x;' : `const o = Math.floor((this.thread.x + 0.5) / ${P});`);
  if (P > 1) lines.push(`const p = this.thread.x - o * ${P};`);
  if (s.kept.length) lines.push(coordLines(s.kept, 'o', 'k'));
  lines.push(`const base = ${indexExpr('xo', s.keptStride, 'k')};`);
  const av = s.aux ? 'av' : '0.0';
  if (s.aux) lines.push('const av = a[o];');
  lines.push(`let acc = ${lit(INIT[op])};`);
  if (R > 0) {
    const first = P > 1 ? `p * ${lit(L)} + ` : '';
    const inRange = P * NB * B > R; // the last chunk's tail runs past R
    const at = indexExpr('base', s.redStride, 'e');
    const body = [
      ...(s.red.length ? [coordLines(s.red, 'r', 'e')] : []),
      `const xv = x[${at}];`,
      `const v = ${s.pre ? s.pre.expr('xv', av, 'r') : 'xv'};`,
      `part = ${combineExpr(op, 'part', 'v')};`,
    ];
    const inner = [`const r = ${first}b * ${lit(B)} + j;`, ...(inRange ? [`if (r < ${lit(R)}) {`, ...body.map((l) => `  ${l}`), '}'] : body)];
    lines.push(
      `for (let b = 0; b < ${NB}; b++) {`,
      `  let part = ${lit(INIT[op])};`,
      `  for (let j = 0; j < ${B}; j++) {`,
      ...inner.map((l) => `    ${l}`),
      '  }',
      `  acc = ${combineExpr(op, 'acc', 'part')};`,
      '}',
    );
  } else if (!s.post) {
    // nothing to reduce: the start value, as the CPU's typed array stores it
    const stored = allocTyped(s.dtype === 'float64' ? 'float32' : s.dtype, 1);
    stored[0] = INIT[op];
    lines.push(`acc = ${lit(stored[0])};`);
  }
  const result = s.post ? s.post.expr('acc', av) : 'acc';
  lines.push(`return ${storeExpr(result, s.dtype)};`);
  const source = `function (${args}) {\n    ${lines.join('\n    ')}\n  }`;
  return { key, source, maxLoop: R > 0 ? Math.max(NB, B) : 0 };
}
