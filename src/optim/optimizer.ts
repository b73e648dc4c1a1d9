// optimizer.ts — the Optimizer base class shared by SGD, Adam/AdamW, RMSprop and Adagrad:
// parameter groups (each with its own lr and options), per-parameter state created lazily on
// the first step under PyTorch's names (exp_avg, momentum_buffer, …), zeroGrad, and state dicts
// that let training resume bit for bit. A subclass validates a group and applies its update rule.
// Reference: torch.optim.Optimizer (param_groups, state, add_param_group, state_dict).

import { Tensor } from '../tensor/tensor.js';
import { allocTyped } from '../tensor/dtype.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { enableGrad, noGrad } from '../autograd/engine.js';

/** Options every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/**
 * One parameter group: its tensors and its options. Options are plain mutable properties
 * (a scheduler sets `group.lr`); extra keys such as a scheduler's `initialLr` live here too.
 */
export type ParamGroup<O extends object = BaseOptions> = O & { params: Tensor[]; [key: string]: unknown };

/** A group as the user passes it: tensors plus any options overriding the optimizer's defaults. */
export type ParamGroupInput<O extends object = BaseOptions> = Partial<O> & { params: Iterable<Tensor> | Tensor; [key: string]: unknown };

/** What an optimizer's first argument may be: tensors, or parameter groups. */
export type ParamsInput<O extends object = BaseOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** A parameter's state: PyTorch's names (step, exp_avg, exp_avg_sq, momentum_buffer, sum, …). */
export type ParamState = Record<string, Tensor | number>;

/** Optimizer.stateDict(): state keyed by the parameter's index across all groups, as PyTorch. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: ({ params: number[] } & Record<string, unknown>)[];
}

export abstract class Optimizer<O extends BaseOptions = BaseOptions, S extends object = ParamState> {
  /** The options a group gets when it doesn't set its own. */
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on the parameter's first update. */
  state = new Map<Tensor, S>();
  /** Name used in error messages ('SGD', 'Adam', …). */
  protected readonly optName: string;

  /**
   * `defaults` may leave an option undefined to mark it required (SGD's lr): then every group
   * must set it. Unknown option names in `options` throw (a typo would otherwise be ignored).
   */
  protected constructor(optName: string, params: ParamsInput<O>, defaults: O, options: object = {}) {
    this.optName = optName;
    for (const k of Object.keys(options)) {
      if (!(k in defaults)) {
        throw new Error(`${optName}: unknown option '${k}' (options are ${Object.keys(defaults).join(', ')})`);
      }
    }
    this.defaults = { ...defaults };
    for (const [k, v] of Object.entries(options)) if (v !== undefined) (this.defaults as Record<string, unknown>)[k] = v;

    if (params instanceof Tensor || params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
      throw new Error(`${optName}: params must be an array of Tensors or of parameter groups ({params, ...options}), got ${describe(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new Error(`${optName}: optimizer got an empty parameter list`);
    const groups = list.every((x) => x instanceof Tensor) ? [{ params: list } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Checks a group's options (called for every group added or loaded); throws naming the option. */
  protected abstract validateGroup(group: ParamGroup<O>): void;
  /** Applies one update to every parameter of `group` that has a gradient (runs inside noGrad). */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** Adds a group; options it leaves out take the optimizer's defaults. */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.optName;
    if (group === null || typeof group !== 'object' || group instanceof Tensor || !('params' in group)) {
      throw new Error(`${name}: a parameter group must be an object {params, ...options}, got ${describe(group)}`);
    }
    const raw = group.params;
    const params = raw instanceof Tensor ? [raw] : raw && typeof raw === 'object' && Symbol.iterator in raw ? [...raw] : null;
    if (!params) throw new Error(`${name}: a parameter group's params must be a Tensor or an array of Tensors, got ${describe(raw)}`);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${name}: params[${i}] is ${describe(p)}, expected a Tensor`);
      if (!p.isLeaf) throw new Error(`${name}: can't optimize a non-leaf Tensor (params[${i}] comes from '${p.gradFn!.name}'); use detach() or a Parameter`);
    });
    if (new Set(params).size !== params.length) throw new Error(`${name}: a parameter group contains the same parameter more than once`);
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => taken.has(p))) throw new Error(`${name}: some parameters appear in more than one parameter group`);

    const full: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) full[k] = Array.isArray(v) ? [...v] : v;
    for (const [k, v] of Object.entries(group)) if (k !== 'params' && v !== undefined) full[k] = Array.isArray(v) ? [...v] : v;
    for (const [k, v] of Object.entries(full)) {
      if (v === undefined) {
        throw new Error(`${name}: option '${k}' is required: pass it in the options (e.g. {${k}: 0.01}) or in every parameter group`);
      }
    }
    full.params = params;
    this.validateGroup(full as ParamGroup<O>);
    this.paramGroups.push(full as ParamGroup<O>);
  }

  /**
   * One optimization step over all groups. `closure`, if given, re-evaluates the model and
   * returns the loss (it runs with grad enabled, before the update); step returns its value.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /** Clears gradients: sets every .grad to null (PyTorch's default), or zeroes it in place. */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else {
          const g = p.grad.requiresGrad ? p.grad.detach() : p.grad;
          noGrad(() => g.zero_());
          p.grad = g;
        }
      }
    }
  }

  /**
   * A snapshot of the optimizer: per-parameter state keyed by the parameter's index (counting
   * through the groups in order) and each group's options with `params` as those indices.
   * Tensors are copied, so training on does not change a saved state dict (PyTorch returns
   * references and leaves the copying to torch.save).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') out[k] = Array.isArray(v) ? [...v] : v;
      out.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return out as { params: number[] } & Record<string, unknown>;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const id = index.get(p);
      if (id === undefined) continue;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) copy[k] = v instanceof Tensor ? v.clone() : (v as number);
      state[id] = copy;
    }
    return { state, paramGroups };
  }

  /**
   * Restores a stateDict() from an optimizer over parameters of the same shapes, in the same
   * group layout. Group options are replaced by the saved ones (the tensors stay this
   * optimizer's); state tensors are copied and cast to their parameter's dtype and backend.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.optName;
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') {
      throw new Error(`${name}.loadStateDict: expected {state, paramGroups}, got ${describe(sd)}`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`${name}.loadStateDict: loaded state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const groups = sd.paramGroups.map((saved, gi) => {
      const own = this.paramGroups[gi];
      if (!Array.isArray(saved.params) || saved.params.length !== own.params.length) {
        throw new Error(`${name}.loadStateDict: parameter group ${gi} has ${saved.params?.length} parameters in the state dict, ${own.params.length} in the optimizer`);
      }
      saved.params.forEach((id, j) => byIndex.set(id, own.params[j]));
      const g: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(own)) if (k !== 'params') g[k] = v;
      for (const [k, v] of Object.entries(saved)) if (k !== 'params') g[k] = Array.isArray(v) ? [...v] : v;
      g.params = own.params;
      this.validateGroup(g as ParamGroup<O>);
      return g as ParamGroup<O>;
    });
    const state = new Map<Tensor, S>();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new Error(`${name}.loadStateDict: state for parameter index ${key}, which no parameter group lists`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (!(v instanceof Tensor)) { copy[k] = v; continue; }
        if (!sameShape(v.shape, p.shape)) {
          throw new Error(`${name}.loadStateDict: state '${k}' of parameter ${key} has shape ${fmt(v.shape)}, the parameter has ${fmt(p.shape)}`);
        }
        copy[k] = Tensor._fromHost(p._backend, v.to(p.dtype).dataSync(), p.shape, p.dtype);
      }
      state.set(p, copy as S);
    }
    this.paramGroups.splice(0, this.paramGroups.length, ...groups);
    this.state = state;
  }
}

/** A new tensor on p's backend with p's shape and dtype, filled with `value` (state init). */
export function fullLikeParam(p: Tensor, value = 0): Tensor {
  const a = allocTyped(p.dtype, p.numel());
  if (value !== 0) a.fill(value);
  return Tensor._fromHost(p._backend, a, p.shape, p.dtype);
}

/** A copy of t as p's dtype (never aliasing t). */
export function copyAs(t: Tensor, p: Tensor): Tensor {
  return t.dtype === p.dtype ? t.clone() : t.to(p.dtype);
}

/** Throws `Adam: invalid eps -1 (must be >= 0)` unless ok. */
export function check(opt: string, ok: boolean, option: string, value: unknown, rule: string): void {
  if (!ok) throw new Error(`${opt}: invalid ${option} ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)} (${rule})`);
}

/** check() for the common rule: a number >= 0 (NaN fails). */
export function checkNonNegative(opt: string, option: string, value: unknown): void {
  check(opt, typeof value === 'number' && value >= 0, option, value, 'must be a number >= 0');
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof Tensor) return `a Tensor of shape ${fmt(x.shape)}`;
  if (Array.isArray(x)) return 'an array';
  return typeof x;
}
