/**
 * WebGPU launcher of the reductions (gpu-bridge/reduce.wgsl): sum, prod, max, min and the norm
 * reductions (sum|x|, sum x^2, max|x|, min|x|, count) of a float32/float16 view over any set of dims,
 * strided or permuted, without a copy. The result is float32 (the CPU compute dtype of float inputs);
 * integer inputs (int64 sums) stay on the CPU (null).
 */
import { launch } from './device.js';
import { WGSL } from './shaders.generated.js';
import { Tensor, coalesce, contiguousStrides, shapeNumel } from '../../tensor/tensor.js';
import { MAX_DIMS, Params, WG, fits32, gpuF32, groups1d, groupsRows } from './elementwise.js';

// the reduction shaders share their index decoding (gpu-bridge/reduce-index.wgsl)
const REDUCE = WGSL['reduce-index'] + WGSL.reduce;
const MOMENTS = WGSL['reduce-index'] + WGSL.moments;
const ARGREDUCE = WGSL['reduce-index'] + WGSL.argreduce;
const REDUCE_I64 = WGSL['reduce-index'] + WGSL['reduce-i64'];

/** Reduction op codes shared with the CPU kernel (simd/reduce.ts). */
export const REDUCE_OPS = { sum: 0, prod: 1, max: 2, min: 3, sumAbs: 4, sumSq: 5, maxAbs: 6, minAbs: 7, count: 8 } as const;

/** How partial results of each reduction combine (partial sums of |x| add up, ...). */
const COMBINE: Record<keyof typeof REDUCE_OPS, keyof typeof REDUCE_OPS> = {
  sum: 'sum', prod: 'prod', max: 'max', min: 'min', sumAbs: 'sum', sumSq: 'sum', maxAbs: 'max', minAbs: 'min', count: 'sum',
};

interface Layout {
  src: Tensor;
  k: number;
  outShape: number[];
  os: number[];
  ost: number[];
  ks: number[];
  kst: number[];
}

/** x as float32 with the kept and reduced dims coalesced separately (null if unsupported). */
function layout(x: Tensor, dims: readonly number[], keepdim: boolean, int64 = false): Layout | null {
  if (x.device !== 'webgpu' || (int64 ? x.dtype !== 'int64' : x.dtype !== 'float32' && x.dtype !== 'float16')) return null;
  const isRed = (i: number) => dims.includes(i);
  const keptIdx = x.shape.map((_, i) => i).filter((i) => !isRed(i));
  const redIdx = x.ndim === 0 ? [] : dims.slice();
  const k = redIdx.reduce((a, i) => a * x.shape[i], 1);
  if (k === 0) return null;
  const outShape = keepdim ? x.shape.map((d, i) => (isRed(i) ? 1 : d)) : keptIdx.map((i) => x.shape[i]);
  const src = int64 ? x : gpuF32(x);
  if (!src) return null;
  const [os, [ost]] = coalesce(keptIdx.map((i) => src.shape[i]), [keptIdx.map((i) => src._strides[i])]);
  const [ks, [kst]] = coalesce(redIdx.map((i) => src.shape[i]), [redIdx.map((i) => src._strides[i])]);
  if (!fits32(src) || os.length > MAX_DIMS || ks.length > MAX_DIMS) {
    if (src !== x) src.dispose();
    return null;
  }
  return { src, k, outShape, os, ost, ks, kst };
}

/**
 * One invocation per output for short reductions over many outputs (coalesced when the kept dims
 * are innermost), else a workgroup per output.
 */
function perThread(k: number, nOut: number, kst: number[], ost: number[]): boolean {
  if (k <= 32) return true;
  // reduced dims strided and the outputs adjacent in memory: invocations on adjacent outputs read
  // adjacent addresses (column sums); long loops are split into chunks by the caller
  return kst[kst.length - 1] !== 1 && (ost[ost.length - 1] === 1 || (nOut >= 8 * WG && k <= 2048));
}

/** perThread for the kernels without chunk splitting (moments, argreduce): loops stay short. */
function perThreadShort(k: number, nOut: number, kst: number[], ost: number[]): boolean {
  return k <= 32 || (k <= 2048 && nOut >= 8 * WG && perThread(k, nOut, kst, ost));
}

/**
 * Reduces x over `dims` (sorted, distinct) with the reduction `kind`, keepdim as in PyTorch; float32
 * result for float inputs, int64 for int64 inputs (sum, max, min only). Null for other dtypes, an
 * empty reduction (k = 0, which the caller fills), or a CPU x.
 *
 * @example
 * ```ts
 * const s = gpuReduce('sum', x, [1], true); // row sums, shape [n, 1]
 * ```
 */
export function gpuReduce(kind: keyof typeof REDUCE_OPS, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor | null {
  x._check();
  if (x.dtype === 'int64') return gpuReduceI64(kind, x, dims, keepdim);
  const l = layout(x, dims, keepdim);
  if (!l) return null;
  const { src: xin, k, outShape, os, ost, ks, kst } = l;
  const nOut = shapeNumel(outShape);
  let out: Tensor;
  const mk = (chunks: number, chunkLen: number) =>
    new Params(160)
      .u32(nOut).u32(k).u32(os.length).u32(ks.length)
      .u32(xin._offset).u32(REDUCE_OPS[kind]).u32(chunks).u32(chunkLen)
      .dims(os).dims(ost, MAX_DIMS, true).dims(ks).dims(kst, MAX_DIMS, true);
  if (nOut === 0) {
    out = Tensor._empty(outShape, 'float32', 'webgpu');
  } else if (perThread(k, nOut, kst, ost)) {
    // few outputs with long loops: split r so that enough invocations run (then combine); no
    // invocation loops more than 4096 times (wgpu on lavapipe was seen cutting loops at 32768)
    const chunks = k >= 256 ? Math.max(Math.ceil(k / 4096), Math.min(Math.ceil(k / 64), Math.ceil(65536 / nOut))) : 1;
    const chunkLen = Math.ceil(k / chunks);
    const dst = chunks === 1 ? Tensor._empty(outShape, 'float32', 'webgpu') : Tensor._empty([nOut, chunks], 'float32', 'webgpu');
    launch({ key: 'reduce:thread', code: REDUCE, constants: { ROWS: 0 } }, [xin, dst], mk(chunks, chunkLen).buffer, groups1d(nOut * chunks));
    if (chunks === 1) out = dst;
    else {
      const r = gpuReduce(COMBINE[kind], dst, [1], false) as Tensor;
      dst.dispose();
      out = r._view(outShape, contiguousStrides(outShape), 0);
      r.dispose();
    }
  } else {
    // long reductions over few outputs: split each into chunks (enough workgroups to fill a GPU),
    // then combine the [nOut, chunks] partials
    const chunks = nOut < 256 && k >= 32 * 1024 ? Math.min(Math.ceil(k / 8192), Math.ceil(1024 / nOut)) : 1;
    const chunkLen = Math.ceil(k / chunks);
    if (chunks === 1) {
      out = Tensor._empty(outShape, 'float32', 'webgpu');
      launch({ key: 'reduce:rows', code: REDUCE, constants: { ROWS: 1 } }, [xin, out], mk(1, k).buffer, groupsRows(nOut));
    } else {
      const part = Tensor._empty([nOut, chunks], 'float32', 'webgpu');
      launch({ key: 'reduce:rows', code: REDUCE, constants: { ROWS: 1 } }, [xin, part], mk(chunks, chunkLen).buffer, groupsRows(nOut * chunks));
      const r = gpuReduce(COMBINE[kind], part, [1], false) as Tensor;
      part.dispose();
      out = r._view(outShape, contiguousStrides(outShape), 0);
      r.dispose();
    }
  }
  if (xin !== x) xin.dispose();
  return out;
}

/**
 * Mean and variance (std when takeSqrt) of x over `dims` in one kernel, two-pass like the CPU:
 * var = sum((x - mean)^2) / max(k - correction, 0). Float32 results of the reduced shape. Null for
 * a CPU or non-float x or an empty reduction.
 *
 * @example
 * ```ts
 * const { m, v } = gpuMoments(x, [1], false, 1, false)!; // unbiased variance per row
 * ```
 */
export function gpuMoments(x: Tensor, dims: readonly number[], keepdim: boolean, correction: number, takeSqrt: boolean): { m: Tensor; v: Tensor } | null {
  x._check();
  const l = layout(x, dims, keepdim);
  if (!l) return null;
  const { src, k, outShape, os, ost, ks, kst } = l;
  const m = Tensor._empty(outShape, 'float32', 'webgpu');
  const v = Tensor._empty(outShape, 'float32', 'webgpu');
  const nOut = m.numel();
  if (nOut > 0) {
    const den = k - correction;
    const prm = new Params(160)
      .u32(nOut).u32(k).u32(os.length).u32(ks.length)
      .u32(src._offset).u32(takeSqrt ? 1 : 0).f32(1 / k).f32(1 / (den > 0 ? den : 0))
      .dims(os).dims(ost, MAX_DIMS, true).dims(ks).dims(kst, MAX_DIMS, true);
    const pt = perThreadShort(k, nOut, kst, ost);
    launch({ key: `moments:${pt ? 'thread' : 'rows'}`, code: MOMENTS, constants: { ROWS: pt ? 0 : 1 } }, [src, m, v], prm.buffer, pt ? groups1d(nOut) : groupsRows(nOut), 2);
  }
  if (src !== x) src.dispose();
  return { m, v };
}

/**
 * argmax (op 0) / argmin (op 1) of x over `dims` (one dim, or every dim for the flattened index)
 * with the extreme values, as the CPU argreduce kernel: first occurrence on ties, NaN wins. Returns
 * float32 values and int64 indices of `outShape` (keepdim already applied by the caller). Null for
 * a CPU or non-float x or an empty reduction.
 *
 * @example
 * ```ts
 * const { values, indices } = gpuArgReduce(0, x, [1], [x.shape[0]])!; // x.max(1)
 * ```
 */
export function gpuArgReduce(op: 0 | 1, x: Tensor, dims: readonly number[], outShape: readonly number[]): { values: Tensor; indices: Tensor } | null {
  x._check();
  const l = layout(x, dims, true);
  if (!l) return null;
  const { src, k, os, ost, ks, kst } = l;
  const values = Tensor._empty(outShape, 'float32', 'webgpu');
  const indices = Tensor._empty(outShape, 'int64', 'webgpu');
  const nOut = values.numel();
  if (nOut > 0) {
    const prm = new Params(160)
      .u32(nOut).u32(k).u32(os.length).u32(ks.length).u32(src._offset).u32(0).u32(0).u32(0)
      .dims(os).dims(ost, MAX_DIMS, true).dims(ks).dims(kst, MAX_DIMS, true);
    const pt = perThreadShort(k, nOut, kst, ost);
    launch(
      { key: `argreduce:${op}:${pt ? 'thread' : 'rows'}`, code: ARGREDUCE, constants: { ROWS: pt ? 0 : 1, OPMIN: op } },
      [src, values, indices], prm.buffer, pt ? groups1d(nOut) : groupsRows(nOut), 2,
    );
  }
  if (src !== x) src.dispose();
  return { values, indices };
}

/** int64 sum / max / min (gpu-bridge/reduce-i64.wgsl); int64 result. */
function gpuReduceI64(kind: keyof typeof REDUCE_OPS, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor | null {
  if (kind !== 'sum' && kind !== 'max' && kind !== 'min') return null;
  const l = layout(x, dims, keepdim, true);
  if (!l) return null;
  const { src, k, outShape, os, ost, ks, kst } = l;
  const out = Tensor._empty(outShape, 'int64', 'webgpu');
  const nOut = out.numel();
  if (nOut > 0) {
    const prm = new Params(160)
      .u32(nOut).u32(k).u32(os.length).u32(ks.length).u32(src._offset).u32(REDUCE_OPS[kind]).u32(0).u32(0)
      .dims(os).dims(ost, MAX_DIMS, true).dims(ks).dims(kst, MAX_DIMS, true);
    // loops stay short: per-invocation only for short slices, else a workgroup per output
    const pt = perThreadShort(k, nOut, kst, ost);
    if (!pt && k > 1 << 20) {
      out.dispose();
      return null;
    }
    launch({ key: `reduce-i64:${pt ? 'thread' : 'rows'}`, code: REDUCE_I64, constants: { ROWS: pt ? 0 : 1 } }, [src, out], prm.buffer, pt ? groups1d(nOut) : groupsRows(nOut));
  }
  return out;
}
