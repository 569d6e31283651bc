// The demo behind `npm start`: trains a small CNN on scikit-learn's 8x8 digits with a progress bar,
// reports test accuracy (PyTorch reaches about 97-98%), saves the weights as safetensors, reloads them
// into a fresh model, exports it to ONNX and runs the exported graph, and prints a few predictions
// with the digits drawn.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as torch from '../ts/index.js';

const { nn, F } = torch;
const OUT = new URL('../out/', import.meta.url);
mkdirSync(OUT, { recursive: true });

// ---- data: 1797 rows of 64 pixels (0..16) and a label ----
const rows = gunzipSync(readFileSync(new URL('../data/digits.csv.gz', import.meta.url)))
  .toString('utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(',').map(Number));
const pixels = torch.tensor(rows.map((r) => r.slice(0, 64)), { dtype: 'float32' }).div(16).view(-1, 1, 8, 8);
const labels = torch.tensor(rows.map((r) => r[64]));
const dataset = new torch.utils.data.TensorDataset(pixels, labels);
const generator = new torch.Generator().manualSeed(0);
const [trainSet, testSet] = torch.utils.data.randomSplit(dataset, [1437, 360], generator);
const trainLoader = new torch.utils.data.DataLoader(trainSet, { batchSize: 32, shuffle: true, generator });
const testLoader = new torch.utils.data.DataLoader(testSet, { batchSize: 120 });

// ---- model ----
torch.manualSeed(0);
class DigitsCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 16, 3, { padding: 1 });
  conv2 = new nn.Conv2d(16, 32, 3, { padding: 1 });
  pool = new nn.MaxPool2d(2);
  fc = new nn.Linear(32 * 2 * 2, 10);
  dropout = new nn.Dropout(0.1);

  override forward(x: torch.Tensor): torch.Tensor {
    let h = this.pool.call(F.relu(this.conv1.call(x)));
    h = this.pool.call(F.relu(this.conv2.call(h)));
    return this.fc.call(this.dropout.call(h.flatten(1)));
  }
}
const model = new DigitsCNN();
console.log(model.toString());
console.log(torch.train.summary(model, [1, 1, 8, 8]));

// ---- train ----
const task: torch.train.TrainingTask = {
  model,
  trainingStep([x, y]: [torch.Tensor, torch.Tensor]) {
    const logits = model.forward(x);
    return { loss: F.crossEntropy(logits, y), acc: torch.train.accuracy(logits, y) };
  },
  validationStep([x, y]: [torch.Tensor, torch.Tensor]) {
    const logits = model.forward(x);
    return { loss: F.crossEntropy(logits, y), acc: torch.train.accuracy(logits, y), batchSize: y.shape[0] };
  },
  configureOptimizers() {
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 3e-3 });
    return { optimizer, lrScheduler: new torch.optim.lrScheduler.StepLR(optimizer, 8, 0.5) };
  },
};
const trainer = new torch.train.Trainer({
  maxEpochs: 15,
  earlyStopping: { monitor: 'valLoss', patience: 4 },
  checkpoint: { monitor: 'valAcc', mode: 'max' },
});
const t0 = performance.now();
await trainer.fit(task, trainLoader, testLoader);
const seconds = (performance.now() - t0) / 1000;
if (trainer.bestState) model.loadStateDict(trainer.bestState);
const test = await trainer.validate(task, testLoader);
writeFileSync(new URL('curves.svg', OUT), torch.train.plotHistory(trainer.history, { title: 'digits CNN' }));

// ---- save, export, reload, infer ----
const weights = torch.save(model.stateDict());
writeFileSync(new URL('digits_cnn.safetensors', OUT), weights);
const reloaded = new DigitsCNN();
reloaded.loadStateDict(torch.load(readFileSync(new URL('digits_cnn.safetensors', OUT))));
reloaded.eval();

const [xs, ys] = collate(testSet, 6);
// export to ONNX (by tracing) and run the exported graph with torchlet's own InferenceSession
const onnxBytes = torch.onnx.export(reloaded, [xs], { inputNames: ['pixels'], outputNames: ['logits'] });
writeFileSync(new URL('digits_cnn.onnx', OUT), onnxBytes);
const session = await torch.onnx.InferenceSession.create(onnxBytes);
const onnxLogits = (await session.run({ pixels: xs })).logits;
const directLogits = torch.noGrad(() => reloaded.forward(xs));
const onnxMaxDiff = onnxLogits.sub(directLogits).abs().max().item() as number;
const preds = directLogits.argmax(1);

function collate(ds: { getItem(i: number): unknown }, n: number): [torch.Tensor, torch.Tensor] {
  const items = Array.from({ length: n }, (_, i) => ds.getItem(i) as [torch.Tensor, torch.Tensor]);
  return [torch.stack(items.map((it) => it[0])), torch.stack(items.map((it) => it[1]))];
}

function draw(img: torch.Tensor): string[] {
  const v = img.reshape(8, 8).tolist() as number[][];
  return v.map((r) => r.map((p) => (p > 0.75 ? '#' : p > 0.4 ? '+' : p > 0.1 ? '.' : ' ')).join(''));
}

console.log('\nPredictions on test digits:');
const pics = Array.from({ length: 6 }, (_, i) => draw(xs.select(0, i)));
for (let r = 0; r < 8; r++) console.log(pics.map((p) => p[r]).join('   '));
console.log((preds.tolist() as number[]).map((p, i) => `pred ${p} / ${ys.select(0, i).item()}`.padEnd(11)).join(''));

console.log('\nSummary');
console.log(`  epochs run:        ${trainer.history.length}${trainer.stoppedEarly ? ' (early stopping)' : ''} in ${seconds.toFixed(1)} s`);
console.log(`  test accuracy:     ${(test.acc * 100).toFixed(2)}% (PyTorch reaches about 97-98%)`);
console.log(`  test loss:         ${test.loss.toFixed(4)}`);
console.log(`  weights:           out/digits_cnn.safetensors (${weights.length} bytes)`);
console.log(`  onnx export:       out/digits_cnn.onnx (${onnxBytes.length} bytes), max difference from the module ${onnxMaxDiff.toExponential(1)}`);
console.log(`  training curves:   out/curves.svg`);
const gpu = await torch.webgpu.init();
const cpu = torch.backends().cpu;
console.log(`  compute:           CPU, wasm SIMD, ${cpu.numThreads} thread${cpu.numThreads === 1 ? '' : 's'}; WebGPU ${gpu ? `available (${gpu.description || gpu.vendor || gpu.source}): model.to('webgpu') runs there` : `not used (${torch.backends().webgpu.reason})`}`);
