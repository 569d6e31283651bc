// Winograd conv2d (simd/winograd.ts via ts/ops/conv.ts) against PyTorch fixtures
// (tests/gen/winograd_fixtures.py -> tests/fixtures/conv/winograd.json, float64 reference outputs)
// and against the im2col + GEMM path, forcing each variant (F(2x2,3x3), F(4x4,3x3), auto; strided
// and 4x4-per-phase kernels: F(4x4,4x4) over stride-2 phases): odd and tiny images (1x1, 2x5, 3x3,
// 7x7, 13x13), 7x7 / 8x8 / 5x5 / 6x5 stride 2, 4x4 stride 1, C = 1 / O = 1, odd channel counts, zero / wide /
// asymmetric padding, batch 2, bias or not, non-contiguous input; the transformed-weight cache
// (reused, invalidated by in-place updates of the weight, per-call for non-leaf weights); autograd
// through a Winograd forward; convs Winograd does not apply to; bit-identical results at 1 and 2
// threads (the threaded units: tile blocks x output-channel ranges).
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as torch from '../ts/index.js';
import type { Tensor } from '../ts/index.js';
import { _setWinograd, _setWinogradCacheCap, _winogradCacheBytes } from '../ts/ops/conv.js';
import { setGemmThreshold } from '../ts/backend/threads.js';

interface TJ { shape: number[]; data: number[] }
interface Case { name: string; x: TJ; w: TJ; b: TJ | null; padding: number | number[]; stride: number; transposeInput: boolean; out: TJ }
const fx = JSON.parse(readFileSync(new URL('./fixtures/conv/winograd.json', import.meta.url), 'utf8')) as { cases: Case[] };

const mk = (t: TJ): Tensor => torch.tensor(t.data, { dtype: 'float32' }).reshape(t.shape);

/** max |a - e| / (1 + |e|) (the conv fixtures' measure and tolerance, tests/conv.test.ts). */
const TOL = 1e-4;
function relErr(a: Tensor, e: ArrayLike<number>): number {
  const d = a.contiguous().dataSync() as Float32Array;
  expect(d.length).toBe(e.length);
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(d[i] - e[i]) / (1 + Math.abs(e[i])));
  return worst;
}

function run(c: Case): Tensor {
  let x = mk(c.x);
  if (c.transposeInput) x = x.transpose(2, 3);
  return torch.conv2d(x, mk(c.w), c.b ? mk(c.b) : null, { padding: c.padding, stride: c.stride });
}

afterEach(() => {
  _setWinograd('auto');
});

describe('Winograd conv2d vs PyTorch (float64 reference)', () => {
  for (const mode of ['f2', 'f4', 'auto'] as const) {
    for (const c of fx.cases) {
      it(`${mode}: ${c.name}`, () => {
        _setWinograd(mode);
        const y = run(c);
        expect(y.shape).toEqual(c.out.shape);
        // measured max over these cases: im2col 8.9e-7; forced f2 8.2e-6 (a F(4x4,4x4) case),
        // forced f4 1.2e-5 (F(4x4,3x3), 32 channels), auto 9.2e-6
        expect(relErr(y, c.out.data)).toBeLessThan(TOL);
      });
    }
  }
});

describe('Winograd conv2d vs im2col + GEMM', () => {
  const shapes: [number, number, number, number, number, number | [number, number]][] = [
    // N, C, H, W, O, padding
    [1, 64, 20, 20, 64, 1],
    [1, 40, 7, 7, 72, 1],
    [2, 17, 9, 6, 11, 1],
    [1, 8, 1, 2, 8, 1],
    [1, 8, 5, 5, 8, 0],
    [1, 5, 4, 4, 3, [2, 0]],
  ];
  const strided: [number, number, number, number, number, [number, number], number, number | [number, number]][] = [
    // N, C, H, W, O, kernel, stride, padding
    [1, 3, 64, 64, 16, [7, 7], 2, 3],
    [2, 5, 21, 18, 12, [7, 7], 2, 3],
    [1, 8, 30, 30, 8, [5, 5], 2, 2],
    [1, 6, 16, 16, 10, [4, 4], 1, [1, 2]],
    [1, 3, 3, 2, 4, [7, 7], 2, 3],
  ];
  for (const [N, C, H, W, O, k, stride, padding] of strided) {
    it(`N=${N} C=${C} ${H}x${W} O=${O} ${k.join('x')} stride ${stride} padding ${JSON.stringify(padding)}`, () => {
      const x = torch.randn([N, C, H, W]);
      const w = torch.randn([O, C, k[0], k[1]]).mul(1 / Math.sqrt(C * k[0] * k[1]));
      const b = torch.randn([O]);
      _setWinograd('off');
      const e = torch.conv2d(x, w, b, { padding, stride }).dataSync() as Float32Array;
      for (const mode of ['f2', 'f4', 'auto'] as const) {
        _setWinograd(mode);
        expect(relErr(torch.conv2d(x, w, b, { padding, stride }), e)).toBeLessThan(TOL);
      }
    });
  }
  for (const [N, C, H, W, O, padding] of shapes) {
    it(`N=${N} C=${C} ${H}x${W} O=${O} padding ${JSON.stringify(padding)}`, () => {
      const x = torch.randn([N, C, H, W]);
      const w = torch.randn([O, C, 3, 3]).mul(1 / (3 * Math.sqrt(C)));
      const b = torch.randn([O]);
      _setWinograd('off');
      const ref = torch.conv2d(x, w, b, { padding });
      const e = ref.dataSync() as Float32Array;
      for (const mode of ['f2', 'f4'] as const) {
        _setWinograd(mode);
        expect(relErr(torch.conv2d(x, w, b, { padding }), e)).toBeLessThan(TOL);
      }
    });
  }
});

describe('Winograd transformed-weight cache', () => {
  it('reuses the transform and redoes it after an in-place update of the weight', () => {
    _setWinograd('f4');
    const x = torch.randn([1, 8, 9, 9]);
    const w = torch.randn([12, 8, 3, 3]).mul(0.1);
    const y1 = torch.conv2d(x, w, null, { padding: 1 });
    expect(relErr(torch.conv2d(x, w, null, { padding: 1 }), y1.dataSync() as Float32Array)).toBe(0);
    w.mul_(2);
    const y2 = torch.conv2d(x, w, null, { padding: 1 });
    _setWinograd('off');
    const ref = torch.conv2d(x, w, null, { padding: 1 });
    expect(relErr(y2, ref.dataSync() as Float32Array)).toBeLessThan(TOL);
    // switching the tile size for the same weight
    _setWinograd('f2');
    expect(relErr(torch.conv2d(x, w, null, { padding: 1 }), ref.dataSync() as Float32Array)).toBeLessThan(TOL);
  });

  it('an in-place update of the base of a view weight invalidates the cache', () => {
    _setWinograd('f4');
    const x = torch.randn([1, 8, 6, 6]);
    const base = torch.randn([2, 10, 8, 3, 3]).mul(0.1);
    const w = base.select(0, 1);
    const y0 = torch.conv2d(x, w, null, { padding: 1 });
    base.mul_(-3);
    const y = torch.conv2d(x, w, null, { padding: 1 });
    expect(relErr(y, y0.mul(-3).dataSync() as Float32Array)).toBeLessThan(TOL);
    _setWinograd('off');
    expect(relErr(y, torch.conv2d(x, w, null, { padding: 1 }).dataSync() as Float32Array)).toBeLessThan(TOL);
  });

  it('training steps: gradients through Winograd forward, parameter updates seen by the next step', () => {
    const x = torch.randn([2, 8, 7, 7]);
    const w = torch.randn([8, 8, 3, 3]).mul(0.1).requiresGrad_(true);
    const opt = new torch.optim.SGD([w], { lr: 0.001 });
    for (let step = 0; step < 3; step++) {
      _setWinograd('f4');
      opt.zeroGrad();
      const y = torch.conv2d(x, w, null, { padding: 1 });
      const loss = y.pow(2).sum();
      loss.backward();
      const gw = w.grad!.clone();
      _setWinograd('off');
      const w2 = w.detach().clone().requiresGrad_(true);
      const y2 = torch.conv2d(x, w2, null, { padding: 1 });
      expect(relErr(y, y2.dataSync() as Float32Array)).toBeLessThan(TOL);
      y2.pow(2).sum().backward();
      expect(relErr(gw, w2.grad!.dataSync() as Float32Array)).toBeLessThan(TOL);
      opt.step();
    }
  });

  it('non-leaf weights (computed each call) are transformed per call', () => {
    _setWinograd('f4');
    const x = torch.randn([1, 8, 5, 5]);
    const v = torch.randn([8, 8, 3, 3]).requiresGrad_(true);
    const y = torch.conv2d(x, v.mul(0.1), null, { padding: 1 });
    _setWinograd('off');
    const ref = torch.conv2d(x, v.detach().mul(0.1), null, { padding: 1 });
    expect(relErr(y, ref.dataSync() as Float32Array)).toBeLessThan(TOL);
  });
});

describe('auto policy for weights that change (training)', () => {
  it('uses im2col for a small conv with a weight requiring grad, Winograd for a constant one', () => {
    const x = torch.randn([1, 16, 7, 7]);
    const wc = torch.randn([16, 16, 3, 3]).mul(0.1);
    const wg = wc.clone().requiresGrad_(true);
    _setWinograd('off');
    const direct = torch.conv2d(x, wc, null, { padding: 1 }).dataSync() as Float32Array;
    _setWinograd('f4');
    const wino = torch.conv2d(x, wc.clone(), null, { padding: 1 }).dataSync() as Float32Array;
    _setWinograd('auto');
    // 49 output pixels: transforming a changing weight every call does not pay
    expect(Array.from(torch.conv2d(x, wg, null, { padding: 1 }).dataSync() as Float32Array)).toEqual(Array.from(direct));
    // a constant weight is transformed once and cached
    expect(Array.from(torch.conv2d(x, wc, null, { padding: 1 }).dataSync() as Float32Array)).toEqual(Array.from(wino));
    // a bigger batch repays the transform even for a weight requiring grad
    const xb = torch.randn([4, 16, 7, 7]);
    _setWinograd('f4');
    const winoB = torch.conv2d(xb, wg.detach().clone(), null, { padding: 1 }).dataSync() as Float32Array;
    _setWinograd('auto');
    expect(Array.from(torch.conv2d(xb, wg, null, { padding: 1 }).dataSync() as Float32Array)).toEqual(Array.from(winoB));
  });
});

describe('transformed-weight cache memory', () => {
  it('frees the transforms of disposed weights when new ones are cached (synchronous loop)', () => {
    const x = torch.randn([1, 8, 10, 10]);
    const w0 = torch.randn([16, 8, 3, 3]);
    torch.conv2d(x, w0, null, { padding: 1 }).dispose();
    const one = _winogradCacheBytes();
    w0.dispose();
    for (let i = 0; i < 50; i++) {
      const w = torch.randn([16, 8, 3, 3]);
      torch.conv2d(x, w, null, { padding: 1 }).dispose();
      w.dispose();
    }
    // the last weight's entry (freed at the next growth); the 50 others were swept
    expect(_winogradCacheBytes()).toBeLessThanOrEqual(one);
    expect(_winogradCacheBytes()).toBeGreaterThan(0);
  });

});

describe('transformed-weight cache cap', () => {
  it('runs im2col for new weights once the cache is full, Winograd for weights already cached', () => {
    const x = torch.randn([1, 8, 12, 12]);
    const w1 = torch.randn([8, 8, 3, 3]).mul(0.1);
    const w2 = torch.randn([8, 8, 3, 3]).mul(0.1);
    _setWinograd('off');
    const d1 = Array.from(torch.conv2d(x, w1, null, { padding: 1 }).dataSync() as Float32Array);
    const d2 = Array.from(torch.conv2d(x, w2, null, { padding: 1 }).dataSync() as Float32Array);
    _setWinograd('f4');
    const f1 = Array.from(torch.conv2d(x, w1.clone(), null, { padding: 1 }).dataSync() as Float32Array);
    _setWinograd('auto');
    const y1 = Array.from(torch.conv2d(x, w1, null, { padding: 1 }).dataSync() as Float32Array);
    expect(y1).toEqual(f1);
    const old = _setWinogradCacheCap(0);
    try {
      expect(Array.from(torch.conv2d(x, w1, null, { padding: 1 }).dataSync() as Float32Array)).toEqual(f1);
      expect(Array.from(torch.conv2d(x, w2, null, { padding: 1 }).dataSync() as Float32Array)).toEqual(d2);
    } finally {
      _setWinogradCacheCap(old);
    }
    expect(relErr(torch.tensor(y1), d1)).toBeLessThan(TOL);
  });

  it('counts its bytes in torch.memory().cachedBytes and stays within the memory budget', () => {
    const x = torch.randn([1, 16, 12, 12]);
    const before = torch.memory().cachedBytes;
    const w = torch.randn([16, 16, 3, 3]);
    torch.conv2d(x, w, null, { padding: 1 }).dispose();
    const grown = torch.memory().cachedBytes - before;
    // F(4x4, 3x3): 36 frequencies of a 16 x 16 matrix (plus the layout's padding)
    expect(grown).toBeGreaterThanOrEqual(36 * 16 * 16 * 4);
    // the Winograd cache is the only kernel cache counted there
    expect(torch.memory().cachedBytes).toBe(_winogradCacheBytes());
    // a budget the cache is already past: new weights are not cached (they run as im2col)
    const budget = torch.memory().budget;
    torch.setMemoryBudget(Math.max(1, _winogradCacheBytes()));
    try {
      const w2 = torch.randn([16, 16, 3, 3]);
      const at = torch.memory().cachedBytes;
      torch.conv2d(x, w2, null, { padding: 1 }).dispose();
      expect(torch.memory().cachedBytes).toBe(at);
    } finally {
      torch.setMemoryBudget(budget);
    }
  });
});

describe('conv1d', () => {
  it('matches im2col under every policy (auto leaves 1 x k kernels to im2col)', () => {
    const x = torch.randn([2, 8, 37]);
    const w = torch.randn([12, 8, 3]).mul(0.2);
    const b = torch.randn([12]);
    _setWinograd('off');
    const ref = torch.conv1d(x, w, b, { padding: 1 }).dataSync() as Float32Array;
    _setWinograd('auto');
    expect(Array.from(torch.conv1d(x, w, b, { padding: 1 }).dataSync() as Float32Array)).toEqual(Array.from(ref));
    for (const mode of ['f2', 'f4'] as const) {
      _setWinograd(mode);
      expect(relErr(torch.conv1d(x, w, b, { padding: 1 }), ref)).toBeLessThan(TOL);
    }
  });
});

describe('convs Winograd does not apply to run the im2col path', () => {
  it('dilation 2, groups 2, 5x5 at stride 1, stride 3, unequal strides under a forced Winograd mode', () => {
    const x = torch.randn([1, 8, 11, 11]);
    for (const [w, opts] of [
      [torch.randn([8, 8, 3, 3]), { padding: 2, dilation: 2 }],
      [torch.randn([8, 4, 3, 3]), { padding: 1, groups: 2 }],
      [torch.randn([8, 8, 5, 5]), { padding: 2 }],
      [torch.randn([8, 8, 7, 7]), { padding: 3, stride: 3 }],
      [torch.randn([8, 8, 7, 7]), { padding: 3, stride: [2, 1] }],
    ] as [Tensor, Record<string, unknown>][]) {
      _setWinograd('off');
      const ref = torch.conv2d(x, w, null, opts).dataSync() as Float32Array;
      _setWinograd('f4');
      expect(relErr(torch.conv2d(x, w, null, opts), ref)).toBe(0);
    }
  });
});

describe('Winograd conv2d on threads', () => {
  it('gives bit-identical results at 1 and 2 threads (tile blocks and output-channel ranges split)', () => {
    const before = torch.getNumThreads();
    const oldThreshold = setGemmThreshold(0);
    try {
      for (const mode of ['f2', 'f4'] as const) {
        _setWinograd(mode);
        for (const [N, C, H, W, O] of [[1, 16, 7, 7, 20], [2, 8, 13, 9, 24], [1, 32, 30, 30, 8], [3, 4, 2, 2, 40]]) {
          const x = torch.randn([N, C, H, W]);
          const w = torch.randn([O, C, 3, 3]).mul(0.1);
          const b = torch.randn([O]);
          torch.setNumThreads(1);
          const y1 = torch.conv2d(x, w, b, { padding: 1 }).dataSync() as Float32Array;
          torch.setNumThreads(2);
          const y2 = torch.conv2d(x, w, b, { padding: 1 }).dataSync() as Float32Array;
          expect(y2.length).toBe(y1.length);
          let same = true;
          for (let i = 0; i < y1.length; i++) if (!Object.is(y1[i], y2[i])) same = false;
          expect(same).toBe(true);
          _setWinograd('off');
          expect(relErr(torch.conv2d(x, w, b, { padding: 1 }), y2)).toBeLessThan(TOL);
          _setWinograd(mode);
        }
      }
    } finally {
      setGemmThreshold(oldThreshold);
      torch.setNumThreads(before);
    }
  });
});
