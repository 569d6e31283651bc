// ONNX graph optimisation (ts/io/onnx/optimize.ts, fused ops in ts/io/onnx/ops/fused.ts): small
// models built here with the patterns PyTorch exports (Conv+BN+residual+ReLU, MatMul+bias+GELU,
// the LayerNorm and attention subgraphs, Gemm+Clip, Shape->Gather->Concat->Reshape chains) run
// with graphOptimizationLevel 'all', 'basic' and 'disabled'; each must match onnxruntime-node (the
// oracle) and the optimiser statistics must show the rewrite happened. The static shape inference
// behind Shape folding is checked against the expected outputs of the ONNX node test suite.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as torch from '../ts/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, type Init, type ModelSpec } from './onnx-build.js';
import { decodeModel, decodeTensorProto } from '../ts/io/onnx/model.js';
import { tensorFromProto } from '../ts/io/onnx/tensor.js';
import { inferShapes } from '../ts/io/onnx/optimize.js';
import { NODE_TESTS, listCases } from './onnx-harness.js';

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1);
}

function init(name: string, dims: number[], seed: number, scale = 1): Init {
  return { name, dims, data: values(dims.reduce((a, b) => a * b, 1), seed).map((v) => v * scale) };
}

function scalar(name: string, v: number): Init {
  return { name, dims: [], data: [v] };
}

async function oracle(bytes: Uint8Array, feeds: Record<string, torch.Tensor>): Promise<Record<string, Float32Array>> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const f: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', t.dataSync() as Float32Array, t.shape);
  const r = await s.run(f);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Float32Array.from(v.data as Float32Array)]));
}

function expectClose(got: torch.Tensor, want: Float32Array, tol = 1e-4): void {
  const g = got.dataSync() as Float32Array;
  expect(g.length).toBe(want.length);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(g[i] - want[i]));
  }
  expect(err).toBeLessThanOrEqual(tol * Math.max(1, scale));
}

/** Runs a model at every level against onnxruntime-node; returns the 'all' session's statistics. */
async function check(spec: ModelSpec, feeds: Record<string, torch.Tensor>, tol = 1e-4): Promise<Record<string, number>> {
  const bytes = encodeModel(spec);
  const want = await oracle(bytes, feeds);
  let stats: Record<string, number> = {};
  for (const level of ['all', 'basic', 'disabled'] as const) {
    const s = await torch.onnx.InferenceSession.create(bytes, { graphOptimizationLevel: level });
    const before = torch.memory().tensors;
    for (let rep = 0; rep < 2; rep++) {
      const out = await s.run(feeds);
      for (const name of spec.outputs) expectClose(out[name], want[name], tol);
      for (const t of Object.values(out)) t.dispose();
    }
    // a run leaves nothing behind
    expect(torch.memory().tensors).toBe(before);
    if (level === 'all') stats = s.optimizationStats;
    if (level === 'disabled') expect(s.optimizationStats.nodes).toBe(spec.nodes.length);
    await s.release();
  }
  return stats;
}

describe('ONNX graph optimisation', () => {
  it('folds BatchNormalization into Conv and fuses the residual Add and ReLU', async () => {
    const spec: ModelSpec = {
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1], kernel_shape: [3, 3] } },
        { op: 'BatchNormalization', inputs: ['c1', 'g', 'beta', 'mu', 'var'], outputs: ['bn'], attrs: { epsilon: { f: 1e-3 } } },
        { op: 'Relu', inputs: ['bn'], outputs: ['r1'] },
        { op: 'Conv', inputs: ['r1', 'w2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1], strides: [1, 1] } },
        { op: 'Conv', inputs: ['x', 'wd', 'bd'], outputs: ['down'] },
        { op: 'Add', inputs: ['c2', 'down'], outputs: ['s'] },
        { op: 'Relu', inputs: ['s'], outputs: ['y'] },
      ],
      inits: [
        init('w1', [6, 4, 3, 3], 1, 0.3), init('b1', [6], 2), init('g', [6], 3), init('beta', [6], 4), init('mu', [6], 5, 0.1),
        { name: 'var', dims: [6], data: values(6, 6).map((v) => 0.5 + Math.abs(v)) },
        init('w2', [6, 6, 3, 3], 7, 0.3), init('wd', [6, 4, 1, 1], 8), init('bd', [6], 9),
      ],
      inputs: [['x', [2, 4, 7, 7]]],
      outputs: ['y'],
    };
    const stats = await check(spec, { x: torch.randn(2, 4, 7, 7) });
    expect(stats['conv-bn']).toBe(1);
    expect(stats['conv-add']).toBe(1);
    expect(stats['activation-Relu']).toBe(2);
    expect(stats.nodes).toBe(3);
  });

  it('fuses the LayerNorm, MatMul + bias + GELU and attention subgraphs of an exported transformer block', async () => {
    const D = 8;
    const spec: ModelSpec = {
      nodes: [
        // LayerNorm as PyTorch 1.13 exports it
        { op: 'ReduceMean', inputs: ['x'], outputs: ['m'], attrs: { axes: [-1] } },
        { op: 'Sub', inputs: ['x', 'm'], outputs: ['d'] },
        { op: 'Pow', inputs: ['d', 'two'], outputs: ['p'] },
        { op: 'ReduceMean', inputs: ['p'], outputs: ['v'], attrs: { axes: [-1] } },
        { op: 'Add', inputs: ['v', 'eps'], outputs: ['ve'] },
        { op: 'Sqrt', inputs: ['ve'], outputs: ['sd'] },
        { op: 'Div', inputs: ['d', 'sd'], outputs: ['n'] },
        { op: 'Mul', inputs: ['n', 'lnw'], outputs: ['nw'] },
        { op: 'Add', inputs: ['nw', 'lnb'], outputs: ['h'] },
        // attention: q, k, v projections, k transposed, q scaled, additive mask, softmax, @ v
        { op: 'MatMul', inputs: ['h', 'wq'], outputs: ['q'] },
        { op: 'MatMul', inputs: ['h', 'wk'], outputs: ['k'] },
        { op: 'MatMul', inputs: ['h', 'wv'], outputs: ['vv'] },
        { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attrs: { perm: [0, 2, 1] } },
        { op: 'Div', inputs: ['q', 'sqrtd'], outputs: ['qs'] },
        { op: 'MatMul', inputs: ['qs', 'kt'], outputs: ['sc'] },
        { op: 'Add', inputs: ['sc', 'mask'], outputs: ['scm'] },
        { op: 'Softmax', inputs: ['scm'], outputs: ['pr'], attrs: { axis: -1 } },
        { op: 'MatMul', inputs: ['pr', 'vv'], outputs: ['att'] },
        // feed-forward: MatMul + bias + exact GELU (x * 0.5 * (1 + erf(x / sqrt 2)) spelled as exported)
        { op: 'MatMul', inputs: ['att', 'w1'], outputs: ['f1'] },
        { op: 'Add', inputs: ['b1', 'f1'], outputs: ['f1b'] },
        { op: 'Div', inputs: ['f1b', 'sqrt2'], outputs: ['g1'] },
        { op: 'Erf', inputs: ['g1'], outputs: ['g2'] },
        { op: 'Add', inputs: ['g2', 'one'], outputs: ['g3'] },
        { op: 'Mul', inputs: ['f1b', 'g3'], outputs: ['g4'] },
        { op: 'Mul', inputs: ['g4', 'half'], outputs: ['g5'] },
        { op: 'MatMul', inputs: ['g5', 'w2'], outputs: ['f2'] },
        { op: 'Add', inputs: ['f2', 'b2'], outputs: ['y'] },
      ],
      inits: [
        scalar('two', 2), scalar('eps', 1e-5), init('lnw', [D], 11), init('lnb', [D], 12),
        init('wq', [D, D], 13), init('wk', [D, D], 14), init('wv', [D, D], 15), scalar('sqrtd', Math.sqrt(D)),
        init('w1', [D, 16], 16), init('b1', [16], 17), scalar('sqrt2', Math.SQRT2), scalar('one', 1), scalar('half', 0.5),
        init('w2', [16, D], 18), init('b2', [D], 19),
      ],
      inputs: [['x', [2, 5, D]], ['mask', [5, 5]]],
      outputs: ['y'],
    };
    const mask = torch.tensor([[0, -1e9, 0, 0, 0], [0, 0, 0, -1e9, 0], [0, 0, 0, 0, 0], [-1e9, 0, 0, 0, 0], [0, 0, 0, 0, -2]], { dtype: 'float32' });
    const stats = await check(spec, { x: torch.randn(2, 5, D), mask });
    expect(stats.layernorm).toBe(1);
    expect(stats.attention).toBe(1);
    expect(stats.gelu).toBe(1);
    expect(stats['activation-Gelu']).toBe(1);
    expect(stats['matmul-bias']).toBe(2);
    // LayerNorm, 3 projections, Transpose, Attention, 2 feed-forward GEMMs
    expect(stats.nodes).toBe(8);
  });

  it('pre-packs Gemm weights (transB) and fuses Clip(0, 6); folds Constant nodes', async () => {
    const spec: ModelSpec = {
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['lo'], attrs: { value_float: { f: 0 } } },
        { op: 'Constant', inputs: [], outputs: ['hi'], attrs: { value_float: { f: 6 } } },
        { op: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['z'], attrs: { transB: 1, alpha: { f: 1.5 }, beta: { f: 0.5 } } },
        { op: 'Clip', inputs: ['z', 'lo', 'hi'], outputs: ['y'] },
      ],
      inits: [init('w', [7, 5], 21, 3), init('b', [7], 22, 4)],
      inputs: [['x', ['batch', 5]]],
      outputs: ['y'],
    };
    const stats = await check(spec, { x: torch.randn(3, 5).mul(2) });
    expect(stats['constant-nodes']).toBe(2);
    expect(stats.gemm).toBe(1);
    expect(stats['activation-Clip']).toBe(1);
    expect(stats.nodes).toBe(1);
  });

  it('folds Shape chains from the declared input shapes, and falls back for other shapes', async () => {
    const spec: ModelSpec = {
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
        { op: 'Unsqueeze', inputs: ['n', 'axes0'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attrs: { axis: 0 } },
        { op: 'Identity', inputs: ['x'], outputs: ['xi'] },
        { op: 'Reshape', inputs: ['xi', 'shape'], outputs: ['r'] },
        { op: 'Dropout', inputs: ['r'], outputs: ['rd'] },
        { op: 'Mul', inputs: ['rd', 'c'], outputs: ['y'] },
      ],
      inits: [
        { name: 'zero', dims: [], data: [0], dtype: 'int64' }, { name: 'axes0', dims: [1], data: [0], dtype: 'int64' },
        { name: 'minus1', dims: [1], data: [-1], dtype: 'int64' }, scalar('c', 3),
      ],
      inputs: [['x', [2, 3, 4]]],
      outputs: ['y'],
    };
    const stats = await check(spec, { x: torch.randn(2, 3, 4) });
    expect(stats['shape-folded']).toBe(1);
    expect(stats['constant-folded']).toBe(3);
    expect(stats['identity-removed']).toBe(2);
    expect(stats.nodes).toBe(2);
    // a feed of another shape runs the generic plan (Shape computed at run time)
    const s = await torch.onnx.InferenceSession.create(encodeModel(spec));
    const x = torch.randn(5, 2, 2);
    const out = await s.run({ x });
    expect(out.y.shape).toEqual([5, 4]);
    expectClose(out.y, (x.reshape(5, 4).mul(3).dataSync() as Float32Array));
    await s.release();
    await expect(s.run({ x })).rejects.toThrow(/released/);
  });

  it('hands out constant outputs as the caller\'s own tensors and removes dead nodes', async () => {
    const spec: ModelSpec = {
      nodes: [
        { op: 'Add', inputs: ['a', 'a'], outputs: ['k'] },
        { op: 'Neg', inputs: ['x'], outputs: ['unused'] },
        { op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] },
      ],
      inits: [init('a', [3], 31)],
      inputs: [['x', [3]]],
      outputs: ['y', 'k'],
    };
    const s = await torch.onnx.InferenceSession.create(encodeModel(spec));
    expect(s.optimizationStats['dead-removed']).toBe(1);
    expect(s.optimizationStats.nodes).toBe(1);
    const x = torch.tensor([1, 2, 3]);
    const k = Float32Array.from(values(3, 31), (v) => 2 * v);
    for (let rep = 0; rep < 2; rep++) {
      const out = await s.run({ x });
      expectClose(out.k, k);
      expectClose(out.y, Float32Array.from(k, (v, i) => v * (i + 1)));
      out.k.dispose();
      out.y.dispose();
    }
  });

  it('keeps NaN through the fused bias + residual + Clip epilogue, like the unfused graph', async () => {
    const spec: ModelSpec = {
      nodes: [
        { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'] },
        { op: 'Add', inputs: ['c', 'x'], outputs: ['s'] },
        { op: 'Clip', inputs: ['s', 'lo', 'hi'], outputs: ['y'] },
      ],
      inits: [init('w', [3, 3, 1, 1], 41), init('b', [3], 42), scalar('lo', -0.5), scalar('hi', 0.75)],
      inputs: [['x', [1, 3, 3, 5]]],
      outputs: ['y'],
    };
    const bytes = encodeModel(spec);
    const xv = values(45, 43).map((v) => v * 2);
    xv[7] = NaN;
    xv[30] = Infinity;
    const x = torch.tensor(xv).reshape(1, 3, 3, 5);
    const fused = await torch.onnx.InferenceSession.create(bytes);
    expect(fused.optimizationStats.nodes).toBe(1);
    const plain = await torch.onnx.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
    const a = (await fused.run({ x })).y.dataSync() as Float32Array;
    const b = (await plain.run({ x })).y.dataSync() as Float32Array;
    expect(Array.from(a, (v) => (Number.isNaN(v) ? 'nan' : v.toFixed(5)))).toEqual(Array.from(b, (v) => (Number.isNaN(v) ? 'nan' : v.toFixed(5))));
    expect(a.some((v) => Number.isNaN(v))).toBe(true);
  });

  it('survives being created inside a scope', async () => {
    const spec: ModelSpec = {
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] }, { op: 'Add', inputs: ['m', 'b'], outputs: ['y'] }],
      inits: [init('w', [4, 3], 51), init('b', [3], 52)],
      inputs: [['x', [2, 4]]],
      outputs: ['y'],
    };
    const bytes = encodeModel(spec);
    const s = torch.scope(() => torch.onnx.InferenceSession.createSync(bytes));
    const x = torch.randn(2, 4);
    const want = await oracle(bytes, { x });
    expectClose(s.runSync({ x }).y, want.y);
  });

  it('rejects an unknown optimisation level', async () => {
    const bytes = encodeModel({ nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], inits: [], inputs: [['x', [2]]], outputs: ['y'] });
    await expect(torch.onnx.InferenceSession.create(bytes, { graphOptimizationLevel: 'max' as never })).rejects.toThrow(TypeError);
    await expect(torch.onnx.InferenceSession.create(bytes, { graphOptimizationLevel: 'max' as never })).rejects.toThrow("graphOptimizationLevel must be one of 'disabled', 'basic', 'extended', 'all', but got 'max'");
  });
});

describe.skipIf(listCases().length === 0)('ONNX static shape inference', () => {
  it('agrees with the expected outputs of the ONNX node test suite wherever it infers a shape', () => {
    let inferred = 0;
    const wrong: string[] = [];
    for (const c of listCases()) {
      const dir = join(NODE_TESTS, c);
      const model = decodeModel(new Uint8Array(readFileSync(join(dir, 'model.onnx'))));
      const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 1;
      const inits = new Set(model.graph.initializers.map((t) => t.name));
      const inputShapes = new Map<string, number[]>();
      const inputs = model.graph.inputs.filter((i) => !inits.has(i.name));
      inputs.forEach((vi, i) => {
        const f = join(dir, 'test_data_set_0', `input_${i}.pb`);
        if (vi.type?.tensorType && existsSync(f)) inputShapes.set(vi.name, decodeTensorProto(new Uint8Array(readFileSync(f))).dims.map(Number));
      });
      const constants = new Map(model.graph.initializers.map((t) => [t.name, tensorFromProto(t)] as const));
      const shapes = inferShapes(model.graph.nodes, inputShapes, constants, opset);
      model.graph.outputs.forEach((vo, i) => {
        const f = join(dir, 'test_data_set_0', `output_${i}.pb`);
        const s = shapes.get(vo.name);
        if (!s || !vo.type?.tensorType || !existsSync(f)) return;
        inferred++;
        const want = decodeTensorProto(new Uint8Array(readFileSync(f))).dims.map(Number);
        if (want.join(',') !== s.join(',')) wrong.push(`${c}/${vo.name}: inferred [${s}], expected [${want}]`);
      });
      for (const t of constants.values()) t.dispose();
    }
    console.log(`shape inference: ${inferred} node-test outputs inferred`);
    expect(wrong).toEqual([]);
    expect(inferred).toBeGreaterThan(300);
  });
});
