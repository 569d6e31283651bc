/**
 * WebGPU launchers of the 2-d convolution primitives of ts/ops/conv.ts: forward (with bias), the
 * input gradient (also the transposed conv's forward) and the weight gradient, each an implicit
 * GEMM (gpu-bridge/conv2d.wgsl, MODE 0/1/2) or, for depthwise convs (groups == C), the direct
 * kernels of gpu-bridge/depthwise.wgsl. Inputs are float32 webgpu tensors (made contiguous on the
 * GPU when they are views); the results are new contiguous webgpu tensors. Null when a case is not
 * handled (a CPU operand, sizes beyond the 32-bit indices or the dispatch limits): the caller then
 * runs its CPU path.
 */
import { launch, type Kernel } from './device.js';
import { WGSL } from './shaders.generated.js';
import { Params, fits32, gpuContiguousF32, groups1d } from './elementwise.js';
import { upload } from './dispatch.js';
import { Tensor } from '../../tensor/tensor.js';
import type { ConvGeo } from '../../ops/conv.js';

const MAX_GROUPS = 65535;

const convKernels = new Map<string, Kernel>();
function kernelFor(file: 'conv2d' | 'depthwise', mode: number, bias: boolean): Kernel {
  const key = `${file}:${mode}:${+bias}`;
  let k = convKernels.get(key);
  if (!k) {
    k = { key, code: WGSL[file], constants: { MODE: mode, HAS_BIAS: +bias } };
    convKernels.set(key, k);
  }
  return k;
}

const isGpu = (t: Tensor): boolean => t.device === 'webgpu' && (t.dtype === 'float32' || t.dtype === 'float16');

/**
 * Contiguous float32 GPU copies of the operands (the tensors themselves when they already are);
 * CPU float32 operands (mixed devices) are uploaded.
 */
function prepare(ts: (Tensor | null)[]): (Tensor | null)[] | null {
  const out: (Tensor | null)[] = [];
  for (const t of ts) {
    if (t === null) {
      out.push(null);
      continue;
    }
    let c: Tensor | null = null;
    if (t.device !== 'webgpu' && t.dtype === 'float32') {
      c = upload(t);
    } else if (isGpu(t) && fits32(t)) {
      c = gpuContiguousF32(t);
    }
    if (!c) {
      out.forEach((o, i) => o && o !== ts[i] && o.dispose());
      return null;
    }
    out.push(c);
  }
  return out;
}

function release(made: (Tensor | null)[], orig: (Tensor | null)[]): void {
  made.forEach((t, i) => {
    if (t && t !== orig[i]) t.dispose();
  });
}

function isDepthwise(g: ConvGeo): boolean {
  return g.groups === g.C && g.groups > 1;
}

function sizesFit(g: ConvGeo): boolean {
  const n = Math.max(g.N * g.C * g.H * g.W, g.N * g.O * g.OH * g.OW, g.O * (g.C / g.groups) * g.kh * g.kw);
  return n < 2 ** 31;
}

function convParams(g: ConvGeo, M: number, NC: number, K: number, offX: number, offW: number, offB: number, splits = 1, chunk = Math.ceil(K / 16) * 16, total = 0, colBase = 0): ArrayBuffer {
  return new Params(112)
    .u32(g.N).u32(g.C).u32(g.H).u32(g.W)
    .u32(g.O).u32(g.OH).u32(g.OW).u32(g.groups)
    .u32(g.kh).u32(g.kw).u32(g.sh).u32(g.sw)
    .u32(g.ph).u32(g.pw).u32(g.dh).u32(g.dw)
    .u32(M).u32(NC).u32(K).u32(g.C / g.groups)
    .u32(g.O / g.groups).u32(offX).u32(offW).u32(offB)
    .u32(splits).u32(chunk).u32(total).u32(colBase).buffer;
}

/**
 * How many slices to split a weight gradient's long K into: enough workgroups to fill a GPU
 * (about 128) when the output tiles alone are few, each slice at least 512 long. Returns the
 * slice count and length (a multiple of the 16-wide k tile).
 */
function splitK(tiles: number, K: number, groups: number): { splits: number; chunk: number } {
  let splits = Math.min(Math.ceil(K / 512), Math.ceil(128 / Math.max(1, tiles)), 64, Math.floor(MAX_GROUPS / groups));
  splits = Math.max(1, splits);
  const chunk = Math.ceil(K / splits / 16) * 16;
  return { splits: Math.max(1, Math.ceil(K / chunk)), chunk };
}

function dwParams(g: ConvGeo, total: number, rowThreads: number, offX: number, offW: number, offB: number): ArrayBuffer {
  return new Params(80)
    .u32(g.N).u32(g.C).u32(g.H).u32(g.W)
    .u32(g.O / g.C).u32(g.OH).u32(g.OW).u32(total)
    .u32(g.kh).u32(g.kw).u32(g.sh).u32(g.sw)
    .u32(g.ph).u32(g.pw).u32(g.dh).u32(g.dw)
    .u32(offX).u32(offW).u32(offB).u32(rowThreads).buffer;
}

/**
 * Runs one of the three problems: `mode` 0 forward (a = x, b = w), 1 input gradient (a = gy,
 * b = w), 2 weight gradient (a = x, b = gy), into a new tensor of `outShape`.
 */
function run(mode: 0 | 1 | 2, a0: Tensor, b0: Tensor, bias0: Tensor | null, g: ConvGeo, outShape: number[]): Tensor | null {
  if (!sizesFit(g) || g.groups <= 0) return null;
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const khw = g.kh * g.kw;
  const dw = isDepthwise(g);
  const dims = [
    { M: Og, NC: g.N * g.OH * g.OW, K: Cg * khw },
    { M: Cg, NC: g.N * g.H * g.W, K: Og * khw },
    { M: Og, NC: Cg * khw, K: g.N * g.OH * g.OW },
  ][mode];
  if (!dw && (Math.ceil(dims.M / 64) > MAX_GROUPS || g.groups > MAX_GROUPS)) return null;
  const orig = [a0, b0, bias0];
  const ops = prepare(orig);
  if (!ops) return null;
  const [a, b, bias] = ops as [Tensor, Tensor, Tensor | null];
  const out = Tensor._empty(outShape, 'float32', 'webgpu');
  const total = out.numel();
  if (total > 0) {
    const hasBias = mode === 0 && bias !== null;
    const bindings = [a, b, hasBias ? (bias as Tensor) : a, out];
    const offB = hasBias ? (bias as Tensor)._offset : 0;
    if (dw) {
      const groups = mode === 2 ? groupsRowsOf(total) : groups1d(total);
      launch(kernelFor('depthwise', mode, hasBias), bindings, dwParams(g, total, groups[0] * 256, a._offset, b._offset, offB), groups);
    } else {
      const gx = Math.ceil(dims.NC / 64);
      const gy = Math.ceil(dims.M / 64);
      const sk = mode === 2 ? splitK(gx * gy * g.groups, dims.K, g.groups) : { splits: 1, chunk: Math.ceil(dims.K / 16) * 16 };
      if (sk.splits > 1 && sk.splits * total < 2 ** 31 && gx <= MAX_GROUPS) {
        // split K: partial weight gradients per slice, then their ordered sum
        const part = Tensor._empty([sk.splits * total], 'float32', 'webgpu');
        launch(kernelFor('conv2d', 2, false), [a, b, a, part], convParams(g, dims.M, dims.NC, dims.K, a._offset, b._offset, 0, sk.splits, sk.chunk, total), [gx, gy, g.groups * sk.splits]);
        const red = groups1d(total);
        launch(kernelFor('conv2d', 3, false), [part, part, part, out], convParams(g, dims.M, dims.NC, dims.K, 0, 0, 0, sk.splits, sk.chunk, total), red);
        part.dispose();
      } else {
        // column tiles in launches of at most 65535 workgroups
        for (let c0 = 0; c0 < gx; c0 += MAX_GROUPS) {
          const p = convParams(g, dims.M, dims.NC, dims.K, a._offset, b._offset, offB, 1, Math.ceil(dims.K / 16) * 16, 0, c0);
          launch(kernelFor('conv2d', mode, hasBias), bindings, p, [Math.min(MAX_GROUPS, gx - c0), gy, g.groups]);
        }
      }
    }
  }
  release(ops, orig);
  return out;
}

/** One workgroup per unit, 2-d beyond 65535 units. */
function groupsRowsOf(units: number): [number, number] {
  const x = Math.min(Math.max(units, 1), MAX_GROUPS);
  return [x, Math.ceil(Math.max(units, 1) / x)];
}

/**
 * y [N, O, OH, OW] = conv2d(x [N, C, H, W], w [O, C/groups, kh, kw]) + bias on the GPU, geometry
 * resolved by ts/ops/conv.ts. Null when the GPU path cannot take the case.
 *
 * @example
 * ```ts
 * const y = gpuConv2d(x, w, b, geo);
 * ```
 */
export function gpuConv2d(x: Tensor, w: Tensor, bias: Tensor | null, g: ConvGeo): Tensor | null {
  return run(0, x, w, bias, g, [g.N, g.O, g.OH, g.OW]);
}

/**
 * dx [N, C, H, W] = the gradient of conv2d w.r.t. its input for output gradient gy [N, O, OH, OW]
 * (also conv_transpose2d's forward), on the GPU. Null when the GPU path cannot take the case.
 *
 * @example
 * ```ts
 * const dx = gpuConvInputGrad(gy, w, geo);
 * ```
 */
export function gpuConvInputGrad(gy: Tensor, w: Tensor, g: ConvGeo): Tensor | null {
  return run(1, gy, w, null, g, [g.N, g.C, g.H, g.W]);
}

/**
 * dw [O, C/groups, kh, kw] = the gradient of conv2d w.r.t. its weight, on the GPU. Null when the
 * GPU path cannot take the case.
 *
 * @example
 * ```ts
 * const dw = gpuConvWeightGrad(x, gy, geo);
 * ```
 */
export function gpuConvWeightGrad(x: Tensor, gy: Tensor, g: ConvGeo): Tensor | null {
  return run(2, x, gy, null, g, [g.O, g.C / g.groups, g.kh, g.kw]);
}

/**
 * Times one conv2d forward on the GPU (for bench:gpu): milliseconds per call over `reps` runs
 * after a warm-up, and GFLOP/s. `make` creates webgpu operands; `sync` waits for the GPU.
 *
 * @example
 * ```ts
 * await benchConv2d(geo, 10, (s) => torch.randn(s, { device: 'webgpu' }), torch.webgpu.synchronize);
 * ```
 */
export async function benchConv2d(g: ConvGeo, reps: number, make: (shape: number[]) => Tensor, sync: () => Promise<void>): Promise<{ ms: number; gflops: number }> {
  const x = make([g.N, g.C, g.H, g.W]);
  const w = make([g.O, g.C / g.groups, g.kh, g.kw]);
  gpuConv2d(x, w, null, g)?.dispose();
  await sync();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) gpuConv2d(x, w, null, g)?.dispose();
  await sync();
  const ms = (performance.now() - t0) / reps;
  x.dispose();
  w.dispose();
  const flops = 2 * g.N * g.O * g.OH * g.OW * (g.C / g.groups) * g.kh * g.kw;
  return { ms, gflops: flops / (ms * 1e6) };
}
