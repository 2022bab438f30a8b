"""Assorted PyTorch functions: isposinf/isneginf/signbit, fmax/fmin, float_power, heaviside,
searchsorted/bucketize, bincount, histc, kthvalue, quantile/nanquantile, cross,
unique_consecutive, cartesian_prod, block_diag. The differentiable ones are compositions of
other ops (sort, gather, where, stack ...), which give their gradients."""
import collections

import numpy as np

from .._dtype import promote_types, scalar_type_name
from ..tensor import Tensor, _wrap
from ._util import canonical_dim, promote
from .arithmetic import where
from .indexing import gather
from .shape import cat, expand, reshape, stack
from .shape_more import movedim

__all__ = ["isposinf", "isneginf", "signbit", "fmax", "fmin", "float_power", "heaviside",
           "searchsorted", "bucketize", "bincount", "histc", "kthvalue", "quantile",
           "nanquantile", "cross", "unique_consecutive", "cartesian_prod", "block_diag"]


def isposinf(input):
    """A bool tensor, True where ``input`` is +inf.

    Example::

        >>> minigrad.isposinf(minigrad.tensor([1., float("inf"), float("-inf")]))
        tensor([False,  True, False])
    """
    return _wrap(np.isposinf(input._data) if input._data.dtype.kind == "f"
                 else np.zeros(input._data.shape, bool))


def isneginf(input):
    """A bool tensor, True where ``input`` is -inf.

    Example::

        >>> minigrad.isneginf(minigrad.tensor([1., float("inf"), float("-inf")]))
        tensor([False, False,  True])
    """
    return _wrap(np.isneginf(input._data) if input._data.dtype.kind == "f"
                 else np.zeros(input._data.shape, bool))


def signbit(input):
    """A bool tensor, True where the sign bit is set (negative numbers and -0.0).

    Example::

        >>> minigrad.signbit(minigrad.tensor([-0., 1., -2.]))
        tensor([ True, False,  True])
    """
    return _wrap(np.signbit(input._data))


def _nan_ignoring(input, other, ufunc):
    a, b = promote(input, other)
    a_data = a._data if isinstance(a, Tensor) else a
    b_data = b._data if isinstance(b, Tensor) else b
    take_a = ufunc(a_data, b_data) | (a_data == b_data) | np.isnan(b_data) \
        if np.result_type(a_data, b_data).kind == "f" else ufunc(a_data, b_data) | (a_data == b_data)
    return where(_wrap(np.asarray(take_a)), a, b)


def fmax(input, other):
    """The elementwise maximum, ignoring NaN (NaN only where both are NaN). The gradient goes to
    ``input`` at ties, as in PyTorch.

    Example::

        >>> minigrad.fmax(minigrad.tensor([1., float("nan")]), minigrad.tensor([float("nan"), 2.]))
        tensor([1., 2.])
    """
    return _nan_ignoring(input, other, np.greater)


def fmin(input, other):
    """The elementwise minimum, ignoring NaN (NaN only where both are NaN).

    Example::

        >>> minigrad.fmin(minigrad.tensor([1., float("nan")]), minigrad.tensor([0., 2.]))
        tensor([0., 2.])
    """
    return _nan_ignoring(input, other, np.less)


def float_power(input, exponent):
    """``input ** exponent`` computed in float64 (the result is float64).

    Example::

        >>> minigrad.float_power(minigrad.tensor([2]), 2)
        tensor([4.], dtype=minigrad.float64)
    """
    from .arithmetic import pow as _pow

    a = input.to(np.float64) if isinstance(input, Tensor) else float(input)
    e = exponent.to(np.float64) if isinstance(exponent, Tensor) else float(exponent)
    return _pow(a, e)


def heaviside(input, values):
    """The Heaviside step: 0 where ``input < 0``, ``values`` where it is 0, 1 where it is
    positive. ``input`` and ``values`` must have the same dtype. Not differentiable.

    Example::

        >>> minigrad.heaviside(minigrad.tensor([-1., 0., 2.]), minigrad.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    if values._data.dtype != input._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _wrap(np.heaviside(input._data, values._data).astype(input._data.dtype))


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value of ``input``, the index where it would be inserted into the (last
    dimension of the) sorted ``sorted_sequence`` to keep it sorted; ``right=True`` (or
    ``side="right"``) places it after equal elements.

    Example::

        >>> minigrad.searchsorted(minigrad.tensor([1, 3, 5]), minigrad.tensor([3, 6]))
        tensor([1, 3])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got "
                               f"{side}".replace("torch.", "minigrad."))
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else input._data
    how = "right" if right else "left"
    if seq.ndim <= 1:
        out = np.searchsorted(seq, vals, side=how)
    else:
        if vals.shape[:-1] != seq.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}"
                .replace("torch.", "minigrad."))
        rows_s, rows_v = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        out = np.stack([np.searchsorted(s, v, side=how) for s, v in zip(rows_s, rows_v)])
        out = out.reshape(vals.shape)
    return _wrap(np.asarray(out, np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The index of the bucket of each element of ``input`` among the sorted 1-d ``boundaries``
    (``boundaries[i-1] < x <= boundaries[i]``; with ``right=True``, ``<= x <``).

    Example::

        >>> minigrad.bucketize(minigrad.tensor([3, 6]), minigrad.tensor([1, 3, 5]))
        tensor([1, 3])
    """
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def bincount(input, weights=None, minlength=0):
    """The number of occurrences of each value 0, 1, ... in the 1-d non-negative integer
    ``input`` (summing ``weights`` instead of counting, if given).

    Example::

        >>> minigrad.bincount(minigrad.tensor([0, 1, 1, 3]))
        tensor([1, 2, 0, 1])
    """
    a = input._data
    if a.ndim != 1 or a.dtype.kind not in "iub" or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out_dtype = w.dtype if w.dtype.kind == "f" else np.float64
    return _wrap(np.bincount(a, weights=w.astype(np.float64), minlength=minlength)
                 .astype(out_dtype))


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """A histogram of ``input`` with ``bins`` equal bins between ``min`` and ``max`` (the data's
    range when both are 0); elements outside are ignored. Floating point only.

    Example::

        >>> minigrad.histc(minigrad.tensor([1., 2., 1.]), bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f'"histogram_cpu" not implemented for '
                                  f"'{scalar_type_name(a.dtype)}'")
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got "
                           f"{bins} for dimension 0".replace("torch.", "minigrad."))
    lo, hi = float(min), float(max)
    finite = a[np.isfinite(a)]
    if lo == hi and finite.size:
        lo, hi = float(finite.min()), float(finite.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc(): max must be larger than min, but got min {min} max "
                           f"{max}".replace("torch.", "minigrad."))
    counts, _ = np.histogram(finite, bins=bins, range=(lo, hi))
    return _wrap(counts.astype(a.dtype))


_KthValue = collections.namedtuple("kthvalue", ["values", "indices"])


def kthvalue(input, k, dim=-1, keepdim=False):
    """The ``k``-th smallest element along ``dim`` and its index: ``(values, indices)``. Among
    equal values, which index is returned may differ from PyTorch's.

    Example::

        >>> minigrad.kthvalue(minigrad.tensor([3., 1., 2.]), 2).values
        tensor(2.)
    """
    from .reduction_more import _wrap_result

    a = input._data
    d = canonical_dim(dim, a.ndim)
    size = a.shape[d] if a.ndim else 1
    if size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if a.ndim == 0:
        return _wrap_result(_KthValue)(input.clone(), _wrap(np.zeros((), np.int64)))
    idx = np.take(np.argsort(a, axis=d, kind="stable"), [k - 1], axis=d).astype(np.int64)
    values = gather(input, d, _wrap(idx))
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    return _wrap_result(_KthValue)(values, _wrap(idx))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    from .sorting import sort

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
        if keepdim:
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


def cross(input, other, dim=None):
    """The cross product of 3-vectors along ``dim`` (by default the first dimension of size 3);
    the inputs broadcast.

    Example::

        >>> minigrad.cross(minigrad.tensor([1., 0., 0.]), minigrad.tensor([0., 1., 0.]), dim=0)
        tensor([0., 0., 1.])
    """
    from .matrix_more import select

    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:
        dim = next((i for i, s in enumerate(np.broadcast_shapes(input._data.shape,
                                                                 other._data.shape)) if s == 3),
                   None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    d = canonical_dim(dim, input._data.ndim)
    if input._data.shape[d] != 3 or other._data.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input._data.shape[d]} and {other._data.shape[d]}")
    from ..autograd.function import broadcast_error

    err = broadcast_error(input._data.shape, other._data.shape)
    if err is not None:
        raise err
    shape = np.broadcast_shapes(input._data.shape, other._data.shape)
    a, b = expand(input, shape), expand(other, shape)
    a0, a1, a2 = (select(a, d, i) for i in range(3))
    b0, b1, b2 = (select(b, d, i) for i in range(3))
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """``input`` with runs of equal consecutive elements collapsed to one (flattened unless
    ``dim`` is given); optionally the run index of each element and the run lengths.

    Example::

        >>> minigrad.unique_consecutive(minigrad.tensor([1, 1, 2, 2, 1]))
        tensor([1, 2, 1])
    """
    a = input._data
    if dim is None:
        flat = a.reshape(-1)
        starts = np.ones(flat.size, bool)
        starts[1:] = flat[1:] != flat[:-1]
        values = flat[starts]
        inverse = (np.cumsum(starts) - 1).reshape(a.shape)
    else:
        d = canonical_dim(dim, a.ndim)
        moved = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        starts = np.ones(moved.shape[0], bool)
        starts[1:] = np.any(moved[1:] != moved[:-1], axis=1)
        values = np.moveaxis(np.moveaxis(a, d, 0)[starts], 0, d)
        inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(np.flatnonzero(starts), starts.size))
    out = [_wrap(np.ascontiguousarray(values))]
    if return_inverse:
        out.append(_wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(_wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def cartesian_prod(*tensors):
    """All combinations of one element from each 1-d tensor, one per row (the tensor itself for
    a single input).

    Example::

        >>> minigrad.cartesian_prod(minigrad.tensor([1, 2]), minigrad.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    from .matrix_more import meshgrid

    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], 1)


def block_diag(*tensors):
    """A block-diagonal matrix from the given tensors (0-d, 1-d as a row, or 2-d), their dtypes
    promoted.

    Example::

        >>> minigrad.block_diag(minigrad.ones(1, 2), minigrad.tensor([[2.]]))
        tensor([[1., 1., 0.],
                [0., 0., 2.]])
    """
    from ..creation import zeros

    mats = []
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t._data.ndim} dimensions"
                               .replace("torch.", "minigrad."))
        mats.append(reshape(t, (1, -1) if t._data.ndim == 1 else (1, 1)) if t._data.ndim < 2 else t)
    if not mats:
        return zeros(1, 0)
    dtype = mats[0].dtype
    for m in mats[1:]:
        dtype = promote_types(dtype, m.dtype)
    mats = [m.to(dtype) for m in mats]
    width = sum(m._data.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m._data.shape
        rows.append(cat([zeros(r, left, dtype=dtype), m, zeros(r, width - left - c, dtype=dtype)], 1))
        left += c
    return cat(rows, 0)


METHODS = {"isposinf": isposinf, "isneginf": isneginf, "signbit": signbit, "fmax": fmax,
           "fmin": fmin, "float_power": float_power, "heaviside": heaviside,
           "bincount": bincount, "histc": histc, "kthvalue": kthvalue, "quantile": quantile,
           "nanquantile": nanquantile, "cross": cross, "unique_consecutive": unique_consecutive}
