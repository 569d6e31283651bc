/**
 * `torch.webgpu`: the WebGPU device (acquired asynchronously, once), the routing policy for CPU
 * tensors, and the explainable statistics of what ran where (kernels, per-op CPU fallbacks,
 * transfers, policy decisions).
 */
import {
  counters,
  destroyDevice,
  deviceInfo,
  emptyPool,
  gpuReady,
  gpuUnavailableReason,
  initDevice,
  synchronize as syncDevice,
  type GpuInfo,
} from './backend/webgpu/device.js';
import { gpuTensorCount } from './backend/webgpu/storage.js';
import { calibration, type Calibration } from './backend/webgpu/calibrate.js';

export { calibrate, _setRoutingOverride, _simulateCalibration, type Calibration } from './backend/webgpu/calibrate.js';

export type { GpuInfo };

/** 'auto': heavy work on CPU tensors may run on the GPU where that pays off; 'off': never. */
export type Policy = 'auto' | 'off';

let policy: Policy = 'auto';
const decisions: string[] = [];

/**
 * Whether this runtime has a WebGPU adapter (asks once; later calls return the same answer).
 * A true answer also means the device is ready.
 *
 * @example
 * ```ts
 * if (await torch.webgpu.isAvailable()) model.to('webgpu');
 * ```
 */
export async function isAvailable(): Promise<boolean> {
  return (await initDevice()) !== null;
}

/**
 * Acquires the adapter and device once. Returns the device's description, or null where there is
 * no WebGPU (everything then runs on the CPU).
 *
 * @example
 * ```ts
 * const info = await torch.webgpu.init(); // { vendor, architecture, device, description, ... } or null
 * ```
 */
export function init(): Promise<GpuInfo | null> {
  return initDevice();
}

/** The current device's description (null before init() or without a GPU). */
export function info(): GpuInfo | null {
  return deviceInfo();
}

/**
 * Sets how CPU tensors use the GPU: 'auto' (the default) lets heavy matmul, conv and attention
 * work of asynchronous entry points (e.g. `InferenceSession.run`) run on the GPU when a device
 * exists and the work is large enough to pay for the transfers; 'off' keeps CPU tensors on the CPU.
 * Tensors placed on 'webgpu' explicitly always run there. The first routed run measures the GPU
 * and the CPU once (torch.webgpu.calibrate(), shown in stats().calibration); each step's choice,
 * with its estimated times, is recorded in stats().decisions.
 *
 * @example
 * ```ts
 * torch.webgpu.setPolicy('off');
 * ```
 */
export function setPolicy(p: Policy): void {
  if (p !== 'auto' && p !== 'off') throw new TypeError(`setPolicy(): expected 'auto' or 'off', but got ${String(p)}`);
  policy = p;
}

/** The current routing policy. */
export function getPolicy(): Policy {
  return policy;
}

/** @internal Records a routing decision (shown by stats().decisions, the last 50). */
export function noteDecision(text: string): void {
  decisions.push(text);
  if (decisions.length > 50) decisions.shift();
}

/** @internal Whether 'auto' routing may send CPU work to the GPU now. */
export function autoRouting(): boolean {
  return policy === 'auto' && gpuReady();
}

/**
 * What ran where: kernel launches per shader, per-op CPU fallbacks, uploads/downloads, pipelines
 * compiled, live GPU bytes and tensors, routing policy and its recent decisions, device errors.
 *
 * @example
 * ```ts
 * const s = torch.webgpu.stats();
 * console.log(s.fallbacks); // e.g. { cumsum: 1 } — ops that ran on the CPU for webgpu tensors
 * ```
 */
export function stats(): {
  available: boolean;
  reason: string;
  device: GpuInfo | null;
  policy: Policy;
  kernels: Record<string, number>;
  fallbacks: Record<string, number>;
  uploads: number;
  uploadBytes: number;
  downloads: number;
  downloadBytes: number;
  submits: number;
  pipelines: number;
  gpuBytes: number;
  pooledBytes: number;
  tensors: number;
  decisions: string[];
  errors: string[];
  /** What the routing policy measured (torch.webgpu.calibrate(); null until it ran). */
  calibration: Calibration | null;
} {
  return {
    available: gpuReady(),
    reason: gpuUnavailableReason(),
    device: deviceInfo(),
    policy,
    kernels: Object.fromEntries(counters.kernels),
    fallbacks: Object.fromEntries(counters.fallbacks),
    uploads: counters.uploads,
    uploadBytes: counters.uploadBytes,
    downloads: counters.downloads,
    downloadBytes: counters.downloadBytes,
    submits: counters.submits,
    pipelines: counters.pipelines,
    gpuBytes: counters.gpuBytes,
    pooledBytes: counters.pooledBytes,
    tensors: gpuTensorCount(),
    decisions: decisions.slice(),
    errors: counters.errors.slice(),
    calibration: calibration(),
  };
}

/** Resets the counters of stats() (kernels, fallbacks, transfers, decisions, errors). */
export function resetStats(): void {
  counters.kernels.clear();
  counters.fallbacks.clear();
  counters.uploads = counters.uploadBytes = counters.downloads = counters.downloadBytes = counters.submits = 0;
  counters.errors.length = 0;
  decisions.length = 0;
}

/**
 * Resolves when all GPU work recorded so far has finished.
 *
 * @example
 * ```ts
 * await torch.webgpu.synchronize();
 * ```
 */
export function synchronize(): Promise<void> {
  return syncDevice();
}

/** Frees the idle buffers of the GPU buffer pool. */
export function emptyCache(): void {
  if (gpuReady()) emptyPool();
}

/** @internal Destroys the device as a device loss would (for tests of the lost-device path). */
export function _loseDevice(): void {
  destroyDevice();
}
