// Convolutions against PyTorch fixtures (tests/gen/conv_fixtures.py -> tests/fixtures/conv/conv.json):
// conv1d/conv2d/convTranspose1d/2d forward and input/weight/bias gradients over strides, dilation,
// groups, depthwise, 1x1, 'same'/'valid' padding, unbatched and non-contiguous input; PyTorch's
// error messages; double backward checked by finite differences; float16 input.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as torch from '../ts/index.js';
import type { Tensor } from '../ts/index.js';
import { _setIm2colCap } from '../ts/ops/conv.js';

interface TJ { shape: number[]; data: number[] }
interface Case { name: string; op: string; inputs: Record<string, TJ | null>; kwargs: Record<string, unknown>; out: TJ; gradOut: TJ; grads: Record<string, TJ>; transposeInput?: boolean }
const fx = JSON.parse(readFileSync(new URL('./fixtures/conv/conv.json', import.meta.url), 'utf8')) as { cases: Case[]; errors: { name: string; message: string }[] };

const mk = (t: TJ, grad = false): Tensor => torch.tensor(t.data, { dtype: 'float32' }).reshape(t.shape).detach().requiresGrad_(grad);

function expectClose(actual: Tensor, expected: TJ, tol = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync() as Float32Array;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    const err = Math.abs(a[i] - e) / (1 + Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (!(worst <= tol)) throw new Error(`max relative error ${worst} at ${at}: got ${a[at]}, expected ${expected.data[at]}`);
}

const FNS: Record<string, (x: Tensor, w: Tensor, b: Tensor | null, kw: Record<string, unknown>) => Tensor> = {
  conv2d: (x, w, b, kw) => torch.conv2d(x, w, b, kw),
  conv1d: (x, w, b, kw) => torch.conv1d(x, w, b, kw),
  convTranspose2d: (x, w, b, kw) => torch.convTranspose2d(x, w, b, kw),
  convTranspose1d: (x, w, b, kw) => torch.convTranspose1d(x, w, b, kw),
};

describe('conv forward and backward vs PyTorch', () => {
  for (const c of fx.cases) {
    it(`${c.op}: ${c.name}`, () => {
      let x = mk(c.inputs.x as TJ, true);
      const xLeaf = x;
      if (c.transposeInput) x = x.transpose(2, 3);
      const w = mk(c.inputs.w as TJ, true);
      const b = c.inputs.b ? mk(c.inputs.b, true) : null;
      const y = FNS[c.op](x, w, b, c.kwargs);
      expectClose(y, c.out);
      y.backward(mk(c.gradOut));
      if (c.transposeInput) expectClose(xLeaf.grad!.transpose(2, 3).contiguous(), c.grads.x);
      else expectClose(xLeaf.grad!, c.grads.x);
      expectClose(w.grad!, c.grads.w);
      if (b) expectClose(b.grad!, c.grads.b);
    });
  }
});

describe('conv in im2col bands (tiny buffer cap)', () => {
  for (const c of fx.cases.filter((k) => k.op === 'conv2d' || k.op === 'convTranspose2d')) {
    it(`${c.op}: ${c.name}`, () => {
      const old = _setIm2colCap(1);
      try {
        let x = mk(c.inputs.x as TJ, true);
        const xLeaf = x;
        if (c.transposeInput) x = x.transpose(2, 3);
        const w = mk(c.inputs.w as TJ, true);
        const b = c.inputs.b ? mk(c.inputs.b, true) : null;
        const y = FNS[c.op](x, w, b, c.kwargs);
        expectClose(y, c.out);
        y.backward(mk(c.gradOut));
        if (c.transposeInput) expectClose(xLeaf.grad!.transpose(2, 3).contiguous(), c.grads.x);
        else expectClose(xLeaf.grad!, c.grads.x);
        expectClose(w.grad!, c.grads.w);
      } finally {
        _setIm2colCap(old);
      }
    });
  }
});

describe('conv argument forms and errors', () => {
  const byName = Object.fromEntries(fx.errors.map((e) => [e.name, e.message]));
  it('throws PyTorch messages', () => {
    expect(() => torch.conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(8, 3, 3, 3))).toThrow(byName.channels);
    expect(() => torch.conv2d(torch.zeros(5, 5), torch.zeros(8, 3, 3, 3))).toThrow(byName.rank);
    expect(() => torch.conv2d(torch.zeros(1, 3, 2, 2), torch.zeros(8, 3, 3, 3))).toThrow(byName['kernel too large']);
    expect(() => torch.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(8, 3, 3, 3), torch.zeros(7))).toThrow(byName['bias size']);
    expect(() => torch.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(8, 3, 3, 3), null, { padding: 'same', stride: 2 })).toThrow(byName['same strided']);
    expect(() => torch.conv1d(torch.zeros(5), torch.zeros(8, 3, 3))).toThrow(byName['conv1d rank']);
    expect(() => torch.conv1d(torch.zeros(1, 3, 2), torch.zeros(8, 3, 3))).toThrow(byName['conv1d kernel too large']);
    expect(() => torch.conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(3, 2, 3, 3), null, { groups: 2 })).toThrow(
      /Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size \[3, 2, 3, 3\] instead/,
    );
    expect(() => torch.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(8, 3, 3))).toThrow(RangeError);
    expect(() => torch.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(8, 3, 3, 3), null, { stride: 0 })).toThrow('non-positive stride is not supported');
    expect(() => torch.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(8, 3, 3, 3), null, { padding: -1 })).toThrow('negative padding is not supported');
    expect(() => torch.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(8, 3, 3, 3), null, { padding: 'full' as 'same' })).toThrow("Invalid padding string: 'full'");
    expect(() => torch.conv2d(torch.zeros([1, 3, 5, 5], { dtype: 'int64' }), torch.zeros(8, 3, 3, 3))).toThrow(TypeError);
    expect(() => torch.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(8, 3, 3, 3), null, { strides: 2 } as never)).toThrow(/unexpected keyword argument 'strides'/);
    expect(() => torch.convTranspose2d(torch.zeros(1, 3, 5, 5), torch.zeros(4, 2, 3, 3))).toThrow(/expected input\[1, 3, 5, 5\] to have 4 channels/);
    expect(() => torch.convTranspose2d(torch.zeros(1, 4, 5, 5), torch.zeros(4, 2, 3, 3), null, { stride: 2, outputPadding: 2 })).toThrow(/output padding must be smaller/);
  });

  it('accepts positional optional arguments like PyTorch', () => {
    const x = torch.randn(1, 4, 6, 6);
    const w = torch.randn(4, 2, 3, 3);
    const b = torch.randn(4);
    const a = torch.conv2d(x, w, b, 2, 1, 1, 2);
    const o = torch.conv2d(x, w, b, { stride: 2, padding: 1, groups: 2 });
    expect(a.shape).toEqual([1, 4, 3, 3]);
    expect(Array.from(a.dataSync() as Float32Array)).toEqual(Array.from(o.dataSync() as Float32Array));
    const t = torch.convTranspose2d(x, torch.randn(4, 3, 3, 3), null, 2, 1, 1);
    expect(t.shape).toEqual([1, 3, 12, 12]);
  });

  it('reads non-contiguous weight and bias', () => {
    const x = torch.randn(2, 3, 6, 5);
    const wt = torch.randn(3, 3, 3, 4); // [C, kh, kw, O] permuted to [O, C, kh, kw]
    const w = wt.permute(3, 0, 1, 2);
    const b2 = torch.randn(4, 2);
    const b = b2.select(1, 1);
    expect(w.isContiguous()).toBe(false);
    const y = torch.conv2d(x, w, b, { padding: 1, stride: [2, 1] });
    const ref = torch.conv2d(x, w.contiguous(), b.contiguous(), { padding: 1, stride: [2, 1] });
    expect(y.tolist()).toEqual(ref.tolist());
  });

  it('handles empty batches and float16', () => {
    const y = torch.conv2d(torch.zeros(0, 3, 5, 5), torch.ones(2, 3, 3, 3), torch.ones(2));
    expect(y.shape).toEqual([0, 2, 3, 3]);
    const x = torch.randn(1, 2, 5, 5);
    const w = torch.randn(3, 2, 3, 3);
    const ref = torch.conv2d(x.half().float(), w.half().float(), null, { padding: 1 });
    const h = torch.conv2d(x.half(), w.half(), null, { padding: 1 });
    expect(h.dtype).toBe('float16');
    const hv = h.float().dataSync() as Float32Array;
    const rv = ref.dataSync() as Float32Array;
    for (let i = 0; i < rv.length; i++) expect(Math.abs(hv[i] - rv[i])).toBeLessThan(2e-2 * (1 + Math.abs(rv[i])));
  });

  /** Direct loop reference for conv2d (groups, stride, padding, dilation). */
  function refConv(x: Tensor, w: Tensor, b: Tensor | null, s: number | readonly [number, number], p: number, d: number, groups: number): { shape: number[]; data: number[] } {
    const [N, C, H, W] = x.shape;
    const [O, Cg, kh, kw] = w.shape;
    const [sh, sw] = typeof s === 'number' ? [s, s] : s;
    const OH = Math.floor((H + 2 * p - d * (kh - 1) - 1) / sh) + 1;
    const OW = Math.floor((W + 2 * p - d * (kw - 1) - 1) / sw) + 1;
    const xv = x.dataSync() as Float32Array;
    const wv = w.dataSync() as Float32Array;
    const bv = b ? (b.dataSync() as Float32Array) : null;
    const out: number[] = [];
    const Og = O / groups;
    for (let n = 0; n < N; n++)
      for (let o = 0; o < O; o++)
        for (let i = 0; i < OH; i++)
          for (let j = 0; j < OW; j++) {
            let acc = bv ? bv[o] : 0;
            const g = Math.floor(o / Og);
            for (let c = 0; c < Cg; c++)
              for (let a = 0; a < kh; a++)
                for (let e = 0; e < kw; e++) {
                  const ii = i * sh - p + a * d;
                  const jj = j * sw - p + e * d;
                  if (ii >= 0 && ii < H && jj >= 0 && jj < W) acc += xv[((n * C + g * Cg + c) * H + ii) * W + jj] * wv[((o * Cg + c) * kh + a) * kw + e];
                }
            out.push(acc);
          }
    return { shape: [N, O, OH, OW], data: out };
  }

  for (const [name, N, C, O, H, W, k, s, p, d, groups] of [
    ['depthwise wide stride 1', 2, 7, 7, 13, 37, 3, 1, 1, 1, 7],
    ['depthwise wide stride 2', 1, 5, 5, 15, 41, 3, 2, 1, 1, 5],
    ['depthwise 5x5 stride 2 multiplier 3', 1, 2, 6, 12, 29, 5, 2, 2, 1, 2],
    ['general odd channels stride 2', 2, 9, 17, 11, 13, 3, 2, 1, 1, 1],
    ['1x1 large', 1, 33, 65, 9, 10, 1, 1, 0, 1, 1],
    ['grouped dilated', 1, 12, 18, 10, 12, 3, 1, 2, 2, 3],
    ['depthwise 3x3 no padding', 1, 3, 3, 9, 23, 3, 1, 0, 1, 3],
    ['depthwise 3x3 stride (2, 1)', 2, 4, 4, 12, 30, 3, [2, 1], 1, 1, 4],
    ['depthwise 3x3 pad 2 narrow', 1, 2, 2, 6, 3, 3, 1, 2, 1, 2],
  ] as const) {
    it(`matches a reference loop: ${name}`, () => {
      const x = torch.randn(N, C, H, W);
      const w = torch.randn(O, C / groups, k, k);
      const b = torch.randn(O);
      const y = torch.conv2d(x, w, b, { stride: s, padding: p, dilation: d, groups });
      expectClose(y, refConv(x, w, b, s, p, d, groups), 1e-4);
    });
  }

  it('depthwise sweep: kernel 1-5, strides (1-3, 1-3), padding 0-3, images 1-9 wide, multiplier 1-2', () => {
    // the padded-plane kernel (column stride 1 or 2) and the general one (stride 3, dilation 2)
    torch.manualSeed(11);
    let seed = 5;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let cases = 0;
    while (cases < 80) {
      const k = 1 + rnd(5);
      const sh = 1 + rnd(3);
      const sw = 1 + rnd(3);
      const p = rnd(Math.min(4, k + 1));
      const d = rnd(6) === 0 ? 2 : 1;
      const H = 1 + rnd(9);
      const W = 1 + rnd(9);
      if (H + 2 * p < d * (k - 1) + 1 || W + 2 * p < d * (k - 1) + 1) continue;
      const C = 1 + rnd(3);
      const mult = 1 + rnd(2);
      const N = 1 + rnd(2);
      const x = torch.randn(N, C, H, W);
      const w = torch.randn(C * mult, 1, k, k);
      const b = rnd(2) ? torch.randn(C * mult) : null;
      const y = torch.conv2d(x, w, b, { stride: [sh, sw], padding: p, dilation: d, groups: C });
      expectClose(y, refConv(x, w, b, [sh, sw], p, d, C), 1e-4);
      cases++;
    }
  });
});

describe('conv double backward', () => {
  it('grad of (grad w.r.t. input) matches finite differences', () => {
    torch.manualSeed(3);
    const x = torch.randn([1, 2, 5, 5], { requiresGrad: true });
    const w = torch.randn([3, 2, 3, 3], { requiresGrad: true });
    const f = (xx: Tensor, ww: Tensor): Tensor => {
      const y = torch.conv2d(xx, ww, null, { stride: 2, padding: 1 });
      const [gx] = torch.autograd.grad([y.square().sum()], [xx], { createGraph: true });
      return gx!.square().sum();
    };
    const loss = f(x, w);
    loss.backward();
    const gw = w.grad!.dataSync() as Float32Array;
    const wv = w.detach().dataSync() as Float32Array;
    const eps = 1e-2;
    for (const k of [0, 7, 20, 41]) {
      const wp = Float32Array.from(wv);
      const wm = Float32Array.from(wv);
      wp[k] += eps;
      wm[k] -= eps;
      const xd = x.detach().requiresGrad_(true);
      const lp = f(xd, torch.tensor(wp).reshape(w.shape)).item() as number;
      const xd2 = x.detach().requiresGrad_(true);
      const lm = f(xd2, torch.tensor(wm).reshape(w.shape)).item() as number;
      const fd = (lp - lm) / (2 * eps);
      expect(Math.abs(fd - gw[k])).toBeLessThan(2e-2 * (1 + Math.abs(fd)));
    }
  });
});
