"""``scatter_reduce``: ``src``'s elements reduced ("sum", "prod", "mean", "amax", "amin") into
the places of ``input`` given by ``index`` along ``dim`` (with or without ``input``'s own value).

The backward follows PyTorch's: "sum" passes the gradient, "mean" divides it by the count,
"amax"/"amin" share it evenly among the elements equal to the result, "prod" gives each element
the product of the others (right with zeros: counted, never divided by).
"""
import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from .inplace import apply_inplace
from .gather_scatter import _along, _at_least_1d, _check_index, _region

__all__ = ["scatter_reduce"]


_UFUNCS = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum,
           "amin": np.minimum}
_IDENTITY = {"sum": 0, "prod": 1, "mean": 0}


class ScatterReduce(Op):
    @staticmethod
    def forward(ctx, a, dim, index, src, reduce, include_self):
        a1, index = _at_least_1d(a), _at_least_1d(index)
        where = _along(index, dim)
        values = _at_least_1d(src)[_region(index.shape)]
        out = np.array(a1)
        hit = np.zeros(a1.shape, bool)
        hit[where] = True
        if not include_self:  # the reduction starts from the first scattered value
            if reduce in _IDENTITY:
                out[hit] = _IDENTITY[reduce]
            elif a1.dtype.kind in "iu":
                info = np.iinfo(a1.dtype)
                out[hit] = info.min if reduce == "amax" else info.max
            else:
                out[hit] = -np.inf if reduce == "amax" else np.inf
        count = np.where(hit, 1 if include_self else 0, 1).astype(np.int64)
        np.add.at(count, where, 1)
        with np.errstate(all="ignore"):
            _UFUNCS[reduce].at(out, where, values)
            if reduce == "mean":
                if out.dtype.kind == "f":
                    out = np.where(hit, out / np.maximum(count, 1), out).astype(a1.dtype)
                else:
                    out = np.where(hit, out // np.maximum(count, 1), out).astype(a1.dtype)
        ctx.save_for_backward(a, index, src, out)
        ctx.meta = (dim, reduce, include_self, a.shape, np.shape(src), hit, count)
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        a, index, src, out = ctx.saved_tensors
        dim, reduce, include_self, a_shape, src_shape, hit, count = ctx.meta
        a1, index = _at_least_1d(a), _at_least_1d(index)
        where = _along(index, dim)
        g = _at_least_1d(np.asarray(grad))
        values = _at_least_1d(src)[_region(index.shape)]
        g_at, out_at = g[where], out[where]
        with np.errstate(all="ignore"):
            if reduce == "sum":
                ga, gs = np.where(hit & (not include_self), 0, g), g_at
            elif reduce == "mean":
                ga = np.where(hit, (g / count) if include_self else 0, g)
                gs = g_at / count[where]
            elif reduce in ("amax", "amin"):
                ties = np.where(hit & include_self & (a1 == out), 1, 0).astype(np.int64)
                is_best = values == out_at
                np.add.at(ties, where, is_best.astype(np.int64))
                ties = np.maximum(ties, 1)
                ga = np.where(hit, np.where(include_self & (a1 == out), g / ties, 0), g)
                gs = np.where(is_best, g_at / ties[where], 0)
            else:  # prod: the product of the other factors of each place
                zeros = np.where(hit & include_self & (a1 == 0), 1, 0).astype(np.int64)
                np.add.at(zeros, where, (values == 0).astype(np.int64))
                nonzero_prod = np.where(hit & include_self & (a1 != 0), a1, 1).astype(out.dtype)
                np.multiply.at(nonzero_prod, where, np.where(values == 0, 1, values))

                def others(x, z, p, r):
                    return np.where(z == 0, r / np.where(x == 0, 1, x),
                                    np.where((z == 1) & (x == 0), p, 0))

                ga = np.where(hit, g * others(a1, zeros, nonzero_prod, out) if include_self else 0, g)
                gs = g_at * others(values, zeros[where], nonzero_prod[where], out_at)
        grad_src = np.zeros(src_shape if src_shape else (1,), dtype=g.dtype)
        grad_src[_region(index.shape)] = gs
        return (ga.astype(g.dtype).reshape(a_shape), None, None, grad_src.reshape(src_shape),
                None, None)

    __slots__ = ("meta",)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of ``input`` where the elements of ``src`` are reduced into the places given by
    ``index`` along ``dim`` (as ``scatter_add`` does for "sum"): ``reduce`` is "sum", "prod",
    "mean", "amax" or "amin"; with ``include_self=False`` the places' own values are left out of
    the reduction.

    Example::

        >>> minigrad.zeros(3).scatter_reduce(0, minigrad.tensor([0, 0, 2]), minigrad.tensor([1., 2., 3.]), "amax")
        tensor([2., 0., 3.])
    """
    if reduce not in _UFUNCS:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce(): argument 'src' (position 3) must be Tensor, not "
                        f"{type(src).__name__}")
    d = _check_index("scatter", input, dim, index, src)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return ScatterReduce.apply(input, d, index, src, reduce, include_self)


def _scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    """In-place version of ``scatter_reduce``; returns this tensor.

    Example::

        >>> minigrad.ones(2).scatter_reduce_(0, minigrad.tensor([1, 1]), minigrad.tensor([2., 3.]), "prod")
        tensor([1., 6.])
    """
    def compute(t):
        return scatter_reduce(t, dim, index, src, reduce, include_self=include_self)

    return apply_inplace(self, compute,
                         lambda data: np.copyto(data, compute(_wrap(data))._data),
                         others=(src,))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"scatter_reduce": scatter_reduce, "scatter_reduce_": _scatter_reduce_}
