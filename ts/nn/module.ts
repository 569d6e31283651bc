/**
 * nn.Module, the base class of every layer, and the containers Sequential, ModuleList and
 * ModuleDict. Parameters, sub-modules and buffers assigned as fields are found by a registration
 * pass over the module's own properties (in insertion order, like PyTorch's __setattr__), so
 * `this.fc1 = new nn.Linear(4, 8)` in a subclass constructor is all it takes. Key names follow
 * the field names, which is why built-in layers use PyTorch's snake_case names
 * (`running_mean`, `in_proj_weight`, `weight_ih_l0`): state dicts match PyTorch's exactly.
 */
import { Tensor } from '../tensor/tensor.js';
import { isFloating, isDType, type DType } from '../tensor/dtype.js';
import { keep } from '../tensor/scope.js';
import { GpuStorage } from '../backend/webgpu/storage.js';
import { copyInto } from '../ops/launch.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Parameter } from './parameter.js';
import { optArgs } from '../ops/args.js';

type Hook = (...args: never[]) => unknown;
/** @internal per-module registration state */
export interface Registry {
  buffers: Map<string, boolean>; // name -> persistent
  preHooks: Map<number, Hook>;
  hooks: Map<number, Hook>;
}
let nextHookId = 0;

/** Handle returned by registerForwardHook / registerForwardPreHook. */
export interface RemovableHandle {
  id: number;
  remove(): void;
}

/** Result of loadStateDict (PyTorch's _IncompatibleKeys). */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function shapeStr(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/** @internal Replaces the data of t (same object, e.g. a Parameter an optimizer holds) by src's. */
export function setData(t: Tensor, src: Tensor): void {
  const w = t as unknown as { _storage: Tensor['_storage']; _strides: number[]; _offset: number; shape: number[]; dtype: DType };
  if (src._storage === t._storage && src._offset === t._offset) return;
  if (src._storage !== t._storage) {
    // release first: release() unregisters every finalizer entry of t, retain() then registers anew
    t._storage.release(t);
    src._storage.retain(t);
    w._storage = src._storage;
  }
  w._strides = src._strides.slice();
  w._offset = src._offset;
  w.shape = src.shape.slice();
  w.dtype = src.dtype;
}

/**
 * Base class for all neural network modules.
 *
 * @example
 * ```ts
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: torch.Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * const net = new Net();
 * Object.keys(net.stateDict()); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export class Module {
  /** @internal */ declare _reg: Registry;
  /** True in training mode (train()), false after eval(). */
  declare training: boolean;

  constructor() {
    Object.defineProperty(this, '_reg', { value: { buffers: new Map(), preHooks: new Map(), hooks: new Map() }, enumerable: false, writable: true });
    Object.defineProperty(this, 'training', { value: true, enumerable: false, writable: true });
  }

  /** The computation; subclasses override it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(..._args: any[]): any {
    throw new Error(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /** Runs forward pre-hooks, forward and forward hooks (PyTorch's `module(x)`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(...args: any[]): any {
    const reg = this._reg;
    if (reg.preHooks.size) {
      for (const h of reg.preHooks.values()) {
        const r = (h as (m: Module, a: unknown[]) => unknown)(this, args);
        if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
      }
    }
    let out = this.forward(...args);
    if (reg.hooks.size) {
      for (const h of reg.hooks.values()) {
        const r = (h as (m: Module, a: unknown[], o: unknown) => unknown)(this, args, out);
        if (r !== undefined && r !== null) out = r;
      }
    }
    return out;
  }

  /** Registers fn(module, args) run before forward by call(); a non-undefined result replaces the args. */
  registerForwardPreHook(fn: (module: Module, args: unknown[]) => unknown): RemovableHandle {
    const id = nextHookId++;
    this._reg.preHooks.set(id, fn as Hook);
    return { id, remove: () => void this._reg.preHooks.delete(id) };
  }

  /** Registers fn(module, args, output) run after forward by call(); a non-undefined result replaces the output. */
  registerForwardHook(fn: (module: Module, args: unknown[], output: unknown) => unknown): RemovableHandle {
    const id = nextHookId++;
    this._reg.hooks.set(id, fn as Hook);
    return { id, remove: () => void this._reg.hooks.delete(id) };
  }

  /** @internal */
  _getName(): string {
    return this.constructor.name;
  }

  private _field(k: string): unknown {
    return (this as unknown as Record<string, unknown>)[k];
  }

  private _checkName(kind: string, name: string): void {
    if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typeof name}`);
    if (name.includes('.')) throw new Error(`${kind} name can't contain ".", got: ${name}`);
    if (name === '') throw new Error(`${kind} name can't be empty string ""`);
  }

  /** Adds a parameter (or null) under `name` (same as assigning the field). */
  registerParameter(name: string, param: Parameter | null): void {
    this._checkName('parameter', name);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`cannot assign '${(param as unknown) instanceof Tensor ? 'Tensor' : typeof param}' object to parameter '${name}' (nn.Parameter or None required)`);
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Adds a child module under `name` (same as assigning the field). */
  registerModule(name: string, module: Module | null): void {
    this._checkName('module', name);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${typeof module} is not a Module subclass`);
    if (name in this && !(this._field(name) instanceof Module) && this._field(name) !== undefined && this._field(name) !== null) {
      throw new Error(`attribute '${name}' already exists`);
    }
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** Alias of registerModule (PyTorch's add_module). */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /**
   * Adds a buffer: state that is not a parameter (BatchNorm's running_mean). Persistent buffers
   * are part of stateDict().
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    this._checkName('buffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`cannot assign '${typeof tensor}' object to buffer '${name}' (torch Tensor or None required)`);
    if (name in this && !this._reg.buffers.has(name) && this._field(name) !== undefined) throw new Error(`attribute '${name}' already exists`);
    if (tensor) keep(tensor);
    this._reg.buffers.set(name, persistent);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  /** @internal own parameters, in field order */
  _localParams(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const k of Object.keys(this)) {
      const v = this._field(k);
      if (v instanceof Parameter) out.push([k, v]);
    }
    return out;
  }

  /** @internal own buffers, in field order */
  _localBuffers(persistentOnly = false): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const reg = this._reg.buffers;
    if (reg.size === 0) return out;
    for (const k of Object.keys(this)) {
      const p = reg.get(k);
      if (p === undefined || (persistentOnly && !p)) continue;
      const v = this._field(k);
      if (v instanceof Tensor) out.push([k, v]);
    }
    return out;
  }

  /** Direct children as [name, module] pairs. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    for (const k of Object.keys(this)) {
      const v = this._field(k);
      if (v instanceof Module && !seen.has(v)) {
        seen.add(v);
        out.push([k, v]);
      }
    }
    return out;
  }

  /** Direct children. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant as [qualified name, module] ('' for this one). */
  namedModules(...opt: unknown[]): [string, Module][] {
    const o = optArgs('namedModules', opt, ['memo', 'prefix', 'removeDuplicate'], { memo: null as Set<Module> | null, prefix: '', removeDuplicate: true });
    return this._namedModules(o.memo ?? new Set(), o.prefix, o.removeDuplicate);
  }

  private _namedModules(memo: Set<Module>, prefix: string, dedup = true): [string, Module][] {
    const out: [string, Module][] = [];
    if (dedup) {
      if (memo.has(this)) return out;
      memo.add(this);
    }
    out.push([prefix, this]);
    for (const [k, v] of this._allChildren()) {
      out.push(...v._namedModules(memo, prefix ? `${prefix}.${k}` : k, dedup));
    }
    return out;
  }

  private _allChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const k of Object.keys(this)) {
      const v = this._field(k);
      if (v instanceof Module) out.push([k, v]);
    }
    return out;
  }

  /** This module and every descendant. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters as [qualified name, parameter] pairs ('fc1.weight', '0.bias'), each once. */
  namedParameters(...opt: unknown[]): [string, Parameter][] {
    const { prefix, recurse, removeDuplicate } = optArgs('namedParameters', opt, ['prefix', 'recurse', 'removeDuplicate'], { prefix: '', recurse: true, removeDuplicate: true });
    const out: [string, Parameter][] = [];
    const seen = new Set<Tensor>();
    const mods = recurse ? this._namedModules(new Set(), prefix, removeDuplicate) : [[prefix, this] as [string, Module]];
    for (const [mp, m] of mods) {
      for (const [k, p] of m._localParams()) {
        if (removeDuplicate && seen.has(p)) continue;
        seen.add(p);
        out.push([mp ? `${mp}.${k}` : k, p]);
      }
    }
    return out;
  }

  /**
   * The parameters (for an optimizer).
   *
   * @example
   * ```ts
   * const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
   * ```
   */
  parameters(...opt: unknown[]): Parameter[] {
    const { recurse } = optArgs('parameters', opt, ['recurse'], { recurse: true });
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Buffers as [qualified name, tensor] pairs ('bn.running_mean'). */
  namedBuffers(...opt: unknown[]): [string, Tensor][] {
    const { prefix, recurse, removeDuplicate } = optArgs('namedBuffers', opt, ['prefix', 'recurse', 'removeDuplicate'], { prefix: '', recurse: true, removeDuplicate: true });
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods = recurse ? this._namedModules(new Set(), prefix, removeDuplicate) : [[prefix, this] as [string, Module]];
    for (const [mp, m] of mods) {
      for (const [k, b] of m._localBuffers()) {
        if (removeDuplicate && seen.has(b)) continue;
        seen.add(b);
        out.push([mp ? `${mp}.${k}` : k, b]);
      }
    }
    return out;
  }

  buffers(...opt: unknown[]): Tensor[] {
    const { recurse } = optArgs('buffers', opt, ['recurse'], { recurse: true });
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /**
   * Parameters and persistent buffers by PyTorch's key names, in PyTorch's order. Values share
   * data with the module (detached), like PyTorch's state_dict().
   *
   * @example
   * ```ts
   * const bytes = torch.save(model.stateDict());
   * ```
   */
  stateDict(opts: { prefix?: string; keepVars?: boolean } = {}): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const walk = (m: Module, prefix: string): void => {
      for (const [k, p] of m._localParams()) out[prefix + k] = opts.keepVars ? p : p.detach();
      for (const [k, b] of m._localBuffers(true)) out[prefix + k] = opts.keepVars ? b : b.detach();
      for (const [k, c] of m._allChildren()) walk(c, `${prefix}${k}.`);
    };
    walk(this, opts.prefix ?? '');
    return out;
  }

  /**
   * Copies parameters and buffers from a state dict. With strict (the default) missing or
   * unexpected keys throw; shape mismatches always throw, naming the key and both shapes.
   */
  loadStateDict(stateDict: Record<string, Tensor> | Map<string, Tensor>, ...opt: unknown[]): IncompatibleKeys {
    let strict = true;
    const o = opt[0];
    if (typeof o === 'boolean') strict = o;
    else if (o && typeof o === 'object' && 'strict' in o) strict = Boolean((o as { strict: unknown }).strict);
    const sd = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict({ keepVars: true });
    const missing: string[] = [];
    const errors: string[] = [];
    const toCopy: [Tensor, Tensor][] = [];
    for (const [k, t] of Object.entries(own)) {
      if (!sd.has(k)) {
        missing.push(k);
        continue;
      }
      const src = sd.get(k);
      if (!(src instanceof Tensor)) {
        errors.push(`While copying the parameter named "${k}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof src}`);
        continue;
      }
      if (src.shape.length !== t.shape.length || src.shape.some((d, i) => d !== t.shape[i])) {
        errors.push(`size mismatch for ${k}: copying a param with shape ${shapeStr(src.shape)} from checkpoint, the shape in current model is ${shapeStr(t.shape)}.`);
        continue;
      }
      toCopy.push([t, src]);
    }
    const unexpected = [...sd.keys()].filter((k) => !(k in own));
    if (strict) {
      if (unexpected.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `);
      if (missing.length) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length) throw new Error(`Error(s) in loading state_dict for ${this._getName()}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [t, src] of toCopy) copyInto(t, src);
    });
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  /** Sets training mode on this module and its descendants; returns this. */
  train(...opt: unknown[]): this {
    const { mode } = optArgs('train', opt, ['mode'], { mode: true });
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (Dropout off, BatchNorm uses running statistics); returns this. */
  ['eval'](): this {
    return this.train(false);
  }

  /** Sets requiresGrad on every parameter; returns this. */
  requiresGrad_(...opt: unknown[]): this {
    const { requiresGrad } = optArgs('requiresGrad_', opt, ['requiresGrad'], { requiresGrad: true });
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Clears the gradients of every parameter (set to null, PyTorch 2's default), or zeroes them. */
  zeroGrad(...opt: unknown[]): void {
    const { setToNone } = optArgs('zeroGrad', opt, ['setToNone'], { setToNone: true });
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (setToNone) p.grad = null;
      else noGrad(() => p.grad && copyInto(p.grad, p.grad.mul(0)));
    }
  }

  /** Calls fn on every descendant (children first) and on this module; returns this. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Moves or casts parameters and buffers in place: `m.to('cpu')`, `m.to('float16')`,
   * `m.to({ device, dtype })`. Only floating-point tensors are cast, like PyTorch.
   */
  to(...args: unknown[]): this {
    let dtype: DType | undefined;
    let device: string | undefined;
    for (const a of args) {
      if (isDType(a)) dtype = a;
      else if (a === 'cpu' || a === 'webgpu') device = a;
      else if (a instanceof Tensor) {
        dtype = a.dtype;
        device = a.device;
      } else if (a && typeof a === 'object') {
        const o = a as { dtype?: DType; device?: string };
        if (o.dtype !== undefined) dtype = o.dtype;
        if (o.device !== undefined) device = o.device;
      } else throw new TypeError(`to() received an invalid combination of arguments: expected a device, a dtype or { device, dtype }, but got ${String(a)}`);
    }
    if (dtype !== undefined && !isFloating(dtype)) throw new TypeError(`nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    const convert = (t: Tensor): void => {
      let r = t;
      if (dtype && isFloating(t.dtype) && t.dtype !== dtype) r = r._copyTo(dtype);
      if (device && device !== r.device) r = r.to(device);
      if (r !== t) {
        setData(t, r);
        r.dispose();
      }
    };
    if (device === 'cpu') {
      // webgpu values are read asynchronously: check before moving anything
      const all = [...this.parameters(), ...this.buffers()];
      for (const p of this.parameters()) if (p.grad) all.push(p.grad);
      if (all.some((t) => t._storage instanceof GpuStorage && !t._storage.known)) {
        throw new Error("Module.to('cpu') needs the values of its webgpu tensors, which WebGPU reads asynchronously: read them first (for (const t of [...m.parameters(), ...m.buffers()]) await t.data(); clear or read the gradients too, e.g. m.zeroGrad()), then call m.to('cpu')");
      }
    }
    noGrad(() => {
      for (const p of this.parameters()) {
        convert(p);
        if (p.grad) convert(p.grad);
      }
      for (const b of this.buffers()) convert(b);
    });
    return this;
  }

  /** Casts floating-point parameters and buffers to float32. */
  float(): this {
    return this.to('float32');
  }

  /** Casts floating-point parameters and buffers to float16. */
  half(): this {
    return this.to('float16');
  }

  /** The module `target` ('layers.0.linear1'). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let m: Module = this;
    for (const part of target.split('.')) {
      const c = (m as unknown as Record<string, unknown>)[part];
      if (!(c instanceof Module)) throw new Error(`${m._getName()} has no attribute \`${part}\``);
      m = c;
    }
    return m;
  }

  /** The parameter `target` ('fc1.weight'). */
  getParameter(target: string): Parameter {
    const i = target.lastIndexOf('.');
    const m = this.getSubmodule(i < 0 ? '' : target.slice(0, i));
    const p = (m as unknown as Record<string, unknown>)[target.slice(i + 1)];
    if (!(p instanceof Parameter)) throw new Error(`\`${target.slice(i + 1)}\` is not an nn.Parameter`);
    return p;
  }

  /** The extra line(s) inside this module's repr (`in_features=4, out_features=8, bias=True`). */
  extraRepr(): string {
    return '';
  }

  /** Prints like PyTorch's module repr. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this._allChildren().map(([k, m]) => `(${k}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this._getName()}(`;
    if (lines.length) {
      if (extraLines.length === 1 && childLines.length === 0) s += extraLines[0];
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }
}

// console.log(model) in Node and Deno prints the PyTorch-style repr
Object.defineProperty(Module.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: Module) {
    return this.toString();
  },
  enumerable: false,
  configurable: true,
  writable: true,
});

function addIndent(s: string, n: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(n);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

/** Python-style repr of a JS value inside extraRepr (True/False/None, tuples). */
export function pyRepr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' && Number.isInteger(v) === false) return String(v);
  return String(v);
}

/**
 * A deep copy of a module: new parameters and buffers with copied data (PyTorch's copy.deepcopy,
 * used by TransformerEncoder to clone its layer).
 */
export function cloneModule<M extends Module>(m: M): M {
  const memo = new Map<unknown, unknown>();
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Parameter) {
      const p = noGrad(() => new Parameter(v.detach().clone(), v.requiresGrad));
      memo.set(v, p);
      return p;
    }
    if (v instanceof Tensor) {
      const t = keep(noGrad(() => v.detach().clone()));
      memo.set(v, t);
      return t;
    }
    if (v instanceof Module) {
      const c = Object.create(Object.getPrototypeOf(v)) as Module;
      memo.set(v, c);
      Object.defineProperty(c, '_reg', {
        value: { buffers: new Map(v._reg.buffers), preHooks: new Map(v._reg.preHooks), hooks: new Map(v._reg.hooks) },
        enumerable: false,
        writable: true,
      });
      Object.defineProperty(c, 'training', { value: v.training, enumerable: false, writable: true });
      for (const k of Object.keys(v)) (c as unknown as Record<string, unknown>)[k] = copy((v as unknown as Record<string, unknown>)[k]);
      return c;
    }
    if (Array.isArray(v)) {
      const a: unknown[] = [];
      memo.set(v, a);
      for (const x of v) a.push(copy(x));
      return a;
    }
    if (Object.getPrototypeOf(v) === Object.prototype) {
      const o: Record<string, unknown> = {};
      memo.set(v, o);
      for (const [k, x] of Object.entries(v)) o[k] = copy(x);
      return o;
    }
    return v; // functions, generators and other objects are shared, like deepcopy of non-data state
  };
  return copy(m) as M;
}

function normIndex(i: number, n: number, what: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new RangeError(`index ${i} is out of range`);
  void what;
  return i < 0 ? i + n : i;
}

/**
 * A chain of modules applied in order; children are named '0', '1', ...
 *
 * @example
 * ```ts
 * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * net.forward(torch.randn(3, 4)).shape; // [3, 2]
 * net.at(-1); // the last Linear
 * ```
 */
export class Sequential extends Module {
  [index: number]: Module;

  constructor(...modules: Module[] | [Record<string, Module> | Map<string, Module>]) {
    super();
    if (modules.length === 1 && !(modules[0] instanceof Module) && typeof modules[0] === 'object') {
      const entries = modules[0] instanceof Map ? [...modules[0].entries()] : Object.entries(modules[0]);
      for (const [k, m] of entries) this.registerModule(k, m);
    } else {
      (modules as Module[]).forEach((m, i) => {
        if (!(m instanceof Module)) throw new TypeError(`Sequential: argument ${i} is not a Module (got ${typeof m})`);
        this.registerModule(String(i), m);
      });
    }
  }

  get length(): number {
    return this.namedChildren().length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const c = this.children();
    return c[normIndex(i, c.length, 'Sequential')];
  }

  /** Appends a module; returns this. */
  append(m: Module): this {
    this.registerModule(String(this.length), m);
    return this;
  }

  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override forward(input: unknown, ...rest: unknown[]): any {
    let x: unknown = input;
    let first = true;
    for (const m of this.children()) {
      x = first ? m.call(x, ...rest) : m.call(x);
      first = false;
    }
    return x;
  }
}

/**
 * A list of sub-modules (registered as '0', '1', ...).
 *
 * @example
 * ```ts
 * const layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
 * for (const l of layers) x = l.forward(x);
 * ```
 */
export class ModuleList extends Module {
  [index: number]: Module;

  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this._allKeys().length;
  }

  private _allKeys(): string[] {
    return Object.keys(this).filter((k) => (this as unknown as Record<string, unknown>)[k] instanceof Module);
  }

  at(i: number): Module {
    const keys = this._allKeys();
    return (this as unknown as Record<string, Module>)[keys[normIndex(i, keys.length, 'ModuleList')]];
  }

  append(m: Module): this {
    if (!(m instanceof Module)) throw new TypeError(`ModuleList.append: ${typeof m} is not a Module subclass`);
    this.registerModule(String(this.length), m);
    return this;
  }

  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }

  /** Inserts a module before index i (renumbering the rest). */
  insert(i: number, m: Module): void {
    const items = [...this];
    const n = items.length;
    const at = i < 0 ? Math.max(0, n + i) : Math.min(i, n);
    items.splice(at, 0, m);
    items.forEach((x, k) => ((this as unknown as Record<string, unknown>)[String(k)] = x));
  }

  /** Removes and returns the module at index i (renumbering the rest). */
  pop(i = -1): Module {
    const items = [...this];
    const k = normIndex(i, items.length, 'ModuleList');
    const [m] = items.splice(k, 1);
    delete (this as unknown as Record<string, unknown>)[String(items.length)];
    items.forEach((x, j) => ((this as unknown as Record<string, unknown>)[String(j)] = x));
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    const self = this as unknown as Record<string, Module>;
    return this._allKeys().map((k) => self[k])[Symbol.iterator]();
  }
}

/**
 * A dictionary of sub-modules registered under their keys.
 *
 * @example
 * ```ts
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), box: new nn.Linear(8, 4) });
 * heads.get('cls').forward(h);
 * ```
 */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  /** The module under key (throws KeyError-like Error when absent). */
  get(key: string): Module {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!(m instanceof Module) || !Object.prototype.hasOwnProperty.call(this, key)) throw new Error(`KeyError: '${key}'`);
    return m;
  }

  set(key: string, m: Module): void {
    this.registerModule(key, m);
  }

  has(key: string): boolean {
    return this.keys().includes(key);
  }

  delete(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  values(): Module[] {
    return this.children();
  }

  items(): [string, Module][] {
    return this.namedChildren();
  }

  get length(): number {
    return this.keys().length;
  }

  update(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]>): void {
    const entries = modules instanceof Map ? [...modules.entries()] : Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) {
      if (k in this && !Object.prototype.hasOwnProperty.call(this, k)) throw new Error(`attribute '${k}' already exists`);
      this.registerModule(k, m);
    }
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}
