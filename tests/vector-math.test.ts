// Accuracy of the vectorised transcendental kernels (simd/math.ts: the shared exp and the functions
// built on it) against float64 Math references over wide ranges, on tensors long enough to run the
// unrolled f32x4 loops and their scalar tails, plus the exact special values (0, +-inf, NaN, -0) and
// the underflow/overflow edges.
import { describe, expect, it } from 'vitest';
import * as torch from '../ts/index.js';

/** n float32 values evenly spread over [lo, hi] (both ends included). */
function grid(lo: number, hi: number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + ((hi - lo) * i) / (n - 1);
  return a;
}

/** Largest |y - ref| / max(|ref|, floor) of f over xs; also reports where. */
function maxRelErr(f: (t: torch.Tensor) => torch.Tensor, ref: (x: number) => number, xs: Float32Array, floor = 0): { err: number; at: number } {
  const t = torch.tensor(xs);
  const yt = f(t);
  const y = yt.dataSync() as Float32Array;
  t.dispose();
  yt.dispose();
  let err = 0;
  let at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const r = ref(xs[i]);
    const e = Math.abs(y[i] - r) / Math.max(Math.abs(r), floor);
    if (!(e <= err)) {
      err = e;
      at = xs[i];
    }
  }
  return { err, at };
}

const values = (t: torch.Tensor): number[] => Array.from(t.dataSync() as Float32Array);
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('vectorised exp', () => {
  it('has max relative error < 2e-7 against Math.exp over [-87.3, 88.72]', () => {
    // 2^20 + 3 points: odd length, so the scalar tail runs too
    const r = maxRelErr((t) => t.exp(), Math.exp, grid(-87.3, 88.72, (1 << 20) + 3));
    expect(r.err, `worst at x = ${r.at}`).toBeLessThan(2e-7);
    const near0 = maxRelErr((t) => t.exp(), Math.exp, grid(-1, 1, 100_003));
    expect(near0.err, `worst at x = ${near0.at}`).toBeLessThan(2e-7);
  });

  it('gives exact special values and flushes only true underflow to 0', () => {
    const x = torch.tensor([0, -0, Infinity, -Infinity, NaN, -100, -104, 88.8, 89, 1e30, -1e30, 88.72, -87.3, 1, 88.72284, 88.72283]);
    const y = values(x.exp());
    expect(y.slice(0, 11)).toEqual([1, 1, Infinity, 0, NaN, 0, 0, Infinity, Infinity, Infinity, 0]);
    expect(Math.abs(y[11] / Math.exp(Math.fround(88.72)) - 1)).toBeLessThan(2e-7); // largest finite results
    expect(Math.abs(y[12] / Math.exp(Math.fround(-87.3)) - 1)).toBeLessThan(2e-7); // smallest normal results
    expect(y[13]).toBeCloseTo(Math.E, 6);
    expect(y[14]).toBe(Infinity); // f32(ln(FLT_MAX)): the exact result rounds to inf
    expect(y[15]).toBeLessThan(Infinity);
    // the same values on the vector path (a 16-aligned block each)
    const v = values(torch.tensor([88.72284, 88.72283, 128, -200]).reshape([4, 1]).expand([4, 16]).contiguous().exp());
    expect([v[0], v[16] < Infinity, v[32], v[48]]).toEqual([Infinity, true, Infinity, 0]);
  });

  it('is the same on a strided (scalar-path) view as on contiguous data', () => {
    const x = torch.tensor(grid(-80, 80, 64)).reshape([8, 8]);
    const a = values(x.t().exp().contiguous());
    const b = values(x.exp().t().contiguous());
    a.forEach((v, i) => expect(Math.abs(v - b[i]) / b[i]).toBeLessThan(4e-7));
  });

  it('exp2 matches 2 ** x over the whole range, exactly at integers', () => {
    const r = maxRelErr((t) => t.exp2(), (x) => 2 ** x, grid(-125.9, 127.99, 100_003));
    expect(r.err, `worst at x = ${r.at}`).toBeLessThan(2e-7);
    const ints = grid(-126, 127, 254);
    expect(values(torch.tensor(ints).exp2())).toEqual(Array.from(ints, (v) => 2 ** v));
    expect(values(torch.tensor([Infinity, -Infinity, NaN, 128, -200]).exp2())).toEqual([Infinity, 0, NaN, Infinity, 0]);
    const v = values(torch.tensor([Infinity, -Infinity, NaN, 128, -200]).reshape([5, 1]).expand([5, 16]).contiguous().exp2());
    expect([v[0], v[16], v[32], v[48], v[64]]).toEqual([Infinity, 0, NaN, Infinity, 0]);
  });
});

describe('functions built on the vector exp', () => {
  it('sigmoid and silu are accurate and saturate correctly', () => {
    expect(maxRelErr((t) => t.sigmoid(), sigmoid, grid(-87, 30, 100_003)).err).toBeLessThan(4e-7);
    expect(maxRelErr((t) => torch.F.silu(t), (x) => x * sigmoid(x), grid(-20, 20, 100_003), 1e-30).err).toBeLessThan(4e-7);
    const y = values(torch.tensor([0, -0, Infinity, -Infinity, NaN, 100, -100, -87.5, 16, 17, 18, 19, 20, 21, 22, 23]).sigmoid());
    expect(y.slice(0, 7)).toEqual([0.5, 0.5, 1, 0, NaN, 1, 0]);
    expect(y[7]).toBeLessThan(1e-37);
  });

  it('expm1 has no cancellation near 0 and the right limits', () => {
    expect(maxRelErr((t) => t.expm1(), Math.expm1, grid(-1, 1, 100_003)).err).toBeLessThan(4e-7);
    expect(maxRelErr((t) => t.expm1(), Math.expm1, grid(-20, 88.7, 100_003)).err).toBeLessThan(4e-7);
    expect(maxRelErr((t) => t.expm1(), Math.expm1, grid(-1e-6, 1e-6, 1003)).err).toBeLessThan(4e-7);
    const y = values(torch.tensor([0, Infinity, -Infinity, NaN, -100, 89, 1e-30, -1e-30, 1, 2, 3, 4, 5, 6, 7, 8]).expm1());
    expect(y.slice(0, 6)).toEqual([0, Infinity, -1, NaN, -1, Infinity]);
    expect(y[6]).toBeCloseTo(1e-30, 36);
    expect(y[7]).toBeCloseTo(-1e-30, 36);
  });

  it('log1p keeps tiny arguments and handles -1, < -1, inf and NaN', () => {
    expect(maxRelErr((t) => t.log1p(), Math.log1p, grid(-0.999, 10, 100_003)).err).toBeLessThan(2e-7);
    expect(maxRelErr((t) => t.log1p(), Math.log1p, grid(-1e-3, 1e-3, 100_003)).err).toBeLessThan(2e-7);
    const y = values(torch.tensor([0, -1, -2, Infinity, NaN, 1e-30, 3e38, 1, 2, 3, 4, 5, 6, 7, 8, 9]).log1p());
    expect(y.slice(0, 5)).toEqual([0, -Infinity, NaN, Infinity, NaN]);
    expect(y[5]).toBeCloseTo(1e-30, 36);
    expect(Math.abs(y[6] - Math.log1p(3e38))).toBeLessThan(1e-5);
  });

  it('elu, selu, celu, softplus and logsigmoid match float64 references', () => {
    const xs = grid(-20, 20, 100_003);
    const elu = (a: number) => (x: number) => (x > 0 ? x : a * Math.expm1(x));
    expect(maxRelErr((t) => torch.F.elu(t), elu(1), xs, 1e-30).err).toBeLessThan(5e-7);
    expect(maxRelErr((t) => torch.F.elu(t, 0.5), elu(0.5), xs, 1e-30).err).toBeLessThan(5e-7);
    expect(maxRelErr((t) => torch.F.selu(t), (x) => 1.0507009873554805 * elu(1.6732632423543772)(x), xs, 1e-30).err).toBeLessThan(5e-7);
    expect(maxRelErr((t) => torch.F.celu(t, 2), (x) => (x > 0 ? x : 2 * Math.expm1(x / 2)), xs, 1e-30).err).toBeLessThan(5e-7);
    const wide = grid(-80, 30, 100_003);
    expect(maxRelErr((t) => torch.F.softplus(t), (x) => (x > 20 ? x : Math.log1p(Math.exp(x))), wide, 1e-30).err).toBeLessThan(4e-7);
    expect(maxRelErr((t) => torch.F.logsigmoid(t), (x) => -Math.log1p(Math.exp(-x)), grid(-80, 80, 100_003), 1e-30).err).toBeLessThan(4e-7);
    expect(values(torch.F.elu(torch.tensor([NaN, -Infinity, Infinity, 0])))).toEqual([NaN, -1, Infinity, 0]);
  });

  it('relu, relu6, hardswish and hardsigmoid keep -0 and NaN like PyTorch', () => {
    const x = torch.tensor([-0, 0, NaN, -1, 2, -Infinity, Infinity, 7, -3, 3, 1, -2, 0.5, -0.5, 6, 5]);
    const relu = values(torch.relu(x));
    expect(Object.is(relu[0], -0)).toBe(true);
    expect(relu.slice(1, 8)).toEqual([0, NaN, 0, 2, 0, Infinity, 7]);
    const r6 = values(torch.F.relu6(x));
    expect(Object.is(r6[0], -0)).toBe(true);
    expect(r6.slice(1, 8)).toEqual([0, NaN, 0, 2, 0, 6, 6]);
    const hs = values(torch.F.hardswish(x));
    expect(hs[2]).toBeNaN();
    expect(hs.slice(8, 12)).toEqual([-0, 3, Math.fround(4 / 6), -Math.fround(2 / 6)].map(Math.fround));
    const hsig = values(torch.F.hardsigmoid(x));
    expect(hsig.slice(3, 8)).toEqual([Math.fround(2 / 6), Math.fround(5 / 6), 0, 1, 1]);
  });
});

describe('softmax rows (vexpneg)', () => {
  it('stay within 1.5e-6 + 1.2e-7 |x - max| relative error of a float64 reference', () => {
    for (const scale of [1, 5, 30]) {
      const R = 20;
      const K = 1000 + 13; // vector loops and scalar tail
      const x = torch.randn(R, K).mul(scale);
      const xs = x.dataSync() as Float32Array;
      const y = x.softmax(-1).dataSync() as Float32Array;
      const yl = x.logSoftmax(-1).dataSync() as Float32Array;
      let worst = 0;
      let worstLog = 0;
      let worstCols = 0;
      const yc = x.t().contiguous().logSoftmax(0).t().contiguous().dataSync() as Float32Array; // the inner > 1 path
      for (let r = 0; r < R; r++) {
        const row = xs.subarray(r * K, (r + 1) * K);
        const m = Math.max(...row);
        let s = 0;
        for (const v of row) s += Math.exp(v - m);
        for (let j = 0; j < K; j++) {
          const d = row[j] - m;
          const ref = Math.exp(d) / s;
          // below the normal range the kernel may flush to 0 (absolute error < 1.2e-38)
          const e = ref < 1.2e-38 ? Math.abs(y[r * K + j] - ref) / 1.2e-38 : Math.abs(y[r * K + j] - ref) / ref / (1.5e-6 + 1.2e-7 * Math.abs(d));
          worst = Math.max(worst, e);
          const lref = d - Math.log(s);
          worstLog = Math.max(worstLog, Math.abs(yl[r * K + j] - lref) / Math.max(1, Math.abs(lref)));
          worstCols = Math.max(worstCols, Math.abs(yc[r * K + j] - lref) / Math.max(1, Math.abs(lref)));
        }
      }
      expect(worst, `scale ${scale}`).toBeLessThanOrEqual(1);
      expect(worstLog, `scale ${scale}`).toBeLessThan(1e-6);
      // the inner > 1 path sums each column serially in f32 (error grows with the column length)
      expect(worstCols, `scale ${scale}`).toBeLessThan(1e-5);
    }
  });

  it('keeps the special rows: -inf entries, a NaN, an all -inf row', () => {
    const row = new Array(40).fill(0).map((_, i) => i / 10);
    row[3] = -Infinity;
    const y = values(torch.tensor([row]).softmax(-1));
    expect(y[3]).toBe(0);
    expect(Math.abs(y.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    const withNaN = [...row];
    withNaN[20] = NaN;
    expect(values(torch.tensor([withNaN]).softmax(-1)).every(Number.isNaN)).toBe(true);
    expect(values(torch.tensor([new Array(40).fill(-Infinity)]).softmax(-1)).every(Number.isNaN)).toBe(true);
    // a row spanning more than exp's range takes the masked path: tiny entries become 0, not garbage
    const wide = new Array(40).fill(0).map((_, i) => -5 * i);
    const yw = values(torch.tensor([wide], { dtype: 'float32' }).softmax(-1));
    wide.forEach((v, i) => expect(Math.abs(yw[i] - Math.exp(v) / (1 / (1 - Math.exp(-5))))).toBeLessThan((1.5e-6 + 1.2e-7 * Math.abs(v)) * Math.exp(v) + 1.2e-38));
  });
});

/** erf in float64 by its Taylor series (|x| <= 4: at most ~1e-11 lost to cancellation); +-1 beyond. */
function erf64(x: number): number {
  if (x > 4) return 1;
  if (x < -4) return -1;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('vectorised erf and GELU', () => {
  it('erf has absolute error < 3e-7 over [-6, 6] (f32x4 loop and scalar tail)', () => {
    const r = maxRelErr((t) => t.erf(), erf64, grid(-6, 6, (1 << 18) + 3), 1);
    expect(r.err, `worst at x = ${r.at}`).toBeLessThan(3e-7);
    expect(values(torch.tensor([0, -0, Infinity, -Infinity, NaN]).erf())).toEqual([0, -0, 1, -1, NaN]);
  });

  it('exact and tanh GELU match their float64 definitions', () => {
    const xs = grid(-10, 10, (1 << 18) + 3);
    const exact = maxRelErr((t) => torch.nn.functional.gelu(t), (x) => 0.5 * x * (1 + erf64(x / Math.SQRT2)), xs, 1);
    expect(exact.err, `worst at x = ${exact.at}`).toBeLessThan(5e-7);
    const tanhRef = (x: number): number => 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    const approx = maxRelErr((t) => torch.nn.functional.gelu(t, { approximate: 'tanh' }), tanhRef, xs, 1);
    // 1 + tanh(..) cancels for x << 0 (as in any float32 evaluation of this formula): ~1.5e-7 |x|
    expect(approx.err, `worst at x = ${approx.at}`).toBeLessThan(1e-6);
  });
});
