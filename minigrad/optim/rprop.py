"""``Rprop``: resilient backpropagation, per-element step sizes driven by the gradient's sign
(Riedmiller & Braun, 1993)."""
import numpy as np

from ..tensor import _wrap
from .optimizer import Optimizer, _check_lr, _increment, _step_tensor, _zeros_state

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Rprop, with PyTorch's update rule (``torch.optim.Rprop``): each element's step size
    :math:`s` grows by :math:`\eta_+` while its gradient keeps its sign and shrinks by
    :math:`\eta_-` when it flips (clamped to ``step_sizes``); after a flip the gradient counts as
    zero for that element, and :math:`\theta \leftarrow \theta - \operatorname{sign}(g)\, s`.
    Meant for full-batch training.

    Args:
        params: parameters or parameter groups to optimize
        lr (float): the initial step size. Default: 1e-2
        etas (Tuple[float, float]): :math:`(\eta_-, \eta_+)`, with
            :math:`0 < \eta_- < 1 < \eta_+`. Default: (0.5, 1.2)
        step_sizes (Tuple[float, float]): the smallest and largest step size. Default: (1e-6, 50)
        foreach: accepted; capturable: fails at the first step on the CPU, as in PyTorch
        maximize (bool): maximize the objective. Default: False
        differentiable (bool): not supported

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., -2.]))
        >>> optimizer = minigrad.optim.Rprop([w], lr=0.1)
        >>> for _ in range(2):
        ...     optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # steps of lr, then lr * 1.2
        Parameter containing:
        tensor([ 0.7800, -1.7800], requires_grad=True)
    """

    _group_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        self._refuse_differentiable("Rprop", differentiable)
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            (etaminus, etaplus), (step_min, step_max) = group["etas"], group["step_sizes"]
            for p, grad in self._grads(group):
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["prev"] = _zeros_state(p)
                    st["step_size"] = _wrap(np.full_like(p._data, float(group["lr"]), order="C"))
                self._refuse_capturable(group)
                _increment(st["step"])
                d, prev, step_size = p._data, st["prev"]._data, st["step_size"]._data
                agreement = np.asarray(np.sign(grad * prev))  # (an array for 0-d parameters too)
                flipped = agreement < 0
                factor = agreement.astype(d.dtype)  # a NaN gradient keeps its NaN factor
                factor[agreement > 0] = etaplus
                factor[flipped] = etaminus
                factor[agreement == 0] = 1
                step_size *= factor
                np.clip(step_size, step_min, step_max, out=step_size)
                grad = np.array(grad, dtype=d.dtype, order="C")
                grad[flipped] = 0
                d -= np.sign(grad) * step_size  # sign * size is exact: one rounding, as addcmul's
                prev[...] = grad
                p._vc[0] += 1
        return loss
