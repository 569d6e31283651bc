/**
 * Reductions with dims, keepdim and dtype arguments as in PyTorch, and their gradients: sum, mean,
 * prod, amax/amin, max/min (full, with a dim as `{ values, indices }`, or elementwise with a tensor),
 * argmax/argmin, var/std (`unbiased` or `correction`), varMean/stdMean, norm, logsumexp,
 * cumsum/cumprod, cummax/cummin, all/any, countNonzero, median, mode, aminmax, nansum/nanmean, and
 * sumToShape (the broadcasting-gradient reduction used by every binary op).
 * The kernels (simd/reduce.ts) reduce the middle axis of a contiguous [outer, k, inner] block, so a
 * run of adjacent dims of a contiguous tensor reduces without a copy (several runs: one after the
 * other); other layouts are permuted to the end (one copy, fused with the dtype cast).
 */
import { kernels, requireKernels } from '../backend/wasm.js';
import { record, setTracer, traceAs, traceOp } from '../autograd/node.js';
import { noGrad } from '../autograd/grad-mode.js';
import { isFloating, isDType, type DType } from '../tensor/dtype.js';
import { Tensor, contiguousStrides, normDim, shapeNumel } from '../tensor/tensor.js';
import { defineMethods } from '../tensor/methods.js';
import { isOptions, optArgs } from './args.js';
import { computeDType, kindCode, asDType, toOut } from './launch.js';
import { filled, fromValues } from './creation.js';
import {
  abs, add, div, eq, exp, isnan, logicalAnd, logicalNot, maximum, minimum, mul, ne, pow, sign, sqrt, sub, where,
} from './pointwise.js';
import { expand, reshape, unsqueeze, movedim } from './shape.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuArgReduce, gpuMoments, gpuReduce } from '../backend/webgpu/reduce.js';
import { gpuLogsumexp } from '../backend/webgpu/softmax.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    argreduce(op: number, kind: number, x: number, vo: number, io: number, outer: number, k: number, inner: number): void;
    moments(x: number, mo: number, vo: number, outer: number, k: number, inner: number, correction: number, takeSqrt: number): void;
    scan(op: number, kind: number, x: number, o: number, outer: number, k: number, inner: number): void;
    cumext(op: number, kind: number, x: number, vo: number, io: number, outer: number, k: number, inner: number): void;
    kselect(kind: number, x: number, vo: number, io: number, outer: number, k: number, inner: number, kth: number): void;
    channel_moments(x: number, mo: number, vo: number, N: number, C: number, S: number, c0: number, c1: number): void;
    mode(kind: number, x: number, vo: number, io: number, outer: number, k: number, inner: number): void;
    logsumexp(x: number, o: number, outer: number, k: number, inner: number): void;
  }
}
requireKernels('argreduce', 'moments', 'scan', 'cumext', 'kselect', 'mode', 'logsumexp');

const OPS = { sum: 0, prod: 1, max: 2, min: 3, sumAbs: 4, sumSq: 5, maxAbs: 6, minAbs: 7, count: 8 } as const;
export type ReduceKind = keyof typeof OPS;

/** Result of max/min/median/cummax/... with a dim: PyTorch's named tuple (also destructurable). */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
  [Symbol.iterator](): Iterator<Tensor>;
}

/** @internal Builds a `{ values, indices }` result that also destructures as `[values, indices]`. */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  if (gpuArgs(valuesIndices, arguments)) return viaGpu('valuesIndices', valuesIndices, arguments) as never;
  const r = { values, indices } as ValuesIndices;
  Object.defineProperty(r, Symbol.iterator, { value: function* () { yield values; yield indices; }, enumerable: false });
  return r;
}

/** Normalises a dim argument (number, array; null, undefined or [] = all, as in PyTorch) to sorted unique dims. */
export function reduceDims(x: Tensor, dim: number | number[] | null | undefined): number[] {
  if (gpuArgs(reduceDims, arguments)) return viaGpu('reduceDims', reduceDims, arguments) as never;
  if (dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0)) return x.shape.map((_, i) => i);
  const list = Array.isArray(dim) ? dim : [dim];
  for (const d of list) {
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`argument 'dim' must be int or tuple of ints, but got ${typeof d === 'object' ? JSON.stringify(d) : String(d)}`);
  }
  const ds = list.map((d) => normDim(d, x.ndim));
  if (new Set(ds).size !== ds.length) throw new RangeError(`dim ${ds.find((d, i) => ds.indexOf(d) !== i)} appears multiple times in the list of dims`);
  return x.ndim === 0 ? [] : ds.sort((a, b) => a - b);
}

/** Output shape of a reduction. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  if (gpuArgs(reducedShape, arguments)) return viaGpu('reducedShape', reducedShape, arguments) as never;
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

interface Blocks {
  src: Tensor;
  outer: number;
  k: number;
  inner: number;
}

/**
 * @internal Lays x out as a contiguous [outer, k, inner] block of dtype cd with `dims` in the middle:
 * no copy when x is contiguous (or a permuted view of a contiguous tensor) and already of dtype cd.
 * The caller disposes `src` when it is not x.
 */
export function reduceBlocks(x: Tensor, dims: readonly number[], cd: DType): Blocks {
  if (gpuArgs(reduceBlocks, arguments)) return viaGpu('reduceBlocks', reduceBlocks, arguments) as never;
  const k = shapeNumel(dims.map((d) => x.shape[d]));
  const rangeDims = dims.length > 0 && dims[dims.length - 1] - dims[0] + 1 === dims.length;
  if (dims.length === 0) return { src: x.dtype === cd && x.isContiguous() ? x : x._copyTo(cd), outer: x.numel(), k: 1, inner: 1 };
  if (rangeDims && x.isContiguous()) {
    return {
      src: x.dtype === cd ? x : x._copyTo(cd),
      outer: shapeNumel(x.shape.slice(0, dims[0])),
      k,
      inner: shapeNumel(x.shape.slice(dims[dims.length - 1] + 1)),
    };
  }
  const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const order = [...keep, ...dims];
  const v = x._view(order.map((i) => x.shape[i]), order.map((i) => x._strides[i]), x._offset);
  const outer = shapeNumel(keep.map((i) => x.shape[i]));
  // the permuted view may already be x's memory order (e.g. x.t() reduced over dim 0): no copy
  if (v.isContiguous() && v.dtype === cd) return { src: v, outer, k, inner: 1 };
  const src = v._copyTo(cd);
  v.dispose();
  return { src, outer, k, inner: 1 };
}

function release(src: Tensor, x: Tensor): void {
  if (src !== x) src.dispose();
}

/**
 * @internal Runs internal arithmetic of an op (not part of its graph): no autograd, and hidden from
 * an active tracer (torch.jit.trace / torch.onnx.export), which sees the op itself.
 */
export function quiet<T>(fn: () => T): T {
  if (gpuArgs(quiet, arguments)) return viaGpu('quiet', quiet, arguments) as never;
  const prev = setTracer(null);
  try {
    return noGrad(fn);
  } finally {
    setTracer(prev);
  }
}

/** How partial results of each reduction combine (a norm's partial sums add up, ...). */
const COMBINE: Record<ReduceKind, ReduceKind> = {
  sum: 'sum', prod: 'prod', max: 'max', min: 'min', sumAbs: 'sum', sumSq: 'sum', maxAbs: 'max', minAbs: 'min', count: 'sum',
};

/** Splits sorted dims into runs of adjacent dims ([0, 2, 3] -> [[0], [2, 3]]). */
function dimRuns(dims: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const d of dims) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === d - 1) last.push(d);
    else runs.push([d]);
  }
  return runs;
}

/** @internal Raw reduction (no autograd) of x over dims, computing in x's compute dtype. */
export function reduceRaw(kind: ReduceKind, x: Tensor, dims: number[], keepdim: boolean, name: string = kind): Tensor {
  if (gpuArgs(reduceRaw, arguments)) return viaGpu('reduceRaw', reduceRaw, arguments) as never;
  const outShape = reducedShape(x.shape, dims, keepdim);
  const cd = computeDType(x.dtype);
  const k = shapeNumel(dims.map((d) => x.shape[d]));
  if (k === 0) {
    if ((kind === 'max' || kind === 'min' || kind === 'minAbs') && shapeNumel(outShape) > 0) {
      throw new RangeError(`${name}(): Expected reduction dim ${dims[0] ?? ''} to have non-zero size.`);
    }
    return filled(outShape, kind === 'prod' ? 1 : 0, cd, x.device);
  }
  if (x.device === 'webgpu') {
    const g = gpuReduce(kind, x, dims, keepdim);
    if (g) return g;
  }
  const runs = dimRuns(dims);
  if (runs.length > 1 && x.isContiguous() && shapeNumel(outShape) > 0) {
    // several separate runs of dims of a contiguous tensor: reduce run by run from the innermost,
    // each without a copy, instead of permuting the whole tensor into one block
    let cur = x;
    for (let r = runs.length - 1; r >= 0; r--) {
      const next = reduceRaw(r === runs.length - 1 ? kind : COMBINE[kind], cur, runs[r], true, name);
      if (cur !== x) cur.dispose();
      cur = next;
    }
    if (keepdim) return cur;
    const flat = cur._view(outShape, contiguousStrides(outShape), 0);
    cur.dispose();
    return flat;
  }
  const out = Tensor._empty(outShape, cd);
  if (out.numel() === 0) return out;
  const b = reduceBlocks(x, x.ndim === 0 ? [] : dims, cd);
  kernels.reduce(OPS[kind], kindCode(cd), b.src._ptr(), out._ptr(), b.outer, b.k, b.inner);
  release(b.src, x);
  return out;
}

/** Sums g over broadcast dims so that it has `shape` (the gradient of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (gpuArgs(sumToShape, arguments)) return viaGpu('sumToShape', sumToShape, arguments) as never;
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  let r = dims.length ? sum(g, dims, true) : g;
  if (lead > 0 || r.ndim !== shape.length) r = reshape(r, shape.slice());
  return r;
}

/** Expands a reduced gradient back to the input's shape. */
function expandBack(g: Tensor, shape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  let r = g;
  if (!keepdim) for (const d of dims) r = unsqueeze(r, d);
  return expand(r, shape.slice());
}

/** int64 positions 0..n-1 along dim d, shaped to broadcast against a tensor of `ndim` dims. */
function positions(n: number, d: number, ndim: number): Tensor {
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = i;
  const shape = new Array<number>(Math.max(ndim, 1)).fill(1);
  shape[d] = n;
  return fromValues(vals, ndim === 0 ? [] : shape, 'int64');
}

/** Gradient of a selection along dim d: g lands where the index along d equals `idx`. */
function selectBackward(g: Tensor, idx: Tensor, shape: readonly number[], d: number, keepdim: boolean): Tensor {
  if (shape.length === 0) return g;
  const hit = eq(positions(shape[d], d, shape.length), expandBack(idx, shape, [d], keepdim));
  return where(hit, expandBack(g, shape, [d], keepdim), 0);
}

interface ReduceOpts {
  dim: number | number[] | null;
  keepdim: boolean;
  dtype: DType | null;
}

function reduceArgs(fn: string, args: unknown[]): ReduceOpts {
  if (args.length === 1 && isDType(args[0])) return { dim: null, keepdim: false, dtype: args[0] as DType };
  return optArgs<{ dim: number | number[] | null; keepdim: boolean; dtype: DType | null }>(fn, args, ['dim', 'keepdim', 'dtype'], { dim: null, keepdim: false, dtype: null });
}

function dtypeName(d: DType): string {
  const n: Record<DType, string> = { float32: 'Float', float16: 'Half', int32: 'Int', int64: 'Long', int8: 'Char', uint8: 'Byte', bool: 'Bool' };
  return n[d];
}

function checkTensor(fn: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument 'input' must be Tensor, not ${x === null ? 'null' : Array.isArray(x) ? 'Array' : typeof x}`);
}

/**
 * Sum over all elements or over `dim` (integers sum to int64, like PyTorch).
 *
 * @example
 * ```ts
 * x.sum();                        // 0-d
 * x.sum(1, true);                 // keepdim
 * x.sum({ dim: [0, 1] });
 * ```
 */
export function sum(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(sum, arguments)) return viaGpu('sum', sum, arguments) as never;
  checkTensor('sum', x);
  const o = reduceArgs('sum', args);
  const dims = reduceDims(x, o.dim);
  const outDt: DType = o.dtype ?? (isFloating(x.dtype) ? x.dtype : 'int64');
  const xin = isFloating(outDt) ? asDType(x, x.dtype === 'float16' ? 'float16' : outDt) : asDType(x, 'int64');
  const y = toOut(reduceRaw('sum', xin, dims, o.keepdim), outDt);
  if (xin !== x) xin.dispose();
  record('Sum', [x], y, [], ([g]) => [expandBack(g, x.shape, dims, o.keepdim)], { dim: dims, keepdim: o.keepdim });
  return y;
}

/**
 * Mean over all elements or over `dim` (floating dtypes only, as in PyTorch; `dtype` casts first).
 *
 * @example
 * ```ts
 * x.mean(); x.mean(0, true); torch.mean(ints, { dtype: 'float32' });
 * ```
 */
export function mean(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(mean, arguments)) return viaGpu('mean', mean, arguments) as never;
  checkTensor('mean', x);
  const o = reduceArgs('mean', args);
  const dt = o.dtype ?? x.dtype;
  if (!isFloating(dt)) {
    throw new TypeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${dtypeName(dt)}`);
  }
  const dims = reduceDims(x, o.dim);
  const k = shapeNumel(dims.map((d) => x.shape[d]));
  const xin = asDType(x, dt);
  // scale in the float32 compute dtype before casting back (a float16 sum could overflow)
  const s = reduceRaw('sum', xin, dims, o.keepdim);
  if (xin !== x) xin.dispose();
  const y = k === 0 ? filled(s.shape, NaN, dt, x.device) : toOut(scaleRaw(s, 1 / k), dt);
  record('Mean', [x], y, [], ([g]) => [div(expandBack(g, x.shape, dims, o.keepdim), k)], { dim: dims, keepdim: o.keepdim });
  return y;
}

function scaleRaw(s: Tensor, f: number): Tensor {
  if (f === 1) return s;
  const r = quiet(() => mul(s, f));
  s.dispose();
  return r;
}

/** Product over all elements or over `dim`. */
export function prod(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(prod, arguments)) return viaGpu('prod', prod, arguments) as never;
  checkTensor('prod', x);
  const o = reduceArgs('prod', args);
  const dims = reduceDims(x, o.dim === null ? null : o.dim);
  const outDt: DType = o.dtype ?? (isFloating(x.dtype) ? x.dtype : 'int64');
  const xin = asDType(x, isFloating(outDt) ? outDt : 'int64');
  const y = toOut(reduceRaw('prod', xin, dims, o.keepdim), outDt);
  if (xin !== x) xin.dispose();
  record('Prod', [x], y, [x], ([g], [sx]) => {
    // d prod / d x_i = product of the others: prod / x_i without zeros; with one zero in the slice
    // only the zero's position gets the product of the rest; with two or more zeros all are 0
    const zeros = eq(sx, 0);
    const nz = sum(zeros, dims, true);
    const x1 = where(zeros, 1, sx);
    const p1 = prod(x1, dims, true);
    const others = where(eq(nz, 0), div(p1, x1), where(logicalAnd(zeros, eq(nz, 1)), p1, 0));
    return [mul(expandBack(g, sx.shape, dims, o.keepdim), others)];
  }, { dim: dims, keepdim: o.keepdim });
  return y;
}

/** Max over `dim` (values only; see max() for indices). */
export function amax(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(amax, arguments)) return viaGpu('amax', amax, arguments) as never;
  checkTensor('amax', x);
  const o = optArgs('amax', args, ['dim', 'keepdim'], { dim: [] as number | number[], keepdim: false });
  const dims = reduceDims(x, Array.isArray(o.dim) && o.dim.length === 0 ? null : o.dim);
  return minmax('max', x, dims, o.keepdim, 'amax');
}

/** Min over `dim` (values only). */
export function amin(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(amin, arguments)) return viaGpu('amin', amin, arguments) as never;
  checkTensor('amin', x);
  const o = optArgs('amin', args, ['dim', 'keepdim'], { dim: [] as number | number[], keepdim: false });
  const dims = reduceDims(x, Array.isArray(o.dim) && o.dim.length === 0 ? null : o.dim);
  return minmax('min', x, dims, o.keepdim, 'amin');
}

/** @internal max/min values over dims with PyTorch's gradient (split evenly between ties). */
export function minmax(kind: 'max' | 'min', x: Tensor, dims: number[], keepdim: boolean, name: string = kind): Tensor {
  if (gpuArgs(minmax, arguments)) return viaGpu('minmax', minmax, arguments) as never;
  if (x.numel() === 0 && shapeNumel(reducedShape(x.shape, dims, keepdim)) <= 1 && dims.length === x.ndim) {
    throw new RangeError(`${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const y = toOut(reduceRaw(kind, x, dims, keepdim, name), x.dtype);
  record(kind === 'max' ? 'Amax' : 'Amin', [x], y, [x, y], ([g], [sx, sy]) => {
    const mask = eq(sx, expandBack(sy, sx.shape, dims, keepdim)).to(g.dtype);
    const count = sum(mask, dims, true);
    return [mul(expandBack(g, sx.shape, dims, keepdim), div(mask, count))];
  }, { dim: dims, keepdim });
  return y;
}

// ---- max / min / argmax / argmin ----

/** @internal Values and int64 indices of the max (op 0) / min (op 1) along one dim (or flattened). */
function argRaw(fn: string, op: 0 | 1, x: Tensor, dim: number | null, keepdim: boolean, wantValues: boolean): { values: Tensor | null; indices: Tensor } {
  if (x.dtype === 'bool' && !wantValues) throw new TypeError(`"${fn}_cpu" not implemented for 'Bool'`);
  const cd = computeDType(x.dtype);
  let outShape: number[];
  let dims: number[];
  if (dim === null) {
    if (x.numel() === 0) throw new RangeError(`${fn}(): Expected reduction dim to be specified for input.numel() == 0.`);
    dims = x.shape.map((_, i) => i);
    outShape = keepdim ? x.shape.map(() => 1) : [];
  } else {
    const d = normDim(dim, x.ndim);
    dims = x.ndim === 0 ? [] : [d];
    outShape = reducedShape(x.shape, dims, keepdim);
    if (x.ndim > 0 && x.shape[d] === 0 && shapeNumel(outShape) > 0) throw new RangeError(`${fn}(): Expected reduction dim ${d} to have non-zero size.`);
  }
  if (x.device === 'webgpu' && shapeNumel(outShape) > 0) {
    const g = gpuArgReduce(op, x, dims, outShape);
    if (g) {
      if (!wantValues) g.values.dispose();
      return { values: wantValues ? toOut(g.values, x.dtype) : null, indices: g.indices };
    }
  }
  const indices = Tensor._empty(outShape, 'int64');
  const values = wantValues ? Tensor._empty(outShape, cd) : null;
  if (indices.numel() > 0) {
    const b = dim === null ? flatBlocks(x, cd) : reduceBlocks(x, dims, cd);
    kernels.argreduce(op, kindCode(cd), b.src._ptr(), values ? values._ptr() : 0, indices._ptr(), b.outer, b.k, b.inner);
    release(b.src, x);
  }
  return { values: values ? toOut(values, x.dtype) : null, indices };
}

function flatBlocks(x: Tensor, cd: DType): Blocks {
  const src = x.isContiguous() && x.dtype === cd ? x : x._copyTo(cd);
  return { src, outer: 1, k: x.numel(), inner: 1 };
}

type MaxArgs = [] | [Tensor] | [number, (boolean | { keepdim?: boolean })?] | [{ dim: number; keepdim?: boolean }];

function maxMin(fn: 'max' | 'min', x: Tensor, args: unknown[]): Tensor | ValuesIndices {
  checkTensor(fn, x);
  if (args.length === 0) return minmax(fn, x, reduceDims(x, null), false);
  if (args[0] instanceof Tensor) {
    if (args.length > 1) throw new TypeError(`${fn}(input, other) takes no further arguments`);
    return fn === 'max' ? maximum(x, args[0]) : minimum(x, args[0]);
  }
  const o = optArgs(fn, args, ['dim', 'keepdim'], { dim: null as number | null, keepdim: false });
  if (o.dim === null) return minmax(fn, x, reduceDims(x, null), false);
  if (typeof o.dim !== 'number') throw new TypeError(`${fn}(): argument 'dim' must be int, but got ${Array.isArray(o.dim) ? 'list' : typeof o.dim}`);
  const d = normDim(o.dim, x.ndim);
  const { values, indices } = argRaw(fn, fn === 'max' ? 0 : 1, x, o.dim, o.keepdim, true);
  const v = values as Tensor;
  record(fn === 'max' ? 'MaxDim' : 'MinDim', [x], [v, indices], [indices], ([g], [idx]) => [selectBackward(g, idx, x.shape, d, o.keepdim)], { dim: d, keepdim: o.keepdim });
  return valuesIndices(v, indices);
}

/**
 * Max: of all elements (0-d), along `dim` as `{ values, indices }` (first occurrence; NaN wins),
 * or elementwise with another tensor (`torch.maximum`).
 *
 * @example
 * ```ts
 * x.max();                   // 0-d
 * x.max(1).values;           // per row
 * const { values, indices } = torch.max(x, { dim: 0, keepdim: true });
 * torch.max(a, b);           // elementwise
 * ```
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices;
export function max(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  if (gpuArgs(max, arguments)) return viaGpu('max', max, arguments) as never;
  return maxMin('max', x, args);
}

/** Min: of all elements, along `dim` as `{ values, indices }`, or elementwise with a tensor. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices;
export function min(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  if (gpuArgs(min, arguments)) return viaGpu('min', min, arguments) as never;
  return maxMin('min', x, args);
}

function argExt(fn: 'argmax' | 'argmin', x: Tensor, args: unknown[]): Tensor {
  checkTensor(fn, x);
  const o = optArgs(fn, args, ['dim', 'keepdim'], { dim: null as number | null, keepdim: false });
  if (o.dim !== null && typeof o.dim !== 'number') throw new TypeError(`${fn}(): argument 'dim' must be int, but got ${typeof o.dim}`);
  const r = argRaw(fn, fn === 'argmax' ? 0 : 1, x, o.dim, o.keepdim, false).indices;
  traceOp(fn === 'argmax' ? 'ArgMax' : 'ArgMin', [x], r, { dim: o.dim, keepdim: o.keepdim });
  return r;
}

/**
 * Index (int64) of the max over all elements (flattened) or along `dim`; first occurrence, NaN wins.
 *
 * @example
 * ```ts
 * x.argmax(); x.argmax(1); x.argmax({ dim: 1, keepdim: true });
 * ```
 */
export function argmax(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(argmax, arguments)) return viaGpu('argmax', argmax, arguments) as never;
  return argExt('argmax', x, args);
}

/** Index (int64) of the min over all elements or along `dim`; first occurrence, NaN wins. */
export function argmin(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(argmin, arguments)) return viaGpu('argmin', argmin, arguments) as never;
  return argExt('argmin', x, args);
}

/** Min and max together: `{ min, max }` over all elements or along `dim`. */
export function aminmax(x: Tensor, ...args: unknown[]): { min: Tensor; max: Tensor } {
  if (gpuArgs(aminmax, arguments)) return viaGpu('aminmax', aminmax, arguments) as never;
  checkTensor('aminmax', x);
  const o = optArgs('aminmax', args, [], { dim: null as number | null, keepdim: false });
  const dims = o.dim === null ? reduceDims(x, null) : reduceDims(x, o.dim);
  return { min: minmax('min', x, dims, o.keepdim, 'aminmax'), max: minmax('max', x, dims, o.keepdim, 'aminmax') };
}

// ---- variance / standard deviation ----

interface VarOpts {
  dims: number[];
  correction: number;
  keepdim: boolean;
}

function varArgs(fn: string, x: Tensor, args: unknown[]): VarOpts {
  let a = args;
  let unbiasedPos: boolean | null = null;
  if (a.length > 0 && typeof a[0] === 'boolean') {
    unbiasedPos = a[0];
    a = a.slice(1);
    if (a.length > 0 && !isOptions(a[0])) throw new TypeError(`${fn}(input, unbiased) takes no further positional arguments`);
  }
  const o = optArgs(fn, a, ['dim', 'unbiased', 'keepdim'], {
    dim: null as number | number[] | null,
    unbiased: null as boolean | null,
    keepdim: false,
    correction: null as number | null,
  });
  const unbiased = unbiasedPos ?? o.unbiased;
  if (unbiased !== null && o.correction !== null) throw new TypeError(`${fn}(): cannot specify both 'unbiased' and 'correction'`);
  if (o.correction !== null && typeof o.correction !== 'number') throw new TypeError(`${fn}(): argument 'correction' must be a number, but got ${typeof o.correction}`);
  const correction = o.correction ?? (unbiased === false ? 0 : 1);
  return { dims: reduceDims(x, o.dim), correction, keepdim: !!o.keepdim };
}

/** True when dims are a leading run and a trailing run of a contiguous x (the kept dims in between). */
function isOuterInner(x: Tensor, dims: number[]): boolean {
  const runs = dimRuns(dims);
  return runs.length === 2 && runs[0][0] === 0 && runs[1][runs[1].length - 1] === x.ndim - 1 && x.isContiguous();
}

/** @internal var/std (and the mean) over dims in one kernel call, with autograd. */
function moments(fn: string, x: Tensor, o: VarOpts, takeSqrt: boolean, wantMean: boolean): Tensor[] {
  checkTensor(fn, x);
  if (!isFloating(x.dtype)) throw new TypeError('std and var only support floating point and complex dtypes');
  const { dims, correction, keepdim } = o;
  const outShape = reducedShape(x.shape, dims, keepdim);
  const k = shapeNumel(dims.map((d) => x.shape[d]));
  let vOut: Tensor;
  let mOut: Tensor;
  const gpuMv = x.device === 'webgpu' && k > 0 && shapeNumel(outShape) > 0 ? gpuMoments(x, dims, keepdim, correction, takeSqrt) : null;
  if (gpuMv) {
    vOut = gpuMv.v;
    mOut = gpuMv.m;
  } else if (k === 0 || shapeNumel(outShape) === 0) {
    vOut = filled(outShape, NaN, 'float32', x.device);
    mOut = filled(outShape, NaN, 'float32', x.device);
  } else if (isOuterInner(x, dims)) {
    // dims = leading run + trailing run (batch-norm style [N, C, S] statistics): no permuting copy
    const runs = dimRuns(dims);
    const N = shapeNumel(runs[0].map((d) => x.shape[d]));
    const S = shapeNumel(runs[1].map((d) => x.shape[d]));
    const C = shapeNumel(outShape);
    const biased = Tensor._empty(outShape, 'float32');
    mOut = Tensor._empty(outShape, 'float32');
    const xs = x.dtype === 'float32' ? x : x._copyTo('float32');
    kernels.channel_moments(xs._ptr(), mOut._ptr(), biased._ptr(), N, C, S, 0, C);
    if (xs !== x) xs.dispose();
    const den = Math.max(k - correction, 0);
    vOut = quiet(() => (takeSqrt ? sqrt(mul(biased, k / den)) : mul(biased, k / den)));
    biased.dispose();
  } else {
    vOut = Tensor._empty(outShape, 'float32');
    mOut = Tensor._empty(outShape, 'float32');
    const b = reduceBlocks(x, x.ndim === 0 ? [] : dims, 'float32');
    kernels.moments(b.src._ptr(), mOut._ptr(), vOut._ptr(), b.outer, b.k, b.inner, correction, takeSqrt ? 1 : 0);
    release(b.src, x);
  }
  const v = toOut(vOut, x.dtype);
  const m = toOut(mOut, x.dtype);
  const outs = wantMean ? [v, m] : [v];
  if (!wantMean) m.dispose();
  const den = Math.max(k - correction, 0);
  record(takeSqrt ? 'Std' : 'Var', [x], outs, [x, v], ([gv, gm], [sx, sv]) => {
    // recompute the mean with tensor ops so that double backward sees its dependence on x
    const dev = sub(sx, mean(sx, dims, true));
    let gVar: Tensor = gv;
    if (takeSqrt) gVar = where(eq(sv, 0), 0, div(gv, mul(sv, 2)));
    let gx = mul(expandBack(gVar, sx.shape, dims, keepdim), mul(dev, 2 / den));
    if (wantMean && gm) gx = add(gx, div(expandBack(gm, sx.shape, dims, keepdim), k));
    return [gx];
  }, { dim: dims, correction, keepdim });
  return outs;
}

/**
 * Variance over all elements or `dim`; `unbiased` (PyTorch 1.13) or `correction` (newer) pick the
 * divisor N - correction (default 1).
 *
 * @example
 * ```ts
 * x.var(); x.var(1, { keepdim: true }); x.var(1, false); x.var({ dim: [0, 1], correction: 0 });
 * ```
 */
export function variance(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(variance, arguments)) return viaGpu('variance', variance, arguments) as never;
  return moments('var', x, varArgs('var', x, args), false, false)[0];
}

/** Standard deviation (same arguments as var). */
export function std(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(std, arguments)) return viaGpu('std', std, arguments) as never;
  return moments('std', x, varArgs('std', x, args), true, false)[0];
}

/** `[var, mean]` in one pass pair (torch.var_mean). */
export function varMean(x: Tensor, ...args: unknown[]): [Tensor, Tensor] {
  if (gpuArgs(varMean, arguments)) return viaGpu('varMean', varMean, arguments) as never;
  const [v, m] = moments('var_mean', x, varArgs('var_mean', x, args), false, true);
  return [v, m];
}

/** `[std, mean]` (torch.std_mean). */
export function stdMean(x: Tensor, ...args: unknown[]): [Tensor, Tensor] {
  if (gpuArgs(stdMean, arguments)) return viaGpu('stdMean', stdMean, arguments) as never;
  const [v, m] = moments('std_mean', x, varArgs('std_mean', x, args), true, true);
  return [v, m];
}

export { variance as var };

// ---- norms ----

export type NormOrd = number | 'fro' | 'nuc';

/**
 * Vector p-norm over all elements or `dim`: p = 2 / 'fro' (default), 1, Infinity, -Infinity, 0
 * (count of non-zeros) or any other real p.
 *
 * @example
 * ```ts
 * x.norm(); x.norm(1); x.norm(2, 1, true); torch.norm(x, { p: Infinity, dim: [0, 1] });
 * ```
 */
export function norm(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(norm, arguments)) return viaGpu('norm', norm, arguments) as never;
  checkTensor('norm', x);
  const o = optArgs('norm', args, ['p', 'dim', 'keepdim', 'dtype'], { p: 'fro' as NormOrd, dim: null as number | number[] | null, keepdim: false, dtype: null as DType | null });
  return vectorNorm(x, o.p === 'fro' ? 2 : o.p, o.dim, o.keepdim, o.dtype, 'norm');
}

/** torch.linalg.vector_norm: `ord` (default 2) over all elements or `dim`. */
export function linalgVectorNorm(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(linalgVectorNorm, arguments)) return viaGpu('linalgVectorNorm', linalgVectorNorm, arguments) as never;
  checkTensor('linalg_vector_norm', x);
  const o = optArgs('linalg_vector_norm', args, ['ord', 'dim', 'keepdim'], { ord: 2 as number, dim: null as number | number[] | null, keepdim: false, dtype: null as DType | null });
  return vectorNorm(x, o.ord, o.dim, o.keepdim, o.dtype, 'linalg_vector_norm');
}

function vectorNorm(x: Tensor, p: NormOrd, dim: number | number[] | null, keepdim: boolean, dtype: DType | null, fn: string): Tensor {
  if (p === 'nuc') throw new TypeError(`${fn}(): the nuclear norm ('nuc') is not supported; use p = 2, 1, Infinity, -Infinity, 0 or a real number`);
  if (typeof p !== 'number' || Number.isNaN(p)) throw new TypeError(`${fn}(): p must be a number or 'fro', but got ${String(p)}`);
  const dt = dtype ?? x.dtype;
  if (!isFloating(dt)) throw new TypeError(`${fn}(): input dtype should be either floating point or complex. Got ${dtypeName(x.dtype)} instead.`);
  const dims = reduceDims(x, dim);
  const xin = x.dtype === dt ? x : x.to(dt);
  let yraw: Tensor;
  if (p === 2 || p === 1 || p === 0 || p === Infinity || p === -Infinity) {
    const kind: ReduceKind = p === 2 ? 'sumSq' : p === 1 ? 'sumAbs' : p === 0 ? 'count' : p === Infinity ? 'maxAbs' : 'minAbs';
    if (x.numel() === 0 && (p === Infinity || p === -Infinity) && dims.length === x.ndim) {
      throw new RangeError(`${fn}(): Expected reduction dim to be specified for input.numel() == 0.`);
    }
    yraw = reduceRaw(kind, xin, dims, keepdim, fn);
    if (p === 2) {
      const s = yraw;
      yraw = quiet(() => sqrt(s));
      s.dispose();
    }
  } else {
    yraw = quiet(() => pow(reduceRaw('sum', pow(abs(xin), p), dims, keepdim), 1 / p));
  }
  const y = toOut(yraw, dt);
  record('Norm', [xin], y, [xin, y], ([g], [sx, sy]) => {
    const gb = expandBack(g, sx.shape, dims, keepdim);
    const yb = expandBack(sy, sx.shape, dims, keepdim);
    if (p === 0) return [mul(gb, 0)];
    if (p === 1) return [mul(gb, sign(sx))];
    if (p === 2) return [where(eq(yb, 0), 0, div(mul(gb, sx), yb))];
    if (p === Infinity || p === -Infinity) {
      const hit = eq(abs(sx), yb).to(g.dtype);
      return [mul(mul(gb, sign(sx)), div(hit, sum(hit, dims, true)))];
    }
    // d/dx (sum |x|^p)^(1/p) = x |x|^(p-2) / y^(p-1)
    return [where(eq(yb, 0), 0, div(mul(gb, mul(sx, pow(abs(sx), p - 2))), pow(yb, p - 1)))];
  }, { p, dim: dims, keepdim });
  return y;
}

// ---- logsumexp ----

/**
 * log(sum(exp(x))) over `dim`, computed stably (the max is subtracted first).
 *
 * @example
 * ```ts
 * torch.logsumexp(x, 1); x.logsumexp([0, 1], true);
 * ```
 */
export function logsumexp(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(logsumexp, arguments)) return viaGpu('logsumexp', logsumexp, arguments) as never;
  checkTensor('logsumexp', x);
  const o = optArgs('logsumexp', args, ['dim', 'keepdim'], { dim: undefined as number | number[] | undefined, keepdim: false });
  if (o.dim === undefined) throw new TypeError('logsumexp() missing 1 required positional argument: "dim"');
  const dims = reduceDims(x, o.dim);
  return traceAs('Logsumexp', [x], { dim: dims, keepdim: o.keepdim }, () => logsumexpImpl(x, dims, o.keepdim));
}

function logsumexpImpl(x: Tensor, dims: number[], keepdim: boolean): Tensor {
  const xf = isFloating(x.dtype) ? x : x.to('float32');
  const k = shapeNumel(dims.map((d) => xf.shape[d]));
  const outShape = reducedShape(xf.shape, dims, keepdim);
  if (k === 0) return filled(outShape, -Infinity, xf.dtype, x.device);
  // one fused kernel (max, then the sum of exp(x - max)); gradient g * exp(x - y) in tensor ops
  const gpuLse = xf.device === 'webgpu' ? gpuLogsumexp(xf, xf.ndim === 0 ? [] : dims, outShape) : null;
  const out = gpuLse ?? Tensor._empty(outShape, 'float32');
  if (!gpuLse && out.numel() > 0) {
    const b = reduceBlocks(xf, xf.ndim === 0 ? [] : dims, 'float32');
    kernels.logsumexp(b.src._ptr(), out._ptr(), b.outer, b.k, b.inner);
    release(b.src, xf);
  }
  const y = toOut(out, xf.dtype);
  record('Logsumexp', [xf], y, [xf, y], ([g], [sx, sy]) => [
    mul(expandBack(g, sx.shape, dims, keepdim), exp(sub(sx, expandBack(sy, sx.shape, dims, keepdim)))),
  ], { dim: dims, keepdim });
  return y;
}

// ---- cumulative ops ----

function scanLayout(x: Tensor, d: number, cd: DType): Blocks {
  const src = x.isContiguous() && x.dtype === cd ? x : x._copyTo(cd);
  if (x.ndim === 0) return { src, outer: 1, k: 1, inner: 1 };
  return { src, outer: shapeNumel(x.shape.slice(0, d)), k: x.shape[d], inner: shapeNumel(x.shape.slice(d + 1)) };
}

function cumArgs(fn: string, x: Tensor, dim: unknown, args: unknown[]): { d: number; dtype: DType | null } {
  checkTensor(fn, x);
  let dimv = dim;
  let rest = args;
  if (isOptions(dim)) {
    dimv = (dim as Record<string, unknown>).dim;
    const { dim: _omit, ...others } = dim as Record<string, unknown>;
    rest = [others];
  }
  if (typeof dimv !== 'number' || !Number.isInteger(dimv)) throw new TypeError(`${fn}() missing required argument 'dim' (int)`);
  const o = optArgs(fn, rest, ['dtype'], { dtype: null as DType | null });
  return { d: normDim(dimv, x.ndim), dtype: o.dtype };
}

function scanRaw(op: 0 | 1, x: Tensor, d: number, outDt: DType): Tensor {
  const cd = computeDType(outDt);
  const out = Tensor._empty(x.shape, cd);
  if (out.numel() > 0) {
    const b = scanLayout(x, d, cd);
    kernels.scan(op, kindCode(cd), b.src._ptr(), out._ptr(), b.outer, b.k, b.inner);
    release(b.src, x);
  }
  return toOut(out, outDt);
}

/**
 * Cumulative sum along `dim` (integers accumulate in int64 unless `dtype` is given).
 *
 * @example
 * ```ts
 * x.cumsum(0); torch.cumsum(x, -1, { dtype: 'float32' });
 * ```
 */
export function cumsum(x: Tensor, dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor {
  if (gpuArgs(cumsum, arguments)) return viaGpu('cumsum', cumsum, arguments) as never;
  const { d, dtype } = cumArgs('cumsum', x, dim, args);
  const outDt = dtype ?? (isFloating(x.dtype) ? x.dtype : 'int64');
  const y = scanRaw(0, x, d, outDt);
  record('Cumsum', [x], y, [], ([g]) => {
    if (g.ndim === 0) return [g];
    // reversed cumulative sum: total - cumsum + g
    return [add(sub(sum(g, d, true), cumsum(g, d)), g)];
  }, { dim: d });
  return y;
}

/** Cumulative product along `dim` (the gradient handles zeros like PyTorch). */
export function cumprod(x: Tensor, dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor {
  if (gpuArgs(cumprod, arguments)) return viaGpu('cumprod', cumprod, arguments) as never;
  const { d, dtype } = cumArgs('cumprod', x, dim, args);
  const outDt = dtype ?? (isFloating(x.dtype) ? x.dtype : 'int64');
  const y = scanRaw(1, x, d, outDt);
  record('Cumprod', [x], y, [x, y], ([g], [sx, sy]) => {
    if (g.ndim === 0) return [g];
    const revcumsum = (t: Tensor) => add(sub(sum(t, d, true), cumsum(t, d)), t);
    // before the first zero of a slice: sum_{t >= i} g_t y_t / x_i; at the first zero: the same
    // sum with that zero replaced by 1 in the product; after it every product holds the zero: 0
    const zeros = eq(sx, 0);
    const seen = cumsum(zeros, d);
    const first = logicalAnd(zeros, eq(seen, 1));
    const before = div(revcumsum(mul(g, sy)), where(zeros, 1, sx));
    const atZero = revcumsum(mul(g, cumprod(where(first, 1, sx), d)));
    return [where(eq(seen, 0), before, where(first, atZero, 0))];
  }, { dim: d });
  return y;
}

function cumExt(fn: 'cummax' | 'cummin', x: Tensor, dim: unknown): ValuesIndices {
  checkTensor(fn, x);
  const dv = isOptions(dim) ? (dim as { dim?: number }).dim : dim;
  if (typeof dv !== 'number' || !Number.isInteger(dv)) throw new TypeError(`${fn}() missing required argument 'dim' (int)`);
  const d = normDim(dv, x.ndim);
  const cd = computeDType(x.dtype);
  const vals = Tensor._empty(x.shape, cd);
  const idx = Tensor._empty(x.shape, 'int64');
  if (vals.numel() > 0) {
    const b = scanLayout(x, d, cd);
    kernels.cumext(fn === 'cummax' ? 0 : 1, kindCode(cd), b.src._ptr(), vals._ptr(), idx._ptr(), b.outer, b.k, b.inner);
    release(b.src, x);
  }
  const v = toOut(vals, x.dtype);
  record(fn === 'cummax' ? 'Cummax' : 'Cummin', [x], [v, idx], [idx], ([g], [si]) => {
    if (g.ndim === 0) return [g];
    // gx[i] = sum over t of g[t] where idx[t] == i: one-hot over (t, i) with dim d moved last
    const n = g.shape[d];
    const it = unsqueeze(movedim(si, d, -1), -1);
    const hit = eq(it, positions(n, 0, 1));
    const gt = unsqueeze(movedim(g, d, -1), -1);
    return [movedim(sum(where(hit, gt, 0), -2), -1, d)];
  }, { dim: d });
  return valuesIndices(v, idx);
}

/** Running max along `dim` with the index where it was reached: `{ values, indices }`. */
export function cummax(x: Tensor, dim: number | { dim: number }): ValuesIndices {
  if (gpuArgs(cummax, arguments)) return viaGpu('cummax', cummax, arguments) as never;
  return cumExt('cummax', x, dim);
}

/** Running min along `dim`: `{ values, indices }`. */
export function cummin(x: Tensor, dim: number | { dim: number }): ValuesIndices {
  if (gpuArgs(cummin, arguments)) return viaGpu('cummin', cummin, arguments) as never;
  return cumExt('cummin', x, dim);
}

// ---- logical reductions and counts ----

function logicalReduce(fn: 'all' | 'any', x: Tensor, args: unknown[]): Tensor {
  checkTensor(fn, x);
  const o = optArgs(fn, args, ['dim', 'keepdim'], { dim: null as number | number[] | null, keepdim: false });
  const dims = reduceDims(x, o.dim);
  const outDt: DType = x.dtype === 'uint8' ? 'uint8' : 'bool';
  const outShape = reducedShape(x.shape, dims, o.keepdim);
  const k = shapeNumel(dims.map((d) => x.shape[d]));
  let y: Tensor;
  if (k === 0) y = filled(outShape, fn === 'all', outDt, x.device);
  else {
    const b = x.dtype === 'bool' ? x : quiet(() => ne(x, 0));
    const r = reduceRaw(fn === 'all' ? 'min' : 'max', b, dims, o.keepdim, fn);
    if (b !== x) b.dispose();
    y = toOut(r, outDt);
  }
  traceOp(fn === 'all' ? 'All' : 'Any', [x], y, { dim: dims, keepdim: o.keepdim });
  return y;
}

/**
 * True where every element (over all or `dim`) is non-zero (bool; uint8 input gives uint8).
 *
 * @example
 * ```ts
 * x.gt(0).all(); torch.all(mask, 1);
 * ```
 */
export function all(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(all, arguments)) return viaGpu('all', all, arguments) as never;
  return logicalReduce('all', x, args);
}

/** True where any element (over all or `dim`) is non-zero. */
export function any(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(any, arguments)) return viaGpu('any', any, arguments) as never;
  return logicalReduce('any', x, args);
}

/** Number of non-zero elements (int64) over all elements or `dim`. */
export function countNonzero(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(countNonzero, arguments)) return viaGpu('countNonzero', countNonzero, arguments) as never;
  checkTensor('count_nonzero', x);
  const o = optArgs('count_nonzero', args, ['dim'], { dim: null as number | number[] | null });
  const b = ne(x, 0);
  const r = noGrad(() => sum(b, o.dim));
  b.dispose();
  return r;
}

// ---- median ----

/**
 * Median (the lower of the two middle values, like PyTorch): of all elements (0-d) or along `dim`
 * as `{ values, indices }`. A NaN in the slice gives NaN.
 *
 * @example
 * ```ts
 * x.median(); x.median(1).values; torch.median(x, { dim: 0, keepdim: true }).indices;
 * ```
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function median(x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function median(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices;
export function median(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  if (gpuArgs(median, arguments)) return viaGpu('median', median, arguments) as never;
  checkTensor('median', x);
  const o = optArgs('median', args, ['dim', 'keepdim'], { dim: null as number | null, keepdim: false });
  if (x.dtype === 'bool') throw new TypeError(`"median_cpu" not implemented for 'Bool'`);
  const cd = computeDType(x.dtype);
  if (o.dim === null) {
    if (x.numel() === 0) return filled([], NaN, isFloating(x.dtype) ? x.dtype : 'float32');
    const vals = Tensor._empty([], cd);
    const idx = Tensor._empty([], 'int64');
    const b = flatBlocks(x, cd);
    kernels.kselect(kindCode(cd), b.src._ptr(), vals._ptr(), idx._ptr(), 1, b.k, 1, (b.k - 1) >> 1);
    release(b.src, x);
    const v = toOut(vals, x.dtype);
    record('Median', [x], v, [idx], ([g], [si]) => {
      const flatPos = positions(x.numel(), 0, 1);
      return [reshape(where(eq(flatPos, si), g, 0), x.shape)];
    }, {});
    return v;
  }
  if (typeof o.dim !== 'number') throw new TypeError(`median(): argument 'dim' must be int, but got ${typeof o.dim}`);
  const d = normDim(o.dim, x.ndim);
  const dims = x.ndim === 0 ? [] : [d];
  const outShape = reducedShape(x.shape, dims, o.keepdim);
  const k = x.ndim === 0 ? 1 : x.shape[d];
  if (k === 0 && shapeNumel(outShape) > 0) throw new RangeError(`median(): Expected reduction dim ${d} to have non-zero size.`);
  const vals = Tensor._empty(outShape, cd);
  const idx = Tensor._empty(outShape, 'int64');
  if (vals.numel() > 0) {
    const b = reduceBlocks(x, dims, cd);
    kernels.kselect(kindCode(cd), b.src._ptr(), vals._ptr(), idx._ptr(), b.outer, b.k, b.inner, (b.k - 1) >> 1);
    release(b.src, x);
  }
  const v = toOut(vals, x.dtype);
  record('MedianDim', [x], [v, idx], [idx], ([g], [si]) => [selectBackward(g, si, x.shape, d, o.keepdim)], { dim: d, keepdim: o.keepdim });
  return valuesIndices(v, idx);
}

/**
 * Most frequent value along `dim` (default -1; the smallest among ties) and the index of its last
 * occurrence, as `{ values, indices }`.
 *
 * @example
 * ```ts
 * torch.mode(torch.tensor([3, 1, 3, 1, 2])); // values 1, indices 3
 * ```
 */
export function mode(x: Tensor, ...args: unknown[]): ValuesIndices {
  if (gpuArgs(mode, arguments)) return viaGpu('mode', mode, arguments) as never;
  checkTensor('mode', x);
  const o = optArgs('mode', args, ['dim', 'keepdim'], { dim: -1 as number, keepdim: false });
  if (typeof o.dim !== 'number') throw new TypeError(`mode(): argument 'dim' must be int, but got ${typeof o.dim}`);
  if (x.dtype === 'bool') throw new TypeError(`"mode_cpu" not implemented for 'Bool'`);
  const d = normDim(o.dim, x.ndim);
  const dims = x.ndim === 0 ? [] : [d];
  const outShape = reducedShape(x.shape, dims, o.keepdim);
  if (x.ndim > 0 && x.shape[d] === 0 && shapeNumel(outShape) > 0) throw new RangeError(`mode(): Expected reduction dim ${d} to have non-zero size.`);
  const cd = computeDType(x.dtype);
  const vals = Tensor._empty(outShape, cd);
  const idx = Tensor._empty(outShape, 'int64');
  if (vals.numel() > 0) {
    const b = reduceBlocks(x, dims, cd);
    kernels.mode(kindCode(cd), b.src._ptr(), vals._ptr(), idx._ptr(), b.outer, b.k, b.inner);
    release(b.src, x);
  }
  const v = toOut(vals, x.dtype);
  record('Mode', [x], [v, idx], [idx], ([g], [si]) => [selectBackward(g, si, x.shape, d, o.keepdim)], { dim: d, keepdim: o.keepdim });
  return valuesIndices(v, idx);
}

// ---- NaN-ignoring reductions ----

/** Sum treating NaN as zero (same arguments as sum). */
export function nansum(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(nansum, arguments)) return viaGpu('nansum', nansum, arguments) as never;
  checkTensor('nansum', x);
  if (!isFloating(x.dtype)) return sum(x, ...args);
  return sum(where(isnan(x), 0, x), ...args);
}

/** Mean over the non-NaN elements (floating dtypes only). */
export function nanmean(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(nanmean, arguments)) return viaGpu('nanmean', nanmean, arguments) as never;
  checkTensor('nanmean', x);
  const o = reduceArgs('nanmean', args);
  const dt = o.dtype ?? x.dtype;
  if (!isFloating(dt)) throw new TypeError(`nanmean(): expected input to have floating point dtype but got ${dtypeName(x.dtype)}`);
  const xin = x.dtype === dt ? x : x.to(dt);
  const keep = logicalNot(isnan(xin));
  const cnt = noGrad(() => sum(keep, o.dim, o.keepdim));
  return div(sum(where(keep, xin, 0), o.dim, o.keepdim), cnt.to(dt));
}

// ---- methods ----

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(...args: unknown[]): Tensor;
    mean(...args: unknown[]): Tensor;
    prod(...args: unknown[]): Tensor;
    amax(...args: unknown[]): Tensor;
    amin(...args: unknown[]): Tensor;
    max(): Tensor;
    max(other: Tensor): Tensor;
    max(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
    max(opts: { dim: number; keepdim?: boolean }): ValuesIndices;
    min(): Tensor;
    min(other: Tensor): Tensor;
    min(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
    min(opts: { dim: number; keepdim?: boolean }): ValuesIndices;
    argmax(...args: unknown[]): Tensor;
    argmin(...args: unknown[]): Tensor;
    aminmax(opts?: { dim?: number; keepdim?: boolean }): { min: Tensor; max: Tensor };
    var(...args: unknown[]): Tensor;
    std(...args: unknown[]): Tensor;
    norm(...args: unknown[]): Tensor;
    logsumexp(...args: unknown[]): Tensor;
    cumsum(dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor;
    cumprod(dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor;
    cummax(dim: number | { dim: number }): ValuesIndices;
    cummin(dim: number | { dim: number }): ValuesIndices;
    all(...args: unknown[]): Tensor;
    any(...args: unknown[]): Tensor;
    countNonzero(...args: unknown[]): Tensor;
    median(): Tensor;
    median(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
    median(opts: { dim: number; keepdim?: boolean }): ValuesIndices;
    mode(...args: unknown[]): ValuesIndices;
    nansum(...args: unknown[]): Tensor;
    nanmean(...args: unknown[]): Tensor;
  }
}

defineMethods({
  sum(this: Tensor, ...a: unknown[]) { return sum(this, ...a); },
  mean(this: Tensor, ...a: unknown[]) { return mean(this, ...a); },
  prod(this: Tensor, ...a: unknown[]) { return prod(this, ...a); },
  amax(this: Tensor, ...a: unknown[]) { return amax(this, ...a); },
  amin(this: Tensor, ...a: unknown[]) { return amin(this, ...a); },
  max(this: Tensor, ...a: unknown[]) { return max(this, ...a); },
  min(this: Tensor, ...a: unknown[]) { return min(this, ...a); },
  argmax(this: Tensor, ...a: unknown[]) { return argmax(this, ...a); },
  argmin(this: Tensor, ...a: unknown[]) { return argmin(this, ...a); },
  aminmax(this: Tensor, ...a: unknown[]) { return aminmax(this, ...a); },
  var(this: Tensor, ...a: unknown[]) { return variance(this, ...a); },
  std(this: Tensor, ...a: unknown[]) { return std(this, ...a); },
  norm(this: Tensor, ...a: unknown[]) { return norm(this, ...a); },
  logsumexp(this: Tensor, ...a: unknown[]) { return logsumexp(this, ...a); },
  cumsum(this: Tensor, d: number | { dim: number }, ...a: unknown[]) { return cumsum(this, d, ...a); },
  cumprod(this: Tensor, d: number | { dim: number }, ...a: unknown[]) { return cumprod(this, d, ...a); },
  cummax(this: Tensor, d: number | { dim: number }) { return cummax(this, d); },
  cummin(this: Tensor, d: number | { dim: number }) { return cummin(this, d); },
  all(this: Tensor, ...a: unknown[]) { return all(this, ...a); },
  any(this: Tensor, ...a: unknown[]) { return any(this, ...a); },
  countNonzero(this: Tensor, ...a: unknown[]) { return countNonzero(this, ...a); },
  median(this: Tensor, ...a: unknown[]) { return median(this, ...a); },
  mode(this: Tensor, ...a: unknown[]) { return mode(this, ...a); },
  nansum(this: Tensor, ...a: unknown[]) { return nansum(this, ...a); },
  nanmean(this: Tensor, ...a: unknown[]) { return nanmean(this, ...a); },
});

export { isOptions };
