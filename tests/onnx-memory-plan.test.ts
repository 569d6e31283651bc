// The ONNX memory plan (issue 6): a session's arena recycles the wasm blocks of freed intermediates
// by size, so a second run of the same model allocates nothing but its outputs; outputs still match
// PyTorch's (../shared/models), the blocks kept between runs are reported as torch.memory().pooledBytes,
// and release() frees them.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../ts/index.js';
import { wasmAllocations } from '../ts/tensor/storage.js';
import { readNpy } from './npy.js';

const MODELS = new URL('../../shared/models/', import.meta.url);
const names = ['digits_mlp', 'digits_cnn', 'mobilenet_v2', 'resnet18', 'tiny_transformer', 'lstm_classifier'];

function maxErr(got: torch.Tensor, want: ArrayLike<number>): { err: number; scale: number } {
  const g = got.dataSync() as Float32Array;
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(g[i] - want[i]));
  }
  return { err, scale };
}

describe.skipIf(!existsSync(MODELS))('ONNX memory plan: repeated runs reuse wasm blocks', () => {
  for (const name of names) {
    it(name, async () => {
      const dir = new URL(`${name}/`, MODELS);
      const meta = JSON.parse(readFileSync(new URL('meta.json', dir), 'utf8'));
      const session = await torch.onnx.InferenceSession.create(new Uint8Array(readFileSync(new URL('model.onnx', dir))));
      const feeds: Record<string, torch.Tensor> = {};
      for (const inp of meta.inputs) {
        const npy = readNpy(new URL(inp.file, dir));
        feeds[inp.name] = torch.tensor(npy.data as Float32Array, { dtype: npy.dtype === 'int64' ? 'int64' : 'float32' }).reshape(npy.shape);
      }
      const before = torch.memory();
      const a0 = wasmAllocations();
      const first = await session.run(feeds);
      const firstAllocs = wasmAllocations() - a0;
      const a1 = wasmAllocations();
      const second = await session.run(feeds);
      const secondAllocs = wasmAllocations() - a1;
      const outputs = Object.keys(second).length;
      console.log(`${name}: wasm allocations run 1: ${firstAllocs}, run 2: ${secondAllocs} (outputs ${outputs}); pooled ${(torch.memory().pooledBytes / 2 ** 20).toFixed(2)} MB`);
      // the first run allocates every block the plan needs; the second only the blocks of the
      // outputs it hands to the caller (those left the arena with the first run's outputs)
      expect(firstAllocs).toBeGreaterThan(outputs);
      expect(secondAllocs).toBeLessThanOrEqual(outputs);
      expect(torch.memory().pooledBytes).toBeGreaterThan(before.pooledBytes);
      for (const o of meta.outputs) {
        const want = readNpy(new URL(o.file, dir)).data as Float32Array;
        for (const out of [first, second]) {
          expect(out[o.name].shape).toEqual(readNpy(new URL(o.file, dir)).shape);
          const { err, scale } = maxErr(out[o.name], want);
          expect(err).toBeLessThanOrEqual(1e-3 * Math.max(scale, 1e-6));
        }
      }
      // outputs of both runs own distinct blocks: disposing one run's outputs leaves the other's intact
      for (const t of Object.values(first)) t.dispose();
      for (const o of meta.outputs) {
        const { err, scale } = maxErr(second[o.name], readNpy(new URL(o.file, dir)).data as Float32Array);
        expect(err).toBeLessThanOrEqual(1e-3 * Math.max(scale, 1e-6));
      }
      for (const t of Object.values(second)) t.dispose();
      // nothing the runs made is left as a live tensor; release() returns the pooled blocks
      expect(torch.memory().tensors).toBe(before.tensors);
      expect(torch.memory().bytes).toBe(before.bytes);
      await session.release();
      expect(torch.memory().pooledBytes).toBe(before.pooledBytes);
      for (const t of Object.values(feeds)) t.dispose();
    });
  }

  it('runs with another input shape in between stay right', async () => {
    const dir = new URL('digits_mlp/', MODELS);
    const meta = JSON.parse(readFileSync(new URL('meta.json', dir), 'utf8'));
    const session = await torch.onnx.InferenceSession.create(new Uint8Array(readFileSync(new URL('model.onnx', dir))));
    const npy = readNpy(new URL(meta.inputs[0].file, dir));
    const x = torch.tensor(npy.data as Float32Array).reshape(npy.shape);
    const want = readNpy(new URL(meta.outputs[0].file, dir)).data as Float32Array;
    const name = meta.outputs[0].name;
    const ref = (await session.run({ [meta.inputs[0].name]: x }))[name];
    // a smaller batch (first 3 rows), then the full batch again: results stay right
    const x3 = x.narrow(0, 0, 3).contiguous();
    const small = (await session.run({ [meta.inputs[0].name]: x3 }))[name];
    const { err, scale } = maxErr(small, want.subarray(0, small.numel()));
    expect(err).toBeLessThanOrEqual(1e-3 * Math.max(scale, 1e-6));
    const again = (await session.run({ [meta.inputs[0].name]: x }))[name];
    expect(Array.from(again.dataSync() as Float32Array)).toEqual(Array.from(ref.dataSync() as Float32Array));
    for (const t of [ref, small, again, x3]) t.dispose();
    await session.release();
    x.dispose();
  });

  it('under a small memory budget: idle sessions give up their blocks, spilled storages come back right', async () => {
    const load = async (name: string) => {
      const dir = new URL(`${name}/`, MODELS);
      const meta = JSON.parse(readFileSync(new URL('meta.json', dir), 'utf8'));
      const session = await torch.onnx.InferenceSession.create(new Uint8Array(readFileSync(new URL('model.onnx', dir))));
      const npy = readNpy(new URL(meta.inputs[0].file, dir));
      const x = torch.tensor(npy.data as Float32Array).reshape(npy.shape);
      const want = readNpy(new URL(meta.outputs[0].file, dir)).data as Float32Array;
      const check = async (): Promise<void> => {
        const out = (await session.run({ [meta.inputs[0].name]: x }))[meta.outputs[0].name];
        const { err, scale } = maxErr(out, want);
        expect(err).toBeLessThanOrEqual(1e-3 * Math.max(scale, 1e-6));
        out.dispose();
      };
      return { session, x, check };
    };
    const pooled0 = torch.memory().pooledBytes;
    const mlp = await load('digits_mlp');
    const cnn = await load('digits_cnn');
    await mlp.check();
    await mlp.check();
    const mlpPool = torch.memory().pooledBytes - pooled0;
    expect(mlpPool).toBeGreaterThan(0);
    const oldBudget = torch.memory().budget;
    torch.setMemoryBudget(512 * 1024);
    try {
      // the cnn needs ~2.5 MB of blocks: over budget, the idle mlp's pool is freed first, then the
      // least recently used tensors (weights, the cnn's own intermediates) move out and back
      await cnn.check();
      const cnnPool = torch.memory().pooledBytes - pooled0;
      await cnn.check();
      expect(torch.memory().pooledBytes - pooled0).toBe(cnnPool);
      await mlp.check();
      // the mlp's run dropped the idle cnn's blocks in turn
      expect(torch.memory().pooledBytes - pooled0).toBeLessThan(cnnPool);
      await cnn.check();
    } finally {
      torch.setMemoryBudget(oldBudget);
    }
    await cnn.check();
    for (const m of [mlp, cnn]) {
      await m.session.release();
      m.x.dispose();
    }
    expect(torch.memory().pooledBytes).toBe(pooled0);
  });
});
