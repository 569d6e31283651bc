// Integer binary ops with broadcasting for int32 (WIDE false) and int64 (WIDE true: (lo, hi) u32
// word pairs, two's complement, wrapping like the CPU), A and B any n-d views or scalars held in the
// params (uni bit 0: A, bit 1: B). OP (override): 0 add, 1 sub, 2 mul, 3 maximum, 4 minimum, 5 and,
// 6 or, 7 xor, 8 logicalAnd, 9 logicalOr, 10 logicalXor (result 0/1 in the input dtype); 20 eq,
// 21 ne, 22 lt, 23 le, 24 gt, 25 ge (bool result, 4 bytes packed per output word).

struct Params {
  n: u32,
  nd: u32,
  offA: u32,
  offB: u32,
  uni: u32,
  aLo: u32,
  aHi: u32,
  bLo: u32,
  bHi: u32,
  _p0: u32,
  _p1: u32,
  _p2: u32,
  shape: array<vec4<u32>, 2>,
  sa: array<vec4<i32>, 2>,
  sb: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> A: array<u32>;
@group(0) @binding(1) var<storage, read> B: array<u32>;
@group(0) @binding(2) var<storage, read_write> O: array<u32>;
@group(0) @binding(3) var<uniform> P: Params;

override WG: u32 = 256;
override WIDE: bool = false;
override OP: u32 = 0u;

// element e's operands as (lo, hi) words (hi = sign extension for int32)
fn operands(e: u32) -> array<vec2<u32>, 2> {
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
  var a: vec2<u32>;
  var b: vec2<u32>;
  if ((P.uni & 1u) != 0u) {
    a = vec2<u32>(P.aLo, P.aHi);
  } else if (WIDE) {
    a = vec2<u32>(A[2u * u32(oa)], A[2u * u32(oa) + 1u]);
  } else {
    let v = A[u32(oa)];
    a = vec2<u32>(v, select(0u, 0xffffffffu, (v & 0x80000000u) != 0u));
  }
  if ((P.uni & 2u) != 0u) {
    b = vec2<u32>(P.bLo, P.bHi);
  } else if (WIDE) {
    b = vec2<u32>(B[2u * u32(ob)], B[2u * u32(ob) + 1u]);
  } else {
    let v = B[u32(ob)];
    b = vec2<u32>(v, select(0u, 0xffffffffu, (v & 0x80000000u) != 0u));
  }
  return array<vec2<u32>, 2>(a, b);
}

fn lt64(a: vec2<u32>, b: vec2<u32>) -> bool {
  let ah = bitcast<i32>(a.y);
  let bh = bitcast<i32>(b.y);
  return ah < bh || (ah == bh && a.x < b.x);
}

fn isZero(a: vec2<u32>) -> bool { return a.x == 0u && a.y == 0u; }

// full 64-bit product of two u32 as (lo, hi)
fn mulWide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let lo = (p00 & 0xffffu) | (mid << 16u);
  let hi = p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  return vec2<u32>(lo, hi);
}

fn arith(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  switch (OP) {
    case 0u: {
      let lo = a.x + b.x;
      return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
    }
    case 1u: {
      return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
    }
    case 2u: {
      let p = mulWide(a.x, b.x);
      return vec2<u32>(p.x, p.y + a.x * b.y + a.y * b.x);
    }
    case 3u: { return select(a, b, lt64(a, b)); }
    case 4u: { return select(a, b, lt64(b, a)); }
    case 5u: { return a & b; }
    case 6u: { return a | b; }
    case 7u: { return a ^ b; }
    case 8u: { return vec2<u32>(select(0u, 1u, !isZero(a) && !isZero(b)), 0u); }
    case 9u: { return vec2<u32>(select(0u, 1u, !isZero(a) || !isZero(b)), 0u); }
    default: { return vec2<u32>(select(0u, 1u, isZero(a) != isZero(b)), 0u); }
  }
}

fn compare(a: vec2<u32>, b: vec2<u32>) -> bool {
  let eq = a.x == b.x && a.y == b.y;
  switch (OP) {
    case 20u: { return eq; }
    case 21u: { return !eq; }
    case 22u: { return lt64(a, b); }
    case 23u: { return lt64(a, b) || eq; }
    case 24u: { return lt64(b, a); }
    default: { return lt64(b, a) || eq; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (OP >= 20u) {
    let e0 = t * 4u;
    if (e0 >= P.n) { return; }
    var w = 0u;
    for (var k = 0u; k < 4u; k = k + 1u) {
      if (e0 + k < P.n) {
        let ab = operands(e0 + k);
        if (compare(ab[0], ab[1])) { w = w | (1u << (8u * k)); }
      }
    }
    O[t] = w;
  } else {
    if (t >= P.n) { return; }
    let ab = operands(t);
    let r = arith(ab[0], ab[1]);
    if (WIDE) {
      O[2u * t] = r.x;
      O[2u * t + 1u] = r.y;
    } else {
      O[t] = r.x;
    }
  }
}
