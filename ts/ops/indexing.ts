/**
 * Indexing: PyTorch's __getitem__ as `x.index(...)` (integers, `torch.slice`/':'-strings, null for a
 * new axis, '...', integer index tensors with advanced-indexing broadcasting, boolean masks) and
 * __setitem__ as `x.setIndex([...], value)`; indexPut/indexPut_, indexSelect, gather, scatter
 * (+ add / reduce), indexAdd/indexCopy/indexFill, maskedFill/maskedSelect/maskedScatter, take,
 * takeAlongDim, put, nonzero/argwhere, embedding and oneHot, with their gradients. Basic indices
 * make views; advanced ones copy through the gather/scatter kernels of core-wasm/gather.ts. Every
 * index is bounds-checked (index_check) before a kernel writes anything.
 */
import { kernels, requireKernels, writeMeta } from '../backend/wasm.js';
import { outputIndex, record } from '../autograd/node.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { DTYPE_CODE, ITEMSIZE, isFloating, type DType } from '../tensor/dtype.js';
import { Tensor, coalesce, contiguousStrides, normDim, shapeNumel } from '../tensor/tensor.js';
import { defineMethods } from '../tensor/methods.js';
import { broadcastShapes, broadcastStrides, optArgs } from './args.js';
import { copyInto, scalarOperand } from './launch.js';
import { filled, fromValues, tensor } from './creation.js';
import { add, div, eq, floorDivide, gt, mul, ne, sqrt, where, assignInPlace, type Scalar } from './pointwise.js';
import { sum, sumToShape } from './reduce.js';
import { expand, reshape, select, sliceDim, unsqueeze, contiguous, toDType } from './shape.js';
import { gpuArgs, knownCpu, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuGatherDim, gpuScatterAddDim } from '../backend/webgpu/indexing.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    index_check(idx: number, nd: number, meta: number, lo: bigint, hi: bigint): number;
    index_offsets(idx: number, nd: number, meta: number, size: bigint, stride: bigint, out: number, accumulate: number): number;
    gather_rows(es: number, src: number, offs: number, nI: number, out: number, nd: number, meta: number, srcNumel: bigint): void;
    scatter_rows(dt: number, mode: number, dst: number, offs: number, nI: number, src: number, srcRowStride: number, nd: number, meta: number, dstNumel: bigint): void;
    gather_dim(es: number, src: number, idx: number, out: number, nd: number, meta: number, dimStride: number, dimSize: bigint): void;
    scatter_dim(dt: number, mode: number, dst: number, idx: number, src: number, nd: number, meta: number, dimStride: number, dimSize: bigint): void;
    count_nonzero_u8(src: number, n: number): number;
    nonzero_u8(src: number, nd: number, meta: number, out: number, cap: number): number;
  }
}
requireKernels('index_check', 'index_offsets', 'gather_rows', 'scatter_rows', 'gather_dim', 'scatter_dim', 'count_nonzero_u8', 'nonzero_u8');

/** Scatter combine modes of the kernels. */
const MODE = { copy: 0, add: 1, multiply: 2, amax: 3, amin: 4 } as const;
type Mode = keyof typeof MODE;

// ---------------------------------------------------------------------------------------------
// slices and index arguments

/**
 * A slice `start:stop:step` for `x.index(...)` (Python's `slice`). `torch.slice(3)` is `:3`.
 *
 * @example
 * ```ts
 * x.index(torch.slice(1, null, 2));   // x[1::2]
 * ```
 */
export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {
    for (const v of [start, stop, step]) {
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) throw new TypeError(`slice indices must be integers or null, but got ${String(v)}`);
    }
  }

  toString(): string {
    return `slice(${this.start}, ${this.stop}, ${this.step})`;
  }
}

/**
 * Makes a slice: `slice(stop)` or `slice(start, stop, step?)` (null/undefined for omitted parts).
 *
 * @example
 * ```ts
 * x.index(torch.slice(2), 0);            // x[:2, 0]
 * ```
 */
export function slice(startOrStop?: number | null, stop?: number | null, step?: number | null): Slice {
  if (gpuArgs(slice, arguments)) return viaGpu('slice', slice, arguments) as never;
  if (stop === undefined && step === undefined) return new Slice(null, startOrStop ?? null, null);
  return new Slice(startOrStop ?? null, stop ?? null, step ?? null);
}

/** An argument of `x.index(...)` / `x.setIndex([...], v)`. */
export type IndexArg = number | string | Slice | null | boolean | Tensor | unknown[];

const SLICE_RE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

function parseSliceString(s: string): Slice | 'ellipsis' {
  if (s === '...' || s === '…') return 'ellipsis';
  const m = SLICE_RE.exec(s);
  if (!m) throw new TypeError(`index(): could not parse the index string '${s}' (expected '...', ':' or 'start:stop:step' with integers)`);
  const num = (v: string | undefined): number | null => (v === undefined ? null : Number(v));
  return new Slice(num(m[1]), num(m[2]), num(m[3]));
}

function badIndexType(v: unknown): TypeError {
  const what = v === undefined ? 'undefined' : typeof v === 'number' ? 'float' : v instanceof Tensor ? `a ${v.dtype} tensor` : typeof v;
  return new TypeError(`only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${what})`);
}

/** JS arrays used as indices become tensors: booleans make a mask, integers an int64 index. */
function arrayIndex(a: unknown[]): Tensor {
  const flat = (a as unknown[]).flat(Infinity as 1);
  if (flat.length === 0) return fromValues([], [0], 'int64');
  if (flat.every((v) => typeof v === 'boolean')) return tensor(a as boolean[], { dtype: 'bool' });
  if (flat.every((v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint')) return tensor(a as number[], { dtype: 'int64' });
  throw new TypeError('index(): a JS array index must hold only integers or only booleans');
}

const isMask = (t: Tensor): boolean => t.dtype === 'bool' || t.dtype === 'uint8';

function asIndexTensor(fn: string, t: Tensor): Tensor {
  if (t.dtype === 'int64') return t;
  if (t.dtype === 'int32' || t.dtype === 'int8') return t._copyTo('int64');
  throw new TypeError(`${fn}: tensors used as indices must be long, int, byte or bool tensors (got ${t.dtype})`);
}

interface Parsed {
  /** The tensor after basic indexing (a view). */
  view: Tensor;
  /** int64 index tensors aligned with view's dims (null = not indexed), or empty when none. */
  adv: (Tensor | null)[];
}

/** Applies basic indices as views and collects advanced ones (PyTorch's applySlicing). */
function parseIndex(x: Tensor, args: readonly unknown[]): Parsed {
  x._check();
  const items = args.map((a) => {
    if (typeof a === 'string') return parseSliceString(a);
    if (Array.isArray(a)) return arrayIndex(a);
    if (a instanceof Tensor && a.ndim === 0 && a.dtype === 'bool') return a.item() as boolean;
    return a;
  });
  let consumed = 0;
  let ellipses = 0;
  for (const it of items) {
    if (it === 'ellipsis') ellipses++;
    else if (it === null || typeof it === 'boolean') continue;
    else if (typeof it === 'number' || it instanceof Slice) consumed++;
    else if (it instanceof Tensor) consumed += isMask(it) ? it.ndim : 1;
    else throw badIndexType(it);
  }
  if (ellipses > 1) throw new RangeError("an index can only have a single ellipsis ('...')");
  if (consumed > x.ndim) throw new RangeError(`too many indices for tensor of dimension ${x.ndim}`);
  let y = x;
  let d = 0;
  const adv: (Tensor | null)[] = [];
  let anyAdv = false;
  for (const it of items) {
    if (it === 'ellipsis') {
      const n = x.ndim - consumed;
      for (let k = 0; k < n; k++) adv.push(null);
      d += n;
    } else if (it === null) {
      y = unsqueeze(y, d);
      adv.push(null);
      d++;
    } else if (typeof it === 'boolean') {
      y = unsqueeze(y, d);
      adv.push(it ? fromValues([0], [1], 'int64') : fromValues([], [0], 'int64'));
      anyAdv = true;
      d++;
    } else if (typeof it === 'number') {
      if (!Number.isInteger(it)) throw badIndexType(it);
      y = select(y, d, it);
    } else if (it instanceof Slice) {
      const n = y.shape[d];
      const step = it.step ?? 1;
      if (step <= 0) throw new RangeError('step must be greater than zero');
      let start = it.start ?? 0;
      let stop = it.stop ?? n;
      if (start < 0) start += n;
      if (stop < 0) stop += n;
      start = Math.min(Math.max(start, 0), n);
      stop = Math.min(Math.max(stop, start), n);
      y = sliceDim(y, d, start, stop, step);
      adv.push(null);
      d++;
    } else if (it instanceof Tensor) {
      anyAdv = true;
      if (isMask(it)) {
        for (let k = 0; k < it.ndim; k++) {
          if (it.shape[k] !== y.shape[d + k]) {
            throw new RangeError(`The shape of the mask [${it.shape.join(', ')}] at index ${k} does not match the shape of the indexed tensor [${y.shape.join(', ')}] at index ${d + k}`);
          }
        }
        const nz = nonzeroRaw(it);
        for (let k = 0; k < it.ndim; k++) adv.push(select(nz, 1, k));
        d += it.ndim;
      } else {
        adv.push(asIndexTensor('index', it));
        d++;
      }
    }
  }
  while (adv.length < y.ndim) adv.push(null);
  return { view: y, adv: anyAdv ? adv : [] };
}

// ---------------------------------------------------------------------------------------------
// advanced-indexing plan and kernels

interface Plan {
  dims: number[];
  idx: Tensor[];
  /** broadcast shape of the index tensors */
  B: number[];
  restDims: number[];
  /** where the broadcast dims go in the result */
  pos: number;
  finalShape: number[];
  /** final dim i = canonical dim toCanon[i]; canonical order is [B..., rest...] */
  toCanon: number[];
}

function makePlan(shape: readonly number[], adv: readonly (Tensor | null)[]): Plan {
  const dims: number[] = [];
  const idx: Tensor[] = [];
  adv.forEach((t, i) => {
    if (t) {
      dims.push(i);
      idx.push(t);
    }
  });
  let B: number[] = idx[0].shape.slice();
  for (let k = 1; k < idx.length; k++) {
    try {
      B = broadcastShapes(B, idx[k].shape);
    } catch {
      throw new RangeError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${idx.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
    }
  }
  const restDims = shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const adjacent = dims.every((v, k) => k === 0 || v === dims[k - 1] + 1);
  const pos = adjacent ? dims[0] : 0;
  const nb = B.length;
  const restShape = restDims.map((i) => shape[i]);
  const finalShape = [...restShape.slice(0, pos), ...B, ...restShape.slice(pos)];
  const toCanon = finalShape.map((_, i) => (i < pos ? nb + i : i < pos + nb ? i - pos : i));
  return { dims, idx, B, restDims, pos, finalShape, toCanon };
}

/** Throws PyTorch's message for the first index of t (broadcast to B) outside [lo, hi). */
function checkRange(t: Tensor, B: readonly number[], lo: number, hi: number, msg: (v: string) => string): void {
  if (shapeNumel(B) === 0) return;
  if (t.device === 'webgpu') {
    // WebGPU values are read asynchronously: checked when known on the CPU; otherwise the GPU
    // kernels skip out-of-range indices and CPU kernels make the op fall back (checked there)
    const known = knownCpu(t);
    if (!known) return;
    try {
      checkRange(known, B, lo, hi, msg);
    } finally {
      known.dispose();
    }
    return;
  }
  const meta = writeMeta(B.slice(), broadcastStrides(t.shape, t._strides, B));
  const bad = kernels.index_check(t._ptr(), B.length, meta, BigInt(lo), BigInt(hi));
  if (bad >= 0) {
    const vals = noGrad(() => contiguous(expand(t, B.slice())));
    const v = String((vals.dataSync() as BigInt64Array)[bad]);
    if (vals !== t) vals.dispose();
    throw new RangeError(msg(v));
  }
}

/** Element offsets (int64, shape B) of the indexed positions for a tensor with these strides. */
function linearOffsets(p: Plan, shape: readonly number[], strides: readonly number[]): Tensor {
  const offs = Tensor._empty(p.B, 'int64');
  if (offs.numel() === 0) return offs;
  p.idx.forEach((t, k) => {
    const size = shape[p.dims[k]];
    checkRange(t, p.B, -size, size, (v) => `index ${v} is out of bounds for dimension ${k} with size ${size}`);
    const meta = writeMeta(p.B, broadcastStrides(t.shape, t._strides, p.B));
    kernels.index_offsets(t._ptr(), p.B.length, meta, BigInt(size), BigInt(strides[p.dims[k]]), offs._ptr(), k > 0 ? 1 : 0);
  });
  return offs;
}

/** One past the largest element offset reachable through the indexed dims. */
function offsetBound(p: Plan, shape: readonly number[], strides: readonly number[]): bigint {
  let b = 1;
  for (const d of p.dims) b += Math.max(shape[d] - 1, 0) * Math.abs(strides[d]);
  return BigInt(b);
}

/** Raw gather in the final (PyTorch) layout; no autograd. */
function gatherRaw(y: Tensor, p: Plan): Tensor {
  const offs = linearOffsets(p, y.shape, y._strides);
  const restShape = p.restDims.map((i) => y.shape[i]);
  const canon = Tensor._empty([...p.B, ...restShape], y.dtype);
  if (canon.numel() > 0) {
    const [cs, [st]] = coalesce(restShape, [p.restDims.map((i) => y._strides[i])]);
    const meta = writeMeta(cs, st);
    kernels.gather_rows(ITEMSIZE[y.dtype], y._ptr(), offs._ptr(), shapeNumel(p.B), canon._ptr(), cs.length, meta, offsetBound(p, y.shape, y._strides));
  }
  offs.dispose();
  if (p.toCanon.every((c, i) => c === i)) return canon;
  const r = canon._view(p.toCanon.map((c) => canon.shape[c]), p.toCanon.map((c) => canon._strides[c]), 0);
  const out = r._copyTo(r.dtype);
  r.dispose();
  canon.dispose();
  return out;
}

/** Values (any dtype, broadcastable to the final shape) as a contiguous canonical-order tensor of dtype d. */
function canonicalValues(values: Tensor, p: Plan, d: DType): Tensor {
  let vshape: number[];
  try {
    vshape = broadcastShapes(values.shape, p.finalShape);
  } catch {
    vshape = [];
  }
  if (vshape.length !== p.finalShape.length || vshape.some((v, i) => v !== p.finalShape[i])) {
    throw new RangeError(`shape mismatch: value tensor of shape [${values.shape.join(', ')}] cannot be broadcast to indexing result of shape [${p.finalShape.join(', ')}]`);
  }
  const st = broadcastStrides(values.shape, values._strides, p.finalShape);
  const inv = new Array<number>(p.toCanon.length);
  p.toCanon.forEach((c, i) => (inv[c] = i));
  const view = values._view(inv.map((i) => p.finalShape[i]), inv.map((i) => st[i]), values._offset);
  const c = view._copyTo(d);
  view.dispose();
  return c;
}

/** Writes values into dst (in place, dst may be a strided view) at the planned positions. */
function scatterInto(dst: Tensor, p: Plan, values: Tensor, mode: Mode): void {
  if (dst.dtype === 'float16') {
    const tmp = dst._copyTo('float32');
    scatterInto(tmp, p, values, mode);
    copyInto(dst, tmp);
    tmp.dispose();
    return;
  }
  const offs = linearOffsets(p, dst.shape, dst._strides);
  const vals = canonicalValues(values, p, dst.dtype);
  const restShape = p.restDims.map((i) => dst.shape[i]);
  if (vals.numel() > 0) {
    const [cs, [sd, ss]] = coalesce(restShape, [p.restDims.map((i) => dst._strides[i]), contiguousStrides(restShape)]);
    const meta = writeMeta(cs, sd, ss);
    kernels.scatter_rows(DTYPE_CODE[dst.dtype], MODE[mode], dst._ptr(), offs._ptr(), shapeNumel(p.B), vals._ptr(), shapeNumel(restShape), cs.length, meta, offsetBound(p, dst.shape, dst._strides));
  }
  vals.dispose();
  offs.dispose();
  dst._version++;
}

/** @internal Differentiable advanced gather x[adv] (adv aligned with x's dims). */
export function advancedIndex(x: Tensor, adv: readonly (Tensor | null)[]): Tensor {
  if (gpuArgs(advancedIndex, arguments)) return viaGpu('advancedIndex', advancedIndex, arguments) as never;
  const p = makePlan(x.shape, adv);
  const out = gatherRaw(x, p);
  record('Index', [x], out, [], ([g]) => [indexPutRaw(filled(x.shape, 0, g.dtype, g.device), adv, g, true)]);
  return out;
}

/** @internal Differentiable out-of-place index_put (adv aligned with x's dims). */
function indexPutRaw(x: Tensor, adv: readonly (Tensor | null)[], values: Tensor, accumulate: boolean): Tensor {
  const p = makePlan(x.shape, adv);
  const r = x._copyTo(x.dtype);
  scatterInto(r, p, values, accumulate ? 'add' : 'copy');
  record('IndexPut', [x, values], r, [], ([g], _s, needs) => [
    needs[0] ? (accumulate ? g : indexPutRaw(g, adv, scalarOperand(0, g.dtype), false)) : null,
    needs[1] ? sumToShape(advancedIndex(g, adv), values.shape) : null,
  ]);
  return r;
}

function valueTensor(fn: string, v: unknown, d: DType): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return scalarOperand(v, d);
  if (Array.isArray(v)) return tensor(v as number[], { dtype: d });
  throw new TypeError(`${fn}: value must be a Tensor or a number, but got ${v === null ? 'null' : typeof v}`);
}

// ---------------------------------------------------------------------------------------------
// __getitem__ / __setitem__ / index_put

/**
 * PyTorch's `x[...]`: integers, `torch.slice(...)` or ':'-strings ('1:3', '::2', '-2:'), null (new
 * axis), '...', integer index tensors or arrays (advanced indexing) and boolean masks. Basic indices
 * return a view; advanced ones a copy.
 *
 * @example
 * ```ts
 * x.index(0);                       // x[0]
 * x.index(':', torch.slice(1, 3));  // x[:, 1:3]
 * x.index('...', null);             // x[..., None]
 * x.index(torch.tensor([2, 0]));    // x[[2, 0]]
 * x.index(x.gt(0));                 // x[x > 0]
 * ```
 */
export function index(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(index, arguments)) return viaGpu('index', index, arguments) as never;
  const { view, adv } = parseIndex(x, args);
  if (adv.length === 0) return view === x ? aliasOf(x) : view;
  return advancedIndex(view, adv);
}

function aliasOf(x: Tensor): Tensor {
  if (x.ndim === 0) return reshape(x, []);
  return sliceDim(x, 0, 0, x.shape[0], 1);
}

function touchesGrad(x: Tensor, v: unknown): boolean {
  return isGradEnabled() && (x.requiresGrad || (v instanceof Tensor && v.requiresGrad));
}

/** Writes value into the parsed target of x (no autograd). */
function writeParsed(x: Tensor, args: readonly unknown[], value: Tensor): void {
  noGrad(() => {
    const { view, adv } = parseIndex(x, args);
    if (adv.length === 0) {
      let shape: number[];
      try {
        shape = broadcastShapes(value.shape, view.shape);
      } catch {
        shape = [];
      }
      if (shape.length !== view.ndim || shape.some((d, i) => d !== view.shape[i])) {
        throw new RangeError(`shape mismatch: value tensor of shape [${value.shape.join(', ')}] cannot be broadcast to indexing result of shape [${view.shape.join(', ')}]`);
      }
      copyInto(view, expand(value, view.shape));
      x._version++;
    } else {
      scatterInto(view, makePlan(view.shape, adv), value, 'copy');
      x._version++;
    }
  });
}

function setIndexFn(x: Tensor, args: readonly unknown[], value: Tensor): Tensor {
  const r = x._copyTo(x.dtype);
  writeParsed(r, args, value);
  record('SetItem', [x, value], r, [], ([g], _s, needs) => [
    needs[0] ? setIndexFn(g, args, scalarOperand(0, g.dtype)) : null,
    needs[1] ? sumToShape(index(g, ...args), value.shape) : null,
  ]);
  return r;
}

/**
 * PyTorch's `x[...] = value` (in place): the same index arguments as `x.index(...)`, given as an
 * array; value is a scalar or a tensor broadcast to the indexed shape.
 *
 * @example
 * ```ts
 * x.setIndex([0, ':'], 5);          // x[0, :] = 5
 * x.setIndex([x.lt(0)], 0);         // x[x < 0] = 0
 * ```
 */
export function setIndex(x: Tensor, indices: readonly unknown[], value: unknown): Tensor {
  if (gpuArgs(setIndex, arguments)) return viaGpu('setIndex', setIndex, arguments) as never;
  if (!Array.isArray(indices)) throw new TypeError('setIndex(): indices must be an array of index arguments, e.g. x.setIndex([0, ":"], v)');
  const v = valueTensor('setIndex()', value, x.dtype);
  if (touchesGrad(x, v)) return assignInPlace(x, setIndexFn(snapshot(x), indices, v), 'setIndex');
  writeParsed(x, indices, v);
  return x;
}

function putIndices(fn: string, x: Tensor, indices: readonly (Tensor | null | undefined)[]): (Tensor | null)[] {
  if (!Array.isArray(indices)) throw new TypeError(`${fn}: indices must be an array of tensors (or null)`);
  // boolean masks expand into their nonzero coordinates, as in PyTorch
  const adv: (Tensor | null)[] = [];
  for (const t of indices) {
    if (t === null || t === undefined) adv.push(null);
    else if (!(t instanceof Tensor)) throw new TypeError(`${fn}: indices must be tensors or null, but got ${typeof t}`);
    else if (isMask(t)) {
      const nz = nonzeroRaw(t);
      for (let k = 0; k < t.ndim; k++) adv.push(select(nz, 1, k));
    } else adv.push(asIndexTensor(fn, t));
  }
  if (adv.length > x.ndim) throw new RangeError(`too many indices for tensor of dimension ${x.ndim} (got ${adv.length})`);
  while (adv.length < x.ndim) adv.push(null);
  if (!adv.some((t) => t)) throw new RangeError(`${fn}: expected at least one index tensor`);
  return adv;
}

/**
 * Out-of-place index_put: a copy of x with x[indices] = values (or += with accumulate).
 *
 * @example
 * ```ts
 * torch.indexPut(x, [torch.tensor([0, 2])], torch.tensor(1.0), true);
 * ```
 */
export function indexPut(x: Tensor, indices: readonly (Tensor | null)[], values: Tensor | Scalar, accumulate = false): Tensor {
  if (gpuArgs(indexPut, arguments)) return viaGpu('indexPut', indexPut, arguments) as never;
  const adv = putIndices('index_put', x, indices);
  return indexPutRaw(x, adv, valueTensor('index_put', values, x.dtype), accumulate);
}

/**
 * In-place index_put_ (PyTorch's `x.index_put_(indices, values, accumulate)`).
 *
 * @example
 * ```ts
 * x.indexPut_([torch.tensor([1, 1])], torch.tensor([1.0, 2.0]), true);
 * ```
 */
export function indexPut_(x: Tensor, indices: readonly (Tensor | null)[], values: Tensor | Scalar, accumulate = false): Tensor {
  if (gpuArgs(indexPut_, arguments)) return viaGpu('indexPut_', indexPut_, arguments) as never;
  const adv = putIndices('index_put_', x, indices);
  const v = valueTensor('index_put_', values, x.dtype);
  if (touchesGrad(x, v)) return assignInPlace(x, indexPutRaw(snapshot(x), adv, v, accumulate), 'indexPut');
  scatterInto(x, makePlan(x.shape, adv), v, accumulate ? 'add' : 'copy');
  return x;
}

// ---------------------------------------------------------------------------------------------
// dim-wise: indexSelect / indexAdd / indexCopy / indexFill

function dimIndex(fn: string, x: Tensor, dim: number, idx: Tensor): [number, Tensor] {
  if (!(idx instanceof Tensor)) throw new TypeError(`${fn}(): argument 'index' must be Tensor, not ${typeof idx}`);
  const d = normDim(dim, x.ndim);
  if (idx.ndim > 1) throw new RangeError(`${fn}(): Index is supposed to be a vector`);
  if (idx.dtype !== 'int64' && idx.dtype !== 'int32') throw new TypeError(`${fn}(): Expected dtype int32/int64 for index`);
  const i64 = asIndexTensor(fn, idx);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  checkRange(i64, i64.shape, 0, size, () => 'index out of range in self');
  return [d, i64.ndim === 0 ? reshape(i64, [1]) : i64];
}

function advAt(nd: number, d: number, idx: Tensor): (Tensor | null)[] {
  const adv: (Tensor | null)[] = new Array(nd).fill(null);
  adv[d] = idx;
  return adv;
}

/**
 * Selects entries along dim at the given indices (a copy).
 *
 * @example
 * ```ts
 * torch.indexSelect(x, 1, torch.tensor([0, 2]));
 * ```
 */
export function indexSelect(x: Tensor, dim: number, idx: Tensor): Tensor {
  if (gpuArgs(indexSelect, arguments)) return viaGpu('indexSelect', indexSelect, arguments) as never;
  const [d, i] = dimIndex('index_select', x, dim, idx);
  if (x.ndim === 0) return reshape(advancedIndex(reshape(x, [1]), [i]), idx.ndim === 0 ? [] : [i.shape[0]]);
  const r = advancedIndex(x, advAt(x.ndim, d, i));
  return r;
}

function dimSource(fn: string, x: Tensor, d: number, i: Tensor, source: Tensor): void {
  const want = x.shape.slice();
  if (x.ndim) want[d] = i.shape[0];
  if (source.ndim !== x.ndim && !(x.ndim === 0 && source.numel() === i.shape[0])) {
    throw new RangeError(`${fn}(): source and self must have the same number of dimensions (source [${source.shape.join(', ')}], self [${x.shape.join(', ')}])`);
  }
  if (x.ndim && source.shape.some((s, k) => s !== want[k])) {
    throw new RangeError(`${fn}(): source of shape [${source.shape.join(', ')}] does not match the expected shape [${want.join(', ')}] (self [${x.shape.join(', ')}] with dim ${d} of size index.numel() = ${i.shape[0]})`);
  }
}

/**
 * x with source added at the given indices along dim (alpha scales source).
 *
 * @example
 * ```ts
 * torch.indexAdd(x, 0, torch.tensor([0, 0]), torch.ones(2, 3));
 * ```
 */
export function indexAdd(x: Tensor, dim: number, idx: Tensor, source: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(indexAdd, arguments)) return viaGpu('indexAdd', indexAdd, arguments) as never;
  const { alpha } = optArgs('index_add', opt, ['alpha'], { alpha: 1 as number });
  const [d, i] = dimIndex('index_add', x, dim, idx);
  dimSource('index_add', x, d, i, source);
  const src = alpha === 1 ? source : mul(source, alpha);
  if (x.ndim === 0) return reshape(indexPutRaw(reshape(x, [1]), [i], reshape(src, [-1]), true), []);
  return indexPutRaw(x, advAt(x.ndim, d, i), src, true);
}

/** x with rows along dim replaced by source at the given indices. */
export function indexCopy(x: Tensor, dim: number, idx: Tensor, source: Tensor): Tensor {
  if (gpuArgs(indexCopy, arguments)) return viaGpu('indexCopy', indexCopy, arguments) as never;
  const [d, i] = dimIndex('index_copy', x, dim, idx);
  dimSource('index_copy', x, d, i, source);
  if (x.ndim === 0) return reshape(indexPutRaw(reshape(x, [1]), [i], reshape(source, [-1]), false), []);
  return indexPutRaw(x, advAt(x.ndim, d, i), source, false);
}

/** x with the given indices along dim filled with value (a scalar or 0-d tensor). */
export function indexFill(x: Tensor, dim: number, idx: Tensor, value: Tensor | Scalar): Tensor {
  if (gpuArgs(indexFill, arguments)) return viaGpu('indexFill', indexFill, arguments) as never;
  const [d, i] = dimIndex('index_fill', x, dim, idx);
  const v = valueTensor('index_fill', value, x.dtype);
  if (v.ndim !== 0) throw new RangeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${v.ndim} dimension(s).`);
  if (x.ndim === 0) return reshape(indexPutRaw(reshape(x, [1]), [i], v, false), []);
  return indexPutRaw(x, advAt(x.ndim, d, i), v, false);
}

// ---------------------------------------------------------------------------------------------
// gather / scatter along a dim

function gatherChecks(fn: string, x: Tensor, d: number, idx: Tensor, src: Tensor | null): Tensor {
  if (!(idx instanceof Tensor)) throw new TypeError(`${fn}(): argument 'index' must be Tensor, not ${typeof idx}`);
  if (idx.dtype !== 'int64') throw new TypeError(`${fn}(): Expected dtype int64 for index`);
  if (idx.ndim !== x.ndim) throw new RangeError('Index tensor must have the same number of dimensions as input tensor');
  if (fn === 'gather') {
    for (let k = 0; k < x.ndim; k++) {
      if (k !== d && idx.shape[k] > x.shape[k]) {
        throw new RangeError(`Size does not match at dimension ${k} expected index [${idx.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${d}`);
      }
    }
  } else {
    for (let k = 0; k < x.ndim; k++) {
      if ((k !== d && idx.shape[k] > x.shape[k]) || (src && idx.shape[k] > src.shape[k])) {
        throw new RangeError(`Expected index [${idx.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${d}${src ? ` and to be smaller size than src [${src.shape.join(', ')}]` : ''}`);
      }
    }
  }
  const size = x.ndim === 0 ? 1 : x.shape[d];
  checkRange(idx, idx.shape, 0, size, (v) => `index ${v} is out of bounds for dimension ${d} with size ${size}`);
  return idx;
}

function gatherRawDim(x: Tensor, d: number, idx: Tensor): Tensor {
  if (x.device === 'webgpu') {
    const g = gpuGatherDim(x, d, idx);
    if (g) return g;
  }
  const out = Tensor._empty(idx.shape, x.dtype);
  if (out.numel() === 0) return out;
  const xs = x._strides.slice();
  const ds = x.ndim ? xs[d] : 0;
  if (x.ndim) xs[d] = 0;
  const meta = writeMeta(idx.shape, idx._strides, xs);
  kernels.gather_dim(ITEMSIZE[x.dtype], x._ptr(), idx._ptr(), out._ptr(), idx.ndim, meta, ds, BigInt(x.ndim ? x.shape[d] : 1));
  return out;
}

/**
 * Gathers values along dim: out[i][j] = x[i][index[i][j]] (for dim 1).
 *
 * @example
 * ```ts
 * torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]])); // [[1, 1], [4, 3]]
 * ```
 */
export function gather(x: Tensor, dim: number, idx: Tensor, ..._opt: unknown[]): Tensor {
  if (gpuArgs(gather, arguments)) return viaGpu('gather', gather, arguments) as never;
  const d = normDim(dim, x.ndim);
  gatherChecks('gather', x, d, idx, null);
  const out = gatherRawDim(x, d, idx);
  record('Gather', [x], out, [], ([g]) => [scatterAdd(filled(x.shape, 0, g.dtype, g.device), d, idx, g)]);
  return out;
}

function scatterRawDim(dst: Tensor, d: number, idx: Tensor, src: Tensor, mode: Mode): void {
  if (dst.dtype === 'float16') {
    const tmp = dst._copyTo('float32');
    scatterRawDim(tmp, d, idx, src, mode);
    copyInto(dst, tmp);
    tmp.dispose();
    return;
  }
  if (idx.numel() === 0) return;
  if (mode === 'add' && dst.device === 'webgpu' && gpuScatterAddDim(dst, d, idx, src)) {
    dst._version++;
    return;
  }
  const s = src.dtype === dst.dtype ? src : src._copyTo(dst.dtype);
  const ds = dst._strides.slice();
  const dstride = dst.ndim ? ds[d] : 0;
  if (dst.ndim) ds[d] = 0;
  const ss = s.ndim === 0 ? idx.shape.map(() => 0) : s._strides;
  const meta = writeMeta(idx.shape, idx._strides, ds, ss);
  kernels.scatter_dim(DTYPE_CODE[dst.dtype], MODE[mode], dst._ptr(), idx._ptr(), s._ptr(), idx.ndim, meta, dstride, BigInt(dst.ndim ? dst.shape[d] : 1));
  if (s !== src) s.dispose();
  dst._version++;
}

type ScatterOpts = {
  reduce: 'add' | 'multiply' | null;
};

function scatterImpl(fn: string, x: Tensor, dim: number, idx: Tensor, srcOrValue: Tensor | Scalar, mode: Mode): Tensor {
  const d = normDim(dim, x.ndim);
  const isT = srcOrValue instanceof Tensor;
  if (!isT && typeof srcOrValue !== 'number' && typeof srcOrValue !== 'boolean' && typeof srcOrValue !== 'bigint') {
    throw new TypeError(`${fn}(): argument 'src' must be Tensor or Number, not ${srcOrValue === null ? 'null' : typeof srcOrValue}`);
  }
  const src = isT ? (srcOrValue as Tensor) : scalarOperand(srcOrValue as Scalar, x.dtype);
  if (isT && src.ndim !== x.ndim && !(src.ndim === 0 && x.ndim === 0)) throw new RangeError('Index tensor must have the same number of dimensions as src tensor');
  if (isT && src.dtype !== x.dtype) throw new TypeError(`${fn}(): Expected self.dtype to be equal to src.dtype (got ${x.dtype} and ${src.dtype})`);
  gatherChecks(fn, x, d, idx, isT ? src : null);
  const r = x._copyTo(x.dtype);
  scatterRawDim(r, d, idx, src, mode);
  record(fn === 'scatter_add' ? 'ScatterAdd' : 'Scatter', [x, isT ? src : null], r, [], ([g], _s, needs) => {
    if (mode === 'multiply') throw new Error('the derivative for scatter with reduce="multiply" is not implemented');
    return [
      needs[0] ? (mode === 'add' ? g : scatterImpl('scatter', g, d, idx, 0, 'copy')) : null,
      needs[1] ? gather(g, d, idx) : null,
    ];
  });
  return r;
}

/**
 * Out-of-place scatter: a copy of x with x[i][index[i][j]] = src[i][j] (dim 1); src may be a scalar
 * value; `reduce: 'add' | 'multiply'` combines instead of replacing.
 *
 * @example
 * ```ts
 * torch.scatter(torch.zeros(2, 3), 1, torch.tensor([[2], [0]]), 1.5);
 * ```
 */
export function scatter(x: Tensor, dim: number, idx: Tensor, src: Tensor | Scalar, ...opt: unknown[]): Tensor {
  if (gpuArgs(scatter, arguments)) return viaGpu('scatter', scatter, arguments) as never;
  const { reduce } = optArgs<ScatterOpts>('scatter', opt, ['reduce'], { reduce: null });
  if (reduce !== null && reduce !== 'add' && reduce !== 'multiply') throw new RangeError(`reduce argument must be either add or multiply, but got ${String(reduce)}`);
  return scatterImpl('scatter', x, dim, idx, src, reduce ?? 'copy');
}

/**
 * Out-of-place scatter_add: a copy of x with src added at the indexed positions.
 *
 * @example
 * ```ts
 * torch.scatterAdd(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.ones(3)); // [2, 0, 1]
 * ```
 */
export function scatterAdd(x: Tensor, dim: number, idx: Tensor, src: Tensor): Tensor {
  if (gpuArgs(scatterAdd, arguments)) return viaGpu('scatterAdd', scatterAdd, arguments) as never;
  if (!(src instanceof Tensor)) throw new TypeError(`scatter_add(): argument 'src' must be Tensor, not ${typeof src}`);
  return scatterImpl('scatter_add', x, dim, idx, src, 'add');
}

type ReduceName = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

function identityOf(reduce: ReduceName, d: DType): Scalar {
  if (reduce === 'sum' || reduce === 'mean') return 0;
  if (reduce === 'prod') return 1;
  const big = d === 'float32' || d === 'float16' ? Infinity : d === 'int64' ? 2n ** 63n - 1n : d === 'int32' ? 2147483647 : d === 'int8' ? 127 : d === 'uint8' ? 255 : 1;
  const small = d === 'float32' || d === 'float16' ? -Infinity : d === 'int64' ? -(2n ** 63n) : d === 'int32' ? -2147483648 : d === 'int8' ? -128 : 0;
  return reduce === 'amax' ? small : big;
}

/**
 * scatter_reduce: reduces src into x at the indexed positions with 'sum', 'prod', 'mean',
 * 'amax' or 'amin'; includeSelf=false leaves x's own values out of the reduction.
 *
 * @example
 * ```ts
 * torch.scatterReduce(x, 0, idx, src, 'amax', { includeSelf: false });
 * ```
 */
export function scatterReduce(x: Tensor, dim: number, idx: Tensor, src: Tensor, reduce: ReduceName, ...opt: unknown[]): Tensor {
  if (gpuArgs(scatterReduce, arguments)) return viaGpu('scatterReduce', scatterReduce, arguments) as never;
  const { includeSelf } = optArgs('scatter_reduce', opt, ['includeSelf'], { includeSelf: true as boolean });
  if (!['sum', 'prod', 'mean', 'amax', 'amin'].includes(reduce)) throw new RangeError(`reduce argument must be either sum, prod, mean, amax or amin, got ${String(reduce)}`);
  const d = normDim(dim, x.ndim);
  if (!(src instanceof Tensor)) throw new TypeError(`scatter_reduce(): argument 'src' must be Tensor, not ${typeof src}`);
  if (src.dtype !== x.dtype) throw new TypeError(`scatter_reduce(): Expected self.dtype to be equal to src.dtype (got ${x.dtype} and ${src.dtype})`);
  gatherChecks('scatter_reduce', x, d, idx, src);
  const raw = noGrad(() => {
    const r = x._copyTo(x.dtype);
    if (!includeSelf) scatterRawDim(r, d, idx, scalarOperand(identityOf(reduce, x.dtype), x.dtype), 'copy');
    const mode: Mode = reduce === 'sum' || reduce === 'mean' ? 'add' : reduce === 'prod' ? 'multiply' : reduce;
    scatterRawDim(r, d, idx, src, mode);
    if (reduce !== 'mean') return { r, count: null as Tensor | null };
    const count = filled(x.shape, includeSelf ? 1 : 0, x.dtype);
    scatterRawDim(count, d, idx, scalarOperand(1, x.dtype), 'add');
    const c1 = where(gt(count, 0), count, scalarOperand(1, x.dtype));
    const m = isFloating(x.dtype) ? div(r, c1) : floorDivide(r, c1);
    return { r: where(gt(count, 0), m, x).to(x.dtype) as Tensor, count: c1 };
  });
  const { r, count } = raw;
  record('ScatterReduce', [x, src], r, [], ([g], _s, needs) => {
    if (reduce === 'sum') {
      return [needs[0] ? (includeSelf ? g : scatterImpl('scatter', g, d, idx, 0, 'copy')) : null, needs[1] ? gather(g, d, idx) : null];
    }
    if (reduce === 'mean') {
      const gc = div(g, count as Tensor);
      return [needs[0] ? (includeSelf ? gc : scatterImpl('scatter', g, d, idx, 0, 'copy')) : null, needs[1] ? gather(gc, d, idx) : null];
    }
    if (reduce === 'prod') {
      // d r / d x = r / x, d r / d src = r / src (inputs without zeros)
      const gr = mul(g, r);
      return [needs[0] ? (includeSelf ? div(gr, x) : scatterImpl('scatter', g, d, idx, 0, 'copy')) : null, needs[1] ? div(gather(gr, d, idx), src) : null];
    }
    // amax / amin: the gradient is shared evenly between the elements that attain the result
    const selfHit = includeSelf ? toDType(eq(x, r), g.dtype) : filled(x.shape, 0, g.dtype, g.device);
    const srcHit = toDType(eq(src, gather(r, d, idx)), g.dtype);
    const ties = scatterAdd(selfHit, d, idx, srcHit);
    const share = div(g, where(gt(ties, 0), ties, 1));
    return [
      needs[0] ? (includeSelf ? mul(share, selfHit) : scatterImpl('scatter', g, d, idx, 0, 'copy')) : null,
      needs[1] ? mul(gather(share, d, idx), srcHit) : null,
    ];
  });
  return r;
}

/**
 * An alias of x that keeps x's current autograd history: in-place ops record their node on it, so
 * that x can take the new node over without the node pointing back at x (which would lose the
 * history before the in-place write).
 */
function snapshot(x: Tensor): Tensor {
  if (!x.requiresGrad || !x.gradFn) return x;
  const s = x._view(x.shape.slice(), x._strides.slice(), x._offset);
  s.requiresGrad = true;
  s.gradFn = x.gradFn;
  outputIndex.set(s, outputIndex.get(x) ?? 0);
  return s;
}

/** In-place helper: runs the out-of-place op (on a snapshot of x) and writes the result into x. */
function inPlace(x: Tensor, name: string, out: (src: Tensor) => Tensor): Tensor {
  const y = out(snapshot(x));
  if (isGradEnabled() && y.requiresGrad) return assignInPlace(x, y, name);
  copyInto(x, y);
  y.dispose();
  return x;
}

// ---------------------------------------------------------------------------------------------
// masks, take, put, nonzero

/** @internal int64 [n, ndim] coordinates of the nonzero elements (no autograd). */
export function nonzeroRaw(x: Tensor): Tensor {
  if (gpuArgs(nonzeroRaw, arguments)) return viaGpu('nonzeroRaw', nonzeroRaw, arguments) as never;
  const b = x._copyTo('bool');
  const n = b.numel();
  const c = n === 0 ? 0 : kernels.count_nonzero_u8(b._ptr(), n);
  const out = Tensor._empty([c, x.ndim], 'int64');
  if (c > 0) {
    const meta = writeMeta(x.shape);
    kernels.nonzero_u8(b._ptr(), x.ndim, meta, out._ptr(), c);
  }
  b.dispose();
  return out;
}

/**
 * Coordinates of the nonzero elements: int64 [n, ndim], or one 1-d tensor per dim with asTuple.
 *
 * @example
 * ```ts
 * torch.nonzero(torch.tensor([0, 3, 0, 4]));              // [[1], [3]]
 * torch.nonzero(x, { asTuple: true });                     // [rows, cols]
 * ```
 */
export function nonzero(x: Tensor, ...opt: unknown[]): Tensor | Tensor[] {
  if (gpuArgs(nonzero, arguments)) return viaGpu('nonzero', nonzero, arguments) as never;
  const { asTuple } = optArgs('nonzero', opt, ['asTuple'], { asTuple: false as boolean });
  const nz = nonzeroRaw(x);
  if (!asTuple) return nz;
  if (x.ndim === 0) {
    const n = nz.shape[0];
    nz.dispose();
    return [filled([n], 0, 'int64')];
  }
  const r = x.shape.map((_, k) => contiguous(select(nz, 1, k)));
  nz.dispose();
  return r;
}

/** Coordinates of the nonzero elements as int64 [n, ndim] (torch.argwhere). */
export function argwhere(x: Tensor): Tensor {
  if (gpuArgs(argwhere, arguments)) return viaGpu('argwhere', argwhere, arguments) as never;
  return nonzeroRaw(x);
}

/** torch.where(condition) with one argument: nonzero(condition, asTuple=true). */
export function whereNonzero(cond: Tensor): Tensor[] {
  if (gpuArgs(whereNonzero, arguments)) return viaGpu('whereNonzero', whereNonzero, arguments) as never;
  return nonzero(cond, { asTuple: true }) as Tensor[];
}

/**
 * x with value written where mask is true (mask broadcasts to x; value is a scalar or 0-d tensor).
 *
 * @example
 * ```ts
 * x.maskedFill(x.lt(0), 0);
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  if (gpuArgs(maskedFill, arguments)) return viaGpu('maskedFill', maskedFill, arguments) as never;
  if (!(mask instanceof Tensor)) throw new TypeError(`masked_fill(): argument 'mask' must be Tensor, not ${typeof mask}`);
  if (mask.dtype !== 'bool') throw new TypeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  const shape = broadcastShapes(x.shape, mask.shape);
  if (shape.length !== x.ndim || shape.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(`The size of tensor a (${x.shape[x.ndim - 1] ?? 1}) must match the size of tensor b (${mask.shape[mask.ndim - 1] ?? 1}) at non-singleton dimension ${Math.max(x.ndim, mask.ndim) - 1}: masked_fill's mask of shape [${mask.shape.join(', ')}] must broadcast to self of shape [${x.shape.join(', ')}]`);
  }
  let v: Tensor;
  if (value instanceof Tensor) {
    if (value.ndim !== 0) throw new RangeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
    v = value.dtype === x.dtype ? value : toDType(value, x.dtype);
  } else v = scalarOperand(value, x.dtype);
  return where(mask, v, x);
}

/**
 * The elements of x where mask is true, as a 1-d tensor (x and mask broadcast together).
 *
 * @example
 * ```ts
 * torch.maskedSelect(x, x.gt(0));
 * ```
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (gpuArgs(maskedSelect, arguments)) return viaGpu('maskedSelect', maskedSelect, arguments) as never;
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new TypeError(`masked_select: expected BoolTensor for mask (got ${mask instanceof Tensor ? mask.dtype : typeof mask})`);
  const shape = broadcastShapes(x.shape, mask.shape);
  const xe = expand(x, shape);
  const me = expand(mask, shape);
  if (shape.length === 0) return advancedIndex(reshape(xe, [1]), [select(nonzeroRaw(reshape(me, [1])), 1, 0)]);
  const nz = nonzeroRaw(me);
  return advancedIndex(xe, shape.map((_, k) => select(nz, 1, k)));
}

/**
 * x with the masked positions filled, in order, from the elements of source.
 *
 * @example
 * ```ts
 * torch.maskedScatter(torch.zeros(3), torch.tensor([true, false, true]), torch.tensor([1., 2.]));
 * ```
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  if (gpuArgs(maskedScatter, arguments)) return viaGpu('maskedScatter', maskedScatter, arguments) as never;
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new TypeError(`masked_scatter_ only supports boolean masks, but got mask with dtype ${mask instanceof Tensor ? mask.dtype : typeof mask}`);
  const me = expand(mask, x.shape);
  const nz = nonzeroRaw(me);
  const n = nz.shape[0];
  if (source.numel() < n) throw new RangeError(`masked_scatter: expected source to have at least ${n} elements (the number of true mask entries), but got ${source.numel()}`);
  const vals = sliceDim(reshape(source, [-1]), 0, 0, n, 1);
  if (x.ndim === 0) return reshape(indexPutRaw(reshape(x, [1]), [select(nz, 1, 0)], vals, false), []);
  return indexPutRaw(x, x.shape.map((_, k) => select(nz, 1, k)), vals, false);
}

/**
 * Elements of x (as if flattened) at the given indices; the result has index's shape.
 *
 * @example
 * ```ts
 * torch.take(torch.tensor([[4, 3], [5, 7]]), torch.tensor([0, 3]));  // [4, 7]
 * ```
 */
export function take(x: Tensor, idx: Tensor): Tensor {
  if (gpuArgs(take, arguments)) return viaGpu('take', take, arguments) as never;
  if (!(idx instanceof Tensor)) throw new TypeError(`take(): argument 'index' must be Tensor, not ${typeof idx}`);
  if (idx.dtype !== 'int64') throw new TypeError(`take(): Expected a long tensor for index, but got ${idx.dtype}`);
  const n = x.numel();
  checkRange(idx, idx.shape, -n, n, (v) => `out of range: tried to access index ${v} on a tensor of ${n} elements.`);
  return advancedIndex(reshape(x, [n]), [idx]);
}

/**
 * Gathers along dim with index broadcast against x (torch.take_along_dim); dim=null flattens both.
 *
 * @example
 * ```ts
 * torch.takeAlongDim(x, x.argsort(1), 1);   // x sorted along dim 1
 * ```
 */
export function takeAlongDim(x: Tensor, idx: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(takeAlongDim, arguments)) return viaGpu('takeAlongDim', takeAlongDim, arguments) as never;
  const { dim } = optArgs('take_along_dim', opt, ['dim'], { dim: null as number | null });
  if (!(idx instanceof Tensor) || idx.dtype !== 'int64') throw new TypeError('torch.take_along_dim(): dtype of indices should be Long but got ' + (idx instanceof Tensor ? idx.dtype : typeof idx));
  if (dim === null) return gather(reshape(x, [-1]), 0, reshape(idx, [-1]));
  const d = normDim(dim, x.ndim);
  if (x.ndim !== idx.ndim) throw new RangeError(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${idx.ndim} dimensions for indices`);
  const xs = x.shape.slice();
  const is = idx.shape.slice();
  xs[d] = 1;
  is[d] = 1;
  const b = broadcastShapes(xs, is);
  const xb = b.slice();
  xb[d] = x.shape[d];
  const ib = b.slice();
  ib[d] = idx.shape[d];
  return gather(expand(x, xb), d, expand(idx, ib));
}

/**
 * Writes source into x (as if flattened) at the given indices (out-of-place; accumulate adds).
 *
 * @example
 * ```ts
 * torch.put(torch.zeros(2, 2), torch.tensor([0, 3]), torch.tensor([1., 2.]));
 * ```
 */
export function put(x: Tensor, idx: Tensor, source: Tensor, accumulate = false): Tensor {
  if (gpuArgs(put, arguments)) return viaGpu('put', put, arguments) as never;
  if (!(idx instanceof Tensor) || idx.dtype !== 'int64') throw new TypeError(`put(): Expected a long tensor for index, but got ${idx instanceof Tensor ? idx.dtype : typeof idx}`);
  if (source.numel() !== idx.numel()) throw new RangeError(`put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${idx.numel()}`);
  const n = x.numel();
  checkRange(idx, idx.shape, -n, n, (v) => `out of range: tried to access index ${v} on a tensor of ${n} elements.`);
  return reshape(indexPutRaw(reshape(x, [n]), [reshape(idx, [-1])], reshape(source, [-1]), accumulate), x.shape);
}

// ---------------------------------------------------------------------------------------------
// embedding / one_hot

/**
 * Looks rows of `weight` up by the integer `input` (F.embedding). paddingIdx rows get no gradient;
 * maxNorm renormalises the looked-up rows of weight in place, as PyTorch does.
 *
 * @example
 * ```ts
 * const e = torch.embedding(torch.tensor([[0, 2]]), torch.randn(10, 3)); // [1, 2, 3]
 * ```
 */
export function embedding(input: Tensor, weight: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(embedding, arguments)) return viaGpu('embedding', embedding, arguments) as never;
  const o = optArgs('embedding', opt, ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse'], {
    paddingIdx: null as number | null,
    maxNorm: null as number | null,
    normType: 2 as number,
    scaleGradByFreq: false as boolean,
    sparse: false as boolean,
  });
  if (!(input instanceof Tensor) || (input.dtype !== 'int64' && input.dtype !== 'int32')) {
    throw new TypeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${input instanceof Tensor ? input.dtype : typeof input} instead (while checking arguments for embedding)`);
  }
  if (weight.ndim !== 2) throw new RangeError(`'weight' must be 2-D (got ${weight.ndim}-D)`);
  const num = weight.shape[0];
  let pad = o.paddingIdx;
  if (pad !== null) {
    if (pad >= num || pad < -num) throw new RangeError('Padding_idx must be within num_embeddings');
    if (pad < 0) pad += num;
  }
  const flat = asIndexTensor('embedding', reshape(input, [-1]));
  checkRange(flat, flat.shape, 0, num, () => 'index out of range in self');
  if (o.maxNorm !== null) renormRows(weight, flat, o.maxNorm, o.normType);
  const rows = gatherRaw(weight, makePlan(weight.shape, [flat, null]));
  const padIdx = pad;
  record('Embedding', [weight], rows, [], ([g]) => {
    let gg = g;
    if (padIdx !== null) gg = mul(g, unsqueeze(ne(flat, padIdx), 1));
    if (o.scaleGradByFreq) {
      const counts = indexPutRaw(filled([num], 0, g.dtype), [flat], scalarOperand(1, g.dtype), true);
      gg = div(gg, unsqueeze(advancedIndex(counts, [flat]), 1));
    }
    return [indexPutRaw(filled(weight.shape, 0, g.dtype), [flat, null], gg, true)];
  }, { indices: flat });
  return reshape(rows, [...input.shape, weight.shape[1]]);
}

function renormRows(weight: Tensor, flat: Tensor, maxNorm: number, normType: number): void {
  noGrad(() => {
    const rows = gatherRaw(weight, makePlan(weight.shape, [flat, null]));
    const a = rows.abs();
    const norms = normType === 2 ? sqrt(sum(mul(a, a), 1, true)) : sum(a.pow(normType), 1, true).pow(1 / normType);
    const scale = where(gt(norms, maxNorm), div(maxNorm, add(norms, 1e-7)), 1);
    const scaled = mul(rows, scale).to(weight.dtype) as Tensor;
    scatterInto(weight, makePlan(weight.shape, [flat, null]), scaled, 'copy');
  });
}

/**
 * One-hot encoding of an int64 tensor: shape [..., numClasses] (numClasses=-1 infers max+1).
 *
 * @example
 * ```ts
 * torch.oneHot(torch.tensor([0, 2]), 3); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(t: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(oneHot, arguments)) return viaGpu('oneHot', oneHot, arguments) as never;
  const { numClasses } = optArgs('one_hot', opt, ['numClasses'], { numClasses: -1 as number });
  if (!(t instanceof Tensor) || t.dtype !== 'int64') throw new TypeError('one_hot is only applicable to index tensor.');
  const vals = t.dataSync() as BigInt64Array;
  let mx = -1;
  let mn = 0;
  for (const v of vals) {
    const n = Number(v);
    if (n > mx) mx = n;
    if (n < mn) mn = n;
  }
  let c = numClasses;
  if (c === -1) {
    if (t.numel() === 0) throw new RangeError('Can not infer total number of classes from empty tensor.');
    c = mx + 1;
  }
  if (mn < 0) throw new RangeError('Class values must be non-negative.');
  if (mx >= c) throw new RangeError('Class values must be smaller than num_classes.');
  const out = filled([...t.shape, c], 0, 'int64');
  const idx = unsqueeze(t, t.ndim);
  scatterRawDim(out, t.ndim, idx, scalarOperand(1, 'int64'), 'copy');
  return out;
}

// ---------------------------------------------------------------------------------------------
// methods

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** PyTorch's `x[...]`: `x.index(0, ':', null, '...', idxTensor, mask)`. */
    index(...args: unknown[]): Tensor;
    /** PyTorch's `x[...] = value`: `x.setIndex([0, '1:3'], 5)`. */
    setIndex(indices: unknown[], value: unknown): Tensor;
    indexPut(indices: (Tensor | null)[], values: Tensor | Scalar, accumulate?: boolean): Tensor;
    indexPut_(indices: (Tensor | null)[], values: Tensor | Scalar, accumulate?: boolean): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, ...opt: unknown[]): Tensor;
    indexAdd_(dim: number, index: Tensor, source: Tensor, ...opt: unknown[]): Tensor;
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    indexCopy_(dim: number, index: Tensor, source: Tensor): Tensor;
    indexFill(dim: number, index: Tensor, value: Tensor | Scalar): Tensor;
    indexFill_(dim: number, index: Tensor, value: Tensor | Scalar): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | Scalar, ...opt: unknown[]): Tensor;
    scatter_(dim: number, index: Tensor, src: Tensor | Scalar, ...opt: unknown[]): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: ReduceName, ...opt: unknown[]): Tensor;
    scatterReduce_(dim: number, index: Tensor, src: Tensor, reduce: ReduceName, ...opt: unknown[]): Tensor;
    maskedFill(mask: Tensor, value: Tensor | Scalar): Tensor;
    maskedFill_(mask: Tensor, value: Tensor | Scalar): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    maskedScatter_(mask: Tensor, source: Tensor): Tensor;
    take(index: Tensor): Tensor;
    takeAlongDim(index: Tensor, ...opt: unknown[]): Tensor;
    put(index: Tensor, source: Tensor, accumulate?: boolean): Tensor;
    put_(index: Tensor, source: Tensor, accumulate?: boolean): Tensor;
    nonzero(...opt: unknown[]): Tensor | Tensor[];
    argwhere(): Tensor;
  }
}

defineMethods({
  index(this: Tensor, ...a: unknown[]) { return index(this, ...a); },
  setIndex(this: Tensor, i: unknown[], v: unknown) { return setIndex(this, i, v); },
  indexPut(this: Tensor, i: (Tensor | null)[], v: Tensor | Scalar, acc?: boolean) { return indexPut(this, i, v, acc); },
  indexPut_(this: Tensor, i: (Tensor | null)[], v: Tensor | Scalar, acc?: boolean) { return indexPut_(this, i, v, acc); },
  indexSelect(this: Tensor, d: number, i: Tensor) { return indexSelect(this, d, i); },
  indexAdd(this: Tensor, d: number, i: Tensor, s: Tensor, ...o: unknown[]) { return indexAdd(this, d, i, s, ...o); },
  indexAdd_(this: Tensor, d: number, i: Tensor, s: Tensor, ...o: unknown[]) { return inPlace(this, 'indexAdd', (src) => indexAdd(src, d, i, s, ...o)); },
  indexCopy(this: Tensor, d: number, i: Tensor, s: Tensor) { return indexCopy(this, d, i, s); },
  indexCopy_(this: Tensor, d: number, i: Tensor, s: Tensor) { return inPlace(this, 'indexCopy', (src) => indexCopy(src, d, i, s)); },
  indexFill(this: Tensor, d: number, i: Tensor, v: Tensor | Scalar) { return indexFill(this, d, i, v); },
  indexFill_(this: Tensor, d: number, i: Tensor, v: Tensor | Scalar) { return inPlace(this, 'indexFill', (src) => indexFill(src, d, i, v)); },
  gather(this: Tensor, d: number, i: Tensor) { return gather(this, d, i); },
  scatter(this: Tensor, d: number, i: Tensor, s: Tensor | Scalar, ...o: unknown[]) { return scatter(this, d, i, s, ...o); },
  scatter_(this: Tensor, d: number, i: Tensor, s: Tensor | Scalar, ...o: unknown[]) { return inPlace(this, 'scatter', (src) => scatter(src, d, i, s, ...o)); },
  scatterAdd(this: Tensor, d: number, i: Tensor, s: Tensor) { return scatterAdd(this, d, i, s); },
  scatterAdd_(this: Tensor, d: number, i: Tensor, s: Tensor) { return inPlace(this, 'scatterAdd', (src) => scatterAdd(src, d, i, s)); },
  scatterReduce(this: Tensor, d: number, i: Tensor, s: Tensor, r: ReduceName, ...o: unknown[]) { return scatterReduce(this, d, i, s, r, ...o); },
  scatterReduce_(this: Tensor, d: number, i: Tensor, s: Tensor, r: ReduceName, ...o: unknown[]) { return inPlace(this, 'scatterReduce', (src) => scatterReduce(src, d, i, s, r, ...o)); },
  maskedFill(this: Tensor, m: Tensor, v: Tensor | Scalar) { return maskedFill(this, m, v); },
  maskedFill_(this: Tensor, m: Tensor, v: Tensor | Scalar) { return inPlace(this, 'maskedFill', (src) => maskedFill(src, m, v)); },
  maskedSelect(this: Tensor, m: Tensor) { return maskedSelect(this, m); },
  maskedScatter(this: Tensor, m: Tensor, s: Tensor) { return maskedScatter(this, m, s); },
  maskedScatter_(this: Tensor, m: Tensor, s: Tensor) { return inPlace(this, 'maskedScatter', (src) => maskedScatter(src, m, s)); },
  take(this: Tensor, i: Tensor) { return take(this, i); },
  takeAlongDim(this: Tensor, i: Tensor, ...o: unknown[]) { return takeAlongDim(this, i, ...o); },
  put(this: Tensor, i: Tensor, s: Tensor, acc?: boolean) { return put(this, i, s, acc); },
  put_(this: Tensor, i: Tensor, s: Tensor, acc?: boolean) { return inPlace(this, 'put', (src) => put(src, i, s, acc)); },
  nonzero(this: Tensor, ...o: unknown[]) { return nonzero(this, ...o); },
  argwhere(this: Tensor) { return argwhere(this); },
});
