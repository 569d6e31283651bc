// Runtime-neutral golden-suite runner: decodes the PyTorch fixtures (tests/fixtures/golden/*.json,
// written by tests/gen/make_fixtures.py), runs each case against a given torchlet module
// (torch.fn / F.fn / x.method), and compares outputs and input gradients with PyTorch's (dtype
// exact, ints exact, floats with rtol/atol, NaN/Inf positions exact). No runtime APIs and no value
// imports: vitest on Node binds it to ts/ (tests/golden-harness.ts), Deno and Chromium to the built
// package (tests/runtimes/deno-golden.ts, tests/runtimes/browser/golden.js).
import type * as TorchModule from '../../ts/index.js';

export type Torch = typeof TorchModule;
type Tensor = TorchModule.Tensor;

export type EncNum = number | 'nan' | 'inf' | '-inf';
export interface EncTensor {
  dtype: string;
  shape: number[];
  data: (EncNum | boolean)[];
  requiresGrad?: boolean;
}
export interface EncView {
  base: EncTensor;
  view: (string | number | number[])[][];
  requiresGrad?: boolean;
}
export interface GoldenCase {
  name: string;
  fn: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  out?: unknown;
  grads?: (EncTensor | null)[];
  gradOut?: EncTensor;
  gradOf?: string;
  rtol?: number;
  atol?: number;
  error?: string;
  message?: string;
}
export interface GoldenFile {
  file: string;
  cases: GoldenCase[];
}
export interface Tol {
  rtol: number;
  atol: number;
}
export interface CaseResult {
  ok: boolean;
  message?: string;
}
export interface SuiteResult {
  passed: number;
  failed: number;
  skipped: number;
  /** fixture fn names with no torchlet counterpart (their cases are the skipped ones) */
  missing: string[];
  failures: { id: string; message: string }[];
}

/** Fixture files that have their own suites (printing, promotion) and are not golden op cases. */
const NOT_GOLDEN = new Set(['printing.json', 'promotion.json']);

/** Whether a file of tests/fixtures/golden/ belongs to the golden op suite. */
export function isGoldenFile(name: string): boolean {
  return name.endsWith('.json') && !NOT_GOLDEN.has(name);
}

export function decodeNum(v: EncNum | boolean): number | boolean {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

const isEncTensor = (v: unknown): v is EncTensor =>
  v !== null && typeof v === 'object' && 'dtype' in v && 'shape' in v && 'data' in v;
const isEncView = (v: unknown): v is EncView => v !== null && typeof v === 'object' && 'base' in v && 'view' in v;

function nest(vals: unknown[], shape: number[]): unknown {
  if (shape.length === 0) return vals[0];
  let i = 0;
  const build = (k: number): unknown[] => {
    const n = shape[k];
    const out: unknown[] = new Array(n);
    for (let j = 0; j < n; j++) out[j] = k === shape.length - 1 ? vals[i++] : build(k + 1);
    return out;
  };
  return build(0);
}

function fmt(v: number | boolean): string {
  return typeof v === 'number' ? String(Number.isInteger(v) ? v : Number(v.toPrecision(7))) : String(v);
}

function preview(vals: ArrayLike<number | boolean>, n = 8): string {
  const a = Array.from(vals).slice(0, n).map(fmt);
  return `[${a.join(', ')}${vals.length > n ? ', ...' : ''}]`;
}

type AnyFn = (...args: unknown[]) => unknown;

/**
 * The decoding and comparison functions of the golden suite, bound to one torchlet module.
 * With `device` (e.g. 'webgpu', used by tests/webgpu/suite-ops.ts), decoded input tensors are
 * created on that device and views are taken there.
 */
export function createGoldenHarness(torch: Torch, device?: string) {
  const { Tensor } = torch;

  /** A contiguous torchlet tensor holding the encoded values (on `device` when given). */
  function makeTensor(enc: EncTensor): Tensor {
    const vals = enc.data.map(decodeNum);
    const dtype = enc.dtype as TorchModule.DType;
    const opts = (device ? { dtype, device } : { dtype }) as { dtype: TorchModule.DType };
    const numel = enc.shape.reduce((a, b) => a * b, 1);
    if (numel === 0) return torch.zeros(enc.shape, opts);
    return torch.tensor(nest(vals, enc.shape) as number[], opts);
  }

  function applyView(x: Tensor, step: (string | number | number[])[]): Tensor {
    const [op, ...a] = step;
    const t = x as unknown as Record<string, (...args: unknown[]) => Tensor>;
    switch (op) {
      case 'transpose':
        return x.transpose(a[0] as number, a[1] as number);
      case 'permute':
        return t.permute(a[0]);
      case 'expand':
        return t.expand(a[0]);
      case 'select':
        return t.select(a[0], a[1]);
      case 'slice': {
        const [d, start, stop, stepN] = a as number[];
        if (stepN === 1) return x.narrow(d, start, stop - start);
        const sliceDim = (torch as unknown as Record<string, (...args: unknown[]) => Tensor>).sliceDim;
        return sliceDim(x, d, start, Math.min(stop, x.shape[d]), stepN);
      }
      default:
        throw new Error(`unknown view recipe ${String(op)}`);
    }
  }

  /** Decoded arguments; `leaves` collects the inputs marked requiresGrad in fixture order. */
  function decodeArg(v: unknown, leaves: Tensor[]): unknown {
    if (Array.isArray(v)) return v.map((x) => decodeArg(x, leaves));
    if (v === null || typeof v !== 'object') return v;
    if (isEncView(v) || isEncTensor(v)) {
      let t = isEncView(v) ? v.view.reduce(applyView, makeTensor(v.base)) : makeTensor(v);
      if (v.requiresGrad) {
        if (t.gradFn) t = t.detach();
        t.requiresGrad_();
        leaves.push(t);
      }
      return t;
    }
    if ('float' in (v as Record<string, unknown>)) return decodeNum((v as { float: EncNum }).float);
    if ('slice' in (v as Record<string, unknown>)) {
      const [start, stop, step] = (v as { slice: (number | null)[] }).slice;
      const slice = (torch as unknown as Record<string, unknown>).slice;
      if (typeof slice === 'function') return (slice as AnyFn)(start, stop, step);
      return `${start ?? ''}:${stop ?? ''}:${step ?? ''}`;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = decodeArg(x, leaves);
    return out;
  }

  /** The torchlet callable for a fixture fn name, or null when it does not exist (yet). */
  function resolveFn(fn: string): ((args: unknown[]) => unknown) | null {
    const T = torch as unknown as Record<string, unknown>;
    if (fn.startsWith('method:')) {
      const name = fn.slice(7);
      const m = (Tensor.prototype as unknown as Record<string, unknown>)[name];
      if (typeof m !== 'function') return null;
      return (args) => {
        const self = args[0];
        if (!(self instanceof Tensor)) throw new Error(`fixture: method receiver is not a tensor`);
        return (m as AnyFn).apply(self, args.slice(1));
      };
    }
    const dot = fn.indexOf('.');
    const ns = fn.slice(0, dot);
    const name = fn.slice(dot + 1);
    let holder: Record<string, unknown> | undefined;
    if (ns === 'torch') holder = T;
    else if (ns === 'F') {
      holder = (T.F as Record<string, unknown> | undefined) ?? ((T.nn as Record<string, unknown> | undefined)?.functional as Record<string, unknown> | undefined);
    }
    const f = holder?.[name];
    if (typeof f !== 'function') return null;
    return (args) => (f as AnyFn)(...args);
  }

  function tensorValues(t: Tensor): (number | boolean)[] {
    const d = t.dataSync();
    const out: (number | boolean)[] = new Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = t.dtype === 'bool' ? d[i] !== 0 : Number(d[i]);
    return out;
  }

  function describe(v: unknown): string {
    if (v instanceof Tensor) return `tensor(${v.dtype}, [${v.shape.join(', ')}])`;
    if (Array.isArray(v)) return `array(${v.length})`;
    if (v === null) return 'null';
    if (typeof v === 'object') return `object{${Object.keys(v as object).join(', ')}}`;
    return `${typeof v} ${String(v)}`;
  }

  /** Compares a torchlet tensor with an encoded PyTorch tensor; returns a message or null. */
  function compareTensor(got: unknown, exp: EncTensor, tol: Tol, where: string): string | null {
    if (!(got instanceof Tensor)) return `${where}: expected a tensor, got ${describe(got)}`;
    if (got.dtype !== exp.dtype) return `${where}: dtype ${got.dtype}, expected ${exp.dtype}`;
    if (got.shape.length !== exp.shape.length || got.shape.some((d, i) => d !== exp.shape[i])) {
      return `${where}: shape [${got.shape.join(', ')}], expected [${exp.shape.join(', ')}]`;
    }
    const g = tensorValues(got);
    const e = exp.data.map(decodeNum);
    const isFloat = exp.dtype === 'float32' || exp.dtype === 'float16';
    const t = exp.dtype === 'float16' ? { rtol: Math.max(tol.rtol, 1e-3), atol: Math.max(tol.atol, 1e-3) } : tol;
    let bad = -1;
    let nbad = 0;
    for (let i = 0; i < e.length; i++) {
      const a = g[i];
      const b = e[i];
      let ok: boolean;
      if (!isFloat) ok = a === b;
      else {
        const x = a as number;
        const y = b as number;
        if (Number.isNaN(y)) ok = Number.isNaN(x);
        else if (!Number.isFinite(y)) ok = x === y;
        else ok = Math.abs(x - y) <= t.atol + t.rtol * Math.abs(y);
      }
      if (!ok) {
        if (bad < 0) bad = i;
        nbad++;
      }
    }
    if (bad >= 0) {
      return `${where}: ${nbad}/${e.length} values differ, first at flat index ${bad}: got ${fmt(g[bad])}, expected ${fmt(e[bad])}` +
        ` (got ${preview(g)}, expected ${preview(e)})`;
    }
    return null;
  }

  /** Recursively compares an op result with the encoded PyTorch output. */
  function compareOut(got: unknown, exp: unknown, tol: Tol, where = 'out'): string | null {
    if (isEncTensor(exp)) return compareTensor(got, exp, tol, where);
    if (Array.isArray(exp)) {
      if (!Array.isArray(got)) return `${where}: expected an array of ${exp.length}, got ${describe(got)}`;
      if (got.length !== exp.length) return `${where}: array length ${got.length}, expected ${exp.length}`;
      for (let i = 0; i < exp.length; i++) {
        const m = compareOut(got[i], exp[i], tol, `${where}[${i}]`);
        if (m) return m;
      }
      return null;
    }
    if (exp !== null && typeof exp === 'object') {
      if (got === null || typeof got !== 'object' || got instanceof Tensor) return `${where}: expected an object {${Object.keys(exp).join(', ')}}, got ${describe(got)}`;
      for (const k of Object.keys(exp)) {
        const m = compareOut((got as Record<string, unknown>)[k], (exp as Record<string, unknown>)[k], tol, `${where}.${k}`);
        if (m) return m;
      }
      return null;
    }
    const e = decodeNum(exp as EncNum);
    const g = got instanceof Tensor && got.numel() === 1 ? got.item() : got;
    if (typeof e === 'number' && typeof g === 'number') {
      if (Number.isNaN(e) ? Number.isNaN(g) : Math.abs(g - e) <= tol.atol + tol.rtol * Math.abs(e)) return null;
    } else if (g === e) return null;
    return `${where}: got ${describe(got)}, expected ${String(exp)}`;
  }

  /** Runs one golden case against torchlet; never throws (errors become failure messages). */
  function runCase(c: GoldenCase, call: (args: unknown[]) => unknown): CaseResult {
    const tol: Tol = { rtol: c.rtol ?? 1e-4, atol: c.atol ?? 1e-5 };
    return torch.scope(() => {
      const leaves: Tensor[] = [];
      let args: unknown[];
      try {
        args = decodeArg(c.args, leaves) as unknown[];
        const kw = decodeArg(c.kwargs, leaves) as Record<string, unknown>;
        if (Object.keys(kw).length) args.push(kw);
      } catch (e) {
        return { ok: false, message: `building inputs failed: ${(e as Error).message}` };
      }
      if (c.error !== undefined) {
        try {
          const r = call(args);
          return { ok: false, message: `expected an error like PyTorch's ${c.error}: "${c.message}", but got ${describe(r)}` };
        } catch (e) {
          if (e instanceof TypeError || e instanceof RangeError) return { ok: true };
          return { ok: false, message: `threw ${(e as Error).constructor.name} "${(e as Error).message}", expected a TypeError or RangeError (PyTorch: ${c.error}: ${c.message})` };
        }
      }
      let out: unknown;
      try {
        out = call(args);
      } catch (e) {
        return { ok: false, message: `threw ${(e as Error).constructor.name}: ${(e as Error).message}` };
      }
      const m = compareOut(out, c.out, tol);
      if (m) return { ok: false, message: m };
      if (c.grads && c.gradOut) {
        const y = c.gradOf ? (out as Record<string, unknown>)[c.gradOf] : out;
        if (!(y instanceof Tensor)) return { ok: false, message: `gradient: output ${c.gradOf ?? ''} is not a tensor` };
        try {
          y.backward(makeTensor(c.gradOut));
        } catch (e) {
          return { ok: false, message: `backward threw ${(e as Error).constructor.name}: ${(e as Error).message}` };
        }
        const gtol: Tol = { rtol: Math.max(tol.rtol, 1e-4), atol: Math.max(tol.atol, 1e-4) };
        for (let i = 0; i < c.grads.length; i++) {
          const exp = c.grads[i];
          const got = leaves[i]?.grad ?? null;
          if (exp === null) {
            if (got !== null && tensorValues(got).some((v) => v !== 0)) return { ok: false, message: `grad[${i}]: expected none (unused input), got nonzero` };
            continue;
          }
          if (got === null) return { ok: false, message: `grad[${i}]: input .grad is null, expected ${exp.dtype} [${exp.shape.join(', ')}]` };
          const gm = compareTensor(got, exp, gtol, `grad[${i}]`);
          if (gm) return { ok: false, message: gm };
        }
      }
      return { ok: true };
    });
  }

  return { makeTensor, decodeArg, resolveFn, compareTensor, compareOut, runCase };
}

/**
 * Runs every case of the given fixture files against `torch` (cases whose function does not
 * exist are counted as skipped) and returns the counts and the failure messages.
 */
export function runGoldenSuite(files: GoldenFile[], torch: Torch): SuiteResult {
  const { resolveFn, runCase } = createGoldenHarness(torch);
  const missing = new Set<string>();
  const failures: { id: string; message: string }[] = [];
  let passed = 0;
  let skipped = 0;
  for (const { cases } of files) {
    for (const c of cases) {
      const call = resolveFn(c.fn);
      if (!call) {
        missing.add(c.fn);
        skipped++;
        continue;
      }
      const r = runCase(c, call);
      if (r.ok) passed++;
      else failures.push({ id: `${c.fn} ${c.name}`, message: r.message ?? '' });
    }
  }
  return { passed, failed: failures.length, skipped, missing: [...missing].sort(), failures };
}
