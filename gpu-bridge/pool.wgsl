// Pooling kernels (override MODE), all on three bindings: X (f32 in), Ind (u32 words), Out (f32):
//   MODE 0  max pool 2d over planes x [P, H, W] -> Out [P, OH, OW], one thread per output; with
//           WITH_IDX the flat argmax h * W + w of each window goes to Ind as int64 (lo, hi words).
//           Like PyTorch: the index starts at the first in-bounds tap, ties keep the first, the last
//           NaN wins.
//   MODE 1  plane gather (max pool's double backward): Out[p, m] = X[p, Ind[p, m]] (int64 indices,
//           from word offI in modes 1 and 2)
//   MODE 2  plane scatter-add (max pool backward): Out [P, H*W] = zeros + X[p, m] at Ind[p, m];
//           one thread per plane, in index order, so sums are deterministic (no atomics)
//   MODE 3  resample along one axis (avg pool, adaptive avg pool, interpolate, pad; and their
//           gradients through the inverted table): Out[o, l, i] = sum_t w[l, t] * X[o, idx[l, t], i]
//           over a table held in Ind: T * Lout indices (-1 = none), then T * Lout f32 weights
//           (bit patterns) from word `tabOff`.
// Threads are numbered across a 2-d grid (gid.x + gid.y * rowThreads).

struct Params {
  P: u32, H: u32, W: u32, OH: u32,
  OW: u32, kh: u32, kw: u32, sh: u32,
  sw: u32, ph: u32, pw: u32, dh: u32,
  dw: u32, offX: u32, total: u32, rowThreads: u32,
  outer: u32, Lin: u32, inner: u32, T: u32,
  Lout: u32, tabOff: u32, offI: u32, _p1: u32,
}

override MODE: u32 = 0u;
override WITH_IDX: bool = true;

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Ind: array<u32>;
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;
@group(0) @binding(3) var<uniform> Pm: Params;

fn isNan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

fn maxPool(t: u32) {
  let ow = t % Pm.OW;
  let oh = (t / Pm.OW) % Pm.OH;
  let p = t / (Pm.OW * Pm.OH);
  let hs = i32(oh * Pm.sh) - i32(Pm.ph);
  let ws = i32(ow * Pm.sw) - i32(Pm.pw);
  // first in-bounds tap of the window
  var h0 = hs;
  while (h0 < 0) { h0 += i32(Pm.dh); }
  var w0 = ws;
  while (w0 < 0) { w0 += i32(Pm.dw); }
  var ninfBits = 0xff800000u;  // a runtime value: Tint rejects a -inf constant
  var best = bitcast<f32>(ninfBits);
  var bi = u32(h0) * Pm.W + u32(w0);
  let xb = Pm.offX + p * Pm.H * Pm.W;
  for (var i = 0u; i < Pm.kh; i++) {
    let h = hs + i32(i * Pm.dh);
    if (h < 0 || h >= i32(Pm.H)) { continue; }
    for (var j = 0u; j < Pm.kw; j++) {
      let w = ws + i32(j * Pm.dw);
      if (w < 0 || w >= i32(Pm.W)) { continue; }
      let k = u32(h) * Pm.W + u32(w);
      let v = X[xb + k];
      if (v > best || isNan(v)) {
        best = v;
        bi = k;
      }
    }
  }
  Out[t] = best;
  if (WITH_IDX) {
    Ind[2u * t] = bi;
    Ind[2u * t + 1u] = 0u;
  }
}

fn resample(t: u32) {
  let i = t % Pm.inner;
  let l = (t / Pm.inner) % Pm.Lout;
  let o = t / (Pm.inner * Pm.Lout);
  var s = 0.0;
  for (var q = 0u; q < Pm.T; q++) {
    let e = l * Pm.T + q;
    let src = bitcast<i32>(Ind[e]);
    if (src >= 0) {
      s = fma(bitcast<f32>(Ind[Pm.tabOff + e]), X[Pm.offX + (o * Pm.Lin + u32(src)) * Pm.inner + i], s);
    }
  }
  Out[t] = s;
}

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x + gid.y * Pm.rowThreads;
  if (t >= Pm.total) { return; }
  if (MODE == 0u) {
    maxPool(t);
  } else if (MODE == 1u) {
    let M = Pm.OH * Pm.OW;
    let p = t / M;
    Out[t] = X[Pm.offX + p * Pm.H * Pm.W + Ind[Pm.offI + 2u * t]];
  } else if (MODE == 2u) {
    // t = plane
    let L = Pm.H * Pm.W;
    let M = Pm.OH * Pm.OW;
    for (var l = 0u; l < L; l++) { Out[t * L + l] = 0.0; }
    for (var m = 0u; m < M; m++) {
      let k = Ind[Pm.offI + 2u * (t * M + m)];
      if (k < L) { Out[t * L + k] += X[Pm.offX + t * M + m]; }
    }
  } else {
    resample(t);
  }
}
