"""``F.gumbel_softmax``: a differentiable sample from a categorical distribution given by
logits (Jang et al., 2016; Maddison et al., 2016). Gumbel noise (``-log(E)``, ``E`` exponential)
is added to the logits, and the softmax of the sum divided by ``tau`` is the "soft" sample;
``hard=True`` returns the one-hot argmax in the forward pass and the soft sample's gradient
(the straight-through estimator). The noise comes from minigrad's generator, so
``minigrad.manual_seed`` makes it repeatable (PyTorch's generator is another, so the samples
differ from PyTorch's; their distribution is the same)."""
import warnings

from ..creation import empty_like, zeros_like
from ..ops.activation import softmax
from ..ops.gather_scatter import scatter
from ..ops.pointwise import log


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A sample of the Gumbel-softmax distribution of ``logits`` along ``dim``, with temperature
    ``tau``: ``softmax((logits + g) / tau)`` with Gumbel noise ``g``; with ``hard=True`` the
    one-hot vector of its largest element, whose gradient is the soft sample's. ``eps`` is
    deprecated and has no effect (a warning when it is given, as in PyTorch).

    Example::

        >>> _ = minigrad.manual_seed(0)
        >>> y = F.gumbel_softmax(minigrad.zeros(2, 3), hard=True)
        >>> y.sum(-1)
        tensor([1., 1.])
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -log(empty_like(logits).exponential_())
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = scatter(zeros_like(logits), dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft  # the straight-through estimator
