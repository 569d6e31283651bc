// argmax (OPMIN false) / argmin (OPMIN true) of a float32 view over a set of dims (one dim, or all
// dims flattened), with the extreme value: the first occurrence in row-major order of the reduced
// dims wins ties, and a NaN beats every number (the first NaN wins), like the CPU kernel. Indices are
// written as int64 (lo, hi word pairs). Layout and modes as reduce.wgsl.

struct Params {
  nOut: u32,
  k: u32,
  ndO: u32,
  ndK: u32,
  off: u32,
  _p0: u32,
  _p1: u32,
  _p2: u32,
  oshape: array<vec4<u32>, 2>,
  ostride: array<vec4<i32>, 2>,
  kshape: array<vec4<u32>, 2>,
  kstride: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> V: array<f32>;
@group(0) @binding(2) var<storage, read_write> I: array<u32>;
@group(0) @binding(3) var<uniform> P: Params;

override WG: u32 = 256;
override ROWS: bool = true;
override OPMIN: bool = false;

var<workgroup> pv: array<f32, WG>;
var<workgroup> pi: array<u32, WG>;

fn isnanf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }

// (vb, ib) beats (va, ia)
fn beats(vb: f32, ib: u32, va: f32, ia: u32) -> bool {
  let na = isnanf(va);
  let nb = isnanf(vb);
  if (na || nb) {
    if (na && nb) { return ib < ia; }
    return nb;
  }
  if (vb == va) { return ib < ia; }
  if (OPMIN) { return vb < va; }
  return vb > va;
}

// baseOf / redOf (element offsets of an output and of a reduced position) come from
// reduce-index.wgsl, which the launcher prepends.

fn store(o: u32, v: f32, i: u32) {
  V[o] = v;
  I[2u * o] = i;
  I[2u * o + 1u] = 0u;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (ROWS) {
    let o = wid.x + wid.y * nwg.x;
    let valid = o < P.nOut;
    var bv = 0.0;
    var bi = 0xffffffffu;
    if (valid) {
      let base = baseOf(o);
      for (var r = lid.x; r < P.k; r = r + WG) {
        let v = X[u32(base + redOf(r))];
        if (bi == 0xffffffffu || beats(v, r, bv, bi)) { bv = v; bi = r; }
      }
    }
    pv[lid.x] = bv;
    pi[lid.x] = bi;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s >> 1u) {
      if (lid.x < s) {
        let ib = pi[lid.x + s];
        if (ib != 0xffffffffu && (pi[lid.x] == 0xffffffffu || beats(pv[lid.x + s], ib, pv[lid.x], pi[lid.x]))) {
          pv[lid.x] = pv[lid.x + s];
          pi[lid.x] = ib;
        }
      }
      workgroupBarrier();
    }
    if (lid.x == 0u && valid) { store(o, pv[0], pi[0]); }
  } else {
    let o = gid.x + gid.y * nwg.x * WG;
    if (o >= P.nOut) { return; }
    let base = baseOf(o);
    var bv = X[u32(base + redOf(0u))];
    var bi = 0u;
    for (var r = 1u; r < P.k; r = r + 1u) {
      let v = X[u32(base + redOf(r))];
      if (beats(v, r, bv, bi)) { bv = v; bi = r; }
    }
    store(o, bv, bi);
  }
}
