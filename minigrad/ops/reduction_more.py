"""More reductions: prod, cumprod, logsumexp, count_nonzero, var_mean, std_mean.

The products' gradients are right when the input has zeros: they are computed from products of
the *other* elements (prefix and suffix products), never by dividing the result by the input.
"""
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
