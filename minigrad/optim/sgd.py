"""``SGD``: stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""
import numpy as np

from .. import _ops
from ..tensor import Tensor, _wrap
from ._fma import add_scaled
from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, with PyTorch's update rule (``torch.optim.SGD``):

    .. math::
        g &\leftarrow \pm\nabla + \lambda \theta \quad(\text{sign: } - \text{ if maximize}) \\
        b &\leftarrow g \text{ (first step)}, \quad b \leftarrow \mu b + (1 - \tau) g \\
        g &\leftarrow g + \mu b \text{ (nesterov) or } b \\
        \theta &\leftarrow \theta - \gamma g

    Args:
        params: parameters or parameter groups to optimize
        lr (float): learning rate :math:`\gamma`. Default: 1e-3
        momentum (float): :math:`\mu`. Default: 0
        dampening (float): :math:`\tau`. Default: 0
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0
        nesterov (bool): Nesterov momentum. Default: False
        maximize (bool): maximize the objective instead of minimizing. Default: False

    Parameters whose ``.grad`` is None are skipped.

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., 2.]))
        >>> optimizer = minigrad.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> optimizer.zero_grad()
        >>> (w ** 2).sum().backward()   # gradient 2w
        >>> optimizer.step()
        >>> w
        Parameter containing:
        tensor([0.8000, 1.6000], requires_grad=True)
    """

    _group_defaults = dict(nesterov=False, maximize=False, foreach=None, differentiable=False,
                           fused=False)

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:  # SGD's tests, unlike the others', let NaN through (as PyTorch's)
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        self._refuse_differentiable("SGD", differentiable)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            if all(type(group[k]) in _NUMBERS for k in ("momentum", "dampening", "weight_decay")):
                self._fused_group_step(group)
            else:  # e.g. a tensor momentum: numpy's own arithmetic decides what it means
                self._group_step(group, group["params"])
        return loss

    def _fused_group_step(self, group):
        """The group's update in one kernel call (``_ops.sgd_step``, csrc/sgd.h): the same
        roundings as ``_group_step``, in one pass per parameter instead of four or five, and
        without a few microseconds of Python per parameter. Parameters the kernel does not take
        (e.g. a gradient that is not C-contiguous) are updated by ``_group_step``."""
        momentum = group["momentum"]
        state = self.state
        params, data, grads, bufs, fresh = [], [], [], [], []
        for p in group["params"]:
            g = p._grad
            if g is None:
                continue
            params.append(p)
            data.append(p._data)
            grads.append(g._data)
            if momentum != 0:
                st = state[p]
                buf = st.get("momentum_buffer")
                if buf is None:  # the first step: a new buffer, which the kernel sets to grad
                    buf = st["momentum_buffer"] = _wrap(np.empty_like(p._data, order="C"))
                    fresh.append(True)
                else:
                    fresh.append(False)
                bufs.append(buf._data)
        if not params:
            return
        skipped = _ops.sgd_step(data, grads, bufs, fresh, float(group["lr"]), momentum,
                                group["dampening"], group["weight_decay"], group["nesterov"],
                                group["maximize"])
        for i in skipped:  # (back to the state they had before, then the numpy update)
            if momentum != 0 and fresh[i]:
                del state[params[i]]["momentum_buffer"]
        if skipped:
            self._group_step(group, [params[i] for i in skipped])
        skipped = set(skipped)
        for i, p in enumerate(params):  # in-place updates bump the version counters
            if i not in skipped:
                p._vc[0] += 1
                if momentum != 0 and not fresh[i]:
                    state[p]["momentum_buffer"]._vc[0] += 1

    def _group_step(self, group, params):
        """The update of ``params`` (of ``group``) with numpy's arithmetic: the definition that
        the fused kernel reproduces, and the route for what the kernel does not take."""
        state = self.state
        lr = float(group["lr"])
        momentum = group["momentum"]
        dampening = group["dampening"]
        weight_decay = group["weight_decay"]
        nesterov = group["nesterov"]
        maximize = group["maximize"]
        for p in params:
            if p._grad is None:
                continue
            d = p._data
            grad = -p._grad._data if maximize else p._grad._data
            # each add_scaled is PyTorch's add(x, alpha=...): one rounding in float64
            if weight_decay != 0:
                grad = add_scaled(grad, weight_decay, d)  # grad.add(param, alpha=weight_decay)
            if momentum != 0:
                st = state[p]
                buf = st.get("momentum_buffer")
                if buf is None:
                    buf = _wrap(np.array(grad, dtype=d.dtype, order="C"))
                    st["momentum_buffer"] = buf
                else:
                    b = buf._data
                    b *= momentum
                    # buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                    add_scaled(b, 1 - dampening, grad, out=b)
                    buf._vc[0] += 1
                grad = add_scaled(grad, momentum, buf._data) if nesterov else buf._data
            add_scaled(d, -lr, grad, out=d)  # param.add_(grad, alpha=-lr)
            p._vc[0] += 1


_NUMBERS = (int, float, bool)
