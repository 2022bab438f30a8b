"""Reductions to sums and products: ``sum``, ``mean``, ``prod``, ``nansum``, ``nanmean``,
``logsumexp``, ``count_nonzero``, ``all``, ``any``.

The backward of a reduction spreads the gradient back over the reduced dimensions: evenly for
sum and mean; for a product, each element gets the product of the *others* (prefix and suffix
products, right when the input has zeros: never the result divided by the input).
"""
import numpy as np

from .._dtype import get_default_dtype, scalar_type_name, to_dtype
from ..autograd.function import Op
from ..tensor import _wrap
from ._util import canonical_dim, canonical_dims
from .masking import where
from .min_max import _TYPE_NAME

__all__ = ["sum", "mean", "prod", "nansum", "nanmean", "logsumexp", "count_nonzero", "all", "any"]


def _expand_back(grad, in_shape, axes, keepdim):
    """Broadcast a reduction's gradient back to the input shape (a read-only view, no copy)."""
    if not keepdim:
        grad = np.expand_dims(grad, axes)
    return np.broadcast_to(grad, in_shape)


def _add_reduce(a, axes, keepdim, dtype=None):
    """np.add.reduce (the ufunc's reduce, not np.sum: numpy's Python wrapper would own any NaN
    warning). numpy sums pairwise only along the innermost memory axis; across other axes it adds
    row after row, which in float32 loses ~1e-5 relative over 10^6 rows (more with cancellation).
    Such float32 sums accumulate in float64 and are rounded once."""
    if a.dtype == np.float32 and (dtype is None or dtype == np.float32) and not (
            a.flags.c_contiguous and tuple(axes) == tuple(range(a.ndim - len(axes), a.ndim))):
        return np.add.reduce(a, axis=axes, dtype=np.float64, keepdims=keepdim).astype(np.float32)
    return np.add.reduce(a, axis=axes, dtype=dtype, keepdims=keepdim)


class Sum(Op):
    @staticmethod
    def forward(ctx, a, axes, keepdim, dtype, along=False):
        ctx.meta = (a.shape, axes, keepdim, along, a.dtype)
        return _add_reduce(a, axes, keepdim, dtype)

    @staticmethod
    def backward(ctx, grad):
        shape, axes, keepdim, _, dtype = ctx.meta  # sum(dtype=...) sends the input's dtype back
        return _expand_back(grad, shape, axes, keepdim).astype(dtype, copy=False), None, None, None, None

    def name(self):  # PyTorch's overloads: sum() and sum(dim)
        return "SumBackward1" if self.meta[3] else "SumBackward0"

    __slots__ = ("meta",)


class Mean(Op):
    @staticmethod
    def forward(ctx, a, axes, keepdim, along=False):
        ctx.meta = (a.shape, axes, keepdim, along)
        n = int(np.prod([a.shape[i] for i in axes]))
        return np.divide(_add_reduce(a, axes, keepdim), n, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        shape, axes, keepdim, _ = ctx.meta
        n = int(np.prod([shape[i] for i in axes]))
        return _expand_back(grad / n if n else grad * np.nan, shape, axes, keepdim), None, None, None

    def name(self):  # PyTorch's overloads: mean() and mean(dim)
        return "MeanBackward1" if self.meta[3] else "MeanBackward0"

    __slots__ = ("meta",)


def sum(input, dim=None, keepdim=False, dtype=None):  # noqa: A001
    """The sum of all elements of ``input``, or over ``dim``.

    Integer and bool inputs sum to int64, as in PyTorch.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimensions to reduce (default: all; ``()`` also
            means all, as in PyTorch).
        keepdim (bool): keep the reduced dimensions, with size 1.
        dtype (minigrad.dtype, optional): the dtype of the sum.

    Example::

        >>> x = minigrad.tensor([[1., 2.], [3., 4.]])
        >>> x.sum()
        tensor(10.)
        >>> minigrad.sum(x, dim=0)
        tensor([4., 6.])
        >>> x.sum(1, keepdim=True)
        tensor([[3.],
                [7.]])
    """
    axes = canonical_dims(dim, input._data.ndim)
    np_dtype = to_dtype(dtype).np if dtype is not None else None
    if np_dtype is None and input._data.dtype.kind in "biu":
        np_dtype = np.int64
    return Sum.apply(input, axes, keepdim, np_dtype, dim is not None)


def mean(input, dim=None, keepdim=False, dtype=None):
    """The mean of all elements of ``input``, or over ``dim`` (int or tuple; ``keepdim`` keeps the
    reduced dimensions). ``input`` must be floating point, or converted with ``dtype=``.

    Example::

        >>> x = minigrad.tensor([[1., 2.], [3., 4.]])
        >>> x.mean()
        tensor(2.5000)
        >>> minigrad.mean(x, dim=1, keepdim=True)
        tensor([[1.5000],
                [3.5000]])
    """
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {_TYPE_NAME.get(input._data.dtype.name, input._data.dtype.name)}"
        )
    axes = canonical_dims(dim, input._data.ndim)
    return Mean.apply(input, axes, keepdim, dim is not None)


def _exclusive_products(a, axis):
    """For each element, the product of the other elements along ``axis``."""
    moved = np.moveaxis(a, axis, -1)
    ones = np.ones(moved.shape[:-1] + (1,), dtype=a.dtype)
    before = np.cumprod(np.concatenate([ones, moved[..., :-1]], axis=-1), axis=-1)
    after = np.flip(np.cumprod(np.concatenate([ones, np.flip(moved, -1)[..., :-1]], axis=-1),
                               axis=-1), -1)
    return np.moveaxis(before * after, -1, axis)


class Prod(Op):
    def name(self):  # PyTorch's overloads: prod() and prod(dim)
        return "ProdBackward0" if self.meta[0] is None else "ProdBackward1"

    @staticmethod
    def forward(ctx, a, axis, keepdim, dtype):
        ctx.save_for_backward(a)
        ctx.meta = (axis, keepdim)
        with np.errstate(all="ignore"):
            return Prod._compute(a, axis, keepdim, dtype)

    @staticmethod
    def _compute(a, axis, keepdim, dtype):
        if axis is None:
            return np.asarray(np.multiply.reduce(a, axis=None, dtype=dtype))
        return np.multiply.reduce(a, axis=axis, dtype=dtype, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        axis, keepdim = ctx.meta
        if a.size == 0:  # nothing to differentiate
            return np.zeros(a.shape, grad.dtype), None, None, None
        with np.errstate(all="ignore"):
            return Prod._gradient(grad, a, axis, keepdim)

    @staticmethod
    def _gradient(grad, a, axis, keepdim):
        if axis is None:
            others = _exclusive_products(a.reshape(-1), 0).reshape(a.shape)
            return (grad * others).astype(a.dtype, copy=False), None, None, None
        g = _expand_back(grad, a.shape, (axis,), keepdim)
        return (g * _exclusive_products(a, axis)).astype(a.dtype, copy=False), None, None, None

    __slots__ = ("meta",)


def _product_dtype(input, dtype):
    if dtype is not None:
        return to_dtype(dtype).np
    if input._data.dtype.kind in "biu":
        return np.dtype(np.int64)
    return None


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """The product of all elements of ``input``, or along ``dim`` (one int, as in PyTorch).
    Integer and bool inputs give int64. The gradient is right with zeros in the input (the
    product of the other elements, not ``result / x``).

    Example::

        >>> x = minigrad.tensor([[1., 2.], [3., 4.]])
        >>> x.prod()
        tensor(24.)
        >>> minigrad.prod(x, 1, keepdim=True)
        tensor([[ 2.],
                [12.]])
    """
    np_dtype = _product_dtype(input, dtype)
    if np_dtype is not None and np_dtype.kind == "f" and np_dtype != input._data.dtype:
        input, np_dtype = input.to(dtype), None  # differentiably
    axis = None if dim is None else canonical_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        axis = None
    return Prod.apply(input, axis, keepdim, np_dtype)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """``sum`` with NaNs counted as zero (their gradient is zero).

    Example::

        >>> minigrad.nansum(minigrad.tensor([1., float("nan"), 2.]))
        tensor(3.)
    """
    if input._data.dtype.kind == "f":
        input = where(_wrap(np.isnan(input._data)), 0.0, input)
    return sum(input, dim, keepdim, dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the non-NaN elements (all, or over ``dim``); floating point only.

    Example::

        >>> minigrad.tensor([[1., float("nan")], [3., 4.]]).nanmean(dim=1)
        tensor([1.0000, 3.5000])
    """
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {scalar_type_name(input._data.dtype)}")
    axes = canonical_dims(dim, input._data.ndim)
    count = np.add.reduce(~np.isnan(input._data), axis=axes, keepdims=keepdim)
    with np.errstate(all="ignore"):  # an empty or all-NaN slice is NaN, silently
        return nansum(input, axes, keepdim) / _wrap(count.astype(input._data.dtype))


class LogSumExp(Op):
    node_name = "LogsumexpBackward0"

    """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the maximum (0 where the
    maximum is infinite, so that all -inf gives -inf and +inf gives +inf, as in PyTorch)."""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        with np.errstate(all="ignore"):
            if a.size == 0:
                out = np.log(np.add.reduce(np.exp(a), axis=axes, keepdims=keepdim))
            else:
                m = np.maximum.reduce(a, axis=axes, keepdims=True)
                m = np.where(np.isinf(m), 0, m).astype(a.dtype, copy=False)
                s = np.log(np.add.reduce(np.exp(a - m), axis=axes, keepdims=True)) + m
                out = s if keepdim else np.squeeze(s, axis=axes)
        ctx.save_for_backward(a, out)
        ctx.meta = (axes, keepdim)
        return np.asarray(out, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        axes, keepdim = ctx.meta
        g = _expand_back(grad, a.shape, axes, keepdim)
        o = _expand_back(out, a.shape, axes, keepdim)
        with np.errstate(all="ignore"):
            return (g * np.exp(a - o)).astype(a.dtype, copy=False), None, None

    __slots__ = ("meta",)


def logsumexp(input, dim=None, keepdim=False):
    """``log(sum(exp(input)))`` over ``dim`` (an int or a tuple; required, as in PyTorch),
    computed without overflow. Integer inputs give the default float dtype. Its gradient is
    ``softmax`` along ``dim``.

    Example::

        >>> minigrad.logsumexp(minigrad.tensor([[100., 100.], [1., 1.]]), dim=1)
        tensor([100.6931,   1.6931])
    """
    if dim is None:  # required, with PyTorch's message
        raise TypeError('logsumexp() missing 1 required positional arguments: "dim"')
    if input._data.dtype.kind != "f":
        input = input.to(get_default_dtype())
    axes = canonical_dims(dim, input._data.ndim)
    return LogSumExp.apply(input, axes, keepdim)


def count_nonzero(input, dim=None):
    """The number of non-zero elements of ``input`` (all, or over ``dim``: an int or a tuple), as
    int64.

    Example::

        >>> x = minigrad.tensor([[0, 1, 2], [3, 0, 0]])
        >>> minigrad.count_nonzero(x)
        tensor(3)
        >>> x.count_nonzero(dim=0)
        tensor([1, 1, 1])
    """
    axes = canonical_dims(dim, input._data.ndim)
    return _wrap(np.asarray(np.count_nonzero(input._data, axis=axes), dtype=np.int64))


def _bool_reduce_dims(dim, ndim):
    """all/any take one dim or (as in PyTorch 2) a tuple of dims."""
    if isinstance(dim, (tuple, list)):
        return canonical_dims(dim, ndim)
    return canonical_dim(dim, ndim)


def all(input, dim=None, keepdim=False):  # noqa: A001
    """``True`` if all elements of ``input`` (or of each slice along ``dim``) are non-zero, as a bool
    tensor.

    Example::

        >>> x = minigrad.tensor([[True, False], [True, True]])
        >>> x.all()
        tensor(False)
        >>> minigrad.all(x, dim=1)
        tensor([False,  True])
    """
    axes = None if dim is None else _bool_reduce_dims(dim, input._data.ndim)
    return _wrap(np.all(input._data, axis=axes, keepdims=keepdim))


def any(input, dim=None, keepdim=False):  # noqa: A001
    """``True`` if any element of ``input`` (or of each slice along ``dim``) is non-zero, as a bool
    tensor.

    Example::

        >>> x = minigrad.tensor([[0, 0], [0, 3]])
        >>> x.any()
        tensor(True)
        >>> minigrad.any(x, dim=1)
        tensor([False,  True])
    """
    axes = None if dim is None else _bool_reduce_dims(dim, input._data.ndim)
    return _wrap(np.any(input._data, axis=axes, keepdims=keepdim))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"sum": sum, "mean": mean, "prod": prod, "nansum": nansum, "nanmean": nanmean,
           "logsumexp": logsumexp, "count_nonzero": count_nonzero, "all": all, "any": any}
