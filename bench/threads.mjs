// Thread scaling (issue 7): matmul 1024, a conv2d, a large elementwise add, resnet18 inference
// (ONNX, batch 1) and the MLP training step (784-512-512-10, Adam, batch 128, as in bench/train.mjs)
// at 1 and 2 threads on the built package (dist/). Medians of several runs, alternating thread
// counts; for every run process.cpuUsage() says how many cores the process actually got (other
// processes may compete): the table reports the median over all runs and over the runs that got
// (nearly) all the cores the thread count asks for. `node bench/threads.mjs` (plain SIMD build on
// Node 20); put `--experimental-wasm-relaxed-simd` before the script to measure the relaxed-SIMD build.
import { Worker } from 'node:worker_threads';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../dist/index.js';
import { randomFloats } from './stats.mjs';

const ROUNDS = Number(process.env.RUNS ?? 15);
const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const RESNET = fileURLToPath(new URL('../../shared/models/resnet18/', import.meta.url));

const n = 1024;
const a = torch.randn(n, n);
const b = torch.randn(n, n);
const x = torch.randn(8, 64, 56, 56);
const w = torch.randn(64, 64, 3, 3);
const u = torch.randn(1 << 22);
const v = torch.randn(1 << 22);
const ops = [
  { op: 'matmul 1024', flops: 2 * n ** 3, fn: () => torch.matmul(a, b) },
  { op: 'conv2d 8x64x56x56, 64 3x3', flops: 2 * 8 * 64 * 56 * 56 * 64 * 9, fn: () => torch.nn.functional.conv2d(x, w, null, { padding: 1 }) },
  { op: 'add 4M f32', flops: 0, fn: () => u.add(v) },
];
// the MLP training step of bench/train.mjs (same shapes, optimizer and data generator)
{
  const { nn, F } = torch;
  torch.manualSeed(0);
  const mlp = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10));
  const xm = torch.tensor(randomFloats(128 * 784, 1)).reshape(128, 784);
  const ym = torch.tensor(BigInt64Array.from(randomFloats(128, 2), (q) => BigInt(Math.floor(Math.abs(q * 1000)) % 10)));
  const opt = new torch.optim.Adam(mlp.parameters(), { lr: 1e-3 });
  const step = () =>
    torch.scope(() => {
      opt.zeroGrad();
      const loss = F.crossEntropy(mlp.forward(xm), ym);
      loss.backward();
      opt.step();
      return loss.item();
    });
  ops.push({ op: 'MLP train step 784-512-512-10 b128 Adam', flops: 0, fn: () => ({ dispose: () => {}, loss: step() }) });
}
// resnet18 batch-1 inference through torchlet's ONNX runtime (the model of bench/onnx-models.mjs)
let resnet = null;
if (existsSync(join(RESNET, 'model.onnx'))) {
  const bytes = new Uint8Array(readFileSync(join(RESNET, 'model.onnx')));
  const session = await torch.onnx.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
  const npy = (f) => {
    const b = readFileSync(join(RESNET, f));
    const h = b.readUInt16LE(8);
    const body = b.subarray(10 + h);
    return new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  };
  const input = npy('input.npy');
  const flat = torch.tensor(input);
  const feed = flat.reshape([1, 3, 224, 224]);
  flat.dispose();
  resnet = { bytes, input, want: npy('output.npy') };
  ops.push({
    op: 'resnet18 (ONNX, batch 1)',
    flops: 0,
    fn: async () => {
      const out = await session.run({ input: feed });
      return { dispose: () => Object.values(out).forEach((t) => t.dispose()) };
    },
  });
} else {
  console.log(`resnet18: no model at ${RESNET}, rows skipped`);
}
const info = torch.backends().cpu;
console.log(`cores ${info.cores}, threads available: ${info.threads}, relaxed SIMD: ${info.relaxedSimd}, ${ROUNDS} rounds`);
const rows = [];
for (const { op, flops, fn } of ops) {
  const runs = { 1: [], 2: [] };
  for (const t of [1, 2]) {
    torch.setNumThreads(t);
    (await fn()).dispose();
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of [1, 2]) {
      torch.setNumThreads(t);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const y = await fn();
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      y.dispose();
      runs[t].push({ ms, cores: (c.user + c.system) / 1000 / ms });
    }
  }
  for (const t of [1, 2]) {
    const all = runs[t];
    const full = all.filter((r) => r.cores >= 0.9 * t);
    const ms = median(all.map((r) => r.ms));
    const msFull = median(full.map((r) => r.ms));
    rows.push({
      op,
      threads: t,
      'median ms': +ms.toFixed(2),
      speedup: t === 2 ? +(median(runs[1].map((q) => q.ms)) / ms).toFixed(2) : '',
      'GFLOP/s': flops ? +(flops / ms / 1e6).toFixed(1) : '',
      'cores got (median)': +median(all.map((r) => r.cores)).toFixed(2),
      [`runs with >= ${0.9 * t} cores`]: `${full.length}/${all.length}`,
      'their median ms': full.length ? +msFull.toFixed(2) : '',
      'their GFLOP/s': flops && full.length ? +(flops / msFull / 1e6).toFixed(1) : '',
    });
  }
}
console.table(rows);
torch.shutdown();

// Control: what two threads can get on this machine at all — two independent workers, each with
// its own (unshared) instance of the plain build, each running a 512x1024x1024 sgemm, against one.
const wasmPath = fileURLToPath(new URL('../dist/torchlet.wasm', import.meta.url));
const code = `
const { parentPort } = require('node:worker_threads');
const m = new WebAssembly.Module(require('node:fs').readFileSync(${JSON.stringify(wasmPath)}));
const A = new WebAssembly.Instance(m, { env: { abort() {}, seed: () => 1 } }).exports;
A._initialize();
const n = 1024, M = 512;
const pa = A.alloc(M * n * 4), pb = A.alloc(n * n * 4), c = A.alloc(M * n * 4);
parentPort.on('message', () => { const t0 = performance.now(); A.sgemm(0, 0, M, n, n, 1, pa, n, pb, n, 0, c, n); parentPort.postMessage(performance.now() - t0); });
parentPort.postMessage(0);
`;
// the worker runs from a file (no eval anywhere, benchmarks included)
const workerFile = join(mkdtempSync(join(tmpdir(), 'torchlet-threads-')), 'control-worker.cjs');
writeFileSync(workerFile, code);
const start = () => new Promise((res) => { const w = new Worker(workerFile); w.once('message', () => res(w)); });
const w1 = await start();
const w2 = await start();
const go = (ws) => Promise.all(ws.map((w) => new Promise((r) => { w.once('message', r); w.postMessage(0); })));
const one = [];
const two = [];
for (let r = 0; r < ROUNDS; r++) {
  let t0 = performance.now();
  await go([w1]);
  one.push(performance.now() - t0);
  t0 = performance.now();
  await go([w1, w2]);
  two.push(performance.now() - t0);
}
const m1 = median(one);
const m2 = median(two);
console.log(`control, independent threads (no shared memory, no sync): one 512x1024x1024 sgemm ${m1.toFixed(1)} ms, two at once ${m2.toFixed(1)} ms -> the machine gives ${((2 * m1) / m2).toFixed(2)}x for two threads right now`);
await w1.terminate();
await w2.terminate();

// Against onnxruntime-web at the same thread count (issue 7: >= 1.5x faster at 2 threads on matmul
// 1024; resnet18 for reference). onnxruntime-web fixes its thread count when it initialises, so it
// runs at 2 threads here and torchlet is set to 2 for the comparison; rounds alternate between the
// two libraries. onnxruntime's pool keeps spinning for ~20 ms after a run returns (measured: 0.3-0.5
// cores busy in the 50 ms after a session.run), which would steal the second core from whatever runs
// next in this process; so every timed call, of either library, starts after a 60 ms idle pause.
{
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 2;
  ort.env.logLevel = 'error';
  const PAUSE = 60;
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(new URL('./models/matmul.onnx', import.meta.url))));
  const ad = a.dataSync();
  const bd = b.dataSync();
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', ad, [n, n]), [session.inputNames[1]]: new ort.Tensor('float32', bd, [n, n]) };
  const ref = (await session.run(feeds))[session.outputNames[0]].data;
  torch.setNumThreads(2);
  const mine = torch.matmul(a, b);
  const md = mine.dataSync();
  mine.dispose();
  let maxErr = 0;
  for (let i = 0; i < md.length; i++) maxErr = Math.max(maxErr, Math.abs(md[i] - ref[i]) / (1 + Math.abs(ref[i])));
  if (maxErr > 1e-4) throw new Error(`torchlet and onnxruntime-web disagree on matmul 1024 (max relative error ${maxErr})`);
  // ms and cores obtained (process CPU time / wall time) of one call after the pause
  const timed = async (fn, cores) => {
    await sleep(PAUSE);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cores.push((c.user + c.system) / 1000 / ms);
    return ms;
  };
  const coresOf = (xs) => `median ${median(xs).toFixed(2)} cores`;
  const tl = [];
  const ow = [];
  const tc = [];
  const oc = [];
  for (let r = 0; r < ROUNDS; r++) {
    tl.push(await timed(() => torch.matmul(a, b).dispose(), tc));
    ow.push(await timed(() => session.run(feeds), oc));
  }
  const mt = median(tl);
  const mo = median(ow);
  const g = (ms) => (2 * n ** 3 / ms / 1e6).toFixed(1);
  console.log(`matmul 1024 at 2 threads: torchlet ${mt.toFixed(1)} ms (${g(mt)} GFLOP/s, ${coresOf(tc)}), onnxruntime-web ${mo.toFixed(1)} ms (${g(mo)} GFLOP/s, ${coresOf(oc)}): torchlet ${(mo / mt).toFixed(2)}x faster (target >= 1.5x: ${mo / mt >= 1.5 ? 'PASS' : 'FAIL'})`);
  await session.release();
  if (resnet) {
    const rs = await ort.InferenceSession.create(resnet.bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const ts = await torch.onnx.InferenceSession.create(resnet.bytes, { graphOptimizationLevel: 'all' });
    const wf = { input: new ort.Tensor('float32', resnet.input, [1, 3, 224, 224]) };
    const flat = torch.tensor(resnet.input);
    const tf = { input: flat.reshape([1, 3, 224, 224]) };
    flat.dispose();
    const runTl = async () => {
      const out = await ts.run(tf);
      const y = out.output.dataSync();
      Object.values(out).forEach((t) => t.dispose());
      return y;
    };
    const runOrt = async () => (await rs.run(wf)).output.data;
    const check = (y, lib) => {
      let scale = 0;
      let d = 0;
      for (let i = 0; i < y.length; i++) {
        scale = Math.max(scale, Math.abs(resnet.want[i]));
        d = Math.max(d, Math.abs(y[i] - resnet.want[i]));
      }
      if (!(d <= 1e-3 * scale)) throw new Error(`resnet18: ${lib} disagrees with PyTorch (max |d| ${d}, scale ${scale})`);
    };
    check(await runTl(), 'torchlet');
    check(await runOrt(), 'onnxruntime-web');
    const t1 = [];
    const o1 = [];
    const tc1 = [];
    const oc1 = [];
    for (let r = 0; r < ROUNDS; r++) {
      t1.push(await timed(runTl, tc1));
      o1.push(await timed(runOrt, oc1));
    }
    const a1 = median(t1);
    const b1 = median(o1);
    console.log(`resnet18 batch 1 at 2 threads: torchlet ${a1.toFixed(1)} ms (${coresOf(tc1)}), onnxruntime-web ${b1.toFixed(1)} ms (${coresOf(oc1)}): torchlet ${(b1 / a1).toFixed(2)}x faster`);
    tf.input.dispose();
    await ts.release();
    await rs.release();
  }
  torch.shutdown();
}
