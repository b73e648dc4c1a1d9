// container.ts — Sequential (children run in order, keys '0', '1', …) and ModuleList
// (an indexable list of modules registered under their index).
// Reference: torch.nn.Sequential, torch.nn.ModuleList.

import { Module } from './module.js';
import type { Tensor } from '../tensor/tensor.js';

/** Runs its modules in order: y = m_n(…m_1(m_0(x))). */
export class Sequential extends Module {
  private readonly list: Module[];
  constructor(...modules: Module[]) {
    super();
    this.list = modules.map((m, i) => this.registerModule(String(i), m));
  }
  get length(): number { return this.list.length; }
  at(i: number): Module { return this.list[i < 0 ? i + this.list.length : i]; }
  /** Typed for the common tensor-in, tensor-out case; each child gets the previous output. */
  forward(x: Tensor): Tensor {
    let y: unknown = x;
    for (const m of this.list) y = (m.forward as (a: unknown) => unknown).call(m, y);
    return y as Tensor;
  }
}

/** A list of modules whose parameters are registered as '0.weight', '1.weight', …. */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly list: M[] = [];
  constructor(modules: M[] = []) {
    super();
    for (const m of modules) this.append(m);
  }
  append(m: M): this {
    this.list.push(this.registerModule(String(this.list.length), m));
    return this;
  }
  get length(): number { return this.list.length; }
  at(i: number): M { return this.list[i < 0 ? i + this.list.length : i]; }
  [Symbol.iterator](): Iterator<M> { return this.list[Symbol.iterator](); }
  map<T>(fn: (m: M, i: number) => T): T[] { return this.list.map(fn); }
  forward(): never {
    throw new Error('ModuleList: has no forward; iterate over its modules instead');
  }
}
