// Scalar f32 helpers of the elementwise kernels (unary.wgsl, binary.wgsl): the `wgsl` expressions of
// ts/ops/pointwise-table.ts call these. They reproduce the CPU kernels' semantics (simd/math.ts):
// NaN-propagating max/min/clamp, Python-style floor division and remainder, pow with negative bases,
// erf/erfinv, and log1p/expm1 without cancellation. NaN tests use the bit pattern, so a compiler that
// assumes finite math cannot fold them away; float `!=` is written `!(a == b)` because some drivers
// (Mesa lavapipe) compile it to an ordered comparison that is false for NaN. Builtins that do not
// propagate NaN or get the IEEE special cases wrong on software adapters have guarded versions here:
// SwiftShader's exp/log/cosh/asinh... return numbers for NaN, log of a negative number or of 0 is
// finite, and sin/cos/tan are off by ~2e-4 (replaced by polynomials); lavapipe's atan/atan2 miss NaN
// and (0, 0).

const PI_F: f32 = 3.141592653589793;

fn isnanf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinff(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// +-inf / NaN come from a private variable's bits: a constant expression evaluating to inf or NaN is
// a shader-creation error in Tint (Chromium), so these must stay runtime values.
var<private> INF_BITS: u32 = 0x7f800000u;
fn nanf() -> f32 { return bitcast<f32>(INF_BITS | 0x400000u); }
fn inff() -> f32 { return bitcast<f32>(INF_BITS); }

fn maxf(a: f32, b: f32) -> f32 {
  if (isnanf(a) || isnanf(b)) { return nanf(); }
  return max(a, b);
}
fn minf(a: f32, b: f32) -> f32 {
  if (isnanf(a) || isnanf(b)) { return nanf(); }
  return min(a, b);
}
fn clampf(x: f32, lo: f32, hi: f32) -> f32 { return minf(maxf(x, lo), hi); }

fn expf(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (x > 88.72283) { return inff(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}
fn exp2f(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (x >= 128.0) { return inff(); }
  if (x < -150.0) { return 0.0; }
  return exp2(x);
}
fn logf(x: f32) -> f32 {
  if (isnanf(x) || x < 0.0) { return nanf(); }
  if (x == 0.0) { return -inff(); }
  if (isinff(x)) { return x; }
  return log(x);
}
fn log2f(x: f32) -> f32 {
  if (isnanf(x) || x < 0.0) { return nanf(); }
  if (x == 0.0) { return -inff(); }
  if (isinff(x)) { return x; }
  return log2(x);
}
fn log1pf(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (isinff(u) || !(u > 0.0)) { return logf(u); }
  return log(u) * (x / (u - 1.0));
}
// sin/cos/tan: own polynomials (SwiftShader's builtins are off by ~2e-4): x = j pi/2 + r with a
// three-part Cody-Waite reduction (|r| <= pi/4), then Cephes' sinf/cosf minimax polynomials and the
// quadrant j mod 4
struct Red { r: f32, q: u32 }
fn reduceHalfPi(x: f32) -> Red {
  let j = round(x * 0.6366197723675814);
  let r = ((x - j * 1.5703125) - j * 4.837512969970703e-4) - j * 7.549789954891882e-8;
  return Red(r, u32(i32(j) & 3));
}
fn sinPoly(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
}
fn cosPoly(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
}
fn sinf(x: f32) -> f32 {
  if (isnanf(x) || isinff(x)) { return nanf(); }
  let d = reduceHalfPi(x);
  switch (d.q) {
    case 0u: { return sinPoly(d.r); }
    case 1u: { return cosPoly(d.r); }
    case 2u: { return -sinPoly(d.r); }
    default: { return -cosPoly(d.r); }
  }
}
fn cosf(x: f32) -> f32 {
  if (isnanf(x) || isinff(x)) { return nanf(); }
  let d = reduceHalfPi(x);
  switch (d.q) {
    case 0u: { return cosPoly(d.r); }
    case 1u: { return -sinPoly(d.r); }
    case 2u: { return -cosPoly(d.r); }
    default: { return sinPoly(d.r); }
  }
}
fn tanf(x: f32) -> f32 {
  if (isnanf(x) || isinff(x)) { return nanf(); }
  let d = reduceHalfPi(x);
  let s = sinPoly(d.r);
  let c = cosPoly(d.r);
  if ((d.q & 1u) == 0u) { return s / c; }
  return -c / s;
}
fn sinhf(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (abs(x) < 0.0001) { return x; }
  return sinh(x);
}
fn coshf(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (abs(x) > 89.415985) { return inff(); }
  return cosh(x);
}
fn asinhf(x: f32) -> f32 {
  if (isnanf(x) || isinff(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a > 1e18) { r = log(a) + 0.6931471805599453; } else { r = log1pf(a + a * a / (1.0 + sqrt(1.0 + a * a))); }
  return select(r, -r, x < 0.0);
}
fn acoshf(x: f32) -> f32 {
  if (isnanf(x) || x < 1.0) { return nanf(); }
  if (isinff(x)) { return x; }
  if (x > 1e18) { return log(x) + 0.6931471805599453; }
  let t = x - 1.0;
  return log1pf(t + sqrt(t * (x + 1.0)));
}
fn atanhf(x: f32) -> f32 {
  if (isnanf(x) || abs(x) > 1.0) { return nanf(); }
  if (abs(x) == 1.0) { return copysignf(inff(), x); }
  return 0.5 * log1pf(2.0 * x / (1.0 - x));
}
fn expm1f(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  if (x > 88.72283) { return inff(); }
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  if (isinff(u)) { return u; }
  return um1 * (x / log(u));
}
fn tanhf(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (abs(x) > 15.0) { return sign(x); }
  if (abs(x) < 0.0004) { return x; }
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}
fn sigmoidf(x: f32) -> f32 { return 1.0 / (1.0 + expf(-x)); }
fn logsigmoidf(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  return min(x, 0.0) - log1pf(exp(-abs(x)));
}
fn softplusf(x: f32, beta: f32, threshold: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (x * beta > threshold) { return x; }
  return log1pf(expf(beta * x)) / beta;
}

// erf: Taylor series near 0, Abramowitz-Stegun 7.1.26 elsewhere (as simd/math.ts erff)
fn erff(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 0.5) {
    let z = x * x;
    return x * (1.1283791670955126 + z * (-0.37612638903183754 + z * (0.11283791670955126 + z * (-0.026866170645131252 + z * (0.005223977625442188 + z * -0.0008548327023450852)))));
  }
  let t = 1.0 / (1.0 + 0.3275911 * ax);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-ax * ax);
  return select(y, -y, x < 0.0);
}

// inverse erf (Giles' single-precision approximation)
fn erfinvf(x: f32) -> f32 {
  if (x <= -1.0) { return select(nanf(), -inff(), x == -1.0); }
  if (x >= 1.0) { return select(nanf(), inff(), x == 1.0); }
  var w = -log((1.0 - x) * (1.0 + x));
  var p: f32;
  if (w < 5.0) {
    w = w - 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w; p = 1.50140941 + p * w;
  } else {
    w = sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w; p = 2.83297682 + p * w;
  }
  return p * x;
}

// a ** b with C pow semantics for the cases WGSL's pow leaves undefined (a <= 0, b == 0, a == 1)
fn powf(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (isnanf(a) || isnanf(b)) { return nanf(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (b == 0.5 && a >= 0.0 && !isinff(a)) { return sqrt(a); }
  let bint = trunc(b) == b;
  let odd = bint && abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  if (a == 0.0) {
    if (b > 0.0) { return select(0.0, a, odd); }
    return select(inff(), copysignf(inff(), a), odd);
  }
  if (isinff(b)) {
    let m = abs(a);
    if (m == 1.0) { return nanf(); } // JS Math.pow (the CPU kernel): (-1) ** inf is NaN
    if ((m > 1.0) == (b > 0.0)) { return inff(); }
    return 0.0;
  }
  let ax = abs(a);
  var r: f32;
  if (isinff(ax)) {
    r = select(0.0, inff(), b > 0.0);
    return select(r, -r, a < 0.0 && odd);
  }
  if (ax == 1.0 && isinff(b)) { return nanf(); }
  if (bint && abs(b) <= 64.0) {
    // exact-ish repeated squaring for small integer exponents
    var e = u32(abs(b));
    var base = ax;
    r = 1.0;
    loop {
      if ((e & 1u) == 1u) { r = r * base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base = base * base;
    }
    if (b < 0.0) { r = 1.0 / r; }
  } else {
    r = exp2f(b * log2(ax));
  }
  if (a < 0.0) {
    if (!bint) { return nanf(); }
    if (odd) { return -r; }
  }
  return r;
}

fn copysignf(a: f32, b: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(a) & 0x7fffffffu) | (bitcast<u32>(b) & 0x80000000u));
}

fn hypotf(a: f32, b: f32) -> f32 {
  if (isinff(a) || isinff(b)) { return inff(); }
  if (isnanf(a) || isnanf(b)) { return nanf(); }
  let x = abs(a);
  let y = abs(b);
  let m = max(x, y);
  if (m == 0.0 || isnanf(m)) { return select(m, nanf(), isnanf(a) || isnanf(b)); }
  let r = min(x, y) / m;
  return m * sqrt(1.0 + r * r);
}

// C fmod: result has the sign of a, |result| < |b|
fn fmodf(a: f32, b: f32) -> f32 {
  if (b == 0.0 || isinff(a) || isnanf(a) || isnanf(b)) { return nanf(); }
  if (isinff(b) || abs(a) < abs(b)) { return a; }
  let r = a - b * trunc(a / b);
  // rounding of a / b can leave r one |b| off: fold back into (-|b|, |b|) with a's sign
  var s = r;
  if (abs(s) >= abs(b)) { s = s - copysignf(abs(b), s); }
  if (!(s == 0.0) && (s < 0.0) != (a < 0.0)) { s = s + copysignf(abs(b), a); }
  return s;
}

// Python-style remainder: sign of the divisor
fn remf(a: f32, b: f32) -> f32 {
  var r = fmodf(a, b);
  if (!(r == 0.0) && (r < 0.0) != (b < 0.0)) { r = r + b; }
  return r;
}

// Python/PyTorch floor division (as simd/math.ts floordivf)
fn floordivf(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return a / b; }
  let m = fmodf(a, b);
  var d = (a - m) / b;
  if (!(m == 0.0) && (b < 0.0) != (m < 0.0)) { d = d - 1.0; }
  if (d == 0.0) { return copysignf(0.0, a / b); }
  var fd = floor(d);
  if (d - fd > 0.5) { fd = fd + 1.0; }
  return fd;
}

fn atanf(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  return atan(x);
}
fn asinf(x: f32) -> f32 {
  if (isnanf(x) || abs(x) > 1.0) { return nanf(); }
  return atan2f(x, sqrt((1.0 - x) * (1.0 + x)));
}
fn acosf(x: f32) -> f32 {
  if (isnanf(x) || abs(x) > 1.0) { return nanf(); }
  return atan2f(sqrt((1.0 - x) * (1.0 + x)), x);
}
fn atan2f(y: f32, x: f32) -> f32 {
  if (isnanf(y) || isnanf(x)) { return nanf(); }
  let xneg = (bitcast<u32>(x) & 0x80000000u) != 0u;
  if (y == 0.0) { return select(y, copysignf(PI_F, y), xneg); }
  if (isinff(x)) {
    if (isinff(y)) { return copysignf(select(0.25 * PI_F, 0.75 * PI_F, xneg), y); }
    return select(copysignf(0.0, y), copysignf(PI_F, y), xneg);
  }
  if (x == 0.0 || isinff(y)) { return copysignf(0.5 * PI_F, y); }
  return atan2(y, x);
}
