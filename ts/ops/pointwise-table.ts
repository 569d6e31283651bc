/**
 * The pointwise op-spec table: one entry per elementwise op with the kernel expressions it lowers
 * to. `scripts/gen-kernels.ts` turns this table into AssemblyScript row kernels
 * (simd/elementwise.ts, generated); the WebGPU backend will lower the same entries to WGSL.
 * Shape rules (broadcasting), dtype rules and gradients live in ts/ops/pointwise.ts, keyed by the
 * same names and typed so that a missing entry does not compile.
 *
 * Expression variables: unary ops see `x` (and params `p`, `q`, and `pv`, `qv` as splatted v128);
 * binary ops see `a` and `b`. `f32`/`v` are f32 scalar/f32x4 forms; `i32`/`vi32`/`i64` are integer
 * forms (absent: the op is float-only and integer inputs are promoted to float32 first).
 * Helper functions (vexp, vlog, erff, ...) come from simd/math.ts.
 */

export interface UnaryKernel {
  f32: string;
  /** WGSL f32 expression for the WebGPU kernels (gpu-bridge/unary.wgsl; helpers from gpu-bridge/pointwise-math.wgsl). */
  wgsl?: string;
  v?: string;
  /** Vectors per iteration of the contiguous f32 loop (default 4; 8 for long latency chains). */
  unroll?: 4 | 8;
  i32?: string;
  vi32?: string;
  i64?: string;
}

export interface BinaryKernel {
  f32: string;
  /** WGSL f32 expression for the WebGPU kernels (gpu-bridge/binary.wgsl). */
  wgsl?: string;
  v?: string;
  i32?: string;
  vi32?: string;
  i64?: string;
}

export const unaryKernels = {
  neg: { f32: '-x', v: 'f32x4.neg(x)', i32: '-x', vi32: 'i32x4.neg(x)', i64: '-x', wgsl: '-x' },
  abs: { f32: 'Mathf.abs(x)', v: 'f32x4.abs(x)', i32: 'x < 0 ? -x : x', vi32: 'i32x4.abs(x)', i64: 'x < 0 ? -x : x', wgsl: 'abs(x)' },
  sign: { f32: 'x > 0 ? <f32>1 : (x < 0 ? <f32>-1 : <f32>0)', i32: 'x > 0 ? 1 : (x < 0 ? -1 : 0)', i64: 'x > 0 ? <i64>1 : (x < 0 ? <i64>-1 : <i64>0)', wgsl: 'select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)' },
  square: { f32: 'x * x', v: 'f32x4.mul(x, x)', i32: 'x * x', vi32: 'i32x4.mul(x, x)', i64: 'x * x', wgsl: 'x * x' },
  exp: { f32: 'Mathf.exp(x)', v: 'vexp(x)', wgsl: 'expf(x)' },
  exp2: { f32: 'x >= 128 ? <f32>Infinity : Mathf.exp2(x)', v: 'vexp2(x)', wgsl: 'exp2f(x)' },
  expm1: { f32: 'Mathf.expm1(x)', v: 'vexpm1(x)', wgsl: 'expm1f(x)' },
  log: { f32: 'Mathf.log(x)', v: 'vlog(x)', wgsl: 'logf(x)' },
  log2: { f32: 'Mathf.log2(x)', wgsl: 'log2f(x)' },
  log10: { f32: 'Mathf.log10(x)', wgsl: 'log2f(x) * 0.3010299956639812' },
  log1p: { f32: 'Mathf.log1p(x)', v: 'vlog1p(x)', wgsl: 'log1pf(x)' },
  sqrt: { f32: 'Mathf.sqrt(x)', v: 'f32x4.sqrt(x)', wgsl: 'sqrt(x)' },
  rsqrt: { f32: '<f32>1 / Mathf.sqrt(x)', v: 'f32x4.div(f32x4.splat(1), f32x4.sqrt(x))', wgsl: '1.0 / sqrt(x)' },
  reciprocal: { f32: '<f32>1 / x', v: 'f32x4.div(f32x4.splat(1), x)', wgsl: '1.0 / x' },
  sin: { f32: 'Mathf.sin(x)', wgsl: 'sinf(x)' },
  cos: { f32: 'Mathf.cos(x)', wgsl: 'cosf(x)' },
  tan: { f32: 'Mathf.tan(x)', wgsl: 'tanf(x)' },
  asin: { f32: 'Mathf.asin(x)', wgsl: 'asinf(x)' },
  acos: { f32: 'Mathf.acos(x)', wgsl: 'acosf(x)' },
  atan: { f32: 'Mathf.atan(x)', wgsl: 'atanf(x)' },
  sinh: { f32: 'Mathf.sinh(x)', wgsl: 'sinhf(x)' },
  cosh: { f32: 'Mathf.cosh(x)', wgsl: 'coshf(x)' },
  tanh: { f32: 'Mathf.tanh(x)', v: 'vtanh(x)', wgsl: 'tanhf(x)' },
  asinh: { f32: 'Mathf.asinh(x)', wgsl: 'asinhf(x)' },
  acosh: { f32: 'Mathf.acosh(x)', wgsl: 'acoshf(x)' },
  atanh: { f32: 'Mathf.atanh(x)', wgsl: 'atanhf(x)' },
  sigmoid: { f32: 'sigmoidf(x)', v: 'vsigmoid(x)', unroll: 8, wgsl: 'sigmoidf(x)' },
  logsigmoid: { f32: 'logsigmoidf(x)', v: 'f32x4.sub(f32x4.pmin(x, f32x4.splat(0)), vlog1p(vexp(f32x4.neg(f32x4.abs(x)))))', wgsl: 'logsigmoidf(x)' },
  relu: { f32: 'x < 0 ? <f32>0 : x', v: 'f32x4.pmax(x, f32x4.splat(0))', i32: 'x > 0 ? x : 0', vi32: 'i32x4.max_s(x, i32x4.splat(0))', i64: 'x > 0 ? x : <i64>0', wgsl: 'select(x, 0.0, x < 0.0)' },
  relu6: { f32: 'x < 0 ? <f32>0 : (x > 6 ? <f32>6 : x)', v: 'vrelu6(x)', wgsl: 'select(select(x, 6.0, x > 6.0), 0.0, x < 0.0)' },
  leakyRelu: { f32: 'x > 0 ? x : x * p', v: 'v128.bitselect(x, f32x4.mul(x, pv), f32x4.gt(x, f32x4.splat(0)))', wgsl: 'select(x * p, x, x > 0.0)' },
  elu: { f32: 'x > 0 ? x : p * Mathf.expm1(x)', v: 'velu(x, pv)', wgsl: 'select(p * expm1f(x), x, x > 0.0)' },
  selu: { f32: '<f32>1.0507009873554805 * (x > 0 ? x : <f32>1.6732632423543772 * Mathf.expm1(x))', v: 'vselu(x)', wgsl: '1.0507009873554805 * select(1.6732632423543772 * expm1f(x), x, x > 0.0)' },
  celu: { f32: 'x > 0 ? x : p * Mathf.expm1(x / p)', v: 'v128.bitselect(x, f32x4.mul(pv, vexpm1(f32x4.div(x, pv))), f32x4.gt(x, f32x4.splat(0)))', wgsl: 'select(p * expm1f(x / p), x, x > 0.0)' },
  gelu: { f32: '<f32>0.5 * x * (<f32>1 + erff(x * <f32>0.7071067811865476))', v: 'vgelu(x)', wgsl: '0.5 * x * (1.0 + erff(x * 0.7071067811865476))' },
  geluTanh: { f32: '<f32>0.5 * x * (<f32>1 + Mathf.tanh(<f32>0.7978845608028654 * (x + <f32>0.044715 * x * x * x)))', v: 'f32x4.mul(f32x4.mul(x, f32x4.splat(0.5)), f32x4.add(f32x4.splat(1), vtanh(f32x4.mul(f32x4.splat(0.7978845608028654), f32x4.add(x, f32x4.mul(f32x4.splat(0.044715), f32x4.mul(x, f32x4.mul(x, x))))))))', wgsl: '0.5 * x * (1.0 + tanhf(0.7978845608028654 * (x + 0.044715 * x * x * x)))' },
  silu: { f32: 'x * sigmoidf(x)', v: 'f32x4.mul(x, vsigmoid(x))', unroll: 8, wgsl: 'x * sigmoidf(x)' },
  mish: { f32: 'x * Mathf.tanh(softplusf(x, 1, 20))', wgsl: 'x * tanhf(softplusf(x, 1.0, 20.0))' },
  softplus: { f32: 'softplusf(x, p, q)', v: 'v128.bitselect(x, f32x4.div(vlog1p(vexp(f32x4.mul(x, pv))), pv), f32x4.gt(f32x4.mul(x, pv), qv))', wgsl: 'softplusf(x, p, q)' },
  hardswish: { f32: 'x * Mathf.min(Mathf.max(x + 3, 0), 6) / 6', v: 'vhardswish(x)', wgsl: 'x * clampf(x + 3.0, 0.0, 6.0) / 6.0' },
  hardsigmoid: { f32: 'Mathf.min(Mathf.max(x + 3, 0), 6) / 6', v: 'vhardsigmoid(x)', wgsl: 'clampf(x + 3.0, 0.0, 6.0) / 6.0' },
  hardtanh: { f32: 'Mathf.min(Mathf.max(x, p), q)', v: 'f32x4.min(f32x4.max(x, pv), qv)', wgsl: 'clampf(x, p, q)' },
  softsign: { f32: 'x / (<f32>1 + Mathf.abs(x))', v: 'vsoftsign(x)', wgsl: 'x / (1.0 + abs(x))' },
  erf: { f32: 'erff(x)', v: 'verf(x)', wgsl: 'erff(x)' },
  erfinv: { f32: 'erfinvf(x)', wgsl: 'erfinvf(x)' },
  floor: { f32: 'Mathf.floor(x)', v: 'f32x4.floor(x)', i32: 'x', i64: 'x', wgsl: 'floor(x)' },
  ceil: { f32: 'Mathf.ceil(x)', v: 'f32x4.ceil(x)', i32: 'x', i64: 'x', wgsl: 'ceil(x)' },
  trunc: { f32: 'Mathf.trunc(x)', v: 'f32x4.trunc(x)', i32: 'x', i64: 'x', wgsl: 'trunc(x)' },
  round: { f32: 'nearestf(x)', v: 'f32x4.nearest(x)', i32: 'x', i64: 'x', wgsl: 'round(x)' },
  frac: { f32: 'x - Mathf.trunc(x)', v: 'f32x4.sub(x, f32x4.trunc(x))', wgsl: 'x - trunc(x)' },
  isnan: { f32: 'x != x ? <f32>1 : <f32>0', i32: '0', i64: '<i64>0', wgsl: 'select(0.0, 1.0, isnanf(x))' },
  isinf: { f32: 'Mathf.abs(x) == Infinity ? <f32>1 : <f32>0', i32: '0', i64: '<i64>0', wgsl: 'select(0.0, 1.0, isinff(x))' },
  isfinite: { f32: 'isFinite(x) ? <f32>1 : <f32>0', i32: '1', i64: '<i64>1', wgsl: 'select(1.0, 0.0, isnanf(x) || isinff(x))' },
  bitwiseNot: { f32: 'x', i32: '~x', vi32: 'v128.not(x)', i64: '~x', wgsl: 'x' },
  logicalNot: { f32: 'x == 0 ? <f32>1 : <f32>0', i32: 'x == 0 ? 1 : 0', i64: 'x == 0 ? <i64>1 : <i64>0', wgsl: 'select(0.0, 1.0, x == 0.0)' },
  powScalar: { f32: 'powf(x, p)', wgsl: 'powf(x, p)' },
  rpowScalar: { f32: 'powf(p, x)', wgsl: 'powf(p, x)' },
  clamp: { f32: 'Mathf.min(Mathf.max(x, p), q)', v: 'f32x4.min(f32x4.max(x, pv), qv)', i32: 'clampi(x, <i32>p, <i32>q)', i64: 'clampl(x, <i64>p, <i64>q)', wgsl: 'clampf(x, p, q)' },
  clampMin: { f32: 'Mathf.max(x, p)', v: 'f32x4.max(x, pv)', i32: 'x < <i32>p ? <i32>p : x', i64: 'x < <i64>p ? <i64>p : x', wgsl: 'maxf(x, p)' },
  clampMax: { f32: 'Mathf.min(x, p)', v: 'f32x4.min(x, pv)', i32: 'x > <i32>p ? <i32>p : x', i64: 'x > <i64>p ? <i64>p : x', wgsl: 'minf(x, p)' },
  logit: { f32: 'Mathf.log(x / (<f32>1 - x))', wgsl: 'logf(x / (1.0 - x))' },
  sinc: { f32: 'x == 0 ? <f32>1 : Mathf.sin(<f32>3.141592653589793 * x) / (<f32>3.141592653589793 * x)', wgsl: 'select(sinf(PI_F * x) / (PI_F * x), 1.0 - PI_F * PI_F * x * x / 6.0, abs(x) < 0.0003)' },
  deg2rad: { f32: 'x * <f32>0.017453292519943295', wgsl: 'x * 0.017453292519943295' },
  rad2deg: { f32: 'x * <f32>57.29577951308232', wgsl: 'x * 57.29577951308232' },
} as const satisfies Record<string, UnaryKernel>;

export type UnaryOp = keyof typeof unaryKernels;

export const binaryKernels = {
  add: { f32: 'a + b', v: 'f32x4.add(a, b)', i32: 'a + b', vi32: 'i32x4.add(a, b)', i64: 'a + b', wgsl: 'a + b' },
  sub: { f32: 'a - b', v: 'f32x4.sub(a, b)', i32: 'a - b', vi32: 'i32x4.sub(a, b)', i64: 'a - b', wgsl: 'a - b' },
  mul: { f32: 'a * b', v: 'f32x4.mul(a, b)', i32: 'a * b', vi32: 'i32x4.mul(a, b)', i64: 'a * b', wgsl: 'a * b' },
  div: { f32: 'a / b', v: 'f32x4.div(a, b)', wgsl: 'a / b' },
  floorDivide: { f32: 'floordivf(a, b)', i32: 'floordivi(a, b)', i64: 'floordivl(a, b)', wgsl: 'floordivf(a, b)' },
  truncDivide: { f32: 'Mathf.trunc(a / b)', v: 'f32x4.trunc(f32x4.div(a, b))', i32: 'b == 0 ? 0 : (b == -1 ? -a : a / b)', i64: 'b == 0 ? <i64>0 : (b == -1 ? -a : a / b)', wgsl: 'trunc(a / b)' },
  remainder: { f32: 'remf(a, b)', i32: 'remi(a, b)', i64: 'reml(a, b)', wgsl: 'remf(a, b)' },
  fmod: { f32: 'a % b', i32: 'b == 0 ? 0 : (b == -1 ? 0 : a % b)', i64: 'b == 0 ? <i64>0 : (b == -1 ? <i64>0 : a % b)', wgsl: 'fmodf(a, b)' },
  pow: { f32: 'powf(a, b)', i32: 'powi(a, b)', i64: 'powl(a, b)', wgsl: 'powf(a, b)' },
  maximum: { f32: 'maxf(a, b)', v: 'vmaxnan(a, b)', i32: 'a > b ? a : b', vi32: 'i32x4.max_s(a, b)', i64: 'a > b ? a : b', wgsl: 'maxf(a, b)' },
  minimum: { f32: 'minf(a, b)', v: 'vminnan(a, b)', i32: 'a < b ? a : b', vi32: 'i32x4.min_s(a, b)', i64: 'a < b ? a : b', wgsl: 'minf(a, b)' },
  fmax: { f32: 'b != b ? a : (a != a ? b : Mathf.max(a, b))', i32: 'a > b ? a : b', i64: 'a > b ? a : b', wgsl: 'select(select(max(a, b), b, isnanf(a)), a, isnanf(b))' },
  fmin: { f32: 'b != b ? a : (a != a ? b : Mathf.min(a, b))', i32: 'a < b ? a : b', i64: 'a < b ? a : b', wgsl: 'select(select(min(a, b), b, isnanf(a)), a, isnanf(b))' },
  atan2: { f32: 'Mathf.atan2(a, b)', wgsl: 'atan2f(a, b)' },
  hypot: { f32: 'Mathf.hypot(a, b)', wgsl: 'hypotf(a, b)' },
  copysign: { f32: 'copysign<f32>(a, b)', wgsl: 'copysignf(a, b)' },
  xlogy: { f32: 'b != b ? b : (a == 0 ? <f32>0 : a * Mathf.log(b))', wgsl: 'select(select(a * logf(b), 0.0, a == 0.0), b, isnanf(b))' },
  bitwiseAnd: { f32: 'a', i32: 'a & b', vi32: 'v128.and(a, b)', i64: 'a & b', wgsl: 'a' },
  bitwiseOr: { f32: 'a', i32: 'a | b', vi32: 'v128.or(a, b)', i64: 'a | b', wgsl: 'a' },
  bitwiseXor: { f32: 'a', i32: 'a ^ b', vi32: 'v128.xor(a, b)', i64: 'a ^ b', wgsl: 'a' },
  leftShift: { f32: 'a', i32: 'a << b', i64: 'a << b', wgsl: 'a' },
  rightShift: { f32: 'a', i32: 'a >> b', i64: 'a >> b', wgsl: 'a' },
  logicalAnd: { f32: '(a != 0 && b != 0) ? <f32>1 : <f32>0', i32: '(a != 0 && b != 0) ? 1 : 0', i64: '(a != 0 && b != 0) ? <i64>1 : <i64>0', wgsl: 'select(0.0, 1.0, !(a == 0.0) && !(b == 0.0))' },
  logicalOr: { f32: '(a != 0 || b != 0) ? <f32>1 : <f32>0', i32: '(a != 0 || b != 0) ? 1 : 0', i64: '(a != 0 || b != 0) ? <i64>1 : <i64>0', wgsl: 'select(0.0, 1.0, !(a == 0.0) || !(b == 0.0))' },
  logicalXor: { f32: '((a != 0) != (b != 0)) ? <f32>1 : <f32>0', i32: '((a != 0) != (b != 0)) ? 1 : 0', i64: '((a != 0) != (b != 0)) ? <i64>1 : <i64>0', wgsl: 'select(0.0, 1.0, (a == 0.0) != (b == 0.0))' },
} as const satisfies Record<string, BinaryKernel>;

export type BinaryOp = keyof typeof binaryKernels;

/** Comparison ops: computed in the promoted input dtype, output bool. */
export const compareKernels = {
  eq: 'a == b',
  ne: 'a != b',
  lt: 'a < b',
  le: 'a <= b',
  gt: 'a > b',
  ge: 'a >= b',
} as const satisfies Record<string, string>;

export type CompareOp = keyof typeof compareKernels;

/** Index of each op in its table: the op code passed to the wasm kernels. */
export function opCode<T extends object>(table: T, name: keyof T): number {
  return Object.keys(table).indexOf(name as string);
}
