/**
 * WebGPU launchers of the tiled GEMM (gpu-bridge/matmul.wgsl; 64x64 tiles with 4x4 per thread, or
 * 128x64 with 8x4 for large products): batched matrix products with
 * broadcast batch dims, operands read through their strides and offsets (transposed views need no
 * copy), an optional alpha scale and a `beta * init` epilogue (addmm / linear bias). Each launcher
 * returns a new contiguous float32 webgpu tensor, or null when it cannot run the case (non-float32
 * operands, indices beyond 32 bits): the caller then takes its CPU path. With operands on both
 * devices, the CPU ones are uploaded for the call.
 * Also `specializeVec4`, the text substitution that swaps a shader's scalar loader block for its
 * vec4 variant (shared with the other GEMM-like launchers).
 */
import { launch, type Kernel } from './device.js';
import { WGSL } from './shaders.generated.js';
import { Params, fits32, groups1d } from './elementwise.js';
import { upload } from './dispatch.js';
import { Tensor, coalesce, shapeNumel } from '../../tensor/tensor.js';
import { broadcastShapes, broadcastStrides } from '../../ops/args.js';

/**
 * `code` with the block between `//TAG_BEGIN` and `//TAG_END` replaced by the body of the
 * `/*TAG_VEC4 ... TAG_VEC4*\/` comment block (plain text substitution, no code evaluation).
 *
 * @example
 * ```ts
 * const code = specializeVec4(WGSL.matmul, 'A'); // A read as array<vec4<f32>>
 * ```
 */
export function specializeVec4(code: string, tag: string): string {
  const b = code.indexOf(`//${tag}_BEGIN`);
  const e = code.indexOf(`//${tag}_END`);
  const vb = code.indexOf(`/*${tag}_VEC4`);
  const ve = code.indexOf(`${tag}_VEC4*/`);
  if (b < 0 || e < b || vb < 0 || ve < vb) throw new Error(`internal: shader has no ${tag} vec4 variant`);
  return code.slice(0, b) + code.slice(vb + tag.length + 7, ve) + code.slice(e + tag.length + 6);
}

const kernelCache = new Map<string, Kernel>();

function gemmKernel(tm: number, vecA: boolean, vecB: boolean, vecC: boolean, aK: boolean, bN: boolean, bias: boolean): Kernel {
  const key = `matmul:${tm}:${+vecA}${+vecB}${+vecC}${+aK}${+bN}${+bias}`;
  let k = kernelCache.get(key);
  if (!k) {
    let code = WGSL.matmul;
    if (vecA) code = specializeVec4(code, 'A');
    if (vecB) code = specializeVec4(code, 'B');
    if (vecC) code = specializeVec4(code, 'C');
    k = { key, code, constants: { TM: tm, A_KCONTIG: +aK, B_NCONTIG: +bN, HAS_BIAS: +bias } };
    kernelCache.set(key, k);
  }
  return k;
}

/** The split-K reduction kernel (sums the slices of a partial-product scratch). */
function sumKernel(): Kernel {
  let k = kernelCache.get('matmul:sum');
  if (!k) {
    k = { key: 'matmul:sum', code: WGSL.matmul, constants: { SUM_SPLITS: 1 } };
    kernelCache.set('matmul:sum', k);
  }
  return k;
}

/**
 * K slices for one product whose output tiles alone are too few to fill a GPU (a weight gradient
 * such as x^T @ g over a long batch): about 128 workgroups, each slice >= 1024 long (a multiple of
 * the 16-wide k tile). Null when splitting does not pay.
 */
function splitK(tiles: number, K: number): { n: number; chunk: number } | null {
  if (tiles >= 32 || K < 2048) return null;
  const want = Math.min(Math.ceil(K / 1024), Math.ceil(128 / tiles), 64);
  if (want < 2) return null;
  const chunk = Math.ceil(K / want / 16) * 16;
  return { n: Math.ceil(K / chunk), chunk };
}

/** True when `from` broadcasts to exactly `to`. */
function expandsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const k = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[k + i]);
}

const isGpuF32 = (t: Tensor): boolean => t.device === 'webgpu' && t.dtype === 'float32' && fits32(t);
const mult4 = (...v: number[]): boolean => v.every((x) => x % 4 === 0);
/** Stride of a dim, 0 when the dim has size 1 (its stride is never used). */
const st = (t: Tensor, d: number): number => (t.shape[d] === 1 ? 0 : t._strides[d]);

/**
 * out [...batch, M, N] = alpha * a @ b + beta * init on the GPU, for a [...Ba, M, K] and
 * b [...Bb, K, N] (ndim >= 2, batch dims broadcast) and init broadcastable to the result (read
 * only when beta != 0). Null when the GPU kernel cannot take the case.
 *
 * @example
 * ```ts
 * const y = gpuGemm(x, w.t(), bias, 1, 1); // x @ w^T + bias, w read transposed in place
 * ```
 */
export function gpuGemm(a: Tensor, b: Tensor, init: Tensor | null = null, beta = 0, alpha = 1): Tensor | null {
  const ops = [a, b, init];
  if (ops.some((t) => t && t.device === 'webgpu') && ops.some((t) => t && t.device !== 'webgpu' && t.dtype === 'float32')) {
    // mixed devices: the CPU operands are uploaded (cheaper than reading the GPU ones back)
    const up = ops.map((t) => (t && t.device !== 'webgpu' ? upload(t) : t));
    try {
      return gpuGemm(up[0] as Tensor, up[1] as Tensor, up[2], beta, alpha);
    } finally {
      up.forEach((t, i) => t && t !== ops[i] && t.dispose());
    }
  }
  if (a.ndim < 2 || b.ndim < 2 || !isGpuF32(a) || !isGpuF32(b)) return null;
  const useBias = init !== null && beta !== 0;
  if (useBias && !isGpuF32(init)) return null;
  const M = a.shape[a.ndim - 2];
  const K = a.shape[a.ndim - 1];
  const N = b.shape[b.ndim - 1];
  if (b.shape[b.ndim - 2] !== K) return null;
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batch, M, N];
  if (useBias && !expandsTo(init.shape, outShape)) return null;
  const nb = shapeNumel(batch);
  if (nb * M * N >= 2 ** 31 || Math.ceil(N / 64) > 65535 || Math.ceil(M / 64) > 65535) return null;
  const out = Tensor._empty(outShape, 'float32', 'webgpu');
  if (nb * M * N === 0) return out;
  // batch strides (broadcast dims 0), coalesced across the operands
  const lists = [
    broadcastStrides(a.shape.slice(0, -2), a._strides.slice(0, -2), batch),
    broadcastStrides(b.shape.slice(0, -2), b._strides.slice(0, -2), batch),
    batch.map((_, i) => shapeNumel(batch.slice(i + 1))),
  ];
  let biasMN = [0, 0];
  if (useBias) {
    const full = broadcastStrides(init.shape, init._strides, outShape);
    lists.push(full.slice(0, -2));
    biasMN = [M === 1 ? 0 : full[full.length - 2], N === 1 ? 0 : full[full.length - 1]];
  }
  const [bs, bst] = coalesce(batch.length ? batch : [1], batch.length ? lists : lists.map(() => [0]));
  // the innermost 3 coalesced dims go to the kernel; any outer ones are separate launches
  const inner = Math.min(3, bs.length);
  const outerDims = bs.slice(0, bs.length - inner);
  const kdims = bs.slice(bs.length - inner);
  while (kdims.length < 3) kdims.unshift(1);
  const kst = bst.map((s) => {
    const v = s.slice(s.length - inner);
    while (v.length < 3) v.unshift(0);
    return v;
  });
  const perLaunch = kdims[0] * kdims[1] * kdims[2];

  const sAm = st(a, a.ndim - 2);
  const sAk = st(a, a.ndim - 1);
  const sBk = st(b, b.ndim - 2);
  const sBn = st(b, b.ndim - 1);
  const aK = sAk === 1 || sAm !== 1;
  const bN = sBn === 1 || sBk !== 1;
  const aligned = (t: Tensor, s: number[][], i: number): boolean => t._offset % 4 === 0 && mult4(...s[i]) && outerDims.length === 0;
  const vecA = aligned(a, kst, 0) && (aK ? sAk === 1 && mult4(K, sAm) : sAm === 1 && mult4(M, sAk));
  const vecB = aligned(b, kst, 1) && (bN ? sBn === 1 && mult4(N, sBk) : sBk === 1 && mult4(K, sBn));
  const vecC = N % 4 === 0;
  // 128x64 tiles (8x4 per thread) when there are enough of them to fill a GPU, else 64x64 (4x4)
  const tm = M >= 128 && Math.ceil(M / 128) * Math.ceil(N / 64) * nb >= 128 ? 8 : 4;
  const kernel = gemmKernel(tm, vecA, vecB, vecC, aK, bN, useBias);
  const bindings = [a, b, useBias ? init : a, out];
  const splits = nb === 1 && !useBias ? splitK(Math.ceil(M / 64) * Math.ceil(N / 64), K) : null;
  if (splits) {
    // split K: partial products per K slice into a scratch [splits, M, N], then their ordered sum
    const { n: S, chunk } = splits;
    const part = Tensor._empty([S * M * N], 'float32', 'webgpu');
    const k4 = gemmKernel(4, vecA, vecB, vecC, aK, bN, false);
    const head = (zbase: number, kChunk: number, total: number): Params => new Params(144)
      .u32(M).u32(N).u32(K).u32(zbase)
      .i32(a._offset).i32(sAm).i32(sAk).i32(b._offset)
      .i32(sBk).i32(sBn).u32(0).i32(0)
      .i32(0).i32(0).f32(alpha).f32(0)
      .u32(kChunk).u32(total).u32(0).u32(0)
      .dims([1, 1, S], 4).dims([0, 0, 0], 4, true).dims([0, 0, 0], 4, true).dims([0, 0, 0], 4, true);
    launch(k4, [a, b, a, part], head(0, chunk, 0).buffer, [Math.ceil(N / 64), Math.ceil(M / 64), S]);
    launch(sumKernel(), [part, part, part, out], head(S, 0, M * N).buffer, groups1d(M * N));
    part.dispose();
    return out;
  }

  const outerN = shapeNumel(outerDims);
  const idx = new Array<number>(outerDims.length).fill(0);
  for (let o = 0; o < outerN; o++) {
    let oa = 0;
    let ob = 0;
    let oc = 0;
    let oi = 0;
    for (let d = 0; d < outerDims.length; d++) {
      oa += idx[d] * bst[0][d];
      ob += idx[d] * bst[1][d];
      oc += idx[d] * bst[2][d];
      if (useBias) oi += idx[d] * bst[3][d];
    }
    for (let z0 = 0; z0 < perLaunch; z0 += 65535) {
      const nz = Math.min(65535, perLaunch - z0);
      const p = new Params(144)
        .u32(M).u32(N).u32(K).u32(z0)
        .i32(a._offset + oa).i32(sAm).i32(sAk).i32(b._offset + ob)
        .i32(sBk).i32(sBn).u32(oc * M * N).i32(useBias ? init._offset + oi : 0)
        .i32(biasMN[0]).i32(biasMN[1]).f32(alpha).f32(useBias ? beta : 0)
        .u32(0).u32(0).u32(0).u32(0)
        .dims(kdims, 4).dims(kst[0], 4, true).dims(kst[1], 4, true).dims(useBias ? kst[3] : [0, 0, 0], 4, true);
      launch(kernel, bindings, p.buffer, [Math.ceil(N / 64), Math.ceil(M / (16 * tm)), nz]);
    }
    for (let d = outerDims.length - 1; d >= 0; d--) {
      if (++idx[d] < outerDims[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * torch.matmul on the GPU for operands of 2 or more dims (batch dims broadcast; 1-d operands are
 * unsqueezed by the op before it gets here). Null when the GPU kernel cannot take the case.
 *
 * @example
 * ```ts
 * const c = gpuMatmul(a, b.transpose(-2, -1)); // no copy of the transposed operand
 * ```
 */
export function gpuMatmul(a: Tensor, b: Tensor): Tensor | null {
  return gpuGemm(a, b, null, 0, 1);
}

/**
 * nn.Linear on the GPU: x [..., in] @ w^T ([out, in], read transposed in place) + bias [out], the
 * bias added in the GEMM epilogue. Null when the GPU kernel cannot take the case.
 *
 * @example
 * ```ts
 * const y = gpuLinear(x, weight, bias); // [..., out]
 * ```
 */
export function gpuLinear(x: Tensor, w: Tensor, bias: Tensor | null = null): Tensor | null {
  if (x.ndim < 1 || w.ndim !== 2 || x.shape[x.ndim - 1] !== w.shape[1]) return null;
  const inF = w.shape[1];
  const outF = w.shape[0];
  const lead = x.shape.slice(0, -1);
  const M = shapeNumel(lead);
  // x as [M, in]: a view when its leading dims fold into one stride
  let x2: Tensor;
  if (x.ndim === 2) x2 = x;
  else {
    const [ls, [lst]] = coalesce(lead.length ? lead : [1], [lead.length ? x._strides.slice(0, -1) : [0]]);
    if (ls.length !== 1) return null;
    x2 = x._view([M, inF], [M === 1 ? 0 : lst[0], x._strides[x.ndim - 1]], x._offset);
  }
  const wt = w._view([inF, outF], [w._strides[1], w._strides[0]], w._offset);
  const y = gpuGemm(x2, wt, bias, bias ? 1 : 0, 1);
  if (x2 !== x) x2.dispose();
  wt.dispose();
  if (!y) return null;
  if (x.ndim === 2) return y;
  const r = y._view([...lead, outF], [...lead.map((_, i) => shapeNumel(lead.slice(i + 1)) * outF), 1], 0);
  r._base = null;
  y.dispose();
  return r;
}

/**
 * Times the square float32 GEMM of size n on the GPU (for bench:gpu): milliseconds per product
 * over `reps` runs after a warm-up, and GFLOP/s. `make` creates a webgpu operand of a shape
 * (e.g. `(s) => torch.randn(s, { device: 'webgpu' })`), `sync` waits for the GPU
 * (torch.webgpu.synchronize).
 *
 * @example
 * ```ts
 * const { gflops } = await benchMatmul(1024, 10, (s) => torch.randn(s, { device: 'webgpu' }), torch.webgpu.synchronize);
 * ```
 */
export async function benchMatmul(n: number, reps: number, make: (shape: number[]) => Tensor, sync: () => Promise<void>): Promise<{ ms: number; gflops: number }> {
  const a = make([n, n]);
  const b = make([n, n]);
  const w = gpuMatmul(a, b);
  await sync();
  w?.dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) gpuMatmul(a, b)?.dispose();
  await sync();
  const ms = (performance.now() - t0) / reps;
  a.dispose();
  b.dispose();
  return { ms, gflops: (2 * n * n * n) / (ms * 1e6) };
}
