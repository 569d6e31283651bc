/**
 * Pointwise ops: unary math, binary arithmetic with broadcasting, comparisons and logic, their
 * dtype rules, in-place variants and gradients. Kernels come from the op-spec table in
 * pointwise-table.ts (generated into simd/elementwise.ts); the `Record<Op, ...>` tables below give
 * every op of that table its dtype rule and gradient, so a new kernel without them does not compile.
 */
import { isTracing, outputIndex, record, traceOp } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { isFloating, isIntegral, resultType, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { asDType, computeDType, copyInto, launchBinary, launchUnary, launchWhere, scalarOperand, toOut } from './launch.js';
import { binaryKernels, compareKernels, opCode, unaryKernels, type BinaryOp, type CompareOp, type UnaryOp } from './pointwise-table.js';
import { sumToShape } from './reduce.js';
import { optArgs } from './args.js';
import { defineMethods } from '../tensor/methods.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { GpuNeedsCpu } from '../backend/webgpu/storage.js';

export type Scalar = number | boolean | bigint;
export type TensorOrScalar = Tensor | Scalar;

/** How a unary op's output dtype follows its input: float ops promote integers to float32. */
type UnaryDType = 'float' | 'same' | 'bool' | 'int';
type UnaryGrad = ((x: Tensor, y: Tensor, g: Tensor, p: number, q: number) => Tensor) | 'zero';

interface UnarySpec {
  dtype: UnaryDType;
  grad: UnaryGrad | null;
}

const LN2 = Math.LN2;
const LN10 = Math.LN10;
const SQRT1_2PI = 0.3989422804014327;

const unarySpecs: Record<UnaryOp, UnarySpec> = {
  neg: { dtype: 'same', grad: (_x, _y, g) => neg(g) },
  abs: { dtype: 'same', grad: (x, _y, g) => mul(g, sign(x)) },
  sign: { dtype: 'same', grad: 'zero' },
  square: { dtype: 'same', grad: (x, _y, g) => mul(g, mul(x, 2)) },
  exp: { dtype: 'float', grad: (_x, y, g) => mul(g, y) },
  exp2: { dtype: 'float', grad: (_x, y, g) => mul(g, mul(y, LN2)) },
  expm1: { dtype: 'float', grad: (_x, y, g) => mul(g, add(y, 1)) },
  log: { dtype: 'float', grad: (x, _y, g) => div(g, x) },
  log2: { dtype: 'float', grad: (x, _y, g) => div(g, mul(x, LN2)) },
  log10: { dtype: 'float', grad: (x, _y, g) => div(g, mul(x, LN10)) },
  log1p: { dtype: 'float', grad: (x, _y, g) => div(g, add(x, 1)) },
  sqrt: { dtype: 'float', grad: (_x, y, g) => div(g, mul(y, 2)) },
  rsqrt: { dtype: 'float', grad: (_x, y, g) => mul(g, mul(pow(y, 3), -0.5)) },
  reciprocal: { dtype: 'float', grad: (_x, y, g) => mul(g, neg(mul(y, y))) },
  sin: { dtype: 'float', grad: (x, _y, g) => mul(g, cos(x)) },
  cos: { dtype: 'float', grad: (x, _y, g) => mul(g, neg(sin(x))) },
  tan: { dtype: 'float', grad: (_x, y, g) => mul(g, add(mul(y, y), 1)) },
  asin: { dtype: 'float', grad: (x, _y, g) => div(g, sqrt(rsub(mul(x, x), 1))) },
  acos: { dtype: 'float', grad: (x, _y, g) => neg(div(g, sqrt(rsub(mul(x, x), 1)))) },
  atan: { dtype: 'float', grad: (x, _y, g) => div(g, add(mul(x, x), 1)) },
  sinh: { dtype: 'float', grad: (x, _y, g) => mul(g, cosh(x)) },
  cosh: { dtype: 'float', grad: (x, _y, g) => mul(g, sinh(x)) },
  tanh: { dtype: 'float', grad: (_x, y, g) => mul(g, rsub(mul(y, y), 1)) },
  asinh: { dtype: 'float', grad: (x, _y, g) => div(g, sqrt(add(mul(x, x), 1))) },
  acosh: { dtype: 'float', grad: (x, _y, g) => div(g, sqrt(sub(mul(x, x), 1))) },
  atanh: { dtype: 'float', grad: (x, _y, g) => div(g, rsub(mul(x, x), 1)) },
  sigmoid: { dtype: 'float', grad: (_x, y, g) => mul(g, mul(y, rsub(y, 1))) },
  logsigmoid: { dtype: 'float', grad: (x, _y, g) => mul(g, sigmoid(neg(x))) },
  relu: { dtype: 'same', grad: (x, _y, g) => mul(g, gt(x, 0)) },
  relu6: { dtype: 'float', grad: (x, _y, g) => mul(g, logicalAnd(gt(x, 0), lt(x, 6))) },
  leakyRelu: { dtype: 'float', grad: (x, _y, g, p) => mul(g, where(gt(x, 0), 1, p)) },
  elu: { dtype: 'float', grad: (x, y, g, p) => mul(g, where(gt(x, 0), 1, add(y, p))) },
  selu: { dtype: 'float', grad: (x, _y, g) => mul(g, where(gt(x, 0), 1.0507009873554805, mul(exp(x), 1.0507009873554805 * 1.6732632423543772))) },
  celu: { dtype: 'float', grad: (x, _y, g, p) => mul(g, where(gt(x, 0), 1, exp(div(x, p)))) },
  gelu: {
    dtype: 'float',
    grad: (x, _y, g) => {
      const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
      const pdf = mul(exp(mul(mul(x, x), -0.5)), SQRT1_2PI);
      return mul(g, add(cdf, mul(x, pdf)));
    },
  },
  geluTanh: {
    dtype: 'float',
    grad: (x, _y, g) => {
      const k = 0.7978845608028654;
      const x2 = mul(x, x);
      const inner = mul(add(x, mul(mul(x2, x), 0.044715)), k);
      const t = tanh(inner);
      const dinner = mul(add(mul(x2, 3 * 0.044715), 1), k);
      const left = mul(add(t, 1), 0.5);
      const right = mul(mul(mul(x, 0.5), rsub(mul(t, t), 1)), dinner);
      return mul(g, add(left, right));
    },
  },
  silu: {
    dtype: 'float',
    grad: (x, _y, g) => {
      const s = sigmoid(x);
      return mul(g, mul(s, add(mul(x, rsub(s, 1)), 1)));
    },
  },
  mish: {
    dtype: 'float',
    grad: (x, _y, g) => {
      const tsp = tanh(softplus(x));
      return mul(g, add(tsp, mul(mul(x, sigmoid(x)), rsub(mul(tsp, tsp), 1))));
    },
  },
  softplus: { dtype: 'float', grad: (x, _y, g, p, q) => mul(g, where(gt(mul(x, p), q), 1, sigmoid(mul(x, p)))) },
  hardswish: {
    dtype: 'float',
    grad: (x, _y, g) => mul(g, where(lt(x, -3), 0, where(le(x, 3), add(div(x, 3), 0.5), 1))),
  },
  hardsigmoid: { dtype: 'float', grad: (x, _y, g) => mul(g, where(logicalAnd(gt(x, -3), lt(x, 3)), 1 / 6, 0)) },
  hardtanh: { dtype: 'float', grad: (x, _y, g, p, q) => mul(g, logicalAnd(gt(x, p), lt(x, q))) },
  softsign: { dtype: 'float', grad: (x, _y, g) => div(g, square(add(abs(x), 1))) },
  erf: { dtype: 'float', grad: (x, _y, g) => mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))) },
  erfinv: { dtype: 'float', grad: (_x, y, g) => mul(g, mul(exp(mul(y, y)), Math.sqrt(Math.PI) / 2)) },
  floor: { dtype: 'same', grad: 'zero' },
  ceil: { dtype: 'same', grad: 'zero' },
  trunc: { dtype: 'same', grad: 'zero' },
  round: { dtype: 'same', grad: 'zero' },
  frac: { dtype: 'float', grad: (_x, _y, g) => g },
  isnan: { dtype: 'bool', grad: null },
  isinf: { dtype: 'bool', grad: null },
  isfinite: { dtype: 'bool', grad: null },
  bitwiseNot: { dtype: 'int', grad: null },
  logicalNot: { dtype: 'bool', grad: null },
  powScalar: { dtype: 'float', grad: (x, _y, g, p) => (p === 0 ? mul(g, 0) : mul(g, mul(pow(x, p - 1), p))) },
  rpowScalar: { dtype: 'float', grad: (_x, y, g, p) => mul(g, mul(y, Math.log(p))) },
  clamp: { dtype: 'same', grad: (x, _y, g, p, q) => mul(g, logicalAnd(ge(x, p), le(x, q))) },
  clampMin: { dtype: 'same', grad: (x, _y, g, p) => mul(g, ge(x, p)) },
  clampMax: { dtype: 'same', grad: (x, _y, g, p) => mul(g, le(x, p)) },
  logit: { dtype: 'float', grad: (x, _y, g) => div(g, mul(x, rsub(x, 1))) },
  sinc: {
    dtype: 'float',
    grad: (x, y, g) => {
      const px = mul(x, Math.PI);
      return mul(g, where(eq(x, 0), 0, div(sub(mul(cos(px), Math.PI), mul(y, Math.PI)), px)));
    },
  },
  deg2rad: { dtype: 'float', grad: (_x, _y, g) => mul(g, Math.PI / 180) },
  rad2deg: { dtype: 'float', grad: (_x, _y, g) => mul(g, 180 / Math.PI) },
};

function unaryOutDType(name: string, rule: UnaryDType, d: DType): DType {
  switch (rule) {
    case 'float':
      if (name === 'frac' && !isFloating(d)) throw new TypeError(`frac(): not implemented for '${d}' tensors (expected a floating point tensor)`);
      return isFloating(d) ? d : 'float32';
    case 'bool':
      return 'bool';
    case 'int':
      if (!isIntegral(d, true)) throw new TypeError(`${name}(): expected an integral or bool tensor, but got ${d}`);
      return d;
    default:
      if (d === 'bool') throw new TypeError(`${name}(): not implemented for 'Bool' tensors`);
      return d;
  }
}

/** @internal Runs a unary op of the table with autograd. */
export function unaryOp(name: UnaryOp, x: Tensor, p = 0, q = 0): Tensor {
  if (gpuArgs(unaryOp, arguments)) return viaGpu('unaryOp', unaryOp, arguments) as never;
  if (!(x instanceof Tensor)) throw new TypeError(`${name}(): argument 'input' must be Tensor, not ${typeof x}`);
  if (name === 'bitwiseNot' && x.dtype === 'bool') return unaryOp('logicalNot', x);
  const spec = unarySpecs[name];
  const outDt = unaryOutDType(name, spec.dtype, x.dtype);
  let y: Tensor;
  if (spec.dtype === 'bool' || name === 'bitwiseNot' || (spec.dtype === 'same' && !isFloating(x.dtype))) {
    y = toOut(launchUnary(opCode(unaryKernels, name), x, p, q), outDt);
  } else {
    // float ops compute in float32 whatever the integer input
    const xf = isFloating(x.dtype) ? x : x._copyTo('float32');
    y = toOut(launchUnary(opCode(unaryKernels, name), xf, p, q), outDt);
    if (xf !== x) xf.dispose();
  }
  const grad = spec.grad;
  if (grad && isFloating(outDt) && ((isGradEnabled() && x.requiresGrad) || isTracing())) {
    record(name, [x], y, [x, y], ([g], [sx, sy]) => [grad === 'zero' ? mul(g, 0) : grad(sx, sy, g, p, q)], { p, q });
  } else traceOp(name, [x], y, { p, q });
  return y;
}

type BinaryDType = 'promote' | 'float' | 'int';
interface BinarySpec {
  dtype: BinaryDType;
  grad: ((a: Tensor, b: Tensor, y: Tensor, g: Tensor) => [Tensor | null, Tensor | null]) | null;
}

const binarySpecs: Record<BinaryOp, BinarySpec> = {
  add: { dtype: 'promote', grad: (_a, _b, _y, g) => [g, g] },
  sub: { dtype: 'promote', grad: (_a, _b, _y, g) => [g, neg(g)] },
  mul: { dtype: 'promote', grad: (a, b, _y, g) => [mul(g, b), mul(g, a)] },
  div: { dtype: 'float', grad: (a, b, _y, g) => [div(g, b), neg(div(mul(g, a), mul(b, b)))] },
  floorDivide: { dtype: 'promote', grad: (_a, _b, _y, g) => [mul(g, 0), mul(g, 0)] },
  truncDivide: { dtype: 'promote', grad: (_a, _b, _y, g) => [mul(g, 0), mul(g, 0)] },
  remainder: { dtype: 'promote', grad: (a, b, _y, g) => [g, neg(mul(g, floorDivide(a, b)))] },
  fmod: { dtype: 'promote', grad: (a, b, _y, g) => [g, neg(mul(g, trunc(div(a, b))))] },
  pow: {
    dtype: 'promote',
    grad: (a, b, y, g) => [mul(g, mul(b, pow(a, sub(b, 1)))), mul(g, mul(y, where(eq(a, 0), 0, log(a))))],
  },
  maximum: {
    dtype: 'promote',
    grad: (a, b, _y, g) => {
      const w = add(gt(a, b), mul(eq(a, b), 0.5));
      return [mul(g, w), mul(g, rsub(w, 1))];
    },
  },
  minimum: {
    dtype: 'promote',
    grad: (a, b, _y, g) => {
      const w = add(lt(a, b), mul(eq(a, b), 0.5));
      return [mul(g, w), mul(g, rsub(w, 1))];
    },
  },
  fmax: { dtype: 'promote', grad: (a, b, _y, g) => { const m = logicalOr(ge(a, b), isnan(b)); return [mul(g, m), mul(g, logicalNot(m))]; } },
  fmin: { dtype: 'promote', grad: (a, b, _y, g) => { const m = logicalOr(le(a, b), isnan(b)); return [mul(g, m), mul(g, logicalNot(m))]; } },
  atan2: {
    dtype: 'float',
    grad: (a, b, _y, g) => {
      const den = add(mul(a, a), mul(b, b));
      return [mul(g, div(b, den)), mul(g, neg(div(a, den)))];
    },
  },
  hypot: { dtype: 'float', grad: (a, b, y, g) => [mul(g, div(a, y)), mul(g, div(b, y))] },
  copysign: { dtype: 'float', grad: (a, b, y, g) => [mul(g, where(eq(a, 0), 0, div(y, a))), mul(g, 0)] },
  xlogy: { dtype: 'float', grad: (a, b, _y, g) => [mul(g, where(eq(a, 0), 0, log(b))), mul(g, div(a, b))] },
  bitwiseAnd: { dtype: 'int', grad: null },
  bitwiseOr: { dtype: 'int', grad: null },
  bitwiseXor: { dtype: 'int', grad: null },
  leftShift: { dtype: 'int', grad: null },
  rightShift: { dtype: 'int', grad: null },
  logicalAnd: { dtype: 'promote', grad: null },
  logicalOr: { dtype: 'promote', grad: null },
  logicalXor: { dtype: 'promote', grad: null },
};

const LOGICAL = new Set<BinaryOp>(['logicalAnd', 'logicalOr', 'logicalXor']);

function operand(v: TensorOrScalar, name: string, fn: string): Tensor | Scalar {
  if (v instanceof Tensor) {
    v._check();
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  throw new TypeError(`${fn}(): argument '${name}' must be Tensor or Number, not ${v === null ? 'null' : Array.isArray(v) ? 'Array' : typeof v}`);
}

function asTensor(v: Tensor | Scalar, dt: DType): Tensor {
  return v instanceof Tensor ? v : scalarOperand(v, dt);
}

/** @internal Runs a binary op of the table with broadcasting, type promotion and autograd. */
export function binaryOp(name: BinaryOp, a0: TensorOrScalar, b0: TensorOrScalar): Tensor {
  if (gpuArgs(binaryOp, arguments)) return viaGpu('binaryOp', binaryOp, arguments) as never;
  const a1 = operand(a0, 'input', name);
  const b1 = operand(b0, 'other', name);
  if (!(a1 instanceof Tensor) && !(b1 instanceof Tensor)) throw new TypeError(`${name}(): expected at least one Tensor argument`);
  const spec = binarySpecs[name];
  const rt = resultType(a1 instanceof Tensor ? a1 : a1, b1 instanceof Tensor ? b1 : b1);
  let cd: DType = rt;
  if (spec.dtype === 'float' && !isFloating(rt)) cd = 'float32';
  if (spec.dtype === 'int' && isFloating(rt)) throw new TypeError(`${name}(): not implemented for floating point tensors (got ${rt})`);
  if (name === 'sub' && rt === 'bool') throw new TypeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  const a = asTensor(a1, cd);
  const b = asTensor(b1, cd);
  if (!isFloating(cd) && (name === 'floorDivide' || name === 'remainder' || name === 'fmod' || name === 'truncDivide')) {
    if (b.numel() > 0 && eqScalarAny(b, 0)) throw new RangeError('ZeroDivisionError: integer division or modulo by zero');
  }
  const comp = computeDType(cd);
  const out = launchBinary(opCode(binaryKernels, name), a, b, comp, false);
  const outDt = LOGICAL.has(name) ? 'bool' : cd;
  const y = toOut(LOGICAL.has(name) ? ne0(out) : out, outDt);
  if (a !== a1) a.dispose();
  if (b !== b1) b.dispose();
  const grad = spec.grad;
  const scalars = { a: a1 instanceof Tensor ? null : a1, b: b1 instanceof Tensor ? null : b1 };
  if (!(grad && isFloating(outDt))) traceOp(name, [a1 instanceof Tensor ? a1 : null, b1 instanceof Tensor ? b1 : null], y, scalars);
  else if ((isGradEnabled() && ((a1 instanceof Tensor && a1.requiresGrad) || (b1 instanceof Tensor && b1.requiresGrad))) || isTracing()) {
    const ta = a1 instanceof Tensor ? a1 : null;
    const tb = b1 instanceof Tensor ? b1 : null;
    const sa = ta ?? scalarOperand(a1 as Scalar, outDt);
    const sb = tb ?? scalarOperand(b1 as Scalar, outDt);
    record(name, [ta, tb], y, [sa, sb, y], ([g], [xa, xb, yy], needs) => {
      const [ga, gb] = grad(xa, xb, yy, g);
      return [needs[0] && ga ? sumToShape(ga, xa.shape) : null, needs[1] && gb ? sumToShape(gb, xb.shape) : null];
    }, scalars);
  }
  return y;
}

function ne0(t: Tensor): Tensor {
  const r = launchBinary(opCode(compareKernels, 'ne'), t, scalarOperand(0, t.dtype), computeDType(t.dtype), true);
  t.dispose();
  return r;
}

function eqScalarAny(t: Tensor, v: number): boolean {
  const m = launchBinary(opCode(compareKernels, 'eq'), t, scalarOperand(v, t.dtype), computeDType(t.dtype), true);
  // a webgpu result cannot be read synchronously: the op falls back to the CPU as a whole
  if (m.device !== 'cpu') {
    m.dispose();
    throw new GpuNeedsCpu();
  }
  const d = m.dataSync();
  m.dispose();
  return d.some((x) => x !== 0);
}

/** @internal Comparison with broadcasting and promotion; returns a bool tensor. */
export function compareOp(name: CompareOp, a0: TensorOrScalar, b0: TensorOrScalar): Tensor {
  if (gpuArgs(compareOp, arguments)) return viaGpu('compareOp', compareOp, arguments) as never;
  const a1 = operand(a0, 'input', name);
  const b1 = operand(b0, 'other', name);
  const cd = resultType(a1, b1);
  const a = asTensor(a1, cd);
  const b = asTensor(b1, cd);
  const comp = computeDType(cd);
  const y = launchBinary(opCode(compareKernels, name), a, b, comp, true);
  if (a !== a1) a.dispose();
  if (b !== b1) b.dispose();
  traceOp(name, [a1 instanceof Tensor ? a1 : null, b1 instanceof Tensor ? b1 : null], y, { a: a1 instanceof Tensor ? null : a1, b: b1 instanceof Tensor ? null : b1 });
  return y;
}

// ---- public functional forms ----

/** Elementwise x + alpha * y with broadcasting. `torch.add(x, 1)`, `x.add(y, { alpha: 2 })`. */
export function add(x: TensorOrScalar, y: TensorOrScalar, ...opt: unknown[]): Tensor {
  if (gpuArgs(add, arguments)) return viaGpu('add', add, arguments) as never;
  const { alpha } = optArgs('add', opt, ['alpha'], { alpha: 1 as number });
  return binaryOp('add', x, alpha === 1 ? y : mulAlpha(y, alpha));
}
function mulAlpha(y: TensorOrScalar, alpha: number): TensorOrScalar {
  return y instanceof Tensor ? mul(y, alpha) : Number(y) * alpha;
}
/** Elementwise x - alpha * y. */
export function sub(x: TensorOrScalar, y: TensorOrScalar, ...opt: unknown[]): Tensor {
  if (gpuArgs(sub, arguments)) return viaGpu('sub', sub, arguments) as never;
  const { alpha } = optArgs('sub', opt, ['alpha'], { alpha: 1 as number });
  return binaryOp('sub', x, alpha === 1 ? y : mulAlpha(y, alpha));
}
/** y - x (for scalars on the left). */
export const rsub = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('sub', y, x);
export const mul = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('mul', x, y);
/** True division (integers promote to float32); `{ roundingMode: 'floor' | 'trunc' }` like PyTorch. */
export function div(x: TensorOrScalar, y: TensorOrScalar, ...opt: unknown[]): Tensor {
  if (gpuArgs(div, arguments)) return viaGpu('div', div, arguments) as never;
  const { roundingMode } = optArgs('div', opt, ['roundingMode'], { roundingMode: null as null | 'floor' | 'trunc' });
  if (roundingMode === 'floor') return binaryOp('floorDivide', x, y);
  if (roundingMode === 'trunc') return binaryOp('truncDivide', x, y);
  if (roundingMode !== null) throw new TypeError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(roundingMode)}'`);
  return binaryOp('div', x, y);
}
export const trueDivide = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('div', x, y);
export const floorDivide = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('floorDivide', x, y);
export const remainder = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('remainder', x, y);
export const fmod = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('fmod', x, y);
/** x ** y; scalar exponents use a fused kernel. */
export function pow(x: TensorOrScalar, y: TensorOrScalar): Tensor {
  if (gpuArgs(pow, arguments)) return viaGpu('pow', pow, arguments) as never;
  if (x instanceof Tensor && typeof y === 'number' && isFloating(x.dtype)) {
    if (y === 1) return unaryOp('powScalar', x, 1);
    if (y === 2) return unaryOp('powScalar', x, 2);
    return unaryOp('powScalar', x, y);
  }
  if (typeof x === 'number' && y instanceof Tensor && isFloating(y.dtype) && x > 0) return unaryOp('rpowScalar', y, x);
  if (x instanceof Tensor && !isFloating(x.dtype) && typeof y === 'number' && Number.isInteger(y) && y < 0) {
    throw new RangeError('Integers to negative integer powers are not allowed.');
  }
  return binaryOp('pow', x, y);
}
export const maximum = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('maximum', x, y);
export const minimum = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('minimum', x, y);
export const fmax = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('fmax', x, y);
export const fmin = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('fmin', x, y);
export const atan2 = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('atan2', x, y);
export const hypot = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('hypot', x, y);
export const copysign = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('copysign', x, y);
export const xlogy = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('xlogy', x, y);
export const bitwiseAnd = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('bitwiseAnd', x, y);
export const bitwiseOr = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('bitwiseOr', x, y);
export const bitwiseXor = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('bitwiseXor', x, y);
export const bitwiseLeftShift = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('leftShift', x, y);
export const bitwiseRightShift = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('rightShift', x, y);
export const logicalAnd = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('logicalAnd', x, y);
export const logicalOr = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('logicalOr', x, y);
export const logicalXor = (x: TensorOrScalar, y: TensorOrScalar): Tensor => binaryOp('logicalXor', x, y);

export const eq = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compareOp('eq', x, y);
export const ne = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compareOp('ne', x, y);
export const lt = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compareOp('lt', x, y);
export const le = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compareOp('le', x, y);
export const gt = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compareOp('gt', x, y);
export const ge = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compareOp('ge', x, y);
export { lt as less, le as lessEqual, gt as greater, ge as greaterEqual, ne as notEqual };

export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
export const abs = (x: Tensor): Tensor => unaryOp('abs', x);
export const sign = (x: Tensor): Tensor => unaryOp('sign', x);
export const square = (x: Tensor): Tensor => unaryOp('square', x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
export const exp2 = (x: Tensor): Tensor => unaryOp('exp2', x);
export const expm1 = (x: Tensor): Tensor => unaryOp('expm1', x);
export const log = (x: Tensor): Tensor => unaryOp('log', x);
export const log2 = (x: Tensor): Tensor => unaryOp('log2', x);
export const log10 = (x: Tensor): Tensor => unaryOp('log10', x);
export const log1p = (x: Tensor): Tensor => unaryOp('log1p', x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unaryOp('rsqrt', x);
export const reciprocal = (x: Tensor): Tensor => unaryOp('reciprocal', x);
export const sin = (x: Tensor): Tensor => unaryOp('sin', x);
export const cos = (x: Tensor): Tensor => unaryOp('cos', x);
export const tan = (x: Tensor): Tensor => unaryOp('tan', x);
export const asin = (x: Tensor): Tensor => unaryOp('asin', x);
export const acos = (x: Tensor): Tensor => unaryOp('acos', x);
export const atan = (x: Tensor): Tensor => unaryOp('atan', x);
export const sinh = (x: Tensor): Tensor => unaryOp('sinh', x);
export const cosh = (x: Tensor): Tensor => unaryOp('cosh', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
export const asinh = (x: Tensor): Tensor => unaryOp('asinh', x);
export const acosh = (x: Tensor): Tensor => unaryOp('acosh', x);
export const atanh = (x: Tensor): Tensor => unaryOp('atanh', x);
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
export const erf = (x: Tensor): Tensor => unaryOp('erf', x);
export const erfinv = (x: Tensor): Tensor => unaryOp('erfinv', x);
export const floor = (x: Tensor): Tensor => unaryOp('floor', x);
export const ceil = (x: Tensor): Tensor => unaryOp('ceil', x);
export const trunc = (x: Tensor): Tensor => unaryOp('trunc', x);
export const fix = trunc;
export const frac = (x: Tensor): Tensor => unaryOp('frac', x);
export const isnan = (x: Tensor): Tensor => unaryOp('isnan', x);
export const isinf = (x: Tensor): Tensor => unaryOp('isinf', x);
export const isfinite = (x: Tensor): Tensor => unaryOp('isfinite', x);
export const bitwiseNot = (x: Tensor): Tensor => unaryOp('bitwiseNot', x);
export const logicalNot = (x: Tensor): Tensor => unaryOp('logicalNot', x);
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
/** log(1 + exp(beta * x)) / beta, linear above threshold. */
export const softplus = (x: Tensor, beta = 1, threshold = 20): Tensor => unaryOp('softplus', x, beta, threshold);
export const sinc = (x: Tensor): Tensor => unaryOp('sinc', x);
export const deg2rad = (x: Tensor): Tensor => unaryOp('deg2rad', x);
export const rad2deg = (x: Tensor): Tensor => unaryOp('rad2deg', x);
export const logit = (x: Tensor): Tensor => unaryOp('logit', x);
/** Rounds half to even like PyTorch; `{ decimals }` scales first. */
export function round(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(round, arguments)) return viaGpu('round', round, arguments) as never;
  const { decimals } = optArgs('round', opt, ['decimals'], { decimals: 0 as number });
  if (decimals === 0) return unaryOp('round', x);
  const s = 10 ** decimals;
  return div(unaryOp('round', mul(x, s)), s);
}

/** Clamps into [min, max]; either bound may be omitted (`x.clamp({ max: 0.5 })`) or a tensor. */
export function clamp(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(clamp, arguments)) return viaGpu('clamp', clamp, arguments) as never;
  const { min, max } = optArgs('clamp', opt, ['min', 'max'], { min: null as number | Tensor | null, max: null as number | Tensor | null });
  if (min === null && max === null) throw new TypeError("clamp(): at least one of 'min' or 'max' must not be None");
  if (min instanceof Tensor || max instanceof Tensor) {
    let r = x;
    if (min !== null) r = maximum(r, min);
    if (max !== null) r = minimum(r, max);
    return r;
  }
  if (!isFloating(x.dtype) && [min, max].some((v) => typeof v === 'number' && !Number.isInteger(v))) {
    return clamp(x.to('float32'), min, max);
  }
  if (min !== null && max !== null) return unaryOp('clamp', x, min, max);
  if (min !== null) return unaryOp('clampMin', x, min);
  return unaryOp('clampMax', x, max as number);
}
export const clip = clamp;
export const clampMin = (x: Tensor, v: number): Tensor => unaryOp('clampMin', x, v);
export const clampMax = (x: Tensor, v: number): Tensor => unaryOp('clampMax', x, v);

/**
 * Selects from a where cond is true, else from b (broadcasting all three).
 *
 * @example
 * ```ts
 * torch.where(x.gt(0), x, 0);
 * ```
 */
export function where(cond: Tensor): Tensor[];
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor;
export function where(cond: Tensor, a?: TensorOrScalar, b?: TensorOrScalar): Tensor | Tensor[] {
  if (gpuArgs(where, arguments)) return viaGpu('where', where, arguments) as never;
  if (!(cond instanceof Tensor)) throw new TypeError(`where(): argument 'condition' must be Tensor, not ${typeof cond}`);
  if (a === undefined && b === undefined) {
    // torch.where(cond) is torch.nonzero(cond, as_tuple=True)
    return (cond as unknown as { nonzero(o: { asTuple: true }): Tensor[] }).nonzero({ asTuple: true });
  }
  if (a === undefined || b === undefined) throw new TypeError('where() expects (condition) or (condition, input, other)');
  const c = cond.dtype === 'bool' ? cond : ne(cond, 0);
  const rt = resultType(operand(a, 'input', 'where'), operand(b, 'other', 'where'));
  const ta = a instanceof Tensor ? a : scalarOperand(a, rt);
  const tb = b instanceof Tensor ? b : scalarOperand(b, rt);
  const sel = launchWhere(c, asDType(ta, rt), asDType(tb, rt));
  if (c !== cond) c.dispose();
  if (isTracing() || (isGradEnabled() && ((a instanceof Tensor && a.requiresGrad) || (b instanceof Tensor && b.requiresGrad)))) {
    record('where', [cond, a instanceof Tensor ? a : null, b instanceof Tensor ? b : null], sel, [cond, ta, tb], ([g], [cc, xa, xb], needs) => [
      null,
      needs[1] ? sumToShape(where(cc, g, 0), xa.shape) : null,
      needs[2] ? sumToShape(where(cc, 0, g), xb.shape) : null,
    ], { a: a instanceof Tensor ? null : a, b: b instanceof Tensor ? null : b });
  }
  return sel;
}

/**
 * Linear interpolation: start + weight * (end - start).
 *
 * @example
 * ```ts
 * torch.lerp(a, b, 0.25);
 * ```
 */
export function lerp(start: Tensor, end: TensorOrScalar, weight: TensorOrScalar): Tensor {
  if (gpuArgs(lerp, arguments)) return viaGpu('lerp', lerp, arguments) as never;
  return add(start, mul(weight, sub(end, start)));
}

/** input + value * tensor1 * tensor2. */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(addcmul, arguments)) return viaGpu('addcmul', addcmul, arguments) as never;
  const { value } = optArgs('addcmul', opt, ['value'], { value: 1 as number });
  const prod = mul(tensor1, tensor2);
  return add(input, value === 1 ? prod : mul(prod, value));
}

/** input + value * tensor1 / tensor2. */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(addcdiv, arguments)) return viaGpu('addcdiv', addcdiv, arguments) as never;
  const { value } = optArgs('addcdiv', opt, ['value'], { value: 1 as number });
  if (!isFloating(tensor1.dtype) && !isFloating(tensor2.dtype)) {
    throw new TypeError('Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2.');
  }
  const q = div(tensor1, tensor2);
  return add(input, value === 1 ? q : mul(q, value));
}

// ---- methods and in-place variants ----

/** @internal Applies an out-of-place result to x in place (autograd: x takes over y's history). */
export function assignInPlace(x: Tensor, y: Tensor, name: string): Tensor {
  if (gpuArgs(assignInPlace, arguments)) return viaGpu('assignInPlace', assignInPlace, arguments) as never;
  if (x.requiresGrad && x.isLeaf && isGradEnabled()) {
    throw new Error(`a leaf Variable that requires grad is being used in an in-place operation (${name}_).`);
  }
  if (y.dtype !== x.dtype && !isFloating(x.dtype) && isFloating(y.dtype)) {
    throw new TypeError(`result type ${y.dtype[0].toUpperCase()}${y.dtype.slice(1)} can't be cast to the desired output type ${x.dtype}`);
  }
  const shape = y.shape;
  if (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(`output with shape [${x.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
  }
  const node = y.gradFn;
  if (node && (node.inputs.includes(x) || node.saved.includes(x))) {
    // the op read x: its node must keep x's history and value from before the write
    let alias: Tensor | null = null;
    const before = (): Tensor => {
      if (alias) return alias;
      alias = x._copyTo(x.dtype);
      alias.requiresGrad = x.requiresGrad;
      alias.gradFn = x.gradFn;
      if (x.gradFn) outputIndex.set(alias, outputIndex.get(x) ?? 0);
      return alias;
    };
    const inputs = node.inputs as (Tensor | null)[];
    for (let i = 0; i < inputs.length; i++) if (inputs[i] === x) inputs[i] = before();
    node.saved = node.saved.map((t) => (t === x ? before() : t));
  }
  copyInto(x, y);
  if (node) {
    x.gradFn = node;
    x.requiresGrad = true;
    outputIndex.set(x, outputIndex.get(y) ?? 0);
  }
  return x;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    neg(): Tensor;
    neg_(): Tensor;
    abs(): Tensor;
    abs_(): Tensor;
    sign(): Tensor;
    sign_(): Tensor;
    square(): Tensor;
    square_(): Tensor;
    exp(): Tensor;
    exp_(): Tensor;
    exp2(): Tensor;
    exp2_(): Tensor;
    expm1(): Tensor;
    expm1_(): Tensor;
    log(): Tensor;
    log_(): Tensor;
    log2(): Tensor;
    log2_(): Tensor;
    log10(): Tensor;
    log10_(): Tensor;
    log1p(): Tensor;
    log1p_(): Tensor;
    sqrt(): Tensor;
    sqrt_(): Tensor;
    rsqrt(): Tensor;
    rsqrt_(): Tensor;
    reciprocal(): Tensor;
    reciprocal_(): Tensor;
    sin(): Tensor;
    sin_(): Tensor;
    cos(): Tensor;
    cos_(): Tensor;
    tan(): Tensor;
    tan_(): Tensor;
    asin(): Tensor;
    asin_(): Tensor;
    acos(): Tensor;
    acos_(): Tensor;
    atan(): Tensor;
    atan_(): Tensor;
    sinh(): Tensor;
    sinh_(): Tensor;
    cosh(): Tensor;
    cosh_(): Tensor;
    tanh(): Tensor;
    tanh_(): Tensor;
    asinh(): Tensor;
    asinh_(): Tensor;
    acosh(): Tensor;
    acosh_(): Tensor;
    atanh(): Tensor;
    atanh_(): Tensor;
    sigmoid(): Tensor;
    sigmoid_(): Tensor;
    erf(): Tensor;
    erf_(): Tensor;
    erfinv(): Tensor;
    erfinv_(): Tensor;
    floor(): Tensor;
    floor_(): Tensor;
    ceil(): Tensor;
    ceil_(): Tensor;
    trunc(): Tensor;
    trunc_(): Tensor;
    frac(): Tensor;
    frac_(): Tensor;
    isnan(): Tensor;
    isinf(): Tensor;
    isfinite(): Tensor;
    bitwiseNot(): Tensor;
    bitwiseNot_(): Tensor;
    logicalNot(): Tensor;
    logicalNot_(): Tensor;
    relu(): Tensor;
    relu_(): Tensor;
    sinc(): Tensor;
    sinc_(): Tensor;
    deg2rad(): Tensor;
    deg2rad_(): Tensor;
    rad2deg(): Tensor;
    rad2deg_(): Tensor;
    logit(): Tensor;
    logit_(): Tensor;
    add(other: TensorOrScalar, ...opt: unknown[]): Tensor;
    add_(other: TensorOrScalar, ...opt: unknown[]): Tensor;
    sub(other: TensorOrScalar, ...opt: unknown[]): Tensor;
    sub_(other: TensorOrScalar, ...opt: unknown[]): Tensor;
    mul(other: TensorOrScalar): Tensor;
    mul_(other: TensorOrScalar): Tensor;
    div(other: TensorOrScalar, ...opt: unknown[]): Tensor;
    div_(other: TensorOrScalar, ...opt: unknown[]): Tensor;
    floorDivide(other: TensorOrScalar): Tensor;
    floorDivide_(other: TensorOrScalar): Tensor;
    remainder(other: TensorOrScalar): Tensor;
    remainder_(other: TensorOrScalar): Tensor;
    fmod(other: TensorOrScalar): Tensor;
    fmod_(other: TensorOrScalar): Tensor;
    pow(other: TensorOrScalar): Tensor;
    pow_(other: TensorOrScalar): Tensor;
    maximum(other: TensorOrScalar): Tensor;
    maximum_(other: TensorOrScalar): Tensor;
    minimum(other: TensorOrScalar): Tensor;
    minimum_(other: TensorOrScalar): Tensor;
    fmax(other: TensorOrScalar): Tensor;
    fmax_(other: TensorOrScalar): Tensor;
    fmin(other: TensorOrScalar): Tensor;
    fmin_(other: TensorOrScalar): Tensor;
    atan2(other: TensorOrScalar): Tensor;
    atan2_(other: TensorOrScalar): Tensor;
    hypot(other: TensorOrScalar): Tensor;
    hypot_(other: TensorOrScalar): Tensor;
    copysign(other: TensorOrScalar): Tensor;
    copysign_(other: TensorOrScalar): Tensor;
    xlogy(other: TensorOrScalar): Tensor;
    xlogy_(other: TensorOrScalar): Tensor;
    bitwiseAnd(other: TensorOrScalar): Tensor;
    bitwiseAnd_(other: TensorOrScalar): Tensor;
    bitwiseOr(other: TensorOrScalar): Tensor;
    bitwiseOr_(other: TensorOrScalar): Tensor;
    bitwiseXor(other: TensorOrScalar): Tensor;
    bitwiseXor_(other: TensorOrScalar): Tensor;
    bitwiseLeftShift(other: TensorOrScalar): Tensor;
    bitwiseLeftShift_(other: TensorOrScalar): Tensor;
    bitwiseRightShift(other: TensorOrScalar): Tensor;
    bitwiseRightShift_(other: TensorOrScalar): Tensor;
    logicalAnd(other: TensorOrScalar): Tensor;
    logicalAnd_(other: TensorOrScalar): Tensor;
    logicalOr(other: TensorOrScalar): Tensor;
    logicalOr_(other: TensorOrScalar): Tensor;
    logicalXor(other: TensorOrScalar): Tensor;
    logicalXor_(other: TensorOrScalar): Tensor;
    eq(other: TensorOrScalar): Tensor;
    ne(other: TensorOrScalar): Tensor;
    lt(other: TensorOrScalar): Tensor;
    le(other: TensorOrScalar): Tensor;
    gt(other: TensorOrScalar): Tensor;
    ge(other: TensorOrScalar): Tensor;
    trueDivide(other: TensorOrScalar): Tensor;
    trueDivide_(other: TensorOrScalar): Tensor;
    absolute(...args: unknown[]): Tensor;
    negative(...args: unknown[]): Tensor;
    arccos(...args: unknown[]): Tensor;
    arcsin(...args: unknown[]): Tensor;
    arctan(...args: unknown[]): Tensor;
    multiply(...args: unknown[]): Tensor;
    subtract(...args: unknown[]): Tensor;
    divide(...args: unknown[]): Tensor;
    greater(...args: unknown[]): Tensor;
    less(...args: unknown[]): Tensor;
    greaterEqual(...args: unknown[]): Tensor;
    lessEqual(...args: unknown[]): Tensor;
    notEqual(...args: unknown[]): Tensor;
    arctan2(...args: unknown[]): Tensor;
    round(...opt: unknown[]): Tensor;
    round_(...opt: unknown[]): Tensor;
    clamp(...opt: unknown[]): Tensor;
    clamp_(...opt: unknown[]): Tensor;
    clip(...opt: unknown[]): Tensor;
    clampMin(v: number): Tensor;
    clampMax(v: number): Tensor;
    where(cond: Tensor, other: TensorOrScalar): Tensor;
    rsub(other: TensorOrScalar): Tensor;
    lerp(end: TensorOrScalar, weight: TensorOrScalar): Tensor;
    lerp_(end: TensorOrScalar, weight: TensorOrScalar): Tensor;
    addcmul(t1: Tensor, t2: Tensor, ...opt: unknown[]): Tensor;
    addcmul_(t1: Tensor, t2: Tensor, ...opt: unknown[]): Tensor;
    addcdiv(t1: Tensor, t2: Tensor, ...opt: unknown[]): Tensor;
    addcdiv_(t1: Tensor, t2: Tensor, ...opt: unknown[]): Tensor;
    eq_(other: TensorOrScalar): Tensor;
  }
}
defineMethods({
  neg(this: Tensor) { return neg(this); },
  neg_(this: Tensor) { return assignInPlace(this, neg(this), 'neg'); },
  abs(this: Tensor) { return abs(this); },
  abs_(this: Tensor) { return assignInPlace(this, abs(this), 'abs'); },
  sign(this: Tensor) { return sign(this); },
  sign_(this: Tensor) { return assignInPlace(this, sign(this), 'sign'); },
  square(this: Tensor) { return square(this); },
  square_(this: Tensor) { return assignInPlace(this, square(this), 'square'); },
  exp(this: Tensor) { return exp(this); },
  exp_(this: Tensor) { return assignInPlace(this, exp(this), 'exp'); },
  exp2(this: Tensor) { return exp2(this); },
  exp2_(this: Tensor) { return assignInPlace(this, exp2(this), 'exp2'); },
  expm1(this: Tensor) { return expm1(this); },
  expm1_(this: Tensor) { return assignInPlace(this, expm1(this), 'expm1'); },
  log(this: Tensor) { return log(this); },
  log_(this: Tensor) { return assignInPlace(this, log(this), 'log'); },
  log2(this: Tensor) { return log2(this); },
  log2_(this: Tensor) { return assignInPlace(this, log2(this), 'log2'); },
  log10(this: Tensor) { return log10(this); },
  log10_(this: Tensor) { return assignInPlace(this, log10(this), 'log10'); },
  log1p(this: Tensor) { return log1p(this); },
  log1p_(this: Tensor) { return assignInPlace(this, log1p(this), 'log1p'); },
  sqrt(this: Tensor) { return sqrt(this); },
  sqrt_(this: Tensor) { return assignInPlace(this, sqrt(this), 'sqrt'); },
  rsqrt(this: Tensor) { return rsqrt(this); },
  rsqrt_(this: Tensor) { return assignInPlace(this, rsqrt(this), 'rsqrt'); },
  reciprocal(this: Tensor) { return reciprocal(this); },
  reciprocal_(this: Tensor) { return assignInPlace(this, reciprocal(this), 'reciprocal'); },
  sin(this: Tensor) { return sin(this); },
  sin_(this: Tensor) { return assignInPlace(this, sin(this), 'sin'); },
  cos(this: Tensor) { return cos(this); },
  cos_(this: Tensor) { return assignInPlace(this, cos(this), 'cos'); },
  tan(this: Tensor) { return tan(this); },
  tan_(this: Tensor) { return assignInPlace(this, tan(this), 'tan'); },
  asin(this: Tensor) { return asin(this); },
  asin_(this: Tensor) { return assignInPlace(this, asin(this), 'asin'); },
  acos(this: Tensor) { return acos(this); },
  acos_(this: Tensor) { return assignInPlace(this, acos(this), 'acos'); },
  atan(this: Tensor) { return atan(this); },
  atan_(this: Tensor) { return assignInPlace(this, atan(this), 'atan'); },
  sinh(this: Tensor) { return sinh(this); },
  sinh_(this: Tensor) { return assignInPlace(this, sinh(this), 'sinh'); },
  cosh(this: Tensor) { return cosh(this); },
  cosh_(this: Tensor) { return assignInPlace(this, cosh(this), 'cosh'); },
  tanh(this: Tensor) { return tanh(this); },
  tanh_(this: Tensor) { return assignInPlace(this, tanh(this), 'tanh'); },
  asinh(this: Tensor) { return asinh(this); },
  asinh_(this: Tensor) { return assignInPlace(this, asinh(this), 'asinh'); },
  acosh(this: Tensor) { return acosh(this); },
  acosh_(this: Tensor) { return assignInPlace(this, acosh(this), 'acosh'); },
  atanh(this: Tensor) { return atanh(this); },
  atanh_(this: Tensor) { return assignInPlace(this, atanh(this), 'atanh'); },
  sigmoid(this: Tensor) { return sigmoid(this); },
  sigmoid_(this: Tensor) { return assignInPlace(this, sigmoid(this), 'sigmoid'); },
  erf(this: Tensor) { return erf(this); },
  erf_(this: Tensor) { return assignInPlace(this, erf(this), 'erf'); },
  erfinv(this: Tensor) { return erfinv(this); },
  erfinv_(this: Tensor) { return assignInPlace(this, erfinv(this), 'erfinv'); },
  floor(this: Tensor) { return floor(this); },
  floor_(this: Tensor) { return assignInPlace(this, floor(this), 'floor'); },
  ceil(this: Tensor) { return ceil(this); },
  ceil_(this: Tensor) { return assignInPlace(this, ceil(this), 'ceil'); },
  trunc(this: Tensor) { return trunc(this); },
  trunc_(this: Tensor) { return assignInPlace(this, trunc(this), 'trunc'); },
  frac(this: Tensor) { return frac(this); },
  frac_(this: Tensor) { return assignInPlace(this, frac(this), 'frac'); },
  isnan(this: Tensor) { return isnan(this); },
  isinf(this: Tensor) { return isinf(this); },
  isfinite(this: Tensor) { return isfinite(this); },
  bitwiseNot(this: Tensor) { return bitwiseNot(this); },
  bitwiseNot_(this: Tensor) { return assignInPlace(this, bitwiseNot(this), 'bitwiseNot'); },
  logicalNot(this: Tensor) { return logicalNot(this); },
  logicalNot_(this: Tensor) { return assignInPlace(this, logicalNot(this), 'logicalNot'); },
  relu(this: Tensor) { return relu(this); },
  relu_(this: Tensor) { return assignInPlace(this, relu(this), 'relu'); },
  sinc(this: Tensor) { return sinc(this); },
  sinc_(this: Tensor) { return assignInPlace(this, sinc(this), 'sinc'); },
  deg2rad(this: Tensor) { return deg2rad(this); },
  deg2rad_(this: Tensor) { return assignInPlace(this, deg2rad(this), 'deg2rad'); },
  rad2deg(this: Tensor) { return rad2deg(this); },
  rad2deg_(this: Tensor) { return assignInPlace(this, rad2deg(this), 'rad2deg'); },
  logit(this: Tensor) { return logit(this); },
  logit_(this: Tensor) { return assignInPlace(this, logit(this), 'logit'); },
  add(this: Tensor, o: TensorOrScalar, ...opt: unknown[]) { return add(this, o, ...opt); },
  add_(this: Tensor, o: TensorOrScalar, ...opt: unknown[]) { return assignInPlace(this, add(this, o, ...opt), 'add'); },
  sub(this: Tensor, o: TensorOrScalar, ...opt: unknown[]) { return sub(this, o, ...opt); },
  sub_(this: Tensor, o: TensorOrScalar, ...opt: unknown[]) { return assignInPlace(this, sub(this, o, ...opt), 'sub'); },
  mul(this: Tensor, o: TensorOrScalar) { return mul(this, o); },
  mul_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, mul(this, o), 'mul'); },
  div(this: Tensor, o: TensorOrScalar, ...opt: unknown[]) { return div(this, o, ...opt); },
  div_(this: Tensor, o: TensorOrScalar, ...opt: unknown[]) { return assignInPlace(this, div(this, o, ...opt), 'div'); },
  floorDivide(this: Tensor, o: TensorOrScalar) { return floorDivide(this, o); },
  floorDivide_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, floorDivide(this, o), 'floorDivide'); },
  remainder(this: Tensor, o: TensorOrScalar) { return remainder(this, o); },
  remainder_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, remainder(this, o), 'remainder'); },
  fmod(this: Tensor, o: TensorOrScalar) { return fmod(this, o); },
  fmod_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, fmod(this, o), 'fmod'); },
  pow(this: Tensor, o: TensorOrScalar) { return pow(this, o); },
  pow_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, pow(this, o), 'pow'); },
  maximum(this: Tensor, o: TensorOrScalar) { return maximum(this, o); },
  maximum_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, maximum(this, o), 'maximum'); },
  minimum(this: Tensor, o: TensorOrScalar) { return minimum(this, o); },
  minimum_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, minimum(this, o), 'minimum'); },
  fmax(this: Tensor, o: TensorOrScalar) { return fmax(this, o); },
  fmax_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, fmax(this, o), 'fmax'); },
  fmin(this: Tensor, o: TensorOrScalar) { return fmin(this, o); },
  fmin_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, fmin(this, o), 'fmin'); },
  atan2(this: Tensor, o: TensorOrScalar) { return atan2(this, o); },
  atan2_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, atan2(this, o), 'atan2'); },
  hypot(this: Tensor, o: TensorOrScalar) { return hypot(this, o); },
  hypot_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, hypot(this, o), 'hypot'); },
  copysign(this: Tensor, o: TensorOrScalar) { return copysign(this, o); },
  copysign_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, copysign(this, o), 'copysign'); },
  xlogy(this: Tensor, o: TensorOrScalar) { return xlogy(this, o); },
  xlogy_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, xlogy(this, o), 'xlogy'); },
  bitwiseAnd(this: Tensor, o: TensorOrScalar) { return bitwiseAnd(this, o); },
  bitwiseAnd_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, bitwiseAnd(this, o), 'bitwiseAnd'); },
  bitwiseOr(this: Tensor, o: TensorOrScalar) { return bitwiseOr(this, o); },
  bitwiseOr_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, bitwiseOr(this, o), 'bitwiseOr'); },
  bitwiseXor(this: Tensor, o: TensorOrScalar) { return bitwiseXor(this, o); },
  bitwiseXor_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, bitwiseXor(this, o), 'bitwiseXor'); },
  bitwiseLeftShift(this: Tensor, o: TensorOrScalar) { return bitwiseLeftShift(this, o); },
  bitwiseLeftShift_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, bitwiseLeftShift(this, o), 'bitwiseLeftShift'); },
  bitwiseRightShift(this: Tensor, o: TensorOrScalar) { return bitwiseRightShift(this, o); },
  bitwiseRightShift_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, bitwiseRightShift(this, o), 'bitwiseRightShift'); },
  logicalAnd(this: Tensor, o: TensorOrScalar) { return logicalAnd(this, o); },
  logicalAnd_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, logicalAnd(this, o), 'logicalAnd'); },
  logicalOr(this: Tensor, o: TensorOrScalar) { return logicalOr(this, o); },
  logicalOr_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, logicalOr(this, o), 'logicalOr'); },
  logicalXor(this: Tensor, o: TensorOrScalar) { return logicalXor(this, o); },
  logicalXor_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, logicalXor(this, o), 'logicalXor'); },
  eq(this: Tensor, o: TensorOrScalar) { return eq(this, o); },
  ne(this: Tensor, o: TensorOrScalar) { return ne(this, o); },
  lt(this: Tensor, o: TensorOrScalar) { return lt(this, o); },
  le(this: Tensor, o: TensorOrScalar) { return le(this, o); },
  gt(this: Tensor, o: TensorOrScalar) { return gt(this, o); },
  ge(this: Tensor, o: TensorOrScalar) { return ge(this, o); },
  trueDivide(this: Tensor, o: TensorOrScalar) { return trueDivide(this, o); },
  trueDivide_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, trueDivide(this, o), 'trueDivide'); },
  absolute(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).abs.apply(this, args); },
  negative(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).neg.apply(this, args); },
  arccos(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).acos.apply(this, args); },
  arcsin(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).asin.apply(this, args); },
  arctan(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).atan.apply(this, args); },
  multiply(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).mul.apply(this, args); },
  subtract(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).sub.apply(this, args); },
  divide(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).div.apply(this, args); },
  greater(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).gt.apply(this, args); },
  less(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).lt.apply(this, args); },
  greaterEqual(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).ge.apply(this, args); },
  lessEqual(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).le.apply(this, args); },
  notEqual(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).ne.apply(this, args); },
  arctan2(this: Tensor, ...args: unknown[]) { return (Tensor.prototype as unknown as Record<string, (...a: unknown[]) => Tensor>).atan2.apply(this, args); },
  round(this: Tensor, ...o: unknown[]) { return round(this, ...o); },
  round_(this: Tensor, ...o: unknown[]) { return assignInPlace(this, round(this, ...o), 'round'); },
  clamp(this: Tensor, ...o: unknown[]) { return clamp(this, ...o); },
  clamp_(this: Tensor, ...o: unknown[]) { return assignInPlace(this, clamp(this, ...o), 'clamp'); },
  clip(this: Tensor, ...o: unknown[]) { return clamp(this, ...o); },
  clampMin(this: Tensor, v: number) { return clampMin(this, v); },
  clampMax(this: Tensor, v: number) { return clampMax(this, v); },
  where(this: Tensor, c: Tensor, o: TensorOrScalar) { return where(c, this, o) as Tensor; },
  rsub(this: Tensor, o: TensorOrScalar) { return rsub(this, o); },
  lerp(this: Tensor, e: TensorOrScalar, w: TensorOrScalar) { return lerp(this, e, w); },
  lerp_(this: Tensor, e: TensorOrScalar, w: TensorOrScalar) { return assignInPlace(this, lerp(this, e, w), 'lerp'); },
  addcmul(this: Tensor, a: Tensor, b: Tensor, ...o: unknown[]) { return addcmul(this, a, b, ...o); },
  addcmul_(this: Tensor, a: Tensor, b: Tensor, ...o: unknown[]) { return assignInPlace(this, addcmul(this, a, b, ...o), 'addcmul'); },
  addcdiv(this: Tensor, a: Tensor, b: Tensor, ...o: unknown[]) { return addcdiv(this, a, b, ...o); },
  addcdiv_(this: Tensor, a: Tensor, b: Tensor, ...o: unknown[]) { return assignInPlace(this, addcdiv(this, a, b, ...o), 'addcdiv'); },
  eq_(this: Tensor, o: TensorOrScalar) { return assignInPlace(this, eq(this, o).to(this.dtype), 'eq'); },
});
