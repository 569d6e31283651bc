/**
 * Convolutions: conv1d / conv2d and convTranspose1d / convTranspose2d (NCHW, weight OIHW), with
 * stride, padding (ints, tuples, 'same', 'valid'), dilation and groups, batched or unbatched input.
 * Three f32 primitives do all the work, each a differentiable op whose backward is written with the
 * other two (so double backward works):
 *   convForward      y  = conv(x, w)            im2col + sgemm (1x1: sgemm only; depthwise: own kernels;
 *                                               3x3 stride 1, 7x7 stride 2...: Winograd, see below)
 *   convInputGrad    dx = conv^T(gy, w)         sgemm + col2im (also the transposed conv's forward)
 *   convWeightGrad   dw = gy @ im2col(x)^T      im2col + sgemm
 * 1-d convs run as 2-d convs over a height-1 image.
 *
 * Winograd (simd/winograd.ts) for groups-1, dilation-1 f32 forward convs (winoVariant): 3x3 stride
 * 1 with C, O >= 4 as F(4x4, 3x3) (36 per-frequency GEMMs, 4x fewer multiplies than direct;
 * F(2x2, 3x3) for outputs up to 4x4); at stride 2 by phase decomposition (4 phases of the input as
 * channels, the kernel's 4 sub-kernels): 7x7 / 8x8 as F(4x4, 4x4), 5x5 / 6x6 as F(4x4, 3x3); 4x4
 * stride 1 as F(4x4, 4x4). At any thread count (threaded: ts/backend/threads.ts parallelWinograd,
 * units of tiles x output channels, bit-identical to the serial kernel). Measured 1 thread (Zen 5)
 * against im2col + GEMM: C=O=64 @56x56 4.7 -> 1.27 ms, 128 @28x28 4.35 -> 1.20, 256 @14x14 4.45 ->
 * 1.37, 512 @7x7 5.3 -> 1.5 (F(2x2, 3x3): 2.2, 2.0, 2.0, 2.4); resnet's 7x7 stride-2 stem 5.3 ->
 * 2.05. Accuracy (|err| / (1 + |ref|) vs float64 PyTorch, tests/conv-winograd.test.ts): <= 1.2e-5
 * (im2col: 9e-7).
 * Transformed weights (F(4x4,3x3): 36/9 = 4x the weight's bytes; resnet18 holds ~150 MB of them, 113
 * of those in layer4) are cached per weight tensor (WeakMap, freed by a FinalizationRegistry with
 * the tensor) for leaf weights (ONNX constants, parameters), keyed on the tensor's and its base's
 * version counters so in-place updates (optimizer steps) redo the transform; non-leaf weights are
 * transformed per call. Weights that change (requiring grad) use Winograd only when the conv repays
 * the transform (winoPays); new weights that would take the cache past the memory budget (torch.setMemoryBudget; torch.memory().cachedBytes) run im2col. Entries
 * of disposed weights are freed when the cache next grows (sweepWino), collected ones by the
 * registry. A write through a sibling view of a weight's base is not seen by the
 * cache (PyTorch-style shared version counters would be).
 */
import { kernels, requireKernels } from '../backend/wasm.js';
import { parallelConvForward, parallelDepthwise, parallelIm2col, parallelWinograd } from '../backend/threads.js';
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor/tensor.js';
import { memoryBudget, trackCachedBytes } from '../tensor/storage.js';
import { optArgs } from './args.js';
import { add } from './pointwise.js';
import { sum } from './reduce.js';
import { reshape, squeeze, toDType, unsqueeze } from './shape.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuConv2d, gpuConvInputGrad, gpuConvWeightGrad } from '../backend/webgpu/conv.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    im2col_f32(x: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, col: number): void;
    col2im_f32(col: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, x: number, accumulate: number): void;
    dwconv2d_f32(x: number, w: number, bias: number, N: number, C: number, mult: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, out: number): void;
    dwconv2d_ws_bytes(H: number, kh: number, sh: number, OH: number, OW: number, kw: number, sw: number): number;
    dwconv2d_planes_f32(x: number, w: number, bias: number, N: number, C: number, mult: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, OH: number, OW: number, out: number, o0: number, o1: number, ws: number): void;
    add_channel_bias_f32(y: number, bias: number, N: number, C: number, L: number): void;
    dwconv2d_bwd_input_f32(gy: number, w: number, N: number, C: number, mult: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, dx: number): void;
    dwconv2d_bwd_weight_f32(x: number, gy: number, N: number, C: number, mult: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, dwt: number): void;
  }
}
requireKernels('im2col_f32', 'col2im_f32', 'dwconv2d_f32', 'dwconv2d_ws_bytes', 'dwconv2d_planes_f32', 'add_channel_bias_f32', 'dwconv2d_bwd_input_f32', 'dwconv2d_bwd_weight_f32');
declare module '../backend/wasm.js' {
  interface KernelExports {
    wino_weights_bytes(v: number, O: number, C: number): number;
    wino_weights_f32(v: number, w: number, O: number, C: number, kh: number, kw: number, s: number, u: number): void;
    wino_conv_f32(v: number, x: number, N: number, C: number, H: number, W: number, s: number, ph: number, pw: number, OH: number, OW: number, u: number, O: number, bias: number, y: number, TB: number): number;
  }
}
requireKernels('wino_weights_bytes', 'wino_weights_f32', 'wino_conv_f32');

/**
 * @internal Geometry of one 2-d convolution: input [N, C, H, W], weight [O, C/groups, kh, kw],
 * output [N, O, OH, OW]; ph/pw are the leading paddings (trailing padding is implied by OH/OW).
 */
export interface ConvGeo {
  N: number; C: number; H: number; W: number; O: number; groups: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  OH: number; OW: number;
}

/** @internal x as a contiguous float32 tensor (x itself when it already is one). */
export function f32c(x: Tensor): Tensor {
  if (gpuArgs(f32c, arguments)) return viaGpu('f32c', f32c, arguments) as never;
  return x.dtype === 'float32' && x.isContiguous() ? x : x._copyTo('float32');
}

function freeIf(t: Tensor, orig: Tensor): void {
  if (t !== orig) t.dispose();
}

function isPointwise(g: ConvGeo): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0 && g.OH === g.H && g.OW === g.W;
}

/** Depthwise (groups == C_in, any channel multiplier): runs on the direct depthwise kernels. */
function isDepthwise(g: ConvGeo): boolean {
  return g.groups === g.C && g.groups > 1;
}

/** Largest im2col buffer (floats) a conv call allocates; bigger images are done in bands of output rows. */
let colCap = 1 << 22;

/** @internal Sets the im2col buffer cap in floats (tests use a tiny cap to exercise the bands); returns the old one. */
export function _setIm2colCap(floats: number): number {
  if (gpuArgs(_setIm2colCap, arguments)) return viaGpu('_setIm2colCap', _setIm2colCap, arguments) as never;
  const old = colCap;
  colCap = floats;
  return old;
}

/** Output rows per im2col band so that the [K, rows*OW] column buffer stays under the cap. */
function bandRows(g: ConvGeo, K: number): number {
  return Math.max(1, Math.min(g.OH, Math.floor(colCap / Math.max(1, K * g.OW))));
}

/** im2col of output rows [r0, r0 + nr) of one image (x points at its first channel of the group). */
function im2colBand(g: ConvGeo, x: number, C: number, r0: number, nr: number, col: number): void {
  const ph = g.ph - r0 * g.sh;
  parallelIm2col(() => kernels.im2col_f32(x, C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, ph, g.pw, g.dh, g.dw, nr, g.OW, col), x, C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, ph, g.pw, g.dh, g.dw, nr, g.OW, col);
}

// ---- Winograd (3x3, stride 1, dilation 1, groups 1; kernels in simd/winograd.ts) ----------------

/**
 * Winograd policy: 'auto' (measured thresholds), 'off', or forced wherever applicable: 'f4' F(4x4,3x3)
 * for 3x3 stride 1 and kernels of up to 3x3 per stride-2 phase, F(4x4,4x4) for up to 4x4 per phase;
 * 'f2' the same with F(2x2,3x3) in place of F(4x4,3x3).
 */
type WinoMode = 'auto' | 'off' | 'f2' | 'f4';
let winoMode: WinoMode = 'auto';

/** @internal Sets the Winograd policy (tests force each variant); returns the old one. */
export function _setWinograd(mode: WinoMode): WinoMode {
  if (gpuArgs(_setWinograd, arguments)) return viaGpu('_setWinograd', _setWinograd, arguments) as never;
  const old = winoMode;
  winoMode = mode;
  return old;
}

/**
 * Transformed weights of one weight tensor: wasm block, kind (variant * 8 + stride), the versions
 * they were made from, and a weak reference to the tensor (for the sweep of disposed weights).
 */
interface WinoWeights { ptr: number; bytes: number; kind: number; version: number; baseVersion: number; ref: { deref(): Tensor | undefined } | null }
const winoCache = new WeakMap<Tensor, WinoWeights>();
/** Every live entry; bytes they hold, and the most they may hold (auto policy: past it, new weights run im2col). */
const winoEntries = new Set<WinoWeights>();
let winoCached = 0;
/** The cache's cap: the memory budget (torch.setMemoryBudget: 256 MiB, 48 MiB on Workers) unless a test set one. */
let winoCapOverride: number | null = null;
const winoCacheCap = (): number => winoCapOverride ?? memoryBudget();
const winoFree: { register(o: object, held: WinoWeights, token: object): void; unregister(token: object): void } | null =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<WinoWeights>((e) => dropWino(e)) : null;

/** Frees a cache entry (t: its tensor, when still reachable). */
function dropWino(e: WinoWeights, t?: Tensor): void {
  if (!winoEntries.delete(e)) return;
  winoFree?.unregister(e);
  kernels.free(e.ptr);
  winoCached -= e.bytes;
  trackCachedBytes(-e.bytes);
  if (t) winoCache.delete(t);
}

/**
 * Frees the entries of weights that were disposed or collected. Runs before the cache grows, so a
 * synchronous loop that makes, uses and disposes weights (finalizers do not run inside it) holds
 * one entry, not one per iteration.
 */
function sweepWino(): void {
  for (const e of winoEntries) {
    if (!e.ref) continue;
    const t = e.ref.deref();
    if (!t || t._disposed) dropWino(e, t);
  }
}

/** @internal Bytes of transformed weights the cache holds (tests). */
export function _winogradCacheBytes(): number {
  if (gpuArgs(_winogradCacheBytes, arguments)) return viaGpu('_winogradCacheBytes', _winogradCacheBytes, arguments) as never;
  return winoCached;
}

/**
 * @internal Sets the most bytes of transformed weights the cache may hold (null: the memory budget,
 * the default; resnet18 needs ~150 MiB); returns the previous setting. Weights that would pass it
 * run on im2col + GEMM (auto policy).
 */
export function _setWinogradCacheCap(bytes: number | null): number | null {
  if (gpuArgs(_setWinogradCacheCap, arguments)) return viaGpu('_setWinogradCacheCap', _setWinogradCacheCap, arguments) as never;
  const old = winoCapOverride;
  winoCapOverride = bytes;
  return old;
}

/**
 * The Winograd variant for this conv (simd/winograd.ts: 4 F(4x4,3x3), 2 F(2x2,3x3), 7 F(4x4,4x4);
 * strides 2 by phases, so the per-phase kernel is r = ceil(k / 2)), or 0 for im2col + GEMM.
 */
function winoVariant(g: ConvGeo): number {
  if (winoMode === 'off' || g.groups !== 1 || g.dh !== 1 || g.dw !== 1 || g.sh !== g.sw || g.sh > 2) return 0;
  const s = g.sh;
  const r = Math.max(Math.ceil(g.kh / s), Math.ceil(g.kw / s));
  if (r > 4 || (r < 3 && s === 1)) return 0;
  if (winoMode !== 'auto') {
    if (r === 4) return 7;
    return winoMode === 'f2' ? 2 : 4;
  }
  // square kernels only (a conv1d's 1 x k kernel would waste (k - 1) / k of a square tile's work)
  if (g.kh !== g.kw) return 0;
  if (s === 1 && r === 3) {
    // measured (1 thread): im2col wins only for C < 4 (a 3-channel image input: 28x28 equal, 112x112
    // 1.1x, 224x224 1.1x faster than F(4x4)); F(2x2) wins for outputs up to 4x4 (one F(4x4) tile)
    if (g.C < 4 || g.O < 4) return 0;
    return g.OH <= 4 && g.OW <= 4 ? 2 : 4;
  }
  // 3x3 stride 2 (r = 2) saves too little: as F(4x4, 2x2) over 4 phases (measured, then removed)
  // resnet18's 64 @56 -> 128 2.23 -> 1.92 ms, 128 @28 -> 256 2.17 -> 2.08, 256 @14 -> 512 2.57 ->
  // 2.70, mobilenet_v2's stem 0.60 -> 0.87, for 25 * 4 / 9 = 11x the weight's bytes.
  // measured (1 thread, im2col -> Winograd): resnet's 7x7 stride-2 stem (C = 3, 224x224, O = 64)
  // 5.3 -> 2.05 ms (F(4x4,4x4) over 12 phase channels), at 112x112 1.34 -> 0.51, at 32x32 0.12 ->
  // 0.05; 7x7 s2 C = 16 @56 1.09 -> 0.30; 5x5 s2 (F(4x4,3x3) over 4C) C = 3 @224 1.49 -> 0.88,
  // C = 16 @56 0.56 -> 0.22; 4x4 s1 C = 16 @56 1.09 -> 0.32.
  if (g.O < 4 || r < 3 || (r === 3 && g.kh * g.kw < 16)) return 0;
  if (r === 4) return 7;
  return g.OH <= 4 && g.OW <= 4 ? 2 : 4;
}

/**
 * Whether Winograd pays when the weights must be transformed now: always for weights that stay
 * put (leaf tensors not requiring grad: ONNX constants, frozen weights; the transform is cached)
 * and when the cache already holds them; otherwise (training: the weights change every step) only
 * when the conv has enough output pixels to repay the transform: measured (1 thread, fresh weights
 * each call, im2col -> Winograd incl. transform): 512 -> 512 @7x7 N=1 6.0 -> 9.3 ms (the transform
 * alone ~7-14 ms, ~25 ns per (o, c) for big weights), N=8 44.7 -> 19.9; 256 @14x14 N=1 5.1 -> 2.6;
 * 64 @56x56 N=1 6.5 -> 1.5. Break-even ~90 output pixels per (o, c) pair's transform.
 */
function winoPays(w0: Tensor, v: number, g: ConvGeo): boolean {
  if (winoMode !== 'auto') return true;
  const leaf = w0.gradFn === null;
  const hit = leaf ? winoCache.get(w0) : undefined;
  if (hit && hit.kind === v * 8 + g.sh && hit.version === w0._version && hit.baseVersion === (w0._base ? w0._base._version : 0)) return true;
  if (leaf) {
    const bytes = kernels.wino_weights_bytes(v, g.O, g.C * g.sh * g.sh);
    if (winoCached - (hit ? hit.bytes : 0) + bytes > winoCacheCap()) sweepWino();
    if (winoCached - (hit ? hit.bytes : 0) + bytes > winoCacheCap()) return false;
  }
  if (leaf && !w0.requiresGrad) return true;
  return g.N * g.OH * g.OW >= 128;
}

/** Tiles per block: the block's transformed input and GEMM outputs (n*n*TB*(C+O) floats) in ~L2. */
function winoBlock(v: number, C: number, O: number): number {
  const n = v === 2 ? 4 : v === 7 ? 7 : 6;
  return Math.max(4, Math.min(64, Math.floor((384 * 1024) / (n * n * 4 * (C + O + 8)) / 4) * 4));
}

/**
 * The transformed weights of w0 (contiguous f32 copy w) for variant v at stride s: cached per weight
 * tensor for leaf tensors (ONNX constants, parameters; re-made when the tensor's or its base's
 * version changes), made per call otherwise (`owned` true: the caller frees ptr).
 */
function winoWeights(w0: Tensor, w: Tensor, v: number, s: number, g: ConvGeo): { ptr: number; owned: boolean } {
  const bytes = kernels.wino_weights_bytes(v, g.O, g.C * s * s);
  const kind = v * 8 + s;
  const leaf = w0.gradFn === null;
  const version = w0._version;
  const baseVersion = w0._base ? w0._base._version : 0;
  const hit = leaf ? winoCache.get(w0) : undefined;
  if (hit && hit.kind === kind && hit.version === version && hit.baseVersion === baseVersion) return { ptr: hit.ptr, owned: false };
  let ptr = hit && hit.bytes === bytes ? hit.ptr : 0;
  if (!ptr) {
    if (hit) dropWino(hit, w0);
    if (leaf) sweepWino();
    ptr = kernels.alloc(bytes);
    if (!ptr) throw new RangeError(`conv2d(): out of memory allocating ${bytes} bytes of Winograd weights`);
  }
  kernels.wino_weights_f32(v, w._ptr(), g.O, g.C, g.kh, g.kw, s, ptr);
  if (!leaf) return { ptr, owned: true };
  if (hit && hit.ptr === ptr) {
    hit.kind = kind;
    hit.version = version;
    hit.baseVersion = baseVersion;
  } else {
    const e: WinoWeights = { ptr, bytes, kind, version, baseVersion, ref: typeof WeakRef === 'function' ? new WeakRef(w0) : null };
    winoCache.set(w0, e);
    winoEntries.add(e);
    winoCached += bytes;
    trackCachedBytes(bytes);
    winoFree?.register(w0, e, e);
  }
  return { ptr, owned: false };
}

/** y = conv(x, w) + b by Winograd variant v (x, w, b contiguous f32). */
function winoForward(x: Tensor, w0: Tensor, w: Tensor, b: Tensor | null, y: Tensor, g: ConvGeo, v: number): void {
  const s = g.sh;
  const u = winoWeights(w0, w, v, s, g);
  const xp = x._ptr();
  const bp = b ? b._ptr() : 0;
  const yp = y._ptr();
  const TB = winoBlock(v, g.C * s * s, g.O);
  const rc = parallelWinograd(v, g.N, g.C, g.H, g.W, s, g.ph, g.pw, g.OH, g.OW, u.ptr, g.O, bp, xp, yp, TB)
    ? 0
    : kernels.wino_conv_f32(v, xp, g.N, g.C, g.H, g.W, s, g.ph, g.pw, g.OH, g.OW, u.ptr, g.O, bp, yp, TB);
  if (u.owned) kernels.free(u.ptr);
  if (rc !== 0) throw new RangeError('conv2d(): out of memory allocating Winograd scratch');
}

/** y [N, O, OH, OW] = conv(x, w) + bias (no autograd). */
function convForwardRaw(x0: Tensor, w0: Tensor, b0: Tensor | null, g: ConvGeo): Tensor {
  if (x0.device === 'webgpu' || w0.device === 'webgpu' || b0?.device === 'webgpu') {
    const r = gpuConv2d(x0, w0, b0, g);
    if (r) return r;
  }
  const y = Tensor._empty([g.N, g.O, g.OH, g.OW], 'float32');
  if (y.numel() === 0) return y;
  const x = f32c(x0);
  const w = f32c(w0);
  const b = b0 ? f32c(b0) : null;
  let wm = g.C > 0 ? winoVariant(g) : 0;
  if (wm && !winoPays(w0, wm, g)) wm = 0;
  if (wm) {
    winoForward(x, w0, w, b, y, g, wm);
    freeIf(x, x0);
    freeIf(w, w0);
    if (b && b0) freeIf(b, b0);
    return y;
  }
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const K = Cg * g.kh * g.kw;
  const L = g.OH * g.OW;
  if (K === 0) {
    kernels.fill(0, y._ptr(), y.numel(), 0, 0n);
  } else if (isDepthwise(g) && g.dh === 1 && g.dw === 1 && (g.sw === 1 || g.sw === 2)) {
    // padded scratch planes: every output vector without bounds checks (blocks of channels per thread)
    const wsBytes = kernels.dwconv2d_ws_bytes(g.H, g.kh, g.sh, g.OH, g.OW, g.kw, g.sw);
    if (!parallelDepthwise(x._ptr(), w._ptr(), g.N, g.C, Og, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.OH, g.OW, y._ptr(), wsBytes)) {
      const ws = Tensor._empty([Math.ceil(wsBytes / 4)], 'float32');
      kernels.dwconv2d_planes_f32(x._ptr(), w._ptr(), 0, g.N, g.C, Og, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.OH, g.OW, y._ptr(), 0, g.O, ws._ptr());
      ws.dispose();
    }
  } else if (isDepthwise(g)) {
    kernels.dwconv2d_f32(x._ptr(), w._ptr(), 0, g.N, g.C, Og, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.OH, g.OW, y._ptr());
  } else if (!isPointwise(g) && parallelConvForward(g, x._ptr(), w._ptr(), y._ptr())) {
    // done on the thread pool: per band of output rows, im2col + GEMM in one parallel region
  } else {
    const direct = isPointwise(g);
    const band = bandRows(g, K);
    const col = direct ? null : Tensor._empty([K * band * g.OW], 'float32');
    const xp = x._ptr();
    const wp = w._ptr();
    const yp = y._ptr();
    const cp = col ? col._ptr() : 0;
    const HW = g.H * g.W;
    for (let n = 0; n < g.N; n++) {
      for (let gi = 0; gi < g.groups; gi++) {
        const xg = xp + 4 * (n * g.C + gi * Cg) * HW;
        const yg = yp + 4 * (n * g.O + gi * Og) * L;
        const wg = wp + 4 * gi * Og * K;
        if (direct) {
          kernels.sgemm(0, 0, Og, L, K, 1, wg, K, xg, L, 0, yg, L);
          continue;
        }
        for (let r0 = 0; r0 < g.OH; r0 += band) {
          const nr = Math.min(band, g.OH - r0);
          im2colBand(g, xg, Cg, r0, nr, cp);
          kernels.sgemm(0, 0, Og, nr * g.OW, K, 1, wg, K, cp, nr * g.OW, 0, yg + 4 * r0 * g.OW, L);
        }
      }
    }
    col?.dispose();
  }
  if (b) kernels.add_channel_bias_f32(y._ptr(), b._ptr(), g.N, g.O, g.OH * g.OW);
  freeIf(x, x0);
  freeIf(w, w0);
  if (b && b0) freeIf(b, b0);
  return y;
}

/** dx [N, C, H, W] = conv^T(gy, w): the gradient of conv w.r.t. its input (no autograd). */
function convInputGradRaw(gy0: Tensor, w0: Tensor, g: ConvGeo): Tensor {
  if (gy0.device === 'webgpu' || w0.device === 'webgpu') {
    const r = gpuConvInputGrad(gy0, w0, g);
    if (r) return r;
  }
  const dx = Tensor._empty([g.N, g.C, g.H, g.W], 'float32');
  if (dx.numel() === 0) return dx;
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const K = Cg * g.kh * g.kw;
  const L = g.OH * g.OW;
  if (L === 0 || Og === 0) {
    kernels.fill(0, dx._ptr(), dx.numel(), 0, 0n);
    return dx;
  }
  const gy = f32c(gy0);
  const w = f32c(w0);
  if (isDepthwise(g)) {
    kernels.dwconv2d_bwd_input_f32(gy._ptr(), w._ptr(), g.N, g.C, Og, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.OH, g.OW, dx._ptr());
    freeIf(gy, gy0);
    freeIf(w, w0);
    return dx;
  }
  const direct = isPointwise(g);
  const band = bandRows(g, K);
  const col = direct ? null : Tensor._empty([K * band * g.OW], 'float32');
  const gp = gy._ptr();
  const wp = w._ptr();
  const dp = dx._ptr();
  const cp = col ? col._ptr() : 0;
  const HW = g.H * g.W;
  for (let n = 0; n < g.N; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const dxg = dp + 4 * (n * g.C + gi * Cg) * HW;
      const gyg = gp + 4 * (n * g.O + gi * Og) * L;
      const wg = wp + 4 * gi * Og * K;
      if (direct) {
        kernels.sgemm(1, 0, K, L, Og, 1, wg, K, gyg, L, 0, dxg, L);
        continue;
      }
      for (let r0 = 0; r0 < g.OH; r0 += band) {
        const nr = Math.min(band, g.OH - r0);
        kernels.sgemm(1, 0, K, nr * g.OW, Og, 1, wg, K, gyg + 4 * r0 * g.OW, L, 0, cp, nr * g.OW);
        kernels.col2im_f32(cp, Cg, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph - r0 * g.sh, g.pw, g.dh, g.dw, nr, g.OW, dxg, r0 === 0 ? 0 : 1);
      }
    }
  }
  col?.dispose();
  freeIf(gy, gy0);
  freeIf(w, w0);
  return dx;
}

/** dw [O, C/groups, kh, kw] = sum over the batch of gy @ im2col(x)^T (no autograd). */
function convWeightGradRaw(x0: Tensor, gy0: Tensor, g: ConvGeo): Tensor {
  if (x0.device === 'webgpu' || gy0.device === 'webgpu') {
    const r = gpuConvWeightGrad(x0, gy0, g);
    if (r) return r;
  }
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const K = Cg * g.kh * g.kw;
  const L = g.OH * g.OW;
  const dw = Tensor._empty([g.O, Cg, g.kh, g.kw], 'float32');
  if (dw.numel() === 0) return dw;
  if (g.N === 0 || L === 0) {
    kernels.fill(0, dw._ptr(), dw.numel(), 0, 0n);
    return dw;
  }
  const x = f32c(x0);
  const gy = f32c(gy0);
  if (isDepthwise(g)) {
    kernels.dwconv2d_bwd_weight_f32(x._ptr(), gy._ptr(), g.N, g.C, Og, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.OH, g.OW, dw._ptr());
    freeIf(x, x0);
    freeIf(gy, gy0);
    return dw;
  }
  const direct = isPointwise(g);
  const band = bandRows(g, K);
  const col = direct ? null : Tensor._empty([K * band * g.OW], 'float32');
  const xp = x._ptr();
  const gp = gy._ptr();
  const dp = dw._ptr();
  const cp = col ? col._ptr() : 0;
  const HW = g.H * g.W;
  for (let gi = 0; gi < g.groups; gi++) {
    const dwg = dp + 4 * gi * Og * K;
    let first = true;
    for (let n = 0; n < g.N; n++) {
      const xg = xp + 4 * (n * g.C + gi * Cg) * HW;
      const gyg = gp + 4 * (n * g.O + gi * Og) * L;
      if (direct) {
        kernels.sgemm(0, 1, Og, K, L, 1, gyg, L, xg, L, first ? 0 : 1, dwg, K);
        first = false;
        continue;
      }
      for (let r0 = 0; r0 < g.OH; r0 += band) {
        const nr = Math.min(band, g.OH - r0);
        im2colBand(g, xg, Cg, r0, nr, cp);
        kernels.sgemm(0, 1, Og, K, nr * g.OW, 1, gyg + 4 * r0 * g.OW, L, cp, nr * g.OW, first ? 0 : 1, dwg, K);
        first = false;
      }
    }
  }
  col?.dispose();
  freeIf(x, x0);
  freeIf(gy, gy0);
  return dw;
}

/** @internal Differentiable conv2d on a resolved geometry (x [N,C,H,W], w [O,C/g,kh,kw]). */
export function convForward(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeo): Tensor {
  if (gpuArgs(convForward, arguments)) return viaGpu('convForward', convForward, arguments) as never;
  const y = convForwardRaw(x, w, b, g);
  record('ConvolutionBackward', [x, w, b], y, [x, w], ([gy], [xs, ws], needs) => [
    needs[0] ? convInputGrad(gy, ws, g) : null,
    needs[1] ? convWeightGrad(xs, gy, g) : null,
    needs[2] ? sum(gy, [0, 2, 3]) : null,
  ], { geo: g });
  return y;
}

/** @internal Differentiable conv^T(gy, w) (the input gradient of conv; transposed conv's forward). */
export function convInputGrad(gy: Tensor, w: Tensor, g: ConvGeo): Tensor {
  if (gpuArgs(convInputGrad, arguments)) return viaGpu('convInputGrad', convInputGrad, arguments) as never;
  const dx = convInputGradRaw(gy, w, g);
  record('ConvolutionBackwardInput', [gy, w], dx, [gy, w], ([G], [gys, ws], needs) => [
    needs[0] ? convForward(G, ws, null, g) : null,
    needs[1] ? convWeightGrad(G, gys, g) : null,
  ]);
  return dx;
}

/** @internal Differentiable weight gradient of conv: dw = sum_n gy_n @ im2col(x_n)^T. */
export function convWeightGrad(x: Tensor, gy: Tensor, g: ConvGeo): Tensor {
  if (gpuArgs(convWeightGrad, arguments)) return viaGpu('convWeightGrad', convWeightGrad, arguments) as never;
  const dw = convWeightGradRaw(x, gy, g);
  record('ConvolutionBackwardWeight', [x, gy], dw, [x, gy], ([G], [xs, gys], needs) => [
    needs[0] ? convInputGrad(gys, G, g) : null,
    needs[1] ? convForward(xs, G, null, g) : null,
  ]);
  return dw;
}

// ---------------------------------------------------------------------------------------------
// Argument handling

type IntOrTuple = number | readonly number[];
type Padding = IntOrTuple | 'same' | 'valid';

export interface ConvOptions {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  padding?: Padding;
  dilation?: IntOrTuple;
  groups?: number;
}

export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

/** @internal Expands an int or tuple argument to `n` ints (PyTorch's _single/_pair). */
export function expandInts(fn: string, name: string, v: unknown, n: number): number[] {
  if (gpuArgs(expandInts, arguments)) return viaGpu('expandInts', expandInts, arguments) as never;
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.isArray(v) ? (v as unknown[]) : null;
  if (!arr || (arr.length !== n && arr.length !== 1) || arr.some((e) => typeof e !== 'number' || !Number.isInteger(e))) {
    throw new TypeError(`${fn}(): argument '${name}' must be an int or a tuple of ${n} ints, but got ${JSON.stringify(v)}`);
  }
  return arr.length === 1 ? new Array<number>(n).fill(arr[0] as number) : (arr as number[]);
}

const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;
const fmtSizes = (s: readonly number[]): string => `(${s.join(' x ')})`;

function checkFloat(fn: string, x: Tensor, w: Tensor): void {
  const ok = (t: Tensor): boolean => t.dtype === 'float32' || t.dtype === 'float16';
  if (!ok(x) || !ok(w)) throw new TypeError(`${fn}(): expected floating point input and weight, but got input of dtype ${x.dtype} and weight of dtype ${w.dtype}`);
  if (x.dtype !== w.dtype) throw new TypeError(`${fn}(): expected input and weight to have the same dtype, but got input of dtype ${x.dtype} and weight of dtype ${w.dtype}`);
}

function checkPositive(stride: number[], dilation: number[], groups: number): void {
  if (stride.some((s) => s <= 0)) throw new RangeError('non-positive stride is not supported');
  if (dilation.some((d) => d <= 0)) throw new RangeError('dilation should be greater than zero');
  if (!Number.isInteger(groups) || groups <= 0) throw new RangeError('non-positive groups is not supported');
}

/** Shared body of conv1d/conv2d: validates like PyTorch, runs the 2-d primitive, restores shapes. */
function convNd(fn: string, nsp: 1 | 2, input: Tensor, weight: Tensor, rest: unknown[]): Tensor {
  const o = optArgs<Required<ConvOptions>>(fn, rest, ['bias', 'stride', 'padding', 'dilation', 'groups'], {
    bias: null, stride: 1, padding: 0, dilation: 1, groups: 1,
  });
  const bias = o.bias ?? null;
  const stride = expandInts(fn, 'stride', o.stride, nsp);
  const dilation = expandInts(fn, 'dilation', o.dilation, nsp);
  const groups = o.groups;
  checkPositive(stride, dilation, groups);
  const dimB = nsp + 2;
  if (input.ndim !== dimB && input.ndim !== dimB - 1) {
    throw new RangeError(`Expected ${dimB - 1}D (unbatched) or ${dimB}D (batched) input to ${fn}, but got input of size: ${fmtShape(input.shape)}`);
  }
  checkFloat(fn, input, weight);
  const batched = input.ndim === dimB;
  const xs = batched ? input.shape : [1, ...input.shape];
  if (weight.ndim !== dimB) {
    throw new RangeError(`Expected ${dimB}-dimensional weight for ${dimB}-dimensional input ${fmtShape(xs)}, but got ${weight.ndim}-dimensional weight of size ${fmtShape(weight.shape)} instead`);
  }
  const O = weight.shape[0];
  if (O % groups !== 0) {
    throw new RangeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(weight.shape)} instead`);
  }
  const C = xs[1];
  if (C !== weight.shape[1] * groups) {
    throw new RangeError(`Given groups=${groups}, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(xs)} to have ${weight.shape[1] * groups} channels, but got ${C} channels instead`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new RangeError(`Given weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  }
  const ksz = weight.shape.slice(2);
  const spatial = xs.slice(2);
  // resolve padding into leading/trailing amounts per spatial dim
  let padL: number[];
  let padR: number[];
  if (o.padding === 'valid') {
    padL = padR = new Array<number>(nsp).fill(0);
  } else if (o.padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new RangeError("padding='same' is not supported for strided convolutions");
    padL = [];
    padR = [];
    for (let i = 0; i < nsp; i++) {
      const total = dilation[i] * (ksz[i] - 1);
      padL.push(Math.floor(total / 2));
      padR.push(total - Math.floor(total / 2));
    }
  } else if (typeof o.padding === 'string') {
    throw new RangeError(`Invalid padding string: '${o.padding}'`);
  } else {
    padL = expandInts(fn, 'padding', o.padding, nsp);
    if (padL.some((p) => p < 0)) throw new RangeError('negative padding is not supported');
    padR = padL;
  }
  const padded = spatial.map((s, i) => s + padL[i] + padR[i]);
  const effK = ksz.map((k, i) => dilation[i] * (k - 1) + 1);
  if (padded.some((p, i) => p < effK[i])) {
    throw new RangeError(`Calculated padded input size per channel: ${fmtSizes(padded)}. Kernel size: ${fmtSizes(effK)}. Kernel size can't be greater than actual input size`);
  }
  const outSp = padded.map((p, i) => Math.floor((p - effK[i]) / stride[i]) + 1);
  // run as 2-d
  const s2 = (a: number[], one: number): number[] => (nsp === 1 ? [one, a[0]] : a);
  const [H, W] = s2(spatial, 1);
  const [kh, kw] = s2(ksz, 1);
  const [sh, sw] = s2(stride, 1);
  const [ph, pw] = s2(padL, 0);
  const [dh, dw] = s2(dilation, 1);
  const [OH, OW] = s2(outSp, 1);
  const geo: ConvGeo = { N: xs[0], C, H, W, O, groups, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW };
  const half = input.dtype === 'float16';
  let x = batched ? input : unsqueeze(input, 0);
  let w = weight;
  let b = bias;
  if (half) {
    x = toDType(x, 'float32');
    w = toDType(w, 'float32');
    b = b ? toDType(b, 'float32') : null;
  }
  if (nsp === 1) {
    x = reshape(x, [geo.N, C, 1, W]);
    w = reshape(w, [O, weight.shape[1], 1, kw]);
  }
  let y = convForward(x, w, b, geo);
  if (nsp === 1) y = reshape(y, [geo.N, O, OW]);
  if (!batched) y = squeeze(y, 0);
  if (half) y = toDType(y, 'float16');
  return y;
}

/** Shared body of convTranspose1d/2d. */
function convTransposeNd(fn: string, nsp: 1 | 2, input: Tensor, weight: Tensor, rest: unknown[]): Tensor {
  const o = optArgs<Required<ConvTransposeOptions>>(fn, rest, ['bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation'], {
    bias: null, stride: 1, padding: 0, outputPadding: 0, groups: 1, dilation: 1,
  });
  const bias = o.bias ?? null;
  const stride = expandInts(fn, 'stride', o.stride, nsp);
  const padding = expandInts(fn, 'padding', o.padding, nsp);
  const outPad = expandInts(fn, 'output_padding', o.outputPadding, nsp);
  const dilation = expandInts(fn, 'dilation', o.dilation, nsp);
  const groups = o.groups;
  checkPositive(stride, dilation, groups);
  if (padding.some((p) => p < 0)) throw new RangeError('negative padding is not supported');
  if (outPad.some((p) => p < 0)) throw new RangeError('negative output_padding is not supported');
  for (let i = 0; i < nsp; i++) {
    if (outPad[i] >= stride[i] && outPad[i] >= dilation[i]) {
      throw new RangeError(`output padding must be smaller than either stride or dilation, but got output_padding: ${outPad[i]}, stride: ${stride[i]}, dilation: ${dilation[i]}`);
    }
  }
  const dimB = nsp + 2;
  if (input.ndim !== dimB && input.ndim !== dimB - 1) {
    throw new RangeError(`Expected ${dimB - 1}D (unbatched) or ${dimB}D (batched) input to ${fn}, but got input of size: ${fmtShape(input.shape)}`);
  }
  checkFloat(fn, input, weight);
  const batched = input.ndim === dimB;
  const xs = batched ? input.shape : [1, ...input.shape];
  if (weight.ndim !== dimB) {
    throw new RangeError(`Expected ${dimB}-dimensional weight for ${dimB}-dimensional input ${fmtShape(xs)}, but got ${weight.ndim}-dimensional weight of size ${fmtShape(weight.shape)} instead`);
  }
  const Cin = xs[1];
  if (weight.shape[0] !== Cin) {
    throw new RangeError(`Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(xs)} to have ${weight.shape[0]} channels, but got ${Cin} channels instead`);
  }
  if (Cin % groups !== 0) {
    throw new RangeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(weight.shape)} instead`);
  }
  const Cout = weight.shape[1] * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== Cout)) {
    throw new RangeError(`Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${Cout} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  }
  const ksz = weight.shape.slice(2);
  const spatial = xs.slice(2);
  const outSp = spatial.map((s, i) => (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (ksz[i] - 1) + outPad[i] + 1);
  if (outSp.some((s) => s <= 0)) {
    throw new RangeError(`Given input size per channel: ${fmtSizes(spatial)}. Calculated output size per channel: ${fmtSizes(outSp)}. Output size is too small`);
  }
  const s2 = (a: number[], one: number): number[] => (nsp === 1 ? [one, a[0]] : a);
  // the conv this transposes maps [N, Cout, outSp] -> [N, Cin, spatial] with weight [Cin, Cout/g, k]
  const [H, W] = s2(outSp, 1);
  const [kh, kw] = s2(ksz, 1);
  const [sh, sw] = s2(stride, 1);
  const [ph, pw] = s2(padding, 0);
  const [dh, dw] = s2(dilation, 1);
  const [OH, OW] = s2(spatial, 1);
  const geo: ConvGeo = { N: xs[0], C: Cout, H, W, O: Cin, groups, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW };
  const half = input.dtype === 'float16';
  let x = batched ? input : unsqueeze(input, 0);
  let w = weight;
  let b = bias;
  if (half) {
    x = toDType(x, 'float32');
    w = toDType(w, 'float32');
    b = b ? toDType(b, 'float32') : null;
  }
  if (nsp === 1) {
    x = reshape(x, [geo.N, Cin, 1, OW]);
    w = reshape(w, [Cin, weight.shape[1], 1, kw]);
  }
  let y = convInputGrad(x, w, geo);
  if (b) y = add(y, reshape(b, [1, Cout, 1, 1]));
  if (nsp === 1) y = reshape(y, [geo.N, Cout, W]);
  if (!batched) y = squeeze(y, 0);
  if (half) y = toDType(y, 'float16');
  return y;
}

/**
 * 2-D convolution over an input [N, C, H, W] (or unbatched [C, H, W]) with weight [O, C/groups, kH, kW].
 * Optional: bias, stride, padding (int, pair, 'same' or 'valid'), dilation, groups.
 *
 * @example
 * ```ts
 * const y = torch.conv2d(torch.randn(1, 3, 8, 8), torch.randn(16, 3, 3, 3), null, { padding: 1 });
 * y.shape; // [1, 16, 8, 8]
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, ...rest: (Tensor | null | IntOrTuple | Padding | ConvOptions | undefined)[]): Tensor {
  if (gpuArgs(conv2d, arguments)) return viaGpu('conv2d', conv2d, arguments) as never;
  return convNd('conv2d', 2, input, weight, rest);
}

/**
 * 1-D convolution over an input [N, C, L] (or unbatched [C, L]) with weight [O, C/groups, K].
 *
 * @example
 * ```ts
 * torch.conv1d(torch.randn(2, 4, 10), torch.randn(8, 4, 3), null, { stride: 2 }).shape; // [2, 8, 4]
 * ```
 */
export function conv1d(input: Tensor, weight: Tensor, ...rest: (Tensor | null | IntOrTuple | Padding | ConvOptions | undefined)[]): Tensor {
  if (gpuArgs(conv1d, arguments)) return viaGpu('conv1d', conv1d, arguments) as never;
  return convNd('conv1d', 1, input, weight, rest);
}

/**
 * 2-D transposed convolution ("deconvolution"): input [N, Cin, H, W], weight [Cin, Cout/groups, kH, kW].
 * Optional: bias, stride, padding, outputPadding, groups, dilation (PyTorch's order).
 *
 * @example
 * ```ts
 * torch.convTranspose2d(torch.randn(1, 4, 5, 5), torch.randn(4, 2, 3, 3), null, { stride: 2 }).shape; // [1, 2, 11, 11]
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, ...rest: (Tensor | null | IntOrTuple | ConvTransposeOptions | undefined)[]): Tensor {
  if (gpuArgs(convTranspose2d, arguments)) return viaGpu('convTranspose2d', convTranspose2d, arguments) as never;
  return convTransposeNd('conv_transpose2d', 2, input, weight, rest);
}

/**
 * 1-D transposed convolution: input [N, Cin, L], weight [Cin, Cout/groups, K].
 *
 * @example
 * ```ts
 * torch.convTranspose1d(torch.randn(1, 4, 5), torch.randn(4, 2, 3), null, 2).shape; // [1, 2, 11]
 * ```
 */
export function convTranspose1d(input: Tensor, weight: Tensor, ...rest: (Tensor | null | IntOrTuple | ConvTransposeOptions | undefined)[]): Tensor {
  if (gpuArgs(convTranspose1d, arguments)) return viaGpu('convTranspose1d', convTranspose1d, arguments) as never;
  return convTransposeNd('conv_transpose1d', 1, input, weight, rest);
}
