// The WebGPU backend, checked without a GPU: the built package (dist/) runs the WebGPU suites
// (tests/webgpu/runner.ts: explicit checks, the golden op suite with GPU inputs and the CPU as the
// oracle, training steps vs the CPU) under Deno on Mesa's software Vulkan (lavapipe; apt
// mesa-vulkan-drivers) and in headless Chromium on SwiftShader's WebGPU adapter (apt chromium +
// playwright-core; page served from 127.0.0.1 under a strict Content-Security-Policy), both at
// once. Each runtime must report a real adapter (the device torchlet's init() describes is the
// runtime's own adapter, and kernels were submitted to it) and 0 failures. A runtime is skipped,
// with the reason printed, only when this machine gives it no adapter (no lavapipe / no Chromium);
// .ci/run installs both, so CI runs both. Node runs the suites too when the optional peer
// dependency `webgpu` (Dawn) is installed. Also: `bench/gpu.mjs --smoke` (npm run bench:gpu).
// Knobs for debugging: TORCHLET_WEBGPU_PER_FN, TORCHLET_WEBGPU_SUITES, TORCHLET_WEBGPU_FILTER.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isGoldenFile } from './runtimes/golden-runner.js';
import { totals, type WebgpuReport } from './webgpu/runner.js';
import { loadGoldenFiles, resolveFn } from './golden-harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ICD_DIR = '/usr/share/vulkan/icd.d';
const LAVAPIPE = existsSync(ICD_DIR) && readdirSync(ICD_DIR).some((f) => f.startsWith('lvp_icd'));
const CACHE_URL = '/node_modules/.cache/torchlet-webgpu';
const GOLDEN_FILES = readdirSync(join(root, 'tests/fixtures/golden')).filter(isGoldenFile).sort();
// every fixture fn that torchlet has must be exercised on the GPU (at least one case each)
const FNS = [...new Set(loadGoldenFiles().flatMap((f) => f.cases.map((c) => c.fn)))].filter((fn) => resolveFn(fn));
/** cases per fixture fn (the informative ones first: gradients, views, errors); every fn runs */
const PER_FN = Number(process.env.TORCHLET_WEBGPU_PER_FN ?? 1000);
const TIMEOUT = 170_000;

/** Prints a runtime's report: adapter, counts and timing per suite, failures, notes. */
function printReport(runtime: string, r: WebgpuReport, logs: string[] = []): void {
  const lines = [`webgpu on ${runtime}: ${r.available ? 'adapter' : 'NO adapter'} ${JSON.stringify(r.adapter)}; ${r.ms} ms${r.reason ? `; ${r.reason}` : ''}${r.error ? `\n  ERROR ${r.error}` : ''}`];
  if (!r.checks && !r.ops) for (const l of logs) lines.push(`  ${l}`);
  // the GPU errors torch.webgpu.stats() recorded (deduplicated; 'is invalid due to a previous error' follow-ups left out)
  const errs = [...new Set(((r.checks?.stats as { errors?: string[] } | undefined)?.errors ?? []).filter((e) => !/due to a previous error/.test(e)))].slice(0, 12);
  for (const e of errs) lines.push(`  GPU error reported by torch.webgpu.stats(): ${e.replace(/\s+/g, ' ').slice(0, 400)}`);
  for (const [name, s] of [['checks', r.checks], ['ops', r.ops], ['train', r.train]] as const) {
    if (!s) continue;
    const extra = name === 'ops' && r.ops ? `; ${r.ops.fns} fns, ${r.ops.sampledOut} cases sampled out; slowest to dispatch (GPU call + CPU oracle) ${r.ops.slowest.map(([f, ms]) => `${f} ${ms} ms`).join(', ')}${r.ops.failedFns.length ? `; failing fns: ${r.ops.failedFns.join(', ')}` : ''}` : '';
    lines.push(`  ${name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (${s.ms} ms)${extra}`);
    for (const f of s.failures.slice(0, 30)) lines.push(`    FAIL ${f.id}: ${f.message.slice(0, 400)}`);
    if (s.failures.length > 30) lines.push(`    ... ${s.failures.length - 30} more failures`);
    for (const n of s.notes) lines.push(`    note ${n.slice(0, 400)}`);
  }
  console.log(lines.join('\n'));
}

/** Asserts a report: a real adapter (torchlet's device is the runtime's adapter), every suite ran, 0 failures. */
function checkReport(r: WebgpuReport): void {
  expect(r.error).toBeUndefined();
  expect(r.available, r.reason).toBe(true);
  expect(r.adapter).not.toBeNull();
  const info = r.info as Record<string, unknown> | null;
  expect(info).not.toBeNull();
  // the device torchlet initialised is the runtime's adapter (not a null/placeholder one)
  const name = (x: Record<string, unknown> | null) => `${x?.vendor ?? ''}|${x?.architecture ?? ''}|${x?.description ?? ''}`;
  expect(name(info)).toBe(name(r.adapter as unknown as Record<string, unknown>));
  expect(name(info).replace(/\|/g, '')).not.toBe('');
  // work really reached the GPU: buffers were uploaded and command buffers submitted
  const stats = r.checks?.stats as Record<string, unknown> | undefined;
  expect(stats, 'torch.webgpu.stats()').toBeDefined();
  if (typeof stats?.uploads === 'number') expect(stats.uploads).toBeGreaterThan(0);
  if (typeof stats?.submits === 'number') expect(stats.submits, 'torch.webgpu.stats().submits: no GPU kernel ran').toBeGreaterThan(0);
  for (const s of [r.checks, r.ops, r.train]) expect(s).toBeDefined();
  expect(r.ops!.fns).toBe(FNS.length);
  expect(r.ops!.missing).toEqual([]);
  for (const s of [r.checks!, r.ops!, r.train!]) expect(s.failures).toEqual([]);
  const t = totals(r);
  expect(t.failed).toBe(0);
  expect(r.checks!.passed).toBeGreaterThan(20);
  expect(r.train!.passed).toBeGreaterThanOrEqual(4);
  expect(t.passed).toBeGreaterThan(FNS.length);
}

/** Runs a runner script (run-deno.ts / run-node.ts) and parses its `webgpu-result` line. */
function runScript(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ report: WebgpuReport | null; stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, timeout: TIMEOUT - 10_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env } },
      (err, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('webgpu-result '));
        const code = err ? ((err as { code?: number }).code ?? null) : 0;
        resolve({ report: line ? (JSON.parse(line.slice('webgpu-result '.length)) as WebgpuReport) : null, stdout, stderr, code });
      },
    );
  });
}

/** Debugging knobs: TORCHLET_WEBGPU_SUITES=ops,train and TORCHLET_WEBGPU_FILTER=<regex of op fns> (the full run asserts). */
const DEBUG_ARGS = [...(process.env.TORCHLET_WEBGPU_SUITES ? ['--suites', process.env.TORCHLET_WEBGPU_SUITES] : []), ...(process.env.TORCHLET_WEBGPU_FILTER ? ['--filter', process.env.TORCHLET_WEBGPU_FILTER] : [])];
const runDeno = () => runScript(join(root, 'node_modules/.bin/deno'), ['run', '--unstable-webgpu', '--allow-read', '--sloppy-imports', 'tests/webgpu/run-deno.ts', '--per-fn', String(PER_FN), ...DEBUG_ARGS]);

// Node has WebGPU only through the optional peer dependency `webgpu` (Dawn); Dawn refuses Mesa 22's
// lavapipe, so without a GPU the run uses Chromium's SwiftShader Vulkan driver when it is there
const NODE_WEBGPU = existsSync(join(root, 'node_modules/webgpu/package.json'));
const SWIFTSHADER_ICD = ['/usr/lib/chromium/vk_swiftshader_icd.json'].find((p) => existsSync(p));

interface BrowserRun {
  report: WebgpuReport | null;
  logs: string[];
  errors: string[];
  setupError?: string;
}

/** Bundles the suites, serves them from 127.0.0.1, runs them in headless Chromium on SwiftShader. */
async function runChromium(): Promise<BrowserRun> {
  const cache = join(root, CACHE_URL);
  mkdirSync(cache, { recursive: true });
  // the suites are bundled; torchlet itself stays the unbundled dist/ (an import map points at it)
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(root, 'tests/webgpu/run-browser.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    external: ['torchlet'],
    outfile: join(cache, 'webgpu-bundle.js'),
    logLevel: 'silent',
  });
  // strict CSP, as for the runtime matrix: no eval, no inline script except the import map (by hash)
  const importMap = JSON.stringify({ imports: { torchlet: '/dist/index.js' } });
  const csp = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-${createHash('sha256').update(importMap).digest('base64')}'; connect-src 'self'`;
  const page = `<!doctype html><meta http-equiv="Content-Security-Policy" content="${csp}"><title>torchlet webgpu</title><script type="importmap">${importMap}</script><script type="module" src="${CACHE_URL}/webgpu-bundle.js"></script>`;
  const types: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path === '/webgpu.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp });
      res.end(page);
      return;
    }
    if (path === '/favicon.ico') {
      // browsers ask for it on their own; answering keeps a 404 out of the page's console errors
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === '/golden/index.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(GOLDEN_FILES));
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file) || path === '/') {
      console.log(`webgpu page server: 404 for ${path}`);
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const query = new URLSearchParams({ perFn: String(PER_FN), ...(process.env.TORCHLET_WEBGPU_SUITES ? { suites: process.env.TORCHLET_WEBGPU_SUITES } : {}), ...(process.env.TORCHLET_WEBGPU_FILTER ? { filter: process.env.TORCHLET_WEBGPU_FILTER } : {}) });
    await p.goto(`http://127.0.0.1:${port}/webgpu.html?${query}`);
    await p.waitForFunction(() => (window as unknown as { __webgpu?: unknown }).__webgpu !== undefined, null, { timeout: TIMEOUT - 20_000, polling: 250 });
    const { report, logs } = (await p.evaluate(() => {
      const w = window as unknown as { __webgpu: unknown; __webgpuLog: string[] };
      return { report: w.__webgpu, logs: w.__webgpuLog };
    })) as { report: WebgpuReport; logs: string[] };
    return { report, logs, errors };
  } finally {
    await browser.close();
    server.close();
  }
}

describe('WebGPU backend', () => {
  // both runtimes start at once, when the first of their tests runs (they overlap well: most of
  // their time is spent waiting for the device)
  let runs: { deno: ReturnType<typeof runDeno>; browser: Promise<BrowserRun> | null } | null = null;
  const start = () =>
    (runs ??= {
      deno: runDeno(),
      browser: CHROMIUM ? runChromium().catch((e) => ({ report: null, logs: [], errors: [], setupError: String((e as Error)?.stack ?? e) })) : null,
    });

  it(
    'runs the WebGPU suites under Deno (Mesa lavapipe)',
    async () => {
      const { report, stdout, stderr } = await start().deno;
      expect(report, `no report from Deno:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`).not.toBeNull();
      const logs = stderr.split('\n').filter((l) => l.startsWith('webgpu (deno):'));
      printReport('Deno', report!, logs);
      if (!report!.adapter && !report!.available && !LAVAPIPE) {
        console.log(`webgpu on Deno: skipped: ${report!.reason} (no Vulkan driver: apt-get install mesa-vulkan-drivers)`);
        return;
      }
      checkReport(report!);
    },
    TIMEOUT,
  );

  it.runIf(!!CHROMIUM)(
    'runs the WebGPU suites in headless Chromium (SwiftShader)',
    async () => {
      const run = (await start().browser)!;
      expect(run.setupError).toBeUndefined();
      expect(run.report, 'no report from the page').not.toBeNull();
      printReport('Chromium', run.report!, run.logs);
      expect(run.errors, 'page errors').toEqual([]);
      checkReport(run.report!);
    },
    TIMEOUT,
  );

  it(
    '`npm run bench:gpu` works (bench/gpu.mjs --smoke under Deno): adapter printed, every row measured, GPU results match the CPU',
    async () => {
      const out = await new Promise<string>((resolve) => {
        execFile(join(root, 'node_modules/.bin/deno'), ['run', '--unstable-webgpu', '--allow-read', 'bench/gpu.mjs', '--smoke'], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } }, (err, stdout, stderr) =>
          resolve(`${stdout}${err ? `\nexit: ${err.message}\n${stderr}` : ''}`),
        );
      });
      console.log(`bench:gpu --smoke:\n${out}`);
      if (!LAVAPIPE && out.includes('no WebGPU adapter')) return; // no GPU on this machine: CPU column only
      expect(out).toMatch(/^adapter: \{/m);
      const rows = out.split('\n').filter((l) => /^(matmul|conv2d|MLP|CNN) .*(runs\)|failed|n\/a)/.test(l));
      expect(rows.length).toBe(4);
      for (const r of rows) expect(r, r).toMatch(/\d+(\.\d+)? (ms )?\(\d+ runs\).*\d+(\.\d+)? (ms )?\(\d+ runs\)\s+\d+\.\d+x/);
      const diffs = [...out.matchAll(/max relative difference ([\d.e+-]+)/g)].map((m) => Number(m[1]));
      expect(diffs.length).toBe(2);
      for (const d of diffs) expect(d).toBeLessThan(1e-3);
    },
    130_000,
  );

  it(
    "routes ONNX sessions by the 'auto' policy (tests/webgpu/suite-policy.ts under Deno: forced GPU runs of the shared models match the CPU, decisions explained, 'off' stays on the CPU)",
    async () => {
      const out = await new Promise<string>((resolve) => {
        execFile(join(root, 'node_modules/.bin/deno'), ['run', '--unstable-webgpu', '--allow-read', '--allow-env', '--sloppy-imports', 'tests/webgpu/run-policy-deno.ts'], { cwd: root, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } }, (err, stdout, stderr) =>
          resolve(`${stdout}${err ? `\nexit: ${err.message}\n${stderr.split('\n').filter((l) => l.startsWith('FAIL')).join('\n')}` : ''}`),
        );
      });
      const line = out.split('\n').find((l) => l.startsWith('policy-result '));
      if (!line) console.log(out.slice(-4000));
      expect(line, 'policy-result line').toBeDefined();
      const r = JSON.parse(line!.slice('policy-result '.length)) as { passed: number; failed: number; failures: string[] };
      console.log(`webgpu policy (deno): ${r.passed} passed, ${r.failed} failed${r.failures.length ? `\n  ${r.failures.join('\n  ')}` : ''}`);
      expect(r.failures).toEqual([]);
      expect(r.passed).toBeGreaterThan(50);
    },
    250_000,
  );

  it.runIf(!CHROMIUM)('reports that Chromium is missing (browser part skipped)', () => {
    console.log('webgpu: Chromium is not installed (apt-get install chromium); the SwiftShader WebGPU run was skipped');
    expect(CHROMIUM).toBeUndefined();
  });

  // after the others (it runs its own process and would compete with them for the 2 cores)
  it(
    'runs the WebGPU suites on Node (optional npm webgpu, Dawn)',
    async () => {
      if (!NODE_WEBGPU) {
        console.log("webgpu on Node: skipped: the optional peer dependency 'webgpu' (Dawn) is not installed in this repository");
        return;
      }
      const tsx = join(root, 'node_modules/.bin/tsx');
      const args = ['tests/webgpu/run-node.ts', '--per-fn', String(PER_FN), ...DEBUG_ARGS];
      let run = await runScript(tsx, args);
      if (run.report && !run.report.available && !process.env.VK_ICD_FILENAMES && SWIFTSHADER_ICD) run = await runScript(tsx, args, { VK_ICD_FILENAMES: SWIFTSHADER_ICD });
      expect(run.report, `no report from Node (exit ${run.code}):\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`).not.toBeNull();
      printReport('Node (webgpu npm)', run.report!);
      if (!run.report!.available) {
        console.log(`webgpu on Node: skipped: ${run.report!.reason}`);
        return;
      }
      checkReport(run.report!);
    },
    2 * TIMEOUT,
  );
});
