/**
 * Autograd graph nodes. Every differentiable op records one Node through `record()` in the same
 * place as its forward: the node keeps the op's inputs (edges), the tensors its backward needs
 * (`saved`, freed after backward unless the graph is retained) and the backward function written
 * with tensor ops, so that it runs on any backend and can itself be differentiated (createGraph).
 */
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

/** Computes input gradients from output gradients; null for inputs that need none. */
export type BackwardFn = (gradOutputs: Tensor[], saved: Tensor[], needs: boolean[]) => (Tensor | null)[];

export class Node {
  /** Hooks per output index, run on that output's gradient before this node's backward. */
  hooks: ((g: Tensor) => Tensor | void)[][] | null = null;
  /** Non-leaf outputs whose .grad is retained (retainGrad). */
  retained: (Tensor | null)[] | null = null;
  /** Shapes/dtypes of the outputs, for zero gradients of unused outputs. */
  readonly outMeta: { shape: number[]; dtype: Tensor['dtype']; device: Tensor['device'] }[];
  freed = false;

  constructor(
    readonly name: string,
    readonly inputs: (Tensor | null)[],
    public saved: Tensor[],
    public backwardFn: BackwardFn | null,
    outputs: Tensor[],
  ) {
    this.outMeta = outputs.map((o) => ({ shape: o.shape.slice(), dtype: o.dtype, device: o.device }));
  }

  /** Drops the saved tensors and the backward closure (after a backward without retainGraph). */
  release(): void {
    this.saved = [];
    this.backwardFn = null;
    this.freed = true;
  }
}

/** Non-tensor arguments of an op, recorded for tracing (torch.jit.trace / torch.onnx.export). */
export type OpAttrs = Record<string, unknown>;

/** Receives every recorded op while a trace runs. */
export interface Tracer {
  op(name: string, inputs: readonly (Tensor | null | undefined)[], outputs: readonly Tensor[], attrs: OpAttrs | undefined): void;
}

let activeTracer: Tracer | null = null;

/** Installs a tracer (or removes it with null); returns the previous one. */
export function setTracer(t: Tracer | null): Tracer | null {
  const prev = activeTracer;
  activeTracer = t;
  return prev;
}

/** True while a trace is running (ops then record even when grad mode would skip them). */
export function isTracing(): boolean {
  return activeTracer !== null;
}

/** Reports an op that has no gradient (comparisons, argmax, ...) to the active tracer. */
export function traceOp(name: string, inputs: readonly (Tensor | null | undefined)[], outputs: Tensor | readonly Tensor[], attrs?: OpAttrs): void {
  if (activeTracer) activeTracer.op(name, inputs, Array.isArray(outputs) ? (outputs as Tensor[]) : [outputs as Tensor], attrs);
}

/**
 * Runs a composite op (one built from other recorded ops) and, while tracing, reports it as one op
 * with its arguments instead of its parts.
 */
export function traceAs<T extends Tensor | Tensor[]>(name: string, inputs: readonly (Tensor | null | undefined)[], attrs: OpAttrs, fn: () => T): T {
  if (!activeTracer) return fn();
  const t = activeTracer;
  const prev = setTracer(null);
  let out: T;
  try {
    out = fn();
  } finally {
    setTracer(prev);
  }
  t.op(name, inputs, Array.isArray(out) ? out : [out as Tensor], attrs);
  return out;
}

/** Output index of a tensor within its gradFn (multi-output ops). */
export const outputIndex = new WeakMap<Tensor, number>();

/**
 * Records an op for autograd if grad mode is on and any input requires grad, and reports it (with
 * its non-tensor arguments `attrs`) to an active tracer. Inputs that do not require grad get a null
 * edge; `needs[i]` tells backward which to compute.
 */
export function record(
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  outputs: Tensor | readonly Tensor[],
  saved: readonly Tensor[],
  backward: BackwardFn,
  attrs?: OpAttrs,
): void {
  const outs = Array.isArray(outputs) ? (outputs as Tensor[]) : [outputs as Tensor];
  if (activeTracer) activeTracer.op(name, inputs, outs, attrs);
  if (!isGradEnabled()) return;
  if (!inputs.some((t) => t?.requiresGrad)) return;
  const node = new Node(name, inputs.map((t) => (t && t.requiresGrad ? t : null)), saved.slice(), backward, outs);
  outs.forEach((o, i) => {
    if (!o.isFloatingPoint()) return;
    o.requiresGrad = true;
    o.gradFn = node;
    outputIndex.set(o, i);
  });
}
