// Runs the raw-WebGPU kernel checks (tests/webgpu/kernels-{matmul,conv,pool,attention}.ts) in
// headless Chromium on SwiftShader's WebGPU adapter (Tint compiles the WGSL there, Naga does in
// Deno): each file is bundled with esbuild into a page served from 127.0.0.1, which fetches the
// .wgsl files from gpu-bridge/. Prints each check line and one `kernels-browser-result {json}`;
// exits 1 on a failure. Run: node_modules/.bin/tsx tests/webgpu/kernels-browser.ts [names...]
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const names = process.argv.slice(2).length ? process.argv.slice(2) : ['matmul', 'conv', 'pool', 'attention'];

async function main(): Promise<number> {
  if (!CHROMIUM) {
    console.log('kernels-browser: Chromium is not installed; skipped');
    return 0;
  }
  const esbuild = await import('esbuild');
  const bundles = new Map<string, string>();
  for (const n of names) {
    const r = await esbuild.build({ entryPoints: [join(root, `tests/webgpu/kernels-${n}.ts`)], bundle: true, format: 'esm', write: false, target: 'es2022' });
    bundles.set(n, r.outputFiles[0].text);
  }
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const m = /^\/kernels-(\w+)\.(js|html)$/.exec(path);
    if (m && bundles.has(m[1])) {
      res.writeHead(200, { 'content-type': m[2] === 'js' ? 'text/javascript' : 'text/html' });
      res.end(m[2] === 'js' ? bundles.get(m[1]) : `<!doctype html><script type="module" src="/kernels-${m[1]}.js"></script>`);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(join(root, 'gpu-bridge')) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--no-first-run'],
  });
  let passes = 0;
  let failures = 0;
  try {
    for (const n of names) {
      const p = await browser.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.goto(`http://127.0.0.1:${port}/kernels-${n}.html`);
      const deadline = Date.now() + 120_000;
      let r: { passes: number; failures: number } | undefined;
      while (!r && !errors.length && Date.now() < deadline) {
        await new Promise((s) => setTimeout(s, 250));
        r = await p.evaluate(() => (window as unknown as { __kernels?: { passes: number; failures: number } }).__kernels);
      }
      const lines = await p.evaluate(() => (window as unknown as { __kernelsLog?: string[] }).__kernelsLog ?? []);
      for (const l of lines) console.log(`[${n}] ${l}`);
      for (const e of errors) console.log(`[${n}] FAIL page error: ${e}`);
      if (!r) console.log(`[${n}] FAIL no result`);
      passes += r?.passes ?? 0;
      failures += (r?.failures ?? 0) + errors.length + (r || errors.length ? 0 : 1);
      await p.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`kernels-browser-result ${JSON.stringify({ passes, failures })}`);
  return failures ? 1 : 0;
}

process.exitCode = await main();
