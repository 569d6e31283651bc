/**
 * Pre-packed constant weights for the fused ONNX GEMM and 1x1-conv nodes (issue 6). At session
 * creation the graph optimiser (../optimize.ts, packWeights) packs the weight of a
 * torchlet.FusedGemm or pointwise torchlet.FusedConv once into the GEMM's panel layout
 * (simd/gemm.ts); a run then multiplies against the panels with the bias, residual and activation
 * applied to each output strip inside the GEMM (sgemm_pbe): no weight packing and no extra pass
 * over the output per run. Kinds (node attribute 'packed' = [kind, kc, nc, offset]):
 *   1  FusedGemm y [M, N] = x [M, K] @ w [K, N]: w as pre-packed op(B) (memory: +1x the weight)
 *   2  1x1 conv over few pixels (HW <= 100, e.g. 7x7): y^T [HW, O] = x^T @ w^T, stored transposed
 *      into y [O, HW], w^T as pre-packed op(B) (+1x). ~8% faster than w @ x there (no B panel
 *      wasted on the 49 columns of a 7x7 map, no per-run packing of the large weight); equal at
 *      14x14 and slower on wider maps, which keep the plain conv (measurements: simd/gemm.ts).
 * The panels live in the weight constant's own storage after its values (the node's weight input
 * becomes a view of the first K*N values, the panels start at element `offset`), so they are
 * freed with the weight and GPU routing still uploads only the weight. Large products are split
 * over the threads in blocks of rows (parallelPackedGemm); the packed paths give the same bits as
 * the unpacked ones at any thread count (same K slices, kernel and epilogue order; simd/gemm.ts).
 */
import { kernels, requireKernels } from '../../../backend/wasm.js';
import { parallelPackedGemm } from '../../../backend/threads.js';
import { Tensor, contiguousStrides, shapeNumel } from '../../../tensor/tensor.js';
import type { AttributeProto, NodeProto } from '../model.js';

declare module '../../../backend/wasm.js' {
  interface KernelExports {
    sgemm_kc(): number;
    sgemm_nc(): number;
    sgemm_pb_bytes(K: number, N: number): number;
    sgemm_pb_pack(transB: number, K: number, N: number, b: number, ldb: number, pb: number, k0: number, c0: number, c1: number, kcb: number, ncb: number): void;
    sgemm_pb_ws_bytes(K: number, kcb: number): number;
    /** Rows m0..m1 of C = epilogue(alpha * op(A) @ pre-packed B) (simd/gemm.ts). */
    sgemm_pbe(transA: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, pb: number, c: number, ldc: number, tc: number, m0: number, m1: number, kcb: number, ncb: number, ws: number, bias: number, bmode: number, z: number, act: number, lo: number, hi: number): void;
  }
}
requireKernels('sgemm_pbe');

/** Kinds of packed weights (the header comment). */
const GEMM_B = 1;
const CONV_BT = 2;
/** Largest map (pixels) for which a 1x1 conv runs as x^T @ w^T (measured: faster at 7x7, equal at 14x14). */
const FEW_PIXELS = 100;

/** An activation the packed GEMMs apply per tile: 1 relu, 2 clip [p, q], 3 gelu (erf); 0: none. */
export interface PackedAct {
  code: number;
  p: number;
  q: number;
}

function intsAttr(n: NodeProto, name: string): number[] | null {
  const a = n.attributes.find((x) => x.name === name);
  return a ? a.ints : null;
}

/** True for a conv node whose geometry makes it a plain GEMM per image (1x1 kernel, stride 1, no padding, one group). */
function pointwiseConv(n: NodeProto, w: Tensor): boolean {
  if (w.ndim < 3 || w.shape.slice(2).some((d) => d !== 1)) return false;
  const one = (v: number[] | null): boolean => !v || v.every((d) => d === 1);
  const zero = (v: number[] | null): boolean => !v || v.every((d) => d === 0);
  const g = n.attributes.find((x) => x.name === 'group');
  return one(intsAttr(n, 'strides')) && one(intsAttr(n, 'dilations')) && zero(intsAttr(n, 'pads')) && (!g || g.i === 1);
}

/**
 * The weight of a fused node packed for the GEMM: a new constant (a view [weight | panels]) and
 * the node's 'packed' attribute, or null when the node does not run on a packed path. xShape: the
 * static shape of the node's first input, if known.
 */
export function packWeight(n: NodeProto, w: Tensor, xShape: number[] | undefined): { weight: Tensor; attribute: AttributeProto } | null {
  if (w.dtype !== 'float32' || w.device !== 'cpu' || w.numel() === 0) return null;
  let kind = 0;
  let K = 0;
  let N = 0;
  if (n.opType === 'torchlet.FusedGemm' && w.ndim === 2) {
    [K, N] = w.shape;
    const rows = xShape && xShape.length >= 1 && K > 0 ? shapeNumel(xShape) / K : 2;
    if (rows >= 2 && N >= 2) kind = GEMM_B;
  } else if (n.opType === 'torchlet.FusedConv' && pointwiseConv(n, w)) {
    const O = w.shape[0];
    const C = w.shape[1];
    const hw = xShape && xShape.length === w.ndim ? shapeNumel(xShape.slice(2)) : 0;
    if (O >= 2 && hw >= 2 && hw <= FEW_PIXELS) kind = CONV_BT;
    K = C;
    N = O;
  }
  if (!kind) return null;
  // the K slice depth must be sgemm's (it decides the rounding); the column block width only
  // partitions the columns: 1024 keeps a wide weight's block (kc x 1024) in L2 (head 128x8000x256:
  // ~2.5% faster than sgemm's 4096)
  const kc = kernels.sgemm_kc();
  const nc = N > 2048 ? Math.min(1024, kernels.sgemm_nc()) : kernels.sgemm_nc();
  const values = w.numel();
  const off = Math.ceil(values / 16) * 16;
  const bytes = kernels.sgemm_pb_bytes(K, N);
  const all = Tensor._empty([off + bytes / 4], 'float32');
  const src = w.isContiguous() ? w : w.contiguous();
  // the weight's values first, then the panels
  const dp = all._ptr();
  const sp = src._ptr();
  new Float32Array(kernels.memory.buffer, dp, values).set(new Float32Array(kernels.memory.buffer, sp, values));
  const panels = dp + off * 4;
  for (let k0 = 0; k0 < K; k0 += kc) {
    if (kind === GEMM_B) {
      for (let c0 = 0; c0 < N; c0 += nc) kernels.sgemm_pb_pack(0, K, N, sp, N, panels, k0, c0, Math.min(N, c0 + nc), kc, nc);
    } else {
      // op(B) = w^T [C, O]: w [O, C] read transposed
      for (let c0 = 0; c0 < N; c0 += nc) kernels.sgemm_pb_pack(1, K, N, sp, K, panels, k0, c0, Math.min(N, c0 + nc), kc, nc);
    }
  }
  if (src !== w) src.dispose();
  const weight = all._view(w.shape.slice(), w.ndim === 2 ? [w.shape[1], 1] : contiguousStrides(w.shape), 0);
  weight._base = null;
  all.dispose();
  const attribute: AttributeProto = {
    name: 'packed', type: 7, f: 0, i: 0, s: null, t: null, g: null, floats: [], ints: [kind, kc, nc, off],
    strings: [], tensors: [], graphs: [], tp: null, refAttrName: '',
  };
  return { weight, attribute };
}

// the GEMM scratch (edge tile + one packed panel), grown on demand and kept
let wsPtr = 0;
let wsBytes = 0;

function scratch(bytes: number): number {
  if (bytes > wsBytes) {
    if (wsPtr) kernels.free(wsPtr);
    wsBytes = Math.ceil((bytes * 1.25) / 64) * 64;
    wsPtr = kernels.alloc(wsBytes + 64);
  }
  return (wsPtr + 63) & ~63;
}

/** The packing record of a node ([kind, kc, nc, offset]) when its panels are usable now, else null. */
function usable(packed: number[] | null, kind: number): number[] | null {
  if (!packed || packed.length !== 4 || packed[0] !== kind) return null;
  if (packed[1] !== kernels.sgemm_kc()) return null;
  return packed;
}

/**
 * y = act(alpha * a @ w + bias) on the packed panels of w [K, N] (kind 1), or null when this call
 * cannot take the packed path (the caller runs the plain one). a: [..., M, K] float32 (contiguous,
 * or 2-d with any GEMM-readable layout); bias: contiguous float32 [N] or null. act.code 0: none
 * applied (the caller applies it).
 */
export function packedGemm(packed: number[] | null, a: Tensor, w: Tensor, bias: Tensor | null, alpha: number, act: PackedAct): Tensor | null {
  const rec = usable(packed, GEMM_B);
  if (!rec || a.device !== 'cpu' || a.dtype !== 'float32' || w.ndim !== 2 || a.ndim < 2) return null;
  if (bias && (bias.dtype !== 'float32' || bias.ndim !== 1 || !bias.isContiguous() || bias.device !== 'cpu')) return null;
  const [K, N] = w.shape;
  if (a.shape[a.ndim - 1] !== K || K === 0) return null;
  const M = shapeNumel(a.shape.slice(0, -1));
  let transA = 0;
  let lda = K;
  if (a.ndim === 2 && !a.isContiguous()) {
    if (a._strides[0] !== 1 && a.shape[0] > 1) return null;
    transA = 1;
    lda = a._strides[1];
  } else if (!a.isContiguous()) {
    return null;
  }
  if (M < 2 || N < 2) return null;
  const y = Tensor._empty([...a.shape.slice(0, -1), N], 'float32');
  const [, kc, nc, off] = rec;
  const ws = scratch(kernels.sgemm_pb_ws_bytes(K, kc));
  const bp = bias ? bias._ptr() : 0;
  const ap = a._ptr();
  const pb = w._ptr() + off * 4;
  const yp = y._ptr();
  if (!parallelPackedGemm(transA, M, N, K, alpha, ap, lda, pb, yp, N, 0, kc, nc, bp, 0, 0, act.code, act.p, act.q)) {
    kernels.sgemm_pbe(transA, M, N, K, alpha, ap, lda, pb, yp, N, 0, 0, M, kc, nc, ws, bp, 0, 0, act.code, act.p, act.q);
  }
  return y;
}

/**
 * y = act(conv1x1(x, w) + b + z) on the packed panels of w^T (kind 2), or null
 * when this call cannot take the packed path. x: contiguous float32 [N, C, ...]; b: contiguous
 * float32 [O] or null; z: null or contiguous float32 of y's shape. act.code 0: none applied.
 */
export function packedConv(packed: number[] | null, x: Tensor, w: Tensor, b: Tensor | null, z: Tensor | null, act: PackedAct): Tensor | null {
  const rec = usable(packed, CONV_BT);
  if (!rec || x.device !== 'cpu' || x.dtype !== 'float32' || !x.isContiguous() || x.ndim !== w.ndim) return null;
  const O = w.shape[0];
  const C = w.shape[1];
  if (x.shape[1] !== C || C === 0) return null;
  if (b && (b.dtype !== 'float32' || b.ndim !== 1 || b.numel() !== O || !b.isContiguous() || b.device !== 'cpu')) return null;
  const Nb = x.shape[0];
  const HW = shapeNumel(x.shape.slice(2));
  if (HW < 2 || O < 2) return null;
  const y = Tensor._empty([Nb, O, ...x.shape.slice(2)], 'float32');
  if (z && (z.dtype !== 'float32' || !z.isContiguous() || z.device !== 'cpu' || z.ndim !== y.ndim || z.shape.some((d, i) => d !== y.shape[i]))) {
    y.dispose();
    return null;
  }
  const [, kc, nc, off] = rec;
  const ws = scratch(kernels.sgemm_pb_ws_bytes(C, kc));
  const bp = b ? b._ptr() : 0;
  const zp = z ? z._ptr() : 0;
  const xp = x._ptr();
  const panels = w._ptr() + off * 4;
  const yp = y._ptr();
  for (let n = 0; n < Nb; n++) {
    const xn = xp + 4 * n * C * HW;
    const yn = yp + 4 * n * O * HW;
    const zn = zp ? zp + 4 * n * O * HW : 0;
    // y_n^T [HW, O] = x_n^T @ w^T, stored transposed (tc = 1) into y_n [O, HW]
    if (!parallelPackedGemm(1, HW, O, C, 1, xn, HW, panels, yn, HW, 1, kc, nc, bp, 1, zn, act.code, act.p, act.q)) {
      kernels.sgemm_pbe(1, HW, O, C, 1, xn, HW, panels, yn, HW, 1, 0, HW, kc, nc, ws, bp, 1, zn, act.code, act.p, act.q);
    }
  }
  return y;
}
