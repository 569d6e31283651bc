// Pre-packed constant weights (simd/gemm.ts sgemm_pbe, ts/io/onnx/ops/gemm-packed.ts) and sgemm's
// B-panel-outer order for few rows (against a float64 reference, any row split bit-identical). The kernel
// entry point is checked against the plain sgemm as the oracle: bit-identical (the same K slices,
// micro-kernel and epilogue order) for every layout, transposed A, transposed store and epilogue,
// over edge sizes M/N/K in {1, 2, 3, 5, 7, 9, 17, 49, 127} and K past the slice depth; M = 1 or
// N = 1 (where sgemm takes its matrix-vector paths) within rounding. Models with FusedGemm /
// pointwise FusedConv nodes must give the same bits packed (level 'all', one thread) as unpacked
// (level 'extended', or two threads) and match onnxruntime-node.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as torch from '../ts/index.js';
import { kernels } from '../ts/backend/wasm.js';
import { parallelPackedGemm, setGemmThreshold } from '../ts/backend/threads.js';
import { encodeModel, type Init, type ModelSpec } from './onnx-build.js';
import '../ts/io/onnx/ops/gemm-packed.js';

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1);
}

function tensor(n: number, seed: number): torch.Tensor {
  return torch.tensor(values(Math.max(n, 1), seed), { dtype: 'float32' });
}

function f32(t: torch.Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

/** Packs op(B) (K x N; b[k*ldb + n], or b[n*ldb + k] when transB) as sgemm_pb_pack does for a session. */
function packB(transB: number, K: number, N: number, b: torch.Tensor, ldb: number, nc = kernels.sgemm_nc()): torch.Tensor {
  const kc = kernels.sgemm_kc();
  const pb = torch.zeros([kernels.sgemm_pb_bytes(K, N) / 4]);
  for (let k0 = 0; k0 < K; k0 += kc) {
    for (let c0 = 0; c0 < N; c0 += nc) kernels.sgemm_pb_pack(transB, K, N, b._ptr(), ldb, pb._ptr(), k0, c0, Math.min(N, c0 + nc), kc, nc);
  }
  return pb;
}

const ws = torch.zeros([(kernels.sgemm_pb_ws_bytes(4096, kernels.sgemm_kc()) + 64) / 4]);
const wsPtr = (): number => (ws._ptr() + 15) & ~15;

/** act in float32 as the epilogue kernels apply it (relu, clip [lo, hi]). */
function actRef(x: number, act: number, lo: number, hi: number): number {
  if (act === 1) return x < 0 ? 0 : x;
  if (act === 2) return x < lo ? lo : hi < x ? hi : x;
  return x;
}

interface Case {
  M: number; N: number; K: number; transA: number; tc: number; alpha: number;
  bias: boolean; bmode: number; z: boolean; act: number;
}

/**
 * Runs sgemm_pbe and the oracle (sgemm with C preset to the bias and beta 1 for bias mode 0; else
 * beta 0 followed by + bias, + z and the activation in float32) and returns both results (C as
 * the kernel stores it: transposed for tc = 1).
 */
function runCase(c: Case, seed: number): { got: Float32Array; want: Float32Array } {
  const { M, N, K, transA, tc, alpha } = c;
  const a = tensor(M * K + 3, seed);
  const b = tensor(K * N, seed + 1);
  const bias = tensor(N, seed + 2);
  const z = tensor(M * N, seed + 3);
  const lda = transA ? M + 3 : K;
  const a2 = tensor(transA ? K * lda : M * lda, seed + 4);
  const pb = packB(0, K, N, b, N);
  const ldc = tc ? M : N;
  const y = torch.full([M * N], Number.NaN);
  const act = c.act;
  const [lo, hi] = [-0.25, 0.5];
  kernels.sgemm_pbe(transA, M, N, K, alpha, a2._ptr(), lda, pb._ptr(), y._ptr(), ldc, tc, 0, M, kernels.sgemm_kc(), kernels.sgemm_nc(), wsPtr(), c.bias ? bias._ptr() : 0, c.bmode, c.z ? z._ptr() : 0, act, lo, hi);
  const got = f32(y);
  // oracle: row-major C [M, N]
  const bv = f32(bias);
  const init = new Float32Array(M * N);
  if (c.bias && c.bmode === 0) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) init[i * N + j] = bv[j];
  const C = torch.tensor(Array.from(init), { dtype: 'float32' });
  kernels.sgemm(transA, 0, M, N, K, alpha, a2._ptr(), lda, b._ptr(), N, c.bias && c.bmode === 0 ? 1 : 0, C._ptr(), N);
  const r = f32(C);
  const zv = f32(z);
  const want = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let v = r[i * N + j];
      if (c.bias && c.bmode === 1) v = Math.fround(v + bv[j]);
      // z has C's (stored) layout
      if (c.z) v = Math.fround(v + zv[tc ? j * M + i : i * N + j]);
      want[tc ? j * M + i : i * N + j] = actRef(v, act, lo, hi);
    }
  }
  for (const t of [a, b, bias, z, a2, pb, y, C]) t.dispose();
  return { got, want };
}

function expectBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
  }
}

describe('sgemm_pbe (pre-packed op(B) with fused epilogue) against sgemm', () => {
  const sizes = [2, 3, 5, 7, 9, 17, 49, 127];
  it('is bit-identical to sgemm (+ bias / residual / activation) over edge sizes and layouts', () => {
    let seed = 1;
    let n = 0;
    for (const M of sizes) {
      for (const N of sizes) {
        for (const K of [1, 2, 5, 17, 127, 130]) {
          if (M * N * K > 400000) continue;
          const v = seed++;
          const c: Case = {
            M, N, K, transA: v % 2, tc: (v >> 1) % 2, alpha: v % 5 === 0 ? 0.5 : 1,
            bias: v % 3 !== 0, bmode: (v >> 2) % 2, z: v % 4 === 1, act: v % 3,
          };
          const { got, want } = runCase(c, v * 7);
          expectBits(got, want, JSON.stringify(c));
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  it('handles K past the slice depth, every activation and both bias modes at once', () => {
    let seed = 900;
    for (const K of [kernels.sgemm_kc() - 1, kernels.sgemm_kc(), kernels.sgemm_kc() + 1, 2 * kernels.sgemm_kc() + 3]) {
      for (const act of [0, 1, 2]) {
        for (const bmode of [0, 1]) {
          for (const tc of [0, 1]) {
            const c: Case = { M: 9, N: 17, K, transA: tc, tc, alpha: 1, bias: true, bmode, z: bmode === 1, act };
            const { got, want } = runCase(c, seed++);
            expectBits(got, want, JSON.stringify(c));
          }
        }
      }
    }
  });

  it('gives the same bits with a narrower column block than sgemm (the width only partitions the columns)', () => {
    const [M, N, K] = [9, 2100, 130];
    const a = tensor(M * K, 21);
    const b = tensor(K * N, 22);
    const bias = tensor(N, 23);
    const y = torch.zeros([M * N]);
    const want = torch.tensor(Array.from({ length: M * N }, (_, i) => f32(bias)[i % N]), { dtype: 'float32' });
    kernels.sgemm(0, 0, M, N, K, 1, a._ptr(), K, b._ptr(), N, 1, want._ptr(), N);
    for (const nc of [8, 1024, 2048]) {
      const pb = packB(0, K, N, b, N, nc);
      kernels.sgemm_pbe(0, M, N, K, 1, a._ptr(), K, pb._ptr(), y._ptr(), N, 0, 0, M, kernels.sgemm_kc(), nc, wsPtr(), bias._ptr(), 0, 0, 0, 0, 0);
      expectBits(f32(y), f32(want), `nc ${nc}`);
      pb.dispose();
    }
    for (const t of [a, b, bias, y, want]) t.dispose();
  });

  it('gelu (act 3) matches torch.nn.functional.gelu of the product bit for bit (numel % 4 == 0)', () => {
    const M = 12;
    const N = 20;
    const K = 33;
    const a = tensor(M * K, 5);
    const b = tensor(K * N, 6);
    const bias = tensor(N, 7);
    const pb = packB(0, K, N, b, N);
    const y = torch.zeros([M * N]);
    kernels.sgemm_pbe(0, M, N, K, 1, a._ptr(), K, pb._ptr(), y._ptr(), N, 0, 0, M, kernels.sgemm_kc(), kernels.sgemm_nc(), wsPtr(), bias._ptr(), 0, 0, 3, 0, 0);
    const ref = torch.nn.functional.gelu(torch.addmm(bias, a.reshape([M, K]), b.reshape([K, N])));
    expectBits(f32(y), f32(ref.contiguous()), 'gelu');
    for (const t of [a, b, bias, pb, y, ref]) t.dispose();
  });

  it('computes M = 1 / N = 1 products correctly (sgemm takes matrix-vector paths there: within rounding)', () => {
    let seed = 300;
    for (const [M, N] of [[1, 1], [1, 9], [9, 1], [1, 127], [49, 1]]) {
      for (const K of [1, 3, 17, 130]) {
        for (const tc of [0, 1]) {
          const { got, want } = runCase({ M, N, K, transA: 0, tc, alpha: 1, bias: true, bmode: 1, z: false, act: 0 }, seed++);
          for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i])));
        }
      }
    }
  });

  it('packs a transposed op(B) (w^T of a conv weight) to the same panels as its transposed copy', () => {
    const K = 19;
    const N = 13;
    const w = tensor(N * K, 11); // [N, K]: op(B) = w^T
    const wt = w.reshape([N, K]).t().contiguous();
    const p1 = packB(1, K, N, w, K);
    const p2 = packB(0, K, N, wt, N);
    expectBits(f32(p1), f32(p2), 'packed panels');
    for (const t of [w, wt, p1, p2]) t.dispose();
  });
});

describe('parallelPackedGemm (row blocks over the threads)', () => {
  it('gives the bits of one sgemm_pbe call (whole 4-row panels per block), or declines on one thread', () => {
    const old = torch.getNumThreads();
    const oldMin = setGemmThreshold(0);
    try {
      torch.setNumThreads(2);
      let seed = 700;
      let splits = 0;
      for (const [M, N, K, tc] of [[49, 40, 130, 1], [128, 72, 33, 0], [9, 17, 5, 0], [37, 8, 300, 1]]) {
        const a = tensor(M * K, seed++);
        const b = tensor(K * N, seed++);
        const bias = tensor(N, seed++);
        const z = tensor(M * N, seed++);
        const pb = packB(0, K, N, b, N);
        const kc = kernels.sgemm_kc();
        const nc = kernels.sgemm_nc();
        const ldc = tc ? M : N;
        const y1 = torch.full([M * N], Number.NaN);
        const y2 = torch.full([M * N], Number.NaN);
        kernels.sgemm_pbe(0, M, N, K, 1, a._ptr(), K, pb._ptr(), y1._ptr(), ldc, tc, 0, M, kc, nc, wsPtr(), bias._ptr(), 1, z._ptr(), 2, -0.5, 0.5);
        const split = parallelPackedGemm(0, M, N, K, 1, a._ptr(), K, pb._ptr(), y2._ptr(), ldc, tc, kc, nc, bias._ptr(), 1, z._ptr(), 2, -0.5, 0.5);
        if (split) splits++;
        else {
          // one thread (no threaded build here): the caller runs sgemm_pbe itself
          expect(torch.getNumThreads()).toBe(1);
          kernels.sgemm_pbe(0, M, N, K, 1, a._ptr(), K, pb._ptr(), y2._ptr(), ldc, tc, 0, M, kc, nc, wsPtr(), bias._ptr(), 1, z._ptr(), 2, -0.5, 0.5);
        }
        expectBits(f32(y2), f32(y1), `${M}x${N}x${K} tc ${tc}`);
        for (const t of [a, b, bias, z, pb, y1, y2]) t.dispose();
      }
      // with a threaded build every one of these products is split
      expect(splits).toBe(torch.getNumThreads() > 1 ? 4 : 0);
    } finally {
      torch.setNumThreads(old);
      setGemmThreshold(oldMin);
    }
  });
});

describe('sgemm with few rows (B panel outer)', () => {
  it('matches a float64 reference and gives the same bits for any split of its rows', () => {
    let seed = 500;
    for (const M of [5, 9, 24, 32, 33]) {
      for (const N of [64, 100, 777]) {
        for (const K of [33, 130, 144]) {
          const tA = seed % 2;
          const tB = (seed >> 1) % 2;
          const a = tensor(M * K, seed++);
          const b = tensor(K * N, seed++);
          const c0 = tensor(M * N, seed++);
          const lda = tA ? M : K;
          const ldb = tB ? K : N;
          const full = c0.clone();
          kernels.sgemm(tA, tB, M, N, K, 0.5, a._ptr(), lda, b._ptr(), ldb, 1, full._ptr(), N);
          const parts = c0.clone();
          for (const [m0, m1] of [[0, 4], [4, Math.min(M, 12)], [Math.min(M, 12), M]]) {
            kernels.sgemm_rows(tA, tB, M, N, K, 0.5, a._ptr(), lda, b._ptr(), ldb, 1, parts._ptr(), N, m0, m1);
          }
          const got = f32(full);
          expectBits(f32(parts), got, `rows split ${M}x${N}x${K}`);
          const av = f32(a);
          const bv = f32(b);
          const cv = f32(c0);
          for (let i = 0; i < M; i++) {
            for (let j = 0; j < N; j++) {
              let acc = 0;
              for (let k = 0; k < K; k++) acc += av[tA ? k * lda + i : i * lda + k] * bv[tB ? j * ldb + k : k * ldb + j];
              const want = 0.5 * acc + cv[i * N + j];
              expect(Math.abs(got[i * N + j] - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
            }
          }
          for (const t of [a, b, c0, full, parts]) t.dispose();
        }
      }
    }
  });
});

// ---- models -------------------------------------------------------------------------------------

function init(name: string, dims: number[], seed: number, scale = 0.5): Init {
  return { name, dims, data: values(dims.reduce((a, b) => a * b, 1), seed).map((v) => v * scale) };
}

async function oracle(bytes: Uint8Array, feeds: Record<string, torch.Tensor>): Promise<Record<string, Float32Array>> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const f: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', t.dataSync() as Float32Array, t.shape);
  const r = await s.run(f);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Float32Array.from(v.data as Float32Array)]));
}

/** Outputs of a session at a level and thread count, plus its statistics. */
async function runModel(bytes: Uint8Array, feeds: Record<string, torch.Tensor>, level: 'all' | 'extended', threads: number): Promise<{ out: Record<string, Float32Array>; stats: Record<string, number> }> {
  const old = torch.getNumThreads();
  torch.setNumThreads(threads);
  // every product of these small models split over the threads when there are several
  const oldMin = setGemmThreshold(threads > 1 ? 0 : 1 << 19);
  try {
    const s = await torch.onnx.InferenceSession.create(bytes, { graphOptimizationLevel: level });
    const before = torch.memory().tensors;
    const r = await s.run(feeds);
    const out = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, f32(v)]));
    for (const t of Object.values(r)) t.dispose();
    // a run leaves nothing behind
    expect(torch.memory().tensors).toBe(before);
    const stats = s.optimizationStats;
    await s.release();
    return { out, stats };
  } finally {
    torch.setNumThreads(old);
    setGemmThreshold(oldMin);
  }
}

/** Packed (one thread) == unpacked ('extended'; two threads) bit for bit, and close to onnxruntime. */
async function checkModel(spec: ModelSpec, feeds: Record<string, torch.Tensor>, packedNodes: number): Promise<void> {
  const bytes = encodeModel(spec);
  const want = await oracle(bytes, feeds);
  const packed = await runModel(bytes, feeds, 'all', 1);
  expect(packed.stats['packed-weights'] ?? 0).toBe(packedNodes);
  const plain = await runModel(bytes, feeds, 'extended', 1);
  expect(plain.stats['packed-weights']).toBeUndefined();
  const threaded = await runModel(bytes, feeds, 'all', 2);
  for (const name of spec.outputs) {
    expectBits(packed.out[name], plain.out[name], `${name} packed vs unpacked`);
    expectBits(packed.out[name], threaded.out[name], `${name} 1 vs 2 threads`);
    const w = want[name];
    let scale = 0;
    let err = 0;
    for (let i = 0; i < w.length; i++) {
      scale = Math.max(scale, Math.abs(w[i]));
      err = Math.max(err, Math.abs(packed.out[name][i] - w[i]));
    }
    expect(err).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
  }
}

describe('ONNX nodes on pre-packed weights', () => {
  it('MatMul + bias + GELU, MatMul + Relu and Gemm (transB, alpha) + Clip run on packed panels', async () => {
    const spec: ModelSpec = {
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['m1'] },
        { op: 'Add', inputs: ['m1', 'b1'], outputs: ['a1'] },
        { op: 'Div', inputs: ['a1', 'sqrt2'], outputs: ['d'] },
        { op: 'Erf', inputs: ['d'], outputs: ['e'] },
        { op: 'Add', inputs: ['e', 'one'], outputs: ['e1'] },
        { op: 'Mul', inputs: ['a1', 'e1'], outputs: ['g0'] },
        { op: 'Mul', inputs: ['g0', 'half'], outputs: ['g'] },
        { op: 'MatMul', inputs: ['g', 'w2'], outputs: ['m2'] },
        { op: 'Relu', inputs: ['m2'], outputs: ['r'] },
        { op: 'Reshape', inputs: ['r', 'shape2d'], outputs: ['r2'] },
        { op: 'Gemm', inputs: ['r2', 'w3', 'b3'], outputs: ['gm'], attrs: { transB: 1, alpha: { f: 0.75 }, beta: { f: 0.5 } } },
        { op: 'Clip', inputs: ['gm', 'lo', 'hi'], outputs: ['y'] },
      ],
      inits: [
        init('w1', [24, 2056], 1), init('b1', [2056], 2),
        { name: 'sqrt2', dims: [], data: [Math.SQRT2] }, { name: 'one', dims: [], data: [1] }, { name: 'half', dims: [], data: [0.5] },
        init('w2', [2056, 9], 3), { name: 'shape2d', dims: [2], data: [-1, 9], dtype: 'int64' }, init('w3', [17, 9], 4), init('b3', [17], 5),
        { name: 'lo', dims: [], data: [-0.3] }, { name: 'hi', dims: [], data: [0.4] },
      ],
      inputs: [['x', [1, 7, 24]]],
      outputs: ['y'],
    };
    await checkModel(spec, { x: torch.tensor(values(7 * 24, 9)).reshape([1, 7, 24]) }, 3);
  });

  it('1x1 convs over a 7x7 map (bias, residual, Clip; batch 2) run as x^T @ w^T on packed panels', async () => {
    const spec: ModelSpec = {
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'] },
        { op: 'Clip', inputs: ['c1', 'lo', 'hi'], outputs: ['r1'] },
        { op: 'Conv', inputs: ['r1', 'w2', 'b2'], outputs: ['c2'], attrs: { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0] } },
        { op: 'Add', inputs: ['c2', 'x'], outputs: ['s'] },
        { op: 'Conv', inputs: ['s', 'w3'], outputs: ['c3'] },
        { op: 'Add', inputs: ['c3', 'rowz'], outputs: ['s3'] },
        { op: 'Relu', inputs: ['s3'], outputs: ['y'] },
      ],
      inits: [
        init('w1', [22, 10, 1, 1], 1), init('b1', [22], 2), { name: 'lo', dims: [], data: [0] }, { name: 'hi', dims: [], data: [6] },
        init('w2', [10, 22, 1, 1], 3), init('b2', [10], 4), init('w3', [13, 10, 1, 1], 5), init('rowz', [1, 7], 6),
      ],
      inputs: [['x', [2, 10, 7, 7]]],
      outputs: ['y'],
    };
    await checkModel(spec, { x: torch.tensor(values(2 * 10 * 49, 8)).reshape([2, 10, 7, 7]) }, 3);
  });

  it('leaves 1x1 convs over wide maps, strided 1x1 convs and single-row products on the plain kernels', async () => {
    const spec: ModelSpec = {
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'] },
        { op: 'Conv', inputs: ['c1', 'w2'], outputs: ['c2'], attrs: { strides: [2, 2] } },
        { op: 'Flatten', inputs: ['c2'], outputs: ['f'] },
        { op: 'Gemm', inputs: ['f', 'w3', 'b3'], outputs: ['y'], attrs: { transB: 1 } },
      ],
      inits: [init('w1', [6, 3, 1, 1], 1), init('b1', [6], 2), init('w2', [4, 6, 1, 1], 3), init('w3', [5, 4 * 8 * 8], 4), init('b3', [5], 5)],
      inputs: [['x', [1, 3, 16, 16]]],
      outputs: ['y'],
    };
    await checkModel(spec, { x: torch.tensor(values(3 * 256, 9)).reshape([1, 3, 16, 16]) }, 0);
  });
});
