// Elementwise unary template: Y (contiguous) = op(X) over any n-d view of X (up to 8 dims).
// The launcher (ts/backend/webgpu/elementwise.ts) prepends pointwise-math.wgsl and replaces the
// placeholder in `op` with the op's `wgsl` expression from ts/ops/pointwise-table.ts (variables x, p,
// q). One invocation per element; contiguous views skip the index arithmetic.

struct Params {
  n: u32,        // elements
  nd: u32,       // dims of the (coalesced) view
  off: u32,      // view offset (elements)
  contig: u32,   // 1: contiguous from `off`
  p: f32,
  q: f32,
  _p0: u32,
  _p1: u32,
  shape: array<vec4<u32>, 2>,
  stride: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<uniform> P: Params;

override WG: u32 = 256;

fn op(x: f32, p: f32, q: f32) -> f32 {
  return /*EXPR*/;
}

fn srcIndex(e: u32) -> u32 {
  if (P.contig != 0u) { return P.off + e; }
  var rem = e;
  var o: i32 = i32(P.off);
  for (var d: i32 = i32(P.nd) - 1; d >= 0; d = d - 1) {
    let s = P.shape[u32(d) / 4u][u32(d) % 4u];
    o = o + i32(rem % s) * P.stride[u32(d) / 4u][u32(d) % 4u];
    rem = rem / s;
  }
  return u32(o);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= P.n) { return; }
  Y[t] = op(X[srcIndex(t)], P.p, P.q);
}
