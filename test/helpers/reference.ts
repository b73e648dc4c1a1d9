// reference.ts — an independent float64 reference for the op tests: plain JS loops over
// row-major Float64Arrays, never calling tensorloom. Every op is written the obvious way,
// usually as `build(outShape, idx => value at idx)`, so each line can be checked by eye.
// Reference: NumPy broadcasting and indexing semantics; torch.* docs for each op.

/** A row-major float64 array with a shape (ints and bools are stored as numbers). */
export interface Ref {
  shape: number[];
  data: Float64Array;
}

export function numelOf(shape: readonly number[]): number {
  return shape.reduce((p, s) => p * s, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) { st[d] = s; s *= shape[d]; }
  return st;
}

export function ref(shape: readonly number[], data: ArrayLike<number>): Ref {
  if (data.length !== numelOf(shape)) throw new Error(`ref: ${data.length} values for shape [${shape}]`);
  return { shape: [...shape], data: Float64Array.from(data) };
}

/** Multi-index of flat position i in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
  return idx;
}

/** Element of a at multi-index idx. */
export function at(a: Ref, idx: readonly number[]): number {
  let o = 0, s = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) { o += idx[d] * s; s *= a.shape[d]; }
  return a.data[o];
}

/** out[idx] = f(idx) for every idx of `shape`. */
export function build(shape: readonly number[], f: (idx: number[]) => number): Ref {
  const n = numelOf(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = f(unravel(i, shape));
  return { shape: [...shape], data };
}

export function normDim(d: number, ndim: number): number {
  return d < 0 ? d + ndim : d;
}

// ---- elementwise ---------------------------------------------------------------------------

export function broadcastShape(...shapes: number[][]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    s.forEach((n, i) => {
      const o = nd - s.length + i;
      if (n !== 1) {
        if (out[o] !== 1 && out[o] !== n) throw new Error(`ref: cannot broadcast [${shapes.join('] [')}]`);
        out[o] = n;
      }
    });
  }
  return out;
}

/** Element of a seen through broadcasting at an index of the broadcast shape. */
function atBroadcast(a: Ref, idx: readonly number[]): number {
  const lead = idx.length - a.shape.length;
  return at(a, a.shape.map((n, d) => (n === 1 ? 0 : idx[d + lead])));
}

/** y = f(a[idx], b[idx], ...) with NumPy broadcasting. */
export function zip(f: (...v: number[]) => number, ...xs: Ref[]): Ref {
  const shape = broadcastShape(...xs.map((x) => x.shape));
  return build(shape, (idx) => f(...xs.map((x) => atBroadcast(x, idx))));
}

export function map(a: Ref, f: (v: number) => number): Ref {
  return { shape: [...a.shape], data: a.data.map(f) };
}

export function broadcastTo(a: Ref, shape: number[]): Ref {
  return build(shape, (idx) => atBroadcast(a, idx));
}

// ---- reductions ----------------------------------------------------------------------------

/** Reduces `dims` (all when null) by f over the list of values in each reduced group. */
export function reduce(a: Ref, dims: number | number[] | null, keepdim: boolean, f: (vals: number[]) => number): Ref {
  const nd = a.shape.length;
  const ds = dims === null ? [...Array(nd).keys()] : (Array.isArray(dims) ? dims : [dims]).map((d) => normDim(d, nd));
  const keptShape = a.shape.map((s, d) => (ds.includes(d) ? 1 : s));
  const groups: number[][] = Array.from({ length: numelOf(keptShape) }, () => []);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape).map((v, d) => (ds.includes(d) ? 0 : v));
    let o = 0;
    for (let d = 0; d < nd; d++) o = o * keptShape[d] + idx[d];
    groups[o].push(a.data[i]);
  }
  const outShape = keepdim ? keptShape : a.shape.filter((_, d) => !ds.includes(d));
  return { shape: outShape, data: Float64Array.from(groups, f) };
}

/** Applies f to every 1-D lane along dim (f maps a lane to a lane of the same length). */
export function lanes(a: Ref, dim: number, f: (lane: number[]) => number[]): Ref {
  const d = normDim(dim, a.shape.length);
  const out = new Float64Array(a.data.length);
  const st = stridesOf(a.shape);
  for (let i = 0; i < a.data.length; i++) {
    if (unravel(i, a.shape)[d] !== 0) continue;
    const pos = Array.from({ length: a.shape[d] }, (_, j) => i + j * st[d]);
    const y = f(pos.map((p) => a.data[p]));
    pos.forEach((p, j) => (out[p] = y[j]));
  }
  return { shape: [...a.shape], data: out };
}

export const sumOf = (v: number[]): number => v.reduce((s, x) => s + x, 0);
export const meanOf = (v: number[]): number => sumOf(v) / v.length;
export const maxOf = (v: number[]): number => Math.max(...v);
export const minOf = (v: number[]): number => Math.min(...v);
export const argmaxOf = (v: number[]): number => v.indexOf(Math.max(...v));
export const argminOf = (v: number[]): number => v.indexOf(Math.min(...v));
export function varOf(v: number[], correction = 1): number {
  const m = meanOf(v);
  return sumOf(v.map((x) => (x - m) ** 2)) / (v.length - correction);
}
export function logsumexpOf(v: number[]): number {
  const m = Math.max(...v);
  return m + Math.log(sumOf(v.map((x) => Math.exp(x - m))));
}
export function softmaxOf(v: number[]): number[] {
  const lse = logsumexpOf(v);
  return v.map((x) => Math.exp(x - lse));
}
export function logSoftmaxOf(v: number[]): number[] {
  const lse = logsumexpOf(v);
  return v.map((x) => x - lse);
}

// ---- movement ------------------------------------------------------------------------------

export function reshape(a: Ref, shape: number[]): Ref {
  const n = a.data.length;
  const known = shape.filter((s) => s !== -1).reduce((p, s) => p * s, 1);
  return ref(shape.map((s) => (s === -1 ? n / known : s)), a.data);
}

/** y[idx] = a[idx permuted back]: y.shape[i] = a.shape[perm[i]]. */
export function permute(a: Ref, perm: number[]): Ref {
  const p = perm.map((d) => normDim(d, a.shape.length));
  return build(p.map((d) => a.shape[d]), (idx) => {
    const src = new Array<number>(p.length);
    p.forEach((d, i) => (src[d] = idx[i]));
    return at(a, src);
  });
}

export function transpose(a: Ref, d0: number, d1: number): Ref {
  const p = [...a.shape.keys()];
  const x = normDim(d0, p.length), y = normDim(d1, p.length);
  [p[x], p[y]] = [p[y], p[x]];
  return permute(a, p);
}

/** a[start:end:step] along dim (start/end already within [0, n]). */
export function slice(a: Ref, dim: number, start: number, end: number, step = 1): Ref {
  const d = normDim(dim, a.shape.length);
  const shape = [...a.shape];
  shape[d] = Math.max(0, Math.ceil((end - start) / step));
  return build(shape, (idx) => at(a, idx.map((v, k) => (k === d ? start + v * step : v))));
}

export function select(a: Ref, dim: number, i: number): Ref {
  const d = normDim(dim, a.shape.length);
  const s = slice(a, d, i, i + 1);
  return reshape(s, a.shape.filter((_, k) => k !== d));
}

export function cat(xs: Ref[], dim: number): Ref {
  const d = normDim(dim, xs[0].shape.length);
  const shape = [...xs[0].shape];
  shape[d] = sumOf(xs.map((x) => x.shape[d]));
  return build(shape, (idx) => {
    let i = idx[d];
    for (const x of xs) {
      if (i < x.shape[d]) return at(x, idx.map((v, k) => (k === d ? i : v)));
      i -= x.shape[d];
    }
    throw new Error('ref cat: index out of range');
  });
}

export function stack(xs: Ref[], dim: number): Ref {
  const d = normDim(dim, xs[0].shape.length + 1);
  return build([...xs[0].shape.slice(0, d), xs.length, ...xs[0].shape.slice(d)], (idx) =>
    at(xs[idx[d]], idx.filter((_, k) => k !== d)),
  );
}

/** torch.Tensor.repeat: out[idx] = a[idx mod a.shape] (a gets leading 1-dims first). */
export function repeat(a: Ref, reps: number[]): Ref {
  const shape = [...new Array<number>(reps.length - a.shape.length).fill(1), ...a.shape];
  const lead = reps.length - a.shape.length;
  return build(shape.map((s, i) => s * reps[i]), (idx) => at(a, idx.slice(lead).map((v, k) => v % a.shape[k])));
}

// ---- matmul --------------------------------------------------------------------------------

/** numpy.matmul: 1-D operands become a row (a) / column (b), batch dims broadcast. */
export function matmul(a: Ref, b: Ref): Ref {
  const A = a.shape.length === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const B = b.shape.length === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const M = A.shape[A.shape.length - 2], K = A.shape[A.shape.length - 1], N = B.shape[B.shape.length - 1];
  const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
  let y = build([...batch, M, N], (idx) => {
    const bi = idx.slice(0, -2), i = idx[idx.length - 2], j = idx[idx.length - 1];
    let s = 0;
    for (let k = 0; k < K; k++) s += atBatched(A, bi, i, k) * atBatched(B, bi, k, j);
    return s;
  });
  if (a.shape.length === 1) y = reshape(y, [...batch, N]);
  if (b.shape.length === 1) y = reshape(y, y.shape.slice(0, -1));
  return y;
}

function atBatched(a: Ref, batchIdx: number[], i: number, j: number): number {
  const nb = a.shape.length - 2, lead = batchIdx.length - nb;
  const idx = a.shape.slice(0, nb).map((n, d) => (n === 1 ? 0 : batchIdx[d + lead]));
  return at(a, [...idx, i, j]);
}

// ---- indexing ------------------------------------------------------------------------------

const wrap = (i: number, n: number): number => (i < 0 ? i + n : i);

/** out[idx] = a[idx with idx[dim] replaced by index[idx]] (torch.gather). */
export function gather(a: Ref, dim: number, index: Ref): Ref {
  const d = normDim(dim, a.shape.length);
  return build(index.shape, (idx) => at(a, idx.map((v, k) => (k === d ? wrap(at(index, idx), a.shape[d]) : v))));
}

/** zeros(shape); out[idx with idx[dim] = index[idx]] += src[idx] (torch.scatter_add). */
export function scatterAdd(shape: number[], dim: number, index: Ref, src: Ref): Ref {
  const d = normDim(dim, shape.length);
  const out = new Float64Array(numelOf(shape));
  const st = stridesOf(shape);
  for (let i = 0; i < index.data.length; i++) {
    const idx = unravel(i, index.shape);
    const o = idx.reduce((s, v, k) => s + (k === d ? wrap(index.data[i], shape[d]) : v) * st[k], 0);
    out[o] += at(src, idx);
  }
  return { shape: [...shape], data: out };
}

export function indexSelect(a: Ref, dim: number, index: Ref): Ref {
  const d = normDim(dim, a.shape.length);
  const shape = a.shape.map((s, k) => (k === d ? index.data.length : s));
  return build(shape, (idx) => at(a, idx.map((v, k) => (k === d ? wrap(index.data[v], a.shape[d]) : v))));
}

/** zeros(shape); out.select(dim, index[j]) += src.select(dim, j) (torch.index_add). */
export function indexAdd(shape: number[], dim: number, index: Ref, src: Ref): Ref {
  const d = normDim(dim, shape.length);
  const out = new Float64Array(numelOf(shape));
  const st = stridesOf(shape);
  for (let i = 0; i < src.data.length; i++) {
    const idx = unravel(i, src.shape);
    const o = idx.reduce((s, v, k) => s + (k === d ? wrap(index.data[v], shape[d]) : v) * st[k], 0);
    out[o] += src.data[i];
  }
  return { shape: [...shape], data: out };
}

/** Keeps a[.., i, j] where j - i <= k (tril) or >= k (triu); zeros elsewhere. */
export function triangle(a: Ref, k: number, upper: boolean): Ref {
  const nd = a.shape.length;
  return build(a.shape, (idx) => {
    const off = idx[nd - 1] - idx[nd - 2];
    return (upper ? off >= k : off <= k) ? at(a, idx) : 0;
  });
}

// ---- scalar math ---------------------------------------------------------------------------

/** erf by composite Simpson integration of 2/sqrt(pi) e^(-t^2) over [0, x] (4000 panels). */
export function erf(x: number): number {
  const n = 4000, h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return (2 / Math.sqrt(Math.PI)) * (h / 3) * s;
}
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
export const geluTanh = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** Small deterministic generator (mulberry32) seeded from a string. */
export function rngFor(key: string): () => number {
  let h = 1779033703 ^ key.length;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 3432918353), (h = (h << 13) | (h >>> 19));
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
