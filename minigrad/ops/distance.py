"""Distances between vectors: ``pairwise_distance`` (row by row), ``cosine_similarity`` and
``pdist`` (all pairs of rows of one matrix), as PyTorch computes them.

``pairwise_distance`` and ``cosine_similarity`` are built from ordinary ops, as in PyTorch, so
their gradients come from those ops; ``pdist`` is one node with its own backward.
"""
import numpy as np

from ..autograd.function import Op
from ._util import canonical_dim
from .broadcast import broadcast_tensors
from .norms import vector_norm
from .reduction import sum as _sum

__all__ = ["pairwise_distance", "cosine_similarity", "pdist"]


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm distance between the rows (the last dimension) of ``x1`` and ``x2``:
    ``||x1 - x2 + eps||_p`` (``eps`` keeps the gradient finite at equal rows).

    Example::

        >>> minigrad.pairwise_distance(minigrad.tensor([[0., 0.]]), minigrad.tensor([[3., 4.]]))
        tensor([5.0000])
    """
    ndim = max(x1.dim(), x2.dim())
    dim = ndim - 1 if ndim else 0
    return vector_norm(x1 - x2 + eps, p, dim=dim, keepdim=keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcast together):
    each divided by its norm, the norms clamped below at ``eps`` (outside the graph, as
    PyTorch), then the dot product.

    Example::

        >>> minigrad.cosine_similarity(minigrad.tensor([[1., 0.]]), minigrad.tensor([[1., 1.]]))
        tensor([0.7071])
    """
    a, b = broadcast_tensors(x1, x2)
    if a._data.dtype.kind != "f":
        a, b = a.float(), b.float()
    d = canonical_dim(dim, a.dim())
    n1 = ClampedOutsideTheGraph.apply(vector_norm(a, 2, dim=d, keepdim=True), eps)
    n2 = ClampedOutsideTheGraph.apply(vector_norm(b, 2, dim=d, keepdim=True), eps)
    return _sum((a / n1) * (b / n2), d)


class ClampedOutsideTheGraph(Op):
    """``max(x, low)`` whose gradient is the identity: PyTorch clamps the norms of
    ``cosine_similarity`` in place under ``no_grad``, so the clamp is not differentiated."""

    @staticmethod
    def forward(ctx, a, low):
        return np.maximum(a, a.dtype.type(low))

    @staticmethod
    def backward(ctx, grad):
        return grad, None

    __slots__ = ()


class Pdist(Op):
    """The p-norm distances between all pairs of rows (i < j) of an (N, M) matrix, in the
    order of the upper triangle, row by row."""

    @staticmethod
    def forward(ctx, x, p):
        i, j = np.triu_indices(x.shape[0], k=1)
        diff = x[i] - x[j]
        if p == np.inf:
            dist = np.abs(diff).max(axis=1) if diff.size else np.zeros(len(i), x.dtype)
        elif p == 0:
            dist = (diff != 0).sum(axis=1).astype(x.dtype)
        else:
            dist = (np.abs(diff) ** p).sum(axis=1) ** (1 / p)
        dist = dist.astype(x.dtype, copy=False)
        ctx.save_for_backward(diff, dist)
        ctx.meta = (i, j, p, x.shape)
        return dist

    @staticmethod
    def backward(ctx, grad):
        diff, dist = ctx.saved_tensors
        i, j, p, shape = ctx.meta
        with np.errstate(all="ignore"):
            if p == 0:
                g = np.zeros_like(diff)
            elif p == np.inf:
                top = np.abs(diff) == dist[:, None]
                g = np.sign(diff) * top
            elif p == 1:
                g = np.sign(diff)
            else:
                g = np.sign(diff) * np.abs(diff) ** (p - 1) / dist[:, None] ** (p - 1)
            g = np.where(dist[:, None] == 0, 0, g) * grad[:, None]
        out = np.zeros(shape, grad.dtype)
        np.add.at(out, i, g)
        np.subtract.at(out, j, g)
        return out, None

    __slots__ = ("meta",)


def pdist(input, p=2):
    """The p-norm distances between every pair of rows of a 2-D ``input`` (N rows give
    N (N - 1) / 2 distances: the upper triangle of the distance matrix, row by row).

    Example::

        >>> minigrad.pdist(minigrad.tensor([[0., 0.], [3., 4.], [0., 1.]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if input._data.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return Pdist.apply(input, float(p))


METHODS = {}
