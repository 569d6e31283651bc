// Standalone check of gpu-bridge/attention.wgsl (fused attention forward) on raw WebGPU against a
// JS softmax(q k^T * scale + mask) v loop: no mask, causal, boolean and float masks broadcast over
// batch dims, transposed (strided) operands, ragged blocks, E != Ev, fully masked rows (NaN).
// Run: deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-attention.ts
import { check, finish, pack, rand, run, wgsl } from './kernels-raw.js';

// the launcher prepends the shared helpers (gpu-bridge/attention-common.wgsl); so does this check
const common = await wgsl('attention-common');
const src = common + (await wgsl('attention'));
const bsrc = common + (await wgsl('attention-backward'));

/** Block sizes of the backward modes (as ts/backend/webgpu/attention.ts picks them). */
function bwdBlock(E: number, Ev: number, mode: 1 | 2): number {
  const own = 16 * (E + 1) + 16 * (Ev + 1) + 128;
  const per = E + 1 + Ev + 1 + (mode === 1 ? 32 : 16);
  const n = Math.floor((4096 - own) / per);
  return n < 1 ? 0 : Math.min(64, n);
}

interface Case {
  name: string; B: number; L: number; S: number; E: number; Ev: number;
  causal?: boolean; mask?: 'bool' | 'float'; maskBatchBroadcast?: boolean; transposeK?: boolean; fullyMasked?: boolean;
}

function blockFor(E: number, Ev: number): number {
  const budget = 4096 - 16 * (E + 1);
  return Math.max(1, Math.min(64, Math.floor(budget / (E + 1 + Ev + 16))));
}

async function attnCase(c: Case): Promise<void> {
  const { B, L, S, E, Ev } = c;
  const q = rand(B * L * E, 31);
  const k = rand(B * S * E, 32);
  const v = rand(B * S * Ev, 33);
  const scale = 1 / Math.sqrt(E);
  // k stored either [B, S, E] or [B, E, S] (read through strides)
  const kStore = new Float32Array(k.length);
  for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) for (let e = 0; e < E; e++) {
    kStore[c.transposeK ? (b * E + e) * S + s : (b * S + s) * E + e] = k[(b * S + s) * E + e];
  }
  const mB = c.maskBatchBroadcast ? 1 : B;
  const fm = rand(mB * L * S, 34).map((x) => x * 3);
  const bm = new Uint8Array(Math.ceil((mB * L * S) / 4) * 4);
  for (let i = 0; i < mB * L * S; i++) bm[i] = fm[i] > -1.5 ? 1 : 0;
  if (c.fullyMasked) for (let s = 0; s < S; s++) bm[1 * S + s] = 0; // row 1 of batch 0
  const want = new Float32Array(B * L * Ev);
  const wantLse = new Float32Array(B * L);
  for (let b = 0; b < B; b++) for (let i = 0; i < L; i++) {
    const sc = new Float64Array(S);
    let mx = -Infinity;
    for (let j = 0; j < S; j++) {
      let s = 0;
      for (let e = 0; e < E; e++) s += q[(b * L + i) * E + e] * k[(b * S + j) * E + e];
      s *= scale;
      const mi = ((c.maskBatchBroadcast ? 0 : b) * L + i) * S + j;
      if (c.causal && j > i) s = -Infinity;
      if (c.mask === 'bool' && !bm[mi]) s = -Infinity;
      if (c.mask === 'float') s += fm[mi];
      sc[j] = s;
      mx = Math.max(mx, s);
    }
    let sum = 0;
    for (let j = 0; j < S; j++) sum += (sc[j] = Math.exp(sc[j] - mx));
    wantLse[b * L + i] = sum > 0 && Number.isFinite(mx) ? mx + Math.log(sum) : Infinity;
    for (let d = 0; d < Ev; d++) {
      let acc = 0;
      for (let j = 0; j < S; j++) acc += sc[j] * v[(b * S + j) * Ev + d];
      want[(b * L + i) * Ev + d] = acc / sum;
    }
  }
  const bkv = blockFor(E, Ev);
  const [sKs, sKe] = c.transposeK ? [1, S] : [E, 1];
  const mbs = c.maskBatchBroadcast ? 0 : L * S;
  const params = pack([
    ['u', L], ['u', S], ['u', E], ['u', Ev],
    ['i', 0], ['i', E], ['i', 1], ['i', 0],
    ['i', sKs], ['i', sKe], ['i', 0], ['i', Ev],
    ['i', 1], ['i', 0], ['i', S], ['i', 1],
    ['f', scale], ['u', 0], ['u', c.causal ? 1 : 0], ['u', 0],
    ['u', 1], ['u', 1], ['u', B], ['u', 0],
    ['i', 0], ['i', 0], ['i', L * E], ['i', 0],
    ['i', 0], ['i', 0], ['i', S * E], ['i', 0],
    ['i', 0], ['i', 0], ['i', S * Ev], ['i', 0],
    ['i', 0], ['i', 0], ['i', mbs], ['i', 0],
  ]);
  const consts = {
    BKV: bkv, QS_SIZE: 16 * (E + 1), KS_SIZE: bkv * (E + 1), VS_SIZE: bkv * Ev, SS_SIZE: 16 * bkv,
    MASK_MODE: c.mask === 'bool' ? 1 : c.mask === 'float' ? 2 : 0,
  };
  const maskBuf = c.mask === 'bool' ? new Uint32Array(bm.buffer) : fm;
  const out = await run(src, consts, [q, kStore, v, maskBuf, { size: want.length }, { size: B * L }], params, [Math.ceil(L / 16), B]);
  check(`attention ${c.name} (BKV ${bkv})`, new Float32Array(out[4], 0, want.length), want, 1e-4, 1e-5);
  check(`attention lse ${c.name}`, new Float32Array(out[5], 0, B * L), wantLse, 1e-5, 1e-5);
  if (c.fullyMasked || !bwdBlock(E, Ev, 1) || !bwdBlock(E, Ev, 2)) return; // (the launcher composes these)
  // ---- backward: reference dQ, dK, dV for a random dO
  const gO = rand(B * L * Ev, 35);
  const dQ = new Float64Array(B * L * E);
  const dK = new Float64Array(B * S * E);
  const dV = new Float64Array(B * S * Ev);
  const Dv = new Float32Array(B * L);
  for (let b = 0; b < B; b++) for (let i = 0; i < L; i++) {
    let dd = 0;
    for (let d = 0; d < Ev; d++) dd += gO[(b * L + i) * Ev + d] * want[(b * L + i) * Ev + d];
    Dv[b * L + i] = dd;
    for (let j = 0; j < S; j++) {
      let s = 0;
      for (let e = 0; e < E; e++) s += q[(b * L + i) * E + e] * k[(b * S + j) * E + e];
      s *= scale;
      const mi = ((c.maskBatchBroadcast ? 0 : b) * L + i) * S + j;
      let masked = c.causal === true && j > i;
      if (c.mask === 'bool' && !bm[mi]) masked = true;
      if (c.mask === 'float') s += fm[mi];
      const p = masked ? 0 : Math.exp(s - wantLse[b * L + i]);
      let dp = 0;
      for (let d = 0; d < Ev; d++) dp += gO[(b * L + i) * Ev + d] * v[(b * S + j) * Ev + d];
      const ds = p * (dp - dd);
      for (let d = 0; d < Ev; d++) dV[(b * S + j) * Ev + d] += p * gO[(b * L + i) * Ev + d];
      for (let e = 0; e < E; e++) {
        dK[(b * S + j) * E + e] += scale * ds * q[(b * L + i) * E + e];
        dQ[(b * L + i) * E + e] += scale * ds * k[(b * S + j) * E + e];
      }
    }
  }
  const stat = new Float32Array(2 * B * L);
  stat.set(new Float32Array(out[5], 0, B * L), 0);
  stat.set(Dv, B * L);
  const bparams = pack([
    ['u', L], ['u', S], ['u', E], ['u', Ev],
    ['i', 0], ['i', E], ['i', 1], ['i', 0],
    ['i', sKs], ['i', sKe], ['i', 0], ['i', Ev],
    ['i', 1], ['i', 0], ['i', S], ['i', 1],
    ['f', scale], ['u', 0], ['u', c.causal ? 1 : 0], ['u', B * L],
    ['i', 0], ['i', Ev], ['i', 1], ['u', 0],
    ['u', 1], ['u', 1], ['u', B], ['u', 0],
    ['i', 0], ['i', 0], ['i', L * E], ['i', 0],
    ['i', 0], ['i', 0], ['i', S * E], ['i', 0],
    ['i', 0], ['i', 0], ['i', S * Ev], ['i', 0],
    ['i', 0], ['i', 0], ['i', mbs], ['i', 0],
    ['i', 0], ['i', 0], ['i', L * Ev], ['i', 0],
  ]);
  for (const mode of [1, 2] as const) {
    const blk = bwdBlock(E, Ev, mode);
    const bc = {
      MODE: mode, BLK: blk, A_SIZE: 16 * (E + 1), B_SIZE: 16 * (Ev + 1), C_SIZE: blk * (E + 1), D_SIZE: blk * (Ev + 1),
      S_SIZE: (mode === 1 ? 32 : 16) * blk, MASK_MODE: consts.MASK_MODE,
    };
    const outs = mode === 1 ? [{ size: B * S * E }, { size: B * S * Ev }] : [{ size: B * L * E }, { size: 1 }];
    const r = await run(bsrc, bc, [q, kStore, v, maskBuf, gO, stat, ...outs], bparams, [Math.ceil((mode === 1 ? S : L) / 16), B]);
    if (mode === 1) {
      check(`attention dK ${c.name} (BQ ${blk})`, new Float32Array(r[6], 0, dK.length), dK, 1e-3, 1e-5);
      check(`attention dV ${c.name}`, new Float32Array(r[7], 0, dV.length), dV, 1e-3, 1e-5);
    } else {
      check(`attention dQ ${c.name} (BKV ${blk})`, new Float32Array(r[6], 0, dQ.length), dQ, 1e-3, 1e-5);
    }
  }
}

await attnCase({ name: 'plain 2x20x24 E8', B: 2, L: 20, S: 24, E: 8, Ev: 8 });
await attnCase({ name: 'causal 3x33x33 E16', B: 3, L: 33, S: 33, E: 16, Ev: 16, causal: true });
await attnCase({ name: 'causal L<S', B: 1, L: 5, S: 40, E: 4, Ev: 6, causal: true });
await attnCase({ name: 'causal L>S', B: 1, L: 40, S: 7, E: 4, Ev: 6, causal: true });
await attnCase({ name: 'bool mask broadcast over batch', B: 2, L: 17, S: 70, E: 12, Ev: 5, mask: 'bool', maskBatchBroadcast: true });
await attnCase({ name: 'float mask, K transposed', B: 2, L: 9, S: 31, E: 7, Ev: 9, mask: 'float', transposeK: true });
await attnCase({ name: 'E=Ev=64', B: 2, L: 40, S: 50, E: 64, Ev: 64 });
await attnCase({ name: 'E=Ev=128', B: 1, L: 18, S: 20, E: 128, Ev: 128, causal: true });
await attnCase({ name: 'E=96 Ev=100 (largest fused backward)', B: 1, L: 18, S: 21, E: 96, Ev: 100 });
await attnCase({ name: 'fully masked row -> NaN', B: 1, L: 3, S: 6, E: 4, Ev: 4, mask: 'bool', fullyMasked: true });
finish();
