// engine.ts — reverse-mode autograd: the graph node, grad mode, backward() and grad().
// Every differentiable op records a Node holding a closure that maps the outputs' gradients to
// the inputs' gradients (written next to its forward in ops/). Most ops have one output; a few
// (unbind) have several, each output tensor knowing its slot. backward() orders the graph with
// an iterative depth-first search (no recursion, so 100k-op chains are fine), then walks it once
// from the output, accumulating with `+`. Closures are dropped afterwards unless retainGraph,
// which frees the saved tensors. Each Node also keeps what toDot (src/viz/dot.ts) shows: output
// shapes and dtypes, small outputs' values, and the gradient of the last backward through it.
// Reference: micrograd engine.py; PyTorch autograd.

import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { fmt, numel, sameShape } from '../tensor/shape.js';

/** Outputs and constant inputs with at most this many elements are kept for toDot. */
export const SMALL_NUMEL = 16;
/**
 * Each backward keeps, for toDot, references to the gradients reaching the ops nearest the
 * output until this many elements are held (4 MiB of float32): no copying, no arithmetic, and a
 * bound on the memory a large model's graph holds on to.
 */
export const KEPT_GRAD_ELEMENTS = 1 << 20;

export type BackwardFn = (dy: Tensor) => (Tensor | null)[];
/** A several-output op's backward: one gradient per output (null where none arrived). */
export type MultiBackwardFn = (dys: (Tensor | null)[]) => (Tensor | null)[];

/** Where an input's gradient goes: output `slot` of an upstream node, a leaf tensor, or nowhere. */
export type Edge = { node: Node; slot: number } | Tensor | null;

/** One recorded op with `outputs` outputs (1 for all but a few ops such as unbind). */
export class Node {
  /** Set by Tensor.retainGrad(): per output slot, the non-leaf output whose .grad should be kept. */
  readonly retained: (Tensor | null)[];
  /** Per output slot: a copy of the output's value when it is small, else null (for toDot). */
  readonly smallValues: (Tensor | null)[];
  /** Per output slot: the gradient that reached it in the last backward, within KEPT_GRAD_ELEMENTS (for toDot). */
  readonly lastGrads: (Tensor | null)[];
  /** Per input: the input itself when it needs no gradient and is small, else null (for toDot). */
  readonly smallConstants: (Tensor | null)[] = [];
  constructor(
    readonly name: string,
    readonly next: Edge[],
    readonly inputShapes: number[][],
    readonly outputs: number,
    public backwardFn: MultiBackwardFn | null,
    /** Output shapes and dtypes, one per output slot. */
    readonly outputShapes: number[][] = [],
    readonly outputDtypes: DType[] = [],
    /** dtypes of the inputs (shapes are inputShapes), so constant inputs can be described. */
    readonly inputDtypes: DType[] = [],
  ) {
    this.retained = new Array<Tensor | null>(outputs).fill(null);
    this.smallValues = new Array<Tensor | null>(outputs).fill(null);
    this.lastGrads = new Array<Tensor | null>(outputs).fill(null);
  }
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
  recordMulti(name, inputs, [out], (dys) => backward(dys[0]!));
  return out;
}

/**
 * record() for an op with several outputs: one Node for all of them, so backward runs once,
 * after every output's gradient has arrived. `backward(dys)` gets one gradient per output
 * (null for outputs no gradient reached) and returns one per input.
 */
export function recordMulti(name: string, inputs: Tensor[], outs: Tensor[], backward: MultiBackwardFn): Tensor[] {
  if (!gradEnabled || !inputs.some((t) => t.requiresGrad)) return outs;
  const next = inputs.map((t): Edge => (t.gradFn ? { node: t.gradFn, slot: t._slot } : t.requiresGrad ? t : null));
  const node = new Node(
    name, next, inputs.map((t) => t.shape), outs.length, backward,
    outs.map((o) => o.shape), outs.map((o) => o.dtype), inputs.map((t) => t.dtype),
  );
  inputs.forEach((t, i) => { node.smallConstants[i] = next[i] === null && numel(t.shape) <= SMALL_NUMEL ? t : null; });
  outs.forEach((o, slot) => {
    // a copy, not the output itself: a later in-place op must not change what toDot shows
    if (numel(o.shape) <= SMALL_NUMEL) node.smallValues[slot] = o.detach().clone();
    o._setGraph(node, slot);
  });
  return outs;
}

// ---- backward ---------------------------------------------------------------------------

/** Nodes reachable from `roots`, ordered so that every node comes before its inputs. */
export function topoOrder(roots: Node[]): Node[] {
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
        const edge = top.node.next[top.i++];
        const child = edge && !isTensor(edge) ? edge.node : null;
        if (child && !seen.has(child)) {
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

/** A leaf edge (a Tensor) rather than a node edge ({node, slot}). */
const isTensor = (e: Edge): e is Tensor => e !== null && !('slot' in e);

function accumulate<K>(map: Map<K, Tensor>, key: K, g: Tensor): void {
  const prev = map.get(key);
  map.set(key, prev ? prev.add(g) : g);
}

/** Adds g into output `slot` of node's gradient list. */
function accumulateSlot(map: Map<Node, (Tensor | null)[]>, node: Node, slot: number, g: Tensor): void {
  let dys = map.get(node);
  if (!dys) map.set(node, (dys = new Array<Tensor | null>(node.outputs).fill(null)));
  const prev = dys[slot];
  dys[slot] = prev ? prev.add(g) : g;
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
): { leaves: Map<Tensor, Tensor>; captured: Map<Tensor, Tensor>; retained: Map<Tensor, Tensor> } {
  const nodeGrads = new Map<Node, (Tensor | null)[]>();
  const leaves = new Map<Tensor, Tensor>();
  const captured = new Map<Tensor, Tensor>();
  const retained = new Map<Tensor, Tensor>();
  const captureAt = new Map<Node, Tensor[]>();
  for (const t of capture) if (t.gradFn) captureAt.set(t.gradFn, [...(captureAt.get(t.gradFn) ?? []), t]);
  roots.forEach((r, i) => {
    if (r.gradFn) accumulateSlot(nodeGrads, r.gradFn, r._slot, grads[i]);
    else if (r.requiresGrad) accumulate(leaves, r, grads[i]);
  });
  const order = topoOrder(roots.flatMap((r) => (r.gradFn ? [r.gradFn] : [])));
  let keepBudget = KEPT_GRAD_ELEMENTS;
  withGradMode(!!opts.createGraph, () => {
    for (const node of order) {
      const dys = nodeGrads.get(node);
      if (!dys) continue;
      nodeGrads.delete(node);
      dys.forEach((dy, slot) => {
        const n = dy ? numel(dy.shape) : 0;
        node.lastGrads[slot] = dy && n <= keepBudget ? dy.detach() : null;
        if (node.lastGrads[slot]) keepBudget -= n;
      });
      for (const t of captureAt.get(node) ?? []) if (dys[t._slot]) captured.set(t, dys[t._slot]!);
      node.retained.forEach((t, slot) => { if (t && dys[slot]) retained.set(t, dys[slot]!); });
      if (!node.backwardFn) {
        throw new Error(
          `backward: trying to backward through the graph a second time (at '${node.name}'); ` +
            'its saved values were freed after the first backward. Pass {retainGraph: true} to the first call.',
        );
      }
      const dxs = node.backwardFn(dys);
      if (!opts.retainGraph) node.backwardFn = null;
      node.next.forEach((target, i) => {
        const dx = dxs[i];
        if (!target || !dx) return;
        if (!sameShape(dx.shape, node.inputShapes[i])) {
          throw new Error(`backward of ${node.name}: gradient ${fmt(dx.shape)} does not match input ${i} of shape ${fmt(node.inputShapes[i])}`);
        }
        if (isTensor(target)) accumulate(leaves, target, dx);
        else accumulateSlot(nodeGrads, target.node, target.slot, dx);
      });
    }
  });
  return { leaves, captured, retained };
}
