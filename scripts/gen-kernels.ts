// Generates simd/elementwise.ts (AssemblyScript row kernels and n-d drivers) from the pointwise
// op-spec table in ts/ops/pointwise-table.ts. Run by `npm run gen` (part of `npm run build`);
// `--check` exits non-zero when the committed file is stale (CI runs it through the lint step).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { binaryKernels, compareKernels, unaryKernels } from '../ts/ops/pointwise-table.js';

const out = fileURLToPath(new URL('../simd/elementwise.ts', import.meta.url));

type Kind = 'f32' | 'i32' | 'i64';
const ctype: Record<Kind, string> = { f32: 'f32', i32: 'i32', i64: 'i64' };
const shift: Record<Kind, number> = { f32: 2, i32: 2, i64: 3 };

/** Renames the whole-word variable `v` in a kernel expression. */
function rename(expr: string, v: string, to: string): string {
  return expr.replace(new RegExp(`\\b${v}\\b`, 'g'), to);
}

/** `u` copies of a unary vector expression over x (loaded from ip + 16 k), stored to op + 16 k. */
function unrollN(u: number, v: string, ip: string, vec: string, op: string): string {
  const parts: string[] = [];
  for (let k = 0; k < u; k++) parts.push(`const ${v}${k} = v128.load(${ip}, ${16 * k});`);
  for (let k = 0; k < u; k++) parts.push(`const y${k} = ${rename(vec, v, v + k)};`);
  for (let k = 0; k < u; k++) parts.push(`v128.store(${op}, y${k}, ${16 * k});`);
  return parts.join(' ');
}

/** Four copies of a binary vector expression; a null pointer means that operand is a splat already. */
function unroll4Bin(ia: string | null, ib: string | null, vec: string, op: string): string {
  const parts: string[] = [];
  for (let k = 0; k < 4; k++) {
    if (ia) parts.push(`const a${k} = v128.load(${ia}, ${16 * k});`);
    if (ib) parts.push(`const b${k} = v128.load(${ib}, ${16 * k});`);
  }
  for (let k = 0; k < 4; k++) {
    let e = vec;
    if (ia) e = rename(e, 'a', `a${k}`);
    if (ib) e = rename(e, 'b', `b${k}`);
    parts.push(`const y${k} = ${e};`);
  }
  for (let k = 0; k < 4; k++) parts.push(`v128.store(${op}, y${k}, ${16 * k});`);
  return parts.join(' ');
}

function unaryRow(kind: Kind): string {
  const t = ctype[kind];
  const sh = shift[kind];
  const cases: string[] = [];
  Object.entries(unaryKernels).forEach(([name, k], code) => {
    const scalar = kind === 'f32' ? k.f32 : (k as Record<string, string | undefined>)[kind];
    if (!scalar) return;
    const vec = kind === 'f32' ? (k as { v?: string }).v : kind === 'i32' ? (k as { vi32?: string }).vi32 : undefined;
    const lines: string[] = [`    case ${code}: { // ${name}`, '      let i = 0;'];
    if (vec) {
      // contiguous rows: 4 (or the entry's `unroll`) independent vectors per iteration, loads first,
      // so that the latency chains of the vector functions overlap
      const u = (k as { unroll?: number }).unroll ?? 4;
      lines.push(
        `      if (sx == 1) {`,
        `        for (; i + ${4 * u} <= n; i += ${4 * u}) { const ip = xp + (<usize>i << ${sh}); const op = o + (<usize>i << ${sh}); ${unrollN(u, 'x', 'ip', vec, 'op')} }`,
        `        for (; i + 4 <= n; i += 4) { const x = v128.load(xp + (<usize>i << ${sh})); v128.store(o + (<usize>i << ${sh}), ${vec}); }`,
        `      }`,
      );
    }
    lines.push(
      `      for (; i < n; i++) { const x = load<${t}>(xp + ((<isize>i * sx) << ${sh})); store<${t}>(o + (<usize>i << ${sh}), <${t}>(${scalar})); }`,
      '      break;',
      '    }',
    );
    cases.push(lines.join('\n'));
  });
  const params =
    kind === 'f32'
      ? '  const p = <f32>p64; const q = <f32>q64; const pv = f32x4.splat(p); const qv = f32x4.splat(q);'
      : kind === 'i64' ? '  const p = <i64>p64; const q = <i64>q64;' : '  const p = p64; const q = q64;';
  return `function unaryRow_${kind}(op: i32, xp: usize, sx: isize, o: usize, n: i32, p64: f64, q64: f64): void {
${params}
  switch (op) {
${cases.join('\n')}
    default: break;
  }
}`;
}

function binaryRow(kind: Kind): string {
  const t = ctype[kind];
  const sh = shift[kind];
  const cases: string[] = [];
  Object.entries(binaryKernels).forEach(([name, k], code) => {
    const scalar = kind === 'f32' ? k.f32 : (k as Record<string, string | undefined>)[kind];
    if (!scalar) return;
    const vec = kind === 'f32' ? (k as { v?: string }).v : kind === 'i32' ? (k as { vi32?: string }).vi32 : undefined;
    const splat = kind === 'f32' ? 'v128.load32_splat' : 'v128.load32_splat';
    const lines: string[] = [`    case ${code}: { // ${name}`, '      let i = 0;'];
    if (vec) {
      // contiguous and broadcast-scalar rows: 4 vectors per iteration, then single vectors
      const body = (ld: string) => `const off = <usize>i << ${sh}; const op = o + off; ${ld}`;
      lines.push(
        `      if (sa == 1 && sb == 1) {`,
        `        for (; i + 16 <= n; i += 16) { ${body(`const ia = ap + off; const ib = bp + off;`)} ${unroll4Bin('ia', 'ib', vec, 'op')} }`,
        `        for (; i + 4 <= n; i += 4) { const a = v128.load(ap + (<usize>i << ${sh})); const b = v128.load(bp + (<usize>i << ${sh})); v128.store(o + (<usize>i << ${sh}), ${vec}); }`,
        `      } else if (sa == 1 && sb == 0) {`,
        `        const b = ${splat}(bp);`,
        `        for (; i + 16 <= n; i += 16) { ${body(`const ia = ap + off;`)} ${unroll4Bin('ia', null, vec, 'op')} }`,
        `        for (; i + 4 <= n; i += 4) { const a = v128.load(ap + (<usize>i << ${sh})); v128.store(o + (<usize>i << ${sh}), ${vec}); }`,
        `      } else if (sa == 0 && sb == 1) {`,
        `        const a = ${splat}(ap);`,
        `        for (; i + 16 <= n; i += 16) { ${body(`const ib = bp + off;`)} ${unroll4Bin(null, 'ib', vec, 'op')} }`,
        `        for (; i + 4 <= n; i += 4) { const b = v128.load(bp + (<usize>i << ${sh})); v128.store(o + (<usize>i << ${sh}), ${vec}); }`,
        `      }`,
      );
    }
    lines.push(
      `      for (; i < n; i++) { const a = load<${t}>(ap + ((<isize>i * sa) << ${sh})); const b = load<${t}>(bp + ((<isize>i * sb) << ${sh})); store<${t}>(o + (<usize>i << ${sh}), <${t}>(${scalar})); }`,
      '      break;',
      '    }',
    );
    cases.push(lines.join('\n'));
  });
  return `function binaryRow_${kind}(op: i32, ap: usize, sa: isize, bp: usize, sb: isize, o: usize, n: i32): void {
  switch (op) {
${cases.join('\n')}
    default: break;
  }
}`;
}

function compareRow(): string {
  const cases = Object.entries(compareKernels).map(
    ([name, e], code) =>
      `    case ${code}: for (let i = 0; i < n; i++) { const a = load<T>(ap + ((<isize>i * sa) << alignof<T>())); const b = load<T>(bp + ((<isize>i * sb) << alignof<T>())); store<u8>(o + <usize>i, <u8>(${e})); } break; // ${name}`,
  );
  return `function compareRow<T>(op: i32, ap: usize, sa: isize, bp: usize, sb: isize, o: usize, n: i32): void {
  switch (op) {
${cases.join('\n')}
    default: break;
  }
}`;
}

const header = `// GENERATED by scripts/gen-kernels.ts from ts/ops/pointwise-table.ts: do not edit by hand.
// Elementwise kernels: per-op row loops (f32x4 fast paths for contiguous and broadcast-scalar rows)
// and n-d drivers that walk broadcast/strided inputs row by row into a contiguous output.
// Kind codes: 0 f32, 2 i32, 3 i64 (the dtype codes of core-wasm/copy.ts).
import {
  sigmoidf, softplusf, logsigmoidf, powf, nearestf, maxf, minf, clampi, clampl, remf, remi, reml,
  floordivi, floordivl, floordivf, powi, powl, erff, erfinvf, vmaxnan, vminnan, vexp, vexp2, vexpm1, vlog, vlog1p,
  vtanh, vsigmoid, verf, vgelu, velu, vselu, vhardswish, vhardsigmoid, vrelu6, vsoftsign,
} from "./math";

const cnt = heap.alloc(64 * 4);

// @ts-ignore: decorator
@inline function dim(meta: usize, i: i32): i32 { return load<i32>(meta + (<usize>i << 2)); }
`;

const drivers = `
/** y = op(x) elementwise; meta: shape[nd], xstride[nd] (elements); nd >= 1; o contiguous. */
export function unary(op: i32, kind: i32, x: usize, o: usize, nd: i32, meta: usize, p: f64, q: f64): void {
  const last = nd - 1;
  const n = dim(meta, last);
  const sx = <isize>dim(meta, nd + last);
  const sh: usize = kind == 3 ? 3 : 2;
  let rows: i32 = 1;
  for (let d = 0; d < last; d++) { rows *= dim(meta, d); store<i32>(cnt + (<usize>d << 2), 0); }
  if (n == 0) return;
  let ox: isize = 0;
  for (let r = 0; r < rows; r++) {
    const xp = x + (ox << sh);
    if (kind == 0) unaryRow_f32(op, xp, sx, o, n, p, q);
    else if (kind == 2) unaryRow_i32(op, xp, sx, o, n, p, q);
    else unaryRow_i64(op, xp, sx, o, n, p, q);
    o += <usize>n << sh;
    for (let d = last - 1; d >= 0; d--) {
      const c = load<i32>(cnt + (<usize>d << 2)) + 1;
      const s = <isize>dim(meta, nd + d);
      if (c < dim(meta, d)) { store<i32>(cnt + (<usize>d << 2), c); ox += s; break; }
      store<i32>(cnt + (<usize>d << 2), 0);
      ox -= <isize>(c - 1) * s;
    }
  }
}

/** o = op(a, b) with broadcasting; meta: shape[nd], astride[nd], bstride[nd]; o contiguous. */
export function binary(op: i32, kind: i32, a: usize, b: usize, o: usize, nd: i32, meta: usize, cmp: i32): void {
  const last = nd - 1;
  const n = dim(meta, last);
  const sa = <isize>dim(meta, nd + last);
  const sb = <isize>dim(meta, 2 * nd + last);
  const sh: usize = kind == 3 ? 3 : 2;
  const osh: usize = cmp ? 0 : sh;
  let rows: i32 = 1;
  for (let d = 0; d < last; d++) { rows *= dim(meta, d); store<i32>(cnt + (<usize>d << 2), 0); }
  if (n == 0) return;
  let oa: isize = 0;
  let ob: isize = 0;
  for (let r = 0; r < rows; r++) {
    const ap = a + (oa << sh);
    const bp = b + (ob << sh);
    if (cmp) {
      if (kind == 0) compareRow<f32>(op, ap, sa, bp, sb, o, n);
      else if (kind == 2) compareRow<i32>(op, ap, sa, bp, sb, o, n);
      else compareRow<i64>(op, ap, sa, bp, sb, o, n);
    } else {
      if (kind == 0) binaryRow_f32(op, ap, sa, bp, sb, o, n);
      else if (kind == 2) binaryRow_i32(op, ap, sa, bp, sb, o, n);
      else binaryRow_i64(op, ap, sa, bp, sb, o, n);
    }
    o += <usize>n << osh;
    for (let d = last - 1; d >= 0; d--) {
      const c = load<i32>(cnt + (<usize>d << 2)) + 1;
      const s1 = <isize>dim(meta, nd + d);
      const s2 = <isize>dim(meta, 2 * nd + d);
      if (c < dim(meta, d)) { store<i32>(cnt + (<usize>d << 2), c); oa += s1; ob += s2; break; }
      store<i32>(cnt + (<usize>d << 2), 0);
      oa -= <isize>(c - 1) * s1;
      ob -= <isize>(c - 1) * s2;
    }
  }
}
`;

// ---- WGSL: gpu-bridge/*.wgsl embedded as strings (no runtime file access, no eval) ----
const wgslDir = fileURLToPath(new URL('../gpu-bridge/', import.meta.url));
const wgslOut = fileURLToPath(new URL('../ts/backend/webgpu/shaders.generated.ts', import.meta.url));
const wgslFiles = existsSync(wgslDir) ? readdirSync(wgslDir).filter((f) => f.endsWith('.wgsl')).sort() : [];
const wgslText = [
  '// GENERATED by scripts/gen-kernels.ts from gpu-bridge/*.wgsl: do not edit by hand.',
  '/** WGSL sources by file name (without .wgsl). */',
  'export const WGSL: Record<string, string> = {',
  ...wgslFiles.map((f) => `  ${JSON.stringify(f.slice(0, -5))}: ${JSON.stringify(readFileSync(wgslDir + f, 'utf8'))},`),
  '};',
  '',
].join('\n');

const text = [header, unaryRow('f32'), unaryRow('i32'), unaryRow('i64'), binaryRow('f32'), binaryRow('i32'), binaryRow('i64'), compareRow(), drivers].join('\n\n');

if (process.argv.includes('--check')) {
  const cur = readFileSync(out, 'utf8');
  if (cur !== text) {
    console.error('simd/elementwise.ts is stale: run `npm run gen`');
    process.exit(1);
  }
  if (!existsSync(wgslOut) || readFileSync(wgslOut, 'utf8') !== wgslText) {
    console.error('ts/backend/webgpu/shaders.generated.ts is stale: run `npm run gen`');
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  writeFileSync(wgslOut, wgslText);
  console.log(`wrote ${out} and ${wgslOut} (${wgslFiles.length} WGSL files)`);
}
