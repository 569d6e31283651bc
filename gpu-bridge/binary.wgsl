// Elementwise binary template with broadcasting: O (contiguous) = op(A, B), A and B any n-d views
// (broadcast dims have stride 0), up to 8 dims. The launcher (ts/backend/webgpu/elementwise.ts)
// prepends pointwise-math.wgsl and replaces the placeholder in `op` with the op's `wgsl` expression
// from ts/ops/pointwise-table.ts (variables a, b); comparisons return 1.0 / 0.0 and are packed as
// bool bytes, 4 per output word (PACK). A or B may instead be a scalar held in the params (uni).

struct Params {
  n: u32,          // output elements
  nd: u32,         // dims of the (coalesced) broadcast shape
  offA: u32,
  offB: u32,
  flat: u32,       // 1: A and B are each contiguous over the output (stride fa / fb of 1) or one element (0)
  fa: u32,
  fb: u32,
  uni: u32,        // bit 0: A is the scalar aval, bit 1: B is the scalar bval (from a JS scalar)
  aval: f32,
  bval: f32,
  _p0: u32,
  _p1: u32,
  shape: array<vec4<u32>, 2>,
  sa: array<vec4<i32>, 2>,
  sb: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<u32>;
@group(0) @binding(3) var<uniform> P: Params;

override WG: u32 = 256;
override PACK: bool = false;

fn op(a: f32, b: f32) -> f32 {
  return /*EXPR*/;
}

fn value(e: u32) -> f32 {
  var ia: u32;
  var ib: u32;
  if (P.flat != 0u) {
    ia = P.offA + e * P.fa;
    ib = P.offB + e * P.fb;
  } else {
    var rem = e;
    var oa: i32 = i32(P.offA);
    var ob: i32 = i32(P.offB);
    for (var d: i32 = i32(P.nd) - 1; d >= 0; d = d - 1) {
      let s = P.shape[u32(d) / 4u][u32(d) % 4u];
      let c = i32(rem % s);
      rem = rem / s;
      oa = oa + c * P.sa[u32(d) / 4u][u32(d) % 4u];
      ob = ob + c * P.sb[u32(d) / 4u][u32(d) % 4u];
    }
    ia = u32(oa);
    ib = u32(ob);
  }
  var a: f32;
  var b: f32;
  if ((P.uni & 1u) != 0u) { a = P.aval; } else { a = A[ia]; }
  if ((P.uni & 2u) != 0u) { b = P.bval; } else { b = B[ib]; }
  return op(a, b);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (PACK) {
    let e0 = t * 4u;
    if (e0 >= P.n) { return; }
    var w = 0u;
    for (var k = 0u; k < 4u; k = k + 1u) {
      if (e0 + k < P.n && value(e0 + k) != 0.0) { w = w | (1u << (8u * k)); }
    }
    O[t] = w;
  } else {
    if (t >= P.n) { return; }
    O[t] = bitcast<u32>(value(t));
  }
}
