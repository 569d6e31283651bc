/**
 * torch.optim.Adam and AdamW (PyTorch 1.13's single-tensor update, fused in one kernel pass):
 *   g = ±grad (+ wd * p for Adam; AdamW multiplies p by 1 - lr * wd instead)
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  vmax = max(vmax, v) (amsgrad)
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
import type { Tensor } from '../tensor/tensor.js';
import { optArgs } from '../ops/args.js';
import { Optimizer, checkHyper, zerosState, stateTensor, gpuUpdate, f32Work, checkedGrad, kernels, type ParamGroup, type ParamGroupInput } from './optimizer.js';
import { gpuAdamStep } from '../backend/webgpu/optim.js';

type AdamOpts = { lr: number; betas: [number, number]; eps: number; weightDecay: number; amsgrad: boolean; maximize: boolean };

function adamOptions(name: string, opt: unknown[], wdDefault: number): AdamOpts {
  const o = optArgs(name, opt, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'], {
    lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: wdDefault, amsgrad: false, maximize: false,
  });
  checkHyper(o.lr >= 0, 'learning rate', o.lr);
  checkHyper(o.eps >= 0, 'epsilon value', o.eps);
  checkHyper(Array.isArray(o.betas) && o.betas.length === 2, 'betas', o.betas);
  checkHyper(o.betas[0] >= 0 && o.betas[0] < 1, 'beta parameter at index 0', o.betas[0]);
  checkHyper(o.betas[1] >= 0 && o.betas[1] < 1, 'beta parameter at index 1', o.betas[1]);
  checkHyper(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
  return { ...o, betas: [o.betas[0], o.betas[1]] };
}

function adamUpdate(opt: Optimizer & { stateOfP(p: Tensor): Record<string, unknown> }, group: ParamGroup, decoupled: boolean): void {
  const lr = group.lr;
  const [b1, b2] = group.betas as [number, number];
  const eps = group.eps as number;
  const wd = group.weightDecay as number;
  const ams = Boolean(group.amsgrad);
  const flags = (group.maximize ? 1 : 0) | (ams ? 2 : 0) | (decoupled ? 4 : 0);
  for (const p of group.params) {
    if (!p.grad) continue;
    const st = opt.stateOfP(p);
    if (st.step === undefined) {
      st.step = 0;
      st.expAvg = zerosState(p);
      st.expAvgSq = zerosState(p);
      if (ams) st.maxExpAvgSq = zerosState(p);
    }
    if (ams && !st.maxExpAvgSq) st.maxExpAvgSq = zerosState(p);
    const step = (st.step as number) + 1;
    st.step = step;
    const bc1 = 1 - b1 ** step;
    const bc2s = Math.sqrt(1 - b2 ** step);
    const m = stateTensor(st, 'expAvg', p) as Tensor;
    const v = stateTensor(st, 'expAvgSq', p) as Tensor;
    const vmax = ams ? stateTensor(st, 'maxExpAvgSq', p) : null;
    if (p.device === 'webgpu') {
      gpuUpdate(decoupled ? 'AdamW' : 'Adam', p, (pw, gw) =>
        gpuAdamStep(pw, gw, m, v, vmax, b1, b2, eps, decoupled ? 0 : wd, decoupled ? 1 - lr * wd : 1, -lr / bc1, bc2s, flags));
      p._version++;
      continue;
    }
    const pw = f32Work(p);
    const gw = f32Work(checkedGrad(p));
    const n = p.numel();
    if (n > 0) {
      kernels.adam_step(pw.w._ptr(), gw.w._ptr(), m._ptr(), v._ptr(), vmax ? vmax._ptr() : 0, n, b1, b2, eps,
        decoupled ? 0 : wd, decoupled ? 1 - lr * wd : 1, -lr / bc1, bc2s, flags);
    }
    pw.done(true);
    gw.done(false);
    p._version++;
  }
}

/**
 * Adam (Kingma & Ba), with L2 weight decay added to the gradient, amsgrad and maximize.
 *
 * @example
 * ```ts
 * const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput>, ...opt: unknown[]) {
    super(params, adamOptions('Adam', opt, 0));
  }

  /** @internal */
  stateOfP(p: Tensor): Record<string, unknown> {
    return this.stateOf(p);
  }

  protected override updateGroup(group: ParamGroup): void {
    adamUpdate(this, group, false);
  }
}

/**
 * AdamW: Adam with decoupled weight decay (default 0.01).
 *
 * @example
 * ```ts
 * const opt = new torch.optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Optimizer {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput>, ...opt: unknown[]) {
    super(params, adamOptions('AdamW', opt, 1e-2));
  }

  /** @internal */
  stateOfP(p: Tensor): Record<string, unknown> {
    return this.stateOf(p);
  }

  protected override updateGroup(group: ParamGroup): void {
    adamUpdate(this, group, true);
  }
}
