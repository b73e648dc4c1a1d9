// crosscheck.ts — a backend without float64 (gpujs) cannot be gradchecked, so its analytic
// gradients are held against the CPU backend's instead: the same computation is built twice
// from the same float32 host values (after the same manualSeed), once on the backend under test
// and once on cpu; outputs and the gradients of sum_i <out_i, seed_i> (fixed random cotangents)
// with respect to every listed input or parameter must agree within a float32 tolerance
// scaled by each tensor's magnitude. The CPU side is itself gradchecked in float64 elsewhere.

import { expect } from 'vitest';
import { grad, gradcheck, manualSeed, tensor, type GradcheckOptions, type Tensor } from '../../src/index.js';
import { onCpu, type BackendCase } from './backends.js';
import { expectClose } from './close.js';
import { rngFor } from './reference.js';

/** One run of a computation: its output(s), and the tensors to differentiate with respect to. */
export interface Built {
  out: Tensor | Tensor[];
  wrt: Tensor[];
}

export interface CrossCheckOptions {
  /** float32 tolerance (atol is scaled by max(1, max |expected|) of each tensor) */
  tol: number;
  /** manualSeed before each build (default 0) */
  seed?: number;
  /** compare gradients (default true) */
  grad?: boolean;
  /** names the tensors in failures */
  label?: string;
}

const isFloat = (t: Tensor): boolean => t.dtype === 'float32' || t.dtype === 'float64';

/** Fixed cotangents for the differentiable outputs (null for the others). */
function seedsFor(outs: Tensor[]): (Tensor | null)[] {
  return outs.map((y, i) => {
    if (!y.requiresGrad || !isFloat(y)) return null;
    const r = rngFor(`cotangent#${i}`);
    return tensor(Float32Array.from({ length: y.numel() }, () => 2 * r() - 1), { shape: y.shape, dtype: y.dtype });
  });
}

interface Result {
  outs: Float64Array[];
  shapes: number[][];
  grads: (Float64Array | null)[];
}

function evaluate(build: () => Built, seed: number, withGrad: boolean): Result {
  manualSeed(seed);
  const b = build();
  const outs = Array.isArray(b.out) ? b.out : [b.out];
  const res: Result = { outs: outs.map((y) => Float64Array.from(y.dataSync())), shapes: outs.map((y) => y.shape), grads: [] };
  if (!withGrad) return res;
  const seeds = seedsFor(outs);
  const diff = outs.filter((_, i) => seeds[i] !== null);
  const wrt = b.wrt.filter((t) => t.requiresGrad);
  if (diff.length === 0 || wrt.length === 0) return res;
  const gs = grad(diff, wrt, { gradOutputs: seeds.filter((s) => s !== null), allowUnused: true });
  let k = 0;
  res.grads = b.wrt.map((t) => (t.requiresGrad ? Float64Array.from(gs[k++].dataSync()) : null));
  return res;
}

/** Elementwise closeness with atol scaled by the magnitude of the expected tensor. */
export function expectCloseScaled(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  let scale = 1;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i])) scale = Math.max(scale, Math.abs(expected[i]));
  try {
    expectClose(actual, expected, tol * scale, tol);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

/**
 * Builds the computation on the current backend and on cpu (after the same manualSeed) and
 * expects equal outputs and equal analytic gradients w.r.t. `wrt`, within opts.tol.
 * `build` must make every tensor it uses (inputs, targets, masks, modules) itself: it runs once
 * per backend, and tensors of two backends never mix.
 */
export function expectMatchesCpu(build: () => Built, opts: CrossCheckOptions): void {
  const seed = opts.seed ?? 0, withGrad = opts.grad ?? true, label = opts.label ? `${opts.label}: ` : '';
  const got = evaluate(build, seed, withGrad);
  const want = onCpu(() => evaluate(build, seed, withGrad));
  expect(got.shapes, `${label}output shapes`).toEqual(want.shapes);
  want.outs.forEach((w, i) => expectCloseScaled(got.outs[i], w, opts.tol, `${label}output ${i}`));
  expect(got.grads.map((g) => g === null), `${label}which gradients exist`).toEqual(want.grads.map((g) => g === null));
  want.grads.forEach((w, i) => { if (w) expectCloseScaled(got.grads[i]!, w, opts.tol, `${label}gradient of input ${i}`); });
}

/** What a gradient test differentiates: fn of inputs, with parameters (e.g. a module's) that
 * fn closes over. Built anew for each dtype and backend. */
export interface GradCase {
  fn: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
  params?: Tensor[];
}

/**
 * The gradient test of a layer on backend b: `gradcheck` in float64 where b has float64
 * (params are covered by listing them among the inputs, as the test chooses); else the
 * analytic float32 gradients w.r.t. inputs and params, and the output, against the CPU
 * backend's on the same values (tol: multiplier on b.tol).
 */
export function expectGradcheck(b: BackendCase, build: (dtype: 'float32' | 'float64') => GradCase, opts: GradcheckOptions & { tol?: number } = {}): void {
  const { tol = 1, ...gopts } = opts;
  if (b.float64) {
    const c = build('float64');
    expect(gradcheck(c.fn, c.inputs, gopts)).toBe(true);
    return;
  }
  expectMatchesCpu(() => {
    const c = build('float32');
    return { out: c.fn(...c.inputs), wrt: [...c.inputs, ...(c.params ?? [])] };
  }, { tol: tol * b.tol });
}
