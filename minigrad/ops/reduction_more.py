"""More reductions: prod, cumprod, logsumexp, count_nonzero, var_mean, std_mean, nansum,
nanmean, median, cummax/cummin, aminmax, logcumsumexp.

The products' gradients are right when the input has zeros: they are computed from products of
the *other* elements (prefix and suffix products), never by dividing the result by the input.
"""
import collections

import numpy as np

from .._dtype import get_default_dtype, to_dtype
from ..autograd.function import Op
from ..tensor import _wrap
from ._util import canonical_dim, canonical_dims
from .reduction import _expand_back, mean, std, var

__all__ = ["prod", "cumprod", "logsumexp", "count_nonzero", "var_mean", "std_mean"]


def _exclusive_products(a, axis):
    """For each element, the product of the other elements along ``axis``."""
    moved = np.moveaxis(a, axis, -1)
    ones = np.ones(moved.shape[:-1] + (1,), dtype=a.dtype)
    before = np.cumprod(np.concatenate([ones, moved[..., :-1]], axis=-1), axis=-1)
    after = np.flip(np.cumprod(np.concatenate([ones, np.flip(moved, -1)[..., :-1]], axis=-1),
                               axis=-1), -1)
    return np.moveaxis(before * after, -1, axis)


class Prod(Op):
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


class CumProd(Op):
    @staticmethod
    def forward(ctx, a, axis, dtype):
        with np.errstate(all="ignore"):
            out = np.cumprod(a, axis=axis, dtype=dtype) if a.ndim else np.array(a, dtype=dtype)
        ctx.save_for_backward(a)
        ctx.meta = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        if a.ndim == 0:
            return grad.astype(a.dtype, copy=False), None, None
        if a.size == 0:
            return np.zeros(a.shape, grad.dtype), None, None
        # d out_k / d x_i = prod_{j <= k, j != i} x_j. Without zeros that is out_k / x_i, so
        # the gradient is a reversed cumulative sum of g * out, divided by x. In a slice with a
        # zero at z (the first one): before z the same formula holds (x_i != 0 and out_k = 0
        # from z on), after z every product contains x_z = 0, and at z it is out_{z-1} times the
        # running product of the elements after z.
        x = np.moveaxis(a, ctx.meta, -1).reshape(-1, a.shape[ctx.meta])
        g = np.moveaxis(grad, ctx.meta, -1).reshape(x.shape)
        with np.errstate(all="ignore"):
            out = np.cumprod(x, axis=1)
            result = np.flip(np.cumsum(np.flip(g * out, 1), axis=1), 1) / x
        for row in np.flatnonzero(~np.all(x != 0, axis=1)):
            z = int(np.argmax(x[row] == 0))
            result[row, z + 1:] = 0
            running = out[row, z - 1] if z else np.ones((), x.dtype)
            at_z = g[row, z] * running
            for k in range(z + 1, x.shape[1]):
                running = running * x[row, k]
                at_z = at_z + g[row, k] * running
            result[row, z] = at_z
        moved_shape = np.moveaxis(a, ctx.meta, -1).shape
        return np.moveaxis(result.reshape(moved_shape), -1, ctx.meta), None, None

    __slots__ = ("meta",)


def cumprod(input, dim, *, dtype=None):
    """Cumulative product of the elements of ``input`` along ``dim``:
    ``y_i = x_1 * x_2 * ... * x_i``. Integer and bool inputs give int64. The gradient is right
    with zeros in the input.

    Example::

        >>> minigrad.cumprod(minigrad.tensor([1., 2., 3., 0., 5.]), dim=0)
        tensor([1., 2., 6., 0., 0.])
    """
    d = canonical_dim(dim, input._data.ndim)
    np_dtype = _product_dtype(input, dtype)
    if np_dtype is not None and np_dtype.kind == "f" and np_dtype != input._data.dtype:
        input, np_dtype = input.to(dtype), None
    return CumProd.apply(input, d, np_dtype)


class LogSumExp(Op):
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


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var(input, ...), mean(input, ...))`` with the same arguments as ``var``.

    Example::

        >>> minigrad.var_mean(minigrad.tensor([1., 2., 3.]))
        (tensor(1.), tensor(2.))
    """
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, canonical_dims(dim, input._data.ndim), keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std(input, ...), mean(input, ...))`` with the same arguments as ``std``.

    Example::

        >>> minigrad.std_mean(minigrad.tensor([1., 2., 3.]))
        (tensor(1.), tensor(2.))
    """
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, canonical_dims(dim, input._data.ndim), keepdim))


# ------------------------------------------------------------------ NaN-aware, median, running
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """``sum`` with NaNs counted as zero (their gradient is zero).

    Example::

        >>> minigrad.nansum(minigrad.tensor([1., float("nan"), 2.]))
        tensor(3.)
    """
    from .arithmetic import where
    from .reduction import sum as _sum

    if input._data.dtype.kind == "f":
        input = where(_wrap(np.isnan(input._data)), 0.0, input)
    return _sum(input, dim, keepdim, dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the non-NaN elements (all, or over ``dim``); floating point only.

    Example::

        >>> minigrad.tensor([[1., float("nan")], [3., 4.]]).nanmean(dim=1)
        tensor([1.0000, 3.5000])
    """
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        from .._dtype import scalar_type_name

        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {scalar_type_name(input._data.dtype)}")
    axes = canonical_dims(dim, input._data.ndim)
    count = np.add.reduce(~np.isnan(input._data), axis=axes, keepdims=keepdim)
    with np.errstate(all="ignore"):  # an empty or all-NaN slice is NaN, silently
        return nansum(input, axes, keepdim) / _wrap(count.astype(input._data.dtype))


class MedianAll(Op):
    """The lower median of all elements; the gradient is shared evenly among the elements equal
    to it (all NaNs when it is NaN), as PyTorch's ``median()``."""

    @staticmethod
    def forward(ctx, a):
        flat = a.reshape(-1)
        if flat.size == 0:
            out = np.asarray(np.nan, a.dtype)
        elif np.isnan(flat).any():
            out = np.asarray(np.nan, a.dtype)
        else:
            out = np.asarray(np.sort(flat)[(flat.size - 1) // 2])
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        mask = np.isnan(a) if np.isnan(out) else a == out
        return (grad * mask / max(int(mask.sum()), 1)).astype(a.dtype, copy=False)

    __slots__ = ()


_Median = collections.namedtuple("median", ["values", "indices"])
_Running = {name: collections.namedtuple(name, ["values", "indices"])
            for name in ("cummax", "cummin")}
_AMinMax = collections.namedtuple("aminmax", ["min", "max"])


def _result_repr(self):
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
    return f"minigrad.return_types.{type(self).__name__}(\n{fields})"


def _wrap_result(cls):
    cls.__repr__ = _result_repr  # PyTorch's torch.return_types repr
    return cls


def median(input, dim=None, keepdim=False):
    """The median of ``input`` (the lower of the two middle values for an even count, as in
    PyTorch; NaN if there is a NaN). With ``dim``: ``(values, indices)`` along it. Among equal
    values, which index is returned may differ from PyTorch's.

    Example::

        >>> minigrad.median(minigrad.tensor([1., 4., 2., 3.]))
        tensor(2.)
        >>> minigrad.tensor([[1., 5., 3.]]).median(dim=1)
        minigrad.return_types.median(
        values=tensor([3.]),
        indices=tensor([2]))
    """
    from .indexing import gather

    if dim is None:
        return MedianAll.apply(input)
    a = input._data
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _wrap_result(_Median)(input.clone(), _wrap(np.zeros((), np.int64)))
    if a.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(a, axis=d, kind="stable")
    k = (a.shape[d] - 1) // 2
    idx = np.take(order, [k], axis=d)
    if a.dtype.kind == "f":  # a NaN in the slice: the first NaN
        nan = np.isnan(a)
        has_nan = nan.any(axis=d, keepdims=True)
        idx = np.where(has_nan, np.argmax(nan, axis=d)[..., None].swapaxes(-1, d)
                       if a.ndim > 1 else np.argmax(nan, axis=d).reshape(1), idx)
    idx = idx.astype(np.int64)
    values = gather(input, d, _wrap(idx))
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    return _wrap_result(_Median)(values, _wrap(idx))


def _running(name, input, dim, better):
    from .indexing import gather

    a = input._data
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _wrap_result(_Running[name])(input.clone(), _wrap(np.zeros((), np.int64)))
    x = np.moveaxis(a, d, 0)
    idx = np.zeros(x.shape, np.int64)
    best = x[0].copy() if x.shape[0] else x[:0]
    is_float = a.dtype.kind == "f"
    for i in range(1, x.shape[0]):
        # ties move to the later index; once a NaN is seen it stays (PyTorch's rule)
        take = better(x[i], best) | (x[i] == best)
        if is_float:
            take = (take & ~np.isnan(best)) | (np.isnan(x[i]) & ~np.isnan(best))
        idx[i] = np.where(take, i, idx[i - 1])
        best = np.where(take, x[i], best)
    idx = np.moveaxis(idx, 0, d)
    return _wrap_result(_Running[name])(gather(input, d, _wrap(idx)), _wrap(idx))


def cummax(input, dim):
    """The running maximum along ``dim`` and where it was found: ``(values, indices)``.

    Example::

        >>> minigrad.cummax(minigrad.tensor([1., 3., 2., 4.]), 0).values
        tensor([1., 3., 3., 4.])
    """
    return _running("cummax", input, dim, np.greater)


def cummin(input, dim):
    """The running minimum along ``dim`` and where it was found: ``(values, indices)``.

    Example::

        >>> minigrad.cummin(minigrad.tensor([3., 1., 2., 0.]), 0).indices
        tensor([0, 1, 1, 3])
    """
    return _running("cummin", input, dim, np.less)


def aminmax(input, *, dim=None, keepdim=False):
    """``(amin(input, dim), amax(input, dim))`` as a named tuple ``(min, max)``.

    Example::

        >>> minigrad.aminmax(minigrad.tensor([3., 1., 2.]))
        minigrad.return_types.aminmax(
        min=tensor(1.),
        max=tensor(3.))
    """
    from .reduction import amax, amin

    if input._data.size == 0 and (dim is None or input._data.shape[canonical_dim(dim, input._data.ndim)] == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    dims = () if dim is None else dim
    return _wrap_result(_AMinMax)(amin(input, dims, keepdim), amax(input, dims, keepdim))


class LogCumSumExp(Op):
    """Running log(sum(exp)) along ``axis`` (numpy's logaddexp.accumulate: no overflow and no
    underflow). The backward sums g_k exp(x_i - out_k) over k >= i in the log domain, separately
    for the positive and the negative parts of the gradient, so nothing overflows either."""

    @staticmethod
    def forward(ctx, a, axis):
        with np.errstate(all="ignore"):
            out = np.logaddexp.accumulate(a, axis=axis) if a.ndim else a.copy()
        ctx.save_for_backward(a, out)
        ctx.meta = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if a.ndim == 0:
            return grad, None
        axis = ctx.meta
        result = np.zeros_like(a)
        with np.errstate(all="ignore"):
            for sign in (1, -1):
                part = np.where(sign * grad > 0, np.log(np.abs(grad)) - out, -np.inf)
                rev = np.flip(np.logaddexp.accumulate(np.flip(part, axis), axis=axis), axis)
                result = result + sign * np.exp(a + rev)
        return result.astype(a.dtype, copy=False), None

    __slots__ = ("meta",)


def logcumsumexp(input, dim):
    """``log(cumsum(exp(input)))`` along ``dim``, computed without overflow or underflow.

    Example::

        >>> minigrad.logcumsumexp(minigrad.tensor([-1000., 0., 1000.]), 0)
        tensor([-1000.,     0.,  1000.])
    """
    if input._data.dtype.kind != "f":
        from .special import _not_implemented

        raise _not_implemented("logcumsumexp_out_cpu", input)
    return LogCumSumExp.apply(input, canonical_dim(dim, input._data.ndim))


__all__ += ["nansum", "nanmean", "median", "cummax", "cummin", "aminmax", "logcumsumexp"]
METHODS = {name: globals()[name] for name in __all__ if name not in ("var_mean", "std_mean")}
