"""``ASGD``: averaged stochastic gradient descent (Polyak & Juditsky, 1992)."""
import numpy as np

from ._fma import add_scaled
from .optimizer import Optimizer, _check_lr, _check_non_negative, _increment, _step_tensor, _zeros_state

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD, with PyTorch's update rule (``torch.optim.ASGD``):

    .. math::
        \theta &\leftarrow \theta (1 - \lambda\eta_t) - \eta_t g, \qquad
        a \leftarrow a + \mu_t (\theta - a) \\
        \eta_{t+1} &= \gamma / (1 + \lambda\gamma t)^\alpha, \qquad \mu_{t+1} = 1 / \max(1, t - t_0)

    The average :math:`a` (state ``'ax'``) is the model to evaluate; :math:`\eta` and :math:`\mu`
    are kept as float32 tensors (``'eta'``, ``'mu'``), as in PyTorch.

    Args:
        params: parameters or parameter groups to optimize
        lr (float): learning rate :math:`\gamma`. Default: 1e-2
        lambd (float): decay term :math:`\lambda`. Default: 1e-4
        alpha (float): power for the :math:`\eta` update. Default: 0.75
        t0 (float): the step at which averaging starts. Default: 1e6
        weight_decay (float): L2 penalty. Default: 0
        foreach: accepted; capturable: fails at the first step on the CPU, as in PyTorch
        maximize (bool): maximize the objective. Default: False
        differentiable (bool): not supported

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., -2.]))
        >>> optimizer = minigrad.optim.ASGD([w], lr=0.1, t0=0)
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w, optimizer.state[w]["ax"]
        (Parameter containing:
        tensor([ 0.8000, -1.6000], requires_grad=True), tensor([ 0.8000, -1.6000]))
    """

    _group_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)
    _scalar_state_keys = ("step", "eta", "mu")

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_non_negative(weight_decay=weight_decay)
        self._refuse_differentiable("ASGD", differentiable)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lambd, alpha, t0 = float(group["lr"]), group["lambd"], group["alpha"], group["t0"]
            weight_decay = group["weight_decay"]
            for p, grad in self._grads(group):
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["eta"] = _step_tensor(lr)
                    st["mu"] = _step_tensor(1.0)
                    st["ax"] = _zeros_state(p)
                self._refuse_capturable(group, "params, mus, etas, and state_steps")
                step = _increment(st["step"])
                d = p._data
                if weight_decay != 0:
                    grad = add_scaled(grad, weight_decay, d)
                eta = float(st["eta"]._data)
                d *= 1 - lambd * eta
                add_scaled(d, -eta, grad, out=d)
                ax, mu = st["ax"]._data, st["mu"]._data
                if float(mu) != 1:
                    ax += (d - ax) * mu
                else:
                    ax[...] = d
                # the next step's eta and mu, rounded to float32 as PyTorch stores them
                st["eta"]._data[...] = np.float32(lr / ((1 + lambd * lr * step) ** alpha))
                st["mu"]._data[...] = np.float32(1 / max(1, step - t0))
                p._vc[0] += 1
        return loss
