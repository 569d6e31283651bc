// Deno entry of the WebGPU suites (tests/webgpu/runner.ts) against the built package (dist/):
//   node_modules/.bin/deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/run-deno.ts [--per-fn N] [--suites checks,ops,train] [--filter REGEX]
// On Linux without a GPU, Deno's wgpu finds Mesa's lavapipe (software Vulkan, apt mesa-vulkan-drivers).
// Progress goes to stderr; the report is one stdout line `webgpu-result {json}` (failure lists cut
// to 200 per suite). Run by tests/webgpu.test.ts.
import * as torch from '../../dist/index.js';
import type { GoldenCase } from '../runtimes/golden-runner.js';
import { isGoldenFile } from '../runtimes/golden-runner.js';
import { runWebgpuSuites, type RunOptions } from './runner.js';
import type { Torch } from './suite-common.js';

interface DenoLike {
  args: string[];
  readDir(path: URL): AsyncIterable<{ name: string; isFile: boolean }>;
  readTextFile(path: URL): Promise<string>;
  exit(code: number): never;
}
const Deno = (globalThis as unknown as { Deno: DenoLike }).Deno;

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const dir = new URL('../fixtures/golden/', import.meta.url);
const names: string[] = [];
for await (const e of Deno.readDir(dir)) if (e.isFile && isGoldenFile(e.name)) names.push(e.name);
names.sort();
const files = await Promise.all(names.map(async (file) => ({ file, cases: (JSON.parse(await Deno.readTextFile(new URL(file, dir))) as { cases: GoldenCase[] }).cases })));

const opts: RunOptions = { runtime: 'deno', log: (l) => console.error(`webgpu (deno): ${l}`) };
if (arg('--per-fn')) opts.perFn = Number(arg('--per-fn'));
if (arg('--suites')) opts.suites = arg('--suites')!.split(',') as RunOptions['suites'];
if (arg('--filter')) opts.filter = new RegExp(arg('--filter')!);
const r = await runWebgpuSuites(torch as unknown as Torch, files, opts);
for (const s of [r.checks, r.ops, r.train]) if (s && s.failures.length > 200) s.failures = s.failures.slice(0, 200);
console.log(`webgpu-result ${JSON.stringify(r)}`);
Deno.exit(0);
