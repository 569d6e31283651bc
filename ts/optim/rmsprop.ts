/**
 * torch.optim.RMSprop and torch.optim.Adagrad (PyTorch 1.13's updates, one fused kernel pass):
 *   RMSprop: sq = a sq + (1 - a) g^2; centered: gavg = a gavg + (1 - a) g, avg = sqrt(sq - gavg^2) + eps
 *            else avg = sqrt(sq) + eps; momentum: buf = m buf + g / avg, p -= lr buf; else p -= lr g / avg
 *   Adagrad: clr = lr / (1 + (t - 1) lrDecay); sum += g^2; p -= clr g / (sqrt(sum) + eps)
 */
import type { Tensor } from '../tensor/tensor.js';
import { optArgs } from '../ops/args.js';
import { Optimizer, checkHyper, zerosState, stateTensor, gpuUpdate, f32Work, checkedGrad, kernels, type ParamGroup, type ParamGroupInput } from './optimizer.js';
import { gpuAdagradStep, gpuRmspropStep } from '../backend/webgpu/optim.js';

/**
 * RMSprop (alpha, eps, weightDecay, momentum, centered, maximize).
 *
 * @example
 * ```ts
 * const opt = new torch.optim.RMSprop(model.parameters(), { lr: 1e-2, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput>, ...opt: unknown[]) {
    const o = optArgs('RMSprop', opt, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'], {
      lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false,
    });
    checkHyper(o.lr >= 0, 'learning rate', o.lr);
    checkHyper(o.eps >= 0, 'epsilon value', o.eps);
    checkHyper(o.momentum >= 0, 'momentum value', o.momentum);
    checkHyper(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
    checkHyper(o.alpha >= 0, 'alpha value', o.alpha);
    super(params, o);
  }

  protected override updateGroup(group: ParamGroup): void {
    const momentum = group.momentum as number;
    const centered = Boolean(group.centered);
    const flags = (group.maximize ? 1 : 0) | (centered ? 2 : 0) | (momentum > 0 ? 4 : 0);
    for (const p of group.params) {
      if (!p.grad) continue;
      const st = this.stateOf(p);
      if (st.step === undefined) {
        st.step = 0;
        st.squareAvg = zerosState(p);
      }
      if (momentum > 0 && !st.momentumBuffer) st.momentumBuffer = zerosState(p);
      if (centered && !st.gradAvg) st.gradAvg = zerosState(p);
      st.step = (st.step as number) + 1;
      const sq = stateTensor(st, 'squareAvg', p) as Tensor;
      const ga = centered ? stateTensor(st, 'gradAvg', p) : null;
      const buf = momentum > 0 ? stateTensor(st, 'momentumBuffer', p) : null;
      if (p.device === 'webgpu') {
        gpuUpdate('RMSprop', p, (pw, gw) =>
          gpuRmspropStep(pw, gw, sq, ga, buf, group.lr, group.alpha as number, group.eps as number, group.weightDecay as number, momentum, flags));
        p._version++;
        continue;
      }
      const pw = f32Work(p);
      const gw = f32Work(checkedGrad(p));
      const n = p.numel();
      if (n > 0) {
        kernels.rmsprop_step(pw.w._ptr(), gw.w._ptr(), sq._ptr(), ga ? ga._ptr() : 0, buf ? buf._ptr() : 0, n,
          group.lr, group.alpha as number, group.eps as number, group.weightDecay as number, momentum, flags);
      }
      pw.done(true);
      gw.done(false);
      p._version++;
    }
  }
}

/**
 * Adagrad (lrDecay, weightDecay, initialAccumulatorValue, eps, maximize).
 *
 * @example
 * ```ts
 * const opt = new torch.optim.Adagrad(model.parameters(), { lr: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput>, ...opt: unknown[]) {
    const o = optArgs('Adagrad', opt, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'maximize'], {
      lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false,
    });
    checkHyper(o.lr >= 0, 'learning rate', o.lr);
    checkHyper(o.lrDecay >= 0, 'lr_decay value', o.lrDecay);
    checkHyper(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
    checkHyper(o.initialAccumulatorValue >= 0, 'initial_accumulator_value value', o.initialAccumulatorValue);
    checkHyper(o.eps >= 0, 'epsilon value', o.eps);
    super(params, o);
    // PyTorch creates Adagrad's state eagerly
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const st = this.stateOf(p);
        st.step = 0;
        st.sum = zerosState(p, g.initialAccumulatorValue as number);
      }
    }
  }

  protected override updateGroup(group: ParamGroup): void {
    const flags = group.maximize ? 1 : 0;
    for (const p of group.params) {
      if (!p.grad) continue;
      const st = this.stateOf(p);
      if (st.sum === undefined) {
        st.step = 0;
        st.sum = zerosState(p, group.initialAccumulatorValue as number);
      }
      const step = (st.step as number) + 1;
      st.step = step;
      const clr = group.lr / (1 + (step - 1) * (group.lrDecay as number));
      const sum = stateTensor(st, 'sum', p) as Tensor;
      if (p.device === 'webgpu') {
        gpuUpdate('Adagrad', p, (pw, gw) => gpuAdagradStep(pw, gw, sum, clr, group.eps as number, group.weightDecay as number, flags));
        p._version++;
        continue;
      }
      const pw = f32Work(p);
      const gw = f32Work(checkedGrad(p));
      const n = p.numel();
      if (n > 0) kernels.adagrad_step(pw.w._ptr(), gw.w._ptr(), sum._ptr(), n, clr, group.eps as number, group.weightDecay as number, flags);
      pw.done(true);
      gw.done(false);
      p._version++;
    }
  }
}
