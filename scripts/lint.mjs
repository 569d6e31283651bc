// Project lint: rules the architecture depends on, checked on every `npm test`.
// - no eval / new Function anywhere (edge runtimes and strict CSP forbid them)
// - runtime-specific APIs (node:, process, Deno, Buffer, require, window, document) only in ts/platform/
// - every source file opens with a header comment saying what lives there
// - generated kernels are current (scripts/gen-kernels.ts --check)
// - every exported op function (ts/ops/*, ts/nn/functional.ts) starts with the webgpu routing guard
//   `if (gpuArgs(name, arguments)) return viaGpu('name', name, arguments) ...` (ts/backend/webgpu/dispatch.ts)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const problems = [];

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mjs|js|wgsl)$/.test(name)) out.push(p);
  }
  return out;
}

const sourceDirs = ['ts', 'core-wasm', 'simd', 'gpu-bridge'];
for (const d of sourceDirs) {
  let files = [];
  try {
    files = walk(join(root, d));
  } catch {
    continue;
  }
  for (const f of files) {
    const rel = relative(root, f);
    const text = readFileSync(f, 'utf8');
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    if (/(?<![.\w])eval\s*\(/.test(code) || /new\s+Function\s*\(/.test(code)) problems.push(`${rel}: eval/new Function is not allowed`);
    if (d === 'ts' && !rel.startsWith('ts/platform/')) {
      const bad = code.match(/(['"]node:[a-z/]+['"]|\bprocess\.(?!env\b)|\bDeno\.|\bBuffer\.|\brequire\(|\bwindow\.|\bdocument\.)/);
      if (bad) problems.push(`${rel}: runtime-specific API ${bad[0]} outside ts/platform/`);
    }
    if (!/^\s*(\/\/|\/\*)/.test(text)) problems.push(`${rel}: missing header comment`);
  }
}

// the routing guard: an op without it would hand webgpu tensors to CPU kernels
const guarded = readdirSync(join(root, 'ts/ops'))
  .filter((f) => f.endsWith('.ts') && !['args.ts', 'pointwise-table.ts'].includes(f))
  .map((f) => join('ts/ops', f))
  .concat(['ts/nn/functional.ts']);
for (const rel of guarded) {
  const text = readFileSync(join(root, rel), 'utf8');
  const re = /^export function (\w+)(?:<[^(]*>)?\(([^)]*)\)[^{]*\{\n(.*)$/gm;
  for (const m of text.matchAll(re)) {
    const [, name, params, first] = m;
    if (!params.trim()) continue;
    if (!first.includes(`gpuArgs(${name}, arguments)`)) problems.push(`${rel}: export function ${name} does not start with the webgpu guard (if (gpuArgs(${name}, arguments)) return viaGpu('${name}', ${name}, arguments) as never;)`);
  }
}

try {
  execFileSync('npx', ['tsx', 'scripts/gen-kernels.ts', '--check'], { cwd: root, stdio: 'pipe' });
} catch (e) {
  problems.push(String(e.stderr || e.message).trim());
}

if (problems.length) {
  console.error(`lint: ${problems.length} problem(s)`);
  for (const p of problems) console.error('  ' + p);
  process.exit(1);
}
console.log('lint: ok');
