// ONNX model latency (issue 6): batch-1 inference of mobilenet_v2, resnet18 and tiny_transformer from
// ../shared/models, single-threaded, torchlet (dist/index.js, InferenceSession with graph
// optimisation 'all') against onnxruntime-web (wasm, SIMD, numThreads 1) and onnxruntime-node (cpu,
// intraOpNumThreads 1), all in this process. Every library's output is first checked against
// PyTorch's (output.npy, 1e-3 of the output's scale) and against torchlet's; then the libraries are
// timed round-robin (one call each per round, so background load hits all alike) after warm-up,
// and the median and min per call are printed with the ratios and the issue's targets.
//
//   node --expose-gc bench/onnx-models.mjs [model ...] [--reps=N] [--warmup=N] [--level=all|basic|disabled] [--md]
//
// --md prints the result as a Markdown section for BENCHMARKS.md. Exit code 1 on a numeric mismatch.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { benchDir, loadOrtNode, loadOrtWeb } from './harness.mjs';
import { median, min } from './stats.mjs';

const MODELS = join(benchDir, '..', '..', 'shared', 'models');

/**
 * The f32x4 mul + add peak of this machine in GFLOP/s (bench/kernels/simd-peak.ts, compiled here with the
 * AssemblyScript compiler): best of `runs` timed runs of ~25 ms.
 */
async function simdPeak(runs = 5) {
  const { default: asc } = await import('assemblyscript/asc');
  let bin = null;
  const r = await asc.main([join(benchDir, 'kernels', 'simd-peak.ts'), '-O3', '--enable', 'simd', '--runtime', 'stub', '--noAssert', '--outFile', 'simd-peak.wasm'], {
    writeFile(name, contents) {
      if (name.endsWith('.wasm')) bin = contents;
    },
  });
  if (r.error || !bin) throw new Error(`bench/kernels/simd-peak.ts did not compile: ${r.stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(bin, { env: { abort() {} } });
  const { mulAddSteps, block } = instance.exports;
  const p = block();
  mulAddSteps(1e4, p);
  let best = 0;
  for (let i = 0; i < runs; i++) {
    const reps = 2e5; // 128 steps of 64 flops each per rep
    const t0 = performance.now();
    mulAddSteps(reps, p);
    best = Math.max(best, (reps * 128 * 64) / (performance.now() - t0) / 1e6);
  }
  return best;
}
const ALL = ['mobilenet_v2', 'resnet18', 'tiny_transformer'];
// the issue's reference times on this machine class (ms) and targets
const TARGETS = { 'ort-web': 1.0, 'ort-node': 1 / 2.5 };

const argv = process.argv.slice(2);
const flags = new Map(argv.filter((a) => a.startsWith('--')).map((a) => [a.replace(/^--/, '').split('=')[0], a.includes('=') ? a.split('=')[1] : true]));
for (const f of flags.keys()) if (!['reps', 'warmup', 'level', 'md'].includes(f)) throw new Error(`unknown flag --${f}`);
const names = argv.filter((a) => !a.startsWith('--'));
const models = names.length ? names : ALL;
const reps = Number(flags.get('reps') ?? 15);
const warmup = Number(flags.get('warmup') ?? 3);
const level = flags.get('level') ?? 'all';
const log = (...a) => console.log(...a);
const gc = () => globalThis.gc?.();

/** Minimal .npy reader (little-endian float32 / int64, C order). */
function readNpy(path) {
  const b = readFileSync(path);
  const hlen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = b.subarray(10 + hlen);
  const copy = new Uint8Array(body.byteLength);
  copy.set(body);
  if (descr === '<f4') return { dtype: 'float32', shape, data: new Float32Array(copy.buffer) };
  if (descr === '<i8') return { dtype: 'int64', shape, data: new BigInt64Array(copy.buffer) };
  throw new Error(`${path}: unsupported npy dtype ${descr}`);
}

function compare(got, want) {
  let scale = 0;
  let maxAbs = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
  }
  return { maxAbs, scale, ok: got.length === want.length && maxAbs <= 1e-3 * Math.max(scale, 1e-6) };
}

const loadAvg = os.loadavg()[0];
if (loadAvg > os.cpus().length) log(`warning: 1-min load average ${loadAvg.toFixed(2)} exceeds the ${os.cpus().length} cores: timings will be noisy (the round-robin order keeps the ratios fair)`);
const torch = await import('../dist/index.js');
torch.setNumThreads(1); // batch-1 latency, single thread, like the onnxruntime sessions
const ortWeb = (await loadOrtWeb()).ort;
const ortNode = (await loadOrtNode()).ort;
const versions = {
  torchlet: JSON.parse(readFileSync(join(benchDir, '..', 'package.json'), 'utf8')).version,
  'ort-web': ortWeb.env.versions?.web ?? '?',
  'ort-node': JSON.parse(readFileSync(join(benchDir, '..', 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version,
};

const rows = [];
let mismatches = 0;
let peak = await simdPeak();
for (const name of models) {
  const dir = join(MODELS, name);
  if (!existsSync(join(dir, 'model.onnx'))) {
    log(`${name}: no model in ${dir}, skipped`);
    continue;
  }
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const bytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  const inputs = meta.inputs.map((i) => ({ name: i.name, ...readNpy(join(dir, i.file)) }));
  const want = readNpy(join(dir, meta.outputs[0].file)).data;
  const outName = meta.outputs[0].name;
  log(`\n${name} (${meta.note ?? ''})`);

  let t0 = performance.now();
  const ts = await torch.onnx.InferenceSession.create(bytes, { graphOptimizationLevel: level });
  const createMs = { torchlet: performance.now() - t0 };
  t0 = performance.now();
  const ws = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  createMs['ort-web'] = performance.now() - t0;
  t0 = performance.now();
  const ns = await ortNode.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  createMs['ort-node'] = performance.now() - t0;

  const tFeeds = {};
  const wFeeds = {};
  const nFeeds = {};
  for (const i of inputs) {
    const flat = torch.tensor(i.data, { dtype: i.dtype });
    tFeeds[i.name] = flat.reshape(i.shape);
    flat.dispose();
    wFeeds[i.name] = new ortWeb.Tensor(i.dtype, i.data, i.shape);
    nFeeds[i.name] = new ortNode.Tensor(i.dtype, i.data, i.shape);
  }
  // each runner does one complete inference with the output read back to JS (onnxruntime always
  // hands back a JS array; torchlet's output is read with dataSync and freed)
  const runners = {
    torchlet: async () => {
      const out = await ts.run(tFeeds);
      const y = out[outName].dataSync();
      for (const t of Object.values(out)) t.dispose();
      return y;
    },
    'ort-web': async () => (await ws.run(wFeeds))[outName].data,
    'ort-node': async () => (await ns.run(nFeeds))[outName].data,
  };

  const row = { model: name, createMs, libs: {}, check: {} };
  const outs = {};
  for (const [lib, fn] of Object.entries(runners)) {
    outs[lib] = Float32Array.from(await fn());
    const c = compare(outs[lib], want);
    row.check[lib] = c;
    if (!c.ok) mismatches++;
  }
  const vsTorchlet = {};
  for (const lib of ['ort-web', 'ort-node']) vsTorchlet[lib] = compare(outs.torchlet, outs[lib]);
  row.vsTorchlet = vsTorchlet;
  log(`  check vs PyTorch: ${Object.entries(row.check).map(([l, c]) => `${l} ${c.ok ? 'ok' : 'MISMATCH'} (max|d| ${c.maxAbs.toExponential(1)}, scale ${c.scale.toFixed(2)})`).join(', ')}`);
  log(`  torchlet vs peers: ${Object.entries(vsTorchlet).map(([l, c]) => `${l} max|d| ${c.maxAbs.toExponential(1)}`).join(', ')}`);

  const mem0 = torch.memory();
  for (let w = 0; w < warmup; w++) for (const fn of Object.values(runners)) await fn();
  gc();
  const samples = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
  for (let r = 0; r < reps; r++) {
    for (const [lib, fn] of Object.entries(runners)) {
      const a = performance.now();
      await fn();
      samples[lib].push(performance.now() - a);
    }
  }
  const mem1 = torch.memory();
  // the model's matrix-product flops (the session's profile) and the fastest any mul + add SIMD128
  // kernel could do them at this machine's peak (measured again here, best of all measurements)
  ts.startProfiling();
  await runners.torchlet();
  row.gflop = ts.endProfiling().reduce((a, r) => a + r.flops, 0) / 1e9;
  peak = Math.max(peak, await simdPeak());
  row.memoryDelta = { tensors: mem1.tensors - mem0.tensors, bytes: mem1.bytes - mem0.bytes };
  for (const [lib, s] of Object.entries(samples)) row.libs[lib] = { medianMs: median(s), minMs: min(s), samples: s.length };
  const t = row.libs.torchlet.medianMs;
  for (const lib of ['ort-web', 'ort-node']) {
    row.libs[lib].ratio = t / row.libs[lib].medianMs;
    row.libs[lib].ratioOfMins = row.libs.torchlet.minMs / row.libs[lib].minMs;
  }
  for (const [lib, e] of Object.entries(row.libs)) {
    log(`  ${lib.padEnd(9)} median ${e.medianMs.toFixed(1).padStart(7)} ms  min ${e.minMs.toFixed(1).padStart(7)} ms  (create ${createMs[lib].toFixed(0)} ms)${e.ratio ? `  torchlet/${lib} ${e.ratio.toFixed(2)}x (of mins ${e.ratioOfMins.toFixed(2)}x)` : ''}`);
  }
  log(`  torchlet live tensors/bytes over the timed runs: ${row.memoryDelta.tensors}/${row.memoryDelta.bytes}`);
  const rate = (lib) => row.gflop / row.libs[lib].medianMs * 1e3;
  log(`  ${row.gflop.toFixed(2)} GFLOP of matrix products per inference; GFLOP/s: torchlet ${rate('torchlet').toFixed(0)}, ort-web ${rate('ort-web').toFixed(0)}, ort-node ${rate('ort-node').toFixed(0)}`);
  rows.push(row);
  for (const v of Object.values(tFeeds)) v.dispose();
  await ts.release();
  await ws.release?.();
  await ns.release?.();
  gc();
}

const fmt = (x) => x.toFixed(1);
const status = (r, lib) => (r.libs[lib].ratio <= 1 / TARGETS[lib] ? 'PASS' : 'FAIL');
const ratio = (r, lib) => `${r.libs[lib].ratio.toFixed(2)}x (${r.libs[lib].ratioOfMins.toFixed(2)}x) ${status(r, lib)}`;
const header = ['model', 'torchlet ms', 'ort-web ms', 'ort-node ms', 'torchlet / ort-web (target <= 1)', 'torchlet / ort-node (target <= 2.5)', 'outputs'];
const table = rows.map((r) => [
  r.model,
  `${fmt(r.libs.torchlet.medianMs)} (${fmt(r.libs.torchlet.minMs)})`,
  `${fmt(r.libs['ort-web'].medianMs)} (${fmt(r.libs['ort-web'].minMs)})`,
  `${fmt(r.libs['ort-node'].medianMs)} (${fmt(r.libs['ort-node'].minMs)})`,
  ratio(r, 'ort-web'),
  ratio(r, 'ort-node'),
  Object.values(r.check).every((c) => c.ok) ? 'agree (1e-3 of scale vs PyTorch)' : 'MISMATCH',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const legend = 'median (min) ms per batch-1 inference, 1 thread, output read back; ratio = torchlet median / peer median (ratio of the mins in parentheses; < 1: torchlet faster); PASS/FAIL on the medians';
log(`\n${legend}`);
log([header, ...table].map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n'));
// the floor: these flops at the f32x4 mul + add peak (fewer flops, e.g. Winograd convs, can go below it)
const floorRows = rows.map((r) => {
  const floor = (r.gflop / peak) * 1e3;
  return `${r.model}: ${r.gflop.toFixed(2)} GFLOP at the f32x4 mul+add peak of ${peak.toFixed(1)} GFLOP/s takes >= ${floor.toFixed(1)} ms = ${(floor / r.libs['ort-node'].medianMs).toFixed(2)}x ort-node (torchlet runs at ${((r.gflop / r.libs.torchlet.medianMs) * 1e3 / peak * 100).toFixed(0)}% of the peak)`;
});
log(`\nSIMD128 floor (direct flop counts; only algorithms with fewer multiplies go below it):\n  ${floorRows.join('\n  ')}`);
if (flags.has('md')) {
  const cpu = os.cpus()[0]?.model ?? '?';
  log(`\n### Run of ${new Date().toISOString()}\n`);
  log(`${cpu}, ${os.cpus().length} cores, Node ${process.version}; torchlet ${versions.torchlet} (graphOptimizationLevel '${level}'), onnxruntime-web ${versions['ort-web']} (wasm, SIMD, numThreads 1), onnxruntime-node ${versions['ort-node']} (cpu, intraOpNumThreads 1); ${reps} timed runs per library after ${warmup} warm-up runs, round-robin; 1-min load average ${loadAvg.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end.\n`);
  log(`${legend}.\n`);
  log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of table) log(`| ${row.join(' | ')} |`);
  log(`\nSIMD128 floor: ${floorRows.join('; ')}.`);
}
if (mismatches) {
  console.error(`\n${mismatches} output mismatch(es) against PyTorch`);
  process.exitCode = 1;
}
