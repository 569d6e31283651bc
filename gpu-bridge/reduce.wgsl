// Reductions of a float32 view over any set of dims: O[o] = reduce_r map(X[base(o) + red(r)]), with
// the kept dims (o, row-major over the output) and the reduced dims (r) each described by up to 8
// (shape, stride) pairs, so any strided or permuted view reduces without a copy. Ops (the CPU
// codes, simd/reduce.ts): 0 sum, 1 prod, 2 max, 3 min, 4 sum|x|, 5 sum x^2, 6 max|x|, 7 min|x|,
// 8 count(x != 0); max/min propagate NaN. ROWS: one workgroup per output, its WG invocations stride
// over r (coalesced on a contiguous reduced dim) and combine through a shared-memory tree; otherwise
// one invocation per output loops over r (coalesced when the kept dims are innermost). Long
// reductions over few outputs split r into `chunks` per output, in both modes (O then holds
// [nOut, chunks] partial results that the launcher combines with a second pass).

struct Params {
  nOut: u32,
  k: u32,        // reduced elements per output
  ndO: u32,      // kept dims
  ndK: u32,      // reduced dims
  off: u32,
  op: u32,
  chunks: u32,   // ROWS: workgroups per output, each reducing chunkLen consecutive r (partials)
  chunkLen: u32,
  oshape: array<vec4<u32>, 2>,
  ostride: array<vec4<i32>, 2>,
  kshape: array<vec4<u32>, 2>,
  kstride: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> O: array<f32>;
@group(0) @binding(2) var<uniform> P: Params;

override WG: u32 = 256;
override ROWS: bool = true;

var<workgroup> part: array<f32, WG>;

fn isnanf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }

// +-inf / NaN come from a private variable's bits: a constant expression evaluating to inf or NaN is
// a shader-creation error in Tint (Chromium), so these must stay runtime values.
var<private> INF_BITS: u32 = 0x7f800000u;

fn initv() -> f32 {
  switch (P.op) {
    case 1u: { return 1.0; }
    case 2u: { return -bitcast<f32>(INF_BITS); }
    case 3u, 7u: { return bitcast<f32>(INF_BITS); }
    default: { return 0.0; }
  }
}

fn mapv(a: f32) -> f32 {
  switch (P.op) {
    case 4u, 6u, 7u: { return abs(a); }
    case 5u: { return a * a; }
    case 8u: { return select(1.0, 0.0, a == 0.0); }
    default: { return a; }
  }
}

fn comb(a: f32, b: f32) -> f32 {
  switch (P.op) {
    case 1u: { return a * b; }
    case 2u, 6u: { return select(max(a, b), a + b, isnanf(a) || isnanf(b)); }
    case 3u, 7u: { return select(min(a, b), a + b, isnanf(a) || isnanf(b)); }
    default: { return a + b; }
  }
}

// baseOf / redOf (element offsets of an output and of a reduced position) come from
// reduce-index.wgsl, which the launcher prepends.

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (ROWS) {
    let w = wid.x + wid.y * nwg.x;   // uniform across the workgroup
    let o = w / P.chunks;
    let c = w - o * P.chunks;
    let valid = o < P.nOut;
    var acc = initv();
    if (valid) {
      let base = baseOf(o);
      let r1 = min(P.k, (c + 1u) * P.chunkLen);
      for (var r = c * P.chunkLen + lid.x; r < r1; r = r + WG) {
        acc = comb(acc, mapv(X[u32(base + redOf(r))]));
      }
    }
    part[lid.x] = acc;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s >> 1u) {
      if (lid.x < s) { part[lid.x] = comb(part[lid.x], part[lid.x + s]); }
      workgroupBarrier();
    }
    if (lid.x == 0u && valid) { O[w] = part[0]; }
  } else {
    // invocation t: output o = t % nOut (adjacent invocations on adjacent outputs), chunk t / nOut
    let t = gid.x + gid.y * nwg.x * WG;
    let c = t / P.nOut;
    if (c >= P.chunks) { return; }
    let o = t - c * P.nOut;
    let base = baseOf(o);
    var acc = initv();
    let r1 = min(P.k, (c + 1u) * P.chunkLen);
    for (var r = c * P.chunkLen; r < r1; r = r + 1u) {
      acc = comb(acc, mapv(X[u32(base + redOf(r))]));
    }
    O[o * P.chunks + c] = acc;
  }
}
