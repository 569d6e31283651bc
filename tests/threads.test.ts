// Multi-threaded kernels (issue 7): thread-count API and backends() info, bit-identical results at
// 1 and 2 threads (GEMM family: matmul/bmm/addmm/linear/conv forward and backward on shapes that hit
// every micro-kernel edge and both matrix-vector paths, plus the whole golden op suite with the
// size threshold lowered so even small GEMMs are split), a JS reference for correctness, shutdown
// and restart of the workers, and a Node process that exits on its own with workers alive.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../ts/index.js';
import { Tensor } from '../ts/index.js';
import { setElementwiseThreshold, setGemmThreshold } from '../ts/backend/threads.js';
import { decodeArg, loadGoldenFiles, resolveFn } from './golden-harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every value of a result (tensors, lists, objects, numbers) as comparable plain data. */
function flat(v: unknown): unknown {
  if (v instanceof Tensor) return { dtype: v.dtype, shape: v.shape, data: v.dtype === 'float16' ? v.float().flatten().tolist() : v.flatten().tolist() };
  if (Array.isArray(v)) return v.map(flat);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flat(x)]));
  return v;
}

/** Bit-for-bit equality (Object.is: NaN equals NaN, -0 differs from 0); returns the first difference. */
function diff(a: unknown, b: unknown, where = ''): string | null {
  if (typeof a === 'number' || typeof b === 'number' || typeof a === 'bigint' || typeof a === 'boolean' || a === null || a === undefined) {
    return Object.is(a, b) ? null : `${where}: ${String(a)} vs ${String(b)}`;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return `${where}: length differs`;
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${where}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (typeof a === 'object') {
    const ka = Object.keys(a as object);
    for (const k of ka) {
      const d = diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${where}: ${String(a)} vs ${String(b)}`;
}

/** Runs fn at 1 and at 2 threads (same RNG seed) and returns both results as plain data. */
function atThreads(fn: () => unknown): [unknown, unknown] {
  const out: unknown[] = [];
  for (const n of [1, 2]) {
    torch.setNumThreads(n);
    torch.manualSeed(1234);
    out.push(torch.scope(() => flat(fn())));
  }
  return out as [unknown, unknown];
}

const threaded = torch.backends().cpu.threads;
let oldThreshold = 0;
let oldEw = 0;
beforeAll(() => {
  // split even the smallest GEMM and elementwise launches so the suites exercise the workers
  oldThreshold = setGemmThreshold(0);
  oldEw = setElementwiseThreshold(0);
});
afterAll(() => {
  setGemmThreshold(oldThreshold);
  setElementwiseThreshold(oldEw);
  torch.setNumThreads(1);
  torch.shutdown();
});

describe('thread count and backends()', () => {
  it('defaults to the core count in Node and reports why when threads are off', () => {
    const info = torch.backends().cpu;
    expect(info.simd).toBe(true);
    expect(typeof info.reason).toBe('string');
    if (info.threads) {
      expect(info.reason).toBe('');
      expect(info.cores).toBeGreaterThanOrEqual(1);
    } else {
      expect(info.reason.length).toBeGreaterThan(0);
      expect(torch.getNumThreads()).toBe(1);
    }
  });

  it('setNumThreads validates and getNumThreads reads back', () => {
    expect(() => torch.setNumThreads(0)).toThrow(RangeError);
    expect(() => torch.setNumThreads(1.5)).toThrow('setNumThreads(): expected a positive integer, but got 1.5');
    torch.setNumThreads(2);
    expect(torch.getNumThreads()).toBe(threaded ? 2 : 1);
    torch.setNumThreads(1);
    expect(torch.getNumThreads()).toBe(1);
  });
});

describe.runIf(threaded)('GEMM family: bit-identical at 1 and 2 threads', () => {
  const shapes: [number, number, number][] = [
    [64, 64, 64],
    [37, 19, 53],
    [130, 9, 300],
    [9, 1, 70],
    [1, 33, 40],
    [203, 129, 17],
    [260, 300, 1],
    [3, 50, 65],
    [1, 64, 1001],
    [16, 40, 2049],
  ];
  for (const [M, K, N] of shapes) {
    it(`matmul ${M}x${K} @ ${K}x${N}, plain and transposed operands, against a JS reference`, () => {
      torch.manualSeed(M * 7 + N);
      const a = torch.randn(M, K);
      const b = torch.randn(K, N);
      const at = torch.randn(K, M);
      const bt = torch.randn(N, K);
      const [r1, r2] = atThreads(() => [torch.matmul(a, b), torch.matmul(at.t(), b), torch.matmul(a, bt.t()), torch.matmul(at.t(), bt.t())]);
      expect(diff(r1, r2)).toBeNull();
      // correctness of the threaded result against plain loops
      torch.setNumThreads(2);
      const got = torch.matmul(a, b).flatten().tolist() as number[];
      const A = a.flatten().tolist() as number[];
      const B = b.flatten().tolist() as number[];
      for (let i = 0; i < M; i += Math.max(1, M >> 3)) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A[i * K + k] * B[k * N + j];
          expect(Math.abs(got[i * N + j] - s)).toBeLessThan(1e-4 * (1 + Math.abs(s)) * Math.sqrt(K));
        }
      }
    });
  }

  it('bmm with broadcast batches, addmm with alpha/beta, baddbmm', () => {
    const x = torch.randn(5, 33, 21);
    const y = torch.randn(21, 17);
    const z = torch.randn(5, 21, 17);
    const c = torch.randn(33, 17);
    const [r1, r2] = atThreads(() => [
      torch.matmul(x, y),
      torch.bmm(x, z),
      torch.addmm(c, x.select(0, 2), y, { beta: 0.5, alpha: 2 }),
      torch.baddbmm(torch.randn(5, 33, 17), x, z, { beta: 1, alpha: -1 }),
    ]);
    expect(diff(r1, r2)).toBeNull();
  });

  it('linear and conv2d forward and backward', () => {
    const [r1, r2] = atThreads(() => {
      const x = torch.randn(6, 3, 21, 19, { requiresGrad: true });
      const w = torch.randn(8, 3, 3, 3, { requiresGrad: true });
      const bias = torch.randn(8, { requiresGrad: true });
      const y = torch.nn.functional.conv2d(x, w, bias, { stride: 1, padding: 1 });
      const lw = torch.randn(10, 8 * 21 * 19, { requiresGrad: true });
      const out = torch.nn.functional.linear(y.flatten(1), lw);
      out.square().sum().backward();
      return [y, out, x.grad, w.grad, bias.grad, lw.grad];
    });
    expect(diff(r1, r2)).toBeNull();
  });

  it('conv2d forward in one region (bands of output rows), split im2col and depthwise channel blocks, against the 1-thread result and a JS reference', () => {
    // [N, C, H, W], [O, C/groups, kh, kw], options: wide products (bands: several K slices, strides,
    // dilation, groups, a last band of one row, OW not a multiple of 8) and tall ones (im2col split)
    const cases: [number[], number[], Record<string, unknown>][] = [
      [[2, 40, 23, 17], [6, 40, 3, 3], { padding: 1 }],
      [[1, 3, 41, 37], [5, 3, 7, 7], { stride: 2, padding: 3 }],
      [[3, 8, 19, 22], [4, 4, 3, 3], { padding: 2, dilation: 2, groups: 2 }],
      [[1, 16, 9, 5], [2, 16, 3, 1], { padding: [0, 1] }],
      [[1, 4, 44, 9], [3, 4, 3, 3], { padding: 1 }],
      [[2, 64, 7, 7], [96, 64, 3, 3], { padding: 1 }],
      [[1, 300, 6, 6], [33, 300, 2, 2], { stride: 2 }],
      // depthwise: blocks of channels, each thread on its own padded planes (stride 2, multiplier 2, 5x5)
      [[2, 96, 30, 31], [96, 1, 3, 3], { stride: 2, padding: 1, groups: 96 }],
      [[1, 24, 40, 33], [48, 1, 3, 3], { padding: 1, groups: 24 }],
      [[1, 40, 24, 24], [40, 1, 5, 5], { padding: 2, groups: 40 }],
    ];
    for (const [xs, ws, opts] of cases) {
      const x = torch.randn(xs);
      const w = torch.randn(ws);
      const b = torch.randn(ws[0]);
      const [r1, r2] = atThreads(() => torch.nn.functional.conv2d(x, w, b, opts));
      expect(diff(r1, r2)).toBeNull();
      // a few outputs against a direct JS loop
      const y = torch.nn.functional.conv2d(x, w, b, opts);
      const [N, C, H, W] = xs;
      const [O, Cg, kh, kw] = ws;
      const groups = (opts.groups as number) ?? 1;
      const st = opts.stride ?? 1;
      const pd = opts.padding ?? 0;
      const [sh, sw] = Array.isArray(st) ? st : [st, st];
      const [ph, pw] = Array.isArray(pd) ? pd : [pd, pd];
      const dl = (opts.dilation as number) ?? 1;
      const [, , OH, OW] = y.shape;
      const xd = x.dataSync() as Float32Array;
      const wd = w.dataSync() as Float32Array;
      const bd = b.dataSync() as Float32Array;
      const yd = y.dataSync() as Float32Array;
      for (const [n, o, i, j] of [[0, 0, 0, 0], [N - 1, O - 1, OH - 1, OW - 1], [N - 1, O >> 1, OH >> 1, OW - 1], [0, O - 1, OH - 1, 0]]) {
        const gi = Math.floor(o / (O / groups));
        let s = bd[o];
        for (let c = 0; c < Cg; c++) {
          for (let u = 0; u < kh; u++) {
            for (let v = 0; v < kw; v++) {
              const ih = i * sh - ph + u * dl;
              const iw = j * sw - pw + v * dl;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) s += xd[((n * C + gi * Cg + c) * H + ih) * W + iw] * wd[((o * Cg + c) * kh + u) * kw + v];
            }
          }
        }
        expect(Math.abs(yd[((n * O + o) * OH + i) * OW + j] - s)).toBeLessThan(1e-3 * (1 + Math.abs(s)));
      }
    }
  });

  it('Adam (amsgrad, weight decay), AdamW and SGD (momentum, nesterov) steps split in chunks', () => {
    const run = (make: (ps: Tensor[]) => { zeroGrad(): void; step(): void }) =>
      atThreads(() => {
        // 70001 parameters (chunks of a multiple of 4 and an odd tail) and a small bias
        const w = torch.randn(70001, { requiresGrad: true });
        const b = torch.randn(7, { requiresGrad: true });
        const opt = make([w, b]);
        for (let s = 0; s < 3; s++) {
          opt.zeroGrad();
          w.square().mul(torch.linspace(-1, 1, 70001)).sum().add(b.exp().sum()).backward();
          opt.step();
        }
        return [w.detach(), b.detach()];
      });
    const cases: ((ps: Tensor[]) => { zeroGrad(): void; step(): void })[] = [
      (ps) => new torch.optim.Adam(ps, { lr: 0.01, weightDecay: 0.1, amsgrad: true }),
      (ps) => new torch.optim.AdamW(ps, { lr: 0.01 }),
      (ps) => new torch.optim.SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true }),
      (ps) => new torch.optim.SGD(ps, { lr: 0.01 }),
    ];
    for (const make of cases) {
      const [r1, r2] = run(make);
      expect(diff(r1, r2)).toBeNull();
    }
  });

  it('workers stop on shutdown() and restart on the next large op', () => {
    torch.setNumThreads(2);
    torch.matmul(torch.randn(64, 64), torch.randn(64, 64));
    expect(torch.backends().cpu.workers).toBe(1);
    torch.shutdown();
    expect(torch.backends().cpu.workers).toBe(0);
    const a = torch.randn(64, 48);
    const b = torch.randn(48, 40);
    const [r1, r2] = atThreads(() => torch.matmul(a, b));
    expect(diff(r1, r2)).toBeNull();
    expect(torch.backends().cpu.workers).toBe(1);
  });
});

describe.runIf(threaded)('elementwise: bit-identical at 1 and 2 threads', () => {
  it('unary, binary, broadcast scalar, comparisons and integer kinds on odd lengths', () => {
    for (const n of [9, 1001, 300_001]) {
      const x = torch.randn(n);
      const y = torch.randn(n);
      const xi = torch.randint(-50, 50, [n]);
      const xl = torch.randint(-50, 50, [n], { dtype: 'int32' });
      const [r1, r2] = atThreads(() => [
        x.exp(), x.tanh(), torch.sigmoid(x), torch.nn.functional.gelu(x), x.clamp(-0.5, 0.5), x.pow(3),
        x.add(y), x.mul(y), x.div(y), x.mul(2.5), x.sub(1), x.lt(y), x.eq(0), torch.maximum(x, y),
        xi.add(xi), xi.mul(3), xi.abs(), xl.sub(xl.neg()), xl.gt(0),
      ]);
      expect(diff(r1, r2)).toBeNull();
    }
  });

  it('threaded elementwise results match their definition (and start the workers)', () => {
    torch.shutdown();
    torch.setNumThreads(2);
    torch.randn(100_000).exp();
    expect(torch.backends().cpu.workers).toBe(1);
    const x = torch.randn(200_003);
    const y = torch.randn(200_003);
    const s = x.add(y).tolist() as number[];
    const xs = x.tolist() as number[];
    const ys = y.tolist() as number[];
    for (let i = 0; i < xs.length; i += 997) expect(s[i]).toBe(Math.fround(xs[i] + ys[i]));
    expect(s[xs.length - 1]).toBe(Math.fround(xs[xs.length - 1] + ys[xs.length - 1]));
  });
});

describe.runIf(threaded)('reductions: bit-identical at 1 and 2 threads', () => {
  it('sum/prod/amax/norms over every dim of large and odd shapes; full reductions', () => {
    const x = torch.randn(37, 301, 29);
    const xi = torch.randint(-9, 9, [37, 301, 29]);
    const [r1, r2] = atThreads(() => [
      x.sum(0), x.sum(1), x.sum(2), x.mean(1), x.amax(1), x.amin(2), x.abs().sum(-1), x.norm(2, 1), x.prod(0),
      xi.sum(1), xi.amax(2), x.sum(), x.max(),
    ]);
    expect(diff(r1, r2)).toBeNull();
  });

  it('a threaded row reduction equals the JS sum in the same order within float tolerance', () => {
    torch.setNumThreads(2);
    const x = torch.randn(64, 1000);
    const s = x.sum(1).tolist() as number[];
    const rows = x.tolist() as number[][];
    rows.forEach((row, i) => expect(Math.abs(s[i] - row.reduce((p, v) => p + v, 0))).toBeLessThan(1e-3));
  });
});

describe.runIf(threaded)('golden op suite: bit-identical at 1 and 2 threads', () => {
  for (const { file, cases } of loadGoldenFiles()) {
    it(file, () => {
      let compared = 0;
      for (const c of cases) {
        if (c.error !== undefined) continue;
        const call = resolveFn(c.fn);
        if (!call) continue;
        const run = (): unknown => {
          const leaves: Tensor[] = [];
          const args = decodeArg(c.args, leaves) as unknown[];
          const kw = decodeArg(c.kwargs, leaves) as Record<string, unknown>;
          if (Object.keys(kw).length) args.push(kw);
          try {
            return call(args);
          } catch (e) {
            return `threw ${(e as Error).message}`;
          }
        };
        const [r1, r2] = atThreads(run);
        const d = diff(r1, r2);
        expect(d, `${c.fn} ${c.name}`).toBeNull();
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});

describe.runIf(threaded && existsSync(join(ROOT, 'dist', 'index.js')))('process lifetime', () => {
  it('a Node program using threaded kernels exits on its own (workers are unref\'d)', () => {
    const code = [
      `const torch = await import(${JSON.stringify(join(ROOT, 'dist', 'index.js'))});`,
      'torch.setNumThreads(2);',
      'const y = torch.matmul(torch.randn(256, 256), torch.randn(256, 256));',
      'console.log(torch.backends().cpu.workers, y.shape.join("x"));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { timeout: 20_000, encoding: 'utf8' });
    expect(out.trim()).toBe('1 256x256');
  });

  const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
  it.runIf(existsSync(DENO))('Deno: threaded kernels through node:worker_threads, bit-identical, and the program exits on its own', () => {
    const code = [
      `import * as torch from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};`,
      'const a = torch.randn(300, 200), b = torch.randn(200, 250);',
      'torch.setNumThreads(1); const y1 = torch.matmul(a, b).flatten().tolist();',
      'torch.setNumThreads(2); const y2 = torch.matmul(a, b).flatten().tolist();',
      'const cpu = torch.backends().cpu;',
      'console.log(JSON.stringify({ threads: cpu.threads, workers: cpu.workers, same: y1.every((v, i) => Object.is(v, y2[i])) }));',
    ].join('\n');
    const out = execFileSync(DENO, ['eval', '--ext=js', code], { timeout: 30_000, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(JSON.parse(out.trim().split('\n').pop() as string)).toEqual({ threads: true, workers: 1, same: true });
  });

  it('the relaxed-SIMD build is picked where supported and agrees with the plain build within tolerance', () => {
    // Node 20 has relaxed SIMD behind a flag: the child loads torchlet-relaxed builds, this process the plain ones
    const data = (M: number, N: number, s: number): string => `torch.arange(${M * N}).float().mul(${s}).sin().view(${M}, ${N})`;
    const code = [
      `const torch = await import(${JSON.stringify(join(ROOT, 'dist', 'index.js'))});`,
      `const a = ${data(150, 70, 0.37)}, b = ${data(70, 90, 0.11)};`,
      'torch.setNumThreads(1); const y1 = torch.matmul(a, b).flatten().tolist();',
      'torch.setNumThreads(2); const y2 = torch.matmul(a, b).flatten().tolist();',
      'console.log(JSON.stringify({ relaxed: torch.backends().cpu.relaxedSimd, same: y1.every((v, i) => Object.is(v, y2[i])), y: y1 }));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', code], { timeout: 20_000, encoding: 'utf8' });
    const r = JSON.parse(out) as { relaxed: boolean; same: boolean; y: number[] };
    expect(r.relaxed).toBe(true);
    expect(r.same).toBe(true);
    const a = torch.arange(150 * 70).float().mul(0.37).sin().view(150, 70);
    const b = torch.arange(70 * 90).float().mul(0.11).sin().view(70, 90);
    const plain = torch.matmul(a, b).flatten().tolist() as number[];
    expect(torch.backends().cpu.relaxedSimd).toBe(false);
    expect(r.y.length).toBe(plain.length);
    for (let i = 0; i < plain.length; i++) expect(Math.abs(r.y[i] - plain[i])).toBeLessThan(1e-4 * (1 + Math.abs(plain[i])));
  });
});

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe.runIf(!!CHROMIUM && existsSync(join(ROOT, 'dist', 'index.js')))('Chromium, cross-origin isolated page', () => {
  it('runs threaded kernels in a module Worker (bit-identical); a page without isolation stays on one thread and says why', async () => {
    const page = `<!doctype html><script type="module">
import * as torch from '/dist/index.js';
const r = { isolated: crossOriginIsolated, before: torch.backends().cpu };
if (r.before.threads) {
  const a = torch.randn(300, 200), b = torch.randn(200, 250), x = torch.randn(700001);
  torch.setNumThreads(1); const y1 = torch.matmul(a, b).flatten().tolist(); const e1 = x.exp().tolist();
  torch.setNumThreads(2); const y2 = torch.matmul(a, b).flatten().tolist(); const e2 = x.exp().tolist();
  r.same = y1.every((v, i) => Object.is(v, y2[i])) && e1.every((v, i) => Object.is(v, e2[i]));
  r.workers = torch.backends().cpu.workers;
}
window.__r = r;
</script>`;
    const types: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };
    const server: Server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const isolated = !path.startsWith('/plain');
      const file = path.endsWith('/page.html') ? null : join(ROOT, path);
      if (file && (!file.startsWith(join(ROOT, 'dist')) || !existsSync(file))) {
        res.writeHead(404);
        res.end();
        return;
      }
      const headers: Record<string, string> = { 'content-type': file ? (types[extname(file)] ?? 'application/octet-stream') : 'text/html' };
      if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      res.writeHead(200, headers);
      res.end(file ? readFileSync(file) : page);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const visit = async (url: string): Promise<{ r: Record<string, unknown>; errors: string[] }> => {
        const p = await browser.newPage();
        const errors: string[] = [];
        p.on('pageerror', (e) => errors.push(String(e)));
        await p.goto(url);
        await p.waitForFunction(() => (window as unknown as { __r?: unknown }).__r, null, { timeout: 30_000 });
        const r = (await p.evaluate(() => (window as unknown as { __r: unknown }).__r)) as Record<string, unknown>;
        await p.close();
        return { r, errors };
      };
      const iso = await visit(`http://127.0.0.1:${port}/page.html`);
      expect(iso.errors).toEqual([]);
      expect(iso.r.isolated).toBe(true);
      expect((iso.r.before as { threads: boolean }).threads).toBe(true);
      expect(iso.r.same).toBe(true);
      expect(iso.r.workers).toBe(1);
      const plain = await visit(`http://127.0.0.1:${port}/plain/page.html`);
      expect(plain.errors).toEqual([]);
      const cpu = plain.r.before as { threads: boolean; numThreads: number; reason: string };
      expect(cpu.threads).toBe(false);
      expect(cpu.numThreads).toBe(1);
      expect(cpu.reason).toMatch(/cross-origin|SharedArrayBuffer/);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
