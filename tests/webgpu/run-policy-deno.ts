// Deno entry of the routing-policy suite (tests/webgpu/suite-policy.ts) against the built package,
// with the shared reference models (../shared/models, when present) added to the suite's own:
//   node_modules/.bin/deno run --unstable-webgpu --allow-read --allow-env --sloppy-imports tests/webgpu/run-policy-deno.ts [--models a,b]
// Prints the notes and failures, then one stdout line `policy-result {json}`.
import { existsSync, readFileSync } from 'node:fs';
import * as torch from '../../dist/index.js';
import { readNpy } from '../npy.js';
import { run, type PolicyModel } from './suite-policy.js';
import type { Tensor, Torch } from './suite-common.js';

const argv = (globalThis as unknown as { Deno: { args: string[]; exit(c: number): never } }).Deno;
const i = argv.args.indexOf('--models');
const names = i >= 0 ? argv.args[i + 1].split(',').filter(Boolean) : ['digits_cnn', 'digits_mlp', 'tiny_transformer', 'mobilenet_v2', 'resnet18'];
const root = new URL('../../../shared/models/', import.meta.url);
const models: PolicyModel[] = [];
for (const name of names) {
  const dir = new URL(`${name}/`, root);
  if (!existsSync(new URL('model.onnx', dir))) continue;
  const meta = JSON.parse(readFileSync(new URL('meta.json', dir), 'utf8')) as { inputs: { name: string; file: string }[] };
  const feeds: Record<string, Tensor> = {};
  for (const inp of meta.inputs) {
    const npy = readNpy(new URL(inp.file, dir));
    feeds[inp.name] = torch.tensor(npy.data as Float32Array, { dtype: npy.dtype === 'int64' ? 'int64' : 'float32' }).reshape(npy.shape) as unknown as Tensor;
  }
  models.push({ name, bytes: new Uint8Array(readFileSync(new URL('model.onnx', dir))), feeds });
}
const t0 = performance.now();
const r = await run(torch as unknown as Torch, { models });
for (const n of r.notes) console.error(`note: ${n}`);
for (const f of r.failures) console.error(`FAIL: ${f}`);
console.error(`policy suite: ${r.passed} passed, ${r.failed} failed (${Math.round(performance.now() - t0)} ms)`);
console.log(`policy-result ${JSON.stringify(r)}`);
argv.exit(r.failed ? 1 : 0);
