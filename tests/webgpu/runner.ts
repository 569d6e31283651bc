// The WebGPU test runner: given a torchlet module and the golden fixture files, asks for an adapter
// and runs the suites (suite-checks: explicit checks; suite-ops: the golden op suite with GPU
// inputs and the CPU as the oracle; suite-train: training steps on webgpu vs the CPU) and returns one
// JSON-serialisable report. Runtime-neutral: tests/webgpu/run-deno.ts (Deno on Mesa's lavapipe) and
// tests/webgpu/run-browser.ts (headless Chromium on SwiftShader) feed it; tests/webgpu.test.ts
// checks the reports.
import type { GoldenFile } from '../runtimes/golden-runner.js';
import { runChecksSuite } from './suite-checks.js';
import { webgpuApi, type SuiteResult, type Torch } from './suite-common.js';
import { runOpSuite, type OpSuiteOptions, type OpSuiteResult } from './suite-ops.js';
import { runTrainSuite } from './suite-train.js';

export interface WebgpuReport {
  runtime: string;
  /** torch.webgpu.isAvailable() */
  available: boolean;
  /** what init() returned (the device info) */
  info: unknown;
  /** the adapter as the runtime describes it (navigator.gpu), when the runner can see one */
  adapter: { vendor: string; architecture: string; device: string; description: string } | null;
  /** why the suites did not run (no adapter), when they did not */
  reason?: string;
  checks?: SuiteResult & { stats?: unknown };
  ops?: OpSuiteResult;
  train?: SuiteResult;
  ms: number;
  error?: string;
}

/** The runtime's WebGPU entry point (navigator.gpu, or what the npm `webgpu` package's create() returns). */
export interface GpuEntry {
  requestAdapter(): Promise<{ info?: Record<string, string> } | null>;
}

export interface RunOptions extends OpSuiteOptions {
  /** where to ask for the runtime's adapter description (default navigator.gpu) */
  gpu?: GpuEntry;
  runtime: string;
  /** which suites to run (default all) */
  suites?: ('checks' | 'ops' | 'train')[];
  log?: (line: string) => void;
}

/** The runtime's own view of its adapter (independent of torchlet), or null. */
async function describeAdapter(entry?: GpuEntry): Promise<WebgpuReport['adapter']> {
  const gpu = entry ?? (globalThis as { navigator?: { gpu?: GpuEntry } }).navigator?.gpu;
  if (!gpu) return null;
  try {
    const a = await gpu.requestAdapter();
    if (!a) return null;
    const i = a.info ?? {};
    return { vendor: String(i.vendor ?? ''), architecture: String(i.architecture ?? ''), device: String(i.device ?? ''), description: String(i.description ?? '') };
  } catch {
    return null;
  }
}

/** Runs the WebGPU suites against `torch`; never throws (an error is reported in `error`). */
export async function runWebgpuSuites(torch: Torch, files: GoldenFile[], opts: RunOptions): Promise<WebgpuReport> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const suites = new Set(opts.suites ?? ['checks', 'ops', 'train']);
  const report: WebgpuReport = { runtime: opts.runtime, available: false, info: null, adapter: null, ms: 0 };
  try {
    report.adapter = await describeAdapter(opts.gpu);
    const gpu = webgpuApi(torch);
    if (!gpu) {
      report.reason = 'this build of torchlet has no torch.webgpu';
    } else {
      report.available = await gpu.isAvailable();
      if (!report.available) report.reason = report.adapter ? 'torch.webgpu.isAvailable() is false although the runtime has an adapter' : 'the runtime has no WebGPU adapter';
    }
    // without an adapter the checks still run (they fail on isAvailable) when the runtime has one
    if (report.available || (gpu && report.adapter)) {
      if (suites.has('checks')) {
        const tc = performance.now();
        const c = await runChecksSuite(torch);
        report.info = c.info;
        report.checks = c;
        log(`checks: ${c.passed} passed, ${c.failed} failed (${Math.round(performance.now() - tc)} ms)`);
      }
      if (report.available && suites.has('ops')) {
        report.ops = await runOpSuite(torch, files, opts);
        log(`ops: ${report.ops.passed} passed, ${report.ops.failed} failed, ${report.ops.skipped} skipped (${report.ops.ms} ms)`);
      }
      if (report.available && suites.has('train')) {
        report.train = await runTrainSuite(torch);
        log(`train: ${report.train.passed} passed, ${report.train.failed} failed (${report.train.ms} ms)`);
      }
    }
  } catch (e) {
    report.error = String((e as Error)?.stack ?? e);
  }
  report.ms = Math.round(performance.now() - t0);
  return report;
}

/** Total counts over the suites of a report. */
export function totals(r: WebgpuReport): { passed: number; failed: number; skipped: number } {
  const s = [r.checks, r.ops, r.train].filter((x): x is SuiteResult => !!x);
  return { passed: s.reduce((a, x) => a + x.passed, 0), failed: s.reduce((a, x) => a + x.failed, 0), skipped: s.reduce((a, x) => a + x.skipped, 0) };
}
