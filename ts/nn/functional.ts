/**
 * torch.nn.functional (exported as `F` and as `torch.nn.functional`): PyTorch's functional API in
 * camelCase. Most implementations live with their op families in ts/ops/ (activations and dropout
 * in activation.ts, losses and distances in loss.ts, attention in attention.ts, convolution,
 * pooling, normalisation, linear algebra, indexing in the files of those families) and are
 * re-exported here; the functional-only compositions without an op family of their own are
 * defined here: linear's options form, bilinear, affineGrid/gridSample, lpPool, maxUnpool,
 * channelShuffle, embeddingBag and the deprecated upsample aliases.
 *
 * @example
 * ```ts
 * import { F } from 'torchlet';
 * const loss = F.crossEntropy(logits, target, { labelSmoothing: 0.1 });
 * const h = F.dropout(F.gelu(x), 0.1, model.training);
 * ```
 */
export {
  relu, relu6, leakyRelu, elu, selu, celu, gelu, silu, mish, softplus, softsign, hardswish, hardsigmoid, hardtanh,
  logsigmoid, sigmoid, tanh, tanhshrink, softshrink, hardshrink, threshold, glu, prelu, rrelu,
  dropout, dropout1d, dropout2d, dropout3d, alphaDropout, featureAlphaDropout, gumbelSoftmax,
  relu_, elu_, selu_, celu_, leakyRelu_, hardtanh_, threshold_, rrelu_,
} from '../ops/activation.js';
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
  cosineEmbeddingLoss, marginRankingLoss, tripletMarginLoss, hingeEmbeddingLoss, softMarginLoss, multiMarginLoss,
  poissonNllLoss, gaussianNllLoss, tripletMarginWithDistanceLoss, multilabelSoftMarginLoss, multilabelMarginLoss, pairwiseDistance, cosineSimilarity, pdist, type Reduction,
} from '../ops/loss.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../ops/conv.js';
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d,
} from '../ops/pool.js';
export { interpolate, pad, pixelShuffle, pixelUnshuffle, unfold, fold } from '../ops/spatial.js';
export { softmax, logSoftmax, softmin } from '../ops/softmax.js';
export { layerNorm, groupNorm, batchNorm, instanceNorm, rmsNorm, normalize, localResponseNorm } from '../ops/norm.js';
export { embedding, oneHot } from '../ops/indexing.js';
export { scaledDotProductAttention, multiHeadAttentionForward, type MhaOptions } from '../ops/attention.js';

import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { optArgs } from '../ops/args.js';
import { fromValues, linspace, ones, zeros } from '../ops/creation.js';
import { embedding as embeddingOp, gather, indexAdd, scatter, scatterReduce } from '../ops/indexing.js';
import { linear as linearOp, matmul } from '../ops/linalg.js';
import { stack } from '../ops/movement.js';
import {
  abs, add, clamp, div, eq, floor, fmod, ge, logicalAnd, lt, mul, pow, relu as reluOp, remainder, round, rsub, sign, sub, where,
} from '../ops/pointwise.js';
import { avgPool1d, avgPool2d } from '../ops/pool.js';
import { sum } from '../ops/reduce.js';
import { detach, expand, flatten, permute, reshape, select, transpose, unsqueeze } from '../ops/shape.js';
import { interpolate } from '../ops/spatial.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';

/**
 * y = x W^T + b over the last dim (nn.Linear's forward); `bias` positionally or as `{ bias }`.
 *
 * @example
 * ```ts
 * F.linear(x, w, b);
 * F.linear(x, w, { bias: b });
 * ```
 */
export function linear(input: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(linear, arguments)) return viaGpu('linear', linear, arguments) as never;
  const { bias } = optArgs('linear', args, ['bias'], { bias: null as Tensor | null });
  return linearOp(input, weight, bias);
}

/**
 * Bilinear map y = x1^T A x2 + b with weight A of shape (out, in1, in2) over the last dims of
 * x1 (..., in1) and x2 (..., in2).
 *
 * @example
 * ```ts
 * F.bilinear(torch.randn(4, 3), torch.randn(4, 5), torch.randn(2, 3, 5)).shape; // [4, 2]
 * ```
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(bilinear, arguments)) return viaGpu('bilinear', bilinear, arguments) as never;
  const { bias } = optArgs('bilinear', args, ['bias'], { bias: null as Tensor | null });
  if (weight.ndim !== 3) throw new RangeError(`bilinear(): weight must be a 3-D tensor, but got ${weight.ndim}-D`);
  const [out, in1, in2] = weight.shape;
  if (input1.shape[input1.ndim - 1] !== in1) throw new RangeError(`bilinear(): input1 size does not match weight size: got ${input1.shape[input1.ndim - 1]} but expected ${in1}`);
  if (input2.shape[input2.ndim - 1] !== in2) throw new RangeError(`bilinear(): input2 size does not match weight size: got ${input2.shape[input2.ndim - 1]} but expected ${in2}`);
  if (input1.ndim !== input2.ndim || input1.shape.slice(0, -1).some((d, i) => d !== input2.shape[i])) {
    throw new RangeError(`bilinear(): input batch dimensions do not match: got [${input1.shape.slice(0, -1).join(', ')}] and [${input2.shape.slice(0, -1).join(', ')}]`);
  }
  // (..., in1) @ (in1, out*in2) -> (..., out, in2), then contract in2 with x2
  const w = reshape(permute(weight, [1, 0, 2]), [in1, out * in2]);
  const t = reshape(matmul(input1, w), [...input1.shape.slice(0, -1), out, in2]);
  const y = sum(mul(t, unsqueeze(input2, -2)), -1);
  return bias === null ? y : add(y, bias);
}

type SizeArg = number | number[] | null;

/**
 * Deprecated alias of interpolate (PyTorch's F.upsample): (size, scaleFactor, mode, alignCorners).
 *
 * @example
 * ```ts
 * F.upsample(x, { scaleFactor: 2, mode: 'nearest' });
 * ```
 */
export function upsample(input: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(upsample, arguments)) return viaGpu('upsample', upsample, arguments) as never;
  const o = optArgs('upsample', args, ['size', 'scaleFactor', 'mode', 'alignCorners'], { size: null as SizeArg, scaleFactor: null as SizeArg, mode: 'nearest', alignCorners: null as boolean | null });
  return interpolate(input, { size: o.size, scaleFactor: o.scaleFactor, mode: o.mode as 'nearest', alignCorners: o.alignCorners });
}

/** Deprecated: nearest-neighbour upsampling, `interpolate(x, size, scaleFactor, 'nearest')`. @example `F.upsampleNearest(x, { scaleFactor: 2 })` */
export function upsampleNearest(input: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(upsampleNearest, arguments)) return viaGpu('upsampleNearest', upsampleNearest, arguments) as never;
  const o = optArgs('upsampleNearest', args, ['size', 'scaleFactor'], { size: null as SizeArg, scaleFactor: null as SizeArg });
  return interpolate(input, { size: o.size, scaleFactor: o.scaleFactor, mode: 'nearest' });
}

/** Deprecated: bilinear upsampling with alignCorners = true, as PyTorch's F.upsample_bilinear. @example `F.upsampleBilinear(x, { scaleFactor: 2 })` */
export function upsampleBilinear(input: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(upsampleBilinear, arguments)) return viaGpu('upsampleBilinear', upsampleBilinear, arguments) as never;
  const o = optArgs('upsampleBilinear', args, ['size', 'scaleFactor'], { size: null as SizeArg, scaleFactor: null as SizeArg });
  return interpolate(input, { size: o.size, scaleFactor: o.scaleFactor, mode: 'bilinear', alignCorners: true });
}

/**
 * Sampling grids for 2-D affine transforms: theta (N, 2, 3) and size [N, C, H, W] give an (N, H, W, 2)
 * grid of normalised (x, y) coordinates for gridSample.
 *
 * @example
 * ```ts
 * const grid = F.affineGrid(theta, [1, 3, 32, 32], { alignCorners: false });
 * ```
 */
export function affineGrid(theta: Tensor, size: number[], ...args: unknown[]): Tensor {
  if (gpuArgs(affineGrid, arguments)) return viaGpu('affineGrid', affineGrid, arguments) as never;
  const { alignCorners } = optArgs('affineGrid', args, ['alignCorners'], { alignCorners: false as boolean | null });
  if (!Array.isArray(size)) throw new TypeError(`affine_grid(): argument 'size' must be a list of ints, not ${typeof size}`);
  if (size.length !== 4) throw new RangeError(`affine_grid only supports 4D sizes, for 2D affine transforms (got size [${size.join(', ')}])`);
  const [n, , h, w] = size;
  if (theta.ndim !== 3 || theta.shape[0] !== n || theta.shape[1] !== 2 || theta.shape[2] !== 3) {
    throw new RangeError(`Expected a batch of 2D affine matrices of shape Nx2x3 for size [${size.join(', ')}]. Got torch.Size([${theta.shape.join(', ')}]).`);
  }
  if (Math.min(h, w) <= 0) throw new RangeError(`Expected non-zero, positive output size. Got [${size.join(', ')}]`);
  const ac = alignCorners ?? false;
  const axis = (len: number): Tensor => {
    if (len <= 1) return linspace(0, 0, len, { dtype: theta.dtype });
    const l = linspace(-1, 1, len, { dtype: theta.dtype });
    return ac ? l : mul(l, (len - 1) / len);
  };
  const xs = expand(reshape(axis(w), [1, w]), [h, w]);
  const ys = expand(reshape(axis(h), [h, 1]), [h, w]);
  const base = reshape(stack([xs, ys, ones([h, w], { dtype: theta.dtype })], -1), [1, h * w, 3]);
  return reshape(matmul(base, transpose(theta, 1, 2)), [n, h, w, 2]);
}

type GridPadding = 'zeros' | 'border' | 'reflection';

function unnormalize(c: Tensor, size: number, alignCorners: boolean): Tensor {
  return alignCorners ? mul(add(c, 1), (size - 1) / 2) : div(sub(mul(add(c, 1), size), 1), 2);
}

function reflectCoords(x: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return mul(x, 0);
  const min = twiceLow / 2;
  const span = (twiceHigh - twiceLow) / 2;
  const d = abs(sub(x, min));
  const extra = fmod(d, span);
  const flips = noGrad(() => floor(div(detach(d), span)));
  return where(eq(remainder(flips, 2), 0), add(extra, min), add(rsub(extra, span), min));
}

function sourceIndex(c: Tensor, size: number, padding: GridPadding, alignCorners: boolean): Tensor {
  let x = unnormalize(c, size, alignCorners);
  if (padding === 'border') x = clamp(x, 0, size - 1);
  else if (padding === 'reflection') {
    x = alignCorners ? reflectCoords(x, 0, 2 * (size - 1)) : reflectCoords(x, -1, 2 * size - 1);
    x = clamp(x, 0, size - 1);
  }
  return x;
}

/**
 * Samples input (N, C, H, W) at the normalised (x, y) locations of grid (N, Ho, Wo, 2) with
 * bilinear or nearest interpolation and 'zeros' | 'border' | 'reflection' padding (PyTorch's
 * F.grid_sample for 4-D input; differentiable in input and grid).
 *
 * @example
 * ```ts
 * const out = F.gridSample(img, F.affineGrid(theta, img.shape), { alignCorners: false });
 * ```
 */
export function gridSample(input: Tensor, grid: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(gridSample, arguments)) return viaGpu('gridSample', gridSample, arguments) as never;
  const o = optArgs('gridSample', args, ['mode', 'paddingMode', 'alignCorners'], { mode: 'bilinear' as string, paddingMode: 'zeros' as string, alignCorners: false as boolean | null });
  if (o.mode === 'bicubic') throw new RangeError("nn.functional.grid_sample(): mode 'bicubic' is not supported by torchlet (use 'bilinear' or 'nearest')");
  if (o.mode !== 'bilinear' && o.mode !== 'nearest') {
    throw new RangeError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${o.mode}'`);
  }
  if (o.paddingMode !== 'zeros' && o.paddingMode !== 'border' && o.paddingMode !== 'reflection') {
    throw new RangeError(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${o.paddingMode}'`);
  }
  if (input.ndim !== 4) throw new RangeError(`grid_sample(): expected 4D input (5D volumetric input is not supported), but got input with sizes [${input.shape.join(', ')}]`);
  if (grid.ndim !== 4 || grid.shape[3] !== 2 || grid.shape[0] !== input.shape[0]) {
    throw new RangeError(`grid_sample(): expected grid to have size 2 in last dimension and the same batch size as input, but got grid with sizes [${grid.shape.join(', ')}] for input [${input.shape.join(', ')}]`);
  }
  const [n, c, h, w] = input.shape;
  const [, ho, wo] = grid.shape;
  const ac = o.alignCorners ?? false;
  const pad = o.paddingMode as GridPadding;
  const ix = sourceIndex(select(grid, 3, 0), w, pad, ac); // (N, Ho, Wo)
  const iy = sourceIndex(select(grid, 3, 1), h, pad, ac);
  const flat = reshape(input, [n, c, h * w]);
  // value at integer corner (xc, yc), weighted; zero outside the image
  const tap = (xc: Tensor, yc: Tensor, weight: Tensor): Tensor => {
    const inside = logicalAnd(logicalAnd(ge(xc, 0), lt(xc, w)), logicalAnd(ge(yc, 0), lt(yc, h)));
    const idx = noGrad(() => add(mul(clamp(yc, 0, h - 1), w), clamp(xc, 0, w - 1)).to('int64'));
    const vals = gather(flat, 2, expand(reshape(idx, [n, 1, ho * wo]), [n, c, ho * wo]));
    return mul(vals, reshape(where(inside, weight, 0), [n, 1, ho * wo]));
  };
  let out: Tensor;
  if (o.mode === 'nearest') {
    const xr = noGrad(() => round(detach(ix)));
    const yr = noGrad(() => round(detach(iy)));
    out = tap(xr, yr, ones(xr.shape, { dtype: input.dtype }));
  } else {
    const x0 = noGrad(() => floor(detach(ix)));
    const y0 = noGrad(() => floor(detach(iy)));
    const x1 = add(x0, 1);
    const y1 = add(y0, 1);
    const wx1 = sub(ix, x0);
    const wy1 = sub(iy, y0);
    const wx0 = rsub(wx1, 1);
    const wy0 = rsub(wy1, 1);
    out = add(add(tap(x0, y0, mul(wx0, wy0)), tap(x1, y0, mul(wx1, wy0))), add(tap(x0, y1, mul(wx0, wy1)), tap(x1, y1, mul(wx1, wy1))));
  }
  return reshape(out, [n, c, ho, wo]);
}

type IntPair = number | number[];

function pairOf(v: IntPair): [number, number] {
  return Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v];
}

/**
 * Power-average pooling over 2-D windows: (sum over the window of x^p)^(1/p).
 *
 * @example
 * ```ts
 * F.lpPool2d(x, 2, 3, { stride: 2 });
 * ```
 */
export function lpPool2d(input: Tensor, normType: number, kernelSize: IntPair, ...args: unknown[]): Tensor {
  if (gpuArgs(lpPool2d, arguments)) return viaGpu('lpPool2d', lpPool2d, arguments) as never;
  const o = optArgs('lpPool2d', args, ['stride', 'ceilMode'], { stride: null as IntPair | null, ceilMode: false });
  const [kh, kw] = pairOf(kernelSize);
  const out = avgPool2d(pow(input, normType), kernelSize, { stride: o.stride, padding: 0, ceilMode: o.ceilMode });
  return pow(mul(mul(sign(out), reluOp(abs(out))), kh * kw), 1 / normType);
}

/** Power-average pooling over 1-D windows. @example `F.lpPool1d(x, 2, 3)` */
export function lpPool1d(input: Tensor, normType: number, kernelSize: number, ...args: unknown[]): Tensor {
  if (gpuArgs(lpPool1d, arguments)) return viaGpu('lpPool1d', lpPool1d, arguments) as never;
  const o = optArgs('lpPool1d', args, ['stride', 'ceilMode'], { stride: null as number | null, ceilMode: false });
  const out = avgPool1d(pow(input, normType), kernelSize, { stride: o.stride, padding: 0, ceilMode: o.ceilMode });
  return pow(mul(mul(sign(out), reluOp(abs(out))), kernelSize), 1 / normType);
}

/**
 * Splits the C channels of (N, C, *) into `groups` and interleaves them (ShuffleNet).
 *
 * @example
 * ```ts
 * F.channelShuffle(x, 2); // channels [0 1 2 3] -> [0 2 1 3]
 * ```
 */
export function channelShuffle(input: Tensor, groups: number): Tensor {
  if (gpuArgs(channelShuffle, arguments)) return viaGpu('channelShuffle', channelShuffle, arguments) as never;
  if (input.ndim < 3) throw new RangeError(`channel_shuffle expects input to have at least 3 dimensions, but got input with sizes [${input.shape.join(', ')}]`);
  if (!Number.isInteger(groups) || groups <= 0) throw new RangeError(`Number of groups to divide channels in must be positive. Value of groups:${groups}`);
  const c = input.shape[1];
  if (c % groups !== 0) throw new RangeError(`Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`);
  const [n, , ...sp] = input.shape;
  return reshape(transpose(reshape(input, [n, groups, c / groups, ...sp]), 1, 2), input.shape);
}

function unpoolOut(fn: string, input: Tensor, nsp: number, kernelSize: IntPair, o: { stride: IntPair | null; padding: IntPair; outputSize: number[] | null }): number[] {
  const k = nsp === 1 ? [pairOf(kernelSize)[0]] : pairOf(kernelSize);
  const st = o.stride === null ? k : nsp === 1 ? [pairOf(o.stride)[0]] : pairOf(o.stride);
  const pd = nsp === 1 ? [pairOf(o.padding)[0]] : pairOf(o.padding);
  const sp = input.shape.slice(-nsp);
  const def = sp.map((s, i) => (s - 1) * st[i] - 2 * pd[i] + k[i]);
  if (o.outputSize === null) return def;
  const os = o.outputSize.slice(-nsp);
  os.forEach((v, i) => {
    const lo = def[i] - st[i];
    const hi = def[i] + st[i];
    if (v <= lo || v >= hi) throw new RangeError(`${fn}: invalid output_size "[${o.outputSize!.join(', ')}]" (dim ${i} must be between ${lo} and ${hi})`);
  });
  return os;
}

function maxUnpool(fn: string, input: Tensor, indices: Tensor, nsp: number, outSp: number[]): Tensor {
  if (indices.dtype !== 'int64') throw new TypeError(`${fn}: expected indices to have type int64 but got type ${indices.dtype}`);
  if (indices.ndim !== input.ndim || indices.shape.some((d, i) => d !== input.shape[i])) {
    throw new RangeError(`${fn}: Expected shape of indices to be same as that of the input tensor ([${input.shape.join(', ')}]) but got indices tensor with shape: [${indices.shape.join(', ')}]`);
  }
  const lead = input.shape.slice(0, input.ndim - nsp);
  const area = outSp.reduce((a, b) => a * b, 1);
  const x = flatten(input, lead.length);
  const idx = flatten(indices, lead.length);
  const target = zeros([...lead, area], { dtype: input.dtype });
  return reshape(scatter(target, lead.length, idx, x), [...lead, ...outSp]);
}

/**
 * Partial inverse of maxPool2d: puts each value back at the position its index (from
 * `maxPool2d(..., { returnIndices: true })`) names, zeros elsewhere.
 *
 * @example
 * ```ts
 * const [y, idx] = F.maxPool2d(x, 2, { returnIndices: true });
 * F.maxUnpool2d(y, idx, 2);
 * ```
 */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: IntPair, ...args: unknown[]): Tensor {
  if (gpuArgs(maxUnpool2d, arguments)) return viaGpu('maxUnpool2d', maxUnpool2d, arguments) as never;
  const o = optArgs('maxUnpool2d', args, ['stride', 'padding', 'outputSize'], { stride: null as IntPair | null, padding: 0 as IntPair, outputSize: null as number[] | null });
  if (input.ndim !== 3 && input.ndim !== 4) throw new RangeError(`max_unpool2d: Expected 3d or 4d input, but got [${input.shape.join(', ')}]`);
  return maxUnpool('max_unpool2d', input, indices, 2, unpoolOut('max_unpool2d', input, 2, kernelSize, o));
}

/** Partial inverse of maxPool1d. @example `F.maxUnpool1d(y, idx, 2)` */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: number, ...args: unknown[]): Tensor {
  if (gpuArgs(maxUnpool1d, arguments)) return viaGpu('maxUnpool1d', maxUnpool1d, arguments) as never;
  const o = optArgs('maxUnpool1d', args, ['stride', 'padding', 'outputSize'], { stride: null as IntPair | null, padding: 0 as IntPair, outputSize: null as number[] | null });
  if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`max_unpool1d: Expected 2d or 3d input, but got [${input.shape.join(', ')}]`);
  return maxUnpool('max_unpool1d', input, indices, 1, unpoolOut('max_unpool1d', input, 1, kernelSize, o));
}

/**
 * Sums, means or maxes bags of embeddings without materialising the (bags, n, dim) lookup per bag:
 * input (B, N) gives B bags of N indices; 1-D input with `offsets` gives ragged bags.
 * `perSampleWeights` scales each looked-up row (mode 'sum'); `paddingIdx` entries are skipped.
 *
 * @example
 * ```ts
 * F.embeddingBag(torch.tensor([1, 2, 4, 5, 4, 3]), weight, torch.tensor([0, 3]), { mode: 'mean' });
 * ```
 */
export function embeddingBag(input: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(embeddingBag, arguments)) return viaGpu('embeddingBag', embeddingBag, arguments) as never;
  const o = optArgs('embeddingBag', args,
    ['offsets', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', 'perSampleWeights', 'includeLastOffset', 'paddingIdx'],
    {
      offsets: null as Tensor | null, maxNorm: null as number | null, normType: 2, scaleGradByFreq: false, mode: 'mean' as string, sparse: false,
      perSampleWeights: null as Tensor | null, includeLastOffset: false, paddingIdx: null as number | null,
    });
  if (o.mode !== 'sum' && o.mode !== 'mean' && o.mode !== 'max') throw new RangeError(`mode has to be one of sum, mean or max`);
  if (o.perSampleWeights !== null && o.mode !== 'sum') {
    throw new RangeError(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${o.mode}'). Please open a feature request on GitHub.`);
  }
  if (weight.ndim !== 2) throw new RangeError(`weight has to be a 2D Tensor, but got Tensor of dimension ${weight.ndim}`);
  let flat: Tensor;
  let bagOf: number[];
  let nBags: number;
  let psw = o.perSampleWeights;
  if (input.ndim === 2) {
    if (o.offsets !== null) throw new RangeError(`if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type Tensor`);
    const [b, n] = input.shape;
    nBags = b;
    flat = reshape(input, [b * n]);
    bagOf = Array.from({ length: b * n }, (_, i) => Math.floor(i / n));
    if (psw !== null) psw = reshape(psw, [b * n]);
  } else if (input.ndim === 1) {
    if (o.offsets === null) throw new RangeError('offsets has to be a 1D Tensor but got None');
    if (o.offsets.ndim !== 1) throw new RangeError('offsets has to be a 1D Tensor');
    const offs = Array.from(o.offsets.dataSync() as BigInt64Array, Number);
    const n = input.shape[0];
    if (offs.length && offs[0] !== 0) throw new RangeError(`offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${offs[0]}`);
    const starts = o.includeLastOffset ? offs.slice(0, -1) : offs;
    nBags = starts.length;
    bagOf = new Array<number>(n);
    for (let bIdx = 0; bIdx < nBags; bIdx++) {
      const end = bIdx + 1 < nBags ? starts[bIdx + 1] : o.includeLastOffset ? offs[offs.length - 1] : n;
      if (starts[bIdx] > end || end > n) throw new RangeError(`offsets[${bIdx + 1}] is out of bounds`);
      for (let i = starts[bIdx]; i < end; i++) bagOf[i] = bIdx;
    }
    flat = input;
  } else {
    throw new RangeError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);
  }
  const ids = Array.from(flat.dataSync() as BigInt64Array, Number);
  const keep = ids.map((v, i) => bagOf[i] !== undefined && (o.paddingIdx === null || v !== (o.paddingIdx < 0 ? o.paddingIdx + weight.shape[0] : o.paddingIdx)));
  const keptPos = keep.flatMap((k, i) => (k ? [i] : []));
  const bagIdx = fromValues(keptPos.map((i) => bagOf[i]), [keptPos.length], 'int64');
  const keptIds = fromValues(keptPos.map((i) => ids[i]), [keptPos.length], 'int64');
  let rows = embeddingOp(keptIds, weight, { maxNorm: o.maxNorm, normType: o.normType });
  const d = weight.shape[1];
  if (psw !== null) rows = mul(rows, unsqueeze(gather(psw, 0, fromValues(keptPos, [keptPos.length], 'int64')), 1));
  if (o.mode === 'max') {
    const init = zeros([nBags, d], { dtype: weight.dtype });
    const idx2 = expand(unsqueeze(bagIdx, 1), [keptPos.length, d]);
    return scatterReduce(init, 0, idx2, rows, 'amax', { includeSelf: false });
  }
  const summed = indexAdd(zeros([nBags, d], { dtype: weight.dtype }), 0, bagIdx, rows);
  if (o.mode === 'sum') return summed;
  const counts = new Float32Array(nBags);
  for (const i of keptPos) counts[bagOf[i]]++;
  return div(summed, reshape(fromValues(Array.from(counts, (c) => Math.max(c, 1)), [nBags], weight.dtype), [nBags, 1]));
}
