/**
 * Thread support per runtime: whether kernels can run on several threads (SharedArrayBuffer,
 * cross-origin isolation, a Worker constructor), how many cores there are, whether this thread may
 * block in Atomics.wait, and how a kernel worker is started: Node worker_threads (unref'd, so it
 * never keeps the process alive) or a module Worker (Deno, browsers) from the script beside the
 * package's dist/ (never a Blob URL or eval). The parallel-for itself is in ts/backend/threads.ts.
 */

/** What the runtime allows. */
export interface ThreadSupport {
  /** Shared memory and workers are available. */
  ok: boolean;
  /** Logical cores (the default thread count when ok). */
  cores: number;
  /** This thread may block in Atomics.wait (Node, Deno, worker scopes); browsers' main thread spins. */
  canWait: boolean;
  /** Why kernels run on one thread (empty when ok). */
  reason: string;
  /** TORCHLET_NUM_THREADS from the environment (Node), if set: the default thread count. */
  envThreads?: number;
  /** TORCHLET_GEMM_MIN_MACS from the environment (Node; tuning and tests): GEMMs below stay serial. */
  envGemmMin?: number;
  /** TORCHLET_ELEMENTWISE_MIN from the environment: elementwise launches below stay serial. */
  envEwMin?: number;
  /** TORCHLET_SPIN_US from the environment (tuning): how long idle kernel threads spin before sleeping. */
  envSpinUs?: number;
}

/** A non-negative integer environment variable (Node; Deno when env access is allowed). */
function envInt(name: string): number | undefined {
  let v: string | undefined;
  try {
    v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  } catch {
    return undefined; // Deno without --allow-env
  }
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** A started kernel worker. */
export interface KernelThread {
  terminate(): void;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(ev: string, fn: (e: unknown) => void): void;
}
interface NodeWorkerThreads {
  Worker: new (url: URL, opts: { workerData: unknown }) => NodeWorker;
  isMainThread: boolean;
}
interface WebWorker {
  postMessage(m: unknown): void;
  terminate(): void;
  addEventListener(ev: string, fn: (e: unknown) => void): void;
}

let nodeWT: NodeWorkerThreads | null = null;

/** The worker script beside the package (ts/platform/ and dist/platform/ are both two levels deep). */
function workerUrl(): URL {
  return new URL('../../dist/platform/thread-worker.js', import.meta.url);
}

/** Probes the runtime (async: Node's modules load through dynamic import). */
export async function detectThreads(): Promise<ThreadSupport> {
  const g = globalThis as {
    SharedArrayBuffer?: unknown;
    crossOriginIsolated?: boolean;
    Worker?: unknown;
    Deno?: unknown;
    process?: { versions?: { node?: string } };
    navigator?: { hardwareConcurrency?: number };
    WorkerGlobalScope?: unknown;
  };
  const navCores = g.navigator?.hardwareConcurrency;
  const single = (reason: string): ThreadSupport => ({ ok: false, cores: 1, canWait: false, reason });
  if (typeof g.SharedArrayBuffer !== 'function' || g.crossOriginIsolated === false) {
    return single(
      g.crossOriginIsolated === false
        ? 'SharedArrayBuffer needs cross-origin isolation: serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp'
        : 'SharedArrayBuffer is not available in this runtime',
    );
  }
  if (g.process?.versions?.node) {
    // Node, and Deno through its node:worker_threads (whose workers can be unref'd, unlike web Workers)
    try {
      const spec = (m: string): string => ['node', m].join(':');
      nodeWT = (await import(/* @vite-ignore */ spec('worker_threads'))) as NodeWorkerThreads;
      const os = (await import(/* @vite-ignore */ spec('os'))) as { availableParallelism?: () => number; cpus(): unknown[] };
      const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
      return { ok: true, cores: Math.max(1, cores), canWait: true, reason: '', envThreads: envInt('TORCHLET_NUM_THREADS'), envGemmMin: envInt('TORCHLET_GEMM_MIN_MACS'), envEwMin: envInt('TORCHLET_ELEMENTWISE_MIN'), envSpinUs: envInt('TORCHLET_SPIN_US') };
    } catch (e) {
      return single(`worker_threads could not be loaded (${(e as Error).message})`);
    }
  }
  if (typeof g.Worker !== 'function') return single('this runtime has no Worker threads');
  const cores = typeof navCores === 'number' && navCores > 0 ? navCores : 1;
  // Deno's main thread and worker scopes may block; a browser page's main thread may not
  const canWait = !!g.Deno || typeof g.WorkerGlobalScope !== 'undefined';
  return { ok: true, cores, canWait, reason: '' };
}

/**
 * Starts one kernel worker and hands it `init` (the compiled module, the shared memory and where
 * its control block is). Node workers are unref'd: they never keep the process alive.
 */
export function startKernelThread(init: Record<string, unknown>): KernelThread {
  if (nodeWT) {
    const w = new nodeWT.Worker(workerUrl(), { workerData: init });
    w.unref();
    w.on('error', () => {});
    return { terminate: () => void w.terminate() };
  }
  const W = (globalThis as unknown as { Worker: new (u: URL, o: { type: string; name?: string }) => WebWorker }).Worker;
  const w = new W(workerUrl(), { type: 'module', name: 'torchlet-kernels' });
  w.addEventListener('error', () => {});
  w.postMessage(init);
  return { terminate: () => w.terminate() };
}
