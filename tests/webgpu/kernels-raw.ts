// Raw-WebGPU harness for the standalone kernel checks (tests/webgpu/kernels-*.ts): runs one WGSL
// file from gpu-bridge/ on plain GPUBuffers and reads the results back, with no torchlet code in
// between, so a kernel can be checked against a JS reference loop on any adapter: Deno on Mesa
// lavapipe (`deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-matmul.ts`)
// or headless Chromium on SwiftShader (tests/webgpu/kernels-browser.ts bundles the same files into a
// page, where the .wgsl files are fetched and the summary goes to window.__kernels).
/// <reference lib="dom" />

interface DenoLike {
  readTextFile(path: URL): Promise<string>;
  exit(code: number): never;
}
export const Deno = (globalThis as unknown as { Deno?: DenoLike }).Deno;
const page = globalThis as unknown as { __kernels?: unknown; __kernelsLog?: string[] };

/** gpu-bridge/<name>.wgsl as text (read from disk in Deno, fetched from the test server in a page). */
export async function wgsl(name: string): Promise<string> {
  if (Deno) return Deno.readTextFile(new URL(`../../gpu-bridge/${name}.wgsl`, import.meta.url));
  return (await fetch(`/gpu-bridge/${name}.wgsl`)).text();
}

function log(line: string): void {
  console.log(line);
  if (!Deno) (page.__kernelsLog ??= []).push(line);
}

/** Swaps the scalar block //X_BEGIN..//X_END of `code` for its /*X_VEC4 .. X_VEC4*\/ variant. */
export function useVariant(code: string, tag: string): string {
  const b = code.indexOf(`//${tag}_BEGIN`);
  const e = code.indexOf(`//${tag}_END`);
  const vb = code.indexOf(`/*${tag}_VEC4`);
  const ve = code.indexOf(`${tag}_VEC4*/`);
  if (b < 0 || e < 0 || vb < 0 || ve < 0) throw new Error(`no variant ${tag}`);
  const alt = code.slice(vb + tag.length + 7, ve);
  return code.slice(0, b) + alt + code.slice(e + tag.length + 6);
}

let dev: GPUDevice | null = null;
export async function device(): Promise<GPUDevice> {
  if (dev) return dev;
  const ad = await navigator.gpu.requestAdapter();
  if (!ad) throw new Error('no WebGPU adapter');
  dev = await ad.requestDevice();
  return dev;
}

export type Binding = Float32Array | Int32Array | Uint32Array | { size: number };

/**
 * Runs `code` (entry `main`) with storage bindings 0..n-1 (typed arrays are uploaded; `{size}` is a
 * zero-filled output of that many 4-byte words), `params` as the uniform at binding n, and returns
 * the bytes of every storage binding after the dispatch.
 */
export async function run(code: string, constants: Record<string, number>, bindings: Binding[], params: ArrayBuffer | null, groups: [number, number?, number?]): Promise<ArrayBuffer[]> {
  const d = await device();
  d.pushErrorScope('validation');
  const mod = d.createShaderModule({ code });
  const info = await mod.getCompilationInfo();
  for (const m of info.messages) if (m.type === 'error') throw new Error(`WGSL: ${m.message} at line ${m.lineNum}\n`);
  const pipe = d.createComputePipeline({ layout: 'auto', compute: { module: mod, entryPoint: 'main', constants } });
  const bufs = bindings.map((b) => {
    const bytes = 'byteLength' in b ? b.byteLength : b.size * 4;
    const buf = d.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    if ('byteLength' in b) d.queue.writeBuffer(buf, 0, b as unknown as ArrayBuffer);
    return { buf, bytes: Math.max(4, bytes) };
  });
  const entries: GPUBindGroupEntry[] = bufs.map((b, i) => ({ binding: i, resource: { buffer: b.buf } }));
  if (params) {
    const ub = d.createBuffer({ size: Math.ceil(params.byteLength / 16) * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    d.queue.writeBuffer(ub, 0, params);
    entries.push({ binding: bufs.length, resource: { buffer: ub } });
  }
  const bg = d.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries });
  const enc = d.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, bg);
  pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
  pass.end();
  const reads = bufs.map((b) => {
    const r = d.createBuffer({ size: Math.ceil(b.bytes / 4) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    enc.copyBufferToBuffer(b.buf, 0, r, 0, Math.ceil(b.bytes / 4) * 4);
    return r;
  });
  d.queue.submit([enc.finish()]);
  const err = await d.popErrorScope();
  if (err) throw new Error(`validation: ${err.message}`);
  const out: ArrayBuffer[] = [];
  for (const r of reads) {
    await r.mapAsync(GPUMapMode.READ);
    out.push(r.getMappedRange().slice(0));
    r.unmap();
    r.destroy();
  }
  bufs.forEach((b) => b.buf.destroy());
  return out;
}

/** Packs 4-byte fields (u for u32, i for i32, f for f32) into a uniform buffer padded to 16 bytes. */
export function pack(fields: [('u' | 'i' | 'f'), number][]): ArrayBuffer {
  const buf = new ArrayBuffer(Math.ceil((fields.length * 4) / 16) * 16);
  const dv = new DataView(buf);
  fields.forEach(([t, v], i) => {
    if (t === 'f') dv.setFloat32(i * 4, v, true);
    else if (t === 'i') dv.setInt32(i * 4, v, true);
    else dv.setUint32(i * 4, v, true);
  });
  return buf;
}

/** Seeded uniform values in [-1, 1). */
export function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    a[i] = (s / 4294967296) * 2 - 1;
  }
  return a;
}

let failures = 0;
let passes = 0;
/** Compares got to want with |d| <= atol + rtol * |want|; logs and counts the outcome. */
export function check(name: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-4, atol = 1e-5): void {
  let bad = -1;
  let worst = 0;
  if (got.length < want.length) bad = got.length;
  for (let i = 0; i < want.length && bad < 0; i++) {
    const d = Math.abs(got[i] - want[i]);
    const ok = d <= atol + rtol * Math.abs(want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])) || got[i] === want[i];
    if (!ok) bad = i;
    worst = Math.max(worst, d);
  }
  if (bad >= 0) {
    failures++;
    log(`FAIL ${name}: at ${bad} got ${got[bad]} want ${want[bad]}`);
  } else {
    passes++;
    log(`ok   ${name} (max abs err ${worst.toExponential(2)})`);
  }
}

/** Prints the summary line and exits non-zero on failure. */
export function finish(): void {
  console.log(`kernels-result ${JSON.stringify({ passes, failures })}`);
  if (!Deno) page.__kernels = { passes, failures };
  else if (failures) Deno.exit(1);
}

/** Runs a check file's body; in a page, an exception is reported as a failure in __kernels. */
export async function guarded(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    failures++;
    log(`FAIL exception: ${(e as Error).message}`);
  }
  finish();
}
