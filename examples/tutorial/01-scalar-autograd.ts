// 01-scalar-autograd.ts — tutorial chapter 1 (docs/tutorial/01-scalar-autograd.md): a one-neuron
// expression on the scalar Value engine of lib/a-value.ts, tanh rebuilt from exp and pow, a diamond
// graph on which two naive backward orders go wrong and the topological one does not, the same
// expressions on tensorloom's autograd, and tensorloom's graph drawn with toDot.
// Run: npx tsx examples/tutorial/01-scalar-autograd.ts

import { tensor, toDot, type Tensor } from '../../src/index.js';
import { dotSummary, writeGraph } from './lib/a-dot.js';
import { Value } from './lib/a-value.js';

const f = (x: number, d = 4): string => (Object.is(x, -0) ? 0 : x).toFixed(d).padStart(d + 4);

// ---- 1. one neuron: o = tanh(x1 w1 + x2 w2 + b) -------------------------------------------------
console.log('## neuron');
const x1 = new Value(2, [], '', 'x1'), x2 = new Value(0, [], '', 'x2');
const w1 = new Value(-3, [], '', 'w1'), w2 = new Value(1, [], '', 'w2');
const b = new Value(6.8813735870195432, [], '', 'b');
const n = x1.mul(w1).add(x2.mul(w2)).add(b);
const o = n.tanh();
o.backward();
console.log(`n = ${n.data.toFixed(4)}   o = tanh(n) = ${o.data.toFixed(4)}   do/dn = 1 - o² = ${(1 - o.data ** 2).toFixed(4)}`);
for (const v of [x1, w1, x2, w2, b]) console.log(`d o / d ${v.label.padEnd(2)} = ${f(v.grad)}`);
console.log(`the graph has ${o.topo().length} Values; in topological order: ${o.topo().map((v) => v.label || v.op).join(' ')}`);

// ---- 2. the same neuron with tanh n = (e^2n - 1) / (e^2n + 1) built from exp, pow, add, mul ------
console.log('\n## tanh-from-exp');
const leaves = [x1, w1, x2, w2, b].map((v) => new Value(v.data, [], '', v.label));
const [y1, v1, y2, v2, c] = leaves;
const m = y1.mul(v1).add(y2.mul(v2)).add(c);
const e = m.mul(2).exp();
const o2 = e.sub(1).mul(e.add(1).pow(-1));
o2.backward();
console.log(`o = ${o2.data.toFixed(4)}  (${o2.topo().length} Values instead of ${o.topo().length})`);
for (const v of leaves) console.log(`d o / d ${v.label.padEnd(2)} = ${f(v.grad)}`);

// ---- 3. why a topological order: a diamond ---------------------------------------------------------
// x -> a = x²,  b = 3a,  L = a + b.  a reaches L twice: directly and through b, so dL/da = 1 + 3 = 4
// and dL/dx = dL/da · 2x = 16 at x = 2.
console.log('\n## diamond');
const x = new Value(2, [], '', 'x');
const a = x.mul(x);
a.label = 'a';
const bb = a.mul(3);
bb.label = 'b';
const L = a.add(bb);
L.label = 'L';
const zero = (): void => { for (const v of L.topo()) v.grad = 0; };
const grads = (): string => [L, bb, a, x].map((v) => `${v.label}.grad = ${v.grad}`).join('  ');

// (i) breadth-first from L, each Value once: a is handled (with only L's share) before b adds its own
zero();
L.grad = 1;
const queue = [L], done = new Set<Value>([L]), bfsOrder: string[] = [];
while (queue.length) {
  const v = queue.shift()!;
  v.backwardStep();
  if (v.op) bfsOrder.push(v.label);
  for (const child of v.inputs) if (!done.has(child) && child.op) { done.add(child); queue.push(child); }
}
console.log(`breadth-first, each once   (${bfsOrder.join(' ')}):   ${grads()}`);

// (ii) depth-first recursion, a Value handled every time it is reached: a's step runs twice
zero();
L.grad = 1;
const dfsOrder: string[] = [];
const recurse = (v: Value): void => {
  v.backwardStep();
  if (v.op) dfsOrder.push(v.label);
  for (const child of v.inputs) recurse(child);
};
recurse(L);
console.log(`recursive, every visit     (${dfsOrder.join(' ')}): ${grads()}`);

// (iii) topological: a's step runs once, after every Value computed from a has run its own
zero();
L.backward();
const topoOrder = L.topo().filter((v) => v.op).map((v) => v.label);
console.log(`topological order          (${topoOrder.join(' ')}):   ${grads()}`);
console.log('by hand: dL/da = 1 + 3 = 4,  dL/dx = 4 · 2x = 16');

// ---- 4. the same expressions on tensorloom's autograd (float64 0-d tensors) ----------------------
console.log('\n## tensorloom');
const leaf = (v: number): Tensor => tensor(v, { dtype: 'float64', requiresGrad: true });
const T = { x1: leaf(2), x2: leaf(0), w1: leaf(-3), w2: leaf(1), b: leaf(6.8813735870195432) };
const tn = T.x1.mul(T.w1).add(T.x2.mul(T.w2)).add(T.b);
const to = tn.tanh();
to.backward();
console.log('             Value    tensorloom');
for (const [v, t] of [[x1, T.x1], [w1, T.w1], [x2, T.x2], [w2, T.w2], [b, T.b]] as const) {
  console.log(`d o / d ${v.label.padEnd(2)}  ${f(v.grad)}  ${f(t.grad!.item())}`);
}

// micrograd's own test expression (test_engine.py, test_more_ops), with relu, sub, div and pow
const more = <V extends { add(o: V | number): V; mul(o: V | number): V; sub(o: V | number): V; div(o: V | number): V; pow(k: number): V; relu(): V; neg(): V }>(a0: V, b0: V): V => {
  let c0 = a0.add(b0);
  let d0 = a0.mul(b0).add(b0.pow(3));
  c0 = c0.add(c0.add(1));
  c0 = c0.add(c0.add(1).add(a0.neg()));
  d0 = d0.add(d0.mul(2).add(b0.add(a0).relu()));
  d0 = d0.add(d0.mul(3).add(b0.sub(a0).relu()));
  const e0 = c0.sub(d0);
  const f0 = e0.pow(2);
  let g0 = f0.div(2);
  g0 = g0.add(f0.pow(-1).mul(10));
  return g0;
};
const va = new Value(-4), vb = new Value(2);
const vg = more(va, vb);
vg.backward();
const ta = leaf(-4), tb = leaf(2);
const tg = more(ta, tb);
tg.backward();
console.log(`g = ${vg.data.toFixed(4)} (Value), ${tg.item().toFixed(4)} (tensorloom), a graph of ${vg.topo().length} Values`);
console.log(`dg/da = ${va.grad.toFixed(4)} (Value), ${ta.grad!.item().toFixed(4)} (tensorloom)`);
console.log(`dg/db = ${vb.grad.toFixed(4)} (Value), ${tb.grad!.item().toFixed(4)} (tensorloom)`);

// ---- 5. tensorloom's graph of the neuron, drawn ------------------------------------------------------
// toDot reads what the Nodes behind `to` kept: shapes, dtypes, small values and the gradients of
// the backward above.
console.log('\n## graph');
const dot = toDot(to, { params: T, values: true });
const [dotPath, svgPath] = await writeGraph('01-neuron', dot);
console.log(`toDot gave ${dot.split('\n').length - 1} lines of DOT text; its boxes (label lines joined by ' | ') and edges:`);
console.log(dotSummary(dot));
console.log(`wrote ${dotPath} and ${svgPath}`);
