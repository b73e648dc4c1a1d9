// tensor.ts — the Tensor: a strided view (an ndarray over backend storage), a dtype, and its
// place in the autograd graph. Views share storage with their base; every op is a method here
// that forwards to the op's definition in src/autograd/ops/, where forward and backward live.
// Reference: torch.Tensor; ndarray (scijs) for the {data, shape, stride, offset} layout.

import ndarray from 'ndarray';
import type { Backend, View } from '../backend/backend.js';
import { currentBackend, makeBackend, type BackendName, type BackendOptions } from '../backend/registry.js';
import { isGradEnabled, Node, noGrad, runBackward } from '../autograd/engine.js';
import type { DType, TypedArray } from './dtype.js';
import { allocTyped, castScalar, isDType, isFloating } from './dtype.js';
import { broadcastShapes, contiguousStrides, fmt, isContiguous, normDim, numel, sameShape, sizeArgs } from './shape.js';
import * as U from '../autograd/ops/unary.js';
import * as B from '../autograd/ops/binary.js';
import * as R from '../autograd/ops/reduce.js';
import * as M from '../autograd/ops/movement.js';
import * as I from '../autograd/ops/indexing.js';
import { matmul } from '../autograd/ops/matmul.js';

export type NestedArray = number | boolean | NestedArray[];
type Operand = Tensor | number | boolean;
type Sizes = (number | readonly number[])[];

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

export class Tensor {
  readonly shape: number[];
  readonly dtype: DType;
  /** Strided layout over the backend's storage (an ndarray). Internal. */
  readonly _view: ndarray.NdArray<any>;
  /** The backend holding the storage. Internal. */
  readonly _backend: Backend;
  gradFn: Node | null = null;
  /** Which of gradFn's outputs this tensor is (0 but for several-output ops such as unbind). Internal. */
  _slot = 0;
  private _requiresGrad = false;
  private _grad: Tensor | null = null;

  /**
   * `new Tensor(t)`: a new tensor sharing t's storage, shape and dtype, outside any graph (how
   * subclasses such as nn.Parameter wrap data). Otherwise use `tensor()`, `zeros()` and friends;
   * the (backend, view, dtype) form is internal.
   */
  constructor(source: Tensor);
  constructor(backend: Backend, view: ndarray.NdArray<any>, dtype: DType);
  constructor(source: Tensor | Backend, view?: ndarray.NdArray<any>, dtype?: DType) {
    if (source instanceof Tensor) {
      this._backend = source._backend;
      this._view = ndarray(source._view.data, [...source.shape], [...source._view.stride], source._view.offset);
      this.dtype = source.dtype;
    } else {
      this._backend = source;
      this._view = view!;
      this.dtype = dtype!;
    }
    this.shape = [...this._view.shape];
  }

  // ---- internal constructors ------------------------------------------------------------

  /** A contiguous tensor owning `storage`. */
  static _fromStorage(backend: Backend, storage: unknown, shape: number[], dtype: DType): Tensor {
    return new Tensor(backend, ndarray(storage as any, [...shape], contiguousStrides(shape), 0), dtype);
  }
  static _fromHost(backend: Backend, values: TypedArray, shape: number[], dtype: DType): Tensor {
    return Tensor._fromStorage(backend, backend.fromHost(dtype, values), shape, dtype);
  }
  static _scalar(backend: Backend, v: number, dtype: DType): Tensor {
    const a = allocTyped(dtype, 1);
    a[0] = castScalar(v, dtype);
    return Tensor._fromHost(backend, a, [], dtype);
  }
  /** A tensor sharing this one's storage with another shape/stride/offset (no graph). */
  _viewOf(shape: number[], stride: number[], offset: number): Tensor {
    return new Tensor(this._backend, ndarray(this._view.data, [...shape], [...stride], offset), this.dtype);
  }
  /** A stride-0 broadcast view of this tensor as `shape` (already checked compatible). */
  _broadcastView(shape: number[]): View {
    const lead = shape.length - this.ndim;
    const stride = shape.map((s, i) => (i < lead || this.shape[i - lead] !== s ? 0 : this._view.stride[i - lead]));
    return { data: this._view.data, shape, stride, offset: this._view.offset };
  }
  _checkSameBackend(op: string, other: Tensor): void {
    if (other._backend !== this._backend) {
      throw new Error(`${op}: tensors are on different backends ('${this.backend}' and '${other.backend}'); move one with .toBackend()`);
    }
  }
  _setGraph(node: Node, slot = 0): void {
    this.gradFn = node;
    this._slot = slot;
    this._requiresGrad = true;
  }

  // ---- properties --------------------------------------------------------------------------

  get ndim(): number { return this.shape.length; }
  dim(): number { return this.shape.length; }
  numel(): number { return numel(this.shape); }
  size(dim?: number): number | number[] {
    return dim === undefined ? [...this.shape] : this.shape[normDim('size', dim, this.ndim)];
  }
  /** Name of the backend holding this tensor's storage. */
  get backend(): string { return this._backend.name; }
  get isLeaf(): boolean { return this.gradFn === null; }
  isContiguous(): boolean { return isContiguous(this.shape, this._view.stride); }
  stride(): number[] { return [...this._view.stride]; }

  get requiresGrad(): boolean { return this._requiresGrad; }
  set requiresGrad(flag: boolean) { this.requiresGrad_(flag); }
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) throw new Error(`requiresGrad_: can only change the flag of leaf tensors (this one comes from '${this.gradFn!.name}'); use detach()`);
    if (flag && !isFloating(this.dtype)) throw new Error(`requiresGrad_: only floating point tensors can require gradients, got ${this.dtype}`);
    this._requiresGrad = flag;
    return this;
  }

  get grad(): Tensor | null { return this._grad; }
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new Error('grad: assigned value must be a Tensor or null');
      if (!sameShape(g.shape, this.shape)) throw new Error(`grad: assigned grad has shape ${fmt(g.shape)}, tensor has ${fmt(this.shape)}`);
    }
    this._grad = g;
  }

  // ---- reading out -------------------------------------------------------------------------

  /** Contiguous row-major copy of the data as a typed array. */
  dataSync(): TypedArray { return this._backend.toHost(this._view, this.dtype); }
  item(): number {
    if (this.numel() !== 1) throw new Error(`item: a tensor with ${this.numel()} elements (shape ${fmt(this.shape)}) cannot be converted to a number`);
    return this.dataSync()[0];
  }
  /** Nested JS arrays (booleans for bool tensors); a 0-d tensor gives a number. */
  toArray(): NestedArray {
    const data = this.dataSync();
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    if (this.ndim === 0) return conv(data[0]);
    let i = 0;
    const build = (d: number): NestedArray[] =>
      Array.from({ length: this.shape[d] }, () => (d === this.ndim - 1 ? conv(data[i++]) : build(d + 1)));
    return build(0);
  }
  toString(): string {
    return `tensor(${JSON.stringify(this.toArray())}, shape=${fmt(this.shape)}, dtype=${this.dtype}${this.gradFn ? `, gradFn=${this.gradFn.name}` : this.requiresGrad ? ', requiresGrad=true' : ''})`;
  }

  // ---- autograd ----------------------------------------------------------------------------

  /** Accumulates d(this)/d(leaf) into every leaf's .grad. */
  backward(grad?: Tensor | null, opts: BackwardOptions = {}): void {
    if (!this.requiresGrad) throw new Error('backward: tensor does not require grad and has no gradFn');
    if (grad != null && !(grad instanceof Tensor)) {
      throw new Error(`backward: grad must be a Tensor of the output's shape ${fmt(this.shape)}, got ${Array.isArray(grad) ? 'an array' : typeof grad}; wrap it with tensor()`);
    }
    let g = grad ?? null;
    if (!g) {
      if (this.numel() !== 1) throw new Error(`backward: grad can be implicitly created only for scalar outputs, got shape ${fmt(this.shape)}`);
      g = Tensor._fromStorage(this._backend, this._backend.fromHost(this.dtype, oneOf(this.dtype, 1)), this.shape, this.dtype);
    } else if (!sameShape(g.shape, this.shape)) {
      throw new Error(`backward: grad has shape ${fmt(g.shape)}, output has ${fmt(this.shape)}`);
    }
    const { leaves, retained } = runBackward([this], [g], opts);
    for (const [leaf, lg] of [...leaves, ...retained]) {
      const add = opts.createGraph ? lg : lg.detach();
      // a first .grad gets its own contiguous storage: lg may be a stride-0 expand of dy, or shared with another leaf
      leaf._grad = leaf._grad ? (opts.createGraph ? leaf._grad.add(add) : leaf._grad.add(add).detach()) : add.clone();
    }
  }
  /** Keeps .grad for this non-leaf tensor during backward. */
  retainGrad(): this {
    if (this.gradFn) this.gradFn.retained[this._slot] = this;
    return this;
  }
  /** A copy of this tensor on another backend (through host memory; not recorded in the graph). */
  toBackend(name: BackendName, options: BackendOptions = {}): Tensor {
    const target = makeBackend('toBackend', name, options);
    if (target === this._backend) return this;
    const t = Tensor._fromHost(target, this.dataSync(), this.shape, this.dtype);
    return this.requiresGrad && this.isLeaf ? t.requiresGrad_(true) : t;
  }
  /** Same data, cut from the graph. */
  detach(): Tensor { return this._viewOf(this.shape, this._view.stride, this._view.offset); }

  // ---- in place (optimizers, initializers; never recorded in the graph) ----------------------

  /** Writes src (broadcast to this shape, cast to this dtype) into this tensor's storage. */
  copy_(src: Tensor | number): this {
    if (isGradEnabled() && this.requiresGrad) {
      throw new Error('copy_: a tensor that requires grad is being used in an in-place operation; wrap the update in noGrad()');
    }
    const s = src instanceof Tensor ? src : Tensor._scalar(this._backend, src, this.dtype);
    this._checkSameBackend('copy_', s);
    if (this.shape.some((n, d) => n > 1 && this._view.stride[d] === 0)) {
      throw new Error(`copy_: cannot write into an expanded tensor of shape ${fmt(this.shape)} (stride 0)`);
    }
    const cast = s.dtype === this.dtype ? s : s.to(this.dtype);
    broadcastShapes('copy_', this.shape, cast.shape);
    if (cast.ndim > this.ndim || cast.shape.some((n, i) => n !== 1 && n !== this.shape[this.ndim - cast.ndim + i])) {
      throw new Error(`copy_: source ${fmt(cast.shape)} does not broadcast to ${fmt(this.shape)}`);
    }
    this._backend.assign(this._view, cast._broadcastView(this.shape));
    return this;
  }
  add_(o: Operand): this { return this.copy_(noGrad(() => this.add(o))); }
  sub_(o: Operand): this { return this.copy_(noGrad(() => this.sub(o))); }
  mul_(o: Operand): this { return this.copy_(noGrad(() => this.mul(o))); }
  div_(o: Operand): this { return this.copy_(noGrad(() => this.div(o))); }
  clamp_(min: number | null = null, max: number | null = null): this { return this.copy_(noGrad(() => this.clamp(min, max))); }
  fill_(v: number): this { return this.copy_(v); }
  zero_(): this { return this.copy_(0); }

  // ---- dtype, copies -----------------------------------------------------------------------

  /** Casts to `dtype` (a copy unless already that dtype); differentiable between float dtypes. */
  to(dtype: DType): Tensor {
    if (dtype === this.dtype) return this;
    if (!isDType(dtype)) throw new Error(`to: unknown dtype '${String(dtype)}' (expected float32, float64, int32 or bool)`);
    return U.cast(this, dtype);
  }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  int(): Tensor { return this.to('int32'); }
  bool(): Tensor { return this.to('bool'); }
  /** A contiguous copy that stays in the graph. */
  clone(): Tensor { return U.cast(this, this.dtype); }

  // ---- elementwise -------------------------------------------------------------------------

  add(o: Operand): Tensor { return B.add(this, o); }
  sub(o: Operand): Tensor { return B.sub(this, o); }
  mul(o: Operand): Tensor { return B.mul(this, o); }
  div(o: Operand): Tensor { return B.div(this, o); }
  pow(o: Operand): Tensor { return B.pow(this, o); }
  maximum(o: Operand): Tensor { return B.maximum(this, o); }
  minimum(o: Operand): Tensor { return B.minimum(this, o); }
  eq(o: Operand): Tensor { return B.eq(this, o); }
  ne(o: Operand): Tensor { return B.ne(this, o); }
  lt(o: Operand): Tensor { return B.lt(this, o); }
  le(o: Operand): Tensor { return B.le(this, o); }
  gt(o: Operand): Tensor { return B.gt(this, o); }
  ge(o: Operand): Tensor { return B.ge(this, o); }
  logicalAnd(o: Operand): Tensor { return B.logicalAnd(this, o); }
  logicalOr(o: Operand): Tensor { return B.logicalOr(this, o); }
  logicalNot(): Tensor { return U.logicalNot(this); }
  /** torch.Tensor.where: condition ? this : other */
  where(condition: Tensor, other: Operand): Tensor { return B.where(condition, this, other); }

  neg(): Tensor { return U.neg(this); }
  exp(): Tensor { return U.exp(this); }
  log(): Tensor { return U.log(this); }
  sqrt(): Tensor { return U.sqrt(this); }
  rsqrt(): Tensor { return U.rsqrt(this); }
  abs(): Tensor { return U.abs(this); }
  sin(): Tensor { return U.sin(this); }
  cos(): Tensor { return U.cos(this); }
  tanh(): Tensor { return U.tanh(this); }
  sigmoid(): Tensor { return U.sigmoid(this); }
  relu(): Tensor { return U.relu(this); }
  gelu(opts?: { approximate?: 'none' | 'tanh' }): Tensor { return U.gelu(this, opts); }
  silu(): Tensor { return U.silu(this); }
  erf(): Tensor { return U.erf(this); }
  reciprocal(): Tensor { return U.reciprocal(this); }
  sign(): Tensor { return U.sign(this); }
  floor(): Tensor { return U.floor(this); }
  ceil(): Tensor { return U.ceil(this); }
  round(): Tensor { return U.round(this); }
  isnan(): Tensor { return U.isnan(this); }
  clamp(min: number | null = null, max: number | null = null): Tensor { return U.clamp(this, min, max); }

  // ---- reductions --------------------------------------------------------------------------

  sum(dim?: R.Dims, keepdim = false): Tensor { return R.sum(this, dim, keepdim); }
  mean(dim?: R.Dims, keepdim = false): Tensor { return R.mean(this, dim, keepdim); }
  var(dim?: R.Dims, opts?: R.VarOptions): Tensor { return R.variance(this, dim, opts); }
  std(dim?: R.Dims, opts?: R.VarOptions): Tensor { return R.std(this, dim, opts); }
  /** Without dim: the largest element (0-d). With dim: {values, indices} along it. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? R.amax(this) : R.maxMinDim('max', this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? R.amin(this) : R.maxMinDim('min', this, dim, keepdim);
  }
  amax(dim?: R.Dims, keepdim = false): Tensor { return R.amax(this, dim, keepdim); }
  amin(dim?: R.Dims, keepdim = false): Tensor { return R.amin(this, dim, keepdim); }
  argmax(dim?: number | null, keepdim = false): Tensor { return R.argReduce('argmax', this, dim, keepdim); }
  argmin(dim?: number | null, keepdim = false): Tensor { return R.argReduce('argmin', this, dim, keepdim); }
  logsumexp(dim: R.Dims, keepdim = false): Tensor { return R.logsumexp(this, dim, keepdim); }
  softmax(dim: number): Tensor { return R.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return R.logSoftmax(this, dim); }

  // ---- shape and views ---------------------------------------------------------------------

  reshape(...shape: Sizes): Tensor { return M.reshape(this, sizeArgs('reshape', shape)); }
  view(...shape: Sizes): Tensor { return M.view(this, sizeArgs('view', shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return M.flatten(this, startDim, endDim); }
  squeeze(dim?: number | number[]): Tensor { return M.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return M.unsqueeze(this, dim); }
  transpose(d0: number, d1: number): Tensor { return M.transpose(this, d0, d1); }
  /** 2-D transpose (torch.Tensor.t). */
  t(): Tensor {
    if (this.ndim > 2) throw new Error(`t: expects a tensor with <= 2 dims, got ${fmt(this.shape)}`);
    return M.transpose(this, 0, this.ndim - 1);
  }
  permute(...dims: Sizes): Tensor { return M.permute(this, sizeArgs('permute', dims)); }
  expand(...sizes: Sizes): Tensor { return M.expand(this, sizeArgs('expand', sizes)); }
  expandAs(other: Tensor): Tensor { return M.expand(this, other.shape); }
  contiguous(): Tensor { return M.contiguous(this); }
  narrow(dim: number, start: number, length: number): Tensor { return M.narrow(this, dim, start, length); }
  slice(dim: number, start?: number, end?: number | null, step?: number): Tensor { return M.slice(this, dim, start, end, step); }
  select(dim: number, index: number): Tensor { return M.select(this, dim, index); }
  repeat(...reps: Sizes): Tensor { return M.repeat(this, sizeArgs('repeat', reps)); }
  split(size: number | number[], dim = 0): Tensor[] { return M.split(this, size, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return M.chunk(this, chunks, dim); }
  /** The slices along `dim`, as views (torch.unbind); one backward node for all of them. */
  unbind(dim = 0): Tensor[] { return M.unbind(this, dim); }

  indexSelect(dim: number, index: Tensor): Tensor { return I.indexSelect(this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return I.gather(this, dim, index); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return I.maskedFill(this, mask, value); }
  tril(k = 0): Tensor { return I.tril(this, k); }
  triu(k = 0): Tensor { return I.triu(this, k); }

  matmul(other: Tensor): Tensor { return matmul(this, other); }
}

function oneOf(dtype: DType, v: number): TypedArray {
  const a = allocTyped(dtype, 1);
  a[0] = v;
  return a;
}

/** Creates a tensor from host values on `like`'s backend, or the current one (creation ops' helper). */
export function fromHost(values: TypedArray, shape: number[], dtype: DType, like?: Tensor): Tensor {
  return Tensor._fromHost(like ? like._backend : currentBackend(), values, shape, dtype);
}
