// Pooling and spatial ops against PyTorch fixtures (tests/gen/conv_fixtures.py ->
// tests/fixtures/conv/{pool,spatial}.json): max/avg/adaptive pooling (values, indices, gradients),
// interpolate (every mode), pad (every mode), pixelShuffle/Unshuffle, unfold/fold; argument forms,
// errors, non-contiguous input, double backward of max pooling.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as torch from '../ts/index.js';
import type { Tensor } from '../ts/index.js';

interface TJ { shape: number[]; data: number[] }
interface Case { name: string; op: string; inputs: { x: TJ }; kwargs: Record<string, unknown>; out: TJ; gradOut: TJ; grads: Record<string, TJ>; indices?: TJ }
const load = (f: string): { cases: Case[]; errors?: { name: string; message: string }[] } =>
  JSON.parse(readFileSync(new URL(`./fixtures/conv/${f}`, import.meta.url), 'utf8'));
const pool = load('pool.json');
const spatial = load('spatial.json');

const mk = (t: TJ, grad = false): Tensor => torch.tensor(t.data, { dtype: 'float32' }).reshape(t.shape).detach().requiresGrad_(grad);

function expectClose(actual: Tensor, expected: TJ, tol = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    const err = Math.abs(Number(a[i]) - e) / (1 + Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (!(worst <= tol)) throw new Error(`max relative error ${worst} at ${at}: got ${a[at]}, expected ${expected.data[at]}`);
}

type Fn = (x: Tensor, kw: Record<string, unknown>) => Tensor | [Tensor, Tensor];
const omit = (kw: Record<string, unknown>, ...keys: string[]): Record<string, unknown> => Object.fromEntries(Object.entries(kw).filter(([k]) => !keys.includes(k)));
const FNS: Record<string, Fn> = {
  maxPool2d: (x, kw) => torch.maxPool2d(x, kw.kernelSize as number, omit(kw, 'kernelSize')),
  maxPool1d: (x, kw) => torch.maxPool1d(x, kw.kernelSize as number, omit(kw, 'kernelSize')),
  avgPool2d: (x, kw) => torch.avgPool2d(x, kw.kernelSize as number, omit(kw, 'kernelSize')),
  avgPool1d: (x, kw) => torch.avgPool1d(x, kw.kernelSize as number, omit(kw, 'kernelSize')),
  adaptiveAvgPool2d: (x, kw) => torch.adaptiveAvgPool2d(x, kw.outputSize as number),
  adaptiveAvgPool1d: (x, kw) => torch.adaptiveAvgPool1d(x, kw.outputSize as number),
  adaptiveMaxPool2d: (x, kw) => torch.adaptiveMaxPool2d(x, kw.outputSize as number, (kw.returnIndices as boolean) ?? false),
  adaptiveMaxPool1d: (x, kw) => torch.adaptiveMaxPool1d(x, kw.outputSize as number, (kw.returnIndices as boolean) ?? false),
  interpolate: (x, kw) => torch.interpolate(x, kw),
  pad: (x, kw) => torch.pad(x, kw.pad as number[], omit(kw, 'pad')),
  pixelShuffle: (x, kw) => torch.pixelShuffle(x, kw.upscale_factor as number),
  pixelUnshuffle: (x, kw) => torch.pixelUnshuffle(x, kw.downscale_factor as number),
  unfold: (x, kw) => torch.unfold(x, kw.kernelSize as number, omit(kw, 'kernelSize')),
  fold: (x, kw) => torch.fold(x, kw.outputSize as number[], kw.kernelSize as number, omit(kw, 'kernelSize', 'outputSize')),
};

function runCases(cases: Case[]): void {
  for (const c of cases) {
    it(`${c.op}: ${c.name}`, () => {
      const x = mk(c.inputs.x, true);
      const r = FNS[c.op](x, c.kwargs);
      const y = Array.isArray(r) ? r[0] : r;
      expectClose(y, c.out);
      if (c.indices) {
        expect(Array.isArray(r)).toBe(true);
        const ind = (r as [Tensor, Tensor])[1];
        expect(ind.dtype).toBe('int64');
        expect(ind.shape).toEqual(c.indices.shape);
        expect(ind.tolist()).toEqual(torch.tensor(c.indices.data).reshape(c.indices.shape).tolist());
      }
      y.backward(mk(c.gradOut));
      expectClose(x.grad!, c.grads.x);
    });
  }
}

describe('pooling vs PyTorch', () => {
  runCases(pool.cases);
  // without autograd and without indices, max pooling takes the separable values-only kernel
  for (const c of pool.cases.filter((k) => k.op === 'maxPool2d' || k.op === 'maxPool1d')) {
    it(`${c.op} inference path: ${c.name}`, () => {
      const kw = { ...c.kwargs, returnIndices: false };
      const y = torch.noGrad(() => FNS[c.op](mk(c.inputs.x), kw)) as Tensor;
      expectClose(y, c.out);
    });
  }
});
describe('spatial ops vs PyTorch', () => runCases(spatial.cases));

describe('pooling and spatial argument forms, errors, layouts', () => {
  it('throws PyTorch messages', () => {
    const byName = Object.fromEntries((pool.errors ?? []).map((e) => [e.name, e.message]));
    expect(() => torch.maxPool2d(torch.zeros(1, 1, 5, 5), 2, { padding: 2 })).toThrow(byName['pool pad too large']);
    expect(() => torch.maxPool2d(torch.zeros(1, 1, 2, 2), 3)).toThrow(byName['pool output too small']);
    expect(() => torch.maxPool2d(torch.zeros(5, 5), 2)).toThrow(byName['pool rank']);
    expect(() => torch.avgPool2d(torch.zeros(1, 1, 4, 4), 2, { divisorOverride: 0 })).toThrow('divisor must be not zero');
    expect(() => torch.pad(torch.zeros(1, 2, 3), [3, 3], 'reflect')).toThrow(/Padding size should be less than the corresponding input dimension/);
    expect(() => torch.pad(torch.zeros(1, 2, 3), [1, 1, 1])).toThrow('Padding length must be divisible by 2');
    expect(() => torch.pad(torch.zeros(1, 2, 3), [5, 5], 'circular')).toThrow('Padding value causes wrapping around more than once.');
    expect(() => torch.interpolate(torch.zeros(1, 1, 4), { size: 8, mode: 'bilinear' })).toThrow('Got 3D input, but bilinear mode needs 4D input');
    expect(() => torch.interpolate(torch.zeros(1, 1, 4, 4), { size: 8, mode: 'nearest', alignCorners: true })).toThrow(/align_corners option can only be set/);
    expect(() => torch.interpolate(torch.zeros(1, 1, 4, 4))).toThrow('either size or scale_factor should be defined');
    expect(() => torch.pixelShuffle(torch.zeros(1, 5, 2, 2), 2)).toThrow("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=5 is not divisible by 4");
    expect(() => torch.fold(torch.zeros(1, 12, 11), [4, 5], 2)).toThrow(/expected size of input's dimension 2 to match the calculated number of sliding blocks 3 \* 4 = 12/);
    expect(() => torch.maxPool2d(torch.zeros([1, 1, 4, 4], { dtype: 'int64' }), 2)).toThrow(TypeError);
  });

  it('positional arguments equal the options form', () => {
    const x = torch.randn(1, 2, 7, 7);
    const [a, ai] = torch.maxPool2d(x, 3, 2, 1, 1, false, true) as unknown as [Tensor, Tensor];
    const [b, bi] = torch.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
    expect(a.tolist()).toEqual(b.tolist());
    expect(ai.tolist()).toEqual(bi.tolist());
    expect(torch.avgPool2d(x, 3, 2, 1, true, false).tolist()).toEqual(torch.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).tolist());
    expect(torch.interpolate(x, null, 2, 'bilinear', true).tolist()).toEqual(torch.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }).tolist());
    expect(torch.pad(x, [1, 1], 'constant', 2).tolist()).toEqual(torch.pad(x, [1, 1], { value: 2 }).tolist());
  });

  it('reads non-contiguous input', () => {
    const base = torch.randn(1, 2, 6, 5);
    const xt = base.transpose(2, 3);
    const xc = xt.contiguous();
    expect(torch.maxPool2d(xt, 2).tolist()).toEqual(torch.maxPool2d(xc, 2).tolist());
    expect(torch.avgPool2d(xt, 2).tolist()).toEqual(torch.avgPool2d(xc, 2).tolist());
    expect(torch.interpolate(xt, { scaleFactor: 2, mode: 'bilinear' }).tolist()).toEqual(torch.interpolate(xc, { scaleFactor: 2, mode: 'bilinear' }).tolist());
    expect(torch.pad(xt, [1, 2, 2, 1], 'reflect').tolist()).toEqual(torch.pad(xc, [1, 2, 2, 1], 'reflect').tolist());
    expect(torch.unfold(xt, 2).tolist()).toEqual(torch.unfold(xc, 2).tolist());
  });

  it('max pooling propagates NaN and handles -inf windows', () => {
    const x = torch.tensor([[[[1, NaN, 3, 4], [5, 6, 7, 8]]]], { dtype: 'float32' });
    const [y, i] = torch.maxPool2d(x, 2, { returnIndices: true });
    const v = y.dataSync() as Float32Array;
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v[1]).toBe(8);
    expect(i.tolist()).toEqual([[[[1, 7]]]]);
  });

  it('max pooling indices follow PyTorch for several NaNs and -inf windows', () => {
    const x = torch.tensor([[[[1, NaN, 3, 4], [NaN, 6, 7, 8], [-Infinity, -Infinity, 2, 2]]]], { dtype: 'float32' });
    const [, i1] = torch.maxPool2d(x, 2, { stride: 1, returnIndices: true });
    expect(i1.tolist()).toEqual([[[[4, 1, 7], [4, 6, 7]]]]);
    const [, i2] = torch.adaptiveMaxPool2d(x, [1, 2], true);
    expect(i2.tolist()).toEqual([[[[4, 7]]]]);
    const [v3, i3] = torch.maxPool2d(torch.full([1, 1, 3, 3], -Infinity), 2, { stride: 2, padding: 1, returnIndices: true });
    expect(v3.tolist()).toEqual([[[[-Infinity, -Infinity], [-Infinity, -Infinity]]]]);
    expect(i3.tolist()).toEqual([[[[0, 1], [3, 4]]]]);
  });

  it('max pooling inference path propagates NaN and matches the indexed path on wide rows', () => {
    const x = torch.tensor([[[[1, NaN, 3, 4], [5, 6, 7, 8]]]], { dtype: 'float32' });
    const v = torch.maxPool2d(x, 2).dataSync() as Float32Array;
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v[1]).toBe(8);
    for (const [k, s, p, d] of [[3, 2, 1, 1], [3, 1, 1, 1], [2, 2, 0, 1], [3, 2, 1, 2], [5, 3, 2, 1]]) {
      const xi = torch.randn(2, 3, 17, 45);
      const fast = torch.maxPool2d(xi, k, { stride: s, padding: p, dilation: d });
      const [slow] = torch.maxPool2d(xi, k, { stride: s, padding: p, dilation: d, returnIndices: true });
      expect(fast.tolist()).toEqual(slow.tolist());
      const fc = torch.maxPool2d(xi, k, { stride: s, padding: p, dilation: d, ceilMode: true });
      const [sc] = torch.maxPool2d(xi, k, { stride: s, padding: p, dilation: d, ceilMode: true, returnIndices: true });
      expect(fc.tolist()).toEqual(sc.tolist());
    }
  });

  it('max pooling inference path (padded planes for column stride 1 and 2) equals the indexed path over a sweep', () => {
    torch.manualSeed(4);
    let seed = 9;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let cases = 0;
    while (cases < 60) {
      const kh = 1 + rnd(4);
      const kw = 1 + rnd(4);
      const sh = 1 + rnd(3);
      const sw = 1 + rnd(3);
      const ph = rnd(Math.floor(kh / 2) + 1);
      const pw = rnd(Math.floor(kw / 2) + 1);
      const H = 1 + rnd(10);
      const W = 1 + rnd(10);
      const ceilMode = rnd(2) === 1;
      if (H + 2 * ph < kh || W + 2 * pw < kw) continue;
      const x = torch.randn(1 + rnd(2), 1 + rnd(3), H, W);
      const o = { stride: [sh, sw], padding: [ph, pw], ceilMode };
      const fast = torch.noGrad(() => torch.maxPool2d(x, [kh, kw], o));
      const [slow] = torch.maxPool2d(x, [kh, kw], { ...o, returnIndices: true });
      expect(fast.tolist(), JSON.stringify({ kh, kw, sh, sw, ph, pw, H, W, ceilMode })).toEqual(slow.tolist());
      cases++;
    }
  });

  it('keeps float16 and handles empty batches', () => {
    const x = torch.randn(1, 2, 6, 6);
    const h = x.half();
    for (const f of [(t: Tensor) => torch.maxPool2d(t, 2), (t: Tensor) => torch.avgPool2d(t, 3, 1, 1), (t: Tensor) => torch.interpolate(t, { scaleFactor: 2, mode: 'bilinear' }), (t: Tensor) => torch.pad(t, [1, 1, 1, 1], 'reflect')]) {
      const y = f(h);
      expect(y.dtype).toBe('float16');
      const r = f(h.float()).half().float().dataSync() as Float32Array;
      const v = y.float().dataSync() as Float32Array;
      for (let i = 0; i < r.length; i++) expect(Math.abs(v[i] - r[i])).toBeLessThan(1e-2 * (1 + Math.abs(r[i])));
    }
    expect(torch.maxPool2d(torch.zeros(0, 3, 4, 4), 2).shape).toEqual([0, 3, 2, 2]);
    expect(torch.avgPool2d(torch.zeros(0, 3, 4, 4), 2).shape).toEqual([0, 3, 2, 2]);
    expect(torch.adaptiveAvgPool2d(torch.zeros(0, 3, 4, 4), 1).shape).toEqual([0, 3, 1, 1]);
  });

  it('max pooling indices match a PyTorch-semantics reference loop on wide rows', () => {
    const ref = (x: Tensor, k: number, st: number, p: number, d: number, ceil: boolean): { v: number[]; i: number[]; OH: number; OW: number } => {
      const [N, C, H, W] = x.shape;
      const os = (L: number): number => {
        let o = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceil ? st - 1 : 0)) / st) + 1;
        if (ceil && (o - 1) * st >= L + p) o--;
        return o;
      };
      const OH = os(H);
      const OW = os(W);
      const xv = x.dataSync() as Float32Array;
      const v: number[] = [];
      const i: number[] = [];
      for (let pl = 0; pl < N * C; pl++)
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++) {
            let best = -Infinity;
            let bi = -1;
            for (let a = 0; a < k; a++)
              for (let b = 0; b < k; b++) {
                const ih = oh * st - p + a * d;
                const iw = ow * st - p + b * d;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const val = xv[pl * H * W + ih * W + iw];
                if (bi < 0) bi = ih * W + iw;
                if (val > best || Number.isNaN(val)) {
                  best = val;
                  bi = ih * W + iw;
                }
              }
            v.push(best);
            i.push(bi);
          }
      return { v, i, OH, OW };
    };
    for (const [k, st, p, d, ceil] of [[3, 2, 1, 1, false], [3, 1, 1, 1, false], [2, 2, 0, 1, true], [3, 2, 1, 2, true], [5, 3, 2, 1, false], [4, 2, 2, 1, true]] as const) {
      const x = torch.randn(2, 2, 11, 43);
      const [y, ind] = torch.maxPool2d(x, k, { stride: st, padding: p, dilation: d, ceilMode: ceil, returnIndices: true });
      const r = ref(x, k, st, p, d, ceil);
      expect(y.shape).toEqual([2, 2, r.OH, r.OW]);
      expect(Array.from(y.dataSync() as Float32Array)).toEqual(r.v);
      expect(Array.from(ind.dataSync() as BigInt64Array, Number)).toEqual(r.i);
    }
  });

  it('constant padding of infinities keeps the pad value', () => {
    const x = torch.tensor([[Infinity, -Infinity]], { dtype: 'float32' });
    expect(torch.pad(x, [1, 1]).tolist()).toEqual([[0, Infinity, -Infinity, 0]]);
    expect(torch.pad(x, [1, 0], 'constant', 2).tolist()).toEqual([[2, Infinity, -Infinity]]);
    const big = torch.tensor([[2 ** 40 + 1, -3]]);
    const pb = torch.pad(big, [1, 1, 0, 1], 'constant', 7);
    expect(pb.dtype).toBe('int64');
    expect(pb.tolist()).toEqual([[7, 2 ** 40 + 1, -3, 7], [7, 7, 7, 7]]);
    expect(torch.pad(big, [-1, 0]).tolist()).toEqual([[-3]]);
  });

  it('double backward through max pooling and interpolation (finite differences)', () => {
    torch.manualSeed(5);
    const x = torch.randn([1, 1, 5, 5], { requiresGrad: true });
    const scale = torch.randn([1, 1, 10, 10]);
    const f = (xx: Tensor): Tensor => {
      const y = torch.interpolate(torch.maxPool2d(xx, 2, { stride: 1 }), { size: [10, 10], mode: 'bilinear' });
      const [g] = torch.autograd.grad([y.mul(scale).mul(xx.sum()).sum()], [xx], { createGraph: true });
      return g!.square().sum();
    };
    f(x).backward();
    const gx = x.grad!.dataSync() as Float32Array;
    const xv = x.detach().dataSync() as Float32Array;
    const eps = 1e-3;
    for (const k of [0, 6, 12, 24]) {
      const p = Float32Array.from(xv);
      const m = Float32Array.from(xv);
      p[k] += eps;
      m[k] -= eps;
      const fd = ((f(torch.tensor(p).reshape(x.shape).requiresGrad_(true)).item() as number) - (f(torch.tensor(m).reshape(x.shape).requiresGrad_(true)).item() as number)) / (2 * eps);
      expect(Math.abs(fd - gx[k])).toBeLessThan(3e-2 * (1 + Math.abs(fd)));
    }
  });
});
