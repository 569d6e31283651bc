// Winograd convolution for groups-1, dilation-1 float32 conv2d forward (NCHW input, OIHW weight).
// Variants (the `v` argument of every entry point):
//   v = 4: F(4x4, 3x3) on 6x6 tiles; v = 2: F(2x2, 3x3) on 4x4 tiles; v = 7: F(4x4, 4x4) on 7x7 tiles.
//   y = A^T [ sum_c (G g G^T) .* (B^T d B) ] A   per m x m output tile and output channel
// Stride s > 1 (equal in both dims) by polyphase decomposition: phase (a, b) of the padded input,
// x_ab[i][j] = x[s i + a - ph][s j + b - pw], is an extra input channel (C' = s*s*C channels) and
// its sub-kernel w[s u + a][s v + b] (r x r, r = ceil(k / s), zero-extended) the matching weight, so
// the strided conv is a stride-1 r x r conv over C' channels: resnet's 7x7 stride-2 stem is an
// F(4x4, 4x4) conv over 12 channels (4x fewer multiplies than direct; 5.3 -> 2.05 ms).
// F(4x4, 4x4) uses the points 0, 1, -1, 1/2, -1/2, 2, inf (f32 error rms 3.2e-6, max 2.7e-5 at
// output rms 2.1 for a 12-channel 4x4 sum, ~20x a direct f32 sum's: fine for a network input layer).
// F(4x4, 3x3) uses the interpolation points 0, 1, -1, 1/2, -1/2, inf (0, +-1, +-2, inf gives the
// same f32 error within sampling noise: rms 6.6e-5 vs 6.4e-5 over 64 x 16 outputs of 256-channel
// sums at output rms 47, tests/gen/winograd_fixtures.py); F(2x2, 3x3) uses 0, 1, -1, inf (rms 9e-6).
//
// Data flow of one image (wino_conv_f32):
//   1. The input is copied once (stride 1: 4x4 transposes; stride s: 4 phase channels gathered per
//      vector) into a
//      zero-padded, channel-interleaved image P [C'/4][Hp][Wp][4] (Hp = TH*m + r - 1, Wp = TW*m +
//      r - 1 for the TH x TW tile grid): every tile then reads its n x n (n = m + r - 1) patch with
//      plain v128 loads (4 channels per vector), edges and padding included.
//   2. Tiles are processed in blocks of TB (a multiple of 4, chosen by the caller so that the
//      block's transformed input V and GEMM output Y stay in L2; TB 4..256 measured within noise
//      on resnet18's layers). Per block:
//      a. input transform, SIMD across 4 channels, then a 4x4 transpose per frequency so that V is
//         laid out as the A operand of the GEMM: V[xi][tile panel of 4][channel][4 tiles];
//      b. one GEMM per frequency xi (n*n of them): Y_xi [TB x O] = V_xi [TB x C] @ U_xi [C x O],
//         rows = tiles, columns = output channels. This orientation keeps the (large, cached)
//         transformed weights U as the B operand in plain 8-wide panels (no 4x pre-broadcast copy)
//         and works for any tile count (layer4 of resnet18 has 4 tiles per image);
//         4x8 register-blocked micro-kernel (the sgemm kernel's shape: A values splat-loaded);
//      c. output transform, SIMD across 4 output channels, + bias, 4x4 transposes and stores
//         straight into the NCHW output (partial tiles at the right/bottom edges clipped).
//   Measured (1 thread, C = O = 64 @56x56, 1.27 ms): the GEMMs ~0.95 ms (~60 GFLOP/s, the micro-
//   kernel's mul+add peak), input and output transforms ~0.15 ms each, the copy ~0.03 ms; at 512
//   @7x7 the GEMMs stream the 37.7 MB of U once (1.5 ms).
// The transformed weights U (wino_weights_f32; n*n blocks of C4*4 x O8*8 floats in 8-wide panels,
// each block padded by a cache line: see fStride) are made once per weight tensor by the caller
// (ts/ops/conv.ts caches them).
// wino_conv_f32 (serial) grows its scratch (P, and V + Y + transform buffers) here; the threaded
// path (ts/backend/threads.ts, launch kind 8) runs wino_pad_f32 / wino_tiles_f32 units with
// buffers the main thread allocated (a worker instance must not allocate).

// c + a * b (fused in the relaxed-SIMD build, as in gemm.ts)
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

let rawP: usize = 0;
let capP: usize = 0;
let rawV: usize = 0;
let capV: usize = 0;

function grow(raw: usize, cap: usize, bytes: usize): usize {
  if (bytes <= cap) return raw;
  if (raw != 0) heap.free(raw);
  return heap.alloc(bytes + 64);
}

// variant -> output tile size m and input tile size n (kernel size r = n - m + 1)
// @ts-ignore: decorator
@inline function normV(v: i32): i32 { return v == 2 || v == 7 ? v : 4; }
// @ts-ignore: decorator
@inline function tileM(v: i32): i32 { return v == 2 ? 2 : 4; }
// @ts-ignore: decorator
@inline function tileN(v: i32): i32 { return v == 2 ? 4 : v == 7 ? 7 : 6; }

// ---- weight transform -----------------------------------------------------------------------------

/** Bytes of the transformed weights for O output and C' (= s*s*C) input channels. */
export function wino_weights_bytes(v: i32, O: i32, C: i32): usize {
  const n = tileN(normV(v));
  return <usize>(n * n) * fStride(<usize>((C + 3) >> 2 << 2) * <usize>((O + 7) >> 3 << 3) * 4);
}

// Bytes from one frequency's block to the next in U, V and Y: the block size plus one cache line, so
// that the n*n blocks a transform reads or writes at once do not all fall into the same L1 set
// (power-of-two block sizes did: the 512 x 512 weight transform ran 5x slower, ~55 ns per (o, c)).
// @ts-ignore: decorator
@inline function fStride(bytes: usize): usize {
  return bytes + 64;
}

// G rows (n x 3) for m = 4 (points 0, 1, -1, 1/2, -1/2, inf) and m = 2 (0, 1, -1, inf)
// @ts-ignore: decorator
@inline function g4(i: i32, j: i32): f64 {
  // [4,0,0] [2/3,2/3,2/3] [2/3,-2/3,2/3] [-8/3,-4/3,-2/3] [-8/3,4/3,-2/3] [0,0,1]
  if (i == 0) return j == 0 ? 4.0 : 0.0;
  if (i == 5) return j == 2 ? 1.0 : 0.0;
  if (i == 1) return 2.0 / 3.0;
  if (i == 2) return j == 1 ? -2.0 / 3.0 : 2.0 / 3.0;
  if (j == 0) return -8.0 / 3.0;
  if (j == 1) return i == 3 ? -4.0 / 3.0 : 4.0 / 3.0;
  return -2.0 / 3.0;
}

// @ts-ignore: decorator
@inline function g2(i: i32, j: i32): f64 {
  // [1,0,0] [1/2,1/2,1/2] [1/2,-1/2,1/2] [0,0,1]
  if (i == 0) return j == 0 ? 1.0 : 0.0;
  if (i == 3) return j == 2 ? 1.0 : 0.0;
  if (i == 2 && j == 1) return -0.5;
  return 0.5;
}

// G rows (7 x 4) for F(4x4, 4x4): row i < 6 is p^j / prod_{q != p} (p - q) for the i-th point p
// (0, 1, -1, 1/2, -1/2, 2), row 6 (inf) is [0, 0, 0, 1]
// @ts-ignore: decorator
@inline function pt7(i: i32): f64 {
  return i == 0 ? 0.0 : i == 1 ? 1.0 : i == 2 ? -1.0 : i == 3 ? 0.5 : i == 4 ? -0.5 : 2.0;
}
function g7(i: i32, j: i32): f64 {
  if (i == 6) return j == 3 ? 1.0 : 0.0;
  const p = pt7(i);
  let d: f64 = 1;
  for (let q = 0; q < 6; q++) if (q != i) d *= p - pt7(q);
  let pj: f64 = 1;
  for (let e = 0; e < j; e++) pj *= p;
  return pj / d;
}

// @ts-ignore: decorator
@inline function gAt(v: i32, i: i32, j: i32): f64 {
  return v == 7 ? g7(i, j) : v == 4 ? g4(i, j) : g2(i, j);
}

// weight-transform scratch (main thread only): G as f32 splats (n x r v128, for F(4x4, 4x4)), the
// 4-lane sub-kernels (r x r v128) and G g (n x r v128)
let wscr: usize = 0;

// G (3 -> 6 / 3 -> 4) applied to 3 vectors at src (stride ss) into dst (stride ds), F(4,3) / F(2,3)
// @ts-ignore: decorator
@inline function gt6(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src);
  const g1 = v128.load(src + ss);
  const g2 = v128.load(src + 2 * ss);
  const t = f32x4.splat(<f32>(2.0 / 3.0));
  const e = f32x4.add(g0, g2);
  const u = f32x4.add(f32x4.mul(f32x4.splat(<f32>(-8.0 / 3.0)), g0), f32x4.mul(f32x4.splat(<f32>(-2.0 / 3.0)), g2));
  const f = f32x4.mul(f32x4.splat(<f32>(4.0 / 3.0)), g1);
  v128.store(dst, f32x4.mul(f32x4.splat(4.0), g0));
  v128.store(dst + ds, f32x4.mul(t, f32x4.add(e, g1)));
  v128.store(dst + 2 * ds, f32x4.mul(t, f32x4.sub(e, g1)));
  v128.store(dst + 3 * ds, f32x4.sub(u, f));
  v128.store(dst + 4 * ds, f32x4.add(u, f));
  v128.store(dst + 5 * ds, g2);
}

// @ts-ignore: decorator
@inline function gt4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = v128.load(src);
  const g1 = v128.load(src + ss);
  const g2 = v128.load(src + 2 * ss);
  const h = f32x4.splat(0.5);
  const e = f32x4.add(g0, g2);
  v128.store(dst, g0);
  v128.store(dst + ds, f32x4.mul(h, f32x4.add(e, g1)));
  v128.store(dst + 2 * ds, f32x4.mul(h, f32x4.sub(e, g1)));
  v128.store(dst + 3 * ds, g2);
}

/**
 * U = G g G^T for every (o, c') of the O x C x kh x kw weight w at stride s (c' = (a s + b) C + c,
 * g = the phase (a, b) sub-kernel w[o, c, s u + a, s v + b], zero past kh / kw; r = n - m + 1 must
 * be >= ceil(kh / s), ceil(kw / s)), written to u (wino_weights_bytes(v, O, s*s*C)) as n*n GEMM B
 * operands: frequency xi at u + xi * C'4 * O8 * 32, each holding O8 panels of 8 output channels
 * (panel j at + j * C'4 * 32 bytes, channel c''s 8 values contiguous); padding is zero.
 * SIMD across 4 output channels (the 4 lanes are 4 consecutive values of a panel row), in f32
 * (G's entries rounded to f32: relative error ~1e-7, far below the transforms' own). 512 x 512 x
 * 3 x 3: ~4 ms (main thread; a scalar f64 version took 80).
 */
export function wino_weights_f32(v: i32, w: usize, O: i32, C: i32, kh: i32, kw: i32, s: i32, u: usize): void {
  v = normV(v);
  const n = tileN(v);
  const r = n - tileM(v) + 1;
  const Cs = C * s * s;
  const Cp = (Cs + 3) >> 2 << 2;
  const Op = (O + 7) >> 3 << 3;
  const fstride = fStride((<usize>Cp * <usize>Op) << 2); // bytes per frequency
  if (wscr == 0) wscr = heap.alloc((7 * 4 + 16 + 7 * 4) * 16 + 16);
  const Gs = (wscr + 15) & ~(<usize>15); // G[i][p] splat at Gs + (i * r + p) * 16
  const Kb = Gs + 28 * 16;               // sub-kernel g[p][q] at Kb + (p * r + q) * 16
  const Tb = Kb + 16 * 16;               // (G g)[i][q] at Tb + (i * r + q) * 16
  for (let i = 0; i < n; i++) for (let p = 0; p < r; p++) v128.store(Gs + <usize>(i * r + p) * 16, f32x4.splat(<f32>gAt(v, i, p)));
  const khw = <usize>(kh * kw);
  const ost = (<usize>C * khw) << 2;
  // every element of u is written (channels past O and rows past C' as zeros), each panel row's
  // 32 bytes at once (both 4-channel halves), so every frequency plane is written sequentially
  for (let j = 0; j < Op; j += 8) for (let c2 = 0; c2 < Cp; c2++) for (let o = j; o < j + 8; o += 4) {
    const nl = min(4, O - o);
    const dstO = u + ((<usize>(o >> 3) * <usize>Cp * 8 + <usize>(o & 7)) << 2);
    {
      const phs = c2 / C;
      const c = c2 - phs * C;
      const a = phs / s;
      const b = phs - a * s;
      // the 4 output channels' sub-kernels, lane l = channel o + l (zero past O, C' and the kernel)
      for (let p = 0; p < r; p++) {
        const ky = s * p + a;
        for (let q = 0; q < r; q++) {
          const kx = s * q + b;
          let vec = f32x4.splat(0);
          if (c2 < Cs && nl > 0 && ky < kh && kx < kw) {
            const src = w + (((<usize>o * <usize>C + <usize>c) * khw + <usize>(ky * kw + kx)) << 2);
            vec = f32x4.replace_lane(vec, 0, load<f32>(src));
            if (nl > 1) vec = f32x4.replace_lane(vec, 1, load<f32>(src + ost));
            if (nl > 2) vec = f32x4.replace_lane(vec, 2, load<f32>(src + 2 * ost));
            if (nl > 3) vec = f32x4.replace_lane(vec, 3, load<f32>(src + 3 * ost));
          }
          v128.store(Kb + <usize>(p * r + q) * 16, vec);
        }
      }
      const dst = dstO + (<usize>c2 << 5);
      if (v == 4) {
        // columns: T[i][q] = (G g[:, q])[i]; rows: U[i][j] = (G T[i, :])[j]
        for (let q = 0; q < 3; q++) gt6(Kb + <usize>q * 16, 48, Tb + <usize>q * 16, 48);
        for (let i = 0; i < 6; i++) gt6(Tb + <usize>i * 48, 16, dst + <usize>(i * 6) * fstride, fstride);
        continue;
      }
      if (v == 2) {
        for (let q = 0; q < 3; q++) gt4(Kb + <usize>q * 16, 48, Tb + <usize>q * 16, 48);
        for (let i = 0; i < 4; i++) gt4(Tb + <usize>i * 48, 16, dst + <usize>(i * 4) * fstride, fstride);
        continue;
      }
      // generic (F(4x4, 4x4)): T = G g (n x r), then U = T G^T (n x n)
      for (let i = 0; i < n; i++) {
        for (let q = 0; q < r; q++) {
          let acc = f32x4.splat(0);
          for (let p = 0; p < r; p++) acc = f32x4.add(acc, f32x4.mul(v128.load(Gs + <usize>(i * r + p) * 16), v128.load(Kb + <usize>(p * r + q) * 16)));
          v128.store(Tb + <usize>(i * r + q) * 16, acc);
        }
      }
      for (let i = 0; i < n; i++) {
        for (let jj = 0; jj < n; jj++) {
          let acc = f32x4.splat(0);
          for (let q = 0; q < r; q++) acc = f32x4.add(acc, f32x4.mul(v128.load(Tb + <usize>(i * r + q) * 16), v128.load(Gs + <usize>(jj * r + q) * 16)));
          v128.store(dst + <usize>(i * n + jj) * fstride, acc);
        }
      }
    }
  }
}

// ---- 1-d transforms (4 lanes at once) -------------------------------------------------------------
// F(4,3) input: rows of B^T (points 0, 1, -1, 1/2, -1/2, inf)
//   [1/4 0 -5/4 0 1 0] [0 -1/4 -1/4 1 1 0] [0 1/4 -1/4 -1 1 0] [0 -1/2 -1 1/2 1 0] [0 1/2 -1 -1/2 1 0] [0 1/4 0 -5/4 0 1]
// @ts-ignore: decorator
@inline function bt6(src: usize, ss: usize, dst: usize, ds: usize): void {
  const d0 = v128.load(src);
  const d1 = v128.load(src + ss);
  const d2 = v128.load(src + 2 * ss);
  const d3 = v128.load(src + 3 * ss);
  const d4 = v128.load(src + 4 * ss);
  const d5 = v128.load(src + 5 * ss);
  const q = f32x4.splat(0.25);
  const h = f32x4.splat(0.5);
  const f = f32x4.splat(1.25);
  const t1 = f32x4.sub(d4, f32x4.mul(q, d2));
  const t2 = f32x4.sub(d3, f32x4.mul(q, d1));
  const t3 = f32x4.sub(d4, d2);
  const t4 = f32x4.mul(h, f32x4.sub(d3, d1));
  v128.store(dst, f32x4.add(f32x4.sub(f32x4.mul(q, d0), f32x4.mul(f, d2)), d4));
  v128.store(dst + ds, f32x4.add(t1, t2));
  v128.store(dst + 2 * ds, f32x4.sub(t1, t2));
  v128.store(dst + 3 * ds, f32x4.add(t3, t4));
  v128.store(dst + 4 * ds, f32x4.sub(t3, t4));
  v128.store(dst + 5 * ds, f32x4.add(f32x4.sub(f32x4.mul(q, d1), f32x4.mul(f, d3)), d5));
}

// F(2,3) input: rows of B^T [1 0 -1 0] [0 1 1 0] [0 -1 1 0] [0 -1 0 1]
// @ts-ignore: decorator
@inline function bt4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const d0 = v128.load(src);
  const d1 = v128.load(src + ss);
  const d2 = v128.load(src + 2 * ss);
  const d3 = v128.load(src + 3 * ss);
  v128.store(dst, f32x4.sub(d0, d2));
  v128.store(dst + ds, f32x4.add(d1, d2));
  v128.store(dst + 2 * ds, f32x4.sub(d2, d1));
  v128.store(dst + 3 * ds, f32x4.sub(d3, d1));
}

// F(4,3) output: rows of A^T [1 1 1 1 1 0] [0 1 -1 1/2 -1/2 0] [0 1 1 1/4 1/4 0] [0 1 -1 1/8 -1/8 1]
// @ts-ignore: decorator
@inline function at6(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src);
  const m1 = v128.load(src + ss);
  const m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss);
  const m4 = v128.load(src + 4 * ss);
  const m5 = v128.load(src + 5 * ss);
  const a = f32x4.add(m1, m2);
  const b = f32x4.sub(m1, m2);
  const c = f32x4.add(m3, m4);
  const d = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(m0, a), c));
  v128.store(dst + ds, f32x4.add(b, f32x4.mul(f32x4.splat(0.5), d)));
  v128.store(dst + 2 * ds, f32x4.add(a, f32x4.mul(f32x4.splat(0.25), c)));
  v128.store(dst + 3 * ds, f32x4.add(f32x4.add(b, f32x4.mul(f32x4.splat(0.125), d)), m5));
}

// F(2,3) output: rows of A^T [1 1 1 0] [0 1 -1 1]
// @ts-ignore: decorator
@inline function at4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src);
  const m1 = v128.load(src + ss);
  const m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss);
  v128.store(dst, f32x4.add(f32x4.add(m0, m1), m2));
  v128.store(dst + ds, f32x4.add(f32x4.sub(m1, m2), m3));
}

// F(4,4) input: rows of B^T (points 0, 1, -1, 1/2, -1/2, 2, inf; generated from the exact matrix)
//   [-1/2 1/4 5/2 -5/4 -2 1 0] [0 1/2 1/4 -9/4 -1 1 0] [0 -1/2 3/4 7/4 -3 1 0] [0 1 3/2 -2 -3/2 1 0]
//   [0 -1 5/2 0 -5/2 1 0] [0 1/4 0 -5/4 0 1 0] [0 -1/2 1/4 5/2 -5/4 -2 1]
// @ts-ignore: decorator
@inline function bt7(src: usize, ss: usize, dst: usize, ds: usize): void {
  const d0 = v128.load(src);
  const d1 = v128.load(src + ss);
  const d2 = v128.load(src + 2 * ss);
  const d3 = v128.load(src + 3 * ss);
  const d4 = v128.load(src + 4 * ss);
  const d5 = v128.load(src + 5 * ss);
  const d6 = v128.load(src + 6 * ss);
  const h = f32x4.splat(0.5);
  const q = f32x4.splat(0.25);
  const h1 = f32x4.mul(h, d1);
  const q1 = f32x4.mul(q, d1);
  const q2 = f32x4.mul(q, d2);
  v128.store(dst, f32x4.add(f32x4.sub(f32x4.sub(f32x4.add(f32x4.sub(q1, f32x4.mul(h, d0)), f32x4.mul(f32x4.splat(2.5), d2)), f32x4.mul(f32x4.splat(1.25), d3)), f32x4.mul(f32x4.splat(2.0), d4)), d5));
  v128.store(dst + ds, f32x4.add(f32x4.sub(f32x4.sub(f32x4.add(h1, q2), f32x4.mul(f32x4.splat(2.25), d3)), d4), d5));
  v128.store(dst + 2 * ds, f32x4.add(f32x4.sub(f32x4.add(f32x4.sub(f32x4.mul(f32x4.splat(0.75), d2), h1), f32x4.mul(f32x4.splat(1.75), d3)), f32x4.mul(f32x4.splat(3.0), d4)), d5));
  v128.store(dst + 3 * ds, f32x4.add(f32x4.sub(f32x4.sub(f32x4.add(d1, f32x4.mul(f32x4.splat(1.5), d2)), f32x4.mul(f32x4.splat(2.0), d3)), f32x4.mul(f32x4.splat(1.5), d4)), d5));
  v128.store(dst + 4 * ds, f32x4.add(f32x4.add(f32x4.mul(f32x4.splat(2.5), f32x4.sub(d2, d4)), d5), f32x4.neg(d1)));
  v128.store(dst + 5 * ds, f32x4.add(f32x4.sub(q1, f32x4.mul(f32x4.splat(1.25), d3)), d5));
  v128.store(dst + 6 * ds, f32x4.add(f32x4.sub(f32x4.sub(f32x4.add(f32x4.sub(q2, h1), f32x4.mul(f32x4.splat(2.5), d3)), f32x4.mul(f32x4.splat(1.25), d4)), f32x4.mul(f32x4.splat(2.0), d5)), d6));
}

// F(4,4) output: rows of A^T [1 1 1 1 1 1 0] [0 1 -1 1/2 -1/2 2 0] [0 1 1 1/4 1/4 4 0] [0 1 -1 1/8 -1/8 8 1]
// @ts-ignore: decorator
@inline function at7(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src);
  const m1 = v128.load(src + ss);
  const m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss);
  const m4 = v128.load(src + 4 * ss);
  const m5 = v128.load(src + 5 * ss);
  const m6 = v128.load(src + 6 * ss);
  const a = f32x4.add(m1, m2);
  const b = f32x4.sub(m1, m2);
  const c = f32x4.add(m3, m4);
  const d = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(f32x4.add(m0, a), c), m5));
  v128.store(dst + ds, f32x4.add(f32x4.add(b, f32x4.mul(f32x4.splat(0.5), d)), f32x4.mul(f32x4.splat(2.0), m5)));
  v128.store(dst + 2 * ds, f32x4.add(f32x4.add(a, f32x4.mul(f32x4.splat(0.25), c)), f32x4.mul(f32x4.splat(4.0), m5)));
  v128.store(dst + 3 * ds, f32x4.add(f32x4.add(f32x4.add(b, f32x4.mul(f32x4.splat(0.125), d)), f32x4.mul(f32x4.splat(8.0), m5)), m6));
}

// 4x4 transpose of the vectors at s, s + ss, s + 2ss, s + 3ss into d, d + ds, ...
// @ts-ignore: decorator
@inline function transpose4(s: usize, ss: usize, d: usize, ds: usize): void {
  const r0 = v128.load(s);
  const r1 = v128.load(s + ss);
  const r2 = v128.load(s + 2 * ss);
  const r3 = v128.load(s + 3 * ss);
  const a0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const a1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const a2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const a3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(a0, a2, 0, 1, 4, 5));
  v128.store(d + ds, v128.shuffle<f32>(a0, a2, 2, 3, 6, 7));
  v128.store(d + 2 * ds, v128.shuffle<f32>(a1, a3, 0, 1, 4, 5));
  v128.store(d + 3 * ds, v128.shuffle<f32>(a1, a3, 2, 3, 6, 7));
}

// ---- GEMM micro-kernel ----------------------------------------------------------------------------
// C[0:4, 0:8] (row stride ldc bytes) = A panel (kc x 4 tiles, splat-loaded) @ B panel (kc x 8).
@noinline
function wkern(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  const apEnd = ap + <usize>kc * 16;
  while (ap < apEnd) {
    const b0 = v128.load(bp, 0);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load32_splat(ap, 0);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(ap, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(ap, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(ap, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    ap += 16; bp += 32;
  }
  v128.store(c, c00, 0);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10, 0);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20, 0);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30, 0);
  v128.store(c + 3 * ldc, c31, 16);
}

// ---- driver ----------------------------------------------------------------------------------------
// wino_pad_f32 and wino_tiles_f32 are the units a threaded caller (ts/backend/threads.ts) runs on
// its workers with caller-provided buffers (workers never allocate); wino_conv_f32 is the serial
// driver over them. Every output element goes through the same instructions however the tiles and
// output channels are split into units, so results are bit-identical for any thread count.

/** Bytes of the padded channel-interleaved image of one input image with C' (= s*s*C) channels. */
export function wino_pad_bytes(v: i32, C: i32, OH: i32, OW: i32): usize {
  v = normV(v);
  const m = tileM(v);
  const e = tileN(v) - m;
  const TH = (OH + m - 1) / m;
  const TW = (OW + m - 1) / m;
  return <usize>((C + 3) >> 2) * <usize>(TH * m + e) * <usize>(TW * m + e) * 16;
}

/**
 * 1. The image x [C, H, W] copied into the zero-padded channel-interleaved P [C'/4][Hp][Wp][4]
 * (16-byte aligned, wino_pad_bytes(v, s*s*C, ...) long): P[c'][py][px] = x[c][s py + a - ph][s px
 * + b - pw] for c' = (a s + b) C + c (stride 1: c' = c, copied by 4x4 transposes).
 */
export function wino_pad_f32(v: i32, x: usize, C: i32, H: i32, W: i32, s: i32, ph: i32, pw: i32, OH: i32, OW: i32, P: usize): void {
  v = normV(v);
  const m = tileM(v);
  const e = tileN(v) - m;
  const TH = (OH + m - 1) / m;
  const TW = (OW + m - 1) / m;
  const Cs = C * s * s;
  const C4 = (Cs + 3) >> 2;
  const Hp = TH * m + e;
  const Wp = TW * m + e;
  const rowP = <usize>Wp * 16;
  const planeP = <usize>Hp * rowP;
  const HW = <usize>H * <usize>W;
  memory.fill(P, 0, <usize>C4 * planeP);
  if (s != 1) {
    // 4 phase channels per vector: lane l is channel c' = 4 cg + l (its image channel and phase
    // offsets gathered per lane, rows and columns outside the image as 0)
    for (let cg = 0; cg < C4; cg++) {
      const pg = P + <usize>cg * planeP;
      let x0 = x, x1 = x, x2 = x, x3 = x;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      const nc = min(4, Cs - cg * 4);
      for (let l = 0; l < nc; l++) {
        const c2 = cg * 4 + l;
        const phs = c2 / C;
        const c = c2 - phs * C;
        const xc = x + ((<usize>c * HW) << 2);
        const a = phs / s - ph;
        const b = phs % s - pw;
        if (l == 0) { x0 = xc; a0 = a; b0 = b; }
        else if (l == 1) { x1 = xc; a1 = a; b1 = b; }
        else if (l == 2) { x2 = xc; a2 = a; b2 = b; }
        else { x3 = xc; a3 = a; b3 = b; }
      }
      for (let py = 0; py < Hp; py++) {
        const iy0 = s * py + a0, iy1 = s * py + a1, iy2 = s * py + a2, iy3 = s * py + a3;
        const r0 = <u32>iy0 < <u32>H, r1 = nc > 1 && <u32>iy1 < <u32>H, r2 = nc > 2 && <u32>iy2 < <u32>H, r3 = nc > 3 && <u32>iy3 < <u32>H;
        if (!(r0 || r1 || r2 || r3)) continue;
        const s0 = x0 + ((<usize>iy0 * <usize>W) << 2), s1 = x1 + ((<usize>iy1 * <usize>W) << 2);
        const s2 = x2 + ((<usize>iy2 * <usize>W) << 2), s3 = x3 + ((<usize>iy3 * <usize>W) << 2);
        const dst = pg + <usize>py * rowP;
        for (let px = 0; px < Wp; px++) {
          const ix = s * px;
          const i0 = ix + b0, i1 = ix + b1, i2 = ix + b2, i3 = ix + b3;
          let vec = f32x4.splat(0);
          if (r0 && <u32>i0 < <u32>W) vec = f32x4.replace_lane(vec, 0, load<f32>(s0 + (<usize>i0 << 2)));
          if (r1 && <u32>i1 < <u32>W) vec = f32x4.replace_lane(vec, 1, load<f32>(s1 + (<usize>i1 << 2)));
          if (r2 && <u32>i2 < <u32>W) vec = f32x4.replace_lane(vec, 2, load<f32>(s2 + (<usize>i2 << 2)));
          if (r3 && <u32>i3 < <u32>W) vec = f32x4.replace_lane(vec, 3, load<f32>(s3 + (<usize>i3 << 2)));
          v128.store(dst + (<usize>px << 4), vec);
        }
      }
    }
    return;
  }
  // (4 channels at a time: 4 row loads, a 4x4 transpose, 4 stores; channels past C read as 0)
  const y0 = max(0, ph), y1 = min(Hp, H + ph);
  const x0 = max(0, pw), x1 = min(Wp, W + pw);
  for (let cg = 0; cg < C4; cg++) {
    const nc = min(4, C - cg * 4);
    const pg = P + <usize>cg * planeP;
    for (let py = y0; py < y1; py++) {
      const src = x + ((<usize>(cg * 4) * HW + <usize>(py - ph) * <usize>W) << 2);
      const dst = pg + <usize>py * rowP;
      let px = x0;
      if (nc == 4) {
        const ch = HW << 2;
        for (; px + 4 <= x1; px += 4) transpose4(src + (<usize>(px - pw) << 2), ch, dst + (<usize>px << 4), 16);
      }
      for (; px < x1; px++) {
        const s0 = src + (<usize>(px - pw) << 2);
        const d0 = dst + (<usize>px << 4);
        for (let i = 0; i < nc; i++) store<f32>(d0 + (<usize>i << 2), load<f32>(s0 + ((<usize>i * HW) << 2)));
      }
    }
  }
}

/** Bytes of the per-thread workspace of wino_tiles_f32 for blocks of up to TB tiles. */
export function wino_ws_bytes(v: i32, C: i32, O: i32, TB: i32): usize {
  const n = tileN(normV(v));
  const tb = <usize>((max(TB, 4) + 3) >> 2 << 2);
  return 64 + 5 * 49 * 16 + <usize>(n * n) * (fStride(tb * <usize>((C + 3) >> 2 << 2) * 4) + fStride(tb * <usize>((O + 7) >> 3 << 3) * 4)) + 128;
}

/**
 * 2. Tiles [t0, t1) (t1 - t0 <= TB) of one image, output channels [o0, o1) (o0 a multiple of 8):
 * input transform from P (wino_pad_f32), the per-frequency GEMMs against u (wino_weights_f32), and
 * the output transform + bias into y [O, OH, OW] (the image's output). ws: wino_ws_bytes(m, C, O,
 * TB) bytes of scratch.
 */
export function wino_tiles_f32(v: i32, P: usize, C: i32, OH: i32, OW: i32, u: usize, O: i32, o0: i32, o1: i32, bias: usize, y: usize, t0: i32, t1: i32, ws: usize): void {
  v = normV(v);
  const m = tileM(v);
  const n = tileN(v);
  const nn = n * n;
  const TH = (OH + m - 1) / m;
  const TW = (OW + m - 1) / m;
  const T = TH * TW;
  if (t1 > T) t1 = T;
  if (o1 > O) o1 = O;
  if (t0 < 0) t0 = 0;
  if (o0 < 0) o0 = 0;
  if (t1 <= t0 || o1 <= o0) return;
  const tb = t1 - t0;
  const np = (tb + 3) >> 2;
  const TB = np << 2;
  const C4 = (C + 3) >> 2;
  const Cp = C4 << 2;
  const Op = ((O + 7) >> 3) << 3;
  const rowP = <usize>(TW * m + n - m) * 16;
  const planeP = <usize>(TH * m + n - m) * rowP;
  const S = (ws + 63) & ~(<usize>63); // 4 tiles x nn vectors
  const R = S + 4 * 49 * 16;            // row-pass buffer (nn vectors)
  const V = R + 49 * 16;
  const vxi = fStride(<usize>np * <usize>Cp * 16); // bytes per frequency in V
  const Yb = V + <usize>nn * vxi;
  const yxi = fStride(<usize>TB * <usize>Op * 4);  // bytes per frequency in Y
  const uxi = fStride(<usize>Cp * <usize>Op * 4);  // bytes per frequency in U
  const ldy = <usize>Op * 4;
  const OHW = <usize>OH * <usize>OW;
  // 2a. input transform
  for (let p = 0; p < np; p++) {
    for (let cg = 0; cg < C4; cg++) {
      const pg = P + <usize>cg * planeP;
      for (let l = 0; l < 4; l++) {
        const t = min(t0 + p * 4 + l, t1 - 1);
        const ty = t / TW;
        const tx = t - ty * TW;
        const src = pg + <usize>(ty * m) * rowP + (<usize>(tx * m) << 4);
        const dst = S + <usize>(l * nn) * 16;
        if (v == 4) {
          // rows: R[i][j] = (d[i] B)[j]; columns: S[i][j] = (B^T R)[i][j]
          for (let i = 0; i < 6; i++) bt6(src + <usize>i * rowP, 16, R + <usize>(i * 6) * 16, 16);
          for (let j = 0; j < 6; j++) bt6(R + <usize>j * 16, 96, dst + <usize>j * 16, 96);
        } else if (v == 7) {
          for (let i = 0; i < 7; i++) bt7(src + <usize>i * rowP, 16, R + <usize>(i * 7) * 16, 16);
          for (let j = 0; j < 7; j++) bt7(R + <usize>j * 16, 112, dst + <usize>j * 16, 112);
        } else {
          for (let i = 0; i < 4; i++) bt4(src + <usize>i * rowP, 16, R + <usize>(i * 4) * 16, 16);
          for (let j = 0; j < 4; j++) bt4(R + <usize>j * 16, 64, dst + <usize>j * 16, 64);
        }
      }
      // V[xi][p][4cg + i][lane] = S[lane][xi][i]
      const vb = V + <usize>p * <usize>Cp * 16 + <usize>cg * 64;
      for (let xi = 0; xi < nn; xi++) transpose4(S + <usize>xi * 16, <usize>nn * 16, vb + <usize>xi * vxi, 16);
    }
  }
  // 2b. per-frequency GEMMs: Y_xi [tiles x Op] = V_xi @ U_xi (column panels of [o0, o1))
  const j0 = o0 >> 3;
  const j1 = (o1 + 7) >> 3;
  for (let xi = 0; xi < nn; xi++) {
    const vb = V + <usize>xi * vxi;
    const ub = u + <usize>xi * uxi;
    const yb = Yb + <usize>xi * yxi;
    for (let j = j0; j < j1; j++) {
      const bp = ub + <usize>j * <usize>Cp * 32;
      for (let p = 0; p < np; p++) wkern(Cp, vb + <usize>p * <usize>Cp * 16, bp, yb + <usize>(p * 4) * ldy + (<usize>j << 5), ldy);
    }
  }
  // 2c. output transform + bias + store
  for (let tl = 0; tl < tb; tl++) {
    const t = t0 + tl;
    const ty = t / TW;
    const tx = t - ty * TW;
    const oy = ty * m;
    const ox = tx * m;
    const rows = min(m, OH - oy);
    const cols = min(m, OW - ox);
    const yt = Yb + <usize>tl * ldy;
    for (let og = o0; og < o1; og += 4) {
      const src = yt + (<usize>og << 2);
      const nch = min(4, o1 - og);
      let bv = f32x4.splat(0);
      if (bias != 0) {
        if (nch == 4) bv = v128.load(bias + (<usize>og << 2));
        else {
          bv = f32x4.replace_lane(bv, 0, load<f32>(bias + (<usize>og << 2)));
          if (nch > 1) bv = f32x4.replace_lane(bv, 1, load<f32>(bias + (<usize>og << 2), 4));
          if (nch > 2) bv = f32x4.replace_lane(bv, 2, load<f32>(bias + (<usize>og << 2), 8));
        }
      }
      // R[i][j] (i < n, j < m) = (M[i] A)[j]; S[i][j] (i, j < m) = (A^T R)[i][j] + bias
      if (v == 4) {
        for (let i = 0; i < 6; i++) at6(src + <usize>(i * 6) * yxi, yxi, R + <usize>(i * 4) * 16, 16);
        for (let j = 0; j < 4; j++) at6(R + <usize>j * 16, 64, S + <usize>j * 16, 64);
      } else if (v == 7) {
        for (let i = 0; i < 7; i++) at7(src + <usize>(i * 7) * yxi, yxi, R + <usize>(i * 4) * 16, 16);
        for (let j = 0; j < 4; j++) at7(R + <usize>j * 16, 64, S + <usize>j * 16, 64);
      } else {
        for (let i = 0; i < 4; i++) at4(src + <usize>(i * 4) * yxi, yxi, R + <usize>(i * 2) * 16, 16);
        for (let j = 0; j < 2; j++) at4(R + <usize>j * 16, 32, S + <usize>j * 16, 32);
      }
      const yo = y + ((<usize>og * OHW + <usize>oy * <usize>OW + <usize>ox) << 2);
      for (let i = 0; i < rows; i++) {
        const si = S + <usize>(i * m) * 16;
        for (let j = 0; j < m; j++) v128.store(si + <usize>j * 16, f32x4.add(v128.load(si + <usize>j * 16), bv));
        // transposed: R[ch] = the m pixels of channel ch (m == 2: 8-byte rows)
        if (m == 4) transpose4(si, 16, R, 16);
        else {
          const a = v128.load(si);
          const b = v128.load(si, 16);
          v128.store(R, v128.shuffle<f32>(a, b, 0, 4, 1, 5));
          v128.store(R, v128.shuffle<f32>(a, b, 2, 6, 3, 7), 16);
        }
        const yr = yo + ((<usize>i * <usize>OW) << 2);
        for (let ch = 0; ch < nch; ch++) {
          const dst = yr + ((<usize>ch * OHW) << 2);
          const vec = m == 4 ? v128.load(R + <usize>ch * 16) : v128.load(R + <usize>ch * 8);
          if (cols == 4) v128.store(dst, vec);
          else {
            store<f32>(dst, f32x4.extract_lane(vec, 0));
            if (cols > 1) store<f32>(dst, f32x4.extract_lane(vec, 1), 4);
            if (cols > 2) store<f32>(dst, f32x4.extract_lane(vec, 2), 8);
          }
        }
      }
    }
  }
}

/**
 * y [N, O, OH, OW] = conv2d(x [N, C, H, W], weight) (+ bias[O] when bias != 0): stride s, dilation
 * 1, leading paddings ph, pw, kernel of at most r x r per phase (r = n - m + 1; v = 4, 2: 3x3 at
 * stride 1, v = 7: e.g. 7x7 at stride 2); any OH, OW with the image zero-extended are fine.
 * u: wino_weights_f32(v, ...) of the weight. TB: tiles per block (rounded up to a multiple of 4).
 * Serial (scratch grown here). Returns 0, or -1 if scratch could not be allocated.
 */
export function wino_conv_f32(v: i32, x: usize, N: i32, C: i32, H: i32, W: i32, s: i32, ph: i32, pw: i32, OH: i32, OW: i32, u: usize, O: i32, bias: usize, y: usize, TB: i32): i32 {
  v = normV(v);
  const m = tileM(v);
  const TH = (OH + m - 1) / m;
  const TW = (OW + m - 1) / m;
  const T = TH * TW;
  if (N <= 0 || O <= 0 || T <= 0) return 0;
  const Cs = C * s * s;
  TB = max(4, (min(TB, T) + 3) >> 2 << 2);
  const bytesP = wino_pad_bytes(v, Cs, OH, OW);
  const bytesW = wino_ws_bytes(v, Cs, O, TB);
  rawP = grow(rawP, capP, bytesP); if (rawP == 0) { capP = 0; return -1; } capP = max(capP, bytesP);
  rawV = grow(rawV, capV, bytesW); if (rawV == 0) { capV = 0; return -1; } capV = max(capV, bytesW);
  const P = (rawP + 63) & ~(<usize>63);
  const HW = <usize>H * <usize>W;
  const OHW = <usize>OH * <usize>OW;
  for (let img = 0; img < N; img++) {
    wino_pad_f32(v, x + ((<usize>img * <usize>C * HW) << 2), C, H, W, s, ph, pw, OH, OW, P);
    const yi = y + ((<usize>img * <usize>O * OHW) << 2);
    for (let t0 = 0; t0 < T; t0 += TB) wino_tiles_f32(v, P, Cs, OH, OW, u, O, 0, O, bias, yi, t0, min(T, t0 + TB), rawV);
  }
  return 0;
}
