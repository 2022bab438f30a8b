"""``Adagrad``: per-element learning rates scaled by the accumulated squared gradients (Duchi,
Hazan & Singer, 2011)."""
import numpy as np

from ..tensor import _wrap
from ._fma import add_scaled, addcmul
from .optimizer import Optimizer, _check_lr, _check_non_negative, _increment, _step_tensor

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, with PyTorch's update rule (``torch.optim.Adagrad``):

    .. math::
        g &\leftarrow \pm\nabla + \lambda\theta, \qquad
        \tilde\gamma \leftarrow \gamma / (1 + (t - 1)\eta) \\
        s &\leftarrow s + g^2, \qquad \theta \leftarrow \theta - \tilde\gamma\, g / (\sqrt{s} + \epsilon)

    Args:
        params: parameters or parameter groups to optimize
        lr (float): learning rate :math:`\gamma`. Default: 1e-2
        lr_decay (float): learning-rate decay :math:`\eta`. Default: 0
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0
        initial_accumulator_value (float): the starting value of :math:`s`. Default: 0
        eps (float): added to the denominator. Default: 1e-10
        foreach, fused: accepted (PyTorch's CPU implementations; minigrad has one)
        maximize (bool): maximize the objective. Default: False
        differentiable (bool): not supported

    The state (``step`` and ``sum``) is created with the optimizer, as in PyTorch.

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., -2.]))
        >>> optimizer = minigrad.optim.Adagrad([w], lr=0.5)
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # the first step moves each element by lr
        Parameter containing:
        tensor([ 0.5000, -1.5000], requires_grad=True)
    """

    _group_defaults = dict(foreach=None, maximize=False, differentiable=False, fused=None)

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        _check_non_negative(lr_decay=lr_decay, weight_decay=weight_decay,
                            initial_accumulator_value=initial_accumulator_value, epsilon=eps)
        self._refuse_differentiable("Adagrad", differentiable)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p):
        st = self.state[p]
        st["step"] = _step_tensor()
        st["sum"] = _wrap(np.full_like(p._data, self.defaults["initial_accumulator_value"], order="C"))

    def __setstate__(self, state):
        super().__setstate__(state)
        # a state dict whose first entry's step is a number: all of them become tensors
        entries = list(self.state.values())
        if entries and not hasattr(entries[0].get("step"), "_data"):
            for entry in entries:
                entry["step"] = _step_tensor(entry["step"])

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay = float(group["lr"]), group["lr_decay"]
            weight_decay, eps = group["weight_decay"], group["eps"]
            for p, grad in self._grads(group):
                st = self.state[p]
                if not st:  # a parameter added by add_param_group
                    self._init_state(p)
                step = _increment(st["step"])
                d = p._data
                if weight_decay != 0:
                    grad = add_scaled(grad, weight_decay, d)
                clr = lr / (1 + (step - 1) * lr_decay)
                state_sum = st["sum"]._data
                addcmul(state_sum, 1, grad, grad, out=state_sum)
                std = np.sqrt(state_sum)
                std += eps
                d += (-clr * grad) / std  # addcdiv's order of operations
                p._vc[0] += 1
        return loss
