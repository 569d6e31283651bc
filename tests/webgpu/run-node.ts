// Node entry of the WebGPU suites (tests/webgpu/runner.ts) against the built package (dist/), for
// when the optional peer dependency `webgpu` (Dawn's Node bindings) is installed:
//   npx tsx tests/webgpu/run-node.ts [--torchlet path/to/dist/index.js] [--webgpu path/to/webgpu/index.js] [--per-fn N] [--suites checks,ops,train]
// Dawn needs a Vulkan driver it accepts: Mesa 22's lavapipe is refused ("shaderUniform*ArrayDynamicIndexing
// required"); Chromium's SwiftShader ICD works: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
// Prints one stdout line `webgpu-result {json}` like run-deno.ts. Run by tests/webgpu.test.ts when
// `webgpu` resolves from the repository.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isGoldenFile, type GoldenCase } from '../runtimes/golden-runner.js';
import { runWebgpuSuites, type RunOptions } from './runner.js';
import type { Torch } from './suite-common.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const entry = resolve(arg('--torchlet') ?? join(root, 'dist/index.js'));
const torch = (await import(pathToFileURL(entry).href)) as Torch;
const dir = join(root, 'tests/fixtures/golden');
const files = readdirSync(dir)
  .filter(isGoldenFile)
  .sort()
  .map((file) => ({ file, cases: (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cases: GoldenCase[] }).cases }));
const opts: RunOptions = { runtime: 'node', log: (l) => console.error(`webgpu (node): ${l}`) };
// the runtime's own view of the adapter, for the report (Node has no navigator.gpu)
try {
  const spec = arg('--webgpu') ? pathToFileURL(resolve(arg('--webgpu')!)).href : 'webgpu';
  const m = (await import(spec)) as { create(flags: string[]): NonNullable<RunOptions['gpu']> };
  opts.gpu = m.create([]);
} catch (e) {
  console.error(`webgpu (node): the 'webgpu' package could not be loaded: ${(e as Error).message}`);
}
if (arg('--per-fn')) opts.perFn = Number(arg('--per-fn'));
if (arg('--suites')) opts.suites = arg('--suites')!.split(',') as RunOptions['suites'];
if (arg('--filter')) opts.filter = new RegExp(arg('--filter')!);
const r = await runWebgpuSuites(torch, files, opts);
for (const s of [r.checks, r.ops, r.train]) if (s && s.failures.length > 200) s.failures = s.failures.slice(0, 200);
console.log(`webgpu-result ${JSON.stringify(r)}`);
process.exit(0);
