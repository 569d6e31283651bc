// conv2d (NCHW, weight OIHW, groups, stride, padding, dilation) as an implicit GEMM: the im2col
// matrix is never built; the tile loaders gather it on the fly. One kernel, three problems
// (override MODE), each a GEMM C[M, NC] = A[M, K] @ B[K, NC] per group (grid z = group):
//   MODE 0  forward        y  [n, o, oh, ow]: M = O/g,   NC = N*OH*OW, K = C/g*kh*kw
//           A = w[o, (c,i,j)], B = x gathered at (c,i,j) x (n,oh,ow); + bias[o]
//   MODE 1  grad input     dx [n, c, h, w]:   M = C/g,   NC = N*H*W,   K = O/g*kh*kw
//           A = w[o, c, i, j] read as [c, (o,i,j)], B = gy[n, o, (h+ph-i*dh)/sh, ...] where the
//           division is exact and in range, else 0
//   MODE 2  grad weight    dw [o, (c,i,j)]:   M = O/g,   NC = C/g*kh*kw, K = N*OH*OW
//           A = gy[n, o, oh, ow] read as [o, (n,oh,ow)], B = x gathered at (n,oh,ow) x (c,i,j)
// All tensors are contiguous (x/gy/w at element offsets offX/offW). Tiles as in matmul.wgsl:
// 64x64 per workgroup of 16x16 threads, 4x4 per thread, BK = 16, 8.5 KB of workgroup memory.
// Split K (for the weight gradient, whose K = N*OH*OW is long while M x NC is small): grid z =
// groups * splits; split s covers k in [s * chunk, (s + 1) * chunk) and writes its partial dw to
// slice s of Y ([splits, O, NC]); then MODE 3 (X = those partials, one thread per dw element,
// 2-d grid of 256-thread groups) sums the slices in order into Y.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  kh: u32, kw: u32, sh: u32, sw: u32,
  ph: u32, pw: u32, dh: u32, dw: u32,
  M: u32, NC: u32, K: u32, Cg: u32,
  Og: u32, offX: u32, offW: u32, offB: u32,
  splits: u32, chunk: u32, total: u32, colBase: u32,   // colBase: first column tile (launches of <= 65535 tiles)
}

override MODE: u32 = 0u;
override HAS_BIAS: bool = false;

@group(0) @binding(0) var<storage, read> X: array<f32>;     // MODE 0, 2: input x; MODE 1: gy
@group(0) @binding(1) var<storage, read> Wt: array<f32>;    // MODE 0, 1: weight; MODE 2: gy
@group(0) @binding(2) var<storage, read> Bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

// rows of 16 vec4s plus one of padding (2-way instead of 4-way bank conflicts on the A stores)
const RS = 17u;
var<workgroup> As: array<vec4<f32>, 272>;  // [BK][64 / 4 (+1)]
var<workgroup> Bs: array<vec4<f32>, 272>;

/**
 * Thread-constant part of the B gather for one column (computed once, outside the k loop):
 * base element offset, and the row / column terms that the k-dependent tap offsets add to.
 */
struct ColInfo { ok: bool, base: i32, y: i32, x: i32 }

fn colInfo(g: u32, col: u32) -> ColInfo {
  var ci: ColInfo;
  ci.ok = col < P.NC;
  let cc = min(col, P.NC - 1u);
  if (MODE == 0u) {
    let L = P.OH * P.OW;
    let n = cc / L;
    let l = cc % L;
    ci.base = i32(P.offX + (n * P.C + g * P.Cg) * P.H * P.W);
    ci.y = i32((l / P.OW) * P.sh) - i32(P.ph);
    ci.x = i32((l % P.OW) * P.sw) - i32(P.pw);
  } else if (MODE == 1u) {
    let HW = P.H * P.W;
    let n = cc / HW;
    let l = cc % HW;
    ci.base = i32(P.offX + (n * P.O + g * P.Og) * P.OH * P.OW);
    ci.y = i32(l / P.W + P.ph);
    ci.x = i32(l % P.W + P.pw);
  } else {
    let khw = P.kh * P.kw;
    let c = cc / khw;
    let r = cc % khw;
    ci.base = i32(P.offX + (g * P.Cg + c) * P.H * P.W);
    ci.y = i32((r / P.kw) * P.dh) - i32(P.ph);
    ci.x = i32((r % P.kw) * P.dw) - i32(P.pw);
  }
  return ci;
}

/** B[k, col] for the 4 columns of `cols` at one k (the k decomposition shared by the 4). */
fn loadB(k: u32, cols: array<ColInfo, 4>) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (k >= P.K) { return v; }
  let khw = P.kh * P.kw;
  if (MODE == 2u) {
    // k = (n, oh, ow); column = (c, i, j)
    let L = P.OH * P.OW;
    let n = k / L;
    let l = k % L;
    let oy = i32((l / P.OW) * P.sh);
    let ox = i32((l % P.OW) * P.sw);
    let nb = i32(n * P.C * P.H * P.W);
    for (var q = 0u; q < 4u; q++) {
      let ih = oy + cols[q].y;
      let iw = ox + cols[q].x;
      if (cols[q].ok && ih >= 0 && iw >= 0 && ih < i32(P.H) && iw < i32(P.W)) {
        v[q] = X[u32(cols[q].base + nb + ih * i32(P.W) + iw)];
      }
    }
    return v;
  }
  // k = (c or o, i, j)
  let ch = k / khw;
  let r = k % khw;
  let ti = i32((r / P.kw) * P.dh);
  let tj = i32((r % P.kw) * P.dw);
  for (var q = 0u; q < 4u; q++) {
    if (!cols[q].ok) { continue; }
    if (MODE == 0u) {
      let ih = cols[q].y + ti;
      let iw = cols[q].x + tj;
      if (ih >= 0 && iw >= 0 && ih < i32(P.H) && iw < i32(P.W)) {
        v[q] = X[u32(cols[q].base + (i32(ch * P.H) + ih) * i32(P.W) + iw)];
      }
    } else {
      // X holds gy: the output position whose tap (i, j) lands on this input pixel
      let th = cols[q].y - ti;
      let tw = cols[q].x - tj;
      if (th >= 0 && tw >= 0 && u32(th) % P.sh == 0u && u32(tw) % P.sw == 0u) {
        let oh = u32(th) / P.sh;
        let ow = u32(tw) / P.sw;
        if (oh < P.OH && ow < P.OW) { v[q] = X[u32(cols[q].base) + (ch * P.OH + oh) * P.OW + ow]; }
      }
    }
  }
  return v;
}

/** A[m, ka .. ka + 3] of group g (one decomposition of ka, then steps with carry). */
fn loadA(g: u32, m: u32, ka: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (m >= P.M) { return v; }
  if (MODE == 0u) {
    let base = P.offW + (g * P.Og + m) * P.K;
    for (var i = 0u; i < 4u; i++) {
      if (ka + i < P.K) { v[i] = Wt[base + ka + i]; }
    }
    return v;
  }
  // MODE 1: k = (o, r) over [Og, kh*kw]; MODE 2: k = (n, l) over [N, OH*OW]
  var span = P.kh * P.kw;
  if (MODE == 2u) { span = P.OH * P.OW; }
  var hi = ka / span;
  var lo = ka % span;
  for (var i = 0u; i < 4u; i++) {
    if (ka + i < P.K) {
      if (MODE == 1u) {
        v[i] = Wt[P.offW + ((g * P.Og + hi) * P.Cg + m) * span + lo];
      } else {
        v[i] = Wt[P.offW + (hi * P.O + g * P.Og + m) * span + lo];
      }
    }
    lo += 1u;
    if (lo == span) {
      lo = 0u;
      hi += 1u;
    }
  }
  return v;
}

/** Writes C[m, col] of group g into the output. */
fn store(g: u32, split: u32, m: u32, col: u32, v: f32) {
  if (MODE == 0u) {
    let L = P.OH * P.OW;
    let n = col / L;
    let l = col % L;
    let o = g * P.Og + m;
    var r = v;
    if (HAS_BIAS) { r += Bias[P.offB + o]; }
    Y[(n * P.O + o) * L + l] = r;
  } else if (MODE == 1u) {
    let HW = P.H * P.W;
    let n = col / HW;
    let l = col % HW;
    Y[(n * P.C + g * P.Cg + m) * HW + l] = v;
  } else {
    Y[(split * P.O + g * P.Og + m) * P.NC + col] = v;
  }
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let tx = lid.x;
  let ty = lid.y;
  let tid = ty * 16u + tx;
  if (MODE == 3u) {
    let e = (wid.x + wid.y * nwg.x) * 256u + tid;
    if (e < P.total) {
      var s = 0.0;
      for (var q = 0u; q < P.splits; q++) { s += X[q * P.total + e]; }
      Y[e] = s;
    }
    return;
  }
  let g = wid.z % P.groups;
  let split = wid.z / P.groups;
  let row0 = wid.y * 64u;
  let col0 = (wid.x + P.colBase) * 64u;
  var acc: array<vec4<f32>, 4>;
  for (var i = 0u; i < 4u; i++) { acc[i] = vec4<f32>(0.0); }
  let kEnd = min(P.K, (split + 1u) * P.chunk);
  let t0 = (split * P.chunk) / 16u;
  let nk = (kEnd + 15u) / 16u;
  // A loads: 4 consecutive k of one row; B loads: 4 consecutive columns of one k, whose
  // column-dependent index terms are computed once here
  let am = tid / 4u;
  let ak = (tid % 4u) * 4u;
  let bq = tid % 16u;
  let bk = tid / 16u;
  var cols: array<ColInfo, 4>;
  for (var q = 0u; q < 4u; q++) { cols[q] = colInfo(g, col0 + bq * 4u + q); }
  // the next tile's loads are issued before the current tile's math (software pipelining)
  var av = loadA(g, row0 + am, t0 * 16u + ak);
  var bv4 = loadB(t0 * 16u + bk, cols);
  for (var t = t0; t < nk; t++) {
    for (var i = 0u; i < 4u; i++) { As[(ak + i) * RS + am / 4u][am % 4u] = av[i]; }
    Bs[bk * RS + bq] = bv4;
    workgroupBarrier();
    if (t + 1u < nk) {
      av = loadA(g, row0 + am, (t + 1u) * 16u + ak);
      bv4 = loadB((t + 1u) * 16u + bk, cols);
    }
    for (var kk = 0u; kk < 16u; kk++) {
      let a = As[kk * RS + ty];
      let bv = Bs[kk * RS + tx];
      acc[0] = fma(vec4<f32>(a.x), bv, acc[0]);
      acc[1] = fma(vec4<f32>(a.y), bv, acc[1]);
      acc[2] = fma(vec4<f32>(a.z), bv, acc[2]);
      acc[3] = fma(vec4<f32>(a.w), bv, acc[3]);
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + ty * 4u + i;
    if (m < P.M) {
      for (var j = 0u; j < 4u; j++) {
        let col = col0 + tx * 4u + j;
        if (col < P.NC) { store(g, split, m, col, acc[i][j]); }
      }
    }
  }
}
