// Browser page script of the WebGPU suites (tests/webgpu/runner.ts): bundled by esbuild together
// with torchlet's dist/ by tests/webgpu.test.ts, served from 127.0.0.1 to headless Chromium with
// SwiftShader's WebGPU adapter. Fetches the fixture list and files from the test server, runs the
// suites and leaves the report on window.__webgpu for playwright to read (window.__webgpuLog has
// the progress lines). The page URL's query may carry perFn=N, suites=a,b and filter=REGEX (op fns).
import * as torch from 'torchlet';
import type { GoldenCase } from '../runtimes/golden-runner.js';
import { runWebgpuSuites, type RunOptions } from './runner.js';
import type { Torch } from './suite-common.js';

const w = globalThis as unknown as { __webgpu?: unknown; __webgpuLog: string[]; location: { search: string } };
w.__webgpuLog = [];

async function main() {
  const q = new URLSearchParams(w.location.search);
  const names = (await (await fetch('/golden/index.json')).json()) as string[];
  const files = await Promise.all(names.map(async (file) => ({ file, cases: ((await (await fetch(`/tests/fixtures/golden/${file}`)).json()) as { cases: GoldenCase[] }).cases })));
  const opts: RunOptions = { runtime: 'chromium', log: (l) => w.__webgpuLog.push(l) };
  if (q.get('perFn')) opts.perFn = Number(q.get('perFn'));
  if (q.get('suites')) opts.suites = q.get('suites')!.split(',') as RunOptions['suites'];
  if (q.get('filter')) opts.filter = new RegExp(q.get('filter')!);
  const r = await runWebgpuSuites(torch as unknown as Torch, files, opts);
  for (const s of [r.checks, r.ops, r.train]) if (s && s.failures.length > 200) s.failures = s.failures.slice(0, 200);
  return r;
}

main().then(
  (r) => (w.__webgpu = r),
  (e) => (w.__webgpu = { error: String((e as Error)?.stack ?? e) }),
);
