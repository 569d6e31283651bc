/**
 * Trainer: a training loop in the spirit of PyTorch Lightning's. A task object supplies the model,
 * `trainingStep`, optional `validationStep` and `configureOptimizers`; the Trainer runs epochs with
 * a progress bar (plain log lines when not a terminal), averages metrics, steps LR schedulers,
 * keeps a history for plots, saves checkpoints (safetensors bytes to a callback, the best one kept
 * in memory), stops early on a monitored metric, and frees each step's temporaries.
 */
import { Tensor } from '../tensor/tensor.js';
import { scope } from '../tensor/scope.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { save } from '../io/safetensors.js';
import { clipGradNorm_ } from '../nn/utils.js';
import { ProgressBar, fmtMetrics } from './progress.js';
import { writeLine } from '../platform/terminal.js';

export type StepOutput = Tensor | { loss: Tensor; [metric: string]: Tensor | number };

/** An LR scheduler as the Trainer uses it (every torch.optim.lrScheduler class fits). */
export interface SchedulerLike {
  step(metric?: number): void;
}

/** What the Trainer trains: a LightningModule-like object. */
export interface TrainingTask {
  model: Module;
  /** Returns the loss (or { loss, ...metrics }) for one batch. */
  trainingStep(batch: unknown, batchIdx: number): StepOutput;
  /** Returns metrics for one validation batch (averaged over batches, weighted by `batchSize` if given). */
  validationStep?(batch: unknown, batchIdx: number): Record<string, Tensor | number>;
  configureOptimizers(): Optimizer | { optimizer: Optimizer; lrScheduler?: SchedulerLike; monitor?: string };
}

export interface TrainerOptions {
  maxEpochs?: number;
  /** Progress bar and per-epoch log lines (default true). */
  progressBar?: boolean;
  /** Where log lines go (default: the terminal / console). */
  log?: (line: string) => void;
  earlyStopping?: { monitor: string; patience?: number; mode?: 'min' | 'max'; minDelta?: number };
  /** Keeps the best weights by a monitored metric; `save` receives safetensors bytes each time it improves. */
  checkpoint?: { monitor: string; mode?: 'min' | 'max'; save?: (bytes: Uint8Array, info: { epoch: number; metrics: Record<string, number> }) => void | Promise<void> };
  /** Clips the global gradient norm before each optimizer step. */
  gradientClipNorm?: number;
  /** Stop an epoch after this many batches (for quick runs). */
  limitTrainBatches?: number;
}

export interface EpochRecord {
  epoch: number;
  [metric: string]: number;
}

/** A metric as a number: webgpu tensors are read asynchronously (once per step, like PyTorch's loss.item()). */
async function toNumber(v: Tensor | number): Promise<number> {
  if (typeof v === 'number') return v;
  if (v.device === 'cpu') return v.item() as number;
  return Number((await v.data())[0]);
}

/** Iterates a loader (sync or async iterable). */
async function* batches(loader: Iterable<unknown> | AsyncIterable<unknown>): AsyncGenerator<unknown> {
  if (Symbol.asyncIterator in (loader as object)) yield* loader as AsyncIterable<unknown>;
  else yield* loader as Iterable<unknown>;
}

function lengthOf(loader: unknown): number {
  const l = loader as { length?: number | (() => number); len?: () => number };
  if (typeof l.len === 'function') return l.len();
  if (typeof l.length === 'function') return l.length();
  if (typeof l.length === 'number') return l.length;
  return NaN;
}

/**
 * Runs training and validation loops.
 *
 * @example
 * ```ts
 * const trainer = new torch.train.Trainer({ maxEpochs: 5, earlyStopping: { monitor: 'valLoss', patience: 2 } });
 * const history = await trainer.fit(task, trainLoader, valLoader);
 * ```
 */
export class Trainer {
  readonly history: EpochRecord[] = [];
  /** Best weights seen (by `checkpoint.monitor`), as a state dict of copies. */
  bestState: Record<string, Tensor> | null = null;
  bestScore: number | null = null;
  stoppedEarly = false;
  private readonly opts: Required<Pick<TrainerOptions, 'maxEpochs' | 'progressBar'>> & TrainerOptions;

  constructor(opts: TrainerOptions = {}) {
    this.opts = { maxEpochs: 10, progressBar: true, ...opts };
    if (!Number.isInteger(this.opts.maxEpochs) || this.opts.maxEpochs < 1) throw new RangeError(`Trainer: maxEpochs must be a positive integer, but got ${this.opts.maxEpochs}`);
  }

  private log(line: string): void {
    if (this.opts.log) this.opts.log(line);
    else writeLine(line);
  }

  /** Trains for maxEpochs (or until early stopping); returns the per-epoch history. */
  async fit(task: TrainingTask, trainLoader: Iterable<unknown> | AsyncIterable<unknown>, valLoader?: Iterable<unknown> | AsyncIterable<unknown>): Promise<EpochRecord[]> {
    const conf = task.configureOptimizers();
    const optimizer = 'step' in conf ? conf : conf.optimizer;
    const scheduler = 'step' in conf ? undefined : conf.lrScheduler;
    const schedMonitor = 'step' in conf ? undefined : conf.monitor;
    const es = this.opts.earlyStopping;
    let bad = 0;
    let esBest: number | null = null;
    for (let epoch = 1; epoch <= this.opts.maxEpochs; epoch++) {
      task.model.train();
      const total = lengthOf(trainLoader);
      const limit = this.opts.limitTrainBatches ?? Infinity;
      const bar = this.opts.progressBar ? new ProgressBar(Number.isFinite(total) ? Math.min(total, limit) : 0, `epoch ${epoch}/${this.opts.maxEpochs}`) : null;
      const sums: Record<string, number> = {};
      let n = 0;
      let i = 0;
      for await (const batch of batches(trainLoader)) {
        if (i >= limit) break;
        const metrics = await scope(async () => {
          optimizer.zeroGrad();
          const out = task.trainingStep(batch, i);
          const loss = out instanceof Tensor ? out : out.loss;
          if (!(loss instanceof Tensor) || loss.numel() !== 1) throw new TypeError('trainingStep must return a scalar loss tensor or { loss, ...metrics }');
          loss.backward();
          if (this.opts.gradientClipNorm) clipGradNorm_(task.model.parameters(), this.opts.gradientClipNorm);
          optimizer.step();
          const m: Record<string, number> = { loss: await toNumber(loss) };
          if (!(out instanceof Tensor)) for (const [k, v] of Object.entries(out)) if (k !== 'loss') m[k] = await toNumber(v);
          return m;
        });
        for (const [k, v] of Object.entries(metrics)) sums[k] = (sums[k] ?? 0) + v;
        n++;
        i++;
        bar?.update(i, Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / n])));
      }
      const record: EpochRecord = { epoch };
      for (const [k, v] of Object.entries(sums)) record[`train${k[0].toUpperCase()}${k.slice(1)}`] = v / Math.max(n, 1);
      if (valLoader && task.validationStep) Object.assign(record, prefixed('val', await this.validate(task, valLoader)));
      record.lr = optimizer.paramGroups[0].lr as number;
      this.history.push(record);
      const shown = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'epoch'));
      if (bar) bar.done(prefixedOnly(shown, 'val'));
      if (!bar || !this.opts.progressBar) this.log(`epoch ${epoch}/${this.opts.maxEpochs} ${fmtMetrics(shown)}`);
      if (scheduler) scheduler.step(schedMonitor ? record[schedMonitor] : undefined);
      await this.maybeCheckpoint(task, epoch, record);
      if (es) {
        const v = record[es.monitor];
        if (v === undefined) throw new RangeError(`earlyStopping: metric '${es.monitor}' is not logged (available: ${Object.keys(record).join(', ')})`);
        const better = esBest === null || (es.mode === 'max' ? v > esBest + (es.minDelta ?? 0) : v < esBest - (es.minDelta ?? 0));
        if (better) {
          esBest = v;
          bad = 0;
        } else if (++bad >= (es.patience ?? 3)) {
          this.stoppedEarly = true;
          this.log(`early stopping: ${es.monitor} did not improve for ${bad} epochs (best ${(esBest as number).toFixed(4)})`);
          break;
        }
      }
      // let finalizers of collected tensors run between epochs
      await Promise.resolve();
    }
    return this.history;
  }

  /** Runs validationStep over a loader in eval mode without autograd; returns averaged metrics. */
  async validate(task: TrainingTask, loader: Iterable<unknown> | AsyncIterable<unknown>): Promise<Record<string, number>> {
    if (!task.validationStep) throw new TypeError('validate() needs a task with validationStep');
    const wasTraining = task.model.training;
    task.model.eval();
    const sums: Record<string, number> = {};
    let weight = 0;
    let i = 0;
    for await (const batch of batches(loader)) {
      const m = await scope(async () => {
        const r = noGrad(() => task.validationStep!(batch, i++));
        const o: Record<string, number> = {};
        for (const [k, v] of Object.entries(r)) o[k] = await toNumber(v);
        return o;
      });
      const w = m.batchSize ?? 1;
      for (const [k, v] of Object.entries(m)) if (k !== 'batchSize') sums[k] = (sums[k] ?? 0) + v * w;
      weight += w;
    }
    task.model.train(wasTraining);
    return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(weight, 1)]));
  }

  private async maybeCheckpoint(task: TrainingTask, epoch: number, metrics: EpochRecord): Promise<void> {
    const ck = this.opts.checkpoint;
    if (!ck) return;
    const v = metrics[ck.monitor];
    if (v === undefined) throw new RangeError(`checkpoint: metric '${ck.monitor}' is not logged (available: ${Object.keys(metrics).join(', ')})`);
    const better = this.bestScore === null || (ck.mode === 'max' ? v > this.bestScore : v < this.bestScore);
    if (!better) return;
    this.bestScore = v;
    if (this.bestState) for (const t of Object.values(this.bestState)) t.dispose();
    const sd = task.model.stateDict();
    this.bestState = Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.detach().clone()]));
    if (ck.save) {
      // safetensors bytes are written from CPU values: webgpu tensors are read back first
      const cpu: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(this.bestState)) cpu[k] = t.device === 'cpu' ? t : await t.cpuAsync();
      let bytes: Uint8Array;
      try {
        bytes = save(cpu);
      } finally {
        for (const [k, t] of Object.entries(cpu)) if (t !== this.bestState[k]) t.dispose();
      }
      await ck.save(bytes, { epoch, metrics });
    }
  }
}

function prefixed(prefix: string, m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [`${prefix}${k[0].toUpperCase()}${k.slice(1)}`, v]));
}

function prefixedOnly(m: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([k]) => k.startsWith(prefix)));
}
