// Explicit checks of the WebGPU backend through the public API, each against the CPU result of the
// same calls (the oracle): the torch.webgpu surface (isAvailable, init, stats, setPolicy), GPU
// creation and transfers, broadcasting, 0-d, empty and non-contiguous inputs (transposed, sliced,
// stepped, expanded views on the GPU), sizes that do not fill a kernel tile (matmul, bmm with
// transposed operands, conv2d strided/padded/grouped/depthwise, softmax, layerNorm, reductions,
// attention), autograd on the GPU, ops without a GPU kernel (CPU fallback gives the CPU's answer and
// keeps the device), sync reads throwing an error that names `await x.data()`, module.to('webgpu'),
// and torch.memory().gpuBytes going back down after dispose. Runtime-neutral.
import { Checks, GPU, assert, expectClose, expectTensor, expectThrow, values, webgpuApi, type SuiteResult, type Tensor, type Torch } from './suite-common.js';

type Place = (t: Tensor) => Tensor;
type Result = Tensor | Tensor[] | Record<string, Tensor>;
type Fn = (...a: unknown[]) => Tensor;

/**
 * Runs `build` twice with the same seed: on the CPU (place = identity) and on the GPU (place moves
 * each input to the GPU); compares every result tensor (device, dtype, shape, values).
 */
async function vsCpu(torch: Torch, build: (place: Place) => Result, rtol = 1e-4, atol = 1e-5): Promise<void> {
  await torch.scope(async () => {
    torch.manualSeed(1234);
    const cpu = build((t) => t);
    torch.manualSeed(1234);
    const gpu = build((t) => t.to(GPU));
    const flat = (r: Result): [string, Tensor][] =>
      r instanceof torch.Tensor ? [['out', r]] : Array.isArray(r) ? r.map((t, i) => [`out[${i}]`, t] as [string, Tensor]) : Object.entries(r);
    const c = flat(cpu);
    const g = flat(gpu);
    assert(c.length === g.length, `result count ${g.length}, expected ${c.length}`);
    for (let i = 0; i < c.length; i++) await expectTensor(g[i][1], c[i][1], g[i][0], rtol, atol);
  });
}

/** Like vsCpu, and also compares the gradients of the inputs marked requiresGrad. */
async function gradVsCpu(torch: Torch, shapes: number[][], f: (xs: Tensor[]) => Tensor, rtol = 1e-4, atol = 1e-5): Promise<void> {
  await torch.scope(async () => {
    torch.manualSeed(99);
    const base = shapes.map((s) => torch.randn(s));
    const run = (dev: 'cpu' | 'webgpu') => {
      const xs = base.map((b) => (dev === 'cpu' ? b.clone() : b.to(GPU)).detach().requiresGrad_());
      const y = f(xs);
      y.backward(torch.onesLike(y));
      return { y, grads: xs.map((x) => x.grad) };
    };
    const c = run('cpu');
    const g = run(GPU);
    await expectTensor(g.y, c.y, 'out', rtol, atol);
    for (let i = 0; i < shapes.length; i++) {
      const gg = g.grads[i];
      const cg = c.grads[i];
      assert(gg && cg, `grad[${i}] missing (gpu ${gg ? 'set' : 'null'}, cpu ${cg ? 'set' : 'null'})`);
      await expectTensor(gg, cg, `grad[${i}]`, rtol, Math.max(atol, 1e-5));
    }
  });
}

function randn(torch: Torch, ...shape: number[]): Tensor {
  return torch.randn(shape);
}

/** Runs the explicit checks; `info` receives the adapter info from init(). */
export async function runChecksSuite(torch: Torch): Promise<SuiteResult & { info: unknown; stats: unknown }> {
  const k = new Checks();
  const gpu = webgpuApi(torch);
  const F = torch.F as unknown as Record<string, Fn>;
  const T = torch as unknown as Record<string, Fn>;
  let info: unknown = null;

  await k.run('torch.webgpu exists with isAvailable/init/stats', () => {
    assert(gpu, 'torch.webgpu is missing');
    for (const m of ['isAvailable', 'init', 'stats'] as const) assert(typeof gpu[m] === 'function', `torch.webgpu.${m} is not a function`);
  });
  if (!gpu) return { ...k.result(), info, stats: null };
  await k.run('isAvailable() resolves true', async () => {
    const a = await gpu.isAvailable();
    assert(a === true, `isAvailable() gave ${String(a)}`);
  });
  await k.run('init() returns the device info (and again the same on a second call)', async () => {
    info = await gpu.init();
    assert(info && typeof info === 'object', `init() gave ${String(info)}`);
    JSON.stringify(info);
    const again = await gpu.init();
    assert(JSON.stringify(again) === JSON.stringify(info), 'init() changed its answer on the second call');
  });
  await k.run('stats() returns an object', () => {
    const s = gpu.stats();
    assert(s && typeof s === 'object', `stats() gave ${String(s)}`);
    JSON.stringify(s);
  });

  // ---- creation and transfer ----
  await k.run("torch.tensor(data, { device: 'webgpu' })", async () => {
    const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32', device: GPU } as never);
    assert(x.device === GPU, `device ${x.device}`);
    assert(x.shape.join() === '2,3', `shape ${x.shape}`);
    expectClose(await values(x), [1, 2, 3, 4, 5, 6], 'values');
    const y = torch.tensor([1.5, -2], { device: GPU } as never);
    assert(y.dtype === 'float32' && y.device === GPU, `${y.dtype} on ${y.device}`);
    x.dispose();
    y.dispose();
  });
  await k.run('creation functions with device', async () => {
    const z = T.zeros([2, 3], { device: GPU });
    const o = T.ones([4], { device: GPU });
    const f = T.full([2, 2], 7.5, { device: GPU });
    const a = T.arange(0, 5, { device: GPU });
    for (const [n, t] of [['zeros', z], ['ones', o], ['full', f], ['arange', a]] as const) assert(t.device === GPU, `${n}: device ${t.device}`);
    expectClose(await values(z), [0, 0, 0, 0, 0, 0], 'zeros');
    expectClose(await values(o), [1, 1, 1, 1], 'ones');
    expectClose(await values(f), [7.5, 7.5, 7.5, 7.5], 'full');
    expectClose(await values(a), [0, 1, 2, 3, 4], 'arange');
    assert(a.dtype === 'int64', `arange dtype ${a.dtype}`);
    for (const t of [z, o, f, a]) t.dispose();
  });
  await k.run("x.to('webgpu') keeps values, dtype and shape (float32, int32, int64, bool, float16)", async () => {
    for (const dtype of ['float32', 'int32', 'int64', 'bool', 'float16'] as const) {
      const c = torch.tensor([[1, 0, 3], [0, 5, 6]], { dtype });
      const g = c.to(GPU);
      assert(g.device === GPU && g.dtype === dtype, `${dtype}: got ${g.dtype} on ${g.device}`);
      assert(c.device === 'cpu', 'the source moved');
      expectClose(await values(g), await values(c), dtype);
      c.dispose();
      g.dispose();
    }
  });
  await k.run('a non-contiguous CPU view moves to the GPU with its values', async () => {
    const c = torch.arange(0, 24, { dtype: 'float32' } as never).reshape(4, 6);
    const v = c.t().narrow(0, 1, 3);
    const g = v.to(GPU);
    expectClose(await values(g), await values(v), 'view');
    assert(g.shape.join() === '3,4', `shape ${g.shape}`);
    c.dispose();
    g.dispose();
  });

  // ---- sync reads ----
  await k.run('sync reads of a GPU tensor throw an Error naming `await x.data()`', () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float32' }).to(GPU);
    const s = x.sum();
    // tolist() may name its own async counterpart, `await x.array()`
    for (const [name, f, call] of [['dataSync()', () => x.dataSync(), /await x\.data\(\)/], ['item()', () => s.item(), /await x\.data\(\)/], ['tolist()', () => x.tolist(), /await x\.(data|array)\(\)/]] as const) {
      const e = expectThrow(f, name);
      assert(e instanceof Error, `${name} threw a non-Error`);
      assert(call.test(e.message), `${name}: message does not name ${call.source.replace(/\\/g, '')}: "${e.message}"`);
    }
    x.dispose();
    s.dispose();
  });
  await k.run('await x.array() and await x.data() read GPU tensors', async () => {
    const x = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' }).to(GPU).mul(2);
    const a = await x.array();
    assert(JSON.stringify(a) === '[[2,4],[6,8]]', `array() gave ${JSON.stringify(a)}`);
    const d = await x.data();
    assert(d instanceof Float32Array, `data() gave ${d?.constructor?.name}`);
    x.dispose();
  });

  // ---- broadcasting, scalars, 0-d, empty ----
  await k.run('broadcasting: [3,1] + [1,4], [2,3,4] * [4], [5,1,3] - [4,1], where, maximum', () =>
    vsCpu(torch, (P) => {
      const a = P(randn(torch, 3, 1));
      const b = P(randn(torch, 1, 4));
      const c = P(randn(torch, 2, 3, 4));
      const d = P(randn(torch, 4));
      const e = P(randn(torch, 5, 1, 3));
      const f = P(randn(torch, 4, 1));
      return [a.add(b), c.mul(d), e.sub(f), torch.where(c.gt(0), c, d), torch.maximum(a, b), c.div(d.abs().add(1))];
    }));
  await k.run('scalars: x + 2, x * 0.5, 2 ** x, x.pow(3), x.clamp(-0.5, 0.5)', () =>
    vsCpu(torch, (P) => {
      const x = P(randn(torch, 3, 5));
      return [x.add(2), x.mul(0.5), torch.pow(2, x), x.pow(3), x.clamp(-0.5, 0.5)];
    }));
  await k.run('0-d tensors: elementwise, with [3], sum of 0-d, max', () =>
    vsCpu(torch, (P) => {
      const s = P(torch.tensor(1.5));
      const v = P(randn(torch, 3));
      return [s.exp(), s.mul(v), v.mul(s), s.sum(), v.sum(), v.max(), s.add(s)];
    }));
  await k.run('empty tensors: elementwise, sum, mean, [2,0] @ [0,3], cat with empty', async () => {
    await vsCpu(torch, (P) => {
      const e = P(torch.zeros([0, 3]));
      const a = P(torch.zeros([2, 0]));
      const b = P(torch.zeros([0, 3]));
      const x = P(randn(torch, 2, 3));
      return [e.add(1), e.sum(), e.sum(0), a.matmul(b), torch.cat([x, e], 0), e.exp()];
    });
    const m = torch.zeros([0]).to(GPU).mean();
    assert(Number.isNaN((await values(m))[0]), 'mean of empty is not NaN');
  });

  // ---- non-contiguous views on the GPU ----
  await k.run('non-contiguous: transposed, narrowed, stepped, permuted, expanded, selected views', () =>
    vsCpu(torch, (P) => {
      const x = P(randn(torch, 6, 8));
      const y = P(randn(torch, 6, 8));
      const z = P(randn(torch, 2, 3, 4));
      const r = P(randn(torch, 8));
      const step = T.sliceDim(x, 1, 1, 8, 3);
      return [
        x.t().add(1),
        x.t().mul(y.t()),
        x.narrow(1, 2, 4).exp(),
        step.mul(2),
        z.permute(2, 0, 1).contiguous(),
        z.permute(2, 0, 1).relu(),
        r.expand([6, 8]).add(x),
        x.select(1, 3).neg(),
        x.t().sum(1),
        x.t().contiguous(),
        x.narrow(0, 1, 4).t().matmul(y.narrow(0, 2, 4)),
      ];
    }));
  await k.run('in-place ops on GPU tensors and views (add_, mul_ on a narrow view, clamp_, maskedFill_)', () =>
    vsCpu(torch, (P) => {
      const inplace = (t: Tensor) => t as unknown as Record<string, (...a: unknown[]) => Tensor>;
      const x = P(randn(torch, 4, 5));
      inplace(x).add_(1);
      inplace(x.narrow(1, 1, 2)).mul_(3);
      const y = P(randn(torch, 3, 4));
      inplace(y.t()).clamp_(-0.1, 0.1);
      const z = P(randn(torch, 2, 6));
      inplace(z).maskedFill_(z.gt(0), 2.5);
      return [x, y, z];
    }));

  // ---- kernels at sizes that do not fill a tile ----
  await k.run('matmul at ragged sizes (1x1, 7x13@13x5, 67x131@131x45, 130x64@64x129) and vector cases', () =>
    vsCpu(
      torch,
      (P) => {
        const out: Tensor[] = [];
        for (const [m, kk, n] of [[1, 1, 1], [7, 13, 5], [67, 131, 45], [130, 64, 129], [1, 300, 1]]) out.push(P(randn(torch, m, kk)).matmul(P(randn(torch, kk, n))));
        const v = P(randn(torch, 37));
        const A = P(randn(torch, 19, 37));
        out.push(A.matmul(v), v.matmul(A.t()), v.matmul(v));
        return out;
      },
      1e-3,
      1e-4,
    ));
  await k.run('batched and transposed matmul: bmm, broadcast batch, A^T B, A B^T, linear', () =>
    vsCpu(
      torch,
      (P) => {
        const a = P(randn(torch, 3, 17, 23));
        const b = P(randn(torch, 3, 23, 9));
        const c = P(randn(torch, 23, 9));
        const at = P(randn(torch, 3, 23, 17));
        const bt = P(randn(torch, 3, 9, 23));
        const w = P(randn(torch, 11, 23));
        const bias = P(randn(torch, 11));
        return [
          T.bmm(a, b),
          a.matmul(c),
          at.transpose(1, 2).matmul(b),
          a.matmul(bt.transpose(1, 2)),
          at.transpose(1, 2).matmul(bt.transpose(1, 2)),
          F.linear(a, w, bias),
          P(randn(torch, 2, 1, 5, 6)).matmul(P(randn(torch, 3, 6, 4))),
        ];
      },
      1e-3,
      1e-4,
    ));
  await k.run('conv2d: padded, strided, dilated, grouped, depthwise, 1x1, with bias', () =>
    vsCpu(
      torch,
      (P) => {
        const x = P(randn(torch, 2, 6, 17, 19));
        return [
          F.conv2d(x, P(randn(torch, 5, 6, 3, 3)), P(randn(torch, 5)), { padding: 1 }),
          F.conv2d(x, P(randn(torch, 4, 6, 3, 3)), null, { stride: 2 }),
          F.conv2d(x, P(randn(torch, 4, 6, 3, 3)), null, { dilation: 2, padding: 2 }),
          F.conv2d(x, P(randn(torch, 6, 3, 5, 5)), null, { groups: 2, padding: 2 }),
          F.conv2d(x, P(randn(torch, 6, 1, 3, 3)), P(randn(torch, 6)), { groups: 6, padding: 1 }),
          F.conv2d(x, P(randn(torch, 8, 6, 1, 1))),
          F.conv2d(x.narrow(3, 1, 15), P(randn(torch, 3, 6, 3, 3)), null, { padding: 1 }),
        ];
      },
      1e-3,
      1e-4,
    ));
  await k.run('softmax/logSoftmax/layerNorm over long rows and other dims; reductions of 100k elements', () =>
    vsCpu(
      torch,
      (P) => {
        const x = P(randn(torch, 33, 257));
        const big = P(randn(torch, 100003));
        const ln = F.layerNorm(x, [257], P(randn(torch, 257)), P(randn(torch, 257)));
        return [
          F.softmax(x, -1),
          F.logSoftmax(x, 1),
          F.softmax(x, 0),
          F.softmax(x.t(), -1),
          ln,
          big.sum(),
          big.mean(),
          big.abs().max(),
          x.sum(0),
          x.mean(1),
          x.amax(1),
          x.var(1),
          T.logsumexp(x, 1),
        ];
      },
      1e-3,
      1e-4,
    ));
  await k.run('scaledDotProductAttention (plain, causal, masked) matches the CPU', () => {
    const sdpa = F.scaledDotProductAttention;
    assert(typeof sdpa === 'function', 'F.scaledDotProductAttention is missing');
    return vsCpu(
      torch,
      (P) => {
        const q = P(randn(torch, 2, 3, 19, 16));
        const kk = P(randn(torch, 2, 3, 23, 16));
        const v = P(randn(torch, 2, 3, 23, 8));
        const mask = P(randn(torch, 19, 23).gt(-0.5));
        const qs = P(randn(torch, 2, 3, 23, 16));
        return [sdpa(q, kk, v), sdpa(qs, kk, v, { isCausal: true }), sdpa(q, kk, v, { attnMask: mask })];
      },
      1e-3,
      1e-4,
    );
  });

  // ---- autograd on the GPU ----
  await k.run('backward on the GPU: matmul, relu, softmax, broadcast add, mean', () =>
    gradVsCpu(torch, [[5, 7], [7, 3], [3]], ([a, w, b]) => F.logSoftmax(a.matmul(w).add(b).relu().mul(2), 1).mean(), 1e-3, 1e-5));
  await k.run('backward on the GPU: conv2d, maxPool2d, tanh, sum', () =>
    gradVsCpu(torch, [[2, 3, 9, 9], [4, 3, 3, 3]], ([x, w]) => F.maxPool2d(F.conv2d(x, w, null, { padding: 1 }).tanh(), 2).sum(), 1e-3, 1e-4));
  await k.run('backward on the GPU through views: transpose, narrow, expand', () =>
    gradVsCpu(torch, [[4, 6], [6]], ([x, r]) => x.t().narrow(0, 1, 4).mul(r.narrow(0, 0, 4).unsqueeze(1).expand([4, 4])).sum()));
  await k.run('requiresGrad tensors created on the GPU get GPU grads', async () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float32', device: GPU, requiresGrad: true } as never);
    x.mul(x).sum().backward();
    assert(x.grad, 'no grad');
    assert(x.grad.device === GPU, `grad on ${x.grad.device}`);
    expectClose(await values(x.grad), [2, 4, 6], 'grad');
    x.grad.dispose();
    x.dispose();
  });

  // ---- fallback: ops likely without a GPU kernel, and dtypes kernels do not compute ----
  await k.run('ops without a GPU kernel give the CPU answer on GPU tensors (sort, topk, cumsum, gather, median, erfinv, flip, roll, ...)', () =>
    vsCpu(torch, (P) => {
      const x = P(randn(torch, 4, 9));
      const i = P(torch.tensor([[0, 2], [1, 1], [8, 3], [4, 4]]));
      const s = T.sort(x, 1) as unknown as { values: Tensor; indices: Tensor };
      const t = T.topk(x, 3) as unknown as { values: Tensor; indices: Tensor };
      const med = T.median(x, 1) as unknown as { values: Tensor; indices: Tensor };
      return [s.values, s.indices, t.values, t.indices, T.cumsum(x, 1), T.gather(x, 1, i), med.values, T.erfinv(x.tanh().mul(0.9)), T.argsort(x, 0), T.flip(x, [1]), T.roll(x, 2, 1), T.tril(x), T.cumprod(x, 0)];
    }));
  // ops whose output shape depends on the values: WebGPU cannot read values synchronously, so on
  // values computed on the GPU they either give the CPU's answer or throw an Error naming the async read
  await k.run('value-dependent shapes (nonzero, unique, maskedSelect) on GPU-computed values: the right answer or an Error naming an async read', async () => {
    const cases: [string, (x: Tensor) => Tensor][] = [
      ['nonzero', (x) => T.nonzero(x.gt(0.5))],
      ['unique', (x) => T.unique(x.mul(2).round())],
      ['maskedSelect', (x) => T.maskedSelect(x, x.gt(0))],
    ];
    for (const [name, f] of cases) {
      await torch.scope(async () => {
        torch.manualSeed(3);
        const c = torch.randn([4, 9]);
        const g = c.to(GPU).mul(1); // computed on the GPU: its values are not known to the CPU
        let r: Tensor | null = null;
        try {
          r = f(g);
        } catch (e) {
          const err = e as Error;
          assert(err instanceof Error && /await [\w.]+\.\w+\(\)/.test(err.message), `${name}: threw ${err?.constructor?.name} without naming an async read: "${err?.message}"`);
          k.notes.push(`${name} on GPU-computed values throws: ${err.message.slice(0, 160)}`);
          return;
        }
        await expectTensor(r, f(c), name);
      });
    }
  });
  await k.run('int64, int32, bool, uint8 and float16 arithmetic on GPU tensors', () =>
    vsCpu(torch, (P) => {
      const a = P(torch.tensor([1, -2, 3, 40000000000]));
      const b = P(torch.tensor([5, 6, -7, 8], { dtype: 'int32' }));
      const c = P(torch.tensor([true, false, true, false]));
      const h = P(torch.tensor([0.5, 1.25, -2, 3], { dtype: 'float16' }));
      const u = P(torch.tensor([250, 3, 7, 9], { dtype: 'uint8' }));
      return [a.add(1), a.mul(a), b.mul(3), b.add(b), T.logicalAnd(c, c.logicalNot()), c.add(c), h.mul(h), h.add(1), u.add(10), a.sum(), b.sum(), c.sum(), b.div(2), a.gt(2), b.float()];
    }));
  await k.run('mixing a CPU and a GPU tensor either throws or gives the right answer', async () => {
    const c = torch.tensor([1, 2, 3], { dtype: 'float32' });
    const g = torch.tensor([10, 20, 30], { dtype: 'float32' }).to(GPU);
    let r: Tensor | null = null;
    let err: Error | null = null;
    try {
      r = c.add(g);
    } catch (e) {
      err = e as Error;
    }
    if (r) {
      expectClose(await values(r), [11, 22, 33], 'cpu + gpu');
      k.notes.push(`cpu + webgpu tensor: returns a ${r.device} tensor`);
      r.dispose();
    } else k.notes.push(`cpu + webgpu tensor: throws ${err?.constructor.name}: ${err?.message}`);
    c.dispose();
    g.dispose();
  });

  // ---- policy ----
  if (typeof gpu.setPolicy === 'function') {
    const setPolicy = gpu.setPolicy.bind(gpu);
    await k.run("setPolicy('auto' | 'off'): a large CPU matmul and conv give the same values and stay on the CPU", async () => {
      torch.manualSeed(5);
      const a = torch.randn([256, 384]);
      const b = torch.randn([384, 192]);
      const x = torch.randn([2, 16, 32, 32]);
      const w = torch.randn([32, 16, 3, 3]);
      try {
        setPolicy('off');
        const off = [a.matmul(b), F.conv2d(x, w, null, { padding: 1 })];
        setPolicy('auto');
        const auto = [a.matmul(b), F.conv2d(x, w, null, { padding: 1 })];
        for (let i = 0; i < 2; i++) {
          assert(auto[i].device === 'cpu', `policy auto returned a ${auto[i].device} tensor for CPU inputs`);
          expectClose(auto[i].dataSync() as Float32Array, off[i].dataSync() as Float32Array, i ? 'conv2d' : 'matmul', 1e-3, 1e-4);
        }
        for (const t of [...off, ...auto]) t.dispose();
        const bad = expectThrow(() => setPolicy('sometimes' as 'auto'), "setPolicy('sometimes')");
        assert(bad instanceof TypeError || bad instanceof RangeError, `setPolicy('sometimes') threw ${bad.constructor.name}`);
      } finally {
        setPolicy('auto');
        for (const t of [a, b, x, w]) t.dispose();
      }
    });
  } else {
    await k.run('torch.webgpu.setPolicy exists', () => assert(false, 'torch.webgpu.setPolicy is missing'));
  }

  // ---- modules ----
  await k.run("module.to('webgpu') moves parameters and buffers; forward matches the CPU module", async () => {
    torch.manualSeed(7);
    const nn = torch.nn as unknown as Record<string, new (...a: unknown[]) => { to(d: string): unknown; parameters(): Iterable<Tensor>; buffers(): Iterable<Tensor>; forward(x: Tensor): Tensor; eval(): unknown }>;
    const make = () => new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 6 * 6, 5));
    torch.manualSeed(7);
    const cpuM = make();
    torch.manualSeed(7);
    const gpuM = make();
    const ret = gpuM.to(GPU);
    assert(ret === gpuM, 'to() did not return the module');
    for (const p of gpuM.parameters()) assert(p.device === GPU, `a parameter is on ${p.device}`);
    for (const b of gpuM.buffers()) assert(b.device === GPU || b.dtype === 'int64', `a buffer (${b.dtype}) is on ${b.device}`);
    const x = torch.randn([2, 3, 6, 6]);
    const xg = x.to(GPU);
    const yc = cpuM.forward(x);
    const yg = gpuM.forward(xg);
    await expectTensor(yg, yc, 'train-mode forward', 1e-3, 1e-4);
    cpuM.eval();
    gpuM.eval();
    await expectTensor(gpuM.forward(xg), cpuM.forward(x), 'eval-mode forward', 1e-3, 1e-4);
  });

  // ---- memory ----
  await k.run('torch.memory().gpuBytes grows with GPU tensors and goes back down after dispose', async () => {
    const KB256 = 256 * 256 * 4;
    assert(typeof torch.memory().gpuBytes === 'number', `gpuBytes is ${typeof torch.memory().gpuBytes}`);
    const c = torch.randn([256, 256]);
    const x = c.to(GPU);
    const y = x.mul(2);
    c.dispose();
    await y.data();
    // (other tensors may be freed meanwhile by finalizers: compare with what these two account for)
    const m1 = torch.memory().gpuBytes;
    assert(m1 >= 2 * KB256, `gpuBytes ${m1} with two 256 KiB GPU tensors alive`);
    x.dispose();
    y.dispose();
    const m2 = torch.memory().gpuBytes;
    assert(m2 <= m1 - 2 * KB256, `gpuBytes ${m1} -> ${m2} after disposing two 256 KiB GPU tensors`);
    // temporaries of a scope are freed at its end
    let inside = 0;
    await torch.scope(async () => {
      const a = torch.randn([128, 128]).to(GPU);
      await a.matmul(a).relu().sum().data();
      inside = torch.memory().gpuBytes;
    });
    const m3 = torch.memory().gpuBytes;
    assert(m3 <= inside - 128 * 128 * 4 * 3, `gpuBytes ${inside} inside a scope -> ${m3} after it (its 3 temporaries of 64 KiB were not freed)`);
  });

  const stats = gpu.stats();
  k.notes.push(`stats(): ${JSON.stringify(stats).slice(0, 600)}`);
  return { ...k.result(), info, stats };
}
