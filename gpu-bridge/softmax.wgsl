// softmax / log-softmax of a contiguous float32 [outer, k, inner] block along k (any dim of a
// contiguous tensor, no transpose): y = exp(x - max) / sum(exp(x - max)), or x - max - log(sum).
// ROWS: one workgroup per row (outer * inner rows), max and sum through shared-memory trees (for
// long rows; coalesced when inner == 1); otherwise one invocation per row with an online max/sum
// (for short rows along a non-last dim: adjacent invocations read adjacent columns). Mode 2 writes
// logsumexp per row instead (a NaN or infinite max is the result itself, like the CPU kernel).

struct Params {
  rows: u32,    // outer * inner
  k: u32,
  inner: u32,
  log: u32,     // 1: log-softmax; 2: logsumexp (Y[r] = max + log(sum), one value per row)
  offX: u32,
  _p0: u32,
  _p1: u32,
  _p2: u32,
}

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<uniform> P: Params;

override WG: u32 = 256;
override ROWS: bool = true;

var<workgroup> part: array<f32, WG>;

// +-inf / NaN come from a private variable's bits: a constant expression evaluating to inf or NaN is
// a shader-creation error in Tint (Chromium), so these must stay runtime values.
var<private> INF_BITS: u32 = 0x7f800000u;

fn isnanf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn maxn(a: f32, b: f32) -> f32 { return select(max(a, b), a + b, isnanf(a) || isnanf(b)); }

// index of element i of row r
fn at(r: u32, i: u32) -> u32 {
  let o = r / P.inner;
  let j = r - o * P.inner;
  return (o * P.k + i) * P.inner + j;
}

fn lse(m: f32, s: f32) -> f32 {
  if (isnanf(m) || (bitcast<u32>(m) & 0x7fffffffu) == 0x7f800000u) { return m; }
  return m + log(s);
}

fn result(x: f32, m: f32, s: f32) -> f32 {
  if (P.log != 0u) { return x - m - log(s); }
  return exp(x - m) / s;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (ROWS) {
    let r = wid.x + wid.y * nwg.x;
    let valid = r < P.rows;
    var m = -bitcast<f32>(INF_BITS);
    if (valid) {
      for (var i = lid.x; i < P.k; i = i + WG) { m = maxn(m, X[P.offX + at(r, i)]); }
    }
    part[lid.x] = m;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s >> 1u) {
      if (lid.x < s) { part[lid.x] = maxn(part[lid.x], part[lid.x + s]); }
      workgroupBarrier();
    }
    let mx = part[0];
    workgroupBarrier();
    var acc = 0.0;
    if (valid) {
      for (var i = lid.x; i < P.k; i = i + WG) { acc = acc + exp(X[P.offX + at(r, i)] - mx); }
    }
    part[lid.x] = acc;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s >> 1u) {
      if (lid.x < s) { part[lid.x] = part[lid.x] + part[lid.x + s]; }
      workgroupBarrier();
    }
    let sum = part[0];
    if (valid && P.log == 2u) {
      if (lid.x == 0u) { Y[r] = lse(mx, sum); }
    } else if (valid) {
      for (var i = lid.x; i < P.k; i = i + WG) {
        let e = at(r, i);
        Y[e] = result(X[P.offX + e], mx, sum);
      }
    }
  } else {
    let r = gid.x + gid.y * nwg.x * WG;
    if (r >= P.rows) { return; }
    // online max and rescaled sum in one pass, then the outputs
    var m = -bitcast<f32>(INF_BITS);
    var s = 0.0;
    for (var i = 0u; i < P.k; i = i + 1u) {
      let v = X[P.offX + at(r, i)];
      if (v > m) {
        s = s * exp(m - v) + 1.0;
        m = v;
      } else if (isnanf(v)) {
        m = v;
      } else {
        s = s + exp(v - m);
      }
    }
    if (P.log == 2u) {
      Y[r] = lse(m, s);
      return;
    }
    for (var i = 0u; i < P.k; i = i + 1u) {
      let e = at(r, i);
      Y[e] = result(X[P.offX + e], m, s);
    }
  }
}
