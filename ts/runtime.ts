/** Process-wide runtime controls: torch.memory(), thread count, memory budget. */
import { memoryStats, setMemoryBudget } from './tensor/storage.js';
import { getThreads, setThreads, stopWorkers, threadInfo } from './backend/threads.js';
import { relaxedSimd } from './backend/wasm.js';
import { counters, deviceInfo, gpuUnavailableReason } from './backend/webgpu/device.js';
import { gpuTensorCount } from './backend/webgpu/storage.js';

/**
 * Live memory: `{ tensors, bytes, gpuBytes }` (plus wasm residency details; `pooledBytes`: free
 * wasm blocks kept by ONNX sessions for their next run, not counted in `bytes`; `cachedBytes`:
 * Winograd-transformed conv weights, kept per weight tensor while it lives, at most `budget`).
 *
 * @example
 * ```ts
 * torch.memory().tensors; // live tensor count
 * ```
 */
export function memory(): { tensors: number; bytes: number; gpuBytes: number; residentBytes: number; pooledBytes: number; cachedBytes: number; budget: number } {
  const m = memoryStats();
  return { ...m, tensors: m.tensors + gpuTensorCount(), gpuBytes: counters.gpuBytes };
}

/**
 * Sets the number of CPU threads kernels may use (GEMM behind matmul/linear/conv is split into row
 * blocks across them; small ops stay on the calling thread). Where threads are unavailable
 * (SharedArrayBuffer missing, a page that is not cross-origin isolated, Cloudflare Workers) the
 * count stays 1 without an error; `torch.backends().cpu.reason` says why. Results are
 * bit-identical for every thread count.
 *
 * @example
 * ```ts
 * torch.setNumThreads(2);
 * torch.getNumThreads(); // 2 (1 where threads are unavailable)
 * ```
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads(): expected a positive integer, but got ${n}`);
  setThreads(n);
}

/**
 * The number of CPU threads kernels use (by default the number of cores in Node and Deno, 1 where
 * threads are unavailable).
 *
 * @example
 * ```ts
 * torch.getNumThreads(); // e.g. 8
 * ```
 */
export function getNumThreads(): number {
  return getThreads();
}

/**
 * What the compute backends can do here: `cpu.simd`, `cpu.relaxedSimd` (the GEMM kernels use
 * f32x4.relaxed_madd, picked at load time where the runtime supports it), whether kernel threads are available, the
 * core count, the current thread count, live workers, and why threads are off (empty when on).
 *
 * @example
 * ```ts
 * const { cpu } = torch.backends();
 * if (!cpu.threads) console.log(cpu.reason); // e.g. the page is not cross-origin isolated
 * ```
 */
export function backends(): {
  cpu: { simd: boolean; relaxedSimd: boolean; threads: boolean; cores: number; numThreads: number; workers: number; reason: string };
  webgpu: { available: boolean; description: string; reason: string };
} {
  const t = threadInfo();
  const g = deviceInfo();
  return {
    cpu: { simd: true, relaxedSimd, threads: t.available, cores: t.cores, numThreads: t.numThreads, workers: t.workers, reason: t.reason },
    webgpu: { available: g !== null, description: g ? [g.vendor, g.architecture, g.device, g.description].filter(Boolean).join(' ') || g.source : '', reason: gpuUnavailableReason() },
  };
}

/**
 * Stops the kernel worker threads (they never keep a Node process alive; this frees them now).
 * Later large ops start them again.
 *
 * @example
 * ```ts
 * torch.shutdown();
 * ```
 */
export function shutdown(): void {
  stopWorkers();
}

export { setMemoryBudget };
