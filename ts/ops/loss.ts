/**
 * Loss functions of torch.nn.functional (mseLoss, crossEntropy, nllLoss, binaryCrossEntropy, klDiv,
 * the margin losses, ...) with PyTorch's `reduction` modes, legacy sizeAverage/reduce flags,
 * argument checks and error messages. Most are compositions of differentiable tensor ops (so their
 * gradients, and gradients of gradients, follow from autograd). Two record their own node:
 * crossEntropy with class-index targets (log-softmax kernel + gather forward, a three-pass
 * softmax-minus-onehot backward) and binaryCrossEntropy (PyTorch's backward formula, to match its
 * clamping); both backwards are written in tensor ops. Also pairwiseDistance, cosineSimilarity and
 * pdist, which the distance-based losses build on. Losses are exported only under F.
 */
import { record } from '../autograd/node.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { Tensor, normDim } from '../tensor/tensor.js';
import { broadcastShapes, optArgs } from './args.js';
import { arange, fromValues } from './creation.js';
import {
  abs, add, clampMin, div, eq, exp, ge, gt, log, log1p, logicalAnd, logicalNot, logicalOr, lt, minimum, mul, ne, neg, pow, rsub, sign, softplus,
  sqrt, square, sub, unaryOp, where,
} from './pointwise.js';
import { amax, any, mean, sum } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';
import { detach, expand, reshape, squeeze, unsqueeze } from './shape.js';
import { gather, indexSelect, scatterAdd } from './indexing.js';
import { gpuArgs, knownCpu, viaGpu } from '../backend/webgpu/dispatch.js';
import { GpuNeedsCpu } from '../backend/webgpu/storage.js';

export type Reduction = 'mean' | 'sum' | 'none';

// ---- shared helpers ----

const SCALAR_NAME: Record<DType, string> = { float32: 'Float', float16: 'Half', int32: 'Int', int64: 'Long', int8: 'Char', uint8: 'Byte', bool: 'Bool' };

function sizeStr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

function listStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkTensor(fn: string, x: unknown, name: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${fn}(): argument '${name}' must be Tensor, not ${x === null ? 'NoneType' : Array.isArray(x) ? 'list' : typeof x}`);
  }
}

/** PyTorch's legacy_get_string: sizeAverage/reduce (deprecated) override `reduction` when given. */
function resolveReduction(o: { reduction: unknown; sizeAverage?: unknown; reduce?: unknown }, extra: readonly string[] = []): Reduction {
  if ((o.sizeAverage !== undefined && o.sizeAverage !== null) || (o.reduce !== undefined && o.reduce !== null)) {
    const sa = o.sizeAverage === undefined || o.sizeAverage === null ? true : Boolean(o.sizeAverage);
    const rd = o.reduce === undefined || o.reduce === null ? true : Boolean(o.reduce);
    return !rd ? 'none' : sa ? 'mean' : 'sum';
  }
  const r = o.reduction;
  if (r !== 'mean' && r !== 'sum' && r !== 'none' && !extra.includes(r as string)) throw new RangeError(`${String(r)} is not a valid value for reduction`);
  return r as Reduction;
}

function applyReduction(l: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return l;
  return reduction === 'sum' ? sum(l) : mean(l);
}

/** A bool mask as 0/1 values of a float dtype (through float32, which every cast path supports). */
function maskAs(m: Tensor, dtype: DType): Tensor {
  const f = m.to('float32');
  return dtype === 'float32' ? f : f.to(dtype);
}

function floatOf(x: Tensor): DType {
  return isFloating(x.dtype) ? x.dtype : 'float32';
}

/** log-softmax over `dim` (the fused kernel of softmax.ts, with its gradient). */
function logSoftmaxDim(x: Tensor, dim: number): Tensor {
  return logSoftmax(isFloating(x.dtype) ? x : x.to('float32'), dim);
}

/** Checks that every int64 target is a class in [0, C) or the ignore index (no out-of-bounds reads). */
function checkTargets(target: Tensor, classes: number, ignoreIndex: number): void {
  if (target.numel() === 0) return;
  if (target.device === 'webgpu') {
    // WebGPU values are read asynchronously: check them when known on the CPU (uploaded targets);
    // otherwise the gather's own bounds check reports a bad target when the values are read
    const known = knownCpu(target);
    if (!known) return;
    try {
      checkTargets(known, classes, ignoreIndex);
    } finally {
      known.dispose();
    }
    return;
  }
  // one vectorised pass to find out whether any target is bad; the element scan only names it
  const bad = noGrad(() => any(logicalAnd(ne(target, ignoreIndex), logicalOr(lt(target, 0), ge(target, classes)))));
  const isBad = bad.item() as boolean;
  bad.dispose();
  if (!isBad) return;
  const d = target.dataSync() as BigInt64Array;
  const ig = BigInt(ignoreIndex);
  const c = BigInt(classes);
  for (let i = 0; i < d.length; i++) {
    const t = d[i];
    if (t !== ig && (t < 0n || t >= c)) throw new RangeError(`Target ${t} is out of bounds.`);
  }
}

// ---- mse / l1 / smooth l1 / huber ----

type Legacy = { sizeAverage: boolean | null; reduce: boolean | null; reduction: string };
const LEGACY: Legacy = { sizeAverage: null, reduce: null, reduction: 'mean' };
const LEGACY_NAMES = ['sizeAverage', 'reduce', 'reduction'] as const;

function pairArgs(fn: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  checkTensor(fn, input, 'input');
  checkTensor(fn, target, 'target');
  const shape = broadcastShapes(input.shape, target.shape);
  return [sameShape(input.shape, shape) ? input : expand(input, shape), sameShape(target.shape, shape) ? target : expand(target, shape)];
}

/**
 * Mean squared error. Inputs broadcast together as in PyTorch.
 *
 * @example
 * ```ts
 * F.mseLoss(pred, target);
 * F.mseLoss(pred, target, { reduction: 'sum' });
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(mseLoss, arguments)) return viaGpu('mseLoss', mseLoss, arguments) as never;
  const o = optArgs('mseLoss', args, LEGACY_NAMES, { ...LEGACY });
  const [x, t] = pairArgs('mse_loss', input, target);
  return applyReduction(square(sub(x, t)), resolveReduction(o));
}

/** Mean absolute error. @example `F.l1Loss(pred, target)` */
export function l1Loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(l1Loss, arguments)) return viaGpu('l1Loss', l1Loss, arguments) as never;
  const o = optArgs('l1Loss', args, LEGACY_NAMES, { ...LEGACY });
  const [x, t] = pairArgs('l1_loss', input, target);
  return applyReduction(abs(sub(x, t)), resolveReduction(o));
}

/**
 * Smooth L1: 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta otherwise (L1 when beta = 0).
 *
 * @example
 * ```ts
 * F.smoothL1Loss(pred, target, { beta: 0.5 });
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(smoothL1Loss, arguments)) return viaGpu('smoothL1Loss', smoothL1Loss, arguments) as never;
  const o = optArgs('smoothL1Loss', args, [...LEGACY_NAMES, 'beta'], { ...LEGACY, beta: 1 });
  const reduction = resolveReduction(o);
  if (o.beta < 0) throw new RangeError('smooth_l1_loss does not support negative values for beta.');
  const [x, t] = pairArgs('smooth_l1_loss', input, target);
  const d = sub(x, t);
  if (o.beta === 0) return applyReduction(abs(d), reduction);
  const z = abs(d);
  return applyReduction(where(lt(z, o.beta), div(mul(square(d), 0.5), o.beta), sub(z, 0.5 * o.beta)), reduction);
}

/** Huber loss: 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) otherwise. @example `F.huberLoss(p, t, { delta: 2 })` */
export function huberLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(huberLoss, arguments)) return viaGpu('huberLoss', huberLoss, arguments) as never;
  const o = optArgs('huberLoss', args, ['reduction', 'delta'], { reduction: 'mean' as string, delta: 1 });
  const reduction = resolveReduction(o);
  if (!(o.delta > 0)) throw new RangeError('huber_loss does not support non-positive values for delta.');
  const [x, t] = pairArgs('huber_loss', input, target);
  const d = sub(x, t);
  const z = abs(d);
  return applyReduction(where(lt(z, o.delta), mul(square(d), 0.5), mul(sub(z, 0.5 * o.delta), o.delta)), reduction);
}

// ---- nll / cross entropy ----

type NllOpts = {
  weight: Tensor | null;
  sizeAverage: boolean | null;
  ignoreIndex: number;
  reduce: boolean | null;
  reduction: string;
};

/** Shape and dtype checks of nll_loss_nd; returns the class dim. */
function checkNll(input: Tensor, target: Tensor, weight: Tensor | null): number {
  if (input.ndim < 1) throw new RangeError(`Expected 1 or more dimensions (got ${input.ndim})`);
  if (input.ndim !== 1 && target.ndim > 0 && input.shape[0] !== target.shape[0]) {
    throw new RangeError(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`);
  }
  if (input.ndim <= 2) {
    if (target.ndim > 1) throw new RangeError('0D or 1D target tensor expected, multi-target not supported');
    const noBatch = input.ndim === 1 && target.ndim === 0;
    if (!noBatch && (target.ndim === 0 || input.shape[0] !== target.shape[0])) {
      throw new RangeError(`size mismatch (got input: ${listStr(input.shape)}, target: ${listStr(target.shape)})`);
    }
  } else if (input.ndim === 4) {
    if (target.ndim !== 3) throw new RangeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.ndim}`);
    if (target.shape[0] !== input.shape[0] || target.shape[1] !== input.shape[2] || target.shape[2] !== input.shape[3]) {
      throw new RangeError(`size mismatch (got input: ${listStr(input.shape)} , target: ${listStr(target.shape)}`);
    }
  } else if (!sameShape(target.shape.slice(1), input.shape.slice(2))) {
    throw new RangeError(`Expected target size ${listStr([input.shape[0], ...input.shape.slice(2)])}, got ${listStr(target.shape)}`);
  }
  if (target.dtype !== 'int64') throw new TypeError(`expected scalar type Long but found ${SCALAR_NAME[target.dtype]}`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[classDim];
  if (weight !== null && (weight.ndim !== 1 || weight.numel() !== c)) {
    throw new RangeError(`weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: ${listStr(weight.shape)}`);
  }
  return classDim;
}

interface NllParts {
  /** per-element loss, 0 where ignored */
  loss: Tensor;
  /** per-element class weight of the target, 0 where ignored */
  wt: Tensor;
  /** target != ignoreIndex */
  valid: Tensor;
  /** weight viewed to broadcast along the class dim (or null) */
  wview: Tensor | null;
}

function nllParts(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, classDim: number): NllParts {
  const c = logp.shape[classDim];
  const classShape = logp.shape.map((_, i) => (i === classDim ? c : 1));
  const valid = ne(target, ignoreIndex);
  // ignored targets read class 0 (validated indices only), then get zero loss and weight
  const tsafe = where(valid, target, 0);
  const picked = squeeze(gather(logp, classDim, unsqueeze(tsafe, classDim)), classDim);
  const w = weight === null ? null : detach(weight).to(logp.dtype);
  const wsel = w === null ? null : reshape(indexSelect(w, 0, reshape(tsafe, [-1])), tsafe.shape);
  const loss = neg(where(valid, wsel === null ? picked : mul(picked, wsel), 0));
  const wt = wsel === null ? maskAs(valid, logp.dtype) : where(valid, wsel, 0);
  return { loss, wt, valid, wview: w === null ? null : reshape(w, classShape) };
}

function reduceNll(p: NllParts, reduction: Reduction): Tensor {
  if (reduction === 'none') return p.loss;
  if (reduction === 'sum') return sum(p.loss);
  return div(sum(p.loss), sum(p.wt));
}

/**
 * Negative log-likelihood for log-probabilities `input` of shape (N, C), (C) or (N, C, d1, ...)
 * and int64 class targets of shape (N), () or (N, d1, ...).
 *
 * @example
 * ```ts
 * F.nllLoss(F.logSoftmax(x, 1), target, { ignoreIndex: 0 });
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(nllLoss, arguments)) return viaGpu('nllLoss', nllLoss, arguments) as never;
  checkTensor('nll_loss', input, 'input');
  checkTensor('nll_loss', target, 'target');
  const o = optArgs<NllOpts>('nllLoss', args, ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction'], {
    weight: null, sizeAverage: null, ignoreIndex: -100, reduce: null, reduction: 'mean',
  });
  const reduction = resolveReduction(o);
  const classDim = checkNll(input, target, o.weight);
  checkTargets(target, input.shape[classDim], o.ignoreIndex);
  return reduceNll(nllParts(input, target, o.weight, o.ignoreIndex, classDim), reduction);
}

/**
 * Cross entropy between logits `input` and class-index targets (int64; shapes as nllLoss) or
 * class-probability targets (float, same shape as input), with class weights, ignoreIndex and
 * label smoothing as in PyTorch.
 *
 * @example
 * ```ts
 * F.crossEntropy(logits, torch.tensor([1, 0, 4]));
 * F.crossEntropy(logits, target, { labelSmoothing: 0.1, ignoreIndex: -100 });
 * F.crossEntropy(logits, probs);                      // soft targets
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(crossEntropy, arguments)) return viaGpu('crossEntropy', crossEntropy, arguments) as never;
  checkTensor('cross_entropy_loss', input, 'input');
  checkTensor('cross_entropy_loss', target, 'target');
  const o = optArgs<NllOpts & { labelSmoothing: number }>('crossEntropy', args, ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction', 'labelSmoothing'], {
    weight: null, sizeAverage: null, ignoreIndex: -100, reduce: null, reduction: 'mean', labelSmoothing: 0,
  });
  const reduction = resolveReduction(o);
  const ls = o.labelSmoothing;
  if (!(ls >= 0 && ls <= 1)) throw new RangeError(`label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[classDim];
  if (sameShape(input.shape, target.shape)) {
    // class-probability targets
    if (!isFloating(target.dtype)) throw new TypeError(`Expected floating point type for target with class probabilities, got ${SCALAR_NAME[target.dtype]}`);
    if (input.ndim < 1) throw new RangeError(`Expected 1 or more dimensions (got ${input.ndim})`);
    if (o.ignoreIndex >= 0) throw new RangeError('ignore_index is not supported for floating point target');
    if (o.weight !== null && (o.weight.ndim !== 1 || o.weight.numel() !== c)) {
      throw new RangeError(`weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: ${listStr(o.weight.shape)}`);
    }
    const logp = logSoftmaxDim(input, classDim);
    const t = ls > 0 ? add(mul(target, 1 - ls), ls / c) : target;
    let prodt = mul(logp, t);
    if (o.weight !== null) prodt = mul(prodt, reshape(detach(o.weight), input.shape.map((_, i) => (i === classDim ? c : 1))));
    if (reduction === 'none') return neg(sum(prodt, classDim));
    if (reduction === 'sum') return neg(sum(prodt));
    if (input.numel() === 0) return mul(sum(prodt), NaN);
    return div(neg(sum(prodt)), input.numel() / c);
  }
  const cd = checkNll(input, target, o.weight);
  checkTargets(target, c, o.ignoreIndex);
  if (ls === 0 && isFloating(input.dtype)) return fusedCrossEntropy(input, target, o.weight, o.ignoreIndex, reduction, cd);
  const logp = logSoftmaxDim(input, cd);
  const parts = nllParts(logp, target, o.weight, o.ignoreIndex, cd);
  const nll = reduceNll(parts, reduction);
  if (ls === 0) return nll;
  let smooth = neg(sum(parts.wview === null ? logp : mul(logp, parts.wview), cd));
  smooth = where(parts.valid, smooth, 0);
  let ret: Tensor;
  if (reduction === 'none') ret = smooth;
  else if (reduction === 'sum') ret = sum(smooth);
  else ret = div(sum(smooth), sum(parts.wt));
  return add(mul(nll, 1 - ls), mul(ret, ls / c));
}

/**
 * Cross entropy with class-index targets as one autograd node: the forward runs the log-softmax
 * kernel and gathers the targets; the backward is (softmax(x) - onehot(target)) * coef in three
 * passes (softmax kernel, scale, scatter-add) instead of differentiating log-softmax and gather
 * separately. The backward recomputes softmax from the saved input with tensor ops, so second
 * derivatives (createGraph) stay exact.
 */
/** t, or 1 where t is 0 (PyTorch's nll backward gives zero gradients when every target is ignored). */
function nonzero(t: Tensor): Tensor {
  return where(eq(t, 0), 1, t);
}

function fusedCrossEntropy(input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction, cd: number): Tensor {
  const { out, tsafe, coef } = noGrad(() => {
    const logp = logSoftmax(input, cd);
    const parts = nllParts(logp, target, weight, ignoreIndex, cd);
    const y = reduceNll(parts, reduction);
    logp.dispose();
    // d loss / d logp[target] per element: -wt (sum, none) or -wt / total weight (mean)
    return { out: y, tsafe: where(parts.valid, target, 0), coef: reduction === 'mean' ? div(parts.wt, nonzero(sum(parts.wt))) : parts.wt };
  });
  if (isGradEnabled() && input.requiresGrad) {
    record('CrossEntropyLoss', [input], out, [input, tsafe, coef], ([g], [sx, st, sc]) => {
      const k = unsqueeze(mul(g, sc), cd);
      return [scatterAdd(mul(softmax(sx, cd), k), cd, unsqueeze(st, cd), neg(k))];
    });
  }
  return out;
}

// ---- binary cross entropy ----

function bceElementwise(x: Tensor, t: Tensor, w: Tensor | null): Tensor {
  const l = noGrad(() => {
    const lx = clampMin(log(x), -100);
    const l1x = clampMin(log1p(neg(x)), -100);
    const e = sub(mul(sub(t, 1), l1x), mul(t, lx));
    return w === null ? e : mul(e, w);
  });
  if (isGradEnabled() && (x.requiresGrad || t.requiresGrad)) {
    record('BinaryCrossEntropy', [x, t], l, w === null ? [x, t] : [x, t, w], ([g], [sx, st, sw], needs) => {
      const gw = sw === undefined ? g : mul(g, sw);
      return [
        needs[0] ? div(mul(gw, sub(sx, st)), clampMin(mul(rsub(sx, 1), sx), 1e-12)) : null,
        needs[1] ? neg(mul(gw, unaryOp('logit', sx))) : null,
      ];
    });
  }
  return l;
}

/**
 * Binary cross entropy between probabilities `input` (in [0, 1]) and `target`; log terms are
 * clamped at -100 like PyTorch, so 0 and 1 give finite losses.
 *
 * @example
 * ```ts
 * F.binaryCrossEntropy(torch.sigmoid(logits), target);
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(binaryCrossEntropy, arguments)) return viaGpu('binaryCrossEntropy', binaryCrossEntropy, arguments) as never;
  checkTensor('binary_cross_entropy', input, 'input');
  checkTensor('binary_cross_entropy', target, 'target');
  const o = optArgs('binaryCrossEntropy', args, ['weight', ...LEGACY_NAMES], { weight: null as Tensor | null, ...LEGACY });
  const reduction = resolveReduction(o);
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(`Using a target size (${sizeStr(target.shape)}) that is different to the input size (${sizeStr(input.shape)}) is deprecated. Please ensure they have the same size.`);
  }
  if (!isFloating(input.dtype)) throw new TypeError(`"binary_cross_entropy" not implemented for '${SCALAR_NAME[input.dtype]}'`);
  if (!isFloating(target.dtype)) throw new TypeError(`Found dtype ${SCALAR_NAME[target.dtype]} but expected ${SCALAR_NAME[input.dtype]}`);
  const bad = noGrad(() => logicalNot(logicalAnd(unaryOp('clamp', input, 0, 1).eq(input), eq(input, input))));
  // a webgpu result cannot be read synchronously: the op falls back to the CPU as a whole
  if (bad.device !== 'cpu') {
    bad.dispose();
    throw new GpuNeedsCpu();
  }
  const anyBad = bad.numel() > 0 && (bad.dataSync() as Uint8Array).some((v) => v !== 0);
  bad.dispose();
  if (anyBad) throw new RangeError('all elements of input should be between 0 and 1');
  let w: Tensor | null = null;
  if (o.weight !== null) {
    broadcastShapes(o.weight.shape, input.shape);
    w = detach(o.weight);
  }
  return applyReduction(bceElementwise(input, target, w), reduction);
}

/**
 * Sigmoid + binary cross entropy in one numerically stable expression, with `weight` and
 * `posWeight` (weight of positive examples, broadcast along the last dim).
 *
 * @example
 * ```ts
 * F.binaryCrossEntropyWithLogits(logits, target, { posWeight: torch.tensor([3]) });
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(binaryCrossEntropyWithLogits, arguments)) return viaGpu('binaryCrossEntropyWithLogits', binaryCrossEntropyWithLogits, arguments) as never;
  checkTensor('binary_cross_entropy_with_logits', input, 'input');
  checkTensor('binary_cross_entropy_with_logits', target, 'target');
  const o = optArgs('binaryCrossEntropyWithLogits', args, ['weight', ...LEGACY_NAMES, 'posWeight'], { weight: null as Tensor | null, ...LEGACY, posWeight: null as Tensor | null });
  const reduction = resolveReduction(o);
  if (!sameShape(input.shape, target.shape)) throw new RangeError(`Target size (${sizeStr(target.shape)}) must be the same as input size (${sizeStr(input.shape)})`);
  // loss = (1 - t) x + lw * softplus(-x), lw = (pw - 1) t + 1
  const sp = softplus(neg(input));
  const lw = o.posWeight === null ? null : add(mul(sub(o.posWeight, 1), target), 1);
  let l = add(mul(rsub(target, 1), input), lw === null ? sp : mul(lw, sp));
  if (o.weight !== null) l = mul(l, o.weight);
  return applyReduction(l, reduction);
}

// ---- KL divergence ----

/**
 * KL divergence with `input` as log-probabilities: target * (log(target) - input) (or, with
 * `logTarget`, exp(target) * (target - input)). `reduction: 'batchmean'` divides the sum by the
 * batch size, which is the mathematically correct KL; `'mean'` averages over all elements.
 *
 * @example
 * ```ts
 * F.klDiv(F.logSoftmax(x, 1), p, { reduction: 'batchmean' });
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(klDiv, arguments)) return viaGpu('klDiv', klDiv, arguments) as never;
  checkTensor('kl_div', input, 'input');
  checkTensor('kl_div', target, 'target');
  const o = optArgs('klDiv', args, [...LEGACY_NAMES, 'logTarget'], { ...LEGACY, logTarget: false });
  const reduction = resolveReduction(o, ['batchmean']) as Reduction | 'batchmean';
  const l = o.logTarget ? mul(exp(target), sub(target, input)) : sub(unaryXlogy(target), mul(target, input));
  if (reduction === 'batchmean') {
    const s = sum(l);
    return input.ndim === 0 ? s : div(s, input.shape[0]);
  }
  return applyReduction(l, reduction);
}

/** xlogy(t, t): t * log(t), 0 where t == 0 (differentiable in t). */
function unaryXlogy(t: Tensor): Tensor {
  return where(eq(t, 0), 0, mul(t, log(t)));
}

// ---- embedding / ranking / margin losses ----

const EPSILON = 1e-12;

/**
 * 1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1.
 *
 * @example
 * ```ts
 * F.cosineEmbeddingLoss(a, b, torch.tensor([1, -1]));
 * ```
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(cosineEmbeddingLoss, arguments)) return viaGpu('cosineEmbeddingLoss', cosineEmbeddingLoss, arguments) as never;
  checkTensor('cosine_embedding_loss', input1, 'input1');
  checkTensor('cosine_embedding_loss', input2, 'input2');
  checkTensor('cosine_embedding_loss', target, 'target');
  const o = optArgs('cosineEmbeddingLoss', args, ['margin', ...LEGACY_NAMES], { margin: 0, ...LEGACY });
  const reduction = resolveReduction(o);
  const td = target.ndim;
  if (td !== 0 && td !== 1) throw new RangeError('0D or 1D target tensor expected, multi-target not supported');
  if (td === 1 && (input1.ndim !== 2 || input2.ndim !== 2)) {
    throw new RangeError(`1D target tensor expects 2D input tensors, but found inputs with sizes ${listStr(input1.shape)} and ${listStr(input2.shape)}.`);
  }
  if (td === 0 && (input1.ndim !== 1 || input2.ndim !== 1)) {
    throw new RangeError(`0D target tensor expects 1D input tensors, but found inputs with sizes ${listStr(input1.shape)} and ${listStr(input2.shape)}.`);
  }
  const prodSum = sum(mul(input1, input2), td);
  const m1 = add(sum(mul(input1, input1), td), EPSILON);
  const m2 = add(sum(mul(input2, input2), td), EPSILON);
  const cos = div(prodSum, sqrt(mul(m1, m2)));
  const pos = where(eq(target, 1), rsub(cos, 1), 0);
  const negp = where(eq(target, -1), clampMin(sub(cos, o.margin), 0), 0);
  return applyReduction(add(pos, negp), reduction);
}

/** max(0, -target * (x1 - x2) + margin). @example `F.marginRankingLoss(a, b, y, { margin: 0.5 })` */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(marginRankingLoss, arguments)) return viaGpu('marginRankingLoss', marginRankingLoss, arguments) as never;
  checkTensor('margin_ranking_loss', input1, 'input1');
  checkTensor('margin_ranking_loss', input2, 'input2');
  checkTensor('margin_ranking_loss', target, 'target');
  const o = optArgs('marginRankingLoss', args, ['margin', ...LEGACY_NAMES], { margin: 0, ...LEGACY });
  const reduction = resolveReduction(o);
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new RangeError(`margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${sizeStr(input1.shape)}, input2: ${sizeStr(input2.shape)}, target: ${sizeStr(target.shape)} `);
  }
  return applyReduction(clampMin(add(mul(neg(target), sub(input1, input2)), o.margin), 0), reduction);
}

/**
 * max(0, margin + d(a, p) - d(a, n)) with the pairwise p-norm distance; `swap` uses
 * min(d(a, n), d(p, n)) as the negative distance.
 *
 * @example
 * ```ts
 * F.tripletMarginLoss(anchor, positive, negative, { margin: 1, p: 2 });
 * ```
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(tripletMarginLoss, arguments)) return viaGpu('tripletMarginLoss', tripletMarginLoss, arguments) as never;
  checkTensor('triplet_margin_loss', anchor, 'anchor');
  checkTensor('triplet_margin_loss', positive, 'positive');
  checkTensor('triplet_margin_loss', negative, 'negative');
  const o = optArgs('tripletMarginLoss', args, ['margin', 'p', 'eps', 'swap', ...LEGACY_NAMES], { margin: 1, p: 2, eps: 1e-6, swap: false, ...LEGACY });
  const reduction = resolveReduction(o);
  const a = anchor.ndim;
  if (a !== positive.ndim || a !== negative.ndim) {
    throw new RangeError(`All inputs should have same dimension but got ${a}D, ${positive.ndim}D and ${negative.ndim}D inputs.`);
  }
  const dPos = pairwiseDistance(anchor, positive, o.p, o.eps);
  let dNeg = pairwiseDistance(anchor, negative, o.p, o.eps);
  if (o.swap) dNeg = minimum(dNeg, pairwiseDistance(positive, negative, o.p, o.eps));
  return applyReduction(clampMin(sub(add(dPos, o.margin), dNeg), 0), reduction);
}

/**
 * Triplet loss with a custom distance (default pairwiseDistance): max(0, margin + d(a, p) - d(a, n)).
 * All options are keyword-only, as in PyTorch.
 *
 * @example
 * ```ts
 * F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: (x, y) => F.cosineSimilarity(x, y).rsub(1) });
 * ```
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: {
  distanceFunction?: ((x: Tensor, y: Tensor) => Tensor) | null; margin?: number; swap?: boolean; reduction?: string;
} = {}): Tensor {
  if (gpuArgs(tripletMarginWithDistanceLoss, arguments)) return viaGpu('tripletMarginWithDistanceLoss', tripletMarginWithDistanceLoss, arguments) as never;
  checkTensor('triplet_margin_with_distance_loss', anchor, 'anchor');
  checkTensor('triplet_margin_with_distance_loss', positive, 'positive');
  checkTensor('triplet_margin_with_distance_loss', negative, 'negative');
  const o = optArgs('tripletMarginWithDistanceLoss', [opts], [], { distanceFunction: null as ((x: Tensor, y: Tensor) => Tensor) | null, margin: 1, swap: false, reduction: 'mean' as string });
  const reduction = resolveReduction(o);
  if (!(o.margin > 0)) throw new RangeError(`TripletMarginWithDistanceLoss: expected margin to be greater than 0, got ${o.margin} instead`);
  const a = anchor.ndim;
  if (a !== positive.ndim || a !== negative.ndim) {
    throw new RangeError(`The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${a}D, positive ${positive.ndim}D, and negative ${negative.ndim}D inputs`);
  }
  const dist = o.distanceFunction ?? ((x: Tensor, y: Tensor) => pairwiseDistance(x, y));
  const dPos = dist(anchor, positive);
  let dNeg = dist(anchor, negative);
  if (o.swap) dNeg = minimum(dNeg, dist(positive, negative));
  return applyReduction(clampMin(sub(add(dPos, o.margin), dNeg), 0), reduction);
}

/**
 * Multi-label one-versus-all logistic loss: the mean over classes of binary cross entropy with
 * logits, per sample.
 *
 * @example
 * ```ts
 * F.multilabelSoftMarginLoss(logits, torch.tensor([[1, 0, 1]], { dtype: 'float32' }));
 * ```
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(multilabelSoftMarginLoss, arguments)) return viaGpu('multilabelSoftMarginLoss', multilabelSoftMarginLoss, arguments) as never;
  checkTensor('multilabel_soft_margin_loss', input, 'input');
  checkTensor('multilabel_soft_margin_loss', target, 'target');
  const o = optArgs('multilabelSoftMarginLoss', args, ['weight', ...LEGACY_NAMES], { weight: null as Tensor | null, ...LEGACY });
  const reduction = resolveReduction(o);
  if (input.ndim < 1) throw new RangeError('multilabel_soft_margin_loss expects an input of at least 1 dimension');
  let l = neg(add(mul(target, unaryOp('logsigmoid', input)), mul(rsub(target, 1), unaryOp('logsigmoid', neg(input)))));
  if (o.weight !== null) l = mul(l, o.weight);
  const cd = input.ndim - 1;
  l = div(sum(l, cd), input.shape[cd]);
  return applyReduction(l, reduction);
}

/**
 * Multi-class multi-label hinge loss: for each sample, the targets are the leading non-negative
 * entries of its target row (the list ends at the first -1); the loss sums
 * max(0, 1 - (x[j] - x[k])) over target classes j and non-target classes k, divided by C.
 *
 * @example
 * ```ts
 * F.multilabelMarginLoss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([[3, 0, -1, 1]])); // 0.85
 * ```
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(multilabelMarginLoss, arguments)) return viaGpu('multilabelMarginLoss', multilabelMarginLoss, arguments) as never;
  checkTensor('multilabel_margin_loss', input, 'input');
  checkTensor('multilabel_margin_loss', target, 'target');
  const o = optArgs('multilabelMarginLoss', args, LEGACY_NAMES, { ...LEGACY });
  const reduction = resolveReduction(o);
  if (input.ndim > 2 || !sameShape(input.shape, target.shape)) {
    throw new RangeError(`inconsistent target size: ${listStr(target.shape)} for input of size: ${listStr(input.shape)}`);
  }
  if (target.dtype !== 'int64') throw new TypeError(`expected scalar type Long but found ${SCALAR_NAME[target.dtype]}`);
  const x = input.ndim === 2 ? input : reshape(input, [1, input.numel()]);
  const [n, c] = x.shape;
  const td = target.dataSync() as BigInt64Array;
  const isT = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      const t = td[i * c + j];
      if (t < 0n) break;
      if (t >= BigInt(c)) throw new RangeError(`target index ${t} out of range for ${c} classes`);
      isT[i * c + Number(t)] = 1;
    }
  }
  const mT = fromValues(isT, [n, c], floatOf(x));
  // pairs (j target, k non-target): max(0, 1 - x_j + x_k)
  const hinge = clampMin(add(rsub(unsqueeze(x, 2), 1), unsqueeze(x, 1)), 0);
  const pairMask = mul(unsqueeze(mT, 2), unsqueeze(rsub(mT, 1), 1));
  let l = div(sum(mul(hinge, pairMask), [1, 2]), c);
  if (input.ndim < 2) l = reshape(l, []);
  return applyReduction(l, reduction);
}

/** x for target 1, max(0, margin - x) for target -1. @example `F.hingeEmbeddingLoss(x, y)` */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(hingeEmbeddingLoss, arguments)) return viaGpu('hingeEmbeddingLoss', hingeEmbeddingLoss, arguments) as never;
  checkTensor('hinge_embedding_loss', input, 'input');
  checkTensor('hinge_embedding_loss', target, 'target');
  const o = optArgs('hingeEmbeddingLoss', args, ['margin', ...LEGACY_NAMES], { margin: 1, ...LEGACY });
  const reduction = resolveReduction(o);
  const marginPart = where(ne(target, 1), clampMin(rsub(input, o.margin), 0), 0);
  const selfPart = where(ne(target, -1), input, 0);
  return applyReduction(add(marginPart, selfPart), reduction);
}

/** log(1 + exp(-target * input)) (two-class logistic loss). @example `F.softMarginLoss(x, y)` */
export function softMarginLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(softMarginLoss, arguments)) return viaGpu('softMarginLoss', softMarginLoss, arguments) as never;
  checkTensor('soft_margin_loss', input, 'input');
  checkTensor('soft_margin_loss', target, 'target');
  const o = optArgs('softMarginLoss', args, LEGACY_NAMES, { ...LEGACY });
  return applyReduction(softplus(neg(mul(input, target))), resolveReduction(o));
}

/**
 * Multi-class hinge loss: sum over j != y of max(0, margin - x[y] + x[j])^p / C (p = 1 or 2),
 * scaled by weight[y].
 *
 * @example
 * ```ts
 * F.multiMarginLoss(scores, torch.tensor([3, 0]));
 * ```
 */
export function multiMarginLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(multiMarginLoss, arguments)) return viaGpu('multiMarginLoss', multiMarginLoss, arguments) as never;
  checkTensor('multi_margin_loss', input, 'input');
  checkTensor('multi_margin_loss', target, 'target');
  const o = optArgs('multiMarginLoss', args, ['p', 'margin', 'weight', ...LEGACY_NAMES], { p: 1, margin: 1, weight: null as Tensor | null, ...LEGACY });
  const reduction = resolveReduction(o);
  if (o.p !== 1 && o.p !== 2) throw new RangeError('only p == 1 and p == 2 supported');
  if (input.ndim > 2) throw new RangeError(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${listStr(input.shape)}`);
  const x = input.ndim === 0 ? reshape(input, [1]) : input;
  const batched = x.ndim === 2;
  const c = x.shape[x.ndim - 1];
  const n = batched ? x.shape[0] : 1;
  if (target.numel() !== n || target.ndim > 1) throw new RangeError(`inconsistent target size, expected ${n} but got ${listStr(target.shape)}`);
  if (target.dtype !== 'int64') throw new TypeError(`expected scalar type Long but found ${SCALAR_NAME[target.dtype]}`);
  const td = target.dataSync() as BigInt64Array;
  for (const t of td) if (t < 0n || t >= BigInt(c)) throw new RangeError('target out of range');
  if (o.weight !== null && (o.weight.ndim !== 1 || o.weight.numel() !== c)) throw new RangeError(`inconsistent weight size, expected ${c} but got ${listStr(o.weight.shape)}`);
  const x2 = batched ? x : reshape(x, [1, c]);
  const t2 = reshape(target, [n, 1]);
  const onehot = eq(t2, reshape(arange(c, { dtype: 'int64' }), [1, c]));
  const xy = sum(where(onehot, x2, 0), 1, true);
  let z = clampMin(add(sub(x2, xy), o.margin), 0);
  if (o.p === 2) z = square(z);
  if (o.weight !== null) z = mul(z, sum(where(onehot, reshape(detach(o.weight), [1, c]), 0), 1, true));
  let l = div(sum(where(onehot, 0, z), 1), c);
  if (!batched) l = reshape(l, target.ndim === 0 ? [] : [1]);
  return applyReduction(l, reduction);
}

/**
 * Poisson negative log-likelihood: exp(input) - target * input (logInput), or
 * input - target * log(input + eps); `full` adds the Stirling term for target > 1.
 *
 * @example
 * ```ts
 * F.poissonNllLoss(logRate, counts);
 * ```
 */
export function poissonNllLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(poissonNllLoss, arguments)) return viaGpu('poissonNllLoss', poissonNllLoss, arguments) as never;
  checkTensor('poisson_nll_loss', input, 'input');
  checkTensor('poisson_nll_loss', target, 'target');
  const o = optArgs('poissonNllLoss', args, ['logInput', 'full', 'sizeAverage', 'eps', 'reduce', 'reduction'], {
    logInput: true, full: false, sizeAverage: null as boolean | null, eps: 1e-8, reduce: null as boolean | null, reduction: 'mean' as string,
  });
  const reduction = resolveReduction(o);
  let l = o.logInput ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, o.eps))));
  if (o.full) {
    const tsafe = where(gt(target, 1), target, 1);
    const stirling = add(sub(mul(tsafe, log(tsafe)), tsafe), mul(log(mul(tsafe, 2 * Math.PI)), 0.5));
    l = add(l, where(gt(target, 1), detach(stirling), 0));
  }
  return applyReduction(l, reduction);
}

/**
 * Gaussian negative log-likelihood 0.5 (log(var) + (input - target)^2 / var) with var clamped
 * to eps (the clamp passes gradients through, as in PyTorch); `full` adds 0.5 log(2 pi).
 *
 * @example
 * ```ts
 * F.gaussianNllLoss(mu, y, variance);
 * ```
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(gaussianNllLoss, arguments)) return viaGpu('gaussianNllLoss', gaussianNllLoss, arguments) as never;
  checkTensor('gaussian_nll_loss', input, 'input');
  checkTensor('gaussian_nll_loss', target, 'target');
  checkTensor('gaussian_nll_loss', variance, 'var');
  const o = optArgs('gaussianNllLoss', args, ['full', 'eps', 'reduction'], { full: false, eps: 1e-6, reduction: 'mean' as string });
  let v = variance;
  if (!sameShape(v.shape, input.shape)) {
    if (sameShape(input.shape.slice(0, -1), v.shape)) v = unsqueeze(v, -1);
    else if (!(sameShape(input.shape.slice(0, -1), v.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1)) throw new RangeError('var is of incorrect size');
  }
  if (o.reduction !== 'none' && o.reduction !== 'mean' && o.reduction !== 'sum') throw new RangeError(`${o.reduction} is not valid`);
  const negs = noGrad(() => lt(v, 0));
  const anyNeg = (negs.dataSync() as Uint8Array).some((x) => x !== 0);
  negs.dispose();
  if (anyNeg) throw new RangeError('var has negative entry/entries');
  const vd = detach(v);
  const vc = add(v, sub(clampMin(vd, o.eps), vd));
  let l = mul(add(log(vc), div(square(sub(input, target)), vc)), 0.5);
  if (o.full) l = add(l, 0.5 * Math.log(2 * Math.PI));
  return applyReduction(l, o.reduction as Reduction);
}

// ---- distances ----

/** p-norm of x over `dim` with PyTorch's subgradient at 0 (zero gradient where the norm is 0). */
function vectorNorm(x: Tensor, p: number, dim: number, keepdim: boolean): Tensor {
  if (p === Infinity) return amax(abs(x), dim, keepdim);
  if (p === -Infinity) return unaryNegInfNorm(x, dim, keepdim);
  if (p === 0) return sum(maskAs(ne(x, 0), floatOf(x)), dim, keepdim);
  if (p === 1) return sum(abs(x), dim, keepdim);
  const y = noGrad(() => (p === 2 ? sqrt(sum(square(x), dim, true)) : pow(sum(pow(abs(x), p), dim, true), 1 / p)));
  const out = keepdim ? y : reshape(y, y.shape.filter((_, i) => i !== normDim(dim, x.ndim)));
  if (isGradEnabled() && x.requiresGrad) {
    record('LinalgVectorNorm', [x], out, [x, y], ([g], [sx, sy]) => {
      const gk = keepdim ? g : unsqueeze(g, dim);
      const safe = where(eq(sy, 0), 1, sy);
      let r: Tensor;
      if (p === 2) r = div(mul(gk, sx), safe);
      else r = div(mul(gk, mul(sign(sx), pow(abs(sx), p - 1))), pow(safe, p - 1));
      return [where(eq(sy, 0), 0, r)];
    });
  }
  return out;
}

function unaryNegInfNorm(x: Tensor, dim: number, keepdim: boolean): Tensor {
  return neg(amax(neg(abs(x)), dim, keepdim));
}

/**
 * p-norm distance between rows of x1 and x2 over the last dim: ||x1 - x2 + eps||_p.
 *
 * @example
 * ```ts
 * F.pairwiseDistance(a, b);          // p = 2, eps = 1e-6
 * F.pairwiseDistance(a, b, { p: 1, keepdim: true });
 * ```
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(pairwiseDistance, arguments)) return viaGpu('pairwiseDistance', pairwiseDistance, arguments) as never;
  checkTensor('pairwise_distance', x1, 'x1');
  checkTensor('pairwise_distance', x2, 'x2');
  const o = optArgs('pairwiseDistance', args, ['p', 'eps', 'keepdim'], { p: 2, eps: 1e-6, keepdim: false });
  const outDim = Math.max(x1.ndim, x2.ndim);
  const d = add(sub(x1, x2), o.eps);
  if (outDim === 0) return vectorNorm(reshape(d, [1]), o.p, 0, o.keepdim ? true : false).reshape(o.keepdim ? [1] : []);
  return vectorNorm(d, o.p, outDim - 1, o.keepdim);
}

/**
 * Cosine similarity along `dim` (default 1) after broadcasting: x1 . x2 / (max(||x1||, eps) max(||x2||, eps)).
 *
 * @example
 * ```ts
 * F.cosineSimilarity(a, b, 1);
 * F.cosineSimilarity(a, b, { dim: -1, eps: 1e-8 });
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(cosineSimilarity, arguments)) return viaGpu('cosineSimilarity', cosineSimilarity, arguments) as never;
  checkTensor('cosine_similarity', x1, 'x1');
  checkTensor('cosine_similarity', x2, 'x2');
  const o = optArgs('cosineSimilarity', args, ['dim', 'eps'], { dim: 1, eps: 1e-8 });
  const shape = broadcastShapes(x1.shape, x2.shape);
  const a = sameShape(x1.shape, shape) ? x1 : expand(x1, shape);
  const b = sameShape(x2.shape, shape) ? x2 : expand(x2, shape);
  const d = normDim(o.dim, shape.length);
  const w12 = sum(mul(a, b), d);
  const n1 = clampMin(vectorNorm(a, 2, d, false), o.eps);
  const n2 = clampMin(vectorNorm(b, 2, d, false), o.eps);
  return div(w12, mul(n1, n2));
}

/**
 * Distances between all pairs of rows of a 2-D input: the upper triangle (i < j) of the distance
 * matrix, flattened row by row.
 *
 * @example
 * ```ts
 * F.pdist(torch.randn(4, 3)).shape; // [6]
 * ```
 */
export function pdist(input: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(pdist, arguments)) return viaGpu('pdist', pdist, arguments) as never;
  checkTensor('pdist', input, 'input');
  const { p } = optArgs('pdist', args, ['p'], { p: 2 });
  if (input.ndim !== 2) throw new RangeError(`pdist only supports 2D tensors, got: ${input.ndim}D`);
  if (!(p >= 0)) throw new RangeError('pdist only supports non-negative p values');
  const n = input.shape[0];
  const ii: number[] = [];
  const jj: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    ii.push(i);
    jj.push(j);
  }
  const m = ii.length;
  const xi = indexSelect(input, 0, fromValues(ii, [m], 'int64'));
  const xj = indexSelect(input, 0, fromValues(jj, [m], 'int64'));
  return vectorNorm(sub(xi, xj), p, 1, false);
}

export { vectorNorm as _vectorNorm };
