/**
 * Spatial ops: interpolate (nearest, nearest-exact, linear, bilinear, trilinear, bicubic, area),
 * pad (constant, reflect, replicate, circular), pixelShuffle / pixelUnshuffle, and unfold / fold
 * (im2col / col2im as functions), all differentiable. Interpolation and padding are separable:
 * each resized or padded axis is one `resampleAxis` pass (ts/ops/pool.ts) whose table holds the
 * source indices and weights PyTorch's kernels use (computed in float32 as PyTorch does), and whose
 * gradient is the transposed pass. unfold / fold call the conv im2col / col2im kernels.
 */
import { kernels } from '../backend/wasm.js';
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor/tensor.js';
import { optArgs } from './args.js';
import { gt, mul, where } from './pointwise.js';
import { narrow, permute, reshape, squeeze, toDType, unsqueeze } from './shape.js';
import { copyInto } from './launch.js';
import { expandInts, f32c } from './conv.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, buildTable, resampleAxis, type AxisTable } from './pool.js';
import { filled } from './creation.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';

const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;
const f = Math.fround;

// ---------------------------------------------------------------------------------------------
// interpolate

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear' | 'bicubic' | 'area';

export interface InterpolateOptions {
  size?: number | number[] | null;
  scaleFactor?: number | number[] | null;
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
  antialias?: boolean;
}

/** PyTorch's area_pixel_compute_scale (float32). */
function pixelScale(Lin: number, Lout: number, align: boolean, scale: number | null): number {
  if (align) return Lout > 1 ? f((Lin - 1) / (Lout - 1)) : 0;
  return scale !== null && scale > 0 ? f(1 / scale) : f(Lin / Lout);
}

/** PyTorch's area_pixel_compute_source_index (float32). */
function sourceIndex(scale: number, o: number, align: boolean, cubic: boolean): number {
  if (align) return f(scale * o);
  const src = f(f(scale * f(o + 0.5)) - 0.5);
  return !cubic && src < 0 ? 0 : src;
}

function cubicCoeffs(t: number): number[] {
  const A = -0.75;
  const c1 = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
  const c2 = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)];
}

function interpTable(mode: InterpolateMode, Lin: number, Lout: number, align: boolean, scale: number | null): AxisTable {
  switch (mode) {
    case 'nearest':
    case 'nearest-exact': {
      const sc = scale !== null && scale > 0 ? f(1 / scale) : f(Lin / Lout);
      const off = mode === 'nearest' ? 0 : 0.5;
      return buildTable(Lin, Lout, 1, (o, push) => push(Math.min(Math.floor(f(f(o + off) * sc)), Lin - 1), 1));
    }
    case 'linear':
    case 'bilinear':
    case 'trilinear': {
      const sc = pixelScale(Lin, Lout, align, scale);
      return buildTable(Lin, Lout, 2, (o, push) => {
        if (Lin === Lout) {
          push(o, 1);
          return;
        }
        const real = sourceIndex(sc, o, align, false);
        const i0 = Math.min(Math.floor(real), Lin - 1);
        const l1 = Math.min(Math.max(f(real - i0), 0), 1);
        const i1 = i0 + (i0 < Lin - 1 ? 1 : 0);
        push(i0, f(1 - l1));
        push(i1, l1);
      });
    }
    case 'bicubic': {
      const sc = pixelScale(Lin, Lout, align, scale);
      return buildTable(Lin, Lout, 4, (o, push) => {
        const real = sourceIndex(sc, o, align, true);
        const i = Math.floor(real);
        const c = cubicCoeffs(f(real - i));
        for (let k = 0; k < 4; k++) push(Math.min(Math.max(i - 1 + k, 0), Lin - 1), c[k]);
      });
    }
    default:
      throw new RangeError(`interpolate(): unknown mode '${mode as string}'`);
  }
}

/**
 * Resizes [N, C, *spatial] (1 to 3 spatial dims) to `size` or by `scaleFactor`.
 * Modes: 'nearest' (default), 'nearest-exact', 'linear' (3-D), 'bilinear' / 'bicubic' (4-D),
 * 'trilinear' (5-D), 'area' (adaptive average pooling).
 *
 * @example
 * ```ts
 * torch.interpolate(torch.randn(1, 3, 4, 4), { scaleFactor: 2, mode: 'bilinear', alignCorners: false }).shape; // [1, 3, 8, 8]
 * ```
 */
export function interpolate(input: Tensor, ...rest: (number | number[] | null | string | boolean | InterpolateOptions | undefined)[]): Tensor {
  if (gpuArgs(interpolate, arguments)) return viaGpu('interpolate', interpolate, arguments) as never;
  const o = optArgs<Required<InterpolateOptions>>('interpolate', rest, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor', 'antialias'], {
    size: null, scaleFactor: null, mode: 'nearest', alignCorners: null, recomputeScaleFactor: null, antialias: false,
  });
  const mode = o.mode;
  const nsp = input.ndim - 2;
  if (nsp < 1 || nsp > 3) throw new RangeError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  const interpolating = mode === 'linear' || mode === 'bilinear' || mode === 'trilinear' || mode === 'bicubic';
  if (!interpolating && o.alignCorners !== null) {
    throw new RangeError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  const need: Record<string, number> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };
  if (need[mode] !== undefined && need[mode] !== nsp) {
    throw new RangeError(`Got ${input.ndim}D input, but ${mode} mode needs ${need[mode] + 2}D input`);
  }
  if (!['nearest', 'nearest-exact', 'area', ...Object.keys(need)].includes(mode)) {
    throw new RangeError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  if (o.antialias) throw new RangeError('interpolate(): antialias=true is not supported');
  if (input.dtype !== 'float32' && input.dtype !== 'float16') throw new TypeError(`interpolate(): expected a floating point input, but got ${input.dtype}`);
  const align = o.alignCorners ?? false;
  const sp = input.shape.slice(2);
  if ((o.size === null) === (o.scaleFactor === null)) throw new RangeError('either size or scale_factor should be defined');
  let outSp: number[];
  let scales: (number | null)[] = new Array<number | null>(nsp).fill(null);
  if (o.size !== null) {
    outSp = typeof o.size === 'number' ? new Array<number>(nsp).fill(o.size) : o.size.slice();
    if (outSp.length !== nsp) throw new RangeError(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(sp)} and output size of ${fmtShape(outSp)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
  } else {
    const sf = typeof o.scaleFactor === 'number' ? new Array<number>(nsp).fill(o.scaleFactor) : (o.scaleFactor as number[]).slice();
    if (sf.length !== nsp) throw new RangeError(`Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(sp)} and scale_factor of shape ${fmtShape(sf)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    outSp = sp.map((s, i) => Math.floor(s * sf[i]));
    if (!o.recomputeScaleFactor) scales = sf;
  }
  if (outSp.some((v) => !Number.isInteger(v) || v <= 0)) throw new RangeError(`Input and output sizes should be greater than 0, but got input (${sp.join(', ')}) and output (${outSp.join(', ')})`);
  if (sp.some((v) => v <= 0)) throw new RangeError(`Input and output sizes should be greater than 0, but got input (${sp.join(', ')}) and output (${outSp.join(', ')})`);
  if (mode === 'area') {
    if (nsp === 1) return adaptiveAvgPool1d(input, outSp);
    if (nsp === 2) return adaptiveAvgPool2d(input, outSp);
    throw new RangeError('interpolate(): area mode supports 3-D and 4-D input');
  }
  const half = input.dtype === 'float16';
  let y = half ? toDType(input, 'float32') : input;
  // the last dim's pass is scalar (the others run on f32x4 rows): run it on the smaller side
  const order = Array.from({ length: nsp }, (_, i) => i);
  if (outSp[nsp - 1] >= sp[nsp - 1]) order.unshift(order.pop() as number);
  for (const i of order) {
    if (outSp[i] === sp[i] && (mode === 'nearest' || mode === 'nearest-exact') && scales[i] === null) continue;
    y = resampleAxis(y, i + 2, interpTable(mode, sp[i], outSp[i], align, scales[i]));
  }
  if (y === input) y = mul(input, 1);
  return half ? toDType(y, 'float16') : y;
}

// ---------------------------------------------------------------------------------------------
// pad

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

function padTable(mode: PadMode, L: number, a: number, b: number): AxisTable {
  const Lout = L + a + b;
  return buildTable(L, Lout, 1, (o, push) => {
    let i = o - a;
    if (mode === 'reflect') {
      if (i < 0) i = -i;
      else if (i >= L) i = 2 * (L - 1) - i;
    } else if (mode === 'replicate') {
      i = Math.min(Math.max(i, 0), L - 1);
    } else if (mode === 'circular') {
      i = ((i % L) + L) % L;
    }
    push(i, 1);
  });
}

/**
 * Pads the last dims of `input`. `pad` lists (before, after) pairs starting from the LAST dim, as in
 * PyTorch: `[left, right, top, bottom, front, back]`. Modes: 'constant' (with `value`, negative pads
 * crop), 'reflect', 'replicate', 'circular'.
 *
 * @example
 * ```ts
 * torch.pad(torch.ones(1, 2, 3), [1, 2], 'reflect').shape; // [1, 2, 6]
 * ```
 */
export function pad(input: Tensor, padding: number[], ...rest: (string | number | null | { mode?: PadMode; value?: number | null } | undefined)[]): Tensor {
  if (gpuArgs(pad, arguments)) return viaGpu('pad', pad, arguments) as never;
  const o = optArgs<{ mode: PadMode; value: number | null }>('pad', rest, ['mode', 'value'], { mode: 'constant', value: null });
  const mode = o.mode;
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(mode)) throw new RangeError(`Unrecognised padding mode ${mode as string}`);
  if (!Array.isArray(padding) || padding.some((p) => typeof p !== 'number' || !Number.isInteger(p))) throw new TypeError(`pad(): argument 'pad' must be a list of ints, but got ${JSON.stringify(padding)}`);
  if (padding.length % 2 !== 0) throw new RangeError('Padding length must be divisible by 2');
  const np = padding.length / 2;
  if (np > input.ndim) throw new RangeError('Padding length too large');
  if (mode !== 'constant') {
    if (o.value !== null && o.value !== 0) throw new RangeError(`Padding mode "${mode}" doesn't take in value argument`);
    if (np > 3 || np > input.ndim - 1) {
      throw new RangeError(`${mode} padding of ${np} dims expects a ${np + 1}D or ${np + 2}D input, but got input of size ${fmtShape(input.shape)}`);
    }
  }
  if (!input.isFloatingPoint() && mode !== 'constant') throw new TypeError(`pad(): ${mode} padding expects a floating point input, but got ${input.dtype}`);
  const dims: [number, number, number][] = [];
  for (let k = 0; k < np; k++) {
    const d = input.ndim - 1 - k;
    const a = padding[2 * k];
    const b = padding[2 * k + 1];
    const L = input.shape[d];
    if (mode === 'reflect' && (a >= L || b >= L)) {
      throw new RangeError(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${a}, ${b}) at dimension ${d} of input ${fmtShape(input.shape)}`);
    }
    if (mode === 'circular' && (a > L || b > L)) throw new RangeError('Padding value causes wrapping around more than once.');
    if ((mode === 'reflect' || mode === 'replicate' || mode === 'circular') && (a < 0 || b < 0)) throw new RangeError(`${mode} padding expects non-negative padding, but got (${a}, ${b})`);
    if (L + a + b < 0) {
      throw new RangeError(`The input size ${L}, plus negative padding ${a} and ${b} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`);
    }
    if (mode === 'replicate' && L === 0 && a + b > 0) throw new RangeError(`replicate padding of an empty dimension ${d} is not possible`);
    if (a !== 0 || b !== 0) dims.push([d, a, b]);
  }
  if (!input.isFloatingPoint()) return padIntegerConstant(input, dims, o.value ?? 0);
  const orig = input.dtype;
  const fl = orig === 'float32';
  let y = fl ? input : toDType(input, 'float32');
  // dims[0] is the last dim (scalar pass); padding grows it, so run it first
  for (const [d, a, b] of dims) y = resampleAxis(y, d, padTable(mode, input.shape[d], a, b));
  if (y === input) y = mul(input, 1);
  const value = o.value ?? 0;
  if (mode === 'constant' && value !== 0 && dims.length) {
    let mask = filled(input.shape, 1, 'float32');
    for (const [d, a, b] of dims) mask = resampleAxis(mask, d, padTable('constant', input.shape[d], a, b));
    // select (not blend): a value of -inf or nan must not leak into the interior as 0 * inf
    y = where(gt(mask, 0.5), y, value);
  }
  return fl ? y : toDType(y, orig);
}

/** Constant padding of integer/bool tensors: exact copy into a filled tensor (no float round trip). */
function padIntegerConstant(input: Tensor, dims: [number, number, number][], value: number): Tensor {
  const shape = input.shape.slice();
  for (const [d, a, b] of dims) shape[d] += a + b;
  const out = filled(shape, value, input.dtype);
  let src = input;
  let dst = out;
  for (const [d, a, b] of dims) {
    const keep = input.shape[d] - Math.max(-a, 0) - Math.max(-b, 0);
    if (keep <= 0) return out;
    src = narrow(src, d, Math.max(-a, 0), keep);
    dst = narrow(dst, d, Math.max(a, 0), keep);
  }
  copyInto(dst, src);
  return out;
}

// ---------------------------------------------------------------------------------------------
// pixel shuffle

/**
 * Rearranges [*, C*r*r, H, W] into [*, C, H*r, W*r].
 *
 * @example
 * ```ts
 * torch.pixelShuffle(torch.randn(1, 8, 3, 3), 2).shape; // [1, 2, 6, 6]
 * ```
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  if (gpuArgs(pixelShuffle, arguments)) return viaGpu('pixelShuffle', pixelShuffle, arguments) as never;
  const r = upscaleFactor;
  if (!Number.isInteger(r) || r <= 0) throw new RangeError(`pixel_shuffle expects a positive upscale_factor, but got ${r}`);
  if (input.ndim < 3) throw new RangeError(`pixel_shuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  const n = input.ndim;
  const [C, H, W] = input.shape.slice(-3);
  if (C % (r * r) !== 0) throw new RangeError(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${C} is not divisible by ${r * r}`);
  const lead = input.shape.slice(0, -3);
  const oc = C / (r * r);
  const x = reshape(input, [...lead, oc, r, r, H, W]);
  const b = lead.length;
  const perm = [...lead.map((_, i) => i), b, b + 3, b + 1, b + 4, b + 2];
  return reshape(permute(x, perm), [...input.shape.slice(0, n - 3), oc, H * r, W * r]);
}

/**
 * The inverse of pixelShuffle: [*, C, H*r, W*r] -> [*, C*r*r, H, W].
 *
 * @example
 * ```ts
 * torch.pixelUnshuffle(torch.randn(1, 2, 6, 6), 2).shape; // [1, 8, 3, 3]
 * ```
 */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  if (gpuArgs(pixelUnshuffle, arguments)) return viaGpu('pixelUnshuffle', pixelUnshuffle, arguments) as never;
  const r = downscaleFactor;
  if (!Number.isInteger(r) || r <= 0) throw new RangeError(`pixel_unshuffle expects a positive downscale_factor, but got ${r}`);
  if (input.ndim < 3) throw new RangeError(`pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  const [C, H, W] = input.shape.slice(-3);
  if (H % r !== 0) throw new RangeError(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${H} is not divisible by ${r}`);
  if (W % r !== 0) throw new RangeError(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${W} is not divisible by ${r}`);
  const lead = input.shape.slice(0, -3);
  const b = lead.length;
  const x = reshape(input, [...lead, C, H / r, r, W / r, r]);
  const perm = [...lead.map((_, i) => i), b, b + 2, b + 4, b + 1, b + 3];
  return reshape(permute(x, perm), [...lead, C * r * r, H / r, W / r]);
}

// ---------------------------------------------------------------------------------------------
// unfold / fold

interface FoldGeo {
  C: number; H: number; W: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; OH: number; OW: number;
}

/** im2col over all N*C planes at once: x [N, C, H, W] -> [N, C*kh*kw, OH*OW] (differentiable). */
function unfoldOp(x: Tensor, g: FoldGeo): Tensor {
  const N = x.shape[0];
  const y = Tensor._empty([N, g.C * g.kh * g.kw, g.OH * g.OW], 'float32');
  if (y.numel() > 0) {
    const xc = f32c(x);
    kernels.im2col_f32(xc._ptr(), N * g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.OH, g.OW, y._ptr());
    if (xc !== x) xc.dispose();
  }
  record('Im2ColBackward', [x], y, [], ([gy]) => [foldOp(gy, N, g)]);
  return y;
}

/** col2im: [N, C*kh*kw, OH*OW] -> [N, C, H, W], summing overlaps (differentiable). */
function foldOp(cols: Tensor, N: number, g: FoldGeo): Tensor {
  const y = Tensor._empty([N, g.C, g.H, g.W], 'float32');
  if (y.numel() > 0) {
    if (cols.numel() === 0) kernels.fill(0, y._ptr(), y.numel(), 0, 0n);
    else {
      const cc = f32c(cols);
      kernels.col2im_f32(cc._ptr(), N * g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.OH, g.OW, y._ptr(), 0);
      if (cc !== cols) cc.dispose();
    }
  }
  record('Col2ImBackward', [cols], y, [], ([gy]) => [unfoldOp(gy, g)]);
  return y;
}

interface FoldOptions {
  dilation?: number | number[];
  padding?: number | number[];
  stride?: number | number[];
}

function foldArgs(fn: string, kernelSize: number | number[], rest: unknown[]): { k: number[]; d: number[]; p: number[]; s: number[] } {
  const o = optArgs<Required<FoldOptions>>(fn, rest, ['dilation', 'padding', 'stride'], { dilation: 1, padding: 0, stride: 1 });
  const k = expandInts(fn, 'kernel_size', kernelSize, 2);
  const d = expandInts(fn, 'dilation', o.dilation, 2);
  const p = expandInts(fn, 'padding', o.padding, 2);
  const s = expandInts(fn, 'stride', o.stride, 2);
  if (k.some((v) => v <= 0)) throw new RangeError(`${fn}: kernel size should be greater than zero, but got kernel_height: ${k[0]} kernel_width: ${k[1]}`);
  if (s.some((v) => v <= 0)) throw new RangeError(`${fn}: stride should be greater than zero, but got stride_height: ${s[0]} stride_width: ${s[1]}`);
  if (d.some((v) => v <= 0)) throw new RangeError(`${fn}: dilation should be greater than zero, but got dilation_height: ${d[0]} dilation_width: ${d[1]}`);
  if (p.some((v) => v < 0)) throw new RangeError(`${fn}: padding should be non-negative, but got pad_height: ${p[0]} pad_width: ${p[1]}`);
  return { k, d, p, s };
}

/**
 * Extracts sliding blocks (im2col): [N, C, H, W] -> [N, C*kH*kW, L] (or [C, H, W] -> [C*kH*kW, L]).
 * Optional: dilation, padding, stride.
 *
 * @example
 * ```ts
 * torch.unfold(torch.randn(1, 3, 5, 5), 3, { padding: 1 }).shape; // [1, 27, 25]
 * ```
 */
export function unfold(input: Tensor, kernelSize: number | number[], ...rest: (number | number[] | FoldOptions | undefined)[]): Tensor {
  if (gpuArgs(unfold, arguments)) return viaGpu('unfold', unfold, arguments) as never;
  const { k, d, p, s } = foldArgs('unfold', kernelSize, rest);
  if (input.ndim !== 3 && input.ndim !== 4) throw new RangeError(`Input Error: Only 3D or 4D input Tensors are supported (got ${input.ndim}D)`);
  if (!input.isFloatingPoint()) throw new TypeError(`unfold(): expected a floating point input, but got ${input.dtype}`);
  const batched = input.ndim === 4;
  let x = batched ? input : unsqueeze(input, 0);
  const [, C, H, W] = x.shape;
  const OH = Math.floor((H + 2 * p[0] - (d[0] * (k[0] - 1) + 1)) / s[0]) + 1;
  const OW = Math.floor((W + 2 * p[1] - (d[1] * (k[1] - 1) + 1)) / s[1]) + 1;
  if (OH < 1 || OW < 1) {
    throw new RangeError(`Given input with spatial size (${H}, ${W}), kernel_size=(${k[0]}, ${k[1]}), dilation=(${d[0]}, ${d[1]}), padding=(${p[0]}, ${p[1]}), calculated shape of the array of sliding blocks as (${OH}, ${OW}), but its components must be at least one.`);
  }
  const half = x.dtype === 'float16';
  if (half) x = toDType(x, 'float32');
  let y = unfoldOp(x, { C, H, W, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], OH, OW });
  if (!batched) y = squeeze(y, 0);
  return half ? toDType(y, 'float16') : y;
}

/**
 * Combines sliding blocks into a tensor (col2im, summing overlaps): [N, C*kH*kW, L] -> [N, C, *outputSize].
 *
 * @example
 * ```ts
 * torch.fold(torch.randn(1, 27, 25), [5, 5], 3, { padding: 1 }).shape; // [1, 3, 5, 5]
 * ```
 */
export function fold(input: Tensor, outputSize: number | number[], kernelSize: number | number[], ...rest: (number | number[] | FoldOptions | undefined)[]): Tensor {
  if (gpuArgs(fold, arguments)) return viaGpu('fold', fold, arguments) as never;
  const { k, d, p, s } = foldArgs('fold', kernelSize, rest);
  const os = expandInts('fold', 'output_size', outputSize, 2);
  if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ${input.ndim}D)`);
  if (!input.isFloatingPoint()) throw new TypeError(`fold(): expected a floating point input, but got ${input.dtype}`);
  const batched = input.ndim === 3;
  let x = batched ? input : unsqueeze(input, 0);
  const [N, CK, L] = x.shape;
  const kk = k[0] * k[1];
  if (CK % kk !== 0) {
    throw new RangeError(`Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${CK} and kernel_size=(${k[0]}, ${k[1]})`);
  }
  const OH = Math.floor((os[0] + 2 * p[0] - (d[0] * (k[0] - 1) + 1)) / s[0]) + 1;
  const OW = Math.floor((os[1] + 2 * p[1] - (d[1] * (k[1] - 1) + 1)) / s[1]) + 1;
  if (OH < 1 || OW < 1 || OH * OW !== L) {
    throw new RangeError(`Given output_size=(${os[0]}, ${os[1]}), kernel_size=(${k[0]}, ${k[1]}), dilation=(${d[0]}, ${d[1]}), padding=(${p[0]}, ${p[1]}), stride=(${s[0]}, ${s[1]}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${OH} * ${OW} = ${OH * OW}, but got input.size(2)=${L}.`);
  }
  const half = x.dtype === 'float16';
  if (half) x = toDType(x, 'float32');
  let y = foldOp(x, N, { C: CK / kk, H: os[0], W: os[1], kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], OH, OW });
  if (!batched) y = squeeze(y, 0);
  return half ? toDType(y, 'float16') : y;
}
