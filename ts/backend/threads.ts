/**
 * Multi-threaded kernels: the thread count, the pool of kernel workers over the one shared wasm
 * memory, and the parallel-for over row blocks that GEMM (matmul, linear, bmm, conv) runs on.
 *
 * Protocol (control block in shared memory, allocated by the main thread, which owns the
 * allocator; workers never allocate). A launch writes its arguments, resets DONE, publishes the
 * claim word (8-bit launch id | 12-bit block count | 12-bit next block) and bumps WAKE. Every
 * thread, the caller included, claims blocks with compare-exchange on the claim word, runs them and
 * counts them in DONE; the caller then waits for DONE (Atomics.wait where allowed, else spins). A
 * successful claim proves its launch is still open, so the arguments read after it are that
 * launch's. Workers that are slow to start simply take no blocks. Between launches an idle worker
 * spins for a bounded time (SPIN_US, default 100 µs) before it sleeps in Atomics.wait, and the
 * caller spins as long before it sleeps waiting for DONE: back-to-back launches (the GEMMs of a
 * training step, the layers of a network) then skip the futex wake-ups, which cost tens to hundreds
 * of microseconds each on a VM.
 *
 * Launch kinds (argument layouts in ts/platform/thread-worker.ts): 1 GEMM row or column blocks
 * (each block packs its own panels), 2 elementwise chunks, 3 reduction rows, 4 one-region GEMM
 * with a shared packed B (pack units, then row blocks; a row block packs any unit not yet done itself), 5 conv forward bands (im2col + GEMM per
 * band of output rows), 6 im2col channel blocks, 7 optimizer update chunks, 8 depthwise conv output
 * channel blocks (each thread on its own padded scratch planes), 9 GEMM row blocks on pre-packed
 * constant weights (the ONNX fused nodes), 10 Winograd conv units
 * (a block of tiles x a range of output channels of one image).
 *
 * Determinism: every output row is computed by the same instruction sequence whichever thread runs
 * it and however the rows are split (block bounds are multiples of 4, the micro-kernel height), so
 * results are bit-identical for any thread count.
 */
import { detectThreads, startKernelThread, type KernelThread, type ThreadSupport } from '../platform/threads.js';

/** The raw exports the pool calls. */
interface RawKernels {
  memory: WebAssembly.Memory;
  alloc(n: number): number;
  free(p: number): void;
  sgemm_rows(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, m0: number, m1: number): void;
  sgemm_ws_bytes(M: number, N: number, K: number): number;
  sgemm_ws_init(ws: number, M: number, N: number, K: number): void;
  sgemm_kc(): number;
  sgemm_nc(): number;
  sgemm_pb_bytes(K: number, N: number): number;
  sgemm_pb_pack(transB: number, K: number, N: number, b: number, ldb: number, pb: number, k0: number, c0: number, c1: number, kcb: number, ncb: number): void;
  sgemm_pb_ws_bytes(K: number, kcb: number): number;
  sgemm_pa_bytes(M: number, K: number): number;
  sgemm_pa_pack(transA: number, M: number, K: number, a: number, lda: number, pa: number, k0: number, r0: number, r1: number, kcb: number): void;
  sgemm_pa_ws_bytes(N: number, K: number, kcb: number, ncb: number): number;
  sgemm_pa(transB: number, M: number, N: number, K: number, alpha: number, pa: number, b: number, ldb: number, beta: number, c: number, ldc: number, kcb: number, ncb: number, ws: number): void;
  sgemm_rows_pb(transA: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, pb: number, beta: number, c: number, ldc: number, m0: number, m1: number, kcb: number, ncb: number, ws: number): void;
  sgemm_pbe(transA: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, pb: number, c: number, ldc: number, tc: number, m0: number, m1: number, kcb: number, ncb: number, ws: number, bias: number, bmode: number, z: number, act: number, lo: number, hi: number): void;
  unary(op: number, kind: number, x: number, o: number, nd: number, meta: number, p: number, q: number): void;
  binary(op: number, kind: number, a: number, b: number, o: number, nd: number, meta: number, cmp: number): void;
  reduce(op: number, kind: number, x: number, o: number, outer: number, k: number, inner: number): void;
  reduce_rows(op: number, kind: number, x: number, o: number, r0: number, r1: number, k: number, inner: number): void;
  adam_step(p: number, g: number, m: number, v: number, vmax: number, n: number, beta1: number, beta2: number, eps: number, wd: number, pmul: number, negStep: number, bc2s: number, flags: number): void;
  sgd_step(p: number, g: number, buf: number, n: number, lr: number, momentum: number, dampening: number, wd: number, flags: number): void;
  im2col_f32(x: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, col: number): void;
  dwconv2d_planes_f32(x: number, w: number, bias: number, N: number, C: number, mult: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, OH: number, OW: number, out: number, o0: number, o1: number, ws: number): void;
  wino_pad_bytes(v: number, C: number, OH: number, OW: number): number;
  wino_pad_f32(v: number, x: number, C: number, H: number, W: number, s: number, ph: number, pw: number, OH: number, OW: number, P: number): void;
  wino_ws_bytes(v: number, C: number, O: number, TB: number): number;
  wino_tiles_f32(v: number, P: number, C: number, OH: number, OW: number, u: number, O: number, o0: number, o1: number, bias: number, y: number, t0: number, t1: number, ws: number): void;
}

// control block layout (i32 indices) — keep in step with ts/platform/thread-worker.ts
const WAKE = 0;
const CLAIM = 16;
const DONE = 32;
/** Shared-B GEMM: pack units finished (row blocks start when all are). */
const PACKED = 40;
const ACTIVE = 50;
const QUIT = 48;
const ERR = 52;
/** How long (µs) an idle worker spins for the next launch before it sleeps in Atomics.wait. */
const SPIN_US = 54;
const ARGS_BYTES = 256;
const CTL_BYTES = 1024;
const MAX_BLOCKS = 4095;

let support: ThreadSupport = { ok: false, cores: 1, canWait: false, reason: 'the kernels are not loaded yet' };
let raw: RawKernels | null = null;
let mod: WebAssembly.Module | null = null;
let threads = 1;
let workers: KernelThread[] = [];
let ctlPtr = 0;
/** Done flags of the pack units of a launch (i32 per unit, MAX_BLOCKS of them). */
let flagPtr = 0;
let launchId = 0;
/** A scratch region in wasm memory, grown on demand (never shrunk) and freed by stopWorkers(). */
class Scratch {
  ptr = 0;
  bytes = 0;
  /** At least `need` bytes (with `slack` extra on growth); false when allocation fails. */
  ensure(r: RawKernels, need: number, slack = need >> 3): boolean {
    if (need <= this.bytes) return true;
    if (this.ptr) r.free(this.ptr);
    const n = need + slack;
    this.ptr = r.alloc(n);
    this.bytes = this.ptr ? n : 0;
    return this.ptr !== 0;
  }
  free(r: RawKernels): void {
    if (this.ptr) r.free(this.ptr);
    this.ptr = 0;
    this.bytes = 0;
  }
}
// per-worker GEMM workspaces of the row/column-block GEMM
const ws = new Scratch();
// shared packed B of the one-region GEMM and its per-thread workspaces (slot 0: the caller)
const pbScratch = new Scratch();
const pwsScratch = new Scratch();
// per-thread im2col buffers + GEMM workspaces of the fused conv region (slot 0: the caller)
const cvScratch = new Scratch();
// the conv weights packed once per conv (shared by all threads)
const paScratch = new Scratch();
// per-thread padded planes of the depthwise conv (slot 0: the caller)
const dwScratch = new Scratch();
// per-thread workspaces of the GEMM on pre-packed weights (slot 0: the caller)
const pbeScratch = new Scratch();
// Winograd conv: the padded input images, per-thread workspaces (slot 0: the caller)
const wnPad = new Scratch();
const wnWs = new Scratch();
/** Most bytes of padded input images one Winograd launch prepares (bigger batches run in chunks). */
const WN_PAD_MAX = 64 << 20;
/** Largest shared packed B (bytes); bigger products use per-block packing. */
const PB_MAX = 64 << 20;
let sharedBOn = true;

/** @internal Turns the shared-B GEMM region on or off (A/B measurements); returns the old setting. */
export function setSharedGemm(on: boolean): boolean {
  const old = sharedBOn;
  sharedBOn = on;
  return old;
}
/** Minimum multiply-adds (M*N*K) for a GEMM to be split across threads. */
let gemmThreshold = 1 << 19;
/** Minimum elements for an elementwise launch to be split; chunk size (a multiple of 4). */
let ewThreshold = 1 << 18;
const EW_CHUNK = 1 << 16;
/** Spin time (µs) of idle workers and of the waiting caller before they sleep. */
let spinUs = 100;
// chunk metadata for elementwise blocks ([len, stride x, stride y] of a full and of the last chunk)
const META_FULL = 56;
const META_LAST = 60;

/** Probes the runtime; called before the kernels are instantiated (decides which build loads). */
export async function probeThreads(): Promise<ThreadSupport> {
  support = await detectThreads();
  return support;
}

/** Hands the pool the threaded module and its instance (shared memory); sets the default count. */
export function attachThreads(module: WebAssembly.Module | null, exports: RawKernels | null, reason?: string): void {
  mod = module;
  raw = exports;
  if (!module || !exports) {
    support = { ...support, ok: false, cores: support.cores, reason: reason ?? support.reason };
    threads = 1;
    return;
  }
  threads = Math.max(1, support.envThreads || support.cores);
  if (support.envGemmMin !== undefined) gemmThreshold = support.envGemmMin;
  if (support.envEwMin !== undefined) ewThreshold = support.envEwMin;
  if (support.envSpinUs !== undefined) spinUs = support.envSpinUs;
}

/** The runtime's thread facts and the current count (for torch.backends()). */
export function threadInfo(): { available: boolean; cores: number; numThreads: number; workers: number; reason: string } {
  return { available: !!raw, cores: support.cores, numThreads: threads, workers: workers.length, reason: raw ? '' : support.reason };
}

/** Sets the kernel thread count (clamped to 1 where threads are unavailable). */
export function setThreads(n: number): void {
  threads = raw ? Math.min(n, 256) : 1;
  // workers beyond the new count stay asleep (they take no blocks), ready for a later increase
  if (ctlPtr && raw) Atomics.store(new Int32Array(raw.memory.buffer, ctlPtr, CTL_BYTES >> 2), ACTIVE, threads);
}

export function getThreads(): number {
  return threads;
}

/** @internal Lowers the size below which GEMMs stay on the calling thread (tests). */
export function setGemmThreshold(macs: number): number {
  const old = gemmThreshold;
  gemmThreshold = macs;
  return old;
}

/** @internal Lowers the size below which elementwise launches stay on the calling thread (tests). */
export function setElementwiseThreshold(n: number): number {
  const old = ewThreshold;
  ewThreshold = n;
  return old;
}

/** Stops the workers (they restart lazily on the next large launch). */
export function stopWorkers(): void {
  if (!raw || ctlPtr === 0) return;
  const ctl = new Int32Array(raw.memory.buffer, ctlPtr, CTL_BYTES >> 2);
  Atomics.store(ctl, QUIT, 1);
  Atomics.add(ctl, WAKE, 1);
  Atomics.notify(ctl, WAKE);
  for (const w of workers) w.terminate();
  workers = [];
  // the old control block is left allocated: a worker still winding down may read it
  ctlPtr = 0;
  for (const sc of [ws, pbScratch, pwsScratch, cvScratch, paScratch, dwScratch, pbeScratch, wnPad, wnWs]) sc.free(raw);
}

function ensureWorkers(r: RawKernels): void {
  if (!ctlPtr) {
    ctlPtr = r.alloc(CTL_BYTES);
    new Uint8Array(r.memory.buffer, ctlPtr, CTL_BYTES).fill(0);
  }
  if (!flagPtr) flagPtr = r.alloc(4 * MAX_BLOCKS);
  while (workers.length < threads - 1) workers.push(startKernelThread({ module: mod, memory: r.memory, ctl: ctlPtr, slot: workers.length + 1 }));
  const ctl = new Int32Array(r.memory.buffer, ctlPtr, CTL_BYTES >> 2);
  Atomics.store(ctl, ACTIVE, threads);
  Atomics.store(ctl, SPIN_US, spinUs);
}

/** @internal Sets how long (µs) idle workers and the waiting caller spin before sleeping; returns the old value. */
export function setSpinMicros(us: number): number {
  const old = spinUs;
  spinUs = Math.max(0, Math.floor(us));
  if (ctlPtr && raw) Atomics.store(new Int32Array(raw.memory.buffer, ctlPtr, CTL_BYTES >> 2), SPIN_US, spinUs);
  return old;
}

/**
 * Runs blocks 0..total-1 on the pool and the calling thread; `own(b)` runs block b here. The
 * arguments workers read must be in `args` (filled by `fill`) before the launch is published.
 */
function launch(r: RawKernels, total: number, fill: (args: Float64Array) => void, own: (b: number) => void): void {
  const buf = r.memory.buffer;
  const ctl = new Int32Array(buf, ctlPtr, CTL_BYTES >> 2);
  fill(new Float64Array(buf, ctlPtr + ARGS_BYTES, (CTL_BYTES - ARGS_BYTES) >> 3));
  Atomics.store(ctl, DONE, 0);
  Atomics.store(ctl, PACKED, 0);
  Atomics.store(ctl, ERR, 0);
  launchId = (launchId + 1) & 0xff;
  Atomics.store(ctl, CLAIM, (launchId << 24) | (total << 12));
  Atomics.add(ctl, WAKE, 1);
  Atomics.notify(ctl, WAKE);
  let err: unknown = null;
  for (;;) {
    const w = Atomics.load(ctl, CLAIM);
    const next = w & 0xfff;
    if (next >= total) break;
    if (Atomics.compareExchange(ctl, CLAIM, w, (w + 1) | 0) !== w) continue;
    try {
      own(next);
    } catch (e) {
      err = e;
    }
    Atomics.add(ctl, DONE, 1);
  }
  // the last blocks usually finish within microseconds of each other: spin a little before
  // sleeping, so the caller does not pay a futex wake-up when a worker finishes last
  if (Atomics.load(ctl, DONE) < total) {
    const until = performance.now() + spinUs / 1000;
    for (let i = 1; Atomics.load(ctl, DONE) < total; i++) {
      if ((i & 127) === 0 && support.canWait && performance.now() > until) break;
    }
  }
  for (let d = Atomics.load(ctl, DONE); d < total; d = Atomics.load(ctl, DONE)) {
    if (support.canWait) Atomics.wait(ctl, DONE, d, 20);
  }
  if (err) throw err;
  if (Atomics.load(ctl, ERR)) throw new Error('torchlet: a kernel failed in a worker thread');
}

/**
 * `batch` sgemm products with element strides sa, sb, sc (the contract of simd/gemm.ts), split over
 * the threads when large enough; otherwise one call on this thread. Tall products are split into
 * row blocks (each block packs its rows of A and all of B), wide ones (N > 4M, e.g. conv: few output
 * channels, many pixels) into column blocks (each packs all of A and its columns of B), whichever
 * repacks less. Block bounds are multiples of 4 rows / 8 columns and the last column block is at
 * least 8 wide, so every element goes through the same code path as in one call.
 */
export function parallelSgemmBatch(
  serial: () => void,
  transA: number, transB: number, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, sa: number, b: number, ldb: number, sb: number, beta: number, c: number, ldc: number, sc: number, batch: number,
): void {
  const r = raw;
  const nt = threads;
  if (!r || nt <= 1 || M <= 0 || N <= 0 || batch <= 0 || M * N * K * batch < gemmThreshold) return serial();
  const cols = N > 4 * M && N >= 16;
  if (!cols && M < 8) return serial();
  // about two blocks per thread (dynamic claiming evens out a busy core)
  const want = nt * 2;
  let bs: number;
  let bpb: number;
  if (cols) {
    bpb = Math.max(1, Math.min(Math.ceil(want / batch), Math.floor(N / 8)));
    bs = Math.max(8, Math.floor(N / bpb / 8) * 8);
    bpb = Math.max(1, Math.floor(N / bs));
  } else {
    bpb = Math.min(Math.ceil(want / batch), Math.ceil(M / 4));
    bs = Math.ceil(M / bpb / 4) * 4;
    bpb = Math.ceil(M / bs);
  }
  if (bpb * batch < 2) return serial();
  ensureWorkers(r);
  if (sharedBOn && !cols && batch === 1 && N >= 2 && K > 0 && alpha !== 0 && sharedB(r, nt, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc)) return;
  // one workspace per started worker (even one past the active count may still claim a block
  // after setNumThreads lowered it), sized for this product; the main thread uses its own buffers
  const nw = workers.length;
  const stride = (r.sgemm_ws_bytes(M, N, K) + 63) & ~63;
  const need = stride * nw;
  if (!ws.ensure(r, need, need >> 2)) return serial();
  const wsPtr = ws.ptr;
  for (let s = 0; s < nw; s++) r.sgemm_ws_init(wsPtr + s * stride, M, N, K);
  const perLaunch = Math.max(1, Math.floor(MAX_BLOCKS / bpb));
  for (let b0 = 0; b0 < batch; b0 += perLaunch) {
    const nb = Math.min(perLaunch, batch - b0);
    const a0 = a + b0 * sa * 4;
    const bb0 = b + b0 * sb * 4;
    const c0 = c + b0 * sc * 4;
    launch(
      r,
      nb * bpb,
      (x) => {
        x.set([1, transA, transB, M, N, K, alpha, a0, lda, sa, bb0, ldb, sb, beta, c0, ldc, sc, bs, bpb, wsPtr, stride, cols ? 1 : 0]);
      },
      (blk) => {
        const bi = Math.floor(blk / bpb);
        const j = blk - bi * bpb;
        const ab = a0 + bi * sa * 4;
        const bb = bb0 + bi * sb * 4;
        const cb = c0 + bi * sc * 4;
        if (cols) {
          const n0 = j * bs;
          const n1 = j === bpb - 1 ? N : n0 + bs;
          r.sgemm_rows(transA, transB, M, n1 - n0, K, alpha, ab, lda, bb + (transB ? n0 * ldb : n0) * 4, ldb, beta, cb + n0 * 4, ldc, 0, M);
        } else {
          const m0 = j * bs;
          r.sgemm_rows(transA, transB, M, N, K, alpha, ab, lda, bb, ldb, beta, cb, ldc, m0, Math.min(M, m0 + bs));
        }
      },
    );
  }
}

/**
 * Rows of a GEMM on pre-packed op(B) panels with its epilogue (simd/gemm.ts sgemm_pbe: the ONNX
 * weights packed at session creation, ts/io/onnx/ops/gemm-packed.ts; arguments as sgemm_pbe's
 * without the row range and workspace) split over the threads in blocks of whole 4-row panels,
 * about four per thread: every output element goes through the same code as in one call, so the
 * result is bit-identical. Returns false (nothing done) when the product should run on this thread.
 */
export function parallelPackedGemm(
  transA: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, pb: number, c: number, ldc: number, tc: number,
  kcb: number, ncb: number, bias: number, bmode: number, z: number, act: number, lo: number, hi: number,
): boolean {
  const r = raw;
  const nt = threads;
  if (!r || nt <= 1 || M < 8 || N <= 0 || K <= 0 || M * N * K < gemmThreshold) return false;
  const rb = Math.max(4, Math.ceil(M / (4 * nt) / 4) * 4);
  const R = Math.ceil(M / rb);
  if (R < 2 || R > MAX_BLOCKS) return false;
  ensureWorkers(r);
  const nw = workers.length;
  const wsb = (r.sgemm_pb_ws_bytes(K, kcb) + 63) & ~63;
  if (!pbeScratch.ensure(r, wsb * (nw + 1) + 64)) return false;
  const ws0 = (pbeScratch.ptr + 63) & ~63;
  launch(
    r,
    R,
    (x) => {
      x.set([9, transA, M, N, K, alpha, a, lda, pb, c, ldc, tc, kcb, ncb, rb, ws0, wsb, bias, bmode, z, act, lo, hi]);
    },
    (blk) => {
      const m0 = blk * rb;
      r.sgemm_pbe(transA, M, N, K, alpha, a, lda, pb, c, ldc, tc, m0, Math.min(M, m0 + rb), kcb, ncb, ws0, bias, bmode, z, act, lo, hi);
    },
  );
  return true;
}

/**
 * Makes sure all P pack units of the current launch are done before a compute block reads them,
 * without waiting on another thread: a unit not yet marked done (still being packed by a thread that
 * a busy machine may have descheduled) is packed here too — the same bytes to the same place, so
 * the result does not depend on who finishes first — and marked done.
 */
function ensurePacked(ctl: Int32Array, flags: Int32Array, P: number, pack: (u: number) => void): void {
  if (Atomics.load(ctl, PACKED) >= P) return;
  for (let u = 0; u < P; u++) {
    if (Atomics.load(flags, u)) continue;
    pack(u);
    if (Atomics.exchange(flags, u, 1) === 0) Atomics.add(ctl, PACKED, 1);
  }
}

/**
 * One parallel region for a row-split GEMM: op(B) is packed once into a buffer every thread shares
 * (the first P blocks of the launch: K slices x column chunks, claimed like any block), then the
 * remaining blocks are row blocks (multiples of 4 rows, about 8 per thread for dynamic balance)
 * computed against the shared panels; a thread that claims a row block first waits until every pack
 * unit is done (they were all claimed before it, so the wait is short). Returns false (nothing done)
 * when the shared buffer would be too large or cannot be allocated.
 */
function sharedB(
  r: RawKernels, nt: number, transA: number, transB: number, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number,
): boolean {
  const need = r.sgemm_pb_bytes(K, N);
  if (need > PB_MAX) return false;
  const kcb = r.sgemm_kc();
  const ncb = r.sgemm_nc();
  const slices = Math.ceil(K / kcb);
  // pack units: column chunks (multiples of 16 columns, within one ncb block) of each K slice
  let cw = Math.max(64, Math.ceil(N / (2 * nt) / 16) * 16);
  cw = Math.min(cw, ncb);
  while (ncb % cw) cw -= 16;
  const chunks = Math.ceil(N / cw);
  const P = slices * chunks;
  // row blocks: multiples of 4 rows, about 8 per thread
  const rb = Math.max(4, Math.ceil(M / (8 * nt) / 4) * 4);
  const R = Math.ceil(M / rb);
  if (P + R > MAX_BLOCKS) return false;
  const nw = workers.length;
  const wsb = (r.sgemm_pb_ws_bytes(K, kcb) + 63) & ~63;
  if (!pbScratch.ensure(r, need + 16) || !pwsScratch.ensure(r, wsb * (nw + 1) + 64)) return false;
  // 16-byte aligned shared panels, 64-byte aligned workspaces
  const pb = (pbScratch.ptr + 15) & ~15;
  const ws0 = (pwsScratch.ptr + 63) & ~63;
  const buf = r.memory.buffer;
  const ctl = new Int32Array(buf, ctlPtr, CTL_BYTES >> 2);
  const flags = new Int32Array(buf, flagPtr, P);
  const pack = (u: number): void => {
    const s = Math.floor(u / chunks);
    const c0 = (u - s * chunks) * cw;
    r.sgemm_pb_pack(transB, K, N, b, ldb, pb, s * kcb, c0, Math.min(N, c0 + cw), kcb, ncb);
  };
  launch(
    r,
    P + R,
    (x) => {
      flags.fill(0);
      x.set([4, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, pb, P, chunks, cw, rb, kcb, ncb, ws0, wsb, flagPtr]);
    },
    (blk) => {
      if (blk < P) {
        pack(blk);
        if (Atomics.exchange(flags, blk, 1) === 0) Atomics.add(ctl, PACKED, 1);
        return;
      }
      ensurePacked(ctl, flags, P, pack);
      const m0 = (blk - P) * rb;
      r.sgemm_rows_pb(transA, M, N, K, alpha, a, lda, pb, beta, c, ldc, m0, Math.min(M, m0 + rb), kcb, ncb, ws0);
    },
  );
  return true;
}

/** Geometry of a 2-d convolution (the fields of ConvGeo in ts/ops/conv.ts). */
export interface ConvShape {
  N: number; C: number; H: number; W: number; O: number; groups: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  OH: number; OW: number;
}

/**
 * The forward of an im2col convolution in one parallel region. The first P blocks pack the weights
 * (each group's [Og, K] matrix, K slices x row chunks) once into a buffer all threads share; the
 * rest are bands of output rows of one (image, group): a thread does the band's im2col into its own
 * column buffer and the band's GEMM (packed weights @ columns [K, rows*OW]) straight into y, after
 * waiting until every pack unit is done (they were all claimed before). Nothing runs serially
 * between images, and bands can be small (no per-band repacking of the weights). Used for wide
 * products (many pixels, few output channels). Every output element goes through the same GEMM
 * code as one sgemm over all L columns (M >= 2 and every band has >= 2 columns keep the packed
 * path; alpha = 1, beta = 0), so results are bit-identical to the serial conv. Returns false
 * (nothing done) when the conv should run the serial way.
 */
export function parallelConvForward(g: ConvShape, xp: number, wp: number, yp: number): boolean {
  const r = raw;
  const nt = threads;
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const K = Cg * g.kh * g.kw;
  const L = g.OH * g.OW;
  if (!r || nt <= 1 || Og < 2 || g.OW < 2 || K <= 0 || L <= 4 * Og) return false;
  if (g.N * g.groups * Og * L * K < gemmThreshold) return false;
  const kcb = r.sgemm_kc();
  const ncb = r.sgemm_nc();
  const paG = r.sgemm_pa_bytes(Og, K);
  if (paG * g.groups > PB_MAX) return false;
  const per = g.N * g.groups;
  // about four bands per thread, each at least ~128 columns, at most 1M floats of columns
  let nr = Math.ceil(g.OH / Math.max(1, Math.ceil((4 * nt) / per)));
  nr = Math.max(nr, Math.min(g.OH, Math.ceil(128 / g.OW)));
  nr = Math.max(1, Math.min(nr, Math.floor((1 << 20) / (K * g.OW))));
  const bands = Math.ceil(g.OH / nr);
  const slices = Math.ceil(K / kcb);
  const rcw = Math.max(4, Math.ceil(Og / (2 * nt) / 4) * 4);
  const chunks = Math.ceil(Og / rcw);
  const P = g.groups * slices * chunks;
  const total = P + per * bands;
  if (per * bands < 2 || total > MAX_BLOCKS) return false;
  ensureWorkers(r);
  const nw = workers.length;
  const colB = (K * nr * g.OW * 4 + 63) & ~63;
  const wsB = (r.sgemm_pa_ws_bytes(nr * g.OW, K, kcb, ncb) + 63) & ~63;
  const stride = colB + wsB;
  if (!cvScratch.ensure(r, stride * (nw + 1) + 64) || !paScratch.ensure(r, paG * g.groups + 16)) return false;
  const base = (cvScratch.ptr + 63) & ~63;
  const pa = (paScratch.ptr + 15) & ~15;
  const HW = g.H * g.W;
  const ctl = new Int32Array(r.memory.buffer, ctlPtr, CTL_BYTES >> 2);
  const flags = new Int32Array(r.memory.buffer, flagPtr, P);
  const pack = (u: number): void => {
    const gi = Math.floor(u / (slices * chunks));
    const rest = u - gi * slices * chunks;
    const s = Math.floor(rest / chunks);
    const r0 = (rest - s * chunks) * rcw;
    r.sgemm_pa_pack(0, Og, K, wp + 4 * gi * Og * K, K, pa + gi * paG, s * kcb, r0, Math.min(Og, r0 + rcw), kcb);
  };
  launch(
    r,
    total,
    (x) => {
      flags.fill(0);
      x.set([5, g.groups, bands, nr, g.C, Cg, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.OH, g.OW, g.O, Og, K, xp, wp, yp, base, stride, colB, P, slices, chunks, rcw, kcb, ncb, pa, paG, flagPtr]);
    },
    (blk) => {
      if (blk < P) {
        pack(blk);
        if (Atomics.exchange(flags, blk, 1) === 0) Atomics.add(ctl, PACKED, 1);
        return;
      }
      ensurePacked(ctl, flags, P, pack);
      const bb = blk - P;
      const ng = Math.floor(bb / bands);
      const r0 = (bb - ng * bands) * nr;
      const n = Math.floor(ng / g.groups);
      const gi = ng - n * g.groups;
      const rows = Math.min(nr, g.OH - r0);
      const cols = rows * g.OW;
      r.im2col_f32(xp + 4 * (n * g.C + gi * Cg) * HW, Cg, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph - r0 * g.sh, g.pw, g.dh, g.dw, rows, g.OW, base);
      r.sgemm_pa(0, Og, cols, K, 1, pa + gi * paG, base, cols, 0, yp + 4 * ((n * g.O + gi * Og) * L + r0 * g.OW), L, kcb, ncb, base + colB);
    },
  );
  return true;
}

/**
 * The depthwise conv of dwconv2d_planes_f32 (all N images, output channels [0, CO)) split into
 * blocks of output channels, each on its thread's scratch planes (wsBytes each); every channel is
 * computed by the same code whatever the split. Returns false (the caller runs it serially) when
 * it is too small or there is one thread.
 */
export function parallelDepthwise(
  x: number, w: number, N: number, C: number, mult: number, H: number, W: number, kh: number, kw: number,
  sh: number, sw: number, ph: number, pw: number, OH: number, OW: number, y: number, wsBytes: number,
): boolean {
  const r = raw;
  const nt = threads;
  const CO = C * mult;
  if (!r || nt <= 1 || CO < 2 || N * CO * OH * OW * kh * kw < ewThreshold) return false;
  // whole input channels per block (a block fills each input plane once for its `mult` outputs)
  const total = Math.min(C, nt * 4);
  const cb = Math.ceil(C / total) * mult;
  const blocks = Math.ceil(CO / cb);
  ensureWorkers(r);
  const stride = (wsBytes + 63) & ~63;
  if (!dwScratch.ensure(r, stride * (workers.length + 1) + 64)) return false;
  const base = (dwScratch.ptr + 63) & ~63;
  launch(
    r,
    blocks,
    (a) => {
      a.set([8, x, w, N, C, mult, H, W, kh, kw, sh, sw, ph, pw, OH, OW, y, base, stride, cb, CO]);
    },
    (b) => {
      r.dwconv2d_planes_f32(x, w, 0, N, C, mult, H, W, kh, kw, sh, sw, ph, pw, OH, OW, y, b * cb, Math.min(CO, (b + 1) * cb), base);
    },
  );
  return true;
}

/**
 * Winograd conv forward (simd/winograd.ts) in parallel regions of up to WN_PAD_MAX bytes of images:
 * the caller copies each image into its padded channel-interleaved form (wino_pad_f32, serial: a
 * fraction of the work), then the units (image, block of tiles, range of output channels) run
 * wino_tiles_f32 on the pool, each with its own workspace. Tile blocks shrink, and output channels are split into ranges (multiples of
 * 8), until there are about two units per thread (small images: resnet18's layer4 has 4 tiles).
 * Every output element is computed by the same instructions in any unit, so results are
 * bit-identical to the serial wino_conv_f32. Returns false (nothing done) for the serial path.
 */
export function parallelWinograd(
  v: number, N: number, C: number, H: number, W: number, s: number, ph: number, pw: number, OH: number, OW: number,
  u: number, O: number, bias: number, xp: number, yp: number, TB: number,
): boolean {
  const r = raw;
  const nt = threads;
  if (!r || nt <= 1) return false;
  const m = v === 2 ? 2 : 4;
  const n = v === 2 ? 4 : v === 7 ? 7 : 6;
  const Cs = C * s * s;
  const T = Math.ceil(OH / m) * Math.ceil(OW / m);
  if (N * T * n * n * Cs * O < gemmThreshold) return false;
  const padB = (r.wino_pad_bytes(v, Cs, OH, OW) + 63) & ~63;
  // images per launch: their padded copies within WN_PAD_MAX (at least one image)
  const NB = Math.max(1, Math.min(N, Math.floor(WN_PAD_MAX / padB)));
  const O8 = Math.ceil(O / 8);
  let tb = Math.max(4, Math.ceil(Math.min(TB, T) / 4) * 4);
  if (NB * Math.ceil(T / tb) < 2 * nt) tb = Math.max(4, Math.ceil(T / Math.ceil((2 * nt) / NB) / 4) * 4);
  const tbk = Math.ceil(T / tb);
  let oc = NB * tbk >= 2 * nt ? 1 : Math.min(O8, Math.ceil((2 * nt) / (NB * tbk)));
  const ocw = Math.ceil(O8 / oc) * 8;
  oc = Math.ceil(O / ocw);
  if (NB * tbk * oc < 2 || NB * tbk * oc > MAX_BLOCKS) return false;
  ensureWorkers(r);
  const nw = workers.length;
  const wsB = (r.wino_ws_bytes(v, Cs, O, tb) + 63) & ~63;
  if (!wnPad.ensure(r, padB * NB + 64) || !wnWs.ensure(r, wsB * (nw + 1) + 64)) return false;
  const P0 = (wnPad.ptr + 63) & ~63;
  const ws0 = (wnWs.ptr + 63) & ~63;
  const OHW = OH * OW;
  for (let n0 = 0; n0 < N; n0 += NB) {
    const nb = Math.min(NB, N - n0);
    for (let i = 0; i < nb; i++) r.wino_pad_f32(v, xp + 4 * (n0 + i) * C * H * W, C, H, W, s, ph, pw, OH, OW, P0 + i * padB);
    const y0 = yp + 4 * n0 * O * OHW;
    launch(
      r,
      nb * tbk * oc,
      (x) => x.set([10, v, Cs, OH, OW, u, O, bias, y0, P0, padB, T, tb, tbk, oc, ocw, ws0, wsB]),
      (blk) => {
        const i = Math.floor(blk / (tbk * oc));
        const rest = blk - i * tbk * oc;
        const ti = Math.floor(rest / oc);
        const oi = rest - ti * oc;
        r.wino_tiles_f32(v, P0 + i * padB, Cs, OH, OW, u, O, oi * ocw, Math.min(O, (oi + 1) * ocw), bias, y0 + 4 * i * O * OHW, ti * tb, Math.min(T, (ti + 1) * tb), ws0);
      },
    );
  }
  return true;
}

/**
 * im2col of one image (the arguments of im2col_f32) split over input channels (each channel fills
 * its own kh*kw rows of the column matrix: a plain copy, identical however it is split).
 */
export function parallelIm2col(
  serial: () => void, x: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number,
  ph: number, pw: number, dh: number, dw: number, OH: number, OW: number, col: number,
): void {
  const r = raw;
  const nt = threads;
  const rowsPerC = kh * kw * OH * OW;
  if (!r || nt <= 1 || C < 2 || C * rowsPerC < ewThreshold) return serial();
  const total = Math.min(C, nt * 4);
  const cb = Math.ceil(C / total);
  const blocks = Math.ceil(C / cb);
  ensureWorkers(r);
  launch(
    r,
    blocks,
    (a) => {
      a.set([6, x, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, col, cb]);
    },
    (b) => {
      const c0 = b * cb;
      r.im2col_f32(x + 4 * c0 * H * W, Math.min(cb, C - c0), H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, col + 4 * c0 * rowsPerC);
    },
  );
}

/**
 * An optimizer update over n float32 parameters (adam_step: ptrs p g m v vmax; sgd_step: p g buf;
 * a 0 pointer stays 0) split into chunks whose bounds are multiples of 4: every element is updated
 * by the same code as in one call, so results are bit-identical.
 */
export function parallelOptimStep(serial: () => void, adam: boolean, ptrs: number[], n: number, scalars: number[]): void {
  const r = raw;
  if (!r || threads <= 1 || n < ewThreshold) return serial();
  const chunk = Math.max(1 << 14, Math.ceil(n / (4 * threads) / 4) * 4);
  const total = Math.ceil(n / chunk);
  if (total < 2 || total > MAX_BLOCKS) return serial();
  ensureWorkers(r);
  // args: 7 adam chunk n p0..p4 s0..s8 (unused slots 0)
  const p5 = [0, 0, 0, 0, 0];
  ptrs.forEach((q, i) => (p5[i] = q));
  const s9 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  scalars.forEach((q, i) => (s9[i] = q));
  const at = (q: number, i0: number): number => (q ? q + 4 * i0 : 0);
  launch(
    r,
    total,
    (a) => {
      a.set([7, adam ? 1 : 0, chunk, n, ...p5, ...s9]);
    },
    (b) => {
      const i0 = b * chunk;
      const len = Math.min(chunk, n - i0);
      if (adam) r.adam_step(at(p5[0], i0), at(p5[1], i0), at(p5[2], i0), at(p5[3], i0), at(p5[4], i0), len, s9[0], s9[1], s9[2], s9[3], s9[4], s9[5], s9[6], s9[7]);
      else r.sgd_step(at(p5[0], i0), at(p5[1], i0), at(p5[2], i0), len, s9[0], s9[1], s9[2], s9[3], s9[4]);
    },
  );
}

/**
 * A 1-d elementwise launch (unary: y = 0, binary: y is the second operand; `extra` is p for unary,
 * cmp for binary, q only for unary) split into fixed chunks of EW_CHUNK elements. Each element is
 * computed by the same code whatever the split (chunk bounds are multiples of 4, so the SIMD body
 * and the scalar tail cover the same elements as one call), so results are bit-identical.
 */
export function parallelElementwise(
  serial: () => void, binaryOp: boolean, op: number, kind: number, x: number, y: number, o: number, nd: number, meta: number, extra: number, q: number,
): void {
  const r = raw;
  if (!r || threads <= 1 || nd !== 1) return serial();
  const i32 = new Int32Array(r.memory.buffer);
  const n = i32[meta >> 2];
  if (n < ewThreshold || n < 2 * 4) return serial();
  const chunk = n >= EW_CHUNK * 2 * threads ? EW_CHUNK : Math.max(4, Math.ceil(n / (2 * threads) / 4) * 4);
  const total = Math.ceil(n / chunk);
  if (total < 2 || total > MAX_BLOCKS) return serial();
  const sx = i32[(meta >> 2) + 1];
  const sy = binaryOp ? i32[(meta >> 2) + 2] : 0;
  ensureWorkers(r);
  const esz = kind === 3 ? 8 : kind === 2 || kind === 0 ? 4 : 0;
  if (!esz) return serial();
  const osz = binaryOp && extra ? 1 : esz;
  const last = n - (total - 1) * chunk;
  const c = new Int32Array(r.memory.buffer, ctlPtr, CTL_BYTES >> 2);
  c.set([chunk, sx, sy], META_FULL);
  c.set([last, sx, sy], META_LAST);
  const mFull = ctlPtr + META_FULL * 4;
  const mLast = ctlPtr + META_LAST * 4;
  const run = (b: number, rk: RawKernels): void => {
    const i0 = b * chunk;
    const m = b === total - 1 ? mLast : mFull;
    if (binaryOp) rk.binary(op, kind, x + i0 * sx * esz, y + i0 * sy * esz, o + i0 * osz, 1, m, extra);
    else rk.unary(op, kind, x + i0 * sx * esz, o + i0 * osz, 1, m, extra, q);
  };
  launch(
    r,
    total,
    (a) => {
      a.set([2, binaryOp ? 1 : 0, op, kind, x, y, o, chunk, total, sx, sy, extra, q, esz, osz, mFull, mLast]);
    },
    (b) => run(b, r),
  );
}

/**
 * A reduction over the middle dim of a contiguous [outer, k, inner] input, split over the outer
 * rows (each output element is reduced by the same code in the same order whatever the split, so
 * results are bit-identical). Full reductions (outer = 1) stay on the calling thread: splitting them
 * would change the summation order.
 */
export function parallelReduce(serial: () => void, op: number, kind: number, x: number, o: number, outer: number, k: number, inner: number): void {
  const r = raw;
  if (!r || threads <= 1 || outer < 2 || outer * k * inner < ewThreshold) return serial();
  const total = Math.min(outer, threads * 4, MAX_BLOCKS);
  const rb = Math.ceil(outer / total);
  const blocks = Math.ceil(outer / rb);
  if (blocks < 2) return serial();
  ensureWorkers(r);
  launch(
    r,
    blocks,
    (a) => {
      a.set([3, op, kind, x, o, outer, k, inner, rb]);
    },
    (b) => r.reduce_rows(op, kind, x, o, b * rb, Math.min(outer, (b + 1) * rb), k, inner),
  );
}
