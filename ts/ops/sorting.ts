/**
 * Sorting and searching: sort/argsort/msort, topk (partial selection), kthvalue, unique (with
 * inverse/counts, optionally along a dim), uniqueConsecutive, searchsorted/bucketize, isin,
 * histc and bincount. Kernels live in core-wasm/sort.ts (rows are made contiguous along the last
 * axis first); gradients of sorted/selected values scatter back through the returned indices.
 */
import { kernels, requireKernels, writeMeta } from '../backend/wasm.js';
import { record } from '../autograd/node.js';
import { noGrad } from '../autograd/grad-mode.js';
import { DTYPE_CODE, ITEMSIZE, isFloating, promoteTypes, type DType } from '../tensor/dtype.js';
import { Tensor, normDim } from '../tensor/tensor.js';
import { defineMethods } from '../tensor/methods.js';
import { isOptions, optArgs } from './args.js';
import { computeDType, toOut } from './launch.js';
import { filled, fromValues } from './creation.js';
import { eq, floor, logicalAnd, ge, le, mul, sub, clamp } from './pointwise.js';
import { movedim, reshape, squeeze, unsqueeze, contiguous, sliceDim } from './shape.js';
import { gather, indexSelect, scatterAdd, takeAlongDim } from './indexing.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    sort_rows(dt: number, vals: number, idx: number, rows: number, n: number, desc: number): void;
    topk_rows(dt: number, src: number, rows: number, n: number, k: number, largest: number, sorted: number, outVals: number, outIdx: number): void;
    run_groups(dt: number, vals: number, n: number, gid: number, starts: number): number;
    search_sorted(dt: number, bnd: number, bndRows: number, n: number, vals: number, rows: number, m: number, right: number, out: number): void;
    gather_rows(es: number, src: number, offs: number, nI: number, out: number, nd: number, meta: number, srcNumel: bigint): void;
    scatter_rows(dt: number, mode: number, dst: number, offs: number, nI: number, src: number, srcRowStride: number, nd: number, meta: number, dstNumel: bigint): void;
  }
}
requireKernels('sort_rows', 'topk_rows', 'run_groups', 'search_sorted');

/** Kernel dtype for sorting values of dtype d (float16 sorts as float32, bool as uint8 bytes). */
function sortDType(d: DType): DType {
  return d === 'float16' ? 'float32' : d;
}

/** x with `d` moved last, as a contiguous copy in the sort dtype: [rows, n]. */
function rowsOf(x: Tensor, d: number): Tensor {
  return noGrad(() => {
    const m = x.ndim === 0 ? reshape(x, [1]) : movedim(x, d, -1);
    const r = m._copyTo(sortDType(x.dtype));
    if (m !== x) m.dispose();
    return r;
  });
}

/** Moves the last dim of a [.., n] result back to d (contiguous), freeing the input. */
function backFromRows(t: Tensor, d: number, ndim: number): Tensor {
  if (ndim === 0) {
    const r = reshape(t, []);
    return r;
  }
  if (d === ndim - 1) return t;
  return noGrad(() => {
    const v = movedim(t, -1, d);
    const c = contiguous(v);
    return c;
  });
}

export interface SortResult {
  values: Tensor;
  indices: Tensor;
}

function sortCore(x: Tensor, d: number, descending: boolean): SortResult {
  const vals = rowsOf(x, d);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  const rows = n === 0 ? 0 : vals.numel() / n;
  const idx = Tensor._empty(vals.shape, 'int64');
  if (vals.numel() > 0) kernels.sort_rows(DTYPE_CODE[vals.dtype], vals._ptr(), idx._ptr(), rows, n, descending ? 1 : 0);
  const values = backFromRows(toOut(vals, x.dtype), d, x.ndim);
  const indices = backFromRows(idx, d, x.ndim);
  return { values, indices };
}

function scatterBack(x: Tensor, d: number, idx: Tensor, g: Tensor): Tensor {
  if (x.ndim === 0) return reshape(g, []);
  return scatterAdd(filled(x.shape, 0, g.dtype, g.device), d, idx, g);
}

/**
 * Sorts along dim (default last); NaN sorts last (first when descending), as in PyTorch. The sort
 * is stable whether or not `stable` is set. Returns `{ values, indices }`.
 *
 * @example
 * ```ts
 * const { values, indices } = torch.sort(x, 1, true);
 * torch.sort(x, { dim: 0, stable: true });
 * ```
 */
export function sort(x: Tensor, ...opt: unknown[]): SortResult {
  if (gpuArgs(sort, arguments)) return viaGpu('sort', sort, arguments) as never;
  if (!(x instanceof Tensor)) throw new TypeError(`sort(): argument 'input' must be Tensor, not ${typeof x}`);
  let args = opt;
  if (args.length === 1 && typeof args[0] === 'boolean') args = [-1, args[0]];
  const { dim, descending } = optArgs('sort', args, ['dim', 'descending', 'stable'], { dim: -1 as number, descending: false as boolean, stable: false as boolean });
  const d = normDim(dim, x.ndim);
  const r = sortCore(x, d, descending);
  record('Sort', [x], r.values, [], ([g]) => [scatterBack(x, d, r.indices, g)]);
  return r;
}

/**
 * Indices that sort x along dim (stable).
 *
 * @example
 * ```ts
 * torch.argsort(torch.tensor([3, 1, 2]));   // [1, 2, 0]
 * ```
 */
export function argsort(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(argsort, arguments)) return viaGpu('argsort', argsort, arguments) as never;
  const { dim, descending, stable } = optArgs('argsort', opt, ['dim', 'descending', 'stable'], { dim: -1 as number, descending: false as boolean, stable: false as boolean });
  const r = noGrad(() => sort(x, { dim, descending, stable }));
  r.values.dispose();
  return r.indices;
}

/** Sorts along dim 0 (values only). */
export function msort(x: Tensor): Tensor {
  if (gpuArgs(msort, arguments)) return viaGpu('msort', msort, arguments) as never;
  return sort(x, 0).values;
}

/**
 * The k largest (or smallest) entries along dim, by partial selection. Returns `{ values, indices }`.
 *
 * @example
 * ```ts
 * torch.topk(x, 3).indices;
 * torch.topk(x, 2, { largest: false, dim: 0 });
 * ```
 */
export function topk(x: Tensor, k: number | ({ k: number } & Record<string, unknown>), ...opt: unknown[]): SortResult {
  if (gpuArgs(topk, arguments)) return viaGpu('topk', topk, arguments) as never;
  if (isOptions(k)) {
    const { k: kk, ...rest } = k as { k: number } & Record<string, unknown>;
    return topk(x, kk, rest);
  }
  const { dim, largest, sorted } = optArgs('topk', opt, ['dim', 'largest', 'sorted'], { dim: -1 as number, largest: true as boolean, sorted: true as boolean });
  if (!Number.isInteger(k)) throw new TypeError(`topk(): argument 'k' must be int, but got ${k}`);
  const d = normDim(dim, x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (k < 0 || k > n) throw new RangeError('selected index k out of range');
  const r = selectK(x, d, n, k, largest, sorted);
  record('Topk', [x], r.values, [], ([g]) => [scatterBack(x, d, r.indices, g)]);
  return r;
}

function selectK(x: Tensor, d: number, n: number, k: number, largest: boolean, sorted: boolean): SortResult {
  const src = rowsOf(x, d);
  const rows = n === 0 ? 0 : src.numel() / n;
  const outShape = src.shape.slice();
  outShape[outShape.length - 1] = k;
  const vals = Tensor._empty(outShape, src.dtype);
  const idx = Tensor._empty(outShape, 'int64');
  if (rows > 0 && k > 0) kernels.topk_rows(DTYPE_CODE[src.dtype], src._ptr(), rows, n, k, largest ? 1 : 0, sorted ? 1 : 0, vals._ptr(), idx._ptr());
  src.dispose();
  return { values: backFromRows(toOut(vals, x.dtype), d, x.ndim), indices: backFromRows(idx, d, x.ndim) };
}

/**
 * The k-th smallest entry (1-based) along dim. Returns `{ values, indices }`.
 *
 * @example
 * ```ts
 * torch.kthvalue(torch.tensor([3., 1., 2.]), 2).values;  // 2
 * ```
 */
export function kthvalue(x: Tensor, k: number | ({ k: number } & Record<string, unknown>), ...opt: unknown[]): SortResult {
  if (gpuArgs(kthvalue, arguments)) return viaGpu('kthvalue', kthvalue, arguments) as never;
  if (isOptions(k)) {
    const { k: kk, ...rest } = k as { k: number } & Record<string, unknown>;
    return kthvalue(x, kk, rest);
  }
  const { dim, keepdim } = optArgs('kthvalue', opt, ['dim', 'keepdim'], { dim: -1 as number, keepdim: false as boolean });
  const d = normDim(dim, x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  const r = noGrad(() => {
    const s = selectK(x, d, n, k, false, true);
    if (x.ndim === 0) return s;
    const v = contiguous(sliceDim(s.values, d, k - 1, k, 1));
    const i = contiguous(sliceDim(s.indices, d, k - 1, k, 1));
    return { values: keepdim ? v : squeeze(v, d), indices: keepdim ? i : squeeze(i, d) };
  });
  record('Kthvalue', [x], r.values, [], ([g]) => {
    if (x.ndim === 0) return [g];
    const gk = keepdim ? g : unsqueeze(g, d);
    const ik = keepdim ? r.indices : unsqueeze(r.indices, d);
    return [scatterBack(x, d, ik, gk)];
  });
  return r;
}

// ---------------------------------------------------------------------------------------------
// unique

type UniqueOpts = { sorted: boolean; returnInverse: boolean; returnCounts: boolean; dim: number | null };

function pack(values: Tensor, inverse: Tensor | null, counts: Tensor | null): Tensor | Tensor[] {
  if (!inverse && !counts) return values;
  const r = [values];
  if (inverse) r.push(inverse);
  if (counts) r.push(counts);
  return r;
}

/** Groups a contiguous sorted-or-not 1-d buffer into runs: [values, gid, counts]. */
function runs(flat: Tensor, outDType: DType): { values: Tensor; gid: Tensor; counts: Tensor } {
  const n = flat.numel();
  const gid = Tensor._empty([n], 'int64');
  const starts = Tensor._empty([n], 'int64');
  const G = n === 0 ? 0 : kernels.run_groups(DTYPE_CODE[flat.dtype], flat._ptr(), n, gid._ptr(), starts._ptr());
  const vals = Tensor._empty([G], flat.dtype);
  if (G > 0) kernels.gather_rows(ITEMSIZE[flat.dtype], flat._ptr(), starts._ptr(), G, vals._ptr(), 0, writeMeta([]), BigInt(n));
  const st = starts.dataSync() as BigInt64Array;
  const cnt = new BigInt64Array(G);
  for (let g = 0; g < G; g++) cnt[g] = (g + 1 < G ? st[g + 1] : BigInt(n)) - st[g];
  starts.dispose();
  return { values: toOut(vals, outDType), gid, counts: fromValues(cnt, [G], 'int64') };
}

/**
 * Unique elements (sorted); with returnInverse/returnCounts returns `[values, inverse?, counts?]`
 * like PyTorch's tuple; `dim` finds unique slices along a dim.
 *
 * @example
 * ```ts
 * torch.unique(torch.tensor([3, 1, 3]));                          // [1, 3]
 * const [u, inv, cnt] = torch.unique(x, { returnInverse: true, returnCounts: true }) as torch.Tensor[];
 * ```
 */
export function unique(x: Tensor, ...opt: unknown[]): Tensor | Tensor[] {
  if (gpuArgs(unique, arguments)) return viaGpu('unique', unique, arguments) as never;
  const o = optArgs<UniqueOpts>('unique', opt, ['sorted', 'returnInverse', 'returnCounts', 'dim'], { sorted: true, returnInverse: false, returnCounts: false, dim: null });
  if (o.dim !== null) return uniqueDim(x, normDim(o.dim, x.ndim), o.returnInverse, o.returnCounts, true);
  return noGrad(() => {
    const flat = rowsOf(reshape(x, [-1]), 0);
    const n = flat.numel();
    const perm = Tensor._empty([n], 'int64');
    if (n > 0) kernels.sort_rows(DTYPE_CODE[flat.dtype], flat._ptr(), perm._ptr(), 1, n, 0);
    const { values, gid, counts } = runs(flat, x.dtype);
    let inverse: Tensor | null = null;
    if (o.returnInverse) {
      const inv = Tensor._empty([n], 'int64');
      if (n > 0) kernels.scatter_rows(DTYPE_CODE.int64, 0, inv._ptr(), perm._ptr(), n, gid._ptr(), 1, 0, writeMeta([]), BigInt(n));
      inverse = reshape(inv, x.shape);
    }
    flat.dispose();
    perm.dispose();
    gid.dispose();
    return pack(values, inverse, o.returnCounts ? counts : null);
  });
}

/**
 * Collapses runs of equal consecutive elements; `[values, inverse?, counts?]` with the flags.
 *
 * @example
 * ```ts
 * torch.uniqueConsecutive(torch.tensor([1, 1, 2, 1]));   // [1, 2, 1]
 * ```
 */
export function uniqueConsecutive(x: Tensor, ...opt: unknown[]): Tensor | Tensor[] {
  if (gpuArgs(uniqueConsecutive, arguments)) return viaGpu('uniqueConsecutive', uniqueConsecutive, arguments) as never;
  const o = optArgs('unique_consecutive', opt, ['returnInverse', 'returnCounts', 'dim'], { returnInverse: false as boolean, returnCounts: false as boolean, dim: null as number | null });
  if (o.dim !== null) return uniqueDim(x, normDim(o.dim, x.ndim), o.returnInverse, o.returnCounts, false);
  return noGrad(() => {
    const flat = rowsOf(reshape(x, [-1]), 0);
    const { values, gid, counts } = runs(flat, x.dtype);
    flat.dispose();
    return pack(values, o.returnInverse ? reshape(gid, x.shape) : null, o.returnCounts ? counts : null);
  });
}

/** unique / unique_consecutive of slices along dim d (lexicographic order of the slices). */
function uniqueDim(x: Tensor, d: number, retInv: boolean, retCounts: boolean, sortRows: boolean): Tensor | Tensor[] {
  return noGrad(() => {
    if (x.ndim === 0) throw new RangeError('unique(): dim must be within the range of the tensor dimensions (got a 0-d tensor)');
    const n = x.shape[d];
    const m = contiguous(movedim(x, d, 0))._copyTo(sortDType(x.dtype));
    const w = n === 0 ? 0 : m.numel() / n;
    const data = Array.from(m.dataSync() as ArrayLike<number | bigint>, Number);
    m.dispose();
    const cmp = (a: number, b: number): number => {
      for (let j = 0; j < w; j++) {
        const u = data[a * w + j];
        const v = data[b * w + j];
        if (u !== v) {
          if (Number.isNaN(u)) return 1;
          if (Number.isNaN(v)) return -1;
          return u < v ? -1 : 1;
        }
      }
      return 0;
    };
    const order = Array.from({ length: n }, (_, i) => i);
    if (sortRows) order.sort((a, b) => cmp(a, b) || a - b);
    const firsts: number[] = [];
    const inv = new BigInt64Array(n);
    const counts: number[] = [];
    order.forEach((r, k) => {
      if (k === 0 || cmp(order[k - 1], r) !== 0) {
        firsts.push(r);
        counts.push(0);
      }
      counts[counts.length - 1]++;
      inv[r] = BigInt(firsts.length - 1);
    });
    const values = indexSelect(x, d, fromValues(firsts, [firsts.length], 'int64'));
    return pack(values, retInv ? fromValues(inv, [n], 'int64') : null, retCounts ? fromValues(counts, [counts.length], 'int64') : null);
  });
}

// ---------------------------------------------------------------------------------------------
// searching and counting

type SearchOpts = { outInt32: boolean; right: boolean; side: 'left' | 'right' | null; sorter: Tensor | null };

/**
 * Indices where values would be inserted into the sorted last dim of sortedSequence to keep it
 * sorted (left: first position with seq >= v; right: first with seq > v).
 *
 * @example
 * ```ts
 * torch.searchsorted(torch.tensor([1, 3, 5]), torch.tensor([3, 6]));               // [1, 3]
 * torch.searchsorted(seq, vals, { right: true });
 * ```
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, ...opt: unknown[]): Tensor {
  if (gpuArgs(searchsorted, arguments)) return viaGpu('searchsorted', searchsorted, arguments) as never;
  const o = optArgs<SearchOpts>('searchsorted', opt, ['outInt32', 'right', 'side', 'sorter'], { outInt32: false, right: false, side: null, sorter: null });
  if (o.side !== null && o.side !== 'left' && o.side !== 'right') throw new RangeError(`torch.searchsorted(): side can only be 'left' or 'right' but got ${String(o.side)}`);
  if (o.side === 'left' && o.right) throw new RangeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
  const right = o.side === 'right' || o.right;
  const bnd0 = o.sorter ? takeAlongDim(sortedSequence, o.sorter, -1) : sortedSequence;
  const scalarIn = !(values instanceof Tensor);
  const vals = values instanceof Tensor ? values : fromValues([values], [], isFloating(sortedSequence.dtype) ? sortedSequence.dtype : Number.isInteger(values) ? 'int64' : 'float32');
  if (bnd0.ndim === 0) throw new RangeError('torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension');
  if (bnd0.ndim > 1) {
    const lead = bnd0.shape.slice(0, -1);
    const vlead = vals.shape.slice(0, -1);
    if (vals.ndim !== bnd0.ndim || lead.some((s, i) => s !== vlead[i])) {
      throw new RangeError(`torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${bnd0.shape.join(', ')}] and input value tensor [${vals.shape.join(', ')}]`);
    }
  }
  const cd = computeDType(promoteTypes(bnd0.dtype, vals.dtype));
  const bnd = bnd0._copyTo(cd);
  const v = vals._copyTo(cd);
  const n = bnd.shape[bnd.ndim - 1];
  const out = Tensor._empty(vals.shape, 'int64');
  const m = vals.ndim === 0 ? 1 : vals.shape[vals.ndim - 1];
  const rows = m === 0 ? 0 : vals.numel() / m;
  const bndRows = bnd.ndim === 1 ? 1 : rows;
  if (out.numel() > 0) kernels.search_sorted(DTYPE_CODE[cd], bnd._ptr(), bndRows, n, v._ptr(), rows, m, right ? 1 : 0, out._ptr());
  bnd.dispose();
  v.dispose();
  if (scalarIn) vals.dispose();
  return o.outInt32 ? toOut(out, 'int32') : out;
}

/**
 * Bucket index of each input element given sorted 1-d boundaries (torch.bucketize).
 *
 * @example
 * ```ts
 * torch.bucketize(torch.tensor([1, 5, 9]), torch.tensor([2, 6]));   // [0, 1, 2]
 * ```
 */
export function bucketize(input: Tensor | number, boundaries: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(bucketize, arguments)) return viaGpu('bucketize', bucketize, arguments) as never;
  const { outInt32, right } = optArgs('bucketize', opt, ['outInt32', 'right'], { outInt32: false as boolean, right: false as boolean });
  if (!(boundaries instanceof Tensor) || boundaries.ndim !== 1) throw new RangeError(`boundaries tensor must be 1 dimension, but got dim(${boundaries instanceof Tensor ? boundaries.ndim : 0})`);
  if (input instanceof Tensor && input.ndim > 0) {
    const flat = reshape(input, [-1]);
    return reshape(searchsorted(boundaries, flat, { outInt32, right }), input.shape);
  }
  return searchsorted(boundaries, input, { outInt32, right });
}

/**
 * Whether each element of `elements` occurs in `testElements` (bool, elements' shape).
 *
 * @example
 * ```ts
 * torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 4]));   // [false, true, false]
 * ```
 */
export function isin(elements: Tensor | number, testElements: Tensor | number, ...opt: unknown[]): Tensor {
  if (gpuArgs(isin, arguments)) return viaGpu('isin', isin, arguments) as never;
  const { invert } = optArgs('isin', opt, ['assumeUnique', 'invert'], { assumeUnique: false as boolean, invert: false as boolean });
  return noGrad(() => {
    const el = elements instanceof Tensor ? elements : fromValues([elements], [], Number.isInteger(elements) ? 'int64' : 'float32');
    const te = testElements instanceof Tensor ? testElements : fromValues([testElements], [], Number.isInteger(testElements) ? 'int64' : 'float32');
    const cd = promoteTypes(el.dtype, te.dtype);
    const sortedT = sort(reshape(te, [-1]).to(cd) as Tensor).values;
    const e = el.to(cd) as Tensor;
    if (sortedT.numel() === 0) return filled(el.shape, invert, 'bool');
    const flat = reshape(e, [-1]);
    const pos = clamp(searchsorted(sortedT, flat), 0, sortedT.numel() - 1);
    const found = eq(gather(sortedT, 0, pos), flat);
    const r = reshape(found, el.shape);
    return invert ? r.logicalNot() : r;
  });
}

/**
 * Histogram of x with `bins` equal bins over [min, max] (the data range when both are 0).
 *
 * @example
 * ```ts
 * torch.histc(torch.tensor([1., 2., 1.]), 4, 0, 3);   // [0, 2, 1, 0]
 * ```
 */
export function histc(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(histc, arguments)) return viaGpu('histc', histc, arguments) as never;
  const o = optArgs('histc', opt, ['bins', 'min', 'max'], { bins: 100 as number, min: 0 as number, max: 0 as number });
  if (!isFloating(x.dtype)) throw new TypeError(`"histogram_cpu" not implemented for '${x.dtype}'`);
  if (!Number.isInteger(o.bins) || o.bins <= 0) throw new RangeError(`torch.histc(): bins must be > 0, but got ${o.bins} for dimension 0`);
  return noGrad(() => {
    let lo = o.min;
    let hi = o.max;
    const flat = reshape(x, [-1]);
    if (lo === hi && flat.numel() > 0) {
      const d = flat.dataSync() as Float32Array;
      lo = Infinity;
      hi = -Infinity;
      for (const v of d) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo === hi) {
      lo -= 1;
      hi += 1;
    }
    if (lo > hi) throw new RangeError(`torch.histc(): max must be larger than min`);
    const f = flat.to('float32') as Tensor;
    const inRange = logicalAnd(ge(f, lo), le(f, hi));
    const b = clamp(floor(mul(sub(f, lo), o.bins / (hi - lo))), 0, o.bins - 1).to('int64') as Tensor;
    const w = inRange.to(x.dtype) as Tensor;
    return scatterAdd(filled([o.bins], 0, x.dtype), 0, b, w);
  });
}

/**
 * Counts occurrences of each non-negative integer in a 1-d int tensor (optionally weighted).
 *
 * @example
 * ```ts
 * torch.bincount(torch.tensor([0, 1, 1, 3]));   // [1, 2, 0, 1]
 * ```
 */
export function bincount(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(bincount, arguments)) return viaGpu('bincount', bincount, arguments) as never;
  const { weights, minlength } = optArgs('bincount', opt, ['weights', 'minlength'], { weights: null as Tensor | null, minlength: 0 as number });
  if (x.ndim !== 1 || isFloating(x.dtype) || x.dtype === 'bool') throw new RangeError('bincount only supports 1-d non-negative integral inputs.');
  const vals = x.dataSync() as ArrayLike<number | bigint>;
  let mx = -1;
  for (let i = 0; i < vals.length; i++) {
    const v = Number(vals[i]);
    if (v < 0) throw new RangeError('bincount only supports 1-d non-negative integral inputs.');
    if (v > mx) mx = v;
  }
  if (weights && (weights.ndim !== 1 || weights.shape[0] !== x.shape[0])) throw new RangeError('weights should be 1-d and have the same length as input');
  const n = Math.max(mx + 1, minlength);
  return noGrad(() => {
    const idx = x.to('int64') as Tensor;
    if (!weights) return scatterAdd(filled([n], 0, 'int64'), 0, idx, filled([x.shape[0]], 1, 'int64'));
    const wd: DType = isFloating(weights.dtype) ? weights.dtype : 'float32';
    return scatterAdd(filled([n], 0, wd), 0, idx, weights.to(wd) as Tensor);
  });
}

// ---- methods ----
declare module '../tensor/tensor.js' {
  interface Tensor {
    sort(...opt: unknown[]): SortResult;
    argsort(...opt: unknown[]): Tensor;
    msort(): Tensor;
    topk(k: number | ({ k: number } & Record<string, unknown>), ...opt: unknown[]): SortResult;
    kthvalue(k: number | ({ k: number } & Record<string, unknown>), ...opt: unknown[]): SortResult;
    unique(...opt: unknown[]): Tensor | Tensor[];
    uniqueConsecutive(...opt: unknown[]): Tensor | Tensor[];
    isin(testElements: Tensor | number, ...opt: unknown[]): Tensor;
    histc(...opt: unknown[]): Tensor;
    bincount(...opt: unknown[]): Tensor;
  }
}

defineMethods({
  sort(this: Tensor, ...o: unknown[]) { return sort(this, ...o); },
  argsort(this: Tensor, ...o: unknown[]) { return argsort(this, ...o); },
  msort(this: Tensor) { return msort(this); },
  topk(this: Tensor, k: number | ({ k: number } & Record<string, unknown>), ...o: unknown[]) { return topk(this, k, ...o); },
  kthvalue(this: Tensor, k: number | ({ k: number } & Record<string, unknown>), ...o: unknown[]) { return kthvalue(this, k, ...o); },
  unique(this: Tensor, ...o: unknown[]) { return unique(this, ...o); },
  uniqueConsecutive(this: Tensor, ...o: unknown[]) { return uniqueConsecutive(this, ...o); },
  isin(this: Tensor, t: Tensor | number, ...o: unknown[]) { return isin(this, t, ...o); },
  histc(this: Tensor, ...o: unknown[]) { return histc(this, ...o); },
  bincount(this: Tensor, ...o: unknown[]) { return bincount(this, ...o); },
});
