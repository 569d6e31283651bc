/**
 * Graph optimisation at session creation (onnxruntime's levels: 'disabled' | 'basic' | 'extended' |
 * 'all'). 'basic': static shape inference from the declared input shapes, constant folding (nodes
 * whose inputs are all initializers/constants, including the Shape -> Gather -> Concat chains of
 * exported transformers once shapes are known), Identity/Dropout elimination and dead-node
 * removal. 'extended'/'all' add the fusions into the internal ops of ops/fused.ts:
 * Conv + BatchNormalization (folded into the conv weights), Conv [+ residual Add] + activation,
 * MatMul/Gemm + bias + activation, the LayerNorm and GELU subgraphs, and attention
 * (MatMul -> scale -> [mask] -> Softmax -> MatMul). Fusions keep the arithmetic (up to rounding).
 */
import { Tensor } from '../../tensor/tensor.js';
import * as S from '../../ops/shape.js';
import { fromValues } from '../../ops/creation.js';
import type { AttributeProto, GraphProto, NodeProto } from './model.js';
import { packWeight } from './ops/gemm-packed.js';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Domain of the internal fused nodes (a model cannot contain them: it is not an accepted domain). */
export const FUSED_DOMAIN = 'com.torchlet';

export interface OptimizeInput {
  nodes: readonly NodeProto[];
  /** Initializers (and outer-scope constants): name -> tensor. Not modified; see the result. */
  constants: ReadonlyMap<string, Tensor>;
  /** Graph outputs: these names survive every rewrite. */
  outputs: readonly string[];
  /** Fully static graph input shapes (used for shape inference). */
  inputShapes: ReadonlyMap<string, readonly number[]>;
  level: GraphOptimizationLevel;
  opset: number;
  /** Runs one node on constant inputs (constant folding); null when the node cannot be folded. */
  evaluate(node: NodeProto, inputs: (Tensor | undefined)[]): Tensor[] | null;
}

export interface OptimizeResult {
  nodes: NodeProto[];
  /** Constants the optimised graph reads (initializers that are still used, folded values, folded weights). */
  constants: Map<string, Tensor>;
  /** Tensors made by the optimiser that are no longer needed (the caller frees them). */
  garbage: Tensor[];
  /** True when a Shape (or shape-derived) value was folded from the declared input shapes. */
  usedInputShapes: boolean;
  /** Counts of what each pass did (for tests and the report). */
  stats: Record<string, number>;
}

// ---- small helpers ---------------------------------------------------------------------------------

function attr(name: string, v: Partial<AttributeProto>): AttributeProto {
  return { name, type: 0, f: 0, i: 0, s: null, t: null, g: null, floats: [], ints: [], strings: [], tensors: [], graphs: [], tp: null, refAttrName: '', ...v };
}

function attrOf(n: NodeProto, name: string): AttributeProto | undefined {
  return n.attributes.find((a) => a.name === name);
}

function intAttr(n: NodeProto, name: string, def: number): number {
  const a = attrOf(n, name);
  return a ? a.i : def;
}

function floatAttr(n: NodeProto, name: string, def: number): number {
  const a = attrOf(n, name);
  return a ? a.f : def;
}

function hasSubgraph(n: NodeProto): boolean {
  return n.attributes.some((a) => a.g || a.graphs.length);
}

/** Names a subgraph reads from its enclosing scope. */
export function outerRefs(g: GraphProto): Set<string> {
  const defined = new Set<string>([...g.inputs.map((i) => i.name), ...g.initializers.map((t) => t.name)]);
  const refs = new Set<string>();
  for (const n of g.nodes) {
    for (const i of n.inputs) if (i && !defined.has(i)) refs.add(i);
    for (const a of n.attributes) for (const sg of a.g ? [a.g] : a.graphs) for (const r of outerRefs(sg)) if (!defined.has(r)) refs.add(r);
    for (const o of n.outputs) defined.add(o);
  }
  return refs;
}

/** Every value a node reads: its inputs and the outer names its subgraphs use. */
export function nodeReads(n: NodeProto): string[] {
  const r = n.inputs.filter((i) => i !== '');
  for (const a of n.attributes) for (const g of a.g ? [a.g] : a.graphs) for (const x of outerRefs(g)) r.push(x);
  return r;
}

const NONDETERMINISTIC = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

/** Values of a small float tensor as JS numbers (null for other dtypes). */
function numbers(t: Tensor | undefined): number[] | null {
  if (!t) return null;
  return Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
}

function scalarOf(t: Tensor | undefined): number | null {
  if (!t || t.numel() !== 1 || !t.isFloatingPoint()) return null;
  return Number(t.dataSync()[0]);
}

/** A contiguous copy of t with another shape (the temporary view is freed). */
function reshapedCopy(t: Tensor, shape: number[]): Tensor {
  const v = S.reshape(t, shape);
  const c = S.contiguous(v).clone();
  v.dispose();
  return c;
}

/** A contiguous copy of a 2-d tensor's transpose. */
function transposedCopy(t: Tensor): Tensor {
  const v = S.t(t);
  const c = v._copyTo(t.dtype);
  v.dispose();
  return c;
}

function near(a: number | null, b: number, tol = 1e-4): boolean {
  return a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

// ---- shape inference --------------------------------------------------------------------------------

const SAME_SHAPE = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'Erf', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos',
  'Softmax', 'LogSoftmax', 'Cast', 'CastLike', 'Identity', 'Clip', 'LeakyRelu', 'Elu', 'Selu', 'HardSigmoid', 'HardSwish',
  'Softplus', 'Softsign', 'Gelu', 'Mish', 'Not', 'IsNaN', 'IsInf', 'Sign', 'BatchNormalization', 'InstanceNormalization',
  'LayerNormalization', 'LRN', 'Dropout', 'Celu', 'ThresholdedRelu', 'Shrink',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Where', 'Max', 'Min', 'Sum', 'Mean', 'PRelu', 'BitShift']);
const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']);

function broadcast(shapes: (readonly number[] | undefined)[]): number[] | undefined {
  if (shapes.some((s) => !s)) return undefined;
  const n = Math.max(...shapes.map((s) => (s as number[]).length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes as number[][]) {
    for (let i = 0; i < s.length; i++) {
      const j = n - s.length + i;
      if (s[i] === out[j] || s[i] === 1) continue;
      if (out[j] !== 1) return undefined;
      out[j] = s[i];
    }
  }
  return out;
}

function normAxis(a: number, rank: number): number | undefined {
  if (a < -rank || a >= rank) return undefined;
  return a < 0 ? a + rank : a;
}

function spatialOut(n: NodeProto, x: readonly number[], kernel: readonly number[]): number[] | undefined {
  const nd = x.length - 2;
  const strides = attrOf(n, 'strides')?.ints ?? new Array(nd).fill(1);
  const dil = attrOf(n, 'dilations')?.ints ?? new Array(nd).fill(1);
  const autoPad = attrOf(n, 'auto_pad')?.s ? new TextDecoder().decode(attrOf(n, 'auto_pad')?.s as Uint8Array) : 'NOTSET';
  const pads = attrOf(n, 'pads')?.ints ?? new Array(2 * nd).fill(0);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const inp = x[2 + i];
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(Math.ceil(inp / strides[i]));
    else {
      const p = autoPad === 'VALID' ? 0 : pads[i] + pads[i + nd];
      const eff = (kernel[i] - 1) * dil[i] + 1;
      const v = (inp + p - eff) / strides[i];
      out.push(Math.floor(v) + 1);
    }
  }
  return out.some((v) => !(v >= 0)) ? undefined : out;
}

/** Output shapes of one node from its input shapes (and constant inputs); undefined where unknown. */
function inferNode(n: NodeProto, shapeOf: (name: string) => readonly number[] | undefined, constOf: (name: string) => Tensor | undefined, opset: number): (number[] | undefined)[] {
  const ins = n.inputs.map((i) => (i ? shapeOf(i) : undefined));
  const x = ins[0];
  const ints = (i: number): number[] | null => {
    const t = n.inputs[i] ? constOf(n.inputs[i]) : undefined;
    return t && !t.isFloatingPoint() ? (numbers(t) as number[]) : null;
  };
  const op = n.domain === '' || n.domain === 'ai.onnx' ? n.opType : '';
  if (SAME_SHAPE.has(op)) return [x?.slice()];
  if (BROADCAST.has(op)) return [broadcast(ins)];
  if (!x) return [];
  switch (op) {
    case 'MatMul': {
      const b = ins[1];
      if (!b || x.length < 2 || b.length < 2) return [];
      const batch = broadcast([x.slice(0, -2), b.slice(0, -2)]);
      return batch ? [[...batch, x[x.length - 2], b[b.length - 1]]] : [];
    }
    case 'Gemm': {
      const b = ins[1];
      if (!b || x.length !== 2 || b.length !== 2) return [];
      return [[intAttr(n, 'transA', 0) ? x[1] : x[0], intAttr(n, 'transB', 0) ? b[0] : b[1]]];
    }
    case 'Transpose': {
      const perm = attrOf(n, 'perm')?.ints ?? x.map((_, i) => x.length - 1 - i);
      return [perm.map((p) => x[p])];
    }
    case 'Reshape': {
      const shape = opset < 5 ? (attrOf(n, 'shape')?.ints ?? null) : ints(1);
      if (!shape) return [];
      const allowZero = intAttr(n, 'allowzero', 0);
      const t = shape.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
      const known = t.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const total = x.reduce((a, b) => a * b, 1);
      return [t.map((d) => (d === -1 ? (known === 0 ? 0 : total / known) : d))];
    }
    case 'Flatten': {
      let axis = intAttr(n, 'axis', 1);
      if (axis < 0) axis += x.length;
      return [[x.slice(0, axis).reduce((a, b) => a * b, 1), x.slice(axis).reduce((a, b) => a * b, 1)]];
    }
    case 'Unsqueeze': {
      const axes = opset < 13 ? (attrOf(n, 'axes')?.ints ?? null) : ints(1);
      if (!axes) return [];
      const rank = x.length + axes.length;
      const dims = axes.map((a) => normAxis(a, rank));
      if (dims.some((d) => d === undefined)) return [];
      const out: number[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(dims.includes(i) ? 1 : x[j++]);
      return [out];
    }
    case 'Squeeze': {
      const axes = opset < 13 ? (attrOf(n, 'axes')?.ints ?? null) : n.inputs[1] ? ints(1) : null;
      if (!axes) return n.inputs[1] ? [] : [x.filter((d) => d !== 1)];
      const dims = axes.map((a) => normAxis(a, x.length));
      return [x.filter((_, i) => !dims.includes(i))];
    }
    case 'Gather': {
      const idx = ins[1];
      const axis = normAxis(intAttr(n, 'axis', 0), x.length);
      if (!idx || axis === undefined) return [];
      return [[...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]];
    }
    case 'Concat': {
      if (ins.some((s) => !s)) return [];
      const axis = normAxis(intAttr(n, 'axis', 0), x.length);
      if (axis === undefined) return [];
      const out = x.slice();
      out[axis] = (ins as number[][]).reduce((a, s) => a + s[axis], 0);
      return [out];
    }
    case 'Slice': {
      if (opset < 10) return [];
      const starts = ints(1);
      const ends = ints(2);
      const axes = n.inputs[3] ? ints(3) : starts?.map((_, i) => i);
      const steps = n.inputs[4] ? ints(4) : starts?.map(() => 1);
      if (!starts || !ends || !axes || !steps) return [];
      const out = x.slice();
      for (let i = 0; i < axes.length; i++) {
        const d = normAxis(axes[i], x.length);
        if (d === undefined || steps[i] <= 0) return [];
        const size = x[d];
        const s = starts[i] < 0 ? Math.max(0, starts[i] + size) : Math.min(starts[i], size);
        const e = ends[i] < 0 ? Math.max(0, ends[i] + size) : Math.min(ends[i], size);
        out[d] = Math.max(0, Math.ceil((e - s) / steps[i]));
      }
      return [out];
    }
    case 'Conv': {
      const w = ins[1];
      if (!w) return [];
      const k = attrOf(n, 'kernel_shape')?.ints ?? w.slice(2);
      const sp = spatialOut(n, x, k);
      return sp ? [[x[0], w[0], ...sp]] : [];
    }
    case 'MaxPool':
    case 'AveragePool': {
      const k = attrOf(n, 'kernel_shape')?.ints;
      if (!k) return [];
      // ceil_mode has extra rules for the last window: leave those shapes to run time
      if (intAttr(n, 'ceil_mode', 0) === 1) return [];
      const sp = spatialOut(n, x, k);
      return sp ? [[x[0], x[1], ...sp]] : [];
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return [[x[0], x[1], ...x.slice(2).map(() => 1)]];
    case 'Shape': {
      const r = x.length;
      let start = intAttr(n, 'start', 0);
      let end = intAttr(n, 'end', r);
      start = Math.min(Math.max(start < 0 ? start + r : start, 0), r);
      end = Math.min(Math.max(end < 0 ? end + r : end, 0), r);
      return [[Math.max(0, end - start)]];
    }
    default:
      if (REDUCE.has(op)) {
        const axesInput = op === 'ReduceSum' ? 13 : 18;
        const axes = opset < axesInput ? (attrOf(n, 'axes')?.ints ?? null) : n.inputs[1] ? ints(1) : null;
        if (opset >= axesInput && n.inputs[1] && !axes) return [];
        const keep = intAttr(n, 'keepdims', 1) === 1;
        if ((!axes || axes.length === 0) && intAttr(n, 'noop_with_empty_axes', 0)) return [x.slice()];
        const dims = axes && axes.length ? axes.map((a) => normAxis(a, x.length)) : x.map((_, i) => i);
        if (dims.some((d) => d === undefined)) return [];
        return [keep ? x.map((d, i) => (dims.includes(i) ? 1 : d)) : x.filter((_, i) => !dims.includes(i))];
      }
      return [];
  }
}

/** A node known to be of a given standard op type (a brand, so that a failed check does not narrow to never). */
interface StdNode extends NodeProto {
  readonly __std: true;
}

/**
 * Static shapes of a graph's values from its input shapes and constants, as far as they follow
 * (the inference the optimiser folds Shape nodes with; exported for tests).
 *
 * @example
 * ```ts
 * inferShapes(model.graph.nodes, new Map([['x', [1, 3, 224, 224]]]), new Map(), 13).get('conv_out'); // [1, 64, 112, 112]
 * ```
 */
export function inferShapes(nodes: readonly NodeProto[], inputShapes: ReadonlyMap<string, readonly number[]>, constants: ReadonlyMap<string, Tensor>, opset: number): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const [k, v] of inputShapes) shapes.set(k, v.slice());
  for (const [k, v] of constants) shapes.set(k, v.shape.slice());
  for (const n of nodes) {
    const outs = inferNode(n, (x) => shapes.get(x), (x) => constants.get(x), opset);
    n.outputs.forEach((o, k) => {
      const sh = outs[k];
      if (o && sh) shapes.set(o, sh);
    });
  }
  return shapes;
}

// ---- the optimiser ------------------------------------------------------------------------------------

class GraphRewriter {
  nodes: (NodeProto | null)[];
  readonly constants: Map<string, Tensor>;
  readonly shapes = new Map<string, number[]>();
  readonly outputs: Set<string>;
  readonly stats: Record<string, number> = {};
  readonly garbage: Tensor[] = [];
  usedInputShapes = false;
  private consumers = new Map<string, number[]>();
  private producer = new Map<string, number>();
  private nameCount = 0;

  constructor(private readonly inp: OptimizeInput) {
    this.nodes = inp.nodes.map((n) => ({ ...n, inputs: n.inputs.slice(), outputs: n.outputs.slice(), attributes: n.attributes.slice() }));
    this.constants = new Map(inp.constants);
    this.outputs = new Set(inp.outputs);
    for (const [k, v] of inp.inputShapes) this.shapes.set(k, v.slice());
    for (const [k, v] of this.constants) this.shapes.set(k, v.shape.slice());
    this.reindex();
  }

  count(what: string, n = 1): void {
    this.stats[what] = (this.stats[what] ?? 0) + n;
  }

  reindex(): void {
    this.consumers.clear();
    this.producer.clear();
    this.nodes.forEach((n, i) => {
      if (!n) return;
      for (const name of nodeReads(n)) {
        let l = this.consumers.get(name);
        if (!l) this.consumers.set(name, (l = []));
        if (!l.includes(i)) l.push(i);
      }
      for (const o of n.outputs) if (o) this.producer.set(o, i);
    });
  }

  uses(name: string): NodeProto[] {
    return (this.consumers.get(name) ?? []).map((i) => this.nodes[i]).filter((n): n is NodeProto => n !== null);
  }

  /** The single node reading `name`, when nothing else (graph output, subgraph) needs it. */
  soleUser(name: string): NodeProto | null {
    if (this.outputs.has(name)) return null;
    const u = this.consumers.get(name) ?? [];
    if (u.length !== 1) return null;
    const n = this.nodes[u[0]];
    if (!n || hasSubgraph(n) || n.inputs.filter((i) => i === name).length !== 1) return null;
    return n;
  }

  producerOf(name: string): NodeProto | null {
    const i = this.producer.get(name);
    return i === undefined ? null : this.nodes[i];
  }

  isStd(n: NodeProto | null, op: string): n is StdNode {
    return !!n && n.opType === op && (n.domain === '' || n.domain === 'ai.onnx');
  }

  remove(n: NodeProto): void {
    const i = this.nodes.indexOf(n);
    if (i >= 0) this.nodes[i] = null;
  }

  constName(base: string): string {
    let name: string;
    do name = `${base}::torchlet_${this.nameCount++}`;
    while (this.constants.has(name) || this.producer.has(name));
    return name;
  }

  addConst(base: string, t: Tensor): string {
    const name = this.constName(base);
    this.constants.set(name, t);
    this.shapes.set(name, t.shape.slice());
    return name;
  }

  /** Replaces every read of `from` by `to` (inputs only; callers exclude subgraph references). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) if (n) n.inputs = n.inputs.map((i) => (i === from ? to : i));
  }

  // ---- basic passes ----

  /** Shape inference, constant folding and Shape folding, in one sweep in node order. */
  foldConstants(): void {
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i];
      if (!n) continue;
      const std = n.domain === '' || n.domain === 'ai.onnx';
      const inputs = n.inputs.filter((x) => x !== '');
      // Shape of a value whose shape is known
      if (std && n.opType === 'Shape' && n.inputs[0] && !this.constants.has(n.inputs[0])) {
        const s = this.shapes.get(n.inputs[0]);
        if (s) {
          const [out] = inferNode(n, (x) => this.shapes.get(x), (x) => this.constants.get(x), this.inp.opset);
          if (out) {
            const r = intAttr(n, 'start', 0);
            const rank = s.length;
            const start = Math.min(Math.max(r < 0 ? r + rank : r, 0), rank);
            const dims = s.slice(start, start + out[0]);
            this.setConst(n.outputs[0], fromValues(dims, [dims.length], 'int64'));
            this.nodes[i] = null;
            this.usedInputShapes = true;
            this.count('shape-folded');
            continue;
          }
        }
      }
      if (std && n.opType === 'Size' && n.inputs[0] && this.shapes.get(n.inputs[0])) {
        const s = this.shapes.get(n.inputs[0]) as number[];
        this.setConst(n.outputs[0], fromValues([s.reduce((a, b) => a * b, 1)], [], 'int64'));
        this.nodes[i] = null;
        this.usedInputShapes = true;
        this.count('shape-folded');
        continue;
      }
      const foldable = std && !NONDETERMINISTIC.has(n.opType) && !hasSubgraph(n) && inputs.every((x) => this.constants.has(x));
      if (foldable) {
        const vals = n.inputs.map((x) => (x ? this.constants.get(x) : undefined));
        let outs: Tensor[] | null = null;
        try {
          outs = this.inp.evaluate(n, vals);
        } catch {
          outs = null; // leave the node to fail (with its name) at run time
        }
        if (outs && outs.length >= n.outputs.filter((o) => o).length && outs.every((t) => t instanceof Tensor)) {
          n.outputs.forEach((o, k) => {
            if (!o) return;
            // an op may hand back an input tensor (Identity): share it under both names
            this.setConst(o, outs[k]);
          });
          outs.slice(n.outputs.length).forEach((t) => this.garbage.push(t));
          this.nodes[i] = null;
          this.count(n.opType === 'Constant' ? 'constant-nodes' : 'constant-folded');
          continue;
        }
        if (outs) for (const t of outs) if (t instanceof Tensor && ![...this.constants.values()].includes(t)) this.garbage.push(t);
      }
      // shape inference for what stays
      const outShapes = inferNode(n, (x) => this.shapes.get(x), (x) => this.constants.get(x), this.inp.opset);
      n.outputs.forEach((o, k) => {
        const s = outShapes[k];
        if (o && s) this.shapes.set(o, s);
      });
    }
    this.reindex();
  }

  private setConst(name: string, t: Tensor): void {
    this.constants.set(name, t);
    this.shapes.set(name, t.shape.slice());
  }

  /** Identity (and inference-mode Dropout) nodes: readers use the source value directly. */
  eliminateIdentities(): void {
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i];
      if (!n) continue;
      let src: string | null = null;
      if (this.isStd(n, 'Identity')) src = n.inputs[0] ?? null;
      else if (this.isStd(n, 'Dropout')) {
        const maskUsed = n.outputs[1] && (this.uses(n.outputs[1]).length || this.outputs.has(n.outputs[1]));
        const training = n.inputs[2] ? this.constants.get(n.inputs[2]) : undefined;
        const trainingOff = !n.inputs[2] || (training !== undefined && Number(training.dataSync()[0]) === 0);
        if (!maskUsed && trainingOff && intAttr(n, 'is_test', 1) !== 0) src = n.inputs[0];
      }
      if (!src) continue;
      const out = n.outputs[0];
      if (this.outputs.has(out) || this.uses(out).some((u) => hasSubgraph(u))) continue;
      this.rename(out, src);
      this.nodes[i] = null;
      this.count('identity-removed');
      this.reindex();
    }
  }

  /** Removes nodes none of whose outputs reach a graph output. */
  removeDeadNodes(): void {
    const needed = new Set(this.outputs);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      if (!n) continue;
      if (!n.outputs.some((o) => o && needed.has(o))) {
        this.nodes[i] = null;
        this.count('dead-removed');
        continue;
      }
      for (const r of nodeReads(n)) needed.add(r);
    }
    this.reindex();
  }

  // ---- fusions ----

  /** Conv followed by an inference BatchNormalization: scales and shifts folded into the conv weights. */
  fuseConvBatchNorm(): void {
    for (const conv of this.nodes) {
      if (!this.isStd(conv, 'Conv')) continue;
      const bn = this.soleUser(conv.outputs[0]);
      if (!this.isStd(bn, 'BatchNormalization') || bn.inputs[0] !== conv.outputs[0] || intAttr(bn, 'training_mode', 0)) continue;
      if (bn.outputs.slice(1).some((o) => o)) continue;
      const w = this.constants.get(conv.inputs[1]);
      const b = conv.inputs[2] ? this.constants.get(conv.inputs[2]) : undefined;
      const [scale, shift, mean, variance] = [1, 2, 3, 4].map((k) => this.constants.get(bn.inputs[k]));
      if (!w || w.dtype !== 'float32' || (conv.inputs[2] && !b) || !scale || !shift || !mean || !variance) continue;
      const O = w.shape[0];
      if ([scale, shift, mean, variance].some((t) => t.numel() !== O) || (b && b.numel() !== O)) continue;
      const eps = floatAttr(bn, 'epsilon', 1e-5);
      const [sc, sh, mu, va] = [scale, shift, mean, variance].map((t) => numbers(t) as number[]);
      const bv = b ? (numbers(b) as number[]) : new Array<number>(O).fill(0);
      const wv = w.dataSync() as Float32Array;
      const per = wv.length / O;
      const nw = new Float32Array(wv.length);
      const nb = new Float32Array(O);
      for (let o = 0; o < O; o++) {
        const f = sc[o] / Math.sqrt(va[o] + eps);
        for (let k = 0; k < per; k++) nw[o * per + k] = wv[o * per + k] * f;
        nb[o] = (bv[o] - mu[o]) * f + sh[o];
      }
      const wName = this.addConst(conv.inputs[1], fromValues(nw, w.shape.slice(), 'float32'));
      const bName = this.addConst(conv.inputs[2] || `${conv.name}.bias`, fromValues(nb, [O], 'float32'));
      conv.inputs = [conv.inputs[0], wName, bName];
      conv.outputs = [bn.outputs[0]];
      this.remove(bn);
      this.count('conv-bn');
    }
    this.reindex();
  }

  /** Activation node reading `name` alone that a fused node can apply in place: [node, name, params]. */
  private activationAfter(name: string): [NodeProto, string, number[]] | null {
    const a = this.soleUser(name);
    if (!a || a.inputs[0] !== name) return null;
    if (a.domain === FUSED_DOMAIN && a.opType === 'torchlet.Gelu') return [a, 'Gelu', [0]];
    if (a.domain !== '' && a.domain !== 'ai.onnx') return null;
    switch (a.opType) {
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'HardSwish':
        return [a, a.opType, []];
      case 'LeakyRelu':
        return [a, 'LeakyRelu', [floatAttr(a, 'alpha', 0.01)]];
      case 'Gelu': {
        const ap = attrOf(a, 'approximate');
        const tanh = ap?.s ? new TextDecoder().decode(ap.s) === 'tanh' : false;
        return [a, 'Gelu', [tanh ? 1 : 0]];
      }
      case 'Clip': {
        if (this.inp.opset < 11) return [a, 'Clip', [floatAttr(a, 'min', -3.4028234663852886e38), floatAttr(a, 'max', 3.4028234663852886e38)]];
        const lo = a.inputs[1] ? this.constants.get(a.inputs[1]) : undefined;
        const hi = a.inputs[2] ? this.constants.get(a.inputs[2]) : undefined;
        if ((a.inputs[1] && !lo) || (a.inputs[2] && !hi)) return null;
        const l = lo ? scalarOf(lo) : -Infinity;
        const h = hi ? scalarOf(hi) : Infinity;
        if (l === null || h === null) return null;
        return [a, 'Clip', [l, h]];
      }
      default:
        return null;
    }
  }

  private absorbActivation(fused: NodeProto): void {
    const act = this.activationAfter(fused.outputs[0]);
    if (!act) return;
    const [a, name, params] = act;
    fused.attributes.push(attr('activation', { type: 3, s: new TextEncoder().encode(name) }), attr('activation_params', { type: 6, floats: params }));
    fused.outputs = [a.outputs[0]];
    this.remove(a);
    this.count(`activation-${name}`);
  }

  /** Conv [+ Add(other)] [+ activation] -> torchlet.FusedConv. */
  fuseConv(): void {
    for (const conv of this.nodes) {
      if (!this.isStd(conv, 'Conv') || !this.constants.has(conv.inputs[1])) continue;
      const w = this.constants.get(conv.inputs[1]) as Tensor;
      if (w.dtype !== 'float32' || w.ndim < 3 || w.ndim > 4) continue;
      conv.opType = 'torchlet.FusedConv';
      conv.domain = FUSED_DOMAIN;
      conv.inputs = [conv.inputs[0], conv.inputs[1], conv.inputs[2] ?? ''];
      this.count('conv');
      const add = this.soleUser(conv.outputs[0]);
      if (this.isStd(add, 'Add')) {
        const other = add.inputs[0] === conv.outputs[0] ? add.inputs[1] : add.inputs[0];
        const ys = this.shapes.get(conv.outputs[0]);
        const zs = this.shapes.get(other);
        // the residual must not widen the result (it is added in place into the conv output)
        // ... and must be computed before the conv (the fused node runs at the conv's position)
        const op = this.producer.get(other);
        const ready = op === undefined || op < this.nodes.indexOf(conv);
        if (other && other !== conv.outputs[0] && ready && ys && zs && broadcast([ys, zs])?.join(',') === ys.join(',')) {
          conv.inputs.push(other);
          conv.outputs = [add.outputs[0]];
          this.remove(add);
          this.count('conv-add');
          this.reindex();
        }
      }
      this.reindex();
      this.absorbActivation(conv);
      this.reindex();
    }
  }

  /** MatMul(x, W const 2-d) [+ Add(bias)] [+ activation], Gemm(W const) [+ activation] -> torchlet.FusedGemm. */
  fuseGemm(): void {
    for (const n of this.nodes) {
      if (!n) continue;
      if (this.isStd(n, 'MatMul')) {
        const w = this.constants.get(n.inputs[1]);
        const xs = this.shapes.get(n.inputs[0]);
        if (!w || w.dtype !== 'float32' || w.ndim !== 2) continue;
        n.opType = 'torchlet.FusedGemm';
        n.domain = FUSED_DOMAIN;
        n.inputs = [n.inputs[0], n.inputs[1]];
        this.count('matmul');
        const add = this.soleUser(n.outputs[0]);
        if (this.isStd(add, 'Add')) {
          const other = add.inputs[0] === n.outputs[0] ? add.inputs[1] : add.inputs[0];
          const b = this.constants.get(other);
          if (b && b.dtype === 'float32' && b.numel() === w.shape[1] && (b.ndim === 0 ? w.shape[1] === 1 : b.shape[b.ndim - 1] === w.shape[1]) && b.ndim <= (xs ? xs.length : 1)) {
            n.inputs.push(b.ndim === 1 ? other : this.addConst(other, reshapedCopy(b, [w.shape[1]])));
            n.outputs = [add.outputs[0]];
            this.remove(add);
            this.count('matmul-bias');
            this.reindex();
          }
        }
        this.absorbActivation(n);
        this.reindex();
      } else if (this.isStd(n, 'Gemm')) {
        const w = this.constants.get(n.inputs[1]);
        const c = n.inputs[2] ? this.constants.get(n.inputs[2]) : undefined;
        if (!w || w.dtype !== 'float32' || w.ndim !== 2 || (n.inputs[2] && !c)) continue;
        const transB = intAttr(n, 'transB', 0);
        const N = transB ? w.shape[0] : w.shape[1];
        const beta = floatAttr(n, 'beta', 1);
        if (c && (c.dtype !== 'float32' || c.numel() !== N || (c.ndim === 2 && c.shape[0] !== 1))) continue;
        // weights pre-packed once: [K, N] contiguous for the GEMM, bias scaled by beta
        const wk = transB ? transposedCopy(w) : w;
        const inputs = [n.inputs[0], transB ? this.addConst(n.inputs[1], wk) : n.inputs[1]];
        if (c) {
          const flat = S.reshape(c, [N]);
          const scaled = beta === 1 ? flat.clone() : fromValues((numbers(flat) as number[]).map((v) => v * beta), [N], 'float32');
          flat.dispose();
          inputs.push(this.addConst(n.inputs[2], scaled));
        }
        n.opType = 'torchlet.FusedGemm';
        n.domain = FUSED_DOMAIN;
        n.inputs = inputs;
        n.attributes = [attr('transA', { type: 2, i: intAttr(n, 'transA', 0) }), attr('alpha', { type: 1, f: floatAttr(n, 'alpha', 1) })];
        this.count('gemm');
        this.reindex();
        this.absorbActivation(n);
        this.reindex();
      }
    }
  }

  /** Constant weights of fused GEMM / 1x1-conv nodes packed once into the GEMM's panels (ops/gemm-packed.ts). */
  packWeights(): void {
    for (const n of this.nodes) {
      if (!n || n.domain !== FUSED_DOMAIN || (n.opType !== 'torchlet.FusedGemm' && n.opType !== 'torchlet.FusedConv')) continue;
      const w = this.constants.get(n.inputs[1]);
      if (!w || attrOf(n, 'packed')) continue;
      const p = packWeight(n, w, this.shapes.get(n.inputs[0]));
      if (!p) continue;
      n.inputs[1] = this.addConst(n.inputs[1], p.weight);
      n.attributes.push(p.attribute);
      this.count('packed-weights');
    }
  }

  private reduceLastAxis(n: NodeProto | null, rank: number | undefined): n is NodeProto {
    if (!this.isStd(n, 'ReduceMean') || intAttr(n, 'keepdims', 1) !== 1) return false;
    const axes = this.inp.opset < 18 ? attrOf(n, 'axes')?.ints : n.inputs[1] ? (numbers(this.constants.get(n.inputs[1])) ?? undefined) : undefined;
    if (!axes || axes.length !== 1) return false;
    return axes[0] === -1 || (rank !== undefined && axes[0] === rank - 1);
  }

  /** ReduceMean -> Sub -> Pow(2) -> ReduceMean -> Add(eps) -> Sqrt -> Div [-> Mul(w)] [-> Add(b)] -> torchlet.LayerNorm. */
  fuseLayerNorm(): void {
    for (const m of this.nodes) {
      if (!m) continue;
      const x = m.inputs[0];
      const rank = this.shapes.get(x)?.length;
      if (!this.reduceLastAxis(m, rank)) continue;
      const sub = this.soleUser(m.outputs[0]);
      if (!this.isStd(sub, 'Sub') || sub.inputs[0] !== x || sub.inputs[1] !== m.outputs[0]) continue;
      const d = sub.outputs[0];
      if (this.outputs.has(d)) continue;
      const du = this.uses(d);
      const pow = du.find((u) => this.isStd(u, 'Pow'));
      const div = du.find((u) => this.isStd(u, 'Div'));
      if (du.length !== 2 || !pow || !div || pow.inputs[0] !== d || div.inputs[0] !== d || scalarOf(this.constants.get(pow.inputs[1])) !== 2) continue;
      const m2 = this.soleUser(pow.outputs[0]);
      if (!this.reduceLastAxis(m2, rank)) continue;
      const addEps = this.soleUser(m2.outputs[0]);
      if (!this.isStd(addEps, 'Add')) continue;
      const epsName = addEps.inputs[0] === m2.outputs[0] ? addEps.inputs[1] : addEps.inputs[0];
      const eps = scalarOf(this.constants.get(epsName));
      if (eps === null) continue;
      const sqrt = this.soleUser(addEps.outputs[0]);
      if (!this.isStd(sqrt, 'Sqrt') || this.soleUser(sqrt.outputs[0]) !== div || div.inputs[1] !== sqrt.outputs[0]) continue;
      const chain = [m, sub, pow, m2, addEps, sqrt, div];
      let out = div.outputs[0];
      const D = this.shapes.get(x)?.[(rank ?? 0) - 1];
      const vecOf = (name: string): Tensor | null => {
        const t = this.constants.get(name);
        if (!t || t.dtype !== 'float32' || D === undefined || t.numel() !== D || (t.ndim > 0 && t.shape[t.ndim - 1] !== D)) return null;
        return t;
      };
      const inputs = [x, '', ''];
      const mul = this.soleUser(out);
      if (this.isStd(mul, 'Mul')) {
        const wName = mul.inputs[0] === out ? mul.inputs[1] : mul.inputs[0];
        const w = vecOf(wName);
        if (w) {
          inputs[1] = w.ndim === 1 ? wName : this.addConst(wName, reshapedCopy(w, [D as number]));
          chain.push(mul);
          out = mul.outputs[0];
          const add = this.soleUser(out);
          if (this.isStd(add, 'Add')) {
            const bName = add.inputs[0] === out ? add.inputs[1] : add.inputs[0];
            const b = vecOf(bName);
            if (b) {
              inputs[2] = b.ndim === 1 ? bName : this.addConst(bName, reshapedCopy(b, [D as number]));
              chain.push(add);
              out = add.outputs[0];
            }
          }
        }
      }
      const fused: NodeProto = {
        name: m.name || `${x}/LayerNorm`, opType: 'torchlet.LayerNorm', domain: FUSED_DOMAIN,
        inputs: inputs[2] ? inputs : inputs[1] ? inputs.slice(0, 2) : [x], outputs: [out],
        attributes: [attr('epsilon', { type: 1, f: eps })],
      };
      const last = this.nodes.indexOf(chain[chain.length - 1]);
      for (const c of chain) this.remove(c);
      this.nodes[last] = fused;
      this.count('layernorm');
      this.reindex();
    }
  }

  /** x * 0.5 * (1 + erf(x / sqrt 2)) in its exported spellings -> torchlet.Gelu. */
  fuseGelu(): void {
    for (const e of this.nodes) {
      if (!this.isStd(e, 'Erf')) continue;
      const pre = this.producerOf(e.inputs[0]);
      if (!pre || this.soleUser(pre.outputs[0]) !== e) continue;
      let x: string;
      if (this.isStd(pre, 'Div') && near(scalarOf(this.constants.get(pre.inputs[1])), Math.SQRT2)) x = pre.inputs[0];
      else if (this.isStd(pre, 'Mul') && near(scalarOf(this.constants.get(pre.inputs[1])), Math.SQRT1_2)) x = pre.inputs[0];
      else if (this.isStd(pre, 'Mul') && near(scalarOf(this.constants.get(pre.inputs[0])), Math.SQRT1_2)) x = pre.inputs[1];
      else continue;
      const add1 = this.soleUser(e.outputs[0]);
      if (!this.isStd(add1, 'Add')) continue;
      const one = add1.inputs[0] === e.outputs[0] ? add1.inputs[1] : add1.inputs[0];
      if (!near(scalarOf(this.constants.get(one)), 1, 1e-6)) continue;
      const mul = this.soleUser(add1.outputs[0]);
      if (!this.isStd(mul, 'Mul')) continue;
      const other = mul.inputs[0] === add1.outputs[0] ? mul.inputs[1] : mul.inputs[0];
      const chain = [pre, e, add1, mul];
      let out: string;
      if (other === x) {
        // (x * (1 + erf)) * 0.5
        const half = this.soleUser(mul.outputs[0]);
        if (!this.isStd(half, 'Mul')) continue;
        const c = half.inputs[0] === mul.outputs[0] ? half.inputs[1] : half.inputs[0];
        if (!near(scalarOf(this.constants.get(c)), 0.5, 1e-6)) continue;
        chain.push(half);
        out = half.outputs[0];
      } else {
        // (x * 0.5) * (1 + erf)
        const h = this.producerOf(other);
        if (!this.isStd(h, 'Mul') || this.soleUser(h.outputs[0]) !== mul) continue;
        const hx = h.inputs[0] === x ? h.inputs[1] : h.inputs[1] === x ? h.inputs[0] : null;
        if (!hx || !near(scalarOf(this.constants.get(hx)), 0.5, 1e-6)) continue;
        chain.push(h);
        out = mul.outputs[0];
      }
      const fused: NodeProto = { name: e.name || `${x}/Gelu`, opType: 'torchlet.Gelu', domain: FUSED_DOMAIN, inputs: [x], outputs: [out], attributes: [] };
      const pos = Math.max(...chain.map((c) => this.nodes.indexOf(c)));
      for (const c of chain) this.remove(c);
      this.nodes[pos] = fused;
      this.count('gelu');
      this.reindex();
    }
  }

  /** Scale of a Div/Mul by a constant scalar: the factor, or null. */
  private scaleOf(n: NodeProto, operand: string): number | null {
    if (this.isStd(n, 'Div') && n.inputs[0] === operand) {
      const c = scalarOf(this.constants.get(n.inputs[1]));
      return c ? 1 / c : null;
    }
    if (this.isStd(n, 'Mul')) {
      const other = n.inputs[0] === operand ? n.inputs[1] : n.inputs[1] === operand ? n.inputs[0] : null;
      return other ? scalarOf(this.constants.get(other)) : null;
    }
    return null;
  }

  /** [q scale] -> MatMul(q, k) -> [scale] -> [Add(mask)] -> Softmax(last axis) -> MatMul(., v) -> torchlet.Attention. */
  fuseAttention(): void {
    for (const sm of this.nodes) {
      if (!this.isStd(sm, 'Softmax')) continue;
      const rank = this.shapes.get(sm.inputs[0])?.length;
      const axis = intAttr(sm, 'axis', this.inp.opset < 13 ? 1 : -1);
      if (!(axis === -1 || (rank !== undefined && axis === rank - 1))) continue;
      const pv = this.soleUser(sm.outputs[0]);
      if (!this.isStd(pv, 'MatMul') || pv.inputs[0] !== sm.outputs[0]) continue;
      const chain: NodeProto[] = [sm, pv];
      let cur = sm.inputs[0];
      let mask = '';
      let scale = 1;
      let node = this.producerOf(cur);
      let consumer: NodeProto = sm;
      if (this.isStd(node, 'Add') && this.soleUser(node.outputs[0]) === sm) {
        const [a, b] = node.inputs;
        const pa = this.producerOf(a);
        const isScores = (p: NodeProto | null): boolean => !!p && (this.isStd(p, 'MatMul') || this.isStd(p, 'Div') || this.isStd(p, 'Mul'));
        if (isScores(pa)) {
          mask = b;
          cur = a;
        } else {
          mask = a;
          cur = b;
        }
        chain.push(node);
        consumer = node;
        node = this.producerOf(cur);
      }
      if (node && (this.isStd(node, 'Div') || this.isStd(node, 'Mul')) && this.soleUser(node.outputs[0]) === consumer) {
        const src = node.opType === 'Div' ? node.inputs[0] : this.constants.has(node.inputs[1]) ? node.inputs[0] : node.inputs[1];
        const f = this.scaleOf(node, src);
        if (f !== null) {
          scale *= f;
          chain.push(node);
          consumer = node;
          cur = src;
          node = this.producerOf(cur);
        }
      }
      if (!this.isStd(node, 'MatMul') || this.soleUser(node.outputs[0]) !== consumer) continue;
      const qk = node;
      chain.push(qk);
      let q = qk.inputs[0];
      const k = qk.inputs[1];
      const qs = this.producerOf(q);
      if (qs && (this.isStd(qs, 'Div') || this.isStd(qs, 'Mul')) && this.soleUser(q) === qk) {
        const src = qs.opType === 'Div' ? qs.inputs[0] : this.constants.has(qs.inputs[1]) ? qs.inputs[0] : qs.inputs[1];
        const f = this.scaleOf(qs, src);
        if (f !== null && !this.constants.has(src)) {
          scale *= f;
          chain.push(qs);
          q = src;
        }
      }
      const fused: NodeProto = {
        name: sm.name || `${q}/Attention`, opType: 'torchlet.Attention', domain: FUSED_DOMAIN,
        inputs: mask ? [q, k, pv.inputs[1], mask] : [q, k, pv.inputs[1]], outputs: [pv.outputs[0]],
        attributes: [attr('scale', { type: 1, f: scale })],
      };
      const pos = this.nodes.indexOf(pv);
      for (const c of chain) this.remove(c);
      this.nodes[pos] = fused;
      this.count('attention');
      this.reindex();
    }
  }

  result(): OptimizeResult {
    const nodes = this.nodes.filter((n): n is NodeProto => n !== null);
    // constants still read by the graph (or returned as outputs)
    const used = new Set<string>(this.outputs);
    for (const n of nodes) for (const r of nodeReads(n)) used.add(r);
    const constants = new Map<string, Tensor>();
    for (const [k, v] of this.constants) if (used.has(k)) constants.set(k, v);
    const keep = new Set(constants.values());
    const garbage = new Set<Tensor>(this.garbage.filter((t) => !keep.has(t)));
    for (const v of this.constants.values()) if (!keep.has(v)) garbage.add(v);
    return { nodes, constants, garbage: [...garbage], usedInputShapes: this.usedInputShapes, stats: this.stats };
  }
}

/**
 * Optimises a graph's node list for execution. The input constants are not disposed; tensors the
 * optimiser made or dropped are listed in `garbage` (the caller owns every constant).
 *
 * @example
 * ```ts
 * const r = optimizeGraph({ nodes, constants, outputs, inputShapes, level: 'all', opset: 17, evaluate });
 * r.nodes; // the rewritten node list, in execution order
 * ```
 */
export function optimizeGraph(inp: OptimizeInput): OptimizeResult {
  const g = new GraphRewriter(inp);
  if (inp.level === 'disabled') return g.result();
  g.eliminateIdentities();
  g.foldConstants();
  g.eliminateIdentities();
  g.removeDeadNodes();
  if (inp.level === 'extended' || inp.level === 'all') {
    g.fuseConvBatchNorm();
    g.fuseLayerNorm();
    g.fuseGelu();
    g.fuseAttention();
    g.fuseConv();
    g.fuseGemm();
    g.removeDeadNodes();
    if (inp.level === 'all') g.packWeights();
  }
  return g.result();
}
