/**
 * The 'auto' routing policy of InferenceSession.run() (torch.webgpu.setPolicy('auto')): before each
 * step of a plan, decides where it runs and moves its inputs there.
 * - Heavy steps (Conv, ConvTranspose, MatMul, Gemm, the fused conv/gemm/attention nodes) run on
 *   the GPU when flops/gpuRate + bytesToMove/bandwidth < flops/cpuRate with the rates of the
 *   one-time calibration (../../backend/webgpu/calibrate.ts); their float32 inputs are uploaded
 *   (the session's weights and constants once per session, cached until release()).
 * - Light float ops of a safe list (elementwise, activations, normalisations, softmax, pooling,
 *   Concat, views) stay on the GPU when their input is already there.
 * - Every other op sees CPU tensors only: GPU inputs are read back first (`await x.cpuAsync()`), so
 *   ops that read values (Reshape's shape, Slice, shape arithmetic) never meet a GPU tensor; Shape
 *   and Size, which read only the shape, take a GPU tensor as it is.
 * Each distinct decision is recorded once per session in torch.webgpu.stats().decisions.
 */
import { Tensor } from '../../tensor/tensor.js';
import { keep } from '../../tensor/scope.js';
import { upload } from '../../backend/webgpu/dispatch.js';
import { routingOverride, type Calibration } from '../../backend/webgpu/calibrate.js';
import { noteDecision } from '../../webgpu.js';
import type { NodeProto } from './model.js';
import type { OnnxValue, OpContext } from './ops/context.js';

/** The part of a plan step the router reads. */
export interface RouteStep {
  node: NodeProto;
  ctx: OpContext;
  ins: number[];
  outs: number[];
}

/** The part of a plan the router reads. */
export interface RoutePlan {
  steps: RouteStep[];
  consts: [number, Tensor][];
}

/** Per-run state: the other-device copies of slot values, and temporaries to free at the end. */
export interface RunState {
  /** slot -> a copy of vals[slot] on the other device (GPU for CPU values and vice versa) */
  twins: Map<number, Tensor>;
  /** readbacks under way, by slot (two inputs reading one slot share one readback) */
  loading: Map<number, Promise<Tensor>>;
  temps: Tensor[];
}

const HEAVY = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm', 'torchlet.FusedConv', 'torchlet.FusedGemm', 'torchlet.Attention']);

/** Safe ops on GPU tensors: op -> the inputs that may be GPU tensors ('all' or indices); others stay on the CPU. */
const SAFE: Record<string, 'all' | number[]> = {};
for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sum', 'Max', 'Min', 'Mean', 'Concat', 'BatchNormalization', 'PRelu']) SAFE[op] = 'all';
for (const op of [
  'Neg', 'Abs', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Tanh', 'Sigmoid', 'Relu', 'Erf', 'LeakyRelu', 'Elu', 'Celu', 'HardSwish',
  'HardSigmoid', 'Gelu', 'Softplus', 'Softsign', 'Mish', 'Identity', 'Clip', 'Softmax', 'LogSoftmax', 'MaxPool',
  'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Flatten', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze',
  'torchlet.Gelu',
]) {
  SAFE[op] = [0];
}
SAFE.LayerNormalization = [0, 1, 2];
SAFE['torchlet.LayerNorm'] = [0, 1, 2];

/** Ops that read only their input's shape. */
const METADATA = new Set(['Shape', 'Size']);

function isGpu(v: OnnxValue): boolean {
  return v instanceof Tensor && v.device === 'webgpu';
}

function anyGpu(v: OnnxValue): boolean {
  if (v instanceof Tensor) return v.device === 'webgpu';
  if (Array.isArray(v)) return v.some(anyGpu);
  return false;
}

const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** FLOPs and output elements of a heavy step (null when the inputs do not fit the op). */
export function heavyCost(op: string, ins: OnnxValue[], ctx: OpContext): { flops: number; outElems: number } | null {
  const t = ins.map((v) => (v instanceof Tensor ? v : null));
  const [a, b] = t;
  if (!a || !b) return null;
  switch (op) {
    case 'MatMul': {
      const K = a.shape[a.ndim - 1] ?? 1;
      const M = a.ndim >= 2 ? a.shape[a.ndim - 2] : 1;
      const N = b.ndim >= 2 ? b.shape[b.ndim - 1] : 1;
      const batch = Math.max(1, numel(a.shape.slice(0, -2)), numel(b.shape.slice(0, -2)));
      return { flops: 2 * batch * M * K * N, outElems: batch * M * N };
    }
    case 'Gemm':
    case 'torchlet.FusedGemm': {
      if (b.ndim !== 2 || a.ndim < 1) return null;
      const transB = op === 'Gemm' && ctx.attrs.int('transB', 0) === 1;
      const N = transB ? b.shape[0] : b.shape[1];
      const K = transB ? b.shape[1] : b.shape[0];
      const rows = K ? a.numel() / K : 0;
      return { flops: 2 * a.numel() * N, outElems: rows * N };
    }
    case 'Conv':
    case 'torchlet.FusedConv': {
      const nd = a.ndim - 2;
      if (nd < 1 || b.ndim !== a.ndim) return null;
      const kernel = b.shape.slice(2);
      const strides = ctx.attrs.ints('strides', new Array(nd).fill(1));
      const dil = ctx.attrs.ints('dilations', new Array(nd).fill(1));
      const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
      const pads = ctx.attrs.ints('pads', new Array(2 * nd).fill(0));
      let spatial = 1;
      for (let i = 0; i < nd; i++) {
        const n = a.shape[2 + i];
        const s = strides[i] ?? 1;
        const span = (kernel[i] - 1) * (dil[i] ?? 1) + 1;
        const o = autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? Math.ceil(n / s)
          : autoPad === 'VALID' ? Math.floor((n - span) / s) + 1
          : Math.floor((n + (pads[i] ?? 0) + (pads[i + nd] ?? 0) - span) / s) + 1;
        spatial *= Math.max(0, o);
      }
      const outElems = a.shape[0] * b.shape[0] * spatial;
      return { flops: 2 * outElems * numel(b.shape.slice(1)), outElems };
    }
    case 'ConvTranspose': {
      const nd = a.ndim - 2;
      if (nd < 1 || b.ndim !== a.ndim) return null;
      const group = ctx.attrs.int('group', 1);
      const strides = ctx.attrs.ints('strides', new Array(nd).fill(1));
      const inSpatial = numel(a.shape.slice(2));
      const outElems = a.shape[0] * b.shape[1] * group * inSpatial * numel(strides);
      return { flops: 2 * a.shape[0] * a.shape[1] * inSpatial * b.shape[1] * numel(b.shape.slice(2)), outElems };
    }
    case 'torchlet.Attention': {
      const v = t[2];
      if (!v || a.ndim < 2 || b.ndim < 2 || v.ndim < 2) return null;
      const L = a.shape[a.ndim - 2];
      const E = a.shape[a.ndim - 1];
      const S = b.shape[b.ndim - 1];
      const Ev = v.shape[v.ndim - 1];
      const batch = L * E ? a.numel() / (L * E) : 0;
      return { flops: 2 * batch * L * S * (E + Ev), outElems: batch * L * Ev };
    }
    default:
      return null;
  }
}

/** The rates the cost model uses (a Calibration has them). */
export type Rates = Pick<Calibration, 'gpuGflops' | 'cpuGflops' | 'bandwidthGBs' | 'latencyMs' | 'launchMs'>;

/**
 * Estimated time of a heavy step on each side, ms: the GPU pays flops/gpuRate, one launch, the
 * upload of `upBytes` (CPU inputs that are not session constants) and, when `readbackBytes` > 0,
 * the readback of the output and one round trip; the CPU pays flops/cpuRate and, when
 * `downBytes` > 0 (inputs that live on the GPU), their readback and one round trip.
 */
export function estimate(flops: number, upBytes: number, readbackBytes: number, downBytes: number, r: Rates): { gpuMs: number; cpuMs: number } {
  const bw = r.bandwidthGBs * 1e6; // bytes per ms
  const gpuMs = flops / (r.gpuGflops * 1e6) + (upBytes + readbackBytes) / bw + r.launchMs + (readbackBytes ? r.latencyMs : 0);
  const cpuMs = flops / (r.cpuGflops * 1e6) + (downBytes ? downBytes / bw + r.latencyMs : 0);
  return { gpuMs, cpuMs };
}

function fmtFlops(f: number): string {
  if (f >= 1e9) return `${(f / 1e9).toFixed(2)} GFLOP`;
  if (f >= 1e6) return `${(f / 1e6).toFixed(1)} MFLOP`;
  if (f >= 1e3) return `${(f / 1e3).toFixed(1)} kFLOP`;
  return `${f} FLOP`;
}

function fmtMs(ms: number): string {
  return ms >= 10 ? ms.toFixed(0) : ms >= 0.1 ? ms.toFixed(2) : ms.toPrecision(2);
}

function fmtRate(r: number): string {
  return r >= 10 ? r.toFixed(0) : r.toPrecision(2);
}

const nodeName = (n: NodeProto): string => n.name || `(unnamed ${n.opType})`;

/** The routing state of one session: uploaded constants, recorded decisions, nodes the GPU failed. */
export class GpuRouter {
  /** Session constants -> their GPU copies (kept until release()). */
  private readonly uploaded = new Map<Tensor, Tensor>();
  private readonly noted = new Set<string>();
  /** Steps whose GPU attempt failed: they run on the CPU from then on. */
  private readonly noGpu = new WeakSet<object>();
  private readonly planInfo = new WeakMap<object, { consts: Set<number>; gpuOnly: Set<number> }>();

  /** Records a decision once per session (torch.webgpu.stats().decisions). */
  note(text: string): void {
    if (this.noted.has(text)) return;
    this.noted.add(text);
    noteDecision(text);
  }

  /**
   * Whether a run should route at all, given the calibration (notes why not): false when the GPU
   * cannot beat the CPU on any op (e.g. a software adapter) or the override says 'cpu'.
   */
  worthRouting(cal: Calibration): boolean {
    const o = routingOverride();
    if (o === 'gpu') return true;
    if (o === 'cpu') {
      this.note("routing forced to the CPU (torch.webgpu._setRoutingOverride('cpu'))");
      return false;
    }
    if (cal.gpuGflops <= cal.cpuGflops) {
      this.note(`${cal.software ? 'software adapter' : 'adapter'} ${cal.adapter}: CPU faster for every op (gpu ${fmtRate(cal.gpuGflops)} GFLOP/s vs cpu ${fmtRate(cal.cpuGflops)})`);
      return false;
    }
    return true;
  }

  /** Constant slots and the slots whose every reader is GPU-capable (no readback needed), per plan. */
  private info(plan: RoutePlan, outputs: Set<number>): { consts: Set<number>; gpuOnly: Set<number> } {
    let i = this.planInfo.get(plan);
    if (!i) {
      const consts = new Set(plan.consts.map(([s]) => s));
      const readers = new Map<number, boolean>();
      for (const st of plan.steps) {
        const capable = HEAVY.has(st.node.opType) || st.node.opType in SAFE || METADATA.has(st.node.opType);
        for (const s of st.ins) if (s >= 0) readers.set(s, (readers.get(s) ?? true) && capable);
      }
      const gpuOnly = new Set<number>();
      for (const [s, ok] of readers) if (ok && !outputs.has(s)) gpuOnly.add(s);
      i = { consts, gpuOnly };
      this.planInfo.set(plan, i);
    }
    return i;
  }

  /** A GPU copy of a CPU slot value (session constants cached across runs, others per run). */
  private toGpu(slot: number, v: Tensor, consts: Set<number>, run: RunState): Tensor {
    if (consts.has(slot)) {
      let g = this.uploaded.get(v);
      // kept past any scope the run was called in: the copy lives until release()
      if (!g) this.uploaded.set(v, (g = keep(upload(v))));
      return g;
    }
    let g = run.twins.get(slot);
    if (!g) run.twins.set(slot, (g = upload(v)));
    return g;
  }

  /** A CPU copy of a GPU value (slot values cached per run). */
  private async toCpu(slot: number, v: OnnxValue, run: RunState): Promise<OnnxValue> {
    if (Array.isArray(v)) return Promise.all(v.map((x) => this.toCpu(-1, x, run)));
    if (!(v instanceof Tensor) || v.device !== 'webgpu') return v;
    if (slot < 0) {
      const c = await v.cpuAsync();
      run.temps.push(c);
      return c;
    }
    const t = run.twins.get(slot);
    if (t) return t;
    let p = run.loading.get(slot);
    if (!p) {
      p = v.cpuAsync().then((c) => {
        run.twins.set(slot, c);
        run.loading.delete(slot);
        return c;
      });
      run.loading.set(slot, p);
    }
    return p;
  }

  /** A slot's value on the CPU (a GPU value is read back once per run and kept as the slot's twin). */
  cpuValue(slot: number, v: OnnxValue, run: RunState): Promise<OnnxValue> {
    return this.toCpu(slot, v, run);
  }

  /** The step's inputs, all on the CPU. */
  async cpuInputs(st: RouteStep, vals: OnnxValue[], run: RunState): Promise<OnnxValue[]> {
    const ins = st.ins.map((s) => (s < 0 ? undefined : vals[s]));
    if (!ins.some(anyGpu)) return ins;
    return Promise.all(ins.map((v, i) => this.toCpu(st.ins[i], v, run)));
  }

  /** Marks a step whose GPU attempt failed; it runs on the CPU from then on. */
  gpuFailed(st: RouteStep, err: unknown): void {
    this.noGpu.add(st);
    const msg = (err as Error)?.message ?? String(err);
    this.note(`${st.node.opType} ${nodeName(st.node)}: the GPU attempt failed (${msg.length > 120 ? `${msg.slice(0, 117)}...` : msg}) -> cpu`);
  }

  /**
   * Where a step runs and its inputs there. `outputs`: the plan's graph-output slots (read back at
   * the end). Returns gpu: true when the step runs on GPU tensors.
   */
  async route(plan: RoutePlan, st: RouteStep, vals: OnnxValue[], outputs: Set<number>, cal: Calibration, run: RunState): Promise<{ inputs: OnnxValue[]; gpu: boolean }> {
    const op = st.node.opType;
    const ins = st.ins.map((s) => (s < 0 ? undefined : vals[s]));
    const info = this.info(plan, outputs);
    if (this.noGpu.has(st)) return { inputs: await this.cpuInputs(st, vals, run), gpu: false };
    if (HEAVY.has(op)) {
      if (this.heavyOnGpu(st, ins, info, cal)) {
        const moved = ins.map((v, i) => (v instanceof Tensor && !isGpu(v) ? this.toGpu(st.ins[i], v, info.consts, run) : v));
        return { inputs: moved, gpu: true };
      }
      return { inputs: await this.cpuInputs(st, vals, run), gpu: false };
    }
    const safe = SAFE[op];
    if (safe && this.safeOnGpu(st, ins, safe)) {
      const idx = safe === 'all' ? ins.map((_, i) => i) : safe;
      const moved = await Promise.all(
        ins.map(async (v, i) => {
          if (!idx.includes(i)) return this.toCpu(st.ins[i], v, run);
          // 0-d CPU operands stay (scalar operands of GPU ops); others go up
          return v instanceof Tensor && !isGpu(v) && v.ndim > 0 ? this.toGpu(st.ins[i], v, info.consts, run) : v;
        }),
      );
      this.note(`${op}: stays on webgpu where its input is (GPU-safe op)`);
      return { inputs: moved, gpu: true };
    }
    if (METADATA.has(op)) return { inputs: ins, gpu: false };
    if (ins.some(anyGpu)) this.note(`${op}: inputs read back from webgpu, runs on the CPU (${safe ? 'non-float32 operands' : 'not a GPU-safe op'})`);
    return { inputs: await this.cpuInputs(st, vals, run), gpu: false };
  }

  /** A safe op stays on the GPU when one of its GPU-able inputs is there and all of them are float32 (or CPU 0-d). */
  private safeOnGpu(st: RouteStep, ins: OnnxValue[], safe: 'all' | number[]): boolean {
    const idx = safe === 'all' ? ins.map((_, i) => i) : safe;
    if (!idx.some((i) => isGpu(ins[i]))) return false;
    for (const i of idx) {
      const v = ins[i];
      if (v === undefined) continue;
      if (!(v instanceof Tensor)) return false;
      if (v.dtype !== 'float32' && !(v.ndim === 0 && !isGpu(v))) return false;
    }
    const op = st.node.opType;
    if (op === 'MaxPool' && st.node.outputs.length > 1 && st.node.outputs[1] !== '') return false;
    if (op === 'BatchNormalization' && st.ctx.attrs.int('training_mode', 0) !== 0) return false;
    if (op === 'LayerNormalization' && st.node.outputs.slice(1).some((o) => o !== '')) return false;
    return true;
  }

  /** The cost model for a heavy step (notes the decision). */
  private heavyOnGpu(st: RouteStep, ins: OnnxValue[], info: { consts: Set<number>; gpuOnly: Set<number> }, cal: Calibration): boolean {
    const op = st.node.opType;
    const name = nodeName(st.node);
    for (const v of ins) {
      if (v !== undefined && !(v instanceof Tensor && v.dtype === 'float32')) {
        this.note(`${op} ${name}: ${v instanceof Tensor ? `${v.dtype} input` : 'a sequence input'} -> cpu (GPU kernels compute float32)`);
        return false;
      }
    }
    const c = heavyCost(op, ins, st.ctx);
    if (!c) return false;
    let up = 0;
    let down = 0;
    ins.forEach((v, i) => {
      if (!(v instanceof Tensor)) return;
      const bytes = v.numel() * 4;
      if (isGpu(v)) down += bytes;
      else if (!info.consts.has(st.ins[i])) up += bytes; // constants are uploaded once per session
    });
    const readback = st.outs.some((s) => s >= 0 && !info.gpuOnly.has(s)) ? c.outElems * 4 : 0;
    const { gpuMs, cpuMs } = estimate(c.flops, up, readback, down, cal);
    const o = routingOverride();
    const gpu = o === 'gpu' ? true : o === 'cpu' ? false : gpuMs < cpuMs;
    const [mine, other] = gpu ? [gpuMs, cpuMs] : [cpuMs, gpuMs];
    this.note(`${op} ${name}: ${fmtFlops(c.flops)} -> ${gpu ? 'webgpu' : 'cpu'} (est. ${fmtMs(mine)} ms vs ${gpu ? 'cpu' : 'webgpu'} ${fmtMs(other)} ms${o ? `; forced by _setRoutingOverride('${o}')` : ''})`);
    return gpu;
  }

  /** Frees the uploaded constants (InferenceSession.release()). */
  release(): void {
    for (const g of this.uploaded.values()) g.dispose();
    this.uploaded.clear();
  }
}
