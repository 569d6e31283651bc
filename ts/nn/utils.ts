/**
 * torch.nn.utils: gradient clipping (clipGradNorm_, clipGradValue_) and flattening parameters to
 * one vector and back (parametersToVector, vectorToParameters). All work without autograd.
 */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { copyInto } from '../ops/launch.js';
import { scalarTensor } from '../ops/creation.js';
import { optArgs } from '../ops/args.js';
import { stack } from '../ops/movement.js';

function toList(params: Tensor | Iterable<Tensor>): Tensor[] {
  return params instanceof Tensor ? [params] : [...params];
}

/**
 * Scales the gradients so that their joint norm is at most maxNorm; returns the total norm
 * (before clipping) as a 0-d tensor.
 *
 * @example
 * ```ts
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, ...opt: unknown[]): Tensor {
  const o = optArgs('clipGradNorm_', opt, ['normType', 'errorIfNonfinite'], { normType: 2 as number, errorIfNonfinite: false });
  const grads = toList(parameters).map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return scalarTensor(0, 'float32');
  const p = Number(o.normType);
  if (grads.some((g) => g.device === 'webgpu')) return clipGpu(grads, maxNorm, p, o.errorIfNonfinite);
  return noGrad(() => {
    let total: number;
    if (p === Infinity) {
      total = 0;
      for (const g of grads) {
        const m = g.abs().amax();
        total = Math.max(total, m.item() as number);
        m.dispose();
      }
    } else {
      let acc = 0;
      for (const g of grads) {
        const s = p === 2 ? g.mul(g).sum() : g.abs().pow(p).sum();
        acc += s.item() as number;
        s.dispose();
      }
      total = p === 2 ? Math.sqrt(acc) : acc ** (1 / p);
    }
    const totalT = scalarTensor(total, 'float32');
    if (o.errorIfNonfinite && !Number.isFinite(total)) {
      throw new Error(`The total norm of order ${p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
    }
    const coef = Math.min(maxNorm / (Math.fround(total) + 1e-6), 1);
    for (const g of grads) g.mul_(coef);
    return totalT;
  });
}

/**
 * clipGradNorm_ for webgpu gradients, without reading values back (WebGPU reads are asynchronous):
 * the norm and the clip coefficient stay 0-d tensors on the GPU, as in PyTorch's CUDA path.
 */
function clipGpu(grads: Tensor[], maxNorm: number, p: number, errorIfNonfinite: boolean): Tensor {
  if (errorIfNonfinite) {
    throw new Error('clipGradNorm_(): errorIfNonfinite needs the total norm synchronously, which WebGPU can only read asynchronously; check the returned norm with (await norm.data())[0] instead');
  }
  return noGrad(() => {
    const dev = grads.find((g) => g.device === 'webgpu')!.device;
    const parts = grads.map((g) => {
      const f = g.device === dev ? g : g.to(dev);
      const r = p === Infinity ? f.abs().amax() : p === 2 ? f.mul(f).sum() : f.abs().pow(p).sum();
      if (f !== g) f.dispose();
      if (r.dtype === 'float32') return r;
      const r32 = r.to('float32');
      r.dispose();
      return r32;
    });
    const stacked = stack(parts);
    for (const t of parts) t.dispose();
    const total = p === Infinity ? stacked.amax() : p === 2 ? stacked.sum().sqrt() : stacked.sum().pow(1 / p);
    stacked.dispose();
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    for (const g of grads) g.mul_(g.device === dev ? coef : coef.to(g.device));
    coef.dispose();
    return total;
  });
}

/**
 * Clamps every gradient to [-clipValue, clipValue] in place.
 *
 * @example
 * ```ts
 * nn.utils.clipGradValue_(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const p of toList(parameters)) if (p.grad) p.grad.clamp_(-clipValue, clipValue);
  });
}

/**
 * All parameters flattened and concatenated into one 1-D tensor (a copy).
 *
 * @example
 * ```ts
 * const v = nn.utils.parametersToVector(model.parameters());
 * ```
 */
export function parametersToVector(parameters: Tensor | Iterable<Tensor>): Tensor {
  const ps = toList(parameters);
  const n = ps.reduce((a, p) => a + p.numel(), 0);
  const dtype = ps.length ? ps[0].dtype : 'float32';
  const out = Tensor._empty([n], dtype, ps.length ? ps[0].device : 'cpu');
  let off = 0;
  for (const p of ps) {
    if (p.dtype !== dtype) throw new TypeError(`parametersToVector(): all parameters must have one dtype, but got ${dtype} and ${p.dtype}`);
    const k = p.numel();
    const dst = out.narrow(0, off, k).view(p.shape);
    copyInto(dst, p);
    dst.dispose();
    off += k;
  }
  return out;
}

/**
 * Copies slices of a 1-D vector into the parameters (the inverse of parametersToVector).
 *
 * @example
 * ```ts
 * nn.utils.vectorToParameters(v, model.parameters());
 * ```
 */
export function vectorToParameters(vec: Tensor, parameters: Tensor | Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typeof vec}`);
  if (vec.ndim !== 1) throw new RangeError(`vectorToParameters(): expected a 1-D vector, but got shape [${vec.shape.join(', ')}]`);
  const ps = toList(parameters);
  const n = ps.reduce((a, p) => a + p.numel(), 0);
  if (n !== vec.numel()) throw new RangeError(`vectorToParameters(): the vector has ${vec.numel()} elements but the parameters have ${n}`);
  let off = 0;
  noGrad(() => {
    for (const p of ps) {
      const k = p.numel();
      const src = vec.narrow(0, off, k).reshape(p.shape);
      copyInto(p, src);
      src.dispose();
      off += k;
    }
  });
}
