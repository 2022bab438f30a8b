"""``AdamW``: Adam with decoupled weight decay (Loshchilov & Hutter, 2017)."""
from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""Adam with decoupled weight decay: each step first shrinks the parameters,
    :math:`\theta \leftarrow \theta (1 - \gamma \lambda)`, then applies the Adam update (which
    does not see the decay). Same arguments as ``Adam``, with ``weight_decay=1e-2`` by default.

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., 2.]))
        >>> optimizer = minigrad.optim.AdamW([w], lr=0.1, weight_decay=0.01)
        >>> optimizer.zero_grad(); (w ** 2).sum().backward(); optimizer.step()
        >>> w   # w * (1 - 0.1 * 0.01), then Adam's step of about lr
        Parameter containing:
        tensor([0.8990, 1.8980], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True  # whatever an Adam state dict said
