/**
 * Pooling: maxPool1d/2d (with indices), avgPool1d/2d, adaptiveAvgPool1d/2d, adaptiveMaxPool1d/2d,
 * and their gradients. Window geometry is turned into per-axis index tables here; two kernel
 * families do the work (simd/pool.ts):
 *   - max pooling + index gather/scatter-add within planes (max-pool backward and its transpose)
 *   - `resampleAxis`: a weighted gather along one axis and its transpose. Average pooling is
 *     separable (its divisor is a product of per-axis counts), so avg / adaptive-avg pooling are
 *     two resample passes; ts/ops/spatial.ts uses the same primitive for interpolate and pad.
 */
import { heapBuffer, kernels, requireKernels } from '../backend/wasm.js';
import { record, traceAs } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Tensor, shapeNumel } from '../tensor/tensor.js';
import { optArgs } from './args.js';
import { mul } from './pointwise.js';
import { squeeze, toDType, unsqueeze } from './shape.js';
import { expandInts, f32c } from './conv.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuMaxPool2d, gpuPlaneGather, gpuPlaneScatter, gpuResample, type PoolGeo } from '../backend/webgpu/pool.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    maxpool2d_f32(x: number, P: number, H: number, W: number, hIdx: number, Th: number, OH: number, wIdx: number, Tw: number, OW: number, out: number, ind: number): void;
    gather_plane_f32(x: number, P: number, L: number, ind: number, M: number, out: number): void;
    scatter_add_plane_f32(g: number, P: number, M: number, ind: number, L: number, out: number): void;
    maxpool2d_idx_f32(x: number, P: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, out: number, ind: number, tmpV: number, tmpI: number): void;
    maxpool2d_values_f32(x: number, P: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, out: number, tmp: number): void;
    maxpool2d_ws_bytes(kh: number, sh: number, OH: number, OW: number, kw: number, sw: number): number;
    maxpool2d_planes_f32(x: number, P: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, OH: number, OW: number, out: number, ws: number): void;
    repeat_last_f32(x: number, rows: number, L: number, r: number, out: number): void;
    resample_f32(x: number, outer: number, Lin: number, inner: number, idx: number, w: number, T: number, Lout: number, out: number, transpose: number): void;
  }
}
requireKernels('repeat_last_f32', 'maxpool2d_f32', 'maxpool2d_idx_f32', 'maxpool2d_values_f32', 'maxpool2d_ws_bytes', 'maxpool2d_planes_f32', 'gather_plane_f32', 'scatter_add_plane_f32', 'resample_f32');

// ---------------------------------------------------------------------------------------------
// Primitives

/** @internal Per-axis resampling table: out[l] = sum_t w[l*T+t] * in[idx[l*T+t]] (idx -1 = none). */
export interface AxisTable {
  Lin: number;
  Lout: number;
  T: number;
  idx: Int32Array;
  w: Float32Array;
}

function tableTensors(tb: AxisTable): [Tensor, Tensor] {
  const n = tb.Lout * tb.T;
  const it = Tensor._empty([Math.max(n, 1)], 'int32');
  const wt = Tensor._empty([Math.max(n, 1)], 'float32');
  const buf = heapBuffer();
  new Int32Array(buf, it._ptr(), n).set(tb.idx);
  new Float32Array(buf, wt._ptr(), n).set(tb.w);
  return [it, wt];
}

/** r when the table repeats every input r times in order (integer nearest upsampling), else 0. */
function repeatFactor(tb: AxisTable): number {
  if (tb.T !== 1 || tb.Lin === 0 || tb.Lout % tb.Lin !== 0) return 0;
  const r = tb.Lout / tb.Lin;
  if (r < 2) return 0;
  for (let o = 0; o < tb.Lout; o++) if (tb.w[o] !== 1 || tb.idx[o] !== Math.floor(o / r)) return 0;
  return r;
}

function resampleRaw(x0: Tensor, dim: number, tb: AxisTable, transpose: boolean): Tensor {
  if (x0.device === 'webgpu') {
    const r = gpuResample(x0, dim, tb, transpose);
    if (r) return r;
  }
  const shape = x0.shape.slice();
  shape[dim] = transpose ? tb.Lin : tb.Lout;
  const out = Tensor._empty(shape, 'float32');
  if (out.numel() === 0) return out;
  const x = f32c(x0);
  const outer = shapeNumel(shape.slice(0, dim));
  const inner = shapeNumel(shape.slice(dim + 1));
  const r = inner === 1 && !transpose ? repeatFactor(tb) : 0;
  if (r > 0) {
    kernels.repeat_last_f32(x._ptr(), outer, tb.Lin, r, out._ptr());
    if (x !== x0) x.dispose();
    return out;
  }
  const [it, wt] = tableTensors(tb);
  kernels.resample_f32(x._ptr(), outer, tb.Lin, inner, it._ptr(), wt._ptr(), tb.T, tb.Lout, out._ptr(), transpose ? 1 : 0);
  it.dispose();
  wt.dispose();
  if (x !== x0) x.dispose();
  return out;
}

/**
 * @internal Differentiable resampling of float32 `x` along `dim` by `tb` (transpose: its adjoint,
 * mapping Lout back to Lin with scatter-add). Each direction's gradient is the other direction.
 */
export function resampleAxis(x: Tensor, dim: number, tb: AxisTable, transpose = false): Tensor {
  if (gpuArgs(resampleAxis, arguments)) return viaGpu('resampleAxis', resampleAxis, arguments) as never;
  const y = resampleRaw(x, dim, tb, transpose);
  record(transpose ? 'ResampleBackward' : 'Resample', [x], y, [], ([g]) => [resampleAxis(g, dim, tb, !transpose)]);
  return y;
}

/** Builds an AxisTable from a function listing the (index, weight) taps of each output position. */
export function buildTable(Lin: number, Lout: number, T: number, taps: (o: number, push: (i: number, w: number) => void) => void): AxisTable {
  if (gpuArgs(buildTable, arguments)) return viaGpu('buildTable', buildTable, arguments) as never;
  const idx = new Int32Array(Lout * T).fill(-1);
  const w = new Float32Array(Lout * T);
  for (let o = 0; o < Lout; o++) {
    let t = 0;
    taps(o, (i, wt) => {
      if (t >= T) throw new Error(`torchlet internal error: more than ${T} taps for output ${o}`);
      idx[o * T + t] = i >= 0 && i < Lin ? i : -1;
      w[o * T + t] = wt;
      t++;
    });
  }
  return { Lin, Lout, T, idx, w };
}

function planeGatherRaw(x0: Tensor, ind: Tensor, outShape: number[]): Tensor {
  if (x0.device === 'webgpu') {
    const r = gpuPlaneGather(x0, ind, outShape);
    if (r) return r;
  }
  const out = Tensor._empty(outShape, 'float32');
  if (out.numel() === 0) return out;
  const x = f32c(x0);
  const L = x.shape[x.ndim - 1] * x.shape[x.ndim - 2];
  const P = shapeNumel(x.shape) / Math.max(L, 1);
  const M = out.numel() / Math.max(P, 1);
  kernels.gather_plane_f32(x._ptr(), P, L, ind._ptr(), M, out._ptr());
  if (x !== x0) x.dispose();
  return out;
}

function planeScatterRaw(g0: Tensor, ind: Tensor, inShape: number[]): Tensor {
  if (g0.device === 'webgpu') {
    const r = gpuPlaneScatter(g0, ind, inShape);
    if (r) return r;
  }
  const out = Tensor._empty(inShape, 'float32');
  if (out.numel() === 0) return out;
  const g = f32c(g0);
  const L = inShape[inShape.length - 1] * inShape[inShape.length - 2];
  const P = out.numel() / L;
  const M = g.numel() / P;
  kernels.scatter_add_plane_f32(g._ptr(), P, M, ind._ptr(), L, out._ptr());
  if (g !== g0) g.dispose();
  return out;
}

/** @internal out = x [..., H, W] gathered per plane at flat indices `ind` [..., OH, OW] (differentiable). */
function planeGather(x: Tensor, ind: Tensor): Tensor {
  const y = planeGatherRaw(x, ind, ind.shape);
  const xs = x.shape.slice();
  record('MaxPoolGather', [x], y, [ind], ([g], [i]) => [planeScatter(g, i, xs)]);
  return y;
}

/** @internal The transpose of planeGather: scatter-add g into zeros of `inShape` (differentiable). */
function planeScatter(g: Tensor, ind: Tensor, inShape: number[]): Tensor {
  const y = planeScatterRaw(g, ind, inShape);
  record('MaxPoolBackward', [g], y, [ind], ([G], [i]) => [planeGather(G, i)]);
  return y;
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers

type IntOrTuple = number | readonly number[];
const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** PyTorch's pooling_output_shape. */
function poolOut(L: number, k: number, pad: number, stride: number, dil: number, ceil: boolean): number {
  let out = Math.floor((L + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= L + pad) out--;
  return out;
}

const adaptStart = (o: number, L: number, Lo: number): number => Math.floor((o * L) / Lo);
const adaptEnd = (o: number, L: number, Lo: number): number => Math.ceil(((o + 1) * L) / Lo);

function adaptiveTable(L: number, Lo: number, avg: boolean): AxisTable {
  let T = 1;
  for (let o = 0; o < Lo; o++) T = Math.max(T, adaptEnd(o, L, Lo) - adaptStart(o, L, Lo));
  return buildTable(L, Lo, T, (o, push) => {
    const s = adaptStart(o, L, Lo);
    const e = adaptEnd(o, L, Lo);
    for (let i = s; i < e; i++) push(i, avg ? 1 / (e - s) : 1);
  });
}

interface Prepared {
  x: Tensor;
  batched: boolean;
  half: boolean;
}

/** Validates the input rank, adds the batch dim for unbatched input and casts float16 to float32. */
function prepare(fn: string, input: Tensor, nsp: number): Prepared {
  const lo = nsp + 1;
  if (input.ndim !== lo && input.ndim !== lo + 1) {
    throw new RangeError(`non-empty ${lo}D or ${lo + 1}D (batch mode) tensor expected for input, but got input of size: ${fmtShape(input.shape)}`);
  }
  if (input.dtype !== 'float32' && input.dtype !== 'float16') {
    throw new TypeError(`${fn}(): expected a floating point input, but got ${input.dtype}`);
  }
  const batched = input.ndim === lo + 1;
  let x = batched ? input : unsqueeze(input, 0);
  const half = x.dtype === 'float16';
  if (half) x = toDType(x, 'float32');
  for (let i = 2; i < x.ndim; i++) {
    if (x.shape[i] === 0) throw new RangeError(`${fn}: Expected input's non-batch dimensions to have positive length, but input has a shape of ${fmtShape(input.shape)}`);
  }
  return { x, batched, half };
}

function finishOut(p: Prepared, y: Tensor): Tensor {
  let r = p.batched ? y : squeeze(y, 0);
  if (p.half) r = toDType(r, 'float16');
  return r;
}

// ---------------------------------------------------------------------------------------------
// Max pooling

export interface MaxPoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

/**
 * Max pooling over the (H, W) planes of x [N, C, H, W] into [N, C, OH, OW] values and int64 indices;
 * `launch(x, out, ind)` allocates its scratch, then fetches pointers and runs the kernel (x is
 * contiguous float32). Records the scatter-add gradient.
 */
function maxPoolWith(x: Tensor, OH: number, OW: number, launch: (xc: Tensor, out: Tensor, ind: Tensor) => void, attrs?: Record<string, unknown>, gpu?: PoolGeo): [Tensor, Tensor] {
  const [N, C] = x.shape;
  const shape = [N, C, OH, OW];
  const onGpu = x.device === 'webgpu' && gpu ? gpuMaxPool2d(x, gpu, true) : null;
  const out = onGpu ? onGpu[0] : Tensor._empty(shape, 'float32');
  const ind = onGpu ? (onGpu[1] as Tensor) : Tensor._empty(shape, 'int64');
  if (!onGpu && out.numel() > 0) {
    const xc = f32c(x);
    launch(xc, out, ind);
    if (xc !== x) xc.dispose();
  }
  const xs = x.shape.slice();
  record('MaxPool2DWithIndicesBackward', [x], out, [ind], ([g], [i]) => [planeScatter(g, i, xs)], attrs);
  return [out, ind];
}

/** Max pooling with per-axis window tables (adaptive windows). */
function maxPoolTables(x: Tensor, th: AxisTable, tw: AxisTable): [Tensor, Tensor] {
  const [N, C, H, W] = x.shape;
  return maxPoolWith(x, th.Lout, tw.Lout, (xc, out, ind) => {
    const [hi, hw] = tableTensors(th);
    const [wi, ww] = tableTensors(tw);
    kernels.maxpool2d_f32(xc._ptr(), N * C, H, W, hi._ptr(), th.T, th.Lout, wi._ptr(), tw.T, tw.Lout, out._ptr(), ind._ptr());
    [hi, hw, wi, ww].forEach((t) => t.dispose());
  });
}

function maxPoolNd(fn: string, nsp: 1 | 2, input: Tensor, kernelSize: IntOrTuple, rest: unknown[]): Tensor | [Tensor, Tensor] {
  const o = optArgs<Required<MaxPoolOptions>>(fn, rest, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'], {
    stride: null, padding: 0, dilation: 1, ceilMode: false, returnIndices: false,
  });
  const k = expandInts(fn, 'kernel_size', kernelSize, nsp);
  const s = o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? k.slice() : expandInts(fn, 'stride', o.stride, nsp);
  const pad = expandInts(fn, 'padding', o.padding, nsp);
  const dil = expandInts(fn, 'dilation', o.dilation, nsp);
  if (k.some((v) => v <= 0)) throw new RangeError(`${fn}: kernel_size must be greater than zero, but got ${fmtShape(k)}`);
  if (s.some((v) => v <= 0)) throw new RangeError(`${fn}: stride must be greater than zero, but got ${fmtShape(s)}`);
  if (dil.some((v) => v <= 0)) throw new RangeError(`${fn}: dilation must be greater than zero, but got ${fmtShape(dil)}`);
  for (let i = 0; i < nsp; i++) {
    if (pad[i] < 0 || pad[i] > Math.floor(k[i] / 2)) throw new RangeError(`pad should be at most half of kernel size, but got pad=${pad[i]} and kernel_size=${k[i]}`);
  }
  const p = prepare(fn, input, nsp);
  let x = p.x;
  if (nsp === 1) x = unsqueeze(x, 2);
  const sp = x.shape.slice(2);
  const [kh, kw] = nsp === 1 ? [1, k[0]] : k;
  const [sh, sw] = nsp === 1 ? [1, s[0]] : s;
  const [ph, pw] = nsp === 1 ? [0, pad[0]] : pad;
  const [dh, dw] = nsp === 1 ? [1, dil[0]] : dil;
  const OH = poolOut(sp[0], kh, ph, sh, dh, o.ceilMode);
  const OW = poolOut(sp[1], kw, pw, sw, dw, o.ceilMode);
  if (OH <= 0 || OW <= 0) {
    const inS = nsp === 1 ? [x.shape[1], sp[1]] : [x.shape[1], ...sp];
    const outS = nsp === 1 ? [x.shape[1], OW] : [x.shape[1], OH, OW];
    throw new RangeError(`Given input size: (${inS.join('x')}). Calculated output size: (${outS.join('x')}). Output size is too small`);
  }
  const geo: PoolGeo = { kh, kw, sh, sw, ph, pw, dh, dw, OH, OW };
  if (!o.returnIndices && !(isGradEnabled() && x.requiresGrad)) {
    // inference: values only, separable SIMD kernel
    const [N, C, H, W] = x.shape;
    const onGpu = x.device === 'webgpu' ? gpuMaxPool2d(x, geo, false) : null;
    let y = onGpu ? onGpu[0] : Tensor._empty([N, C, OH, OW], 'float32');
    if (!onGpu && y.numel() > 0) {
      const xc = f32c(x);
      if (dh === 1 && dw === 1 && (sw === 1 || sw === 2)) {
        // -inf-padded scratch planes: every output vector without bounds checks
        const ws = Tensor._empty([Math.ceil(kernels.maxpool2d_ws_bytes(kh, sh, OH, OW, kw, sw) / 4)], 'float32');
        kernels.maxpool2d_planes_f32(xc._ptr(), N * C, H, W, kh, kw, sh, sw, ph, pw, OH, OW, y._ptr(), ws._ptr());
        ws.dispose();
      } else {
        const tmp = Tensor._empty([H * OW], 'float32');
        kernels.maxpool2d_values_f32(xc._ptr(), N * C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, y._ptr(), tmp._ptr());
        tmp.dispose();
      }
      if (xc !== x) xc.dispose();
    }
    if (nsp === 1) y = squeeze(y, 2);
    return finishOut(p, y);
  }
  const [N, C, H, W] = x.shape;
  let [y, ind] = maxPoolWith(x, OH, OW, (xc, out, ind) => {
    const tv = Tensor._empty([H * OW], 'float32');
    const ti = Tensor._empty([H * OW], 'int32');
    kernels.maxpool2d_idx_f32(xc._ptr(), N * C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, out._ptr(), ind._ptr(), tv._ptr(), ti._ptr());
    tv.dispose();
    ti.dispose();
  }, { kernel: [kh, kw], stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], ceilMode: o.ceilMode }, geo);
  if (nsp === 1) {
    y = squeeze(y, 2);
    ind = squeeze(ind, 2);
  }
  const out = finishOut(p, y);
  if (!o.returnIndices) return out;
  return [out, p.batched ? ind : squeeze(ind, 0)];
}

/**
 * 2-D max pooling over [N, C, H, W] or [C, H, W]. Returns the output, or `[output, indices]` with
 * `returnIndices` (indices are flat positions h * W + w in each input plane, like PyTorch).
 *
 * @example
 * ```ts
 * torch.maxPool2d(torch.randn(1, 3, 8, 8), 2).shape; // [1, 3, 4, 4]
 * const [y, idx] = torch.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
 * ```
 */
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, ...rest: (IntOrTuple | boolean | null | MaxPoolOptions | undefined)[]): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  if (gpuArgs(maxPool2d, arguments)) return viaGpu('maxPool2d', maxPool2d, arguments) as never;
  return maxPoolNd('max_pool2d', 2, input, kernelSize, rest);
}

/**
 * 1-D max pooling over [N, C, L] or [C, L].
 *
 * @example
 * ```ts
 * torch.maxPool1d(torch.randn(2, 3, 10), 3, 2).shape; // [2, 3, 4]
 * ```
 */
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, ...rest: (IntOrTuple | boolean | null | MaxPoolOptions | undefined)[]): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  if (gpuArgs(maxPool1d, arguments)) return viaGpu('maxPool1d', maxPool1d, arguments) as never;
  return maxPoolNd('max_pool1d', 1, input, kernelSize, rest);
}

function outputSizes(fn: string, outputSize: unknown, sp: number[]): number[] {
  const n = sp.length;
  const arr = typeof outputSize === 'number' || outputSize === null ? new Array<unknown>(n).fill(outputSize) : Array.isArray(outputSize) ? outputSize : null;
  if (!arr || (arr.length !== n && arr.length !== 1)) throw new TypeError(`${fn}(): output_size must be an int or a tuple of ${n} ints, but got ${JSON.stringify(outputSize)}`);
  const full = arr.length === 1 ? new Array<unknown>(n).fill(arr[0]) : arr;
  return full.map((v, i) => {
    if (v === null || v === undefined) return sp[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new TypeError(`${fn}(): output_size must be non-negative ints, but got ${JSON.stringify(outputSize)}`);
    return v;
  });
}

function adaptiveMaxNd(fn: string, nsp: 1 | 2, input: Tensor, outputSize: unknown, returnIndices: boolean): Tensor | [Tensor, Tensor] {
  const p = prepare(fn, input, nsp);
  let x = p.x;
  if (nsp === 1) x = unsqueeze(x, 2);
  const sp = x.shape.slice(2);
  const os = nsp === 1 ? [1, ...outputSizes(fn, outputSize, [sp[1]])] : outputSizes(fn, outputSize, sp);
  let [y, ind] = maxPoolTables(x, adaptiveTable(sp[0], os[0], false), adaptiveTable(sp[1], os[1], false));
  if (nsp === 1) {
    y = squeeze(y, 2);
    ind = squeeze(ind, 2);
  }
  const out = finishOut(p, y);
  if (!returnIndices) return out;
  return [out, p.batched ? ind : squeeze(ind, 0)];
}

/**
 * Adaptive 2-D max pooling to `outputSize` (int, pair; null keeps that input size).
 *
 * @example
 * ```ts
 * torch.adaptiveMaxPool2d(torch.randn(1, 3, 7, 9), [2, 3]).shape; // [1, 3, 2, 3]
 * ```
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: IntOrTuple | (number | null)[], returnIndices: true | { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: IntOrTuple | (number | null)[], returnIndices?: boolean | { returnIndices?: boolean }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: IntOrTuple | (number | null)[], ...rest: (boolean | { returnIndices?: boolean } | undefined)[]): Tensor | [Tensor, Tensor] {
  if (gpuArgs(adaptiveMaxPool2d, arguments)) return viaGpu('adaptiveMaxPool2d', adaptiveMaxPool2d, arguments) as never;
  const o = optArgs('adaptive_max_pool2d', rest, ['returnIndices'], { returnIndices: false });
  return adaptiveMaxNd('adaptive_max_pool2d', 2, input, outputSize, o.returnIndices);
}

/**
 * Adaptive 1-D max pooling to `outputSize`.
 *
 * @example
 * ```ts
 * torch.adaptiveMaxPool1d(torch.randn(1, 3, 10), 4).shape; // [1, 3, 4]
 * ```
 */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | number[], returnIndices: true | { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | number[], returnIndices?: boolean | { returnIndices?: boolean }): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | number[], ...rest: (boolean | { returnIndices?: boolean } | undefined)[]): Tensor | [Tensor, Tensor] {
  if (gpuArgs(adaptiveMaxPool1d, arguments)) return viaGpu('adaptiveMaxPool1d', adaptiveMaxPool1d, arguments) as never;
  const o = optArgs('adaptive_max_pool1d', rest, ['returnIndices'], { returnIndices: false });
  return adaptiveMaxNd('adaptive_max_pool1d', 1, input, outputSize, o.returnIndices);
}

// ---------------------------------------------------------------------------------------------
// Average pooling

export interface AvgPoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Per-axis avg-pool table; weights are 1/count on this axis (or 1 when a divisor override applies). */
function avgTable(L: number, Lout: number, k: number, s: number, pad: number, includePad: boolean, unit: boolean): AxisTable {
  return buildTable(L, Lout, k, (o, push) => {
    const start = o * s - pad;
    const end = Math.min(start + k, L + pad);
    const cnt = includePad ? end - start : Math.min(end, L) - Math.max(start, 0);
    for (let t = 0; t < k; t++) {
      const i = start + t;
      if (i >= 0 && i < L) push(i, unit ? 1 : cnt > 0 ? 1 / cnt : 0);
    }
  });
}

function avgPoolNd(fn: string, nsp: 1 | 2, input: Tensor, kernelSize: IntOrTuple, rest: unknown[]): Tensor {
  const names = nsp === 2 ? (['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const) : (['stride', 'padding', 'ceilMode', 'countIncludePad'] as const);
  const o = optArgs<Required<AvgPoolOptions>>(fn, rest, names as unknown as (keyof AvgPoolOptions)[], {
    stride: null, padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: null,
  });
  const k = expandInts(fn, 'kernel_size', kernelSize, nsp);
  const s = o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? k.slice() : expandInts(fn, 'stride', o.stride, nsp);
  const pad = expandInts(fn, 'padding', o.padding, nsp);
  if (k.some((v) => v <= 0)) throw new RangeError(`${fn}: kernel_size must be greater than zero, but got ${fmtShape(k)}`);
  if (s.some((v) => v <= 0)) throw new RangeError(`${fn}: stride must be greater than zero, but got ${fmtShape(s)}`);
  for (let i = 0; i < nsp; i++) {
    if (pad[i] < 0 || pad[i] > Math.floor(k[i] / 2)) throw new RangeError(`pad should be at most half of kernel size, but got pad=${pad[i]} and kernel_size=${k[i]}`);
  }
  const div = o.divisorOverride;
  if (div !== null && (typeof div !== 'number' || !Number.isInteger(div) || div === 0)) throw new RangeError('divisor must be not zero');
  const p = prepare(fn, input, nsp);
  let x = p.x;
  if (nsp === 1) x = unsqueeze(x, 2);
  const sp = x.shape.slice(2);
  const [kh, kw] = nsp === 1 ? [1, k[0]] : k;
  const [sh, sw] = nsp === 1 ? [1, s[0]] : s;
  const [ph, pw] = nsp === 1 ? [0, pad[0]] : pad;
  const OH = poolOut(sp[0], kh, ph, sh, 1, o.ceilMode);
  const OW = poolOut(sp[1], kw, pw, sw, 1, o.ceilMode);
  if (OH <= 0 || OW <= 0) {
    const inS = nsp === 1 ? [x.shape[1], sp[1]] : [x.shape[1], ...sp];
    const outS = nsp === 1 ? [x.shape[1], OW] : [x.shape[1], OH, OW];
    throw new RangeError(`Given input size: (${inS.join('x')}). Calculated output size: (${outS.join('x')}). Output size is too small`);
  }
  const unit = div !== null;
  let y = resampleAxis(x, 2, avgTable(sp[0], OH, kh, sh, ph, o.countIncludePad, unit));
  y = resampleAxis(y, 3, avgTable(sp[1], OW, kw, sw, pw, o.countIncludePad, unit));
  if (unit) y = mul(y, 1 / (div as number));
  if (nsp === 1) y = squeeze(y, 2);
  return finishOut(p, y);
}

/**
 * 2-D average pooling over [N, C, H, W] or [C, H, W].
 *
 * @example
 * ```ts
 * torch.avgPool2d(torch.randn(1, 3, 8, 8), 2).shape; // [1, 3, 4, 4]
 * torch.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false });
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: IntOrTuple, ...rest: unknown[]): Tensor {
  if (gpuArgs(avgPool2d, arguments)) return viaGpu('avgPool2d', avgPool2d, arguments) as never;
  return traceAs('AvgPool2d', [input], { kernelSize, rest }, () => avgPoolNd('avg_pool2d', 2, input, kernelSize, rest));
}

/**
 * 1-D average pooling over [N, C, L] or [C, L].
 *
 * @example
 * ```ts
 * torch.avgPool1d(torch.randn(1, 3, 10), 2).shape; // [1, 3, 5]
 * ```
 */
export function avgPool1d(input: Tensor, kernelSize: IntOrTuple, ...rest: unknown[]): Tensor {
  if (gpuArgs(avgPool1d, arguments)) return viaGpu('avgPool1d', avgPool1d, arguments) as never;
  return avgPoolNd('avg_pool1d', 1, input, kernelSize, rest);
}

/**
 * Adaptive 2-D average pooling to `outputSize` (int or pair; null keeps that input size).
 *
 * @example
 * ```ts
 * torch.adaptiveAvgPool2d(torch.randn(1, 512, 7, 7), 1).shape; // [1, 512, 1, 1]
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: IntOrTuple | (number | null)[]): Tensor {
  if (gpuArgs(adaptiveAvgPool2d, arguments)) return viaGpu('adaptiveAvgPool2d', adaptiveAvgPool2d, arguments) as never;
  return traceAs('AdaptiveAvgPool2d', [input], { outputSize }, () => adaptiveAvgPool2dImpl(input, outputSize));
}

function adaptiveAvgPool2dImpl(input: Tensor, outputSize: IntOrTuple | (number | null)[]): Tensor {
  const p = prepare('adaptive_avg_pool2d', input, 2);
  const sp = p.x.shape.slice(2);
  const os = outputSizes('adaptive_avg_pool2d', outputSize, sp);
  let y = resampleAxis(p.x, 2, adaptiveTable(sp[0], os[0], true));
  y = resampleAxis(y, 3, adaptiveTable(sp[1], os[1], true));
  return finishOut(p, y);
}

/**
 * Adaptive 1-D average pooling to `outputSize`.
 *
 * @example
 * ```ts
 * torch.adaptiveAvgPool1d(torch.randn(1, 3, 10), 4).shape; // [1, 3, 4]
 * ```
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | number[]): Tensor {
  if (gpuArgs(adaptiveAvgPool1d, arguments)) return viaGpu('adaptiveAvgPool1d', adaptiveAvgPool1d, arguments) as never;
  const p = prepare('adaptive_avg_pool1d', input, 1);
  const L = p.x.shape[2];
  const [os] = outputSizes('adaptive_avg_pool1d', outputSize, [L]);
  return finishOut(p, resampleAxis(p.x, 2, adaptiveTable(L, os, true)));
}
