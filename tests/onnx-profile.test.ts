// InferenceSession profiling (ts/io/onnx/session.ts): enableProfiling / startProfiling /
// endProfiling give one record per node that ran, with call counts, times and the flops of the
// matrix-product nodes (checked against the layer shapes), and nothing when profiling is off.
import { describe, expect, it } from 'vitest';
import * as torch from '../ts/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TRANSFORMER = fileURLToPath(new URL('../../shared/models/tiny_transformer/model.onnx', import.meta.url));

function model(): Uint8Array {
  torch.manualSeed(1);
  const m = new torch.nn.Sequential(new torch.nn.Conv2d(3, 8, 3, { padding: 1 }), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.Linear(8 * 5 * 5, 4));
  return torch.onnx.export(m, [torch.randn(2, 3, 5, 5)]);
}

describe('InferenceSession profiling', () => {
  it('records every node with calls, time and matrix-product flops', async () => {
    const s = await torch.onnx.InferenceSession.create(model(), { enableProfiling: true });
    const x = torch.randn(2, 3, 5, 5);
    for (let i = 0; i < 3; i++) {
      const out = await s.run({ [s.inputNames[0]]: x });
      for (const t of Object.values(out)) t.dispose();
    }
    const recs = s.endProfiling();
    expect(recs.length).toBe(s.optimizationStats.nodes);
    for (const r of recs) {
      expect(r.calls).toBe(3);
      expect(r.ms).toBeGreaterThanOrEqual(0);
      expect(typeof r.name).toBe('string');
    }
    const conv = recs.find((r) => r.opType.includes('Conv'));
    const gemm = recs.find((r) => /Gemm|MatMul/.test(r.opType));
    // conv: 2 * (2*8*5*5 outputs) * (3*3*3 taps); linear: 2 * (2*4 outputs) * 200 inputs
    expect(conv?.flops).toBe(2 * 400 * 27);
    expect(gemm?.flops).toBe(2 * 8 * 200);
    expect(recs.filter((r) => r !== conv && r !== gemm).every((r) => r.flops === 0)).toBe(true);
    // ended: no more records until restarted
    await s.run({ [s.inputNames[0]]: x });
    expect(s.endProfiling()).toEqual([]);
    s.startProfiling();
    await s.run({ [s.inputNames[0]]: x });
    expect(s.endProfiling().every((r) => r.calls === 1)).toBe(true);
  });

  it('is off by default', async () => {
    const s = await torch.onnx.InferenceSession.create(model());
    await s.run({ [s.inputNames[0]]: torch.randn(2, 3, 5, 5) });
    expect(s.endProfiling()).toEqual([]);
  });

  it.skipIf(!existsSync(TRANSFORMER))('counts the flops of the fused attention and head of the shared transformer', async () => {
    // 4 layers, d 256, 4 heads of 64, T 128, vocab 8000 (../shared/models/tiny_transformer)
    const s = await torch.onnx.InferenceSession.create(new Uint8Array(readFileSync(TRANSFORMER)), { enableProfiling: true });
    const out = await s.run({ input: torch.zeros([1, 128], { dtype: 'int64' }) });
    for (const t of Object.values(out)) t.dispose();
    const recs = s.endProfiling();
    const att = recs.filter((r) => r.opType === 'torchlet.Attention');
    expect(att.length).toBe(4);
    // per head: scores 128x128 from 64-wide rows, then 128x128 @ 128x64
    for (const r of att) expect(r.flops).toBe(4 * 2 * (128 * 64 * 128 + 128 * 128 * 64));
    const head = recs.find((r) => r.name === '/head/MatMul');
    expect(head?.flops).toBe(2 * 128 * 256 * 8000);
    // the model's matrix products in all: 4 x (qkv 256->768, out 256->256, ffn 256->1024->256) + head + attention
    const total = recs.reduce((a, r) => a + r.flops, 0);
    expect(total).toBe(4 * 2 * 128 * 256 * (768 + 256 + 1024 + 1024) + 2 * 128 * 256 * 8000 + 4 * att[0].flops);
  });
});
