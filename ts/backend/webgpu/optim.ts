/**
 * WebGPU launchers of the fused optimizer updates (gpu-bridge/optim.wgsl): SGD, Adam/AdamW,
 * RMSprop and Adagrad, the GPU twins of the wasm kernels in simd/optim.ts with the same arguments
 * (tensors instead of pointers). The optimizers (ts/optim/*.ts) call them for parameters on
 * 'webgpu'. Parameter and gradient are float32 webgpu tensors, contiguous from their offset (the
 * optimizers pass contiguous float32 work copies otherwise); state tensors are float32 webgpu
 * tensors shaped like the parameter, contiguous from their offset. Unused state slots are bound to
 * small dummy buffers. Each launcher returns false when it cannot run the update (a tensor not on
 * the GPU, not contiguous float32, or too large for 32-bit indexing).
 */
import { launch } from './device.js';
import { WGSL } from './shaders.generated.js';
import { GpuStorage } from './storage.js';
import { Params, fits32, groups1d } from './elementwise.js';
import { Tensor } from '../../tensor/tensor.js';
import { keep } from '../../tensor/scope.js';

const ALGO = { sgd: 0, adam: 1, rmsprop: 2, adagrad: 3 } as const;

/** Dummy state buffers for unused slots (one per slot: writable bindings must not alias). */
let dummies: Tensor[] = [];

function dummy(slot: number): Tensor {
  let d = dummies[slot];
  const s = d?._storage as GpuStorage | undefined;
  if (!d || d._disposed || !s || s.lost || s.freed) {
    d = keep(Tensor._empty([1], 'float32', 'webgpu'));
    dummies[slot] = d;
  }
  return d;
}

function usable(t: Tensor, n: number): boolean {
  return t.device === 'webgpu' && t.dtype === 'float32' && t.isContiguous() && t.numel() === n && fits32(t);
}

function run(algo: keyof typeof ALGO, p: Tensor, g: Tensor, states: (Tensor | null)[], flags: number, h: number[]): boolean {
  const n = p.numel();
  if (!usable(p, n) || !usable(g, n)) return false;
  const st = [0, 1, 2].map((i) => states[i] ?? null);
  for (const s of st) if (s && !usable(s, n)) return false;
  // the grad is bound read-only next to the writable param: it must not share its buffer
  if (g._storage === p._storage || st.some((s) => s && (s._storage === p._storage || s._storage === g._storage))) return false;
  if (n === 0) return true;
  const bound = st.map((s, i) => s ?? dummy(i));
  const prm = new Params(64)
    .u32(n).u32(p._offset).u32(g._offset).u32(flags)
    .u32(st[0]?._offset ?? 0).u32(st[1]?._offset ?? 0).u32(st[2]?._offset ?? 0).u32(0);
  for (let i = 0; i < 8; i++) prm.f32(h[i] ?? 0);
  launch({ key: `optim:${algo}`, code: WGSL.optim, constants: { ALGO: ALGO[algo] } }, [g, ...bound, p], prm.buffer, groups1d(n), 4);
  return true;
}

/**
 * SGD on the GPU (simd/optim.ts sgd_step). flags: 1 maximize, 2 nesterov, 4 momentum buffer in
 * use, 8 first step (buffer := d).
 *
 * @example
 * ```ts
 * gpuSgdStep(p, p.grad, buf, 0.1, 0.9, 0, 0, 4); // p, buf updated in place
 * ```
 */
export function gpuSgdStep(p: Tensor, g: Tensor, buf: Tensor | null, lr: number, momentum: number, dampening: number, wd: number, flags: number): boolean {
  return run('sgd', p, g, [buf], flags, [lr, momentum, dampening, wd]);
}

/**
 * Adam / AdamW on the GPU (simd/optim.ts adam_step). flags: 1 maximize, 2 amsgrad, 4 decoupled
 * weight decay. pmul = 1 - lr*wd (AdamW) or 1; wd the L2 term of Adam (0 for AdamW);
 * negStep = -lr / (1 - beta1^t); bc2s = sqrt(1 - beta2^t).
 *
 * @example
 * ```ts
 * gpuAdamStep(p, p.grad, m, v, null, 0.9, 0.999, 1e-8, 0, 1, -lr / (1 - 0.9 ** t), Math.sqrt(1 - 0.999 ** t), 0);
 * ```
 */
export function gpuAdamStep(
  p: Tensor, g: Tensor, m: Tensor, v: Tensor, vmax: Tensor | null, beta1: number, beta2: number, eps: number,
  wd: number, pmul: number, negStep: number, bc2s: number, flags: number,
): boolean {
  if ((flags & 2) !== 0 && !vmax) return false;
  return run('adam', p, g, [m, v, vmax], flags, [beta1, beta2, eps, wd, pmul, negStep, bc2s]);
}

/**
 * RMSprop on the GPU (simd/optim.ts rmsprop_step). flags: 1 maximize, 2 centered, 4 momentum > 0.
 *
 * @example
 * ```ts
 * gpuRmspropStep(p, p.grad, sq, null, null, 0.01, 0.99, 1e-8, 0, 0, 0);
 * ```
 */
export function gpuRmspropStep(
  p: Tensor, g: Tensor, sq: Tensor, gavg: Tensor | null, buf: Tensor | null, lr: number, alpha: number, eps: number,
  wd: number, momentum: number, flags: number,
): boolean {
  if (((flags & 2) !== 0 && !gavg) || ((flags & 4) !== 0 && !buf)) return false;
  return run('rmsprop', p, g, [sq, gavg, buf], flags, [lr, alpha, eps, wd, momentum]);
}

/**
 * Adagrad on the GPU (simd/optim.ts adagrad_step). flags: 1 maximize;
 * clr = lr / (1 + (step - 1) * lrDecay).
 *
 * @example
 * ```ts
 * gpuAdagradStep(p, p.grad, sum, 0.01, 1e-10, 0, 0);
 * ```
 */
export function gpuAdagradStep(p: Tensor, g: Tensor, sum: Tensor, clr: number, eps: number, wd: number, flags: number): boolean {
  return run('adagrad', p, g, [sum], flags, [clr, eps, wd]);
}
