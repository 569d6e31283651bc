/**
 * Movement ops that copy or regroup data: cat/concat/stack (+ h/v/dstack), split/chunk/tensorSplit/
 * unbind (views), flip/fliplr/flipud/rot90, roll, repeat/tile/repeatInterleave, tril/triu,
 * meshgrid, broadcastTensors and atleast1d/2d/3d, each with its gradient. Built on the views of
 * shape.ts and the strided copy kernel; flip reads through a negative-stride view that never
 * escapes this file.
 */
import { record } from '../autograd/node.js';
import { noGrad } from '../autograd/grad-mode.js';
import { promoteTypes, type DType } from '../tensor/dtype.js';
import { Tensor, normDim } from '../tensor/tensor.js';
import { defineMethods } from '../tensor/methods.js';
import { broadcastShapes, isOptions, optArgs } from './args.js';
import { copyInto, scalarOperand } from './launch.js';
import { fromValues } from './creation.js';
import { assignInPlace, where } from './pointwise.js';
import { expand, narrow, reshape, select, sliceDim, transpose, unsqueeze, toDType } from './shape.js';
import { indexSelect } from './indexing.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';

function tensorList(fn: string, args: readonly unknown[]): [Tensor[], unknown[]] {
  const first = args[0];
  if (!Array.isArray(first)) throw new TypeError(`${fn}(): argument 'tensors' must be an array of Tensors, but got ${first instanceof Tensor ? 'Tensor' : typeof first}`);
  first.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${fn}(): expected Tensor as element ${i} in argument 0, but got ${typeof t}`);
  });
  return [first as Tensor[], args.slice(1)];
}

/**
 * Concatenates tensors along an existing dim (types promote; 1-d empty tensors are skipped).
 *
 * @example
 * ```ts
 * torch.cat([a, b], 1);
 * torch.cat([a, b], { dim: 1 });
 * ```
 */
export function cat(tensors: Tensor[], ...opt: unknown[]): Tensor {
  if (gpuArgs(cat, arguments)) return viaGpu('cat', cat, arguments) as never;
  const [ts] = tensorList('cat', [tensors]);
  const { dim } = optArgs('cat', opt, ['dim'], { dim: 0 as number });
  if (ts.length === 0) throw new RangeError('torch.cat(): expected a non-empty list of Tensors');
  let dt: DType = ts[0].dtype;
  for (const t of ts) dt = promoteTypes(dt, t.dtype);
  const skip = (t: Tensor): boolean => t.ndim === 1 && t.shape[0] === 0;
  const used = ts.filter((t) => !skip(t));
  if (used.length === 0) return fromValues([], [0], dt);
  const ref = used[0];
  ts.forEach((t, i) => {
    if (t.ndim === 0) throw new RangeError(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const d = normDim(dim, ref.ndim);
  const shape = ref.shape.slice();
  shape[d] = 0;
  ts.forEach((t, i) => {
    if (skip(t)) return;
    if (t.ndim !== ref.ndim) throw new RangeError(`Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    for (let k = 0; k < ref.ndim; k++) {
      if (k !== d && t.shape[k] !== ref.shape[k]) {
        throw new RangeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${t.shape[k]} for tensor number ${i} in the list.`);
      }
    }
    shape[d] += t.shape[d];
  });
  // the result lives where the inputs do (webgpu when any input is)
  const out = Tensor._empty(shape, dt, ts.some((t) => t.device === 'webgpu') ? 'webgpu' : 'cpu');
  const offsets: number[] = [];
  noGrad(() => {
    let off = 0;
    for (const t of ts) {
      offsets.push(off);
      if (skip(t)) continue;
      const v = sliceDim(out, d, off, off + t.shape[d], 1);
      copyInto(v, t);
      v.dispose();
      off += t.shape[d];
    }
  });
  record('Cat', ts, out, [], ([g], _s, needs) =>
    ts.map((t, i) => {
      if (!needs[i]) return null;
      if (skip(t)) return fromValues([], [0], t.dtype);
      const gi = narrow(g, d, offsets[i], t.shape[d]);
      return gi.dtype === t.dtype ? gi : toDType(gi, t.dtype);
    }),
    { dim: d },
  );
  return out;
}
export const concat = cat;
export const concatenate = cat;

/**
 * Stacks equal-shaped tensors along a new dim.
 *
 * @example
 * ```ts
 * torch.stack([a, b]);      // [2, ...a.shape]
 * ```
 */
export function stack(tensors: Tensor[], ...opt: unknown[]): Tensor {
  if (gpuArgs(stack, arguments)) return viaGpu('stack', stack, arguments) as never;
  const [ts] = tensorList('stack', [tensors]);
  const { dim } = optArgs('stack', opt, ['dim'], { dim: 0 as number });
  if (ts.length === 0) throw new RangeError('stack expects a non-empty TensorList');
  ts.forEach((t, i) => {
    if (t.ndim !== ts[0].ndim || t.shape.some((s, k) => s !== ts[0].shape[k])) {
      throw new RangeError(`stack expects each tensor to be equal size, but got [${ts[0].shape.join(', ')}] at entry 0 and [${t.shape.join(', ')}] at entry ${i}`);
    }
  });
  const d = normDim(dim, ts[0].ndim + 1);
  return cat(ts.map((t) => unsqueeze(t, d)), d);
}

/** Stacks horizontally (along dim 1, or dim 0 for 1-d inputs). */
export function hstack(tensors: Tensor[]): Tensor {
  if (gpuArgs(hstack, arguments)) return viaGpu('hstack', hstack, arguments) as never;
  const ts = atleastList(tensors, 1);
  return cat(ts, ts[0].ndim === 1 ? 0 : 1);
}

/** Stacks vertically (rows): 1-d inputs become rows. */
export function vstack(tensors: Tensor[]): Tensor {
  if (gpuArgs(vstack, arguments)) return viaGpu('vstack', vstack, arguments) as never;
  return cat(atleastList(tensors, 2), 0);
}
export const rowStack = vstack;

/** Stacks depth-wise (along dim 2). */
export function dstack(tensors: Tensor[]): Tensor {
  if (gpuArgs(dstack, arguments)) return viaGpu('dstack', dstack, arguments) as never;
  return cat(atleastList(tensors, 3), 2);
}

/** Stacks 1-d tensors as columns of a 2-d tensor (others along dim 1). */
export function columnStack(tensors: Tensor[]): Tensor {
  if (gpuArgs(columnStack, arguments)) return viaGpu('columnStack', columnStack, arguments) as never;
  return cat(tensors.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t)), 1);
}

function atleastList(tensors: Tensor[], n: 1 | 2 | 3): Tensor[] {
  const [ts] = tensorList(['hstack', 'vstack', 'dstack'][n - 1], [tensors]);
  return ts.map((t) => atleastOne(t, n));
}

function atleastOne(t: Tensor, n: 1 | 2 | 3): Tensor {
  if (t.ndim >= n) return t;
  if (n === 1) return reshape(t, [1]);
  if (n === 2) return reshape(t, t.ndim === 0 ? [1, 1] : [1, t.shape[0]]);
  if (t.ndim === 0) return reshape(t, [1, 1, 1]);
  if (t.ndim === 1) return reshape(t, [1, t.shape[0], 1]);
  return reshape(t, [...t.shape, 1]);
}

function atleast(n: 1 | 2 | 3, args: (Tensor | Tensor[])[]): Tensor | Tensor[] {
  if (args.length === 1 && args[0] instanceof Tensor) return atleastOne(args[0], n);
  const list = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as Tensor[];
  return list.map((t) => atleastOne(t, n));
}

/** Views 0-d inputs as 1-d (one tensor in, one out; several in, an array out). */
export const atleast1d = (...t: (Tensor | Tensor[])[]): Tensor | Tensor[] => atleast(1, t);
/** Views inputs as at least 2-d. */
export const atleast2d = (...t: (Tensor | Tensor[])[]): Tensor | Tensor[] => atleast(2, t);
/** Views inputs as at least 3-d. */
export const atleast3d = (...t: (Tensor | Tensor[])[]): Tensor | Tensor[] => atleast(3, t);

/**
 * Splits into views of `splitSize` along dim (the last may be smaller), or into pieces of the
 * listed sizes.
 *
 * @example
 * ```ts
 * torch.split(x, 2);          // chunks of 2 rows
 * torch.split(x, [1, 3], 1);  // sizes along dim 1
 * ```
 */
export function split(x: Tensor, splitSizeOrSections: number | number[], ...opt: unknown[]): Tensor[] {
  if (gpuArgs(split, arguments)) return viaGpu('split', split, arguments) as never;
  const { dim } = optArgs('split', opt, ['dim'], { dim: 0 as number });
  if (x.ndim === 0) throw new RangeError('split expects at least a 1-dimensional tensor');
  const d = normDim(dim, x.ndim);
  const n = x.shape[d];
  if (Array.isArray(splitSizeOrSections)) {
    const sizes = splitSizeOrSections;
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== n) {
      throw new RangeError(`split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=[${sizes.join(', ')}]`);
    }
    let off = 0;
    return sizes.map((s) => {
      const v = narrow(x, d, off, s);
      off += s;
      return v;
    });
  }
  const s = splitSizeOrSections;
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) throw new RangeError(`split expects split_size be non-negative, but got split_size=${String(s)}`);
  if (s === 0 && n !== 0) throw new RangeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
  const count = s === 0 ? 1 : Math.max(Math.ceil(n / s), 1);
  const out: Tensor[] = [];
  for (let i = 0; i < count; i++) out.push(narrow(x, d, i * s, Math.min(s, n - i * s)));
  return out;
}

/**
 * Splits into `chunks` views along dim (the last may be smaller; fewer may be returned).
 *
 * @example
 * ```ts
 * const [a, b] = torch.chunk(x, 2, -1);
 * ```
 */
export function chunk(x: Tensor, chunks: number, ...opt: unknown[]): Tensor[] {
  if (gpuArgs(chunk, arguments)) return viaGpu('chunk', chunk, arguments) as never;
  const { dim } = optArgs('chunk', opt, ['dim'], { dim: 0 as number });
  if (x.ndim === 0) throw new RangeError('chunk expects at least a 1-dimensional tensor');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim(dim, x.ndim);
  const n = x.shape[d];
  const size = Math.ceil(n / chunks);
  if (size === 0) {
    // PyTorch returns `chunks` empty pieces when the dim is empty
    return Array.from({ length: chunks }, () => narrow(x, d, 0, 0));
  }
  return split(x, size, d);
}

/**
 * Splits into views at the given indices, or into `sections` nearly equal parts (torch.tensor_split).
 *
 * @example
 * ```ts
 * torch.tensorSplit(torch.arange(7), 3);       // sizes 3, 2, 2
 * torch.tensorSplit(torch.arange(7), [1, 5]);  // [0], [1..4], [5, 6]
 * ```
 */
export function tensorSplit(x: Tensor, indicesOrSections: number | number[] | Tensor, ...opt: unknown[]): Tensor[] {
  if (gpuArgs(tensorSplit, arguments)) return viaGpu('tensorSplit', tensorSplit, arguments) as never;
  const { dim } = optArgs('tensor_split', opt, ['dim'], { dim: 0 as number });
  if (x.ndim === 0) throw new RangeError('tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims');
  const d = normDim(dim, x.ndim);
  const n = x.shape[d];
  let ios: number | number[] = indicesOrSections as number | number[];
  if (indicesOrSections instanceof Tensor) {
    const v = Array.from(indicesOrSections.dataSync() as ArrayLike<number | bigint>, Number);
    ios = indicesOrSections.ndim === 0 ? v[0] : v;
  }
  if (typeof ios === 'number') {
    if (!Number.isInteger(ios) || ios <= 0) throw new RangeError(`number of sections must be larger than 0, got ${ios}`);
    const base = Math.floor(n / ios);
    const extra = n % ios;
    const out: Tensor[] = [];
    let off = 0;
    for (let i = 0; i < ios; i++) {
      const s = base + (i < extra ? 1 : 0);
      out.push(sliceDim(x, d, off, off + s, 1));
      off += s;
    }
    return out;
  }
  const bounds = [0, ...ios, n];
  const out: Tensor[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const a = norm(bounds[i]);
    const b = Math.max(norm(bounds[i + 1]), a);
    out.push(sliceDim(x, d, a, b, 1));
  }
  return out;
}

/**
 * Removes a dim, returning the slices along it (views).
 *
 * @example
 * ```ts
 * const [r0, r1] = torch.unbind(torch.ones(2, 3));
 * ```
 */
export function unbind(x: Tensor, ...opt: unknown[]): Tensor[] {
  if (gpuArgs(unbind, arguments)) return viaGpu('unbind', unbind, arguments) as never;
  const { dim } = optArgs('unbind', opt, ['dim'], { dim: 0 as number });
  if (x.ndim === 0) throw new RangeError('Dimension specified as 0 but tensor has no dimensions');
  const d = normDim(dim, x.ndim);
  return Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i));
}

function dimList(fn: string, x: Tensor, dims: number | number[]): number[] {
  const ds = (Array.isArray(dims) ? dims : [dims]).map((v) => normDim(v, x.ndim));
  const dup = ds.find((v, i) => ds.indexOf(v) !== i);
  if (dup !== undefined) throw new RangeError(`dim ${dup} appears multiple times in the list of dims`);
  return ds;
}

/**
 * Reverses the order of elements along the given dims (a copy, like PyTorch).
 *
 * @example
 * ```ts
 * torch.flip(torch.arange(4), [0]);   // [3, 2, 1, 0]
 * ```
 */
export function flip(x: Tensor, ...dims: (number | number[])[]): Tensor {
  if (gpuArgs(flip, arguments)) return viaGpu('flip', flip, arguments) as never;
  const raw = (dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims) as number[];
  const ds = x.ndim === 0 ? [] : dimList('flip', x, raw);
  const strides = x._strides.slice();
  let offset = x._offset;
  for (const d of ds) {
    if (x.shape[d] > 0) offset += (x.shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  const v = x._view(x.shape.slice(), strides, offset);
  const out = v._copyTo(x.dtype);
  v.dispose();
  record('Flip', [x], out, [], ([g]) => [flip(g, ds)]);
  return out;
}

/** Flips left/right (dim 1); needs >= 2-d. */
export function fliplr(x: Tensor): Tensor {
  if (gpuArgs(fliplr, arguments)) return viaGpu('fliplr', fliplr, arguments) as never;
  if (x.ndim < 2) throw new RangeError('Input must be >= 2-d.');
  return flip(x, [1]);
}

/** Flips up/down (dim 0); needs >= 1-d. */
export function flipud(x: Tensor): Tensor {
  if (gpuArgs(flipud, arguments)) return viaGpu('flipud', flipud, arguments) as never;
  if (x.ndim < 1) throw new RangeError('Input must be >= 1-d.');
  return flip(x, [0]);
}

/**
 * Rolls elements along dims (elements shifted past the end come back at the start); without
 * dims the flattened tensor is rolled and the shape restored.
 *
 * @example
 * ```ts
 * torch.roll(torch.arange(5), 2);              // [3, 4, 0, 1, 2]
 * torch.roll(x, [1, -1], [0, 1]);
 * ```
 */
export function roll(x: Tensor, shifts: number | number[] | { shifts: number | number[]; dims?: number | number[] | null }, ...opt: unknown[]): Tensor {
  if (gpuArgs(roll, arguments)) return viaGpu('roll', roll, arguments) as never;
  if (isOptions(shifts)) {
    const o = shifts as { shifts: number | number[]; dims?: number | number[] | null };
    return roll(x, o.shifts, o.dims ?? null);
  }
  const { dims } = optArgs('roll', opt, ['dims'], { dims: null as number | number[] | null });
  const sh = Array.isArray(shifts) ? shifts : [shifts];
  if (dims === null || (Array.isArray(dims) && dims.length === 0)) {
    if (sh.length !== 1) throw new RangeError(`shifts and dimensions must align. shifts: ${sh.length}, dims:0`);
    return reshape(roll(reshape(x, [-1]), sh[0], 0), x.shape);
  }
  const ds = Array.isArray(dims) ? dims : [dims];
  if (ds.length !== sh.length) throw new RangeError(`shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
  let y = x;
  ds.forEach((dim, k) => {
    const d = normDim(dim, x.ndim);
    const n = y.shape[d];
    if (n === 0) return;
    const s = ((sh[k] % n) + n) % n;
    if (s === 0) return;
    y = cat([narrow(y, d, n - s, s), narrow(y, d, 0, n - s)], d);
  });
  return y === x ? toDTypeCopy(x) : y;
}

function toDTypeCopy(x: Tensor): Tensor {
  return toDType(x, x.dtype, true);
}

/**
 * Rotates by 90 degrees k times in the plane of dims (from the first towards the second).
 *
 * @example
 * ```ts
 * torch.rot90(torch.arange(4).view(2, 2));   // [[1, 3], [0, 2]]
 * ```
 */
export function rot90(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(rot90, arguments)) return viaGpu('rot90', rot90, arguments) as never;
  const { k, dims } = optArgs('rot90', opt, ['k', 'dims'], { k: 1 as number, dims: [0, 1] as number[] });
  if (dims.length !== 2) throw new RangeError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (x.ndim < 2) throw new RangeError(`expected total dims >= 2, but got total dims = ${x.ndim}`);
  const d0 = normDim(dims[0], x.ndim);
  const d1 = normDim(dims[1], x.ndim);
  if (d0 === d1) throw new RangeError(`expected rotation dims to be different, but got dim0 = ${d0} and dim1 = ${d1}`);
  const r = ((k % 4) + 4) % 4;
  if (r === 1) return transpose(flip(x, [d1]), d0, d1);
  if (r === 2) return flip(x, [d0, d1]);
  if (r === 3) return transpose(flip(x, [d0]), d0, d1);
  return toDTypeCopy(x);
}

function sizesArg(fn: string, args: readonly unknown[]): number[] {
  const raw = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[];
  for (const v of raw) if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`${fn}(): repeats must be non-negative integers, but got [${raw.map(String).join(', ')}]`);
  return raw;
}

/**
 * Repeats the whole tensor along each dim (a copy): `x.repeat(2, 1)`.
 *
 * @example
 * ```ts
 * torch.tensor([1, 2]).repeat(2, 2);   // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function repeat(x: Tensor, ...sizes: (number | number[])[]): Tensor {
  if (gpuArgs(repeat, arguments)) return viaGpu('repeat', repeat, arguments) as never;
  const reps = sizesArg('repeat', sizes);
  if (reps.length < x.ndim) throw new RangeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  const lead = reps.length - x.ndim;
  const padded = [...new Array<number>(lead).fill(1), ...x.shape];
  let y = reshape(x, padded);
  const inter: number[] = [];
  const viewShape: number[] = [];
  padded.forEach((s, i) => {
    viewShape.push(1, s);
    inter.push(reps[i], s);
  });
  y = expand(reshape(y, viewShape), inter);
  return reshape(y, padded.map((s, i) => s * reps[i]));
}

/**
 * Repeats like `repeat`, padding the repeat list with leading 1s (torch.tile).
 *
 * @example
 * ```ts
 * torch.tile(x, [2]);
 * ```
 */
export function tile(x: Tensor, ...dims: (number | number[])[]): Tensor {
  if (gpuArgs(tile, arguments)) return viaGpu('tile', tile, arguments) as never;
  const reps = sizesArg('tile', dims);
  const full = reps.length < x.ndim ? [...new Array<number>(x.ndim - reps.length).fill(1), ...reps] : reps;
  return repeat(x, full);
}

/**
 * Repeats each element `repeats` times along dim (flattening when dim is null); repeats is an
 * int or a 1-d tensor of per-element counts. With only a tensor of counts, returns the indices
 * repeated by those counts.
 *
 * @example
 * ```ts
 * torch.repeatInterleave(torch.tensor([1, 2]), 2);              // [1, 1, 2, 2]
 * torch.repeatInterleave(x, torch.tensor([1, 2]), 0);
 * ```
 */
export function repeatInterleave(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(repeatInterleave, arguments)) return viaGpu('repeatInterleave', repeatInterleave, arguments) as never;
  if (args.length === 0 || (args.length === 1 && isOptions(args[0]) && !('repeats' in (args[0] as object)))) {
    // torch.repeat_interleave(repeats): indices 0..n-1 repeated by the counts in x
    return repeatIndex(countsOf(x, x.numel()));
  }
  const { repeats, dim } = optArgs<{ repeats: number | Tensor; dim: number | null; outputSize: number | null }>('repeat_interleave', args, ['repeats', 'dim', 'outputSize'], {
    repeats: 1,
    dim: null,
    outputSize: null,
  });
  let src = x;
  let d = 0;
  if (dim === null) src = reshape(x, [-1]);
  else d = normDim(dim, x.ndim);
  const n = src.ndim === 0 ? 1 : src.shape[d];
  let counts: number[];
  if (repeats instanceof Tensor) {
    if (repeats.ndim > 1) throw new RangeError('repeats must be 0-dim or 1-dim tensor');
    const c = countsOf(repeats, repeats.numel());
    if (c.length === 1) counts = new Array<number>(n).fill(c[0]);
    else if (c.length !== n) throw new RangeError(`repeats must have the same size as input along dim, but got repeats.size(0) = ${c.length} and input.size(${d}) = ${n}`);
    else counts = c;
  } else {
    if (!Number.isInteger(repeats) || repeats < 0) throw new RangeError('repeats can not be negative');
    counts = new Array<number>(n).fill(repeats);
  }
  if (src.ndim === 0) src = reshape(src, [1]);
  return indexSelect(src, d, repeatIndex(counts));
}

function countsOf(t: Tensor, n: number): number[] {
  if (t.dtype !== 'int64' && t.dtype !== 'int32') throw new TypeError(`repeat_interleave: repeats has to be Long or Int tensor (got ${t.dtype})`);
  const v = Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
  if (v.length !== n) throw new RangeError('repeat_interleave: bad repeats');
  if (v.some((c) => c < 0)) throw new RangeError('repeats can not be negative');
  return v;
}

function repeatIndex(counts: number[]): Tensor {
  const total = counts.reduce((a, b) => a + b, 0);
  const idx = new BigInt64Array(total);
  let k = 0;
  counts.forEach((c, i) => {
    for (let j = 0; j < c; j++) idx[k++] = BigInt(i);
  });
  return fromValues(idx, [total], 'int64');
}

function triMask(fn: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new RangeError(`${fn}: input tensor must have at least 2 dimensions`);
  if (!Number.isInteger(diagonal)) throw new TypeError(`${fn}(): argument 'diagonal' must be int, but got ${diagonal}`);
  const r = x.shape[x.ndim - 2];
  const c = x.shape[x.ndim - 1];
  const m = new Uint8Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m[i * c + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  return fromValues(m, [r, c], 'bool');
}

/**
 * Lower triangle of the last two dims (elements above `diagonal` set to zero).
 *
 * @example
 * ```ts
 * torch.tril(torch.ones(3, 3), -1);
 * ```
 */
export function tril(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(tril, arguments)) return viaGpu('tril', tril, arguments) as never;
  const { diagonal } = optArgs('tril', opt, ['diagonal'], { diagonal: 0 as number });
  const m = triMask('tril', x, diagonal, true);
  return where(m, x, scalarOperand(0, x.dtype));
}

/** Upper triangle of the last two dims (elements below `diagonal` set to zero). */
export function triu(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(triu, arguments)) return viaGpu('triu', triu, arguments) as never;
  const { diagonal } = optArgs('triu', opt, ['diagonal'], { diagonal: 0 as number });
  const m = triMask('triu', x, diagonal, false);
  return where(m, x, scalarOperand(0, x.dtype));
}

/**
 * Coordinate grids from 1-d tensors; `indexing: 'ij'` (default, matrix) or `'xy'` (Cartesian).
 * Results are expanded views, as in PyTorch.
 *
 * @example
 * ```ts
 * const [gx, gy] = torch.meshgrid(torch.arange(3), torch.arange(2), { indexing: 'xy' });
 * ```
 */
export function meshgrid(...args: (Tensor | Tensor[] | { indexing?: 'ij' | 'xy' })[]): Tensor[] {
  if (gpuArgs(meshgrid, arguments)) return viaGpu('meshgrid', meshgrid, arguments) as never;
  let rest = args;
  let indexing: 'ij' | 'xy' = 'ij';
  if (rest.length && isOptions(rest[rest.length - 1])) {
    indexing = ((rest[rest.length - 1] as { indexing?: 'ij' | 'xy' }).indexing ?? 'ij');
    rest = rest.slice(0, -1);
  }
  if (indexing !== 'ij' && indexing !== 'xy') throw new RangeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  const ts = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as Tensor[];
  if (ts.length === 0) throw new RangeError('meshgrid expects a non-empty TensorList');
  ts.forEach((t) => {
    if (!(t instanceof Tensor)) throw new TypeError('meshgrid expects Tensors');
    if (t.ndim > 1) throw new RangeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${t.ndim}D`);
  });
  const sizes = ts.map((t) => t.numel());
  const swap = indexing === 'xy' && ts.length >= 2;
  const order = ts.map((_, i) => i);
  if (swap) [order[0], order[1]] = [order[1], order[0]];
  const outShape = order.map((i) => sizes[i]);
  return ts.map((t, i) => {
    const pos = order.indexOf(i);
    const vs = outShape.map((_, k) => (k === pos ? sizes[i] : 1));
    return expand(reshape(t, vs), outShape);
  });
}

/**
 * Broadcasts tensors against each other (expanded views).
 *
 * @example
 * ```ts
 * const [a2, b2] = torch.broadcastTensors(a, b);
 * ```
 */
export function broadcastTensors(...tensors: (Tensor | Tensor[])[]): Tensor[] {
  if (gpuArgs(broadcastTensors, arguments)) return viaGpu('broadcastTensors', broadcastTensors, arguments) as never;
  const ts = (tensors.length === 1 && Array.isArray(tensors[0]) ? tensors[0] : tensors) as Tensor[];
  let shape: number[] = [];
  for (const t of ts) shape = broadcastShapes(shape, t.shape);
  return ts.map((t) => expand(t, shape));
}

// ---- methods ----
declare module '../tensor/tensor.js' {
  interface Tensor {
    split(splitSizeOrSections: number | number[], ...opt: unknown[]): Tensor[];
    chunk(chunks: number, ...opt: unknown[]): Tensor[];
    tensorSplit(indicesOrSections: number | number[] | Tensor, ...opt: unknown[]): Tensor[];
    unbind(...opt: unknown[]): Tensor[];
    flip(...dims: (number | number[])[]): Tensor;
    fliplr(): Tensor;
    flipud(): Tensor;
    roll(shifts: number | number[] | { shifts: number | number[]; dims?: number | number[] | null }, ...opt: unknown[]): Tensor;
    rot90(...opt: unknown[]): Tensor;
    repeat(...sizes: (number | number[])[]): Tensor;
    tile(...dims: (number | number[])[]): Tensor;
    repeatInterleave(...args: unknown[]): Tensor;
    tril(...opt: unknown[]): Tensor;
    tril_(...opt: unknown[]): Tensor;
    triu(...opt: unknown[]): Tensor;
    triu_(...opt: unknown[]): Tensor;
  }
}

const inPlaceCopy = (x: Tensor, y: Tensor): Tensor => assignInPlace(x, y, 'tri');

defineMethods({
  split(this: Tensor, s: number | number[], ...o: unknown[]) { return split(this, s, ...o); },
  chunk(this: Tensor, c: number, ...o: unknown[]) { return chunk(this, c, ...o); },
  tensorSplit(this: Tensor, s: number | number[] | Tensor, ...o: unknown[]) { return tensorSplit(this, s, ...o); },
  unbind(this: Tensor, ...o: unknown[]) { return unbind(this, ...o); },
  flip(this: Tensor, ...d: (number | number[])[]) { return flip(this, ...d); },
  fliplr(this: Tensor) { return fliplr(this); },
  flipud(this: Tensor) { return flipud(this); },
  roll(this: Tensor, s: number | number[] | { shifts: number | number[] }, ...o: unknown[]) { return roll(this, s, ...o); },
  rot90(this: Tensor, ...o: unknown[]) { return rot90(this, ...o); },
  repeat(this: Tensor, ...s: (number | number[])[]) { return repeat(this, ...s); },
  tile(this: Tensor, ...d: (number | number[])[]) { return tile(this, ...d); },
  repeatInterleave(this: Tensor, ...a: unknown[]) { return repeatInterleave(this, ...a); },
  tril(this: Tensor, ...o: unknown[]) { return tril(this, ...o); },
  tril_(this: Tensor, ...o: unknown[]) { return inPlaceCopy(this, tril(this, ...o)); },
  triu(this: Tensor, ...o: unknown[]) { return triu(this, ...o); },
  triu_(this: Tensor, ...o: unknown[]) { return inPlaceCopy(this, triu(this, ...o)); },
});
