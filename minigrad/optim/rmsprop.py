"""``RMSprop``: divide the gradient by a running root mean square of recent gradients
(Hinton's lecture 6e), optionally centred and with momentum."""
import numpy as np

from ._fma import add_scaled, addcmul, lerp
from .optimizer import Optimizer, _check_lr, _check_non_negative, _increment, _step_tensor, _zeros_state

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop, with PyTorch's update rule (``torch.optim.RMSprop``):

    .. math::
        g &\leftarrow \pm\nabla + \lambda\theta, \qquad v \leftarrow \alpha v + (1 - \alpha) g^2 \\
        \tilde v &\leftarrow v - \bar g^2 \text{ with } \bar g \leftarrow \alpha \bar g + (1 - \alpha) g
            \text{ (centered) or } v \\
        b &\leftarrow \mu b + g / (\sqrt{\tilde v} + \epsilon), \quad \theta \leftarrow \theta - \gamma b
            \quad (\text{or } \theta \leftarrow \theta - \gamma g / (\sqrt{\tilde v} + \epsilon)
            \text{ without momentum})

    Args:
        params: parameters or parameter groups to optimize
        lr (float): learning rate :math:`\gamma`. Default: 1e-2
        alpha (float): smoothing constant :math:`\alpha`. Default: 0.99
        eps (float): added to the denominator. Default: 1e-8
        weight_decay (float): L2 penalty :math:`\lambda`. Default: 0
        momentum (float): :math:`\mu`. Default: 0
        centered (bool): normalise by an estimate of the gradient's variance. Default: False
        capturable, foreach, differentiable: PyTorch's options (``capturable=True`` fails at the
            first step on the CPU, as in PyTorch; ``differentiable=True`` is not supported)
        maximize (bool): maximize the objective. Default: False

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., -2.]))
        >>> optimizer = minigrad.optim.RMSprop([w], lr=0.01)
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # the first step moves each element by lr / sqrt(1 - alpha) = 0.1
        Parameter containing:
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    _group_defaults = dict(momentum=0, centered=False, foreach=None, maximize=False,
                           differentiable=False, capturable=False)

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_lr(lr)
        _check_non_negative(epsilon=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        self._refuse_differentiable("RMSprop", differentiable)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, alpha, eps = float(group["lr"]), group["alpha"], group["eps"]
            weight_decay, momentum, centered = group["weight_decay"], group["momentum"], group["centered"]
            for p, grad in self._grads(group):
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["square_avg"] = _zeros_state(p)
                    if momentum > 0:
                        st["momentum_buffer"] = _zeros_state(p)
                    if centered:
                        st["grad_avg"] = _zeros_state(p)
                self._refuse_capturable(group)
                _increment(st["step"])
                d = p._data
                if weight_decay != 0:
                    grad = add_scaled(grad, weight_decay, d)
                square_avg = st["square_avg"]._data
                square_avg *= alpha
                addcmul(square_avg, 1 - alpha, grad, grad, out=square_avg)
                if centered:
                    grad_avg = st["grad_avg"]._data
                    lerp(grad_avg, grad, 1 - alpha, out=grad_avg)
                    avg = np.sqrt(addcmul(square_avg, -1, grad_avg, grad_avg))
                else:
                    avg = np.sqrt(square_avg)
                avg += eps
                if momentum > 0:
                    buf = st["momentum_buffer"]._data
                    buf *= momentum
                    buf += grad / avg
                    add_scaled(d, -lr, buf, out=d)
                else:
                    d += (-lr * grad) / avg  # addcdiv's order of operations
                p._vc[0] += 1
        return loss
