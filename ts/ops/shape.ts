/**
 * Views and layout: view/reshape/flatten/unflatten, permute/transpose/t/movedim, expand,
 * squeeze/unsqueeze, narrow/select, contiguous/clone/detach, and dtype casts (to/float/long/...).
 * Views share storage without copying, as in PyTorch; each records its gradient here.
 */
import { record } from '../autograd/node.js';
import { checkDType, isDType, isFloating, type DType } from '../tensor/dtype.js';
import { Tensor, contiguousStrides, normDim, shapeNumel, type Device } from '../tensor/tensor.js';
import { defineMethods } from '../tensor/methods.js';
import { isOptions, optArgs, parseShape } from './args.js';
import { sumToShape } from './reduce.js';
import { copyInto } from './launch.js';
import { filled } from './creation.js';
import { gpuArgs, toCpuSync, upload, viaGpu } from '../backend/webgpu/dispatch.js';

/** Resolves a view shape with at most one -1. */
export function inferShape(fn: string, shape: number[], numel: number, given: readonly unknown[]): number[] {
  if (gpuArgs(inferShape, arguments)) return viaGpu('inferShape', inferShape, arguments) as never;
  let neg = -1;
  let prod = 1;
  shape.forEach((d, i) => {
    if (d === -1) {
      if (neg >= 0) throw new RangeError('only one dimension can be inferred');
      neg = i;
    } else if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid shape dimension ${d}`);
    else prod *= d;
  });
  const out = shape.slice();
  if (neg >= 0) {
    if (prod === 0 || numel % prod !== 0) throw new RangeError(`shape '[${given.join(', ')}]' is invalid for input of size ${numel}`);
    out[neg] = numel / prod;
  } else if (prod !== numel) throw new RangeError(`shape '[${given.join(', ')}]' is invalid for input of size ${numel}`);
  return out;
}

function shapeArgs(fn: string, args: readonly unknown[]): number[] {
  const raw = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  for (const d of raw) if (typeof d !== 'number' || !Number.isInteger(d) || d < -1) throw new TypeError(`${fn}(): shape must be a list of integers, but got [${raw.join(', ')}]`);
  return raw as number[];
}

/** Strides for viewing (shape, strides) as newShape without copying, or null when impossible. */
function viewStrides(shape: readonly number[], strides: readonly number[], newShape: readonly number[]): number[] | null {
  // PyTorch's computeStride: walk chunks of old dims that are contiguous among themselves
  const numel = shapeNumel(shape);
  if (numel === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) {
    while (viewD >= 0) out[viewD--] = 1;
  }
  return out;
}

/** A view with a new shape (no copy); throws when the strides do not allow one, like PyTorch. */
export function view(x: Tensor, ...shape: (number | number[])[]): Tensor {
  if (gpuArgs(view, arguments)) return viaGpu('view', view, arguments) as never;
  if (shape.length === 1 && isDType(shape[0])) return viewAsDType(x, shape[0] as unknown as DType);
  const given = shapeArgs('view', shape);
  const ns = inferShape('view', given, x.numel(), given);
  const st = x.ndim === 0 ? contiguousStrides(ns) : viewStrides(x.shape, x._strides, ns);
  if (!st) {
    throw new RangeError(
      'view size is not compatible with input tensor\'s size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.',
    );
  }
  const y = x._view(ns, st, x._offset);
  record('View', [x], y, [], ([g]) => [reshape(g, x.shape)]);
  return y;
}

function viewAsDType(_x: Tensor, d: DType): Tensor {
  throw new TypeError(`view(dtype) is not supported (asked for ${d}); use x.to('${d}') to convert values`);
}

/** Like view, copying only when the layout requires it. */
export function reshape(x: Tensor, ...shape: (number | number[])[]): Tensor {
  if (gpuArgs(reshape, arguments)) return viaGpu('reshape', reshape, arguments) as never;
  const given = shapeArgs('reshape', shape);
  const ns = inferShape('reshape', given, x.numel(), given);
  const st = x.ndim === 0 ? contiguousStrides(ns) : viewStrides(x.shape, x._strides, ns);
  if (st) {
    const y = x._view(ns, st, x._offset);
    record('Reshape', [x], y, [], ([g]) => [reshape(g, x.shape)]);
    return y;
  }
  return view(contiguous(x), ns);
}

/** Flattens dims startDim..endDim into one. */
export function flatten(x: Tensor, ...opt: unknown[]): Tensor {
  if (gpuArgs(flatten, arguments)) return viaGpu('flatten', flatten, arguments) as never;
  const { startDim, endDim } = optArgs('flatten', opt, ['startDim', 'endDim'], { startDim: 0, endDim: -1 });
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim);
  const e = normDim(endDim, x.ndim);
  if (s > e) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
  const ns = [...x.shape.slice(0, s), shapeNumel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, ns);
}

/** Expands one dim into several. */
export function unflatten(x: Tensor, dim: number, sizes: number[]): Tensor {
  if (gpuArgs(unflatten, arguments)) return viaGpu('unflatten', unflatten, arguments) as never;
  const d = normDim(dim, x.ndim);
  const inner = inferShape('unflatten', sizes, x.shape[d], sizes);
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/** Reorders dims (a view). */
export function permute(x: Tensor, ...dims: (number | number[])[]): Tensor {
  if (gpuArgs(permute, arguments)) return viaGpu('permute', permute, arguments) as never;
  const ds = (dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims) as number[];
  if (ds.length !== x.ndim) throw new RangeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${ds.length}`);
  const nd = ds.map((d) => normDim(d, x.ndim));
  if (new Set(nd).size !== nd.length) throw new RangeError('permute(): duplicate dims are not allowed.');
  const y = x._view(nd.map((d) => x.shape[d]), nd.map((d) => x._strides[d]), x._offset);
  const inv = new Array<number>(nd.length);
  nd.forEach((d, i) => (inv[d] = i));
  record('Permute', [x], y, [], ([g]) => [permute(g, inv)], { dims: nd });
  return y;
}

/** Swaps two dims (a view). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (gpuArgs(transpose, arguments)) return viaGpu('transpose', transpose, arguments) as never;
  if (x.ndim === 0) return x._view([], [], x._offset);
  const a = normDim(dim0, x.ndim);
  const b = normDim(dim1, x.ndim);
  const p = x.shape.map((_, i) => i);
  p[a] = b;
  p[b] = a;
  return permute(x, p);
}
export const swapaxes = transpose;
export const swapdims = transpose;

/** Transpose of a <= 2-d tensor. */
export function t(x: Tensor): Tensor {
  if (gpuArgs(t, arguments)) return viaGpu('t', t, arguments) as never;
  if (x.ndim > 2) throw new RangeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  if (x.ndim >= 2) return transpose(x, 0, 1);
  const y = x._view(x.shape.slice(), x._strides.slice(), x._offset);
  record('T', [x], y, [], ([g]) => [g]);
  return y;
}

/** Moves dims to new positions. */
export function movedim(x: Tensor, source: number | number[], destination: number | number[]): Tensor {
  if (gpuArgs(movedim, arguments)) return viaGpu('movedim', movedim, arguments) as never;
  const src = (Array.isArray(source) ? source : [source]).map((d) => normDim(d, x.ndim));
  const dst = (Array.isArray(destination) ? destination : [destination]).map((d) => normDim(d, x.ndim));
  if (src.length !== dst.length) throw new RangeError(`movedim: Invalid source or destination dims: source (${src.length} dims) should contain the same number of dims as destination (${dst.length} dims)`);
  const order = new Array<number>(x.ndim).fill(-1);
  dst.forEach((d, i) => (order[d] = src[i]));
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  let k = 0;
  for (let i = 0; i < order.length; i++) if (order[i] < 0) order[i] = rest[k++];
  return permute(x, order);
}

/** Broadcasts to a larger shape without copying (-1 keeps a dim). */
export function expand(x: Tensor, ...sizes: (number | number[])[]): Tensor {
  if (gpuArgs(expand, arguments)) return viaGpu('expand', expand, arguments) as never;
  const s = shapeArgs('expand', sizes);
  if (s.length < x.ndim) throw new RangeError(`expand: the number of sizes provided (${s.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  const off = s.length - x.ndim;
  const shape: number[] = [];
  const strides: number[] = [];
  s.forEach((d, i) => {
    const j = i - off;
    const cur = j >= 0 ? x.shape[j] : 1;
    if (d === -1) {
      if (j < 0) throw new RangeError(`expand: -1 is not allowed in a leading, non-existing dimension ${i}`);
      shape.push(cur);
      strides.push(x._strides[j]);
    } else if (j >= 0 && cur === d) {
      shape.push(d);
      strides.push(x._strides[j]);
    } else if (cur === 1) {
      shape.push(d);
      strides.push(0);
    } else {
      throw new RangeError(`The expanded size of the tensor (${d}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: [${s.join(', ')}].  Tensor sizes: [${x.shape.join(', ')}]`);
    }
  });
  const y = x._view(shape, strides, x._offset);
  record('Expand', [x], y, [], ([g]) => [sumToShape(g, x.shape)]);
  return y;
}

export const expandAs = (x: Tensor, other: Tensor): Tensor => expand(x, other.shape);
export const broadcastTo = (x: Tensor, shape: number[]): Tensor => expand(x, shape);

/** Removes size-1 dims (all, or the given ones). */
export function squeeze(x: Tensor, dim?: number | number[]): Tensor {
  if (gpuArgs(squeeze, arguments)) return viaGpu('squeeze', squeeze, arguments) as never;
  let dims: number[];
  if (dim === undefined) dims = x.shape.map((_, i) => i).filter((i) => x.shape[i] === 1);
  else dims = (Array.isArray(dim) ? dim : [dim]).map((d) => normDim(d, x.ndim)).filter((d) => x.shape[d] === 1);
  if (x.ndim === 0) dims = [];
  const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const y = x._view(keep.map((i) => x.shape[i]), keep.map((i) => x._strides[i]), x._offset);
  record('Squeeze', [x], y, [], ([g]) => [reshape(g, x.shape)]);
  return y;
}

/** Inserts a size-1 dim at `dim`. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  if (gpuArgs(unsqueeze, arguments)) return viaGpu('unsqueeze', unsqueeze, arguments) as never;
  const d = normDim(dim, x.ndim + 1);
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  const st = d < x.ndim ? x._strides[d] * x.shape[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  const y = x._view(shape, strides, x._offset);
  record('Unsqueeze', [x], y, [], ([g]) => [reshape(g, x.shape)]);
  return y;
}

/** A view of `length` elements of dim starting at `start`. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (gpuArgs(narrow, arguments)) return viaGpu('narrow', narrow, arguments) as never;
  if (x.ndim === 0) throw new RangeError('narrow() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim, x.ndim);
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || s < 0 || s > size) throw new RangeError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  if (!Number.isInteger(length) || length < 0 || s + length > size) throw new RangeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return sliceDim(x, d, s, s + length, 1);
}

/** @internal View of x[..., start:stop:step, ...] on dim d (normalised bounds). */
export function sliceDim(x: Tensor, d: number, start: number, stop: number, step: number): Tensor {
  if (gpuArgs(sliceDim, arguments)) return viaGpu('sliceDim', sliceDim, arguments) as never;
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  shape[d] = n;
  strides[d] = x._strides[d] * step;
  const y = x._view(shape, strides, x._offset + (n > 0 ? start * x._strides[d] : 0));
  record('Slice', [x], y, [], ([g]) => {
    const z = filled(x.shape, 0, g.dtype, g.device);
    copyInto(sliceDim(z, d, start, stop, step), g);
    return [z];
  }, { dim: d, start, stop, step });
  return y;
}

/** Picks index i of dim (removing the dim): x.select(0, 1) is x[1]. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (gpuArgs(select, arguments)) return viaGpu('select', select, arguments) as never;
  if (x.ndim === 0) throw new RangeError('select() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim, x.ndim);
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x._strides.filter((_, k) => k !== d);
  const y = x._view(shape, strides, x._offset + i * x._strides[d]);
  record('Select', [x], y, [], ([g]) => {
    const z = filled(x.shape, 0, g.dtype, g.device);
    copyInto(select(z, d, i), g);
    return [z];
  }, { dim: d, index: i });
  return y;
}

/** A contiguous tensor with the same values (x itself when already contiguous). */
export function contiguous(x: Tensor): Tensor {
  if (gpuArgs(contiguous, arguments)) return viaGpu('contiguous', contiguous, arguments) as never;
  if (x.isContiguous()) return x;
  return clone(x);
}

/** A copy with its own storage (differentiable). */
export function clone(x: Tensor): Tensor {
  if (gpuArgs(clone, arguments)) return viaGpu('clone', clone, arguments) as never;
  const y = x._copyTo(x.dtype);
  record('Clone', [x], y, [], ([g]) => [g]);
  return y;
}

/** A tensor sharing data with x but cut from the autograd graph. */
export function detach(x: Tensor): Tensor {
  if (gpuArgs(detach, arguments)) return viaGpu('detach', detach, arguments) as never;
  return x._view(x.shape.slice(), x._strides.slice(), x._offset);
}

/** Casts to a dtype (differentiable between float dtypes); returns x when nothing changes. */
export function toDType(x: Tensor, dtype: DType, copy = false): Tensor {
  if (gpuArgs(toDType, arguments)) return viaGpu('toDType', toDType, arguments) as never;
  checkDType(dtype);
  if (dtype === x.dtype && !copy) return x;
  const y = x._copyTo(dtype);
  if (isFloating(dtype)) record('ToCopy', [x], y, [], ([g]) => [toDType(g, x.dtype)]);
  return y;
}

/** x.to(dtype), x.to(device), x.to(device, dtype), x.to({ dtype, device }), x.to(other). */
export function to(x: Tensor, ...args: unknown[]): Tensor {
  if (gpuArgs(to, arguments)) return viaGpu('to', to, arguments) as never;
  let dtype: DType | undefined;
  let device: Device | undefined;
  for (const a of args) {
    if (a instanceof Tensor) {
      dtype = a.dtype;
      device = a.device;
    } else if (isDType(a)) dtype = a;
    else if (a === 'cpu' || a === 'webgpu') device = a;
    else if (isOptions(a)) {
      if (a.dtype !== undefined) dtype = checkDType(a.dtype);
      if (a.device !== undefined) device = a.device as Device;
    } else throw new TypeError(`to() received an invalid combination of arguments: expected a dtype, 'cpu' or 'webgpu', or { dtype, device }, but got ${String(a)}`);
  }
  let r = dtype ? toDType(x, dtype) : x;
  if (device && device !== r.device) {
    const src = r;
    r = device === 'webgpu' ? upload(src) : toCpuSync(src);
    if (src !== x) src.dispose();
    if (x.requiresGrad && isFloating(r.dtype)) {
      const from = x.device;
      record('ToCopy', [x], r, [], ([g]) => {
        if (from === 'cpu' && g.device === 'webgpu') {
          try {
            return [to(g, from, x.dtype)];
          } catch {
            throw new Error(
              "backward through x.to('webgpu') of a CPU tensor that requires grad: its gradient would have to come back to the CPU synchronously, which WebGPU cannot do; make the leaf on the GPU instead (torch.randn(shape, { device: 'webgpu', requiresGrad: true }) or x.to('webgpu').detach().requiresGrad_())",
            );
          }
        }
        return [to(g, from, x.dtype)];
      });
    }
  }
  return r;
}

// ---- methods ----
declare module '../tensor/tensor.js' {
  interface Tensor {
    /** View with a new shape. `x.view(2, -1)` */
    view(...shape: (number | number[])[]): Tensor;
    viewAs(other: Tensor): Tensor;
    reshape(...shape: (number | number[])[]): Tensor;
    reshapeAs(other: Tensor): Tensor;
    flatten(...opt: unknown[]): Tensor;
    unflatten(dim: number, sizes: number[]): Tensor;
    permute(...dims: (number | number[])[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    swapaxes(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    /** Transpose (reverses all dims), like PyTorch's `.T`/`.mT` for 2-d. */
    readonly T: Tensor;
    readonly mT: Tensor;
    movedim(source: number | number[], destination: number | number[]): Tensor;
    expand(...sizes: (number | number[])[]): Tensor;
    expandAs(other: Tensor): Tensor;
    squeeze(dim?: number | number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    detach(): Tensor;
    detach_(): Tensor;
    to(...args: unknown[]): Tensor;
    float(): Tensor;
    double(): Tensor;
    half(): Tensor;
    long(): Tensor;
    int(): Tensor;
    short(): Tensor;
    byte(): Tensor;
    char(): Tensor;
    bool(): Tensor;
    cpu(): Tensor;
    /**
     * A CPU copy of this tensor, read back asynchronously (the way to bring a webgpu tensor's values
     * to the CPU; `x.to('cpu')` works synchronously only when they are already known there).
     *
     * @example
     * ```ts
     * const y = torch.ones([2], { device: 'webgpu' }).mul(2);
     * const c = await y.cpuAsync(); // tensor([2., 2.])
     * ```
     */
    cpuAsync(): Promise<Tensor>;
    type(dtype?: DType): Tensor | string;
    requiresGrad_(on?: boolean): Tensor;
  }
}

defineMethods({
  view(this: Tensor, ...s: (number | number[])[]) { return view(this, ...s); },
  viewAs(this: Tensor, o: Tensor) { return view(this, o.shape); },
  reshape(this: Tensor, ...s: (number | number[])[]) { return reshape(this, ...s); },
  reshapeAs(this: Tensor, o: Tensor) { return reshape(this, o.shape); },
  flatten(this: Tensor, ...o: unknown[]) { return flatten(this, ...o); },
  unflatten(this: Tensor, d: number, s: number[]) { return unflatten(this, d, s); },
  permute(this: Tensor, ...d: (number | number[])[]) { return permute(this, ...d); },
  transpose(this: Tensor, a: number, b: number) { return transpose(this, a, b); },
  swapaxes(this: Tensor, a: number, b: number) { return transpose(this, a, b); },
  t(this: Tensor) { return t(this); },
  movedim(this: Tensor, s: number | number[], d: number | number[]) { return movedim(this, s, d); },
  expand(this: Tensor, ...s: (number | number[])[]) { return expand(this, ...s); },
  expandAs(this: Tensor, o: Tensor) { return expand(this, o.shape); },
  squeeze(this: Tensor, d?: number | number[]) { return squeeze(this, d); },
  unsqueeze(this: Tensor, d: number) { return unsqueeze(this, d); },
  narrow(this: Tensor, d: number, s: number, l: number) { return narrow(this, d, s, l); },
  select(this: Tensor, d: number, i: number) { return select(this, d, i); },
  contiguous(this: Tensor) { return contiguous(this); },
  clone(this: Tensor) { return clone(this); },
  detach(this: Tensor) { return detach(this); },
  detach_(this: Tensor) { this.gradFn = null; this.requiresGrad = false; return this; },
  to(this: Tensor, ...a: unknown[]) { return to(this, ...a); },
  float(this: Tensor) { return toDType(this, 'float32'); },
  double(this: Tensor) { return toDType(this, 'float32'); },
  half(this: Tensor) { return toDType(this, 'float16'); },
  long(this: Tensor) { return toDType(this, 'int64'); },
  int(this: Tensor) { return toDType(this, 'int32'); },
  short(this: Tensor) { return toDType(this, 'int32'); },
  byte(this: Tensor) { return toDType(this, 'uint8'); },
  char(this: Tensor) { return toDType(this, 'int8'); },
  bool(this: Tensor) { return toDType(this, 'bool'); },
  cpu(this: Tensor) { return to(this, 'cpu'); },
  async cpuAsync(this: Tensor) {
    const c = await this._cpuCopyAsync();
    if (c.isContiguous() && c._offset === 0) return c;
    const r = c.contiguous();
    c.dispose();
    return r;
  },
  type(this: Tensor, d?: DType) { return d === undefined ? `torch.${this.dtype}` : toDType(this, d); },
  requiresGrad_(this: Tensor, on = true) {
    if (on && !isFloating(this.dtype)) throw new TypeError(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    if (!on && !this.isLeaf) throw new Error("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    this.requiresGrad = on;
    return this;
  },
});

Object.defineProperty(Tensor.prototype, 'T', { get(this: Tensor) { return permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }, configurable: true });
Object.defineProperty(Tensor.prototype, 'mT', { get(this: Tensor) { return transpose(this, -2, -1); }, configurable: true });

export { parseShape };
