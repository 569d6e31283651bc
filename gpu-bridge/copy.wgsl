// Strided copy with dtype cast: Y (dtype D) = X (any n-d view up to 8 dims, dtype S). Y is either
// contiguous from 0 (a new tensor) or, for 4- and 8-byte D, any strided view of the same shape
// (copyInto: in-place writes into slices and parameters).
// Both buffers are bound as raw u32 words so that one pipeline serves every dtype pair; elements
// narrower than a word (float16, int8, uint8, bool) are unpacked/packed in the shader. Each
// invocation writes one output word (4 one-byte elements, 2 halves or 1 four-byte element) or one
// int64 element (2 words). Dtype codes: 0 f32, 1 f16, 2 i32, 3 i64, 4 i8, 5 u8, 6 bool.
// Float -> integer conversions truncate toward zero (NaN -> 0) and then wrap to the target width.

struct Params {
  n: u32,        // elements
  nd: u32,       // dims of the view (0..8; 0 or 1 with stride 1 = contiguous fast path)
  off: u32,      // view offset in source elements
  src: u32,      // source dtype code
  dst: u32,      // destination dtype code
  contig: u32,   // 1: the view is contiguous from `off` (no index arithmetic)
  doff: u32,     // destination offset (elements)
  dcontig: u32,  // 1: the destination is contiguous from `doff` (always for 1- and 2-byte D)
  shape: array<vec4<u32>, 2>,
  stride: array<vec4<i32>, 2>,
  dstride: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> X: array<u32>;
@group(0) @binding(1) var<storage, read_write> Y: array<u32>;
@group(0) @binding(2) var<uniform> P: Params;

override WG: u32 = 256;

// source element offset (in elements) of the e-th element in row-major order of the view
fn srcIndex(e: u32) -> u32 {
  if (P.contig != 0u) { return P.off + e; }
  var rem = e;
  var o: i32 = i32(P.off);
  for (var d: i32 = i32(P.nd) - 1; d >= 0; d = d - 1) {
    let s = P.shape[u32(d) / 4u][u32(d) % 4u];
    let c = rem % s;
    rem = rem / s;
    o = o + i32(c) * P.stride[u32(d) / 4u][u32(d) % 4u];
  }
  return u32(o);
}

// destination element offset of the e-th element (4- and 8-byte destinations)
fn dstIndex(e: u32) -> u32 {
  if (P.dcontig != 0u) { return P.doff + e; }
  var rem = e;
  var o: i32 = i32(P.doff);
  for (var d: i32 = i32(P.nd) - 1; d >= 0; d = d - 1) {
    let s = P.shape[u32(d) / 4u][u32(d) % 4u];
    let c = rem % s;
    rem = rem / s;
    o = o + i32(c) * P.dstride[u32(d) / 4u][u32(d) % 4u];
  }
  return u32(o);
}

// one source element: raw bits (lo, hi) plus its value as f32 and as a (wrapped) i32
struct Val { lo: u32, hi: u32, f: f32, i: i32 }

fn readSrc(e: u32) -> Val {
  let o = srcIndex(e);
  var v: Val;
  v.hi = 0u;
  switch (P.src) {
    case 0u: { v.lo = X[o]; v.f = bitcast<f32>(v.lo); v.i = f2i(v.f); }
    case 1u: {
      v.lo = (X[o / 2u] >> (16u * (o % 2u))) & 0xffffu;
      v.f = unpack2x16float(v.lo).x;
      v.i = f2i(v.f);
    }
    case 2u: { v.lo = X[o]; v.i = bitcast<i32>(v.lo); v.f = f32(v.i); }
    case 3u: {
      v.lo = X[2u * o];
      v.hi = X[2u * o + 1u];
      v.i = bitcast<i32>(v.lo);
      // exact when the value fits in 32 bits (sign word matches), else hi * 2^32 + lo
      if ((v.hi == 0u && v.i >= 0) || (v.hi == 0xffffffffu && v.i < 0)) {
        v.f = f32(v.i);
      } else {
        v.f = f32(bitcast<i32>(v.hi)) * 4294967296.0 + f32(v.lo);
      }
    }
    case 4u: {
      v.lo = (X[o / 4u] >> (8u * (o % 4u))) & 0xffu;
      v.i = (bitcast<i32>(v.lo << 24u)) >> 24u;
      v.f = f32(v.i);
    }
    default: { // 5 uint8, 6 bool
      v.lo = (X[o / 4u] >> (8u * (o % 4u))) & 0xffu;
      v.i = i32(v.lo);
      if (P.src == 6u && v.i != 0) { v.i = 1; v.lo = 1u; }
      v.f = f32(v.i);
    }
  }
  return v;
}

fn isFloatCode(c: u32) -> bool { return c == 0u || c == 1u; }

// NaN test on the bits (float `!=` compiles to an ordered comparison on some drivers: false for NaN)
fn isnan32(f: f32) -> bool { return (bitcast<u32>(f) & 0x7fffffffu) > 0x7f800000u; }

// f32 -> i32 truncating toward zero; NaN -> 0; out of range saturates
fn f2i(f: f32) -> i32 {
  if (isnan32(f)) { return 0; }
  if (f >= 2147483647.0) { return 2147483647; }
  if (f <= -2147483648.0) { return -2147483647 - 1; }
  return i32(f);
}

// the value as a 1-byte element (bool: nonzero test; int8/uint8: wrapped)
fn toByte(v: Val) -> u32 {
  if (P.dst == 6u) {
    if (P.src == 1u) { return select(0u, 1u, (v.lo & 0x7fffu) != 0u); }
    if (P.src == 3u) { return select(0u, 1u, (v.lo | v.hi) != 0u); }
    if (isFloatCode(P.src)) { return select(0u, 1u, !(v.f == 0.0)); }
    return select(0u, 1u, v.i != 0);
  }
  if (P.dst == 5u && isFloatCode(P.src)) {
    // float -> uint8 as the CPU kernel: saturating conversion to u32, then the low byte
    if (!(v.f > 0.0)) { return 0u; }
    if (v.f >= 4294967040.0) { return 0xffu; }
    return u32(v.f) & 0xffu;
  }
  return u32(v.i) & 0xffu;
}

fn toHalf(v: Val) -> u32 {
  if (P.src == 1u) { return v.lo; }
  return pack2x16float(vec2<f32>(v.f, 0.0)) & 0xffffu;
}

fn toWord(v: Val) -> u32 {
  if (P.dst == 0u) {
    if (P.src == 0u) { return v.lo; }
    return bitcast<u32>(v.f);
  }
  return bitcast<u32>(v.i);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * WG;
  let n = P.n;
  switch (P.dst) {
    case 4u, 5u, 6u: {
      let e0 = t * 4u;
      if (e0 >= n) { return; }
      var w = 0u;
      for (var k = 0u; k < 4u; k = k + 1u) {
        if (e0 + k < n) { w = w | (toByte(readSrc(e0 + k)) << (8u * k)); }
      }
      Y[t] = w;
    }
    case 1u: {
      let e0 = t * 2u;
      if (e0 >= n) { return; }
      var w = toHalf(readSrc(e0));
      if (e0 + 1u < n) { w = w | (toHalf(readSrc(e0 + 1u)) << 16u); }
      Y[t] = w;
    }
    case 3u: {
      if (t >= n) { return; }
      let v = readSrc(t);
      let di = dstIndex(t);
      if (P.src == 3u) {
        Y[2u * di] = v.lo;
        Y[2u * di + 1u] = v.hi;
      } else if (isFloatCode(P.src)) {
        // f32 values beyond the i32 range are integers already: split into hi * 2^32 + lo exactly
        let f = trunc(v.f);
        if (isnan32(f)) {
          Y[2u * di] = 0u;
          Y[2u * di + 1u] = 0u;
        } else if (abs(f) < 2147483648.0) {
          let i = i32(f);
          Y[2u * di] = bitcast<u32>(i);
          Y[2u * di + 1u] = select(0u, 0xffffffffu, i < 0);
        } else {
          let hi = floor(f / 4294967296.0);
          let lo = f - hi * 4294967296.0;
          Y[2u * di] = u32(lo);
          Y[2u * di + 1u] = bitcast<u32>(i32(clamp(hi, -2147483648.0, 2147483520.0)));
        }
      } else {
        Y[2u * di] = bitcast<u32>(v.i);
        Y[2u * di + 1u] = select(0u, 0xffffffffu, v.i < 0);
      }
    }
    default: {
      if (t >= n) { return; }
      Y[dstIndex(t)] = toWord(readSrc(t));
    }
  }
}
