// Standalone check of the WebGPU softmax / log-softmax forward and backward launchers
// (ts/backend/webgpu/softmax.ts) against the CPU kernels (softmaxRaw / softmaxBackwardRaw) as the
// oracle: last and inner dims, long rows (workgroup path) and short rows (per-invocation path),
// non-contiguous inputs, 0-d and empty tensors, and rows with -inf.
//   deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-softmax.ts
import * as torch from '../../ts/index.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { softmaxBackwardRaw, softmaxRaw } from '../../ts/ops/softmax.js';
import { gpuLogsumexp, gpuSoftmax, gpuSoftmaxBackward } from '../../ts/backend/webgpu/softmax.js';
import { cpuOf, gpuOf, initGpu, Checker, rand } from './kernels-util.js';

const ck = new Checker('softmax');
await initGpu();

const ninf = rand([3, 6]);
const nd = ninf.dataSync() as Float32Array;
nd[2] = -Infinity;
nd[9] = -Infinity;
const cases: [string, Tensor, number][] = [
  ['last', rand([8, 100], -5, 5), 1],
  ['long', rand([3, 3000], -10, 10), 1],
  ['manyShort', rand([2000, 10], -5, 5), 1],
  ['inner', rand([3, 10, 50]), 1],
  ['innerLong', rand([2, 700, 3]), 1],
  ['first', rand([20, 7]), 0],
  ['t', rand([9, 40]).t(), 1],
  ['0d', torch.tensor(1.5), 0],
  ['empty', torch.zeros([0, 5]), 1],
  ['ninf', torch.tensor(Array.from(nd)).reshape([3, 6]), 1],
];
for (const log of [false, true]) {
  for (const [cn, x, d] of cases) {
    const id = `${log ? 'logSoftmax' : 'softmax'} ${cn} dim=${d}`;
    await ck.check(id, async () => {
      const g = gpuSoftmax(await gpuOf(x), d, log);
      if (!g) throw new Error('returned null');
      await ck.same(id, await cpuOf(g), softmaxRaw(x, d, log), 1e-5, 1e-6);
    });
    const bid = `${id} backward`;
    await ck.check(bid, async () => {
      const y = softmaxRaw(x, d, log);
      const gy = rand(x.shape, -1, 1, 5);
      const g = gpuSoftmaxBackward(await gpuOf(y), await gpuOf(gy), d, log);
      if (!g) throw new Error('returned null');
      await ck.same(bid, await cpuOf(g), softmaxBackwardRaw(y, gy, d, log), 1e-4, 1e-5);
    });
  }
}
// logsumexp over one run of dims, separate dims (permuting copy), all dims, with -inf / inf / NaN rows
const odd = torch.tensor([[-Infinity, -Infinity], [Infinity, 1], [NaN, 2], [80, 90]]);
const lseCases: [string, Tensor, number[]][] = [
  ['last', rand([8, 100], -5, 5), [1]], ['inner', rand([3, 10, 50]), [1]], ['run', rand([3, 4, 5, 6]), [1, 2]],
  ['split', rand([3, 4, 5, 6]), [0, 2]], ['all', rand([5, 6]), [0, 1]], ['t', rand([9, 40]).t(), [1]],
  ['long', rand([2, 3000], -10, 10), [1]], ['odd', odd, [1]], ['0d', torch.tensor(1.5), []],
];
for (const [cn, x, dims] of lseCases) {
  for (const keepdim of [false, true]) {
    const id = `logsumexp ${cn} dims=[${dims}] keepdim=${keepdim}`;
    await ck.check(id, async () => {
      const outShape = keepdim ? x.shape.map((d, i) => (dims.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !dims.includes(i));
      const g = gpuLogsumexp(await gpuOf(x), dims, outShape);
      if (!g) throw new Error('returned null');
      await ck.same(id, await cpuOf(g), torch.logsumexp(x, dims.length ? dims : 0, keepdim), 1e-5, 1e-5);
    });
  }
}
ck.finish();
