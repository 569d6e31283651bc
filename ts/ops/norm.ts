/**
 * Normalisation (functional forms with gradients): layerNorm, rmsNorm, groupNorm, batchNorm (with
 * PyTorch's running-statistics update in training mode), instanceNorm and normalize. Forward passes
 * run fused kernels (simd/norm.ts: row statistics + normalise + affine in one call, per-channel
 * statistics, per-channel affine); layer/RMS norm backward is one fused kernel too, the others are
 * tensor ops from the saved statistics; under createGraph every backward is tensor ops with the
 * statistics recomputed, so that double backward is exact.
 */
import { kernels, requireKernels } from '../backend/wasm.js';
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { isFloating } from '../tensor/dtype.js';
import { Tensor, shapeNumel } from '../tensor/tensor.js';
import { optArgs } from './args.js';
import { copyInto, toOut } from './launch.js';
import { add, clampMin, div, mul, pow, rsqrt, sub } from './pointwise.js';
import { cumsum, mean, norm, quiet, sum } from './reduce.js';
import { filled, fromValues } from './creation.js';
import { indexSelect } from './indexing.js';
import { reshape, expandAs } from './shape.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuLayerNorm, gpuLayerNormBackward } from '../backend/webgpu/norm.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    layernorm(mode: number, x: number, w: number, b: number, y: number, mo: number, ro: number, rows: number, n: number, eps: number): void;
    channel_moments(x: number, mo: number, vo: number, N: number, C: number, S: number, c0: number, c1: number): void;
    affine_channels(x: number, scale: number, shift: number, y: number, n0: number, n1: number, C: number, S: number, perSample: number): void;
    layernorm_backward(mode: number, x: number, w: number, g: number, mo: number, ro: number, gx: number, gw: number, gb: number, rows: number, n: number): void;
  }
}
requireKernels('layernorm', 'channel_moments', 'affine_channels', 'layernorm_backward');

function checkInput(fn: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument 'input' must be Tensor, not ${x === null ? 'null' : typeof x}`);
  if (!isFloating(x.dtype)) throw new TypeError(`${fn}(): expected a floating point input, but got ${x.dtype}`);
}

function checkParam(fn: string, name: string, t: Tensor | null, shape: readonly number[]): void {
  if (t === null) return;
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}(): argument '${name}' must be Tensor or null, not ${typeof t}`);
  if (t.numel() !== shapeNumel(shape)) {
    throw new RangeError(`${fn}(): expected ${name} of shape [${shape.join(', ')}] (${shapeNumel(shape)} elements), but got [${t.shape.join(', ')}]`);
  }
}

/** A contiguous float32 version of t (t itself when it already is one). */
function f32(t: Tensor): Tensor {
  return t.isContiguous() && t.dtype === 'float32' ? t : t._copyTo('float32');
}

function free(t: Tensor | null, orig: Tensor | null): void {
  if (t && t !== orig) t.dispose();
}

/** Shape [1, C, 1, ...] for broadcasting per-channel values against a [N, C, *] tensor. */
function channelShape(x: Tensor): number[] {
  return x.shape.map((d, i) => (i === 1 ? d : 1));
}

/** The dims of x other than the channel dim 1. */
function nonChannelDims(x: Tensor): number[] {
  return x.shape.map((_, i) => i).filter((i) => i !== 1);
}

/**
 * Normalised-input gradient shared by layer/group/batch norm: with xhat = (x - mean) * rstd and
 * gh = dL/dxhat, dL/dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)), means over `dims`.
 */
function normBackward(gh: Tensor, xhat: Tensor, rstd: Tensor, dims: number[]): Tensor {
  const m1 = mean(gh, dims, true);
  const m2 = mean(mul(gh, xhat), dims, true);
  return mul(rstd, sub(sub(gh, m1), mul(xhat, m2)));
}

/** Differentiable mean and rstd over dims (used by backward under createGraph). */
function statsOps(x: Tensor, dims: number[], eps: number, rms: boolean): [Tensor, Tensor] {
  if (rms) return [mul(x, 0), rsqrt(add(mean(mul(x, x), dims, true), eps))];
  const m = mean(x, dims, true);
  const d = sub(x, m);
  return [m, rsqrt(add(mean(mul(d, d), dims, true), eps))];
}

function normalizedDims(fn: string, x: Tensor, normalizedShape: number | number[]): number[] {
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(ns) || ns.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`${fn}(): normalized_shape must be an int or a list of ints, but got ${JSON.stringify(normalizedShape)}`);
  }
  const lead = x.ndim - ns.length;
  if (ns.length === 0 || lead < 0 || ns.some((d, i) => x.shape[lead + i] !== d)) {
    throw new RangeError(`Given normalized_shape=[${ns.join(', ')}], expected input with shape [*, ${ns.join(', ')}], but got input of size[${x.shape.join(', ')}]`);
  }
  return ns.map((_, i) => lead + i);
}

function rowNorm(fn: string, rms: boolean, x: Tensor, normalizedShape: number | number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  checkInput(fn, x);
  const dims = normalizedDims(fn, x, normalizedShape);
  const ns = dims.map((d) => x.shape[d]);
  checkParam(fn, 'weight', weight, ns);
  checkParam(fn, 'bias', bias, ns);
  const n = shapeNumel(ns);
  const rows = n === 0 ? 0 : x.numel() / n;
  const statShape = x.shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const gpuNorm = x.device === 'webgpu' ? gpuLayerNorm(rms, x, weight, bias, statShape, rows, n, eps) : null;
  const yf = gpuNorm ? gpuNorm.y : Tensor._empty(x.shape, 'float32');
  const meanT = gpuNorm ? gpuNorm.mean : Tensor._empty(statShape, 'float32');
  const rstdT = gpuNorm ? gpuNorm.rstd : Tensor._empty(statShape, 'float32');
  if (!gpuNorm && yf.numel() > 0) {
    const xs = f32(x);
    const ws = weight ? f32(weight) : null;
    const bs = bias ? f32(bias) : null;
    kernels.layernorm(rms ? 1 : 0, xs._ptr(), ws ? ws._ptr() : 0, bs ? bs._ptr() : 0, yf._ptr(), meanT._ptr(), rstdT._ptr(), rows, n, eps);
    free(xs, x);
    free(ws, weight);
    free(bs, bias);
  }
  const y = toOut(yf, x.dtype);
  const lead = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  record(rms ? 'RMSNorm' : 'LayerNorm', [x, weight, bias], y, [x, weight ?? meanT, meanT, rstdT], ([g], [sx, sw, sm, sr], needs) => {
    if (!isGradEnabled() && isFloating(g.dtype)) {
      // one fused kernel for gx, gw and gb (unless the backward itself is recorded: createGraph)
      const gg = g.device === 'webgpu' ? gpuLayerNormBackward(rms, sx, weight ? sw : null, g, sm, sr, rows, n, needs) : null;
      if (gg) {
        return [
          gg.gx ? toOut(gg.gx, sx.dtype) : null,
          gg.gw ? reshape(toOut(gg.gw, (weight as Tensor).dtype), (weight as Tensor).shape) : null,
          gg.gb ? reshape(toOut(gg.gb, (bias as Tensor).dtype), (bias as Tensor).shape) : null,
        ];
      }
      const gx = needs[0] ? Tensor._empty(sx.shape, 'float32') : null;
      const gw = needs[1] ? filled(ns, 0, 'float32') : null;
      const gb = needs[2] ? filled(ns, 0, 'float32') : null;
      if (rows > 0 && n > 0) {
        const xs = f32(sx);
        const gs = f32(g);
        const ws = weight ? f32(sw) : null;
        kernels.layernorm_backward(rms ? 1 : 0, xs._ptr(), ws ? ws._ptr() : 0, gs._ptr(), sm._ptr(), sr._ptr(),
          gx ? gx._ptr() : 0, gw ? gw._ptr() : 0, gb ? gb._ptr() : 0, rows, n);
        free(xs, sx);
        free(gs, g);
        free(ws, sw);
      }
      return [
        gx ? toOut(gx, sx.dtype) : null,
        gw ? reshape(toOut(gw, (weight as Tensor).dtype), (weight as Tensor).shape) : null,
        gb ? reshape(toOut(gb, (bias as Tensor).dtype), (bias as Tensor).shape) : null,
      ];
    }
    let m = sm;
    let r = sr;
    if (isGradEnabled()) [m, r] = statsOps(sx, dims, eps, rms);
    const xhat = mul(rms ? sx : sub(sx, m), r);
    const w = weight ? reshape(sw, ns) : null;
    const gh = w ? mul(g, w) : g;
    let gx: Tensor | null = null;
    if (needs[0]) {
      gx = rms ? mul(r, sub(gh, mul(xhat, mean(mul(gh, xhat), dims, true)))) : normBackward(gh, xhat, r, dims);
    }
    const gw = needs[1] ? reshape(lead.length ? sum(mul(g, xhat), lead) : mul(g, xhat), (weight as Tensor).shape) : null;
    const gb = needs[2] ? reshape(lead.length ? sum(g, lead) : g, (bias as Tensor).shape) : null;
    return [gx, gw, gb];
  }, { normalizedShape: ns, eps });
  return y;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims, with optional elementwise affine.
 *
 * @example
 * ```ts
 * torch.layerNorm(x, [x.shape.at(-1)!]);
 * torch.layerNorm(x, [4, 5], weight, bias, { eps: 1e-6 });
 * ```
 */
export function layerNorm(x: Tensor, normalizedShape: number | number[], ...args: unknown[]): Tensor {
  if (gpuArgs(layerNorm, arguments)) return viaGpu('layerNorm', layerNorm, arguments) as never;
  const o = optArgs('layer_norm', args, ['weight', 'bias', 'eps'], { weight: null as Tensor | null, bias: null as Tensor | null, eps: 1e-5 });
  return rowNorm('layer_norm', false, x, normalizedShape, o.weight, o.bias, o.eps);
}

/**
 * RMS normalisation over the trailing `normalizedShape` dims: x / sqrt(mean(x^2) + eps) * weight
 * (eps defaults to float32's machine epsilon, as in PyTorch).
 *
 * @example
 * ```ts
 * torch.rmsNorm(x, [512], weight);
 * ```
 */
export function rmsNorm(x: Tensor, normalizedShape: number | number[], ...args: unknown[]): Tensor {
  if (gpuArgs(rmsNorm, arguments)) return viaGpu('rmsNorm', rmsNorm, arguments) as never;
  const o = optArgs('rms_norm', args, ['weight', 'eps'], { weight: null as Tensor | null, eps: null as number | null });
  return rowNorm('rms_norm', true, x, normalizedShape, o.weight, null, o.eps ?? 1.1920928955078125e-7);
}

/**
 * Group normalisation of x [N, C, *] over `numGroups` groups of channels, with optional
 * per-channel affine.
 *
 * @example
 * ```ts
 * torch.groupNorm(x, 2, weight, bias);
 * ```
 */
export function groupNorm(x: Tensor, numGroups: number, ...args: unknown[]): Tensor {
  if (gpuArgs(groupNorm, arguments)) return viaGpu('groupNorm', groupNorm, arguments) as never;
  const o = optArgs('group_norm', args, ['weight', 'bias', 'eps'], { weight: null as Tensor | null, bias: null as Tensor | null, eps: 1e-5 });
  const fn = 'group_norm';
  checkInput(fn, x);
  if (x.ndim < 2) throw new RangeError(`Expected at least 2 dimensions for input tensor but received ${x.ndim}`);
  const G = numGroups;
  const [N, C] = x.shape;
  if (!Number.isInteger(G) || G <= 0 || C % G !== 0) {
    throw new RangeError(`Expected number of channels in input to be divisible by num_groups, but got input of shape [${x.shape.join(', ')}] and num_groups=${G}`);
  }
  checkParam(fn, 'weight', o.weight, [C]);
  checkParam(fn, 'bias', o.bias, [C]);
  const { weight, bias, eps } = o;
  const S = shapeNumel(x.shape.slice(2));
  const M = (C / G) * S;
  const meanT = Tensor._empty([N, G, 1], 'float32');
  const rstdT = Tensor._empty([N, G, 1], 'float32');
  const yf = Tensor._empty(x.shape, 'float32');
  if (yf.numel() > 0) {
    const xs = f32(x);
    kernels.layernorm(0, xs._ptr(), 0, 0, 0, meanT._ptr(), rstdT._ptr(), N * G, M, eps);
    // per (sample, channel) scale = rstd * w and shift = b - mean * scale, then one affine sweep
    const { scale, shift } = quiet(() => {
      const rs = reshape(rstdT, [N, G, 1]);
      const ms = reshape(meanT, [N, G, 1]);
      const w = weight ? reshape(weight.to('float32'), [1, G, C / G]) : null;
      const b = bias ? reshape(bias.to('float32'), [1, G, C / G]) : null;
      const sc = w ? mul(rs, w) : mul(rs, filled([C / G], 1, 'float32'));
      let sh = mul(ms, sc);
      sh = b ? sub(b, sh) : mul(sh, -1);
      return { scale: f32(reshape(sc, [N, C])), shift: f32(reshape(sh, [N, C])) };
    });
    kernels.affine_channels(xs._ptr(), scale._ptr(), shift._ptr(), yf._ptr(), 0, N, C, S, 1);
    scale.dispose();
    shift.dispose();
    free(xs, x);
  }
  const y = toOut(yf, x.dtype);
  record('GroupNorm', [x, weight, bias], y, [x, weight ?? meanT, meanT, rstdT], ([g], [sx, sw, sm, sr], needs) => {
    const xg = reshape(sx, [N, G, M]);
    let m = sm;
    let r = sr;
    if (isGradEnabled()) [m, r] = statsOps(xg, [2], eps, false);
    const xhat = mul(sub(xg, m), r);
    const cs = channelShape(sx);
    const gh = weight ? mul(g, reshape(sw, cs)) : g;
    const gx = needs[0] ? reshape(normBackward(reshape(gh, [N, G, M]), xhat, r, [2]), sx.shape) : null;
    const other = nonChannelDims(sx);
    const gw = needs[1] ? reshape(sum(mul(g, reshape(xhat, sx.shape)), other), (weight as Tensor).shape) : null;
    const gb = needs[2] ? reshape(sum(g, other), (bias as Tensor).shape) : null;
    return [gx, gw, gb];
  }, { numGroups: G, eps });
  return y;
}

/**
 * Batch normalisation of x [N, C, *] per channel. Training mode uses the batch statistics and
 * updates `runningMean` / `runningVar` in place (momentum, unbiased variance), as PyTorch does;
 * eval mode normalises with the running statistics.
 *
 * @example
 * ```ts
 * torch.batchNorm(x, rm, rv, weight, bias, true, 0.1, 1e-5);
 * torch.batchNorm(x, rm, rv, { weight, bias, training: false });
 * ```
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, ...args: unknown[]): Tensor {
  if (gpuArgs(batchNorm, arguments)) return viaGpu('batchNorm', batchNorm, arguments) as never;
  const o = optArgs('batch_norm', args, ['weight', 'bias', 'training', 'momentum', 'eps'], {
    weight: null as Tensor | null,
    bias: null as Tensor | null,
    training: false,
    momentum: 0.1 as number,
    eps: 1e-5,
  });
  const fn = 'batch_norm';
  checkInput(fn, x);
  if (x.ndim < 2) throw new RangeError(`batch_norm(): expected an input of at least 2 dims [N, C, *], but got [${x.shape.join(', ')}]`);
  const { weight, bias, training, eps } = o;
  if (typeof o.momentum !== 'number') throw new TypeError(`batch_norm(): argument 'momentum' must be a number, but got ${String(o.momentum)} (modules with momentum=None pass their cumulative-average factor)`);
  const momentum = o.momentum;
  const [N, C] = x.shape;
  const S = shapeNumel(x.shape.slice(2));
  checkParam(fn, 'weight', weight, [C]);
  checkParam(fn, 'bias', bias, [C]);
  checkParam(fn, 'running_mean', runningMean ?? null, [C]);
  checkParam(fn, 'running_var', runningVar ?? null, [C]);
  if (!training && (!runningMean || !runningVar)) throw new TypeError('batch_norm(): running_mean and running_var must be defined in evaluation mode');
  if (training && N * S <= 1) throw new RangeError(`Expected more than 1 value per channel when training, got input size [${x.shape.join(', ')}]`);
  const xs = f32(x);
  let meanC: Tensor;
  let varC: Tensor;
  if (training) {
    meanC = Tensor._empty([C], 'float32');
    varC = Tensor._empty([C], 'float32');
    if (C > 0) kernels.channel_moments(xs._ptr(), meanC._ptr(), varC._ptr(), N, C, S, 0, C);
    if (runningMean && runningVar) {
      const cnt = N * S;
      quiet(() => {
        copyInto(runningMean, add(mul(runningMean, 1 - momentum), mul(meanC, momentum)));
        copyInto(runningVar, add(mul(runningVar, 1 - momentum), mul(varC, (momentum * cnt) / (cnt - 1))));
      });
    }
  } else {
    // copies (C values): the backward must not see later in-place updates of the running stats
    meanC = (runningMean as Tensor)._copyTo('float32').reshape([C]).detach();
    varC = (runningVar as Tensor)._copyTo('float32').reshape([C]).detach();
  }
  const rstdC = quiet(() => rsqrt(add(varC, eps)));
  const yf = Tensor._empty(x.shape, 'float32');
  if (yf.numel() > 0) {
    const { scale, shift } = quiet(() => {
      const sc = weight ? mul(rstdC, reshape(weight.to('float32'), [C])) : rstdC;
      const sh = bias ? sub(reshape(bias.to('float32'), [C]), mul(meanC, sc)) : mul(mul(meanC, sc), -1);
      return { scale: f32(sc), shift: f32(sh) };
    });
    kernels.affine_channels(xs._ptr(), scale._ptr(), shift._ptr(), yf._ptr(), 0, N, C, S, 0);
  }
  free(xs, x);
  const y = toOut(yf, x.dtype);
  const cs = channelShape(x);
  const meanB = reshape(meanC, cs);
  const rstdB = reshape(rstdC, cs);
  record('BatchNorm', [x, weight, bias], y, [x, weight ?? meanB, meanB, rstdB], ([g], [sx, sw, sm, sr], needs) => {
    const other = nonChannelDims(sx);
    let m = sm;
    let r = sr;
    if (training && isGradEnabled()) [m, r] = statsOps(sx, other, eps, false);
    const xhat = mul(sub(sx, m), r);
    const gh = weight ? mul(g, reshape(sw, cs)) : g;
    let gx: Tensor | null = null;
    if (needs[0]) gx = training ? normBackward(gh, xhat, r, other) : mul(gh, r);
    const gw = needs[1] ? reshape(sum(mul(g, xhat), other), (weight as Tensor).shape) : null;
    const gb = needs[2] ? reshape(sum(g, other), (bias as Tensor).shape) : null;
    return [gx, gw, gb];
  }, { training, momentum, eps, runningMean: training ? null : runningMean, runningVar: training ? null : runningVar });
  return y;
}

/**
 * Instance normalisation of x [N, C, *]: each (sample, channel) normalised over its spatial dims.
 * With `useInputStats` (default) running statistics, when given, are updated like batchNorm's.
 *
 * @example
 * ```ts
 * torch.instanceNorm(x, { weight, bias });
 * ```
 */
export function instanceNorm(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(instanceNorm, arguments)) return viaGpu('instanceNorm', instanceNorm, arguments) as never;
  const o = optArgs('instance_norm', args, ['runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'eps'], {
    runningMean: null as Tensor | null,
    runningVar: null as Tensor | null,
    weight: null as Tensor | null,
    bias: null as Tensor | null,
    useInputStats: true,
    momentum: 0.1,
    eps: 1e-5,
  });
  checkInput('instance_norm', x);
  if (!o.useInputStats) {
    return batchNorm(x, o.runningMean, o.runningVar, o.weight, o.bias, false, o.momentum, o.eps);
  }
  if (x.ndim < 3) throw new RangeError(`instance_norm(): expected an input of at least 3 dims [N, C, *], but got [${x.shape.join(', ')}]`);
  const [N, C] = x.shape;
  if (o.runningMean || o.runningVar) {
    const { runningMean: rm, runningVar: rv, momentum } = o;
    // PyTorch folds the batch into channels: per-instance stats averaged over the batch
    quiet(() => {
      const flat = reshape(x.detach(), [N, C, -1]);
      const S = flat.shape[2];
      const m = mean(mean(flat, 2), 0);
      const v = mean(mul(mean(mul(sub(flat, mean(flat, 2, true)), sub(flat, mean(flat, 2, true))), 2), S / (S - 1)), 0);
      if (rm) copyInto(rm, add(mul(rm, 1 - momentum), mul(m, momentum)));
      if (rv) copyInto(rv, add(mul(rv, 1 - momentum), mul(v, momentum)));
    });
  }
  return groupNorm(x, C, o.weight, o.bias, o.eps);
}

/**
 * Lp-normalises x along `dim`: x / max(||x||_p, eps).
 *
 * @example
 * ```ts
 * torch.normalize(x);                 // p = 2, dim = 1
 * torch.normalize(x, { p: 1, dim: -1 });
 * ```
 */
export function normalize(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(normalize, arguments)) return viaGpu('normalize', normalize, arguments) as never;
  const o = optArgs('normalize', args, ['p', 'dim', 'eps'], { p: 2 as number, dim: 1 as number | number[], eps: 1e-12 });
  checkInput('normalize', x);
  const n = clampMin(norm(x, o.p, o.dim, true), o.eps);
  return div(x, expandAs(n, x));
}

/**
 * Local response normalisation across channels of x [N, C, *]:
 * x / (k + alpha / size * sum over `size` neighbouring channels of x^2) ^ beta.
 *
 * @example
 * ```ts
 * torch.localResponseNorm(x, 5);
 * ```
 */
export function localResponseNorm(x: Tensor, size: number, ...args: unknown[]): Tensor {
  if (gpuArgs(localResponseNorm, arguments)) return viaGpu('localResponseNorm', localResponseNorm, arguments) as never;
  const o = optArgs('local_response_norm', args, ['alpha', 'beta', 'k'], { alpha: 1e-4, beta: 0.75, k: 1 });
  checkInput('local_response_norm', x);
  if (x.ndim < 3) throw new RangeError(`Expected 3D or higher dimensionality input (got ${x.ndim} dimensions)`);
  const C = x.shape[1];
  // windowed channel sum of x^2 from a cumulative sum: cs[min(C-1, c+after)] - cs[c-before-1]
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  const cs = cumsum(mul(x, x), 1);
  const hi = fromValues(Array.from({ length: C }, (_, c) => Math.min(C - 1, c + after)), [C], 'int64');
  const lo = fromValues(Array.from({ length: C }, (_, c) => Math.max(0, c - before - 1)), [C], 'int64');
  const loMask = fromValues(Array.from({ length: C }, (_, c) => (c - before - 1 >= 0 ? 1 : 0)), channelShape(x), 'float32');
  const win = sub(indexSelect(cs, 1, hi), mul(indexSelect(cs, 1, lo), loMask));
  const den = add(mul(win, o.alpha / size), o.k);
  return div(x, pow(den, o.beta));
}
