// Standalone check of the elementwise WebGPU launchers (ts/backend/webgpu/elementwise.ts: copy/cast,
// unary and binary ops generated from ts/ops/pointwise-table.ts) against the CPU backend as the
// oracle, on contiguous, transposed, sliced and broadcast inputs, 0-d and empty tensors, and the
// special values (NaN, inf, 0, negative bases). Runs in Deno on the TypeScript sources:
//   deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-elementwise.ts
// Prints one `elementwise-result {json}` line; exits 1 on a failure.
import * as torch from '../../ts/index.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { binaryKernels, compareKernels, opCode, unaryKernels } from '../../ts/ops/pointwise-table.js';
import { gpuBinary, gpuCopy, gpuCopyInto, gpuUnary, gpuWhere } from '../../ts/backend/webgpu/elementwise.js';
import { copyInto, launchWhere } from '../../ts/ops/launch.js';
import { launchBinary as launchBinaryT, launchUnary as launchUnaryT } from '../../ts/ops/launch.js';
import { cpuOf, gpuOf, initGpu, Checker, rand } from './kernels-util.js';

const ck = new Checker('elementwise');
await initGpu();

const special = torch.tensor([0, -0, 1, -1, 0.5, -0.5, 2, -2, 3.5, -3.5, 1e-7, -1e-7, 20, -20, 88, -100, Infinity, -Infinity, NaN, 0.25, 10, 1e4]);

// ---- copy / cast
{
  const x = rand([5, 7], -300, 300);
  const views: [string, Tensor][] = [
    ['contig', x],
    ['t', x.t()],
    ['slice', x.narrow(1, 1, 5)],
    ['0d', torch.tensor(2.75)],
    ['empty', torch.zeros([0, 3])],
    ['4d', rand([2, 3, 4, 5]).permute([3, 1, 0, 2])],
  ];
  const dts = ['float32', 'int32', 'int64', 'float16', 'bool', 'uint8', 'int8'] as const;
  for (const [vn, v] of views) {
    for (const s of dts) {
      const src = v.to(s);
      const g = await gpuOf(src);
      const gv = g;
      for (const d of dts) {
        const id = `copy ${vn} ${s}->${d}`;
        await ck.check(id, async () => {
          const r = gpuCopy(gv, d);
          if (!r) throw new Error('returned null');
          const want = src._copyTo(d);
          await ck.same(id, await cpuOf(r), want, 0, 0);
        });
      }
    }
  }
}

// ---- copyInto: strided destinations (slices, transposed views), casts, overlapping source
{
  const srcs: [string, () => Tensor][] = [
    ['f32', () => rand([4, 5], -50, 50, 21)],
    ['i64', () => rand([4, 5], -50, 50, 22).to('int64')],
    ['bool', () => rand([4, 5], -1, 1, 23).gt(0)],
    ['t', () => rand([5, 4], -50, 50, 24).t()],
  ];
  for (const dt of ['float32', 'int32', 'int64'] as const) {
    for (const [sn, mk] of srcs) {
      for (const dv of ['whole', 'slice', 't']) {
        const id = `copyInto ${sn}->${dt} ${dv}`;
        await ck.check(id, async () => {
          const base = rand([6, 8], -9, 9, 25).to(dt);
          const view = (b: Tensor) => (dv === 'whole' ? b.narrow(0, 0, 4).narrow(1, 0, 5).contiguous() : dv === 'slice' ? b.narrow(0, 1, 4).narrow(1, 2, 5) : b.t().narrow(0, 1, 4).narrow(1, 0, 5));
          const src = mk();
          const gbase = await gpuOf(base);
          const gsrc = await gpuOf(src);
          const cv = view(base);
          const gv = dv === 'whole' ? await gpuOf(cv) : view(gbase);
          if (!gpuCopyInto(gv, gsrc)) throw new Error('returned false');
          copyInto(cv, src);
          await ck.same(id, await cpuOf(dv === 'whole' ? gv : gbase), dv === 'whole' ? cv : base, 0, 0);
        });
      }
    }
  }
  await ck.check('copyInto overlapping', async () => {
    const base = rand([5, 5], -9, 9, 26);
    const g = await gpuOf(base);
    if (!gpuCopyInto(g, g.t())) throw new Error('returned false');
    await ck.same('copyInto overlapping', await cpuOf(g), base.t().contiguous(), 0, 0);
  });
}

// ---- unary: every op with a wgsl form, on a strided view and the special values
const xs = rand([6, 9], -3, 3, 7);
for (const name of Object.keys(unaryKernels) as (keyof typeof unaryKernels)[]) {
  const e = unaryKernels[name] as { wgsl?: string };
  if (!e.wgsl || name === 'bitwiseNot') continue;
  const op = opCode(unaryKernels, name);
  const pq: Record<string, [number, number]> = {
    leakyRelu: [0.1, 0], elu: [1.3, 0], celu: [0.7, 0], softplus: [1.5, 10], hardtanh: [-1, 1.5], clamp: [-0.5, 0.75],
    clampMin: [0.2, 0], clampMax: [0.2, 0], powScalar: [3, 0], rpowScalar: [2.5, 0],
  };
  const [p, q] = pq[name] ?? [0, 0];
  const inputs: [string, Tensor][] = [['strided', xs.t()], ['special', special], ['0d', torch.tensor(0.3)], ['empty', torch.zeros([2, 0])]];
  if (name === 'acosh') inputs[0] = ['strided', xs.t().abs().add(1)];
  if (name === 'powScalar') inputs.push(['p0.5', special], ['p-2', special], ['p2', special]);
  for (const [vn, x] of inputs) {
    let pp = p;
    if (vn === 'p0.5') pp = 0.5;
    if (vn === 'p-2') pp = -2;
    if (vn === 'p2') pp = 2;
    const id = `unary ${name} ${vn}${pp !== p ? ` p=${pp}` : ''}`;
    await ck.check(id, async () => {
      const g = await gpuOf(x);
      const r = gpuUnary(op, g, pp, q);
      if (!r) throw new Error('returned null');
      const want = cpuUnary(op, x, pp, q);
      await ck.same(id, await cpuOf(r), want, 1e-4, 1e-5);
    });
  }
}

/** The CPU kernel the GPU one mirrors (ts/ops/launch.ts launchUnary). */
function cpuUnary(op: number, x: Tensor, p: number, q: number): Tensor {
  return launchUnaryT(op, x, p, q);
}

// ---- binary with broadcasting, strided views and scalars
const A = rand([4, 1, 6], -4, 4, 3);
const B = rand([5, 1], -4, 4, 5);
const At = rand([6, 4], -4, 4, 11).t(); // [4, 6] transposed view
const Bs = rand([4, 6], -4, 4, 13);
const cases: [string, Tensor, Tensor][] = [
  ['bcast', A, B],
  ['t*contig', At, Bs],
  ['same', Bs, rand([4, 6], -4, 4, 17)],
  ['special', special.reshape([22, 1]), special.reshape([1, 22])],
  ['scalarB', Bs, torch.tensor(1.5)],
  ['scalarA', torch.tensor(-2.5), Bs],
  ['0d', torch.tensor(3), torch.tensor(-2)],
  ['empty', torch.zeros([0, 6]), torch.zeros([1, 6])],
];
for (const cmp of [false, true]) {
  const names = cmp ? Object.keys(compareKernels) : Object.keys(binaryKernels);
  for (const name of names) {
    if (!cmp && (name.startsWith('bitwise') || name.endsWith('Shift'))) continue;
    const op = cmp ? opCode(compareKernels, name as keyof typeof compareKernels) : opCode(binaryKernels, name as keyof typeof binaryKernels);
    for (const [cn, a, b] of cases) {
      for (const uniform of cn.startsWith('scalar') ? [false, true] : [false]) {
        const id = `${cmp ? 'compare' : 'binary'} ${name} ${cn}${uniform ? ' (uniform)' : ''}`;
        await ck.check(id, async () => {
          const ga = uniform && cn === 'scalarA' ? a : await gpuOf(a);
          const gb = uniform && cn === 'scalarB' ? b : await gpuOf(b);
          const r = gpuBinary(op, ga, gb, 'float32', cmp);
          if (!r) throw new Error('returned null');
          const want = launchBinaryT(op, a, b, 'float32', cmp);
          await ck.same(id, await cpuOf(r), want, 1e-4, 1e-5);
        });
      }
    }
  }
}

// ---- integer binary ops and comparisons (int32 and int64, incl. values beyond 32 bits)
{
  const big = torch.tensor([0, 1, -1, 5, -7, 4294967296, -4294967297, 3000000000, -3000000000, 123456789012, 2, -2]);
  const intCases: [string, Tensor, Tensor][] = [
    ['bcast', rand([4, 1, 6], -50, 50, 41).to('int64'), rand([5, 1], -50, 50, 42).to('int64')],
    ['big', big.reshape([12, 1]), big.reshape([1, 12])],
    ['t', rand([6, 4], -50, 50, 43).to('int64').t(), rand([4, 6], -50, 50, 44).to('int64')],
    ['scalar', rand([3, 5], -9, 9, 45).to('int64'), torch.tensor(3)],
    ['bool', rand([3, 5], -1, 1, 46).gt(0), rand([3, 5], -1, 1, 47).gt(0)],
  ];
  const intNames = ['add', 'sub', 'mul', 'maximum', 'minimum', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor', 'logicalAnd', 'logicalOr', 'logicalXor'];
  for (const cd of ['int64', 'int32'] as const) {
    for (const cmp of [false, true]) {
      for (const name of cmp ? Object.keys(compareKernels) : intNames) {
        const op = cmp ? opCode(compareKernels, name as keyof typeof compareKernels) : opCode(binaryKernels, name as keyof typeof binaryKernels);
        for (const [cn, a0, b0] of intCases) {
          if (cd === 'int32' && cn === 'big') continue;
          const a = cn === 'bool' ? a0 : a0.to(cd);
          const b = cn === 'bool' ? b0 : b0.to(cd);
          for (const uniform of cn === 'scalar' ? [false, true] : [false]) {
            const id = `int ${cd} ${name} ${cn}${uniform ? ' (uniform)' : ''}`;
            await ck.check(id, async () => {
              const gb = uniform ? b : await gpuOf(b);
              const r = gpuBinary(op, await gpuOf(a), gb, cd, cmp);
              if (!r) throw new Error('returned null');
              await ck.same(id, await cpuOf(r), launchBinaryT(op, a, b, cd, cmp), 0, 0);
            });
          }
        }
      }
    }
  }
}

// ---- where: bool condition broadcast against float32 / int32 / int64 values and scalars
for (const dt of ['float32', 'int32', 'int64'] as const) {
  const cond = rand([4, 1, 6], -1, 1, 31).gt(0);
  const wcases: [string, Tensor, Tensor, Tensor][] = [
    ['bcast', cond, rand([5, 1], -9, 9, 32).to(dt), rand([6], -9, 9, 33).to(dt)],
    ['t', rand([6, 4], -1, 1, 34).gt(0).t(), rand([6, 4], -9, 9, 35).to(dt).t(), rand([4, 6], -9, 9, 36).to(dt)],
    ['scalarA', cond, torch.tensor(7).to(dt), rand([4, 5, 6], -9, 9, 37).to(dt)],
    ['scalarB', cond, rand([4, 5, 6], -9, 9, 38).to(dt), torch.tensor(-3).to(dt)],
  ];
  for (const [wn, c, a, b] of wcases) {
    for (const uniform of wn.startsWith('scalar') ? [false, true] : [false]) {
      const id = `where ${dt} ${wn}${uniform ? ' (uniform)' : ''}`;
      await ck.check(id, async () => {
        const ga = uniform && wn === 'scalarA' ? a : await gpuOf(a);
        const gb = uniform && wn === 'scalarB' ? b : await gpuOf(b);
        const r = gpuWhere(await gpuOf(c), ga, gb);
        if (!r) throw new Error('returned null');
        await ck.same(id, await cpuOf(r), launchWhere(c, a, b), 0, 0);
      });
    }
  }
}

ck.finish();
