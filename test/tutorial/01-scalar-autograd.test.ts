// Chapter 1's Value engine (examples/tutorial/lib/a-value.ts) and the exercise solutions
// (examples/tutorial/solutions/01-scalar-autograd.ts): gradients against hand-derived numbers and
// float64 central differences; the iterative backward on a diamond and on a 100,000-Value chain.

import { describe, expect, it } from 'vitest';
import { Value } from '../../examples/tutorial/lib/a-value.js';
import { backwardIterative, log, sigmoid, topoIterative } from '../../examples/tutorial/solutions/01-scalar-autograd.js';

/** d f / d x_i by central differences, f built fresh from plain numbers. */
function numericGrad(f: (xs: Value[]) => Value, xs: number[], h = 1e-6): number[] {
  return xs.map((_, i) => {
    const at = (d: number): number => f(xs.map((v, j) => new Value(j === i ? v + d : v))).data;
    return (at(h) - at(-h)) / (2 * h);
  });
}
function analyticGrad(f: (xs: Value[]) => Value, xs: number[]): number[] {
  const vs = xs.map((v) => new Value(v));
  f(vs).backward();
  return vs.map((v) => v.grad);
}

describe('Value (chapter 1)', () => {
  it("gives micrograd's neuron gradients", () => {
    const [x1, x2, w1, w2, b] = [2, 0, -3, 1, 6.8813735870195432].map((v) => new Value(v));
    const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh();
    o.backward();
    expect(o.data).toBeCloseTo(Math.SQRT1_2, 12);
    expect([x1.grad, w1.grad, x2.grad, w2.grad, b.grad].map((g) => +g.toFixed(10))).toEqual([-1.5, 1, 0.5, 0, 0.5]);
  });

  it("matches micrograd's test_more_ops values (g = 24.7041, dg/da = 138.8338, dg/db = 645.5773)", () => {
    const a = new Value(-4), b = new Value(2);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(c.add(1).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(d.mul(3).add(b.sub(a).relu()));
    const f = c.sub(d).pow(2);
    const g = f.div(2).add(f.pow(-1).mul(10));
    g.backward();
    expect(g.data).toBeCloseTo(24.70408163265306, 10);
    expect(a.grad).toBeCloseTo(138.83381924198252, 8);
    expect(b.grad).toBeCloseTo(645.5772594752186, 8);
  });

  it('sums both paths of a diamond: L = x² + 3x² has dL/dx = 16 at x = 2', () => {
    const x = new Value(2);
    const a = x.mul(x);
    const L = a.add(a.mul(3));
    L.backward();
    expect(x.grad).toBe(16);
    expect(a.grad).toBe(4);
  });

  it('agrees with central differences on exp, pow, tanh, div', () => {
    const f = ([p, q]: Value[]): Value => p.exp().mul(q.pow(3)).add(p.div(q).tanh());
    const an = analyticGrad(f, [0.3, -1.2]), nu = numericGrad(f, [0.3, -1.2]);
    an.forEach((g, i) => expect(g).toBeCloseTo(nu[i], 6));
  });
});

describe('chapter 1 exercise solutions', () => {
  it('sigmoid: σ(0) = 1/2 with slope 1/4, and central differences inside an expression', () => {
    const x = new Value(0);
    const s = sigmoid(x);
    s.backward();
    expect(s.data).toBe(0.5);
    expect(x.grad).toBe(0.25);
    const f = ([p, q]: Value[]): Value => sigmoid(p.mul(q)).mul(p);
    const an = analyticGrad(f, [1.5, -0.7]), nu = numericGrad(f, [1.5, -0.7]);
    an.forEach((g, i) => expect(g).toBeCloseTo(nu[i], 7));
  });

  it('log: d ln x / dx = 1/x, central differences, and an error for x <= 0', () => {
    const x = new Value(4);
    log(x).backward();
    expect(x.grad).toBe(0.25);
    const f = ([p, q]: Value[]): Value => log(p.mul(p).add(q.exp()));
    const an = analyticGrad(f, [0.8, 0.4]), nu = numericGrad(f, [0.8, 0.4]);
    an.forEach((g, i) => expect(g).toBeCloseTo(nu[i], 7));
    expect(() => log(new Value(-1))).toThrow('log: input must be positive, got -1');
    expect(() => log(new Value(0))).toThrow('log: input must be positive, got 0');
  });

  it('topoIterative puts every Value before its inputs and gives the diamond dL/dx = 16', () => {
    const x = new Value(2);
    const a = x.mul(x);
    const b = a.mul(3);
    const L = a.add(b);
    const order = topoIterative(L);
    expect(order.length).toBe(L.topo().length);
    for (const v of order) for (const child of v.inputs) expect(order.indexOf(child)).toBeGreaterThan(order.indexOf(v));
    backwardIterative(L);
    expect(x.grad).toBe(16);
  });

  it('backwardIterative runs a chain of 100,000 Values that the recursive topo overflows on', () => {
    const x = new Value(1);
    let v = x;
    for (let i = 0; i < 100_000; i++) v = v.mul(0.99999);
    expect(() => v.backward()).toThrow(RangeError); // Maximum call stack size exceeded
    x.grad = 0;
    backwardIterative(v);
    expect(x.grad).toBeCloseTo(0.99999 ** 100_000, 10);
  });
});
