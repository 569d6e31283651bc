// Tiled batched GEMM: C[b] = alpha * A[b] @ B[b] + beta * bias (bias broadcast by strides).
// A [M, K] and B [K, N] are read through general element strides and offsets (transposed and
// broadcast operands without copies); batches (grid z) index up to 3 batch dims whose per-operand
// strides may be 0 (broadcast). C is a fresh contiguous output block written at offC + b*M*N.
// Split K (kChunk != 0, one product): "batch" b computes the partial product over k in
// [b * kChunk, (b + 1) * kChunk) into slice b; a second launch with SUM_SPLITS adds the zbase
// slices (A = the partials, scalar variant) into C.
//
// Workgroups of 16x16 threads; each thread owns a TM x 4 register block (override TM = 4: 64x64
// output tiles, or TM = 8: 128x64 tiles for large products); BK = 16. Workgroup memory: the A
// tile stored k-major (As[k][m], 16 x 16*TM) and the B tile (Bs[k][n], 16 x 64) as vec4 rows
// (plus one padding vec4 each), 8.5 KB (TM 4) or 12.5 KB (TM 8). Per k the inner loop reads TM/4 vec4s of As (a broadcast: one
// address per row of threads) and one vec4 of Bs (consecutive vec4s across a row of threads): no
// bank conflicts, 4 * TM FMAs per 1 + TM/4 shared loads.
//
// Each thread loads TM/4 (A) and 1 (B) groups of 4 elements per tile, 4 consecutive along the
// operand's contiguous axis (A_KCONTIG / B_NCONTIG), into registers one tile ahead of the math
// (the global load latency hides behind the current tile's FMAs). The TS launcher swaps the
// scalar loaders below for the vec4 ones in the VEC4 comment blocks (a plain text replacement of
// the marked blocks, no code evaluation) when that axis has stride 1, the extent along it is a
// multiple of 4, and every offset is 4-aligned, so a group of four is entirely in or out of bounds.

struct Params {
  M: u32, N: u32, K: u32, zbase: u32,
  offA: i32, sAm: i32, sAk: i32, offB: i32,
  sBk: i32, sBn: i32, offC: u32, offBias: i32,
  sBiasM: i32, sBiasN: i32, alpha: f32, beta: f32,
  kChunk: u32, total: u32, _p0: u32, _p1: u32,   // split K: batch b covers k in [b*kChunk, (b+1)*kChunk)
  bshape: vec4<u32>,   // batch dims (x outermost .. z innermost), product = batch count
  bsA: vec4<i32>,      // A batch strides (elements)
  bsB: vec4<i32>,
  bsBias: vec4<i32>,
}

override TM: u32 = 4u;              // rows per thread: 4 or 8
override A_KCONTIG: bool = true;   // A loads run along k (else along m)
override B_NCONTIG: bool = true;   // B loads run along n (else along k)
override HAS_BIAS: bool = false;
override SUM_SPLITS: bool = false;  // the split-K reduction: C[e] = sum_s A[s * total + e]

//A_BEGIN
@group(0) @binding(0) var<storage, read> A: array<f32>;
fn loadA4(e: i32, st: i32, n: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  for (var i = 0u; i < 4u; i++) {
    if (i < n) { v[i] = A[u32(e + i32(i) * st)]; }
  }
  return v;
}
//A_END
/*A_VEC4
@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
fn loadA4(e: i32, st: i32, n: u32) -> vec4<f32> {
  if (n == 0u) { return vec4<f32>(0.0); }
  return A[u32(e) >> 2u];
}
A_VEC4*/
//B_BEGIN
@group(0) @binding(1) var<storage, read> B: array<f32>;
fn loadB4(e: i32, st: i32, n: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  for (var i = 0u; i < 4u; i++) {
    if (i < n) { v[i] = B[u32(e + i32(i) * st)]; }
  }
  return v;
}
//B_END
/*B_VEC4
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
fn loadB4(e: i32, st: i32, n: u32) -> vec4<f32> {
  if (n == 0u) { return vec4<f32>(0.0); }
  return B[u32(e) >> 2u];
}
B_VEC4*/
@group(0) @binding(2) var<storage, read> Bias: array<f32>;
//C_BEGIN
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
fn storeC4(e: u32, v: vec4<f32>, n: u32) {
  for (var j = 0u; j < 4u; j++) {
    if (j < n) { C[e + j] = v[j]; }
  }
}
//C_END
/*C_VEC4
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
fn storeC4(e: u32, v: vec4<f32>, n: u32) {
  if (n != 0u) { C[e >> 2u] = v; }
}
C_VEC4*/
@group(0) @binding(4) var<uniform> P: Params;

const BN = 64u;
const BK = 16u;
override BM: u32 = 16u * TM;
override AQ: u32 = 4u * TM;         // vec4s per k row of As (BM / 4)
override AS: u32 = AQ + 1u;          // As row stride in vec4s (one vec4 of padding, see below)
const BS = 17u;                      // Bs row stride in vec4s (16 + 1 of padding)

// The padding vec4 per k row keeps the transposing stores (A along k, B along k) at 2-way bank
// conflicts instead of 4-way; the inner loop's reads stay conflict-free either way.
var<workgroup> As: array<vec4<f32>, 16u * AS>;  // [BK][BM / 4 (+1)]
var<workgroup> Bs: array<vec4<f32>, 16u * BS>;  // [BK][BN / 4 (+1)]

fn batchOffset(b: u32, s: vec4<i32>) -> i32 {
  let i2 = b % P.bshape.z;
  let r = b / P.bshape.z;
  let i1 = r % P.bshape.y;
  let i0 = r / P.bshape.y;
  return i32(i0) * s.x + i32(i1) * s.y + i32(i2) * s.z;
}

fn rem4(a: u32, lim: u32) -> u32 {
  if (a >= lim) { return 0u; }
  return min(4u, lim - a);
}

// Slot v's share of a tile (threads own slots tid and, for A with TM = 8, tid + 256): 4 values
// along the operand's contiguous axis. A (BM x BK): with A_KCONTIG, 4 slots cover one row's 16 k
// (coalesced 64-byte reads along the row); else BM/4 slots cover one k's BM rows. B (BK x BN):
// with B_NCONTIG, 16 slots cover one k's 64 columns; else 4 slots cover one column's 16 k.
fn fetchA(baseA: i32, row0: u32, k0: u32, tid: u32) -> vec4<f32> {
  if (A_KCONTIG) {
    let gm = row0 + tid / 4u;
    let gk = k0 + (tid % 4u) * 4u;
    var n = 0u;
    if (gm < P.M) { n = rem4(gk, P.K); }
    return loadA4(baseA + i32(gm) * P.sAm + i32(gk) * P.sAk, P.sAk, n);
  }
  let gm = row0 + (tid % AQ) * 4u;
  let gk = k0 + tid / AQ;
  var n = 0u;
  if (gk < P.K) { n = rem4(gm, P.M); }
  return loadA4(baseA + i32(gm) * P.sAm + i32(gk) * P.sAk, P.sAm, n);
}

fn storeA(v: vec4<f32>, tid: u32) {
  if (A_KCONTIG) {
    let m = tid / 4u;
    let kq = (tid % 4u) * 4u;
    for (var i = 0u; i < 4u; i++) { As[(kq + i) * AS + m / 4u][m % 4u] = v[i]; }
  } else {
    As[(tid / AQ) * AS + tid % AQ] = v;  // [k = tid / AQ][m / 4 = tid % AQ]
  }
}

fn fetchB(baseB: i32, col0: u32, k0: u32, tid: u32) -> vec4<f32> {
  if (B_NCONTIG) {
    let gn = col0 + (tid % 16u) * 4u;
    let gk = k0 + tid / 16u;
    var n = 0u;
    if (gk < P.K) { n = rem4(gn, P.N); }
    return loadB4(baseB + i32(gk) * P.sBk + i32(gn) * P.sBn, P.sBn, n);
  }
  let gn = col0 + tid / 4u;
  let gk = k0 + (tid % 4u) * 4u;
  var n = 0u;
  if (gn < P.N) { n = rem4(gk, P.K); }
  return loadB4(baseB + i32(gk) * P.sBk + i32(gn) * P.sBn, P.sBk, n);
}

fn storeB(v: vec4<f32>, tid: u32) {
  if (B_NCONTIG) {
    Bs[(tid / 16u) * BS + tid % 16u] = v;  // [k = tid / 16][n / 4 = tid % 16]
  } else {
    let c = tid / 4u;
    let kq = (tid % 4u) * 4u;
    for (var i = 0u; i < 4u; i++) { Bs[(kq + i) * BS + c / 4u][c % 4u] = v[i]; }
  }
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let tx = lid.x;
  let ty = lid.y;
  let tid = ty * 16u + tx;
  if (SUM_SPLITS) {
    // one thread per output element (2-d grid of 256-thread groups); A holds the slices
    let e = (wid.x + wid.y * nwg.x) * 256u + tid;
    if (e < P.total) {
      var acc = 0.0;
      for (var q = 0u; q < P.zbase; q++) { acc += loadA4(i32(q * P.total + e), 1, 1u).x; }
      storeC4(e, vec4<f32>(acc), 1u);
    }
    return;
  }
  let b = wid.z + P.zbase;
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  let baseA = P.offA + batchOffset(b, P.bsA);
  let baseB = P.offB + batchOffset(b, P.bsB);

  var acc: array<vec4<f32>, 8>;
  for (var i = 0u; i < 8u; i++) { acc[i] = vec4<f32>(0.0); }
  let RQ = TM / 4u;  // vec4s of A per thread and k

  // software pipelining: the next tile's global loads are issued before the current tile's math
  var kBeg = 0u;
  var kEnd = P.K;
  if (P.kChunk != 0u) {
    kBeg = b * P.kChunk;
    kEnd = min(P.K, kBeg + P.kChunk);
  }
  let t0 = kBeg / BK;
  let nk = (kEnd + BK - 1u) / BK;
  var va: array<vec4<f32>, 2>;
  for (var r = 0u; r < RQ; r++) { va[r] = fetchA(baseA, row0, t0 * BK, tid + 256u * r); }
  var vb = fetchB(baseB, col0, t0 * BK, tid);
  for (var t = t0; t < nk; t++) {
    for (var r = 0u; r < RQ; r++) { storeA(va[r], tid + 256u * r); }
    storeB(vb, tid);
    workgroupBarrier();
    if (t + 1u < nk) {
      for (var r = 0u; r < RQ; r++) { va[r] = fetchA(baseA, row0, (t + 1u) * BK, tid + 256u * r); }
      vb = fetchB(baseB, col0, (t + 1u) * BK, tid);
    }
    for (var kk = 0u; kk < BK; kk++) {
      let bv = Bs[kk * BS + tx];
      for (var r = 0u; r < RQ; r++) {
        let a = As[kk * AS + ty * RQ + r];
        acc[4u * r] = fma(vec4<f32>(a.x), bv, acc[4u * r]);
        acc[4u * r + 1u] = fma(vec4<f32>(a.y), bv, acc[4u * r + 1u]);
        acc[4u * r + 2u] = fma(vec4<f32>(a.z), bv, acc[4u * r + 2u]);
        acc[4u * r + 3u] = fma(vec4<f32>(a.w), bv, acc[4u * r + 3u]);
      }
    }
    workgroupBarrier();
  }

  // ---- epilogue: alpha * acc + beta * bias, stored 4 columns at a time
  let n0 = col0 + tx * 4u;
  let ncols = rem4(n0, P.N);
  let baseC = P.offC + b * P.M * P.N;
  var baseBias = 0;
  if (HAS_BIAS) { baseBias = P.offBias + batchOffset(b, P.bsBias); }
  for (var i = 0u; i < TM; i++) {
    let m = row0 + ty * TM + i;
    if (m < P.M && ncols > 0u) {
      var v = P.alpha * acc[i];
      if (HAS_BIAS) {
        for (var j = 0u; j < ncols; j++) {
          v[j] += P.beta * Bias[u32(baseBias + i32(m) * P.sBiasM + i32(n0 + j) * P.sBiasN)];
        }
      }
      storeC4(baseC + m * P.N + n0, v, ncols);
    }
  }
}
