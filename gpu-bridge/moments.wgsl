// Mean and variance (or standard deviation) of a float32 view over any set of dims, two-pass (mean,
// then squared deviations) like the CPU kernel (simd/reduce.ts moments): V = sum((x - mean)^2) *
// invDen (invDen = 1 / max(k - correction, 0), +inf for no degrees of freedom), sqrt'ed when
// SQRT. Layout and modes as reduce.wgsl: kept dims o and reduced dims r each as (shape, stride)
// lists; ROWS = one workgroup per output with shared-memory trees, else one invocation per output.

struct Params {
  nOut: u32,
  k: u32,
  ndO: u32,
  ndK: u32,
  off: u32,
  sqrtV: u32,
  invK: f32,
  invDen: f32,
  oshape: array<vec4<u32>, 2>,
  ostride: array<vec4<i32>, 2>,
  kshape: array<vec4<u32>, 2>,
  kstride: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> M: array<f32>;
@group(0) @binding(2) var<storage, read_write> V: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

override WG: u32 = 256;
override ROWS: bool = true;

var<workgroup> part: array<f32, WG>;

// baseOf / redOf (element offsets of an output and of a reduced position) come from
// reduce-index.wgsl, which the launcher prepends.

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

fn finish(ss: f32) -> f32 {
  let v = ss * P.invDen;
  if (P.sqrtV != 0u) { return sqrt(v); }
  return v;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (ROWS) {
    let o = wid.x + wid.y * nwg.x;
    let valid = o < P.nOut;
    var base: i32 = 0;
    var acc = 0.0;
    if (valid) {
      base = baseOf(o);
      for (var r = lid.x; r < P.k; r = r + WG) { acc = acc + X[u32(base + redOf(r))]; }
    }
    let mean = treeSum(lid.x, acc) * P.invK;
    acc = 0.0;
    if (valid) {
      for (var r = lid.x; r < P.k; r = r + WG) {
        let d = X[u32(base + redOf(r))] - mean;
        acc = acc + d * d;
      }
    }
    let ss = treeSum(lid.x, acc);
    if (lid.x == 0u && valid) {
      M[o] = mean;
      V[o] = finish(ss);
    }
  } else {
    let o = gid.x + gid.y * nwg.x * WG;
    if (o >= P.nOut) { return; }
    let base = baseOf(o);
    var s = 0.0;
    for (var r = 0u; r < P.k; r = r + 1u) { s = s + X[u32(base + redOf(r))]; }
    let mean = s * P.invK;
    var ss = 0.0;
    for (var r = 0u; r < P.k; r = r + 1u) {
      let d = X[u32(base + redOf(r))] - mean;
      ss = ss + d * d;
    }
    M[o] = mean;
    V[o] = finish(ss);
  }
}
