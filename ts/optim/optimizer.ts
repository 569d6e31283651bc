/**
 * The Optimizer base class (torch.optim.Optimizer): parameter groups with per-group options,
 * per-parameter state, zeroGrad, step(closure) and PyTorch-structured state dicts, plus the
 * launcher for the fused update kernels (simd/optim.ts), which need contiguous float32 buffers.
 */
import { Tensor } from '../tensor/tensor.js';
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { copyInto } from '../ops/launch.js';
import { filled } from '../ops/creation.js';
import { keep } from '../tensor/scope.js';
import { kernels, requireKernels } from '../backend/wasm.js';
import { optArgs } from '../ops/args.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    adam_step(p: number, g: number, m: number, v: number, vmax: number, n: number, beta1: number, beta2: number, eps: number, wd: number, pmul: number, negStep: number, bc2s: number, flags: number): void;
    sgd_step(p: number, g: number, buf: number, n: number, lr: number, momentum: number, dampening: number, wd: number, flags: number): void;
    rmsprop_step(p: number, g: number, sq: number, gavg: number, buf: number, n: number, lr: number, alpha: number, eps: number, wd: number, momentum: number, flags: number): void;
    adagrad_step(p: number, g: number, sum: number, n: number, clr: number, eps: number, wd: number, flags: number): void;
  }
}
requireKernels('adam_step', 'sgd_step', 'rmsprop_step', 'adagrad_step');

/** One parameter group: its parameters and the options that apply to them (lr, momentum, ...). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: unknown;
}

/** A parameter group as given to a constructor (options optional, defaults fill the rest). */
export type ParamGroupInput = { params: Iterable<Tensor> | Tensor; [option: string]: unknown };

/** Per-parameter state (momentum buffers, moments, step counts). */
export type ParamState = Record<string, unknown>;

/** Optimizer.stateDict(): PyTorch's structure with parameters replaced by their indices. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** A loss closure for step(closure): re-evaluates the model and returns the loss. */
export type Closure = () => Tensor | number;

export class Optimizer {
  /** The options every group falls back to. */
  readonly defaults: Record<string, unknown>;
  paramGroups: ParamGroup[] = [];
  /** State per parameter. */
  state = new Map<Tensor, ParamState>();

  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput> | Tensor, defaults: Record<string, unknown>) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TypeError('params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor');
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups: ParamGroupInput[] = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as ParamGroupInput[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** The name used in messages and repr. */
  protected get name(): string {
    return this.constructor.name;
  }

  /**
   * Adds a parameter group (e.g. to fine-tune layers that were frozen) with its own options.
   *
   * @example
   * ```ts
   * opt.addParamGroup({ params: model.head.parameters(), lr: 1e-2 });
   * ```
   */
  addParamGroup(group: ParamGroupInput): void {
    if (group === null || typeof group !== 'object') throw new TypeError('param group must be a dict');
    const ps = group.params instanceof Tensor ? [group.params] : [...(group.params as Iterable<Tensor>)];
    for (const p of ps) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    const g: ParamGroup = { ...this.defaults, ...group, params: ps } as ParamGroup;
    for (const [k, v] of Object.entries(this.defaults)) {
      if (v === REQUIRED && g[k] === REQUIRED) throw new Error(`parameter group didn't specify a value of required optimization parameter ${k}`);
    }
    const seen = new Set<Tensor>();
    for (const other of this.paramGroups) for (const p of other.params) seen.add(p);
    if (ps.some((p) => seen.has(p))) throw new Error('some parameters appear in more than one parameter group');
    if (new Set(ps).size !== ps.length) console.warn('optimizer contains a parameter group with duplicate parameters');
    this.paramGroups.push(g);
  }

  /** Clears the gradients of all optimized parameters (to null by default, as PyTorch 2). */
  zeroGrad(...opt: unknown[]): void {
    const { setToNone } = optArgs('zeroGrad', opt, ['setToNone'], { setToNone: true });
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => p.grad && copyInto(p.grad, filled(p.grad.shape, 0, p.grad.dtype, p.grad.device)));
      }
    }
  }

  /**
   * Performs one optimization step. `closure` (optional) re-evaluates the model and returns the
   * loss, which step returns.
   */
  step(closure?: Closure): Tensor | number | undefined {
    let loss: Tensor | number | undefined;
    if (closure) loss = enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /** @internal applies the update rule to one group (subclasses implement it). */
  protected updateGroup(_group: ParamGroup): void {
    throw new Error(`${this.name}.step() is not implemented`);
  }

  /** State of p, created on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * The optimizer's state as PyTorch structures it: `{ state: { 0: {...} }, paramGroups:
   * [{ lr, ..., params: [0, 1] }] }` (parameters replaced by their index across groups).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let k = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      const ids = params.map((p) => {
        if (!index.has(p)) index.set(p, k++);
        return index.get(p) as number;
      });
      return { ...cloneValue(opts), params: ids } as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /** Restores state from stateDict() output (tensors are copied). */
  loadStateDict(sd: OptimizerStateDict): void {
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.paramGroups)) throw new TypeError('loadStateDict(): expected { state, paramGroups }');
    const groups = this.paramGroups;
    if (groups.length !== sd.paramGroups.length) throw new Error('loaded state dict has a different number of parameter groups');
    groups.forEach((g, i) => {
      if (g.params.length !== sd.paramGroups[i].params.length) {
        throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const byId = new Map<number, Tensor>();
    groups.forEach((g, i) => sd.paramGroups[i].params.forEach((id, j) => byId.set(id, g.params[j])));
    this.state = new Map();
    for (const [id, s] of Object.entries(sd.state ?? {})) {
      const p = byId.get(Number(id));
      if (!p) continue;
      const ns: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor && k !== 'step' && v.numel() !== p.numel()) {
          throw new RangeError(`loaded state "${k}" of parameter ${id} has shape [${v.shape.join(', ')}] but the parameter has shape [${p.shape.join(', ')}]`);
        }
        if (v instanceof Tensor) {
          const t = keep(noGrad(() => v.detach().to(k === 'step' ? v.dtype : 'float32').reshape(p.shape).clone()));
          ns[k] = t;
        } else ns[k] = cloneValue(v);
      }
      this.state.set(p, ns);
    }
    this.paramGroups = groups.map((g, i) => {
      const { params: _p, ...opts } = sd.paramGroups[i];
      return { ...(cloneValue(opts) as Record<string, unknown>), params: g.params } as ParamGroup;
    });
  }

  toString(): string {
    const lines = [`${this.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g).sort()) if (k !== 'params') lines.push(`    ${k}: ${fmt(g[k])}`);
    });
    lines.push(')');
    return lines.join('\n');
  }
}

function fmt(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(fmt).join(', ')})`;
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  return String(v);
}

function cloneValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = cloneValue(x);
    return o as T;
  }
  return v;
}

/** Marker for options without a default (PyTorch's `required`). */
export const REQUIRED = Symbol('required');

/** @internal checks a numeric hyper-parameter with PyTorch's message. */
export function checkHyper(cond: boolean, what: string, v: unknown): void {
  if (!cond) throw new RangeError(`Invalid ${what}: ${Array.isArray(v) ? `(${v.join(', ')})` : String(v)}`);
}

/** @internal a zero-filled contiguous float32 state buffer shaped like p, on p's device, kept out of scopes. */
export function zerosState(p: Tensor, value = 0): Tensor {
  return keep(filled(p.shape, value, 'float32', p.device));
}

/**
 * @internal The state tensor `key` of p (null when absent), on p's device: state made before the
 * parameter moved (e.g. `model.to('webgpu')` after some steps, or a loaded state dict) moves once.
 */
export function stateTensor(st: ParamState, key: string, p: Tensor): Tensor | null {
  const t = st[key];
  if (!(t instanceof Tensor)) return null;
  if (t.device === p.device) return t;
  let moved: Tensor;
  try {
    moved = keep(noGrad(() => t.to(p.device)));
  } catch (e) {
    if (t.device !== 'webgpu') throw e;
    throw new Error(`optimizer state '${key}' is on webgpu but its parameter is on ${p.device}: the values are needed, and WebGPU reads them asynchronously; read the state first (for (const st of opt.state.values()) for (const v of Object.values(st)) if (v instanceof torch.Tensor) await v.data())`);
  }
  st[key] = moved;
  return moved;
}

/**
 * @internal Runs a GPU update kernel for a webgpu parameter: `run` gets contiguous float32 work
 * tensors of p and of its gradient (p itself when it is one; else a copy written back afterwards).
 */
export function gpuUpdate(name: string, p: Tensor, run: (pw: Tensor, gw: Tensor) => boolean): void {
  const g0 = checkedGrad(p);
  const g1 = g0.device === p.device ? g0 : g0.to(p.device);
  const pw = f32Work(p);
  const gw = f32Work(g1);
  let ok = false;
  try {
    ok = run(pw.w, gw.w);
  } finally {
    pw.done(ok);
    gw.done(false);
    if (g1 !== g0) g1.dispose();
  }
  if (!ok) throw new RangeError(`${name}.step(): the webgpu update cannot handle a parameter of shape [${p.shape.join(', ')}] (too large for 32-bit indexing)`);
}

/**
 * @internal The gradient of p, checked to match p's shape (the kernels read numel(p) elements of
 * every buffer, so a mismatch must never reach them).
 */
export function checkedGrad(p: Tensor): Tensor {
  const g = p.grad as Tensor;
  if (g.shape.length !== p.shape.length || g.shape.some((d, i) => d !== p.shape[i])) {
    throw new RangeError(`the gradient of a parameter has shape [${g.shape.join(', ')}] but the parameter has shape [${p.shape.join(', ')}]`);
  }
  return g;
}

/** @internal contiguous float32 view of t for the kernels (t itself, or a copy written back by done()). */
export function f32Work(t: Tensor): { w: Tensor; done(writeBack: boolean): void } {
  if (t.dtype === 'float32' && t.isContiguous()) return { w: t, done: () => undefined };
  const w = t._copyTo('float32');
  return {
    w,
    done(writeBack: boolean) {
      if (writeBack) copyInto(t, w);
      w.dispose();
    },
  };
}

export { kernels };
