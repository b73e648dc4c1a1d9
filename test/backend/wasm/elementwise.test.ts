// elementwise.test.ts — the wasm backend's float32 maps (kernels/wasm/elementwise.ts: copy, unary,
// clamp, binary with broadcasting, where, GELU's backward) against the CPU reference: exact ops
// bit for bit, the SIMD polynomials (exp, log, tanh, sigmoid, erf, gelu) within 1e-6; on 2^20 + 3
// elements (threaded by size alone, SIMD tails), each broadcast fast path, special values (NaN,
// ±inf, ±0, subnormals), inputs outside wasm memory, and the same bits on 1 and 2 threads.

import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp, View } from '../../../src/backend/backend.js';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { contiguousStrides, numel } from '../../../src/tensor/shape.js';
import { values } from '../gpujs/kit.js';
import { cpu, expectBits, onThreads, THREAD_CASES, viewPair, wasm, type Pair } from './pairs.js';

type Arr = TypedArray;
const N = 2 ** 20 + 3;

const EXACT_UNARY: UnaryOp[] = ['neg', 'abs', 'sqrt', 'relu', 'reciprocal', 'floor', 'ceil', 'round', 'sign'];
const POLY_UNARY: UnaryOp[] = ['exp', 'log', 'tanh', 'sigmoid', 'erf', 'gelu', 'sin', 'cos'];
const EXACT_BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];

/** Values the kernels must get right at the edges of their ranges. */
const SPECIAL = [
  0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5, 2.5, -2.5, 0.625, -0.625, 1e-3, -1e-3, 1e-30, -1e-30,
  1e-40, -1e-40, 1.4e-45, 3e-38, 88.7, 88.73, 89, -87.3, -100, -103.9, -104, -120, 9, -9, 3.9, 4, -4.1, 6,
  -6, -20, 1e10, -1e10, 3.4e38, -3.4e38, 0.49999997, 8388609, 0.84375, 1.25, 2.857,
];

/** n floats over several scales (|x| up to ~100) with the special values spread through them. */
function mixed(n: number, seed: number): number[] {
  const scale = [1, 12, 100, 1e-4];
  const v = values(n, seed).map((x, i) => Math.fround(x * scale[i % 4]));
  SPECIAL.forEach((s, k) => {
    if (3 * k >= n) return;
    v[k] = s;
    v[(k * 7919 + (n >> 1)) % n] = s;
    v[n - 1 - k] = s;
  });
  return v;
}

/** A view of `shape` with the given strides and offset over `storage`, on both backends. */
function pairOf(storage: number[], shape: number[], stride: number[], offset = 0): Pair {
  return {
    c: { data: cpu.fromHost('float32', Float32Array.from(storage)), shape, stride, offset },
    w: { data: wasm.fromHost('float32', Float32Array.from(storage)), shape, stride, offset },
  };
}

/**
 * |got - want| <= 1e-6 |want| + 1e-7 scale_i elementwise, NaN where the reference has NaN
 * (scale: 1, or |dy| for GELU's backward, whose Φ(x) + x φ(x) cancels near x = -0.75).
 */
function expectNear(got: Arr, want: Arr, what: string, scale?: Arr): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = want[i];
    if (Object.is(g, w) || (Number.isNaN(w) && Number.isNaN(g))) continue;
    // dy = ±inf times a factor that float32 flushes to 0 (x < -14) is NaN here, ±inf in float64
    if (scale && !Number.isFinite(scale[i]) && Number.isNaN(g)) continue;
    const atol = 1e-7 * (scale ? Math.max(1, 10 * Math.abs(scale[i])) : 1);
    if (!(Math.abs(g - w) <= 1e-6 * Math.abs(w) + atol)) expect(`${what}[${i}] = ${g}`).toBe(`${what}[${i}] = ${w}`);
  }
}

/** GELU's backward of wasm against cpu, within float32 cancellation of Φ(x) + x φ(x). */
function expectGeluGrad(got: Arr, x: Pair, dy: Pair): void {
  const want = cpu.geluBackward(x.c, dy.c, 'float32');
  expectNear(got, want, 'geluBackward', cpu.copy(dy.c, 'float32'));
}

describe('wasm elementwise kernels: large inputs (threaded by size alone, SIMD tails)', () => {
  const x = viewPair('float32', [N], 'contiguous', mixed(N, 1));
  const y = viewPair('float32', [N], 'contiguous', mixed(N, 2).reverse());

  it.each(EXACT_UNARY)('%s: the cpu bits, on 2 threads and on 1', (op) => {
    const two = onThreads(2, false, () => wasm.unary(op, x.w, 'float32'));
    expect(two.calls).toEqual([['ewMap', 2]]);
    expectBits(two.result, cpu.unary(op, x.c, 'float32'), op);
    expectBits(onThreads(1, false, () => wasm.unary(op, x.w, 'float32')).result, two.result, `${op} 1 thread`);
  });

  it.each(POLY_UNARY)('%s: within 1e-6 of cpu, the same bits on 1 and 2 threads', (op) => {
    const two = onThreads(2, false, () => wasm.unary(op, x.w, 'float32'));
    expect(two.calls).toEqual([['ewMap', 2]]);
    expectNear(two.result, cpu.unary(op, x.c, 'float32'), op);
    expectBits(onThreads(1, false, () => wasm.unary(op, x.w, 'float32')).result, two.result, `${op} 1 thread`);
  });

  it.each([...EXACT_BINARY, 'pow'] as BinaryOp[])('%s: the cpu bits, on 2 threads and on 1', (op) => {
    const a = op === 'pow' ? viewPair('float32', [N], 'contiguous', mixed(N, 3).map((v, i) => (i % 2 ? Math.abs(v) : v))) : x;
    const b = op === 'pow' ? viewPair('float32', [N], 'contiguous', values(N, 4).map((v, i) => (i % 3 ? v : Math.round(4 * v)))) : y;
    const two = onThreads(2, false, () => wasm.binary(op, a.w, b.w, 'float32'));
    expect(two.calls).toEqual([['ewMap', 2]]);
    // pow: wasm's float64 pow (musl) and V8's may differ in the last bit of a double
    if (op === 'pow') expectNear(two.result, cpu.binary(op, a.c, b.c, 'float32'), op);
    else expectBits(two.result, cpu.binary(op, a.c, b.c, 'float32'), op);
    expectBits(onThreads(1, false, () => wasm.binary(op, a.w, b.w, 'float32')).result, two.result, `${op} 1 thread`);
  });

  it('geluBackward, copy, clamp and where: as cpu, the same bits on 1 and 2 threads', () => {
    const flags = Uint8Array.from(values(N, 5, 'bool'));
    const cond: Pair = {
      c: { data: cpu.fromHost('bool', flags), shape: [N], stride: [1], offset: 0 },
      w: { data: wasm.fromHost('bool', flags), shape: [N], stride: [1], offset: 0 },
    };
    const run = (): Arr[] => [
      wasm.geluBackward(x.w, y.w, 'float32'),
      wasm.copy(x.w, 'float32'),
      wasm.clamp(x.w, -0.5, 0.7, 'float32'),
      wasm.clamp(x.w, null, 3, 'float32'),
      wasm.where(cond.w, x.w, y.w, 'float32'),
    ];
    const two = onThreads(2, false, run), one = onThreads(1, false, run);
    expect(two.calls.map(([, nt]) => nt)).toEqual([2, 2, 2, 2, 2]);
    two.result.forEach((r, k) => expectBits(one.result[k], r, `call ${k} on 1 thread`));
    expectGeluGrad(two.result[0], x, y);
    expectBits(two.result[1], cpu.copy(x.c, 'float32'), 'copy');
    expectBits(two.result[2], cpu.clamp(x.c, -0.5, 0.7, 'float32'), 'clamp(-0.5, 0.7)');
    expectBits(two.result[3], cpu.clamp(x.c, null, 3, 'float32'), 'clamp(max 3)');
    expectBits(two.result[4], cpu.where(cond.c, x.c, y.c, 'float32'), 'where');
  });
});

// ---- broadcasting: each of the kernel's row loops ------------------------------------------------

/** [name, shape, a's strides, b's strides, storage sizes]: operands already broadcast to `shape`. */
const BROADCASTS: [string, number[], number[], number[]][] = [
  ['same shape', [37, 53], contiguousStrides([37, 53]), contiguousStrides([37, 53])],
  ['b a scalar (stride 0)', [1001], [1], [0]],
  ['a a scalar (stride 0)', [1001], [0], [1]],
  ['row broadcast: bias add (64, 37) + (37)', [64, 37], [37, 1], [0, 1]],
  ['column broadcast (64, 37) + (64, 1)', [64, 37], [37, 1], [1, 0]],
  ['outer product (33, 1) x (1, 29)', [33, 29], [1, 0], [0, 1]],
  ['transposed a, row-broadcast b', [29, 33], [1, 29], [0, 1]],
  ['rank broadcast (3, 1, 5) + (4, 1)', [3, 4, 5], [5, 0, 1], [0, 1, 0]],
  ['step-sliced a (stride 3), b expanded along dim 0', [6, 7, 9], [189, 27, 3], [0, 9, 1]],
  ['single element', [1, 1], [1, 1], [1, 1]],
  ['odd sizes below the SIMD width', [3, 1, 2], [2, 2, 1], [0, 0, 1]],
];

/** A view with these strides over a storage just large enough, filled from mixed(). */
function broadcastView(shape: number[], stride: number[], seed: number): Pair {
  const size = 1 + shape.reduce((s, n, d) => s + (n - 1) * stride[d], 0);
  return pairOf(mixed(size, seed), shape, stride);
}

describe.each(BROADCASTS)('wasm binary kernels, %s', (_, shape, sa, sb) => {
  const a = broadcastView(shape, sa, 6), b = broadcastView(shape, sb, 7);
  for (const [name, threads, split] of THREAD_CASES) {
    it(`add, sub, mul, div, maximum, minimum: the cpu bits (${name})`, () => {
      for (const op of EXACT_BINARY) {
        const { result, calls } = onThreads(threads, split, () => wasm.binary(op, a.w, b.w, 'float32'));
        expect(calls).toEqual([['ewMap', threads]]);
        expectBits(result, cpu.binary(op, a.c, b.c, 'float32'), op);
      }
    });
    it(`pow, geluBackward and where: as cpu (${name})`, () => {
      const cond: View<Arr> = { data: wasm.fromHost('bool', Uint8Array.from(values(numel(shape), 8, 'bool'))), shape, stride: contiguousStrides(shape), offset: 0 };
      const { result } = onThreads(threads, split, () => [wasm.binary('pow', a.w, b.w, 'float32'), wasm.geluBackward(a.w, b.w, 'float32'), wasm.where(cond, a.w, b.w, 'float32')]);
      expectNear(result[0], cpu.binary('pow', a.c, b.c, 'float32'), 'pow');
      expectGeluGrad(result[1], a, b);
      expectBits(result[2], cpu.where({ ...cond, data: Uint8Array.from(cond.data) }, a.c, b.c, 'float32'), 'where');
    });
  }
});

// ---- special values, inputs outside wasm memory, what stays on the reference --------------------

describe('wasm elementwise kernels: special values and fallbacks', () => {
  it('maximum/minimum propagate NaN and keep the cpu rule for ties of ±0; mul and neg keep -0', () => {
    const p = [NaN, 1, -0, 0, 0, -0, Infinity, -Infinity, NaN, 2, 3, -1, 5];
    const q = [0, NaN, 0, -0, 0, -0, -Infinity, NaN, NaN, 2, -3, -0, 5];
    const a = pairOf(p, [p.length], [1]), b = pairOf(q, [q.length], [1]);
    for (const op of ['maximum', 'minimum', 'mul', 'add', 'sub', 'div'] as BinaryOp[]) {
      expectBits(wasm.binary(op, a.w, b.w, 'float32'), cpu.binary(op, a.c, b.c, 'float32'), op);
    }
    expectBits(wasm.unary('neg', a.w, 'float32'), cpu.unary('neg', a.c, 'float32'), 'neg');
  });

  it('unary ops at special values: exact ops bit for bit, exp(-inf) = 0, log(0) = -inf, tanh(±inf) = ±1', () => {
    const s = pairOf(SPECIAL, [SPECIAL.length], [1]);
    for (const op of EXACT_UNARY) expectBits(wasm.unary(op, s.w, 'float32'), cpu.unary(op, s.c, 'float32'), op);
    for (const op of POLY_UNARY) expectNear(wasm.unary(op, s.w, 'float32'), cpu.unary(op, s.c, 'float32'), op);
    const t = pairOf([-Infinity, 0, -0, Infinity, NaN], [5], [1]);
    expect(Array.from(wasm.unary('exp', t.w, 'float32'))).toEqual([0, 1, 1, Infinity, NaN]);
    expect(Array.from(wasm.unary('log', t.w, 'float32'))).toEqual([NaN, -Infinity, -Infinity, Infinity, NaN]);
    expect(Array.from(wasm.unary('tanh', t.w, 'float32'))).toEqual([-1, 0, -0, 1, NaN]);
    expect(Array.from(wasm.unary('sigmoid', t.w, 'float32'))).toEqual([0, 0.5, 0.5, 1, NaN]);
    expect(Array.from(wasm.unary('erf', t.w, 'float32'))).toEqual([-1, 0, -0, 1, NaN]);
  });

  it('copy moves bits: a signalling NaN payload survives, contiguous or strided', () => {
    const bits = Int32Array.from([0x7fa00001, 0x3f800000, -1, 0x00000001, 0x80000000, 0x7f800000]);
    const f = new Float32Array(bits.buffer);
    const data = wasm.fromHost('float32', f);
    const all: View<Arr> = { data, shape: [6], stride: [1], offset: 0 };
    const odd: View<Arr> = { data, shape: [3], stride: [2], offset: 1 };
    expect(Array.from(new Int32Array(wasm.copy(all, 'float32').buffer, wasm.copy(all, 'float32').byteOffset, 6))).toEqual(Array.from(bits));
    const c = wasm.copy({ data, shape: [3], stride: [2], offset: 0 }, 'float32');
    expect(Array.from(new Int32Array(c.buffer, c.byteOffset, 3))).toEqual([0x7fa00001, -1, 0x80000000 | 0]);
    expectBits(wasm.copy(odd, 'float32'), cpu.copy(odd, 'float32'), 'strided copy');
  });

  it('matmul, im2col and indexSelect on storage outside wasm memory take the reference kernel, in wasm memory', () => {
    const host = (vals: number[], shape: number[], stride: number[]): View<Arr> => ({ data: Float32Array.from(vals), shape, stride, offset: 0 });
    const a = host(mixed(6 * 5, 11), [6, 5], [5, 1]), b = host(mixed(5 * 7, 12), [5, 7], [1, 5]);
    expect(wasm.pointer(a)).toBe(-1);
    const ab = wasm.matmul(a, b, 'float32');
    expect(wasm.runtime.heap.isResident(ab)).toBe(true);
    expectBits(ab, cpu.matmul(a, b, 'float32'), 'matmul');
    const g = { n: 1, c: 1, h: 6, w: 5, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, oh: 6, ow: 5 };
    const x = host(mixed(30, 13), [1, 1, 6, 5], [30, 30, 5, 1]);
    expectBits(wasm.im2col(x, g, 'float32'), cpu.im2col(x, g, 'float32'), 'im2col');
    const ids: View<Arr> = { data: Int32Array.from([4, 0, 4]), shape: [3], stride: [1], offset: 0 };
    expectBits(wasm.indexSelect(a, 0, ids, 'float32'), cpu.indexSelect(a, 0, ids, 'float32'), 'indexSelect');
  });

  it('inputs outside wasm memory (plain typed arrays) are copied in; the output is in wasm memory', () => {
    const host = (vals: number[], shape: number[], stride: number[]): View<Arr> => ({ data: Float32Array.from(vals), shape, stride, offset: 0 });
    const a = host(mixed(200, 9), [10, 20], [20, 1]), b = host(mixed(20, 10), [10, 20], [0, 1]);
    expect(wasm.runtime.heap.isResident(a.data)).toBe(false);
    const sum = wasm.binary('add', a, b, 'float32');
    expect(wasm.runtime.heap.isResident(sum)).toBe(true);
    expectBits(sum, cpu.binary('add', a, b, 'float32'), 'add');
    expectNear(wasm.unary('exp', a, 'float32'), cpu.unary('exp', a, 'float32'), 'exp');
    expectBits(wasm.copy({ ...a, shape: [20, 10], stride: [1, 20] }, 'float32'), cpu.copy({ ...a, shape: [20, 10], stride: [1, 20] }, 'float32'), 'copy');
  });

  it('empty and 0-d operands', () => {
    const e = pairOf([], [0, 3], [3, 1]);
    expect(wasm.unary('exp', e.w, 'float32').length).toBe(0);
    expect(wasm.binary('add', e.w, e.w, 'float32').length).toBe(0);
    const s = pairOf([-2.5], [], []);
    expect(Array.from(wasm.unary('abs', s.w, 'float32'))).toEqual([2.5]);
    expect(Array.from(wasm.binary('mul', s.w, s.w, 'float32'))).toEqual([6.25]);
  });

  it('float64, int32, casts and bool results take the reference kernels, exactly', () => {
    const d = viewPair('float64', [5, 7], 'strided', values(35, 11, 'float64'));
    expectBits(wasm.unary('exp', d.w, 'float64'), cpu.unary('exp', d.c, 'float64'), 'exp float64');
    const i = viewPair('int32', [9], 'contiguous', values(9, 12, 'int32'));
    expectBits(wasm.binary('add', i.w, i.w, 'int32'), cpu.binary('add', i.c, i.c, 'int32'), 'add int32');
    const f = viewPair('float32', [4, 6], 'permuted', values(24, 13));
    expectBits(wasm.binary('lt', f.w, f.w, 'bool'), cpu.binary('lt', f.c, f.c, 'bool'), 'lt');
    expectBits(wasm.copy(f.w, 'float64'), cpu.copy(f.c, 'float64'), 'cast to float64');
    expectBits(wasm.unary('isnan', f.w, 'bool'), cpu.unary('isnan', f.c, 'bool'), 'isnan');
  });
});
