// Standalone check of gpu-bridge/matmul.wgsl on raw WebGPU against a JS reference loop: plain,
// transposed (strided) operands, vec4 variants, offsets, broadcast batches, the bias epilogue and
// ragged edges. Run: deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-matmul.ts
import { check, finish, pack, rand, run, useVariant, wgsl } from './kernels-raw.js';

const src = await wgsl('matmul');

interface Case {
  name: string;
  M: number; N: number; K: number;
  bshape?: [number, number, number];
  // layouts: element offset, row/col strides, batch strides
  offA?: number; sAm: number; sAk: number; bsA?: [number, number, number];
  offB?: number; sBk: number; sBn: number; bsB?: [number, number, number];
  bias?: { off: number; sM: number; sN: number; bs: [number, number, number]; beta: number };
  alpha?: number;
  vec?: { A?: boolean; B?: boolean; C?: boolean };
}

function extent(off: number, dims: [number, number][]): number {
  return off + dims.reduce((s, [n, st]) => s + (n > 0 ? (n - 1) * st : 0), 0) + 1;
}

async function gemmCase(c: Case): Promise<void> {
  const bshape = c.bshape ?? [1, 1, 1];
  const nb = bshape[0] * bshape[1] * bshape[2];
  const bsA = c.bsA ?? [0, 0, 0];
  const bsB = c.bsB ?? [0, 0, 0];
  const offA = c.offA ?? 0;
  const offB = c.offB ?? 0;
  const A = rand(extent(offA, [[c.M, c.sAm], [c.K, c.sAk], ...bshape.map((n, i) => [n, bsA[i]] as [number, number])]), 1);
  const B = rand(extent(offB, [[c.K, c.sBk], [c.N, c.sBn], ...bshape.map((n, i) => [n, bsB[i]] as [number, number])]), 2);
  const bi = c.bias;
  const Bias = bi ? rand(extent(bi.off, [[c.M, bi.sM], [c.N, bi.sN], ...bshape.map((n, i) => [n, bi.bs[i]] as [number, number])]), 3) : A;
  const alpha = c.alpha ?? 1;
  const want = new Float32Array(nb * c.M * c.N);
  for (let b = 0; b < nb; b++) {
    const i2 = b % bshape[2];
    const i1 = Math.floor(b / bshape[2]) % bshape[1];
    const i0 = Math.floor(b / (bshape[2] * bshape[1]));
    const oa = offA + i0 * bsA[0] + i1 * bsA[1] + i2 * bsA[2];
    const ob = offB + i0 * bsB[0] + i1 * bsB[1] + i2 * bsB[2];
    for (let m = 0; m < c.M; m++) {
      for (let n = 0; n < c.N; n++) {
        let s = 0;
        for (let k = 0; k < c.K; k++) s += A[oa + m * c.sAm + k * c.sAk] * B[ob + k * c.sBk + n * c.sBn];
        let v = alpha * s;
        if (bi) v += bi.beta * Bias[bi.off + i0 * bi.bs[0] + i1 * bi.bs[1] + i2 * bi.bs[2] + m * bi.sM + n * bi.sN];
        want[(b * c.M + m) * c.N + n] = v;
      }
    }
  }
  let code = src;
  if (c.vec?.A) code = useVariant(code, 'A');
  if (c.vec?.B) code = useVariant(code, 'B');
  if (c.vec?.C) code = useVariant(code, 'C');
  const params = pack([
    ['u', c.M], ['u', c.N], ['u', c.K], ['u', 0],
    ['i', offA], ['i', c.sAm], ['i', c.sAk], ['i', offB],
    ['i', c.sBk], ['i', c.sBn], ['u', 0], ['i', bi?.off ?? 0],
    ['i', bi?.sM ?? 0], ['i', bi?.sN ?? 0], ['f', alpha], ['f', bi?.beta ?? 0],
    ['u', 0], ['u', 0], ['u', 0], ['u', 0],
    ['u', bshape[0]], ['u', bshape[1]], ['u', bshape[2]], ['u', 0],
    ['i', bsA[0]], ['i', bsA[1]], ['i', bsA[2]], ['i', 0],
    ['i', bsB[0]], ['i', bsB[1]], ['i', bsB[2]], ['i', 0],
    ['i', bi?.bs[0] ?? 0], ['i', bi?.bs[1] ?? 0], ['i', bi?.bs[2] ?? 0], ['i', 0],
  ]);
  for (const TM of [4, 8]) {
  const consts = {
    TM,
    A_KCONTIG: Math.abs(c.sAk) <= Math.abs(c.sAm) ? 1 : 0,
    B_NCONTIG: Math.abs(c.sBn) <= Math.abs(c.sBk) ? 1 : 0,
    HAS_BIAS: bi ? 1 : 0,
  };
  const out = await run(code, consts, [A, B, Bias, { size: want.length }], params, [Math.ceil(c.N / 64), Math.ceil(c.M / (16 * TM)), nb]);
  check(`${c.name} TM ${TM}`, new Float32Array(out[3], 0, want.length), want, 1e-4, 1e-4);
  }
}

await gemmCase({ name: 'plain 37x29x19 scalar', M: 37, N: 29, K: 19, sAm: 19, sAk: 1, sBk: 29, sBn: 1 });
await gemmCase({ name: 'plain 68x72x36 vec4 A,B,C', M: 68, N: 72, K: 36, sAm: 36, sAk: 1, sBk: 72, sBn: 1, vec: { A: true, B: true, C: true } });
await gemmCase({ name: 'A^T (m-contig) vec4 130x20x33', M: 132, N: 20, K: 33, sAm: 1, sAk: 132, sBk: 20, sBn: 1, vec: { A: true, B: true, C: true } });
await gemmCase({ name: 'B^T (k-contig) vec4 65x66x24 (linear)', M: 65, N: 66, K: 24, sAm: 24, sAk: 1, sBk: 1, sBn: 24, vec: { A: true, B: true } });
await gemmCase({ name: 'both transposed scalar 17x70x9', M: 17, N: 70, K: 9, sAm: 1, sAk: 17, sBk: 1, sBn: 9 });
await gemmCase({ name: 'general strides + offsets', M: 10, N: 7, K: 5, offA: 3, sAm: 11, sAk: 2, offB: 5, sBk: 3, sBn: 17 });
await gemmCase({ name: 'offset vec4 A', M: 8, N: 8, K: 8, offA: 4, sAm: 8, sAk: 1, offB: 1, sBk: 8, sBn: 1, vec: { A: true } });
await gemmCase({
  name: 'broadcast batch [2,1->3,2] alpha', M: 9, N: 11, K: 6, bshape: [2, 3, 2], alpha: 0.5,
  sAm: 6, sAk: 1, bsA: [108, 0, 54], sBk: 11, sBn: 1, bsB: [0, 66, 0],
});
await gemmCase({
  name: 'bias row vector (addmm/linear epilogue)', M: 70, N: 40, K: 12, sAm: 12, sAk: 1, sBk: 1, sBn: 12,
  bias: { off: 2, sM: 0, sN: 1, bs: [0, 0, 0], beta: 1 }, vec: { A: true, B: true, C: true },
});
await gemmCase({
  name: 'bias full matrix beta 0.5 batched', M: 5, N: 6, K: 3, bshape: [1, 1, 2], sAm: 3, sAk: 1, bsA: [0, 0, 15], sBk: 6, sBn: 1, bsB: [0, 0, 18],
  bias: { off: 0, sM: 6, sN: 1, bs: [0, 0, 30], beta: 0.5 },
});
await gemmCase({ name: 'K = 0', M: 3, N: 5, K: 0, sAm: 1, sAk: 1, sBk: 5, sBn: 1 });
await gemmCase({ name: 'A^T vec4 136 rows', M: 136, N: 12, K: 20, sAm: 1, sAk: 136, sBk: 12, sBn: 1, vec: { A: true, B: true, C: true } });
await gemmCase({ name: 'big 200x190x150', M: 200, N: 190, K: 150, sAm: 150, sAk: 1, sBk: 190, sBn: 1 });
// split K: 5 slices of a 20x9 product with K = 1200, then the SUM_SPLITS reduction
{
  const M = 20, N = 9, K = 1200, S = 5, chunk = Math.ceil(K / S / 16) * 16;
  const A = rand(M * K, 5);
  const B = rand(K * N, 6);
  const want = new Float32Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let acc = 0;
    for (let k = 0; k < K; k++) acc += A[m * K + k] * B[k * N + n];
    want[m * N + n] = acc;
  }
  const head = (zbase: number, kChunk: number, total: number): ArrayBuffer => pack([
    ['u', M], ['u', N], ['u', K], ['u', zbase], ['i', 0], ['i', K], ['i', 1], ['i', 0],
    ['i', N], ['i', 1], ['u', 0], ['i', 0], ['i', 0], ['i', 0], ['f', 1], ['f', 0],
    ['u', kChunk], ['u', total], ['u', 0], ['u', 0],
    ['u', 1], ['u', 1], ['u', S], ['u', 0], ...new Array(12).fill(['i', 0]) as ['i', number][],
  ]);
  const part = await run(src, { TM: 4 }, [A, B, A, { size: S * M * N }], head(0, chunk, 0), [1, 1, S]);
  const partials = new Float32Array(part[3], 0, S * M * N);
  const red = await run(src, { SUM_SPLITS: 1 }, [partials, partials, partials, { size: M * N }], head(S, 0, M * N), [1]);
  check('split K (5 slices) + reduction', new Float32Array(red[3], 0, M * N), want, 1e-4, 1e-4);
}
finish();
