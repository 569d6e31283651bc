// GEMM: C = alpha * op(A) @ op(B) + beta * C for row-major f32 matrices (the kernel behind matmul,
// linear, bmm and conv). Contract used by every caller (keep it stable):
//   sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc)
//   op(A) is M x K: A[i,k] = a[i*lda + k] (transA = 0) or a[k*lda + i] (transA = 1)
//   op(B) is K x N: B[k,n] = b[k*ldb + n] (transB = 0) or b[n*ldb + k] (transB = 1)
//   beta = 0 overwrites C (C's old contents are never read, NaN included).
// Pointers are byte offsets; leading dimensions are in elements.
//
// Implementation (BLIS-style): for each NC-wide block of columns and KC-deep slice of K, op(B) is
// packed into NR-wide panels; for each MC-tall block of rows op(A) is packed into MR-tall panels
// (MC defaults to MR: the packed A panel stays in L1 while the packed B block streams past it);
// a 4x8 register-blocked micro-kernel (8 f32x4 accumulators + 2 B vectors + 4 broadcast A values +
// 1 product = the 15 xmm registers V8 allocates on x64) multiplies one A panel by one B panel;
// A is packed pre-broadcast so the kernel issues only plain v128 loads. Packing handles transA and
// transB (4x4 shuffle transposes for B^T) and zero-pads edge panels; edge tiles go through a
// scratch tile. Packing reads its sources in long sequential runs (B four rows at a time, A one
// v128 per row and 4 k, after touching every cache line of the panel's rows so that the misses
// overlap), and the packing buffers are 64-byte aligned. M == 1 and N == 1 take matrix-vector paths (no packing).
// Products with few rows run B panel outer instead (see PANEL_OUTER_MAX). sgemm_rows computes a
// row range (the unit a threaded caller hands to a worker); sgemm_batch loops over equally strided
// batches in one call. Inference with constant weights packed once: sgemm_pbe (end of the file). Plain f32x4.mul + f32x4.add in the default build;
// f32x4.relaxed_madd in the micro-kernel of the relaxed-SIMD build (see madd).

import { vgelu } from "./math";

const MR: i32 = 4;
const NR: i32 = 8;
// Cache blocking: the packed A block is a single micro-panel (MC = MR: KC x MR x 16 = 8 KiB,
// pre-broadcast) that stays in L1 and is reused by every B micro-panel (KC x NR x 4 = 4 KiB) of the
// packed B block (KC x NC = 512 KiB at N = 1024, L2), which streams sequentially (loop order: row
// panel outer, B panel inner). KC = 128 measured ~2% faster than 256 at n = 1024 (AMD Zen 5, 1 MiB
// L2 per core: the smaller B block stays in L2 while A and C stream past it, which outweighs the
// extra pass over C); KC 96/112/144/192/384/512, MC 8/16/32/64 and NC 512/1024 were equal or slower.
// Earlier (KC = 256): an L2-resident A block (MC = 128, B panel outer) was ~3% slower; a serpentine
// B order, packing B inside the first row panel, a multi-panel kernel call (V8 unrolls the nested
// k loop 2x and that runs slower) and a 2-step unrolled loop were slower or equal.
let KC: i32 = 128;
// Few rows (the packed A slice of all of them <= 64 KiB, i.e. <= 32 rows at KC = 128), K > 32
// and N >= 64 run B panel outer (sgemm_rows): 24x3136x144 (a 1x1 conv projecting to 24 channels)
// 46 -> 52 GFLOP/s, as the packed B block no longer goes through L2 between packing and use;
// K <= 32 measured 2-6% slower that way (the kernel calls are short and A is cheap to repack).
const PANEL_OUTER_MAX: i32 = 65536;
let MC: i32 = MR;
let NC: i32 = 4096;

/** Overrides the cache-blocking sizes (for tuning experiments; values are clamped to sane ranges). */
export function sgemm_blocking(kc: i32, mc: i32, nc: i32): void {
  KC = max(16, kc);
  MC = max(MR, mc / MR * MR);
  NC = max(NR, nc / NR * NR);
}

// Packing buffers (64-byte aligned inside rawA/rawB, allocated once and grown when needed) and the
// edge tile.
let rawA: usize = 0;
let rawB: usize = 0;
let bufA: usize = 0;
let capA: usize = 0;
let bufB: usize = 0;
let capB: usize = 0;
// sum of the touched words (kept so the touching loads are not optimised away)
let touchSink: i32 = 0;
export function sgemm_touch_sink(): i32 { return touchSink; }
let ctile: usize = heap.alloc(<usize>(MR * NR * 4));

function needA(bytes: usize): usize {
  if (bytes > capA) {
    if (rawA != 0) heap.free(rawA);
    capA = bytes + (bytes >> 2);
    rawA = heap.alloc(capA + 64);
    bufA = (rawA + 63) & ~(<usize>63);
  }
  return bufA;
}

function needB(bytes: usize): usize {
  if (bytes > capB) {
    if (rawB != 0) heap.free(rawB);
    capB = bytes + (bytes >> 2);
    rawB = heap.alloc(capB + 64);
    bufB = (rawB + 63) & ~(<usize>63);
  }
  return bufB;
}

// ---- micro-kernel -------------------------------------------------------------------------------
// C[0:4, 0:8] (row stride ldc bytes) = alpha * Ap @ Bp + beta * C over kc steps; Ap holds the 4
// A values of each k already broadcast (4 x 16 bytes, so every load is a plain v128.load with a
// folded offset: no lea, no shuffle), Bp holds 8 values per k. beta = 0 does not read C.
// V8 (x64) compiles the loop body to 6 loads, 8 vmulps, 8 vaddps and loop control, with the 8
// accumulators, 2 B vectors, 4 A vectors and 1 product in xmm0-xmm14 (no spills). Do not unroll
// the k loop: V8 hoists the loads of the second step and spills (measured ~30% slower).
// c + a * b: f32x4.relaxed_madd (one fused multiply-add where the CPU has FMA) in the relaxed-SIMD
// builds (torchlet-relaxed.wasm, picked at load time by feature detection), else mul + add.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

@noinline
function kern4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, alpha: f32, beta: f32): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  const apEnd = ap + <usize>kc * 64;
  while (ap < apEnd) {
    const b0 = v128.load(bp, 0);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load(ap, 0);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load(ap, 16);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load(ap, 32);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load(ap, 48);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    ap += 64; bp += 32;
  }
  const va = f32x4.splat(alpha);
  if (alpha != 1) {
    c00 = f32x4.mul(c00, va);
    c01 = f32x4.mul(c01, va);
    c10 = f32x4.mul(c10, va);
    c11 = f32x4.mul(c11, va);
    c20 = f32x4.mul(c20, va);
    c21 = f32x4.mul(c21, va);
    c30 = f32x4.mul(c30, va);
    c31 = f32x4.mul(c31, va);
  }
  if (beta == 0) {
    v128.store(c + 0 * ldc, c00, 0);
    v128.store(c + 0 * ldc, c01, 16);
    v128.store(c + 1 * ldc, c10, 0);
    v128.store(c + 1 * ldc, c11, 16);
    v128.store(c + 2 * ldc, c20, 0);
    v128.store(c + 2 * ldc, c21, 16);
    v128.store(c + 3 * ldc, c30, 0);
    v128.store(c + 3 * ldc, c31, 16);
  } else if (beta == 1) {
    v128.store(c + 0 * ldc, f32x4.add(c00, v128.load(c + 0 * ldc, 0)), 0);
    v128.store(c + 0 * ldc, f32x4.add(c01, v128.load(c + 0 * ldc, 16)), 16);
    v128.store(c + 1 * ldc, f32x4.add(c10, v128.load(c + 1 * ldc, 0)), 0);
    v128.store(c + 1 * ldc, f32x4.add(c11, v128.load(c + 1 * ldc, 16)), 16);
    v128.store(c + 2 * ldc, f32x4.add(c20, v128.load(c + 2 * ldc, 0)), 0);
    v128.store(c + 2 * ldc, f32x4.add(c21, v128.load(c + 2 * ldc, 16)), 16);
    v128.store(c + 3 * ldc, f32x4.add(c30, v128.load(c + 3 * ldc, 0)), 0);
    v128.store(c + 3 * ldc, f32x4.add(c31, v128.load(c + 3 * ldc, 16)), 16);
  } else {
    const vb = f32x4.splat(beta);
    v128.store(c + 0 * ldc, f32x4.add(c00, f32x4.mul(vb, v128.load(c + 0 * ldc, 0))), 0);
    v128.store(c + 0 * ldc, f32x4.add(c01, f32x4.mul(vb, v128.load(c + 0 * ldc, 16))), 16);
    v128.store(c + 1 * ldc, f32x4.add(c10, f32x4.mul(vb, v128.load(c + 1 * ldc, 0))), 0);
    v128.store(c + 1 * ldc, f32x4.add(c11, f32x4.mul(vb, v128.load(c + 1 * ldc, 16))), 16);
    v128.store(c + 2 * ldc, f32x4.add(c20, f32x4.mul(vb, v128.load(c + 2 * ldc, 0))), 0);
    v128.store(c + 2 * ldc, f32x4.add(c21, f32x4.mul(vb, v128.load(c + 2 * ldc, 16))), 16);
    v128.store(c + 3 * ldc, f32x4.add(c30, f32x4.mul(vb, v128.load(c + 3 * ldc, 0))), 0);
    v128.store(c + 3 * ldc, f32x4.add(c31, f32x4.mul(vb, v128.load(c + 3 * ldc, 16))), 16);
  }
}

// ---- packing ------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function tr4(dst: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

// Packs op(B)[k0:k0+kc, n0:n0+nc] into NR-wide panels: panel j holds B[k, n0+j*NR+c] at [k*NR + c],
// zero-padded past nc.
function packB(transB: i32, b: usize, ldb: usize, k0: i32, kc: i32, n0: i32, nc: i32, dst: usize): void {
  let j0 = 0;
  if (!transB && nc >= NR) {
    // full panels row by row, four rows of B at a time (four sequential read streams); each
    // panel receives 4 x 32 contiguous bytes per step
    const nf = nc / NR * NR;
    const rs = ldb << 2;
    const ps = <usize>kc * (NR * 4);
    let k = 0;
    for (; k + 4 <= kc; k += 4) {
      let s = b + ((<usize>(k0 + k) * ldb + <usize>n0) << 2);
      let d = dst + <usize>k * (NR * 4);
      const sEnd = s + (<usize>nf << 2);
      while (s < sEnd) {
        const v00 = v128.load(s), v01 = v128.load(s, 16);
        const v10 = v128.load(s + rs), v11 = v128.load(s + rs, 16);
        const v20 = v128.load(s + 2 * rs), v21 = v128.load(s + 2 * rs, 16);
        const v30 = v128.load(s + 3 * rs), v31 = v128.load(s + 3 * rs, 16);
        v128.store(d, v00, 0);
        v128.store(d, v01, 16);
        v128.store(d, v10, 32);
        v128.store(d, v11, 48);
        v128.store(d, v20, 64);
        v128.store(d, v21, 80);
        v128.store(d, v30, 96);
        v128.store(d, v31, 112);
        s += NR * 4;
        d += ps;
      }
    }
    for (; k < kc; k++) {
      let s = b + ((<usize>(k0 + k) * ldb + <usize>n0) << 2);
      let d = dst + <usize>k * (NR * 4);
      const sEnd = s + (<usize>nf << 2);
      while (s < sEnd) {
        v128.store(d, v128.load(s), 0);
        v128.store(d, v128.load(s, 16), 16);
        s += NR * 4;
        d += ps;
      }
    }
    j0 = nf;
  }
  for (let j = j0; j < nc; j += NR) {
    const nr = min(NR, nc - j);
    const pd = dst + <usize>j * <usize>kc * 4;
    if (!transB) {
      let src = b + ((<usize>k0 * ldb + <usize>(n0 + j)) << 2);
      if (nr == NR && j + 2 * NR <= nc) {
        // two panels per pass: every 64-byte source line is read once
        const pd1 = pd + <usize>kc * (NR * 4);
        for (let k = 0; k < kc; k++) {
          const d = <usize>k * (NR * 4);
          const v0 = v128.load(src), v1 = v128.load(src, 16), v2 = v128.load(src, 32), v3 = v128.load(src, 48);
          v128.store(pd + d, v0);
          v128.store(pd + d, v1, 16);
          v128.store(pd1 + d, v2);
          v128.store(pd1 + d, v3, 16);
          src += ldb << 2;
        }
        j += NR;
      } else if (nr == NR) {
        for (let k = 0; k < kc; k++) {
          const d = pd + <usize>k * (NR * 4);
          for (let c = 0; c < NR; c += 4) v128.store(d + (<usize>c << 2), v128.load(src + (<usize>c << 2)));
          src += ldb << 2;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          const d = pd + <usize>k * (NR * 4);
          for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), c < nr ? load<f32>(src + (<usize>c << 2)) : 0);
          src += ldb << 2;
        }
      }
    } else {
      // B[k, n] = b[n*ldb + k]: rows of b are contiguous in k; transpose 4x4 blocks
      const src = b + ((<usize>(n0 + j) * ldb + <usize>k0) << 2);
      const rs = ldb << 2;
      let k = 0;
      if (nr == NR) {
        for (; k + 4 <= kc; k += 4) {
          const s = src + (<usize>k << 2);
          const d = pd + <usize>k * (NR * 4);
          for (let c = 0; c < NR; c += 4) {
            const sc = s + <usize>c * rs;
            tr4(d + (<usize>c << 2), NR * 4, v128.load(sc), v128.load(sc + rs), v128.load(sc + 2 * rs), v128.load(sc + 3 * rs));
          }
        }
      }
      for (; k < kc; k++) {
        const d = pd + <usize>k * (NR * 4);
        for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), c < nr ? load<f32>(src + <usize>c * rs + (<usize>k << 2)) : 0);
      }
    }
  }
}

// Packs op(A)[m0:m0+mc, k0:k0+kc] into MR-tall panels of pre-broadcast values: panel i holds
// splat(A[m0+i*MR+r, k]) at byte (k*MR + r)*16, zero past mc.
function packA(transA: i32, a: usize, lda: usize, m0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  // element strides of op(A) along m and along k
  const sm: usize = transA ? 1 : lda;
  const sk: usize = transA ? lda : 1;
  const zero = f32x4.splat(0);
  for (let i = 0; i < mc; i += MR) {
    const mr = min(MR, mc - i);
    let d = dst + <usize>i * <usize>kc * 16;
    let p = a + ((<usize>(m0 + i) * sm + <usize>k0 * sk) << 2);
    const rs = sm << 2;
    const ks = sk << 2;
    if (mr == MR && sk == 1) {
      // first touch every cache line of the four row segments, so that their misses are all in
      // flight at once (the packing loop alone exposes the memory latency a few lines at a time)
      let t = 0;
      const segEnd = p + (<usize>kc << 2);
      for (let q = p; q < segEnd; q = (q & ~(<usize>63)) + 64) {
        t += load<i32>(q) + load<i32>(q + rs) + load<i32>(q + 2 * rs) + load<i32>(q + 3 * rs);
      }
      touchSink += t;
      // four k at a time: one v128 load per row, lanes broadcast by shuffles
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const r0 = v128.load(p), r1 = v128.load(p + rs), r2 = v128.load(p + 2 * rs), r3 = v128.load(p + 3 * rs);
        v128.store(d, i32x4.shuffle(r0, r0, 0, 0, 0, 0), 0);
        v128.store(d, i32x4.shuffle(r1, r1, 0, 0, 0, 0), 16);
        v128.store(d, i32x4.shuffle(r2, r2, 0, 0, 0, 0), 32);
        v128.store(d, i32x4.shuffle(r3, r3, 0, 0, 0, 0), 48);
        v128.store(d, i32x4.shuffle(r0, r0, 1, 1, 1, 1), 64);
        v128.store(d, i32x4.shuffle(r1, r1, 1, 1, 1, 1), 80);
        v128.store(d, i32x4.shuffle(r2, r2, 1, 1, 1, 1), 96);
        v128.store(d, i32x4.shuffle(r3, r3, 1, 1, 1, 1), 112);
        v128.store(d, i32x4.shuffle(r0, r0, 2, 2, 2, 2), 128);
        v128.store(d, i32x4.shuffle(r1, r1, 2, 2, 2, 2), 144);
        v128.store(d, i32x4.shuffle(r2, r2, 2, 2, 2, 2), 160);
        v128.store(d, i32x4.shuffle(r3, r3, 2, 2, 2, 2), 176);
        v128.store(d, i32x4.shuffle(r0, r0, 3, 3, 3, 3), 192);
        v128.store(d, i32x4.shuffle(r1, r1, 3, 3, 3, 3), 208);
        v128.store(d, i32x4.shuffle(r2, r2, 3, 3, 3, 3), 224);
        v128.store(d, i32x4.shuffle(r3, r3, 3, 3, 3, 3), 240);
        d += 4 * MR * 16;
        p += 16;
      }
      for (; k < kc; k++) {
        v128.store(d, v128.load32_splat(p));
        v128.store(d, v128.load32_splat(p + rs), 16);
        v128.store(d, v128.load32_splat(p + 2 * rs), 32);
        v128.store(d, v128.load32_splat(p + 3 * rs), 48);
        d += MR * 16;
        p += 4;
      }
    } else if (mr == MR && sm == 1) {
      // transposed A: the MR values of one k are contiguous
      for (let k = 0; k < kc; k++) {
        const r = v128.load(p);
        v128.store(d, i32x4.shuffle(r, r, 0, 0, 0, 0), 0);
        v128.store(d, i32x4.shuffle(r, r, 1, 1, 1, 1), 16);
        v128.store(d, i32x4.shuffle(r, r, 2, 2, 2, 2), 32);
        v128.store(d, i32x4.shuffle(r, r, 3, 3, 3, 3), 48);
        d += MR * 16;
        p += ks;
      }
    } else if (mr == MR) {
      for (let k = 0; k < kc; k++) {
        v128.store(d, v128.load32_splat(p));
        v128.store(d, v128.load32_splat(p + rs), 16);
        v128.store(d, v128.load32_splat(p + 2 * rs), 32);
        v128.store(d, v128.load32_splat(p + 3 * rs), 48);
        d += MR * 16;
        p += ks;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) v128.store(d + (<usize>r << 4), r < mr ? v128.load32_splat(p + <usize>r * rs) : zero);
        d += MR * 16;
        p += ks;
      }
    }
  }
}

// C[rows, n] = beta * C (beta = 0 writes zeros without reading).
function scaleC(rows: i32, N: i32, beta: f32, c: usize, ldc: usize): void {
  if (beta == 1) return;
  for (let i = 0; i < rows; i++) {
    const r = c + ((<usize>i * ldc) << 2);
    for (let j = 0; j < N; j++) {
      const p = r + (<usize>j << 2);
      store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
    }
  }
}

function mergeTile(mr: i32, nr: i32, cp: usize, ldc: usize, alpha: f32, beta: f32): void {
  for (let r = 0; r < mr; r++) {
    const row = cp + ((<usize>r * ldc) << 2);
    const t = ctile + <usize>r * (NR * 4);
    for (let j = 0; j < nr; j++) {
      const v = alpha * load<f32>(t + (<usize>j << 2));
      const p = row + (<usize>j << 2);
      store<f32>(p, beta == 0 ? v : v + beta * load<f32>(p));
    }
  }
}


// ---- matrix-vector paths (M == 1 or N == 1) -------------------------------------------------------

// out[j*os] = alpha * dot(x[0:K], y[j*ldy + 0:K]) + beta * out[j*os], j < n (x, y rows contiguous).
function gemvDots(n: i32, K: i32, alpha: f32, x: usize, y: usize, ldy: usize, beta: f32, out: usize, os: usize): void {
  const rs = ldy << 2;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const y0 = y + <usize>j * rs;
    const y1 = y0 + rs;
    const y2 = y1 + rs;
    const y3 = y2 + rs;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let k = 0;
    for (; k + 4 <= K; k += 4) {
      const o = <usize>k << 2;
      const xv = v128.load(x + o);
      s0 = f32x4.add(s0, f32x4.mul(xv, v128.load(y0 + o)));
      s1 = f32x4.add(s1, f32x4.mul(xv, v128.load(y1 + o)));
      s2 = f32x4.add(s2, f32x4.mul(xv, v128.load(y2 + o)));
      s3 = f32x4.add(s3, f32x4.mul(xv, v128.load(y3 + o)));
    }
    // transpose-add the four accumulators into one vector of four dot products
    const t0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
    const t1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
    let r = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
    for (; k < K; k++) {
      const o = <usize>k << 2;
      const xk = load<f32>(x + o);
      r = f32x4.add(r, f32x4(xk * load<f32>(y0 + o), xk * load<f32>(y1 + o), xk * load<f32>(y2 + o), xk * load<f32>(y3 + o)));
    }
    storeOut4(r, alpha, beta, out + ((<usize>j * os) << 2), os);
  }
  for (; j < n; j++) {
    const yj = y + <usize>j * rs;
    let s = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= K; k += 4) s = f32x4.add(s, f32x4.mul(v128.load(x + (<usize>k << 2)), v128.load(yj + (<usize>k << 2))));
    let acc = (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
    for (; k < K; k++) acc += load<f32>(x + (<usize>k << 2)) * load<f32>(yj + (<usize>k << 2));
    storeOut1(acc, alpha, beta, out + ((<usize>j * os) << 2));
  }
}

// out[j*os] = alpha * sum_k x[k] * y[k*ldy + j] + beta * out[j*os], j < n (x contiguous).
// Streams four rows of y at a time into an accumulator row (in the B scratch buffer), so y is read
// sequentially (prefetch-friendly) whatever its row stride.
function gemvAxpy(n: i32, K: i32, alpha: f32, x: usize, y: usize, ldy: usize, beta: f32, out: usize, os: usize): void {
  const acc = needB(<usize>max(n, 4) << 2);
  memory.fill(acc, 0, <usize>n << 2);
  const rs = ldy << 2;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const xp = x + (<usize>k << 2);
    const x0 = v128.load32_splat(xp);
    const x1 = v128.load32_splat(xp, 4);
    const x2 = v128.load32_splat(xp, 8);
    const x3 = v128.load32_splat(xp, 12);
    const r0 = y + <usize>k * rs;
    const r1 = r0 + rs;
    const r2 = r1 + rs;
    const r3 = r2 + rs;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const s01 = f32x4.add(f32x4.mul(x0, v128.load(r0 + o)), f32x4.mul(x1, v128.load(r1 + o)));
      const s23 = f32x4.add(f32x4.mul(x2, v128.load(r2 + o)), f32x4.mul(x3, v128.load(r3 + o)));
      v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.add(s01, s23)));
    }
    const a0 = load<f32>(xp), a1 = load<f32>(xp, 4), a2 = load<f32>(xp, 8), a3 = load<f32>(xp, 12);
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(acc + o, load<f32>(acc + o) + ((a0 * load<f32>(r0 + o) + a1 * load<f32>(r1 + o)) + (a2 * load<f32>(r2 + o) + a3 * load<f32>(r3 + o))));
    }
  }
  for (; k < K; k++) {
    const xk = load<f32>(x + (<usize>k << 2));
    const xv = f32x4.splat(xk);
    const r0 = y + <usize>k * rs;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.mul(xv, v128.load(r0 + o))));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(acc + o, load<f32>(acc + o) + xk * load<f32>(r0 + o));
    }
  }
  let j = 0;
  for (; j + 4 <= n; j += 4) storeOut4(v128.load(acc + (<usize>j << 2)), alpha, beta, out + ((<usize>j * os) << 2), os);
  for (; j < n; j++) storeOut1(load<f32>(acc + (<usize>j << 2)), alpha, beta, out + ((<usize>j * os) << 2));
}

// @ts-ignore: decorator
@inline function storeOut1(v: f32, alpha: f32, beta: f32, p: usize): void {
  store<f32>(p, beta == 0 ? alpha * v : alpha * v + beta * load<f32>(p));
}

// Stores four results at p, p + os, p + 2os, p + 3os (element stride os).
function storeOut4(v: v128, alpha: f32, beta: f32, p: usize, os: usize): void {
  let r = f32x4.mul(v, f32x4.splat(alpha));
  if (os == 1) {
    if (beta != 0) r = f32x4.add(r, f32x4.mul(f32x4.splat(beta), v128.load(p)));
    v128.store(p, r);
    return;
  }
  const s = os << 2;
  storeOut1(f32x4.extract_lane(v, 0), alpha, beta, p);
  storeOut1(f32x4.extract_lane(v, 1), alpha, beta, p + s);
  storeOut1(f32x4.extract_lane(v, 2), alpha, beta, p + 2 * s);
  storeOut1(f32x4.extract_lane(v, 3), alpha, beta, p + 3 * s);
}

// Copies n values at stride st (elements) into the A scratch buffer; returns it.
function gatherVec(src: usize, n: i32, st: usize): usize {
  const d = needA(<usize>max(n, 1) << 2);
  for (let k = 0; k < n; k++) store<f32>(d + (<usize>k << 2), load<f32>(src + ((<usize>k * st) << 2)));
  return d;
}

// Whether rows of an M x N x K product run B panel outer (see PANEL_OUTER_MAX); true for M also
// holds for every smaller row range.
function panelOuter(rows: i32, N: i32, K: i32): bool {
  return K > 32 && N >= 64 && rows >= 1 && (rows + MR - 1) / MR * MR * min(KC, K) * 16 <= PANEL_OUTER_MAX;
}

// ---- entry points -------------------------------------------------------------------------------

/** C = alpha * op(A) @ op(B) + beta * C (contract at the top of this file). */
export function sgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32): void {
  sgemm_rows(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, 0, M);
}

/**
 * `batch` products with element strides sa, sb, sc between consecutive A, B and C matrices
 * (sa or sb = 0 broadcasts one operand).
 */
export function sgemm_batch(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, sa: i32, b: usize, ldb: i32, sb: i32, beta: f32, c: usize, ldc: i32, sc: i32, batch: i32): void {
  for (let i = 0; i < batch; i++) {
    const ui = <usize>i;
    sgemm_rows(transA, transB, M, N, K, alpha, a + ((ui * <usize>sa) << 2), lda, b + ((ui * <usize>sb) << 2), ldb, beta, c + ((ui * <usize>sc) << 2), ldc, 0, M);
  }
}

/** Rows m0..m1 of the sgemm result (the unit of work a threaded caller hands to each worker). */
export function sgemm_rows(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, m0: i32, m1: i32): void {
  if (m0 < 0) m0 = 0;
  if (m1 > M) m1 = M;
  if (m1 <= m0 || N <= 0) return;
  const uldc = <usize>ldc;
  const ulda = <usize>lda;
  const uldb = <usize>ldb;
  if (K <= 0 || alpha == 0) {
    scaleC(m1 - m0, N, beta, c + ((<usize>m0 * uldc) << 2), uldc);
    return;
  }
  if (M == 1) {
    // one row: C[0, :] = A[0, :] @ op(B) (only for M == 1, so that row ranges stay bitwise
    // identical to the whole product)
    const x = transA ? (lda == 1 ? a + (<usize>m0 << 2) : gatherVec(a + (<usize>m0 << 2), K, ulda)) : a + ((<usize>m0 * ulda) << 2);
    const out = c + ((<usize>m0 * uldc) << 2);
    if (transB) gemvDots(N, K, alpha, x, b, uldb, beta, out, 1);
    else gemvAxpy(N, K, alpha, x, b, uldb, beta, out, 1);
    return;
  }
  if (N == 1) {
    // one column: C[m0:m1, 0] = op(A)[m0:m1, :] @ B[:, 0]
    const x = transB ? b : ldb == 1 ? b : gatherVec(b, K, uldb);
    const out = c + ((<usize>m0 * uldc) << 2);
    if (transA) gemvAxpy(m1 - m0, K, alpha, x, a + (<usize>m0 << 2), ulda, beta, out, uldc);
    else gemvDots(m1 - m0, K, alpha, x, a + ((<usize>m0 * ulda) << 2), ulda, beta, out, uldc);
    return;
  }
  const kcMax = min(KC, K);
  if (panelOuter(m1 - m0, N, K)) {
    // few rows: all of them packed once per K slice (L1/L2), then one packed B panel at a time
    // (in L1, right after packing it) against every row panel
    const pa = needA(<usize>kcMax * <usize>((m1 - m0 + MR - 1) / MR * MR) * 16);
    const pb = needB(<usize>kcMax * NR * 4);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const be: f32 = pc == 0 ? beta : 1;
      packA(transA, a, ulda, m0, m1 - m0, pc, kc, pa);
      for (let jr = 0; jr < N; jr += NR) {
        const nr = min(NR, N - jr);
        packB(transB, b, uldb, pc, kc, jr, nr, pb);
        for (let ic = m0; ic < m1; ic += MR) {
          const mr = min(MR, m1 - ic);
          const ap = pa + <usize>(ic - m0) * <usize>kc * 16;
          const cp = c + ((<usize>ic * uldc + <usize>jr) << 2);
          if (mr == MR && nr == NR) {
            kern4x8(kc, ap, pb, cp, uldc << 2, alpha, be);
          } else {
            kern4x8(kc, ap, pb, ctile, NR * 4, 1, 0);
            mergeTile(mr, nr, cp, uldc, alpha, be);
          }
        }
      }
    }
    return;
  }
  const ncMax = min(NC, N);
  const mcMax = min(MC, m1 - m0);
  const pb = needB(<usize>kcMax * <usize>((ncMax + NR - 1) / NR * NR) * 4);
  const pa = needA(<usize>kcMax * <usize>((mcMax + MR - 1) / MR * MR) * 16);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(transB, b, uldb, pc, kc, jc, nc, pb);
      const be: f32 = pc == 0 ? beta : 1;
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = min(MC, m1 - ic);
        packA(transA, a, ulda, ic, mc, pc, kc, pa);
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min(MR, mc - ir);
          const ap = pa + <usize>ir * <usize>kc * 16;
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = min(NR, nc - jr);
            const bp = pb + <usize>jr * <usize>kc * 4;
            const cp = c + ((<usize>(ic + ir) * uldc + <usize>(jc + jr)) << 2);
            if (mr == MR && nr == NR) {
              kern4x8(kc, ap, bp, cp, uldc << 2, alpha, be);
            } else {
              kern4x8(kc, ap, bp, ctile, NR * 4, 1, 0);
              mergeTile(mr, nr, cp, uldc, alpha, be);
            }
          }
        }
      }
    }
  }
}

// ---- caller-provided workspace (worker threads) ---------------------------------------------------
// A worker instance over shared memory must not allocate (the allocator belongs to the main
// thread), so the main thread sizes and allocates one workspace per worker: a 64-byte header
// (i32 KC, MC, NC of the instance that sized it, bytes of the A region), the 128-byte edge tile,
// then the A and B packing regions (each 64-byte aligned, with 128 bytes of slack for that in
// sgemm_ws_bytes). sgemm_rows_ws points this instance's scratch at it for one call
// (same blocking as the main thread, so every row is computed exactly as sgemm would).

function wsA(M: i32, N: i32, K: i32): usize {
  const kc = min(KC, max(K, 1));
  // any row range of up to PANEL_OUTER_MAX's rows may run panel outer (and pack all its rows)
  const po = K > 32 && N >= 64 ? min((max(M, 1) + MR - 1) / MR * MR, PANEL_OUTER_MAX / (kc * 16) / MR * MR) : 0;
  const mc = max(min(MC, max(M, 1)), po);
  return (max(<usize>kc * <usize>((mc + MR - 1) / MR * MR) * 16, <usize>max(K, 4) << 2) + 15) & ~15;
}

function wsB(M: i32, N: i32, K: i32): usize {
  const kc = min(KC, max(K, 1));
  const nc = min(NC, max(N, 1));
  return (max(<usize>kc * <usize>((nc + NR - 1) / NR * NR) * 4, <usize>max(max(N, M), 4) << 2) + 15) & ~15;
}

/** Bytes of workspace sgemm_rows_ws needs for any row range of an M x N x K product. */
export function sgemm_ws_bytes(M: i32, N: i32, K: i32): usize {
  return 192 + 128 + wsA(M, N, K) + wsB(M, N, K);
}

/** Writes the workspace header at ws (16-byte aligned, sgemm_ws_bytes long) for M x N x K. */
export function sgemm_ws_init(ws: usize, M: i32, N: i32, K: i32): void {
  store<i32>(ws, KC);
  store<i32>(ws, MC, 4);
  store<i32>(ws, NC, 8);
  store<i32>(ws, <i32>wsA(M, N, K), 12);
  store<i32>(ws, <i32>wsB(M, N, K), 16);
}

/** sgemm_rows using the workspace at ws (see sgemm_ws_init) instead of this instance's buffers. */
export function sgemm_rows_ws(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, m0: i32, m1: i32, ws: usize): void {
  const sKC = KC, sMC = MC, sNC = NC;
  const sA = bufA, sCapA = capA, sB = bufB, sCapB = capB, sT = ctile;
  KC = load<i32>(ws);
  MC = load<i32>(ws, 4);
  NC = load<i32>(ws, 8);
  ctile = ws + 64;
  bufA = (ws + 192 + 63) & ~(<usize>63);
  capA = <usize>load<i32>(ws, 12);
  bufB = (bufA + capA + 63) & ~(<usize>63);
  capB = <usize>load<i32>(ws, 16);
  sgemm_rows(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, m0, m1);
  KC = sKC; MC = sMC; NC = sNC;
  bufA = sA; capA = sCapA; bufB = sB; capB = sCapB; ctile = sT;
}

// ---- shared packed B (one parallel region per GEMM) ------------------------------------------------
// A threaded GEMM packs op(B) once into a buffer all threads share (packing split into units over
// the threads), then every thread computes row blocks against it (no thread repacks B). Layout of
// the shared buffer for blocking kcb x ncb: the ncb-wide column block starting at column jc holds
// its K/kcb slices one after the other, slice pc at float offset jc*K + pc*ncr (ncr = that block's
// width rounded up to NR), each slice in packB's panel layout. Every output element goes through
// the same kc slices, kernel calls and edge handling as in sgemm_rows, so the result is bit-identical.

/** The current KC (K slice depth) of this instance (the shared-B path uses the caller's blocking). */
export function sgemm_kc(): i32 {
  return KC;
}

/** The current NC (column block width) of this instance. */
export function sgemm_nc(): i32 {
  return NC;
}

/** Bytes of the shared packed B for a K x N op(B). */
export function sgemm_pb_bytes(K: i32, N: i32): usize {
  return <usize>max(K, 1) * <usize>((max(N, 1) + NR - 1) / NR * NR) * 4;
}

/**
 * Packs columns [c0, c1) of op(B)'s K slice starting at k0 (depth min(kcb, K - k0)) into the shared
 * buffer pb (layout above). c0 must be a multiple of NR and [c0, c1) must not cross an ncb boundary.
 */
export function sgemm_pb_pack(transB: i32, K: i32, N: i32, b: usize, ldb: i32, pb: usize, k0: i32, c0: i32, c1: i32, kcb: i32, ncb: i32): void {
  if (c1 > N) c1 = N;
  if (c0 >= c1 || k0 >= K) return;
  const kc = min(kcb, K - k0);
  const jc = c0 / ncb * ncb;
  const nc = min(ncb, N - jc);
  const ncr = (nc + NR - 1) / NR * NR;
  const slice = pb + ((<usize>jc * <usize>K + <usize>k0 * <usize>ncr) << 2);
  packB(transB, b, <usize>ldb, k0, kc, c0, c1 - c0, slice + ((<usize>(c0 - jc) * <usize>kc) << 2));
}

/** Bytes of per-thread workspace for sgemm_rows_pb (edge tile + one packed A panel). */
export function sgemm_pb_ws_bytes(K: i32, kcb: i32): usize {
  return 128 + <usize>min(kcb, max(K, 1)) * MR * 16;
}

/**
 * Rows m0..m1 of C = alpha * op(A) @ op(B) + beta * C with op(B) already packed in pb (layout
 * above, same kcb / ncb); ws (16-byte aligned, sgemm_pb_ws_bytes long) is this thread's scratch.
 * Needs M >= 2 and N >= 2 (sgemm_rows takes matrix-vector paths otherwise).
 */
export function sgemm_rows_pb(transA: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, pb: usize, beta: f32, c: usize, ldc: i32, m0: i32, m1: i32, kcb: i32, ncb: i32, ws: usize): void {
  if (m0 < 0) m0 = 0;
  if (m1 > M) m1 = M;
  if (m1 <= m0 || N <= 0) return;
  const uldc = <usize>ldc;
  if (K <= 0 || alpha == 0) {
    scaleC(m1 - m0, N, beta, c + ((<usize>m0 * uldc) << 2), uldc);
    return;
  }
  const sT = ctile;
  ctile = ws;
  const pa = ws + 128;
  for (let jc = 0; jc < N; jc += ncb) {
    const nc = min(ncb, N - jc);
    const ncr = (nc + NR - 1) / NR * NR;
    const blk = pb + ((<usize>jc * <usize>K) << 2);
    for (let pc = 0; pc < K; pc += kcb) {
      const kc = min(kcb, K - pc);
      const pbs = blk + ((<usize>pc * <usize>ncr) << 2);
      const be: f32 = pc == 0 ? beta : 1;
      for (let ic = m0; ic < m1; ic += MR) {
        const mr = min(MR, m1 - ic);
        packA(transA, a, <usize>lda, ic, mr, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = pbs + <usize>jr * <usize>kc * 4;
          const cp = c + ((<usize>ic * uldc + <usize>(jc + jr)) << 2);
          if (mr == MR && nr == NR) {
            kern4x8(kc, pa, bp, cp, uldc << 2, alpha, be);
          } else {
            kern4x8(kc, pa, bp, ctile, NR * 4, 1, 0);
            mergeTile(mr, nr, cp, uldc, alpha, be);
          }
        }
      }
    }
  }
  ctile = sT;
}

// ---- shared packed A (conv: the weights packed once, bands of columns per thread) ------------------
// Layout for an M x K op(A) and slice depth kcb: slice pc (depth kc) at byte pc * Mr * 16 (Mr = M
// rounded up to MR), holding packA's pre-broadcast panels: rows r..r+3 at + r * kc * 16.

/** Bytes of the shared packed A for an M x K op(A). */
export function sgemm_pa_bytes(M: i32, K: i32): usize {
  return <usize>((max(M, 1) + MR - 1) / MR * MR) * <usize>max(K, 1) * 16;
}

/** Packs rows [r0, r1) (r0 a multiple of MR) of op(A)'s K slice starting at k0 into pa. */
export function sgemm_pa_pack(transA: i32, M: i32, K: i32, a: usize, lda: i32, pa: usize, k0: i32, r0: i32, r1: i32, kcb: i32): void {
  if (r1 > M) r1 = M;
  if (r0 >= r1 || k0 >= K) return;
  const kc = min(kcb, K - k0);
  const Mr = (M + MR - 1) / MR * MR;
  const slice = pa + <usize>k0 * <usize>Mr * 16;
  packA(transA, a, <usize>lda, r0, r1 - r0, k0, kc, slice + <usize>r0 * <usize>kc * 16);
}

/** Bytes of per-thread workspace for sgemm_pa (edge tile + one packed B block for N columns). */
export function sgemm_pa_ws_bytes(N: i32, K: i32, kcb: i32, ncb: i32): usize {
  return 128 + <usize>min(kcb, max(K, 1)) * <usize>((min(ncb, max(N, 1)) + NR - 1) / NR * NR) * 4;
}

/**
 * C = alpha * op(A) @ op(B) + beta * C (all M rows, N columns) with op(A) already packed in pa
 * (layout above, same kcb); op(B) is packed per slice into ws (16-byte aligned, sgemm_pa_ws_bytes
 * long). Needs M >= 2 and N >= 2 (sgemm_rows takes matrix-vector paths otherwise).
 */
export function sgemm_pa(transB: i32, M: i32, N: i32, K: i32, alpha: f32, pa: usize, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, kcb: i32, ncb: i32, ws: usize): void {
  if (M <= 0 || N <= 0) return;
  const uldc = <usize>ldc;
  if (K <= 0 || alpha == 0) {
    scaleC(M, N, beta, c, uldc);
    return;
  }
  const sT = ctile;
  ctile = ws;
  const pbuf = ws + 128;
  const Mr = (M + MR - 1) / MR * MR;
  for (let jc = 0; jc < N; jc += ncb) {
    const nc = min(ncb, N - jc);
    for (let pc = 0; pc < K; pc += kcb) {
      const kc = min(kcb, K - pc);
      packB(transB, b, <usize>ldb, pc, kc, jc, nc, pbuf);
      const be: f32 = pc == 0 ? beta : 1;
      const slice = pa + <usize>pc * <usize>Mr * 16;
      for (let ic = 0; ic < M; ic += MR) {
        const mr = min(MR, M - ic);
        const ap = slice + <usize>ic * <usize>kc * 16;
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = pbuf + <usize>jr * <usize>kc * 4;
          const cp = c + ((<usize>ic * uldc + <usize>(jc + jr)) << 2);
          if (mr == MR && nr == NR) {
            kern4x8(kc, ap, bp, cp, uldc << 2, alpha, be);
          } else {
            kern4x8(kc, ap, bp, ctile, NR * 4, 1, 0);
            mergeTile(mr, nr, cp, uldc, alpha, be);
          }
        }
      }
    }
  }
  ctile = sT;
}

// ---- inference with pre-packed constant weights and a fused epilogue ------------------------------
// The ONNX fused ops (ts/io/onnx/ops/gemm-packed.ts) pack a constant weight once at session creation
// as op(B) (sgemm_pb_pack's layout) and run every product against the panels with sgemm_pbe, which
// applies bias, residual and activation to each 4-row strip of the output right after its last K
// slice (while the strip is in cache) instead of in one more pass over the output:
//   FusedGemm            y = x @ W                (row-major C)
//   1x1 conv, few pixels y [O, HW] = (x^T @ W^T)^T (tc = 1: C stored transposed by kern4x8t)
// Every output element goes through the same K slices, micro-kernel (products commute exactly, so
// x^T @ W^T gives W @ x's bits) and edge handling as sgemm, and the epilogue applies the bias at the
// same point of the sum as the unfused path it replaces (bias mode 0: before the first slice's
// result is accumulated, as C = bias, beta = 1 does; 1: after the last slice), so results are
// bit-identical to sgemm followed by the separate bias / residual / activation passes.
// Measured (Zen 5, 1 thread, GFLOP/s): a 1x1 conv over 7x7 pixels as x^T @ W^T 47 -> 50-52 incl.
// bias + relu6 (W @ x wastes 7 of 56 columns in the last B panel and repacks W every call; the M
// edge of x^T @ W^T wastes 3 of 52 rows); at 14x14 both orders are equal, at >= 28x28 x^T @ W^T is
// 5-40% slower (the pre-broadcast packing of x^T costs 4x the packing of x).
// The packed path keeps sgemm's KC (the K slicing decides the rounding): KC 256/384/512 measured
// within +-2% on these shapes anyway. Tried and dropped: an A-resident order (all row panels of a K slice packed at once, then groups of
// 16..256 weight columns, in L1, against all of them) was equal or 1-10% slower than packing each
// row panel in turn against the whole column block, warm or cold cache, for 49 and 128 rows;
// a 1x8 kernel for the M edge of x^T @ W^T (49 = 12 x 4 + 1 rows) instead of a full 4x8 call:
// no measurable change; the epilogue per 4x8 tile (in L1) was slower than per strip (call and branch
// overhead per tile; 96x12544x16 at 28 vs 40 GFLOP/s), and the per-strip epilogue costs about what
// the separate pass costs on wide outputs (it is bound by its own instructions, not memory);
// pre-packed, pre-broadcast weights as op(A) (4x the weight's memory) for wide 1x1 convs, also with
// a B-panel-outer loop order (one packed B panel in L1 against all rows): equal to sgemm within
// noise except 24x3136x144 (+5%); a compact (not pre-broadcast) packed A read with
// v128.load32_splat in the micro-kernel (1x weight memory instead of 4x) measured ~17% slower on
// every shape (V8 x64), so packed A stays broadcast.

// Activation codes: 0 none, 1 relu, 2 clip [lo, hi], 3 gelu (erf); the same vector forms as
// simd/epilogue.ts and the unary gelu kernel, so NaNs and rounding match the separate passes.
// @ts-ignore: decorator
@inline function actV(v: v128, act: i32, lo: v128, hi: v128): v128 {
  if (act == 1) return f32x4.pmax(v, f32x4.splat(0));
  if (act == 2) return f32x4.pmin(f32x4.pmax(v, lo), hi);
  if (act == 3) return vgelu(v);
  return v;
}

// The epilogue loops, inlined with literal (act, bias, residual) arguments so that each
// combination gets a branch-free loop (V8 does not unswitch loops; generic loops measured 2-3x
// slower here). Row segment p[0:n] of a row-major C: bk 1: + bias vector bp[0:n] (bk 0: none),
// then + z[0:n] (hz), then act.
// @ts-ignore: decorator
@inline function epiRow(act: i32, bk: i32, hz: bool, p: usize, n: i32, bp: usize, z: usize, lo: v128, hi: v128): void {
  let q = 0;
  for (; q + 4 <= n; q += 4) {
    const o = <usize>q << 2;
    let v = v128.load(p + o);
    if (bk == 1) v = f32x4.add(v, v128.load(bp + o));
    if (hz) v = f32x4.add(v, v128.load(z + o));
    v128.store(p + o, actV(v, act, lo, hi));
  }
  for (; q < n; q++) {
    const o = <usize>q << 2;
    let x = load<f32>(p + o);
    if (bk == 1) x += load<f32>(bp + o);
    if (hz) x += load<f32>(z + o);
    store<f32>(p + o, f32x4.extract_lane(actV(f32x4.splat(x), act, lo, hi), 0));
  }
}

function epiRowAny(act: i32, bk: i32, p: usize, n: i32, bp: usize, z: usize, lo: v128, hi: v128): void {
  if (bk == 0) {
    if (z) {
      if (act == 0) epiRow(0, 0, true, p, n, bp, z, lo, hi);
      else if (act == 1) epiRow(1, 0, true, p, n, bp, z, lo, hi);
      else if (act == 2) epiRow(2, 0, true, p, n, bp, z, lo, hi);
      else epiRow(3, 0, true, p, n, bp, z, lo, hi);
    }
    else {
      if (act == 0) epiRow(0, 0, false, p, n, bp, z, lo, hi);
      else if (act == 1) epiRow(1, 0, false, p, n, bp, z, lo, hi);
      else if (act == 2) epiRow(2, 0, false, p, n, bp, z, lo, hi);
      else epiRow(3, 0, false, p, n, bp, z, lo, hi);
    }
  }
  else {
    if (z) {
      if (act == 0) epiRow(0, 1, true, p, n, bp, z, lo, hi);
      else if (act == 1) epiRow(1, 1, true, p, n, bp, z, lo, hi);
      else if (act == 2) epiRow(2, 1, true, p, n, bp, z, lo, hi);
      else epiRow(3, 1, true, p, n, bp, z, lo, hi);
    }
    else {
      if (act == 0) epiRow(0, 1, false, p, n, bp, z, lo, hi);
      else if (act == 1) epiRow(1, 1, false, p, n, bp, z, lo, hi);
      else if (act == 2) epiRow(2, 1, false, p, n, bp, z, lo, hi);
      else epiRow(3, 1, false, p, n, bp, z, lo, hi);
    }
  }
}

// The strip of a transposed C whose memory rows p, p + ldc, ... (n of them, ldc bytes apart) hold
// four values each (one per C row): bk 1: + the scalar bp[q] on memory row q (bk 0: none), then
// + z (same layout; hz), then act.
// @ts-ignore: decorator
@inline function epiCol4(act: i32, bk: i32, hz: bool, p: usize, ldc: usize, n: i32, bp: usize, z: usize, lo: v128, hi: v128): void {
  for (let q = 0; q < n; q++) {
    const o = <usize>q * ldc;
    let v = v128.load(p + o);
    if (bk == 1) v = f32x4.add(v, v128.load32_splat(bp + (<usize>q << 2)));
    if (hz) v = f32x4.add(v, v128.load(z + o));
    v128.store(p + o, actV(v, act, lo, hi));
  }
}

function epiCol4Any(act: i32, bk: i32, p: usize, ldc: usize, n: i32, bp: usize, z: usize, lo: v128, hi: v128): void {
  if (bk == 0) {
    if (z) {
      if (act == 0) epiCol4(0, 0, true, p, ldc, n, bp, z, lo, hi);
      else if (act == 1) epiCol4(1, 0, true, p, ldc, n, bp, z, lo, hi);
      else if (act == 2) epiCol4(2, 0, true, p, ldc, n, bp, z, lo, hi);
      else epiCol4(3, 0, true, p, ldc, n, bp, z, lo, hi);
    }
    else {
      if (act == 0) epiCol4(0, 0, false, p, ldc, n, bp, z, lo, hi);
      else if (act == 1) epiCol4(1, 0, false, p, ldc, n, bp, z, lo, hi);
      else if (act == 2) epiCol4(2, 0, false, p, ldc, n, bp, z, lo, hi);
      else epiCol4(3, 0, false, p, ldc, n, bp, z, lo, hi);
    }
  }
  else {
    if (z) {
      if (act == 0) epiCol4(0, 1, true, p, ldc, n, bp, z, lo, hi);
      else if (act == 1) epiCol4(1, 1, true, p, ldc, n, bp, z, lo, hi);
      else if (act == 2) epiCol4(2, 1, true, p, ldc, n, bp, z, lo, hi);
      else epiCol4(3, 1, true, p, ldc, n, bp, z, lo, hi);
    }
    else {
      if (act == 0) epiCol4(0, 1, false, p, ldc, n, bp, z, lo, hi);
      else if (act == 1) epiCol4(1, 1, false, p, ldc, n, bp, z, lo, hi);
      else if (act == 2) epiCol4(2, 1, false, p, ldc, n, bp, z, lo, hi);
      else epiCol4(3, 1, false, p, ldc, n, bp, z, lo, hi);
    }
  }
}

// The epilogue step on C[i:i+mr, j:j+n] (row-major, ldc): + bias[j + q] (bk 1; 0: none), then
// + z (C's layout; 0: none), then act.
function epiRows(c: usize, ldc: usize, i: i32, j: i32, mr: i32, n: i32, bias: usize, bk: i32, z: usize, act: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const bp: usize = bk ? bias + (<usize>j << 2) : 0;
  for (let r = 0; r < mr; r++) {
    const off = (<usize>(i + r) * ldc + <usize>j) << 2;
    epiRowAny(act, bk, c + off, n, bp, z ? z + off : 0, vlo, vhi);
  }
}

// The same on a transposed C (C[i, j] at c[j*ldc + i]): memory rows j..j+n hold C rows i..i+mr.
function epiCols(c: usize, ldc: usize, i: i32, j: i32, mr: i32, n: i32, bias: usize, bk: i32, z: usize, act: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const off = (<usize>j * ldc + <usize>i) << 2;
  const bp: usize = bk ? bias + (<usize>j << 2) : 0;
  if (mr == MR) {
    epiCol4Any(act, bk, c + off, ldc << 2, n, bp, z ? z + off : 0, vlo, vhi);
    return;
  }
  // an edge strip (fewer than four C rows): short memory row segments, one bias value each
  for (let q = 0; q < n; q++) {
    const o = off + ((<usize>q * ldc) << 2);
    for (let r = 0; r < mr; r++) {
      const e = o + (<usize>r << 2);
      epiRowAny(act, bk, c + e, 1, bp + (<usize>q << 2), z ? z + e : 0, vlo, vhi);
    }
  }
}

// The epilogue steps due on the strip C[i:i+mr, j:j+n] after slice pc: bias mode 0 (+ bias per
// column after the first slice: C = alpha * slice 0 + bias, what C preset to bias with beta = 1
// computes); after the last slice: bias modes 1 (per column) and 2 (per row), z, act.
// @ts-ignore: decorator
@inline function epiStrip(c: usize, ldc: usize, tc: i32, i: i32, j: i32, mr: i32, n: i32, first: bool, last: bool, bias: usize, bmode: i32, z: usize, act: i32, lo: f32, hi: f32): void {
  if (first && bmode == 0 && bias) {
    if (tc) epiCols(c, ldc, i, j, mr, n, bias, 1, 0, 0, lo, hi);
    else epiRows(c, ldc, i, j, mr, n, bias, 1, 0, 0, lo, hi);
  }
  if (last) {
    const bk = bias == 0 || bmode == 0 ? 0 : 1;
    if (bk != 0 || z != 0 || act != 0) {
      if (tc) epiCols(c, ldc, i, j, mr, n, bias, bk, z, act, lo, hi);
      else epiRows(c, ldc, i, j, mr, n, bias, bk, z, act, lo, hi);
    }
  }
}

// kern4x8 storing its tile transposed: C[r, q] at c[q*ldc + r] (ldc in bytes), four values of one
// column per v128 (the same accumulation as kern4x8, so the same values).
@noinline
function kern4x8t(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, alpha: f32, beta: f32): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  const apEnd = ap + <usize>kc * 64;
  while (ap < apEnd) {
    const b0 = v128.load(bp, 0);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load(ap, 0);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load(ap, 16);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load(ap, 32);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load(ap, 48);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    ap += 64; bp += 32;
  }
  if (alpha != 1) {
    const va = f32x4.splat(alpha);
    c00 = f32x4.mul(c00, va);
    c01 = f32x4.mul(c01, va);
    c10 = f32x4.mul(c10, va);
    c11 = f32x4.mul(c11, va);
    c20 = f32x4.mul(c20, va);
    c21 = f32x4.mul(c21, va);
    c30 = f32x4.mul(c30, va);
    c31 = f32x4.mul(c31, va);
  }
  storeT4(c, ldc, c00, c10, c20, c30, beta);
  storeT4(c + 4 * ldc, ldc, c01, c11, c21, c31, beta);
}

// Stores the transpose of rows r0..r3 (4 values each) as 4 memory rows at p, p + ldc, ... (bytes),
// adding beta * the old values (beta 0: not read; 1: plain add, as kern4x8).
// @ts-ignore: decorator
@inline function storeT4(p: usize, ldc: usize, r0: v128, r1: v128, r2: v128, r3: v128, beta: f32): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  let q0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5);
  let q1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
  let q2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5);
  let q3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
  if (beta == 1) {
    q0 = f32x4.add(q0, v128.load(p));
    q1 = f32x4.add(q1, v128.load(p + ldc));
    q2 = f32x4.add(q2, v128.load(p + 2 * ldc));
    q3 = f32x4.add(q3, v128.load(p + 3 * ldc));
  } else if (beta != 0) {
    const vb = f32x4.splat(beta);
    q0 = f32x4.add(q0, f32x4.mul(vb, v128.load(p)));
    q1 = f32x4.add(q1, f32x4.mul(vb, v128.load(p + ldc)));
    q2 = f32x4.add(q2, f32x4.mul(vb, v128.load(p + 2 * ldc)));
    q3 = f32x4.add(q3, f32x4.mul(vb, v128.load(p + 3 * ldc)));
  }
  v128.store(p, q0);
  v128.store(p + ldc, q1);
  v128.store(p + 2 * ldc, q2);
  v128.store(p + 3 * ldc, q3);
}

// mergeTile storing transposed: C[i+r, j+q] at cp[q*ldc + r].
function mergeTileT(mr: i32, nr: i32, cp: usize, ldc: usize, alpha: f32, beta: f32): void {
  for (let r = 0; r < mr; r++) {
    const t = ctile + <usize>r * (NR * 4);
    for (let q = 0; q < nr; q++) {
      const v = alpha * load<f32>(t + (<usize>q << 2));
      const p = cp + ((<usize>q * ldc + <usize>r) << 2);
      store<f32>(p, beta == 0 ? v : v + beta * load<f32>(p));
    }
  }
}

// One micro-tile C[i:i+mr, j:j+nr] of slice (depth kc) into row-major or transposed (tc) C.
// @ts-ignore: decorator
@inline function tile(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, tc: i32, i: i32, j: i32, mr: i32, nr: i32, alpha: f32, be: f32): void {
  if (!tc) {
    const cp = c + ((<usize>i * ldc + <usize>j) << 2);
    if (mr == MR && nr == NR) {
      kern4x8(kc, ap, bp, cp, ldc << 2, alpha, be);
    } else {
      kern4x8(kc, ap, bp, ctile, NR * 4, 1, 0);
      mergeTile(mr, nr, cp, ldc, alpha, be);
    }
  } else {
    const cp = c + ((<usize>j * ldc + <usize>i) << 2);
    if (mr == MR && nr == NR) {
      kern4x8t(kc, ap, bp, cp, ldc << 2, alpha, be);
    } else {
      kern4x8(kc, ap, bp, ctile, NR * 4, 1, 0);
      mergeTileT(mr, nr, cp, ldc, alpha, be);
    }
  }
}

/**
 * Rows m0..m1 of C = epilogue(alpha * op(A) @ op(B)) with op(B) pre-packed in pb (sgemm_pb_pack's
 * layout for blocking kcb x ncb); C's old contents are never read. tc = 1 stores C transposed
 * (C[i, j] at c[j*ldc + i]). Epilogue: bias (0: none) per column j, added before the first slice is
 * accumulated (bmode 0) or after the last (bmode 1); z (0: none) with C's layout, added after the
 * bias; act 0 none, 1 relu, 2 clip [lo, hi], 3 gelu. ws: 16-byte aligned, sgemm_pb_ws_bytes long.
 * Needs M >= 2 and N >= 2 (sgemm takes matrix-vector paths otherwise).
 */
export function sgemm_pbe(transA: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, pb: usize, c: usize, ldc: i32, tc: i32, m0: i32, m1: i32, kcb: i32, ncb: i32, ws: usize, bias: usize, bmode: i32, z: usize, act: i32, lo: f32, hi: f32): void {
  if (m0 < 0) m0 = 0;
  if (m1 > M) m1 = M;
  if (m1 <= m0 || N <= 0 || K <= 0 || kcb <= 0 || ncb <= 0) return;
  const uldc = <usize>ldc;
  const sT = ctile;
  ctile = ws;
  const pa = ws + 128;
  for (let jc = 0; jc < N; jc += ncb) {
    const nc = min(ncb, N - jc);
    const ncr = (nc + NR - 1) / NR * NR;
    const blk = pb + ((<usize>jc * <usize>K) << 2);
    for (let pc = 0; pc < K; pc += kcb) {
      const kc = min(kcb, K - pc);
      const pbs = blk + ((<usize>pc * <usize>ncr) << 2);
      const be: f32 = pc == 0 ? 0 : 1;
      for (let ic = m0; ic < m1; ic += MR) {
        const mr = min(MR, m1 - ic);
        packA(transA, a, <usize>lda, ic, mr, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          tile(kc, pa, pbs + <usize>jr * <usize>kc * 4, c, uldc, tc, ic, jc + jr, mr, min(NR, nc - jr), alpha, be);
        }
        epiStrip(c, uldc, tc, ic, jc, mr, nc, pc == 0, pc + kc >= K, bias, bmode, z, act, lo, hi);
      }
    }
  }
  ctile = sT;
}
