// functions.ts — the free-function forms of tensor ops (`add(a, b)`, `matmul(a, b)`, `cat(ts)`),
// as PyTorch's torch.* namespace. Each forwards to the same op definition as the method.

import { Tensor } from './tensor.js';
import * as U from '../autograd/ops/unary.js';
import * as B from '../autograd/ops/binary.js';
import * as R from '../autograd/ops/reduce.js';
import * as M from '../autograd/ops/movement.js';
import * as I from '../autograd/ops/indexing.js';
export { matmul } from '../autograd/ops/matmul.js';
export { cat, stack, split, chunk, unbind } from '../autograd/ops/movement.js';
export { where, sumTo } from '../autograd/ops/binary.js';

type Operand = B.Operand;

export const add = (a: Operand, b: Operand): Tensor => B.add(a, b);
export const sub = (a: Operand, b: Operand): Tensor => B.sub(a, b);
export const mul = (a: Operand, b: Operand): Tensor => B.mul(a, b);
export const div = (a: Operand, b: Operand): Tensor => B.div(a, b);
export const pow = (a: Operand, b: Operand): Tensor => B.pow(a, b);
export const maximum = (a: Operand, b: Operand): Tensor => B.maximum(a, b);
export const minimum = (a: Operand, b: Operand): Tensor => B.minimum(a, b);
export const eq = (a: Operand, b: Operand): Tensor => B.eq(a, b);
export const ne = (a: Operand, b: Operand): Tensor => B.ne(a, b);
export const lt = (a: Operand, b: Operand): Tensor => B.lt(a, b);
export const le = (a: Operand, b: Operand): Tensor => B.le(a, b);
export const gt = (a: Operand, b: Operand): Tensor => B.gt(a, b);
export const ge = (a: Operand, b: Operand): Tensor => B.ge(a, b);
export const logicalAnd = (a: Operand, b: Operand): Tensor => B.logicalAnd(a, b);
export const logicalOr = (a: Operand, b: Operand): Tensor => B.logicalOr(a, b);

export const { neg, exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu, erf, reciprocal, sign, floor, ceil, round, logicalNot, isnan, rsqrt, silu, gelu } = U;
export const clamp = (x: Tensor, min: number | null = null, max: number | null = null): Tensor => U.clamp(x, min, max);

export const sum = (x: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.sum(x, dim, keepdim);
export const mean = (x: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.mean(x, dim, keepdim);
export const variance = (x: Tensor, dim?: R.Dims, opts?: R.VarOptions): Tensor => R.variance(x, dim, opts);
export const std = (x: Tensor, dim?: R.Dims, opts?: R.VarOptions): Tensor => R.std(x, dim, opts);
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  return dim === undefined ? x.max() : x.max(dim, keepdim);
}
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  return dim === undefined ? x.min() : x.min(dim, keepdim);
}
export const amax = (x: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.amax(x, dim, keepdim);
export const amin = (x: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.amin(x, dim, keepdim);
export const argmax = (x: Tensor, dim?: number | null, keepdim = false): Tensor => R.argReduce('argmax', x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number | null, keepdim = false): Tensor => R.argReduce('argmin', x, dim, keepdim);
export const logsumexp = (x: Tensor, dim: R.Dims, keepdim = false): Tensor => R.logsumexp(x, dim, keepdim);
export const softmax = (x: Tensor, dim: number): Tensor => R.softmax(x, dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => R.logSoftmax(x, dim);

export const reshape = (x: Tensor, shape: number[]): Tensor => M.reshape(x, shape);
export const flatten = (x: Tensor, startDim = 0, endDim = -1): Tensor => M.flatten(x, startDim, endDim);
export const squeeze = (x: Tensor, dim?: number | number[]): Tensor => M.squeeze(x, dim);
export const unsqueeze = (x: Tensor, dim: number): Tensor => M.unsqueeze(x, dim);
export const transpose = (x: Tensor, d0: number, d1: number): Tensor => M.transpose(x, d0, d1);
export const permute = (x: Tensor, dims: number[]): Tensor => M.permute(x, dims);
export const narrow = (x: Tensor, dim: number, start: number, length: number): Tensor => M.narrow(x, dim, start, length);
export const gather = (x: Tensor, dim: number, index: Tensor): Tensor => I.gather(x, dim, index);
export const indexSelect = (x: Tensor, dim: number, index: Tensor): Tensor => I.indexSelect(x, dim, index);
export const maskedFill = (x: Tensor, mask: Tensor, value: number | Tensor): Tensor => I.maskedFill(x, mask, value);
export const tril = (x: Tensor, k = 0): Tensor => I.tril(x, k);
export const triu = (x: Tensor, k = 0): Tensor => I.triu(x, k);
export const scatterAdd = I.scatterAdd;
export const indexAdd = I.indexAdd;
