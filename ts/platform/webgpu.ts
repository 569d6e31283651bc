/**
 * Acquiring WebGPU per runtime: `navigator.gpu` in browsers and Deno; in Node, the optional peer
 * dependency `webgpu` (Dawn) when the user installed it. This is the only file that looks for a GPU
 * entry point; everything else receives a GPUAdapter/GPUDevice from here or nothing.
 */
/// <reference types="@webgpu/types" preserve="true" />

/** What a runtime's WebGPU entry point gave us (or why it gave nothing). */
export interface GpuAcquisition {
  adapter: GPUAdapter | null;
  /** Where the GPU object came from: 'navigator.gpu', 'webgpu (npm)' or '' when none. */
  source: string;
  /** Why there is no adapter (empty when there is one). */
  reason: string;
}

// the Dawn instance of the npm 'webgpu' package must stay referenced: if it is collected, Dawn
// frees the device under the program
let dawnGpu: GPU | null = null;

function nodeLike(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return !!p?.versions?.node && !('Deno' in globalThis) && !('navigator' in globalThis && (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu);
}

/** The GPU object of this runtime, or null. */
async function gpuEntry(): Promise<{ gpu: GPU | null; source: string; reason: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, source: 'navigator.gpu', reason: '' };
  if (nodeLike()) {
    // optional peer dependency: resolved at run time only when present (a variable specifier keeps
    // bundlers from requiring it)
    const spec = 'webgpu';
    try {
      const m = (await import(/* @vite-ignore */ spec)) as { create?: (flags: string[]) => GPU; globals?: Record<string, unknown> };
      if (typeof m.create !== 'function') return { gpu: null, source: '', reason: "the 'webgpu' package has no create()" };
      if (m.globals) Object.assign(globalThis, m.globals);
      dawnGpu ??= m.create([]);
      return { gpu: dawnGpu, source: 'webgpu (npm)', reason: '' };
    } catch {
      return { gpu: null, source: '', reason: "no WebGPU in Node: install the optional peer dependency 'webgpu' (npm i webgpu)" };
    }
  }
  return { gpu: null, source: '', reason: 'this runtime has no navigator.gpu' };
}

/** Requests a high-performance adapter from the runtime's WebGPU, if any. Never throws. */
export async function requestAdapter(): Promise<GpuAcquisition> {
  try {
    const { gpu, source, reason } = await gpuEntry();
    if (!gpu) return { adapter: null, source, reason };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { adapter: null, source, reason: `${source} returned no adapter` };
    return { adapter, source, reason: '' };
  } catch (e) {
    return { adapter: null, source: '', reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}
