// Fused scaled-dot-product attention forward (FlashAttention-style):
//   out[b, i, :] = softmax_j(scale * q[b, i] . k[b, j] + mask[b, i, j]) @ v[b, j, :]
// One workgroup per (batch, block of 16 query rows); 16 lanes per query row (256 threads). Keys
// and values stream through workgroup memory in blocks of BKV rows; each row keeps a running max
// and sum (online softmax) and its lanes keep a slice of the output row in registers (value dim
// d = lane + 16 t), so the L x S score matrix never exists. Per key block:
//   1. the K and V blocks are loaded (coalesced) into workgroup memory;
//   2. lane l of row r computes the scores of keys l, l+16, ... of the block into Ss[r][.];
//   3. every lane of the row reads the row's scores for the new running max; lane l turns the
//      scores of its keys into probabilities in place; then every lane adds the row's
//      probabilities to the running sum and p * v to its output slice.
// Masking: keys past S, the causal triangle (key > query, top-left aligned like torch's
// is_causal), boolean masks (false = masked) and float masks (added; -inf masks) all end as a
// masked score; a row whose keys are all masked gets NaN, as softmax of all -inf does.
// The row's log-sum-exp (of the scaled, masked scores) goes to Lse for the fused backward
// (gpu-bridge/attention-backward.wgsl). Operands use general strides (batch strides may be 0 = broadcast, up to 3 batch dims).
// Workgroup memory: (16 + BKV) * (E + 1) + BKV * Ev + 16 * BKV floats; the launcher picks BKV
// (override) so that it stays <= 16 KB. E and Ev <= 128.

struct Params {
  L: u32, S: u32, E: u32, Ev: u32,
  offQ: i32, sQl: i32, sQe: i32, offK: i32,
  sKs: i32, sKe: i32, offV: i32, sVs: i32,
  sVe: i32, offM: i32, sMl: i32, sMs: i32,
  scale: f32, ybase: u32, causal: u32, _pad: u32,
  bshape: vec4<u32>,
  bsQ: vec4<i32>,
  bsK: vec4<i32>,
  bsV: vec4<i32>,
  bsM: vec4<i32>,
}

override BKV: u32 = 16u;        // keys per block
override QS_SIZE: u32 = 1040u;  // 16 * (E + 1)
override KS_SIZE: u32 = 1040u;  // BKV * (E + 1)
override VS_SIZE: u32 = 1024u;  // BKV * Ev
override SS_SIZE: u32 = 256u;   // 16 * BKV
override MASK_MODE: u32 = 0u;   // 0 none, 1 bool (bytes), 2 float (added)

@group(0) @binding(0) var<storage, read> Q: array<f32>;
@group(0) @binding(1) var<storage, read> K: array<f32>;
@group(0) @binding(2) var<storage, read> V: array<f32>;
@group(0) @binding(3) var<storage, read> Mf: array<f32>;   // float mask, or bool bytes (read as u32 words)
@group(0) @binding(4) var<storage, read_write> Out: array<f32>;
@group(0) @binding(5) var<storage, read_write> Lse: array<f32>;  // per row: max + log(sum) (for the backward)
@group(0) @binding(6) var<uniform> P: Params;

var<workgroup> Qs: array<f32, QS_SIZE>;
var<workgroup> Ks: array<f32, KS_SIZE>;
var<workgroup> Vs: array<f32, VS_SIZE>;
var<workgroup> Ss: array<f32, SS_SIZE>;

const NEG: f32 = -3.0e38;
// batchOffset and maskAt come from attention-common.wgsl, which the launcher prepends.
const MASKED: f32 = -1.0e38;



@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let tid = lid.x;
  let r = tid / 16u;
  let lane = tid % 16u;
  let b = wid.y + P.ybase;
  let q0 = wid.x * 16u;
  let row = q0 + r;
  let E = P.E;
  let Ev = P.Ev;
  let stride = E + 1u;
  let baseQ = P.offQ + batchOffset(b, P.bsQ);
  let baseK = P.offK + batchOffset(b, P.bsK);
  let baseV = P.offV + batchOffset(b, P.bsV);
  var baseM = 0;
  if (MASK_MODE != 0u) { baseM = P.offM + batchOffset(b, P.bsM); }

  // the query block, pre-scaled
  for (var idx = tid; idx < 16u * E; idx += 256u) {
    let rr = idx / E;
    let d = idx % E;
    var v = 0.0;
    if (q0 + rr < P.L) { v = Q[u32(baseQ + i32(q0 + rr) * P.sQl + i32(d) * P.sQe)] * P.scale; }
    Qs[rr * stride + d] = v;
  }

  var m = NEG;
  var lsum = 0.0;
  var o: array<f32, 8>;
  for (var t = 0u; t < 8u; t++) { o[t] = 0.0; }

  var kend = P.S;
  if (P.causal != 0u) { kend = min(P.S, q0 + 16u); }
  for (var kb = 0u; kb < kend; kb += BKV) {
    workgroupBarrier();
    for (var idx = tid; idx < BKV * E; idx += 256u) {
      let j = idx / E;
      let d = idx % E;
      var v = 0.0;
      if (kb + j < P.S) { v = K[u32(baseK + i32(kb + j) * P.sKs + i32(d) * P.sKe)]; }
      Ks[j * stride + d] = v;
    }
    for (var idx = tid; idx < BKV * Ev; idx += 256u) {
      let j = idx / Ev;
      let d = idx % Ev;
      var v = 0.0;
      if (kb + j < P.S) { v = V[u32(baseV + i32(kb + j) * P.sVs + i32(d) * P.sVe)]; }
      Vs[j * Ev + d] = v;
    }
    workgroupBarrier();
    for (var j = lane; j < BKV; j += 16u) {
      let key = kb + j;
      var s = NEG;
      if (key < P.S && row < P.L && (P.causal == 0u || key <= row)) {
        var acc = 0.0;
        for (var d = 0u; d < E; d++) { acc = fma(Qs[r * stride + d], Ks[j * stride + d], acc); }
        s = acc;
        if (MASK_MODE != 0u) {
          let mv = maskAt(baseM, row, key);
          if (mv <= MASKED) { s = NEG; } else { s += mv; }
        }
        if (s <= MASKED) { s = NEG; }
      }
      Ss[r * BKV + j] = s;
    }
    workgroupBarrier();
    var bm = NEG;
    for (var j = 0u; j < BKV; j++) { bm = max(bm, Ss[r * BKV + j]); }
    let mNew = max(m, bm);
    let corr = exp(m - mNew);
    workgroupBarrier();
    // each lane exponentiates its own keys' scores in place (no 16-fold redundant exp)
    for (var j = lane; j < BKV; j += 16u) {
      let s = Ss[r * BKV + j];
      var p = 0.0;
      if (s > MASKED) { p = exp(s - mNew); }
      Ss[r * BKV + j] = p;
    }
    workgroupBarrier();
    lsum *= corr;
    for (var t = 0u; t < 8u; t++) { o[t] *= corr; }
    for (var j = 0u; j < BKV; j++) {
      let p = Ss[r * BKV + j];
      lsum += p;
      for (var t = 0u; t < 8u; t++) {
        let d = lane + 16u * t;
        if (d < Ev) { o[t] = fma(p, Vs[j * Ev + d], o[t]); }
      }
    }
    m = mNew;
  }

  if (row < P.L) {
    if (lane == 0u) {
      // a fully masked row gets +inf: its probabilities in the backward are then all 0
      var infBits = 0x7f800000u;  // a runtime value: Tint rejects an inf constant
      var lse = bitcast<f32>(infBits);
      if (lsum > 0.0) { lse = m + log(lsum); }
      Lse[b * P.L + row] = lse;
    }
    let ob = (b * P.L + row) * Ev;
    for (var t = 0u; t < 8u; t++) {
      let d = lane + 16u * t;
      if (d < Ev) {
        var nanBits = 0x7fc00000u;  // a runtime value: Tint rejects a NaN constant
        var v = bitcast<f32>(nanBits);
        if (lsum > 0.0) { v = o[t] / lsum; }
        Out[ob + d] = v;
      }
    }
  }
}
