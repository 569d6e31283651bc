// gather along a dim (torch.gather): Y[e] = X[xoff + sum_k c_k * xstride_k + I[e] * dstride] for the
// e-th element (coordinates c) of the int64 index view I; xstride has the gathered dim zeroed.
// Elements are raw 32-bit words (float32 or int32). Index words: int64 as (lo, hi) pairs; an index
// outside [0, size) (the TS side validates indices whose values it knows) yields `fill` (NaN for
// float32, 0 for int32) and never reads out of bounds.

struct Params {
  n: u32,        // elements of the index view (= of Y)
  nd: u32,       // dims of the index view (0..8)
  xoff: u32,     // X view offset (elements)
  ioff: u32,     // I view offset (int64 elements)
  dstride: i32,  // X stride of the gathered dim
  size: u32,     // X size of the gathered dim
  fill: u32,     // bits written for an out-of-range index
  _p0: u32,
  shape: array<vec4<u32>, 2>,
  istride: array<vec4<i32>, 2>,
  xstride: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> X: array<u32>;
@group(0) @binding(1) var<storage, read> I: array<u32>;
@group(0) @binding(2) var<storage, read_write> Y: array<u32>;
@group(0) @binding(3) var<uniform> P: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= P.n) { return; }
  var rem = e;
  var io: i32 = i32(P.ioff);
  var xo: i32 = i32(P.xoff);
  for (var d: i32 = i32(P.nd) - 1; d >= 0; d = d - 1) {
    let k = u32(d);
    let s = P.shape[k / 4u][k % 4u];
    let c = rem % s;
    rem = rem / s;
    io = io + i32(c) * P.istride[k / 4u][k % 4u];
    xo = xo + i32(c) * P.xstride[k / 4u][k % 4u];
  }
  let lo = I[2u * u32(io)];
  let hi = I[2u * u32(io) + 1u];
  if (hi != 0u || lo >= P.size) {
    Y[e] = P.fill;
    return;
  }
  Y[e] = X[u32(xo + i32(lo) * P.dstride)];
}
