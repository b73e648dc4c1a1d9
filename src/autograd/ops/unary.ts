// unary.ts — elementwise ops of one tensor, each a forward kernel call with its derivative
// written beside it. Ops without a useful derivative (floor, sign, …) pass no gradient.
// Composites (rsqrt, silu, tanh-GELU, clamp's mask) are built from primitives and have no
// backward of their own; the exact GELU is a fused kernel whose backward kernel a test holds to
// `geluComposed`. Reference: PyTorch derivatives.yaml (gelu_backward); tinygrad mlops.py.

import type { UnaryOp } from '../../backend/backend.js';
import type { DType } from '../../tensor/dtype.js';
import { isFloating } from '../../tensor/dtype.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled, record } from '../engine.js';

/** Float ops on int/bool tensors compute in float32, as PyTorch's unary float ops do. */
function floatOut(x: Tensor): DType {
  return isFloating(x.dtype) ? x.dtype : 'float32';
}

function kernel(op: UnaryOp, x: Tensor, dtype: DType): Tensor {
  return Tensor._fromStorage(x._backend, x._backend.unary(op, x._view, dtype), x.shape, dtype);
}

/**
 * Defines a differentiable unary op: `grad(x, y, dy)` returns dL/dx from the input, the
 * output and the upstream gradient.
 */
function unary(op: UnaryOp, keepsIntDtype: boolean, grad: ((x: Tensor, y: Tensor, dy: Tensor) => Tensor) | null) {
  return (x: Tensor): Tensor => {
    const y = kernel(op, x, keepsIntDtype ? x.dtype : floatOut(x));
    return grad ? record(op, [x], y, (dy) => [grad(x, y, dy)]) : y;
  };
}

// y = -x                     dy/dx = -1
export const neg = unary('neg', true, (_x, _y, dy) => dy.neg());
// y = exp(x)                 dy/dx = y
export const exp = unary('exp', false, (_x, y, dy) => dy.mul(y));
// y = log(x)                 dy/dx = 1 / x
export const log = unary('log', false, (x, _y, dy) => dy.div(x));
// y = sqrt(x)                dy/dx = 1 / (2 y)
export const sqrt = unary('sqrt', false, (_x, y, dy) => dy.div(y.mul(2)));
// y = |x|                    dy/dx = sign(x)  (0 at 0, as PyTorch)
export const abs = unary('abs', true, (x, _y, dy) => dy.mul(x.sign()));
// y = sin(x)                 dy/dx = cos(x)
export const sin = unary('sin', false, (x, _y, dy) => dy.mul(x.cos()));
// y = cos(x)                 dy/dx = -sin(x)
export const cos = unary('cos', false, (x, _y, dy) => dy.mul(x.sin()).neg());
// y = tanh(x)                dy/dx = 1 - y^2
export const tanh = unary('tanh', false, (_x, y, dy) => dy.mul(y.mul(y).neg().add(1)));
// y = 1 / (1 + e^-x)         dy/dx = y (1 - y)
export const sigmoid = unary('sigmoid', false, (_x, y, dy) => dy.mul(y.mul(y.neg().add(1))));
// y = max(x, 0)              dy/dx = [x > 0]
export const relu = unary('relu', true, (x, _y, dy) => dy.mul(x.gt(0).to(dy.dtype)));
// y = erf(x)                 dy/dx = 2/sqrt(pi) exp(-x^2)
export const erf = unary('erf', false, (x, _y, dy) => dy.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI))));
// y = 1 / x                  dy/dx = -y^2
export const reciprocal = unary('reciprocal', false, (_x, y, dy) => dy.mul(y.mul(y)).neg());

// piecewise-constant ops: zero derivative almost everywhere, so no gradient flows
export const sign = unary('sign', true, null);
export const floor = unary('floor', true, null);
export const ceil = unary('ceil', true, null);
export const round = unary('round', true, null);

// y = cast(x) (a copy)       dx = cast(dy) back to x's dtype (float <-> float only; clone when equal)
export function cast(x: Tensor, dtype: DType): Tensor {
  const y = Tensor._fromStorage(x._backend, x._backend.copy(x._view, dtype), x.shape, dtype);
  if (!isFloating(dtype)) return y;
  return record(x.dtype === y.dtype ? 'clone' : 'to', [x], y, (dy) => [dy.to(x.dtype)]);
}

export function logicalNot(x: Tensor): Tensor {
  return kernel('logicalNot', x, 'bool');
}
export function isnan(x: Tensor): Tensor {
  return kernel('isnan', x, 'bool');
}

// ---- composites: built from the primitives above, no backward of their own ----------------

/** y = 1 / sqrt(x) */
export function rsqrt(x: Tensor): Tensor {
  return x.sqrt().reciprocal();
}

/** y = x * sigmoid(x) */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/**
 * GELU. Exact: y = x/2 (1 + erf(x / sqrt 2)) = x Φ(x), one fused kernel (`geluExact`);
 * approximate 'tanh': y = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), composed.
 */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = opts.approximate ?? 'none';
  if (approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  if (approximate !== 'none') throw new Error(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  return geluExact(x);
}

/** The exact GELU from primitives, y = x/2 (1 + erf(x / sqrt 2)): what the fused kernel must match. */
export function geluComposed(x: Tensor): Tensor {
  return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
}

// y = x Φ(x)                 dy/dx = Φ(x) + x φ(x)
const geluExact = unary('gelu', false, (x, _y, dy) => geluBackward(x, dy));

/**
 * dx = dy (Φ(x) + x φ(x)), Φ the standard normal CDF and φ its density: the backend's kernel,
 * or, while a graph of the backward itself is being recorded (createGraph), the same formula
 * from primitives, so that it differentiates again.
 */
export function geluBackward(x: Tensor, dy: Tensor): Tensor {
  if (!sameShape(x.shape, dy.shape)) throw new Error(`geluBackward: x ${fmt(x.shape)} and dy ${fmt(dy.shape)} must have the same shape`);
  x._checkSameBackend('geluBackward', dy);
  if ((isGradEnabled() && (x.requiresGrad || dy.requiresGrad)) || x.dtype !== dy.dtype || !isFloating(x.dtype)) {
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.mul(x).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return dy.mul(cdf.add(x.mul(pdf)));
  }
  return Tensor._fromStorage(x._backend, x._backend.geluBackward(x._view, dy._view, x.dtype), x.shape, x.dtype);
}

// y = clamp(x, lo, hi)       dy/dx = [lo <= x <= hi]  (gradient passes at the bounds, as PyTorch)
export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  if (min === null && max === null) throw new Error('clamp: at least one of min or max must be given');
  if (min !== null && max !== null && min > max) throw new Error(`clamp: min ${min} is greater than max ${max}`);
  const y = Tensor._fromStorage(x._backend, x._backend.clamp(x._view, min, max, x.dtype), x.shape, x.dtype);
  return record('clamp', [x], y, (dy) => {
    let pass = x.isnan().logicalNot(); // NaN inputs give NaN outputs and no gradient
    if (min !== null) pass = pass.logicalAnd(x.ge(min));
    if (max !== null) pass = pass.logicalAnd(x.le(max));
    return [dy.mul(pass.to(dy.dtype))];
  });
}
