/**
 * The Tensor class: a strided view (shape, strides, offset, dtype) over a Storage in wasm memory,
 * plus autograd fields. Operations are attached to the prototype by the files in ts/ops/ (each op
 * lives in one place: its functional form, its method, its gradient); this file holds only what
 * every tensor is: properties, reads, printing and disposal.
 */
import { heapBuffer, kernels, writeMeta } from '../backend/wasm.js';
import { DTYPE_CODE, ITEMSIZE, type DType, type AnyTypedArray } from './dtype.js';
import { Storage } from './storage.js';
import { formatTensor } from './format.js';
import type { Node } from '../autograd/node.js';
import { trackTensor } from './scope.js';
import { GpuStorage, syncReadError } from '../backend/webgpu/storage.js';
import { readBuffer } from '../backend/webgpu/device.js';
import { gpuCopy } from '../backend/webgpu/elementwise.js';

export type Device = 'cpu' | 'webgpu';

/** Row-major (contiguous) strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

export function shapeNumel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Normalises a possibly negative dim; throws PyTorch's IndexError-style message when out of range. */
export function normDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

let nextId = 1;

/**
 * A multi-dimensional array on a device, with autograd.
 *
 * @example
 * ```ts
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * x.shape;            // [2, 2]
 * x.sum().item();     // 10
 * ```
 */
export class Tensor {
  readonly id = nextId++;
  /** @internal */ _storage: Storage | GpuStorage;
  /** @internal */ _strides: number[];
  /** @internal */ _offset: number;
  readonly shape: number[];
  readonly dtype: DType;
  requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: Node | null = null;
  /** @internal */ _disposed = false;
  /** @internal */ _retainsGrad = false;
  /** @internal */ _hooks: ((g: Tensor) => Tensor | void)[] | null = null;
  /** @internal the tensor this is a view of (for in-place autograd bookkeeping) */ _base: Tensor | null = null;
  /** @internal bumped by in-place ops */ _version = 0;

  /** @internal use torch.tensor / torch.empty and the ops to make tensors. */
  constructor(storage: Storage | GpuStorage, shape: number[], strides: number[], offset: number, dtype: DType) {
    this._storage = storage;
    this.shape = shape;
    this._strides = strides;
    this._offset = offset;
    this.dtype = dtype;
    storage.retain(this);
    trackTensor(this);
  }

  /** @internal A new contiguous tensor with uninitialised data (on `device`, the CPU by default). */
  static _empty(shape: readonly number[], dtype: DType, device: Device = 'cpu'): Tensor {
    const nbytes = shapeNumel(shape) * ITEMSIZE[dtype];
    const st = device === 'webgpu' ? new GpuStorage(nbytes) : new Storage(nbytes);
    return new Tensor(st, shape.slice(), contiguousStrides(shape), 0, dtype);
  }

  /** The device holding the data: 'cpu' or 'webgpu'. */
  get device(): Device {
    return this._storage.device;
  }

  /** @internal The GPU buffer of a webgpu tensor's storage (the whole storage: mind `_offset`). */
  _gpuBuffer(): GPUBuffer {
    this._check();
    const s = this._storage;
    if (!(s instanceof GpuStorage)) throw new Error(`internal: _gpuBuffer() of a ${this.device} tensor`);
    return s.gpuBuffer();
  }

  /** @internal A view sharing this tensor's storage. */
  _view(shape: number[], strides: number[], offset: number): Tensor {
    this._check();
    const v = new Tensor(this._storage, shape, strides, offset, this.dtype);
    v._base = this._base ?? this;
    return v;
  }

  /** @internal Byte address of element [0,...,0] in wasm memory (brings spilled data back). */
  _ptr(): number {
    this._check();
    return this._storage.ptr() + this._offset * ITEMSIZE[this.dtype];
  }

  /** @internal Throws if the tensor has been disposed. */
  _check(): void {
    if (this._disposed) throw new Error('Tensor has been disposed: it cannot be used after dispose() or the end of its scope');
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of dimensions (alias of ndim). */
  dim(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  numel(): number {
    return shapeNumel(this.shape);
  }

  /** `x.size()` is the shape; `x.size(d)` one dimension. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape.slice();
    return this.shape[normDim(dim, this.ndim)];
  }

  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this._strides.slice();
    return this._strides[normDim(dim, this.ndim)];
  }

  storageOffset(): number {
    return this._offset;
  }

  elementSize(): number {
    return ITEMSIZE[this.dtype];
  }

  isContiguous(): boolean {
    let s = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this._strides[i] !== s) return false;
      s *= this.shape[i];
    }
    return true;
  }

  isFloatingPoint(): boolean {
    return this.dtype === 'float32' || this.dtype === 'float16';
  }

  /** @internal Copies the data into a new contiguous tensor of `dtype` (a cast when it differs). */
  _copyTo(dtype: DType): Tensor {
    this._check();
    if (this._storage instanceof GpuStorage) {
      const g = gpuCopy(this, dtype);
      if (g) return g;
    }
    const out = Tensor._empty(this.shape, dtype);
    if (out.numel() === 0) return out;
    const [shape, strides] = coalesce(this.shape, [this._strides]);
    const meta = writeMeta(shape, strides[0]);
    const src = this._ptr();
    kernels.copy_strided(DTYPE_CODE[this.dtype], src, DTYPE_CODE[dtype], out._ptr(), shape.length, meta, 0);
    return out;
  }

  /** A copy of the data as a typed array (CPU tensors). float16 reads as Float32Array, bool as Uint8Array. */
  dataSync(): AnyTypedArray {
    this._check();
    if (this.device !== 'cpu') throw syncReadError('dataSync()', 'await x.data()');
    const readAs: DType = this.dtype === 'float16' ? 'float32' : this.dtype;
    const n = this.numel();
    if (this.isContiguous() && readAs === this.dtype) return typedCopy(this.dtype, this._ptr(), n);
    const tmp = this._copyTo(readAs);
    const r = typedCopy(readAs, tmp._ptr(), n);
    tmp.dispose();
    return r;
  }

  /**
   * The data as a typed array, on every device (webgpu tensors are read back asynchronously).
   *
   * @example
   * ```ts
   * const y = torch.ones([2], { device: 'webgpu' }).mul(3);
   * await y.data(); // Float32Array [3, 3]
   * ```
   */
  async data(): Promise<AnyTypedArray> {
    if (this.device === 'cpu') return this.dataSync();
    const c = await this._cpuCopyAsync();
    try {
      return c.dataSync();
    } finally {
      c.dispose();
    }
  }

  /** The data as nested arrays, on every device. */
  async array(): Promise<unknown> {
    if (this.device === 'cpu') return this.tolist();
    const c = await this._cpuCopyAsync();
    try {
      return c.tolist();
    } finally {
      c.dispose();
    }
  }

  /** @internal A CPU tensor with this (webgpu) tensor's values, read back in stream order. */
  async _cpuCopyAsync(): Promise<Tensor> {
    this._check();
    const s = this._storage;
    if (!(s instanceof GpuStorage)) return this._copyTo(this.dtype);
    s.gpuBuffer(); // throws when the device was lost or the tensor freed
    const version = s.version;
    const bytes = s.known ?? (await readBuffer(s.gpuBuffer(), s.nbytes, s.epoch));
    if (s.error) throw s.error;
    if (!s.known && s.version === version) s.known = bytes;
    return Tensor._fromBytes(bytes, this.shape.slice(), this._strides.slice(), this._offset, this.dtype);
  }

  /** @internal A CPU tensor over a copy of a storage's bytes, viewed with the given layout. */
  static _fromBytes(bytes: Uint8Array, shape: number[], strides: number[], offset: number, dtype: DType): Tensor {
    const st = new Storage(bytes.byteLength);
    const t = new Tensor(st, shape, strides, offset, dtype);
    if (bytes.byteLength) new Uint8Array(heapBuffer(), st.ptr(), bytes.byteLength).set(bytes);
    return t;
  }

  /** The value of a one-element tensor as a JS number (int64: number, bool: boolean). */
  item(): number | boolean {
    if (this.device !== 'cpu') throw syncReadError('item()', '(await x.data())[0]');
    if (this.numel() !== 1) {
      throw new RangeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    const v = this.dataSync()[0];
    if (this.dtype === 'bool') return v !== 0;
    return typeof v === 'bigint' ? Number(v) : v;
  }

  /** Nested JS arrays (numbers; booleans for bool tensors; int64 as numbers). */
  tolist(): unknown {
    if (this.device !== 'cpu') throw syncReadError('tolist()', 'await x.array()');
    const d = this.dataSync();
    const conv = this.dtype === 'bool' ? (v: number | bigint) => v !== 0 : (v: number | bigint) => (typeof v === 'bigint' ? Number(v) : v);
    if (this.ndim === 0) return conv(d[0]);
    let i = 0;
    const build = (k: number): unknown[] => {
      const n = this.shape[k];
      const arr = new Array<unknown>(n);
      for (let j = 0; j < n; j++) arr[j] = k === this.ndim - 1 ? conv(d[i++]) : build(k + 1);
      return arr;
    };
    return build(0);
  }

  /** Prints like PyTorch: `tensor([[1., 2.], [3., 4.]])`. */
  toString(): string {
    if (this._disposed) return 'tensor(<disposed>)';
    const s = this._storage;
    if (s instanceof GpuStorage) {
      // values print when known on the CPU; reading them otherwise takes await x.data()
      let body = `<values on the GPU: await x.data() reads them>, size=[${this.shape.join(', ')}]`;
      if (s.known) {
        const c = Tensor._fromBytes(s.known, this.shape.slice(), this._strides.slice(), this._offset, this.dtype);
        body = formatTensor(c).slice('tensor('.length, -1);
        c.dispose();
      }
      const grad = this.requiresGrad ? (this.gradFn ? `, grad_fn=<${this.gradFn.name[0].toUpperCase()}${this.gradFn.name.slice(1)}Backward0>` : ', requires_grad=True') : '';
      return `tensor(${body}, device='webgpu'${grad})`;
    }
    return formatTensor(this);
  }

  /** Frees this tensor's memory now (its storage once no view shares it). Idempotent. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._storage.release(this);
    this.gradFn = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

function typedCopy(dtype: DType, ptr: number, n: number): AnyTypedArray {
  const buf = heapBuffer();
  switch (dtype) {
    case 'float32': return new Float32Array(buf, ptr, n).slice();
    case 'int32': return new Int32Array(buf, ptr, n).slice();
    case 'int64': return new BigInt64Array(buf, ptr, n).slice();
    case 'int8': return new Int8Array(buf, ptr, n).slice();
    case 'float16': return new Uint16Array(buf, ptr, n).slice();
    default: return new Uint8Array(buf, ptr, n).slice();
  }
}

/**
 * Merges adjacent dims that are contiguous with each other in every stride list and drops size-1
 * dims, so that kernels see the fewest, longest rows. Always returns at least one dim.
 */
export function coalesce(shape: readonly number[], strideLists: readonly (readonly number[])[]): [number[], number[][]] {
  const outShape: number[] = [];
  const outStrides: number[][] = strideLists.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const k = outShape.length - 1;
    if (k >= 0 && strideLists.every((s, j) => outStrides[j][k] === s[i] * shape[i])) {
      outShape[k] *= shape[i];
      strideLists.forEach((s, j) => (outStrides[j][k] = s[i]));
    } else {
      outShape.push(shape[i]);
      strideLists.forEach((s, j) => outStrides[j].push(s[i]));
    }
  }
  if (outShape.length === 0) return [[1], strideLists.map(() => [0])];
  return [outShape, outStrides];
}
