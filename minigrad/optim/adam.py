"""``Adam`` (and the decoupled weight decay that ``AdamW`` uses)."""

import numpy as np

from ._fma import add_scaled, addcmul, lerp
from .optimizer import (Optimizer, _check_betas, _check_lr, _check_non_negative, _increment,
                        _step_tensor, _zeros_state)

__all__ = ["Adam"]


def _check_adam_args(lr, betas, eps, weight_decay):
    _check_lr(lr)
    _check_non_negative(epsilon=eps)
    _check_betas(betas)
    _check_non_negative(weight_decay=weight_decay)


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2014), with PyTorch's update rule (``torch.optim.Adam``):

    .. math::
        g &\leftarrow \pm\nabla + \lambda\theta \quad (\text{or } \theta \leftarrow
            \theta(1 - \gamma\lambda) \text{ when decoupled, as AdamW}) \\
        m &\leftarrow m + (1 - \beta_1)(g - m), \qquad v \leftarrow \beta_2 v + (1 - \beta_2) g^2 \\
        \hat v &\leftarrow \max(\hat v, v) \text{ (amsgrad) or } v \\
        \theta &\leftarrow \theta - \frac{\gamma}{1 - \beta_1^t} \cdot
            \frac{m}{\sqrt{\hat v} / \sqrt{1 - \beta_2^t} + \epsilon}

    Args:
        params: parameters or parameter groups to optimize
        lr (float): learning rate. Default: 1e-3
        betas (Tuple[float, float]): coefficients of the running averages. Default: (0.9, 0.999)
        eps (float): added to the denominator for numerical stability. Default: 1e-8
        weight_decay (float): L2 penalty. Default: 0
        amsgrad (bool): use the AMSGrad variant. Default: False
        maximize (bool): maximize the objective. Default: False
        decoupled_weight_decay (bool): AdamW's decoupled weight decay. Default: False

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., 2.]))
        >>> optimizer = minigrad.optim.Adam([w], lr=0.1)
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # Adam's first step moves each element by about lr
        Parameter containing:
        tensor([0.9000, 1.9000], requires_grad=True)
    """

    _group_defaults = dict(amsgrad=False, maximize=False, foreach=None, capturable=False,
                           differentiable=False, decoupled_weight_decay=False, fused=None)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        self._refuse_differentiable(type(self).__name__, differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            beta1, beta2 = group["betas"]
            eps = group["eps"]
            weight_decay = group["weight_decay"]
            amsgrad = group["amsgrad"]
            decoupled = group["decoupled_weight_decay"]
            for p, grad in self._grads(group):
                self._refuse_capturable(group)
                d = p._data
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["exp_avg"] = _zeros_state(p)
                    st["exp_avg_sq"] = _zeros_state(p)
                    if amsgrad:
                        st["max_exp_avg_sq"] = _zeros_state(p)
                step = _increment(st["step"])
                # add_scaled, lerp and addcmul round as PyTorch's kernels (see _fma.py)
                if weight_decay != 0:
                    if decoupled:
                        d *= 1 - lr * weight_decay
                    else:
                        grad = add_scaled(grad, weight_decay, d)
                m = st["exp_avg"]._data
                v = st["exp_avg_sq"]._data
                lerp(m, grad, 1 - beta1, out=m)
                v *= beta2
                addcmul(v, 1 - beta2, grad, grad, out=v)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr / bias_correction1
                bias_correction2_sqrt = bias_correction2 ** 0.5  # as PyTorch (not math.sqrt)
                if amsgrad:
                    vmax = st["max_exp_avg_sq"]._data
                    np.maximum(vmax, v, out=vmax)
                    denom = np.sqrt(vmax) / bias_correction2_sqrt
                else:
                    denom = np.sqrt(v) / bias_correction2_sqrt
                denom += eps
                d += ((-step_size) * m) / denom  # addcdiv's order of operations
                p._vc[0] += 1
        return loss
