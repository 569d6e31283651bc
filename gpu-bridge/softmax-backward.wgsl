// Backward of softmax / log-softmax along k of contiguous float32 [outer, k, inner] blocks, from the
// forward output y and the output gradient g: softmax gx = y * (g - sum(g * y)); log-softmax
// gx = g - exp(y) * sum(g). Same row layout and modes as softmax.wgsl.

struct Params {
  rows: u32,
  k: u32,
  inner: u32,
  log: u32,
  offY: u32,
  offG: u32,
  _p0: u32,
  _p1: u32,
}

@group(0) @binding(0) var<storage, read> Yv: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read_write> GX: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

override WG: u32 = 256;
override ROWS: bool = true;

var<workgroup> part: array<f32, WG>;

fn at(r: u32, i: u32) -> u32 {
  let o = r / P.inner;
  let j = r - o * P.inner;
  return (o * P.k + i) * P.inner + j;
}

// the per-element term summed over the row
fn term(e: u32) -> f32 {
  if (P.log != 0u) { return G[P.offG + e]; }
  return G[P.offG + e] * Yv[P.offY + e];
}

fn grad(e: u32, s: f32) -> f32 {
  let y = Yv[P.offY + e];
  let g = G[P.offG + e];
  if (P.log != 0u) { return g - exp(y) * s; }
  return y * (g - s);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (ROWS) {
    let r = wid.x + wid.y * nwg.x;
    let valid = r < P.rows;
    var acc = 0.0;
    if (valid) {
      for (var i = lid.x; i < P.k; i = i + WG) { acc = acc + term(at(r, i)); }
    }
    part[lid.x] = acc;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s >> 1u) {
      if (lid.x < s) { part[lid.x] = part[lid.x] + part[lid.x + s]; }
      workgroupBarrier();
    }
    let sum = part[0];
    if (valid) {
      for (var i = lid.x; i < P.k; i = i + WG) {
        let e = at(r, i);
        GX[e] = grad(e, sum);
      }
    }
  } else {
    let r = gid.x + gid.y * nwg.x * WG;
    if (r >= P.rows) { return; }
    var sum = 0.0;
    for (var i = 0u; i < P.k; i = i + 1u) { sum = sum + term(at(r, i)); }
    for (var i = 0u; i < P.k; i = i + 1u) {
      let e = at(r, i);
      GX[e] = grad(e, sum);
    }
  }
}
