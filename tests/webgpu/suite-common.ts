// Shared pieces of the WebGPU suites (tests/webgpu/suite-*.ts): the `torch.webgpu` surface they use
// (typed loosely here so the suites compile against any build of the package), a small check
// collector that turns thrown errors into failure records, and value comparison helpers. No runtime
// APIs and no value imports: the suites run unchanged in Deno, Chromium and Node (vitest).
import type * as TorchModule from '../../ts/index.js';

export type Torch = typeof TorchModule;
export type Tensor = TorchModule.Tensor;

/** The device string of the GPU backend. */
export const GPU = 'webgpu';

/** The part of `torch.webgpu` the suites use. */
export interface WebgpuApi {
  isAvailable(): Promise<boolean>;
  init(): Promise<unknown>;
  stats(): unknown;
  setPolicy?(policy: 'auto' | 'off'): void;
}

/** `torch.webgpu`, or null when this build has none. */
export function webgpuApi(torch: Torch): WebgpuApi | null {
  const w = (torch as unknown as { webgpu?: WebgpuApi }).webgpu;
  return w && typeof w.isAvailable === 'function' ? w : null;
}

export interface Failure {
  id: string;
  message: string;
}

export interface SuiteResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: Failure[];
  ms: number;
  /** informational lines (timings, which ops fell back, ...) */
  notes: string[];
}

/** Collects named checks: each passes unless it throws (the error message is the failure). */
export class Checks {
  passed = 0;
  failed = 0;
  skipped = 0;
  failures: Failure[] = [];
  notes: string[] = [];
  private t0 = performance.now();

  /** checks that took over a second: [id, ms] */
  private slow: [string, number][] = [];

  async run(id: string, fn: () => unknown): Promise<void> {
    const t0 = performance.now();
    try {
      await fn();
      this.passed++;
    } catch (e) {
      this.failed++;
      const err = e as Error;
      this.failures.push({ id, message: `${err?.constructor?.name ?? 'Error'}: ${err?.message ?? String(e)}` });
    }
    const ms = performance.now() - t0;
    if (ms > 1000) this.slow.push([id, Math.round(ms)]);
  }

  result(): SuiteResult {
    const notes = this.slow.length ? [...this.notes, `slow checks: ${this.slow.map(([id, ms]) => `${id.slice(0, 50)}: ${ms} ms`).join('; ')}`] : this.notes;
    return { passed: this.passed, failed: this.failed, skipped: this.skipped, failures: this.failures, ms: Math.round(performance.now() - this.t0), notes };
  }
}

/** Throws with `message` unless `cond`. */
export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

/** Plain numbers of a typed array (int64 as numbers, bool as 0/1). */
export function numbers(d: ArrayLike<number | bigint>): number[] {
  return Array.from(d as ArrayLike<number>, (v) => Number(v));
}

/** The values of a tensor on any device (`await x.data()`), as numbers. */
export async function values(t: Tensor): Promise<number[]> {
  return numbers((await t.data()) as ArrayLike<number | bigint>);
}

/** Max |a-b| over elements, and whether every element is within atol + rtol*|b| (NaN/Inf positions exact). */
export function closeness(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): { ok: boolean; maxAbs: number; first: number } {
  if (a.length !== b.length) return { ok: false, maxAbs: Infinity, first: -1 };
  let maxAbs = 0;
  let first = -1;
  for (let i = 0; i < b.length; i++) {
    const x = a[i];
    const y = b[i];
    let ok: boolean;
    if (Number.isNaN(y)) ok = Number.isNaN(x);
    else if (!Number.isFinite(y)) ok = x === y;
    else {
      const d = Math.abs(x - y);
      if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
      ok = d <= atol + rtol * Math.abs(y);
    }
    if (!ok && first < 0) first = i;
  }
  return { ok: first < 0, maxAbs, first };
}

/** Throws a descriptive error unless `got` matches `exp` within the tolerances. */
export function expectClose(got: ArrayLike<number>, exp: ArrayLike<number>, where: string, rtol = 1e-4, atol = 1e-5): void {
  if (got.length !== exp.length) throw new Error(`${where}: ${got.length} values, expected ${exp.length}`);
  const c = closeness(got, exp, rtol, atol);
  if (!c.ok) {
    const show = (v: ArrayLike<number>) => `[${Array.from(v).slice(0, 6).map((x) => Number(x.toPrecision(6))).join(', ')}${v.length > 6 ? ', ...' : ''}]`;
    throw new Error(`${where}: differs at flat index ${c.first}: got ${got[c.first]}, expected ${exp[c.first]} (max abs diff ${c.maxAbs.toExponential(2)}; got ${show(got)}, expected ${show(exp)})`);
  }
}

/** Asserts shape, dtype, device and values of a GPU result against the CPU tensor `exp`. */
export async function expectTensor(got: Tensor, exp: Tensor, where: string, rtol = 1e-4, atol = 1e-5, device = GPU): Promise<void> {
  assert(got.device === device, `${where}: device ${got.device}, expected ${device}`);
  assert(got.dtype === exp.dtype, `${where}: dtype ${got.dtype}, expected ${exp.dtype}`);
  assert(got.shape.length === exp.shape.length && got.shape.every((d, i) => d === exp.shape[i]), `${where}: shape [${got.shape.join(', ')}], expected [${exp.shape.join(', ')}]`);
  expectClose(await values(got), await values(exp), where, rtol, atol);
}

/** Runs `fn`, expecting it to throw; returns the error. */
export function expectThrow(fn: () => unknown, where: string): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${where}: expected an error, but it returned normally`);
}
