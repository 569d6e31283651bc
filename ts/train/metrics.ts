/** Metrics for training loops: classification accuracy from logits or probabilities. */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { scope } from '../tensor/scope.js';

/**
 * Fraction of rows whose argmax matches the target class.
 *
 * @example
 * ```ts
 * torch.train.accuracy(logits, labels); // 0.97
 * ```
 */
export function accuracy(logits: Tensor, target: Tensor): number {
  if (logits.ndim !== 2) throw new RangeError(`accuracy expects logits of shape [N, C], but got [${logits.shape.join(', ')}]`);
  if (target.ndim !== 1 || target.shape[0] !== logits.shape[0]) {
    throw new RangeError(`accuracy expects targets of shape [${logits.shape[0]}], but got [${target.shape.join(', ')}]`);
  }
  if (logits.device === 'webgpu' || target.device === 'webgpu') {
    throw new Error('accuracy() returns a number, which needs the values of webgpu tensors synchronously (WebGPU reads are asynchronous): return logits.argmax(1).eq(target).float().mean() instead (the Trainer reads tensor metrics asynchronously), or pass CPU tensors');
  }
  if (logits.shape[0] === 0) return NaN;
  return noGrad(() => scope(() => (logits.argmax(1).eq(target).sum().item() as number) / logits.shape[0]));
}
