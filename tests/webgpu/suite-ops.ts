// The golden op suite on the WebGPU backend, through the public API only. For each PyTorch fixture
// case (tests/fixtures/golden, decoded by tests/runtimes/golden-runner.ts) the inputs are created on
// the GPU (`torch.tensor(..., { device: 'webgpu' })`, views taken there), the op runs, the results
// are read with `await x.data()` and compared with both the fixture (PyTorch) and the CPU result of
// the same call (the oracle); where the case has gradients, backward runs on the GPU and
// `await x.grad.data()` is compared likewise. Outputs of GPU inputs must stay on the GPU (ops
// without a GPU kernel fall back to the CPU transparently). Creation functions without tensor
// inputs get `device: 'webgpu'` in their options. Runtime-neutral (Deno, Chromium, Node).
import { createGoldenHarness, type EncTensor, type GoldenCase, type GoldenFile, type Tol } from '../runtimes/golden-runner.js';
import { GPU, numbers, webgpuApi, type Failure, type SuiteResult, type Tensor, type Torch } from './suite-common.js';

export interface OpSuiteOptions {
  /** at most this many cases per fixture fn (every fn keeps at least one); all when undefined */
  perFn?: number;
  /** only fns matching this (for debugging) */
  filter?: RegExp;
  /** called after each fn's cases (progress) */
  progress?: (fn: string, ms: number) => void;
}

export interface OpSuiteResult extends SuiteResult {
  /** fixture fns exercised on the GPU */
  fns: number;
  /** fns with no torchlet function (skipped, same as on the CPU) */
  missing: string[];
  /** fns of which at least one case failed */
  failedFns: string[];
  /** cases left out by sampling */
  sampledOut: number;
  /** slowest fns: [fn, ms] */
  slowest: [string, number][];
}

/** Functions whose results sum over many terms: compared at 1e-3 relative, like the GPU brief says. */
const ACCUMULATING = /matmul|^torch\.(mm|bmm|mv|dot|vdot|inner|outer|ger|addmm|addbmm|baddbmm|addmv|addr|chainMatmul|einsum|tensordot|kron|trace|cdist|det|logdet|slogdet|inverse|cholesky|solve)|linalg|conv|linear|bilinear|sum|mean|std|var|norm|prod|softmax|logsumexp|cumsum|cumprod|logcumsumexp|attention|pool|interpolate|loss|crossEntropy|nllLoss|kl|embeddingBag|layerNorm|groupNorm|batchNorm|instanceNorm|rms|cosine|pdist|pairwise|unfold|fold/i;

type Plain = unknown;

function isTensor(torch: Torch, v: unknown): v is Tensor {
  return v instanceof torch.Tensor;
}

/** Encodes a CPU result (tensors read with dataSync) into the fixture format, for comparisons. */
function encodeCpu(torch: Torch, v: unknown): Plain {
  if (isTensor(torch, v)) {
    const d = v.dataSync() as ArrayLike<number | bigint>;
    const data = v.dtype === 'bool' ? Array.from(d as ArrayLike<number>, (x) => Number(x) !== 0) : numbers(d);
    return { dtype: v.dtype, shape: v.shape.slice(), data } satisfies EncTensor;
  }
  if (Array.isArray(v)) return v.map((x) => encodeCpu(torch, x));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeCpu(torch, x)]));
  return v;
}

/** A result with every tensor replaced by its index in `found` (read later, all at once). */
function collect(torch: Torch, v: unknown, found: Tensor[]): Plain {
  if (isTensor(torch, v)) return { __tensor: found.push(v) - 1 };
  if (Array.isArray(v)) return v.map((x) => collect(torch, x, found));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, collect(torch, x, found)]));
  return v;
}

/** Puts the read tensors back into a collected result. */
function fill(v: Plain, read: EncTensor[]): Plain {
  if (Array.isArray(v)) return v.map((x) => fill(x, read));
  if (v !== null && typeof v === 'object') {
    if ('__tensor' in v) return read[(v as { __tensor: number }).__tensor];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, read)]));
  }
  return v;
}

/** Reads tensors (any device) with `await x.data()` into the fixture format; a failed read is an Error. */
async function readTensor(t: Tensor): Promise<EncTensor | Error> {
  try {
    const d = (await t.data()) as ArrayLike<number | bigint>;
    const data = t.dtype === 'bool' ? Array.from(d as ArrayLike<number>, (x) => Number(x) !== 0) : numbers(d);
    return { dtype: t.dtype, shape: t.shape.slice(), data };
  } catch (e) {
    return e as Error;
  }
}

const isEnc = (v: unknown): v is EncTensor => v !== null && typeof v === 'object' && 'dtype' in v && 'shape' in v && 'data' in v;

function hasTensorArg(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasTensorArg);
  if (v === null || typeof v !== 'object') return false;
  if (isEnc(v) || 'base' in v) return true;
  return Object.values(v).some(hasTensorArg);
}

/** Turns an encoded result back into CPU tensors (so the harness comparisons apply to it). */
function rebuild(makeTensor: (e: EncTensor) => Tensor, v: Plain): unknown {
  if (isEnc(v)) return makeTensor(v);
  if (Array.isArray(v)) return v.map((x) => rebuild(makeTensor, x));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebuild(makeTensor, x)]));
  return v;
}

interface Outcome {
  threw?: Error;
  out?: Plain;
  grads?: (Plain | null)[];
  devices: string[];
}

function describeErr(e: Error): string {
  return `${e?.constructor?.name ?? 'Error'}: ${e?.message ?? String(e)}`;
}

/**
 * Runs the golden cases with GPU inputs; returns counts, failures and coverage. Cases whose fn has
 * no torchlet counterpart are skipped (as on the CPU).
 */
export async function runOpSuite(torch: Torch, files: GoldenFile[], opts: OpSuiteOptions = {}): Promise<OpSuiteResult> {
  const t0 = performance.now();
  const api = webgpuApi(torch);
  const stats0 = api?.stats() as Record<string, number> | undefined;
  const cpu = createGoldenHarness(torch);
  const gpu = createGoldenHarness(torch, GPU);
  const failures: Failure[] = [];
  const failedFns = new Set<string>();
  const missing = new Set<string>();
  const fnTime = new Map<string, number>();
  const fns = new Set<string>();
  let passed = 0;
  let skipped = 0;
  let sampledOut = 0;

  // group by fn (file order kept) and sample: prefer cases with gradients, errors and views
  const byFn = new Map<string, GoldenCase[]>();
  for (const f of files) for (const c of f.cases) (byFn.get(c.fn) ?? byFn.set(c.fn, []).get(c.fn)!).push(c);

  const work: { c: GoldenCase; call: (args: unknown[]) => unknown }[] = [];
  for (const [fn, all] of byFn) {
    if (opts.filter && !opts.filter.test(fn)) continue;
    const call = cpu.resolveFn(fn);
    if (!call) {
      missing.add(fn);
      skipped += all.length;
      continue;
    }
    let cases = all;
    if (opts.perFn !== undefined && all.length > opts.perFn) {
      const score = (c: GoldenCase) => (c.grads ? 4 : 0) + (JSON.stringify(c.args).includes('"view"') ? 2 : 0) + (c.error ? 1 : 0);
      const picked = new Set<GoldenCase>();
      // the first case, then the most informative ones, then in order
      picked.add(all[0]);
      for (const c of [...all].sort((a, b) => score(b) - score(a))) if (picked.size < opts.perFn) picked.add(c);
      cases = all.filter((c) => picked.has(c));
      sampledOut += all.length - cases.length;
    }
    fns.add(fn);
    for (const c of cases) work.push({ c, call });
  }

  // chunks of cases: every case's GPU work is recorded first, then all their results are read in one
  // round of awaits (a read waits for the device: ~10 ms per round on Deno's wgpu)
  for (let i = 0; i < work.length; i += CHUNK) {
    const chunk = work.slice(i, i + CHUNK);
    const msgs = await runChunk(torch, cpu, gpu, chunk, fnTime);
    chunk.forEach(({ c }, j) => {
      if (msgs[j] === null) passed++;
      else {
        failures.push({ id: `${c.fn} ${c.name}`, message: msgs[j]! });
        failedFns.add(c.fn);
      }
    });
    opts.progress?.(chunk[chunk.length - 1].c.fn, performance.now() - t0);
  }
  const notes: string[] = [];
  const stats1 = api?.stats() as Record<string, number> | undefined;
  if (stats0 && stats1) {
    const d = (k: string) => (typeof stats1[k] === 'number' ? stats1[k] - (stats0[k] ?? 0) : 'n/a');
    notes.push(`GPU traffic of the op suite: ${d('submits')} submits, ${d('uploads')} uploads, ${d('downloads')} downloads (reads, including the CPU fallbacks' reads)`);
  }
  const slowest = [...fnTime].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([f, ms]) => [f, Math.round(ms)] as [string, number]);
  return {
    passed,
    failed: failures.length,
    skipped,
    failures,
    ms: Math.round(performance.now() - t0),
    notes,
    fns: fns.size,
    missing: [...missing].sort(),
    failedFns: [...failedFns].sort(),
    sampledOut,
    slowest,
  };
}

type Harness = ReturnType<typeof createGoldenHarness>;

/** Decodes a case's arguments with `h` (device of the harness); creation fns get `device`. */
function buildArgs(h: Harness, c: GoldenCase, leaves: Tensor[], device?: string): unknown[] {
  const args = h.decodeArg(c.args, leaves) as unknown[];
  const kw = h.decodeArg(c.kwargs, leaves) as Record<string, unknown>;
  if (device && !hasTensorArg(c.args) && !hasTensorArg(c.kwargs)) kw.device = device;
  if (Object.keys(kw).length) args.push(kw);
  return args;
}

function disposeLeaves(leaves: Tensor[]): void {
  for (const l of leaves) {
    l.grad?.dispose();
    l.dispose();
  }
}

/** The CPU oracle: output and input gradients of the same call, encoded. */
function runCpu(torch: Torch, h: Harness, c: GoldenCase, call: (args: unknown[]) => unknown): Outcome {
  const leaves: Tensor[] = [];
  try {
    return torch.scope(() => {
      let out: unknown;
      try {
        out = call(buildArgs(h, c, leaves));
      } catch (e) {
        return { threw: e as Error, devices: [] };
      }
      const o: Outcome = { out: encodeCpu(torch, out), devices: [] };
      if (c.grads && c.gradOut) {
        const y = c.gradOf ? (out as Record<string, unknown>)[c.gradOf] : out;
        try {
          (y as Tensor).backward(h.makeTensor(c.gradOut));
          o.grads = leaves.map((l) => (l.grad ? encodeCpu(torch, l.grad) : null));
        } catch (e) {
          o.threw = e as Error;
        }
      }
      return o;
    });
  } finally {
    disposeLeaves(leaves);
  }
}

/** Cases per round of reads. */
const CHUNK = 24;

interface Pending {
  c: GoldenCase;
  oracle: Outcome;
  tol: Tol;
  gtol: Tol;
  /** the failure message, once known */
  msg?: string | null;
  out?: Plain;
  /** indices into the chunk's tensors to read: the input gradients (-1: none) */
  grads?: number[];
}

/**
 * Runs a chunk of cases: the CPU oracle and the GPU call (+ backward) of each case, then one round
 * of reads for all GPU results, then the comparisons. Returns null (pass) or a message per case.
 */
async function runChunk(torch: Torch, cpu: Harness, gpu: Harness, chunk: { c: GoldenCase; call: (args: unknown[]) => unknown }[], fnTime: Map<string, number>): Promise<(string | null)[]> {
  const leaves: Tensor[] = [];
  try {
    return await torch.scope(async () => {
      const found: Tensor[] = [];
      const pend: Pending[] = [];
      for (const { c, call } of chunk) {
        const t0 = performance.now();
        const p = dispatchCase(torch, cpu, gpu, c, call, found, leaves);
        fnTime.set(c.fn, (fnTime.get(c.fn) ?? 0) + performance.now() - t0);
        pend.push(p);
      }
      const read = await Promise.all(found.map(readTensor));
      return pend.map((p) => {
        if (p.msg !== undefined) return p.msg;
        try {
          return compareCase(torch, cpu, p, found, read);
        } catch (e) {
          return `unexpected ${describeErr(e as Error)}`;
        }
      });
    });
  } catch (e) {
    return chunk.map(() => `unexpected ${describeErr(e as Error)}`);
  } finally {
    disposeLeaves(leaves);
  }
}

/** Phase 1 of a case: the CPU oracle, then the GPU call and backward (nothing is read yet). */
function dispatchCase(torch: Torch, cpu: Harness, gpu: Harness, c: GoldenCase, call: (args: unknown[]) => unknown, found: Tensor[], allLeaves: Tensor[]): Pending {
  const base: Tol = { rtol: c.rtol ?? 1e-4, atol: c.atol ?? 1e-5 };
  const acc = ACCUMULATING.test(c.fn);
  const tol: Tol = { rtol: Math.max(base.rtol, acc ? 1e-3 : 1e-4), atol: Math.max(base.atol, acc ? 1e-4 : 1e-5) };
  const gtol: Tol = { rtol: Math.max(tol.rtol, 1e-4), atol: Math.max(tol.atol, 1e-4) };
  const p: Pending = { c, oracle: runCpu(torch, cpu, c, call), tol, gtol };
  const leaves: Tensor[] = [];
  let args: unknown[];
  try {
    args = buildArgs(gpu, c, leaves, GPU);
  } catch (e) {
    p.msg = `building GPU inputs failed: ${describeErr(e as Error)}`;
    return p;
  } finally {
    allLeaves.push(...leaves);
  }
  if (c.error !== undefined) {
    try {
      call(args);
      p.msg = `expected an error like PyTorch's ${c.error}: "${c.message}", but it returned normally on the GPU`;
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) p.msg = null;
      else p.msg = `threw ${describeErr(e as Error)} on the GPU, expected a TypeError or RangeError (PyTorch: ${c.error}: ${c.message})`;
    }
    return p;
  }
  let out: unknown;
  try {
    out = call(args);
  } catch (e) {
    p.msg = `threw on the GPU ${describeErr(e as Error)}${p.oracle.threw ? ` (the CPU threw too: ${describeErr(p.oracle.threw)})` : ' (the CPU did not)'}`;
    return p;
  }
  p.out = collect(torch, out, found);
  if (c.grads && c.gradOut) {
    const y = c.gradOf ? (out as Record<string, unknown>)[c.gradOf] : out;
    if (!isTensor(torch, y)) {
      p.msg = `gradient: output ${c.gradOf ?? ''} is not a tensor`;
      return p;
    }
    try {
      y.backward(gpu.makeTensor(c.gradOut));
    } catch (e) {
      p.msg = `backward on the GPU threw ${describeErr(e as Error)}`;
      return p;
    }
    p.grads = c.grads.map((_, i) => {
      const g = leaves[i]?.grad;
      return g ? found.push(g) - 1 : -1;
    });
  }
  return p;
}

/** Phase 2 of a case: devices, then values vs PyTorch and vs the CPU, for the output and the gradients. */
function compareCase(torch: Torch, cpu: Harness, p: Pending, found: Tensor[], read: (EncTensor | Error)[]): string | null {
  const { c, oracle, tol, gtol } = p;
  const outIdx: number[] = [];
  const walk = (v: Plain): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      if ('__tensor' in v) outIdx.push((v as { __tensor: number }).__tensor);
      else Object.values(v).forEach(walk);
    }
  };
  walk(p.out);
  for (const i of outIdx) {
    const r = read[i];
    if (r instanceof Error) return `reading the GPU output failed: ${describeErr(r)}`;
  }
  const devices = outIdx.map((i) => found[i].device);
  if (devices.some((d) => d !== GPU)) return `output on ${devices.join('/')}, expected ${GPU} (the inputs were on the GPU)`;
  const gotT = rebuild(cpu.makeTensor, fill(p.out, read as EncTensor[]));
  const mFix = cpu.compareOut(gotT, c.out, tol);
  if (mFix) return `vs PyTorch: ${mFix}`;
  if (oracle.threw) return `the CPU oracle threw ${describeErr(oracle.threw)}`;
  const mCpu = cpu.compareOut(gotT, oracle.out, tol);
  if (mCpu) return `vs CPU: ${mCpu}`;
  if (!c.grads || !p.grads) return null;
  for (let i = 0; i < c.grads.length; i++) {
    const exp = c.grads[i];
    const gi = p.grads[i];
    const ge = gi >= 0 ? read[gi] : null;
    if (ge instanceof Error) return `grad[${i}]: reading it failed: ${describeErr(ge)}`;
    if (exp === null) {
      if (ge && ge.data.some((x) => x !== 0 && x !== false)) return `grad[${i}]: expected none (unused input), got nonzero`;
      continue;
    }
    if (!ge) return `grad[${i}]: input .grad is null on the GPU, expected ${exp.dtype} [${exp.shape.join(', ')}]`;
    if (found[gi].device !== GPU) return `grad[${i}]: on ${found[gi].device}, expected ${GPU} (the input was on the GPU)`;
    const gt = cpu.makeTensor(ge);
    const m1 = cpu.compareTensor(gt, exp, gtol, `grad[${i}]`);
    if (m1) return `vs PyTorch: ${m1}`;
    const ce = oracle.grads?.[i];
    if (ce && isEnc(ce)) {
      const m2 = cpu.compareTensor(gt, ce, gtol, `grad[${i}]`);
      if (m2) return `vs CPU: ${m2}`;
    }
  }
  return null;
}
