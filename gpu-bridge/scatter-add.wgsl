// scatter_add along a dim (torch.scatterAdd) into a float32 destination, in place:
// D[doff + sum_k c_k * dstrideK_k + I[e] * dstride] += S[soff + sum_k c_k * sstride_k] for the e-th
// element (coordinates c) of the int64 index view I; dstrideK has the scattered dim zeroed. Several
// index entries may hit one element: the add is an atomic compare-exchange loop on the float bits
// (the order of colliding adds is unspecified, like CUDA's). An index outside [0, size) (the TS side
// validates indices whose values it knows) is skipped, never written out of bounds.

struct Params {
  n: u32,        // elements of the index view
  nd: u32,       // dims of the index view (0..8)
  ioff: u32,     // I view offset (int64 elements)
  soff: u32,     // S view offset
  dstride: i32,  // D stride of the scattered dim
  size: u32,     // D size of the scattered dim
  doff: u32,     // D view offset
  _p0: u32,
  shape: array<vec4<u32>, 2>,
  istride: array<vec4<i32>, 2>,
  sstride: array<vec4<i32>, 2>,
  dstrideK: array<vec4<i32>, 2>,
}

@group(0) @binding(0) var<storage, read> I: array<u32>;
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read_write> D: array<atomic<u32>>;
@group(0) @binding(3) var<uniform> P: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= P.n) { return; }
  var rem = e;
  var io: i32 = i32(P.ioff);
  var so: i32 = i32(P.soff);
  var dof: i32 = i32(P.doff);
  for (var d: i32 = i32(P.nd) - 1; d >= 0; d = d - 1) {
    let k = u32(d);
    let s = P.shape[k / 4u][k % 4u];
    let c = i32(rem % s);
    rem = rem / s;
    io = io + c * P.istride[k / 4u][k % 4u];
    so = so + c * P.sstride[k / 4u][k % 4u];
    dof = dof + c * P.dstrideK[k / 4u][k % 4u];
  }
  let lo = I[2u * u32(io)];
  let hi = I[2u * u32(io) + 1u];
  if (hi != 0u || lo >= P.size) { return; }
  let o = u32(dof + i32(lo) * P.dstride);
  let v = S[u32(so)];
  loop {
    let old = atomicLoad(&D[o]);
    let r = atomicCompareExchangeWeak(&D[o], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
  }
}
