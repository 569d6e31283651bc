/**
 * Internal fused operators that the graph optimiser (../optimize.ts) substitutes for common ONNX
 * node patterns (domain 'com.torchlet'; never accepted from a model file):
 *   torchlet.FusedConv       Conv [+ residual Add] [+ activation]  (BatchNormalization folded in)
 *   torchlet.FusedGemm       MatMul/Gemm with a constant 2-d weight [+ bias] [+ activation]
 *   torchlet.LayerNorm       the ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add chain
 *   torchlet.Gelu            the Div(sqrt 2)/Erf/Add(1)/Mul/Mul(0.5) chain
 *   torchlet.Attention       [scale] q @ k [+ mask] -> Softmax -> @ v
 * Each applies its epilogue (bias, residual, activation, softmax) in place on the fresh output of
 * the main kernel, so a fused node allocates one tensor where the unfused chain allocated several.
 * FusedGemm and pointwise FusedConv nodes whose weight the optimiser packed (attribute 'packed')
 * run on the pre-packed panels with the epilogue inside the GEMM (./gemm-packed.ts) when they can.
 */
import { kernels, requireKernels, writeMeta } from '../../../backend/wasm.js';
import { Tensor, coalesce, shapeNumel } from '../../../tensor/tensor.js';
import { broadcastStrides } from '../../../ops/args.js';
import * as P from '../../../ops/pointwise.js';
import * as L from '../../../ops/linalg.js';
import * as N from '../../../ops/norm.js';
import * as SM from '../../../ops/softmax.js';
import { binaryKernels, opCode, unaryKernels, type UnaryOp } from '../../../ops/pointwise-table.js';
import { nnOps } from './nn.js';
import { tensorIn, type OnnxOp, type OpContext } from './context.js';
import { packedConv, packedGemm, type PackedAct } from './gemm-packed.js';

declare module '../../../backend/wasm.js' {
  interface KernelExports {
    softmax(log: number, x: number, o: number, outer: number, k: number, inner: number): void;
    /** y[n, c, :] = act(y + bias[c] + z) in place (simd/epilogue.ts); act 0 none, 1 relu, 2 clip [p, q]. */
    epilogue_f32(y: number, bias: number, z: number, N: number, C: number, L: number, act: number, p: number, q: number): void;
  }
}
requireKernels('softmax', 'epilogue_f32');

const F32 = 0;
const ADD = opCode(binaryKernels, 'add');

/** Activations a fused node can apply in place: ONNX name -> (kernel op, p, q) from the node's attributes. */
export const FUSABLE_ACTIVATIONS = new Set(['Relu', 'Clip', 'Sigmoid', 'LeakyRelu', 'Tanh', 'HardSwish', 'HardSigmoid', 'Gelu']);

interface Act {
  /** The pointwise op (for webgpu tensors, applied as a tensor op). */
  name: UnaryOp;
  op: number;
  p: number;
  q: number;
  /** Code of the activation in epilogue_f32 (0: not one of its activations). */
  code: number;
}

function activationOf(ctx: OpContext): Act | null {
  const name = ctx.attrs.string('activation', '');
  if (!name) return null;
  const params = ctx.attrs.floats('activation_params', []);
  switch (name) {
    case 'Relu': return { name: 'relu', op: opCode(unaryKernels, 'relu'), p: 0, q: 0, code: 1 };
    case 'Clip': return { name: 'hardtanh', op: opCode(unaryKernels, 'hardtanh'), p: params[0] ?? -Infinity, q: params[1] ?? Infinity, code: 2 };
    case 'Sigmoid': return { name: 'sigmoid', op: opCode(unaryKernels, 'sigmoid'), p: 0, q: 0, code: 0 };
    case 'Tanh': return { name: 'tanh', op: opCode(unaryKernels, 'tanh'), p: 0, q: 0, code: 0 };
    case 'LeakyRelu': return { name: 'leakyRelu', op: opCode(unaryKernels, 'leakyRelu'), p: params[0] ?? 0.01, q: 0, code: 0 };
    case 'HardSwish': return { name: 'hardswish', op: opCode(unaryKernels, 'hardswish'), p: 0, q: 0, code: 0 };
    case 'Gelu': return { name: params[0] === 1 ? 'geluTanh' : 'gelu', op: opCode(unaryKernels, params[0] === 1 ? 'geluTanh' : 'gelu'), p: 0, q: 0, code: 0 };
    default: return ctx.fail(`unknown fused activation '${name}'`);
  }
}

/** Applies an activation in place to a contiguous float32 tensor. */
function activateInPlace(y: Tensor, act: Act | null): void {
  if (!act) return;
  const n = y.numel();
  if (n === 0) return;
  const p = y._ptr();
  if (act.code) {
    kernels.epilogue_f32(p, 0, 0, 1, 1, n, act.code, act.p, act.q);
    return;
  }
  const meta = writeMeta([n], [1]);
  kernels.unary(act.op, F32, p, p, 1, meta, act.p, act.q);
}

/** The part of an activation the packed GEMMs apply per tile (code 0: the caller applies it). */
function packedAct(act: Act | null, numel: number): PackedAct {
  if (!act) return { code: 0, p: 0, q: 0 };
  if (act.code) return { code: act.code, p: act.p, q: act.q };
  // gelu per tile only where the unary kernel would not take its scalar tail (same bits)
  if (act.name === 'gelu' && numel % 4 === 0) return { code: 3, p: 0, q: 0 };
  return { code: 0, p: 0, q: 0 };
}

function sameLayout(z: Tensor, y: Tensor): boolean {
  return z.dtype === 'float32' && z.isContiguous() && z.shape.length === y.shape.length && z.shape.every((d, i) => d === y.shape[i]);
}

/** y += z in place when z broadcasts to y's shape and is float32; otherwise a new tensor. */
function addInPlace(y: Tensor, z: Tensor): Tensor {
  const rank = y.shape.length;
  const fits = z.dtype === 'float32' && z.ndim <= rank && z.shape.every((d, i) => d === 1 || d === y.shape[rank - z.ndim + i]);
  if (!fits) {
    const r = P.add(y, z);
    y.dispose();
    return r;
  }
  if (y.numel() === 0) return y;
  const [cs, [sa, sb]] = coalesce(y.shape, [y._strides, broadcastStrides(z.shape, z._strides, y.shape)]);
  const meta = writeMeta(cs, sa, sb);
  const zp = z._ptr();
  const yp = y._ptr();
  kernels.binary(ADD, F32, yp, zp, yp, cs.length, meta, 0);
  return y;
}

/** True when the tensor is a fresh contiguous float32 result the fused op may overwrite. */
function writable(y: Tensor, inputs: (Tensor | undefined)[]): boolean {
  if (y.dtype !== 'float32' || !y.isContiguous()) return false;
  for (const t of inputs) if (t && t._storage === y._storage) return false;
  return true;
}

/** Residual add and activation on y, computed in float32 in place; the result keeps y's dtype. */
function epilogue(y0: Tensor, ins: (Tensor | undefined)[], z: Tensor | undefined, act: Act | null): Tensor {
  const dt = y0.dtype;
  let y = y0;
  if (!writable(y, ins)) {
    const c = y._copyTo('float32');
    y.dispose();
    y = c;
  }
  if (z) {
    const zf = z.dtype === 'float32' ? z : z._copyTo('float32');
    y = addInPlace(y, zf);
    if (zf !== z) zf.dispose();
  }
  activateInPlace(y, act);
  if (y.dtype === dt) return y;
  const r = y._copyTo(dt);
  y.dispose();
  return r;
}

/**
 * The epilogue on webgpu tensors (InferenceSession.run's 'auto' routing sends fused nodes there):
 * residual add and activation as tensor ops, which run as GPU kernels.
 */
function epilogueOnDevice(y: Tensor, z: Tensor | undefined, act: Act | null): Tensor {
  let r = y;
  if (z) {
    const s = P.add(r, z);
    r.dispose();
    r = s;
  }
  if (act) {
    const s = P.unaryOp(act.name, r, act.p, act.q);
    r.dispose();
    r = s;
  }
  return r;
}

/** x [..., K] @ w [K, N] (+ bias [N]) with the bias written first and accumulated by the GEMM (beta 1). */
function linearInto(x: Tensor, w: Tensor, bias: Tensor | null, alpha: number): Tensor {
  const K = x.shape[x.ndim - 1];
  const M = shapeNumel(x.shape.slice(0, -1));
  const outShape = [...x.shape.slice(0, -1), w.shape[1]];
  let x2 = x;
  let own = false;
  if (x.ndim !== 2) {
    const xc = x.isContiguous() ? x : x._copyTo(x.dtype);
    x2 = xc._view([M, K], [K, 1], xc._offset);
    if (xc !== x) xc.dispose();
    own = true;
  }
  const y = L.matmulRaw(x2, w, bias, bias ? 1 : 0, alpha, outShape);
  if (own) x2.dispose();
  return y;
}

export const fusedOps: Record<string, OnnxOp> = {
  /** Conv(x, w, b) [+ z] [-> activation]; inputs [x, w, b?, z?]; the standard Conv attributes. */
  'torchlet.FusedConv': (ins, ctx) => {
    const x = tensorIn(ctx, ins[0], 0);
    const b = ins[2] as Tensor | undefined;
    const z = ins[3] as Tensor | undefined;
    const act = activationOf(ctx);
    if (x.device === 'webgpu') return [epilogueOnDevice((nnOps.Conv(ins.slice(0, 3), ctx) as Tensor[])[0], z, act)];
    const plainBias = !b || (b.dtype === 'float32' && b.ndim === 1 && b.isContiguous());
    if (x.dtype !== 'float32' || !plainBias) {
      const [y] = nnOps.Conv(ins.slice(0, 3), ctx) as Tensor[];
      return [epilogue(y, [x, z], z, act)];
    }
    const packed = ctx.attrs.has('packed') ? ctx.attrs.ints('packed') : null;
    if (packed) {
      // 1x1 conv on the weight's pre-packed panels, bias + residual + activation inside the GEMM
      const w = tensorIn(ctx, ins[1], 1);
      const O = w.shape[0];
      const numel = x.numel() / Math.max(1, x.shape[1]) * O;
      const pa = packedAct(act, numel);
      const zIn = z && z.dtype === 'float32' && z.isContiguous() && z.ndim === x.ndim && z.shape[0] === x.shape[0] && z.shape[1] === O && z.shape.every((d, i) => i < 2 || d === x.shape[i]) ? z : null;
      // a residual of another layout is added after the GEMM, and the activation after it
      const late = z !== undefined && !zIn;
      const kact = late ? { code: 0, p: 0, q: 0 } : pa;
      const y = packedConv(packed, x, w, b ?? null, zIn, kact);
      if (y) {
        let r = y;
        if (late) r = addInPlace(r, z);
        if (act && kact.code === 0) activateInPlace(r, act);
        return [r];
      }
    }
    // the conv without its bias, then bias + residual + activation in one pass over the output
    const [y] = nnOps.Conv([x, ins[1]], ctx) as Tensor[];
    const N = y.shape[0];
    const C = y.shape[1];
    const L = N * C === 0 ? 0 : y.numel() / (N * C);
    const zIn = z && sameLayout(z, y) ? z : undefined;
    const inKernel = act && (!z || zIn) ? act.code : 0;
    if (L > 0) {
      const bp = b ? b._ptr() : 0;
      const zp = zIn ? zIn._ptr() : 0;
      kernels.epilogue_f32(y._ptr(), bp, zp, N, C, L, inKernel, act?.p ?? 0, act?.q ?? 0);
    }
    let r = y;
    if (z && !zIn) r = addInPlace(r, z);
    if (act && !inKernel) activateInPlace(r, act);
    return [r];
  },
  /**
   * y = alpha * a @ w (+ bias) [-> activation] for a 2-d constant weight w [K, N] (Gemm's transB is
   * resolved at load time, so w is laid out [K, N] or given as a transposed view); inputs [a, w, bias?].
   */
  'torchlet.FusedGemm': (ins, ctx) => {
    let a = tensorIn(ctx, ins[0], 0);
    const w = tensorIn(ctx, ins[1], 1);
    const bias = (ins[2] as Tensor | undefined) ?? null;
    if (ctx.attrs.int('transA', 0)) a = a._view([a.shape[1], a.shape[0]], [a._strides[1], a._strides[0]], a._offset);
    const alpha = ctx.attrs.float('alpha', 1);
    if (a.dtype !== 'float32' || w.dtype !== 'float32' || (bias && bias.dtype !== 'float32') || a.shape[a.ndim - 1] !== w.shape[0]) {
      ctx.fail(`cannot multiply [${a.shape.join(', ')}] (${a.dtype}) by [${w.shape.join(', ')}] (${w.dtype})`);
    }
    const act = activationOf(ctx);
    if (ctx.attrs.has('packed')) {
      // the weight's pre-packed panels, bias and activation inside the GEMM
      const pa = packedAct(act, (a.numel() / Math.max(1, w.shape[0])) * w.shape[1]);
      const y = packedGemm(ctx.attrs.ints('packed'), a, w, bias, alpha, pa);
      if (y) {
        if (act && pa.code === 0) activateInPlace(y, act);
        return [y];
      }
    }
    const y = linearInto(a, w, bias, alpha);
    if (y.device === 'webgpu') return [epilogueOnDevice(y, undefined, act)];
    return [epilogue(y, [a, w], undefined, act)];
  },
  /** Layer normalisation over the last axis; inputs [x, scale?, bias?]; attribute epsilon. */
  'torchlet.LayerNorm': (ins, ctx) => {
    const x = tensorIn(ctx, ins[0], 0);
    const n = x.shape[x.ndim - 1];
    return [N.layerNorm(x, [n], (ins[1] as Tensor | undefined) ?? null, (ins[2] as Tensor | undefined) ?? null, ctx.attrs.float('epsilon', 1e-5))];
  },
  /** Exact (erf) GELU; inputs [x]. */
  'torchlet.Gelu': (ins, ctx) => [P.unaryOp('gelu', tensorIn(ctx, ins[0], 0))],
  /**
   * softmax(scale * q @ k + mask) @ v with the softmax in place on the scores; inputs [q, k, v,
   * mask?] where k is already [.., E, S] (the graph's own transposed key); attribute scale.
   */
  'torchlet.Attention': (ins, ctx) => {
    const q = tensorIn(ctx, ins[0], 0);
    const k = tensorIn(ctx, ins[1], 1);
    const v = tensorIn(ctx, ins[2], 2);
    const mask = ins[3] as Tensor | undefined;
    const scale = ctx.attrs.float('scale', 1);
    if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) ctx.fail('attention inputs must have rank >= 2');
    const dt = q.dtype;
    if (!q.isFloatingPoint() || k.dtype !== dt || v.dtype !== dt || (mask && mask.dtype !== dt)) {
      ctx.fail(`attention inputs must share one floating-point dtype, but got ${q.dtype}, ${k.dtype}, ${v.dtype}${mask ? `, ${mask.dtype}` : ''}`);
    }
    if (dt !== 'float32') {
      // float16 models: the same computation in float32, rounded back once at the end
      const f = (t: Tensor | undefined): Tensor | undefined => (t ? t._copyTo('float32') : undefined);
      const fi = [f(q), f(k), f(v), f(mask)];
      const [y] = fusedOps['torchlet.Attention'](fi, ctx) as Tensor[];
      for (const t of fi) t?.dispose();
      const r = y._copyTo(dt);
      y.dispose();
      return [r];
    }
    if (q.shape[q.ndim - 1] !== k.shape[k.ndim - 2] || k.shape[k.ndim - 1] !== v.shape[v.ndim - 2]) {
      ctx.fail(`attention shapes do not match: q [${q.shape.join(', ')}], k [${k.shape.join(', ')}], v [${v.shape.join(', ')}]`);
    }
    if (q.device === 'webgpu') {
      // webgpu tensors: scores, mask and softmax as tensor ops (GPU kernels)
      const s0 = L.matmulRaw(q, k, null, 0, scale);
      const s1 = mask ? P.add(s0, mask) : s0;
      const p = SM.softmax(s1, -1);
      if (s1 !== s0) s1.dispose();
      s0.dispose();
      const y = L.matmulRaw(p, v);
      p.dispose();
      return [y];
    }
    let s = L.matmulRaw(q, k, null, 0, scale);
    if (mask) s = addInPlace(s, mask);
    const S = s.shape[s.ndim - 1];
    const rows = S === 0 ? 0 : s.numel() / S;
    if (rows > 0) {
      const p = s._ptr();
      kernels.softmax(0, p, p, rows, S, 1);
    }
    const y = L.matmulRaw(s, v);
    s.dispose();
    return [y];
  },
};
