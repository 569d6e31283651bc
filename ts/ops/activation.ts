/**
 * Activation functions and dropout in PyTorch's functional spelling (torch.nn.functional): the
 * pointwise activations of the op table (pointwise-table.ts, run through unaryOp with autograd),
 * compositions that need no kernel of their own (softshrink, hardshrink, threshold, tanhshrink, glu,
 * prelu, rrelu, gumbelSoftmax), the `inplace` flags and in-place spellings (relu_, elu_, ...), and the
 * dropout family (element, channel, alpha and feature-alpha dropout) drawing its masks from the
 * seeded default generator; the gradient reuses the forward's mask.
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import { outputIndex } from '../autograd/node.js';
import { isFloating } from '../tensor/dtype.js';
import { defaultGenerator } from '../tensor/random.js';
import { Tensor, normDim, shapeNumel } from '../tensor/tensor.js';
import { optArgs } from './args.js';
import { fromValues } from './creation.js';
import { abs, add, assignInPlace, div, eq, gt, logicalAnd, lt, mul, sigmoid, sub, tanh, unaryOp, where } from './pointwise.js';
import { amax, cumsum } from './reduce.js';
import { softmax } from './softmax.js';
import { clone, detach, narrow, reshape } from './shape.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';

function checkTensor(fn: string, x: unknown, name = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${fn}(): argument '${name}' (position 1) must be Tensor, not ${x === null ? 'NoneType' : Array.isArray(x) ? 'list' : typeof x}`);
  }
}

/**
 * Runs `f` on x, or with `inplace` writes the result into x. Under autograd the in-place path keeps
 * x's previous history on an alias and differentiates through a copy of the old values, so that
 * graph edges never see the overwritten data or x's new gradFn.
 */
function withInPlace(x: Tensor, inplace: boolean, name: string, f: (t: Tensor) => Tensor): Tensor {
  if (!inplace) return f(x);
  if (!(isGradEnabled() && x.requiresGrad) || x.isLeaf) {
    const y = f(x);
    assignInPlace(x, y, name);
    y.dispose();
    return x;
  }
  const alias = x._view(x.shape.slice(), x._strides.slice(), x._offset);
  alias.gradFn = x.gradFn;
  alias.requiresGrad = true;
  outputIndex.set(alias, outputIndex.get(x) ?? 0);
  const y = f(clone(alias));
  assignInPlace(x, y, name);
  outputIndex.set(x, outputIndex.get(y) ?? 0);
  return x;
}

/**
 * max(0, x). `F.relu(x)`, `F.relu(x, true)` (in place).
 *
 * @example
 * ```ts
 * F.relu(torch.tensor([-1, 2])); // tensor([0, 2])
 * ```
 */
export function relu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(relu, arguments)) return viaGpu('relu', relu, arguments) as never;
  checkTensor('relu', x);
  const { inplace } = optArgs('relu', args, ['inplace'], { inplace: false });
  return withInPlace(x, inplace, 'relu', (t) => unaryOp('relu', t));
}

/** min(max(0, x), 6). @example `F.relu6(x)` */
export function relu6(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(relu6, arguments)) return viaGpu('relu6', relu6, arguments) as never;
  checkTensor('relu6', x);
  const { inplace } = optArgs('relu6', args, ['inplace'], { inplace: false });
  return withInPlace(x, inplace, 'relu6', (t) => unaryOp('relu6', t));
}

/** x for x > 0, negativeSlope * x otherwise. @example `F.leakyRelu(x, 0.2)` */
export function leakyRelu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(leakyRelu, arguments)) return viaGpu('leakyRelu', leakyRelu, arguments) as never;
  checkTensor('leaky_relu', x);
  const o = optArgs('leakyRelu', args, ['negativeSlope', 'inplace'], { negativeSlope: 0.01, inplace: false });
  return withInPlace(x, o.inplace, 'leakyRelu', (t) => unaryOp('leakyRelu', t, o.negativeSlope));
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. @example `F.elu(x, 1.0)` */
export function elu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(elu, arguments)) return viaGpu('elu', elu, arguments) as never;
  checkTensor('elu', x);
  const o = optArgs('elu', args, ['alpha', 'inplace'], { alpha: 1, inplace: false });
  return withInPlace(x, o.inplace, 'elu', (t) => unaryOp('elu', t, o.alpha));
}

/** Scaled ELU with the self-normalising constants. @example `F.selu(x)` */
export function selu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(selu, arguments)) return viaGpu('selu', selu, arguments) as never;
  checkTensor('selu', x);
  const { inplace } = optArgs('selu', args, ['inplace'], { inplace: false });
  return withInPlace(x, inplace, 'selu', (t) => unaryOp('selu', t));
}

/** max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). @example `F.celu(x, 1.0)` */
export function celu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(celu, arguments)) return viaGpu('celu', celu, arguments) as never;
  checkTensor('celu', x);
  const o = optArgs('celu', args, ['alpha', 'inplace'], { alpha: 1, inplace: false });
  if (o.alpha === 0) throw new RangeError('ZeroDivisionError: alpha cannot be 0 for CELU');
  return withInPlace(x, o.inplace, 'celu', (t) => unaryOp('celu', t, o.alpha));
}

/**
 * GELU, exact (erf) or with the tanh approximation.
 *
 * @example
 * ```ts
 * F.gelu(x);
 * F.gelu(x, { approximate: 'tanh' });
 * ```
 */
export function gelu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(gelu, arguments)) return viaGpu('gelu', gelu, arguments) as never;
  checkTensor('gelu', x);
  const { approximate } = optArgs('gelu', args, ['approximate'], { approximate: 'none' as string });
  if (approximate !== 'none' && approximate !== 'tanh') throw new TypeError(`approximate argument must be either none or tanh.`);
  return unaryOp(approximate === 'tanh' ? 'geluTanh' : 'gelu', x);
}

/** x * sigmoid(x) (swish). @example `F.silu(x)` */
export function silu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(silu, arguments)) return viaGpu('silu', silu, arguments) as never;
  checkTensor('silu', x);
  const { inplace } = optArgs('silu', args, ['inplace'], { inplace: false });
  return withInPlace(x, inplace, 'silu', (t) => unaryOp('silu', t));
}

/** x * tanh(softplus(x)). @example `F.mish(x)` */
export function mish(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(mish, arguments)) return viaGpu('mish', mish, arguments) as never;
  checkTensor('mish', x);
  const { inplace } = optArgs('mish', args, ['inplace'], { inplace: false });
  return withInPlace(x, inplace, 'mish', (t) => unaryOp('mish', t));
}

/** log(1 + exp(beta * x)) / beta, linear where beta * x > threshold. @example `F.softplus(x, 2)` */
export function softplus(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(softplus, arguments)) return viaGpu('softplus', softplus, arguments) as never;
  checkTensor('softplus', x);
  const o = optArgs('softplus', args, ['beta', 'threshold'], { beta: 1, threshold: 20 });
  return unaryOp('softplus', x, o.beta, o.threshold);
}

/** x / (1 + |x|). @example `F.softsign(x)` */
export function softsign(x: Tensor): Tensor {
  if (gpuArgs(softsign, arguments)) return viaGpu('softsign', softsign, arguments) as never;
  checkTensor('softsign', x);
  return unaryOp('softsign', x);
}

/** x * relu6(x + 3) / 6. @example `F.hardswish(x)` */
export function hardswish(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(hardswish, arguments)) return viaGpu('hardswish', hardswish, arguments) as never;
  checkTensor('hardswish', x);
  const { inplace } = optArgs('hardswish', args, ['inplace'], { inplace: false });
  return withInPlace(x, inplace, 'hardswish', (t) => unaryOp('hardswish', t));
}

/** relu6(x + 3) / 6. @example `F.hardsigmoid(x)` */
export function hardsigmoid(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(hardsigmoid, arguments)) return viaGpu('hardsigmoid', hardsigmoid, arguments) as never;
  checkTensor('hardsigmoid', x);
  const { inplace } = optArgs('hardsigmoid', args, ['inplace'], { inplace: false });
  return withInPlace(x, inplace, 'hardsigmoid', (t) => unaryOp('hardsigmoid', t));
}

/** Clamps to [minVal, maxVal] (defaults -1, 1). @example `F.hardtanh(x, -2, 2)` */
export function hardtanh(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(hardtanh, arguments)) return viaGpu('hardtanh', hardtanh, arguments) as never;
  checkTensor('hardtanh', x);
  const o = optArgs('hardtanh', args, ['minVal', 'maxVal', 'inplace'], { minVal: -1, maxVal: 1, inplace: false });
  if (o.minVal > o.maxVal) throw new RangeError('min_val cannot be greater than max_val');
  return withInPlace(x, o.inplace, 'hardtanh', (t) => unaryOp('hardtanh', t, o.minVal, o.maxVal));
}

/** log(sigmoid(x)), computed stably. @example `F.logsigmoid(x)` */
export function logsigmoid(x: Tensor): Tensor {
  if (gpuArgs(logsigmoid, arguments)) return viaGpu('logsigmoid', logsigmoid, arguments) as never;
  checkTensor('logsigmoid', x);
  return unaryOp('logsigmoid', x);
}

/** x - tanh(x). @example `F.tanhshrink(x)` */
export function tanhshrink(x: Tensor): Tensor {
  if (gpuArgs(tanhshrink, arguments)) return viaGpu('tanhshrink', tanhshrink, arguments) as never;
  checkTensor('tanhshrink', x);
  return sub(x, tanh(x));
}

/** x - lambd for x > lambd, x + lambd for x < -lambd, 0 otherwise. @example `F.softshrink(x, 0.5)` */
export function softshrink(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(softshrink, arguments)) return viaGpu('softshrink', softshrink, arguments) as never;
  checkTensor('softshrink', x);
  const { lambd } = optArgs('softshrink', args, ['lambd'], { lambd: 0.5 });
  if (lambd < 0) throw new RangeError(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return where(gt(x, lambd), sub(x, lambd), where(lt(x, -lambd), add(x, lambd), 0));
}

/** x where |x| > lambd, 0 otherwise. @example `F.hardshrink(x, 0.5)` */
export function hardshrink(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(hardshrink, arguments)) return viaGpu('hardshrink', hardshrink, arguments) as never;
  checkTensor('hardshrink', x);
  const { lambd } = optArgs('hardshrink', args, ['lambd'], { lambd: 0.5 });
  return where(gt(abs(x), lambd), x, 0);
}

/** x where x > threshold, value otherwise. @example `F.threshold(x, 0.1, 20)` */
export function threshold(x: Tensor, thresholdValue: number, value: number, ...args: unknown[]): Tensor {
  if (gpuArgs(threshold, arguments)) return viaGpu('threshold', threshold, arguments) as never;
  checkTensor('threshold', x);
  if (typeof thresholdValue !== 'number' || typeof value !== 'number') throw new TypeError('threshold(): threshold and value must be numbers');
  const { inplace } = optArgs('threshold', args, ['inplace'], { inplace: false });
  return withInPlace(x, inplace, 'threshold', (t) => where(gt(t, thresholdValue), t, value));
}

/**
 * Gated linear unit: splits `dim` in halves a, b and returns a * sigmoid(b).
 *
 * @example
 * ```ts
 * F.glu(torch.randn(4, 6)).shape; // [4, 3]
 * ```
 */
export function glu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(glu, arguments)) return viaGpu('glu', glu, arguments) as never;
  checkTensor('glu', x);
  const { dim } = optArgs('glu', args, ['dim'], { dim: -1 });
  if (x.ndim === 0) throw new RangeError('glu does not support scalars because halving size must be even');
  const d = normDim(dim, x.ndim);
  const n = x.shape[d];
  if (n % 2 !== 0) throw new RangeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  return mul(narrow(x, d, 0, n / 2), sigmoid(narrow(x, d, n / 2, n / 2)));
}

/**
 * Parametric ReLU: x for x >= 0, weight * x otherwise; weight has 1 element or one per channel (dim 1).
 *
 * @example
 * ```ts
 * F.prelu(x, torch.tensor([0.25]));
 * ```
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  if (gpuArgs(prelu, arguments)) return viaGpu('prelu', prelu, arguments) as never;
  checkTensor('prelu', x);
  checkTensor('prelu', weight, 'weight');
  const wn = weight.numel();
  let w = weight;
  if (wn !== 1) {
    if (weight.ndim !== 1) throw new RangeError(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got: ndim = ${weight.ndim}`);
    const channels = x.ndim >= 2 ? x.shape[1] : 1;
    if (x.ndim === 0 || wn !== channels) {
      throw new RangeError(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${wn} and channel size = ${channels}.`);
    }
    w = reshape(weight, [wn, ...new Array<number>(Math.max(0, x.ndim - 2)).fill(1)]);
  } else if (weight.ndim > 0) {
    w = reshape(weight, []);
  }
  return where(gt(x, 0), x, mul(w, x));
}

/**
 * Randomized leaky ReLU. In eval mode (`training = false`, the default) the negative slope is
 * (lower + upper) / 2; in training mode each element draws its slope uniformly from [lower, upper].
 *
 * @example
 * ```ts
 * F.rrelu(x);                                // eval: slope (1/8 + 1/3) / 2
 * F.rrelu(x, { training: true });
 * ```
 */
export function rrelu(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(rrelu, arguments)) return viaGpu('rrelu', rrelu, arguments) as never;
  checkTensor('rrelu', x);
  const o = optArgs('rrelu', args, ['lower', 'upper', 'training', 'inplace'], { lower: 1 / 8, upper: 1 / 3, training: false, inplace: false });
  if (o.lower > o.upper) throw new RangeError(`Lower bound should be less than or equal to the upper bound`);
  if (!o.training) return withInPlace(x, o.inplace, 'rrelu', (t) => unaryOp('leakyRelu', t, (o.lower + o.upper) / 2));
  const n = x.numel();
  const slopes = new Float32Array(n);
  for (let i = 0; i < n; i++) slopes[i] = o.lower + (o.upper - o.lower) * defaultGenerator.nextFloat();
  const s = fromValues(slopes, x.shape, isFloating(x.dtype) ? x.dtype : 'float32');
  return withInPlace(x, o.inplace, 'rrelu', (t) => where(gt(t, 0), t, mul(t, s)));
}

// ---- in-place spellings (F.relu_ ...) ----

/** In place relu: `F.relu_(x)` is `F.relu(x, true)`. @example `F.relu_(x)` */
export const relu_ = (x: Tensor): Tensor => relu(x, true);
/** In place elu. @example `F.elu_(x)` */
export const elu_ = (x: Tensor, alpha = 1): Tensor => elu(x, alpha, true);
/** In place selu. @example `F.selu_(x)` */
export const selu_ = (x: Tensor): Tensor => selu(x, true);
/** In place celu. @example `F.celu_(x)` */
export const celu_ = (x: Tensor, alpha = 1): Tensor => celu(x, alpha, true);
/** In place leakyRelu. @example `F.leakyRelu_(x)` */
export const leakyRelu_ = (x: Tensor, negativeSlope = 0.01): Tensor => leakyRelu(x, negativeSlope, true);
/** In place hardtanh. @example `F.hardtanh_(x)` */
export const hardtanh_ = (x: Tensor, minVal = -1, maxVal = 1): Tensor => hardtanh(x, minVal, maxVal, true);
/** In place threshold. @example `F.threshold_(x)` */
export const threshold_ = (x: Tensor, thresholdValue: number, value: number): Tensor => threshold(x, thresholdValue, value, true);
/** In place rrelu. @example `F.rrelu_(x)` */
export const rrelu_ = (x: Tensor, lower = 1 / 8, upper = 1 / 3, training = false): Tensor => rrelu(x, lower, upper, training, true);

/**
 * Samples from the Gumbel-softmax distribution: softmax((logits + g) / tau) with g ~ Gumbel(0, 1)
 * from the default generator; `hard` returns one-hot samples whose gradient is the soft sample's
 * (straight-through estimator).
 *
 * @example
 * ```ts
 * F.gumbelSoftmax(logits, { tau: 0.5, hard: true });
 * ```
 */
export function gumbelSoftmax(logits: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(gumbelSoftmax, arguments)) return viaGpu('gumbelSoftmax', gumbelSoftmax, arguments) as never;
  checkTensor('gumbel_softmax', logits);
  const o = optArgs('gumbelSoftmax', args, ['tau', 'hard', 'eps', 'dim'], { tau: 1, hard: false, eps: 1e-10, dim: -1 });
  const n = logits.numel();
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let u = defaultGenerator.nextFloat();
    while (u === 0) u = defaultGenerator.nextFloat();
    g[i] = -Math.log(-Math.log(u));
  }
  const gum = fromValues(g, logits.shape, isFloating(logits.dtype) ? logits.dtype : 'float32');
  const ySoft = softmax(div(add(logits, gum), o.tau), o.dim);
  if (!o.hard) return ySoft;
  const d = normDim(o.dim, logits.ndim);
  const sd = detach(ySoft);
  // first maximum along dim -> one-hot
  const isMax = eq(sd, amax(sd, d, true)).to('float32');
  const firstMax = logicalAnd(gt(isMax, 0), eq(cumsum(isMax, d), 1)).to('float32').to(ySoft.dtype);
  return add(sub(firstMax, sd), ySoft);
}

// ---- dropout ----

function checkP(p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/** A float tensor of `shape` with 1/(1-p) (kept) or 0 (dropped) per element, from the default generator. */
function keepMask(shape: number[], p: number, dtype: Tensor['dtype'], scale: number): Tensor {
  const n = shapeNumel(shape);
  const vals = new Float32Array(n);
  for (let i = 0; i < n; i++) vals[i] = defaultGenerator.nextFloat() >= p ? scale : 0;
  return fromValues(vals, shape, dtype);
}

function applyMask(x: Tensor, maskShape: number[], p: number, inplace: boolean, name: string): Tensor {
  const dt = isFloating(x.dtype) ? x.dtype : 'float32';
  let mask = keepMask(maskShape, p, dt, p === 1 ? 0 : 1 / (1 - p));
  if (mask.device !== x.device) {
    // the mask is drawn on the CPU (one generator for every device); it follows x to the GPU
    const m = mask.to(x.device);
    mask.dispose();
    mask = m;
  }
  const y = withInPlace(x, inplace, name, (t) => mul(t, mask));
  if (!(isGradEnabled() && x.requiresGrad)) mask.dispose();
  return y;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p) (inverted dropout); the
 * identity when `training` is false. The backward pass multiplies by the same mask.
 *
 * @example
 * ```ts
 * F.dropout(x, 0.1);
 * F.dropout(x, { p: 0.5, training: model.training });
 * ```
 */
export function dropout(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(dropout, arguments)) return viaGpu('dropout', dropout, arguments) as never;
  checkTensor('dropout', x);
  const o = optArgs('dropout', args, ['p', 'training', 'inplace'], { p: 0.5, training: true, inplace: false });
  checkP(o.p);
  if (!o.training || o.p === 0) return x;
  return applyMask(x, x.shape, o.p, o.inplace, 'dropout');
}

function channelDropout(fn: string, x: Tensor, args: unknown[], batchedNdim: number): Tensor {
  checkTensor(fn, x);
  const o = optArgs(fn, args, ['p', 'training', 'inplace'], { p: 0.5, training: true, inplace: false });
  checkP(o.p);
  if (x.ndim !== batchedNdim && x.ndim !== batchedNdim - 1) {
    throw new RangeError(`${fn}: Expected ${batchedNdim - 1}D or ${batchedNdim}D input, but received a ${x.ndim}D input. Note that ${fn} exists to provide channel-wise dropout on inputs with ${batchedNdim - 2} spatial dimension${batchedNdim > 3 ? 's' : ''}, a channel dimension, and an optional batch dimension (i.e. ${batchedNdim - 1}D or ${batchedNdim}D inputs).`);
  }
  if (!o.training || o.p === 0) return x;
  const lead = x.ndim === batchedNdim ? 2 : 1;
  const maskShape = x.shape.map((s, i) => (i < lead ? s : 1));
  return applyMask(x, maskShape, o.p, o.inplace, fn);
}

/** Channel dropout for (N, C, L) or (C, L): whole channels are zeroed. @example `F.dropout1d(x, 0.2)` */
export function dropout1d(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(dropout1d, arguments)) return viaGpu('dropout1d', dropout1d, arguments) as never;
  return channelDropout('dropout1d', x, args, 3);
}

/** Channel dropout for (N, C, H, W) or (C, H, W). @example `F.dropout2d(x, 0.2)` */
export function dropout2d(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(dropout2d, arguments)) return viaGpu('dropout2d', dropout2d, arguments) as never;
  return channelDropout('dropout2d', x, args, 4);
}

/** Channel dropout for (N, C, D, H, W) or (C, D, H, W). @example `F.dropout3d(x, 0.2)` */
export function dropout3d(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(dropout3d, arguments)) return viaGpu('dropout3d', dropout3d, arguments) as never;
  return channelDropout('dropout3d', x, args, 5);
}

const SELU_ALPHA_PRIME = 1.7580993408473766;

/**
 * Alpha dropout (for SELU networks): dropped elements are set to the SELU saturation value and the
 * result is affinely rescaled to keep zero mean and unit variance.
 *
 * @example
 * ```ts
 * F.alphaDropout(x, 0.2, true);
 * ```
 */
export function alphaDropout(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(alphaDropout, arguments)) return viaGpu('alphaDropout', alphaDropout, arguments) as never;
  checkTensor('alphaDropout', x);
  const o = optArgs('alphaDropout', args, ['p', 'training', 'inplace'], { p: 0.5, training: false, inplace: false });
  return alphaDropoutImpl(x, o, x.shape);
}

/**
 * Alpha dropout over whole channels (dim 1 of (N, C, ...)): each channel of each sample is set to
 * the SELU saturation value together, then the affine correction of alphaDropout applies.
 *
 * @example
 * ```ts
 * F.featureAlphaDropout(x, 0.2, true);
 * ```
 */
export function featureAlphaDropout(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(featureAlphaDropout, arguments)) return viaGpu('featureAlphaDropout', featureAlphaDropout, arguments) as never;
  checkTensor('featureAlphaDropout', x);
  const o = optArgs('featureAlphaDropout', args, ['p', 'training', 'inplace'], { p: 0.5, training: false, inplace: false });
  if (x.ndim < 2) throw new RangeError(`Feature dropout requires at least 2 dimensions in the input`);
  return alphaDropoutImpl(x, o, x.shape.map((s, i) => (i < 2 ? s : 1)));
}

function alphaDropoutImpl(x: Tensor, o: { p: number; training: boolean; inplace: boolean }, maskShape: number[]): Tensor {
  checkP(o.p);
  if (!o.training || o.p === 0) return x;
  if (o.p === 1) return withInPlace(x, o.inplace, 'alphaDropout', (t) => mul(t, 0));
  const p = o.p;
  const a = 1 / Math.sqrt((SELU_ALPHA_PRIME * SELU_ALPHA_PRIME * p + 1) * (1 - p));
  const dt = isFloating(x.dtype) ? x.dtype : 'float32';
  const keep = keepMask(maskShape, p, dt, 1);
  // out = x * keep * a + (keep - 1) * alpha' * a + alpha' * a * p
  const scale = mul(keep, a);
  const shift = add(mul(sub(keep, 1), SELU_ALPHA_PRIME * a), SELU_ALPHA_PRIME * a * p);
  keep.dispose();
  return withInPlace(x, o.inplace, 'alphaDropout', (t) => add(mul(t, scale), shift));
}

export { sigmoid, tanh };
