"""``NAdam``: Adam with Nesterov momentum and a momentum schedule (Dozat, 2016)."""
import numpy as np

from ._fma import add_scaled, addcmul, lerp
from .adam import _check_adam_args
from .optimizer import Optimizer, _check_non_negative, _increment, _step_tensor, _zeros_state

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam, with PyTorch's update rule (``torch.optim.NAdam``):

    .. math::
        \mu_t &= \beta_1 (1 - \tfrac12 \cdot 0.96^{t\psi}), \qquad
        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad v \leftarrow \beta_2 v + (1 - \beta_2) g^2 \\
        \theta &\leftarrow \theta - \gamma \frac{(1 - \mu_t)\, g / (1 - \prod_{i \le t}\mu_i)
            + \mu_{t+1}\, m / (1 - \prod_{i \le t+1}\mu_i)}{\sqrt{v / (1 - \beta_2^t)} + \epsilon}

    Args:
        params: parameters or parameter groups to optimize
        lr (float): learning rate :math:`\gamma`. Default: 2e-3
        betas (Tuple[float, float]): :math:`\beta_1, \beta_2`. Default: (0.9, 0.999)
        eps (float): :math:`\epsilon`. Default: 1e-8
        weight_decay (float): L2 penalty. Default: 0
        momentum_decay (float): :math:`\psi`. Default: 4e-3
        decoupled_weight_decay (bool): shrink the parameters by :math:`1 - \gamma\lambda` instead
            of adding :math:`\lambda\theta` to the gradient (NAdamW). Default: False
        foreach: accepted; capturable: fails at the first step on the CPU, as in PyTorch
        maximize (bool): maximize the objective. Default: False
        differentiable (bool): not supported

    The product of the :math:`\mu_t` is kept as a float32 tensor (``mu_product``), as in PyTorch.

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., -2.]))
        >>> optimizer = minigrad.optim.NAdam([w], lr=0.1)
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # a little more than lr: the Nesterov look-ahead
        Parameter containing:
        tensor([ 0.8944, -1.8944], requires_grad=True)
    """

    _group_defaults = dict(maximize=False, foreach=None, capturable=False, differentiable=False,
                           decoupled_weight_decay=False)
    _scalar_state_keys = ("step", "mu_product")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        _check_non_negative(momentum_decay=momentum_decay)
        self._refuse_differentiable("NAdam", differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = float(group["lr"]), group["betas"], group["eps"]
            weight_decay, psi = group["weight_decay"], group["momentum_decay"]
            for p, grad in self._grads(group):
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["mu_product"] = _step_tensor(1.0)
                    st["exp_avg"] = _zeros_state(p)
                    st["exp_avg_sq"] = _zeros_state(p)
                self._refuse_capturable(group, "params, mu_products and state_steps")
                step = _increment(st["step"])
                d = p._data
                bias_correction2 = 1 - beta2 ** step
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        d *= 1 - lr * weight_decay
                    else:
                        grad = add_scaled(grad, weight_decay, d)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
                mu_product = st["mu_product"]._data
                mu_product *= mu  # in float32, as PyTorch's state
                mu_product = float(mu_product)
                exp_avg, exp_avg_sq = st["exp_avg"]._data, st["exp_avg_sq"]._data
                lerp(exp_avg, grad, 1 - beta1, out=exp_avg)
                exp_avg_sq *= beta2
                addcmul(exp_avg_sq, 1 - beta2, grad, grad, out=exp_avg_sq)
                denom = np.sqrt(exp_avg_sq / bias_correction2)
                denom += eps
                # two addcdivs, each in its order of operations
                d += ((-lr * (1.0 - mu) / (1.0 - mu_product)) * grad) / denom
                d += (((-lr * mu_next) / (1.0 - mu_product * mu_next)) * exp_avg) / denom
                p._vc[0] += 1
        return loss
