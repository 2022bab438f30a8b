"""``Adamax``: Adam with the infinity norm in place of the second moment (Kingma & Ba, 2014)."""
import numpy as np

from ._fma import add_scaled, lerp
from .adam import _check_adam_args
from .optimizer import Optimizer, _increment, _step_tensor, _zeros_state

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax, with PyTorch's update rule (``torch.optim.Adamax``):

    .. math::
        g &\leftarrow \pm\nabla + \lambda\theta, \qquad m \leftarrow \beta_1 m + (1 - \beta_1) g \\
        u &\leftarrow \max(\beta_2 u, |g| + \epsilon), \qquad
        \theta \leftarrow \theta - \frac{\gamma}{1 - \beta_1^t} \frac{m}{u}

    Args:
        params: parameters or parameter groups to optimize
        lr (float): learning rate :math:`\gamma`. Default: 2e-3
        betas (Tuple[float, float]): :math:`\beta_1, \beta_2`. Default: (0.9, 0.999)
        eps (float): :math:`\epsilon`. Default: 1e-8
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0
        foreach: accepted; capturable: fails at the first step on the CPU, as in PyTorch
        maximize (bool): maximize the objective. Default: False
        differentiable (bool): not supported

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., -2.]))
        >>> optimizer = minigrad.optim.Adamax([w], lr=0.1)
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # the first step moves each element by lr
        Parameter containing:
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    _group_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        self._refuse_differentiable("Adamax", differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2) = float(group["lr"]), group["betas"]
            eps, weight_decay = group["eps"], group["weight_decay"]
            for p, grad in self._grads(group):
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["exp_avg"] = _zeros_state(p)
                    st["exp_inf"] = _zeros_state(p)
                self._refuse_capturable(group)
                step = _increment(st["step"])
                d = p._data
                if weight_decay != 0:
                    grad = add_scaled(grad, weight_decay, d)
                exp_avg, exp_inf = st["exp_avg"]._data, st["exp_inf"]._data
                lerp(exp_avg, grad, 1 - beta1, out=exp_avg)
                exp_inf *= beta2
                np.maximum(exp_inf, np.abs(grad) + eps, out=exp_inf)
                clr = lr / (1 - beta1 ** step)
                d += (-clr * exp_avg) / exp_inf  # addcdiv's order of operations
                p._vc[0] += 1
        return loss
