// where(c, a, b) with broadcasting: O (contiguous) = c ? a : b, c a bool view (bytes, read from
// u32 words), a and b views of one 4-byte (float32, int32) or 8-byte (int64; WIDE) dtype moved as
// raw bits, or scalars held in the params (uni bit 0: a, bit 1: b). Up to 8 dims after coalescing.

struct Params {
  n: u32,
  nd: u32,
  offC: u32,
  offA: u32,
  offB: u32,
  uni: u32,
  aLo: u32,
  aHi: u32,
  bLo: u32,
  bHi: u32,
  _p0: u32,
  _p1: u32,
  shape: array<vec4<u32>, 2>,
  sc: array<vec4<i32>, 2>,
  sa: array<vec4<i32>, 2>,
  sb: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> C: array<u32>;
@group(0) @binding(1) var<storage, read> A: array<u32>;
@group(0) @binding(2) var<storage, read> B: array<u32>;
@group(0) @binding(3) var<storage, read_write> O: array<u32>;
@group(0) @binding(4) var<uniform> P: Params;

override WG: u32 = 256;
override WIDE: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= P.n) { return; }
  var rem = e;
  var oc: i32 = i32(P.offC);
  var oa: i32 = i32(P.offA);
  var ob: i32 = i32(P.offB);
  for (var d: i32 = i32(P.nd) - 1; d >= 0; d = d - 1) {
    let s = P.shape[u32(d) / 4u][u32(d) % 4u];
    let c = i32(rem % s);
    rem = rem / s;
    oc = oc + c * P.sc[u32(d) / 4u][u32(d) % 4u];
    oa = oa + c * P.sa[u32(d) / 4u][u32(d) % 4u];
    ob = ob + c * P.sb[u32(d) / 4u][u32(d) % 4u];
  }
  let ic = u32(oc);
  let take = ((C[ic / 4u] >> (8u * (ic % 4u))) & 0xffu) != 0u;
  let useA = take;
  let scalar = select((P.uni & 2u) != 0u, (P.uni & 1u) != 0u, useA);
  let i = select(u32(ob), u32(oa), useA);
  var lo: u32;
  var hi: u32 = 0u;
  if (scalar) {
    lo = select(P.bLo, P.aLo, useA);
    hi = select(P.bHi, P.aHi, useA);
  } else if (WIDE) {
    if (useA) { lo = A[2u * i]; hi = A[2u * i + 1u]; } else { lo = B[2u * i]; hi = B[2u * i + 1u]; }
  } else {
    if (useA) { lo = A[i]; } else { lo = B[i]; }
  }
  if (WIDE) {
    O[2u * e] = lo;
    O[2u * e + 1u] = hi;
  } else {
    O[e] = lo;
  }
}
