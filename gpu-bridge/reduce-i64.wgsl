// int64 reductions (sum, max, min; the CPU codes 0, 2, 3) over any set of dims of an int64 view,
// values as (lo, hi) u32 word pairs with wrapping 64-bit adds like the CPU. Layout and modes as
// reduce.wgsl (ROWS: a workgroup per output with a shared-memory tree; else one invocation per
// output). Integer sums (of int32 / bool data cast to int64, as PyTorch) stay on the GPU this way.

struct Params {
  nOut: u32,
  k: u32,
  ndO: u32,
  ndK: u32,
  off: u32,
  op: u32,
  _p0: u32,
  _p1: u32,
  oshape: array<vec4<u32>, 2>,
  ostride: array<vec4<i32>, 2>,
  kshape: array<vec4<u32>, 2>,
  kstride: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> X: array<u32>;
@group(0) @binding(1) var<storage, read_write> O: array<u32>;
@group(0) @binding(2) var<uniform> P: Params;

override WG: u32 = 256;
override ROWS: bool = true;

var<workgroup> part: array<vec2<u32>, WG>;

fn lt64(a: vec2<u32>, b: vec2<u32>) -> bool {
  let ah = bitcast<i32>(a.y);
  let bh = bitcast<i32>(b.y);
  return ah < bh || (ah == bh && a.x < b.x);
}

fn comb(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  switch (P.op) {
    case 2u: { return select(a, b, lt64(a, b)); }
    case 3u: { return select(a, b, lt64(b, a)); }
    default: {
      let lo = a.x + b.x;
      return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
    }
  }
}

// baseOf / redOf (element offsets of an output and of a reduced position) come from
// reduce-index.wgsl, which the launcher prepends.

fn load(i: i32) -> vec2<u32> {
  let e = 2u * u32(i);
  return vec2<u32>(X[e], X[e + 1u]);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (ROWS) {
    let o = wid.x + wid.y * nwg.x;
    let valid = o < P.nOut;
    var base: i32 = 0;
    if (valid) { base = baseOf(o); }
    // max/min start from the slice's first element (k >= 1), sums from 0
    var acc = vec2<u32>(0u, 0u);
    if (valid && P.op != 0u) { acc = load(base); }
    if (valid) {
      for (var r = lid.x; r < P.k; r = r + WG) { acc = comb(acc, load(base + redOf(r))); }
    }
    part[lid.x] = acc;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s >> 1u) {
      if (lid.x < s) { part[lid.x] = comb(part[lid.x], part[lid.x + s]); }
      workgroupBarrier();
    }
    if (lid.x == 0u && valid) {
      O[2u * o] = part[0].x;
      O[2u * o + 1u] = part[0].y;
    }
  } else {
    let o = gid.x + gid.y * nwg.x * WG;
    if (o >= P.nOut) { return; }
    let base = baseOf(o);
    var acc = vec2<u32>(0u, 0u);
    if (P.op != 0u) { acc = load(base); }
    for (var r = 0u; r < P.k; r = r + 1u) { acc = comb(acc, load(base + redOf(r))); }
    O[2u * o] = acc.x;
    O[2u * o + 1u] = acc.y;
  }
}
