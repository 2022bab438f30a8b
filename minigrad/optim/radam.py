"""``RAdam``: Adam with the variance of the adaptive learning rate rectified (Liu et al., 2019)."""
import numpy as np

from ._fma import add_scaled, addcmul, lerp
from .adam import _check_adam_args
from .optimizer import Optimizer, _increment, _step_tensor, _zeros_state

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam, with PyTorch's update rule (``torch.optim.RAdam``): Adam's averages, and

    .. math::
        \rho_\infty &= \frac{2}{1 - \beta_2} - 1, \qquad
        \rho_t = \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t} \\
        \theta &\leftarrow \theta - \gamma \hat m \cdot r_t \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v} + \epsilon}
            \text{ if } \rho_t > 5, \text{ else } \theta - \gamma \hat m, \qquad
        r_t = \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}

    with :math:`\hat m = m / (1 - \beta_1^t)`.

    Args:
        params: parameters or parameter groups to optimize
        lr (float): learning rate :math:`\gamma`. Default: 1e-3
        betas (Tuple[float, float]): :math:`\beta_1, \beta_2`. Default: (0.9, 0.999)
        eps (float): :math:`\epsilon`. Default: 1e-8
        weight_decay (float): L2 penalty. Default: 0
        decoupled_weight_decay (bool): shrink the parameters by :math:`1 - \gamma\lambda` instead
            (RAdamW). Default: False
        foreach: accepted; capturable: fails at the first step on the CPU, as in PyTorch
        maximize (bool): maximize the objective. Default: False
        differentiable (bool): not supported

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., -2.]))
        >>> optimizer = minigrad.optim.RAdam([w], lr=0.1)
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # the first steps are momentum SGD steps (rho_t <= 5)
        Parameter containing:
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    _group_defaults = dict(foreach=None, maximize=False, differentiable=False,
                           decoupled_weight_decay=False, capturable=False)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        self._refuse_differentiable("RAdam", differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = float(group["lr"]), group["betas"], group["eps"]
            weight_decay = group["weight_decay"]
            for p, grad in self._grads(group):
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["exp_avg"] = _zeros_state(p)
                    st["exp_avg_sq"] = _zeros_state(p)
                self._refuse_capturable(group)
                step = _increment(st["step"])
                d = p._data
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        d *= 1 - lr * weight_decay
                    else:
                        grad = add_scaled(grad, weight_decay, d)
                exp_avg, exp_avg_sq = st["exp_avg"]._data, st["exp_avg_sq"]._data
                lerp(exp_avg, grad, 1 - beta1, out=exp_avg)
                exp_avg_sq *= beta2
                addcmul(exp_avg_sq, 1 - beta2, grad, grad, out=exp_avg_sq)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                update = (exp_avg / bias_correction1) * lr
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    root = np.sqrt(exp_avg_sq)
                    root += eps
                    # PyTorch's number / tensor is reciprocal(tensor) * number
                    update *= np.reciprocal(root) * (bias_correction2 ** 0.5)
                    update *= rect
                d -= update
                p._vc[0] += 1
        return loss
