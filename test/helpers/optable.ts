// optable.ts — the table-driven op test runner. One table line is one (op, shapes) case:
//   op('add [2,3]+[3]', [F([2,3]), F([3])], (a, b) => a.add(b), (a, b) => R.zip((x, y) => x + y, a, b))
// For every backend and every input layout (contiguous, permuted, step-sliced, expanded: the
// view is taken inside the function under test) the runner checks the forward pass against
// the float64 reference on float32 and float64 inputs, that the non-contiguous result equals
// the result on `.contiguous()` inputs, and the backward pass with `gradcheck` in float64.
// A backend without float64 (gpujs) runs the float32 forward checks, and its analytic float32
// gradient is compared with the CPU backend's on the same inputs (test/helpers/crosscheck.ts).

import { expect, it } from 'vitest';
import { gradcheck, tensor, type DType, type GradcheckOptions, type Tensor } from '../../src/index.js';
import { describeEachBackend, type BackendCase } from './backends.js';
import { expectClose } from './close.js';
import { expectMatchesCpu } from './crosscheck.js';
import { numelOf, ref, rngFor, stridesOf, unravel, type Ref } from './reference.js';

// ---- input specs -----------------------------------------------------------------------------

export interface Spec {
  shape: number[];
  kind: 'float' | 'int32' | 'bool';
  /** Values in row-major order, given the case's random generator. */
  gen: (rng: () => number) => number[];
}

/** Float input uniform in [lo, hi), kept at least `gap` away from each point in `away`. */
export function F(shape: number[], lo = -2, hi = 2, away: number[] = [], gap = 0.1): Spec {
  return {
    shape, kind: 'float',
    gen: (rng) => Array.from({ length: numelOf(shape) }, () => {
      for (;;) {
        const v = lo + (hi - lo) * rng();
        if (away.every((p) => Math.abs(v - p) >= gap)) return v;
      }
    }),
  };
}
/** Positive float input in [0.5, 2) (log, sqrt, pow bases, divisors). */
export const P = (shape: number[]): Spec => F(shape, 0.5, 2);
/** Float input away from 0 (relu, abs, sign-sensitive ops). */
export const NZ = (shape: number[]): Spec => F(shape, -2, 2, [0], 0.2);
/** Float input with the given values. */
export const V = (shape: number[], values: number[]): Spec => ({ shape, kind: 'float', gen: () => values });
/** Constant int32 input: explicit values, or uniform integers in [lo, hi). */
export function I(shape: number[], values: number[] | [number, number], random = false): Spec {
  return {
    shape, kind: 'int32',
    gen: (rng) => (random ? Array.from({ length: numelOf(shape) }, () => values[0] + Math.floor((values[1] - values[0]) * rng())) : values),
  };
}
/** Constant bool input, each element true with probability 1/2 (or the given values). */
export const B = (shape: number[], values?: boolean[]): Spec => ({
  shape, kind: 'bool',
  gen: (rng) => (values ? values.map(Number) : Array.from({ length: numelOf(shape) }, () => (rng() < 0.5 ? 1 : 0))),
});

// ---- cases -----------------------------------------------------------------------------------

export type Layout = 'contiguous' | 'permuted' | 'strided' | 'expanded';
export const ALL_LAYOUTS: Layout[] = ['contiguous', 'permuted', 'strided', 'expanded'];

export interface CaseOptions {
  /** Layouts to run (default all); drop 'expanded' where repeated values would make ties. */
  layouts?: Layout[];
  /** Run gradcheck (default true; false for ops without a gradient). */
  grad?: boolean;
  gradOpts?: GradcheckOptions;
  /** Forward dtypes of the float inputs (default both). */
  dtypes?: ('float32' | 'float64')[];
  /** Expected output dtype, given the float inputs' dtype (default: that dtype). */
  outDtype?: DType | ((inDtype: DType) => DType);
  /** Multiplier on the float32 forward tolerance. */
  tol?: number;
}

export interface OpCase extends CaseOptions {
  name: string;
  inputs: Spec[];
  fn: (...xs: Tensor[]) => Tensor;
  ref: (...xs: Ref[]) => Ref;
}

export function op(name: string, inputs: Spec[], fn: (...xs: Tensor[]) => Tensor, refFn: (...xs: Ref[]) => Ref, opts: CaseOptions = {}): OpCase {
  return { name, inputs, fn, ref: refFn, ...opts };
}

export const fmtShape = (s: number[]): string => `[${s.join(',')}]`;

// ---- layouts ---------------------------------------------------------------------------------

export { rngFor };

/** How one input is stored (leaf) and viewed back to its logical shape inside fn. */
interface Placed {
  leafShape: number[];
  leafData: number[];
  /** Logical values in row-major order (what fn sees after `adapt`). */
  logical: number[];
  adapt: (t: Tensor) => Tensor;
  /** True when the adapted view is non-contiguous. */
  changed: boolean;
}

/** Values a kernel must never read: a strided view skips them (NaN, or an out-of-range index:
 * 2^24 - 1, the largest integer a float32-only backend such as gpujs holds exactly). */
function filler(kind: Spec['kind']): number {
  return kind === 'float' ? NaN : kind === 'int32' ? 2 ** 24 - 1 : 1;
}

function place(layout: Layout, spec: Spec, values: number[]): Placed {
  const shape = spec.shape, nd = shape.length;
  const same: Placed = { leafShape: shape, leafData: values, logical: values, adapt: (t) => t, changed: false };
  if (layout === 'contiguous' || nd === 0 || numelOf(shape) === 0) return same;
  if (layout === 'permuted') {
    // stored transposed (all dims reversed), permuted back inside fn
    if (shape.filter((n) => n > 1).length < 2) return same;
    const leafShape = [...shape].reverse();
    const st = stridesOf(shape);
    const leafData = Array.from({ length: values.length }, (_, i) => {
      const idx = unravel(i, leafShape).reverse();
      return values[idx.reduce((s, v, d) => s + v * st[d], 0)];
    });
    const rev = [...shape.keys()].reverse();
    return { leafShape, leafData, logical: values, adapt: (t) => t.permute(rev), changed: true };
  }
  if (layout === 'strided') {
    // stored at odd positions of a last dim of 2n+1, sliced back with x[..., 1::2]
    if (numelOf(shape) < 2) return same;
    const n = shape[nd - 1];
    const leafShape = [...shape.slice(0, -1), 2 * n + 1];
    const leafData = new Array<number>(numelOf(leafShape)).fill(filler(spec.kind));
    values.forEach((v, i) => {
      const row = Math.floor(i / n), j = i % n;
      leafData[row * (2 * n + 1) + 2 * j + 1] = v;
    });
    return { leafShape, leafData, logical: values, adapt: (t) => t.slice(-1, 1, null, 2), changed: true };
  }
  // expanded: the first row repeated along dim 0 (a stride-0 view)
  if (shape[0] < 2) return same;
  const leafShape = shape.slice(1);
  const m = numelOf(leafShape);
  const leafData = values.slice(0, m);
  const logical = values.map((_, i) => leafData[i % m]);
  return { leafShape, leafData, logical, adapt: (t) => t.expand(shape), changed: true };
}

function makeTensor(spec: Spec, p: Placed, floatDtype: DType, requiresGrad = false): Tensor {
  const dtype = spec.kind === 'float' ? floatDtype : spec.kind;
  const data = dtype === 'float32' ? Float32Array.from(p.leafData) : dtype === 'float64' ? Float64Array.from(p.leafData) : dtype === 'int32' ? Int32Array.from(p.leafData) : Uint8Array.from(p.leafData);
  return tensor(data, { shape: p.leafShape, dtype, requiresGrad: requiresGrad && spec.kind === 'float' });
}

function refInput(spec: Spec, p: Placed, floatDtype: DType): Ref {
  const vals = spec.kind === 'float' && floatDtype === 'float32' ? p.logical.map(Math.fround) : p.logical;
  return ref(spec.shape, vals);
}

function placeAll(c: OpCase, layout: Layout): Placed[] {
  return c.inputs.map((s, k) => {
    const values = s.gen(rngFor(`${c.name}#${k}`));
    if (values.length !== numelOf(s.shape)) throw new Error(`${c.name}: input ${k} has ${values.length} values for shape ${fmtShape(s.shape)}`);
    return place(layout, s, values);
  });
}

/** The layouts a case runs in: those that make at least one input a non-contiguous view. */
export function layoutsOf(c: OpCase): Layout[] {
  return (c.layouts ?? ALL_LAYOUTS).filter((l) => l === 'contiguous' || placeAll(c, l).some((p) => p.changed));
}

// ---- the runner ------------------------------------------------------------------------------

const outDtypeOf = (c: OpCase, dtype: DType): DType => (typeof c.outDtype === 'function' ? c.outDtype(dtype) : c.outDtype ?? dtype);

function checkForward(c: OpCase, layout: Layout, dtype: 'float32' | 'float64', tol: number): void {
  const placed = placeAll(c, layout);
  const xs = c.inputs.map((s, k) => placed[k].adapt(makeTensor(s, placed[k], dtype)));
  const expected = c.ref(...c.inputs.map((s, k) => refInput(s, placed[k], dtype)));
  const y = c.fn(...xs);
  const outDtype = outDtypeOf(c, dtype);
  expect(y.shape, 'shape').toEqual(expected.shape);
  expect(y.dtype, 'dtype').toBe(outDtype);
  const t = dtype === 'float32' && outDtype !== 'float64' ? tol * (c.tol ?? 1) : 1e-10;
  expectClose(y.dataSync(), expected.data, t, t);
  if (layout !== 'contiguous') {
    // the op on the non-contiguous views equals the op on contiguous copies
    expect(xs.some((x) => !x.isContiguous()), 'some input is a non-contiguous view').toBe(true);
    const yc = c.fn(...xs.map((x) => x.contiguous()));
    const tc = t === 1e-10 ? 1e-12 : t / 10;
    expectClose(y.dataSync(), yc.dataSync(), tc, tc);
  }
}

function checkGrad(c: OpCase, layout: Layout): void {
  const placed = placeAll(c, layout);
  const leaves = c.inputs.map((s, k) => makeTensor(s, placed[k], 'float64', true));
  const f = (...ls: Tensor[]): Tensor => c.fn(...ls.map((l, k) => placed[k].adapt(l)));
  expect(gradcheck(f, leaves, c.gradOpts)).toBe(true);
}

/** Without float64: the analytic gradient here, from float32 inputs, equals the CPU backend's. */
function checkGradAgainstCpu(c: OpCase, layout: Layout, tol: number): void {
  const placed = placeAll(c, layout);
  expectMatchesCpu(() => {
    const leaves = c.inputs.map((s, k) => makeTensor(s, placed[k], 'float32', true));
    return { out: c.fn(...leaves.map((l, k) => placed[k].adapt(l))), wrt: leaves };
  }, { tol: tol * (c.tol ?? 1) });
}

/** Layouts of the gradient comparison on backends without float64 (each layout compiles its
 * own kernels; the forward tests already run every layout). */
const CROSS_LAYOUTS: Layout[] = ['contiguous', 'permuted', 'strided', 'expanded'];

function registerCase(c: OpCase, b: BackendCase): void {
  const dtypes = c.dtypes ?? ['float32', 'float64'];
  const grads = c.grad ?? true;
  for (const layout of layoutsOf(c)) {
    const label = `${c.name} (${layout})`;
    if (b.float64) {
      for (const dtype of dtypes) it(`${label} forward ${dtype}`, () => checkForward(c, layout, dtype, b.tol));
      if (grads) it(`${label} gradcheck`, () => checkGrad(c, layout));
      continue;
    }
    // no float64 here: float32 forward against the float64 reference, gradients against cpu
    if (!dtypes.includes('float32')) continue;
    if (outDtypeOf(c, 'float32') === 'float64') {
      it(`${label} forward float32 refuses the float64 result`, () => {
        const placed = placeAll(c, layout);
        expect(() => c.fn(...c.inputs.map((s, k) => placed[k].adapt(makeTensor(s, placed[k], 'float32'))))).toThrow(/float64 is not supported/);
      });
      continue;
    }
    it(`${label} forward float32`, () => checkForward(c, layout, 'float32', b.tol));
    if (grads && CROSS_LAYOUTS.includes(layout)) it(`${label} gradient vs cpu`, () => checkGradAgainstCpu(c, layout, b.tol));
  }
}

/**
 * Registers, for every backend, one forward test per (case, layout, dtype) and one gradient
 * test per (case, layout): gradcheck in float64 where the backend has float64, else the
 * analytic float32 gradient compared with the CPU backend's.
 */
export function runOpTable(title: string, cases: OpCase[]): void {
  describeEachBackend(title, (b) => {
    if (!b.float64) {
      it('float64 tensors are refused with a clear error', () => {
        expect(() => tensor([1, 2], { dtype: 'float64' })).toThrow(/float64 is not supported \(gpu\.js computes in float32\)/);
      });
    }
    for (const c of cases) registerCase(c, b);
  });
}
