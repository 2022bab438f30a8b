"""Statistics: ``var``, ``std``, ``var_mean``, ``std_mean``, ``median``, ``nanmedian``, ``mode``,
``quantile``/``nanquantile``, ``cov`` and ``corrcoef``.
"""
import numpy as np

from .._dtype import get_default_dtype
from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._util import canonical_dim, canonical_dims, return_type
from .clamping import clamp
from .diagonals import diagonal
from .joining import stack
from .masking import where
from .products import outer
from .reduction import mean, sum
from .gather_scatter import gather
from .shape import reshape
from .sorting import sort
from .permutation import movedim

__all__ = ["var", "std", "var_mean", "std_mean", "median", "nanmedian", "mode", "quantile",
           "nanquantile", "cov", "corrcoef"]


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance of ``input`` (all elements, or over ``dim``), with Bessel's correction by default:
    ``sum((x - mean)^2) / (N - correction)``.

    Args:
        dim (int or tuple of ints, optional): the dimensions to reduce (default: all).
        unbiased (bool, optional): False for ``correction=0`` (the older argument).
        keepdim (bool): keep the reduced dimensions, with size 1.
        correction (int, optional): the difference between N and the divisor (default 1).

    Example::

        >>> x = minigrad.tensor([[1., 2., 3.], [4., 6., 8.]])
        >>> x.var(dim=1)
        tensor([1., 4.])
        >>> minigrad.var(x, dim=1, correction=0)
        tensor([0.6667, 2.6667])
    """
    v = _var(input, dim, unbiased, keepdim, correction)
    return v if v._data.dtype == input._data.dtype else v.to(input._data.dtype)


def _var(input, dim, unbiased, keepdim, correction):
    """var in float64 for a float32 input (as PyTorch accumulates it in double: the squares of
    float32 values near 1e38 overflow float32), in the input's dtype otherwise."""
    if correction is None:
        correction = 0 if unbiased is False else 1
    if input._data.dtype == np.float32:
        input = input.to(np.float64)
    axes = canonical_dims(dim, input._data.ndim)
    n = int(np.prod([input._data.shape[i] for i in axes]))
    centered = input - mean(input, axes, keepdim=True)
    return sum(centered * centered, axes, keepdim=keepdim) / np.maximum(n - correction, 0)


class StdSqrt(Op):
    """The square root that turns var into std: as PyTorch's std backward, the gradient is 0
    where the std is 0 (all elements equal), not inf * 0 = NaN."""

    @staticmethod
    def forward(ctx, v):
        out = np.sqrt(v)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return np.where(out == 0, 0, grad / (2 * out)).astype(grad.dtype, copy=False)

    def name(self):
        return "StdBackward0"

    __slots__ = ()


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation of ``input``: the square root of ``var`` (same arguments). Its gradient
    is 0, not NaN, where all the elements are equal, as in PyTorch.

    Example::

        >>> minigrad.tensor([[1., 2., 3.], [4., 6., 8.]]).std(dim=1)
        tensor([1., 2.])
    """
    s = StdSqrt.apply(_var(input, dim, unbiased, keepdim, correction))
    return s if s._data.dtype == input._data.dtype else s.to(input._data.dtype)


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


class MedianAll(Op):
    node_name = "MedianBackward0"

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
        share = (grad / max(int(mask.sum()), 1)).astype(a.dtype, copy=False)
        return np.where(mask, share, np.zeros((), a.dtype))  # select: inf * 0 is not 0

    __slots__ = ()


_Median = return_type("median")


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
    if dim is None:
        return MedianAll.apply(input)
    a = input._data
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _Median(input.clone(), _wrap(np.zeros((), np.int64)))
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
    return _Median(values, _wrap(idx))


_NanMedian = return_type("nanmedian")


def nanmedian(input, dim=None, keepdim=False):
    """``median`` ignoring NaNs (NaN only for an all-NaN slice).

    Example::

        >>> minigrad.nanmedian(minigrad.tensor([1., float("nan"), 2., 3.]))
        tensor(2.)
    """
    a = input._data
    if a.dtype.kind != "f":
        return median(input, dim, keepdim)
    if dim is None:
        valid = a[~np.isnan(a)]
        if valid.size == 0:
            return MedianAll.apply(input)
        return NanMedianAll.apply(input)
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _NanMedian(input.clone(), _wrap(np.zeros((), np.int64)))
    if a.shape[d] == 0:
        raise IndexError(f"nanmedian(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(a, axis=d, kind="stable")  # NaN last
    n = (~np.isnan(a)).sum(axis=d, keepdims=True)
    k = np.maximum(n - 1, 0) // 2
    idx = np.take_along_axis(order, k, axis=d).astype(np.int64)
    values = gather(input, d, _wrap(idx))
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    return _NanMedian(values, _wrap(idx))


def _nanmedian_forward(ctx, a):
    valid = np.sort(a[~np.isnan(a)])
    out = np.asarray(valid[(valid.size - 1) // 2], a.dtype)
    ctx.save_for_backward(a, out)
    return out


def _make_nanmedian_all():
    return type("NanMedianAll", (MedianAll,), {"forward": staticmethod(_nanmedian_forward),
                                                "node_name": "NanmedianBackward0", "__slots__": ()})


NanMedianAll = _make_nanmedian_all()


_Mode = return_type("mode")


def mode(input, dim=-1, keepdim=False):
    """The most frequent value along ``dim`` (the smallest among equally frequent ones) and the
    index of its last occurrence: ``(values, indices)``.

    Example::

        >>> minigrad.mode(minigrad.tensor([3., 1., 1., 3.]))
        minigrad.return_types.mode(
        values=tensor(1.),
        indices=tensor(2))
    """
    a = input._data
    if a.ndim == 0:
        return _Mode(input.clone(), _wrap(np.zeros((), np.int64)))
    d = canonical_dim(dim, a.ndim)
    if a.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    rows = np.moveaxis(a, d, -1).reshape(-1, a.shape[d])
    idx = np.zeros(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        values, counts = np.unique(row, return_counts=True)
        best = values[np.argmax(counts)]
        idx[r] = np.flatnonzero(row == best)[-1] if not np.isnan(best) else np.flatnonzero(np.isnan(row))[-1]
    shape = list(np.moveaxis(a, d, -1).shape[:-1]) + [1]
    idx = np.moveaxis(idx.reshape(shape), -1, d)
    values = gather(input, d, _wrap(idx))
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    return _Mode(values, _wrap(idx))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    scalar_q = not isinstance(q, Tensor) or q._data.ndim == 0
    qs = np.atleast_1d(q._data if isinstance(q, Tensor) else np.asarray(q, np.float64))
    if isinstance(q, Tensor) and q._data.dtype != input._data.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    if qs.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    for v in qs:
        if not 0 <= v <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {v:g}")
    nd = input._data.ndim
    if dim is None:
        x, d = reshape(input, (-1,)), 0
    else:
        x, d = input, canonical_dim(dim, nd)
    if x._data.ndim == 0:
        x = reshape(x, (1,))
    if x._data.shape[d] == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    s = sort(movedim(x, d, -1), -1).values  # NaN last
    nan = np.isnan(s._data)
    size = nan.shape[-1]
    n = (~nan).sum(-1, keepdims=True) if ignore_nan else np.full(nan.shape[:-1] + (1,), size)
    # As PyTorch: a slice with a NaN (quantile) takes its last sorted element, a NaN; an all-NaN
    # slice (nanquantile) its first. The gradient then reaches that NaN element.
    has_nan = None if ignore_nan else nan.any(-1, keepdims=True)
    results = []
    for i, v in enumerate(qs):
        pos = v * (np.maximum(n, 1) - 1)
        if has_nan is not None:
            pos = np.where(has_nan, size - 1, pos)
        lo = np.floor(pos).astype(np.int64)
        hi = np.ceil(pos).astype(np.int64)
        if interpolation == "nearest":
            lo = hi = np.round(pos).astype(np.int64)  # halves to even, as PyTorch
        s_lo, s_hi = gather(s, -1, _wrap(lo)), gather(s, -1, _wrap(hi))
        if interpolation in ("lower", "nearest"):
            r = s_lo
        elif interpolation == "higher":
            r = s_hi
        elif interpolation == "midpoint":
            r = (s_lo + s_hi) * 0.5
        else:
            if isinstance(q, Tensor):  # the weight is differentiable in q, as in PyTorch
                q_i = q.reshape(-1)[i]
                scale = _wrap((np.maximum(n, 1) - 1).astype(s._data.dtype))
                if has_nan is not None:
                    scale = where(_wrap(has_nan), 0.0, scale)
                    offset = _wrap(np.where(has_nan, 0, lo).astype(s._data.dtype))
                else:
                    offset = _wrap(lo.astype(s._data.dtype))
                w = q_i * scale - offset
            else:
                w = _wrap((pos - lo).astype(s._data.dtype))
            r = s_lo + (s_hi - s_lo) * w
        r = r.squeeze(-1)
        if keepdim and nd:  # (a 0-d input stays 0-d)
            r = r.reshape((1,) * nd) if dim is None else r.unsqueeze(d)
        results.append(r)
    return results[0] if scalar_q else stack(results, 0)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The ``q``-th quantiles of ``input`` (all elements, or along ``dim``); ``q`` is a number or
    a 1-d tensor (its dimension comes first in the result). NaN if a slice has NaN.

    Example::

        >>> minigrad.quantile(minigrad.tensor([1., 2., 3., 4.]), 0.4)
        tensor(2.2000)
    """
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """``quantile`` ignoring NaNs (NaN only for an all-NaN slice).

    Example::

        >>> minigrad.nanquantile(minigrad.tensor([1., float("nan"), 3.]), 0.5)
        tensor(2.)
    """
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in the
    columns; a 1-d input is one variable), divided by ``N - correction``. Observation weights
    (``fweights``, ``aweights``) are not supported.

    Example::

        >>> minigrad.cov(minigrad.tensor([[1., 2., 4.], [1., 0., 3.]]))
        tensor([[2.3333, 1.8333],
                [1.8333, 2.3333]])
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError("minigrad.cov: fweights and aweights are not supported")
    if input._data.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input._data.ndim} dimensions")
    x = input.reshape(1, -1) if input._data.ndim < 2 else input
    if x._data.dtype.kind != "f":
        x = x.to(get_default_dtype())
    n = x._data.shape[1]
    centered = x - x.mean(1, keepdim=True)
    c = (centered @ centered.t()) / max(n - correction, 0)
    return c.reshape(()) if x._data.shape[0] == 1 else c  # one variable: 0-d, as in PyTorch


def corrcoef(input):
    """The Pearson correlation coefficients of the variables in the rows of ``input``.

    Example::

        >>> minigrad.corrcoef(minigrad.tensor([[1., 2., 4.], [1., 0., 3.]]))
        tensor([[1.0000, 0.7857],
                [0.7857, 1.0000]])
    """
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    d = diagonal(c).sqrt()
    return clamp(c / outer(d, d), -1, 1)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"cov": cov, "corrcoef": corrcoef, "var": var, "std": std, "median": median, "nanmedian": nanmedian, "mode": mode,
           "quantile": quantile, "nanquantile": nanquantile}
