// The 'auto' routing policy of InferenceSession.run() (torch.webgpu.setPolicy): calibration, GPU
// routing forced with torch.webgpu._setRoutingOverride('gpu') (CI's software adapters are slower
// than the CPU, so the cost model alone would keep everything on the CPU), the outputs against
// the same session's CPU run (runSync, the oracle), the explanations in stats().decisions, the
// per-step choices under a fast GPU's rates (torch.webgpu._simulateCalibration), the
// CPU path unchanged under 'off', and the GPU memory of a session given back by release().
// Models: small ones made here with torch.onnx.export (conv net with batch norm and a residual
// add, the same unoptimised, a transformer-style block with layer norm and attention, an MLP),
// a hand-edited graph whose Shape/Gather/Concat/Reshape/Slice nodes read values of a GPU result,
// an If whose branches read a GPU result with NonZero (outer values reach subgraphs on the CPU),
// and (when the caller passes them, e.g. tests/webgpu/run-policy-deno.ts) the shared reference
// models. Runtime-neutral: no runtime APIs.
import { Checks, assert, type Tensor, type Torch } from './suite-common.js';

/** The rates of a fast discrete GPU next to a slow CPU (for _simulateCalibration). */
const FAST_GPU = { gpuGflops: 10000, cpuGflops: 10, bandwidthGBs: 16, latencyMs: 0.02, launchMs: 0.002 };

/** A model to run under the policy: ONNX bytes and its feeds. */
export interface PolicyModel {
  name: string;
  bytes: Uint8Array;
  feeds: Record<string, Tensor>;
}

type Session = Awaited<ReturnType<Torch['onnx']['InferenceSession']['create']>>;
type ModelProto = ReturnType<Torch['onnx']['decodeModel']>;
type NodeProto = ModelProto['graph']['nodes'][number];
type AttributeProto = NodeProto['attributes'][number];
type TensorProto = ModelProto['graph']['initializers'][number];

interface Stats {
  kernels: Record<string, number>;
  fallbacks: Record<string, number>;
  uploads: number;
  downloads: number;
  tensors: number;
  decisions: string[];
  errors: string[];
  calibration: Record<string, unknown> | null;
}

/** Max |a - b| and the scale of b. */
function diff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; scale: number } {
  let max = a.length === b.length ? 0 : Infinity;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, Number.isNaN(d) ? Infinity : d);
  }
  return { max, scale };
}

/** Compares two output maps: same names, CPU tensors, shapes, values within 1e-3 of the output's scale. */
function expectSame(torch: Torch, got: Record<string, Tensor>, want: Record<string, Tensor>, where: string): void {
  assert(Object.keys(got).join() === Object.keys(want).join(), `${where}: outputs [${Object.keys(got)}], expected [${Object.keys(want)}]`);
  for (const k of Object.keys(want)) {
    const g = got[k];
    const w = want[k];
    assert(g instanceof torch.Tensor, `${where}: output ${k} is not a tensor`);
    assert(g.device === 'cpu', `${where}: output ${k} is on ${g.device}, expected a CPU tensor`);
    assert(g.dtype === w.dtype && g.shape.join() === w.shape.join(), `${where}: output ${k} is ${g.dtype} [${g.shape}], expected ${w.dtype} [${w.shape}]`);
    const d = diff(Array.from(g.dataSync() as ArrayLike<number>, Number), Array.from(w.dataSync() as ArrayLike<number>, Number));
    assert(d.max <= 1e-3 * Math.max(d.scale, 1e-3), `${where}: output ${k} differs from the CPU run by ${d.max.toExponential(2)} (scale ${d.scale.toPrecision(3)})`);
  }
}

function disposeAll(r: Record<string, Tensor>): void {
  for (const t of Object.values(r)) t.dispose();
}

// ---------------------------------------------------------------- hand-made graph pieces

type GraphProto = ModelProto['graph'];

function attr(name: string, v: { i?: number; ints?: number[]; g?: GraphProto }): AttributeProto {
  return {
    name, type: v.g ? 5 : v.ints ? 7 : 2, f: 0, i: v.i ?? 0, s: null, t: null, g: v.g ?? null, floats: [], ints: v.ints ?? [], strings: [], tensors: [], graphs: [], tp: null, refAttrName: '',
  } as AttributeProto;
}

function subgraph(name: string, nodes: NodeProto[], output: string): GraphProto {
  return { name, nodes, initializers: [], inputs: [], outputs: [{ name: output, type: null }], valueInfo: [] } as unknown as GraphProto;
}

function init(name: string, dims: number[], dataType: 1 | 7, values: number[]): TensorProto {
  const bytes = dataType === 1 ? new Uint8Array(new Float32Array(values).buffer) : new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
  return { name, dims, dataType, floatData: [], int32Data: [], int64Data: [], doubleData: [], uint64Data: [], stringData: [], rawData: bytes, externalData: {}, dataLocation: 0 } as TensorProto;
}

function node(opType: string, inputs: string[], outputs: string[], attributes: AttributeProto[] = []): NodeProto {
  return { name: `/${opType.toLowerCase()}_${outputs[0]}`, opType, domain: '', inputs, outputs, attributes } as NodeProto;
}

/**
 * An exported conv + relu, extended by hand: its output's shape goes through Shape -> Gather ->
 * Unsqueeze -> Concat into a Reshape (values of shape tensors), then Slice (value-read starts/ends),
 * a MatMul and a Softmax. The batch dimension is symbolic, so nothing is folded at create().
 */
function shapeChainModel(torch: Torch): ModelProto {
  const { nn } = torch;
  torch.manualSeed(11);
  const net = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.ReLU());
  const m = torch.onnx.decodeModel(torch.onnx.export(net, [torch.randn(2, 3, 6, 6)], { inputNames: ['x'], outputNames: ['y'] }));
  const g = m.graph;
  const inShape = g.inputs[0].type?.tensorType?.shape;
  if (inShape) inShape[0] = 'N';
  const outShape = g.outputs[0].type?.tensorType?.shape;
  if (outShape) outShape[0] = 'N';
  const w: number[] = [];
  for (let i = 0; i < 4 * 6 * 6 * 5; i++) w.push(Math.sin(i * 0.37) * 0.1);
  g.initializers.push(init('zero', [], 7, [0]), init('axes0', [1], 7, [0]), init('minus1', [1], 7, [-1]), init('st', [1], 7, [1]), init('en', [1], 7, [1 << 30]), init('W', [4 * 6 * 6, 5], 1, w));
  g.nodes.push(
    node('Shape', ['y'], ['shape']),
    node('Gather', ['shape', 'zero'], ['n'], [attr('axis', { i: 0 })]),
    node('Unsqueeze', ['n', 'axes0'], ['n1']),
    node('Concat', ['n1', 'minus1'], ['target'], [attr('axis', { i: 0 })]),
    node('Reshape', ['y', 'target'], ['flat']),
    node('MatMul', ['flat', 'W'], ['logits']),
    node('Slice', ['logits', 'st', 'en', 'axes0'], ['rest']),
    node('Softmax', ['logits'], ['probs'], [attr('axis', { i: -1 })]),
  );
  g.outputs.push({ name: 'probs', type: null }, { name: 'rest', type: null });
  return m;
}

/**
 * An exported conv + relu whose output `y` (computed on the GPU when routed) is read by the
 * branches of an If: NonZero(y) or NonZero(Neg(y)). NonZero's result shape depends on the values,
 * which a webgpu tensor cannot give synchronously: the subgraph must see `y` on the CPU.
 */
function ifModel(torch: Torch): ModelProto {
  const { nn } = torch;
  torch.manualSeed(12);
  const net = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU());
  const m = torch.onnx.decodeModel(torch.onnx.export(net, [torch.randn(1, 2, 5, 5)], { inputNames: ['x'], outputNames: ['y'] }));
  const g = m.graph;
  g.inputs.push({ name: 'c', type: { tensorType: { elemType: 9, shape: [] } } });
  const thenG = subgraph('then', [node('NonZero', ['y'], ['t_out'])], 't_out');
  const elseG = subgraph('else', [node('Neg', ['y'], ['ny']), node('NonZero', ['ny'], ['e_out'])], 'e_out');
  g.nodes.push(node('If', ['c'], ['sel'], [attr('then_branch', { g: thenG }), attr('else_branch', { g: elseG })]));
  g.outputs.push({ name: 'sel', type: null });
  return m;
}

/** The models made here (exported by torchlet). */
function ownModels(torch: Torch): { name: string; model: Uint8Array | ModelProto; feeds: Record<string, Tensor>; level?: 'disabled' }[] {
  const { nn, F } = torch;
  torch.manualSeed(5);
  class ResNetLet extends nn.Module {
    c1 = new nn.Conv2d(3, 8, 3, { padding: 1 });
    bn1 = new nn.BatchNorm2d(8);
    c2 = new nn.Conv2d(8, 8, 3, { padding: 1 });
    c3 = new nn.Conv2d(8, 16, 3, { stride: 2, padding: 1 });
    pool = new nn.MaxPool2d(2);
    fc = new nn.Linear(16 * 4 * 4, 10);
    override forward(x: Tensor): Tensor {
      const h = F.relu(this.bn1.forward(this.c1.forward(x)) as Tensor);
      const r = F.relu(this.c2.forward(h).add(h));
      const p = this.pool.forward(F.relu(this.c3.forward(r))) as Tensor;
      return this.fc.forward(p.flatten(1)).sigmoid();
    }
  }
  const cnn = new ResNetLet();
  cnn.bn1.forward(torch.randn(4, 8, 16, 16)); // non-trivial running statistics
  cnn.eval();
  const cnnBytes = torch.onnx.export(cnn, [torch.randn(2, 3, 16, 16)], { inputNames: ['x'], outputNames: ['y'] });

  class Block extends nn.Module {
    ln = new nn.LayerNorm(16);
    fc = new nn.Linear(16, 16);
    bn = new nn.BatchNorm1d(8);
    override forward(x: Tensor): Tensor {
      const h = this.fc.forward(this.ln.forward(x)); // [2, 8, 16]
      const att = torch.softmax(h.matmul(h.transpose(1, 2)).div(4), -1);
      const y = this.bn.forward(att.matmul(h)).add(x);
      return torch.cat([F.logSoftmax(y.mean(1), -1), y.amax(2), F.gelu(y).sum(1)], 1);
    }
  }
  const block = new Block();
  block.bn.forward(torch.randn(6, 8, 16));
  block.eval();
  const blockBytes = torch.onnx.export(block, [torch.randn(2, 8, 16)], { inputNames: ['x'], outputNames: ['y'] });

  class MLP extends nn.Module {
    fc1 = new nn.Linear(64, 128);
    fc2 = new nn.Linear(128, 32);
    override forward(x: Tensor): Tensor {
      return this.fc2.forward(F.gelu(this.fc1.forward(x))).tanh();
    }
  }
  const mlpBytes = torch.onnx.export(new MLP(), [torch.randn(16, 64)], { inputNames: ['x'], outputNames: ['y'] });

  return [
    { name: 'conv net (fused)', model: cnnBytes, feeds: { x: torch.randn(2, 3, 16, 16) } },
    { name: 'conv net (unoptimised: Conv, BatchNormalization, Relu, Add, MaxPool, Flatten, Gemm)', model: cnnBytes, feeds: { x: torch.randn(2, 3, 16, 16) }, level: 'disabled' },
    { name: 'transformer-style block (LayerNorm, attention, BatchNorm1d, reductions)', model: blockBytes, feeds: { x: torch.randn(2, 8, 16) } },
    { name: 'MLP (Gemm + Gelu)', model: mlpBytes, feeds: { x: torch.randn(16, 64) } },
    { name: 'value-reading ops after a GPU conv (Shape, Gather, Concat, Reshape, Slice)', model: shapeChainModel(torch), feeds: { x: torch.randn(3, 3, 6, 6) } },
    { name: 'an If whose branches read a GPU conv result (NonZero)', model: ifModel(torch), feeds: { x: torch.randn(1, 2, 5, 5), c: torch.ones([], { dtype: 'bool' }) } },
  ];
}

/**
 * Runs the policy checks. `opts.models` adds models (e.g. the shared reference models, which a
 * runtime-neutral suite cannot read itself).
 */
export async function run(torch: Torch, opts: { models?: PolicyModel[] } = {}): Promise<{ passed: number; failed: number; failures: string[]; notes: string[] }> {
  const k = new Checks();
  const gpu = torch.webgpu;
  const stats = (): Stats => gpu.stats() as unknown as Stats;
  const prevPolicy = gpu.getPolicy();
  const result = () => ({ passed: k.passed, failed: k.failed, failures: k.failures.map((f) => `${f.id}: ${f.message}`), notes: k.notes });

  await k.run('setPolicy/getPolicy and the routing override check their argument', () => {
    let e: unknown = null;
    try {
      gpu.setPolicy('sometimes' as 'auto');
    } catch (err) {
      e = err;
    }
    assert(e instanceof TypeError && /expected 'auto' or 'off'/.test((e as Error).message), `setPolicy('sometimes') gave ${String(e)}`);
    e = null;
    try {
      gpu._setRoutingOverride('fast' as 'gpu');
    } catch (err) {
      e = err;
    }
    assert(e instanceof TypeError, `_setRoutingOverride('fast') gave ${String(e)}`);
    gpu.setPolicy('off');
    assert(gpu.getPolicy() === 'off', 'getPolicy() after setPolicy(off)');
    gpu.setPolicy('auto');
    assert(gpu.getPolicy() === 'auto', 'getPolicy() after setPolicy(auto)');
  });

  if (!(await gpu.isAvailable())) {
    k.notes.push(`no WebGPU adapter (${stats().calibration === null ? 'no calibration' : ''}); only the CPU path was checked`);
    return result();
  }

  let cal = null as Awaited<ReturnType<typeof gpu.calibrate>>;
  await k.run('calibrate() measures the GPU, the CPU and the transfers once; stats().calibration shows it', async () => {
    cal = await gpu.calibrate();
    assert(cal, 'calibrate() gave null with a device');
    for (const f of ['gpuGflops', 'cpuGflops', 'bandwidthGBs', 'uploadGBs', 'readbackGBs', 'latencyMs', 'launchMs'] as const) {
      const v = cal[f];
      assert(typeof v === 'number' && Number.isFinite(v) && v > 0, `calibration.${f} = ${String(v)}`);
    }
    assert((await gpu.calibrate()) === cal, 'a second calibrate() measured again instead of returning the cached result');
    const s = stats().calibration;
    assert(s && s.gpuGflops === cal.gpuGflops, 'stats().calibration does not show the calibration');
    k.notes.push(`calibration on ${cal.adapter}: gpu ${cal.gpuGflops.toFixed(1)} GFLOP/s, cpu ${cal.cpuGflops.toFixed(1)} GFLOP/s, ${cal.bandwidthGBs.toFixed(2)} GB/s, latency ${cal.latencyMs.toFixed(2)} ms, launch ${cal.launchMs.toFixed(3)} ms (${cal.ms.toFixed(0)} ms)`);
  });
  if (!cal) return result();
  const c = cal as NonNullable<typeof cal>;

  const simulatedSides = new Set<string>();
  const models: { name: string; model: Uint8Array | ModelProto; feeds: Record<string, Tensor>; level?: 'disabled' }[] = [];
  try {
    models.push(...ownModels(torch));
  } catch (e) {
    k.failed++;
    k.failures.push({ id: 'building the test models', message: String((e as Error)?.stack ?? e) });
  }
  for (const m of opts.models ?? []) models.push({ name: `shared model ${m.name}`, model: m.bytes, feeds: m.feeds });

  for (const m of models) {
    let session: Session | null = null;
    let want: Record<string, Tensor> | null = null;
    const baseTensors = stats().tensors;
    await k.run(`${m.name}: forced GPU routing matches the CPU run and explains itself`, async () => {
      session = await torch.onnx.InferenceSession.create(m.model, m.level ? { graphOptimizationLevel: m.level } : {});
      want = session.runSync(m.feeds);
      gpu.setPolicy('auto');
      gpu._setRoutingOverride('gpu');
      gpu.resetStats();
      const t0 = performance.now();
      const got = await session.run(m.feeds);
      const ms = performance.now() - t0;
      const s = stats();
      expectSame(torch, got, want, 'forced gpu');
      disposeAll(got);
      const heavy = session.model.graph.nodes.length ? s.decisions.filter((d) => / -> webgpu \(est\. .*forced by _setRoutingOverride\('gpu'\)\)$/.test(d)) : [];
      assert(heavy.length > 0, `no heavy step was routed to webgpu; decisions: ${JSON.stringify(s.decisions)}`);
      assert(Object.keys(s.kernels).some((n) => /matmul|conv/.test(n)), `no matmul/conv kernel ran: ${JSON.stringify(s.kernels)}`);
      assert(s.errors.length === 0, `device errors: ${s.errors.join('; ')}`);
      assert(s.downloads > 0, 'nothing was read back from the GPU');
      const failed = s.decisions.filter((d) => /GPU attempt failed/.test(d));
      assert(failed.length === 0, `GPU steps failed and were retried on the CPU: ${failed.join(' | ')}`);
      k.notes.push(`${m.name}: forced gpu run ${ms.toFixed(0)} ms, kernels ${JSON.stringify(s.kernels)}, fallbacks ${JSON.stringify(s.fallbacks)}, decisions ${JSON.stringify(s.decisions)}`);
    });
    if (!session || !want) continue;
    const sess = session as Session;
    const ref = want as Record<string, Tensor>;

    await k.run(`${m.name}: a second routed run gives the same outputs, notes nothing new and leaks no GPU tensors`, async () => {
      const before = stats().tensors;
      gpu.resetStats();
      const got = await sess.run(m.feeds);
      expectSame(torch, got, ref, 'second forced gpu run');
      disposeAll(got);
      const s = stats();
      assert(s.decisions.length === 0, `decisions are not deduplicated per session: ${JSON.stringify(s.decisions)}`);
      assert(s.tensors === before, `live GPU tensors went from ${before} to ${s.tensors} over a run`);
      // weights and constants were uploaded once, in the first run: the second uploads only activations
      const feedsBytes = Object.values(m.feeds).reduce((a, t) => a + t.numel() * 4, 0);
      k.notes.push(`${m.name}: second run uploads ${s.uploads} (feeds ${feedsBytes} bytes), downloads ${s.downloads}`);
    });

    await k.run(`${m.name}: routing the value-reading ops never hands them a GPU tensor`, () => {
      const s = stats();
      // ops that read values on a GPU tensor would have failed (sync reads throw) or been recorded as errors
      assert(!s.decisions.some((d) => /the GPU attempt failed/.test(d)), `a GPU attempt failed: ${s.decisions.join(' | ')}`);
      for (const op of ['item', 'tolist', 'dataSync']) assert(!(op in s.fallbacks), `${op} ran on a webgpu tensor`);
    });

    await k.run(`${m.name}: _setRoutingOverride('cpu') keeps the session on the CPU`, async () => {
      gpu._setRoutingOverride('cpu');
      gpu.resetStats();
      const got = await sess.run(m.feeds);
      const s = stats();
      expectSame(torch, got, ref, 'override cpu');
      disposeAll(got);
      assert(Object.keys(s.kernels).length === 0 && s.uploads === 0 && s.downloads === 0, `GPU work with the override 'cpu': kernels ${JSON.stringify(s.kernels)}, ${s.uploads} uploads`);
    });

    await k.run(`${m.name}: 'auto' by the measurements alone decides as the calibration says and explains why`, async () => {
      gpu._setRoutingOverride(null);
      gpu.resetStats();
      const fresh = await torch.onnx.InferenceSession.create(m.model, m.level ? { graphOptimizationLevel: m.level } : {});
      try {
        const got = await fresh.run(m.feeds);
        const s = stats();
        expectSame(torch, got, ref, 'auto');
        disposeAll(got);
        if (c.gpuGflops <= c.cpuGflops) {
          assert(s.decisions.some((d) => /CPU faster for every op \(gpu [\d.]+ GFLOP\/s vs cpu [\d.]+\)/.test(d)), `expected the 'CPU faster for every op' explanation, got ${JSON.stringify(s.decisions)}`);
          assert(Object.keys(s.kernels).length === 0, `the GPU ran kernels although the CPU is faster: ${JSON.stringify(s.kernels)}`);
        } else {
          const heavy = s.decisions.filter((d) => /FLOP -> (webgpu|cpu) \(est\. [\d.e-]+ ms vs (cpu|webgpu) [\d.e-]+ ms\)$/.test(d));
          assert(heavy.length > 0, `no per-step decision recorded: ${JSON.stringify(s.decisions)}`);
        }
        k.notes.push(`${m.name}: auto decisions ${JSON.stringify(s.decisions.slice(0, 6))}`);
      } finally {
        await fresh.release();
      }
    });

    await k.run(`${m.name}: 'auto' with a fast GPU's rates (simulated) picks the cheaper side per step; outputs match`, async () => {
      gpu._setRoutingOverride(null);
      gpu._simulateCalibration(FAST_GPU);
      gpu.resetStats();
      const fresh = await torch.onnx.InferenceSession.create(m.model, m.level ? { graphOptimizationLevel: m.level } : {});
      try {
        const got = await fresh.run(m.feeds);
        const s = stats();
        expectSame(torch, got, ref, 'simulated fast gpu');
        disposeAll(got);
        assert(s.calibration?.simulated === true, 'stats().calibration does not say the rates are simulated');
        const heavy = s.decisions.map((d) => /FLOP -> (webgpu|cpu) \(est\. ([\d.e+-]+) ms vs (?:cpu|webgpu) ([\d.e+-]+) ms\)$/.exec(d)).filter((x): x is RegExpExecArray => !!x);
        assert(heavy.length > 0, `no per-step decision recorded: ${JSON.stringify(s.decisions)}`);
        for (const h of heavy) assert(Number(h[2]) <= Number(h[3]), `a decision picked the dearer side: ${h[0]}`);
        for (const h of heavy) simulatedSides.add(h[1]);
        if (heavy.some((h) => h[1] === 'webgpu')) assert(Object.keys(s.kernels).length > 0, 'decided webgpu but no kernel ran');
        else assert(Object.keys(s.kernels).length === 0 && s.uploads === 0, `every step decided cpu but the GPU worked: ${JSON.stringify(s.kernels)}`);
        k.notes.push(`${m.name}: simulated fast GPU decisions ${JSON.stringify(s.decisions.slice(0, 8))}`);
      } finally {
        gpu._simulateCalibration(null);
        await fresh.release();
      }
    });

    await k.run(`${m.name}: policy 'off' runs the session on the CPU (no kernels, no transfers)`, async () => {
      gpu._setRoutingOverride('gpu'); // even forced: 'off' wins
      gpu.setPolicy('off');
      gpu.resetStats();
      try {
        const got = await sess.run(m.feeds);
        const s = stats();
        expectSame(torch, got, ref, "policy 'off'");
        disposeAll(got);
        assert(Object.keys(s.kernels).length === 0, `kernels ran under 'off': ${JSON.stringify(s.kernels)}`);
        assert(s.uploads === 0 && s.downloads === 0, `transfers under 'off': ${s.uploads} uploads, ${s.downloads} downloads`);
        assert(s.decisions.length === 0, `decisions recorded under 'off': ${JSON.stringify(s.decisions)}`);
      } finally {
        gpu.setPolicy('auto');
        gpu._setRoutingOverride(null);
      }
    });

    await k.run(`${m.name}: release() frees the GPU copies of the weights`, async () => {
      await sess.release();
      disposeAll(ref);
      const s = stats();
      assert(s.tensors === baseTensors, `live GPU tensors: ${s.tensors} after release(), ${baseTensors} before the session`);
    });
  }

  await k.run('routed runs inside torch.scope() keep the uploaded weights for the next run', async () => {
    torch.manualSeed(8);
    const net = new torch.nn.Sequential(new torch.nn.Linear(16, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 4));
    const x = torch.randn(4, 16);
    const session = await torch.onnx.InferenceSession.create(torch.onnx.export(net, [x], { inputNames: ['x'], outputNames: ['y'] }));
    const want = session.runSync({ x });
    gpu._setRoutingOverride('gpu');
    gpu.resetStats();
    try {
      for (let i = 0; i < 2; i++) {
        await torch.scope(async () => {
          const got = await session.run({ x });
          expectSame(torch, got, want, `run ${i + 1} in a scope`);
        });
      }
      // (the CPU retry of a failed GPU step would hide a freed weight from the outputs)
      const failed = stats().decisions.filter((d) => /GPU attempt failed/.test(d));
      assert(failed.length === 0, `GPU steps failed: ${failed.join(' | ')}`);
    } finally {
      gpu._setRoutingOverride(null);
      await session.release();
      disposeAll(want);
    }
  });

  await k.run('a routed run that fails names the node and leaves no GPU tensors behind', async () => {
    const bytes = torch.onnx.export(new torch.nn.Sequential(new torch.nn.Linear(8, 4)), [torch.randn(2, 8)], { inputNames: ['x'], outputNames: ['y'] });
    const session = await torch.onnx.InferenceSession.create(bytes);
    const before = stats().tensors;
    gpu._setRoutingOverride('gpu');
    let err: unknown = null;
    try {
      await session.run({ x: torch.randn(2, 7) });
    } catch (e) {
      err = e;
    } finally {
      gpu._setRoutingOverride(null);
    }
    assert(err instanceof Error && /ONNX node/.test(err.message), `expected an OnnxNodeError for a bad feed shape, got ${String(err)}`);
    await session.release();
    assert(stats().tensors === before, `live GPU tensors: ${stats().tensors}, ${before} before`);
  });

  if (models.length >= 5) {
    await k.run('the simulated fast GPU sent some steps to the GPU and kept others on the CPU', () => {
      assert(simulatedSides.has('webgpu') && simulatedSides.has('cpu'), `sides chosen: ${[...simulatedSides].join(', ')}`);
    });
  }

  gpu._setRoutingOverride(null);
  gpu._simulateCalibration(null);
  gpu.setPolicy(prevPolicy);
  return result();
}
