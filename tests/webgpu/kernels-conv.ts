// Standalone check of gpu-bridge/conv2d.wgsl (implicit GEMM: forward, grad input, grad weight) and
// gpu-bridge/depthwise.wgsl on raw WebGPU against direct JS convolution loops, over strides,
// padding, dilation, groups, channel multipliers and bias.
// Run: deno run --unstable-webgpu --allow-read --sloppy-imports tests/webgpu/kernels-conv.ts
import { check, finish, pack, rand, run, wgsl } from './kernels-raw.js';

const convSrc = await wgsl('conv2d');
const dwSrc = await wgsl('depthwise');

interface Geo { N: number; C: number; H: number; W: number; O: number; groups: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number }

function outSize(g: Geo): [number, number] {
  return [Math.floor((g.H + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh) + 1, Math.floor((g.W + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw) + 1];
}

/** Reference: y, dx (for gy) and dw (for x, gy) by direct loops. */
function reference(g: Geo, x: Float32Array, w: Float32Array, b: Float32Array | null, gy: Float32Array) {
  const [OH, OW] = outSize(g);
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const y = new Float32Array(g.N * g.O * OH * OW);
  const dx = new Float32Array(g.N * g.C * g.H * g.W);
  const dw = new Float32Array(g.O * Cg * g.kh * g.kw);
  for (let n = 0; n < g.N; n++) for (let o = 0; o < g.O; o++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const gi = Math.floor(o / Og);
    const yi = ((n * g.O + o) * OH + oh) * OW + ow;
    let s = b ? b[o] : 0;
    for (let c = 0; c < Cg; c++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
      const ih = oh * g.sh - g.ph + i * g.dh;
      const iw = ow * g.sw - g.pw + j * g.dw;
      if (ih < 0 || iw < 0 || ih >= g.H || iw >= g.W) continue;
      const xi = ((n * g.C + gi * Cg + c) * g.H + ih) * g.W + iw;
      const wi = ((o * Cg + c) * g.kh + i) * g.kw + j;
      s += x[xi] * w[wi];
      dx[xi] += gy[yi] * w[wi];
      dw[wi] += gy[yi] * x[xi];
    }
    y[yi] = s;
  }
  return { y, dx, dw, OH, OW };
}

async function convCase(name: string, g: Geo, bias: boolean): Promise<void> {
  const [OH, OW] = outSize(g);
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const x = rand(g.N * g.C * g.H * g.W, 11);
  const w = rand(g.O * Cg * g.kh * g.kw, 12);
  const b = bias ? rand(g.O, 13) : null;
  const gy = rand(g.N * g.O * OH * OW, 14);
  const ref = reference(g, x, w, b, gy);
  const khw = g.kh * g.kw;
  const dims = [
    { M: Og, NC: g.N * OH * OW, K: Cg * khw },
    { M: Cg, NC: g.N * g.H * g.W, K: Og * khw },
    { M: Og, NC: Cg * khw, K: g.N * OH * OW },
  ];
  const ins = [[x, w], [gy, w], [x, gy]];
  const want = [ref.y, ref.dx, ref.dw];
  for (let mode = 0; mode < 3; mode++) {
    const d = dims[mode];
    const params = pack([
      ['u', g.N], ['u', g.C], ['u', g.H], ['u', g.W],
      ['u', g.O], ['u', OH], ['u', OW], ['u', g.groups],
      ['u', g.kh], ['u', g.kw], ['u', g.sh], ['u', g.sw],
      ['u', g.ph], ['u', g.pw], ['u', g.dh], ['u', g.dw],
      ['u', d.M], ['u', d.NC], ['u', d.K], ['u', Cg],
      ['u', Og], ['u', 0], ['u', 0], ['u', 0],
      ['u', 1], ['u', Math.ceil(d.K / 16) * 16], ['u', 0], ['u', 0],
    ]);
    const out = await run(convSrc, { MODE: mode, HAS_BIAS: mode === 0 && b ? 1 : 0 }, [ins[mode][0], ins[mode][1], b ?? x, { size: want[mode].length }], params, [Math.ceil(d.NC / 64), Math.ceil(d.M / 64), g.groups]);
    check(`conv2d ${['fwd', 'dgrad', 'wgrad'][mode]} ${name}`, new Float32Array(out[3], 0, want[mode].length), want[mode], 1e-3, 1e-4);
  }
  // weight gradient with split K (3 slices of whole 16-wide k tiles), then the MODE 3 sum
  const d = dims[2];
  const splits = Math.min(8, Math.ceil(d.K / 512)) || 1;
  const chunk = Math.ceil(d.K / splits / 16) * 16;
  const total = want[2].length;
  const head: [('u'), number][] = [
    ['u', g.N], ['u', g.C], ['u', g.H], ['u', g.W], ['u', g.O], ['u', OH], ['u', OW], ['u', g.groups],
    ['u', g.kh], ['u', g.kw], ['u', g.sh], ['u', g.sw], ['u', g.ph], ['u', g.pw], ['u', g.dh], ['u', g.dw],
    ['u', d.M], ['u', d.NC], ['u', d.K], ['u', Cg], ['u', Og], ['u', 0], ['u', 0], ['u', 0],
  ];
  const part = await run(convSrc, { MODE: 2 }, [x, gy, x, { size: splits * total }], pack([...head, ['u', splits], ['u', chunk], ['u', total], ['u', 0]]), [Math.ceil(d.NC / 64), Math.ceil(d.M / 64), g.groups * splits]);
  const partials = new Float32Array(part[3], 0, splits * total);
  const red = await run(convSrc, { MODE: 3 }, [partials, partials, partials, { size: total }], pack([...head, ['u', splits], ['u', chunk], ['u', total], ['u', 0]]), [Math.ceil(total / 256)]);
  check(`conv2d wgrad split-K ${name}`, new Float32Array(red[3], 0, total), want[2], 1e-3, 1e-4);
}

async function depthwiseCase(name: string, g: Geo, bias: boolean): Promise<void> {
  const [OH, OW] = outSize(g);
  const mult = g.O / g.C;
  const x = rand(g.N * g.C * g.H * g.W, 21);
  const w = rand(g.O * g.kh * g.kw, 22);
  const b = bias ? rand(g.O, 23) : null;
  const gy = rand(g.N * g.O * OH * OW, 24);
  const ref = reference(g, x, w, b, gy);
  const totals = [ref.y.length, ref.dx.length, ref.dw.length];
  const ins = [[x, w], [gy, w], [x, gy]];
  const want = [ref.y, ref.dx, ref.dw];
  for (let mode = 0; mode < 3; mode++) {
    const total = totals[mode];
    const groups = mode === 2 ? total : Math.ceil(total / 256);
    const gx = Math.min(groups, 65535);
    const gyN = Math.ceil(groups / gx);
    const params = pack([
      ['u', g.N], ['u', g.C], ['u', g.H], ['u', g.W],
      ['u', mult], ['u', OH], ['u', OW], ['u', total],
      ['u', g.kh], ['u', g.kw], ['u', g.sh], ['u', g.sw],
      ['u', g.ph], ['u', g.pw], ['u', g.dh], ['u', g.dw],
      ['u', 0], ['u', 0], ['u', 0], ['u', gx * 256],
    ]);
    const out = await run(dwSrc, { MODE: mode, HAS_BIAS: mode === 0 && b ? 1 : 0 }, [ins[mode][0], ins[mode][1], b ?? x, { size: total }], params, [gx, gyN]);
    check(`depthwise ${['fwd', 'dgrad', 'wgrad'][mode]} ${name}`, new Float32Array(out[3], 0, total), want[mode], 1e-3, 1e-4);
  }
}

const base = { sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1 };
await convCase('3x3 pad 1 bias', { ...base, N: 2, C: 3, H: 9, W: 8, O: 5, groups: 1, kh: 3, kw: 3, ph: 1, pw: 1 }, true);
await convCase('1x1', { ...base, N: 1, C: 8, H: 5, W: 5, O: 7, groups: 1, kh: 1, kw: 1 }, false);
await convCase('stride 2 dilation 2 groups 2', { N: 2, C: 4, H: 11, W: 10, O: 6, groups: 2, kh: 3, kw: 2, sh: 2, sw: 3, ph: 2, pw: 1, dh: 2, dw: 1 }, true);
await convCase('large-ish 70 out channels', { ...base, N: 2, C: 6, H: 12, W: 12, O: 70, groups: 1, kh: 3, kw: 3, ph: 1, pw: 1, sh: 2, sw: 2 }, true);
await convCase('1-d as 2-d (H=1)', { ...base, N: 3, C: 2, H: 1, W: 20, O: 4, groups: 1, kh: 1, kw: 5, pw: 2 }, false);
await convCase('split-K 4x3x32x32 -> 8', { ...base, N: 4, C: 3, H: 32, W: 32, O: 8, groups: 1, kh: 3, kw: 3, ph: 1, pw: 1 }, false);
await depthwiseCase('3x3 pad 1', { ...base, N: 2, C: 4, H: 7, W: 9, O: 4, groups: 4, kh: 3, kw: 3, ph: 1, pw: 1 }, true);
await depthwiseCase('mult 2 stride 2 dilation', { N: 2, C: 3, H: 10, W: 9, O: 6, groups: 3, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 2, dh: 2, dw: 1 }, false);
await depthwiseCase('5x5 stride 3', { ...base, N: 1, C: 5, H: 13, W: 12, O: 5, groups: 5, kh: 5, kw: 5, sh: 3, sw: 3, ph: 2, pw: 2 }, true);
finish();
