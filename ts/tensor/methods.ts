/**
 * Attaches op implementations to Tensor.prototype. Each file in ts/ops/ declares its methods on the
 * Tensor interface (module augmentation) and installs them here, so that an op's functional form,
 * method and gradient stay in one file. Every method gets the webgpu routing guard here (see
 * ts/backend/webgpu/dispatch.ts): a call on or with a webgpu tensor runs its GPU path or falls
 * back to the CPU for that op.
 */
import { Tensor } from './tensor.js';
import { gpuCall, viaGpu } from '../backend/webgpu/dispatch.js';

export function defineMethods(methods: Record<string, (this: Tensor, ...args: never[]) => unknown>): void {
  for (const [name, fn] of Object.entries(methods)) {
    const impl = fn as (this: Tensor, ...args: unknown[]) => unknown;
    const value = function (this: Tensor, ...args: unknown[]): unknown {
      if (gpuCall(this, args)) return viaGpu(name, impl, args, this, false);
      return impl.apply(this, args);
    };
    Object.defineProperty(value, 'name', { value: name });
    Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
