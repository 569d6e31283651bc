// Fused optimizer updates (torch.optim) for webgpu parameters: one pass over param/grad/state per
// tensor, in place, in float32. The same formulas, in the same order, as the wasm kernels of
// simd/optim.ts (PyTorch 1.13's single-tensor updates; ts/optim/*.ts documents the math). The
// algorithm is the pipeline constant ALGO (0 SGD, 1 Adam/AdamW, 2 RMSprop, 3 Adagrad); flags bit 0
// is always `maximize`. Scalars derived from the step count (bias corrections, decayed learning
// rates) come from TS in the uniform block.
//
// Bindings: PRM param (contiguous from offP), GRD grad (contiguous from offG), S0..S2 state buffers
// (contiguous from offS0..offS2; unused slots get small dummy buffers):
//   SGD      S0 momentum buffer               h: lr, momentum, dampening, wd
//            flags 2 nesterov, 4 buffer in use, 8 first step (buffer := d)
//   Adam     S0 exp_avg, S1 exp_avg_sq, S2 max_exp_avg_sq
//            h: beta1, beta2, eps, wd, pmul, negStep, bc2s   flags 2 amsgrad, 4 decoupled (AdamW)
//   RMSprop  S0 square_avg, S1 grad_avg, S2 momentum buffer
//            h: lr, alpha, eps, wd, momentum                 flags 2 centered, 4 momentum > 0
//   Adagrad  S0 sum                           h: clr, eps, wd

struct Params {
  n: u32,
  offP: u32,
  offG: u32,
  flags: u32,
  offS0: u32,
  offS1: u32,
  offS2: u32,
  _pad: u32,
  h: array<vec4<f32>, 2>,
}

@group(0) @binding(0) var<storage, read> GRD: array<f32>;
@group(0) @binding(1) var<storage, read_write> S0: array<f32>;
@group(0) @binding(2) var<storage, read_write> S1: array<f32>;
@group(0) @binding(3) var<storage, read_write> S2: array<f32>;
@group(0) @binding(4) var<storage, read_write> PRM: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

override WG: u32 = 256;
override ALGO: u32 = 0u;

fn hp(k: u32) -> f32 {
  return P.h[k / 4u][k % 4u];
}

fn flag(bit: u32) -> bool {
  return (P.flags & bit) != 0u;
}

fn sgd(i: u32) {
  let lr = hp(0u);
  let momentum = hp(1u);
  let omd = 1.0 - hp(2u);
  let wd = hp(3u);
  var d = GRD[P.offG + i];
  if (flag(1u)) { d = -d; }
  let pv = PRM[P.offP + i];
  if (wd != 0.0) { d = d + pv * wd; }
  if (flag(4u)) {
    var b = d;
    if (!flag(8u)) { b = S0[P.offS0 + i] * momentum + d * omd; }
    S0[P.offS0 + i] = b;
    if (flag(2u)) { d = d + b * momentum; } else { d = b; }
  }
  PRM[P.offP + i] = pv + d * -lr;
}

fn adam(i: u32) {
  let beta1 = hp(0u);
  let beta2 = hp(1u);
  let eps = hp(2u);
  let wd = hp(3u);
  let pmul = hp(4u);
  let negStep = hp(5u);
  let bc2s = hp(6u);
  let omb1 = 1.0 - beta1;
  let omb2 = 1.0 - beta2;
  var gr = GRD[P.offG + i];
  if (flag(1u)) { gr = -gr; }
  var pv = PRM[P.offP + i];
  if (flag(4u)) { pv = pv * pmul; } else if (wd != 0.0) { gr = gr + pv * wd; }
  let mv = S0[P.offS0 + i] * beta1 + gr * omb1;
  let vv = S1[P.offS1 + i] * beta2 + gr * gr * omb2;
  S0[P.offS0 + i] = mv;
  S1[P.offS1 + i] = vv;
  var s = vv;
  if (flag(2u)) {
    s = max(S2[P.offS2 + i], vv);
    S2[P.offS2 + i] = s;
  }
  let den = sqrt(s) / bc2s + eps;
  PRM[P.offP + i] = pv + negStep * (mv / den);
}

fn rmsprop(i: u32) {
  let lr = hp(0u);
  let alpha = hp(1u);
  let eps = hp(2u);
  let wd = hp(3u);
  let momentum = hp(4u);
  let oma = 1.0 - alpha;
  var gr = GRD[P.offG + i];
  if (flag(1u)) { gr = -gr; }
  let pv = PRM[P.offP + i];
  if (wd != 0.0) { gr = gr + pv * wd; }
  let s = S0[P.offS0 + i] * alpha + gr * gr * oma;
  S0[P.offS0 + i] = s;
  var avg: f32;
  if (flag(2u)) {
    let ga = S1[P.offS1 + i] * alpha + gr * oma;
    S1[P.offS1 + i] = ga;
    avg = sqrt(s - ga * ga) + eps;
  } else {
    avg = sqrt(s) + eps;
  }
  if (flag(4u)) {
    let b = S2[P.offS2 + i] * momentum + gr / avg;
    S2[P.offS2 + i] = b;
    PRM[P.offP + i] = pv + b * -lr;
  } else {
    PRM[P.offP + i] = pv + (gr / avg) * -lr;
  }
}

fn adagrad(i: u32) {
  let clr = hp(0u);
  let eps = hp(1u);
  let wd = hp(2u);
  var gr = GRD[P.offG + i];
  if (flag(1u)) { gr = -gr; }
  let pv = PRM[P.offP + i];
  if (wd != 0.0) { gr = gr + pv * wd; }
  let s = S0[P.offS0 + i] + gr * gr;
  S0[P.offS0 + i] = s;
  PRM[P.offP + i] = pv + (gr / (sqrt(s) + eps)) * -clr;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n) { return; }
  switch (ALGO) {
    case 0u: { sgd(i); }
    case 1u: { adam(i); }
    case 2u: { rmsprop(i); }
    default: { adagrad(i); }
  }
}
