// `npm run bench:gpu`: the WebGPU backend on whatever adapter this runtime has, side by side with
// torchlet's CPU backend in the same process: GFLOP/s of matmul 512, 1024, 2048, 4096 and of conv2d
// 3x3 64->64 56x56 batch 8 (padding 1), and milliseconds per training step (forward, cross
// entropy, backward, optimizer step) of the MLP 784-512-512-10 at batch 128 with Adam and of the
// small CNN of bench/train.mjs (two 3x3 convs, max pools, linear) at batch 64 on 28x28 with SGD +
// momentum. Prints the adapter first (so figures can be taken on a real GPU) and which ops fell back
// to the CPU during the GPU training steps (torch.webgpu.stats()).
// Every timed GPU run ends with `await torch.webgpu.synchronize()` (all submitted work finished);
// figures are medians over several runs (fewer for very slow runs on software adapters).
// Runs under Deno (`deno run --unstable-webgpu --allow-read bench/gpu.mjs`) or under Node when the
// optional `webgpu` package is installed (`node bench/gpu.mjs`). Flags: --quick (512/1024 only,
// fewer runs), --smoke (tiny sizes, batch 8/4: a test that the script works), --budget=SECONDS per
// figure (default 6).
import * as torch from '../dist/index.js';

const args = globalThis.Deno?.args ?? globalThis.process?.argv.slice(2) ?? [];
const smoke = args.includes('--smoke'); // tiny sizes, for tests/webgpu.test.ts: the script runs and its checks hold
const quick = smoke || args.includes('--quick');
const budgetMs = Number(args.find((a) => a.startsWith('--budget='))?.split('=')[1] ?? (smoke ? 0.05 : quick ? 2 : 6)) * 1000;
const exit = (code) => (globalThis.Deno ? globalThis.Deno.exit(code) : globalThis.process?.exit(code));
const { nn, F, optim } = torch;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Times `run` (async) after one warm-up: at least 3 runs, at most 15, within the budget. */
async function timeIt(run, warmup = 1) {
  let first = 0;
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now();
    await run();
    first = performance.now() - t0;
  }
  const reps = Math.max(first > budgetMs ? 1 : 3, Math.min(15, Math.floor(budgetMs / Math.max(first, 1e-3))));
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), runs: ts.length };
}

const fmt = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(d));
const rows = [];
const notes = [];
/** Runs a GPU measurement; a failure becomes { failed: message } (reported under the table). */
async function tryGpu(name, fn) {
  try {
    gpuApi.resetStats?.();
    const r = await fn();
    const st = gpuApi.stats();
    const fb = Object.entries(st.fallbacks ?? {}).sort((p, q) => q[1] - p[1]);
    notes.push(`${name}: GPU kernels ${Object.keys(st.kernels ?? {}).join(', ') || 'none'}; CPU fallbacks ${fb.length ? fb.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`);
    return r;
  } catch (e) {
    return { failed: String(e?.message ?? e).split('\n')[0] };
  }
}
function row(name, gpuResult, cpu, unit, higherIsBetter) {
  let gpu = gpuResult;
  if (gpu?.failed) {
    notes.push(`${name}: the webgpu run failed: ${gpu.failed}`);
    gpu = null;
    rows.push([name, 'failed (see below)', cpu ? `${fmt(cpu.value)}${unit && ` ${unit}`} (${cpu.runs} runs)` : 'n/a', 'n/a']);
    printRow(rows[rows.length - 1]);
    return;
  }
  const ratio = gpu && cpu ? (higherIsBetter ? gpu.value / cpu.value : cpu.value / gpu.value) : null;
  rows.push([name, gpu ? `${fmt(gpu.value)}${unit && ` ${unit}`} (${gpu.runs} runs)` : 'n/a', cpu ? `${fmt(cpu.value)}${unit && ` ${unit}`} (${cpu.runs} runs)` : 'n/a', ratio ? `${fmt(ratio, 2)}x` : 'n/a']);
  printRow(rows[rows.length - 1]);
}
const widths = [44, 30, 30, 10];
const printRow = (cells) => console.log(cells.map((c, i) => String(c).padEnd(widths[i])).join(' '));

// ---- adapter ----
const gpuApi = torch.webgpu;
const info = gpuApi ? await gpuApi.init() : null;
const runtime = globalThis.Deno ? `Deno ${globalThis.Deno.version.deno}` : globalThis.process?.versions?.node ? `Node ${globalThis.process.versions.node}` : 'unknown runtime';
console.log(`torchlet bench:gpu on ${runtime}; CPU threads: ${torch.getNumThreads()}`);
if (!info) {
  const s = gpuApi?.stats?.();
  console.log(`no WebGPU adapter: ${s?.reason || 'torch.webgpu.init() returned null'}; only the CPU column is measured`);
} else {
  const { limits, ...rest } = info;
  console.log(`adapter: ${JSON.stringify(rest)}`);
  if (limits) console.log(`limits: ${JSON.stringify(limits)}`);
  if (info.software) console.log('note: a software adapter (CPU emulation): only correctness counts here, not speed');
}
const onGpu = !!info;
const sync = () => gpuApi.synchronize();
console.log('');
printRow(['', 'webgpu', 'cpu (torchlet wasm)', 'gpu/cpu']);

// ---- matmul ----
const sizes = smoke ? [128] : quick ? [512, 1024] : [512, 1024, 2048, 4096];
for (const n of sizes) {
  torch.manualSeed(n);
  const a = torch.randn([n, n]);
  const b = torch.randn([n, n]);
  const flop = 2 * n * n * n;
  const gpu = !onGpu ? null : await tryGpu(`matmul ${n}`, async () => {
    const ag = a.to('webgpu');
    const bg = b.to('webgpu');
    // correctness spot check against the CPU (first size only: the CPU product is cheap there)
    if (n === sizes[0]) {
      const cg = ag.matmul(bg);
      const got = await cg.data();
      const exp = a.matmul(b).dataSync();
      let worst = 0;
      for (let i = 0; i < exp.length; i++) worst = Math.max(worst, Math.abs(got[i] - exp[i]) / (1 + Math.abs(exp[i])));
      console.log(`(matmul ${n}: webgpu vs cpu max relative difference ${worst.toExponential(2)})`);
      cg.dispose();
    }
    const t = await timeIt(async () => {
      const c = ag.matmul(bg);
      await sync();
      c.dispose();
    });
    ag.dispose();
    bg.dispose();
    return { value: flop / t.ms / 1e6, runs: t.runs };
  });
  const tc = await timeIt(async () => a.matmul(b).dispose());
  row(`matmul ${n}x${n} @ ${n}x${n} (GFLOP/s)`, gpu, { value: flop / tc.ms / 1e6, runs: tc.runs }, '', true);
  a.dispose();
  b.dispose();
}

// ---- conv2d ----
{
  const [N, C, H, W, K] = smoke ? [2, 8, 12, 12, 8] : [8, 64, 56, 56, 64];
  torch.manualSeed(3);
  const x = torch.randn([N, C, H, W]);
  const w = torch.randn([K, C, 3, 3]).mul(0.05);
  const flop = 2 * N * K * H * W * C * 9;
  const gpu = !onGpu ? null : await tryGpu('conv2d', async () => {
    const xg = x.to('webgpu');
    const wg = w.to('webgpu');
    const yg = F.conv2d(xg, wg, null, { padding: 1 });
    const got = await yg.data();
    const exp = F.conv2d(x, w, null, { padding: 1 }).dataSync();
    let worst = 0;
    for (let i = 0; i < exp.length; i++) worst = Math.max(worst, Math.abs(got[i] - exp[i]) / (1 + Math.abs(exp[i])));
    console.log(`(conv2d: webgpu vs cpu max relative difference ${worst.toExponential(2)})`);
    yg.dispose();
    const t = await timeIt(async () => {
      const y = F.conv2d(xg, wg, null, { padding: 1 });
      await sync();
      y.dispose();
    });
    xg.dispose();
    wg.dispose();
    return { value: flop / t.ms / 1e6, runs: t.runs };
  });
  const tc = await timeIt(async () => F.conv2d(x, w, null, { padding: 1 }).dispose());
  row(smoke ? `conv2d 3x3 ${C}->${K} ${H}x${W} batch ${N} (GFLOP/s)` : 'conv2d 3x3 64->64 56x56 batch 8 (GFLOP/s)', gpu, { value: flop / tc.ms / 1e6, runs: tc.runs }, '', true);
  x.dispose();
  w.dispose();
}

// ---- training steps ----
async function trainRow(name, makeModel, makeOpt, xShape, classes) {
  const measure = async (device) => {
    torch.manualSeed(0);
    const model = makeModel();
    if (device === 'webgpu') model.to('webgpu');
    const opt = makeOpt(model.parameters());
    torch.manualSeed(1);
    let x = torch.randn(xShape);
    let y = torch.randint(0, classes, [xShape[0]]);
    if (device === 'webgpu') {
      x = x.to('webgpu');
      y = y.to('webgpu');
    }
    const step = () =>
      torch.scope(async () => {
        opt.zeroGrad();
        const loss = F.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        await loss.data();
      });
    await step(); // first step creates the optimizer state (and compiles the GPU pipelines)
    if (device === 'webgpu') gpuApi.resetStats?.();
    const t = await timeIt(step, 1);
    return { value: t.ms, runs: t.runs };
  };
  const gpu = onGpu ? await tryGpu(name, () => measure('webgpu')) : null;
  const cpu = await measure('cpu');
  row(name, gpu, cpu, 'ms', false);
}

await trainRow(
  `MLP 784-512-512-10 b${smoke ? 8 : 128} Adam (ms/step)`,
  () => new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10)),
  (p) => new optim.Adam(p, { lr: 1e-3 }),
  [smoke ? 8 : 128, 784],
  10,
);
await trainRow(
  `CNN 2xconv3x3+pool+linear b${smoke ? 4 : 64} SGD (ms/step)`,
  () => new nn.Sequential(new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10)),
  (p) => new optim.SGD(p, { lr: 0.01, momentum: 0.9 }),
  [smoke ? 4 : 64, 1, 28, 28],
  10,
);

console.log('\n(gpu/cpu: GFLOP/s ratio for matmul/conv, CPU ms / GPU ms for training; > 1 means the GPU is faster)');
for (const n of notes) console.log(n);
exit(0);
