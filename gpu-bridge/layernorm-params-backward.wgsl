// Layer norm / RMS norm backward, weight and bias gradients, first stage: partial column sums over
// a chunk of CHUNK rows of contiguous float32 [rows, n] x and g: PW[c, j] = sum over the chunk's
// rows of g * xhat, PB[c, j] = sum of g (xhat = (x - mean) * rstd, mean 0 for RMS norm). One
// invocation per (column, chunk), adjacent invocations on adjacent columns (coalesced); the launcher
// sums the [chunks, n] partials with the reduction kernel.

struct Params {
  rows: u32,
  n: u32,
  mode: u32,
  chunk: u32,    // rows per chunk
  offX: u32,
  offG: u32,
  offS: u32,
  _p0: u32,
}

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> M: array<f32>;
@group(0) @binding(3) var<storage, read> R: array<f32>;
@group(0) @binding(4) var<storage, read_write> PW: array<f32>;
@group(0) @binding(5) var<storage, read_write> PB: array<f32>;
@group(0) @binding(6) var<uniform> P: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let c = gid.y;
  if (j >= P.n) { return; }
  let r0 = c * P.chunk;
  let r1 = min(r0 + P.chunk, P.rows);
  var sw = 0.0;
  var sb = 0.0;
  for (var r = r0; r < r1; r = r + 1u) {
    let mean = select(M[P.offS + r], 0.0, P.mode != 0u);
    let g = G[P.offG + r * P.n + j];
    sw = sw + g * (X[P.offX + r * P.n + j] - mean) * R[P.offS + r];
    sb = sb + g;
  }
  PW[c * P.n + j] = sw;
  PB[c * P.n + j] = sb;
}
