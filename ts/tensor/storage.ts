/**
 * Storage: a tensor's bytes in wasm linear memory, shared by views, with reclamation that keeps
 * programs bounded even when they never dispose anything.
 *
 * - `dispose()`/`using`/`torch.scope()` free storage deterministically (reference counted by the
 *   tensors that share it).
 * - A FinalizationRegistry releases the references of tensors the GC collected (between tasks).
 * - JS garbage collection does not see wasm bytes, and finalizers never run inside a synchronous
 *   loop, so residency is also bounded: when resident bytes pass the budget, the least recently used
 *   storages are moved out to JS ArrayBuffers (which the GC does account for) and moved back on use.
 *   A storage that became garbage is then reclaimed by the GC as plain JS memory.
 */
import { heapU8, kernels } from '../backend/wasm.js';

/** The part of a storage the finalizer needs: no reference to the (possibly spilled) bytes. */
class Handle {
  ptr = 0;
  refs = 0;
  constructor(public readonly nbytes: number) {}
}

const resident = new Map<Handle, Storage>();
let residentBytes = 0;
let totalBytes = 0;
let liveTensors = 0;
let epoch = 0;
let budget = 256 * 1024 * 1024;

// Some runtimes (Cloudflare Workers) have no FinalizationRegistry: there, reclamation of tensors the
// program dropped relies on the residency bound alone (they are moved out and collected as JS memory).
const registry: { register(o: object, h: Handle, token: object): void; unregister(token: object): void } | null =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Handle>((h) => {
        liveTensors--;
        releaseHandle(h);
      })
    : null;

function releaseHandle(h: Handle): void {
  if (--h.refs > 0) return;
  const s = resident.get(h);
  if (h.ptr) {
    kernels.free(h.ptr);
    residentBytes -= h.nbytes;
    h.ptr = 0;
  }
  resident.delete(h);
  if (s) s.spill = null;
  totalBytes -= h.nbytes;
}

function wasmAlloc(nbytes: number): number {
  epoch++;
  if (residentBytes + nbytes > budget) evict(Math.max(0, budget / 2 - nbytes));
  const p = kernels.alloc(nbytes);
  if (!p) {
    evict(0);
    const q = kernels.alloc(nbytes);
    if (!q) throw new RangeError(`torchlet: out of memory allocating ${nbytes} bytes (wasm heap holds ${residentBytes} bytes)`);
    return q;
  }
  return p;
}

/** Moves least recently used storages out of wasm memory until resident bytes <= target. */
function evict(target: number): void {
  for (const [h, s] of resident) {
    if (residentBytes <= target) break;
    if (s.lastUse >= epoch - 16) continue; // possibly in use by the op being run
    const copy = new Uint8Array(h.nbytes);
    copy.set(heapU8().subarray(h.ptr, h.ptr + h.nbytes));
    s.spill = copy;
    kernels.free(h.ptr);
    h.ptr = 0;
    residentBytes -= h.nbytes;
    resident.delete(h);
  }
}

/** Bytes of a tensor's data, shared by the tensor and its views. */
export class Storage {
  readonly device = 'cpu' as const;
  readonly h: Handle;
  spill: Uint8Array | null = null;
  lastUse = 0;

  constructor(nbytes: number) {
    this.h = new Handle(nbytes);
    this.h.ptr = wasmAlloc(nbytes);
    this.lastUse = epoch;
    residentBytes += nbytes;
    totalBytes += nbytes;
    resident.set(this.h, this);
  }

  get nbytes(): number {
    return this.h.nbytes;
  }

  /** True once every tensor that shares this storage has been disposed. */
  get freed(): boolean {
    return this.h.refs <= 0 && this.h.ptr === 0 && this.spill === null;
  }

  /** The byte offset of the data in wasm memory, bringing spilled data back first. */
  ptr(): number {
    const h = this.h;
    this.lastUse = epoch;
    if (h.ptr) {
      // keep LRU order: most recently used last
      resident.delete(h);
      resident.set(h, this);
      return h.ptr;
    }
    if (!this.spill) throw new Error('torchlet: use of a disposed tensor');
    h.ptr = wasmAlloc(h.nbytes);
    heapU8().set(this.spill, h.ptr);
    this.spill = null;
    residentBytes += h.nbytes;
    this.lastUse = epoch;
    resident.set(h, this);
    return h.ptr;
  }

  /** Registers a tensor as a user of this storage. */
  retain(owner: object): void {
    this.h.refs++;
    liveTensors++;
    registry?.register(owner, this.h, owner);
  }

  /** Releases a tensor's use (dispose). */
  release(owner: object): void {
    registry?.unregister(owner);
    liveTensors--;
    releaseHandle(this.h);
  }
}

/** Live-memory figures for torch.memory(). */
export function memoryStats(): { tensors: number; bytes: number; residentBytes: number; budget: number } {
  return { tensors: liveTensors, bytes: totalBytes, residentBytes, budget };
}

/** Sets the number of bytes tensors may keep in wasm memory before the least recently used move out. */
export function setMemoryBudget(bytes: number): void {
  if (!(bytes > 0)) throw new RangeError(`memory budget must be a positive number of bytes, but got ${bytes}`);
  budget = bytes;
}
