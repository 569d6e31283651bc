/**
 * WebGPU launchers of the fused attention forward (gpu-bridge/attention.wgsl, FlashAttention-style
 * online softmax): softmax(q k^T * scale + mask) v without materialising the score matrix, for
 * scaledDotProductAttention, and of its fused backward (gpu-bridge/attention-backward.wgsl: dQ, dK,
 * dV from the forward's row log-sum-exp). q [..., L, E], k [..., S, E], v [..., S, Ev] and the optional mask
 * (bool: true = attend, or float: added; broadcastable to [..., L, S]) are read through their
 * strides with broadcast batch dims; `causal` masks keys after the query (top-left aligned, as
 * torch's is_causal). Results are new contiguous float32 webgpu tensors, or null when the case is
 * not handled (CPU operands, other dtypes, head dims > 128 (backward: about 110), empty products,
 * more than 3 batch dims after coalescing): the op then runs its composed form (matmul, softmax,
 * matmul) or the composed gradient formulas.
 */
import { launch, type Kernel } from './device.js';
import { WGSL } from './shaders.generated.js';
import { Params, fits32 } from './elementwise.js';
import { upload } from './dispatch.js';
import { Tensor, coalesce, shapeNumel } from '../../tensor/tensor.js';
import { broadcastShapes, broadcastStrides } from '../../ops/args.js';

/** Most floats of workgroup memory the kernel may use (16 KB). */
const WG_FLOATS = 4096;
const MAX_HEAD = 128;

const cache = new Map<string, Kernel>();

/** Keys per block so that (16 + BKV) (E + 1) + BKV Ev + 16 BKV floats fit the budget. */
function blockKeys(E: number, Ev: number): number {
  return Math.max(1, Math.min(64, Math.floor((WG_FLOATS - 16 * (E + 1)) / (E + 1 + Ev + 16))));
}

function attnKernel(E: number, Ev: number, maskMode: number): Kernel {
  const bkv = blockKeys(E, Ev);
  const key = `attention:${E}:${Ev}:${maskMode}`;
  let k = cache.get(key);
  if (!k) {
    k = {
      key,
      code: WGSL['attention-common'] + WGSL.attention,
      constants: { BKV: bkv, QS_SIZE: 16 * (E + 1), KS_SIZE: bkv * (E + 1), VS_SIZE: Math.max(1, bkv * Ev), SS_SIZE: 16 * bkv, MASK_MODE: maskMode },
    };
    cache.set(key, k);
  }
  return k;
}

const onGpu = (t: Tensor): boolean => t.device === 'webgpu' && fits32(t);
const pad3 = (v3: number[], fill: number): number[] => [...new Array<number>(3 - v3.length).fill(fill), ...v3];
const st = (t: Tensor, d: number): number => (t.shape[d] === 1 ? 0 : t._strides[d]);

/** Sizes, broadcast batch and per-operand batch strides (<= 3 coalesced dims) of one attention call. */
interface Geo {
  L: number; S: number; E: number; Ev: number; batch: number[]; nb: number;
  kdims: number[]; bq: number[]; bk: number[]; bv: number[]; bm: number[]; bx: number[];
  maskMode: number; sMl: number; sMs: number;
}

/** `extra` (the backward's dO, shaped [...batch, L, Ev]) is coalesced along with the operands. */
function geometry(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, extra: Tensor | null = null): Geo | null {
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) return null;
  if (![q, k, v].every((t) => onGpu(t) && t.dtype === 'float32')) return null;
  if (mask && (!onGpu(mask) || (mask.dtype !== 'float32' && mask.dtype !== 'bool'))) return null;
  const L = q.shape[q.ndim - 2];
  const E = q.shape[q.ndim - 1];
  const S = k.shape[k.ndim - 2];
  const Ev = v.shape[v.ndim - 1];
  if (k.shape[k.ndim - 1] !== E || v.shape[v.ndim - 2] !== S || E > MAX_HEAD || Ev > MAX_HEAD) return null;
  // empty products (no queries, keys or batches) go to the composed ops
  if (L === 0 || S === 0 || Ev === 0 || Math.ceil(L / 16) > 65535 || Math.ceil(S / 16) > 65535) return null;
  // the mask seen as [..., L, S]
  let mShape: number[] = [];
  let mStr: number[] = [];
  if (mask) {
    mShape = mask.shape.slice();
    mStr = mask._strides.slice();
    while (mShape.length < 2) {
      mShape.unshift(1);
      mStr.unshift(0);
    }
    const ml = mShape[mShape.length - 2];
    const ms = mShape[mShape.length - 1];
    if ((ml !== 1 && ml !== L) || (ms !== 1 && ms !== S)) return null;
  }
  let batch: number[];
  try {
    batch = broadcastShapes(broadcastShapes(q.shape.slice(0, -2), k.shape.slice(0, -2)), v.shape.slice(0, -2));
    if (mask) batch = broadcastShapes(batch, mShape.slice(0, -2));
  } catch {
    return null;
  }
  const nb = shapeNumel(batch);
  if (nb === 0 || nb * Math.max(L, S) * Math.max(Ev, E, 2) >= 2 ** 31) return null;
  if (extra && (extra.ndim !== batch.length + 2 || extra.shape.some((d, i) => d !== [...batch, L, Ev][i]))) return null;
  const lists = [
    broadcastStrides(q.shape.slice(0, -2), q._strides.slice(0, -2), batch),
    broadcastStrides(k.shape.slice(0, -2), k._strides.slice(0, -2), batch),
    broadcastStrides(v.shape.slice(0, -2), v._strides.slice(0, -2), batch),
    mask ? broadcastStrides(mShape.slice(0, -2), mStr.slice(0, -2), batch) : batch.map(() => 0),
    batch.map((_, i) => shapeNumel(batch.slice(i + 1))),
    extra ? extra._strides.slice(0, -2) : batch.map(() => 0),
  ];
  const [bs, bst] = coalesce(batch.length ? batch : [1], batch.length ? lists : lists.map(() => [0]));
  if (bs.length > 3) return null;
  const [bq, bk, bv, bm, , bx] = bst.map((x) => pad3(x, 0));
  return {
    L, S, E, Ev, batch, nb, kdims: pad3(bs, 1), bq, bk, bv, bm, bx,
    maskMode: mask ? (mask.dtype === 'bool' ? 1 : 2) : 0,
    sMl: mask && mShape[mShape.length - 2] !== 1 ? mStr[mStr.length - 2] : 0,
    sMs: mask && mShape[mShape.length - 1] !== 1 ? mStr[mStr.length - 1] : 0,
  };
}

/** The uniform block shared by the forward and backward kernels (`extra`: the backward's dO fields). */
function attnParams(g: Geo, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, scale: number, causal: boolean, y0: number, nrows: number, gO?: Tensor): ArrayBuffer {
  const p = new Params(gO ? 192 : 160)
    .u32(g.L).u32(g.S).u32(g.E).u32(g.Ev)
    .i32(q._offset).i32(st(q, q.ndim - 2)).i32(st(q, q.ndim - 1)).i32(k._offset)
    .i32(st(k, k.ndim - 2)).i32(st(k, k.ndim - 1)).i32(v._offset).i32(st(v, v.ndim - 2))
    .i32(st(v, v.ndim - 1)).i32(mask ? mask._offset : 0).i32(g.sMl).i32(g.sMs)
    .f32(scale).u32(y0).u32(causal ? 1 : 0).u32(nrows);
  if (gO) p.i32(gO._offset).i32(st(gO, gO.ndim - 2)).i32(st(gO, gO.ndim - 1)).u32(0);
  p.dims(g.kdims, 4).dims(g.bq, 4, true).dims(g.bk, 4, true).dims(g.bv, 4, true).dims(g.bm, 4, true);
  if (gO) p.dims(g.bx, 4, true);
  return p.buffer;
}

/** Runs `fn` with the mask on the GPU (a CPU mask is uploaded for the call). */
function withGpuMask<T>(mask: Tensor | null, fn: (m: Tensor | null) => T): T {
  if (!mask || mask.device === 'webgpu') return fn(mask);
  const up = upload(mask);
  try {
    return fn(up);
  } finally {
    up.dispose();
  }
}

/**
 * Fused scaled-dot-product attention forward on the GPU (no dropout). With `stats`, `stats.lse`
 * receives the rows' log-sum-exp (a [2 * batch * L] tensor whose first half is filled; the
 * backward's workspace) for gpuAttentionBackward. Null when the GPU kernel cannot take the case.
 *
 * @example
 * ```ts
 * const out = gpuAttention(q, k, v, null, true, 1 / Math.sqrt(q.shape[q.ndim - 1]));
 * ```
 */
export function gpuAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number, stats?: { lse?: Tensor }): Tensor | null {
  if (mask && mask.dtype !== 'float32' && mask.dtype !== 'bool') return null;
  return withGpuMask(mask, (m) => {
    const g = geometry(q, k, v, m);
    if (!g) return null;
    const out = Tensor._empty([...g.batch, g.L, g.Ev], 'float32', 'webgpu');
    const lse = Tensor._empty([2 * g.nb * g.L], 'float32', 'webgpu');
    const kernel = attnKernel(g.E, g.Ev, g.maskMode);
    for (let y0 = 0; y0 < g.nb; y0 += 65535) {
      const p = attnParams(g, q, k, v, m, scale, causal, y0, g.nb * g.L);
      launch(kernel, [q, k, v, m ?? q, out, lse], p, [Math.ceil(g.L / 16), Math.min(65535, g.nb - y0)], 2);
    }
    if (stats) stats.lse = lse;
    else lse.dispose();
    return out;
  });
}

const bwdCache = new Map<string, Kernel>();

/** Rows per streamed block of backward mode 1 or 2 within 16 KB, or 0 when even 1 does not fit. */
function bwdBlock(E: number, Ev: number, mode: 1 | 2): number {
  const own = 16 * (E + 1) + 16 * (Ev + 1) + 128;
  const per = E + 1 + Ev + 1 + (mode === 1 ? 32 : 16);
  const n = Math.floor((WG_FLOATS - own) / per);
  return n < 1 ? 0 : Math.min(64, n);
}

function bwdKernel(mode: 0 | 1 | 2, E: number, Ev: number, maskMode: number): Kernel {
  const key = `attention-backward:${mode}:${E}:${Ev}:${maskMode}`;
  let k = bwdCache.get(key);
  if (!k) {
    const blk = mode === 0 ? 1 : bwdBlock(E, Ev, mode);
    const sizes = mode === 0
      ? { A_SIZE: 1, B_SIZE: 1, C_SIZE: 1, D_SIZE: 1, S_SIZE: 1 }
      : { A_SIZE: 16 * (E + 1), B_SIZE: 16 * (Ev + 1), C_SIZE: blk * (E + 1), D_SIZE: blk * (Ev + 1), S_SIZE: (mode === 1 ? 32 : 16) * blk };
    k = { key, code: WGSL['attention-common'] + WGSL['attention-backward'], constants: { MODE: mode, BLK: blk, MASK_MODE: maskMode, ...sizes } };
    bwdCache.set(key, k);
  }
  return k;
}

/**
 * Fused attention backward on the GPU: [dQ, dK, dV] for output gradient `gO` ([...batch, L, Ev])
 * of gpuAttention(q, k, v, mask, causal, scale) whose output was `out` and whose `stats.lse` was
 * `lse`. Each gradient has the full broadcast batch shape ([...batch, L, E], [...batch, S, E],
 * [...batch, S, Ev]): the caller sums it to its input's shape. Null when the GPU kernels cannot
 * take the case (then the composed formulas apply).
 *
 * @example
 * ```ts
 * const st: { lse?: Tensor } = {};
 * const y = gpuAttention(q, k, v, null, false, s, st);
 * const [dq, dk, dv] = gpuAttentionBackward(q, k, v, null, false, s, y, st.lse, g);
 * ```
 */
export function gpuAttentionBackward(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number, out: Tensor, lse: Tensor, gO: Tensor): [Tensor, Tensor, Tensor] | null {
  if (mask && mask.dtype !== 'float32' && mask.dtype !== 'bool') return null;
  return withGpuMask(mask, (m) => {
    const g = geometry(q, k, v, m, gO);
    if (!g || !onGpu(gO) || gO.dtype !== 'float32' || !onGpu(out) || !out.isContiguous() || out._offset !== 0) return null;
    if (bwdBlock(g.E, g.Ev, 1) === 0 || bwdBlock(g.E, g.Ev, 2) === 0 || lse.numel() !== 2 * g.nb * g.L) return null;
    const dq = Tensor._empty([...g.batch, g.L, g.E], 'float32', 'webgpu');
    const dk = Tensor._empty([...g.batch, g.S, g.E], 'float32', 'webgpu');
    const dv = Tensor._empty([...g.batch, g.S, g.Ev], 'float32', 'webgpu');
    const nrows = g.nb * g.L;
    const dummy = Tensor._empty([1], 'float32', 'webgpu');
    for (let y0 = 0; y0 < g.nb; y0 += 65535) {
      const ny = Math.min(65535, g.nb - y0);
      const p = attnParams(g, q, k, v, m, scale, causal, y0, nrows, gO);
      // D = rowsum(dO * O) into the second half of the lse workspace (O bound in q's slot)
      launch(bwdKernel(0, g.E, g.Ev, g.maskMode), [out, k, v, m ?? q, gO, q, lse, dummy], p, [Math.ceil(g.L / 256), ny], 2);
      launch(bwdKernel(1, g.E, g.Ev, g.maskMode), [q, k, v, m ?? q, gO, lse, dk, dv], p, [Math.ceil(g.S / 16), ny], 2);
      launch(bwdKernel(2, g.E, g.Ev, g.maskMode), [q, k, v, m ?? q, gO, lse, dq, dummy], p, [Math.ceil(g.L / 16), ny], 2);
    }
    dummy.dispose();
    return [dq, dk, dv];
  });
}

/**
 * Times the fused attention forward on the GPU (for bench:gpu): milliseconds per call over `reps`
 * runs after a warm-up, and GFLOP/s (4 * B * L * S * E). `make` creates webgpu operands; `sync`
 * waits for the GPU.
 *
 * @example
 * ```ts
 * await benchAttention(8, 512, 64, 10, (s) => torch.randn(s, { device: 'webgpu' }), torch.webgpu.synchronize);
 * ```
 */
export async function benchAttention(batchHeads: number, seq: number, head: number, reps: number, make: (shape: number[]) => Tensor, sync: () => Promise<void>): Promise<{ ms: number; gflops: number }> {
  const q = make([batchHeads, seq, head]);
  const k = make([batchHeads, seq, head]);
  const v = make([batchHeads, seq, head]);
  const scale = 1 / Math.sqrt(head);
  gpuAttention(q, k, v, null, false, scale)?.dispose();
  await sync();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) gpuAttention(q, k, v, null, false, scale)?.dispose();
  await sync();
  const ms = (performance.now() - t0) / reps;
  [q, k, v].forEach((t) => t.dispose());
  return { ms, gflops: (4 * batchHeads * seq * seq * head) / (ms * 1e6) };
}
