/**
 * WebGPU launchers of gather / scatter-add along a dim (gpu-bridge/gather.wgsl, scatter-add.wgsl):
 * the kernels of torch.gather and torch.scatterAdd (and so of the cross-entropy forward and
 * backward). Inputs may be strided views (up to 8 dims); int64 indices are read as (lo, hi) word
 * pairs, and an index outside the dim is never read or written out of bounds (the op validates
 * indices whose values are known on the CPU; the kernels guard the rest). Each launcher returns
 * null / false for what it does not handle (the caller then runs the CPU kernel, which makes the
 * op fall back to the CPU).
 */
import { launch } from './device.js';
import { WGSL } from './shaders.generated.js';
import { Params, MAX_DIMS, fits32, groups1d } from './elementwise.js';
import { upload } from './dispatch.js';
import { Tensor } from '../../tensor/tensor.js';

/** The index on the GPU (a CPU index is uploaded), or null. */
function gpuIndex(idx: Tensor): Tensor | null {
  if (idx.dtype !== 'int64' || idx.ndim > MAX_DIMS || !fits32(idx)) return null;
  return idx.device === 'webgpu' ? idx : upload(idx);
}

/**
 * out[...] = x[..., idx[...], ...] along dim d (torch.gather's kernel, shapes already checked):
 * a new contiguous webgpu tensor shaped like idx, or null (x not a float32/int32 webgpu tensor,
 * more than 8 dims, or too large for 32-bit indexing).
 *
 * @example
 * ```ts
 * const picked = gpuGatherDim(logp, 1, target.unsqueeze(1)); // [N, 1]
 * ```
 */
export function gpuGatherDim(x: Tensor, d: number, idx: Tensor): Tensor | null {
  if (x.device !== 'webgpu' || (x.dtype !== 'float32' && x.dtype !== 'int32') || !fits32(x)) return null;
  const ig = gpuIndex(idx);
  if (!ig) return null;
  const out = Tensor._empty(idx.shape, x.dtype, 'webgpu');
  const n = out.numel();
  if (n > 0) {
    const xs = x._strides.slice();
    const dstride = x.ndim ? xs[d] : 0;
    if (x.ndim) xs[d] = 0;
    const p = new Params(128)
      .u32(n).u32(idx.ndim).u32(x._offset).u32(ig._offset)
      .i32(dstride).u32(x.ndim ? x.shape[d] : 1).u32(x.dtype === 'float32' ? 0x7fc00000 : 0).u32(0)
      .dims(idx.shape).dims(ig._strides, MAX_DIMS, true).dims(xs, MAX_DIMS, true);
    launch({ key: 'gather', code: WGSL.gather }, [x, ig, out], p.buffer, groups1d(n));
  }
  if (ig !== idx) ig.dispose();
  return out;
}

/**
 * dst[..., idx[...], ...] += src[...] along dim d, in place (torch.scatterAdd's kernel on its copy
 * of the input, shapes already checked). True when it ran; false when dst is not a float32 webgpu
 * tensor, src not float32 (or not on the GPU), or a view is too large or has more than 8 dims.
 *
 * @example
 * ```ts
 * gpuScatterAddDim(grad, 1, target.unsqueeze(1), negCoef); // grad[i, t_i] += negCoef[i, 0]
 * ```
 */
export function gpuScatterAddDim(dst: Tensor, d: number, idx: Tensor, src: Tensor): boolean {
  if (dst.device !== 'webgpu' || dst.dtype !== 'float32' || src.dtype !== 'float32' || src.device !== 'webgpu') return false;
  if (!fits32(dst) || !fits32(src) || src._storage === dst._storage) return false;
  const ig = gpuIndex(idx);
  if (!ig) return false;
  const n = idx.numel();
  if (n > 0) {
    const ds = dst._strides.slice();
    const dstride = dst.ndim ? ds[d] : 0;
    if (dst.ndim) ds[d] = 0;
    const ss = src.ndim === 0 ? idx.shape.map(() => 0) : src._strides;
    const p = new Params(160)
      .u32(n).u32(idx.ndim).u32(ig._offset).u32(src._offset)
      .i32(dstride).u32(dst.ndim ? dst.shape[d] : 1).u32(dst._offset).u32(0)
      .dims(idx.shape).dims(ig._strides, MAX_DIMS, true).dims(ss, MAX_DIMS, true).dims(ds, MAX_DIMS, true);
    launch({ key: 'scatter-add', code: WGSL['scatter-add'] }, [ig, src, dst], p.buffer, groups1d(n));
  }
  if (ig !== idx) ig.dispose();
  return true;
}
