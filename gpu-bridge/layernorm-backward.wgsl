// Layer norm (mode 0) / RMS norm (mode 1) backward, input gradient, one workgroup per row of
// contiguous float32 [rows, n] x and g, from the saved per-row mean and rstd: with
// xhat = (x - mean) * rstd and gh = g * w (w optional), gx = rstd * (gh - mean(gh) - xhat *
// mean(gh * xhat)) (RMS norm: without the mean(gh) term). Both row means through one pair of
// shared-memory trees.

struct Params {
  rows: u32,
  n: u32,
  mode: u32,
  flags: u32,    // bit 0: weight
  offX: u32,
  offW: u32,
  offG: u32,
  offS: u32,     // offset of the mean / rstd views
}

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read> M: array<f32>;
@group(0) @binding(4) var<storage, read> R: array<f32>;
@group(0) @binding(5) var<storage, read_write> GX: array<f32>;
@group(0) @binding(6) var<uniform> P: Params;

override WG: u32 = 256;

var<workgroup> pa: array<f32, WG>;
var<workgroup> pb: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = wid.x + wid.y * nwg.x;
  let valid = r < P.rows;
  let hasW = (P.flags & 1u) != 0u;
  var mean = 0.0;
  var rstd = 0.0;
  var sa = 0.0;
  var sb = 0.0;
  if (valid) {
    mean = select(M[P.offS + r], 0.0, P.mode != 0u);
    rstd = R[P.offS + r];
    for (var i = lid.x; i < P.n; i = i + WG) {
      let xh = (X[P.offX + r * P.n + i] - mean) * rstd;
      var gh = G[P.offG + r * P.n + i];
      if (hasW) { gh = gh * W[P.offW + i]; }
      sa = sa + gh;
      sb = sb + gh * xh;
    }
  }
  pa[lid.x] = sa;
  pb[lid.x] = sb;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid.x < s) {
      pa[lid.x] = pa[lid.x] + pa[lid.x + s];
      pb[lid.x] = pb[lid.x] + pb[lid.x + s];
    }
    workgroupBarrier();
  }
  if (!valid) { return; }
  let inv = 1.0 / f32(P.n);
  let a = select(pa[0] * inv, 0.0, P.mode != 0u);
  let b = pb[0] * inv;
  for (var i = lid.x; i < P.n; i = i + WG) {
    let xh = (X[P.offX + r * P.n + i] - mean) * rstd;
    var gh = G[P.offG + r * P.n + i];
    if (hasW) { gh = gh * W[P.offW + i]; }
    GX[r * P.n + i] = rstd * (gh - a - xh * b);
  }
}
