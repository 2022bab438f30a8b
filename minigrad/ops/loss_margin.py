"""The margin losses that PyTorch computes with kernels of their own (each one graph node, with
its backward written out): ``SoftMarginLoss`` (logistic), ``MultiMarginLoss`` (multi-class
hinge) and ``MultilabelMarginLoss`` (multi-label hinge). The argument checks and the other
margin losses (built from ordinary ops, as PyTorch builds them) are in
``nn/_functional_loss_margin.py``.
"""
import numpy as np

from ..autograd.function import Op

__all__ = []


def _reduce(per_item, reduction):
    if reduction == "sum":
        return np.asarray(per_item.sum(), per_item.dtype)
    if reduction == "mean":
        return np.asarray(per_item.mean() if per_item.size else np.nan, per_item.dtype)
    return per_item


def _upstream(grad, reduction, shape, count):
    """d(reduced loss)/d(loss of each item), broadcast to ``shape``."""
    if reduction == "none":
        return grad.reshape(shape)
    if reduction == "mean":
        return np.broadcast_to(grad / count, shape)
    return np.broadcast_to(grad, shape)


class SoftMarginLoss(Op):
    """``log(1 + exp(-y * x))`` elementwise, then the reduction (PyTorch's formula: it
    overflows to inf where ``-y * x`` is very large, as PyTorch's does)."""

    @staticmethod
    def forward(ctx, x, y, reduction):
        z = np.exp(-x * y)
        ctx.save_for_backward(y, z)
        ctx.meta = (reduction, x.shape, x.dtype)
        return _reduce(np.log1p(z).astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        y, z = ctx.saved_tensors
        reduction, shape, dtype = ctx.meta
        g = _upstream(grad, reduction, shape, max(int(np.prod(shape)), 1))
        return (-y * z / (1 + z) * g).astype(dtype, copy=False), None, None

    __slots__ = ("meta",)


class MultiMarginLoss(Op):
    """Multi-class hinge loss of scores ``x`` (N, C) and class indices ``t`` (N,): for each row,
    ``sum over j != t of max(0, margin - x[t] + x[j]) ** p * w[t] / C``."""

    @staticmethod
    def forward(ctx, x, t, p, margin, w, reduction, out_shape):
        n, c = x.shape
        rows = np.arange(n)
        z = margin - x[rows, t][:, None] + x
        z[rows, t] = 0
        active = z > 0
        h = np.where(active, z if p == 1 else z * z, 0)
        if w is not None:
            h = h * w[t][:, None]
        per_row = (h.sum(axis=1) / c).astype(x.dtype, copy=False)
        ctx.save_for_backward(z, active, t)
        ctx.meta = (p, w, reduction, x.shape, x.dtype)
        out = _reduce(per_row, reduction)
        return out.reshape(out_shape) if reduction == "none" else out

    @staticmethod
    def backward(ctx, grad):
        z, active, t = ctx.saved_tensors
        p, w, reduction, shape, dtype = ctx.meta
        n, c = shape
        g = np.where(active, 1.0 if p == 1 else 2 * z, 0) / c
        if w is not None:
            g = g * w[t][:, None]
        rows = np.arange(n)
        g[rows, t] = -g.sum(axis=1)
        up = _upstream(grad.reshape(-1) if reduction == "none" else grad, reduction, (n,), n)
        return (g * up[:, None]).astype(dtype, copy=False), None, None, None, None, None, None

    __slots__ = ("meta",)


class MultilabelMarginLoss(Op):
    """Multi-label hinge loss: row ``i`` of ``t`` lists the target classes of sample ``i``
    (ended by the first -1; a class listed twice counts twice, as in PyTorch); the loss is ``sum
    over listed j and unlisted k of max(0, 1 - (x[j] - x[k])) / C``."""

    @staticmethod
    def forward(ctx, x, t, reduction, out_shape):
        n, c = x.shape
        listed = np.cumprod(t >= 0, axis=1).astype(bool)  # the entries before the first -1
        counts = np.zeros((n, c), x.dtype)  # how often each class is listed
        rows = np.repeat(np.arange(n), t.shape[1])
        np.add.at(counts, (rows[listed.reshape(-1)], t.reshape(-1)[listed.reshape(-1)]), 1)
        # z[i, j, k] = 1 - x[i, j] + x[i, k], for listed j and unlisted k
        z = 1 - x[:, :, None] + x[:, None, :]
        pairs = counts[:, :, None] * ((counts[:, None, :] == 0) & (z > 0))
        per_row = ((pairs * z).sum(axis=(1, 2)) / c).astype(x.dtype, copy=False)
        ctx.save_for_backward(pairs)
        ctx.meta = (reduction, x.shape, x.dtype)
        out = _reduce(per_row, reduction)
        return out.reshape(out_shape) if reduction == "none" else out

    @staticmethod
    def backward(ctx, grad):
        (pairs,) = ctx.saved_tensors
        reduction, (n, c), dtype = ctx.meta
        g = (pairs.sum(axis=1) - pairs.sum(axis=2)) / c  # +1/C for each k, -1/C for each j
        up = _upstream(grad.reshape(-1) if reduction == "none" else grad, reduction, (n,), n)
        return (g * up[:, None]).astype(dtype, copy=False), None, None, None

    __slots__ = ("meta",)


METHODS = {}
