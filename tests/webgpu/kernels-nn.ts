// Op-level check of the GEMM / conv / pool / attention WebGPU launchers (ts/backend/webgpu/matmul.ts,
// conv.ts, pool.ts, attention.ts) through the public ops, with the CPU backend as the oracle:
// forward values and gradients (autograd through the GPU kernels), transposed / sliced / broadcast
// operands, and a check that the GPU kernel really ran (stats().kernels) instead of a fallback.
//   deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-nn.ts
// Prints one `nn-kernels-result {json}` line; exits 1 on a failure.
import * as torchNs from '../../ts/index.js';
import type { Tensor } from '../../ts/tensor/tensor.js';
import { Checker, initGpu } from './kernels-util.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const torch = torchNs as any;
await initGpu();
const ck = new Checker('nn-kernels');

type Build = (t: Tensor[]) => Tensor;

/** Seeded inputs: every array becomes a CPU tensor and a webgpu leaf copy (requiring grad if asked). */
function inputs(shapes: number[][], grad: boolean, seed: number): { cpu: Tensor[]; gpu: Tensor[] } {
  torch.manualSeed(seed);
  const cpu = shapes.map((s) => torch.randn(s));
  const gpu = cpu.map((c) => {
    const g = c.to('webgpu');
    if (grad) g.requiresGrad = true;
    return g;
  });
  if (grad) cpu.forEach((c) => (c.requiresGrad = true));
  return { cpu, gpu };
}

async function compare(id: string, shapes: number[][], build: Build, kernelPrefix: string | null, opts: { grad?: boolean; tol?: number; seed?: number } = {}): Promise<void> {
  await ck.check(id, async () => {
    const tol = opts.tol ?? 1e-3;
    const before = torch.webgpu.stats().kernels as Record<string, number>;
    const { cpu, gpu } = inputs(shapes, !!opts.grad, opts.seed ?? 7);
    const want = build(cpu);
    const got = build(gpu);
    if (got.device !== 'webgpu') throw new Error(`result on ${got.device}`);
    const gotCpu = torch.tensor(Array.from(await got.data() as ArrayLike<number>, Number), { dtype: got.dtype }).reshape(got.shape);
    await ck.same(`${id} forward`, gotCpu, want.detach().contiguous(), tol, 1e-4);
    if (opts.grad) {
      torch.manualSeed(99);
      const r = torch.randn(want.shape);
      torch.mul(want, r).sum().backward();
      torch.mul(got, r.to('webgpu')).sum().backward();
      for (let i = 0; i < cpu.length; i++) {
        const gw = cpu[i].grad as Tensor | null;
        const gg = gpu[i].grad as Tensor | null;
        if (!gw) continue;
        if (!gg) throw new Error(`input ${i} has no gradient on webgpu`);
        if (gg.device !== 'webgpu') throw new Error(`grad ${i} on ${gg.device}`);
        const g2 = torch.tensor(Array.from(await gg.data() as Float32Array), { dtype: 'float32' }).reshape(gg.shape);
        await ck.same(`${id} grad ${i}`, g2, gw, tol, 1e-4);
      }
    }
    // the expected kernel ran (in the forward, or in the backward for backward kernels)
    const after = torch.webgpu.stats().kernels as Record<string, number>;
    const ran = Object.keys(after).some((k) => kernelPrefix !== null && k.startsWith(kernelPrefix) && after[k] > (before[k] ?? 0));
    if (kernelPrefix !== null && !ran) throw new Error(`no ${kernelPrefix}* kernel ran (fallbacks: ${JSON.stringify(torch.webgpu.stats().fallbacks)})`);
  });
}

// ---- matmul family
await compare('mm 37x19 @ 19x29', [[37, 19], [19, 29]], ([a, b]) => torch.mm(a, b), 'matmul:', { grad: true });
await compare('mm 64x32 @ 32x68 (vec4)', [[64, 32], [32, 68]], ([a, b]) => torch.mm(a, b), 'matmul:', { grad: true });
await compare('matmul transposed operands', [[20, 33], [40, 20]], ([a, b]) => torch.matmul(a.t(), b.t()), 'matmul:', { grad: true });
await compare('matmul broadcast batch', [[2, 1, 5, 6], [3, 6, 7]], ([a, b]) => torch.matmul(a, b), 'matmul:', { grad: true });
await compare('matmul 3-d @ 2-d', [[4, 5, 6], [6, 3]], ([a, b]) => torch.matmul(a, b), 'matmul:', { grad: true });
await compare('matmul 1-d @ 3-d', [[6], [2, 6, 3]], ([a, b]) => torch.matmul(a, b), 'matmul:');
await compare('bmm sliced', [[3, 8, 10], [3, 10, 5]], ([a, b]) => torch.bmm(a.narrow(2, 1, 6), b.narrow(1, 2, 6)), 'matmul:');
await compare('bmm', [[3, 8, 6], [3, 6, 5]], ([a, b]) => torch.bmm(a, b), 'matmul:', { grad: true });
await compare('linear with bias', [[4, 3, 12], [10, 12], [10]], ([x, w, b]) => torch.linear(x, w, b), 'matmul:', { grad: true });
await compare('addmm beta/alpha', [[5, 7], [5, 4], [4, 7]], ([i, a, b]) => torch.addmm(i, a, b, { beta: 0.5, alpha: 2 }), 'matmul:', { grad: true });
await compare('baddbmm', [[2, 5, 7], [2, 5, 4], [2, 4, 7]], ([i, a, b]) => torch.baddbmm(i, a, b), 'matmul:');
await compare('mm K=0', [[3, 0], [0, 4]], ([a, b]) => torch.mm(a, b), 'matmul:');
await compare('mm 150x130x140', [[150, 130], [130, 140]], ([a, b]) => torch.mm(a, b), 'matmul:');
await compare('mm split K (10x3000 @ 3000x20)', [[10, 3000], [3000, 20]], ([a, b]) => torch.mm(a, b), 'matmul:sum', { grad: true, tol: 2e-3 });
await compare('linear weight grad over a long batch (split K)', [[3000, 16], [8, 16], [8]], ([x, w, b]) => torch.linear(x, w, b), 'matmul:sum', { grad: true, tol: 2e-3 });
await compare('mm 1030x70x1100 (128x64 tiles)', [[1030, 70], [70, 1100]], ([a, b]) => torch.mm(a, b), 'matmul:8:', { grad: true });

await compare('linear 1-d input, transposed weight view', [[12], [12, 10], [10]], ([x, w, b]) => torch.linear(x, w.t(), b), 'matmul:', { grad: true });
await compare('matmul float16 (CPU fallback, same answer)', [[5, 6], [6, 3]], ([a, b]) => torch.matmul(a.half(), b.half()).float(), null, { tol: 1e-2 });
await compare('matmul int64 (CPU fallback)', [[4, 5], [5, 3]], ([a, b]) => torch.matmul(a.mul(10).long(), b.mul(10).long()), null);
await compare('matmul webgpu @ cpu operand', [[4, 5]], ([a]) => torch.matmul(a, torch.ones([5, 2])), null);
await compare('einsum bij,bjk->bik', [[2, 3, 4], [2, 4, 5]], ([a, b]) => torch.einsum('bij,bjk->bik', a, b), 'matmul:', { grad: true });

await compare('linear, CPU input with webgpu weights (uploaded)', [[10, 12], [10]], ([w, b]) => {
  torch.manualSeed(5);
  return torch.linear(torch.randn([4, 12]), w, b);
}, 'matmul:', { grad: true });

// ---- conv
const F = torch.nn.functional;
await compare('conv2d, CPU input with webgpu weights (uploaded)', [[5, 3, 3, 3], [5]], ([w, b]) => {
  torch.manualSeed(6);
  return F.conv2d(torch.randn([2, 3, 8, 8]), w, b, { padding: 1 });
}, 'conv2d:', { grad: true });
await compare('conv2d 3x3 pad 1 bias', [[2, 3, 9, 8], [5, 3, 3, 3], [5]], ([x, w, b]) => F.conv2d(x, w, b, { padding: 1 }), 'conv2d:', { grad: true });
await compare('conv2d stride 2 dilation groups 2', [[2, 4, 11, 10], [6, 2, 3, 2], [6]], ([x, w, b]) => F.conv2d(x, w, b, { stride: [2, 3], padding: [2, 1], dilation: [2, 1], groups: 2 }), 'conv2d:', { grad: true });
await compare('conv2d 1x1', [[1, 8, 5, 5], [7, 8, 1, 1]], ([x, w]) => F.conv2d(x, w), 'conv2d:', { grad: true });
await compare('conv2d non-contiguous input', [[2, 6, 6, 3], [4, 3, 3, 3]], ([x, w]) => F.conv2d(x.permute(0, 3, 1, 2), w), 'conv2d:', { grad: true });
await compare('conv2d weight grad with split K', [[4, 3, 32, 32], [8, 3, 3, 3]], ([x, w]) => F.conv2d(x, w, null, { padding: 1 }), 'conv2d:', { grad: true });
await compare('conv1d', [[3, 2, 20], [4, 2, 5]], ([x, w]) => F.conv1d(x, w, null, { padding: 2 }), 'conv2d:', { grad: true });
await compare('convTranspose2d', [[2, 4, 5, 5], [4, 3, 3, 3]], ([x, w]) => F.convTranspose2d(x, w, null, { stride: 2, padding: 1 }), 'conv2d:', { grad: true });
await compare('depthwise 3x3', [[2, 4, 7, 9], [4, 1, 3, 3], [4]], ([x, w, b]) => F.conv2d(x, w, b, { padding: 1, groups: 4 }), 'depthwise:', { grad: true });
await compare('depthwise mult 2 stride 2', [[2, 3, 10, 9], [6, 1, 3, 3]], ([x, w]) => F.conv2d(x, w, null, { stride: 2, padding: [1, 2], dilation: [2, 1], groups: 3 }), 'depthwise:', { grad: true });

// ---- pooling
await compare('maxPool2d 2x2 (values only)', [[2, 3, 8, 8]], ([x]) => F.maxPool2d(x, 2), 'pool:0');
await compare('maxPool2d 3x3 s2 p1 with grad', [[2, 3, 9, 7]], ([x]) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), 'pool:0', { grad: true });
await compare('maxPool2d indices', [[1, 2, 7, 7]], ([x]) => F.maxPool2d(x, 2, { stride: 1, dilation: 2, returnIndices: true })[1], 'pool:0');
await compare('maxPool2d ceil mode', [[2, 2, 7, 7]], ([x]) => F.maxPool2d(x, 2, { ceilMode: true }), 'pool:0', { grad: true });
await compare('maxPool1d', [[2, 3, 15]], ([x]) => F.maxPool1d(x, 3, { stride: 2 }), 'pool:0', { grad: true });
await compare('avgPool2d 3x3 s2 p1', [[2, 3, 9, 8]], ([x]) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), 'pool:3', { grad: true });
await compare('avgPool2d countIncludePad false', [[1, 2, 7, 7]], ([x]) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), 'pool:3', { grad: true });
await compare('adaptiveAvgPool2d', [[2, 3, 10, 7]], ([x]) => F.adaptiveAvgPool2d(x, [3, 4]), 'pool:3', { grad: true });
await compare('interpolate bilinear', [[1, 2, 5, 6]], ([x]) => F.interpolate(x, { size: [9, 4], mode: 'bilinear' }), 'pool:3', { grad: true });

// ---- attention
const sdpa = F.scaledDotProductAttention;
await compare('sdpa plain', [[2, 3, 20, 8], [2, 3, 24, 8], [2, 3, 24, 8]], ([q, k, v]) => sdpa(q, k, v), 'attention:', { tol: 1e-4 });
await compare('sdpa causal', [[2, 33, 16], [2, 33, 16], [2, 33, 16]], ([q, k, v]) => sdpa(q, k, v, { isCausal: true }), 'attention:', { tol: 1e-4 });
await compare('sdpa float mask broadcast', [[2, 2, 9, 7], [2, 2, 31, 7], [2, 2, 31, 5], [9, 31]], ([q, k, v, m]) => sdpa(q, k, v, { attnMask: m }), 'attention:', { tol: 1e-4 });
await compare('sdpa bool mask', [[2, 17, 12], [2, 40, 12], [2, 40, 12], [2, 17, 40]], ([q, k, v, m]) => sdpa(q, k, v, { attnMask: torch.gt(m, -1) }), 'attention:', { tol: 1e-4 });
await compare('sdpa transposed k, broadcast batch', [[2, 3, 10, 8], [1, 3, 8, 12], [1, 3, 12, 8]], ([q, k, v]) => sdpa(q, k.transpose(-2, -1), v, { scale: 0.3 }), 'attention:', { tol: 1e-4 });
await compare('sdpa with a CPU bool mask', [[2, 5, 8], [2, 9, 8], [2, 9, 8]], ([q, k, v]) => sdpa(q, k, v, { attnMask: torch.ones([5, 9], { dtype: 'bool' }).tril() }), 'attention:', { tol: 1e-4 });
await compare('sdpa head dim 64', [[1, 2, 40, 64], [1, 2, 50, 64], [1, 2, 50, 64]], ([q, k, v]) => sdpa(q, k, v), 'attention:', { tol: 1e-4 });
await compare('sdpa grad (fused backward)', [[2, 3, 20, 8], [2, 3, 24, 8], [2, 3, 24, 8]], ([q, k, v]) => sdpa(q, k, v), 'attention-backward:', { grad: true, tol: 1e-3 });
await compare('sdpa grad causal', [[2, 33, 16], [2, 33, 16], [2, 33, 16]], ([q, k, v]) => sdpa(q, k, v, { isCausal: true }), 'attention-backward:', { grad: true, tol: 1e-3 });
await compare('sdpa grad float mask', [[2, 2, 9, 7], [2, 2, 31, 7], [2, 2, 31, 5], [9, 31]], ([q, k, v, m]) => sdpa(q, k, v, { attnMask: m.detach() }), 'attention-backward:', { grad: true, tol: 1e-3 });
await compare('sdpa grad bool mask', [[2, 17, 12], [2, 40, 12], [2, 40, 12], [2, 17, 40]], ([q, k, v, m]) => sdpa(q, k, v, { attnMask: torch.gt(m.detach(), -1) }), 'attention-backward:', { grad: true, tol: 1e-3 });
await compare('sdpa grad broadcast k/v, transposed k', [[2, 3, 10, 8], [1, 3, 8, 12], [1, 3, 12, 8]], ([q, k, v]) => sdpa(q, k.transpose(-2, -1), v, { scale: 0.3 }), 'attention-backward:', { grad: true, tol: 1e-3 });
await compare('sdpa grad head 64', [[1, 2, 40, 64], [1, 2, 50, 64], [1, 2, 50, 64]], ([q, k, v]) => sdpa(q, k, v), 'attention-backward:', { grad: true, tol: 1e-3 });
await compare('sdpa grad head 128 (composed backward)', [[1, 1, 5, 128], [1, 1, 6, 128], [1, 1, 6, 128]], ([q, k, v]) => sdpa(q, k, v), 'attention:', { grad: true, tol: 1e-3 });
await compare('sdpa grad, mask requiring grad (composed)', [[2, 6, 8], [2, 7, 8], [2, 7, 8], [6, 7]], ([q, k, v, m]) => sdpa(q, k, v, { attnMask: m }), 'matmul:', { grad: true, tol: 1e-3 });
await ck.check('sdpa double backward (createGraph) matches the CPU', async () => {
  const { cpu, gpu } = inputs([[2, 5, 4], [2, 6, 4], [2, 6, 4]], true, 11);
  const second = async (ts: Tensor[]): Promise<Tensor[]> => {
    const y = sdpa(ts[0], ts[1], ts[2], { isCausal: true });
    const [gq] = torch.autograd.grad([torch.mul(y, y).sum()], [ts[0]], { createGraph: true });
    const [gk] = torch.autograd.grad([torch.mul(gq, gq).sum()], [ts[1]]);
    return [gq, gk];
  };
  const want = await second(cpu);
  const got = await second(gpu);
  for (let i = 0; i < 2; i++) {
    const g2 = torch.tensor(Array.from(await got[i].data() as Float32Array), { dtype: 'float32' }).reshape(got[i].shape);
    await ck.same(`double backward ${i}`, g2, want[i].detach(), 1e-3, 1e-4);
  }
});

console.error(JSON.stringify({ kernels: torch.webgpu.stats().kernels, fallbacks: torch.webgpu.stats().fallbacks }));
ck.finish();
