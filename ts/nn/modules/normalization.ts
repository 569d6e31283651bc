/**
 * Normalisation layers: BatchNorm1d/2d (running statistics as buffers running_mean, running_var,
 * num_batches_tracked int64, cumulative averaging when momentum is null), LayerNorm, GroupNorm,
 * RMSNorm. Math in F.batchNorm / F.layerNorm / F.groupNorm / F.rmsNorm.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { optArgs } from '../../ops/args.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { zeros, ones, filled } from '../../ops/creation.js';
import { copyInto } from '../../ops/launch.js';
import { knownCpu } from '../../backend/webgpu/dispatch.js';
import * as F from '../functional.js';
import { Module, pyRepr } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat, pyTuple, type FactoryOpts } from './common.js';

/**
 * num_batches_tracked of webgpu BatchNorm modules as last counted here: cumulative averaging
 * (momentum=None) needs the count synchronously, and WebGPU values are read asynchronously. The
 * record is valid while the storage has not been written since (its `version`).
 */
const gpuBatchCounts = new WeakMap<object, { storage: object; version: number; value: number }>();

/** The number of batches counted before this forward, as a number. */
function batchesBefore(m: object, nbt: Tensor): number {
  if (nbt.device !== 'webgpu') return Number(nbt.item());
  const s = nbt._storage as unknown as { version: number };
  const c = gpuBatchCounts.get(m);
  if (c && c.storage === s && c.version === s.version) return c.value;
  const known = knownCpu(nbt);
  if (!known) {
    throw new Error('BatchNorm with momentum=None on webgpu: num_batches_tracked is only on the GPU (WebGPU reads are asynchronous); read it once with await bn.num_batches_tracked.data() or set a momentum');
  }
  const v = Number(known.item());
  known.dispose();
  return v;
}

function rememberBatches(m: object, nbt: Tensor, value: number): void {
  if (nbt.device !== 'webgpu') return;
  const s = nbt._storage as unknown as { version: number };
  gpuBatchCounts.set(m, { storage: s, version: s.version, value });
}

abstract class BatchNormNd extends Module {
  readonly num_features: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly track_running_stats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(cls: string, numFeatures: number, opt: unknown[]) {
    super();
    const o = optArgs<{ eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean } & FactoryOpts>(cls, opt, ['eps', 'momentum', 'affine', 'trackRunningStats', 'device', 'dtype'], {
      eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true, device: undefined, dtype: undefined,
    });
    this.num_features = numFeatures;
    this.eps = o.eps;
    this.momentum = o.momentum;
    this.affine = o.affine;
    this.track_running_stats = o.trackRunningStats;
    const dtype = o.dtype ?? 'float32';
    this.weight = o.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = o.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (o.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int64' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
  }

  /** Resets running statistics (mean 0, var 1, count 0). */
  resetRunningStats(): void {
    if (!this.track_running_stats) return;
    noGrad(() => {
      copyInto(this.running_mean as Tensor, filled([this.num_features], 0, 'float32'));
      copyInto(this.running_var as Tensor, filled([this.num_features], 1, 'float32'));
      copyInto(this.num_batches_tracked as Tensor, filled([], 0, 'int64'));
    });
  }

  protected abstract checkInput(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    let factor = this.momentum ?? 0;
    if (this.training && this.track_running_stats && this.num_batches_tracked) {
      const nbt = this.num_batches_tracked;
      const before = this.momentum === null ? batchesBefore(this, nbt) : 0;
      noGrad(() => {
        const next = nbt.add(1);
        copyInto(nbt, next);
        next.dispose();
      });
      if (this.momentum === null) {
        factor = 1 / (before + 1);
        rememberBatches(this, nbt, before + 1);
      }
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useRunning = !this.training || this.track_running_stats;
    return F.batchNorm(x, useRunning ? this.running_mean : null, useRunning ? this.running_var : null, this.weight, this.bias, bnTraining, factor, this.eps);
  }

  override extraRepr(): string {
    return `${this.num_features}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.track_running_stats)}`;
  }

  /** camelCase aliases of the buffers */
  get runningMean(): Tensor | null {
    return this.running_mean;
  }

  get runningVar(): Tensor | null {
    return this.running_var;
  }
}

/**
 * Batch normalisation over (N, C) or (N, C, L) inputs.
 *
 * @example
 * ```ts
 * const bn = new nn.BatchNorm1d(100, { momentum: 0.01 });
 * ```
 */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, ...opt: unknown[]) {
    super('BatchNorm1d', numFeatures, opt);
  }

  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`expected 2D or 3D input (got ${x.ndim}D input)`);
  }
}

/**
 * Batch normalisation over (N, C, H, W) inputs.
 *
 * @example
 * ```ts
 * const bn = new nn.BatchNorm2d(8);
 * bn.eval(); // use running statistics
 * ```
 */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, ...opt: unknown[]) {
    super('BatchNorm2d', numFeatures, opt);
  }

  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new RangeError(`expected 4D input (got ${x.ndim}D input)`);
  }
}

/**
 * Layer normalisation over the last dims (normalizedShape).
 *
 * @example
 * ```ts
 * const ln = new nn.LayerNorm(512);
 * const ln2 = new nn.LayerNorm([3, 4], { elementwiseAffine: false });
 * ```
 */
export class LayerNorm extends Module {
  readonly normalized_shape: number[];
  readonly eps: number;
  readonly elementwise_affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | number[], ...opt: unknown[]) {
    super();
    const o = optArgs<{ eps: number; elementwiseAffine: boolean; bias: boolean } & FactoryOpts>('LayerNorm', opt, ['eps', 'elementwiseAffine', 'bias', 'device', 'dtype'], {
      eps: 1e-5, elementwiseAffine: true, bias: true, device: undefined, dtype: undefined,
    });
    this.normalized_shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    this.eps = o.eps;
    this.elementwise_affine = o.elementwiseAffine;
    const dtype = o.dtype ?? 'float32';
    this.weight = o.elementwiseAffine ? new Parameter(ones(this.normalized_shape, { dtype })) : null;
    this.bias = o.elementwiseAffine && o.bias ? new Parameter(zeros(this.normalized_shape, { dtype })) : null;
  }

  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalized_shape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalized_shape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwise_affine)}`;
  }
}

/**
 * Group normalisation: channels split into numGroups groups.
 *
 * @example
 * ```ts
 * const gn = new nn.GroupNorm(4, 16);
 * ```
 */
export class GroupNorm extends Module {
  readonly num_groups: number;
  readonly num_channels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, ...opt: unknown[]) {
    super();
    const o = optArgs<{ eps: number; affine: boolean } & FactoryOpts>('GroupNorm', opt, ['eps', 'affine', 'device', 'dtype'], { eps: 1e-5, affine: true, device: undefined, dtype: undefined });
    if (numChannels % numGroups !== 0) throw new RangeError('num_channels must be divisible by num_groups');
    this.num_groups = numGroups;
    this.num_channels = numChannels;
    this.eps = o.eps;
    this.affine = o.affine;
    const dtype = o.dtype ?? 'float32';
    this.weight = o.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = o.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  override forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.num_groups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.num_groups}, ${this.num_channels}, eps=${pyFloat(this.eps)}, affine=${pyRepr(this.affine)}`;
  }
}

/**
 * Root-mean-square normalisation over the last dims (eps null: the dtype's machine epsilon).
 *
 * @example
 * ```ts
 * const norm = new nn.RMSNorm(512, { eps: 1e-6 });
 * ```
 */
export class RMSNorm extends Module {
  readonly normalized_shape: number[];
  readonly eps: number | null;
  readonly elementwise_affine: boolean;
  weight: Parameter | null;

  constructor(normalizedShape: number | number[], ...opt: unknown[]) {
    super();
    const o = optArgs<{ eps: number | null; elementwiseAffine: boolean } & FactoryOpts>('RMSNorm', opt, ['eps', 'elementwiseAffine', 'device', 'dtype'], {
      eps: null, elementwiseAffine: true, device: undefined, dtype: undefined,
    });
    this.normalized_shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    this.eps = o.eps;
    this.elementwise_affine = o.elementwiseAffine;
    this.weight = o.elementwiseAffine ? new Parameter(ones(this.normalized_shape, { dtype: o.dtype ?? 'float32' })) : null;
  }

  override forward(x: Tensor): Tensor {
    return F.rmsNorm(x, this.normalized_shape, this.weight, this.eps);
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalized_shape)}, eps=${this.eps === null ? 'None' : pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwise_affine)}`;
  }
}
