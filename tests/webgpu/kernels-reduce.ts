// Standalone check of the WebGPU reductions (ts/backend/webgpu/reduce.ts, gpu-bridge/reduce.wgsl)
// against the CPU kernel (reduceRaw) as the oracle: every reduction kind over single dims, several
// separate dims, all dims, on contiguous, transposed/permuted and sliced views, long rows (workgroup
// tree path) and many short outputs (per-invocation path), 0-d inputs and NaN propagation.
//   deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-reduce.ts
import * as torch from '../../ts/index.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { reduceRaw, type ReduceKind } from '../../ts/ops/reduce.js';
import { gpuArgReduce, gpuMoments, gpuReduce, REDUCE_OPS } from '../../ts/backend/webgpu/reduce.js';
import { cpuOf, gpuOf, initGpu, Checker, rand } from './kernels-util.js';

const ck = new Checker('reduce');
await initGpu();

const withNan = rand([3, 5]);
const nanData = withNan.dataSync() as Float32Array;
nanData[7] = NaN;
const nanT = torch.tensor(Array.from(nanData)).reshape([3, 5]);
const cases: [string, Tensor, number[]][] = [
  ['row', rand([7, 300]), [1]],
  ['col', rand([300, 7]), [0]],
  ['mid', rand([4, 50, 6]), [1]],
  ['two', rand([4, 5, 6, 3]), [0, 2]],
  ['all', rand([6, 7, 8]), [0, 1, 2]],
  ['t', rand([9, 40]).t(), [1]],
  ['perm', rand([3, 4, 5, 6]).permute([2, 0, 3, 1]), [1, 3]],
  ['slice', rand([8, 30]).narrow(1, 3, 20), [1]],
  ['0d', torch.tensor(2.5), []],
  ['long', rand([3, 5000], 0, 1), [1]],
  ['split', rand([2, 70000], 0, 1), [1]],
  ['splitAll', rand([300, 400], -1, 1), [0, 1]],
  ['splitT', rand([40000, 3], 0, 1).t(), [1]],
  ['manyShort', rand([20000, 3]), [1]],
  ['manyCols', rand([40, 5000], 0, 2), [0]],
  ['nan', nanT, [1]],
  ['nanAll', nanT, [0, 1]],
  ['emptyOut', torch.zeros([0, 4]), [1]],
  ['half', rand([5, 9]).to('float16'), [0]],
];
for (const kind of Object.keys(REDUCE_OPS) as ReduceKind[]) {
  for (const [cn, x, dims] of cases) {
    for (const keepdim of [false, true]) {
      const id = `${kind} ${cn} dims=[${dims}] keepdim=${keepdim}`;
      await ck.check(id, async () => {
        const g = gpuReduce(kind, await gpuOf(x), dims, keepdim);
        if (!g) throw new Error('returned null');
        const want = reduceRaw(kind, x, dims, keepdim);
        const tol = kind === 'prod' ? 1e-3 : 2e-5;
        await ck.same(id, await cpuOf(g), want, tol, 1e-4);
      });
    }
  }
}
for (const [cn, x, dims] of cases) {
  if (cn === 'emptyOut' || cn === 'nan' || cn === 'nanAll') continue;
  for (const [correction, takeSqrt] of [[1, false], [0, true], [1, true]] as const) {
    const id = `moments ${cn} dims=[${dims}] correction=${correction} sqrt=${takeSqrt}`;
    await ck.check(id, async () => {
      const g = gpuMoments(await gpuOf(x), dims, true, correction, takeSqrt);
      if (!g) throw new Error('returned null');
      const xf = x.to('float32');
      const opts = { dim: dims.length ? dims : null, correction, keepdim: true };
      const want = takeSqrt ? torch.std(xf, opts) : torch.var(xf, opts);
      await ck.same(`${id} v`, await cpuOf(g.v), want, 1e-4, 1e-5);
      await ck.same(`${id} m`, await cpuOf(g.m), dims.length ? torch.mean(xf, dims, true) : xf, 1e-4, 1e-5);
    });
  }
}
// int64 sum / max / min (incl. values beyond 32 bits and negative carries)
const bigI = torch.tensor([[4294967295, 1, -3, 5000000000], [-4294967296, -1, 7, 2], [123, -123456789012, 0, 9]]);
const intCases: [string, Tensor, number[]][] = [
  ['big', bigI, [1]], ['bigCol', bigI, [0]], ['bigAll', bigI, [0, 1]], ['row', rand([7, 300], -1000, 1000).to('int64'), [1]],
  ['col', rand([300, 7], -1000, 1000).to('int64'), [0]], ['t', rand([9, 40], -50, 50).to('int64').t(), [1]],
  ['bool', rand([20, 30], -1, 1).gt(0).to('int64'), [0, 1]], ['manyShort', rand([20000, 3], -9, 9).to('int64'), [1]],
];
for (const kind of ['sum', 'max', 'min'] as const) {
  for (const [cn, x, dims] of intCases) {
    const id = `int64 ${kind} ${cn} dims=[${dims}]`;
    await ck.check(id, async () => {
      const g = gpuReduce(kind, await gpuOf(x), dims, false);
      if (!g) throw new Error('returned null');
      await ck.same(id, await cpuOf(g), reduceRaw(kind, x, dims, false), 0, 0);
    });
  }
}

// argmax / argmin along one dim and flattened (ties: first occurrence; NaN wins)
const ties = torch.tensor([[1, 3, 3, 0], [2, 2, 2, 2], [5, NaN, 7, NaN], [-1, -4, -4, -1]]);
const argCases: [string, Tensor, number | null][] = [
  ['row', rand([7, 300]), 1], ['col', rand([300, 7]), 0], ['ties', ties, 1], ['tiesCol', ties, 0], ['t', rand([9, 40]).t(), 1],
  ['flat', rand([6, 7, 8]), null], ['flatT', ties.t(), null], ['long', rand([2, 5000]), 1], ['manyShort', rand([20000, 3]), 1], ['0d', torch.tensor(2.5), 0],
];
for (const op of [0, 1] as const) {
  for (const [cn, x, dim] of argCases) {
    const id = `${op ? 'argmin' : 'argmax'} ${cn} dim=${dim}`;
    await ck.check(id, async () => {
      const dims = dim === null ? x.shape.map((_, i) => i) : x.ndim === 0 ? [] : [dim];
      const outShape = dim === null ? [] : x.shape.filter((_, i) => i !== dim);
      const g = gpuArgReduce(op, await gpuOf(x), dims, outShape);
      if (!g) throw new Error('returned null');
      const wantI = op ? torch.argmin(x, dim === null ? undefined : dim) : torch.argmax(x, dim === null ? undefined : dim);
      await ck.same(`${id} indices`, await cpuOf(g.indices), wantI, 0, 0);
      if (dim !== null && x.ndim > 0) {
        const r = (op ? torch.min(x, dim) : torch.max(x, dim)) as unknown as { values: Tensor };
        await ck.same(`${id} values`, await cpuOf(g.values), r.values, 0, 0);
      }
    });
  }
}
ck.finish();
