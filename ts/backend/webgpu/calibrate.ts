/**
 * Calibration of the 'auto' routing policy: a one-time async measurement of what this machine's
 * GPU and CPU sustain (matmul GFLOP/s of both, after warm-up and awaiting the GPU's work), the
 * transfer bandwidth between them (upload + readback of a few MB), the round-trip latency of a
 * tiny transfer and the cost of one small kernel launch. The result is cached per device and
 * shown by torch.webgpu.stats().calibration; InferenceSession.run() uses it to decide per step
 * whether moving work to the GPU pays off. Also the internal routing override that lets tests
 * force every heavy step onto the GPU (or the CPU) whatever the measurements say.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { fromValues } from '../../ops/creation.js';
import { matmul } from '../../ops/linalg.js';
import { add } from '../../ops/pointwise.js';
import { counters, deviceEpoch, deviceInfo, gpuReady, readBuffer, synchronize } from './device.js';
import { upload } from './dispatch.js';
import { GpuStorage } from './storage.js';

/** What the calibration measured (numbers are sustained rates on this machine). */
export interface Calibration {
  /** GPU matmul rate, GFLOP/s (`size`^3 float32, after warm-up, measured to completion). */
  gpuGflops: number;
  /** CPU matmul rate of torchlet's kernels, GFLOP/s (same size). */
  cpuGflops: number;
  /** Transfer bandwidth CPU <-> GPU, GB/s (mean of upload and readback of `transferBytes`). */
  bandwidthGBs: number;
  uploadGBs: number;
  readbackGBs: number;
  /** Round trip of a tiny upload + readback, ms (paid once per sync point). */
  latencyMs: number;
  /** Cost of one small kernel launch, ms (queued launches, measured to completion). */
  launchMs: number;
  /** The matmul size used (size x size x size). */
  size: number;
  transferBytes: number;
  /** The adapter's name and whether it is a software rasteriser. */
  adapter: string;
  software: boolean;
  /** How long the calibration took, ms. */
  ms: number;
  /** Set when the rates were given by _simulateCalibration() instead of measured. */
  simulated?: boolean;
}

let cached: Calibration | null = null;
let cachedEpoch = -1;
let pending: Promise<Calibration | null> | null = null;
/** The device epoch whose calibration failed (not retried on that device). */
let failedEpoch = -1;

type Override = 'gpu' | 'cpu' | null;
let override: Override = null;

/**
 * @internal Forces the routing of heavy steps under policy 'auto': 'gpu' sends every step the GPU
 * can take there, 'cpu' keeps all on the CPU, null (default) decides by the calibration. For tests
 * (the software adapters of CI are slower than the CPU, so 'auto' would never pick them).
 */
export function _setRoutingOverride(v: Override): void {
  if (v !== 'gpu' && v !== 'cpu' && v !== null) throw new TypeError(`_setRoutingOverride(): expected 'gpu', 'cpu' or null, but got ${String(v)}`);
  override = v;
}

/** @internal The current routing override. */
export function routingOverride(): Override {
  return override;
}

let simulated: Calibration | null = null;

/**
 * @internal Replaces the measured rates by given ones (null: back to the measurement), e.g. to
 * check in CI, on a software adapter, the routing a fast discrete GPU would get. Marked
 * `simulated: true` in stats().calibration.
 */
export function _simulateCalibration(rates: Pick<Calibration, 'gpuGflops' | 'cpuGflops' | 'bandwidthGBs' | 'latencyMs' | 'launchMs'> | null): void {
  if (rates === null) {
    simulated = null;
    return;
  }
  for (const k of ['gpuGflops', 'cpuGflops', 'bandwidthGBs', 'latencyMs', 'launchMs'] as const) {
    const v = rates[k];
    const time = k === 'latencyMs' || k === 'launchMs';
    if (typeof v !== 'number' || !Number.isFinite(v) || (time ? v < 0 : v <= 0)) {
      throw new TypeError(`_simulateCalibration(): ${k} must be a finite number ${time ? '>= 0' : '> 0'}, but got ${String(v)}`);
    }
  }
  const info = deviceInfo();
  simulated = {
    ...rates,
    uploadGBs: rates.bandwidthGBs,
    readbackGBs: rates.bandwidthGBs,
    size: 0,
    transferBytes: 0,
    adapter: `simulated (on ${info?.description || info?.device || info?.vendor || 'no adapter'})`,
    software: false,
    ms: 0,
    simulated: true,
  };
}

/** The cached calibration of the current device (null before calibrate() finished, or without a GPU). */
export function calibration(): Calibration | null {
  if (!gpuReady()) return null;
  if (simulated) return simulated;
  return cached && cachedEpoch === deviceEpoch ? cached : null;
}

/** Deterministic pseudo-random values in [-1, 1) (the calibration must not advance the user's RNG). */
function noise(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2147483648 - 1;
  }
  return a;
}

/** Runs `once` repeatedly (after `warm` warm-up calls) until about `budgetMs` passed; ms per call. */
async function timeIt(once: () => Promise<void> | void, budgetMs: number, maxReps: number, warm = 1): Promise<number> {
  for (let i = 0; i < warm; i++) await once();
  let reps = 0;
  const t0 = performance.now();
  let el = 0;
  while (reps < maxReps && (reps === 0 || el < budgetMs)) {
    await once();
    reps++;
    el = performance.now() - t0;
  }
  return el / reps;
}

/** Best (smallest) of `n` measurements. */
async function best(n: number, f: () => Promise<number>): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < n; i++) b = Math.min(b, await f());
  return b;
}

async function measure(size: number, transferBytes: number): Promise<Calibration> {
  const t0 = performance.now();
  const flops = 2 * size * size * size;
  const made: Tensor[] = [];
  const cpuT = (n: number, shape: number[], seed: number): Tensor => {
    const t = fromValues(noise(n, seed), shape, 'float32');
    made.push(t);
    return t;
  };
  try {
    // CPU: torchlet's own matmul on CPU tensors
    const a = cpuT(size * size, [size, size], 1);
    const b = cpuT(size * size, [size, size], 2);
    const cpuMs = await timeIt(() => matmul(a, b).dispose(), 120, 50);

    // GPU: the same product on uploaded operands; a batch of launches awaited to completion
    const ga = upload(a);
    const gb = upload(b);
    made.push(ga, gb);
    await synchronize();
    const gpuBatch = async (k: number): Promise<void> => {
      for (let i = 0; i < k; i++) matmul(ga, gb).dispose();
      await synchronize();
    };
    await gpuBatch(1); // warm-up: pipeline compilation and buffer allocation
    const t1 = performance.now();
    await gpuBatch(1);
    const single = performance.now() - t1;
    const k = Math.max(1, Math.min(16, Math.ceil(150 / Math.max(single, 1e-3))));
    const t2 = performance.now();
    await gpuBatch(k);
    const gpuMs = (performance.now() - t2) / k;

    // transfers: upload of transferBytes (to completion), readback of the same buffer
    const n = transferBytes / 4;
    const host = cpuT(n, [n], 3);
    const up = await best(3, async () => {
      const s = performance.now();
      const g = upload(host);
      await synchronize();
      const ms = performance.now() - s;
      g.dispose();
      return ms;
    });
    const g = upload(host);
    made.push(g);
    const gs = g._storage as GpuStorage;
    await synchronize();
    const down = await best(3, async () => {
      const s = performance.now();
      await readBuffer(gs.gpuBuffer(), gs.nbytes, gs.epoch);
      return performance.now() - s;
    });
    // latency: a 16-byte round trip; launch cost: many tiny kernels awaited together
    const tiny = cpuT(4, [4], 4);
    const latencyMs = await best(5, async () => {
      const s = performance.now();
      const t = upload(tiny);
      const ts = t._storage as GpuStorage;
      await readBuffer(ts.gpuBuffer(), ts.nbytes, ts.epoch);
      const ms = performance.now() - s;
      t.dispose();
      return ms;
    });
    const gt = upload(tiny);
    made.push(gt);
    const launches = 32;
    const launchMs = await best(2, async () => {
      await synchronize();
      const s = performance.now();
      for (let i = 0; i < launches; i++) add(gt, 1).dispose();
      await synchronize();
      return (performance.now() - s) / launches;
    });
    const info = deviceInfo();
    const uploadGBs = transferBytes / (up * 1e6);
    const readbackGBs = transferBytes / (down * 1e6);
    return {
      gpuGflops: flops / (gpuMs * 1e6),
      cpuGflops: flops / (cpuMs * 1e6),
      bandwidthGBs: 2 / (1 / uploadGBs + 1 / readbackGBs),
      uploadGBs,
      readbackGBs,
      latencyMs,
      launchMs,
      size,
      transferBytes,
      adapter: info ? info.description || info.device || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter' : 'no adapter',
      software: info?.software ?? false,
      ms: performance.now() - t0,
    };
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * Measures the GPU against the CPU once (later calls return the cached result; a new device is
 * measured again). Resolves to null without a WebGPU device. The calibration's own kernels and
 * transfers are not counted in torch.webgpu.stats().
 *
 * @example
 * ```ts
 * await torch.webgpu.init();
 * const c = await torch.webgpu.calibrate(); // { gpuGflops, cpuGflops, bandwidthGBs, ... }
 * ```
 */
export function calibrate(): Promise<Calibration | null> {
  const c = calibration();
  if (c) return Promise.resolve(c);
  if (!gpuReady() || failedEpoch === deviceEpoch) return Promise.resolve(null);
  if (pending) return pending;
  const epoch = deviceEpoch;
  // the measurement is not the user's work: restore the counters afterwards
  const saved = {
    kernels: new Map(counters.kernels),
    fallbacks: new Map(counters.fallbacks),
    uploads: counters.uploads,
    uploadBytes: counters.uploadBytes,
    downloads: counters.downloads,
    downloadBytes: counters.downloadBytes,
    submits: counters.submits,
  };
  pending = measure(512, 4 << 20)
    .then(
      (r) => {
        if (epoch === deviceEpoch) {
          cached = r;
          cachedEpoch = epoch;
        }
        return epoch === deviceEpoch ? r : null;
      },
      (e: unknown) => {
        failedEpoch = epoch;
        if (counters.errors.length < 20) counters.errors.push(`calibration failed: ${(e as Error)?.message ?? String(e)}`);
        return null;
      },
    )
    .finally(() => {
      pending = null;
      for (const [m, v] of [[counters.kernels, saved.kernels], [counters.fallbacks, saved.fallbacks]]) {
        m.clear();
        for (const [k, n] of v) m.set(k, n);
      }
      Object.assign(counters, { uploads: saved.uploads, uploadBytes: saved.uploadBytes, downloads: saved.downloads, downloadBytes: saved.downloadBytes, submits: saved.submits });
    });
  return pending;
}
