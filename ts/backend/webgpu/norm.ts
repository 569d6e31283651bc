/**
 * WebGPU launchers of layer norm / RMS norm over trailing rows (gpu-bridge/layernorm.wgsl,
 * layernorm-backward.wgsl, layernorm-params-backward.wgsl): the forward (y, per-row mean and rstd)
 * and the backward (input gradient per row; weight/bias gradients as chunked column sums finished by
 * the reduction kernel). Inputs are made contiguous float32 first; all results are float32.
 */
import { launch } from './device.js';
import { WGSL } from './shaders.generated.js';
import { Tensor } from '../../tensor/tensor.js';
import { Params, WG, gpuContiguousF32, groupsRows } from './elementwise.js';
import { gpuReduce } from './reduce.js';

/** Workgroup size for rows of n values (a power of two, at most 256). */
function rowWG(n: number): number {
  return n <= 64 ? 64 : n <= 128 ? 128 : WG;
}

function release(list: [Tensor | null, Tensor | null][]): void {
  for (const [t, orig] of list) if (t && t !== orig) t.dispose();
}

/**
 * Layer norm (rms false) or RMS norm (rms true) of the rows of x ([rows, n] in row-major order),
 * with optional weight and bias of n elements: y (x's shape), mean and rstd (statShape, rows
 * elements). Null when x is not a webgpu tensor or an operand cannot be made float32 on the GPU.
 *
 * @example
 * ```ts
 * const r = gpuLayerNorm(false, x, w, b, [4, 1], 4, 512, 1e-5);
 * ```
 */
export function gpuLayerNorm(
  rms: boolean, x: Tensor, weight: Tensor | null, bias: Tensor | null, statShape: readonly number[], rows: number, n: number, eps: number,
): { y: Tensor; mean: Tensor; rstd: Tensor } | null {
  x._check();
  if (x.device !== 'webgpu' || (weight && weight.device !== 'webgpu') || (bias && bias.device !== 'webgpu')) return null;
  const xs = gpuContiguousF32(x);
  const ws = weight && xs ? gpuContiguousF32(weight) : null;
  const bs = bias && xs ? gpuContiguousF32(bias) : null;
  const temps: [Tensor | null, Tensor | null][] = [[xs, x], [ws, weight], [bs, bias]];
  if (!xs || (weight && !ws) || (bias && !bs)) {
    release(temps);
    return null;
  }
  const y = Tensor._empty(x.shape, 'float32', 'webgpu');
  const mean = Tensor._empty(statShape, 'float32', 'webgpu');
  const rstd = Tensor._empty(statShape, 'float32', 'webgpu');
  if (rows > 0 && n > 0) {
    const wg = rowWG(n);
    const prm = new Params(32)
      .u32(rows).u32(n).u32(rms ? 1 : 0).u32((ws ? 1 : 0) | (bs ? 2 : 0))
      .u32(xs._offset).u32(ws ? ws._offset : 0).u32(bs ? bs._offset : 0).f32(eps);
    launch({ key: `layernorm:${wg}`, code: WGSL.layernorm, constants: { WG: wg } }, [xs, ws ?? xs, bs ?? xs, y, mean, rstd], prm.buffer, groupsRows(rows), 3);
  }
  release(temps);
  return { y, mean, rstd };
}

/**
 * Backward of gpuLayerNorm from the saved x, weight, mean and rstd and the output gradient g: the
 * input gradient (x's shape) and the weight / bias gradients (n elements each), each computed only
 * when `needs` asks for it. Null when the inputs are not webgpu tensors.
 *
 * @example
 * ```ts
 * const { gx, gw, gb } = gpuLayerNormBackward(false, x, w, g, mean, rstd, rows, n, [true, true, true])!;
 * ```
 */
export function gpuLayerNormBackward(
  rms: boolean, x: Tensor, weight: Tensor | null, g: Tensor, mean: Tensor, rstd: Tensor, rows: number, n: number, needs: readonly boolean[],
): { gx: Tensor | null; gw: Tensor | null; gb: Tensor | null } | null {
  const all = [x, g, mean, rstd, ...(weight ? [weight] : [])];
  if (all.some((t) => t.device !== 'webgpu')) return null;
  const xs = gpuContiguousF32(x);
  const gs = xs ? gpuContiguousF32(g) : null;
  const ms = gs ? gpuContiguousF32(mean) : null;
  const rs = ms ? gpuContiguousF32(rstd) : null;
  const ws = weight && rs ? gpuContiguousF32(weight) : null;
  const temps: [Tensor | null, Tensor | null][] = [[xs, x], [gs, g], [ms, mean], [rs, rstd], [ws, weight]];
  if (!xs || !gs || !ms || !rs || (weight && !ws) || ms._offset !== rs._offset) {
    release(temps);
    return null;
  }
  let gx: Tensor | null = null;
  let gw: Tensor | null = null;
  let gb: Tensor | null = null;
  if (needs[0]) {
    gx = Tensor._empty(x.shape, 'float32', 'webgpu');
    if (rows > 0 && n > 0) {
      const wg = rowWG(n);
      const prm = new Params(32)
        .u32(rows).u32(n).u32(rms ? 1 : 0).u32(ws ? 1 : 0)
        .u32(xs._offset).u32(ws ? ws._offset : 0).u32(gs._offset).u32(ms._offset);
      launch({ key: `layernorm-backward:${wg}`, code: WGSL['layernorm-backward'], constants: { WG: wg } }, [xs, ws ?? xs, gs, ms, rs, gx], prm.buffer, groupsRows(rows));
    }
  }
  if (needs[1] || needs[2]) {
    // rows split into chunks of partial column sums (zeros when there are no rows)
    const chunk = Math.max(16, Math.ceil(rows / 256));
    const chunks = Math.max(1, Math.ceil(rows / chunk));
    const pw = Tensor._empty([chunks, n], 'float32', 'webgpu');
    const pb = Tensor._empty([chunks, n], 'float32', 'webgpu');
    if (n > 0) {
      const prm = new Params(32).u32(rows).u32(n).u32(rms ? 1 : 0).u32(chunk).u32(xs._offset).u32(gs._offset).u32(ms._offset);
      launch({ key: 'layernorm-params-backward', code: WGSL['layernorm-params-backward'] }, [xs, gs, ms, rs, pw, pb], prm.buffer, [Math.ceil(n / WG), chunks], 2);
    }
    gw = needs[1] ? gpuReduce('sum', pw, [0], false) : null;
    gb = needs[2] ? gpuReduce('sum', pb, [0], false) : null;
    pw.dispose();
    pb.dispose();
  }
  release(temps);
  return { gx, gw, gb };
}
