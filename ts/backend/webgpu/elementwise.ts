/**
 * WebGPU launchers of the elementwise kernels: strided copy / dtype cast (gpu-bridge/copy.wgsl),
 * unary ops and binary ops with broadcasting (gpu-bridge/unary.wgsl, binary.wgsl, with the per-op
 * WGSL expression of ts/ops/pointwise-table.ts substituted for the template's placeholder and the
 * helpers of gpu-bridge/pointwise-math.wgsl prepended). Inputs may be any strided view (up to 8
 * dims after coalescing); outputs are new contiguous webgpu tensors. Each launcher returns null for
 * what it does not handle (the caller then runs the CPU kernel, through the dispatcher's fallback).
 * Also the small helpers the other launchers share: uniform packing and dispatch sizing.
 */
import { launch, type Kernel } from './device.js';
import { WGSL } from './shaders.generated.js';
import { DTYPE_CODE, type DType } from '../../tensor/dtype.js';
import { Tensor, coalesce } from '../../tensor/tensor.js';
import { binaryKernels, compareKernels, unaryKernels } from '../../ops/pointwise-table.js';

/** Workgroup size of the 1-d kernels (the shaders' `WG` override). */
export const WG = 256;
/** Most dims a strided view may have after coalescing. */
export const MAX_DIMS = 8;

/** Little-endian writer of a uniform block (u32 / i32 / f32 slots of 4 bytes). */
export class Params {
  private readonly view: DataView;
  readonly buffer: ArrayBuffer;
  private at = 0;
  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(Math.ceil(bytes / 16) * 16);
    this.view = new DataView(this.buffer);
  }
  u32(v: number): this {
    this.view.setUint32(this.at, v >>> 0, true);
    this.at += 4;
    return this;
  }
  i32(v: number): this {
    this.view.setInt32(this.at, v | 0, true);
    this.at += 4;
    return this;
  }
  f32(v: number): this {
    this.view.setFloat32(this.at, v, true);
    this.at += 4;
    return this;
  }
  /** `count` slots from `vals` (missing ones 0): an `array<vec4<u32|i32>, count / 4>` field. */
  dims(vals: readonly number[], count = MAX_DIMS, signed = false): this {
    for (let i = 0; i < count; i++) {
      const v = vals[i] ?? 0;
      if (signed) this.i32(v);
      else this.u32(v);
    }
    return this;
  }
}

/** Workgroup counts covering `units` invocations of a 1-d kernel (2-d beyond 65535 groups). */
export function groups1d(units: number, wg = WG): [number, number] {
  const g = Math.max(1, Math.ceil(units / wg));
  const x = Math.min(g, 65535);
  return [x, Math.ceil(g / x)];
}

/** Workgroup counts for one workgroup per row (2-d beyond 65535 rows). */
export function groupsRows(rows: number): [number, number] {
  const x = Math.min(Math.max(rows, 1), 65535);
  return [x, Math.ceil(Math.max(rows, 1) / x)];
}

/** True when every index of a view fits the shaders' 32-bit arithmetic. */
export function fits32(t: Tensor): boolean {
  let hi = t._offset;
  for (let i = 0; i < t.ndim; i++) if (t.shape[i] > 0) hi += (t.shape[i] - 1) * Math.abs(t._strides[i]);
  return hi < 2 ** 31 && t.numel() < 2 ** 31;
}

function isGpu(t: Tensor): boolean {
  return t.device === 'webgpu';
}

// ---------------------------------------------------------------- copy / cast

const COPY_DTYPES: readonly DType[] = ['float32', 'float16', 'int32', 'int64', 'int8', 'uint8', 'bool'];

/**
 * A new contiguous webgpu tensor of `dtype` with x's values (x any webgpu view): the GPU side of
 * Tensor._copyTo. Casts between float32, float16, int32, int64, int8, uint8 and bool (float ->
 * integer truncates toward zero, like the CPU kernel). Null when x is not on the GPU.
 *
 * @example
 * ```ts
 * const c = gpuCopy(x.t(), 'float32'); // contiguous copy of a transposed view
 * ```
 */
export function gpuCopy(x: Tensor, dtype: DType): Tensor | null {
  x._check();
  if (!isGpu(x) || !COPY_DTYPES.includes(x.dtype) || !COPY_DTYPES.includes(dtype) || !fits32(x)) return null;
  const [shape, [strides]] = coalesce(x.shape, [x._strides]);
  if (shape.length > MAX_DIMS) return null;
  const out = Tensor._empty(x.shape, dtype, 'webgpu');
  const n = out.numel();
  if (n === 0) return out;
  const contig = shape.length === 1 && strides[0] === 1;
  const p = new Params(128)
    .u32(n).u32(shape.length).u32(x._offset).u32(DTYPE_CODE[x.dtype])
    .u32(DTYPE_CODE[dtype]).u32(contig ? 1 : 0).u32(0).u32(1)
    .dims(shape).dims(strides, MAX_DIMS, true).dims([], MAX_DIMS, true);
  const size = DTYPE_CODE[dtype] >= 4 ? 1 : DTYPE_CODE[dtype] === 1 ? 2 : 4;
  const units = size === 1 ? Math.ceil(n / 4) : size === 2 ? Math.ceil(n / 2) : n;
  launch({ key: 'copy', code: WGSL.copy }, [x, out], p.buffer, groups1d(units));
  return out;
}

/** True when the views may share memory (same storage). */
function sameStorage(a: Tensor, b: Tensor): boolean {
  return a._storage === b._storage;
}

/**
 * Writes src (a webgpu tensor of dst's shape, any layout and dtype) into the webgpu view dst in
 * place: the GPU side of copyInto (in-place ops, slice assignment, optimizer updates). dst may
 * be any strided view of a 4- or 8-byte dtype (float32, int32, int64); returns false (nothing
 * written) when the GPU cannot do it, so the caller falls back.
 *
 * @example
 * ```ts
 * gpuCopyInto(param, updated); // param.copy_(updated) on the GPU
 * ```
 */
export function gpuCopyInto(dst: Tensor, src: Tensor): boolean {
  dst._check();
  src._check();
  if (!isGpu(dst) || !isGpu(src) || dst.shape.join() !== src.shape.join()) return false;
  if (!['float32', 'int32', 'int64'].includes(dst.dtype) || !COPY_DTYPES.includes(src.dtype) || !fits32(dst) || !fits32(src)) return false;
  const n = dst.numel();
  if (n === 0) return true;
  // a source overlapping the destination is read completely first
  const s = sameStorage(dst, src) ? gpuCopy(src, src.dtype) : src;
  if (!s) return false;
  const [shape, [ss, ds]] = coalesce(dst.shape, [s._strides, dst._strides]);
  if (shape.length > MAX_DIMS) {
    if (s !== src) s.dispose();
    return false;
  }
  const contig = shape.length === 1 && ss[0] === 1;
  const dcontig = shape.length === 1 && ds[0] === 1;
  const p = new Params(128)
    .u32(n).u32(shape.length).u32(s._offset).u32(DTYPE_CODE[s.dtype])
    .u32(DTYPE_CODE[dst.dtype]).u32(contig ? 1 : 0).u32(dst._offset).u32(dcontig ? 1 : 0)
    .dims(shape).dims(ss, MAX_DIMS, true).dims(ds, MAX_DIMS, true);
  launch({ key: 'copy', code: WGSL.copy }, [s, dst], p.buffer, groups1d(n));
  if (s !== src) s.dispose();
  return true;
}

/** x as a float32 webgpu tensor (x itself when it already is one), or null. */
export function gpuF32(x: Tensor): Tensor | null {
  if (x.dtype === 'float32') return x;
  return gpuCopy(x, 'float32');
}

/** x as a contiguous float32 webgpu tensor (x itself when it already is one), or null. */
export function gpuContiguousF32(x: Tensor): Tensor | null {
  if (x.dtype === 'float32' && x.isContiguous() && fits32(x)) return x;
  return gpuCopy(x, 'float32');
}

// ---------------------------------------------------------------- unary

const unaryNames = Object.keys(unaryKernels) as (keyof typeof unaryKernels)[];
const binaryNames = Object.keys(binaryKernels) as (keyof typeof binaryKernels)[];
const compareNames = Object.keys(compareKernels) as (keyof typeof compareKernels)[];

function withExpr(template: string, expr: string): string {
  return `${WGSL['pointwise-math']}\n${template.replace('/*EXPR*/', expr)}`;
}

const unaryCache = new Map<number, Kernel | null>();

function unaryKernel(op: number): Kernel | null {
  let k = unaryCache.get(op);
  if (k === undefined) {
    const name = unaryNames[op];
    const expr = name ? (unaryKernels[name] as { wgsl?: string }).wgsl : undefined;
    k = expr ? { key: `unary:${name}`, code: withExpr(WGSL.unary, expr) } : null;
    unaryCache.set(op, k);
  }
  return k;
}

/**
 * y = op(x) elementwise on the GPU, op being the pointwise-table op code of launchUnary (same
 * semantics; the result is float32, the compute dtype of float inputs). Null for integer inputs
 * (int32/int64 compute stays on the CPU), ops without a `wgsl` expression, or a CPU x.
 *
 * @example
 * ```ts
 * const y = gpuUnary(opCode(unaryKernels, 'exp'), x);
 * ```
 */
export function gpuUnary(op: number, x: Tensor, p = 0, q = 0): Tensor | null {
  x._check();
  if (!isGpu(x) || (x.dtype !== 'float32' && x.dtype !== 'float16')) return null;
  const k = unaryKernel(op);
  if (!k) return null;
  const xin = gpuF32(x);
  if (!xin || !fits32(xin)) return null;
  const out = Tensor._empty(x.shape, 'float32', 'webgpu');
  const n = out.numel();
  if (n > 0) {
    const [shape, [strides]] = coalesce(xin.shape, [xin._strides]);
    if (shape.length > MAX_DIMS) {
      out.dispose();
      if (xin !== x) xin.dispose();
      return null;
    }
    const contig = shape.length === 1 && strides[0] === 1;
    const prm = new Params(96)
      .u32(n).u32(shape.length).u32(xin._offset).u32(contig ? 1 : 0)
      .f32(p).f32(q).u32(0).u32(0)
      .dims(shape).dims(strides, MAX_DIMS, true);
    launch(k, [xin, out], prm.buffer, groups1d(n));
  }
  if (xin !== x) xin.dispose();
  return out;
}

// ---------------------------------------------------------------- binary

const binaryCache = new Map<string, Kernel | null>();

function binaryKernel(op: number, cmp: boolean): Kernel | null {
  const id = `${cmp ? 'c' : 'b'}${op}`;
  let k = binaryCache.get(id);
  if (k === undefined) {
    k = null;
    if (cmp) {
      const name = compareNames[op];
      // `!=` is spelled !(==): some drivers compile it to an ordered comparison (false for NaN)
      const e = name === 'ne' ? '!(a == b)' : compareKernels[name];
      if (name) k = { key: `compare:${name}`, code: withExpr(WGSL.binary, `select(0.0, 1.0, ${e})`), constants: { PACK: 1 } };
    } else {
      const name = binaryNames[op];
      const expr = name ? (binaryKernels[name] as { wgsl?: string }).wgsl : undefined;
      // the bitwise ops have no float form (their f32 entry is a placeholder `a`)
      if (expr && !name.startsWith('bitwise') && !name.endsWith('Shift')) k = { key: `binary:${name}`, code: withExpr(WGSL.binary, expr) };
    }
    binaryCache.set(id, k);
  }
  return k;
}

/** A one-element CPU operand's value as a JS number (the uniform-scalar path), else null. */
function cpuScalar(t: Tensor): number | null {
  if (isGpu(t) || t.numel() !== 1) return null;
  const v = t.dataSync()[0];
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Output broadcast strides of t (0 on broadcast dims), aligned to `shape`. */
function bstrides(t: Tensor, shape: readonly number[]): number[] {
  const lead = shape.length - t.ndim;
  return shape.map((d, i) => {
    const j = i - lead;
    if (j < 0 || t.shape[j] === 1) return 0;
    return t._strides[j];
  });
}

function broadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The operand's stride over the flattened output: 1 contiguous with that shape, 0 one element, -1 otherwise. */
function flatStride(t: Tensor, shape: readonly number[]): number {
  if (t.numel() === 1) return 0;
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) return -1;
  return t.isContiguous() ? 1 : -1;
}

/**
 * o = op(a, b) with broadcasting on the GPU, same contract as launchBinary: op is the op code in
 * binaryKernels (cmp false; result in cd) or compareKernels (cmp true; bool result, packed 4 per
 * word). float32 runs every op with a `wgsl` form; int32 / int64 (cd) run the comparisons and
 * add, sub, mul, maximum, minimum, fmax, fmin, the bitwise and the logical ops
 * (gpu-bridge/binary-int.wgsl). A one-element CPU operand (a JS scalar) travels in the uniform
 * block. Null when unsupported.
 *
 * @example
 * ```ts
 * const y = gpuBinary(opCode(binaryKernels, 'add'), a, b, 'float32', false);
 * ```
 */
export function gpuBinary(op: number, a: Tensor, b: Tensor, cd: 'float32' | 'int32' | 'int64', cmp: boolean): Tensor | null {
  a._check();
  b._check();
  if (!isGpu(a) && !isGpu(b)) return null;
  if (cd !== 'float32') return gpuBinaryInt(op, a, b, cd, cmp);
  const k = binaryKernel(op, cmp);
  if (!k) return null;
  const shape = broadcast(a.shape, b.shape);
  if (!shape) return null;
  const av = isGpu(a) ? null : cpuScalar(a);
  const bv = isGpu(b) ? null : cpuScalar(b);
  if ((!isGpu(a) && av === null) || (!isGpu(b) && bv === null)) return null;
  const ai = isGpu(a) ? gpuF32(a) : null;
  const bi = isGpu(b) ? gpuF32(b) : null;
  const free = () => {
    if (ai && ai !== a) ai.dispose();
    if (bi && bi !== b) bi.dispose();
  };
  if ((isGpu(a) && (!ai || !fits32(ai))) || (isGpu(b) && (!bi || !fits32(bi)))) {
    free();
    return null;
  }
  const out = Tensor._empty(shape, cmp ? 'bool' : 'float32', 'webgpu');
  const n = out.numel();
  if (n > 0) {
    // a uniform scalar a is handled by swapping nothing: the shader reads A from the params too
    const ta = ai ?? (bi as Tensor);
    const tb = bi ?? (ai as Tensor);
    const fa = ai ? flatStride(ai, shape) : 0;
    const fb = bi ? flatStride(bi, shape) : 0;
    let nd = 0;
    let cs: number[] = [];
    let sa: number[] = [];
    let sb: number[] = [];
    const flat = fa >= 0 && fb >= 0;
    if (!flat) {
      const [s, [x, y]] = coalesce(shape, [ai ? bstrides(ai, shape) : shape.map(() => 0), bi ? bstrides(bi, shape) : shape.map(() => 0)]);
      if (s.length > MAX_DIMS) {
        out.dispose();
        free();
        return null;
      }
      [nd, cs, sa, sb] = [s.length, s, x, y];
    }
    const uni = (ai ? 0 : 1) | (bi ? 0 : 2);
    const prm = new Params(160)
      .u32(n).u32(nd).u32(ai ? ai._offset : 0).u32(bi ? bi._offset : 0)
      .u32(flat ? 1 : 0).u32(Math.max(fa, 0)).u32(Math.max(fb, 0)).u32(uni)
      .f32(av ?? 0).f32(bv ?? 0).u32(0).u32(0)
      .dims(cs).dims(sa, MAX_DIMS, true).dims(sb, MAX_DIMS, true);
    launch(k, [ta, tb, out], prm.buffer, groups1d(cmp ? Math.ceil(n / 4) : n));
  }
  free();
  return out;
}

// ---------------------------------------------------------------- where

/** Raw bits (lo, hi words) of a one-element CPU tensor of a 4- or 8-byte dtype. */
function scalarBits(t: Tensor): [number, number] {
  const d = t.dataSync();
  const b = new Uint32Array(d.buffer, d.byteOffset, Math.max(1, d.byteLength / 4));
  return [b[0], d.BYTES_PER_ELEMENT === 8 ? b[1] : 0];
}

/**
 * where(c, a, b) on the GPU with broadcasting, same contract as launchWhere: c bool, a and b of one
 * dtype (float32, int32 or int64, moved as raw bits), either may be a one-element CPU tensor (a JS
 * scalar, passed in the uniform block). Null when unsupported (other dtypes, a CPU c).
 *
 * @example
 * ```ts
 * const y = gpuWhere(mask, x, zero);
 * ```
 */
export function gpuWhere(c: Tensor, a: Tensor, b: Tensor): Tensor | null {
  c._check();
  a._check();
  b._check();
  if (!isGpu(c) || c.dtype !== 'bool' || a.dtype !== b.dtype || !['float32', 'int32', 'int64'].includes(a.dtype)) return null;
  if ((!isGpu(a) && a.numel() !== 1) || (!isGpu(b) && b.numel() !== 1)) return null;
  if (!fits32(c) || (isGpu(a) && !fits32(a)) || (isGpu(b) && !fits32(b))) return null;
  const s1 = broadcast(c.shape, a.shape);
  const shape = s1 ? broadcast(s1, b.shape) : null;
  if (!shape) return null;
  const zeros = shape.map(() => 0);
  const [cs, [sc, sa, sb]] = coalesce(shape, [bstrides(c, shape), isGpu(a) ? bstrides(a, shape) : zeros, isGpu(b) ? bstrides(b, shape) : zeros]);
  if (cs.length > MAX_DIMS) return null;
  const out = Tensor._empty(shape, a.dtype, 'webgpu');
  const n = out.numel();
  if (n > 0) {
    const [aLo, aHi] = isGpu(a) ? [0, 0] : scalarBits(a);
    const [bLo, bHi] = isGpu(b) ? [0, 0] : scalarBits(b);
    const uni = (isGpu(a) ? 0 : 1) | (isGpu(b) ? 0 : 2);
    const prm = new Params(176)
      .u32(n).u32(cs.length).u32(c._offset).u32(isGpu(a) ? a._offset : 0)
      .u32(isGpu(b) ? b._offset : 0).u32(uni).u32(aLo).u32(aHi)
      .u32(bLo).u32(bHi).u32(0).u32(0)
      .dims(cs).dims(sc, MAX_DIMS, true).dims(sa, MAX_DIMS, true).dims(sb, MAX_DIMS, true);
    const wide = a.dtype === 'int64';
    const ta = isGpu(a) ? a : c;
    const tb = isGpu(b) ? b : c;
    launch({ key: `where:${wide ? 8 : 4}`, code: WGSL.where, constants: { WIDE: wide ? 1 : 0 } }, [c, ta, tb, out], prm.buffer, groups1d(n));
  }
  return out;
}

// ---------------------------------------------------------------- integer binary ops

/** binary-int.wgsl op codes by table name. */
const INT_OPS: Record<string, number> = {
  add: 0, sub: 1, mul: 2, maximum: 3, minimum: 4, fmax: 3, fmin: 4, bitwiseAnd: 5, bitwiseOr: 6, bitwiseXor: 7,
  logicalAnd: 8, logicalOr: 9, logicalXor: 10, eq: 20, ne: 21, lt: 22, le: 23, gt: 24, ge: 25,
};

const INT_SOURCES: readonly DType[] = ['int32', 'int64', 'int8', 'uint8', 'bool'];

/** launchBinary for integer compute dtypes (see gpuBinary). */
function gpuBinaryInt(op: number, a: Tensor, b: Tensor, cd: 'int32' | 'int64', cmp: boolean): Tensor | null {
  const name = cmp ? compareNames[op] : binaryNames[op];
  const code = name === undefined ? undefined : INT_OPS[name];
  if (code === undefined || !INT_SOURCES.includes(a.dtype) || !INT_SOURCES.includes(b.dtype)) return null;
  const shape = broadcast(a.shape, b.shape);
  if (!shape) return null;
  if ((!isGpu(a) && a.numel() !== 1) || (!isGpu(b) && b.numel() !== 1)) return null;
  const ai = isGpu(a) ? (a.dtype === cd ? a : gpuCopy(a, cd)) : null;
  const bi = isGpu(b) ? (b.dtype === cd ? b : gpuCopy(b, cd)) : null;
  const free = () => {
    if (ai && ai !== a) ai.dispose();
    if (bi && bi !== b) bi.dispose();
  };
  if ((isGpu(a) && (!ai || !fits32(ai))) || (isGpu(b) && (!bi || !fits32(bi)))) {
    free();
    return null;
  }
  const zeros = shape.map(() => 0);
  const [cs, [sa, sb]] = coalesce(shape, [ai ? bstrides(ai, shape) : zeros, bi ? bstrides(bi, shape) : zeros]);
  if (cs.length > MAX_DIMS) {
    free();
    return null;
  }
  const out = Tensor._empty(shape, cmp ? 'bool' : cd, 'webgpu');
  const n = out.numel();
  if (n > 0) {
    const bits = (t: Tensor): [number, number] => {
      // a JS scalar operand: its value as a two's complement 64-bit integer
      const v = t.dataSync()[0];
      const big = BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))));
      return [Number(big & 0xffffffffn), Number(big >> 32n)];
    };
    const [aLo, aHi] = ai ? [0, 0] : bits(a);
    const [bLo, bHi] = bi ? [0, 0] : bits(b);
    const prm = new Params(144)
      .u32(n).u32(cs.length).u32(ai ? ai._offset : 0).u32(bi ? bi._offset : 0)
      .u32((ai ? 0 : 1) | (bi ? 0 : 2)).u32(aLo).u32(aHi).u32(bLo)
      .u32(bHi).u32(0).u32(0).u32(0)
      .dims(cs).dims(sa, MAX_DIMS, true).dims(sb, MAX_DIMS, true);
    const wide = cd === 'int64';
    launch(
      { key: `binary-int:${name}:${wide ? 64 : 32}`, code: WGSL['binary-int'], constants: { WIDE: wide ? 1 : 0, OP: code } },
      [ai ?? (bi as Tensor), bi ?? (ai as Tensor), out], prm.buffer, groups1d(cmp ? Math.ceil(n / 4) : n),
    );
  }
  free();
  return out;
}
