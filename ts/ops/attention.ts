/**
 * Attention in torch.nn.functional: scaledDotProductAttention (PyTorch 2's F.scaled_dot_product_attention:
 * boolean or additive masks broadcast over the batch dims, causal masking, custom scale, dropout on the
 * attention weights) and multiHeadAttentionForward (F.multi_head_attention_forward, the functional core
 * of nn.MultiheadAttention, in the (L, N, E) layout with PyTorch's mask conventions). Both are built
 * from matmul, softmax and dropout, whose gradients autograd composes.
 */
import { fromValues, zeros } from './creation.js';
import { add, div, logicalOr, mul, sub, where } from './pointwise.js';
import { sum, sumToShape } from './reduce.js';
import { reshape, transpose, unsqueeze, expand, narrow, contiguous } from './shape.js';
import { softmax } from './softmax.js';
import { matmul, linear } from './linalg.js';
import { cat } from './movement.js';
import { dropout } from './activation.js';
import { optArgs } from './args.js';
import { Tensor } from '../tensor/tensor.js';
import { gpuArgs, viaGpu } from '../backend/webgpu/dispatch.js';
import { gpuAttention, gpuAttentionBackward } from '../backend/webgpu/attention.js';
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';

function checkTensor(fn: string, x: unknown, name: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument '${name}' must be Tensor, not ${x === null ? 'NoneType' : typeof x}`);
}

/** Boolean (L, S) tensor that is true where key j may be attended from query i (j <= i). */
function causalMask(l: number, s: number): Tensor {
  const v = new Uint8Array(l * s);
  for (let i = 0; i < l; i++) for (let j = 0; j <= Math.min(i, s - 1); j++) v[i * s + j] = 1;
  return fromValues(v, [l, s], 'bool');
}

/**
 * softmax(q k^T * scale + mask) v over the last two dims, batch dims broadcast.
 * `attnMask`: bool (true = attend) or float (added to the scores), broadcastable to (..., L, S);
 * `isCausal`: lower-triangular mask (cannot be combined with attnMask); `dropoutP`: dropout on the
 * attention weights; `scale`: defaults to 1/sqrt(E).
 *
 * @example
 * ```ts
 * const out = F.scaledDotProductAttention(q, k, v, { isCausal: true }); // q: (N, H, L, E)
 * ```
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(scaledDotProductAttention, arguments)) return viaGpu('scaledDotProductAttention', scaledDotProductAttention, arguments) as never;
  checkTensor('scaled_dot_product_attention', query, 'query');
  checkTensor('scaled_dot_product_attention', key, 'key');
  checkTensor('scaled_dot_product_attention', value, 'value');
  const o = optArgs('scaledDotProductAttention', args, ['attnMask', 'dropoutP', 'isCausal', 'scale'], {
    attnMask: null as Tensor | null, dropoutP: 0, isCausal: false, scale: null as number | null,
  });
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new RangeError(`scaled_dot_product_attention: expected query, key and value of at least 2 dims, but got ${query.ndim}D, ${key.ndim}D and ${value.ndim}D`);
  }
  const e = query.shape[query.ndim - 1];
  if (key.shape[key.ndim - 1] !== e) {
    throw new RangeError(`scaled_dot_product_attention: query and key must have the same embedding size, but got ${e} and ${key.shape[key.ndim - 1]}`);
  }
  if (key.shape[key.ndim - 2] !== value.shape[value.ndim - 2]) {
    throw new RangeError(`scaled_dot_product_attention: key and value must have the same sequence length, but got ${key.shape[key.ndim - 2]} and ${value.shape[value.ndim - 2]}`);
  }
  if (o.isCausal && o.attnMask !== null) throw new RangeError('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
  const l = query.shape[query.ndim - 2];
  const s = key.shape[key.ndim - 2];
  const scale = o.scale ?? 1 / Math.sqrt(e);
  if (query.device === 'webgpu' && o.dropoutP === 0 && !(o.attnMask?.requiresGrad && isGradEnabled())) {
    // fused kernels (forward, and the fused backward recorded when gradients are needed)
    const needGrad = isGradEnabled() && (query.requiresGrad || key.requiresGrad || value.requiresGrad);
    const st: { lse?: Tensor } = {};
    const r = gpuAttention(query, key, value, o.attnMask, o.isCausal, scale, needGrad ? st : undefined);
    if (r) {
      if (needGrad) recordFusedAttention(query, key, value, o.attnMask, o.isCausal, scale, r, st.lse as Tensor);
      return r;
    }
  }
  let scores = mul(matmul(query, transpose(key, -2, -1)), scale);
  const mask = o.isCausal ? (query.device === 'webgpu' ? causalMask(l, s).to('webgpu') : causalMask(l, s)) : o.attnMask;
  if (mask !== null) {
    if (mask.dtype === 'bool') scores = where(mask, scores, -Infinity);
    else scores = add(scores, mask);
  }
  let w = softmax(scores, -1);
  if (o.dropoutP > 0) w = dropout(w, o.dropoutP, true);
  return matmul(w, value);
}

/**
 * The gradients of attention as tensor ops (differentiable, any device): with P = softmax(S),
 * dV = P^T g, dS = P * (g V^T - rowsum(g V^T * P)), dQ = scale dS K, dK = scale dS^T Q, each in
 * the broadcast batch shape (the caller sums them to the inputs' shapes).
 */
function attentionGrads(q: Tensor, k: Tensor, v: Tensor, m: Tensor | null, causal: boolean, scale: number, g: Tensor): [Tensor, Tensor, Tensor] {
  const l = q.shape[q.ndim - 2];
  const s = k.shape[k.ndim - 2];
  let sc = mul(matmul(q, transpose(k, -2, -1)), scale);
  const mask = causal ? (q.device === 'webgpu' ? causalMask(l, s).to('webgpu') : causalMask(l, s)) : m;
  if (mask !== null) sc = mask.dtype === 'bool' ? where(mask, sc, -Infinity) : add(sc, mask);
  const p = softmax(sc, -1);
  const dv = matmul(transpose(p, -2, -1), g);
  const dp = matmul(g, transpose(v, -2, -1));
  const ds = mul(p, sub(dp, sum(mul(dp, p), -1, true)));
  return [mul(matmul(ds, k), scale), mul(matmul(transpose(ds, -2, -1), q), scale), dv];
}

/**
 * Records the gradient of a fused GPU attention forward (y, with the rows' log-sum-exp in `lse`):
 * the fused backward kernels when they can run (first-order gradients), else the tensor-op
 * formulas (double backward, unsupported cases).
 */
function recordFusedAttention(q: Tensor, k: Tensor, v: Tensor, m: Tensor | null, causal: boolean, scale: number, y: Tensor, lse: Tensor): void {
  record('ScaledDotProductAttentionBackward', [q, k, v], y, [q, k, v, y], ([g], [qs, ks, vs, ys], needs) => {
    const fused = isGradEnabled() ? null : gpuAttentionBackward(qs, ks, vs, m, causal, scale, ys, lse, g);
    const [dq, dk, dv] = fused ?? attentionGrads(qs, ks, vs, m, causal, scale, g);
    return [
      needs[0] ? sumToShape(dq, qs.shape) : null,
      needs[1] ? sumToShape(dk, ks.shape) : null,
      needs[2] ? sumToShape(dv, vs.shape) : null,
    ];
  });
}

/** Options of multiHeadAttentionForward after the required arguments (PyTorch's names, camelCase). */
export interface MhaOptions {
  training?: boolean;
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  staticK?: Tensor | null;
  staticV?: Tensor | null;
  averageAttnWeights?: boolean;
}

function toBoolMask(m: Tensor | null): Tensor | null {
  if (m === null) return null;
  return m.dtype === 'uint8' ? m.to('bool') : m;
}

function padLastZero(m: Tensor): Tensor {
  return cat([m, zeros([...m.shape.slice(0, -1), 1], { dtype: m.dtype })], -1);
}

/**
 * The forward pass of nn.MultiheadAttention, in PyTorch's functional form and argument order:
 * query (L, N, E) or (L, E), key/value (S, N, E) or (S, E). Returns `[attnOutput, attnWeights]`
 * (weights averaged over heads unless `averageAttnWeights` is false; null when `needWeights` is false).
 * Masks follow nn.MultiheadAttention: in `keyPaddingMask` and boolean `attnMask`, true means
 * "do not attend"; a float `attnMask` is added to the scores.
 *
 * @example
 * ```ts
 * const [out, w] = F.multiHeadAttentionForward(x, x, x, 8, 2, inW, inB, null, null, false, 0, outW, outB, { training: false });
 * ```
 */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
  addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null, ...args: unknown[]
): [Tensor, Tensor | null] {
  if (gpuArgs(multiHeadAttentionForward, arguments)) return viaGpu('multiHeadAttentionForward', multiHeadAttentionForward, arguments) as never;
  const o = optArgs('multiHeadAttentionForward', args,
    ['training', 'keyPaddingMask', 'needWeights', 'attnMask', 'useSeparateProjWeight', 'qProjWeight', 'kProjWeight', 'vProjWeight', 'staticK', 'staticV', 'averageAttnWeights'],
    {
      training: true, keyPaddingMask: null as Tensor | null, needWeights: true, attnMask: null as Tensor | null, useSeparateProjWeight: false,
      qProjWeight: null as Tensor | null, kProjWeight: null as Tensor | null, vProjWeight: null as Tensor | null,
      staticK: null as Tensor | null, staticV: null as Tensor | null, averageAttnWeights: true,
    });
  const batched = query.ndim === 3;
  if (!batched && query.ndim !== 2) throw new RangeError(`query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
  let q = batched ? query : unsqueeze(query, 1);
  let k = batched ? key : unsqueeze(key, 1);
  let v = batched ? value : unsqueeze(value, 1);
  let kpm = toBoolMask(o.keyPaddingMask);
  if (kpm !== null && !batched) kpm = unsqueeze(kpm, 0);
  const [tgtLen, bsz, embedDim] = q.shape;
  if (embedDim !== embedDimToCheck) throw new RangeError(`was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / numHeads);
  if (headDim * numHeads !== embedDim) throw new RangeError(`embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (!sameShape(k.shape.slice(0, 2), v.shape.slice(0, 2))) throw new RangeError(`key shape [${k.shape.join(', ')}] does not match value shape [${v.shape.join(', ')}]`);

  // input projections
  const bq = inProjBias === null ? null : narrow(inProjBias, 0, 0, embedDim);
  const bk = inProjBias === null ? null : narrow(inProjBias, 0, embedDim, embedDim);
  const bv = inProjBias === null ? null : narrow(inProjBias, 0, 2 * embedDim, embedDim);
  if (o.useSeparateProjWeight) {
    if (!o.qProjWeight || !o.kProjWeight || !o.vProjWeight) throw new TypeError('use_separate_proj_weight is True but q_proj_weight, k_proj_weight or v_proj_weight is None');
    q = linear(q, o.qProjWeight, bq);
    k = linear(k, o.kProjWeight, bk);
    v = linear(v, o.vProjWeight, bv);
  } else {
    if (inProjWeight === null) throw new TypeError('use_separate_proj_weight is False but in_proj_weight is None');
    q = linear(q, narrow(inProjWeight, 0, 0, embedDim), bq);
    k = linear(k, narrow(inProjWeight, 0, embedDim, embedDim), bk);
    v = linear(v, narrow(inProjWeight, 0, 2 * embedDim, embedDim), bv);
  }

  // attention mask: (L, S) -> (1, L, S); (N*H, L, S) kept; uint8 -> bool
  let attnMask = toBoolMask(o.attnMask);
  if (attnMask !== null) {
    const srcLen0 = k.shape[0];
    if (attnMask.ndim === 2) {
      if (attnMask.shape[0] !== tgtLen || attnMask.shape[1] !== srcLen0) throw new RangeError(`The shape of the 2D attn_mask is torch.Size([${attnMask.shape.join(', ')}]), but should be (${tgtLen}, ${srcLen0}).`);
      attnMask = unsqueeze(attnMask, 0);
    } else if (attnMask.ndim === 3) {
      if (attnMask.shape[0] !== bsz * numHeads || attnMask.shape[1] !== tgtLen || attnMask.shape[2] !== srcLen0) {
        throw new RangeError(`The shape of the 3D attn_mask is torch.Size([${attnMask.shape.join(', ')}]), but should be (${bsz * numHeads}, ${tgtLen}, ${srcLen0}).`);
      }
    } else {
      throw new RangeError(`attn_mask's dimension ${attnMask.ndim} is not supported`);
    }
  }

  // bias_k / bias_v append one learned key/value position
  if (biasK !== null && biasV !== null) {
    if (o.staticK !== null || o.staticV !== null) throw new RangeError('bias cannot be added to static key/value.');
    k = cat([k, expand(reshape(biasK, [1, 1, embedDim]), [1, bsz, embedDim])], 0);
    v = cat([v, expand(reshape(biasV, [1, 1, embedDim]), [1, bsz, embedDim])], 0);
    if (attnMask !== null) attnMask = padLastZero(attnMask);
    if (kpm !== null) kpm = padLastZero(kpm);
  }

  // (L, N, E) -> (N*H, L, hd)
  const heads = (t: Tensor, len: number): Tensor => transpose(reshape(contiguous(t), [len, bsz * numHeads, headDim]), 0, 1);
  const qh = heads(q, tgtLen);
  let kh = o.staticK ?? heads(k, k.shape[0]);
  let vh = o.staticV ?? heads(v, v.shape[0]);
  if (addZeroAttn) {
    kh = cat([kh, zeros([bsz * numHeads, 1, headDim], { dtype: kh.dtype })], 1);
    vh = cat([vh, zeros([bsz * numHeads, 1, headDim], { dtype: vh.dtype })], 1);
    if (attnMask !== null) attnMask = padLastZero(attnMask);
    if (kpm !== null) kpm = padLastZero(kpm);
  }
  const srcLen = kh.shape[1];

  // merge key padding mask (N, S) into the attention mask as (N*H, 1, S)
  if (kpm !== null) {
    if (kpm.shape[0] !== bsz || kpm.shape[1] !== srcLen) throw new RangeError(`expecting key_padding_mask shape of (${bsz}, ${srcLen}), but got torch.Size([${kpm.shape.join(', ')}])`);
    const km = reshape(expand(reshape(kpm, [bsz, 1, 1, srcLen]), [bsz, numHeads, 1, srcLen]), [bsz * numHeads, 1, srcLen]);
    if (attnMask === null) attnMask = km;
    else if (km.dtype !== 'bool') attnMask = add(attnMask.dtype === 'bool' ? where(attnMask, -Infinity, 0) : attnMask, km); // additive padding mask
    else if (attnMask.dtype === 'bool') attnMask = logicalOr(attnMask, km);
    else attnMask = where(km, -Infinity, attnMask);
  }
  // boolean masks (true = masked) become additive -inf
  if (attnMask !== null && attnMask.dtype === 'bool') attnMask = where(attnMask, -Infinity, 0);

  const p = o.training ? dropoutP : 0;
  let scores = matmul(div(qh, Math.sqrt(headDim)), transpose(kh, -2, -1));
  if (attnMask !== null) scores = add(scores, attnMask);
  let w = softmax(scores, -1);
  if (p > 0) w = dropout(w, p, true);
  let out = matmul(w, vh); // (N*H, L, hd)
  out = reshape(contiguous(transpose(out, 0, 1)), [tgtLen * bsz, embedDim]);
  out = reshape(linear(out, outProjWeight, outProjBias), [tgtLen, bsz, outProjWeight.shape[0]]);
  if (!batched) out = reshape(out, [tgtLen, outProjWeight.shape[0]]);
  if (!o.needWeights) return [out, null];
  let weights = reshape(w, [bsz, numHeads, tgtLen, srcLen]);
  if (o.averageAttnWeights) weights = div(sum(weights, 1), numHeads);
  if (!batched) weights = reshape(weights, weights.shape.slice(1));
  return [out, weights];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
