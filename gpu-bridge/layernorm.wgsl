// Layer norm (mode 0) / RMS norm (mode 1) forward over the rows of a contiguous float32 [rows, n]
// x: one workgroup per row; mean (layer norm; 0 for RMS norm) and the biased variance (mean of
// squared deviations, two-pass) through shared-memory trees; rstd = 1 / sqrt(var + eps);
// y = (x - mean) * rstd * w + b with optional w, b (flags; absent ones are bound to X and not read).
// Writes Y, the per-row mean M and rstd R (as simd/norm.ts layernorm).

struct Params {
  rows: u32,
  n: u32,
  mode: u32,
  flags: u32,    // bit 0: weight, bit 1: bias
  offX: u32,
  offW: u32,
  offB: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read> Bv: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@group(0) @binding(4) var<storage, read_write> M: array<f32>;
@group(0) @binding(5) var<storage, read_write> R: array<f32>;
@group(0) @binding(6) var<uniform> P: Params;

override WG: u32 = 256;

var<workgroup> part: array<f32, WG>;

fn treeSum(lid: u32, v: f32) -> f32 {
  part[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { part[lid] = part[lid] + part[lid + s]; }
    workgroupBarrier();
  }
  let r = part[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = wid.x + wid.y * nwg.x;
  let valid = r < P.rows;
  let base = P.offX + r * P.n;
  let inv = 1.0 / f32(P.n);
  var acc = 0.0;
  if (valid && P.mode == 0u) {
    for (var i = lid.x; i < P.n; i = i + WG) { acc = acc + X[base + i]; }
  }
  let mean = treeSum(lid.x, acc) * inv;
  acc = 0.0;
  if (valid) {
    for (var i = lid.x; i < P.n; i = i + WG) {
      let d = X[base + i] - mean;
      acc = acc + d * d;
    }
  }
  let rstd = 1.0 / sqrt(treeSum(lid.x, acc) * inv + P.eps);
  if (!valid) { return; }
  if (lid.x == 0u) {
    M[r] = mean;
    R[r] = rstd;
  }
  let hasW = (P.flags & 1u) != 0u;
  let hasB = (P.flags & 2u) != 0u;
  for (var i = lid.x; i < P.n; i = i + WG) {
    var t = (X[base + i] - mean) * rstd;
    if (hasW) { t = t * W[P.offW + i]; }
    if (hasB) { t = t + Bv[P.offB + i]; }
    Y[r * P.n + i] = t;
  }
}
