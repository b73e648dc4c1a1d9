// grad.ts — torch.autograd.grad: gradients of outputs with respect to chosen inputs, returned
// instead of accumulated into .grad. With createGraph the returned gradients are themselves
// part of the graph, so they can be differentiated again (Hessian-vector products, d²y/dx²).
// Reference: torch.autograd.grad.

import { Tensor } from '../tensor/tensor.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { onesLike, zerosLike } from '../tensor/creation.js';
import { runBackward } from './engine.js';

export interface GradOptions {
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Return zeros (instead of throwing) for inputs the outputs do not depend on. */
  allowUnused?: boolean;
}

export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts: GradOptions = {}): Tensor[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const given = opts.gradOutputs == null ? [] : Array.isArray(opts.gradOutputs) ? opts.gradOutputs : [opts.gradOutputs];
  ins.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`grad: input ${i} is not a Tensor`);
    if (!t.requiresGrad) throw new Error(`grad: input ${i} (shape ${fmt(t.shape)}) does not require grad`);
  });
  const seeds = outs.map((y, i) => {
    if (!y.requiresGrad) throw new Error(`grad: output ${i} does not require grad and has no gradFn`);
    const g = given[i];
    if (g) {
      if (!sameShape(g.shape, y.shape)) throw new Error(`grad: gradOutputs[${i}] has shape ${fmt(g.shape)}, output has ${fmt(y.shape)}`);
      return g;
    }
    if (y.numel() !== 1) throw new Error(`grad: gradOutputs must be given for non-scalar output ${i} of shape ${fmt(y.shape)}`);
    return onesLike(y);
  });
  const createGraph = !!opts.createGraph;
  const { leaves, captured } = runBackward(outs, seeds, { createGraph, retainGraph: opts.retainGraph ?? createGraph }, ins);
  return ins.map((t, i) => {
    const g = t.gradFn ? captured.get(t) : leaves.get(t);
    if (g) return createGraph ? g : g.detach();
    if (opts.allowUnused) return zerosLike(t);
    throw new Error(`grad: input ${i} was not used to compute the outputs; pass {allowUnused: true} to get zeros`);
  });
}
