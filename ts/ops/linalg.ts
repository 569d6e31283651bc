/**
 * Linear algebra products: matmul (every PyTorch rank case, batch broadcasting), mm, bmm, mv, dot,
 * vdot, inner, outer/ger, addmm, addmv, addr, baddbmm, linear (the fused `x @ W^T + b` of
 * nn.Linear), einsum, tensordot, kron, cross, and the diagonal family (diagonal as a strided view, diag,
 * diagEmbed, trace), with their gradients. Float products run on the SIMD sgemm kernel
 * (simd/gemm.ts): transposed or sliced operands are passed as transA/transB and leading dimensions
 * instead of being copied, batches go through one `sgemm_batch` call per coalesced batch dim.
 * float16 computes in float32 and casts back. Integer products (PyTorch supports them on the CPU)
 * run in JS: exactly in float64 when every partial sum fits in 2^53, otherwise in BigInt, wrapping
 * to the dtype's width like PyTorch's integer accumulation.
 */
import { kernels, requireKernels } from '../backend/wasm.js';
import { record } from '../autograd/node.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { Tensor, contiguousStrides, normDim, shapeNumel } from '../tensor/tensor.js';
import { defineMethods } from '../tensor/methods.js';
import { broadcastShapes, broadcastStrides, optArgs } from './args.js';
import { coalesce } from '../tensor/tensor.js';
import { copyInto, toOut } from './launch.js';
import { filled, fromValues } from './creation.js';
import { add, mul, sub } from './pointwise.js';
import { stack } from './movement.js';
import { sum, sumToShape } from './reduce.js';
import { expand, permute, reshape, select, toDType, transpose, unsqueeze } from './shape.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuGemm } from '../backend/webgpu/matmul.js';
import { GpuNeedsCpu } from '../backend/webgpu/storage.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    /** `batch` sgemm calls with element strides sa, sb, sc between the A, B and C matrices. */
    sgemm_batch(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, sa: number, b: number, ldb: number, sb: number, beta: number, c: number, ldc: number, sc: number, batch: number): void;
    /** Rows m0..m1 of an sgemm (for threaded callers). */
    sgemm_rows(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, m0: number, m1: number): void;
  }
}
requireKernels('sgemm_batch', 'sgemm_rows');

// ---- errors and small helpers ----------------------------------------------------------------------

const SCALAR_NAME: Record<DType, string> = { float32: 'Float', float16: 'Half', int32: 'Int', int64: 'Long', int8: 'Char', uint8: 'Byte', bool: 'Bool' };

function checkTensor(fn: string, name: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument '${name}' must be Tensor, not ${x === null ? 'null' : typeof x}`);
}

function checkSameDType(...ts: Tensor[]): void {
  for (const t of ts) {
    if (t.dtype !== ts[0].dtype) throw new TypeError(`expected scalar type ${SCALAR_NAME[ts[0].dtype]} but found ${SCALAR_NAME[t.dtype]}`);
  }
}

function checkNotBool(fn: string, t: Tensor): void {
  if (t.dtype === 'bool') throw new TypeError(`"${fn}" not implemented for 'Bool'`);
}

const dims = (s: readonly number[]): string => s.join('x');

/** Runs fn on a temporary view and disposes the view (its storage stays with the tensor). */
function withView<T>(v: Tensor, fn: (v: Tensor) => T): T {
  try {
    return fn(v);
  } finally {
    v.dispose();
  }
}

/** A broadcast view of t as `shape` that records no autograd (for kernel operands). */
function rawExpand(t: Tensor, shape: readonly number[]): Tensor {
  return t._view(shape.slice(), broadcastStrides(t.shape, t._strides, shape), t._offset);
}

/** A view of the k-th diagonal of dims d1, d2 (appended as the last dim); records no autograd. */
function diagView(x: Tensor, offset: number, d1: number, d2: number): Tensor {
  const s1 = x.shape[d1];
  const s2 = x.shape[d2];
  const n = Math.max(0, offset >= 0 ? Math.min(s1, s2 - offset) : Math.min(s1 + offset, s2));
  const shape = x.shape.filter((_, i) => i !== d1 && i !== d2);
  const strides = x._strides.filter((_, i) => i !== d1 && i !== d2);
  shape.push(n);
  strides.push(x._strides[d1] + x._strides[d2]);
  const off = n === 0 ? x._offset : x._offset + (offset >= 0 ? offset * x._strides[d2] : -offset * x._strides[d1]);
  return x._view(shape, strides, off);
}

// ---- the product kernel: op(A) @ op(B) over broadcast batch dims -------------------------------------

interface Layout {
  trans: number;
  ld: number;
}

/** How sgemm can read the last two dims of t in place (null when it needs a copy). */
function layoutOf(t: Tensor): Layout | null {
  const nd = t.ndim;
  const R = t.shape[nd - 2];
  const C = t.shape[nd - 1];
  const s0 = t._strides[nd - 2];
  const s1 = t._strides[nd - 1];
  if (C <= 1 || s1 === 1) return { trans: 0, ld: R <= 1 && s0 === 0 ? Math.max(C, 1) : s0 };
  if (R <= 1 || s0 === 1) return { trans: 1, ld: s1 };
  return null;
}

/** A float32 operand whose last two dims sgemm can read (t itself when it already is one). */
function gemmOperand(t: Tensor): Tensor {
  if (t.dtype === 'float32' && layoutOf(t)) return t;
  return t._copyTo('float32');
}

/**
 * @internal out (contiguous float32 [...batch, M, N]) = alpha * a @ b + beta * out, where a is
 * [...Ba, M, K] and b is [...Bb, K, N] in float32 with sgemm-readable layouts and batch dims that
 * broadcast to out's.
 */
function gemmInto(a: Tensor, b: Tensor, out: Tensor, alpha: number, beta: number): void {
  const nd = out.ndim;
  const M = out.shape[nd - 2];
  const N = out.shape[nd - 1];
  const K = a.shape[a.ndim - 1];
  if (M === 0 || N === 0 || shapeNumel(out.shape) === 0) return;
  const la = layoutOf(a) as Layout;
  const lb = layoutOf(b) as Layout;
  const batch = out.shape.slice(0, -2);
  const [bs, [sa, sb, sc]] = coalesce(batch, [
    broadcastStrides(a.shape.slice(0, -2), a._strides.slice(0, -2), batch),
    broadcastStrides(b.shape.slice(0, -2), b._strides.slice(0, -2), batch),
    out._strides.slice(0, -2),
  ]);
  const last = bs.length - 1;
  const outer = shapeNumel(bs.slice(0, last));
  // make every storage resident first, then read the final addresses
  a._ptr();
  b._ptr();
  out._ptr();
  const pa = a._ptr();
  const pb = b._ptr();
  const pc = out._ptr();
  const idx = new Array<number>(last).fill(0);
  for (let o = 0; o < outer; o++) {
    let oa = 0;
    let ob = 0;
    let oc = 0;
    for (let d = 0; d < last; d++) {
      oa += idx[d] * sa[d];
      ob += idx[d] * sb[d];
      oc += idx[d] * sc[d];
    }
    kernels.sgemm_batch(la.trans, lb.trans, M, N, K, alpha, pa + oa * 4, la.ld, sa[last], pb + ob * 4, lb.ld, sb[last], beta, pc + oc * 4, N, sc[last], bs[last]);
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d] < bs[d]) break;
      idx[d] = 0;
    }
  }
}

/**
 * @internal alpha * a @ b + beta * init without autograd: a [...Ba, M, K], b [...Bb, K, N] of one
 * dtype, batch dims broadcast; init (broadcastable to the result) is read only when beta != 0.
 */
export function matmulRaw(a: Tensor, b: Tensor, init: Tensor | null = null, beta = 0, alpha = 1, finalShape?: number[]): Tensor {
  if (gpuArgs(matmulRaw, arguments)) return viaGpu('matmulRaw', matmulRaw, arguments) as never;
  const dt = a.dtype;
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batch, a.shape[a.ndim - 2], b.shape[b.ndim - 1]];
  if (a.device === 'webgpu' || b.device === 'webgpu' || init?.device === 'webgpu') {
    const r = gpuGemm(a, b, init, init ? beta : 0, alpha);
    if (r) {
      if (!finalShape) return r;
      const v = r._view(finalShape.slice(), contiguousStrides(finalShape), 0);
      v._base = null;
      r.dispose();
      return v;
    }
    // integer products read the values in JS: the dispatcher reruns this op on the CPU
    if (!isFloating(dt)) throw new GpuNeedsCpu();
  }
  if (!isFloating(dt)) {
    const r = intMatmul(a, b, outShape, init, beta, alpha);
    if (!finalShape) return r;
    const v = r._view(finalShape.slice(), contiguousStrides(finalShape), 0);
    v._base = null;
    r.dispose();
    return v;
  }
  const A = gemmOperand(a);
  const B = gemmOperand(b);
  const fin = Tensor._empty(finalShape ?? outShape, 'float32');
  const out = finalShape ? fin._view(outShape, contiguousStrides(outShape), 0) : fin;
  if (beta !== 0 && init && out.numel() > 0) withView(rawExpand(init, outShape), (v) => copyInto(out, v));
  gemmInto(A, B, out, alpha, init ? beta : 0);
  if (out !== fin) out.dispose();
  if (A !== a) A.dispose();
  if (B !== b) B.dispose();
  return toOut(fin, dt);
}

/** Integer products in JS: float64 when exact, BigInt otherwise; wraps to the dtype like PyTorch. */
function intMatmul(a: Tensor, b: Tensor, outShape: number[], init: Tensor | null, beta: number, alpha: number): Tensor {
  const dt = a.dtype;
  const nd = outShape.length;
  const M = outShape[nd - 2];
  const N = outShape[nd - 1];
  const K = a.shape[a.ndim - 1];
  const batch = outShape.slice(0, -2);
  const nb = shapeNumel(batch);
  const A = withView(rawExpand(a, [...batch, M, K]), (v) => v.dataSync());
  const B = withView(rawExpand(b, [...batch, K, N]), (v) => v.dataSync());
  const C = init && beta !== 0 ? withView(rawExpand(init, outShape), (v) => v.dataSync()) : null;
  const num = (v: number | bigint): number => Number(v);
  let maxA = 0;
  let maxB = 0;
  for (let i = 0; i < A.length; i++) maxA = Math.max(maxA, Math.abs(num(A[i])));
  for (let i = 0; i < B.length; i++) maxB = Math.max(maxB, Math.abs(num(B[i])));
  let maxC = 0;
  if (C) for (let i = 0; i < C.length; i++) maxC = Math.max(maxC, Math.abs(num(C[i])));
  const exact = maxA * maxB * K * Math.abs(alpha) + maxC * Math.abs(beta) < 2 ** 53 && Number.isInteger(alpha) && Number.isInteger(beta);
  const n = nb * M * N;
  const vals: (number | bigint)[] = new Array(n);
  const bits = dt === 'int64' ? 64 : dt === 'int32' ? 32 : 8;
  for (let q = 0; q < nb; q++) {
    const ao = q * M * K;
    const bo = q * K * N;
    const co = q * M * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        if (exact) {
          let s = 0;
          for (let k = 0; k < K; k++) s += num(A[ao + i * K + k]) * num(B[bo + k * N + j]);
          let r = alpha * s + (C ? beta * num(C[co + i * N + j]) : 0);
          if (bits === 64) vals[co + i * N + j] = BigInt(r);
          else vals[co + i * N + j] = r;
          r = 0;
        } else {
          let s = 0n;
          for (let k = 0; k < K; k++) s += BigInt(A[ao + i * K + k]) * BigInt(B[bo + k * N + j]);
          s = BigInt(Math.trunc(alpha)) * s + (C ? BigInt(Math.trunc(beta)) * BigInt(C[co + i * N + j]) : 0n);
          vals[co + i * N + j] = bits === 64 ? BigInt.asIntN(64, s) : Number(BigInt.asIntN(bits, s));
        }
      }
    }
  }
  return fromValues(vals, outShape, dt);
}

// ---- the differentiable product (every product op routes here) --------------------------------------

/**
 * t viewed as `shape` (same elements) without autograd: a view when only size-1 dims change or t
 * is contiguous, else a contiguous copy. `owned` tells the caller to dispose it.
 */
function rawShape(t: Tensor, shape: readonly number[]): { v: Tensor; owned: boolean } {
  if (shape.length === t.ndim && shape.every((d, i) => d === t.shape[i])) return { v: t, owned: false };
  const src = t.isContiguous() ? t : null;
  if (src) return { v: t._view(shape.slice(), contiguousStrides(shape), t._offset), owned: true };
  // only size-1 dims inserted or removed: keep the strides of the other dims
  const keep = t.shape.map((d, i) => i).filter((i) => t.shape[i] !== 1);
  const want = shape.map((d, i) => i).filter((i) => shape[i] !== 1);
  if (keep.length === want.length && keep.every((d, k) => t.shape[d] === shape[want[k]])) {
    const st = shape.map(() => 0);
    want.forEach((i, k) => (st[i] = t._strides[keep[k]]));
    return { v: t._view(shape.slice(), st, t._offset), owned: true };
  }
  const c = t._copyTo(t.dtype);
  const v = c._view(shape.slice(), contiguousStrides(shape), 0);
  v._base = null;
  c.dispose();
  return { v, owned: true };
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const reshapeTo = (t: Tensor, shape: readonly number[]): Tensor => (sameShape(t.shape, shape) ? t : reshape(t, shape.slice()));

/**
 * @internal The one differentiable product: y = a' @ b' where a' is a seen as `aShape`
 * ([...Ba, M, K]) and b' is b seen as `bShape` ([...Bb, K, N]), batch dims broadcast, written
 * directly in the result shape `outShape` (same elements as [...batch, M, N]; dims of size 1
 * dropped or batches folded), so no intermediate tensor is left behind. The gradient is
 * dA' = g' @ B'^T and dB' = A'^T @ g', summed over the batch dims each operand was broadcast on.
 */
function productOp(name: string, a: Tensor, b: Tensor, aShape: number[], bShape: number[], outShape: number[] | null): Tensor {
  const ra = rawShape(a, aShape);
  const rb = rawShape(b, bShape);
  const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
  const prodShape = [...batch, aShape[aShape.length - 2], bShape[bShape.length - 1]];
  const y = matmulRaw(ra.v, rb.v, null, 0, 1, outShape && !sameShape(outShape, prodShape) ? outShape : undefined);
  if (ra.owned) ra.v.dispose();
  if (rb.owned) rb.v.dispose();
  record(name, [a, b], y, [a, b], ([g], [sa, sb], needs) => {
    const A = reshapeTo(sa, aShape);
    const B = reshapeTo(sb, bShape);
    const G = reshapeTo(g, prodShape);
    return [
      needs[0] ? reshapeTo(sumToShape(mmBatched(G, transpose(B, -2, -1)), aShape), sa.shape) : null,
      needs[1] ? reshapeTo(sumToShape(mmBatched(transpose(A, -2, -1), G), bShape), sb.shape) : null,
    ];
  });
  return y;
}

/**
 * @internal a @ b for a [...Ba, M, K] and b [...Bb, K, N] (ndim >= 2, batch dims broadcast), with
 * its gradient; `outShape` optionally reshapes the result for free.
 */
export function mmBatched(a: Tensor, b: Tensor, outShape: number[] | null = null): Tensor {
  if (gpuArgs(mmBatched, arguments)) return viaGpu('mmBatched', mmBatched, arguments) as never;
  return productOp('MmBackward', a, b, a.shape, b.shape, outShape);
}

/**
 * Matrix product with PyTorch's rank rules: 1-d @ 1-d is a dot product, 2-d @ 2-d a matrix
 * product, a 1-d operand is treated as a row (left) or column (right) vector and its dim removed
 * from the result, and higher ranks are batches whose leading dims broadcast.
 *
 * @example
 * ```ts
 * torch.matmul(torch.randn(10, 3, 4), torch.randn(4, 5)).shape; // [10, 3, 5]
 * torch.randn(2, 1, 3, 4).matmul(torch.randn(5, 4, 2)).shape;   // [2, 5, 3, 2]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(matmul, arguments)) return viaGpu('matmul', matmul, arguments) as never;
  checkTensor('matmul', 'input', a);
  checkTensor('matmul', 'other', b);
  const d1 = a.ndim;
  const d2 = b.ndim;
  if (d1 === 0 || d2 === 0) throw new RangeError(`both arguments to matmul need to be at least 1D, but they are ${d1}D and ${d2}D`);
  if (d1 === 1 && d2 === 1) return dot(a, b);
  if (d1 === 2 && d2 === 1) return mv(a, b);
  if (d1 === 1 && d2 === 2) {
    if (a.shape[0] !== b.shape[0]) throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (1x${a.shape[0]} and ${dims(b.shape)})`);
    checkSameDType(a, b);
    checkNotBool('addmm_impl_cpu_', a);
    return productOp('MmBackward', a, b, [1, a.shape[0]], b.shape, [b.shape[1]]);
  }
  if (d1 === 2 && d2 === 2) return mm(a, b);
  const K1 = a.shape[d1 - 1];
  if (d1 >= 3 && d2 <= 2) {
    // fold the batch into the rows: one large GEMM (or GEMV)
    const M = shapeNumel(a.shape.slice(0, -1));
    const K2 = b.shape[0];
    if (K1 !== K2) {
      throw new RangeError(d2 === 1 ? `size mismatch, got ${M}, ${M}x${K1},${K2}` : `mat1 and mat2 shapes cannot be multiplied (${M}x${K1} and ${dims(b.shape)})`);
    }
    checkSameDType(a, b);
    checkNotBool('addmm_impl_cpu_', a);
    const out = d2 === 1 ? a.shape.slice(0, -1) : [...a.shape.slice(0, -1), b.shape[1]];
    return productOp('MmBackward', a, b, [M, K1], d2 === 1 ? [K2, 1] : b.shape, out);
  }
  const K2 = b.shape[d2 - 2];
  if (d1 <= 2) {
    // PyTorch folds b's batch into its columns here; keep its messages, compute batched
    const BN = shapeNumel(b.shape.slice(0, -2)) * b.shape[d2 - 1];
    if (K1 !== K2) {
      throw new RangeError(d1 === 1 ? `size mismatch, got ${BN}, ${BN}x${K2},${K1}` : `mat1 and mat2 shapes cannot be multiplied (${BN}x${K2} and ${K1}x${a.shape[0]})`);
    }
  }
  const aShape = d1 === 1 ? [1, K1] : a.shape;
  const bShape = d2 === 1 ? [K2, 1] : b.shape;
  const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
  if (K1 !== K2) {
    const B = shapeNumel(batch);
    throw new RangeError(`Expected size for first two dimensions of batch2 tensor to be: [${B}, ${K1}] but got: [${B}, ${K2}].`);
  }
  checkSameDType(a, b);
  checkNotBool('addmm_impl_cpu_', a);
  const out = [...batch, ...(d1 === 1 ? [] : [a.shape[d1 - 2]]), ...(d2 === 1 ? [] : [b.shape[d2 - 1]])];
  return productOp('MmBackward', a, b, aShape, bShape, out);
}

/**
 * Matrix product of two 2-d tensors.
 *
 * @example
 * ```ts
 * torch.mm(torch.ones(2, 3), torch.ones(3, 4)); // [2, 4] filled with 3
 * ```
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(mm, arguments)) return viaGpu('mm', mm, arguments) as never;
  checkTensor('mm', 'input', a);
  checkTensor('mm', 'mat2', b);
  if (a.ndim !== 2) throw new RangeError('self must be a matrix');
  if (b.ndim !== 2) throw new RangeError('mat2 must be a matrix');
  if (a.shape[1] !== b.shape[0]) throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${dims(a.shape)} and ${dims(b.shape)})`);
  checkSameDType(a, b);
  checkNotBool('addmm_impl_cpu_', a);
  return mmBatched(a, b);
}

function checkBmm(fn: string, a: Tensor, b: Tensor): void {
  if (a.ndim !== 3) throw new RangeError('batch1 must be a 3D tensor');
  if (b.ndim !== 3) throw new RangeError('batch2 must be a 3D tensor');
  if (b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[2]) {
    throw new RangeError(`Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  checkSameDType(a, b);
  checkNotBool(fn, a);
}

/**
 * Batched matrix product of two 3-d tensors [B, M, K] @ [B, K, N] (no broadcasting, as in PyTorch).
 *
 * @example
 * ```ts
 * torch.bmm(torch.randn(8, 2, 3), torch.randn(8, 3, 4)).shape; // [8, 2, 4]
 * ```
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(bmm, arguments)) return viaGpu('bmm', bmm, arguments) as never;
  checkTensor('bmm', 'input', a);
  checkTensor('bmm', 'mat2', b);
  checkBmm('bmm', a, b);
  return mmBatched(a, b);
}

/**
 * Matrix-vector product: [M, K] @ [K] -> [M].
 *
 * @example
 * ```ts
 * torch.mv(torch.eye(3), torch.tensor([1, 2, 3], { dtype: 'float32' })); // [1, 2, 3]
 * ```
 */
export function mv(a: Tensor, v: Tensor): Tensor {
  if (gpuArgs(mv, arguments)) return viaGpu('mv', mv, arguments) as never;
  checkTensor('mv', 'input', a);
  checkTensor('mv', 'vec', v);
  if (a.ndim !== 2 || v.ndim !== 1) throw new RangeError(`vector + matrix @ vector expected, got 1, ${a.ndim}, ${v.ndim}`);
  if (a.shape[1] !== v.shape[0]) throw new RangeError(`size mismatch, got ${a.shape[0]}, ${dims(a.shape)},${v.shape[0]}`);
  checkSameDType(a, v);
  checkNotBool('addmv_impl_cpu', a);
  return productOp('MvBackward', a, v, a.shape, [v.shape[0], 1], [a.shape[0]]);
}

/**
 * Dot product of two 1-d tensors of the same length and dtype (a 0-d result).
 *
 * @example
 * ```ts
 * torch.dot(torch.tensor([1, 2]), torch.tensor([3, 4])).item(); // 11
 * ```
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(dot, arguments)) return viaGpu('dot', dot, arguments) as never;
  checkTensor('dot', 'input', a);
  checkTensor('dot', 'tensor', b);
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.dtype !== b.dtype) throw new TypeError(`dot : expected both vectors to have same dtype, but found ${SCALAR_NAME[a.dtype]} and ${SCALAR_NAME[b.dtype]}`);
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  checkNotBool('dot', a);
  return productOp('DotBackward', a, b, [1, a.shape[0]], [b.shape[0], 1], []);
}

/** Dot product (for real tensors the same as `dot`). */
export function vdot(a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(vdot, arguments)) return viaGpu('vdot', vdot, arguments) as never;
  return dot(a, b);
}

/**
 * Outer product of two 1-d tensors: [n] x [m] -> [n, m] (dtypes promote, as in PyTorch).
 *
 * @example
 * ```ts
 * torch.outer(torch.tensor([1, 2]), torch.tensor([1, 10, 100])); // [[1, 10, 100], [2, 20, 200]]
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(outer, arguments)) return viaGpu('outer', outer, arguments) as never;
  checkTensor('outer', 'input', a);
  checkTensor('outer', 'vec2', b);
  if (a.ndim !== 1) throw new RangeError(`outer: Expected 1-D argument self, but got ${a.ndim}-D`);
  if (b.ndim !== 1) throw new RangeError(`outer: Expected 1-D argument vec2, but got ${b.ndim}-D`);
  return mul(unsqueeze(a, 1), b);
}
export const ger = outer;

/**
 * Inner product over the last dim: result shape a.shape[:-1] + b.shape[:-1] (a 0-d operand scales).
 *
 * @example
 * ```ts
 * torch.inner(torch.randn(2, 3), torch.randn(4, 3)).shape; // [2, 4]
 * ```
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(inner, arguments)) return viaGpu('inner', inner, arguments) as never;
  checkTensor('inner', 'input', a);
  checkTensor('inner', 'other', b);
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
    throw new RangeError(`inner() the last dimension must match on both input tensors but got shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  return tensordot(a, b, [[-1], [-1]]);
}

type ScaleOpts = { beta: number; alpha: number };

/**
 * The shared body of addmm/addmv/baddbmm: beta * input + alpha * (a' @ b') fused into one sgemm
 * (input is copied into the result first; beta = 0 never reads it). Shapes as in productOp.
 */
function addProduct(name: string, input: Tensor, a: Tensor, b: Tensor, beta: number, alpha: number, aShape: number[], bShape: number[], outShape: number[]): Tensor {
  checkSameDType(input, a, b);
  // PyTorch's message when input does not broadcast to the result
  expandCheck(input, outShape);
  const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
  const prodShape = [...batch, aShape[aShape.length - 2], bShape[bShape.length - 1]];
  const ra = rawShape(a, aShape);
  const rb = rawShape(b, bShape);
  const ie = rawExpand(input, outShape);
  const ri = rawShape(ie, prodShape);
  const y = matmulRaw(ra.v, rb.v, beta === 0 ? null : ri.v, beta, alpha, sameShape(outShape, prodShape) ? undefined : outShape);
  for (const r of [ra, rb, ri]) if (r.owned) r.v.dispose();
  ie.dispose();
  if (!isFloating(a.dtype)) return y;
  record(name, [input, a, b], y, [a, b], ([g], [sa, sb], needs) => {
    const A = reshapeTo(sa, aShape);
    const B = reshapeTo(sb, bShape);
    const G = reshapeTo(g, prodShape);
    return [
      needs[0] ? sumToShape(beta === 1 ? g : mul(g, beta), input.shape) : null,
      needs[1] ? reshapeTo(sumToShape(scaleBy(mmBatched(G, transpose(B, -2, -1)), alpha), aShape), sa.shape) : null,
      needs[2] ? reshapeTo(sumToShape(scaleBy(mmBatched(transpose(A, -2, -1), G), alpha), bShape), sb.shape) : null,
    ];
  });
  return y;
}

function scaleBy(t: Tensor, f: number): Tensor {
  return f === 1 ? t : mul(t, f);
}

function expandCheck(input: Tensor, shape: number[]): void {
  if (input.ndim > shape.length) {
    throw new RangeError(`expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${input.ndim})`);
  }
  const off = shape.length - input.ndim;
  input.shape.forEach((d, i) => {
    if (d !== 1 && d !== shape[i + off]) {
      throw new RangeError(`The expanded size of the tensor (${shape[i + off]}) must match the existing size (${d}) at non-singleton dimension ${i + off}.  Target sizes: [${shape.join(', ')}].  Tensor sizes: [${input.shape.join(', ')}]`);
    }
  });
}

/**
 * beta * input + alpha * (mat1 @ mat2), fused (input is broadcast to the result; with beta = 0 it
 * is ignored, NaN included, as in PyTorch).
 *
 * @example
 * ```ts
 * torch.addmm(bias, x, w, { beta: 1, alpha: 1 });
 * ```
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(addmm, arguments)) return viaGpu('addmm', addmm, arguments) as never;
  const o = optArgs<ScaleOpts>('addmm', opt, ['beta', 'alpha'], { beta: 1, alpha: 1 });
  checkTensor('addmm', 'input', input);
  checkTensor('addmm', 'mat1', mat1);
  checkTensor('addmm', 'mat2', mat2);
  if (mat1.ndim !== 2) throw new RangeError(`mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new RangeError(`mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  if (mat1.shape[1] !== mat2.shape[0]) throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${dims(mat1.shape)} and ${dims(mat2.shape)})`);
  checkNotBool('addmm_impl_cpu_', mat1);
  return addProduct('AddmmBackward', input, mat1, mat2, o.beta, o.alpha, mat1.shape, mat2.shape, [mat1.shape[0], mat2.shape[1]]);
}

/**
 * beta * input + alpha * (mat @ vec).
 *
 * @example
 * ```ts
 * torch.addmv(b, W, x); // W @ x + b
 * ```
 */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(addmv, arguments)) return viaGpu('addmv', addmv, arguments) as never;
  const o = optArgs<ScaleOpts>('addmv', opt, ['beta', 'alpha'], { beta: 1, alpha: 1 });
  checkTensor('addmv', 'input', input);
  checkTensor('addmv', 'mat', mat);
  checkTensor('addmv', 'vec', vec);
  if (mat.ndim !== 2 || vec.ndim !== 1) throw new RangeError(`vector + matrix @ vector expected, got ${input.ndim}, ${mat.ndim}, ${vec.ndim}`);
  if (mat.shape[1] !== vec.shape[0]) throw new RangeError(`size mismatch, got ${input.shape[0] ?? 1}, ${dims(mat.shape)},${vec.shape[0]}`);
  checkNotBool('addmv_impl_cpu', mat);
  return addProduct('AddmvBackward', input, mat, vec, o.beta, o.alpha, mat.shape, [vec.shape[0], 1], [mat.shape[0]]);
}

/**
 * beta * input + alpha * outer(vec1, vec2).
 *
 * @example
 * ```ts
 * torch.addr(torch.zeros(2, 3), torch.ones(2), torch.ones(3)); // ones(2, 3)
 * ```
 */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(addr, arguments)) return viaGpu('addr', addr, arguments) as never;
  const o = optArgs<ScaleOpts>('addr', opt, ['beta', 'alpha'], { beta: 1, alpha: 1 });
  const p = scaleBy(outer(vec1, vec2), o.alpha);
  if (o.beta === 0) {
    // input is ignored (NaN included), as in PyTorch; it must still broadcast to the result
    expandCheck(input, p.shape);
    return p;
  }
  return add(scaleBy(input, o.beta), p);
}

/**
 * beta * input + alpha * bmm(batch1, batch2).
 *
 * @example
 * ```ts
 * torch.baddbmm(torch.zeros(4, 2, 5), torch.randn(4, 2, 3), torch.randn(4, 3, 5), { alpha: 0.5 });
 * ```
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(baddbmm, arguments)) return viaGpu('baddbmm', baddbmm, arguments) as never;
  const o = optArgs<ScaleOpts>('baddbmm', opt, ['beta', 'alpha'], { beta: 1, alpha: 1 });
  checkTensor('baddbmm', 'input', input);
  checkTensor('baddbmm', 'batch1', batch1);
  checkTensor('baddbmm', 'batch2', batch2);
  checkBmm('baddbmm_cpu', batch1, batch2);
  return addProduct('BaddbmmBackward', input, batch1, batch2, o.beta, o.alpha, batch1.shape, batch2.shape, [batch1.shape[0], batch1.shape[1], batch2.shape[2]]);
}

/**
 * y = x @ weight^T + bias over the last dim of x (nn.Linear), as one sgemm with the bias fused in
 * (weight is read transposed in place, never copied).
 *
 * @example
 * ```ts
 * const y = torch.linear(x, w, b); // x [..., in], w [out, in], b [out] -> y [..., out]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (gpuArgs(linear, arguments)) return viaGpu('linear', linear, arguments) as never;
  checkTensor('linear', 'input', x);
  checkTensor('linear', 'weight', weight);
  if (bias !== undefined && bias !== null) checkTensor('linear', 'bias', bias);
  const b = bias ?? null;
  if (weight.ndim !== 2 || x.ndim === 0 || !isFloating(x.dtype)) {
    const y = matmul(x, weight.ndim === 2 ? transpose(weight, 0, 1) : weight);
    return b ? add(y, b) : y;
  }
  const inF = x.shape[x.ndim - 1];
  const outF = weight.shape[0];
  const M = shapeNumel(x.shape.slice(0, -1));
  if (inF !== weight.shape[1]) throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${M}x${inF} and ${weight.shape[1]}x${outF})`);
  if (b) checkSameDType(x, weight, b);
  else checkSameDType(x, weight);
  const outShape = [...x.shape.slice(0, -1), outF];
  if (b) expandCheck(b, [M, outF]);
  // x as an [M, in] matrix: a view when its rows are evenly strided, else a copy
  const xc = x.ndim <= 2 || x.isContiguous() ? x : x._copyTo(x.dtype);
  const x2 = xc.ndim === 2 ? xc : xc._view([M, inF], [xc.ndim === 1 ? 0 : inF, xc._strides[xc.ndim - 1]], xc._offset);
  const wt = weight._view([inF, outF], [weight._strides[1], weight._strides[0]], weight._offset);
  const y = matmulRaw(x2, wt, b, b ? 1 : 0, 1, outShape);
  if (x2 !== xc) x2.dispose();
  if (xc !== x) xc.dispose();
  wt.dispose();
  record('LinearBackward', [x, weight, b], y, [x, weight], ([g], [sx, sw], needs) => {
    const g2 = reshape(g, [M, outF]);
    const xf = needs[1] ? reshape(sx, [M, inF]) : null;
    return [
      needs[0] ? reshape(mm(g2, sw), sx.shape) : null,
      needs[1] ? mm(transpose(g2, 0, 1), xf as Tensor) : null,
      needs[2] && b ? sumToShape(g2, b.shape) : null,
    ];
  });
  return y;
}

// ---- diagonal family ------------------------------------------------------------------------------

type DiagOpts = { offset: number; dim1: number; dim2: number };

/** Scatters g into the k-th diagonal of zeros(shape) (the gradient of diagonal; differentiable). */
function diagonalBackward(g: Tensor, shape: number[], offset: number, d1: number, d2: number): Tensor {
  const z = filled(shape, 0, g.dtype);
  if (g.numel() > 0) withView(diagView(z, offset, d1, d2), (v) => copyInto(v, g));
  record('DiagonalBackwardBackward', [g], z, [], ([gg]) => [diagonal(gg, offset, d1, d2)]);
  return z;
}

/**
 * A view of the diagonal with respect to dims dim1 and dim2 (appended as the last dim); offset > 0
 * selects diagonals above the main one.
 *
 * @example
 * ```ts
 * torch.arange(9).view(3, 3).diagonal();  // [0, 4, 8]
 * x.diagonal({ offset: 1, dim1: -2, dim2: -1 });
 * ```
 */
export function diagonal(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(diagonal, arguments)) return viaGpu('diagonal', diagonal, arguments) as never;
  checkTensor('diagonal', 'input', x);
  const o = optArgs<DiagOpts>('diagonal', opt, ['offset', 'dim1', 'dim2'], { offset: 0, dim1: 0, dim2: 1 });
  const d1 = normDim(o.dim1, x.ndim);
  const d2 = normDim(o.dim2, x.ndim);
  if (d1 === d2) throw new RangeError(`diagonal dimensions cannot be identical ${o.dim1}, ${o.dim2}`);
  const y = diagView(x, o.offset, d1, d2);
  const shape = x.shape.slice();
  record('DiagonalBackward', [x], y, [], ([g]) => [diagonalBackward(g, shape, o.offset, d1, d2)]);
  return y;
}

/**
 * diag(1-d v, k): a square matrix with v on its k-th diagonal; diag(2-d m, k): the k-th diagonal of
 * m as a new 1-d tensor.
 *
 * @example
 * ```ts
 * torch.diag(torch.tensor([1, 2]));      // [[1, 0], [0, 2]]
 * torch.diag(torch.eye(3), 1);           // [0, 0]
 * ```
 */
export function diag(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(diag, arguments)) return viaGpu('diag', diag, arguments) as never;
  checkTensor('diag', 'input', x);
  const o = optArgs<{ diagonal: number }>('diag', opt, ['diagonal'], { diagonal: 0 });
  const k = o.diagonal;
  if (x.ndim === 1) {
    const n = x.shape[0] + Math.abs(k);
    const z = filled([n, n], 0, x.dtype);
    if (x.numel() > 0) withView(diagView(z, k, 0, 1), (v) => copyInto(v, x));
    record('DiagEmbedBackward', [x], z, [], ([g]) => [diagonal(g, k, 0, 1)]);
    return z;
  }
  if (x.ndim === 2) return contiguousCopy(diagonal(x, k, 0, 1));
  throw new RangeError('matrix or a vector expected');
}

function contiguousCopy(v: Tensor): Tensor {
  const y = v._copyTo(v.dtype);
  record('CloneBackward', [v], y, [], ([g]) => [g]);
  return y;
}

/**
 * Places the last dim of x on the diagonal of a new pair of dims (dim1, dim2) of the result.
 *
 * @example
 * ```ts
 * torch.diagEmbed(torch.ones(2, 3)).shape; // [2, 3, 3]
 * ```
 */
export function diagEmbed(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(diagEmbed, arguments)) return viaGpu('diagEmbed', diagEmbed, arguments) as never;
  checkTensor('diagEmbed', 'input', x);
  const o = optArgs<DiagOpts>('diagEmbed', opt, ['offset', 'dim1', 'dim2'], { offset: 0, dim1: -2, dim2: -1 });
  const nd = x.ndim + 1;
  const d1 = normDim(o.dim1, nd);
  const d2 = normDim(o.dim2, nd);
  if (d1 === d2) throw new RangeError(`diagonal dimensions cannot be identical ${o.dim1}, ${o.dim2}`);
  const last = x.ndim === 0 ? 1 : x.shape[x.ndim - 1];
  const n = last + Math.abs(o.offset);
  const rest = x.shape.slice(0, -1);
  const shape: number[] = [];
  let r = 0;
  for (let i = 0; i < nd; i++) shape.push(i === d1 || i === d2 ? n : rest[r++]);
  const z = filled(shape, 0, x.dtype);
  if (x.numel() > 0) withView(diagView(z, o.offset, d1, d2), (v) => copyInto(v, x.ndim === 0 ? reshape(x.detach(), [1]) : x));
  record('DiagEmbedBackward', [x], z, [], ([g]) => [reshape(diagonal(g, o.offset, d1, d2), x.shape)]);
  return z;
}

/**
 * Sum of the main diagonal of a 2-d tensor (integers sum to int64, like PyTorch).
 *
 * @example
 * ```ts
 * torch.trace(torch.eye(3)).item(); // 3
 * ```
 */
export function trace(x: Tensor): Tensor {
  if (gpuArgs(trace, arguments)) return viaGpu('trace', trace, arguments) as never;
  checkTensor('trace', 'input', x);
  if (x.ndim !== 2) throw new RangeError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  return sum(diagonal(x, 0, 0, 1));
}

// ---- tensordot / kron -----------------------------------------------------------------------------

/**
 * Contracts dims of a with dims of b: `dims` is a count (the last n of a with the first n of b)
 * or a pair of dim lists.
 *
 * @example
 * ```ts
 * torch.tensordot(torch.randn(3, 4, 5), torch.randn(4, 5, 6), 2).shape;       // [3, 6]
 * torch.tensordot(a, b, [[1, 0], [0, 1]]);
 * ```
 */
export function tensordot(a: Tensor, b: Tensor, dimsArg: number | [number[] | number, number[] | number] | { dims: unknown } = 2): Tensor {
  if (gpuArgs(tensordot, arguments)) return viaGpu('tensordot', tensordot, arguments) as never;
  checkTensor('tensordot', 'a', a);
  checkTensor('tensordot', 'b', b);
  let spec: unknown = dimsArg;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) spec = (spec as { dims: unknown }).dims;
  let da: number[];
  let db: number[];
  let given: number[];
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0) throw new RangeError(`tensordot expects dims >= 0, but got dims=${spec}`);
    if (spec > a.ndim || spec > b.ndim) throw new RangeError(`tensordot expects dims < ndim_a or ndim_b, but got dims=${spec}`);
    given = Array.from({ length: spec }, (_, i) => i - spec);
    da = given.map((d) => d + a.ndim);
    db = Array.from({ length: spec }, (_, i) => i);
  } else if (Array.isArray(spec) && spec.length === 2) {
    const l0 = Array.isArray(spec[0]) ? (spec[0] as number[]) : [spec[0] as number];
    const l1 = Array.isArray(spec[1]) ? (spec[1] as number[]) : [spec[1] as number];
    if (l0.length !== l1.length) throw new RangeError(`both dimension lists should have same length`);
    given = l0;
    da = l0.map((d) => normDim(d, a.ndim));
    db = l1.map((d) => normDim(d, b.ndim));
  } else {
    throw new TypeError('tensordot expects dims to be an int or a pair of lists of dims');
  }
  const dbGiven = typeof spec === 'number' ? db : (Array.isArray((spec as unknown[])[1]) ? ((spec as unknown[])[1] as number[]) : [(spec as unknown[])[1] as number]);
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]]) {
      throw new RangeError(`contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${given[i]} and second has size ${b.shape[db[i]]} in dim ${dbGiven[i]}`);
    }
  });
  checkSameDType(a, b);
  const freeA = a.shape.map((_, i) => i).filter((i) => !da.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !db.includes(i));
  const K = shapeNumel(da.map((d) => a.shape[d]));
  const M = shapeNumel(freeA.map((d) => a.shape[d]));
  const N = shapeNumel(freeB.map((d) => b.shape[d]));
  const a2 = reshape(permute(a, [...freeA, ...da]), [M, K]);
  const b2 = reshape(permute(b, [...db, ...freeB]), [K, N]);
  return mmBatched(a2, b2, [...freeA.map((d) => a.shape[d]), ...freeB.map((d) => b.shape[d])]);
}

/**
 * Kronecker product (ranks are padded with leading 1s to the larger one).
 *
 * @example
 * ```ts
 * torch.kron(torch.eye(2), torch.ones(2, 2)).shape; // [4, 4]
 * ```
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  if (gpuArgs(kron, arguments)) return viaGpu('kron', kron, arguments) as never;
  checkTensor('kron', 'input', a);
  checkTensor('kron', 'other', b);
  const n = Math.max(a.ndim, b.ndim);
  const as = [...new Array<number>(n - a.ndim).fill(1), ...a.shape];
  const bs = [...new Array<number>(n - b.ndim).fill(1), ...b.shape];
  const ai = reshape(a, as.flatMap((d) => [d, 1]));
  const bi = reshape(b, bs.flatMap((d) => [1, d]));
  return reshape(mul(ai, bi), as.map((d, i) => d * bs[i]));
}

// ---- cross product --------------------------------------------------------------------------------

function crossAlong(a: Tensor, b: Tensor, dim: number, given: number): Tensor {
  if (a.ndim !== b.ndim) throw new RangeError('linalg.cross: inputs must have the same number of dimensions.');
  const d = normDim(dim, a.ndim);
  if (a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new RangeError(`linalg.cross: inputs dimension ${given} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  }
  broadcastShapes(a.shape, b.shape);
  checkSameDType(a, b);
  const c = (t: Tensor, i: number): Tensor => select(t, d, i);
  const r0 = sub(mul(c(a, 1), c(b, 2)), mul(c(a, 2), c(b, 1)));
  const r1 = sub(mul(c(a, 2), c(b, 0)), mul(c(a, 0), c(b, 2)));
  const r2 = sub(mul(c(a, 0), c(b, 1)), mul(c(a, 1), c(b, 0)));
  return stack([r0, r1, r2], d);
}

/**
 * Cross product of 3-vectors along `dim` (default: the first dim of size 3, like torch.cross);
 * other dims broadcast.
 *
 * @example
 * ```ts
 * torch.cross(torch.tensor([1, 0, 0]), torch.tensor([0, 1, 0])); // [0, 0, 1]
 * ```
 */
export function cross(a: Tensor, b: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(cross, arguments)) return viaGpu('cross', cross, arguments) as never;
  checkTensor('cross', 'input', a);
  checkTensor('cross', 'other', b);
  const o = optArgs<{ dim: number | null }>('cross', opt, ['dim'], { dim: null });
  if (o.dim === null) {
    if (a.ndim !== b.ndim) throw new RangeError('linalg.cross: inputs must have the same number of dimensions.');
    const d = a.shape.indexOf(3);
    if (d < 0) throw new RangeError('no dimension of size 3 in input');
    return crossAlong(a, b, d, d);
  }
  return crossAlong(a, b, o.dim, o.dim);
}

/**
 * torch.linalg.cross: cross product along `dim` (default -1).
 *
 * @example
 * ```ts
 * torch.linalgCross(a, b); // a, b [..., 3]
 * ```
 */
export function linalgCross(a: Tensor, b: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(linalgCross, arguments)) return viaGpu('linalgCross', linalgCross, arguments) as never;
  checkTensor('linalg_cross', 'input', a);
  checkTensor('linalg_cross', 'other', b);
  const o = optArgs<{ dim: number }>('linalg_cross', opt, ['dim'], { dim: -1 });
  return crossAlong(a, b, o.dim, o.dim);
}

// ---- einsum ---------------------------------------------------------------------------------------

const ELL = 1000; // labels >= ELL stand for the dims covered by an ellipsis

interface Term {
  labels: number[]; // letters as char codes, ellipsis as -1
  hasEll: boolean;
}

function parseTerm(eq: string, start: number, end: number, op: number): Term {
  const labels: number[] = [];
  let hasEll = false;
  for (let i = start; i < end; i++) {
    const c = eq[i];
    if (c === ' ') continue;
    if (c === '.') {
      if (hasEll || eq.slice(i, i + 3) !== '...') {
        throw new RangeError(hasEll ? `einsum(): found '.' for operand ${op} for which an ellipsis was already found` : `einsum(): found '.' for operand ${op} that is not part of any ellipsis`);
      }
      hasEll = true;
      labels.push(-1);
      i += 2;
      continue;
    }
    if (!/[a-zA-Z]/.test(c)) throw new RangeError(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
    labels.push(c.charCodeAt(0));
  }
  return { labels, hasEll };
}

/** Sum over dims (integer results keep their dtype, as einsum does). */
function sumDims(x: Tensor, ds: number[]): Tensor {
  if (ds.length === 0) return x;
  const s = sum(x, ds);
  return s.dtype === x.dtype ? s : toDType(s, x.dtype);
}

/**
 * Einstein summation: `einsum('bij,bjk->bik', a, b)`. Supports implicit output (labels seen once,
 * sorted), '...' broadcasting, repeated labels on one operand (diagonals), summed-out labels and
 * size-1 broadcasting; contractions run left to right as batched GEMMs.
 *
 * @example
 * ```ts
 * torch.einsum('ij,jk->ik', a, b);          // a @ b
 * torch.einsum('ii', m);                    // trace
 * torch.einsum('bhqd,bhkd->bhqk', q, k);    // attention scores
 * ```
 */
export function einsum(equation: string, ...operandsArg: (Tensor | Tensor[])[]): Tensor {
  if (gpuArgs(einsum, arguments)) return viaGpu('einsum', einsum, arguments) as never;
  if (typeof equation !== 'string') throw new TypeError(`einsum(): argument 'equation' must be str, not ${typeof equation}`);
  const ops: Tensor[] = operandsArg.length === 1 && Array.isArray(operandsArg[0]) ? operandsArg[0] : (operandsArg as Tensor[]);
  ops.forEach((t, i) => checkTensor('einsum', `operands[${i}]`, t));
  if (ops.length === 0) throw new RangeError('einsum(): must provide at least one operand');
  const arrow = equation.indexOf('->');
  const lhsEnd = arrow < 0 ? equation.length : arrow;
  const terms: Term[] = [];
  let start = 0;
  for (let i = 0; i <= lhsEnd; i++) {
    if (i === lhsEnd || equation[i] === ',') {
      terms.push(parseTerm(equation, start, i, terms.length));
      start = i + 1;
    }
  }
  if (terms.length < ops.length) throw new RangeError('einsum(): more operands were provided than specified in the equation');
  if (terms.length > ops.length) throw new RangeError('einsum(): fewer operands were provided than specified in the equation');
  for (const t of ops) {
    if (t.dtype !== ops[0].dtype) throw new TypeError(`expected scalar type ${SCALAR_NAME[ops[0].dtype]} but found ${SCALAR_NAME[t.dtype]}`);
  }
  // resolve ellipses into numbered labels, right-aligned across operands
  let ellDims = 0;
  terms.forEach((t, i) => {
    const named = t.labels.length - (t.hasEll ? 1 : 0);
    const nd = ops[i].ndim;
    if (!t.hasEll && named !== nd) {
      throw new RangeError(`einsum(): the number of subscripts in the equation (${named}) does not match the number of dimensions (${nd}) for operand ${i} and no ellipsis was given`);
    }
    if (t.hasEll && named > nd) {
      throw new RangeError(`einsum(): the number of subscripts in the equation (${named}) is more than the number of dimensions (${nd}) for operand ${i}`);
    }
    if (t.hasEll) ellDims = Math.max(ellDims, nd - named);
  });
  const opLabels: number[][] = terms.map((t, i) => {
    const named = t.labels.length - (t.hasEll ? 1 : 0);
    const e = ops[i].ndim - named;
    return t.labels.flatMap((l) => (l === -1 ? Array.from({ length: e }, (_, j) => ELL + ellDims - e + j) : [l]));
  });
  // sizes, with size-1 broadcasting across operands
  const size = new Map<number, number>();
  const labelName = (l: number): string => String.fromCharCode(l);
  opLabels.forEach((ls, i) => {
    const seen = new Map<number, number>();
    ls.forEach((l, d) => {
      const s = ops[i].shape[d];
      const rep = seen.get(l);
      if (rep !== undefined) {
        if (rep !== s) throw new RangeError(`einsum(): subscript ${labelName(l)} is repeated for operand ${i} but the sizes don't match, ${s} != ${rep}`);
        return;
      }
      seen.set(l, s);
      const prev = size.get(l);
      if (prev === undefined || prev === 1) size.set(l, s);
      else if (s !== 1 && s !== prev) {
        if (l >= ELL) {
          throw new RangeError(`einsum(): dimension ${l - ELL - (ellDims - (ops[i].ndim - (terms[i].labels.length - 1)))} covered by ellipsis in operand ${i}has size ${s} which does not broadcast with previously seen ellipsis with size ${prev} for the respective dimension`);
        }
        throw new RangeError(`einsum(): subscript ${labelName(l)} has size ${s} for operand ${i} which does not broadcast with previously seen size ${prev}`);
      }
    });
  });
  // output labels
  let outLabels: number[];
  const ellLabels = Array.from({ length: ellDims }, (_, j) => ELL + j);
  if (arrow >= 0) {
    const t = parseTerm(equation, arrow + 2, equation.length, -1);
    const seen = new Set<number>();
    outLabels = [];
    for (const l of t.labels) {
      if (l === -1) {
        outLabels.push(...ellLabels);
        continue;
      }
      if (seen.has(l)) throw new RangeError(`einsum(): output subscript ${labelName(l)} appears more than once in the output`);
      if (!size.has(l)) throw new RangeError(`einsum(): output subscript ${labelName(l)} does not appear in the equation for any input operand`);
      seen.add(l);
      outLabels.push(l);
    }
  } else {
    const count = new Map<number, number>();
    for (const ls of opLabels) for (const l of ls) if (l < ELL) count.set(l, (count.get(l) ?? 0) + 1);
    outLabels = [...ellLabels, ...[...count.keys()].filter((l) => count.get(l) === 1).sort((x, y) => x - y)];
  }
  // 1. diagonals for labels repeated within one operand
  const cur: { t: Tensor; ls: number[] }[] = ops.map((t, i) => {
    let x = t;
    let ls = opLabels[i].slice();
    for (;;) {
      const d1 = ls.findIndex((l, k) => ls.indexOf(l) !== k);
      if (d1 < 0) break;
      const l = ls[d1];
      const d0 = ls.indexOf(l);
      x = diagonal(x, 0, d0, d1);
      ls = [...ls.filter((_, k) => k !== d0 && k !== d1), l];
    }
    return { t: x, ls };
  });
  const neededAfter = (i: number): Set<number> => {
    const s = new Set<number>(outLabels);
    for (let j = i + 1; j < cur.length; j++) for (const l of cur[j].ls) s.add(l);
    return s;
  };
  // 2. contract left to right
  let acc = cur[0];
  {
    const keep = new Set<number>([...neededAfter(0), ...(cur.length > 1 ? cur[1].ls : [])]);
    acc = sumOut(acc, keep);
  }
  for (let i = 1; i < cur.length; i++) {
    const later = neededAfter(i);
    let A = acc;
    let B = sumOut(cur[i], new Set<number>([...later, ...A.ls]));
    A = sumOut(A, new Set<number>([...later, ...B.ls]));
    // labels shared but with a size-1 side on a contracted label: sum each side separately
    const shared = A.ls.filter((l) => B.ls.includes(l));
    const mism = shared.filter((l) => !later.has(l) && A.t.shape[A.ls.indexOf(l)] !== B.t.shape[B.ls.indexOf(l)]);
    if (mism.length) {
      A = sumOut(A, new Set(A.ls.filter((l) => !mism.includes(l))));
      B = sumOut(B, new Set(B.ls.filter((l) => !mism.includes(l))));
    }
    const batchL = A.ls.filter((l) => B.ls.includes(l) && later.has(l));
    const contrL = A.ls.filter((l) => B.ls.includes(l) && !later.has(l));
    const aOnly = A.ls.filter((l) => !B.ls.includes(l));
    const bOnly = B.ls.filter((l) => !A.ls.includes(l));
    const sz = (l: number): number => size.get(l) as number;
    const bSizes = batchL.map(sz);
    let ta = permute(A.t, [...batchL, ...aOnly, ...contrL].map((l) => A.ls.indexOf(l)));
    let tb = permute(B.t, [...batchL, ...contrL, ...bOnly].map((l) => B.ls.indexOf(l)));
    const aSizes = aOnly.map((l) => A.t.shape[A.ls.indexOf(l)]);
    const bOSizes = bOnly.map((l) => B.t.shape[B.ls.indexOf(l)]);
    const kSizes = contrL.map((l) => A.t.shape[A.ls.indexOf(l)]);
    if (batchL.some((l, k) => ta.shape[k] !== bSizes[k])) ta = expand(ta, [...bSizes, ...ta.shape.slice(batchL.length)]);
    if (batchL.some((l, k) => tb.shape[k] !== bSizes[k])) tb = expand(tb, [...bSizes, ...tb.shape.slice(batchL.length)]);
    const Bn = shapeNumel(bSizes);
    const a3 = reshape(ta, [Bn, shapeNumel(aSizes), shapeNumel(kSizes)]);
    const b3 = reshape(tb, [Bn, shapeNumel(kSizes), shapeNumel(bOSizes)]);
    const y = mmBatched(a3, b3, [...bSizes, ...aSizes, ...bOSizes]);
    acc = { t: y, ls: [...batchL, ...aOnly, ...bOnly] };
  }
  acc = sumOut(acc, new Set(outLabels));
  // 3. output order (labels of size-1 broadcast that vanished are re-expanded)
  const perm = outLabels.map((l) => acc.ls.indexOf(l));
  let r = permute(acc.t, perm);
  const want = outLabels.map((l) => size.get(l) as number);
  if (r.shape.some((d, k) => d !== want[k])) r = expand(r, want);
  return r;
}

function sumOut(x: { t: Tensor; ls: number[] }, keep: Set<number>): { t: Tensor; ls: number[] } {
  const ds = x.ls.map((l, d) => (keep.has(l) ? -1 : d)).filter((d) => d >= 0);
  if (ds.length === 0) return x;
  return { t: sumDims(x.t, ds), ls: x.ls.filter((l) => keep.has(l)) };
}

// ---- methods --------------------------------------------------------------------------------------

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Matrix product with PyTorch's rank rules (see torch.matmul). */
    matmul(other: Tensor): Tensor;
    mm(mat2: Tensor): Tensor;
    bmm(mat2: Tensor): Tensor;
    mv(vec: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    vdot(other: Tensor): Tensor;
    inner(other: Tensor): Tensor;
    outer(vec2: Tensor): Tensor;
    ger(vec2: Tensor): Tensor;
    addmm(mat1: Tensor, mat2: Tensor, ...opt: unknown[]): Tensor;
    addmv(mat: Tensor, vec: Tensor, ...opt: unknown[]): Tensor;
    addr(vec1: Tensor, vec2: Tensor, ...opt: unknown[]): Tensor;
    baddbmm(batch1: Tensor, batch2: Tensor, ...opt: unknown[]): Tensor;
    diagonal(...opt: unknown[]): Tensor;
    diag(...opt: unknown[]): Tensor;
    diagEmbed(...opt: unknown[]): Tensor;
    trace(): Tensor;
    kron(other: Tensor): Tensor;
    cross(other: Tensor, ...opt: unknown[]): Tensor;
    tensordot(other: Tensor, dims?: number | [number[] | number, number[] | number]): Tensor;
  }
}

defineMethods({
  matmul(this: Tensor, o: Tensor) { return matmul(this, o); },
  mm(this: Tensor, o: Tensor) { return mm(this, o); },
  bmm(this: Tensor, o: Tensor) { return bmm(this, o); },
  mv(this: Tensor, v: Tensor) { return mv(this, v); },
  dot(this: Tensor, o: Tensor) { return dot(this, o); },
  vdot(this: Tensor, o: Tensor) { return vdot(this, o); },
  inner(this: Tensor, o: Tensor) { return inner(this, o); },
  outer(this: Tensor, o: Tensor) { return outer(this, o); },
  ger(this: Tensor, o: Tensor) { return outer(this, o); },
  addmm(this: Tensor, a: Tensor, b: Tensor, ...opt: unknown[]) { return addmm(this, a, b, ...opt); },
  addmv(this: Tensor, a: Tensor, v: Tensor, ...opt: unknown[]) { return addmv(this, a, v, ...opt); },
  addr(this: Tensor, a: Tensor, b: Tensor, ...opt: unknown[]) { return addr(this, a, b, ...opt); },
  baddbmm(this: Tensor, a: Tensor, b: Tensor, ...opt: unknown[]) { return baddbmm(this, a, b, ...opt); },
  diagonal(this: Tensor, ...opt: unknown[]) { return diagonal(this, ...opt); },
  diag(this: Tensor, ...opt: unknown[]) { return diag(this, ...opt); },
  diagEmbed(this: Tensor, ...opt: unknown[]) { return diagEmbed(this, ...opt); },
  trace(this: Tensor) { return trace(this); },
  kron(this: Tensor, o: Tensor) { return kron(this, o); },
  cross(this: Tensor, o: Tensor, ...opt: unknown[]) { return cross(this, o, ...opt); },
  tensordot(this: Tensor, o: Tensor, d?: number | [number[] | number, number[] | number]) { return tensordot(this, o, d); },
});
