// 04-self-attention.ts — tutorial chapter 4 (docs/tutorial/04-self-attention.md): self-attention
// from scratch. The averaging trick three ways (loop, normalised tril matmul, softmax over a -inf
// mask), one head of scaled dot-product attention and why it divides by sqrt(hs), then multiple
// heads, checked against the library's scaledDotProductAttention and nn.MultiheadAttention.
// Shape letters: B batch, T time, C channels, nh heads, hs head size. Run: npx tsx examples/tutorial/04-self-attention.ts

import { manualSeed, nn, ones, randint, randn, tensor, zeros, type Tensor } from '../../src/index.js';
import { causalAttention, CausalSelfAttention, futureMask, maxAbsDiff } from './lib/b-attention.js';
import { below, matrix, num, vec } from './lib/b-print.js';

manualSeed(1337);

// ---- 1. the trick: every position averages itself and its past ---------------------------------
console.log('## tril');
{
  let a = ones([3, 3]).tril(); // (3, 3)
  a = a.div(a.sum(1, true)); // each row sums to 1
  const b = randint(0, 10, [3, 2]).to('float32'); // (3, 2)
  console.log(`a =\n${matrix(a)}\nb =\n${matrix(b, 0)}\nc = a @ b =\n${matrix(a.matmul(b))}`);
}

console.log('\n## three-ways');
const [B, T, C] = [4, 8, 2];
const x = randn([B, T, C]); // (B, T, C)

// version 1: a loop, xbow[b, t] = mean of x[b, 0..t]
const rows: Tensor[] = [];
for (let b = 0; b < B; b++) {
  for (let t = 0; t < T; t++) rows.push(x.select(0, b).slice(0, 0, t + 1).mean(0)); // (t+1, C) -> (C)
}
const xbow1 = tensor(rows.flatMap((r) => Array.from(r.dataSync())), { shape: [B, T, C] }); // (B, T, C)

// version 2: the same averages as one matmul with a row-normalised lower triangle
let wei = ones([T, T]).tril();
wei = wei.div(wei.sum(1, true)); // (T, T)
const xbow2 = wei.matmul(x); // (T, T) @ (B, T, C) -> (B, T, C)

// version 3: start from zero "affinities", forbid the future with -inf, and let softmax normalise
const wei3 = zeros([T, T]).maskedFill(futureMask(T), -Infinity).softmax(-1); // (T, T)
const xbow3 = wei3.matmul(x); // (B, T, C)

console.log(`x[0] =\n${matrix(x.select(0, 0))}`);
console.log(`xbow[0] (version 1, the loop) =\n${matrix(xbow1.select(0, 0))}`);
console.log(`softmax weights (version 3) =\n${matrix(wei3)}`);
console.log(`max |version 2 - version 1| ${below(maxAbsDiff(xbow2, xbow1))}, max |version 3 - version 1| ${below(maxAbsDiff(xbow3, xbow1))}`);

// ---- 2. one head: the affinities come from the data ----------------------------------------------
console.log('\n## one-head');
{
  const [B, T, C, hs] = [4, 8, 32, 16];
  const x = randn([B, T, C]); // (B, T, C)
  const key = new nn.Linear(C, hs, { bias: false });
  const query = new nn.Linear(C, hs, { bias: false });
  const value = new nn.Linear(C, hs, { bias: false });
  const k = key.forward(x), q = query.forward(x), v = value.forward(x); // 3 × (B, T, hs)
  let wei = q.matmul(k.transpose(-2, -1)).mul(hs ** -0.5); // (B, T, hs) @ (B, hs, T) -> (B, T, T)
  wei = wei.maskedFill(futureMask(T), -Infinity).softmax(-1); // (B, T, T)
  const out = wei.matmul(v); // (B, T, hs)
  console.log(`out shape [${out.shape.join(', ')}]; attention weights of the first sequence =\n${matrix(wei.select(0, 0))}`);
  const ref = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true }); // (B, T, hs)
  console.log(`max |out - scaledDotProductAttention(q, k, v, {isCausal: true})| ${below(maxAbsDiff(out, ref))}`);
}

// why 1/sqrt(hs): the dot product of two hs-long vectors of unit-variance entries has variance hs
console.log('\n## scale');
{
  const hs = 16;
  const q = randn([64, 8, hs]), k = randn([64, 8, hs]); // (B, T, hs)
  const raw = q.matmul(k.transpose(-2, -1)); // (B, T, T)
  console.log(`var(q) ${num(q.var().item())}, var(k) ${num(k.var().item())}, ` +
    `var(q kᵀ) ${num(raw.var().item())}, var(q kᵀ / sqrt(hs)) ${num(raw.mul(hs ** -0.5).var().item())}`);
  const s = tensor([0.1, -0.2, 0.3, -0.2, 0.5]);
  console.log(`softmax(s)     = ${vec(s.softmax(-1), 3)}\nsoftmax(8 · s) = ${vec(s.mul(8).softmax(-1), 3)}`);
}

// ---- 3. multiple heads, against nn.MultiheadAttention --------------------------------------------
console.log('\n## multi-head');
{
  const [B, T, C, nh] = [4, 8, 32, 4];
  const x = randn([B, T, C]); // (B, T, C)
  const attn = new CausalSelfAttention(C, nh);
  const y = attn.forward(x); // (B, T, C)

  // the library's module, given the same weights (its in_proj_weight is our c_attn.weight)
  const mha = new nn.MultiheadAttention(C, nh, { batchFirst: true });
  mha.loadStateDict({
    in_proj_weight: attn.cAttn.weight, in_proj_bias: attn.cAttn.bias!,
    'out_proj.weight': attn.cProj.weight, 'out_proj.bias': attn.cProj.bias!,
  });
  const [ref] = mha.forward(x, x, x, { isCausal: true, needWeights: false }); // (B, T, C)
  const params = attn.parameters().reduce((n, p) => n + p.numel(), 0);
  console.log(`${nh} heads of hs = ${C / nh}: y shape [${y.shape.join(', ')}], ${params} parameters`);
  console.log(`max |y - nn.MultiheadAttention| ${below(maxAbsDiff(y, ref))}`);

  // the gradients agree too: autograd differentiates both compositions
  y.pow(2).sum().backward();
  ref.pow(2).sum().backward();
  console.log(`max |dL/dc_attn.weight - dL/din_proj_weight| ${below(maxAbsDiff(attn.cAttn.weight.grad!, mha.inProjWeight!.grad!))}`);

  // heads are independent: a head's output only depends on its own hs columns of Q, K, V
  const qkv = attn.cAttn.forward(x); // (B, T, 3C)
  const hs = C / nh;
  const head0 = causalAttention(qkv.slice(-1, 0, hs), qkv.slice(-1, C, C + hs), qkv.slice(-1, 2 * C, 2 * C + hs)); // (B, T, hs)
  const [q, k, v] = qkv.split(C, -1).map((t) => t.reshape(B, T, nh, hs).transpose(1, 2)); // 3 × (B, nh, T, hs)
  console.log(`max |head 0 alone - head 0 of the batched heads| ${below(maxAbsDiff(head0, causalAttention(q, k, v).select(1, 0)))}`);
}
