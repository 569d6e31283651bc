/**
 * The wasm kernel module as the TypeScript side sees it: the typed export table, instantiation,
 * views over linear memory (recreated after memory.grow) and the scratch area for shape/stride
 * metadata. Every kernel call goes through `kernels`.
 */
import { compileKernels, kernelsProvided, relaxedSimdSupported } from '../platform/wasm-source.js';
import { attachThreads, parallelElementwise, parallelOptimStep, parallelReduce, parallelSgemmBatch, probeThreads } from './threads.js';

/** The exports of dist/torchlet.wasm that the TS side calls (checked by tests/wasm-exports.test.ts). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  alloc(nbytes: number): number;
  free(ptr: number): void;
  argPtr(): number;
  copy_strided(srcDt: number, src: number, dstDt: number, dst: number, nd: number, meta: number, scatter: number): void;
  fill(dt: number, dst: number, n: number, f: number, i: bigint): void;
  unary(op: number, kind: number, x: number, o: number, nd: number, meta: number, p: number, q: number): void;
  binary(op: number, kind: number, a: number, b: number, o: number, nd: number, meta: number, cmp: number): void;
  where(es: number, c: number, a: number, b: number, o: number, nd: number, meta: number): void;
  reduce(op: number, kind: number, x: number, o: number, outer: number, k: number, inner: number): void;
  /** C = alpha * op(A) @ op(B) + beta * C, row-major f32 (see simd/gemm.ts for the contract). */
  sgemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number): void;
}

/**
 * Names the TS side requires from the module. Op files that add kernels extend `KernelExports`
 * by declaration merging (`declare module '../backend/wasm.js'`) and list the names here through
 * `requireKernels`, so tests/wasm-exports.test.ts can check the built module against them.
 */
export const REQUIRED_EXPORTS = new Set<string>([
  'memory', '_initialize', 'alloc', 'free', 'argPtr', 'copy_strided', 'fill', 'unary', 'binary', 'where', 'reduce', 'sgemm',
]);

/** Declares kernel exports an op file calls (checked against the built wasm by the tests). */
export function requireKernels(...names: string[]): void {
  for (const n of names) REQUIRED_EXPORTS.add(n);
}

// the threaded build's per-worker GEMM workspace entry points (ts/backend/threads.ts)
requireKernels('sgemm_rows_ws', 'sgemm_ws_bytes', 'sgemm_ws_init');
requireKernels('sgemm_kc', 'sgemm_nc', 'sgemm_pb_bytes', 'sgemm_pb_pack', 'sgemm_pb_ws_bytes', 'sgemm_rows_pb', 'sgemm_pa_bytes', 'sgemm_pa_pack', 'sgemm_pa_ws_bytes', 'sgemm_pa');

export let kernels: KernelExports;
let argPtr = 0;
let buffer: ArrayBuffer | null = null;
let u8 = new Uint8Array(0);
let i32 = new Int32Array(0);

/** Whether the loaded kernels are the relaxed-SIMD build (f32x4.relaxed_madd in the GEMM micro-kernel). */
export let relaxedSimd = false;

/** The relaxed-SIMD variant of a build where the runtime has relaxed SIMD, else the plain one. */
async function compileBest(threaded: boolean): Promise<WebAssembly.Module> {
  if (!kernelsProvided() && relaxedSimdSupported()) {
    try {
      const m = await compileKernels(threaded, true);
      relaxedSimd = true;
      return m;
    } catch {
      // the relaxed build is missing (e.g. an older bundle): the plain build below
    }
  }
  relaxedSimd = false;
  return compileKernels(threaded, false);
}

/** Instantiates the kernels (called once, by the package's top-level await). */
export async function initKernels(): Promise<void> {
  if (kernels) return;
  const imports = {
    abort(_msg: number, _file: number, line: number, col: number): void {
      throw new Error(`torchlet: wasm kernel aborted at ${line}:${col}`);
    },
    seed: () => Date.now(),
  };
  // where threads exist, the threaded build (shared, imported memory) so workers can join later
  const support = kernelsProvided() ? null : await probeThreads();
  let inst: WebAssembly.Instance | null = null;
  let mtModule: WebAssembly.Module | null = null;
  let why = '';
  if (support?.ok) {
    try {
      mtModule = await compileBest(true);
      const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
      inst = await WebAssembly.instantiate(mtModule, { env: { ...imports, memory } });
    } catch (e) {
      why = `the threaded kernel build could not be loaded (${(e as Error).message})`;
      inst = null;
      mtModule = null;
    }
  }
  if (!inst) inst = await WebAssembly.instantiate(await compileBest(false), { env: imports });
  const ex = inst.exports as unknown as KernelExports;
  if (mtModule) {
    // the export table stays a plain object so GEMM entry points can dispatch to the thread pool
    const k = { ...ex } as KernelExports;
    k.sgemm = (tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) =>
      parallelSgemmBatch(() => ex.sgemm(tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc), tA, tB, M, N, K, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
    k.sgemm_batch = (tA, tB, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, batch) =>
      parallelSgemmBatch(() => ex.sgemm_batch(tA, tB, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, batch), tA, tB, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, batch);
    k.unary = (op, kind, x, o, nd, meta, p, q) => parallelElementwise(() => ex.unary(op, kind, x, o, nd, meta, p, q), false, op, kind, x, 0, o, nd, meta, p, q);
    k.binary = (op, kind, a, b, o, nd, meta, cmp) => parallelElementwise(() => ex.binary(op, kind, a, b, o, nd, meta, cmp), true, op, kind, a, b, o, nd, meta, cmp, 0);
    k.reduce = (op, kind, x, o, outer, kk, inner) => parallelReduce(() => ex.reduce(op, kind, x, o, outer, kk, inner), op, kind, x, o, outer, kk, inner);
    // optimizer updates (declared by ts/optim/optimizer.ts): large parameter tensors are split in chunks
    const raw = ex as unknown as Record<string, (...a: number[]) => void>;
    const kk = k as unknown as Record<string, (...a: number[]) => void>;
    if (raw.adam_step) kk.adam_step = (p, g, m, v, vmax, n, ...s) => parallelOptimStep(() => raw.adam_step(p, g, m, v, vmax, n, ...s), true, [p, g, m, v, vmax], n, s);
    if (raw.sgd_step) kk.sgd_step = (p, g, buf, n, ...s) => parallelOptimStep(() => raw.sgd_step(p, g, buf, n, ...s), false, [p, g, buf], n, s);
    kernels = k;
  } else {
    kernels = ex;
  }
  attachThreads(mtModule, mtModule ? (ex as unknown as Parameters<typeof attachThreads>[1]) : null, why || undefined);
  kernels._initialize();
  argPtr = kernels.argPtr();
}

function refresh(): void {
  if (buffer !== kernels.memory.buffer) {
    buffer = kernels.memory.buffer;
    u8 = new Uint8Array(buffer);
    i32 = new Int32Array(buffer);
  }
}

/** Current Uint8Array view of linear memory. */
export function heapU8(): Uint8Array {
  refresh();
  return u8;
}

/** Current ArrayBuffer of linear memory. */
export function heapBuffer(): ArrayBuffer {
  refresh();
  return buffer as ArrayBuffer;
}

/** Writes i32 metadata (shapes, strides) into the scratch area; returns its pointer. */
export function writeMeta(...lists: readonly number[][]): number {
  refresh();
  let k = argPtr >> 2;
  for (const l of lists) for (const v of l) i32[k++] = v;
  if ((k << 2) - argPtr > 16384) throw new RangeError(`torchlet: too many dimensions for a kernel call (${k - (argPtr >> 2)} values)`);
  return argPtr;
}
