/**
 * torch.optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum,
 * weight decay and maximize, following PyTorch 1.13's update (one fused kernel pass per tensor):
 *   d = ±grad + wd * p;  buf = d (first step) or momentum * buf + (1 - dampening) * d;
 *   d = nesterov ? d + momentum * buf : buf;  p -= lr * d
 */
import type { Tensor } from '../tensor/tensor.js';
import { optArgs } from '../ops/args.js';
import { Optimizer, REQUIRED, checkHyper, zerosState, stateTensor, gpuUpdate, f32Work, checkedGrad, kernels, type ParamGroup, type ParamGroupInput } from './optimizer.js';
import { gpuSgdStep } from '../backend/webgpu/optim.js';

/**
 * Stochastic gradient descent (optionally with momentum).
 *
 * @example
 * ```ts
 * const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput>, ...opt: unknown[]) {
    const o = optArgs('SGD', opt, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'], {
      lr: REQUIRED as unknown as number, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false,
    });
    if ((o.lr as unknown) !== REQUIRED) checkHyper(o.lr >= 0, 'learning rate', o.lr);
    checkHyper(o.momentum >= 0, 'momentum value', o.momentum);
    checkHyper(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new Error('Nesterov momentum requires a momentum and zero dampening');
    super(params, o);
  }

  protected override updateGroup(group: ParamGroup): void {
    const lr = group.lr;
    const momentum = group.momentum as number;
    const dampening = group.dampening as number;
    const wd = group.weightDecay as number;
    const flags0 = (group.maximize ? 1 : 0) | (group.nesterov ? 2 : 0);
    for (const p of group.params) {
      if (!p.grad) continue;
      const st = this.stateOf(p);
      let flags = flags0;
      let buf: Tensor | null = null;
      if (momentum !== 0) {
        flags |= 4;
        buf = stateTensor(st, 'momentumBuffer', p);
        if (!buf) {
          buf = zerosState(p);
          st.momentumBuffer = buf;
          flags |= 8;
        }
      }
      if (p.device === 'webgpu') {
        const b = buf;
        gpuUpdate('SGD', p, (pw, gw) => gpuSgdStep(pw, gw, b, lr, momentum, dampening, wd, flags));
        p._version++;
        continue;
      }
      const pw = f32Work(p);
      const gw = f32Work(checkedGrad(p));
      const n = p.numel();
      if (n > 0) kernels.sgd_step(pw.w._ptr(), gw.w._ptr(), buf ? buf._ptr() : 0, n, lr, momentum, dampening, wd, flags);
      pw.done(true);
      gw.done(false);
      p._version++;
    }
  }
}
