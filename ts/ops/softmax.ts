/**
 * softmax, logSoftmax and softmin along one dim, as fused wasm kernels (simd/softmax.ts: max pass,
 * exp+sum pass with the vectorised exp, scale pass) over any dim of a contiguous tensor without a
 * transpose, with their gradients (softmax: y * (g - sum(g * y)); logSoftmax: g - exp(y) * sum(g)) as
 * one fused kernel, or in tensor ops when the backward is itself recorded (double backward).
 */
import { kernels, requireKernels } from '../backend/wasm.js';
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { Tensor, normDim, shapeNumel } from '../tensor/tensor.js';
import { defineMethods } from '../tensor/methods.js';
import { isOptions, optArgs } from './args.js';
import { toOut } from './launch.js';
import { exp, mul, neg, sub } from './pointwise.js';
import { sum } from './reduce.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuSoftmax, gpuSoftmaxBackward } from '../backend/webgpu/softmax.js';

declare module '../backend/wasm.js' {
  interface KernelExports {
    softmax(log: number, x: number, o: number, outer: number, k: number, inner: number): void;
    softmax_backward(log: number, y: number, g: number, o: number, outer: number, k: number, inner: number): void;
  }
}
requireKernels('softmax', 'softmax_backward');

const NAMES: Record<string, string> = { float16: 'Half', int32: 'Int', int64: 'Long', int8: 'Char', uint8: 'Byte', bool: 'Bool' };

function parse(fn: string, x: Tensor, dim: unknown, args: unknown[]): { d: number; dtype: DType | null } {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument 'input' must be Tensor, not ${typeof x}`);
  let dimv = dim;
  let rest = args;
  if (isOptions(dim)) {
    const { dim: dd, ...others } = dim as Record<string, unknown>;
    dimv = dd;
    rest = [others, ...args];
    if (args.length) throw new TypeError(`${fn}(): options object must be the last argument`);
  }
  if (dimv === undefined || dimv === null) throw new TypeError(`${fn}() missing required argument 'dim' (int): implicit dim choice is deprecated in PyTorch, pass it explicitly`);
  if (typeof dimv !== 'number' || !Number.isInteger(dimv)) throw new TypeError(`${fn}(): argument 'dim' must be int, but got ${typeof dimv}`);
  const o = optArgs(fn, rest, ['dtype'], { dtype: null as DType | null });
  return { d: normDim(dimv, x.ndim), dtype: o.dtype };
}

/** @internal Forward kernel (no autograd): softmax / log-softmax of x along d, in x's dtype. */
export function softmaxRaw(x: Tensor, d: number, log: boolean): Tensor {
  if (gpuArgs(softmaxRaw, arguments)) return viaGpu('softmaxRaw', softmaxRaw, arguments) as never;
  if (x.device === 'webgpu') {
    const gy = gpuSoftmax(x, d, log);
    if (gy) return toOut(gy, x.dtype);
  }
  const out = Tensor._empty(x.shape, 'float32');
  if (out.numel() > 0) {
    const src = x.isContiguous() && x.dtype === 'float32' ? x : x._copyTo('float32');
    const [outer, k, inner] = blocks(x, d);
    kernels.softmax(log ? 1 : 0, src._ptr(), out._ptr(), outer, k, inner);
    if (src !== x) src.dispose();
  }
  return toOut(out, x.dtype);
}

function blocks(x: Tensor, d: number): [number, number, number] {
  if (x.ndim === 0) return [1, 1, 1];
  return [shapeNumel(x.shape.slice(0, d)), x.shape[d], shapeNumel(x.shape.slice(d + 1))];
}

/** @internal Fused input gradient (no autograd) from the forward output y and output gradient g. */
export function softmaxBackwardRaw(y: Tensor, g: Tensor, d: number, log: boolean): Tensor {
  if (gpuArgs(softmaxBackwardRaw, arguments)) return viaGpu('softmaxBackwardRaw', softmaxBackwardRaw, arguments) as never;
  if (y.device === 'webgpu' && g.device === 'webgpu') {
    const gx = gpuSoftmaxBackward(y, g, d, log);
    if (gx) return toOut(gx, g.dtype);
  }
  const out = Tensor._empty(y.shape, 'float32');
  if (out.numel() > 0) {
    const ys = y.isContiguous() && y.dtype === 'float32' ? y : y._copyTo('float32');
    const gs = g.isContiguous() && g.dtype === 'float32' ? g : g._copyTo('float32');
    const [outer, k, inner] = blocks(y, d);
    kernels.softmax_backward(log ? 1 : 0, ys._ptr(), gs._ptr(), out._ptr(), outer, k, inner);
    if (ys !== y) ys.dispose();
    if (gs !== g) gs.dispose();
  }
  return toOut(out, g.dtype);
}

function run(fn: 'softmax' | 'log_softmax', x0: Tensor, dim: unknown, args: unknown[], negate = false): Tensor {
  const { d, dtype } = parse(fn, x0, dim, args);
  let x = dtype ? x0.to(dtype) : x0;
  if (!isFloating(x.dtype)) throw new TypeError(`"${fn}_lastdim_kernel_impl" not implemented for '${NAMES[x.dtype] ?? x.dtype}'`);
  if (negate) x = neg(x);
  const log = fn === 'log_softmax';
  const y = softmaxRaw(x, d, log);
  record(log ? 'LogSoftmax' : 'Softmax', [x], y, [y], ([g], [sy]) => {
    // one fused kernel unless the backward itself is being recorded (createGraph)
    if (!isGradEnabled() && isFloating(g.dtype)) return [softmaxBackwardRaw(sy, g, d, log)];
    if (log) return [sub(g, mul(exp(sy), sum(g, d, true)))];
    return [mul(sy, sub(g, sum(mul(g, sy), d, true)))];
  }, { dim: d });
  return y;
}

/**
 * Softmax along `dim` (required, as in PyTorch's functional form): exp(x) / sum(exp(x)), computed
 * stably. `dtype` casts the input first.
 *
 * @example
 * ```ts
 * torch.softmax(logits, -1);
 * x.softmax(1);
 * F.softmax(x, { dim: 0, dtype: 'float32' });
 * ```
 */
export function softmax(x: Tensor, dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor {
  if (gpuArgs(softmax, arguments)) return viaGpu('softmax', softmax, arguments) as never;
  return run('softmax', x, dim, args);
}

/** log(softmax(x)) along `dim`, computed as x - max - log(sum(exp(x - max))). */
export function logSoftmax(x: Tensor, dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor {
  if (gpuArgs(logSoftmax, arguments)) return viaGpu('logSoftmax', logSoftmax, arguments) as never;
  return run('log_softmax', x, dim, args);
}

/** softmax(-x) along `dim`. */
export function softmin(x: Tensor, dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor {
  if (gpuArgs(softmin, arguments)) return viaGpu('softmin', softmin, arguments) as never;
  return run('softmax', x, dim, args, true);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    softmax(dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor;
    logSoftmax(dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor;
    softmin(dim: number | { dim: number; dtype?: DType }, ...args: unknown[]): Tensor;
  }
}

defineMethods({
  softmax(this: Tensor, d: number | { dim: number }, ...a: unknown[]) { return softmax(this, d, ...a); },
  logSoftmax(this: Tensor, d: number | { dim: number }, ...a: unknown[]) { return logSoftmax(this, d, ...a); },
  softmin(this: Tensor, d: number | { dim: number }, ...a: unknown[]) { return softmin(this, d, ...a); },
});
