/**
 * torch.onnx.InferenceSession: onnxruntime's API shape over torchlet's kernels. create() parses and
 * checks the model (every op known for its opset, every input produced before use), optimises the
 * graph (./optimize.ts: constant folding, fusions; SessionOptions.graphOptimizationLevel) and
 * compiles it into an execution plan: values live in numbered slots, each step holds its op, its
 * pre-parsed attributes and the slots to free after it, so a run does no name lookups. run()
 * executes the plan without autograd inside a scope (nothing an op leaves behind survives the run)
 * and frees each intermediate right after its last use; the session's arena (ts/tensor/storage.ts)
 * recycles the freed wasm blocks by size, so a repeated run allocates only its outputs. Under torch.webgpu's 'auto' policy, the
 * async run() executes the same steps with a router (./gpu-route.ts) that moves heavy steps whose
 * cost pays for the transfers to the GPU, keeps GPU-safe light ops there, and returns CPU tensors.
 */
import { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { keep, scope } from '../../tensor/scope.js';
import { decodeModel, type GraphProto, type ModelProto, type NodeProto } from './model.js';
import { tensorFromProto, type ExternalDataResolver } from './tensor.js';
import { Attrs, OnnxNodeError, type OnnxValue, type OpContext } from './ops/context.js';
import { onnxOps } from './ops/index.js';
import { OnnxParseError } from './protobuf.js';
import { nodeReads, optimizeGraph, outerRefs, type GraphOptimizationLevel } from './optimize.js';
import { autoRouting } from '../../webgpu.js';
import { calibrate, type Calibration } from '../../backend/webgpu/calibrate.js';
import { GpuRouter, type RunState } from './gpu-route.js';
import { Arena } from '../../tensor/storage.js';

export type { GraphOptimizationLevel } from './optimize.js';

export interface SessionOptions {
  /** Bytes of external-data files, by the location named in the model. */
  externalData?: Record<string, Uint8Array>;
  /** Accepted for onnxruntime compatibility; torchlet picks its own providers. */
  executionProviders?: unknown[];
  /**
   * Graph optimisations applied at create(), as in onnxruntime: 'disabled', 'basic' (constant
   * folding, Identity/Dropout and dead-node removal), 'extended' and 'all' (also the fusions).
   * Default 'all'.
   */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Time every node of every run from the start (see InferenceSession.startProfiling). Default false. */
  enableProfiling?: boolean;
}

/** One node's entry in a profile (InferenceSession.endProfiling). */
export interface ProfileRecord {
  /** The node's name (a fused node keeps the name of the node it replaced). */
  name: string;
  /** The op that ran (fused ops are named torchlet.FusedConv, torchlet.FusedGemm, ...). */
  opType: string;
  /** Times the node ran while profiling. */
  calls: number;
  /** Milliseconds spent in the node, all calls together. */
  ms: number;
  /**
   * Floating-point operations of one call (2 per multiply-add) of the matrix products it does (conv,
   * matmul, gemm, attention); 0 for other ops.
   */
  flops: number;
}

const LEVELS = new Set(['disabled', 'basic', 'extended', 'all']);

/** One node of a plan. */
interface Step {
  node: NodeProto;
  op: (inputs: OnnxValue[], ctx: OpContext) => OnnxValue[];
  ctx: OpContext;
  /** Slots of the inputs (-1: omitted optional input). */
  ins: number[];
  /** Slots of the outputs (-1: output not named). */
  outs: number[];
  /** Slots whose values die after this step. */
  frees: number[];
  /** Resolves outer-scope names while this step runs (for subgraph-running ops). */
  scope: { lookup: (name: string) => OnnxValue };
}

/** A compiled graph. */
interface Plan {
  slots: Map<string, number>;
  nslots: number;
  consts: [number, Tensor][];
  /** Graph inputs (and outer-scope names) and their slots. */
  inputs: [string, number][];
  steps: Step[];
  /** Slots produced by steps (owned by a run); other values (feeds, constants) are never freed. */
  produced: Set<number>;
  /** Names visible to subgraphs of this graph. */
  visible: Set<string>;
  /** Constants this plan owns (freed by release()). */
  owned: Tensor[];
  /** True when the plan depends on the declared input shapes (folded Shape values). */
  specialised: boolean;
  /** Optimiser statistics. */
  stats: Record<string, number>;
}

function isSupportedDomain(d: string): boolean {
  return d === '' || d === 'ai.onnx';
}

/** Static shapes of the graph inputs whose dims are all known numbers. */
function declaredShapes(graph: GraphProto, inits: Set<string>): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const vi of graph.inputs) {
    if (inits.has(vi.name)) continue;
    const s = vi.type?.tensorType?.shape;
    if (s && s.every((d) => typeof d === 'number' && d >= 0)) m.set(vi.name, s as number[]);
  }
  return m;
}

/**
 * Runs ONNX models, with onnxruntime-web's API shape.
 *
 * @example
 * ```ts
 * const session = await torch.onnx.InferenceSession.create(bytes);
 * const out = await session.run({ input: torch.randn(1, 3, 224, 224) });
 * out[session.outputNames[0]].argmax(1);
 * ```
 */
export class InferenceSession {
  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly model: ModelProto;
  private readonly opset: number;
  private readonly level: GraphOptimizationLevel;
  private readonly external: ExternalDataResolver;
  private main: Plan;
  /** The plan without shape specialisation (built on first use with other input shapes). */
  private generic: Plan | null = null;
  private readonly inputShapes: Map<string, number[]>;
  private readonly subPlans = new WeakMap<GraphProto, Plan>();
  private readonly allPlans: Plan[] = [];
  private released = false;
  /** The 'auto' routing state (uploaded weights, decisions), made on the first routed run. */
  private router: GpuRouter | null = null;
  /** Wasm blocks recycled across the steps of a CPU run and kept for the next run. */
  private readonly arena = new Arena();
  /** Per-step profile while profiling is on (run order), else null. */
  private prof: Map<Step, ProfileRecord> | null = null;

  private constructor(model: ModelProto, opts: SessionOptions) {
    this.model = model;
    const def = model.opsetImports.find((o) => isSupportedDomain(o.domain));
    this.opset = def?.version ?? 1;
    for (const o of model.opsetImports) {
      if (!isSupportedDomain(o.domain) && model.graph.nodes.some((n) => n.domain === o.domain)) {
        throw new OnnxParseError(`ONNX model uses operator set domain '${o.domain}' (version ${o.version}), which torchlet does not support`);
      }
    }
    const level = opts.graphOptimizationLevel ?? 'all';
    if (!LEVELS.has(level)) throw new TypeError(`graphOptimizationLevel must be one of 'disabled', 'basic', 'extended', 'all', but got '${String(level)}'`);
    this.level = level;
    this.external = (loc) => opts.externalData?.[loc];
    const inits = new Set(model.graph.initializers.map((t) => t.name));
    this.inputNames = model.graph.inputs.map((i) => i.name).filter((n) => !inits.has(n));
    this.outputNames = model.graph.outputs.map((o) => o.name);
    this.check(model.graph, new Set());
    this.inputShapes = declaredShapes(model.graph, inits);
    this.main = this.compile(model.graph, new Set(), this.level, this.inputShapes);
    if (!this.main.specialised) this.generic = this.main;
    arenaRegistry?.register(this, this.arena, this.arena);
    if (opts.enableProfiling) this.startProfiling();
  }

  /**
   * Starts (or restarts) timing every node of the CPU runs; endProfiling() hands the records back.
   *
   * @example
   * ```ts
   * session.startProfiling();
   * await session.run(feeds);
   * const slowest = session.endProfiling().sort((a, b) => b.ms - a.ms).slice(0, 5);
   * ```
   */
  startProfiling(): void {
    this.prof = new Map();
  }

  /**
   * Stops profiling and returns one record per node that ran (in order of first run): calls,
   * milliseconds, flops per call. Runs routed to the GPU are not timed per node (GPU work is
   * asynchronous); an empty list when profiling was not on.
   */
  endProfiling(): ProfileRecord[] {
    const recs = this.prof ? [...this.prof.values()] : [];
    this.prof = null;
    return recs;
  }

  /** Parses a model (bytes or an already decoded ModelProto), checks and optimises it. */
  static async create(model: Uint8Array | ArrayBuffer | ModelProto, opts: SessionOptions = {}): Promise<InferenceSession> {
    return InferenceSession.createSync(model, opts);
  }

  /** Synchronous create (CPU only). */
  static createSync(model: Uint8Array | ArrayBuffer | ModelProto, opts: SessionOptions = {}): InferenceSession {
    const m = model instanceof ArrayBuffer ? decodeModel(new Uint8Array(model)) : model instanceof Uint8Array ? decodeModel(model) : model;
    return new InferenceSession(m, opts);
  }

  /** What the optimiser did to the main graph (counts per pass), and the node count it runs. */
  get optimizationStats(): Record<string, number> {
    return { ...this.main.stats, nodes: this.main.steps.length };
  }

  /** Checks a graph: ops are known, inputs are defined before use. */
  private check(graph: GraphProto, outer: Set<string>): void {
    const known = new Set<string>([...outer, ...graph.initializers.map((t) => t.name), ...graph.inputs.map((i) => i.name), '']);
    for (const n of graph.nodes) {
      if (!isSupportedDomain(n.domain)) throw new OnnxNodeError(n, this.opset, `domain '${n.domain}' is not supported`);
      if (!onnxOps[n.opType]) throw new OnnxNodeError(n, this.opset, `operator ${n.opType} is not supported by torchlet`);
      for (const i of n.inputs) {
        if (!known.has(i)) throw new OnnxNodeError(n, this.opset, `input '${i}' is not produced by any earlier node, initializer or graph input`);
      }
      for (const o of n.outputs) known.add(o);
    }
    for (const o of graph.outputs) if (!known.has(o.name)) throw new OnnxParseError(`graph output '${o.name}' is not produced by any node`);
  }

  /** Builds a step's op context (attributes parsed once). */
  private context(node: NodeProto, holder: Step['scope'], visible: Set<string>): OpContext {
    const opset = this.opset;
    const fail = (msg: string): never => {
      throw new OnnxNodeError(node, opset, msg);
    };
    return {
      node,
      opset,
      attrs: new Attrs(node.attributes, fail),
      fail,
      runGraph: (g, inputs) => {
        const plan = this.subPlan(g, visible);
        const feeds = new Map<string, OnnxValue>();
        g.inputs.forEach((vi, i) => feeds.set(vi.name, inputs[i]));
        for (const [name] of plan.inputs) if (!feeds.has(name)) feeds.set(name, holder.lookup(name));
        const vals = this.execute(plan, feeds);
        return g.outputs.map((o) => {
          const s = plan.slots.get(o.name) as number;
          // an output the subgraph did not compute (an outer value or constant) is handed out as a view
          return plan.produced.has(s) ? vals[s] : ownView(vals[s]);
        });
      },
    };
  }

  private subPlan(g: GraphProto, visible: Set<string>): Plan {
    let p = this.subPlans.get(g);
    if (!p) {
      this.check(g, visible);
      p = this.compile(g, visible, 'disabled', new Map());
      this.subPlans.set(g, p);
    }
    return p;
  }

  /** Optimises (at the given level) and compiles a graph into a plan. */
  private compile(graph: GraphProto, outer: Set<string>, level: GraphOptimizationLevel, inputShapes: Map<string, number[]>): Plan {
    const initial = new Map<string, Tensor>();
    for (const t of graph.initializers) initial.set(t.name, keep(tensorFromProto(t, this.external)));
    const evaluate = (node: NodeProto, inputs: (Tensor | undefined)[]): Tensor[] | null => {
      const op = onnxOps[node.opType];
      const holder = { lookup: (): OnnxValue => undefined };
      const outs = noGrad(() => op(inputs, this.context(node, holder, new Set())));
      return outs.every((o) => o instanceof Tensor) ? (outs as Tensor[]) : null;
    };
    const outputs = graph.outputs.map((o) => o.name);
    // temporaries of constant folding die with this scope; the constants are kept past it (and past
    // any scope the caller created the session in)
    const r = scope(() => noGrad(() => optimizeGraph({ nodes: graph.nodes, constants: initial, outputs, inputShapes, level, opset: this.opset, evaluate })));
    for (const t of r.garbage) t.dispose();
    for (const t of r.constants.values()) keep(t);

    const slots = new Map<string, number>();
    const slotOf = (name: string): number => {
      let s = slots.get(name);
      if (s === undefined) slots.set(name, (s = slots.size));
      return s;
    };
    const consts: [number, Tensor][] = [...r.constants].map(([k, v]) => [slotOf(k), v]);
    const defined = new Set<string>([...r.constants.keys(), ...graph.inputs.map((i) => i.name)]);
    const inputs: [string, number][] = graph.inputs.filter((i) => !r.constants.has(i.name)).map((i) => [i.name, slotOf(i.name)]);
    // names read from the enclosing graph
    for (const n of r.nodes) {
      for (const x of nodeReads(n)) {
        if (!defined.has(x) && outer.has(x) && !inputs.some(([k]) => k === x)) inputs.push([x, slotOf(x)]);
      }
      for (const o of n.outputs) if (o) defined.add(o);
    }
    const visible = new Set<string>([...outer, ...slots.keys()]);
    for (const n of r.nodes) for (const o of n.outputs) if (o) visible.add(o);
    const steps: Step[] = r.nodes.map((node) => {
      const holder = { lookup: (_: string): OnnxValue => undefined };
      return {
        node,
        op: onnxOps[node.opType],
        ctx: this.context(node, holder, visible),
        ins: node.inputs.map((i) => (i === '' ? -1 : slotOf(i))),
        outs: node.outputs.map((o) => (o === '' ? -1 : slotOf(o))),
        frees: [],
        scope: holder,
      };
    });
    // last use of every produced value; values nobody reads die right after their step
    const produced = new Set<number>();
    const lastUse = new Map<number, number>();
    steps.forEach((st, idx) => {
      for (const x of nodeReads(st.node)) lastUse.set(slotOf(x), idx);
      for (const o of st.outs) if (o >= 0) produced.add(o);
    });
    const kept = new Set(outputs.map((o) => slotOf(o)));
    steps.forEach((st, idx) => {
      for (const o of st.outs) if (o >= 0 && !kept.has(o) && !lastUse.has(o)) st.frees.push(o);
    });
    for (const [slot, idx] of lastUse) if (produced.has(slot) && !kept.has(slot)) steps[idx].frees.push(slot);
    for (const o of outputs) slotOf(o);
    const plan: Plan = {
      slots, nslots: slots.size, consts, inputs, steps, produced, visible,
      owned: [...new Set(r.constants.values())], specialised: r.usedInputShapes, stats: r.stats,
    };
    this.allPlans.push(plan);
    return plan;
  }

  /** Runs a plan; returns the slot values (outputs included). */
  private execute(plan: Plan, feeds: Map<string, OnnxValue>): OnnxValue[] {
    const { vals, lookup } = this.begin(plan, feeds);
    for (const st of plan.steps) {
      const ins = st.ins;
      const inputs = new Array<OnnxValue>(ins.length);
      for (let i = 0; i < ins.length; i++) inputs[i] = ins[i] < 0 ? undefined : vals[ins[i]];
      if (this.prof) {
        const t0 = performance.now();
        const outs = this.call(st, inputs, lookup);
        const ms = performance.now() - t0;
        let rec = this.prof.get(st);
        if (!rec) this.prof.set(st, (rec = { name: st.node.name, opType: st.node.opType, calls: 0, ms: 0, flops: flopsOf(st.node.opType, st.ctx, inputs, outs) }));
        rec.calls++;
        rec.ms += ms;
        store(st, vals, inputs, outs);
      } else {
        store(st, vals, inputs, this.call(st, inputs, lookup));
      }
    }
    return vals;
  }

  /** The slot values a run starts from (constants, feeds) and the lookup of outer names for subgraphs. */
  private begin(plan: Plan, feeds: Map<string, OnnxValue>): { vals: OnnxValue[]; lookup: (name: string) => OnnxValue } {
    const vals = new Array<OnnxValue>(plan.nslots);
    for (const [s, t] of plan.consts) vals[s] = t;
    for (const [name, s] of plan.inputs) vals[s] = feeds.get(name);
    const slots = plan.slots;
    const lookup = (name: string): OnnxValue => {
      const s = slots.get(name);
      return s === undefined ? feeds.get(name) : vals[s];
    };
    return { vals, lookup };
  }

  /** Runs one step's op on its inputs; errors name the node. */
  private call(st: Step, inputs: OnnxValue[], lookup: (name: string) => OnnxValue): OnnxValue[] {
    st.scope.lookup = lookup;
    try {
      return st.op(inputs, st.ctx);
    } catch (e) {
      if (e instanceof OnnxNodeError) throw e;
      throw new OnnxNodeError(st.node, this.opset, (e as Error).message);
    }
  }

  /**
   * run() under the 'auto' policy: the steps of execute(), each preceded by the router's decision
   * (inputs moved to the GPU or read back to the CPU, awaiting readbacks). Each step runs in its own
   * scope (no scope stays open across an await); returns the slot values of `wanted` as CPU tensors.
   */
  private async executeRouted(plan: Plan, feeds: Map<string, OnnxValue>, wanted: string[], router: GpuRouter, cal: Calibration): Promise<Record<string, Tensor>> {
    const { vals } = this.begin(plan, feeds);
    const run: RunState = { twins: new Map(), loading: new Map(), temps: [] };
    // subgraphs (If/Loop/Scan bodies) run on the CPU: outer values they read are given as CPU copies
    const lookup = (name: string): OnnxValue => {
      const s = plan.slots.get(name);
      if (s === undefined) return feeds.get(name);
      const v = vals[s];
      return v instanceof Tensor && v.device === 'webgpu' ? (run.twins.get(s) ?? v) : v;
    };
    const outSlots = new Set(this.outputNames.map((n) => plan.slots.get(n) as number));
    const freeSlot = (s: number): void => {
      const t = run.twins.get(s);
      if (t) {
        t.dispose();
        run.twins.delete(s);
      }
    };
    const result: Record<string, Tensor> = {};
    const kept = new Set<OnnxValue>();
    try {
      for (const st of plan.steps) {
        if (st.node.attributes.some((a) => a.g || a.graphs.length)) {
          for (const x of nodeReads(st.node)) {
            const s = plan.slots.get(x);
            if (s !== undefined) await router.cpuValue(s, vals[s], run);
          }
        }
        const r = await router.route(plan, st, vals, outSlots, cal, run);
        let inputs = r.inputs;
        let outs: OnnxValue[];
        if (r.gpu) {
          try {
            outs = scope(() => noGrad(() => this.call(st, inputs, lookup)));
          } catch (e) {
            // a step the GPU cannot take (a path without kernels that reads values, a size beyond
            // the device's limits): run it on the CPU, now and in later runs (when the CPU fails
            // too, the inputs are wrong and the CPU's error is the one to report)
            inputs = await router.cpuInputs(st, vals, run);
            outs = scope(() => noGrad(() => this.call(st, inputs, lookup)));
            router.gpuFailed(st, e);
          }
        } else {
          outs = scope(() => noGrad(() => this.call(st, inputs, lookup)));
        }
        store(st, vals, inputs, outs, freeSlot);
      }
      for (const name of wanted) {
        const s = plan.slots.get(name) as number;
        const own = plan.produced.has(s);
        let v = vals[s] as Tensor;
        if (v instanceof Tensor && v.device === 'webgpu') {
          v = (await router.cpuValue(s, v, run)) as Tensor;
          run.twins.delete(s); // handed out below, not freed with the twins
        }
        // feeds and constants are not the run's to hand out (nor a value handed out twice)
        if (!own || kept.has(v)) v = ownView(v) as Tensor;
        kept.add(v);
        result[name] = v;
      }
      return result;
    } finally {
      for (const t of run.twins.values()) t.dispose();
      for (const t of run.temps) t.dispose();
      // readbacks still under way when a step failed: free their copies when they land
      for (const p of run.loading.values()) p.then((t) => t.dispose(), () => {});
      // produced values not handed out (GPU originals, outputs not fetched; all of them on error)
      for (const s of plan.produced) if (!kept.has(vals[s])) disposeValue(vals[s]);
    }
  }

  /** Runs the model: `feeds` maps input names to tensors; returns output name -> tensor. */
  async run(feeds: Record<string, Tensor | OnnxValue>, fetches?: string[]): Promise<Record<string, Tensor>> {
    if (!autoRouting()) return this.runSync(feeds, fetches);
    const cal = await calibrate();
    const router = (this.router ??= new GpuRouter());
    if (!cal || this.released || !autoRouting() || !router.worthRouting(cal)) return this.runSync(feeds, fetches);
    const { env, wanted } = this.prepare(feeds, fetches);
    return this.executeRouted(this.planFor(env), env, wanted, router, cal);
  }

  /** Synchronous run (CPU). */
  runSync(feeds: Record<string, Tensor | OnnxValue>, fetches?: string[]): Record<string, Tensor> {
    const { env, wanted } = this.prepare(feeds, fetches);
    const plan = this.planFor(env);
    const prev = this.arena.enter();
    try {
      return scope(() =>
        noGrad(() => {
          const vals = this.execute(plan, env);
          const result: Record<string, Tensor> = {};
          for (const name of wanted) {
            const s = plan.slots.get(name) as number;
            const v = vals[s];
            // feeds and constants are not the run's to hand out: give the caller its own view
            result[name] = (plan.produced.has(s) ? v : ownView(v)) as Tensor;
          }
          return result;
        }),
      );
    } finally {
      this.arena.exit(prev);
    }
  }

  /** Checks the feeds and fetches of a run; returns the feeds by name and the outputs wanted. */
  private prepare(feeds: Record<string, Tensor | OnnxValue>, fetches?: string[]): { env: Map<string, OnnxValue>; wanted: string[] } {
    if (this.released) throw new Error('InferenceSession: the session has been released');
    for (const name of this.inputNames) {
      if (!(name in feeds)) {
        const vi = this.model.graph.inputs.find((i) => i.name === name);
        if (vi?.type?.optionalType) continue;
        throw new TypeError(`input '${name}' is missing in 'feeds' (expected inputs: ${this.inputNames.join(', ')})`);
      }
    }
    const env = new Map<string, OnnxValue>();
    for (const [k, v] of Object.entries(feeds)) {
      if (!this.model.graph.inputs.some((i) => i.name === k)) throw new TypeError(`'${k}' is not an input of this model (expected: ${this.inputNames.join(', ')})`);
      env.set(k, v as OnnxValue);
    }
    const wanted = fetches ?? this.outputNames;
    for (const name of wanted) {
      if (!this.outputNames.includes(name)) throw new TypeError(`'${name}' is not an output of this model (outputs: ${this.outputNames.join(', ')})`);
    }
    return { env, wanted };
  }

  /** The main plan, or the generic one when the feeds' shapes differ from those the main plan assumed. */
  private planFor(env: Map<string, OnnxValue>): Plan {
    if (!this.main.specialised) return this.main;
    for (const [name, shape] of this.inputShapes) {
      const v = env.get(name);
      if (v instanceof Tensor && (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i]))) {
        if (!this.generic) this.generic = this.compile(this.model.graph, new Set(), this.level, new Map());
        return this.generic;
      }
    }
    return this.main;
  }

  /** Frees the session's weights and constants (onnxruntime's release()). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.router?.release();
    for (const p of this.allPlans) for (const t of p.owned) t.dispose();
    this.allPlans.length = 0;
    arenaRegistry?.unregister(this.arena);
    this.arena.dispose();
  }
}

// a session dropped without release(): its arena's free blocks go back to the wasm heap
const arenaRegistry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Arena>((a) => a.dispose()) : null;

/** Flops (2 per multiply-add) of one call of a matrix-product node, from its inputs' and outputs' shapes; 0 for other ops. */
function flopsOf(opType: string, ctx: OpContext, ins: OnnxValue[], outs: OnnxValue[]): number {
  const t = (v: OnnxValue): Tensor | null => (v instanceof Tensor ? v : null);
  const y = t(outs[0]);
  const a = t(ins[0]);
  const b = t(ins[1]);
  if (!y || !a || !b) return 0;
  const last = (x: Tensor, i = 1): number => x.shape[x.ndim - i] ?? 1;
  switch (opType) {
    case 'Conv':
    case 'torchlet.FusedConv':
    case 'ConvInteger':
      // every output element: C/groups * kh * kw multiply-adds (weight [O, C/groups, ...])
      return 2 * y.numel() * (b.numel() / Math.max(1, b.shape[0]));
    case 'ConvTranspose':
      return 2 * a.numel() * (b.numel() / Math.max(1, b.shape[0]));
    case 'MatMul':
    case 'MatMulInteger':
      return 2 * y.numel() * last(a);
    case 'torchlet.FusedGemm':
      return 2 * y.numel() * b.shape[0];
    case 'Gemm':
      return 2 * y.numel() * (ctx.attrs.int('transA', 0) ? a.shape[0] : last(a));
    case 'torchlet.Attention': {
      // q [.., L, E] @ k [.., E, S], then [.., L, S] @ v [.., S, Ev]
      const v = t(ins[2]);
      if (!v) return 0;
      const S = last(b);
      return 2 * (a.numel() * S + (y.numel() / Math.max(1, last(y))) * S * last(v));
    }
    default:
      return 0;
  }
}

function ownView(v: OnnxValue): OnnxValue {
  if (v instanceof Tensor) return v.detach();
  if (Array.isArray(v)) return v.map(ownView);
  return v;
}

function contains(v: OnnxValue, t: Tensor): boolean {
  if (v === t) return true;
  if (Array.isArray(v)) for (const x of v) if (contains(x, t)) return true;
  return false;
}

/** An op may hand back one of its inputs (or one tensor twice): give such outputs their own tensor object (a view). */
function distinct(v: OnnxValue, inputs: OnnxValue[], outs: OnnxValue[], i: number): OnnxValue {
  if (v instanceof Tensor) {
    for (const x of inputs) if (contains(x, v)) return v.detach();
    for (let j = 0; j < i; j++) if (contains(outs[j], v)) return v.detach();
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => distinct(x, inputs, outs, i));
  return v;
}

/** Stores a step's outputs in their slots and frees the values that die after it (`onFree` sees each freed slot). */
function store(st: Step, vals: OnnxValue[], inputs: OnnxValue[], outs: OnnxValue[], onFree?: (slot: number) => void): void {
  const o = st.outs;
  for (let i = 0; i < o.length; i++) if (o[i] >= 0) vals[o[i]] = distinct(outs[i], inputs, outs, i);
  const f = st.frees;
  for (let i = 0; i < f.length; i++) {
    disposeValue(vals[f[i]]);
    vals[f[i]] = undefined;
    onFree?.(f[i]);
  }
}

function disposeValue(v: OnnxValue): void {
  if (v instanceof Tensor) v.dispose();
  else if (Array.isArray(v)) for (const x of v) disposeValue(x);
}

export { outerRefs };
