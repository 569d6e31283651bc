/**
 * Per-op routing for webgpu tensors. Every public op starts with a guard (`gpuArgs`/`viaGpu`, and
 * every Tensor method through defineMethods): ops that meet a webgpu tensor first run their normal
 * code, whose kernel launch points branch to WGSL kernels; when a path has no GPU kernel it reaches a
 * CPU kernel, which throws GpuNeedsCpu, and that op is re-run on the CPU as a whole (a per-op
 * fallback, counted in torch.webgpu.stats()):
 * - inputs whose bytes are known on the CPU (uploads, earlier fallbacks) run synchronously;
 * - otherwise the op's output shapes come from a dry run on stand-in values, the outputs are
 *   allocated on the GPU at once, and the real CPU run is a task in the device's stream that reads
 *   the inputs back, computes, and writes the outputs (later kernels queue behind it).
 * Gradients through fallback ops recompute the op on the CPU with autograd and return the input
 * gradients as webgpu tensors. Ops whose result shape depends on the values (nonzero, unique,
 * masked selection) need those values synchronously and say so.
 */
/// <reference types="@webgpu/types" preserve="true" />
import { Tensor } from '../../tensor/tensor.js';
import { ITEMSIZE, isFloating } from '../../tensor/dtype.js';
import { heapBuffer } from '../wasm.js';
import { GpuNeedsCpu, GpuStorage, enterAttempt, gpuInUse, leaveAttempt } from './storage.js';
import { counters, enqueueAsync, readNow, writeBuffer, writeNow } from './device.js';
import { isGradEnabled, noGrad, enableGrad } from '../../autograd/grad-mode.js';
import { record } from '../../autograd/node.js';
import { grad as autogradGrad } from '../../autograd/engine.js';
import { keep } from '../../tensor/scope.js';

let bypass: unknown = null;

/** Ops whose output shape depends on input values. */
const DATA_DEPENDENT = new Set(['nonzero', 'nonzeroRaw', 'argwhere', 'unique', 'uniqueConsecutive', 'maskedSelect', 'bincount']);

function isGpuTensor(v: unknown): boolean {
  return v instanceof Tensor && v._storage instanceof GpuStorage;
}

function anyGpu(v: unknown): boolean {
  if (v instanceof Tensor) return v._storage instanceof GpuStorage;
  if (Array.isArray(v)) {
    for (const e of v) if (isGpuTensor(e) || (Array.isArray(e) && anyGpu(e))) return true;
    return false;
  }
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const k in v) if (isGpuTensor((v as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/**
 * The guard at the top of every public op function: true when the call involves a webgpu tensor
 * (and is not the dispatcher's own re-entry into `fn`). Free until the first GPU tensor exists.
 */
export function gpuArgs(fn: unknown, args: ArrayLike<unknown>): boolean {
  if (!gpuInUse()) return false;
  if (bypass === fn) {
    bypass = null;
    return false;
  }
  for (let i = 0; i < args.length; i++) if (anyGpu(args[i])) return true;
  return false;
}

/** The same check for a method call (`self` is `this`). */
export function gpuCall(self: unknown, args: ArrayLike<unknown>): boolean {
  if (!gpuInUse()) return false;
  if (anyGpu(self)) return true;
  for (let i = 0; i < args.length; i++) if (anyGpu(args[i])) return true;
  return false;
}

/**
 * Runs op `fn` on arguments that include webgpu tensors: its GPU path when it has one, else the
 * CPU fallback. `guarded` says that `fn` starts with the `gpuArgs` guard (functions; methods are
 * wrapped from outside and are not).
 */
export function viaGpu(name: string, fn: unknown, args: ArrayLike<unknown>, self?: unknown, guarded = true): unknown {
  // the op's own code first (its GPU branches); a CPU kernel (or a sync read) reached with a
  // webgpu tensor throws GpuNeedsCpu before anything was written, and the op then runs on the CPU
  // as a whole
  const prev = bypass;
  bypass = guarded ? fn : null;
  enterAttempt();
  try {
    const r = (fn as (...a: unknown[]) => unknown).apply(self, Array.from(args));
    return name === 'to' || name === 'cpu' || r instanceof Promise ? r : onDevice(r);
  } catch (e) {
    if (!(e instanceof GpuNeedsCpu)) throw e;
  } finally {
    leaveAttempt();
    bypass = prev;
  }
  counters.fallbacks.set(name, (counters.fallbacks.get(name) ?? 0) + 1);
  return fallback(name, fn as (...a: unknown[]) => unknown, args, self);
}

/**
 * Results of an op on webgpu inputs belong on the GPU: a path that built a (known, CPU) result
 * without touching the inputs' data (empty results, shape-only outputs) is moved there.
 */
function onDevice(r: unknown): unknown {
  if (r instanceof Tensor) {
    if (r._storage instanceof GpuStorage || r.gradFn) return r;
    const g = upload(r);
    g.requiresGrad = r.requiresGrad;
    return g;
  }
  if (Array.isArray(r) && r.some((e) => e instanceof Tensor && !(e._storage instanceof GpuStorage))) return r.map(onDevice);
  if (r && typeof r === 'object' && Object.getPrototypeOf(r) === Object.prototype) {
    const o = r as Record<string, unknown>;
    if (Object.values(o).some((e) => e instanceof Tensor && !(e._storage instanceof GpuStorage))) {
      const out: Record<string, unknown> = {};
      for (const k in o) out[k] = onDevice(o[k]);
      return out;
    }
  }
  return r;
}

// ---------------------------------------------------------------- the CPU fallback

type Slot = { t: Tensor; storage: GpuStorage };

/** Replaces webgpu tensors in an argument tree by what `map` returns. */
function mapArgs(v: unknown, map: (t: Tensor) => Tensor): unknown {
  if (v instanceof Tensor) return v._storage instanceof GpuStorage ? map(v) : v;
  if (Array.isArray(v)) return v.some((e) => anyGpu(e)) ? v.map((e) => mapArgs(e, map)) : v;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && anyGpu(v)) {
    const o: Record<string, unknown> = {};
    for (const k in v) o[k] = mapArgs((v as Record<string, unknown>)[k], map);
    return o;
  }
  return v;
}

/** Replaces CPU tensors in an argument tree by what `map` returns. */
function mapCpuTensors(v: unknown, map: (t: Tensor) => Tensor): unknown {
  if (v instanceof Tensor) return v._storage instanceof GpuStorage ? v : map(v);
  if (Array.isArray(v)) return v.map((e) => mapCpuTensors(e, map));
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const k in v) o[k] = mapCpuTensors((v as Record<string, unknown>)[k], map);
    return o;
  }
  return v;
}

/** Every tensor in a result tree, in order. */
function resultTensors(r: unknown, out: Tensor[] = []): Tensor[] {
  if (r instanceof Tensor) out.push(r);
  else if (Array.isArray(r)) for (const e of r) resultTensors(e, out);
  else if (r && typeof r === 'object' && Object.getPrototypeOf(r) === Object.prototype) for (const k in r) resultTensors((r as Record<string, unknown>)[k], out);
  return out;
}

function mapResult(r: unknown, map: (t: Tensor) => Tensor): unknown {
  if (r instanceof Tensor) return map(r);
  if (Array.isArray(r)) return r.map((e) => mapResult(e, map));
  if (r && typeof r === 'object' && Object.getPrototypeOf(r) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const k in r) o[k] = mapResult((r as Record<string, unknown>)[k], map);
    return o;
  }
  return r;
}

function heapBytes(t: Tensor): Uint8Array {
  const n = t._storage.nbytes;
  return new Uint8Array(heapBuffer(), t._storage.ptr(), n);
}

/** A contiguous copy of a CPU tensor's elements as bytes. */
function contiguousBytes(t: Tensor): Uint8Array {
  const c = t.isContiguous() && t._offset === 0 && t._storage.nbytes === t.numel() * ITEMSIZE[t.dtype] ? t : t._copyTo(t.dtype);
  const n = c.numel() * ITEMSIZE[c.dtype];
  const bytes = n ? new Uint8Array(heapBuffer(), c._ptr(), n).slice() : new Uint8Array(0);
  if (c !== t) c.dispose();
  return bytes;
}

/** Uploads a CPU tensor to a new contiguous webgpu tensor (its bytes stay known). */
export function upload(t: Tensor): Tensor {
  const bytes = contiguousBytes(t);
  const g = Tensor._empty(t.shape, t.dtype, 'webgpu');
  const s = g._storage as GpuStorage;
  if (bytes.byteLength) writeBuffer(s.gpuBuffer(), 0, bytes);
  s.markWritten();
  s.known = bytes;
  return g;
}

/** A CPU tensor with a webgpu tensor's values when they are known on the CPU, else null. */
export function knownCpu(t: Tensor): Tensor | null {
  const s = t._storage;
  if (!(s instanceof GpuStorage) || !s.known) return null;
  return Tensor._fromBytes(s.known, t.shape.slice(), t._strides.slice(), t._offset, t.dtype);
}

/**
 * Runs `compute` on CPU stand-ins of `inputs` (webgpu tensors become CPU tensors with the same
 * values and layout) and returns its result with every new tensor moved to the GPU. Synchronous
 * when every input's bytes are known; otherwise deferred into the device stream.
 */
function runOnCpu(name: string, inputs: Tensor[], compute: (cpu: Tensor[]) => unknown, pin?: () => () => void, writeInputs = true): unknown {
  // internal helpers (nonzeroRaw) are named as the op the user called
  const shown = name.replace(/Raw$/, '');
  const storages = new Map<GpuStorage, Slot[]>();
  for (const t of inputs) {
    const s = t._storage;
    if (s instanceof GpuStorage) {
      if (s.error) throw s.error;
      s.gpuBuffer(); // throws when the device was lost
      const l = storages.get(s) ?? [];
      l.push({ t, storage: s });
      storages.set(s, l);
    }
  }
  const pending = [...storages.keys()].filter((s) => !s.known);
  if (pending.length && DATA_DEPENDENT.has(name)) {
    throw new Error(`${shown}() on a webgpu tensor: its result depends on the values, which WebGPU can only read asynchronously; read the input first with await x.cpuAsync()`);
  }

  // stand-ins: one CPU storage per GPU storage, so aliasing views stay aliased
  const build = (bytesOf: (s: GpuStorage) => Uint8Array): { cpu: Tensor[]; cpuStorages: Map<GpuStorage, Tensor> } => {
    const base = new Map<GpuStorage, Tensor>();
    const cpu = inputs.map((t) => {
      const s = t._storage;
      if (!(s instanceof GpuStorage)) return t;
      let b = base.get(s);
      if (!b) {
        const bytes = bytesOf(s);
        b = Tensor._fromBytes(bytes, [s.nbytes], [1], 0, 'uint8');
        base.set(s, b);
      }
      const v = new Tensor(b._storage, t.shape.slice(), t._strides.slice(), t._offset, t.dtype);
      v.requiresGrad = false;
      return v;
    });
    return { cpu, cpuStorages: base };
  };

  const finishOutputs = (result: unknown, base: Map<GpuStorage, Tensor>, before: Map<GpuStorage, Uint8Array>): unknown => {
    // inputs the op wrote (in-place ops): write their storages back to the GPU
    for (const [s, b] of base) {
      const now = heapBytes(b);
      const old = before.get(s)!;
      let same = now.length === old.length;
      for (let i = 0; same && i < now.length; i++) if (now[i] !== old[i]) same = false;
      if (!same) {
        const copy = now.slice();
        writeBuffer(s.gpuBuffer(), 0, copy);
        s.markWritten();
        s.known = copy;
      }
    }
    return result;
  };

  if (!pending.length) {
    const before = new Map<GpuStorage, Uint8Array>();
    const { cpu, cpuStorages } = build((s) => {
      before.set(s, s.known!);
      return s.known!;
    });
    let result: unknown;
    try {
      result = compute(cpu);
      if (writeInputs) finishOutputs(result, cpuStorages, before);
      const byStorage = new Map<unknown, GpuStorage>();
      for (const [s, b] of cpuStorages) byStorage.set(b._storage, s);
      return mapResult(result, (r) => {
        const gs = byStorage.get(r._storage);
        if (gs) return inputs.find((t) => t._storage === gs && sameLayout(t, r)) ?? viewOf(gs, r);
        const g = upload(r);
        g.requiresGrad = false;
        if (!cpu.includes(r)) r.dispose();
        return g;
      });
    } finally {
      for (const t of cpu) if (!inputs.includes(t)) t.dispose();
      for (const b of cpuStorages.values()) b.dispose();
    }
  }

  // deferred: shapes from a dry run on stand-in values, then the real run in the stream
  const { cpu: dry, cpuStorages: dryBase } = build((s) => s.known ?? new Uint8Array(s.nbytes));
  let dryResult: unknown;
  try {
    dryResult = noGrad(() => compute(dry));
  } catch (e) {
    throw new Error(`${shown}() on webgpu tensors falls back to the CPU, which needs their values first; read them with await x.cpuAsync() (the dry run for the output shape failed: ${(e as Error).message})`);
  }
  const dryBytes = new Map<unknown, GpuStorage>();
  for (const [s, b] of dryBase) dryBytes.set(b._storage, s);
  const outs: { gpu: Tensor; fresh: boolean }[] = [];
  const result = mapResult(dryResult, (r) => {
    const gs = dryBytes.get(r._storage);
    if (gs) {
      const g = inputs.find((t) => t._storage === gs && sameLayout(t, r)) ?? viewOf(gs, r);
      outs.push({ gpu: g, fresh: false });
      return g;
    }
    const g = Tensor._empty(r.shape, r.dtype, 'webgpu');
    (g._storage as GpuStorage).markWritten();
    outs.push({ gpu: g, fresh: true });
    return g;
  });
  if (!resultTensors(dryResult).length && dryResult !== undefined) {
    throw new Error(`${shown}() on webgpu tensors returns a value computed from them, which WebGPU can only read asynchronously; read the inputs first with await x.cpuAsync()`);
  }
  for (const t of resultTensors(dryResult)) if (!dry.includes(t)) t.dispose();
  for (const t of dry) if (!inputs.includes(t)) t.dispose();
  for (const b of dryBase.values()) b.dispose();
  const outStorages = outs.map((o) => o.gpu._storage as GpuStorage);
  // the task reads its inputs later: hold their buffers until then (callers may dispose them now)
  const held = [...storages.keys()];
  for (const s of held) s.refs++;
  const unpin = pin?.();
  // the bytes known now are the buffers' contents at this point of the stream, where the task runs
  const knownAt = new Map<GpuStorage, Uint8Array | null>();
  for (const s of held) knownAt.set(s, s.known);
  // an in-place op may write its inputs: their CPU copies are unknown until the task has run
  const inVersion = new Map<GpuStorage, number>();
  if (writeInputs) {
    for (const s of held) {
      s.markWritten();
      inVersion.set(s, s.version);
    }
  }
  // fresh outputs: the buffers are written by the task even when the outputs are disposed before it
  // runs (their buffers return to the pool behind the task in stream order)
  const outBufs = outs.map((o) => (o.fresh ? (o.gpu._storage as GpuStorage).gpuBuffer() : null));
  const outVersion = outStorages.map((st) => st.version);
  enqueueAsync(async () => {
    const fetched = new Map<GpuStorage, Uint8Array>();
    try {
      for (const s of storages.keys()) fetched.set(s, knownAt.get(s) ?? (await readNow(s.gpuBuffer(), s.nbytes)));
      const { cpu, cpuStorages } = build((s) => fetched.get(s)!);
      try {
        const real = noGrad(() => compute(cpu));
        const realOuts: Tensor[] = [];
        mapResult(real, (r) => (realOuts.push(r), r));
        if (realOuts.length !== outs.length) throw new Error(`${shown}() returned ${realOuts.length} tensors on the values but ${outs.length} on the dry run`);
        realOuts.forEach((r, i) => {
          const o = outs[i];
          if (o.gpu.shape.join() !== r.shape.join()) {
            throw new Error(`${shown}() on webgpu tensors: the output's shape depends on the values ([${r.shape}] instead of [${o.gpu.shape}]); read the inputs with await x.cpuAsync() and run it on the CPU`);
          }
          if (o.fresh) {
            const bytes = contiguousBytes(r);
            const s = o.gpu._storage as GpuStorage;
            if (bytes.byteLength) writeNow(outBufs[i]!, 0, bytes);
            // later work recorded on this storage (behind the task) makes the CPU copy stale
            if (s.version === outVersion[i]) s.known = bytes;
          }
        });
        for (const [s, b] of writeInputs ? cpuStorages : []) {
          const now = heapBytes(b);
          const old = fetched.get(s)!;
          let same = now.length === old.length;
          for (let i = 0; same && i < now.length; i++) if (now[i] !== old[i]) same = false;
          const bytes = same ? old : now.slice();
          if (!same) writeNow(s.gpuBuffer(), 0, bytes);
          if (s.version === inVersion.get(s)) s.known = bytes;
        }
        for (const r of realOuts) if (!cpu.includes(r)) r.dispose();
        for (const t of cpu) if (!inputs.includes(t)) t.dispose();
        for (const b of cpuStorages.values()) b.dispose();
      } catch (e) {
        for (const b of cpuStorages.values()) b.dispose();
        throw e;
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      for (const s of outStorages) s.error = err;
      if (counters.errors.length < 20) counters.errors.push(`${name}: ${err.message}`);
    } finally {
      for (const s of held) s._drop();
      unpin?.();
    }
  });
  return result;
}

function sameLayout(a: Tensor, b: Tensor): boolean {
  return a._offset === b._offset && a.dtype === b.dtype && a.shape.join() === b.shape.join() && a._strides.join() === b._strides.join();
}

function viewOf(s: GpuStorage, r: Tensor): Tensor {
  return new Tensor(s, r.shape.slice(), r._strides.slice(), r._offset, r.dtype);
}

/** The CPU fallback of one op call (forward; gradients through a recomputation). */
function fallback(name: string, fn: (...a: unknown[]) => unknown, args: ArrayLike<unknown>, self: unknown): unknown {
  const argv = Array.from(args);
  const gpuInputs: Tensor[] = [];
  const collect = (t: Tensor): Tensor => {
    if (!gpuInputs.includes(t)) gpuInputs.push(t);
    return t;
  };
  mapArgs(self, collect);
  for (const a of argv) mapArgs(a, collect);
  // a deferred run happens later: it works on pinned views of the CPU tensor arguments (the
  // caller may dispose those right after the call)
  let live = { self, argv };
  const pinArgs = (): (() => void) => {
    const views: Tensor[] = [];
    const hold = (v: unknown): unknown => mapCpuTensors(v, (t) => {
      const c = keep(new Tensor(t._storage, t.shape.slice(), t._strides.slice(), t._offset, t.dtype));
      views.push(c);
      return c;
    });
    const prev = live;
    live = { self: hold(prev.self), argv: prev.argv.map(hold) };
    return () => {
      for (const v of views) v.dispose();
    };
  };
  const call = (cpu: Tensor[]): unknown => {
    const sub = (t: Tensor): Tensor => cpu[gpuInputs.indexOf(t)];
    const cs = mapArgs(live.self, sub);
    const ca = live.argv.map((a) => mapArgs(a, sub));
    return fn.apply(cs, ca);
  };
  const needGrad = isGradEnabled() && gpuInputs.some((t) => t.requiresGrad);
  const result = noGrad(() => runOnCpu(name, gpuInputs, call, pinArgs));
  if (needGrad) {
    const outs = resultTensors(result).filter((o) => isFloating(o.dtype) && !gpuInputs.includes(o));
    const diff = gpuInputs.filter((t) => t.requiresGrad && isFloating(t.dtype));
    if (outs.length && diff.length) {
      const saved = gpuInputs.slice();
      record(name, diff, outs, [], (gradOutputs) => {
        const grads = gradOutputs.map((g, i) => g ?? null);
        const gIn = grads.filter((g): g is Tensor => g !== null);
        live = { self, argv };
        const res = runOnCpu(`${name}Backward`, [...saved, ...gIn], (cpu) => {
          const standIns = cpu.slice(0, saved.length).map((c, i) => {
            const d = c.detach();
            if (diff.includes(saved[i])) d.requiresGrad = true;
            return d;
          });
          const cg = cpu.slice(saved.length);
          return enableGrad(() => {
            const sub = (t: Tensor): Tensor => standIns[saved.indexOf(t)];
            const r = fn.apply(mapArgs(live.self, sub), live.argv.map((a) => mapArgs(a, sub)));
            const ro = resultTensors(r).filter((o) => isFloating(o.dtype) && o.requiresGrad);
            const go: Tensor[] = [];
            const used: Tensor[] = [];
            let j = 0;
            ro.forEach((o, i) => {
              const g = grads[i];
              if (g) {
                used.push(o);
                go.push(cg[j++]);
              }
            });
            const wrt = diff.map((t) => standIns[saved.indexOf(t)]);
            const gs = used.length ? autogradGrad(used, wrt, { gradOutputs: go, allowUnused: true }) : wrt.map(() => null);
            return gs.map((g, i) => g ?? wrt[i].detach().mul(0));
          });
        }, pinArgs, false) as Tensor[];
        return res;
      });
    }
  }
  return result;
}

/** Moves a webgpu tensor to the CPU when its values are known there; else a clear error. */
export function toCpuSync(t: Tensor): Tensor {
  const c = knownCpu(t);
  if (c) {
    const r = c.isContiguous() ? c : c._copyTo(c.dtype);
    if (r !== c) c.dispose();
    return r;
  }
  throw new Error("x.to('cpu') needs the values of a webgpu tensor, which WebGPU can only read asynchronously: use await x.cpuAsync() (or await x.data())");
}

