"""``Adam`` (and the decoupled weight decay that ``AdamW`` uses)."""

import numpy as np

from ..tensor import Tensor, _wrap
from ._fma import add_scaled
from .optimizer import Optimizer

__all__ = ["Adam"]


def _check_adam_args(lr, betas, eps, weight_decay):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


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

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        if differentiable:
            raise RuntimeError(f"minigrad's {type(self).__name__} does not support differentiable=True")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
            for p in group["params"]:
                p_state = self.state.get(p)
                if p_state and not isinstance(p_state["step"], Tensor):
                    # old checkpoints stored the step as a number: PyTorch makes it a float32 tensor
                    p_state["step"] = _wrap(np.array(float(p_state["step"]), np.float32))

    def step(self, closure=None):
        """Perform one optimization step; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            beta1, beta2 = group["betas"]
            eps = group["eps"]
            weight_decay = group["weight_decay"]
            amsgrad = group["amsgrad"]
            maximize = group["maximize"]
            decoupled = group["decoupled_weight_decay"]
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                d = p._data
                grad = -g._data if maximize else g._data
                st = self.state[p]
                if not st:
                    # 'step' is a float32 0-d tensor, as in PyTorch's state_dict
                    st["step"] = _wrap(np.zeros((), np.float32))
                    st["exp_avg"] = _wrap(np.zeros_like(d, order="C"))
                    st["exp_avg_sq"] = _wrap(np.zeros_like(d, order="C"))
                    if amsgrad:
                        st["max_exp_avg_sq"] = _wrap(np.zeros_like(d, order="C"))
                step_t = st["step"]
                np.add(step_t._data, 1, out=step_t._data)
                step = float(step_t._data)
                # add_scaled is PyTorch's add(x, alpha=...), lerp and addcmul: one rounding in
                # float64, as PyTorch's fused multiply-adds (see _fma.py)
                if weight_decay != 0:
                    if decoupled:
                        d *= 1 - lr * weight_decay
                    else:
                        grad = add_scaled(grad, weight_decay, d)
                m = st["exp_avg"]._data
                v = st["exp_avg_sq"]._data
                weight = 1 - beta1
                if weight < 0.5:  # torch.lerp(m, grad, weight)'s two formulas
                    add_scaled(m, weight, grad - m, out=m)
                else:
                    add_scaled(grad, 1 - weight, m - grad, out=m)
                v *= beta2
                add_scaled(v, (1 - beta2) * grad, grad, out=v)  # addcmul's order of operations
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
