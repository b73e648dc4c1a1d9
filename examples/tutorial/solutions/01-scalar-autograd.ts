// solutions/01-scalar-autograd.ts — answers to chapter 1's exercises (docs/tutorial/01-scalar-autograd.md):
// sigmoid and log as new Value ops, and a backward whose topological sort uses an explicit stack
// instead of recursion, so a chain of 100,000 Values does not overflow the call stack.
// Checked by test/tutorial/01-scalar-autograd.test.ts.

import { Value } from '../lib/a-value.js';

// y = σ(x) = 1 / (1 + e^-x)     dy/dx = y (1 - y)
export function sigmoid(x: Value): Value {
  const out = new Value(1 / (1 + Math.exp(-x.data)), [x], 'sigmoid');
  out.backwardStep = () => { x.grad += out.data * (1 - out.data) * out.grad; };
  return out;
}

// y = ln x     dy/dx = 1 / x
export function log(x: Value): Value {
  if (!(x.data > 0)) throw new Error(`log: input must be positive, got ${x.data}`);
  const out = new Value(Math.log(x.data), [x], 'log');
  out.backwardStep = () => { x.grad += out.grad / x.data; };
  return out;
}

/** Value.topo() without recursion: a depth-first search with a stack of [Value, next input]. */
export function topoIterative(root: Value): Value[] {
  const post: Value[] = [];
  const seen = new Set<Value>([root]);
  const stack: [Value, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const v = top[0];
    if (top[1] < v.inputs.length) {
      const child = v.inputs[top[1]++];
      if (!seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      post.push(v); // all of v's inputs are already in `post`
      stack.pop();
    }
  }
  return post.reverse();
}

/** Value.backward() on topoIterative's order. */
export function backwardIterative(root: Value): void {
  root.grad = 1;
  for (const v of topoIterative(root)) v.backwardStep();
}
