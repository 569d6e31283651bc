/**
 * Kernel launch helpers shared by the ops: compute-dtype selection (float32 for floats, int32 for
 * the narrow integer types, int64), casting inputs in and outputs back, dim coalescing and the
 * metadata written for the n-d drivers. Ops call these instead of touching wasm directly, which
 * keeps the boundary in one place.
 */
import { kernels, writeMeta } from '../backend/wasm.js';
import { DTYPE_CODE, ITEMSIZE, type DType } from '../tensor/dtype.js';
import { Tensor, coalesce } from '../tensor/tensor.js';
import { broadcastShapes, broadcastStrides } from './args.js';
import { fromValues } from './creation.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuBinary, gpuCopyInto, gpuUnary, gpuWhere } from '../backend/webgpu/elementwise.js';

/** The dtype a kernel computes in for values of dtype d. */
export function computeDType(d: DType): 'float32' | 'int32' | 'int64' {
  if (gpuArgs(computeDType, arguments)) return viaGpu('computeDType', computeDType, arguments) as never;
  return d === 'float32' || d === 'float16' ? 'float32' : d === 'int64' ? 'int64' : 'int32';
}

/** Kernel kind code for a compute dtype. */
export function kindCode(d: 'float32' | 'int32' | 'int64'): number {
  if (gpuArgs(kindCode, arguments)) return viaGpu('kindCode', kindCode, arguments) as never;
  return DTYPE_CODE[d];
}

/** x as dtype `d` (the same tensor when it already is). */
export function asDType(x: Tensor, d: DType): Tensor {
  if (gpuArgs(asDType, arguments)) return viaGpu('asDType', asDType, arguments) as never;
  return x.dtype === d ? x : x._copyTo(d);
}

/** Converts a computed tensor to the output dtype, freeing the intermediate. */
export function toOut(y: Tensor, d: DType): Tensor {
  if (gpuArgs(toOut, arguments)) return viaGpu('toOut', toOut, arguments) as never;
  if (y.dtype === d) return y;
  const r = y._copyTo(d);
  y.dispose();
  return r;
}

/** Runs a unary kernel (op code from the pointwise table) over x; result in the compute dtype. */
export function launchUnary(op: number, x: Tensor, p = 0, q = 0): Tensor {
  if (gpuArgs(launchUnary, arguments)) return viaGpu('launchUnary', launchUnary, arguments) as never;
  if (x.device === 'webgpu') {
    const g = gpuUnary(op, x, p, q);
    if (g) return g;
  }
  x._check();
  const cd = computeDType(x.dtype);
  const xin = asDType(x, cd);
  const out = Tensor._empty(x.shape, cd);
  const n = out.numel();
  if (n > 0) {
    // contiguous input (the common case): one row, no coalescing
    if (xin.isContiguous()) {
      kernels.unary(op, kindCode(cd), xin._ptr(), out._ptr(), 1, writeMeta([n, 1]), p, q);
    } else {
      const [shape, [st]] = coalesce(xin.shape, [xin._strides]);
      const meta = writeMeta(shape, st);
      kernels.unary(op, kindCode(cd), xin._ptr(), out._ptr(), shape.length, meta, p, q);
    }
  }
  if (xin !== x) xin.dispose();
  return out;
}

/** Runs a binary or comparison kernel on a and b broadcast together, computing in dtype cd. */
export function launchBinary(op: number, a: Tensor, b: Tensor, cd: 'float32' | 'int32' | 'int64', cmp: boolean): Tensor {
  if (gpuArgs(launchBinary, arguments)) return viaGpu('launchBinary', launchBinary, arguments) as never;
  if (a.device === 'webgpu' || b.device === 'webgpu') {
    const g = gpuBinary(op, a, b, cd, cmp);
    if (g) return g;
  }
  a._check();
  b._check();
  const shape = broadcastShapes(a.shape, b.shape);
  const ai = asDType(a, cd);
  const bi = asDType(b, cd);
  const out = Tensor._empty(shape, cmp ? 'bool' : cd);
  const n = out.numel();
  if (n > 0) {
    // common cases without coalescing: each operand either contiguous with the output's shape
    // (stride 1 over one row) or a single element (stride 0)
    const fa = flatStride(ai, shape);
    const fb = flatStride(bi, shape);
    if (fa >= 0 && fb >= 0) {
      kernels.binary(op, kindCode(cd), ai._ptr(), bi._ptr(), out._ptr(), 1, writeMeta([n, fa, fb]), cmp ? 1 : 0);
    } else {
      const [cs, [sa, sb]] = coalesce(shape, [broadcastStrides(ai.shape, ai._strides, shape), broadcastStrides(bi.shape, bi._strides, shape)]);
      const meta = writeMeta(cs, sa, sb);
      kernels.binary(op, kindCode(cd), ai._ptr(), bi._ptr(), out._ptr(), cs.length, meta, cmp ? 1 : 0);
    }
  }
  if (ai !== a) ai.dispose();
  if (bi !== b) bi.dispose();
  return out;
}

/**
 * The stride of t over the flattened output of shape `shape`: 1 when t is contiguous with that
 * shape, 0 when t holds a single element, -1 otherwise (the caller coalesces).
 */
function flatStride(t: Tensor, shape: readonly number[]): number {
  const s = t.shape;
  if (s.length === 0) return 0;
  let same = s.length === shape.length;
  let one = true;
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== 1) one = false;
    if (same && s[i] !== shape[i]) same = false;
  }
  if (one) return 0;
  return same && t.isContiguous() ? 1 : -1;
}

/** A 0-d tensor for a JS scalar operand. */
export function scalarOperand(v: number | boolean | bigint, d: DType): Tensor {
  if (gpuArgs(scalarOperand, arguments)) return viaGpu('scalarOperand', scalarOperand, arguments) as never;
  return fromValues([v], [], d);
}

/** Writes `src` (any layout, same shape) into `dst` in place (dst may be a strided view). */
export function copyInto(dst: Tensor, src: Tensor): void {
  if (gpuArgs(copyInto, arguments)) return viaGpu('copyInto', copyInto, arguments) as never;
  dst._check();
  src._check();
  if (dst.numel() === 0) return;
  if (dst.device === 'webgpu' && gpuCopyInto(dst, src)) {
    dst._version++;
    return;
  }
  const s = src.isContiguous() && src.dtype === dst.dtype ? src : src._copyTo(dst.dtype);
  const [shape, [st]] = coalesce(dst.shape, [dst._strides]);
  const meta = writeMeta(shape, st);
  const sp = s._ptr();
  kernels.copy_strided(DTYPE_CODE[dst.dtype], sp, DTYPE_CODE[dst.dtype], dst._ptr(), shape.length, meta, 1);
  if (s !== src) s.dispose();
  dst._version++;
}

/** where(c, a, b) kernel: c bool, a and b of one dtype, all broadcast together. */
export function launchWhere(c: Tensor, a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(launchWhere, arguments)) return viaGpu('launchWhere', launchWhere, arguments) as never;
  if (c.device === 'webgpu') {
    const g = gpuWhere(c, a, b);
    if (g) return g;
  }
  c._check();
  a._check();
  b._check();
  const shape = broadcastShapes(broadcastShapes(c.shape, a.shape), b.shape);
  const out = Tensor._empty(shape, a.dtype);
  if (out.numel() > 0) {
    const [cs, [sc, sa, sb]] = coalesce(shape, [
      broadcastStrides(c.shape, c._strides, shape),
      broadcastStrides(a.shape, a._strides, shape),
      broadcastStrides(b.shape, b._strides, shape),
    ]);
    const meta = writeMeta(cs, sc, sa, sb);
    kernels.where(ITEMSIZE[a.dtype], c._ptr(), a._ptr(), b._ptr(), out._ptr(), cs.length, meta);
  }
  return out;
}
