// Training on the WebGPU backend matches training on the CPU. Models (an MLP, an MLP with a
// train-mode Dropout, a small CNN with BatchNorm2d, MaxPool2d and an eval-mode Dropout, and a CNN
// with a cumulative-average BatchNorm2d) are built twice with the same seed, one copy moved with
// `module.to('webgpu')`, and trained 5 steps on the same batches: forward, CrossEntropyLoss,
// `loss.backward()`, `optimizer.zeroGrad()`, `nn.utils.clipGradNorm_`, `optimizer.step()` and lr
// schedulers. The losses of every step, the parameters (within 1e-4), the BatchNorm buffers and the
// eval-mode outputs after the last step must agree with the CPU run. Also: every optimizer option on
// its own (the fused WGSL updates of gpu-bridge/optim.wgsl against the wasm ones of simd/optim.ts,
// including a non-contiguous parameter), gradient accumulation with zeroGrad({ setToNone: false }),
// optimizer state created on the parameter's device, a model moved to the GPU after CPU steps (its
// optimizer state follows) and back to the CPU after GPU steps, and clipGradNorm_ on GPU gradients.
// Public API only; runtime-neutral (Deno, Chromium, Node): `run(torch)` is the entry point,
// `runTrainSuite(torch)` the runner's (tests/webgpu/runner.ts).
import { Checks, GPU, assert, closeness, values, type SuiteResult, type Tensor, type Torch } from './suite-common.js';

interface Mod {
  forward(x: Tensor): Tensor;
  to(d: string): Mod;
  eval(): Mod;
  modules(): Iterable<Mod>;
  parameters(): Iterable<Tensor>;
  namedParameters(): Iterable<[string, Tensor]>;
  namedBuffers(): Iterable<[string, Tensor]>;
}
interface Opt {
  zeroGrad(opts?: { setToNone: boolean }): void;
  step(): void;
  state: Map<Tensor, Record<string, unknown>>;
}
interface Sched {
  step(): void;
}
type Ctor<T> = new (...a: unknown[]) => T;

const STEPS = 5;
/** parameters after training: max abs difference to the CPU run */
const PARAM_ATOL = 1e-4;

interface Api {
  nn: Record<string, Ctor<Mod>> & { utils: { clipGradNorm_(p: Iterable<Tensor>, maxNorm: number): Tensor } };
  optim: Record<string, Ctor<Opt>> & { lrScheduler: Record<string, Ctor<Sched>> };
}

function api(torch: Torch): Api {
  return { nn: torch.nn as unknown as Api['nn'], optim: torch.optim as unknown as Api['optim'] };
}

function gpuStats(torch: Torch): { kernels: Record<string, number>; fallbacks: Record<string, number>; errors: string[] } {
  return (torch as unknown as { webgpu: { stats(): { kernels: Record<string, number>; fallbacks: Record<string, number>; errors: string[] } } }).webgpu.stats();
}

/** Asserts that every named tensor of `got` (webgpu) is within atol of `exp` (CPU); returns the worst difference. */
async function compareNamed(what: string, got: Iterable<[string, Tensor]>, exp: Iterable<[string, Tensor]>, atol: number): Promise<number> {
  const g = new Map(got);
  let worst = 0;
  let count = 0;
  for (const [name, tc] of exp) {
    const tg = g.get(name);
    assert(tg, `${what} ${name} is missing on the GPU model`);
    assert(tg.device === GPU, `${what} ${name} is on ${tg.device} after training, expected ${GPU}`);
    assert(tg.dtype === tc.dtype, `${what} ${name} has dtype ${tg.dtype}, expected ${tc.dtype}`);
    const c = closeness(await values(tg), await values(tc), 0, atol);
    worst = Math.max(worst, c.maxAbs);
    assert(c.ok, `${what} ${name} differs from the CPU run by ${c.maxAbs.toExponential(2)} (> ${atol}) at flat index ${c.first}`);
    count++;
  }
  assert(count === g.size, `the GPU model has ${g.size} ${what}s, the CPU model ${count}`);
  return worst;
}

interface ModelSpec {
  make: (nn: Api['nn']) => Mod;
  input: number[];
  classes: number;
}

const MODELS: Record<string, ModelSpec> = {
  MLP: {
    make: (nn) => new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 32), new nn.Tanh(), new nn.Linear(32, 5)),
    input: [16, 20],
    classes: 5,
  },
  'MLP with Dropout(0.3) in train mode': {
    make: (nn) => new nn.Sequential(new nn.Linear(12, 24), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(24, 3)),
    input: [10, 12],
    classes: 3,
  },
  CNN: {
    // no conv bias before BatchNorm: its gradient is 0 up to rounding, which adaptive optimizers amplify
    make: (nn) =>
      new nn.Sequential(
        new nn.Conv2d(2, 4, 3, { padding: 1, bias: false }),
        new nn.BatchNorm2d(4),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Dropout(0.5),
        new nn.Conv2d(4, 6, 3),
        new nn.ReLU(),
        new nn.Flatten(),
        new nn.Linear(6 * 2 * 2, 3),
      ),
    input: [6, 2, 8, 8],
    classes: 3,
  },
  'CNN with BatchNorm2d(momentum null)': {
    // cumulative running averages: the module counts batches in num_batches_tracked (on the GPU)
    make: (nn) =>
      new nn.Sequential(
        new nn.Conv2d(1, 3, 3, { bias: false }),
        new nn.BatchNorm2d(3, { momentum: null }),
        new nn.ReLU(),
        new nn.AvgPool2d(2),
        new nn.Flatten(),
        new nn.Linear(3 * 3 * 3, 4),
      ),
    input: [5, 1, 8, 8],
    classes: 4,
  },
};

interface TrainSpec {
  model: string;
  opt: (o: Api['optim'], p: Iterable<Tensor>) => Opt;
  sched?: (o: Api['optim'], opt: Opt) => Sched;
  clip?: number;
  /** backward passes (micro-batches) per step, accumulated with zeroGrad({ setToNone: false }) */
  accumulate?: number;
  /** CPU steps before the second model moves to the GPU (its optimizer state must follow) */
  cpuSteps?: number;
  /** the optimizer's kernel that must have run */
  kernel: string;
  /** keep Dropout in train mode (both forwards draw their masks from the same reseeded generator) */
  trainDropout?: boolean;
}

const TRAININGS: Record<string, TrainSpec> = {
  'MLP + SGD(momentum 0.9, nesterov, weightDecay) + clipGradNorm_ + StepLR': {
    model: 'MLP',
    opt: (o, p) => new o.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    sched: (o, opt) => new o.lrScheduler.StepLR(opt, 2, { gamma: 0.5 }),
    clip: 0.5,
    kernel: 'optim:sgd',
  },
  'MLP + Adam + CosineAnnealingLR': {
    model: 'MLP',
    opt: (o, p) => new o.Adam(p, { lr: 1e-2 }),
    sched: (o, opt) => new o.lrScheduler.CosineAnnealingLR(opt, 5),
    kernel: 'optim:adam',
  },
  'MLP + AdamW(amsgrad)': {
    model: 'MLP',
    opt: (o, p) => new o.AdamW(p, { lr: 1e-2, weightDecay: 0.05, amsgrad: true }),
    kernel: 'optim:adam',
  },
  'MLP + RMSprop(centered, momentum)': {
    model: 'MLP',
    opt: (o, p) => new o.RMSprop(p, { lr: 1e-3, momentum: 0.5, centered: true, weightDecay: 1e-3 }),
    kernel: 'optim:rmsprop',
  },
  'MLP + Adagrad(lrDecay, weightDecay)': {
    model: 'MLP',
    opt: (o, p) => new o.Adagrad(p, { lr: 0.05, lrDecay: 0.01, weightDecay: 1e-3 }),
    kernel: 'optim:adagrad',
  },
  'MLP + SGD, 2 micro-batches accumulated (zeroGrad setToNone false)': {
    model: 'MLP',
    opt: (o, p) => new o.SGD(p, { lr: 0.05, momentum: 0.5, dampening: 0.1 }),
    accumulate: 2,
    kernel: 'optim:sgd',
  },
  'MLP + Adam, moved to webgpu after 2 CPU steps (state follows)': {
    model: 'MLP',
    opt: (o, p) => new o.Adam(p, { lr: 1e-2 }),
    cpuSteps: 2,
    kernel: 'optim:adam',
  },
  'MLP with Dropout(0.3) in train mode + SGD (same masks: reseeded per forward)': {
    model: 'MLP with Dropout(0.3) in train mode',
    opt: (o, p) => new o.SGD(p, { lr: 0.1, momentum: 0.9 }),
    kernel: 'optim:sgd',
    trainDropout: true,
  },
  'CNN + SGD(momentum 0.9) + StepLR': {
    model: 'CNN',
    opt: (o, p) => new o.SGD(p, { lr: 0.05, momentum: 0.9 }),
    sched: (o, opt) => new o.lrScheduler.StepLR(opt, 3, { gamma: 0.1 }),
    kernel: 'optim:sgd',
  },
  'CNN with BatchNorm2d(momentum null) + RMSprop': {
    model: 'CNN with BatchNorm2d(momentum null)',
    opt: (o, p) => new o.RMSprop(p, { lr: 1e-2 }),
    kernel: 'optim:rmsprop',
  },
  'CNN + Adam + clipGradNorm_': {
    model: 'CNN',
    opt: (o, p) => new o.Adam(p, { lr: 1e-2 }),
    clip: 1,
    kernel: 'optim:adam',
  },
};

async function trainCompare(torch: Torch, k: Checks, name: string, spec: TrainSpec, seed: number): Promise<void> {
  const { nn, optim } = api(torch);
  const m = MODELS[spec.model];
  const before = gpuStats(torch).kernels[spec.kernel] ?? 0;
  torch.manualSeed(seed);
  const cpuM = m.make(nn);
  torch.manualSeed(seed);
  const gpuM = m.make(nn);
  const cpuSteps = spec.cpuSteps ?? 0;
  if (cpuSteps === 0) gpuM.to(GPU);
  if (!spec.trainDropout) for (const mod of [cpuM, gpuM]) for (const sub of mod.modules()) if (sub instanceof nn.Dropout) sub.eval();
  const cpuO = spec.opt(optim, cpuM.parameters());
  const gpuO = spec.opt(optim, gpuM.parameters());
  const cpuS = spec.sched?.(optim, cpuO);
  const gpuS = spec.sched?.(optim, gpuO);
  const crit = new (nn.CrossEntropyLoss as unknown as Ctor<{ forward(x: Tensor, y: Tensor): Tensor }>)();
  const micro = spec.accumulate ?? 1;
  torch.manualSeed(seed + 1000);
  const batches: [Tensor, Tensor][] = [];
  for (let s = 0; s < STEPS * micro; s++) batches.push([torch.randn(m.input), torch.randint(0, m.classes, [m.input[0]])]);
  const lossesC: number[] = [];
  const lossesG: number[] = [];
  const norms: [number, number][] = [];
  for (let s = 0; s < STEPS; s++) {
    if (s === cpuSteps && cpuSteps > 0) {
      gpuM.to(GPU);
      for (const p of gpuM.parameters()) assert(p.device === GPU, `after to('webgpu') a parameter is on ${p.device}`);
    }
    const onGpu = s >= cpuSteps;
    await torch.scope(async () => {
      cpuO.zeroGrad({ setToNone: micro === 1 });
      gpuO.zeroGrad({ setToNone: micro === 1 });
      for (let j = 0; j < micro; j++) {
        const [x, y] = batches[s * micro + j];
        torch.manualSeed(seed * 100 + s * micro + j);
        const lc = crit.forward(cpuM.forward(x), y);
        lc.backward();
        lossesC.push(lc.item() as number);
        torch.manualSeed(seed * 100 + s * micro + j);
        const lg = crit.forward(gpuM.forward(onGpu ? x.to(GPU) : x), onGpu ? y.to(GPU) : y);
        assert(lg.device === (onGpu ? GPU : 'cpu'), `the loss is on ${lg.device}`);
        lg.backward();
        lossesG.push((await values(lg))[0]);
      }
      if (onGpu) for (const [n, p] of gpuM.namedParameters()) assert(p.grad && p.grad.device === GPU, `the gradient of ${n} is ${p.grad ? `on ${p.grad.device}` : 'missing'}`);
      if (spec.clip !== undefined) {
        const nc = nn.utils.clipGradNorm_(cpuM.parameters(), spec.clip);
        const ng = nn.utils.clipGradNorm_(gpuM.parameters(), spec.clip);
        norms.push([(await values(ng))[0], (await values(nc))[0]]);
      }
      cpuO.step();
      gpuO.step();
      cpuS?.step();
      gpuS?.step();
    });
  }
  assert(lossesC.every(Number.isFinite), `non-finite CPU loss: ${lossesC}`);
  const lc = closeness(lossesG, lossesC, 1e-4, 1e-5);
  assert(lc.ok, `losses differ at step ${Math.floor(lc.first / micro)}: webgpu [${lossesG.map((v) => v.toFixed(6))}], cpu [${lossesC.map((v) => v.toFixed(6))}]`);
  assert(lossesC[0] !== lossesC[lossesC.length - 1], 'the loss did not change over the steps');
  if (norms.length) {
    const nc = closeness(norms.map((n) => n[0]), norms.map((n) => n[1]), 1e-4, 1e-5);
    assert(nc.ok, `clipGradNorm_ total norms differ: webgpu [${norms.map((n) => n[0])}], cpu [${norms.map((n) => n[1])}]`);
  }
  const worst = await compareNamed('parameter', gpuM.namedParameters(), cpuM.namedParameters(), PARAM_ATOL);
  await compareNamed('buffer', gpuM.namedBuffers(), cpuM.namedBuffers(), PARAM_ATOL);
  // the optimizer state lives next to the parameters
  for (const [p, st] of gpuO.state) {
    for (const [key, v] of Object.entries(st)) {
      if (v && typeof v === 'object' && 'device' in v) assert((v as Tensor).device === p.device, `optimizer state ${key} is on ${(v as Tensor).device}, its parameter on ${p.device}`);
    }
  }
  const ran = (gpuStats(torch).kernels[spec.kernel] ?? 0) - before;
  assert(ran > 0, `the ${spec.kernel} kernel did not run`);
  // eval mode (BatchNorm on running statistics) gives the same outputs too
  const x = torch.randn(m.input);
  cpuM.eval();
  gpuM.eval();
  const ec = torch.noGrad(() => cpuM.forward(x));
  const eg = torch.noGrad(() => gpuM.forward(x.to(GPU)));
  const e = closeness(await values(eg), await values(ec), 1e-4, 1e-4);
  assert(e.ok, `eval-mode outputs after training differ by ${e.maxAbs.toExponential(2)}`);
  k.notes.push(`${name}: losses ${lossesG.map((v) => v.toFixed(4)).join(' ')}; max |param diff| ${worst.toExponential(2)}; ${spec.kernel} x${ran}`);
  for (const [bx, by] of batches) {
    bx.dispose();
    by.dispose();
  }
}

interface UpdateSpec {
  make: (o: Api['optim'], p: Tensor[]) => Opt;
  kernel: string;
}

/** Each optimizer option on its own: 3 steps on fixed gradients, webgpu vs CPU. */
const UPDATES: Record<string, UpdateSpec> = {
  'SGD plain': { make: (o, p) => new o.SGD(p, { lr: 0.1 }), kernel: 'optim:sgd' },
  'SGD momentum dampening weightDecay': { make: (o, p) => new o.SGD(p, { lr: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.01 }), kernel: 'optim:sgd' },
  'SGD nesterov maximize': { make: (o, p) => new o.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, maximize: true }), kernel: 'optim:sgd' },
  'Adam weightDecay': { make: (o, p) => new o.Adam(p, { lr: 0.01, weightDecay: 0.1 }), kernel: 'optim:adam' },
  'Adam amsgrad maximize betas': { make: (o, p) => new o.Adam(p, { lr: 0.01, betas: [0.8, 0.99], amsgrad: true, maximize: true }), kernel: 'optim:adam' },
  'AdamW': { make: (o, p) => new o.AdamW(p, { lr: 0.01, weightDecay: 0.1, eps: 1e-6 }), kernel: 'optim:adam' },
  'RMSprop plain': { make: (o, p) => new o.RMSprop(p, { lr: 0.01 }), kernel: 'optim:rmsprop' },
  'RMSprop centered momentum weightDecay maximize': {
    make: (o, p) => new o.RMSprop(p, { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.7, weightDecay: 0.01, maximize: true }),
    kernel: 'optim:rmsprop',
  },
  'Adagrad initialAccumulatorValue maximize': {
    make: (o, p) => new o.Adagrad(p, { lr: 0.1, initialAccumulatorValue: 0.5, lrDecay: 0.1, maximize: true }),
    kernel: 'optim:adagrad',
  },
};

async function updateCompare(torch: Torch, spec: UpdateSpec, seed: number): Promise<void> {
  const { optim } = api(torch);
  torch.manualSeed(seed);
  const shapes = [[7, 5], [33], [4, 6]];
  const init = shapes.map((s) => torch.randn(s));
  const grads = [0, 1, 2].map(() => shapes.map((s) => torch.randn(s)));
  const before = gpuStats(torch).kernels[spec.kernel] ?? 0;
  // parameter 2 is a transposed (non-contiguous) leaf on both devices
  const leaf = (t: Tensor, i: number, dev: string): Tensor => {
    const moved = dev === GPU ? t.to(GPU) : t.clone();
    const v = i === 2 ? moved.reshape([6, 4]).t().detach() : moved.detach();
    v.requiresGrad = true;
    return v;
  };
  const pc = init.map((t, i) => leaf(t, i, 'cpu'));
  const pg = init.map((t, i) => leaf(t, i, GPU));
  assert(!pg[2].isContiguous(), 'the transposed parameter is contiguous');
  const oc = spec.make(optim, pc);
  const og = spec.make(optim, pg);
  for (const gs of grads) {
    pc.forEach((p, i) => (p.grad = i === 2 ? gs[i].reshape([6, 4]).t() : gs[i]));
    pg.forEach((p, i) => (p.grad = i === 2 ? gs[i].to(GPU).reshape([6, 4]).t() : gs[i].to(GPU)));
    oc.step();
    og.step();
  }
  for (let i = 0; i < pc.length; i++) {
    assert(pg[i].device === GPU, `parameter ${i} moved to ${pg[i].device}`);
    const c = closeness(await values(pg[i]), await values(pc[i]), 1e-5, 1e-6);
    assert(c.ok, `parameter ${i} (shape [${pc[i].shape}]) differs by ${c.maxAbs.toExponential(2)} at flat index ${c.first}`);
  }
  for (const [p, st] of og.state) {
    for (const [key, v] of Object.entries(st)) {
      if (v && typeof v === 'object' && 'device' in v) {
        assert((v as Tensor).device === GPU, `state ${key} is on ${(v as Tensor).device}`);
        const sc = oc.state.get(pc[pg.indexOf(p)])?.[key] as Tensor | undefined;
        assert(sc, `state ${key} is missing on the CPU optimizer`);
        const c = closeness(await values(v as Tensor), await values(sc), 1e-5, 1e-6);
        assert(c.ok, `state ${key} differs by ${c.maxAbs.toExponential(2)}`);
      }
    }
  }
  assert((gpuStats(torch).kernels[spec.kernel] ?? 0) - before === 3 * pg.length, `expected ${3 * pg.length} ${spec.kernel} launches`);
}

/** The runner's entry (tests/webgpu/runner.ts): every check, with notes and timing. */
export async function runTrainSuite(torch: Torch): Promise<SuiteResult> {
  const k = new Checks();
  // device errors of earlier suites are theirs: only new ones count here (the list keeps 20)
  const errorsBefore = gpuStats(torch).errors.length;
  let seed = 100;
  for (const [name, spec] of Object.entries(UPDATES)) {
    seed++;
    await k.run(`optimizer update ${name}: 3 steps on webgpu match the CPU`, () => updateCompare(torch, spec, seed));
  }
  for (const [name, spec] of Object.entries(TRAININGS)) {
    seed++;
    await k.run(`${name}: ${STEPS} steps on webgpu match the CPU`, () => trainCompare(torch, k, name, spec, seed));
  }
  await k.run("a model trained on webgpu comes back with to('cpu') (after reading its values) and trains on there", async () => {
    const { nn, optim } = api(torch);
    const m = MODELS.MLP;
    torch.manualSeed(31);
    const cpuM = m.make(nn);
    torch.manualSeed(31);
    const gpuM = m.make(nn).to(GPU);
    const cpuO = new optim.SGD(cpuM.parameters(), { lr: 0.1, momentum: 0.9 });
    const gpuO = new optim.SGD(gpuM.parameters(), { lr: 0.1, momentum: 0.9 });
    torch.manualSeed(32);
    const crit = new (nn.CrossEntropyLoss as unknown as Ctor<{ forward(x: Tensor, y: Tensor): Tensor }>)();
    for (let s = 0; s < 4; s++) {
      const x = torch.randn(m.input);
      const y = torch.randint(0, m.classes, [m.input[0]]);
      const gpu = s < 2;
      for (const [mod, opt, dev] of [[cpuM, cpuO, 'cpu'], [gpuM, gpuO, gpu ? GPU : 'cpu']] as const) {
        opt.zeroGrad();
        crit.forward(mod.forward(dev === GPU ? x.to(GPU) : x), dev === GPU ? y.to(GPU) : y).backward();
        opt.step();
      }
      if (s === 1) {
        gpuO.zeroGrad();
        for (const t of gpuM.parameters()) await values(t);
        for (const [, b] of gpuM.namedBuffers()) await values(b);
        for (const st of gpuO.state.values()) for (const v of Object.values(st)) if (v && typeof v === 'object' && 'device' in v) await values(v as Tensor);
        gpuM.to('cpu');
        for (const [n, p] of gpuM.namedParameters()) assert(p.device === 'cpu', `parameter ${n} is on ${p.device} after to('cpu')`);
      }
    }
    for (const [, st] of gpuO.state) for (const [key, v] of Object.entries(st)) if (v && typeof v === 'object' && 'device' in v) assert((v as Tensor).device === 'cpu', `state ${key} stayed on ${(v as Tensor).device}`);
    const g = new Map(gpuM.namedParameters());
    for (const [n, pc] of cpuM.namedParameters()) {
      const c = closeness(await values(g.get(n)!), await values(pc), 0, PARAM_ATOL);
      assert(c.ok, `parameter ${n} differs by ${c.maxAbs.toExponential(2)} after 2 webgpu + 2 CPU steps`);
    }
  });
  await k.run('torch.train.Trainer fits a webgpu model like a CPU one (losses, validation metrics, checkpoint bytes, weights)', async () => {
    const { nn, optim } = api(torch);
    const train = (torch as unknown as { train: { Trainer: Ctor<{ fit(task: unknown, tl: unknown, vl?: unknown): Promise<Record<string, number>[]> }> } }).train;
    const m = MODELS.MLP;
    torch.manualSeed(41);
    const data: [Tensor, Tensor][] = [];
    for (let b = 0; b < 3; b++) data.push([torch.randn(m.input), torch.randint(0, m.classes, [m.input[0]])]);
    const crit = new (nn.CrossEntropyLoss as unknown as Ctor<{ forward(x: Tensor, y: Tensor): Tensor }>)();
    const fit = async (dev: string) => {
      torch.manualSeed(42);
      const model = m.make(nn);
      if (dev === GPU) model.to(GPU);
      const saved: Uint8Array[] = [];
      const task = {
        model,
        trainingStep: ([x, y]: [Tensor, Tensor]) => crit.forward(model.forward(x.to(dev as 'cpu')), y.to(dev as 'cpu')),
        validationStep: ([x, y]: [Tensor, Tensor]) => {
          const out = model.forward(x.to(dev as 'cpu'));
          return { loss: crit.forward(out, y.to(dev as 'cpu')), acc: out.argmax(1).eq(y.to(dev as 'cpu')).float().mean() };
        },
        configureOptimizers: () => {
          const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
          return { optimizer: opt, lrScheduler: new optim.lrScheduler.StepLR(opt, 1, { gamma: 0.5 }) };
        },
      };
      const trainer = new train.Trainer({ maxEpochs: 2, progressBar: false, log: () => {}, gradientClipNorm: 1, checkpoint: { monitor: 'valLoss', save: (b: Uint8Array) => void saved.push(b) } });
      const history = await trainer.fit(task, data, data.slice(0, 2));
      return { history, model, saved };
    };
    const c = await fit('cpu');
    const g = await fit(GPU);
    for (const [i, rec] of c.history.entries()) {
      for (const [key, v] of Object.entries(rec)) {
        const w = g.history[i]?.[key];
        assert(typeof w === 'number' && Math.abs(w - v) <= 1e-4 * Math.max(1, Math.abs(v)), `epoch ${i + 1} ${key}: webgpu ${w}, cpu ${v}`);
      }
    }
    assert(g.saved.length === c.saved.length && g.saved.length > 0, `checkpoints saved: webgpu ${g.saved.length}, cpu ${c.saved.length}`);
    await compareNamed('parameter', g.model.namedParameters(), c.model.namedParameters(), PARAM_ATOL);
    for (const [x, y] of data) {
      x.dispose();
      y.dispose();
    }
  });
  await k.run('clipGradNorm_ on webgpu gradients returns the CPU norm and scales like it', async () => {
    const { nn } = api(torch);
    torch.manualSeed(7);
    const gs = [torch.randn([10, 3]), torch.randn([4])];
    const mk = (dev: string) =>
      gs.map((g) => {
        const p = torch.zeros(g.shape, { device: dev as 'cpu' });
        p.requiresGrad = true;
        p.grad = dev === GPU ? g.to(GPU) : g.clone();
        return p;
      });
    const pc = mk('cpu');
    const pg = mk(GPU);
    const nc = nn.utils.clipGradNorm_(pc, 0.5);
    const ng = nn.utils.clipGradNorm_(pg, 0.5);
    assert(ng.device === GPU, `the norm is on ${ng.device}`);
    const c = closeness(await values(ng), await values(nc), 1e-5, 1e-6);
    assert(c.ok, `total norm ${(await values(ng))[0]}, expected ${(await values(nc))[0]}`);
    for (let i = 0; i < pc.length; i++) {
      const d = closeness(await values(pg[i].grad as Tensor), await values(pc[i].grad as Tensor), 1e-5, 1e-6);
      assert(d.ok, `clipped gradient ${i} differs by ${d.maxAbs.toExponential(2)}`);
    }
  });
  await k.run('no GPU errors were reported during training', () => {
    const s = gpuStats(torch);
    const mine = s.errors.slice(errorsBefore);
    assert(mine.length === 0, `torch.webgpu.stats().errors: ${mine.slice(0, 3).join(' | ')}`);
    if (errorsBefore >= 20) k.notes.push('the device error list was full before the training suite: new errors could not be checked');
    const fb = Object.entries(s.fallbacks).map(([n, c]) => `${n} ${c}`).join(', ');
    k.notes.push(`CPU fallbacks so far (ops without a GPU kernel): ${fb || 'none'}`);
  });
  return k.result();
}

/**
 * Runs the training comparisons; `torch` is the package with `torch.webgpu` initialised (or
 * initialisable). Failures are `id: message` strings.
 *
 * @example
 * ```ts
 * const r = await run(torch); // { passed, failed, failures }
 * ```
 */
export async function run(torch: Torch): Promise<{ passed: number; failed: number; failures: string[] }> {
  const gpu = (torch as unknown as { webgpu?: { isAvailable(): Promise<boolean> } }).webgpu;
  if (!gpu || !(await gpu.isAvailable())) return { passed: 0, failed: 1, failures: ['webgpu: no WebGPU adapter (torch.webgpu.isAvailable() is false)'] };
  const r = await runTrainSuite(torch);
  return { passed: r.passed, failed: r.failed, failures: r.failures.map((f) => `${f.id}: ${f.message}`) };
}
