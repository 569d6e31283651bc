/**
 * The kernel worker (dist/platform/thread-worker.js): self-contained (no imports, so it loads the
 * same way from Node worker_threads and module Workers). It instantiates the threaded kernel module
 * over the shared memory it is given and serves the parallel-for of ts/backend/threads.ts: sleep in
 * Atomics.wait on the wake word, claim blocks from the claim word, run them, count them done. It
 * never allocates (the main thread owns the allocator).
 */

interface Init {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the control block. */
  ctl: number;
  /** This worker's index (1..n-1; 0 is the main thread). */
  slot: number;
}

type Kern = Record<string, (...a: number[]) => void>;

// control block layout (i32 indices from ctl >> 2) — keep in step with ts/backend/threads.ts
const WAKE = 0;
const CLAIM = 16;
const DONE = 32;
const PACKED = 40;
const ACTIVE = 50;
const QUIT = 48;
const ERR = 52;
const SPIN_US = 54;
const ARGS = 64; // f64 index of the arguments (byte offset 256)

/** The shared memory (its current buffer: views of memory grown since the start need it). */
let mem: WebAssembly.Memory | null = null;

function serve(init: Init): void {
  mem = init.memory;
  const inst = new WebAssembly.Instance(init.module, {
    env: {
      memory: init.memory,
      abort(): void {
        throw new Error('torchlet: wasm kernel aborted in a worker');
      },
      seed: () => Date.now(),
    },
  });
  const k = inst.exports as unknown as Kern;
  const sab = init.memory.buffer;
  const ctl = new Int32Array(sab, init.ctl, 128);
  const args = new Float64Array(sab, init.ctl + ARGS * 4, 96);
  let seen = Atomics.load(ctl, WAKE);
  for (;;) {
    // claim and run blocks while any are left
    // slots at or past the active thread count (setNumThreads lowered it) take no blocks
    while (init.slot < Atomics.load(ctl, ACTIVE)) {
      const w = Atomics.load(ctl, CLAIM);
      const total = (w >>> 12) & 0xfff;
      const next = w & 0xfff;
      if (next >= total) break;
      if (Atomics.compareExchange(ctl, CLAIM, w, (w + 1) | 0) !== w) continue;
      try {
        runBlock(k, args, next, init.slot, ctl);
      } catch {
        Atomics.store(ctl, ERR, 1);
      }
      if (Atomics.add(ctl, DONE, 1) + 1 === total) Atomics.notify(ctl, DONE);
    }
    if (Atomics.load(ctl, QUIT)) return;
    // bounded spin before sleeping (SPIN_US microseconds, set by the pool): back-to-back launches
    // (a training step's GEMMs with small ops between them) find this worker awake instead of
    // paying a futex wake-up (tens to hundreds of microseconds in a VM) per launch; a worker the
    // thread count excludes goes straight to sleep
    if (init.slot < Atomics.load(ctl, ACTIVE)) {
      const until = performance.now() + Atomics.load(ctl, SPIN_US) / 1000;
      for (let i = 1; Atomics.load(ctl, WAKE) === seen; i++) {
        if ((i & 127) === 0 && performance.now() > until) break;
      }
    }
    if (Atomics.load(ctl, WAKE) === seen) Atomics.wait(ctl, WAKE, seen);
    seen = Atomics.load(ctl, WAKE);
    if (Atomics.load(ctl, QUIT)) return;
  }
}

/** Packs (again) every pack unit not yet marked done, so compute never waits on another thread (see ensurePacked in ts/backend/threads.ts). */
function ensurePacked(ctl: Int32Array, flags: Int32Array, P: number, pack: (u: number) => void): void {
  if (Atomics.load(ctl, PACKED) >= P) return;
  for (let u = 0; u < P; u++) {
    if (Atomics.load(flags, u)) continue;
    pack(u);
    packed(ctl, flags, u);
  }
}

/** Marks pack unit u done. */
function packed(ctl: Int32Array, flags: Int32Array, u: number): void {
  if (Atomics.exchange(flags, u, 1) === 0) Atomics.add(ctl, PACKED, 1);
}

/** Runs block b of the current task (argument layout in ts/backend/threads.ts). */
function runBlock(k: Kern, a: Float64Array, b: number, slot: number, ctl: Int32Array): void {
  const kind = a[0];
  if (kind === 1) {
    // sgemm block: 1 transA transB M N K alpha a lda sa b ldb sb beta c ldc sc blockSize blocksPerBatch ws wsStride cols
    const M = a[3];
    const N = a[4];
    const bs = a[17];
    const bpb = a[18];
    const bi = Math.floor(b / bpb);
    const j = b - bi * bpb;
    const ws = a[19] + (slot - 1) * a[20];
    const ab = a[7] + bi * a[9] * 4;
    const bb = a[10] + bi * a[12] * 4;
    const cb = a[14] + bi * a[16] * 4;
    if (a[21]) {
      const n0 = j * bs;
      const n1 = j === bpb - 1 ? N : n0 + bs;
      k.sgemm_rows_ws(a[1], a[2], M, n1 - n0, a[5], a[6], ab, a[8], bb + (a[2] ? n0 * a[11] : n0) * 4, a[11], a[13], cb + n0 * 4, a[15], 0, M, ws);
    } else {
      const m0 = j * bs;
      k.sgemm_rows_ws(a[1], a[2], M, N, a[5], a[6], ab, a[8], bb, a[11], a[13], cb, a[15], m0, Math.min(M, m0 + bs), ws);
    }
  } else if (kind === 2) {
    // 1-d elementwise chunk: 2 binary op kind x y o chunk total sx sy extra q esz osz metaFull metaLast
    const i0 = b * a[7];
    const m = b === a[8] - 1 ? a[16] : a[15];
    const esz = a[13];
    if (a[1]) k.binary(a[2], a[3], a[4] + i0 * a[9] * esz, a[5] + i0 * a[10] * esz, a[6] + i0 * a[14], 1, m, a[11]);
    else k.unary(a[2], a[3], a[4] + i0 * a[9] * esz, a[6] + i0 * a[14], 1, m, a[11], a[12]);
  } else if (kind === 4) {
    // shared-B GEMM: 4 transA transB M N K alpha a lda b ldb beta c ldc pb P chunks cw rowsPerBlock kcb ncb ws0 wsStride flags
    const P = a[15];
    const flags = new Int32Array(mem!.buffer, a[23], P);
    const pack = (u: number): void => {
      const chunks = a[16];
      const s = Math.floor(u / chunks);
      const c0 = (u - s * chunks) * a[17];
      k.sgemm_pb_pack(a[2], a[5], a[4], a[9], a[10], a[14], s * a[19], c0, Math.min(a[4], c0 + a[17]), a[19], a[20]);
    };
    if (b < P) {
      pack(b);
      packed(ctl, flags, b);
      return;
    }
    ensurePacked(ctl, flags, P, pack);
    const m0 = (b - P) * a[18];
    k.sgemm_rows_pb(a[1], a[3], a[4], a[5], a[6], a[7], a[8], a[14], a[11], a[12], a[13], m0, Math.min(a[3], m0 + a[18]), a[19], a[20], a[21] + slot * a[22]);
  } else if (kind === 5) {
    // conv: 5 groups bands nr C Cg H W kh kw sh sw ph pw dh dw OH OW O Og K x w y base stride colBytes
    //   P slices chunks rowChunk kcb ncb pa paBytesPerGroup flags — pack units first, then bands
    const P = a[27];
    const Og = a[19];
    const K = a[20];
    const flags = new Int32Array(mem!.buffer, a[35], P);
    const pack = (u: number): void => {
      const sc = a[28] * a[29];
      const gi = Math.floor(u / sc);
      const rest = u - gi * sc;
      const s = Math.floor(rest / a[29]);
      const r0 = (rest - s * a[29]) * a[30];
      k.sgemm_pa_pack(0, Og, K, a[22] + 4 * gi * Og * K, K, a[33] + gi * a[34], s * a[31], r0, Math.min(Og, r0 + a[30]), a[31]);
    };
    if (b < P) {
      pack(b);
      packed(ctl, flags, b);
      return;
    }
    ensurePacked(ctl, flags, P, pack);
    const groups = a[1];
    const bands = a[2];
    const nr = a[3];
    const OH = a[16];
    const OW = a[17];
    const bb = b - P;
    const ng = Math.floor(bb / bands);
    const r0 = (bb - ng * bands) * nr;
    const n = Math.floor(ng / groups);
    const gi = ng - n * groups;
    const rows = Math.min(nr, OH - r0);
    const cols = rows * OW;
    const col = a[24] + slot * a[25];
    k.im2col_f32(a[21] + 4 * (n * a[4] + gi * a[5]) * a[6] * a[7], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12] - r0 * a[10], a[13], a[14], a[15], rows, OW, col);
    k.sgemm_pa(0, Og, cols, K, 1, a[33] + gi * a[34], col, cols, 0, a[23] + 4 * ((n * a[18] + gi * Og) * OH * OW + r0 * OW), OH * OW, a[31], a[32], col + a[26]);
  } else if (kind === 6) {
    // im2col channel block: 6 x C H W kh kw sh sw ph pw dh dw OH OW col channelsPerBlock
    const c0 = b * a[16];
    const rowsPerC = a[5] * a[6] * a[13] * a[14];
    k.im2col_f32(a[1] + 4 * c0 * a[3] * a[4], Math.min(a[16], a[2] - c0), a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15] + 4 * c0 * rowsPerC);
  } else if (kind === 7) {
    // optimizer chunk: 7 adam chunk n p0..p4 s0..s8 (a 0 pointer stays 0)
    const i0 = b * a[2];
    const len = Math.min(a[2], a[3] - i0);
    const at = (q: number): number => (q ? q + 4 * i0 : 0);
    if (a[1]) k.adam_step(at(a[4]), at(a[5]), at(a[6]), at(a[7]), at(a[8]), len, a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16]);
    else k.sgd_step(at(a[4]), at(a[5]), at(a[6]), len, a[9], a[10], a[11], a[12], a[13]);
  } else if (kind === 8) {
    // depthwise conv channel block: 8 x w N C mult H W kh kw sh sw ph pw OH OW y base stride channelsPerBlock CO
    const o0 = b * a[19];
    k.dwconv2d_planes_f32(a[1], a[2], 0, a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], o0, Math.min(a[20], o0 + a[19]), a[17] + slot * a[18]);
  } else if (kind === 9) {
    // GEMM rows on pre-packed B: 9 transA M N K alpha a lda pb c ldc tc kcb ncb rowsPerBlock ws0 wsStride bias bmode z act lo hi
    const m0 = b * a[14];
    k.sgemm_pbe(a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], m0, Math.min(a[2], m0 + a[14]), a[12], a[13], a[15] + slot * a[16], a[17], a[18], a[19], a[20], a[21], a[22]);
  } else if (kind === 10) {
    // Winograd unit: 10 variant C' OH OW u O bias y P padBytes T tb tileBlocks oChunks oChunkWidth ws0 wsStride
    const per = a[13] * a[14];
    const n = Math.floor(b / per);
    const rest = b - n * per;
    const ti = Math.floor(rest / a[14]);
    const oi = rest - ti * a[14];
    k.wino_tiles_f32(a[1], a[9] + n * a[10], a[2], a[3], a[4], a[5], a[6], oi * a[15], Math.min(a[6], (oi + 1) * a[15]), a[7], a[8] + 4 * n * a[6] * a[3] * a[4], ti * a[12], Math.min(a[11], (ti + 1) * a[12]), a[16] + slot * a[17]);
  } else if (kind === 3) {
    // reduction rows: 3 op kind x o outer k inner rowsPerBlock
    const r0 = b * a[8];
    k.reduce_rows(a[1], a[2], a[3], a[4], r0, Math.min(a[5], r0 + a[8]), a[6], a[7]);
  }
}

const g = globalThis as unknown as {
  Deno?: unknown;
  process?: { versions?: { node?: string } };
  onmessage: ((e: { data: Init }) => void) | null;
};
if (g.process?.versions?.node) {
  // Node and Deno start kernel workers through node:worker_threads (see ts/platform/threads.ts)
  const spec = ['node', 'worker_threads'].join(':');
  const wt = (await import(/* @vite-ignore */ spec)) as { workerData: Init };
  serve(wt.workerData);
} else {
  g.onmessage = (e: { data: Init }): void => {
    g.onmessage = null;
    serve(e.data);
  };
}
export {};
