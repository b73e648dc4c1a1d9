// module.ts — nn.Module: a tree of modules holding parameters and buffers under PyTorch's
// state-dict names. Registration is explicit and typed (registerParameter / registerBuffer /
// registerModule return what they register), so the key can be PyTorch's snake_case name while
// the property is camelCase. Modules hold state; the math lives in functional forms.
// Reference: torch.nn.Module (named_parameters, state_dict, load_state_dict, train/eval).

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/engine.js';
import { show } from '../check.js';

/** A leaf tensor that a Module registers as trainable (requiresGrad on by default). */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data); // shares data's storage, outside any graph (as detach())
    if (requiresGrad) this.requiresGrad_(true);
  }
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  /** Train mode (dropout active, batch-norm batch statistics) vs eval mode. */
  training = true;
  private readonly _parameters = new Map<string, Parameter | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _modules = new Map<string, Module | null>();

  abstract forward(...args: never[]): unknown;

  // ---- registration --------------------------------------------------------------------------

  registerParameter<P extends Parameter | null>(name: string, p: P): P {
    if (p !== null && !(p instanceof Parameter)) throw new Error(`registerParameter: '${name}' must be a Parameter or null`);
    this._parameters.set(name, p);
    return p;
  }
  registerBuffer<T extends Tensor | null>(name: string, t: T): T {
    this._buffers.set(name, t);
    return t;
  }
  registerModule<M extends Module | null>(name: string, m: M): M {
    this._modules.set(name, m);
    return m;
  }
  /** Replaces a registered buffer's tensor (e.g. a running statistic); keeps its key. */
  protected setBuffer(name: string, t: Tensor): void {
    if (!this._buffers.has(name)) throw new Error(`setBuffer: no buffer named '${name}'`);
    this._buffers.set(name, t);
  }
  protected getBuffer(name: string): Tensor | null {
    return this._buffers.get(name) ?? null;
  }

  // ---- traversal -------------------------------------------------------------------------------

  namedChildren(): [string, Module][] {
    return [...this._modules].filter((e): e is [string, Module] => e[1] !== null);
  }
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }
  /** This module and all below it, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this.namedChildren()) out.push(...m.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }
  /** Parameters with PyTorch's dotted names; a parameter shared by two modules is listed once. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Tensor>();
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m._parameters) {
        if (p && !seen.has(p)) { seen.add(p); out.push([prefix ? `${prefix}.${name}` : name, p]); }
      }
    }
    return out;
  }
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m._buffers) if (b) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }
  /** Calls fn on every module (children first, then this one), as torch's Module.apply. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes and gradients -------------------------------------------------------------------

  train(flag = true): this {
    for (const [, m] of this.namedModules()) m.training = flag;
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Sets every parameter's .grad to null (PyTorch's default set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  // ---- state dicts ---------------------------------------------------------------------------

  /** Parameters and buffers by PyTorch key, as detached tensors sharing this module's storage. */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      const key = (n: string): string => (prefix ? `${prefix}.${n}` : n);
      for (const [n, p] of m._parameters) if (p) out[key(n)] = p.detach();
      for (const [n, b] of m._buffers) if (b) out[key(n)] = b.detach();
    }
    return out;
  }

  /**
   * Copies tensors from `stateDict` into this module's parameters and buffers (cast to their
   * dtype). Every value must be a Tensor (a key with `null` throws naming it, in both modes);
   * strict (default): a missing or unexpected key throws naming it; a shape mismatch always
   * throws. Everything is checked before anything is copied, so a failed load changes nothing.
   */
  loadStateDict(stateDict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    const op = 'loadStateDict';
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict) || stateDict instanceof Tensor) {
      throw new Error(`${op}: expected a state dict (an object of key -> Tensor), got ${show(stateDict)}`);
    }
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    // own keys only: a key named like an Object.prototype member ('constructor') is a key like any other
    const missingKeys = Object.keys(own).filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !Object.hasOwn(own, k));
    for (const [k, v] of Object.entries(stateDict)) {
      if (!(v instanceof Tensor)) throw new Error(`${op}: value for key '${k}' is ${show(v)}, not a Tensor`);
    }
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      const parts = [];
      if (missingKeys.length) parts.push(`missing key(s): ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
      if (unexpectedKeys.length) parts.push(`unexpected key(s): ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
      throw new Error(`${op}: ${parts.join('; ')}`);
    }
    const pairs = Object.keys(own).filter((k) => Object.hasOwn(stateDict, k)).map((k) => [k, own[k], stateDict[k]] as const);
    for (const [k, target, src] of pairs) {
      if (!sameShape(src.shape, target.shape)) {
        throw new Error(`${op}: size mismatch for '${k}': checkpoint has shape ${fmt(src.shape)}, the model has ${fmt(target.shape)}`);
      }
    }
    noGrad(() => {
      for (const [, target, src] of pairs) {
        // a tensor on another backend comes over through the host, already in the target's dtype
        target.copy_(src.backend === target.backend ? src : tensor(src.to(target.dtype).dataSync(), { shape: src.shape, like: target }));
      }
    });
    return { missingKeys, unexpectedKeys };
  }
}
