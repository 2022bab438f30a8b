"""More PyTorch functions: mode, nanmedian, sinc, copysign, vdot, addr, diag_embed, diagflat,
fill_diagonal_, masked_scatter, dist, cdist, cov, corrcoef, trapezoid/trapz, logspace. Most are
compositions of other ops, which give their gradients."""
import collections

import numpy as np

from ..tensor import _wrap
from ._util import canonical_dim
from .indexing import gather
from .special import _unary
from .trig import _binary, _float_pair

__all__ = ["mode", "nanmedian", "sinc", "copysign", "vdot", "addr", "diag_embed", "diagflat",
           "masked_scatter", "dist", "cdist", "cov", "corrcoef", "trapezoid", "trapz",
           "logspace"]


def _result(name, fields=("values", "indices")):
    from .reduction_more import _wrap_result

    return _wrap_result(collections.namedtuple(name, fields))


_Mode = _result("mode")
_NanMedian = _result("nanmedian")


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


def nanmedian(input, dim=None, keepdim=False):
    """``median`` ignoring NaNs (NaN only for an all-NaN slice).

    Example::

        >>> minigrad.nanmedian(minigrad.tensor([1., float("nan"), 2., 3.]))
        tensor(2.)
    """
    from .reduction_more import MedianAll, median

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
    from .reduction_more import MedianAll

    return type("NanMedianAll", (MedianAll,), {"forward": staticmethod(_nanmedian_forward),
                                                "__slots__": ()})


NanMedianAll = _make_nanmedian_all()


def _sinc(a):
    return np.sinc(a)


def _sinc_derivative(a, out):
    x = np.pi * a
    with np.errstate(all="ignore"):
        d = (np.cos(x) - out) / a
    return np.where(a == 0, 0, d).astype(a.dtype, copy=False)


Sinc = _unary("Sinc", _sinc, _sinc_derivative, "sin(pi x) / (pi x)")


def sinc(input):
    """The normalized sinc function ``sin(pi x) / (pi x)`` (1 at 0).

    Example::

        >>> minigrad.sinc(minigrad.tensor([0., 0.5]))
        tensor([1.0000, 0.6366])
    """
    from ._util import float_input

    return Sinc.apply(float_input(input))


def _copysign_grads(a, b, out):
    return np.where(a == 0, 0, out / a), np.zeros(np.shape(b), out.dtype)


Copysign = _binary("Copysign", np.copysign, _copysign_grads, "|a| with the sign of b")


def copysign(input, other):
    """The magnitude of ``input`` with the sign of ``other`` (integers give floats). The
    gradient reaches ``input`` only (0 at 0, as in PyTorch).

    Example::

        >>> minigrad.copysign(minigrad.tensor([1., -2.]), -1.)
        tensor([-1., -2.])
    """
    return Copysign.apply(*_float_pair(input, other))


def vdot(input, other):
    """The dot product of two 1-d tensors (real tensors: ``dot``).

    Example::

        >>> minigrad.vdot(minigrad.tensor([1., 2.]), minigrad.tensor([3., 4.]))
        tensor(11.)
    """
    from .linalg import dot

    return dot(input, other)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)``.

    Example::

        >>> minigrad.addr(minigrad.zeros(2, 2), minigrad.ones(2), minigrad.ones(2), alpha=2)
        tensor([[2., 2.],
                [2., 2.]])
    """
    from .matrix_more import _scaled_sum, outer

    return _scaled_sum(input, outer(vec1, vec2), beta, alpha)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices whose ``offset`` diagonal (in the plane of the new dimensions ``dim1``, ``dim2``)
    holds the last dimension of ``input``.

    Example::

        >>> minigrad.diag_embed(minigrad.tensor([[1, 2]]))
        tensor([[[1, 0],
                 [0, 2]]])
    """
    from .einsum import einsum
    from .shape_more import movedim

    n = input._data.shape[-1] if input._data.ndim else 1
    size = n + abs(offset)
    eye = np.zeros((n, size, size), dtype=input._data.dtype)
    eye[np.arange(n), np.arange(n) + max(-offset, 0), np.arange(n) + max(offset, 0)] = 1
    out = einsum("...i,ijk->...jk", input, _wrap(eye))
    nd = out._data.ndim
    d1, d2 = canonical_dim(dim1, nd), canonical_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return movedim(out, (nd - 2, nd - 1), (d1, d2))


def diagflat(input, offset=0):
    """The flattened ``input`` on the ``offset`` diagonal of a square matrix.

    Example::

        >>> minigrad.diagflat(minigrad.tensor([[1, 2]]))
        tensor([[1, 0],
                [0, 2]])
    """
    from .matrix_more import diag

    return diag(input.reshape(-1), offset)


def _fill_diagonal_(self, fill_value, wrap=False):
    """Fills the main diagonal of this tensor (2-d, or all dimensions equal) with
    ``fill_value``, in place (``wrap=True``: restart below the square part of a tall matrix).

    Example::

        >>> minigrad.zeros(2, 3).fill_diagonal_(5)
        tensor([[5., 0., 0.],
                [0., 5., 0.]])
    """
    from ..autograd.grad_mode import _state
    from .arithmetic import where
    from .inplace import apply_inplace

    shape = self._data.shape
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape, bool)
    if len(shape) == 2:
        rows, cols = shape
        step = cols + 1
        limit = rows * cols if wrap or rows <= cols else cols * cols
        mask.reshape(-1)[:limit:step] = True
    else:
        mask[(np.arange(shape[0]),) * len(shape)] = True
    mask_t = _wrap(mask)
    if _state.enabled and self._requires_grad and self.grad_fn is None and self._base is None:
        # PyTorch writes through a view of the diagonal, hence its message
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    return apply_inplace(self, lambda old: where(mask_t, fill_value, old),
                         lambda data: data.__setitem__(mask, fill_value))


def masked_scatter(input, mask, source):
    """A copy of ``input`` with the positions where ``mask`` is True (broadcast) filled with
    consecutive elements of ``source``.

    Example::

        >>> minigrad.zeros(4).masked_scatter(minigrad.tensor([True, False, True, False]), minigrad.tensor([1., 2., 3.]))
        tensor([1., 0., 2., 0.])
    """
    from .index_more import index_copy

    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {str(mask.dtype).split('.')[-1]}".replace("int64", "long"))
    full = np.broadcast_to(mask._data, input._data.shape)
    where_true = np.flatnonzero(full)
    if where_true.size > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    src = source.reshape(-1)[: where_true.size]
    flat = index_copy(input.reshape(-1), 0, _wrap(where_true.astype(np.int64)), src)
    return flat.reshape(input._data.shape)


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other``.

    Example::

        >>> minigrad.dist(minigrad.tensor([3., 0.]), minigrad.tensor([0., 4.]))
        tensor(5.)
    """
    from .reduction import vector_norm

    return vector_norm(input - other, p)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """The ``p``-norm distance between every row of ``x1`` (..., P, M) and every row of ``x2``
    (..., R, M), as a (..., P, R) tensor.

    Example::

        >>> minigrad.cdist(minigrad.tensor([[0., 0.]]), minigrad.tensor([[3., 4.], [1., 0.]]))
        tensor([[5., 1.]])
    """
    from .reduction import vector_norm

    if x1._data.ndim < 2 or x2._data.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if x1._data.ndim < 2 else 2} "
                           f"got: {min(x1._data.ndim, x2._data.ndim)}D")
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1._data.shape[-1]} X2: {x2._data.shape[-1]}")
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, dim=-1)


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
        from .._dtype import get_default_dtype

        x = x.to(get_default_dtype())
    n = x._data.shape[1]
    centered = x - x.mean(1, keepdim=True)
    c = (centered @ centered.t()) / max(n - correction, 0)
    return c.reshape(()) if input._data.ndim < 2 else c


def corrcoef(input):
    """The Pearson correlation coefficients of the variables in the rows of ``input``.

    Example::

        >>> minigrad.corrcoef(minigrad.tensor([[1., 2., 4.], [1., 0., 3.]]))
        tensor([[1.0000, 0.7857],
                [0.7857, 1.0000]])
    """
    from .arithmetic import clamp
    from .matrix_more import diagonal, outer

    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    d = diagonal(c).sqrt()
    return clamp(c / outer(d, d), -1, 1)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoidal rule integral of ``y`` along ``dim``, with sample points ``x`` or a
    constant spacing ``dx`` (default 1). ``trapz`` is an alias.

    Example::

        >>> minigrad.trapezoid(minigrad.tensor([1., 2., 3.]))
        tensor(4.)
    """
    from .indexing import getitem

    d = canonical_dim(dim, y._data.ndim)
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
    return (hi + lo).sum(d) * ((1 if dx is None else dx) / 2)


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of ``trapezoid``.

    Example::

        >>> minigrad.trapz(minigrad.tensor([1., 2., 3.]), dx=2)
        tensor(8.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def logspace(start, end, steps, base=10.0, *, dtype=None, requires_grad=False, device=None):
    """``steps`` numbers from ``base ** start`` to ``base ** end``, evenly spaced in the
    exponent.

    Example::

        >>> minigrad.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
    """
    from .._dtype import get_default_dtype, to_dtype

    np_dtype = (to_dtype(dtype) if dtype is not None else get_default_dtype()).np
    exps = np.linspace(float(start), float(end), int(steps), dtype=np.float64)
    out = _wrap(np.power(float(base), exps).astype(np_dtype))
    return out.requires_grad_() if requires_grad else out


METHODS = {"mode": mode, "nanmedian": nanmedian, "sinc": sinc, "copysign": copysign,
           "vdot": vdot, "addr": addr, "diag_embed": diag_embed, "fill_diagonal_": _fill_diagonal_,
           "masked_scatter": masked_scatter, "dist": dist}
