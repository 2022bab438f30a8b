"""Running reductions along a dimension: ``cumsum``, ``cumprod``, ``cummax``/``cummin``,
``logcumsumexp``; and the differences and integrals along one: ``diff``, ``trapezoid``
(``trapz``).
"""
import numpy as np

from .._dtype import to_dtype
from ..autograd.function import Op
from ..tensor import _wrap
from ._util import _not_implemented, canonical_dim, return_type
from .indexing import getitem
from .joining import cat
from .reduction import _product_dtype
from .gather_scatter import gather

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "diff", "trapezoid", "trapz"]


class CumSum(Op):
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, dim, dtype):
        ctx.meta = (dim, a.dtype)
        if a.ndim == 0:
            return np.array(a, dtype=dtype)
        return np.cumsum(a, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        dim, in_dtype = ctx.meta
        if np.ndim(grad) == 0:
            return np.asarray(grad, dtype=in_dtype), None, None
        # each input element reaches every later output: a cumulative sum from the end
        g = np.flip(np.cumsum(np.flip(grad, dim), axis=dim), dim)
        return g.astype(in_dtype, copy=False), None, None

    __slots__ = ("meta",)


def cumsum(input, dim, *, dtype=None):
    """Cumulative sum of the elements of ``input`` along ``dim``:
    ``y_i = x_1 + x_2 + ... + x_i``.

    Integer and bool inputs give int64 (as ``sum``) unless ``dtype`` says otherwise; with
    ``dtype`` the input is converted before the sum.

    Example::

        >>> minigrad.cumsum(minigrad.tensor([1., 2., 3., 4.]), dim=0)
        tensor([ 1.,  3.,  6., 10.])
        >>> minigrad.tensor([[1, 2], [3, 4]]).cumsum(1)
        tensor([[1, 3],
                [3, 7]])
    """
    d = canonical_dim(dim, input._data.ndim)
    np_dtype = to_dtype(dtype).np if dtype is not None else None
    if np_dtype is None and input._data.dtype.kind in "biu":
        np_dtype = np.dtype(np.int64)
    if np_dtype is not None and np_dtype != input._data.dtype and np_dtype.kind == "f":
        input = input.to(dtype)  # differentiably, so that the gradient comes back in float
    return CumSum.apply(input, d, np_dtype)


class CumProd(Op):
    node_name = "CumprodBackward0"

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


_Running = {name: return_type(name)
            for name in ("cummax", "cummin")}


def _running(name, input, dim, better):
    a = input._data
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _Running[name](input.clone(), _wrap(np.zeros((), np.int64)))
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
    return _Running[name](gather(input, d, _wrap(idx)), _wrap(idx))


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


class LogCumSumExp(Op):
    node_name = "LogcumsumexpBackward0"

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
        raise _not_implemented("logcumsumexp_out_cpu", input)
    return LogCumSumExp.apply(input, canonical_dim(dim, input._data.ndim))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim`` (``out[i] = x[i + 1] - x[i]``), after
    joining ``prepend`` and ``append``. Bool tensors give XOR, as in PyTorch.

    Example::

        >>> minigrad.diff(minigrad.tensor([1, 3, 6, 10]))
        tensor([2, 3, 4])
    """
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = canonical_dim(dim, input._data.ndim)
    for p in (prepend, append):
        if p is not None and p._data.ndim != input._data.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, d) if len(parts) > 1 else input
    lead = (slice(None),) * d
    for _ in range(n):
        hi, lo = getitem(x, lead + (slice(1, None),)), getitem(x, lead + (slice(None, -1),))
        x = hi ^ lo if x._data.dtype == np.bool_ else hi - lo
    return x


def trapezoid(y, x=None, *, dx=1, dim=-1):
    """The trapezoidal rule integral of ``y`` along ``dim``, with sample points ``x`` or a
    constant spacing ``dx`` (default 1). ``trapz`` is an alias.

    Example::

        >>> minigrad.trapezoid(minigrad.tensor([1., 2., 3.]))
        tensor(4.)
    """
    d = canonical_dim(dim, y._data.ndim)
    if y._data.shape[d] == 0:  # no sample: PyTorch returns fresh zeros, outside the graph
        return _trapezoid(y, x, dx, d).detach()
    return _trapezoid(y, x, dx, d)


def _trapezoid(y, x, dx, d):
    lead = (slice(None),) * d
    hi, lo = getitem(y, lead + (slice(1, None),)), getitem(y, lead + (slice(None, -1),))
    if x is not None:
        if x._data.ndim == 1:  # sample points along dim, broadcast over the others
            x = x.reshape((-1,) + (1,) * (y._data.ndim - 1 - d))
            xl = ()
        else:
            xl = (slice(None),) * d
        spacing = getitem(x, xl + (slice(1, None),)) - getitem(x, xl + (slice(None, -1),))
        return ((hi + lo) * spacing).sum(d) / 2
    return (hi + lo).sum(d) * (dx / 2)


def trapz(y, x=None, *, dx=1, dim=-1):
    """Alias of ``trapezoid``.

    Example::

        >>> minigrad.trapz(minigrad.tensor([1., 2., 3.]), dx=2)
        tensor(8.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"cumsum": cumsum, "cumprod": cumprod, "cummax": cummax, "cummin": cummin,
           "logcumsumexp": logcumsumexp, "diff": diff}
