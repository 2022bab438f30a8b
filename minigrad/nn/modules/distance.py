"""Distance layers: ``PairwiseDistance`` and ``CosineSimilarity`` (thin wrappers around
``F.pairwise_distance`` and ``F.cosine_similarity``)."""
from .. import functional as F
from .module import Module

__all__ = ["PairwiseDistance", "CosineSimilarity"]


class PairwiseDistance(Module):
    """The p-norm distance between the rows of two inputs: ``||x1 - x2 + eps||_p`` over the
    last dimension.

    Shape: inputs :math:`(N, D)` or :math:`(D)`; output :math:`(N)` or :math:`()`
    (:math:`(N, 1)` with ``keepdim=True``).

    Example::

        >>> nn.PairwiseDistance()(minigrad.tensor([[0., 0.]]), minigrad.tensor([[3., 4.]]))
        tensor([5.0000])
    """

    __constants__ = ["norm", "eps", "keepdim"]

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """The cosine similarity of two inputs along ``dim``: ``x1 · x2 / (max(||x1||, eps) *
    max(||x2||, eps))``.

    Shape: inputs broadcastable to each other, e.g. :math:`(N, D)`; output without ``dim``.

    Example::

        >>> nn.CosineSimilarity()(minigrad.tensor([[1., 0.]]), minigrad.tensor([[1., 1.]]))
        tensor([0.7071])
    """

    __constants__ = ["dim", "eps"]

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)
