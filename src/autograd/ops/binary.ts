// binary.ts — elementwise ops of two tensors (or a tensor and a number) with NumPy
// broadcasting, and where(cond, a, b). Operands are broadcast as stride-0 views (no copy);
// a gradient is summed back over broadcast dims to its input's shape (`sumTo`), the adjoint
// of broadcasting. Reference: PyTorch derivatives.yaml; NumPy broadcasting.

import type { BinaryOp } from '../../backend/backend.js';
import type { DType } from '../../tensor/dtype.js';
import { isFloating, promoteTypes, promoteWithScalar } from '../../tensor/dtype.js';
import { broadcastShapes, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../engine.js';

export type Operand = Tensor | number | boolean;

/** Sums g over the dims that broadcasting added or stretched, giving `shape` back. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < g.ndim; d++) {
    if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
  }
  return g.sum(dims, true).reshape([...shape]);
}

/** Turns a number operand into a 0-d tensor of the promoted dtype on t's backend. */
export function asOperands(op: string, a: Operand, b: Operand): [Tensor, Tensor, DType] {
  for (const v of [a, b]) {
    if (!(v instanceof Tensor) && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new Error(`${op}: operands must be Tensors, numbers or booleans, got ${v === null ? 'null' : typeof v}`);
    }
  }
  if (a instanceof Tensor && b instanceof Tensor) {
    a._checkSameBackend(op, b);
    return [a, b, promoteTypes(a.dtype, b.dtype)];
  }
  if (a instanceof Tensor) {
    const dt = promoteWithScalar(a.dtype, b as number);
    return [a, Tensor._scalar(a._backend, Number(b), dt), dt];
  }
  if (b instanceof Tensor) {
    const dt = promoteWithScalar(b.dtype, a as number);
    return [Tensor._scalar(b._backend, Number(a), dt), b, dt];
  }
  throw new Error(`${op}: at least one operand must be a Tensor, got ${typeof a} and ${typeof b}`);
}

function kernel(op: BinaryOp, x: Tensor, y: Tensor, dtype: DType): Tensor {
  const shape = broadcastShapes(op, x.shape, y.shape);
  const s = x._backend.binary(op, x._broadcastView(shape), y._broadcastView(shape), dtype);
  return Tensor._fromStorage(x._backend, s, shape, dtype);
}

type Grad = (a: Tensor, b: Tensor, y: Tensor, dy: Tensor) => [Tensor | null, Tensor | null];

function binary(op: BinaryOp, outDtype: (promoted: DType) => DType, grad: Grad | null) {
  return (a: Operand, b: Operand): Tensor => {
    const [x, y, dt] = asOperands(op, a, b);
    const out = kernel(op, x, y, outDtype(dt));
    if (!grad) return out;
    return record(op, [x, y], out, (dy) => {
      const [dx, dz] = grad(x, y, out, dy);
      return [dx && x.requiresGrad ? sumTo(dx, x.shape) : null, dz && y.requiresGrad ? sumTo(dz, y.shape) : null];
    });
  };
}

const same = (dt: DType): DType => dt;
const toFloat = (dt: DType): DType => (isFloating(dt) ? dt : 'float32');
const toBool = (): DType => 'bool';

// y = a + b                  dy/da = 1, dy/db = 1
export const add = binary('add', same, (_a, _b, _y, dy) => [dy, dy]);
// y = a - b                  dy/da = 1, dy/db = -1
export const sub = binary('sub', same, (_a, _b, _y, dy) => [dy, dy.neg()]);
// y = a * b                  dy/da = b, dy/db = a
export const mul = binary('mul', same, (a, b, _y, dy) => [dy.mul(b), dy.mul(a)]);
// y = a / b                  dy/da = 1 / b, dy/db = -a / b^2 = -y / b
export const div = binary('div', toFloat, (_a, b, y, dy) => [dy.div(b), dy.mul(y).div(b).neg()]);
// y = a ^ b                  dy/da = b a^(b-1), dy/db = y log(a)  (0 where a = 0 and b >= 0)
export const pow = binary('pow', same, (a, b, y, dy) => [
  a.requiresGrad ? dy.mul(b).mul(a.pow(b.sub(1))) : null,
  b.requiresGrad ? dy.mul(where(a.eq(0).logicalAnd(b.ge(0)), 0, y.mul(a.log()))) : null,
]);
// y = max(a, b)              dy/da = [a > b] + [a = b]/2, dy/db = [b > a] + [a = b]/2
export const maximum = binary('maximum', same, (a, b, _y, dy) => tieSplit(a.gt(b), a.eq(b), dy));
// y = min(a, b)              dy/da = [a < b] + [a = b]/2, dy/db = [b < a] + [a = b]/2
export const minimum = binary('minimum', same, (a, b, _y, dy) => tieSplit(a.lt(b), a.eq(b), dy));

function tieSplit(aWins: Tensor, tie: Tensor, dy: Tensor): [Tensor, Tensor] {
  const half = dy.mul(0.5);
  return [where(tie, half, where(aWins, dy, 0)), where(tie, half, where(aWins, 0, dy))];
}

// comparisons and logic: boolean results, no gradient
export const eq = binary('eq', toBool, null);
export const ne = binary('ne', toBool, null);
export const lt = binary('lt', toBool, null);
export const le = binary('le', toBool, null);
export const gt = binary('gt', toBool, null);
export const ge = binary('ge', toBool, null);
export const logicalAnd = binary('logicalAnd', toBool, null);
export const logicalOr = binary('logicalOr', toBool, null);

// y = cond ? a : b           dy/da = [cond], dy/db = [!cond]
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  if (!(cond instanceof Tensor)) throw new Error('where: condition must be a bool Tensor');
  if (cond.dtype !== 'bool') throw new Error(`where: condition must have dtype bool, got ${cond.dtype}`);
  // two plain numbers: the result is float32, as torch.where(cond, 0., 1.)
  const first = a instanceof Tensor || b instanceof Tensor ? a : Tensor._scalar(cond._backend, Number(a), 'float32');
  const [x, y, dt] = asOperands('where', first, b);
  x._checkSameBackend('where', cond);
  const shape = broadcastShapes('where', cond.shape, x.shape, y.shape);
  const s = x._backend.where(cond._broadcastView(shape), x._broadcastView(shape), y._broadcastView(shape), dt);
  const out = Tensor._fromStorage(x._backend, s, shape, dt);
  return record('where', [x, y], out, (dy) => [
    x.requiresGrad ? sumTo(where(cond, dy, 0), x.shape) : null,
    y.requiresGrad ? sumTo(where(cond, 0, dy), y.shape) : null,
  ]);
}
