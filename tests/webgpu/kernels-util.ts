// Helpers of the standalone WebGPU kernel checks (tests/webgpu/kernels-elementwise.ts, -reduce,
// -softmax, -norm): device init, moving tensors to and from the GPU with the core's stream
// (ts/backend/webgpu/device.ts) without going through op dispatch, and a check collector comparing
// a GPU result with the CPU oracle (NaN matches NaN, infinities must match exactly).
import { initDevice, readBuffer, writeBuffer } from '../../ts/backend/webgpu/device.js';
import { heapBuffer } from '../../ts/backend/wasm.js';
import { Tensor } from '../../ts/tensor/tensor.js';
import { ITEMSIZE } from '../../ts/tensor/dtype.js';
import { fromValues } from '../../ts/ops/creation.js';

interface DenoLike {
  exit(code: number): never;
}
const Deno = (globalThis as unknown as { Deno?: DenoLike }).Deno;

export async function initGpu(): Promise<void> {
  const info = await initDevice();
  if (!info) throw new Error('no WebGPU adapter');
}

/** A webgpu copy of a CPU tensor with the same layout (the whole storage, same strides and offset). */
export async function gpuOf(x: Tensor): Promise<Tensor> {
  const st = x._storage as unknown as { nbytes: number; ptr(): number };
  const nb = st.nbytes;
  const g = Tensor._empty([nb], 'uint8', 'webgpu');
  if (nb > 0) writeBuffer(g._gpuBuffer(), 0, new Uint8Array(heapBuffer(), st.ptr(), nb).slice());
  const base = new Tensor(g._storage, [Math.floor(nb / ITEMSIZE[x.dtype])], [1], 0, x.dtype);
  g.dispose();
  return base._view(x.shape.slice(), x._strides.slice(), x._offset);
}

/** The values of a (contiguous) webgpu tensor as a CPU tensor. */
export async function cpuOf(g: Tensor): Promise<Tensor> {
  const nb = g.numel() * ITEMSIZE[g.dtype];
  const bytes = nb > 0 ? await readBuffer(g._gpuBuffer(), (g._offset + g.numel()) * ITEMSIZE[g.dtype], (g._storage as unknown as { epoch: number }).epoch) : new Uint8Array(0);
  return Tensor._fromBytes(bytes, g.shape.slice(), g._strides.slice(), g._offset, g.dtype);
}

/** Deterministic uniform values in [lo, hi) as a float32 CPU tensor of `shape`. */
export function rand(shape: number[], lo = -3, hi = 3, seed = 1): Tensor {
  let s = (seed * 9301 + 49297) % 2147483648;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    v[i] = lo + (s / 2147483648) * (hi - lo);
  }
  return fromValues(v, shape, 'float32');
}

export class Checker {
  passed = 0;
  failures: { id: string; message: string }[] = [];
  constructor(readonly name: string) {}

  async check(id: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.passed++;
    } catch (e) {
      this.failures.push({ id, message: (e as Error).message });
    }
  }

  /** Throws unless got and want agree in shape, dtype and values (|g - w| <= atol + rtol |w|). */
  async same(id: string, got: Tensor, want: Tensor, rtol: number, atol: number): Promise<void> {
    if (got.dtype !== want.dtype) throw new Error(`${id}: dtype ${got.dtype} != ${want.dtype}`);
    if (got.shape.join(',') !== want.shape.join(',')) throw new Error(`${id}: shape [${got.shape}] != [${want.shape}]`);
    const g = got.dataSync();
    const w = want.dataSync();
    for (let i = 0; i < w.length; i++) {
      if (typeof w[i] === 'bigint') {
        if (g[i] !== w[i]) throw new Error(`element ${i}: got ${g[i]}, want ${w[i]}`);
        continue;
      }
      const a = Number(g[i]);
      const b = Number(w[i]);
      if (Number.isNaN(b) ? Number.isNaN(a) : a === b || (Number.isFinite(b) && Math.abs(a - b) <= atol + rtol * Math.abs(b))) continue;
      throw new Error(`element ${i}: got ${a}, want ${b}`);
    }
  }

  finish(): void {
    console.log(`${this.name}-result ${JSON.stringify({ passed: this.passed, failed: this.failures.length, failures: this.failures.slice(0, 60) })}`);
    if (this.failures.length && Deno) Deno.exit(1);
  }
}
