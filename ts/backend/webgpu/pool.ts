/**
 * WebGPU launchers of the pooling primitives of ts/ops/pool.ts (gpu-bridge/pool.wgsl): max pool 2d
 * with int64 argmax indices, the index gather / scatter-add pair behind max pool's gradients, and
 * the one-axis table resample that average pooling, adaptive average pooling, interpolation and
 * padding are built from (its transpose runs on the inverted table). Inputs are float32 webgpu
 * tensors (made contiguous on the GPU when needed); results are new contiguous webgpu tensors.
 * Null when a case is not handled (CPU operands, 32-bit index limits): the caller runs its CPU path.
 */
import { launch, type Kernel } from './device.js';
import { WGSL } from './shaders.generated.js';
import { Params, fits32, gpuContiguousF32, groups1d } from './elementwise.js';
import { upload } from './dispatch.js';
import { Tensor, shapeNumel } from '../../tensor/tensor.js';
import type { AxisTable } from '../../ops/pool.js';

const kernels = new Map<string, Kernel>();
function poolKernel(mode: number, withIdx = false): Kernel {
  const key = `pool:${mode}:${+withIdx}`;
  let k = kernels.get(key);
  if (!k) {
    k = { key, code: WGSL.pool, constants: { MODE: mode, WITH_IDX: +withIdx } };
    kernels.set(key, k);
  }
  return k;
}

/** Window geometry of a regular 2-d pooling (leading paddings; output size already resolved). */
export interface PoolGeo {
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; OH: number; OW: number;
}

interface Fields {
  P?: number; H?: number; W?: number; OH?: number; OW?: number; kh?: number; kw?: number; sh?: number; sw?: number;
  ph?: number; pw?: number; dh?: number; dw?: number; offX?: number; total: number; rowThreads: number;
  outer?: number; Lin?: number; inner?: number; T?: number; Lout?: number; tabOff?: number; offI?: number;
}

function params(f: Fields): ArrayBuffer {
  const order: (keyof Fields)[] = ['P', 'H', 'W', 'OH', 'OW', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'offX', 'total', 'rowThreads', 'outer', 'Lin', 'inner', 'T', 'Lout', 'tabOff', 'offI'];
  const p = new Params(96);
  for (const k of order) p.u32(f[k] ?? 0);
  return p.buffer;
}

const gpuF32 = (t: Tensor): Tensor | null => (t.device === 'webgpu' && (t.dtype === 'float32' || t.dtype === 'float16') && fits32(t) ? gpuContiguousF32(t) : null);
const gpuIdx = (t: Tensor): boolean => t.device === 'webgpu' && t.dtype === 'int64' && t.isContiguous() && fits32(t);

/**
 * Max pooling of x [N, C, H, W] on the GPU: [values, int64 indices (flat h * W + w per plane)],
 * or [values, null] without `withIndices`. Null when the GPU path cannot take the case.
 *
 * @example
 * ```ts
 * const r = gpuMaxPool2d(x, { kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1, OH, OW }, true);
 * ```
 */
export function gpuMaxPool2d(x0: Tensor, g: PoolGeo, withIndices: boolean): [Tensor, Tensor | null] | null {
  if (x0.ndim !== 4) return null;
  const x = gpuF32(x0);
  if (!x) return null;
  const [N, C, H, W] = x.shape;
  const shape = [N, C, g.OH, g.OW];
  const total = shapeNumel(shape);
  if (total * 2 >= 2 ** 31) {
    if (x !== x0) x.dispose();
    return null;
  }
  const out = Tensor._empty(shape, 'float32', 'webgpu');
  const ind = Tensor._empty(withIndices ? shape : [1], 'int64', 'webgpu');
  if (total > 0) {
    const groups = groups1d(total);
    const p = params({ P: N * C, H, W, ...g, offX: x._offset, total, rowThreads: groups[0] * 256 });
    launch(poolKernel(0, withIndices), [x, ind, out], p, groups, 2);
  }
  if (x !== x0) x.dispose();
  if (withIndices) return [out, ind];
  ind.dispose();
  return [out, null];
}

/**
 * out [..., OH, OW] = x [..., H, W] gathered per plane at the int64 flat indices `ind` (max pool's
 * double backward), on the GPU. Null when the GPU path cannot take the case.
 *
 * @example
 * ```ts
 * const y = gpuPlaneGather(x, ind, ind.shape);
 * ```
 */
export function gpuPlaneGather(x0: Tensor, ind: Tensor, outShape: number[]): Tensor | null {
  if (!gpuIdx(ind) || x0.ndim < 2) return null;
  const x = gpuF32(x0);
  if (!x) return null;
  const out = Tensor._empty(outShape, 'float32', 'webgpu');
  const total = out.numel();
  const H = x.shape[x.ndim - 2];
  const W = x.shape[x.ndim - 1];
  const P = shapeNumel(x.shape) / Math.max(1, H * W);
  const M = total / Math.max(1, P);
  if (total > 0) {
    const groups = groups1d(total);
    launch(poolKernel(1), [x, ind, out], params({ P, H, W, OH: 1, OW: M, offX: x._offset, offI: 2 * ind._offset, total, rowThreads: groups[0] * 256 }), groups);
  }
  if (x !== x0) x.dispose();
  return out;
}

/**
 * out = zeros(inShape) with g [..., OH, OW] scatter-added per plane at the int64 flat indices
 * `ind` (max pool's backward), on the GPU; deterministic (one thread per plane, in order). Null
 * when the GPU path cannot take the case.
 *
 * @example
 * ```ts
 * const dx = gpuPlaneScatter(gy, ind, x.shape);
 * ```
 */
export function gpuPlaneScatter(g0: Tensor, ind: Tensor, inShape: number[]): Tensor | null {
  if (!gpuIdx(ind) || inShape.length < 2) return null;
  const g = gpuF32(g0);
  if (!g) return null;
  const out = Tensor._empty(inShape, 'float32', 'webgpu');
  const H = inShape[inShape.length - 2];
  const W = inShape[inShape.length - 1];
  const P = out.numel() / Math.max(1, H * W);
  const M = g.numel() / Math.max(1, P);
  if (out.numel() > 0) {
    const groups = groups1d(P);
    launch(poolKernel(2), [g, ind, out], params({ P, H, W, OH: 1, OW: M, offX: g._offset, offI: 2 * ind._offset, total: P, rowThreads: groups[0] * 256 }), groups);
  }
  if (g !== g0) g.dispose();
  return out;
}

/** The table as one webgpu tensor of u32 words: T * Lout indices, then T * Lout f32 weights. */
function tableOnGpu(idx: Int32Array, w: Float32Array): Tensor {
  const n = idx.length;
  const words = new Uint32Array(Math.max(2 * n, 1));
  words.set(new Uint32Array(idx.buffer, idx.byteOffset, n), 0);
  words.set(new Uint32Array(w.buffer, w.byteOffset, n), n);
  const cpu = Tensor._fromBytes(new Uint8Array(words.buffer), [words.length], [1], 0, 'int32');
  const g = upload(cpu);
  cpu.dispose();
  return g;
}

/** The transpose of a table: for each input position, the (output position, weight) pairs that read it. */
function invert(tb: AxisTable): { idx: Int32Array; w: Float32Array; T: number } {
  const cnt = new Int32Array(tb.Lin);
  for (let e = 0; e < tb.Lout * tb.T; e++) {
    const i = tb.idx[e];
    if (i >= 0 && i < tb.Lin) cnt[i]++;
  }
  let T = 0;
  for (let i = 0; i < tb.Lin; i++) T = Math.max(T, cnt[i]);
  T = Math.max(T, 1);
  const idx = new Int32Array(tb.Lin * T).fill(-1);
  const w = new Float32Array(tb.Lin * T);
  cnt.fill(0);
  for (let l = 0; l < tb.Lout; l++) {
    for (let t = 0; t < tb.T; t++) {
      const i = tb.idx[l * tb.T + t];
      if (i < 0 || i >= tb.Lin) continue;
      const e = i * T + cnt[i]++;
      idx[e] = l;
      w[e] = tb.w[l * tb.T + t];
    }
  }
  return { idx, w, T };
}

/**
 * Resampling of x along `dim` by an axis table on the GPU: out[o, l, i] = sum_t w[l, t] *
 * x[o, idx[l, t], i] (Lin -> Lout), or with `transpose` its adjoint (Lout -> Lin, the table
 * inverted on the CPU so that the kernel gathers instead of scattering). Null when the GPU path
 * cannot take the case.
 *
 * @example
 * ```ts
 * const y = gpuResample(x, 2, table, false); // e.g. one axis of avg pooling
 * ```
 */
export function gpuResample(x0: Tensor, dim: number, tb: AxisTable, transpose: boolean): Tensor | null {
  const x = gpuF32(x0);
  if (!x) return null;
  const shape = x.shape.slice();
  const Lin = transpose ? tb.Lout : tb.Lin;
  const Lout = transpose ? tb.Lin : tb.Lout;
  if (shape[dim] !== Lin) {
    if (x !== x0) x.dispose();
    return null;
  }
  shape[dim] = Lout;
  const out = Tensor._empty(shape, 'float32', 'webgpu');
  const total = out.numel();
  if (total > 0) {
    const t = transpose ? invert(tb) : { idx: tb.idx, w: tb.w, T: tb.T };
    const tab = tableOnGpu(t.idx, t.w);
    const outer = shapeNumel(shape.slice(0, dim));
    const inner = shapeNumel(shape.slice(dim + 1));
    const groups = groups1d(total);
    const p = params({ outer, Lin, inner, T: t.T, Lout, tabOff: Lout * t.T, offX: x._offset, total, rowThreads: groups[0] * 256 });
    launch(poolKernel(3), [x, tab, out], p, groups);
    tab.dispose();
  }
  if (x !== x0) x.dispose();
  return out;
}
