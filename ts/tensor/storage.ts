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
 * - An Arena (one per ONNX InferenceSession) recycles wasm blocks by exact byte size while it is
 *   the current arena (during a run): storages take a free block of their size from it and give the
 *   block back when released during that run, so a repeated run allocates nothing but its outputs.
 *   Blocks of storages that outlive the run (outputs) leave the arena and are freed as usual.
 */
import { heapU8, kernels } from '../backend/wasm.js';

/** The part of a storage the finalizer needs: no reference to the (possibly spilled) bytes. */
class Handle {
  ptr = 0;
  refs = 0;
  /** The arena the block came from, and the run of that arena (blocks return only in that run). */
  arena: Arena | null = null;
  run = 0;
  constructor(public readonly nbytes: number) {}
}

const resident = new Map<Handle, Storage>();
let residentBytes = 0;
let totalBytes = 0;
let liveTensors = 0;
let epoch = 0;
let budget = 256 * 1024 * 1024;
/** kernels.alloc calls made for storages (internal: tests/onnx-memory-plan.test.ts). */
let allocCount = 0;
/** Bytes held as free blocks by arenas (not tensors; never evicted, dropped under memory pressure). */
let pooledBytes = 0;
/** The arena allocations draw from (set while a session runs). */
let current: Arena | null = null;
/** Arenas holding free blocks. */
const arenas = new Set<Arena>();

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
    const a = h.arena;
    if (a !== null && a === current && h.run === a.run) a.giveBack(h.nbytes, h.ptr);
    else kernels.free(h.ptr);
    residentBytes -= h.nbytes;
    h.ptr = 0;
  }
  resident.delete(h);
  if (s) s.spill = null;
  totalBytes -= h.nbytes;
}

function wasmAlloc(nbytes: number): number {
  epoch++;
  if (residentBytes + pooledBytes + nbytes > budget) {
    // free blocks of arenas not in use go first, then the least recently used tensors move out
    for (const a of [...arenas]) if (a !== current) a.dropFree(0);
    if (residentBytes + nbytes > budget) evict(Math.max(0, budget / 2 - nbytes));
  }
  allocCount++;
  const p = kernels.alloc(nbytes);
  if (!p) {
    for (const a of [...arenas]) a.dropFree(0);
    evict(0);
    allocCount++;
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
    const h = (this.h = new Handle(nbytes));
    const a = current;
    if (a !== null) {
      h.arena = a;
      h.run = a.run;
      h.ptr = a.take(nbytes);
      if (h.ptr) epoch++;
    }
    if (!h.ptr) h.ptr = wasmAlloc(nbytes);
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

/** Free blocks of one size in an arena, and how many of that size a run held at once. */
interface Pool {
  free: number[];
  out: number;
  high: number;
}

/**
 * A pool of wasm blocks keyed by exact byte size, drawn from while it is the current arena
 * (`enterArena`/`exitArena` around a run). After a run it keeps the free blocks the run needs again
 * (the most it held of each size at once, minus what it handed out), and beyond those only up to
 * twice the run's peak bytes; `dispose()` frees them all.
 * @internal
 */
export class Arena {
  readonly pools = new Map<number, Pool>();
  /** Bytes of free blocks held. */
  freeBytes = 0;
  /** The current (or last) run; a block returns to the arena only in the run that took it. */
  run = 0;
  private depth = 0;
  private outBytes = 0;
  private peakBytes = 0;

  /** Counts a block of `nbytes` taken by a storage; returns a free one (or 0: allocate one). */
  take(nbytes: number): number {
    let p = this.pools.get(nbytes);
    if (!p) this.pools.set(nbytes, (p = { free: [], out: 0, high: 0 }));
    if (++p.out > p.high) p.high = p.out;
    this.outBytes += nbytes;
    if (this.outBytes > this.peakBytes) this.peakBytes = this.outBytes;
    const ptr = p.free.pop();
    if (ptr === undefined) return 0;
    this.freeBytes -= nbytes;
    pooledBytes -= nbytes;
    return ptr;
  }

  /** Takes back a block released during the run that took it. */
  giveBack(nbytes: number, ptr: number): void {
    let p = this.pools.get(nbytes);
    if (!p) this.pools.set(nbytes, (p = { free: [], out: 1, high: 1 }));
    p.out--;
    this.outBytes -= nbytes;
    p.free.push(ptr);
    this.freeBytes += nbytes;
    pooledBytes += nbytes;
    arenas.add(this);
  }

  /** Frees free blocks beyond `keep(size)` of each size while more than `limit` bytes are held. */
  dropFree(limit: number, keep: (p: Pool) => number = () => 0): void {
    for (const [n, p] of this.pools) {
      const k = keep(p);
      while (p.free.length > k && this.freeBytes > limit) {
        kernels.free(p.free.pop() as number);
        this.freeBytes -= n;
        pooledBytes -= n;
      }
      if (!p.free.length && !p.out) this.pools.delete(n);
    }
    if (!this.freeBytes) arenas.delete(this);
  }

  /** Makes this the current arena (a new run); returns the arena it replaces for `exit`. */
  enter(): Arena | null {
    const prev = current;
    if (this.depth++ === 0) {
      this.run++;
      this.outBytes = this.peakBytes = 0;
      for (const p of this.pools.values()) p.out = p.high = 0;
    }
    current = this;
    return prev;
  }

  /** Ends a run: restores the previous arena and trims the free blocks. */
  exit(prev: Arena | null): void {
    current = prev;
    if (--this.depth > 0) return;
    this.run++; // blocks still held (outputs) now belong to the caller
    this.dropFree(2 * this.peakBytes, (p) => p.high);
  }

  /** Frees every free block (session.release()); storages still holding blocks free them as usual. */
  dispose(): void {
    this.dropFree(0);
    this.pools.clear();
  }
}

/** @internal The number of wasm allocations made for tensor storage so far. */
export function wasmAllocations(): number {
  return allocCount;
}

/**
 * Bytes of kernel caches derived from tensors (Winograd-transformed conv weights): not tensors,
 * bounded by the budget, reported by torch.memory() as cachedBytes.
 */
let cachedBytes = 0;

/** @internal Adds (or with a negative delta removes) bytes of a kernel cache. */
export function trackCachedBytes(delta: number): void {
  cachedBytes += delta;
}

/** @internal The memory budget (bytes tensors may keep in wasm memory; kernel caches are bounded by it too). */
export function memoryBudget(): number {
  return budget;
}

/** Live-memory figures for torch.memory(). */
export function memoryStats(): { tensors: number; bytes: number; residentBytes: number; pooledBytes: number; cachedBytes: number; budget: number } {
  return { tensors: liveTensors, bytes: totalBytes, residentBytes, pooledBytes, cachedBytes, budget };
}

/** Sets the number of bytes tensors may keep in wasm memory before the least recently used move out. */
export function setMemoryBudget(bytes: number): void {
  if (!(bytes > 0)) throw new RangeError(`memory budget must be a positive number of bytes, but got ${bytes}`);
  budget = bytes;
}
