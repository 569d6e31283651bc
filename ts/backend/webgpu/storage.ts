/**
 * GpuStorage: a webgpu tensor's bytes in a pooled GPU buffer, shared by views like the CPU Storage.
 * It may also know its bytes on the CPU (`known`: after an upload, a readback, or a CPU fallback
 * wrote it); that copy is dropped as soon as a kernel writes the buffer. CPU kernels cannot address
 * it: `ptr()` throws GpuNeedsCpu, which the op dispatcher turns into a per-op CPU fallback.
 */
/// <reference types="@webgpu/types" preserve="true" />
import { allocBuffer, deviceEpoch, freeBuffer, gpuUnavailableReason, type BufferOwner } from './device.js';

/** Thrown by CPU kernel paths that meet a webgpu tensor; caught by the dispatcher (never by users). */
export class GpuNeedsCpu extends Error {
  constructor() {
    super('internal: a CPU kernel was handed a webgpu tensor (the op dispatcher falls back to the CPU)');
  }
}

let liveGpuTensors = 0;
let attempts = 0;

/** @internal The dispatcher is running an op's own code on webgpu inputs (its GPU attempt). */
export function enterAttempt(): void {
  attempts++;
}

/** @internal */
export function leaveAttempt(): void {
  attempts--;
}

/**
 * The error for a synchronous read of a webgpu tensor: inside an op's GPU attempt it is the
 * internal signal that makes that op fall back to the CPU; from user code it names the async call.
 */
export function syncReadError(what: string, asyncCall: string): Error {
  if (attempts > 0) return new GpuNeedsCpu();
  return new Error(`${what} cannot read a webgpu tensor synchronously (WebGPU reads are asynchronous): use ${asyncCall}`);
}
let anyGpuStorage = false;

const registry: { register(o: object, s: GpuStorage, token: object): void; unregister(token: object): void } | null =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<GpuStorage>((s) => {
        liveGpuTensors--;
        s._drop();
      })
    : null;

/** Live webgpu tensor count (for torch.memory()). */
export function gpuTensorCount(): number {
  return liveGpuTensors;
}

/** True once any GPU storage was made in this process (the op guards are free until then). */
export function gpuInUse(): boolean {
  return anyGpuStorage;
}

export class GpuStorage implements BufferOwner {
  readonly device = 'webgpu' as const;
  readonly epoch = deviceEpoch;
  private buffer: GPUBuffer | null;
  refs = 0;
  /** The bytes, when known on the CPU to equal the buffer's content (else null). */
  known: Uint8Array | null = null;
  /** Bumped whenever work that writes this storage is recorded. */
  version = 0;
  /** Set when the CPU task that was to produce these bytes failed. */
  error: Error | null = null;
  lastUse = 0;
  spill = null;

  constructor(readonly nbytes: number) {
    this.buffer = allocBuffer(nbytes);
    anyGpuStorage = true;
  }

  /** The GPU buffer (throws if the device was lost or the storage freed). */
  gpuBuffer(): GPUBuffer {
    if (this.epoch !== deviceEpoch) throw new Error(`${gpuUnavailableReason() || 'the WebGPU device was lost'}: this tensor's data is gone`);
    if (!this.buffer) throw new Error('Tensor has been disposed: it cannot be used after dispose() or the end of its scope');
    return this.buffer;
  }

  /** True when the device that held this storage was lost. */
  get lost(): boolean {
    return this.epoch !== deviceEpoch;
  }

  /** Records that work writing this buffer was issued: the CPU copy is stale from here on. */
  markWritten(): void {
    this.known = null;
    this.version++;
  }

  get freed(): boolean {
    return this.refs <= 0 && this.buffer === null;
  }

  /** CPU kernels cannot address GPU memory. */
  ptr(): number {
    throw new GpuNeedsCpu();
  }

  retain(owner: object): void {
    this.refs++;
    liveGpuTensors++;
    registry?.register(owner, this, owner);
  }

  release(owner: object): void {
    registry?.unregister(owner);
    liveGpuTensors--;
    this._drop();
  }

  /** @internal one reference fewer; the buffer returns to the pool at zero. */
  _drop(): void {
    if (--this.refs > 0 || !this.buffer) return;
    const b = this.buffer;
    this.buffer = null;
    this.known = null;
    if (this.epoch === deviceEpoch) freeBuffer(b, this.epoch);
  }
}
