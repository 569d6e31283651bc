/**
 * Tensor creation: torch.tensor, zeros/ones/full/empty, arange/linspace/eye, the random creators
 * (rand, randn, randint, randperm) and the *Like variants. Values are written into wasm memory once.
 */
import { heapBuffer, kernels } from '../backend/wasm.js';
import { DTYPE_CODE, checkDType, isFloating, type DType, type AnyTypedArray } from '../tensor/dtype.js';
import { Tensor, shapeNumel, type Device } from '../tensor/tensor.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { isOptions, optArgs, parseShape, splitShapeOpts } from './args.js';
import { gpuArgs, upload, viaGpu } from '../backend/webgpu/dispatch.js';

/** Options accepted by creation functions. */
export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

export type NestedArray = number | boolean | bigint | NestedArray[] | AnyTypedArray | Float64Array;

function checkDevice(fn: string, d: unknown): void {
  if (d !== undefined && d !== 'cpu' && d !== 'webgpu') throw new TypeError(`${fn}(): expected a device of 'cpu' or 'webgpu', but got ${String(d)}`);
}

/** @internal Applies device/requiresGrad options to a fresh CPU tensor. */
export function finish(t: Tensor, opts: TensorOptions, fn: string): Tensor {
  if (gpuArgs(finish, arguments)) return viaGpu('finish', finish, arguments) as never;
  checkDevice(fn, opts.device);
  let r = t;
  if (opts.device === 'webgpu' && t.device !== 'webgpu') {
    r = upload(t);
    t.dispose();
  }
  if (opts.requiresGrad) {
    if (!isFloating(r.dtype)) throw new TypeError(`${fn}(): only Tensors of floating point dtype can require gradients (got ${r.dtype})`);
    r.requiresGrad = true;
  }
  return r;
}

/** @internal A contiguous tensor holding `values` (converted to dtype). */
export function fromValues(values: ArrayLike<number | bigint | boolean>, shape: number[], dtype: DType): Tensor {
  if (gpuArgs(fromValues, arguments)) return viaGpu('fromValues', fromValues, arguments) as never;
  const n = shapeNumel(shape);
  if (values.length !== n) throw new RangeError(`expected ${n} values for shape [${shape.join(', ')}], but got ${values.length}`);
  if (dtype === 'float16') {
    const f = fromValues(values, shape, 'float32');
    const h = f._copyTo('float16');
    f.dispose();
    return h;
  }
  const t = Tensor._empty(shape, dtype);
  if (n === 0) return t;
  const p = t._ptr();
  const buf = heapBuffer();
  switch (dtype) {
    case 'float32': {
      const v = new Float32Array(buf, p, n);
      for (let i = 0; i < n; i++) v[i] = Number(values[i]);
      break;
    }
    case 'int32': {
      const v = new Int32Array(buf, p, n);
      for (let i = 0; i < n; i++) v[i] = Number(values[i]);
      break;
    }
    case 'int64': {
      const v = new BigInt64Array(buf, p, n);
      for (let i = 0; i < n; i++) {
        const x = values[i];
        v[i] = typeof x === 'bigint' ? x : BigInt(Math.trunc(Number(x)));
      }
      break;
    }
    case 'int8': {
      const v = new Int8Array(buf, p, n);
      for (let i = 0; i < n; i++) v[i] = Number(values[i]);
      break;
    }
    case 'uint8': {
      const v = new Uint8Array(buf, p, n);
      for (let i = 0; i < n; i++) v[i] = Number(values[i]);
      break;
    }
    case 'bool': {
      const v = new Uint8Array(buf, p, n);
      for (let i = 0; i < n; i++) v[i] = values[i] ? 1 : 0;
      break;
    }
  }
  return t;
}

/** @internal A tensor of `shape` filled with one value. */
export function filled(shape: number[], value: number | bigint | boolean, dtype: DType, device: Device = 'cpu'): Tensor {
  if (gpuArgs(filled, arguments)) return viaGpu('filled', filled, arguments) as never;
  if (device === 'webgpu') {
    const c = filled(shape, value, dtype);
    const g = upload(c);
    c.dispose();
    return g;
  }
  const t = Tensor._empty(shape, dtype);
  const n = t.numel();
  if (n === 0) return t;
  const f = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
  let i: bigint;
  if (typeof value === 'bigint') i = value;
  else if (dtype === 'bool') i = f !== 0 && !Number.isNaN(f) ? 1n : 0n;
  else i = Number.isFinite(f) ? BigInt(Math.trunc(f)) : 0n;
  if (dtype === 'uint8' || dtype === 'int8') i = BigInt.asUintN(8, i);
  kernels.fill(DTYPE_CODE[dtype], t._ptr(), n, f, BigInt.asIntN(64, i));
  return t;
}

/** @internal A 0-d tensor. */
export function scalarTensor(v: number | bigint | boolean, dtype: DType): Tensor {
  if (gpuArgs(scalarTensor, arguments)) return viaGpu('scalarTensor', scalarTensor, arguments) as never;
  return filled([], v, dtype);
}

function inferDType(flat: ArrayLike<unknown>): DType {
  let sawFloat = false;
  let sawInt = false;
  let sawBool = false;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v === 'boolean') sawBool = true;
    else if (typeof v === 'bigint') sawInt = true;
    else if (typeof v === 'number') {
      if (Number.isInteger(v)) sawInt = true;
      else sawFloat = true;
    } else throw new TypeError(`tensor(): could not infer dtype of ${typeof v} (expected numbers, booleans or bigints)`);
  }
  if (sawFloat) return 'float32';
  if (sawInt) return 'int64';
  if (sawBool) return 'bool';
  return 'float32';
}

function typedDType(a: ArrayBufferView): DType {
  if (a instanceof Float32Array || a instanceof Float64Array) return 'float32';
  if (a instanceof Int32Array || a instanceof Int16Array || a instanceof Uint16Array) return 'int32';
  if (a instanceof BigInt64Array || a instanceof BigUint64Array || a instanceof Uint32Array) return 'int64';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  throw new TypeError(`tensor(): unsupported typed array ${a.constructor.name}`);
}

/**
 * Makes a tensor from nested arrays, a typed array or a scalar (copying the data).
 *
 * @example
 * ```ts
 * torch.tensor([[1, 2], [3, 4]]);                  // int64
 * torch.tensor([0.5, 1.5], { requiresGrad: true }); // float32
 * torch.tensor(new Float32Array(6)).view(2, 3);
 * ```
 */
export function tensor(data: NestedArray | Tensor, opts: TensorOptions = {}): Tensor {
  if (gpuArgs(tensor, arguments)) return viaGpu('tensor', tensor, arguments) as never;
  if (!isOptions(opts as unknown)) throw new TypeError('tensor(): the second argument must be an options object { dtype, device, requiresGrad }');
  if (opts.dtype !== undefined) checkDType(opts.dtype);
  if (data instanceof Tensor) {
    const t = data._copyTo(opts.dtype ?? (data as Tensor).dtype);
    return finish(t, opts, 'tensor');
  }
  let flat: ArrayLike<number | bigint | boolean>;
  let shape: number[];
  let inferred: DType;
  if (ArrayBuffer.isView(data)) {
    flat = data as unknown as ArrayLike<number>;
    shape = [(data as AnyTypedArray).length];
    inferred = typedDType(data);
  } else if (Array.isArray(data)) {
    shape = [];
    let probe: unknown = data;
    while (Array.isArray(probe) || ArrayBuffer.isView(probe)) {
      shape.push((probe as unknown[]).length);
      probe = (probe as unknown[])[0];
      if ((probe as unknown) === undefined) break;
    }
    const out: (number | bigint | boolean)[] = [];
    const walk = (v: unknown, d: number): void => {
      if (d === shape.length) {
        if (Array.isArray(v) || ArrayBuffer.isView(v)) throw new TypeError(`tensor(): expected a sequence of length ${shape[d - 1]} at dim ${d - 1} but got a nested sequence (ragged nested arrays are not supported)`);
        out.push(v as number);
        return;
      }
      if (!(Array.isArray(v) || ArrayBuffer.isView(v)) || (v as unknown[]).length !== shape[d]) {
        throw new TypeError(`tensor(): expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) || ArrayBuffer.isView(v) ? (v as unknown[]).length : typeof v})`);
      }
      for (let i = 0; i < shape[d]; i++) walk((v as unknown[])[i], d + 1);
    };
    walk(data, 0);
    flat = out;
    inferred = out.length ? inferDType(out) : 'float32';
  } else if (typeof data === 'number' || typeof data === 'boolean' || typeof data === 'bigint') {
    flat = [data];
    shape = [];
    inferred = inferDType(flat);
  } else {
    throw new TypeError(`tensor(): data must be a number, boolean, nested array or typed array, but got ${data === null ? 'null' : typeof data}`);
  }
  return finish(fromValues(flat, shape, opts.dtype ?? inferred), opts, 'tensor');
}

function creator(fn: string, args: unknown[]): [number[], TensorOptions] {
  const [rest, opts] = splitShapeOpts(args);
  const shape = parseShape(fn, rest);
  if (opts.dtype !== undefined) checkDType(opts.dtype);
  return [shape, opts as TensorOptions];
}

/**
 * A tensor of zeros. `torch.zeros(2, 3)`, `torch.zeros([2, 3], { dtype: 'int32' })`.
 */
export function zeros(...args: (number | number[] | TensorOptions)[]): Tensor {
  if (gpuArgs(zeros, arguments)) return viaGpu('zeros', zeros, arguments) as never;
  const [shape, o] = creator('zeros', args);
  return finish(filled(shape, 0, o.dtype ?? 'float32'), o, 'zeros');
}

/** A tensor of ones. `torch.ones(2, 3)`. */
export function ones(...args: (number | number[] | TensorOptions)[]): Tensor {
  if (gpuArgs(ones, arguments)) return viaGpu('ones', ones, arguments) as never;
  const [shape, o] = creator('ones', args);
  return finish(filled(shape, 1, o.dtype ?? 'float32'), o, 'ones');
}

/** An uninitialised tensor (zero-filled here, for determinism). `torch.empty(2, 3)`. */
export function empty(...args: (number | number[] | TensorOptions)[]): Tensor {
  if (gpuArgs(empty, arguments)) return viaGpu('empty', empty, arguments) as never;
  const [shape, o] = creator('empty', args);
  return finish(filled(shape, 0, o.dtype ?? 'float32'), o, 'empty');
}

/**
 * A tensor filled with `fillValue`; the dtype follows the value like PyTorch's.
 *
 * @example
 * ```ts
 * torch.full([2, 2], 7);  // int64 sevens
 * ```
 */
export function full(size: number[], fillValue: number | boolean | bigint, opts: TensorOptions = {}): Tensor {
  if (gpuArgs(full, arguments)) return viaGpu('full', full, arguments) as never;
  const shape = parseShape('full', [size]);
  const dt = opts.dtype ?? (typeof fillValue === 'boolean' ? 'bool' : typeof fillValue === 'bigint' || Number.isInteger(fillValue) ? 'int64' : 'float32');
  return finish(filled(shape, fillValue, checkDType(dt)), opts, 'full');
}

/**
 * Values from start to end (exclusive) by step. `torch.arange(5)`, `torch.arange(1, 2.5, 0.5)`.
 */
export function arange(...args: (number | TensorOptions)[]): Tensor {
  if (gpuArgs(arange, arguments)) return viaGpu('arange', arange, arguments) as never;
  const [nums, o] = splitShapeOpts(args) as [number[], TensorOptions];
  let start = 0;
  let end: number;
  let step = 1;
  if (nums.length === 1) end = nums[0];
  else if (nums.length === 2) [start, end] = nums;
  else if (nums.length === 3) [start, end, step] = nums;
  else throw new TypeError(`arange() takes 1 to 3 positional numbers (end | start, end[, step]) but got ${nums.length}`);
  for (const v of [start, end, step]) if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`arange(): expected finite numbers, but got ${String(v)}`);
  if (step === 0) throw new RangeError('arange(): step must be nonzero');
  if ((end - start) / step < 0) throw new RangeError(`arange(): upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  const n = Math.ceil((end - start) / step);
  const dt = o.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int64' : 'float32');
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = start + i * step;
  return finish(fromValues(vals, [n], checkDType(dt)), o, 'arange');
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  if (gpuArgs(linspace, arguments)) return viaGpu('linspace', linspace, arguments) as never;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace(): number of steps must be non-negative, but got ${steps}`);
  const vals = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) vals[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  return finish(fromValues(vals, [steps], opts.dtype ?? 'float32'), opts, 'linspace');
}

/** `steps` values spaced evenly on a log scale: base ** linspace(start, end). */
export function logspace(start: number, end: number, steps: number, base: number | (TensorOptions & { base?: number }) = 10, opts: TensorOptions = {}): Tensor {
  if (gpuArgs(logspace, arguments)) return viaGpu('logspace', logspace, arguments) as never;
  if (typeof base === 'object' && base !== null) {
    opts = base;
    base = (base as { base?: number }).base ?? 10;
  }
  if (typeof base !== 'number') throw new TypeError(`logspace(): base must be a number, but got ${String(base)}`);
  const lin = linspace(start, end, steps).dataSync() as Float32Array;
  const b = base;
  const vals = Array.from(lin, (v) => b ** v);
  return finish(fromValues(vals, [steps], opts.dtype ?? 'float32'), opts, 'logspace');
}

/** Identity matrix n x m. `torch.eye(3)`. */
export function eye(n: number, ...rest: (number | TensorOptions)[]): Tensor {
  if (gpuArgs(eye, arguments)) return viaGpu('eye', eye, arguments) as never;
  const m = typeof rest[0] === 'number' ? rest[0] : n;
  const o = (isOptions(rest[rest.length - 1]) ? rest[rest.length - 1] : {}) as TensorOptions;
  parseShape('eye', [[n, m]]);
  const vals = new Uint8Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) vals[i * m + i] = 1;
  return finish(fromValues(vals, [n, m], o.dtype ?? 'float32'), o, 'eye');
}

type RandOpts = TensorOptions & { generator?: Generator };

function randFill(fn: string, args: unknown[], sample: (g: Generator) => number): Tensor {
  const [rest, opts] = splitShapeOpts(args);
  const o = opts as RandOpts;
  const shape = parseShape(fn, rest);
  const dt = o.dtype ?? 'float32';
  if (!isFloating(dt)) throw new TypeError(`${fn}(): expected a floating point dtype, but got ${dt}`);
  const g = o.generator ?? defaultGenerator;
  const n = shapeNumel(shape);
  const vals = new Float32Array(n);
  for (let i = 0; i < n; i++) vals[i] = sample(g);
  const { generator: _g, ...rest2 } = o;
  return finish(fromValues(vals, shape, dt), rest2, fn);
}

/** Uniform [0, 1) samples. `torch.rand(2, 3)`, `torch.rand([4], { generator: g })`. */
export function rand(...args: (number | number[] | RandOpts)[]): Tensor {
  if (gpuArgs(rand, arguments)) return viaGpu('rand', rand, arguments) as never;
  return randFill('rand', args, (g) => g.nextFloat());
}

/** Standard normal samples. `torch.randn(2, 3)`. */
export function randn(...args: (number | number[] | RandOpts)[]): Tensor {
  if (gpuArgs(randn, arguments)) return viaGpu('randn', randn, arguments) as never;
  return randFill('randn', args, (g) => g.nextNormal());
}

/**
 * Random integers in [low, high). `torch.randint(10, [3])`, `torch.randint(2, 5, [2, 2])`.
 */
export function randint(...args: (number | number[] | RandOpts)[]): Tensor {
  if (gpuArgs(randint, arguments)) return viaGpu('randint', randint, arguments) as never;
  const o = (isOptions(args[args.length - 1]) ? args.pop() : {}) as RandOpts;
  let low = 0;
  let high: number;
  let size: number[];
  if (args.length === 2) [high, size] = args as [number, number[]];
  else if (args.length === 3) [low, high, size] = args as [number, number, number[]];
  else throw new TypeError('randint() expects (high, size) or (low, high, size)');
  if (!(high > low)) throw new RangeError(`randint(): expected low < high, but got low=${low}, high=${high}`);
  const shape = parseShape('randint', [size]);
  const g = o.generator ?? defaultGenerator;
  const n = shapeNumel(shape);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = low + g.nextInt(high - low);
  return finish(fromValues(vals, shape, o.dtype ?? 'int64'), { device: o.device, requiresGrad: o.requiresGrad }, 'randint');
}

/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number, opts: RandOpts = {}): Tensor {
  if (gpuArgs(randperm, arguments)) return viaGpu('randperm', randperm, arguments) as never;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm(): n must be a non-negative integer, but got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextInt(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return finish(fromValues(p, [n], opts.dtype ?? 'int64'), { device: opts.device }, 'randperm');
}

function likeOpts(x: Tensor, o: TensorOptions): TensorOptions & { dtype: DType } {
  return { ...o, dtype: o.dtype ?? x.dtype, device: o.device ?? x.device };
}

export const zerosLike = (x: Tensor, o: TensorOptions = {}): Tensor => zeros(x.shape, likeOpts(x, o));
export const onesLike = (x: Tensor, o: TensorOptions = {}): Tensor => ones(x.shape, likeOpts(x, o));
export const emptyLike = (x: Tensor, o: TensorOptions = {}): Tensor => empty(x.shape, likeOpts(x, o));
export const fullLike = (x: Tensor, v: number | boolean, o: TensorOptions = {}): Tensor => full(x.shape, v, likeOpts(x, o));
export const randLike = (x: Tensor, o: RandOpts = {}): Tensor => rand(x.shape, likeOpts(x, o));
export const randnLike = (x: Tensor, o: RandOpts = {}): Tensor => randn(x.shape, likeOpts(x, o));
export const randintLike = (x: Tensor, low: number, high?: number, o: RandOpts = {}): Tensor =>
  high === undefined ? randint(0, low, x.shape, { ...o, dtype: o.dtype ?? x.dtype }) : randint(low, high, x.shape, { ...o, dtype: o.dtype ?? x.dtype });

export { optArgs };
