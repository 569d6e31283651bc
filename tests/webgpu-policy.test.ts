// The cost model of torch.webgpu's 'auto' routing (ts/io/onnx/gpu-route.ts), checked without a GPU:
// FLOP counts of the heavy ONNX steps against direct counts, the time estimates against the
// decisions they must lead to (a fast GPU takes big convs, never tiny ones; a GPU slower than the
// CPU takes nothing), and, in Node without WebGPU, InferenceSession.run() under 'auto' being the
// CPU path (same outputs as runSync, no calibration, no decisions). The GPU runs of the policy are
// in tests/webgpu/suite-policy.ts (Deno/Chromium).
import { describe, expect, it } from 'vitest';
import * as torch from '../ts/index.js';
import { estimate, heavyCost, type Rates } from '../ts/io/onnx/gpu-route.js';
import { Attrs, type OpContext } from '../ts/io/onnx/ops/context.js';
import type { AttributeProto } from '../ts/io/onnx/model.js';

function ctx(attrs: Record<string, number | number[] | string> = {}): OpContext {
  const list = Object.entries(attrs).map(([name, v]) => ({
    name, type: 0, f: 0, i: typeof v === 'number' ? v : 0, s: typeof v === 'string' ? new TextEncoder().encode(v) : null, t: null, g: null,
    floats: [], ints: Array.isArray(v) ? v : [], strings: [], tensors: [], graphs: [], tp: null, refAttrName: '',
  })) as AttributeProto[];
  const fail = (m: string): never => {
    throw new Error(m);
  };
  return { attrs: new Attrs(list, fail), fail } as unknown as OpContext;
}

const z = (...shape: number[]) => torch.zeros(shape);

/** Direct count of a 2-d convolution's multiply-adds (times 2), by output element. */
function convFlops(N: number, Cin: number, H: number, W: number, Cout: number, k: number, stride: number, pad: number, groups = 1): number {
  const Ho = Math.floor((H + 2 * pad - k) / stride) + 1;
  const Wo = Math.floor((W + 2 * pad - k) / stride) + 1;
  let macs = 0;
  for (let n = 0; n < N; n++) for (let c = 0; c < Cout; c++) for (let i = 0; i < Ho * Wo; i++) macs += (Cin / groups) * k * k;
  return 2 * macs;
}

describe('routing cost model: FLOPs of heavy steps', () => {
  it('Conv and FusedConv: pads, strides, groups, auto_pad', () => {
    // resnet18's first conv: 118 M multiply-adds
    expect(heavyCost('Conv', [z(1, 3, 224, 224), z(64, 3, 7, 7)], ctx({ strides: [2, 2], pads: [3, 3, 3, 3] }))).toEqual({ flops: 236027904, outElems: 64 * 112 * 112 });
    expect(heavyCost('torchlet.FusedConv', [z(2, 8, 10, 12), z(16, 4, 3, 3), z(16)], ctx({ strides: [2, 2], pads: [1, 1, 1, 1], group: 2 }))!.flops).toBe(
      // a 10x12 input is not square: count it directly with the same geometry per axis
      2 * 2 * 16 * 5 * 6 * 4 * 9,
    );
    expect(heavyCost('Conv', [z(1, 4, 9, 9), z(8, 4, 3, 3)], ctx({}))!.flops).toBe(convFlops(1, 4, 9, 9, 8, 3, 1, 0));
    expect(heavyCost('Conv', [z(1, 4, 9, 9), z(8, 4, 3, 3)], ctx({ auto_pad: 'SAME_UPPER', strides: [2, 2] }))!.outElems).toBe(8 * 5 * 5);
    expect(heavyCost('Conv', [z(1, 4, 9, 9), z(8, 4, 3, 3)], ctx({ auto_pad: 'VALID', strides: [2, 2] }))!.outElems).toBe(8 * 4 * 4);
    // depthwise
    expect(heavyCost('Conv', [z(1, 32, 16, 16), z(32, 1, 3, 3)], ctx({ pads: [1, 1, 1, 1], group: 32 }))!.flops).toBe(convFlops(1, 32, 16, 16, 32, 3, 1, 1, 32));
  });

  it('MatMul (batched, broadcast, 1-d), Gemm (transB), FusedGemm, ConvTranspose, Attention', () => {
    expect(heavyCost('MatMul', [z(2, 3, 4, 5), z(5, 6)], ctx())).toEqual({ flops: 2 * 6 * 4 * 5 * 6, outElems: 6 * 4 * 6 });
    expect(heavyCost('MatMul', [z(5), z(5, 7)], ctx())!.flops).toBe(2 * 5 * 7);
    expect(heavyCost('Gemm', [z(8, 16), z(32, 16)], ctx({ transB: 1 }))).toEqual({ flops: 2 * 8 * 16 * 32, outElems: 8 * 32 });
    expect(heavyCost('torchlet.FusedGemm', [z(3, 10, 16), z(16, 24)], ctx())).toEqual({ flops: 2 * 30 * 16 * 24, outElems: 30 * 24 });
    // ConvTranspose: every input element scatters Cout/group * k*k products
    expect(heavyCost('ConvTranspose', [z(1, 4, 5, 5), z(4, 6, 3, 3)], ctx({ strides: [2, 2] }))!.flops).toBe(2 * 4 * 25 * 6 * 9);
    expect(heavyCost('torchlet.Attention', [z(2, 4, 10, 8), z(2, 4, 8, 12), z(2, 4, 12, 8)], ctx())).toEqual({ flops: 2 * 8 * 10 * 12 * (8 + 8), outElems: 8 * 10 * 8 });
    expect(heavyCost('MatMul', [z(2, 2), undefined], ctx())).toBeNull();
  });
});

describe('routing cost model: decisions', () => {
  const fastGpu: Rates = { gpuGflops: 5000, cpuGflops: 50, bandwidthGBs: 10, latencyMs: 0.1, launchMs: 0.01 };
  const software: Rates = { gpuGflops: 3, cpuGflops: 55, bandwidthGBs: 0.3, latencyMs: 11, launchMs: 0.4 };

  it('a fast GPU takes a big conv from CPU memory, not a tiny matmul', () => {
    const conv = heavyCost('Conv', [z(1, 3, 224, 224), z(64, 3, 7, 7)], ctx({ strides: [2, 2], pads: [3, 3, 3, 3] }))!;
    const big = estimate(conv.flops, 3 * 224 * 224 * 4, conv.outElems * 4, 0, fastGpu);
    expect(big.gpuMs).toBeLessThan(big.cpuMs);
    const tiny = estimate(2 * 8 * 8 * 8, 8 * 8 * 4, 8 * 8 * 4, 0, fastGpu);
    expect(tiny.gpuMs).toBeGreaterThan(tiny.cpuMs);
    // an input already on the GPU makes the CPU pay the readback
    const resident = estimate(2e6, 0, 0, 4 << 20, fastGpu);
    expect(resident.gpuMs).toBeLessThan(resident.cpuMs);
  });

  it('a GPU slower than the CPU never wins (what stats() reports as "CPU faster for every op")', () => {
    for (const flops of [1e3, 1e6, 1e9, 1e12]) {
      const e = estimate(flops, 0, 0, 0, software);
      expect(e.gpuMs).toBeGreaterThan(e.cpuMs);
    }
  });
});

describe("InferenceSession.run() under 'auto' without a WebGPU device", () => {
  it('is the CPU path: same outputs as runSync, no calibration, no decisions, no GPU work', async () => {
    torch.manualSeed(4);
    const net = new torch.nn.Sequential(new torch.nn.Conv2d(2, 4, 3), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.Linear(4 * 4 * 4, 3));
    const bytes = torch.onnx.export(net, [torch.randn(1, 2, 6, 6)], { inputNames: ['x'], outputNames: ['y'] });
    const session = await torch.onnx.InferenceSession.create(bytes);
    const x = torch.randn(1, 2, 6, 6);
    expect(await torch.webgpu.isAvailable()).toBe(false);
    torch.webgpu.setPolicy('auto');
    torch.webgpu._setRoutingOverride('gpu');
    torch.webgpu.resetStats();
    try {
      const got = (await session.run({ x })).y;
      const want = session.runSync({ x }).y;
      expect(got.device).toBe('cpu');
      expect(Array.from(got.dataSync() as Float32Array)).toEqual(Array.from(want.dataSync() as Float32Array));
      expect(await torch.webgpu.calibrate()).toBeNull();
      const s = torch.webgpu.stats();
      expect(s.calibration).toBeNull();
      expect(s.decisions).toEqual([]);
      expect(s.kernels).toEqual({});
      expect(s.uploads).toBe(0);
    } finally {
      torch.webgpu._setRoutingOverride(null);
      await session.release();
    }
  });
});
