// Standalone check of gpu-bridge/pool.wgsl on raw WebGPU against JS loops: max pool values and
// int64 indices (padding, stride, dilation, NaN, -inf), the index gather / scatter-add pair of its
// backward, and the table resample (avg pool rows) with its inverted table.
// Run: deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-pool.ts
import { check, finish, pack, rand, run, wgsl } from './kernels-raw.js';

const src = await wgsl('pool');

function params(f: Record<string, number>): ArrayBuffer {
  const names = ['P', 'H', 'W', 'OH', 'OW', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'offX', 'total', 'rowThreads', 'outer', 'Lin', 'inner', 'T', 'Lout', 'tabOff', 'p0', 'p1'];
  return pack(names.map((n) => ['u', f[n] ?? 0] as ['u', number]));
}

interface G { P: number; H: number; W: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number }

async function maxCase(name: string, g: G, special = false): Promise<void> {
  const OH = Math.floor((g.H + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh) + 1;
  const OW = Math.floor((g.W + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw) + 1;
  const x = rand(g.P * g.H * g.W, 41);
  if (special) {
    x[3] = NaN; x[5] = NaN; x[g.H * g.W + 1] = -Infinity; x.fill(-Infinity, 2 * g.H * g.W, 3 * g.H * g.W);
  }
  const wantV = new Float32Array(g.P * OH * OW);
  const wantI = new Float32Array(g.P * OH * OW);
  for (let p = 0; p < g.P; p++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let best = -Infinity;
    let bi = -1;
    for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
      const h = oh * g.sh - g.ph + i * g.dh;
      const w = ow * g.sw - g.pw + j * g.dw;
      if (h < 0 || w < 0 || h >= g.H || w >= g.W) continue;
      const v = x[(p * g.H + h) * g.W + w];
      if (bi < 0) bi = h * g.W + w;
      if (v > best || Number.isNaN(v)) { best = v; bi = h * g.W + w; }
    }
    wantV[(p * OH + oh) * OW + ow] = best;
    wantI[(p * OH + oh) * OW + ow] = bi;
  }
  const total = g.P * OH * OW;
  const f = { ...g, OH, OW, total, rowThreads: 65535 * 256 };
  const out = await run(src, { MODE: 0, WITH_IDX: 1 }, [x, { size: 2 * total }, { size: total }], params(f), [Math.ceil(total / 256)]);
  const ind32 = new Uint32Array(out[1]);
  const gotI = new Float32Array(total);
  let hiOk = true;
  for (let t = 0; t < total; t++) { gotI[t] = ind32[2 * t]; if (ind32[2 * t + 1] !== 0) hiOk = false; }
  check(`maxpool values ${name}`, new Float32Array(out[2], 0, total), wantV, 0, 0);
  check(`maxpool indices ${name}${hiOk ? '' : ' (hi word set!)'}`, gotI, hiOk ? wantI : [NaN]);
  // backward: scatter-add of g at the indices (one thread per plane), and the gather (its adjoint)
  const gy = rand(total, 42);
  const wantDx = new Float32Array(g.P * g.H * g.W);
  for (let t = 0; t < total; t++) wantDx[Math.floor(t / (OH * OW)) * g.H * g.W + wantI[t]] += gy[t];
  const ind = new Uint32Array(out[1].slice(0, 8 * total));
  const sc = await run(src, { MODE: 2 }, [gy, ind, { size: wantDx.length }], params({ ...f, total: g.P }), [Math.ceil(g.P / 256)]);
  check(`maxpool scatter-add ${name}`, new Float32Array(sc[2], 0, wantDx.length), wantDx);
  const wantG = new Float32Array(total);
  for (let t = 0; t < total; t++) wantG[t] = x[Math.floor(t / (OH * OW)) * g.H * g.W + wantI[t]];
  const ga = await run(src, { MODE: 1 }, [x, ind, { size: total }], params(f), [Math.ceil(total / 256)]);
  check(`maxpool gather ${name}`, new Float32Array(ga[2], 0, total), wantG, 0, 0);
}

async function resampleCase(name: string, outer: number, Lin: number, inner: number, k: number, s: number, pad: number): Promise<void> {
  // avg-pool table along one axis (count_include_pad = false)
  const Lout = Math.floor((Lin + 2 * pad - k) / s) + 1;
  const T = k;
  const idx = new Int32Array(Lout * T).fill(-1);
  const wt = new Float32Array(Lout * T);
  for (let o = 0; o < Lout; o++) {
    const st = o * s - pad;
    const cnt = Math.min(st + k, Lin) - Math.max(st, 0);
    let t = 0;
    for (let q = 0; q < k; q++) if (st + q >= 0 && st + q < Lin) { idx[o * T + t] = st + q; wt[o * T + t] = 1 / cnt; t++; }
  }
  const x = rand(outer * Lin * inner, 43);
  const want = new Float32Array(outer * Lout * inner);
  for (let o = 0; o < outer; o++) for (let l = 0; l < Lout; l++) for (let i = 0; i < inner; i++) {
    let acc = 0;
    for (let t = 0; t < T; t++) if (idx[l * T + t] >= 0) acc += wt[l * T + t] * x[(o * Lin + idx[l * T + t]) * inner + i];
    want[(o * Lout + l) * inner + i] = acc;
  }
  const tab = new Uint32Array(2 * Lout * T);
  tab.set(new Uint32Array(idx.buffer), 0);
  tab.set(new Uint32Array(wt.buffer), Lout * T);
  const total = want.length;
  const out = await run(src, { MODE: 3 }, [x, tab, { size: total }], params({ outer, Lin, inner, T, Lout, tabOff: Lout * T, total, rowThreads: 65535 * 256 }), [Math.ceil(total / 256)]);
  check(`resample ${name}`, new Float32Array(out[2], 0, total), want);
}

const g0 = { sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1 };
await maxCase('2x2', { ...g0, P: 6, H: 8, W: 8, kh: 2, kw: 2, sh: 2, sw: 2 });
await maxCase('3x3 stride 2 pad 1', { ...g0, P: 5, H: 11, W: 9, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1 });
await maxCase('dilation 2 kernel 3x2', { P: 3, H: 12, W: 10, kh: 3, kw: 2, sh: 1, sw: 2, ph: 1, pw: 1, dh: 2, dw: 3 });
await maxCase('NaN and -inf', { ...g0, P: 4, H: 6, W: 6, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1 }, true);
await resampleCase('avg k3 s2 p1 rows', 6, 13, 7, 3, 2, 1);
await resampleCase('avg k2 last axis', 10, 16, 1, 2, 2, 0);
finish();
