// Depthwise conv2d (groups == C, channel multiplier mult = O / C; NCHW, weight [O, 1, kh, kw]),
// direct (no GEMM), in three modes (override MODE):
//   MODE 0  forward:      one thread per output y[n, o, oh, ow] (+ bias[o]); input channel o / mult
//   MODE 1  grad input:   one thread per dx[n, c, h, w], summing gy over the mult output channels
//                         and the taps whose window covers (h, w)
//   MODE 2  grad weight:  one workgroup per dw[o, 0, i, j]: 256 threads reduce over N*OH*OW
// X is x (MODE 0, 2) or gy (MODE 1); Wt is the weight (MODE 0, 1) or gy (MODE 2). Contiguous
// tensors, element offsets in params. Threads are numbered across a 2-d grid (x + y * 65535 * 256).

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  mult: u32, OH: u32, OW: u32, total: u32,
  kh: u32, kw: u32, sh: u32, sw: u32,
  ph: u32, pw: u32, dh: u32, dw: u32,
  offX: u32, offW: u32, offB: u32, rowThreads: u32,
}

override MODE: u32 = 0u;
override HAS_BIAS: bool = false;

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> Wt: array<f32>;
@group(0) @binding(2) var<storage, read> Bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

var<workgroup> red: array<f32, 256>;

fn forward(t: u32) {
  let ow = t % P.OW;
  let oh = (t / P.OW) % P.OH;
  let no = t / (P.OW * P.OH);       // n * O + o
  let O = P.C * P.mult;
  let o = no % O;
  let n = no / O;
  let c = o / P.mult;
  let xb = P.offX + (n * P.C + c) * P.H * P.W;
  let wb = P.offW + o * P.kh * P.kw;
  var s = 0.0;
  for (var i = 0u; i < P.kh; i++) {
    let ih = i32(oh * P.sh + i * P.dh) - i32(P.ph);
    if (ih < 0 || ih >= i32(P.H)) { continue; }
    for (var j = 0u; j < P.kw; j++) {
      let iw = i32(ow * P.sw + j * P.dw) - i32(P.pw);
      if (iw < 0 || iw >= i32(P.W)) { continue; }
      s = fma(X[xb + u32(ih) * P.W + u32(iw)], Wt[wb + i * P.kw + j], s);
    }
  }
  if (HAS_BIAS) { s += Bias[P.offB + o]; }
  Y[t] = s;
}

fn gradInput(t: u32) {
  let w = t % P.W;
  let h = (t / P.W) % P.H;
  let nc = t / (P.W * P.H);
  let c = nc % P.C;
  let n = nc / P.C;
  let O = P.C * P.mult;
  var s = 0.0;
  for (var q = 0u; q < P.mult; q++) {
    let o = c * P.mult + q;
    let gb = P.offX + (n * O + o) * P.OH * P.OW;
    let wb = P.offW + o * P.kh * P.kw;
    for (var i = 0u; i < P.kh; i++) {
      let th = i32(h + P.ph) - i32(i * P.dh);
      if (th < 0 || u32(th) % P.sh != 0u) { continue; }
      let oh = u32(th) / P.sh;
      if (oh >= P.OH) { continue; }
      for (var j = 0u; j < P.kw; j++) {
        let tw = i32(w + P.pw) - i32(j * P.dw);
        if (tw < 0 || u32(tw) % P.sw != 0u) { continue; }
        let ow = u32(tw) / P.sw;
        if (ow >= P.OW) { continue; }
        s = fma(X[gb + oh * P.OW + ow], Wt[wb + i * P.kw + j], s);
      }
    }
  }
  Y[t] = s;
}

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (MODE == 2u) {
    // one workgroup per weight element e = (o, i, j)
    let e = wid.x + wid.y * nwg.x;
    let khw = P.kh * P.kw;
    if (e >= P.total) { return; }
    let o = e / khw;
    let r = e % khw;
    let i = r / P.kw;
    let j = r % P.kw;
    let c = o / P.mult;
    let O = P.C * P.mult;
    let L = P.OH * P.OW;
    var s = 0.0;
    for (var q = lid.x; q < P.N * L; q += 256u) {
      let n = q / L;
      let l = q % L;
      let oh = l / P.OW;
      let ow = l % P.OW;
      let ih = i32(oh * P.sh + i * P.dh) - i32(P.ph);
      let iw = i32(ow * P.sw + j * P.dw) - i32(P.pw);
      if (ih >= 0 && iw >= 0 && ih < i32(P.H) && iw < i32(P.W)) {
        s = fma(Wt[P.offW + (n * O + o) * L + l], X[P.offX + ((n * P.C + c) * P.H + u32(ih)) * P.W + u32(iw)], s);
      }
    }
    red[lid.x] = s;
    workgroupBarrier();
    for (var st = 128u; st > 0u; st >>= 1u) {
      if (lid.x < st) { red[lid.x] += red[lid.x + st]; }
      workgroupBarrier();
    }
    if (lid.x == 0u) { Y[e] = red[0]; }
    return;
  }
  let t = gid.x + gid.y * P.rowThreads;
  if (t >= P.total) { return; }
  if (MODE == 0u) { forward(t); } else { gradInput(t); }
}
