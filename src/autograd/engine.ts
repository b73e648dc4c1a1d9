// engine.ts — reverse-mode autograd: the graph node, grad mode, backward() and grad().
// Every differentiable op records a Node holding a closure that maps the output's gradient dy
// to the inputs' gradients (written next to its forward in ops/). backward() orders the graph
// with an iterative depth-first search (no recursion, so 100k-op chains are fine), then walks it
// once from the output, accumulating with `+`. Closures are dropped afterwards unless
// retainGraph, which frees the saved tensors. Reference: micrograd engine.py; PyTorch autograd.

import type { Tensor } from '../tensor/tensor.js';
import { fmt, sameShape } from '../tensor/shape.js';

export type BackwardFn = (dy: Tensor) => (Tensor | null)[];

/** One recorded op: where gradients go (an upstream Node, a leaf Tensor, or nowhere). */
export class Node {
  /** Set by Tensor.retainGrad(): the non-leaf output whose .grad should be kept. */
  retained: Tensor | null = null;
  constructor(
    readonly name: string,
    readonly next: (Node | Tensor | null)[],
    readonly inputShapes: number[][],
    public backwardFn: BackwardFn | null,
  ) {}
}

// ---- grad mode ------------------------------------------------------------------------

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

function withGradMode<T>(flag: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = flag;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs fn without recording a graph (like `with torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with graph recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/**
 * Attaches a Node to `out` if grad mode is on and any input requires grad.
 * `backward(dy)` returns one gradient per input (null where none flows).
 */
export function record(name: string, inputs: Tensor[], out: Tensor, backward: BackwardFn): Tensor {
  if (!gradEnabled || !inputs.some((t) => t.requiresGrad)) return out;
  const next = inputs.map((t) => (t.gradFn ? t.gradFn : t.requiresGrad ? t : null));
  out._setGraph(new Node(name, next, inputs.map((t) => t.shape), backward));
  return out;
}

// ---- backward ---------------------------------------------------------------------------

/** Nodes reachable from `roots`, ordered so that every node comes before its inputs. */
function topoOrder(roots: Node[]): Node[] {
  const post: Node[] = [];
  const seen = new Set<Node>();
  const stack: { node: Node; i: number }[] = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push({ node: r, i: 0 });
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i < top.node.next.length) {
        const child = top.node.next[top.i++];
        if (child instanceof Node && !seen.has(child)) {
          seen.add(child);
          stack.push({ node: child, i: 0 });
        }
      } else {
        post.push(top.node);
        stack.pop();
      }
    }
  }
  return post.reverse();
}

function accumulate<K>(map: Map<K, Tensor>, key: K, g: Tensor): void {
  const prev = map.get(key);
  map.set(key, prev ? prev.add(g) : g);
}

export interface RunOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

/**
 * Propagates `grads` (one per root) back through the graph. Returns the gradients that reached
 * leaf tensors, those of any non-leaf tensors listed in `capture`, and those of non-leaves that
 * called retainGrad() (Tensor.backward stores them in .grad; grad() does not).
 */
export function runBackward(
  roots: Tensor[],
  grads: Tensor[],
  opts: RunOptions,
  capture: Tensor[] = [],
): { leaves: Map<Tensor, Tensor>; captured: Map<Node, Tensor>; retained: Map<Tensor, Tensor> } {
  const nodeGrads = new Map<Node, Tensor>();
  const leaves = new Map<Tensor, Tensor>();
  const captured = new Map<Node, Tensor>();
  const retained = new Map<Tensor, Tensor>();
  const captureNodes = new Set(capture.map((t) => t.gradFn).filter((n): n is Node => n !== null));
  roots.forEach((r, i) => {
    if (r.gradFn) accumulate(nodeGrads, r.gradFn, grads[i]);
    else if (r.requiresGrad) accumulate(leaves, r, grads[i]);
  });
  const order = topoOrder(roots.flatMap((r) => (r.gradFn ? [r.gradFn] : [])));
  withGradMode(!!opts.createGraph, () => {
    for (const node of order) {
      const dy = nodeGrads.get(node);
      if (!dy) continue;
      nodeGrads.delete(node);
      if (captureNodes.has(node)) captured.set(node, dy);
      if (node.retained) retained.set(node.retained, dy);
      if (!node.backwardFn) {
        throw new Error(
          `backward: trying to backward through the graph a second time (at '${node.name}'); ` +
            'its saved values were freed after the first backward. Pass {retainGraph: true} to the first call.',
        );
      }
      const dxs = node.backwardFn(dy);
      if (!opts.retainGraph) node.backwardFn = null;
      node.next.forEach((target, i) => {
        const dx = dxs[i];
        if (!target || !dx) return;
        if (!sameShape(dx.shape, node.inputShapes[i])) {
          throw new Error(`backward of ${node.name}: gradient ${fmt(dx.shape)} does not match input ${i} of shape ${fmt(node.inputShapes[i])}`);
        }
        if (target instanceof Node) accumulate(nodeGrads, target, dx);
        else accumulate(leaves, target, dx);
      });
    }
  });
  return { leaves, captured, retained };
}
