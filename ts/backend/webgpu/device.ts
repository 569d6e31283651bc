/**
 * The WebGPU device and its command stream: device acquisition (through ts/platform/webgpu.ts),
 * pooled storage buffers, the compute-pipeline cache (keyed by shader key), and one ordered stream of
 * work. Kernel launches are encoded into one open compute pass and submitted in batches; uploads,
 * readbacks and CPU fallback tasks take their place in the same order, so a value is always read
 * after the kernels that wrote it and a pooled buffer is reused only after its last reader was
 * submitted. CPU fallback tasks (async: they wait for their inputs' readback) block the stream while
 * they run; later launches queue behind them.
 */
/// <reference types="@webgpu/types" preserve="true" />
import { requestAdapter } from '../../platform/webgpu.js';
import type { Tensor } from '../../tensor/tensor.js';

/** A compute shader: WGSL source with entry point `main`, cached as a pipeline under `key`. */
export interface Kernel {
  key: string;
  code: string;
  constants?: Record<string, number>;
}

/** What `torch.webgpu.init()` returns. */
export interface GpuInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Where WebGPU came from: 'navigator.gpu' or 'webgpu (npm)'. */
  source: string;
  /** True on a software rasteriser (Mesa lavapipe, SwiftShader) as far as the adapter says. */
  software: boolean;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number };
}

let device: GPUDevice | null = null;
let info: GpuInfo | null = null;
let initPromise: Promise<GpuInfo | null> | null = null;
let unavailableReason = 'torch.webgpu.init() has not been called';
let lostMessage = '';
/** Bumped when a device is lost; storages remember the epoch they were made in. */
export let deviceEpoch = 0;

/** Counters behind torch.webgpu.stats(). */
export const counters = {
  kernels: new Map<string, number>(),
  fallbacks: new Map<string, number>(),
  uploads: 0,
  uploadBytes: 0,
  downloads: 0,
  downloadBytes: 0,
  submits: 0,
  pipelines: 0,
  gpuBytes: 0,
  pooledBytes: 0,
  errors: [] as string[],
};

/**
 * Acquires the adapter and device once (later calls return the same promise). Resolves to the
 * device's description, or null when this runtime has no WebGPU adapter.
 */
export function initDevice(): Promise<GpuInfo | null> {
  if (initPromise) return initPromise;
  initPromise = (async () => {
    const acq = await requestAdapter();
    if (!acq.adapter) {
      unavailableReason = acq.reason || 'no WebGPU adapter';
      return null;
    }
    const a = acq.adapter;
    const lim = a.limits;
    const want = {
      maxBufferSize: lim.maxBufferSize,
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: lim.maxComputeWorkgroupSizeY,
      maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
    };
    let dev: GPUDevice;
    try {
      dev = await a.requestDevice({ requiredLimits: want });
    } catch (e) {
      unavailableReason = `requestDevice failed: ${(e as Error).message}`;
      return null;
    }
    const ai = (a as { info?: GPUAdapterInfo }).info;
    const desc = [ai?.vendor, ai?.architecture, ai?.device, ai?.description].filter(Boolean).join(' ');
    info = {
      vendor: ai?.vendor ?? '',
      architecture: ai?.architecture ?? '',
      device: ai?.device ?? '',
      description: ai?.description ?? '',
      source: acq.source,
      software: /swiftshader|llvmpipe|lavapipe|software|cpu/i.test(desc) || (a as { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
      limits: {
        maxBufferSize: dev.limits.maxBufferSize,
        maxStorageBufferBindingSize: dev.limits.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: dev.limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: dev.limits.maxComputeInvocationsPerWorkgroup,
      },
    };
    device = dev;
    lostMessage = '';
    dev.addEventListener('uncapturederror', (ev) => {
      const msg = (ev as GPUUncapturedErrorEvent).error?.message ?? String(ev);
      if (counters.errors.length < 20) counters.errors.push(msg);
    });
    void dev.lost.then((l) => {
      if (device !== dev) return;
      lostMessage = `the WebGPU device was lost (${l.reason}${l.message ? `: ${l.message}` : ''}); tensors on it are lost`;
      device = null;
      deviceEpoch++;
      pipelines.clear();
      pool.clear();
      ubPool.length = 0;
      initPromise = null;
    });
    return info;
  })();
  return initPromise;
}

/** The device description once initialised (null before, or without a GPU). */
export function deviceInfo(): GpuInfo | null {
  return device ? info : null;
}

/** True when a device is ready for work. */
export function gpuReady(): boolean {
  return device !== null;
}

/** The device, or a clear error saying how to get one. */
export function requireDevice(): GPUDevice {
  if (device) return device;
  if (lostMessage) throw new Error(`${lostMessage}: call await torch.webgpu.init() for a new device and move the tensors again`);
  if (initPromise) {
    throw new Error(`WebGPU is not available: ${unavailableReason}. Check with await torch.webgpu.isAvailable() before using device 'webgpu'`);
  }
  throw new Error("device 'webgpu' needs an initialised WebGPU device, which can only be acquired asynchronously: call await torch.webgpu.init() (or await torch.webgpu.isAvailable()) first");
}

/** @internal Destroys the device (tests of device loss). */
export function destroyDevice(): void {
  device?.destroy();
}

/** Why WebGPU is unavailable (for torch.backends()). */
export function gpuUnavailableReason(): string {
  return device ? '' : lostMessage || unavailableReason;
}

// ---------------------------------------------------------------- buffers

const USAGE_STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const pool = new Map<number, GPUBuffer[]>();

/** Pool size class: multiples of 256 bytes up to 64 KB, then quarter steps between powers of two. */
export function sizeClass(nbytes: number): number {
  const n = Math.max(4, nbytes);
  if (n <= 65536) return Math.ceil(n / 256) * 256;
  const p = 2 ** Math.floor(Math.log2(n));
  const q = p / 4;
  return Math.ceil(n / q) * q;
}

/** A storage buffer of at least `nbytes` from the pool (or new). */
export function allocBuffer(nbytes: number): GPUBuffer {
  const dev = requireDevice();
  const size = sizeClass(nbytes);
  if (size > dev.limits.maxStorageBufferBindingSize) {
    throw new RangeError(`a webgpu tensor of ${nbytes} bytes exceeds this device's maxStorageBufferBindingSize (${dev.limits.maxStorageBufferBindingSize} bytes)`);
  }
  const free = pool.get(size);
  counters.gpuBytes += size;
  if (free && free.length) {
    counters.pooledBytes -= size;
    return free.pop()!;
  }
  return dev.createBuffer({ size, usage: USAGE_STORAGE });
}

/** Returns a buffer to the pool, in stream order (after every use recorded before this call). */
export function freeBuffer(buf: GPUBuffer, epoch: number): void {
  const size = buf.size;
  enqueue(() => {
    counters.gpuBytes -= size;
    if (epoch !== deviceEpoch || !device) return;
    // keep the pool bounded: beyond 256 MB of idle buffers, destroy instead
    if (counters.pooledBytes + size > 256 * 1024 * 1024) {
      afterSubmit(() => buf.destroy());
      return;
    }
    let l = pool.get(size);
    if (!l) pool.set(size, (l = []));
    l.push(buf);
    counters.pooledBytes += size;
  });
}

/** Destroys every idle pooled buffer (torch.webgpu.emptyCache()). */
export function emptyPool(): void {
  flush();
  for (const l of pool.values()) for (const b of l) afterSubmit(() => b.destroy());
  pool.clear();
  counters.pooledBytes = 0;
}

// ---------------------------------------------------------------- the stream

type Item = () => void | Promise<void>;
const deferred: Item[] = [];
let pumping = false;
let encoder: GPUCommandEncoder | null = null;
let pass: GPUComputePassEncoder | null = null;
let batched = 0;
let temps: GPUBuffer[] = [];
let afterSubmitFns: (() => void)[] = [];
let flushScheduled = false;
const BATCH = 64;

/** Runs `fn` in stream order: now when nothing is queued ahead of it, else after what is. */
export function enqueue(fn: () => void): void {
  if (!pumping && deferred.length === 0) fn();
  else deferred.push(fn);
}

/** Queues an async step (a CPU fallback task) that blocks the stream until it settles. */
export function enqueueAsync(fn: () => Promise<void>): void {
  deferred.push(fn);
  if (!pumping) void pump();
}

async function pump(): Promise<void> {
  pumping = true;
  try {
    while (deferred.length) {
      const it = deferred.shift()!;
      const r = it();
      if (r instanceof Promise) {
        flush();
        await r;
      }
    }
  } finally {
    pumping = false;
    flush();
  }
}

/** Runs `fn` once the work submitted so far has finished on the GPU. */
function afterSubmit(fn: () => void): void {
  afterSubmitFns.push(fn);
}

/** Ends the open compute pass (for copies, which are encoder commands). */
function commandEncoder(): GPUCommandEncoder {
  if (pass) {
    pass.end();
    pass = null;
  }
  if (!encoder) encoder = requireDevice().createCommandEncoder();
  return encoder;
}

/** Submits everything encoded so far. */
export function flush(): void {
  if (pass) {
    pass.end();
    pass = null;
  }
  const dev = device;
  if (!dev) {
    encoder = null;
    temps = [];
    afterSubmitFns = [];
    ubBuf = null;
    ubUsed = 0;
    return;
  }
  settleUniforms(dev);
  if (encoder) {
    dev.queue.submit([encoder.finish()]);
    counters.submits++;
    encoder = null;
    batched = 0;
  }
  if (temps.length || afterSubmitFns.length) {
    const t = temps;
    const fns = afterSubmitFns;
    temps = [];
    afterSubmitFns = [];
    void dev.queue.onSubmittedWorkDone().then(() => {
      for (const b of t) b.destroy();
      for (const f of fns) f();
    });
  }
}

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  queueMicrotask(() => {
    flushScheduled = false;
    if (!pumping) flush();
  });
}

const pipelines = new Map<string, GPUComputePipeline>();

function pipelineFor(dev: GPUDevice, k: Kernel): GPUComputePipeline {
  let p = pipelines.get(k.key);
  if (!p) {
    const module = dev.createShaderModule({ code: k.code, label: k.key });
    p = dev.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main', constants: k.constants }, label: k.key });
    pipelines.set(k.key, p);
    counters.pipelines++;
  }
  return p;
}

/** A GPU-resident binding: anything with a storage buffer (GpuStorage). */
export interface BufferOwner {
  gpuBuffer(): GPUBuffer;
  /** Called for the bindings a dispatch writes (their CPU copies go stale). */
  markWritten?(): void;
}

/**
 * Records one compute dispatch over tensors (the kernel helpers' entry point). `tensors[i]` is
 * `@binding(i)` (its whole storage buffer: pass view offsets and strides in `params`); `params` is
 * the uniform `@binding(n)`; the last `written` tensors are the ones the kernel writes (default 1).
 *
 * @example
 * ```ts
 * const out = Tensor._empty(x.shape, 'float32', 'webgpu');
 * launch({ key: 'relu', code: WGSL.relu }, [x, out], new Uint32Array([n, x._offset, 0, 0]), [Math.ceil(n / 256)]);
 * ```
 */
export function launch(k: Kernel, tensors: readonly Tensor[], params: ArrayBuffer | ArrayBufferView | null, groups: readonly number[], written = 1): void {
  const owners = tensors.map((t) => {
    const s = t._storage as unknown as BufferOwner;
    if (typeof s.gpuBuffer !== 'function') throw new Error(`internal: launch(${k.key}) was given a ${t.device} tensor`);
    return s;
  });
  dispatch(k, owners, params, groups, written);
}

/**
 * Records one compute dispatch in stream order. `bindings` become `@binding(0..n-1)` (whole
 * buffers), `params` (if given) the uniform `@binding(n)`. The pipeline is compiled once per key.
 */
export function dispatch(k: Kernel, bindings: readonly BufferOwner[], params: ArrayBuffer | ArrayBufferView | null, groups: readonly number[], written = 1): void {
  const dev = requireDevice();
  for (let i = Math.max(0, bindings.length - written); i < bindings.length; i++) bindings[i].markWritten?.();
  counters.kernels.set(k.key, (counters.kernels.get(k.key) ?? 0) + 1);
  if (groups.some((g) => g === 0)) return;
  const bufs = bindings.map((b) => b.gpuBuffer());
  // the parameters are copied now: the caller may reuse its array, and encoding may come later
  const bytes = params ? (params instanceof ArrayBuffer ? new Uint8Array(params) : new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).slice() : null;
  const pipeline = pipelineFor(dev, k);
  const [x, y = 1, z = 1] = groups;
  enqueue(() => {
    const entries: GPUBindGroupEntry[] = bufs.map((buffer, i) => ({ binding: i, resource: { buffer } }));
    if (bytes) entries.push({ binding: bufs.length, resource: uniformSlot(dev, bytes) });
    const bg = dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    if (!encoder) encoder = dev.createCommandEncoder();
    if (!pass) pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(x, y, z);
    if (++batched >= BATCH) flush();
    else scheduleFlush();
  });
}

// Uniform parameters of a batch share one pooled buffer: each dispatch gets an aligned slice, the
// bytes are written with one queue.writeBuffer just before the batch is submitted, and the buffer
// returns to the pool once the GPU has run the batch.
const UB_SIZE = 64 * 1024;
const ubData = new Uint8Array(UB_SIZE);
const ubPool: GPUBuffer[] = [];
let ubBuf: GPUBuffer | null = null;
let ubUsed = 0;

function uniformSlot(dev: GPUDevice, bytes: Uint8Array): GPUBufferBinding {
  const size = Math.max(16, Math.ceil(bytes.byteLength / 16) * 16);
  if (size > UB_SIZE) {
    const b = dev.createBuffer({ size, usage: 0x40 | 0x8, mappedAtCreation: true }); // UNIFORM | COPY_DST
    new Uint8Array(b.getMappedRange()).set(bytes);
    b.unmap();
    temps.push(b);
    return { buffer: b };
  }
  if (ubBuf && ubUsed + size > UB_SIZE) flush();
  if (!ubBuf) {
    ubBuf = ubPool.pop() ?? dev.createBuffer({ size: UB_SIZE, usage: 0x40 | 0x8 });
    ubUsed = 0;
  }
  const offset = ubUsed;
  ubData.fill(0, offset, offset + size);
  ubData.set(bytes, offset);
  const align = dev.limits.minUniformBufferOffsetAlignment || 256;
  ubUsed = Math.ceil((offset + size) / align) * align;
  return { buffer: ubBuf, offset, size };
}

/** Writes the batch's uniform bytes (before its submit) and hands the buffer back after it ran. */
function settleUniforms(dev: GPUDevice | null): void {
  if (!ubBuf) return;
  const b = ubBuf;
  ubBuf = null;
  if (dev && ubUsed) dev.queue.writeBuffer(b, 0, ubData.buffer, 0, ubUsed);
  ubUsed = 0;
  if (dev) afterSubmitFns.push(() => ubPool.push(b));
}

function isShared(a: Uint8Array): boolean {
  return Object.prototype.toString.call(a.buffer) === '[object SharedArrayBuffer]';
}

/** Writes bytes into a buffer at a byte offset, in stream order. */
export function writeBuffer(buf: GPUBuffer, offset: number, data: Uint8Array): void {
  const dev = requireDevice();
  counters.uploads++;
  counters.uploadBytes += data.byteLength;
  // copies must be 4-byte multiples: pad the tail with zeros
  let src = data;
  if (src.byteLength % 4) {
    const p = new Uint8Array(Math.ceil(src.byteLength / 4) * 4);
    p.set(src);
    src = p;
  } else if (isShared(src) || src.byteOffset % 4) {
    src = src.slice();
  }
  enqueue(() => {
    flush(); // everything recorded before this write must be submitted before it
    dev.queue.writeBuffer(buf, offset, src.buffer as ArrayBuffer, src.byteOffset, src.byteLength);
  });
}

/** Copies `nbytes` from one buffer to another in stream order (both offsets 4-byte aligned). */
export function copyBuffer(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, nbytes: number): void {
  requireDevice();
  const n = Math.ceil(nbytes / 4) * 4;
  enqueue(() => {
    commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, n);
  });
}

/**
 * Reads `nbytes` of a buffer. The copy to a staging buffer is recorded in stream order (so it sees
 * every earlier write); the promise settles when the GPU has done it.
 */
export function readBuffer(buf: GPUBuffer, nbytes: number, epoch: number): Promise<Uint8Array> {
  const dev = requireDevice();
  const n = Math.max(4, Math.ceil(nbytes / 4) * 4);
  counters.downloads++;
  counters.downloadBytes += nbytes;
  return new Promise<Uint8Array>((resolve, reject) => {
    enqueue(() => {
      if (epoch !== deviceEpoch) {
        reject(new Error(`${lostMessage || 'the WebGPU device was lost'}: this tensor's data is gone`));
        return;
      }
      const staging = dev.createBuffer({ size: n, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
      commandEncoder().copyBufferToBuffer(buf, 0, staging, 0, n);
      flush();
      staging.mapAsync(0x1).then(
        () => {
          const out = new Uint8Array(nbytes);
          out.set(new Uint8Array(staging.getMappedRange(), 0, nbytes));
          staging.unmap();
          staging.destroy();
          resolve(out);
        },
        (e: unknown) => {
          staging.destroy();
          reject(new Error(`${lostMessage || 'reading a webgpu tensor failed'}: ${(e as Error).message}`));
        },
      );
    });
  });
}

/** Inside a CPU task (the stream is blocked on it): reads a buffer now. */
export async function readNow(buf: GPUBuffer, nbytes: number): Promise<Uint8Array> {
  const dev = requireDevice();
  const n = Math.max(4, Math.ceil(nbytes / 4) * 4);
  counters.downloads++;
  counters.downloadBytes += nbytes;
  const staging = dev.createBuffer({ size: n, usage: 0x1 | 0x8 });
  commandEncoder().copyBufferToBuffer(buf, 0, staging, 0, n);
  flush();
  try {
    await staging.mapAsync(0x1);
    const out = new Uint8Array(nbytes);
    out.set(new Uint8Array(staging.getMappedRange(), 0, nbytes));
    staging.unmap();
    return out;
  } finally {
    staging.destroy();
  }
}

/** Inside a CPU task: writes bytes now (everything before it was submitted by the task's reads). */
export function writeNow(buf: GPUBuffer, offset: number, data: Uint8Array): void {
  const dev = requireDevice();
  counters.uploads++;
  counters.uploadBytes += data.byteLength;
  flush();
  let src = data;
  if (src.byteLength % 4 || src.byteOffset % 4 || isShared(src)) {
    const p = new Uint8Array(Math.ceil(src.byteLength / 4) * 4);
    p.set(src);
    src = p;
  }
  dev.queue.writeBuffer(buf, offset, src.buffer as ArrayBuffer, src.byteOffset, src.byteLength);
}

/** Resolves once everything recorded so far has run on the GPU (torch.webgpu.synchronize()). */
export function synchronize(): Promise<void> {
  if (!device) return Promise.resolve();
  const dev = device;
  return new Promise<void>((resolve) => {
    enqueue(() => {
      flush();
      void dev.queue.onSubmittedWorkDone().then(() => resolve());
    });
  });
}
