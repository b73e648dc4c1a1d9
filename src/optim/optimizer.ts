// optimizer.ts — the Optimizer base class shared by SGD, Adam/AdamW, RMSprop and Adagrad:
// parameter groups (each with its own lr and options), per-parameter state created lazily on
// the first step under PyTorch's names (exp_avg, momentum_buffer, …), zeroGrad, and state dicts
// that let training resume bit for bit. A subclass validates a group and applies its update rule.
// Reference: torch.optim.Optimizer (param_groups, state, add_param_group, state_dict).

import { Tensor } from '../tensor/tensor.js';
import { full, tensor } from '../tensor/creation.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { enableGrad, noGrad } from '../autograd/engine.js';
import { checkKeys, show } from '../check.js';

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
    checkKeys(optName, options, Object.keys(defaults)); // a typo would otherwise be ignored
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
   * Everything is checked before anything changes, so a failed load leaves the optimizer as it was.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = `${this.optName}.loadStateDict`;
    if (!isRecord(sd) || !Array.isArray(sd.paramGroups) || !isRecord(sd.state)) {
      throw new Error(`${name}: expected {state, paramGroups}, got ${describe(sd)}`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`${name}: loaded state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const groups = sd.paramGroups.map((saved, gi) => {
      const own = this.paramGroups[gi];
      if (!isRecord(saved)) throw new Error(`${name}: parameter group ${gi} is ${describe(saved)}, expected {params, ...options}`);
      if (!Array.isArray(saved.params) || saved.params.length !== own.params.length) {
        throw new Error(`${name}: parameter group ${gi} has ${Array.isArray(saved.params) ? saved.params.length : describe(saved.params)} parameters in the state dict, ${own.params.length} in the optimizer`);
      }
      saved.params.forEach((id, j) => {
        if (!Number.isInteger(id) || id < 0 || byIndex.has(id)) {
          throw new Error(`${name}: parameter group ${gi} lists parameter index ${show(id)}, expected a new non-negative integer`);
        }
        byIndex.set(id, own.params[j]);
      });
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
      if (!p) throw new Error(`${name}: state for parameter index ${key}, which no parameter group lists`);
      if (!isRecord(s)) throw new Error(`${name}: state of parameter ${key} is ${describe(s)}, expected an object of tensors and numbers`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number' && Number.isFinite(v)) { copy[k] = v; continue; }
        if (!(v instanceof Tensor)) throw new Error(`${name}: state '${k}' of parameter ${key} is ${show(v)}, expected a Tensor or a finite number`);
        if (!sameShape(v.shape, p.shape)) {
          throw new Error(`${name}: state '${k}' of parameter ${key} has shape ${fmt(v.shape)}, the parameter has ${fmt(p.shape)}`);
        }
        copy[k] = tensor(v.to(p.dtype).dataSync(), { shape: p.shape, like: p }); // on p's backend, in p's dtype
      }
      state.set(p, copy as S);
    }
    this.paramGroups.splice(0, this.paramGroups.length, ...groups);
    this.state = state;
  }
}

/** A new tensor on p's backend with p's shape and dtype, filled with `value` (state init). */
export function fullLikeParam(p: Tensor, value = 0): Tensor {
  return full(p.shape, value, { like: p });
}

/** A copy of t as p's dtype (never aliasing t). */
export function copyAs(t: Tensor, p: Tensor): Tensor {
  return t.dtype === p.dtype ? t.clone() : t.to(p.dtype);
}

/** A plain object (not null, not an array, not a Tensor). */
function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Tensor);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof Tensor) return `a Tensor of shape ${fmt(x.shape)}`;
  if (Array.isArray(x)) return 'an array';
  return typeof x;
}
