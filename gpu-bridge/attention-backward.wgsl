// Fused scaled-dot-product attention backward (FlashAttention-2 style, no score matrix in memory).
// With s_ij = scale * q_i . k_j + mask_ij, p_ij = exp(s_ij - lse_i) (lse from the forward),
// D_i = dO_i . O_i (precomputed), dp_ij = dO_i . v_j and ds_ij = p_ij (dp_ij - D_i):
//   MODE 1  dK_j = scale * sum_i ds_ij q_i,  dV_j = sum_i p_ij dO_i
//           one workgroup per (batch, block of 16 keys), 16 lanes per key; query blocks of BQ rows
//           stream through workgroup memory
//   MODE 2  dQ_i = scale * sum_j ds_ij k_j
//           one workgroup per (batch, block of 16 queries), 16 lanes per query; key blocks of BKV
//           rows stream through workgroup memory
//   MODE 0  D_i = dO_i . O_i into Stat's second half (Stat bound as OutA, O as Q: contiguous
//           [batch, L, Ev]); one thread per row (grid x = row blocks of 256, y = batch)
// Lane l of a row owns the output dims d = l + 16 t (head dims <= 128). Masks as in attention.wgsl
// (keys past S, the causal triangle, bool masks with false = masked, float masks added; masked
// pairs have p = 0). q, k, v, the mask and dO use general strides with broadcast batch dims (up to
// 3); Stat holds lse ([batch * L]) then D ([batch * L]); outputs are contiguous per batch:
// MODE 1 OutA = dK [batch, S, E], OutB = dV [batch, S, Ev]; MODE 2 OutA = dQ [batch, L, E].
// Workgroup memory (floats): MODE 1 16 (E+1) + 16 (Ev+1) + BQ (E+1) + BQ (Ev+1) + 32 BQ + 2 BQ;
// MODE 2 16 (E+1) + 16 (Ev+1) + BKV (E+1) + BKV (Ev+1) + 16 BKV. The launcher sizes the blocks
// (overrides) to stay <= 16 KB.

struct Params {
  L: u32, S: u32, E: u32, Ev: u32,
  offQ: i32, sQl: i32, sQe: i32, offK: i32,
  sKs: i32, sKe: i32, offV: i32, sVs: i32,
  sVe: i32, offM: i32, sMl: i32, sMs: i32,
  scale: f32, ybase: u32, causal: u32, nrows: u32,   // nrows = batch * L (offset of D in Stat)
  offG: i32, sGl: i32, sGe: i32, _pad: u32,
  bshape: vec4<u32>,
  bsQ: vec4<i32>,
  bsK: vec4<i32>,
  bsV: vec4<i32>,
  bsM: vec4<i32>,
  bsG: vec4<i32>,
}

override MODE: u32 = 1u;
override BLK: u32 = 8u;           // MODE 1: query rows per block (BQ); MODE 2: keys per block (BKV)
override A_SIZE: u32 = 1040u;     // 16 * (E + 1): the workgroup's own rows (k or q)
override B_SIZE: u32 = 1040u;     // 16 * (Ev + 1): the workgroup's own rows (v or dO)
override C_SIZE: u32 = 520u;      // BLK * (E + 1): streamed rows (q or k)
override D_SIZE: u32 = 520u;      // BLK * (Ev + 1): streamed rows (dO or v)
override S_SIZE: u32 = 256u;      // MODE 1: 2 * 16 * BLK (p and ds); MODE 2: 16 * BLK (ds)
override MASK_MODE: u32 = 0u;     // 0 none, 1 bool (bytes), 2 float

@group(0) @binding(0) var<storage, read> Q: array<f32>;
@group(0) @binding(1) var<storage, read> K: array<f32>;
@group(0) @binding(2) var<storage, read> V: array<f32>;
@group(0) @binding(3) var<storage, read> Mf: array<f32>;
@group(0) @binding(4) var<storage, read> G: array<f32>;     // dO
@group(0) @binding(5) var<storage, read> Stat: array<f32>;  // lse, then D
@group(0) @binding(6) var<storage, read_write> OutA: array<f32>;
@group(0) @binding(7) var<storage, read_write> OutB: array<f32>;
@group(0) @binding(8) var<uniform> P: Params;

var<workgroup> As: array<f32, A_SIZE>;
var<workgroup> Bs: array<f32, B_SIZE>;
var<workgroup> Cs: array<f32, C_SIZE>;
var<workgroup> Ds: array<f32, D_SIZE>;
var<workgroup> Ss: array<f32, S_SIZE>;
var<workgroup> rowStat: array<f32, 128>;  // MODE 1: lse and D of the streamed query rows

const MASKED: f32 = -1.0e38;
// batchOffset and maskAt come from attention-common.wgsl, which the launcher prepends.


fn qAt(base: i32, row: u32, d: u32) -> f32 { return Q[u32(base + i32(row) * P.sQl + i32(d) * P.sQe)]; }
fn kAt(base: i32, key: u32, d: u32) -> f32 { return K[u32(base + i32(key) * P.sKs + i32(d) * P.sKe)]; }
fn vAt(base: i32, key: u32, d: u32) -> f32 { return V[u32(base + i32(key) * P.sVs + i32(d) * P.sVe)]; }
fn gAt(base: i32, row: u32, d: u32) -> f32 { return G[u32(base + i32(row) * P.sGl + i32(d) * P.sGe)]; }

/** The additive mask of (row, key), or MASKED-or-less when the pair is masked out. */

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let tid = lid.x;
  let r = tid / 16u;
  let lane = tid % 16u;
  let b = wid.y + P.ybase;
  let E = P.E;
  let Ev = P.Ev;
  let se = E + 1u;
  let sv = Ev + 1u;
  let baseQ = P.offQ + batchOffset(b, P.bsQ);
  let baseK = P.offK + batchOffset(b, P.bsK);
  let baseV = P.offV + batchOffset(b, P.bsV);
  let baseG = P.offG + batchOffset(b, P.bsG);
  var baseM = 0;
  if (MASK_MODE != 0u) { baseM = P.offM + batchOffset(b, P.bsM); }
  var accA: array<f32, 8>;
  var accB: array<f32, 8>;
  for (var t = 0u; t < 8u; t++) {
    accA[t] = 0.0;
    accB[t] = 0.0;
  }

  if (MODE == 0u) {
    let row0 = wid.x * 256u + tid;
    if (row0 < P.L) {
      var dd = 0.0;
      for (var d = 0u; d < Ev; d++) { dd = fma(gAt(baseG, row0, d), Q[(b * P.L + row0) * Ev + d], dd); }
      OutA[P.nrows + b * P.L + row0] = dd;
    }
    return;
  }
  if (MODE == 1u) {
    // ---- dK, dV for keys k0 .. k0 + 15
    let k0 = wid.x * 16u;
    let key = k0 + r;
    for (var idx = tid; idx < 16u * E; idx += 256u) {
      let j = idx / E;
      let d = idx % E;
      var v = 0.0;
      if (k0 + j < P.S) { v = kAt(baseK, k0 + j, d); }
      As[j * se + d] = v;
    }
    for (var idx = tid; idx < 16u * Ev; idx += 256u) {
      let j = idx / Ev;
      let d = idx % Ev;
      var v = 0.0;
      if (k0 + j < P.S) { v = vAt(baseV, k0 + j, d); }
      Bs[j * sv + d] = v;
    }
    // causal: query rows before k0 see none of these keys
    var qstart = 0u;
    if (P.causal != 0u) { qstart = (k0 / BLK) * BLK; }
    for (var q0 = qstart; q0 < P.L; q0 += BLK) {
      workgroupBarrier();
      for (var idx = tid; idx < BLK * E; idx += 256u) {
        let i = idx / E;
        let d = idx % E;
        var v = 0.0;
        if (q0 + i < P.L) { v = qAt(baseQ, q0 + i, d); }
        Cs[i * se + d] = v;
      }
      for (var idx = tid; idx < BLK * Ev; idx += 256u) {
        let i = idx / Ev;
        let d = idx % Ev;
        var v = 0.0;
        if (q0 + i < P.L) { v = gAt(baseG, q0 + i, d); }
        Ds[i * sv + d] = v;
      }
      if (tid < BLK) {
        var l = 0.0;
        var dd = 0.0;
        if (q0 + tid < P.L) {
          l = Stat[b * P.L + q0 + tid];
          dd = Stat[P.nrows + b * P.L + q0 + tid];
        }
        rowStat[tid] = l;
        rowStat[64u + tid] = dd;
      }
      workgroupBarrier();
      for (var i = lane; i < BLK; i += 16u) {
        let row = q0 + i;
        var p = 0.0;
        var ds = 0.0;
        if (row < P.L && key < P.S && (P.causal == 0u || key <= row)) {
          var s = 0.0;
          for (var d = 0u; d < E; d++) { s = fma(Cs[i * se + d], As[r * se + d], s); }
          s = s * P.scale;
          let mv = maskAt(baseM, row, key);
          if (mv > MASKED) {
            s += mv;
            if (s > MASKED) { p = exp(s - rowStat[i]); }
          }
          var dp = 0.0;
          for (var d = 0u; d < Ev; d++) { dp = fma(Ds[i * sv + d], Bs[r * sv + d], dp); }
          ds = p * (dp - rowStat[64u + i]);
        }
        Ss[r * BLK + i] = p;
        Ss[16u * BLK + r * BLK + i] = ds;
      }
      workgroupBarrier();
      for (var t = 0u; t < 8u; t++) {
        let d = lane + 16u * t;
        var sk = 0.0;
        var svv = 0.0;
        for (var i = 0u; i < BLK; i++) {
          if (d < E) { sk = fma(Ss[16u * BLK + r * BLK + i], Cs[i * se + d], sk); }
          if (d < Ev) { svv = fma(Ss[r * BLK + i], Ds[i * sv + d], svv); }
        }
        accA[t] += sk;
        accB[t] += svv;
      }
    }
    if (key < P.S) {
      for (var t = 0u; t < 8u; t++) {
        let d = lane + 16u * t;
        if (d < E) { OutA[(b * P.S + key) * E + d] = accA[t] * P.scale; }
        if (d < Ev) { OutB[(b * P.S + key) * Ev + d] = accB[t]; }
      }
    }
    return;
  }

  // ---- MODE 2: dQ for query rows q0 .. q0 + 15
  let q0 = wid.x * 16u;
  let row = q0 + r;
  for (var idx = tid; idx < 16u * E; idx += 256u) {
    let i = idx / E;
    let d = idx % E;
    var v = 0.0;
    if (q0 + i < P.L) { v = qAt(baseQ, q0 + i, d); }
    As[i * se + d] = v;
  }
  for (var idx = tid; idx < 16u * Ev; idx += 256u) {
    let i = idx / Ev;
    let d = idx % Ev;
    var v = 0.0;
    if (q0 + i < P.L) { v = gAt(baseG, q0 + i, d); }
    Bs[i * sv + d] = v;
  }
  var lse = 0.0;
  var dD = 0.0;
  if (row < P.L) {
    lse = Stat[b * P.L + row];
    dD = Stat[P.nrows + b * P.L + row];
  }
  var kend = P.S;
  if (P.causal != 0u) { kend = min(P.S, q0 + 16u); }
  for (var kb = 0u; kb < kend; kb += BLK) {
    workgroupBarrier();
    for (var idx = tid; idx < BLK * E; idx += 256u) {
      let j = idx / E;
      let d = idx % E;
      var v = 0.0;
      if (kb + j < P.S) { v = kAt(baseK, kb + j, d); }
      Cs[j * se + d] = v;
    }
    for (var idx = tid; idx < BLK * Ev; idx += 256u) {
      let j = idx / Ev;
      let d = idx % Ev;
      var v = 0.0;
      if (kb + j < P.S) { v = vAt(baseV, kb + j, d); }
      Ds[j * sv + d] = v;
    }
    workgroupBarrier();
    for (var j = lane; j < BLK; j += 16u) {
      let key = kb + j;
      var ds = 0.0;
      if (row < P.L && key < P.S && (P.causal == 0u || key <= row)) {
        var s = 0.0;
        for (var d = 0u; d < E; d++) { s = fma(As[r * se + d], Cs[j * se + d], s); }
        s = s * P.scale;
        let mv = maskAt(baseM, row, key);
        var p = 0.0;
        if (mv > MASKED) {
          s += mv;
          if (s > MASKED) { p = exp(s - lse); }
        }
        var dp = 0.0;
        for (var d = 0u; d < Ev; d++) { dp = fma(Bs[r * sv + d], Ds[j * sv + d], dp); }
        ds = p * (dp - dD);
      }
      Ss[r * BLK + j] = ds;
    }
    workgroupBarrier();
    for (var t = 0u; t < 8u; t++) {
      let d = lane + 16u * t;
      if (d < E) {
        var s = 0.0;
        for (var j = 0u; j < BLK; j++) { s = fma(Ss[r * BLK + j], Cs[j * se + d], s); }
        accA[t] += s;
      }
    }
  }
  if (row < P.L) {
    for (var t = 0u; t < 8u; t++) {
      let d = lane + 16u * t;
      if (d < E) { OutA[(b * P.L + row) * E + d] = accA[t] * P.scale; }
    }
  }
}
