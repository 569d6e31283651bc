/**
 * The backward pass: topologically orders the graph reachable from the outputs, runs each node's
 * backward once with its summed output gradients, runs tensor hooks, accumulates leaf gradients
 * into `.grad` (or returns them, for torch.autograd.grad), and frees saved tensors afterwards
 * unless the graph is retained. With createGraph the backward ops are themselves recorded.
 */
import { Tensor } from '../tensor/tensor.js';
import { Node, outputIndex } from './node.js';
import { isGradEnabled, setGradEnabled } from './grad-mode.js';
import { add } from '../ops/pointwise.js';
import { filled } from '../ops/creation.js';
import { detach } from '../ops/shape.js';
import { keep } from '../tensor/scope.js';
import { copyInto } from '../ops/launch.js';

interface RunOpts {
  retainGraph: boolean;
  createGraph: boolean;
  /** torch.autograd.grad: collect gradients of these tensors instead of accumulating into .grad */
  inputs: Tensor[] | null;
  allowUnused?: boolean;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function runBackward(outputs: Tensor[], gradOutputs: (Tensor | null)[], opts: RunOpts): (Tensor | null)[] {
  const roots: { t: Tensor; g: Tensor }[] = [];
  outputs.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
    let g = gradOutputs[i];
    if (!g) {
      if (t.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
      g = filled(t.shape, 1, t.dtype, t.device);
    } else if (!sameShape(g.shape, t.shape)) {
      throw new RangeError(`Mismatch in shape: grad_output[${i}] has a shape of [${g.shape.join(', ')}] and output[${i}] has a shape of [${t.shape.join(', ')}].`);
    }
    roots.push({ t, g });
  });

  // gradients for leaf tensors and for requested inputs
  const leafGrads = new Map<Tensor, Tensor>();
  const nodeGrads = new Map<Node, (Tensor | null)[]>();
  const wanted = opts.inputs ? new Set(opts.inputs) : null;
  const captured = new Map<Tensor, Tensor>();

  const addLeaf = (t: Tensor, g: Tensor): void => {
    const prev = leafGrads.get(t);
    leafGrads.set(t, prev ? add(prev, g) : g);
  };
  const addNode = (n: Node, idx: number, g: Tensor): void => {
    let arr = nodeGrads.get(n);
    if (!arr) {
      arr = new Array(n.outMeta.length).fill(null);
      nodeGrads.set(n, arr);
    }
    arr[idx] = arr[idx] ? add(arr[idx] as Tensor, g) : g;
  };
  const route = (t: Tensor, g: Tensor): void => {
    if (wanted?.has(t) && t.gradFn) captured.set(t, captured.has(t) ? add(captured.get(t) as Tensor, g) : g);
    if (t.gradFn) addNode(t.gradFn, outputIndex.get(t) ?? 0, g);
    else if (t.requiresGrad) {
      let gg = g;
      if (t._hooks) for (const h of t._hooks) gg = h(gg) ?? gg;
      addLeaf(t, gg);
    }
  };

  // topological order (reverse post-order DFS, iterative)
  const order: Node[] = [];
  const seen = new Set<Node>();
  for (const { t } of roots) {
    if (!t.gradFn || seen.has(t.gradFn)) continue;
    const stack: [Node, number][] = [[t.gradFn, 0]];
    seen.add(t.gradFn);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [n, i] = top;
      if (i < n.inputs.length) {
        top[1]++;
        const inp = n.inputs[i];
        const c = inp?.gradFn;
        if (c && !seen.has(c)) {
          seen.add(c);
          stack.push([c, 0]);
        }
      } else {
        order.push(n);
        stack.pop();
      }
    }
  }
  order.reverse();

  const prevMode = isGradEnabled();
  setGradEnabled(opts.createGraph);
  try {
    for (const { t, g } of roots) route(t, g);
    for (const n of order) {
      const gs = nodeGrads.get(n);
      nodeGrads.delete(n);
      if (!gs) continue;
      if (n.freed || !n.backwardFn) {
        throw new Error(
          'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
        );
      }
      const full = gs.map((g, i) => {
        let gg = g ?? filled(n.outMeta[i].shape, 0, n.outMeta[i].dtype, n.outMeta[i].device);
        if (n.hooks?.[i]) for (const h of n.hooks[i]) gg = h(gg) ?? gg;
        const r = n.retained?.[i];
        if (r) r.grad = r.grad ? add(r.grad, detach(gg)) : detach(gg);
        return gg;
      });
      const needs = n.inputs.map((x) => x !== null);
      const ins = n.backwardFn(full, n.saved, needs);
      if (!opts.retainGraph) n.release();
      n.inputs.forEach((inp, i) => {
        const gi = ins[i];
        if (!inp || !gi) return;
        if (!sameShape(gi.shape, inp.shape)) {
          throw new Error(`Function ${n.name}Backward0 returned an invalid gradient at index ${i} - got [${gi.shape.join(', ')}] but expected shape compatible with [${inp.shape.join(', ')}]`);
        }
        let g = gi.dtype === inp.dtype ? gi : gi.to(inp.dtype);
        // a gradient built on the CPU for a webgpu input (known values: a synchronous upload)
        if (g.device !== inp.device && inp.device === 'webgpu') g = g.to('webgpu');
        route(inp, g);
      });
    }
  } finally {
    setGradEnabled(prevMode);
  }

  if (opts.inputs) {
    return opts.inputs.map((t, i) => {
      const g = t.gradFn ? captured.get(t) : leafGrads.get(t);
      if (!g && !opts.allowUnused) {
        throw new Error(`One of the differentiated Tensors (index ${i}) appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.`);
      }
      return g ?? null;
    });
  }
  for (const [t, g] of leafGrads) {
    const gg = opts.createGraph ? g : detach(g);
    const prev = t.grad;
    if (prev && !opts.createGraph && !prev.isDisposed && prev.dtype === gg.dtype && sameShape(prev.shape, gg.shape)) {
      // accumulate in place, as PyTorch does: references to .grad see the new values
      const s = add(prev, gg);
      copyInto(prev, s);
      s.dispose();
    } else t.grad = prev && !prev.isDisposed ? add(prev, gg) : gg;
    // a leaf's .grad outlives any torch.scope the backward ran in (like the leaf itself)
    keep(t.grad as Tensor);
  }
  return [];
}

/**
 * Computes gradients of `t` (a scalar, or with `gradient` given) and accumulates them into the
 * `.grad` of the leaves that require grad.
 *
 * @example
 * ```ts
 * const w = torch.randn([3], { requiresGrad: true });
 * w.mul(w).sum().backward();
 * w.grad; // 2 * w
 * ```
 */
export function backward(t: Tensor, gradient: Tensor | null = null, opts: { retainGraph?: boolean; createGraph?: boolean; inputs?: Tensor[] } = {}): void {
  const createGraph = opts.createGraph ?? false;
  runBackward([t], [gradient], { retainGraph: opts.retainGraph ?? createGraph, createGraph, inputs: null });
}

/**
 * Returns the gradients of outputs with respect to inputs (torch.autograd.grad).
 *
 * @example
 * ```ts
 * const [dx] = torch.autograd.grad(y, [x], { createGraph: true });
 * ```
 */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  opts: { gradOutputs?: Tensor | (Tensor | null)[] | null; retainGraph?: boolean; createGraph?: boolean; allowUnused?: boolean } = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  for (const i of ins) if (!i.requiresGrad) throw new Error('One of the differentiated Tensors does not require grad');
  const go = opts.gradOutputs == null ? outs.map(() => null) : Array.isArray(opts.gradOutputs) ? opts.gradOutputs : [opts.gradOutputs];
  const createGraph = opts.createGraph ?? false;
  return runBackward(outs, go, { retainGraph: opts.retainGraph ?? createGraph, createGraph, inputs: ins, allowUnused: opts.allowUnused });
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Runs backpropagation from this tensor. */
    backward(gradient?: Tensor | null, opts?: { retainGraph?: boolean; createGraph?: boolean }): void;
    /** Registers a hook called with this tensor's gradient; it may return a replacement. */
    registerHook(fn: (g: Tensor) => Tensor | void): { remove(): void };
    /** Keeps .grad for a non-leaf tensor. */
    retainGrad(): void;
  }
}

Object.defineProperty(Tensor.prototype, 'backward', {
  value(this: Tensor, gradient: Tensor | null = null, opts: { retainGraph?: boolean; createGraph?: boolean } = {}) {
    backward(this, gradient, opts);
  },
  configurable: true,
  writable: true,
});

Object.defineProperty(Tensor.prototype, 'registerHook', {
  value(this: Tensor, fn: (g: Tensor) => Tensor | void) {
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    let list: ((g: Tensor) => Tensor | void)[];
    if (this.gradFn) {
      const n = this.gradFn;
      const i = outputIndex.get(this) ?? 0;
      n.hooks ??= n.outMeta.map(() => []);
      list = n.hooks[i];
    } else list = this._hooks ??= [];
    list.push(fn);
    return { remove: () => { const k = list.indexOf(fn); if (k >= 0) list.splice(k, 1); } };
  },
  configurable: true,
  writable: true,
});

Object.defineProperty(Tensor.prototype, 'retainGrad', {
  value(this: Tensor) {
    if (!this.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (!this.gradFn) return;
    const n = this.gradFn;
    n.retained ??= n.outMeta.map(() => null);
    n.retained[outputIndex.get(this) ?? 0] = this;
    this._retainsGrad = true;
  },
  configurable: true,
  writable: true,
});
