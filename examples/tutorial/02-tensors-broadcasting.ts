// 02-tensors-broadcasting.ts — tutorial chapter 2 (docs/tutorial/02-tensors-broadcasting.md):
// a tensor is flat storage plus shape and strides (transpose and slice are views), NumPy's
// broadcasting rule written out by hand, and its backward: a broadcast input's gradient is the
// output gradient summed over the broadcast dims ("expand's backward is sum"), matmul included.
// Run: npx tsx examples/tutorial/02-tensors-broadcasting.ts

import { arange, gradcheck, manualSeed, ones, randn, tensor, type Tensor } from '../../src/index.js';

const show = (t: Tensor): string => JSON.stringify(t.toArray());
const maxAbsDiff = (p: Tensor, q: Tensor): number => p.sub(q).abs().max().item();
/** Float64 results that agree up to rounding print the same on every machine. */
const agree = (p: Tensor, q: Tensor): string => (maxAbsDiff(p, q) < 1e-12 ? '< 1e-12' : maxAbsDiff(p, q).toExponential(2));

// ---- 1. storage, shape, strides -------------------------------------------------------------------
console.log('## strides');
const a = arange(12, undefined, undefined, { dtype: 'float64' }).reshape(3, 4); // (3, 4)
const storage = Array.from(a.dataSync());
console.log(`a = arange(12).reshape(3, 4): shape ${JSON.stringify(a.shape)}, strides ${JSON.stringify(a.stride())}`);
console.log(`storage: ${JSON.stringify(storage)}`);
/** Element [i, j, ...] of a strided view: storage[offset + Σ index_d · stride_d]. */
const at = (data: number[], stride: number[], index: number[], offset = 0): number =>
  data[index.reduce((o, i, d) => o + i * stride[d], offset)];
console.log(`a[2][1] = storage[2·4 + 1·1] = ${at(storage, a.stride(), [2, 1])}`);

const t = a.transpose(0, 1); // (4, 3), same storage
console.log(`t = a.transpose(0, 1): shape ${JSON.stringify(t.shape)}, strides ${JSON.stringify(t.stride())}, contiguous: ${t.isContiguous()}`);
console.log(`t[1][2] = storage[1·1 + 2·4] = ${at(storage, t.stride(), [1, 2])}; t.toArray()[1][2] = ${(t.toArray() as number[][])[1][2]}`);
t.select(0, 1).fill_(-1); // writes through the view into a's storage
console.log(`after t.select(0, 1).fill_(-1), a = ${show(a)}`);
try {
  t.view(12);
} catch (err) {
  console.log(`t.view(12) -> Error: ${(err as Error).message}`);
}
console.log(`t.contiguous() copies into a fresh row-major storage: strides ${JSON.stringify(t.contiguous().stride())}`);
const everyOther = a.slice(1, 1, 4, 2); // (3, 2): columns 1 and 3
console.log(`a.slice(1, 1, 4, 2) (columns 1 and 3): strides ${JSON.stringify(everyOther.stride())}, values ${show(everyOther)}`);

// ---- 2. broadcasting ----------------------------------------------------------------------------
// Align the shapes on the right; each pair of sizes must be equal or one of them 1; a missing
// leading dim counts as 1. The result takes the larger size in each dim.
console.log('\n## broadcast');
function broadcastShape(p: number[], q: number[]): number[] {
  const n = Math.max(p.length, q.length);
  const out: number[] = [];
  for (let i = 1; i <= n; i++) {
    const x = p[p.length - i] ?? 1, y = q[q.length - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`broadcastShape: ${JSON.stringify(p)} and ${JSON.stringify(q)} differ in dim -${i} (${x} vs ${y})`);
    out.unshift(Math.max(x, y));
  }
  return out;
}
for (const [p, q] of [[[3, 1], [1, 4]], [[2, 3], [3]], [[4, 1, 3], [2, 1]], [[5, 1], []], [[3], [4]]]) {
  let hand: string, lib: string;
  try { hand = JSON.stringify(broadcastShape(p, q)); } catch (err) { hand = (err as Error).message; }
  try { lib = JSON.stringify(ones(p).add(ones(q)).shape); } catch (err) { lib = (err as Error).message; }
  console.log(`${JSON.stringify(p).padEnd(9)} + ${JSON.stringify(q).padEnd(7)} -> by hand ${hand}\n${''.padEnd(20)}tensorloom ${lib}`);
}
const col = tensor([1, 2, 3], { dtype: 'float64' }).reshape(3, 1); // (3, 1)
const wide = col.expand(3, 4); // (3, 4), no copy
console.log(`[[1],[2],[3]].expand(3, 4): strides ${JSON.stringify(wide.stride())} (stride 0: every column reads the same element) ${show(wide)}`);

// ---- 3. the backward of broadcasting --------------------------------------------------------------
// y = a + b with a (2, 3) and b (3): b is used once per row, so dL/db = Σ over rows of dL/dy.
console.log('\n## backward');
const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', requiresGrad: true }); // (2, 3)
const bias = tensor([10, 20, 30], { dtype: 'float64', requiresGrad: true }); // (3)
const w = tensor([[1, 0, 2], [3, 1, -1]], { dtype: 'float64' }); // (2, 3), fixed weights: dL/dy = w
x.add(bias).mul(w).sum().backward();
console.log(`L = sum((x + bias) * w), x (2, 3), bias (3)`);
console.log(`dL/dy = w = ${show(w)}`);
console.log(`x.grad    = ${show(x.grad!)}   (same shape as y: nothing to sum)`);
console.log(`bias.grad = ${show(bias.grad!)}   = w.sum(0) = ${show(w.sum(0))}`);

// (4, 1, 3) * (2, 1) -> (4, 2, 3): p's dim 1 and q's new dim 0 and dim 2 were stretched
manualSeed(0);
const p = randn([4, 1, 3], { dtype: 'float64', requiresGrad: true });
const q = randn([2, 1], { dtype: 'float64', requiresGrad: true });
const g = randn([4, 2, 3], { dtype: 'float64' }); // an upstream gradient dL/dy
p.mul(q).backward(g);
const pBy = g.mul(q).sum(1, true); // (4, 1, 3): sum over the stretched dim 1, kept
const qBy = g.mul(p).sum(0).sum(1, true); // (2, 1): sum over the added dim 0, then the stretched dim 2
console.log(`y = p * q with p (4, 1, 3), q (2, 1) -> y ${JSON.stringify(p.mul(q).shape)}`);
console.log(`p.grad ${JSON.stringify(p.grad!.shape)} vs (g * q).sum(1, keepdim): max |diff| ${agree(p.grad!, pBy)}`);
console.log(`q.grad ${JSON.stringify(q.grad!.shape)} vs (g * p).sum(0).sum(1, keepdim): max |diff| ${agree(q.grad!, qBy)}`);
const u = randn([3, 1], { dtype: 'float64', requiresGrad: true });
const v = randn([1, 4], { dtype: 'float64', requiresGrad: true });
console.log(`gradcheck((u, v) => (u * v).tanh(), u (3, 1), v (1, 4)): ${gradcheck((s, r) => s.mul(r).tanh(), [u, v])}`);

// ---- 4. matmul is a broadcast multiply and a sum ---------------------------------------------------
// (A B)[i, j] = Σ_k A[i, k] B[k, j]: broadcast A (2, 3, 1) against B (1, 3, 4), multiply, sum over k.
console.log('\n## matmul');
const A1 = randn([2, 3], { dtype: 'float64', requiresGrad: true });
const B1 = randn([3, 4], { dtype: 'float64', requiresGrad: true });
const A2 = A1.detach().requiresGrad_(), B2 = B1.detach().requiresGrad_();
const dY = randn([2, 4], { dtype: 'float64' });
const Y1 = A1.matmul(B1);
const Y2 = A2.unsqueeze(2).mul(B2.unsqueeze(0)).sum(1); // (2, 3, 1) * (1, 3, 4) -> (2, 3, 4) -> (2, 4)
Y1.backward(dY);
Y2.backward(dY);
console.log(`A @ B vs (A[:, :, None] * B[None]).sum(1): max |diff| ${agree(Y1, Y2)}`);
console.log(`A.grad: matmul's vs broadcast-and-sum's: max |diff| ${agree(A1.grad!, A2.grad!)}; vs dY Bᵀ: ${agree(A1.grad!, dY.matmul(B1.detach().t()))}`);
console.log(`B.grad: matmul's vs broadcast-and-sum's: max |diff| ${agree(B1.grad!, B2.grad!)}; vs Aᵀ dY: ${agree(B1.grad!, A1.detach().t().matmul(dY))}`);
