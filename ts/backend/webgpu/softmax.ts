/**
 * WebGPU launchers of softmax / log-softmax along one dim and their backward
 * (gpu-bridge/softmax.wgsl, softmax-backward.wgsl), and logsumexp over any dims (softmax.wgsl's
 * per-row mode). Inputs are made contiguous float32 first (one
 * copy kernel when they are not); results are float32 webgpu tensors, like the CPU kernels.
 */
import { launch } from './device.js';
import { WGSL } from './shaders.generated.js';
import { Tensor, shapeNumel } from '../../tensor/tensor.js';
import { Params, WG, gpuContiguousF32, groups1d, groupsRows } from './elementwise.js';

function blocks(shape: readonly number[], d: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  return [shapeNumel(shape.slice(0, d)), shape[d], shapeNumel(shape.slice(d + 1))];
}

/** One workgroup per row for long rows or when rows are contiguous (inner == 1), else one invocation per row. */
function rowsMode(k: number, inner: number, rows: number): boolean {
  if (k >= 512) return true;
  if (inner === 1) return k >= 64 || rows < 4 * WG;
  return rows < 2 * WG && k >= 64;
}

/**
 * softmax (log false) or log-softmax (log true) of x along dim d (normalised), as float32.
 * Null for a CPU x or an input that cannot be made float32 on the GPU.
 *
 * @example
 * ```ts
 * const y = gpuSoftmax(logits, 1, false);
 * ```
 */
export function gpuSoftmax(x: Tensor, d: number, log: boolean): Tensor | null {
  x._check();
  if (x.device !== 'webgpu') return null;
  const src = gpuContiguousF32(x);
  if (!src) return null;
  const out = Tensor._empty(x.shape, 'float32', 'webgpu');
  if (out.numel() > 0) {
    const [outer, k, inner] = blocks(x.shape, d);
    const rows = outer * inner;
    const prm = new Params(32).u32(rows).u32(k).u32(inner).u32(log ? 1 : 0).u32(src._offset);
    const byRows = rowsMode(k, inner, rows);
    launch({ key: `softmax:${byRows ? 'rows' : 'thread'}`, code: WGSL.softmax, constants: { ROWS: byRows ? 1 : 0 } }, [src, out], prm.buffer, byRows ? groupsRows(rows) : groups1d(rows));
  }
  if (src !== x) src.dispose();
  return out;
}

/**
 * Input gradient of softmax / log-softmax along dim d from the forward output y and the output
 * gradient g (float32 result). Null when either is not a webgpu tensor.
 *
 * @example
 * ```ts
 * const gx = gpuSoftmaxBackward(y, gy, 1, false);
 * ```
 */
export function gpuSoftmaxBackward(y: Tensor, g: Tensor, d: number, log: boolean): Tensor | null {
  y._check();
  g._check();
  if (y.device !== 'webgpu' || g.device !== 'webgpu' || y.shape.join() !== g.shape.join()) return null;
  const ys = gpuContiguousF32(y);
  const gs = ys ? gpuContiguousF32(g) : null;
  if (!ys || !gs) {
    if (ys && ys !== y) ys.dispose();
    return null;
  }
  const out = Tensor._empty(y.shape, 'float32', 'webgpu');
  if (out.numel() > 0) {
    const [outer, k, inner] = blocks(y.shape, d);
    const rows = outer * inner;
    const prm = new Params(32).u32(rows).u32(k).u32(inner).u32(log ? 1 : 0).u32(ys._offset).u32(gs._offset);
    const byRows = rowsMode(k, inner, rows);
    launch({ key: `softmax-backward:${byRows ? 'rows' : 'thread'}`, code: WGSL['softmax-backward'], constants: { ROWS: byRows ? 1 : 0 } }, [ys, gs, out], prm.buffer, byRows ? groupsRows(rows) : groups1d(rows));
  }
  if (ys !== y) ys.dispose();
  if (gs !== g) gs.dispose();
  return out;
}

/**
 * logsumexp of x over `dims` (sorted, distinct; outShape the reduced shape) as float32, computed
 * stably (max + log(sum(exp(x - max)))). Dims that are not one run of a contiguous tensor are moved
 * last with one copy. Null for a CPU x.
 *
 * @example
 * ```ts
 * const y = gpuLogsumexp(x, [1], [x.shape[0]]);
 * ```
 */
export function gpuLogsumexp(x: Tensor, dims: readonly number[], outShape: readonly number[]): Tensor | null {
  x._check();
  if (x.device !== 'webgpu') return null;
  const k = dims.reduce((a, d) => a * x.shape[d], 1);
  const run = dims.length > 0 && dims[dims.length - 1] - dims[0] + 1 === dims.length;
  let src: Tensor | null;
  let outer: number;
  let inner: number;
  if (dims.length === 0 || (run && x.isContiguous())) {
    src = gpuContiguousF32(x);
    outer = dims.length ? shapeNumel(x.shape.slice(0, dims[0])) : x.numel();
    inner = dims.length ? shapeNumel(x.shape.slice(dims[dims.length - 1] + 1)) : 1;
  } else {
    const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
    const order = [...keep, ...dims];
    const v = x._view(order.map((i) => x.shape[i]), order.map((i) => x._strides[i]), x._offset);
    src = gpuContiguousF32(v);
    if (src !== v) v.dispose();
    outer = shapeNumel(keep.map((i) => x.shape[i]));
    inner = 1;
  }
  if (!src) return null;
  const out = Tensor._empty(outShape, 'float32', 'webgpu');
  const rows = outer * inner;
  if (rows > 0) {
    const prm = new Params(32).u32(rows).u32(k).u32(inner).u32(2).u32(src._offset);
    const byRows = rowsMode(k, inner, rows);
    launch({ key: `softmax:${byRows ? 'rows' : 'thread'}`, code: WGSL.softmax, constants: { ROWS: byRows ? 1 : 0 } }, [src, out], prm.buffer, byRows ? groupsRows(rows) : groups1d(rows));
  }
  if (src !== x) src.dispose();
  return out;
}
