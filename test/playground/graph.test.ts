// graph.test.ts — the Graph page's evaluator in Node (playground/src/graph/evaluate.ts): each
// preset's DOT has the expected boxes and its leaves carry the hand-derived gradients; variables
// name the leaves; bad code gets a clear message.

import { describe, expect, it } from 'vitest';
import { evaluate } from '../../playground/src/graph/evaluate.js';
import { PRESETS } from '../../playground/src/graph/presets.js';

/** Node declarations in DOT text (lines like `  op0 [label=…]`). */
const boxes = (dot: string) => dot.split('\n').filter((l) => /^\s+\w+ \[label=/.test(l)).length;
const preset = (start: string) => PRESETS.find((p) => p.name.startsWith(start))!.code;
const grad = (ev: ReturnType<typeof evaluate>, name: string) => ev.leaves.find((l) => l.name === name)!.grad;

describe('playground graph evaluator', () => {
  it('scalars: a = 2, d(a·a + exp a)/da = 2a + e^a', () => {
    const ev = evaluate(preset('scalars'));
    expect(boxes(ev.dot)).toBe(4); // leaf a; mul, exp, add
    expect(ev.output.item()).toBeCloseTo(4 + Math.exp(2), 4);
    expect(grad(ev, 'a')).toBeCloseTo(4 + Math.exp(2), 4);
    expect(ev.dot).toContain('label="a\\n[] float32\\nvalue 2\\ngrad 11.39"');
  });

  it('neuron: dy/db = 1 - tanh(1.1)², dy/dw = (1 - y²) x', () => {
    const ev = evaluate(preset('a neuron'));
    expect(boxes(ev.dot)).toBe(7); // leaves w, b; const x; mul, sum, add, tanh
    const d = 1 - Math.tanh(1.1) ** 2;
    expect(grad(ev, 'b') as number).toBeCloseTo(d, 5);
    const gw = grad(ev, 'w') as number[];
    expect(gw[0]).toBeCloseTo(d, 5);
    expect(gw[1]).toBeCloseTo(-2 * d, 5);
  });

  it('MLP: module parameters are named model.0.weight …; the output bias gets mean(2(ŷ - y))', () => {
    const ev = evaluate(preset('a small MLP'));
    expect(ev.leaves.map((l) => l.name)).toEqual(['model.0.weight', 'model.0.bias', 'model.2.weight', 'model.2.bias']);
    expect(boxes(ev.dot)).toBe(18); // 4 leaves, consts x, y and 4 (the mean's divisor), 11 ops
    expect(ev.dot).toContain('label="model.2.bias');
    expect(ev.output.item()).toBeGreaterThan(0);
  });

  it('softmax cross-entropy: dloss/dz = softmax(z) - onehot', () => {
    const ev = evaluate(preset('softmax'));
    const e = [2, 1, 0.1].map(Math.exp);
    const sum = e[0] + e[1] + e[2];
    const want = [e[0] / sum - 1, e[1] / sum, e[2] / sum];
    const got = (grad(ev, 'z') as number[][])[0];
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
    expect(ev.output.item()).toBeCloseTo(Math.log(sum) - 2, 5);
    expect(boxes(ev.dot)).toBe(6); // leaf z, const onehot; logSoftmax, mul, sum, neg
  });

  it('a non-scalar output is differentiated through its sum; let/const are accepted', () => {
    const ev = evaluate('const a = tensor([1, 2, 3], {requiresGrad: true})\na.mul(a)');
    expect(grad(ev, 'a')).toEqual([2, 4, 6]);
  });

  it('bad code gets a message saying what is wrong', () => {
    expect(() => evaluate('')).toThrow('graph: write some code; its last line gives the output tensor');
    expect(() => evaluate('a = tensor(2.0, {requiresGrad: true})\nb = a.mul(')).toThrow(/^graph: the code does not parse: /);
    expect(() => evaluate('a = 3\na')).toThrow('graph: the last line must give a tensor, got number 3');
    expect(() => evaluate('tensor(2.0).mul(3)')).toThrow('graph: the output does not depend on any tensor that requires grad');
    expect(() => evaluate('b = q.mul(2)')).toThrow("graph: 'q' is not defined");
    expect(() => evaluate('a = tensor([1, 2], {requiresGrad: true})\na.matmul(tensor([[1, 2, 3]]))')).toThrow(/matmul/);
  });
});
