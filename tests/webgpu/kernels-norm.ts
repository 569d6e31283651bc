// Standalone check of the WebGPU layer norm / RMS norm launchers (ts/backend/webgpu/norm.ts) against
// the CPU backend as the oracle: forward y, mean and rstd, and the backward (input, weight and bias
// gradients from CPU autograd), with and without affine parameters, short and long rows, many rows
// (chunked weight gradients), a non-contiguous input and an empty input.
//   deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-norm.ts
import * as torch from '../../ts/index.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { gpuLayerNorm, gpuLayerNormBackward } from '../../ts/backend/webgpu/norm.js';
import { cpuOf, gpuOf, initGpu, Checker, rand } from './kernels-util.js';

const ck = new Checker('norm');
await initGpu();

const cases: [string, Tensor, number[]][] = [
  ['short', rand([6, 10], -2, 3), [10]],
  ['wide', rand([3, 1000], -2, 3), [1000]],
  ['twoDims', rand([4, 5, 6]), [5, 6]],
  ['manyRows', rand([5000, 12]), [12]],
  ['t', rand([16, 7]).t(), [16]],
  ['empty', torch.zeros([0, 8]), [8]],
];
for (const rms of [false, true]) {
  for (const affine of [true, false]) {
    for (const [cn, x, ns] of cases) {
      const n = ns.reduce((a, b) => a * b, 1);
      const rows = n === 0 ? 0 : x.numel() / n;
      const statShape = x.shape.map((d, i) => (i >= x.ndim - ns.length ? 1 : d));
      const w = affine ? rand(ns, 0.5, 1.5, 3) : null;
      const b = affine && !rms ? rand(ns, -1, 1, 4) : null;
      const eps = 1e-5;
      const id = `${rms ? 'rmsNorm' : 'layerNorm'} ${cn}${affine ? ' affine' : ''}`;
      await ck.check(id, async () => {
        const xg = x.detach().requiresGrad_();
        const wg = w ? w.detach().requiresGrad_() : null;
        const bg = b ? b.detach().requiresGrad_() : null;
        const y = rms ? torch.rmsNorm(xg, ns, wg, { eps }) : torch.layerNorm(xg, ns, wg, bg, { eps });
        const gy = rand(x.shape, -1, 1, 9);
        y.mul(gy).sum().backward();
        const r = gpuLayerNorm(rms, await gpuOf(x), w ? await gpuOf(w) : null, b ? await gpuOf(b) : null, statShape, rows, n, eps);
        if (!r) throw new Error('forward returned null');
        await ck.same(`${id} y`, await cpuOf(r.y), y.detach(), 1e-4, 1e-5);
        const dims = ns.map((_, i) => x.ndim - ns.length + i);
        const m = rms ? torch.zeros(statShape) : x.mean(dims, true);
        const v = rms ? x.mul(x).mean(dims, true) : x.sub(m).pow(2).mean(dims, true);
        if (rows > 0) {
          await ck.same(`${id} mean`, await cpuOf(r.mean), m, 1e-4, 1e-5);
          await ck.same(`${id} rstd`, await cpuOf(r.rstd), v.add(eps).rsqrt(), 1e-4, 1e-5);
        }
        const gr = gpuLayerNormBackward(rms, await gpuOf(x), w ? await gpuOf(w) : null, await gpuOf(gy), r.mean, r.rstd, rows, n, [true, !!w, !!b]);
        if (!gr || !gr.gx) throw new Error('backward returned null');
        await ck.same(`${id} gx`, await cpuOf(gr.gx), xg.grad as Tensor, 1e-3, 1e-4);
        if (wg) await ck.same(`${id} gw`, (await cpuOf(gr.gw as Tensor)).reshape(ns), wg.grad as Tensor, 1e-3, 1e-3);
        if (bg) await ck.same(`${id} gb`, (await cpuOf(gr.gb as Tensor)).reshape(ns), bg.grad as Tensor, 1e-3, 1e-3);
      });
    }
  }
}
ck.finish();
