"""``Adadelta``: an adaptive learning rate from running averages of squared gradients and
squared updates (Zeiler, 2012)."""
import numpy as np

from ._fma import add_scaled, addcmul
from .optimizer import Optimizer, _check_lr, _check_non_negative, _increment, _step_tensor, _zeros_state

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta, with PyTorch's update rule (``torch.optim.Adadelta``):

    .. math::
        g &\leftarrow \pm\nabla + \lambda\theta, \qquad v \leftarrow \rho v + (1 - \rho) g^2 \\
        \Delta &\leftarrow g \sqrt{u + \epsilon} / \sqrt{v + \epsilon}, \qquad
        u \leftarrow \rho u + (1 - \rho)\Delta^2, \qquad \theta \leftarrow \theta - \gamma\Delta

    Args:
        params: parameters or parameter groups to optimize
        lr (float): scales :math:`\Delta`. Default: 1.0
        rho (float): the running averages' coefficient :math:`\rho` (in [0, 1]). Default: 0.9
        eps (float): :math:`\epsilon`. Default: 1e-6
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0
        foreach: accepted; capturable: fails at the first step on the CPU, as in PyTorch
        maximize (bool): maximize the objective. Default: False
        differentiable (bool): not supported

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., -2.]))
        >>> optimizer = minigrad.optim.Adadelta([w])
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # the first step is about sqrt(eps / (1 - rho)) = 0.0032
        Parameter containing:
        tensor([ 0.9968, -1.9968], requires_grad=True)
    """

    _group_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_non_negative(epsilon=eps, weight_decay=weight_decay)
        self._refuse_differentiable("Adadelta", differentiable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, rho, eps, weight_decay = float(group["lr"]), group["rho"], group["eps"], group["weight_decay"]
            self._refuse_capturable(group, xla=False)
            for p, grad in self._grads(group):
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["square_avg"] = _zeros_state(p)
                    st["acc_delta"] = _zeros_state(p)
                _increment(st["step"])
                d = p._data
                if weight_decay != 0:
                    grad = add_scaled(grad, weight_decay, d)
                square_avg, acc_delta = st["square_avg"]._data, st["acc_delta"]._data
                square_avg *= rho
                addcmul(square_avg, 1 - rho, grad, grad, out=square_avg)
                std = np.sqrt(square_avg + eps)
                delta = np.sqrt(acc_delta + eps)
                delta /= std
                delta *= grad
                acc_delta *= rho
                addcmul(acc_delta, 1 - rho, delta, delta, out=acc_delta)
                add_scaled(d, -lr, delta, out=d)
                p._vc[0] += 1
        return loss
