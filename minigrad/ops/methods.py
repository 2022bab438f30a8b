"""The ops as ``Tensor`` methods: ``x.exp()`` is ``minigrad.exp(x)``, ``x.sum(1)`` is
``minigrad.sum(x, 1)`` and so on. (PyTorch generates these bindings; here they are a table.)"""
import numpy as np

from . import arithmetic, indexing, inplace, linalg, pointwise, reduction, shape, sorting
from . import scatter_ops
from . import (extra, gamma, index_more, inplace_math, matrix_more, misc_more, numeric,
               random_fills, reduction_more, scatter_views, shape_more, special, trig)


def _where(self, condition, other):
    """``x.where(condition, y)``: ``minigrad.where(condition, x, y)``, the elements of this tensor
    where ``condition`` is True, else of ``y``.

    Example::

        >>> x = minigrad.tensor([-1., 2.])
        >>> x.where(x > 0, minigrad.tensor(0.))
        tensor([0., 2.])
    """
    return arithmetic.where(condition, self, other)


def _view_as(self, other):
    """``x.view_as(other)``: ``x.view(other.shape)``.

    Example::

        >>> minigrad.arange(6).view_as(minigrad.zeros(2, 3)).shape
        minigrad.Size([2, 3])
    """
    return shape.view(self, other.shape)


def _reshape_as(self, other):
    """``x.reshape_as(other)``: ``x.reshape(other.shape)``.

    Example::

        >>> minigrad.arange(6).reshape_as(minigrad.zeros(3, 2)).shape
        minigrad.Size([3, 2])
    """
    return shape.reshape(self, other.shape)


def _expand_as(self, other):
    """``x.expand_as(other)``: ``x.expand(other.shape)``, a broadcast view.

    Example::

        >>> minigrad.tensor([[1], [2]]).expand_as(minigrad.zeros(2, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    return shape.expand(self, other.shape)


def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fills this tensor in place with numbers drawn uniformly from ``[a, b)`` (from ``generator``, or
    the default generator set by ``minigrad.manual_seed``); returns it.

    Example::

        >>> x = minigrad.empty(1000).uniform_(-1, 1)
        >>> bool(x.min() >= -1 and x.max() < 1)
        True
    """
    from ..creation import fill_uniform
    from ..tensor import _wrap

    return inplace.copy_(self, _wrap(fill_uniform(np.empty(self._data.shape, self._data.dtype), generator, a, b)))


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills this tensor in place with numbers drawn from the normal distribution N(``mean``,
    ``std``^2) (from ``generator``, or the default generator); returns it.

    Example::

        >>> x = minigrad.empty(10000).normal_(mean=3., std=0.5)
        >>> round(x.mean().item(), 1), round(x.std().item(), 1)
        (3.0, 0.5)
    """
    from ..creation import fill_normal
    from ..tensor import _wrap

    return inplace.copy_(self, _wrap(fill_normal(np.empty(self._data.shape, self._data.dtype), generator, mean, std)))


def _type_as(self, other):
    """``x.type_as(other)``: ``x`` converted to ``other``'s dtype (``x`` itself if it already has
    it).

    Example::

        >>> minigrad.tensor([1.7, 2.2]).type_as(minigrad.tensor([0]))
        tensor([1, 2])
    """
    return self.to(other.dtype)


def _ndimension(self):
    """``x.ndimension()``: the number of dimensions (``x.dim()``).

    Example::

        >>> minigrad.zeros(2, 3).ndimension()
        2
    """
    return self._data.ndim


def is_nonzero(input):
    """``True`` if the single element of ``input`` is non-zero (an error for zero or several
    elements, as in PyTorch).

    Example::

        >>> minigrad.is_nonzero(minigrad.tensor([0.5]))
        True
    """
    if input._data.size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input._data.size > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()))


_METHODS = {
    # arithmetic
    "add": arithmetic.add, "sub": arithmetic.sub, "subtract": arithmetic.sub, "mul": arithmetic.mul,
    "multiply": arithmetic.mul, "div": arithmetic.div, "divide": arithmetic.div,
    "true_divide": arithmetic.div, "pow": arithmetic.pow, "neg": arithmetic.neg,
    "negative": arithmetic.neg, "eq": arithmetic.eq, "ne": arithmetic.ne, "lt": arithmetic.lt,
    "le": arithmetic.le, "gt": arithmetic.gt, "ge": arithmetic.ge, "maximum": arithmetic.maximum,
    "minimum": arithmetic.minimum, "clamp": arithmetic.clamp, "clip": arithmetic.clamp,
    "isnan": arithmetic.isnan, "isinf": arithmetic.isinf, "isfinite": arithmetic.isfinite,
    "logical_not": arithmetic.logical_not, "logical_and": arithmetic.logical_and,
    "logical_or": arithmetic.logical_or, "logical_xor": arithmetic.logical_xor,
    "floor_divide": arithmetic.floor_divide, "remainder": arithmetic.remainder,
    "bitwise_not": arithmetic.bitwise_not, "bitwise_and": arithmetic.bitwise_and,
    "bitwise_or": arithmetic.bitwise_or, "bitwise_xor": arithmetic.bitwise_xor,
    "nonzero": arithmetic.nonzero, "equal": arithmetic.equal, "allclose": arithmetic.allclose,
    "where": _where, "clamp_min": arithmetic.clamp_min, "clamp_max": arithmetic.clamp_max,
    # pointwise
    "exp": pointwise.exp, "log": pointwise.log, "log1p": pointwise.log1p, "sqrt": pointwise.sqrt,
    "abs": pointwise.abs, "sin": pointwise.sin, "cos": pointwise.cos,
    "sigmoid": pointwise.sigmoid, "tanh": pointwise.tanh, "relu": pointwise.relu,
    "relu_": pointwise.relu_, "square": pointwise.square, "sign": pointwise.sign,
    "softmax": pointwise.softmax, "log_softmax": pointwise.log_softmax,
    # reductions
    "sum": reduction.sum, "mean": reduction.mean, "max": reduction.max, "min": reduction.min,
    "amax": reduction.amax, "amin": reduction.amin, "argmax": reduction.argmax,
    "argmin": reduction.argmin, "var": reduction.var, "std": reduction.std, "all": reduction.all,
    "any": reduction.any, "cumsum": reduction.cumsum, "norm": reduction.norm,
    # sorting
    "sort": sorting.sort, "argsort": sorting.argsort, "topk": sorting.topk,
    # indexing
    "gather": indexing.gather, "scatter": indexing.scatter, "scatter_add": indexing.scatter_add,
    "masked_fill": indexing.masked_fill, "masked_fill_": indexing.masked_fill_,
    # shape
    "reshape": shape.reshape, "view": shape.view, "view_as": _view_as, "reshape_as": _reshape_as,
    "flatten": shape.flatten, "unflatten": shape.unflatten, "squeeze": shape.squeeze,
    "unsqueeze": shape.unsqueeze, "transpose": shape.transpose, "swapaxes": shape.transpose,
    "permute": shape.permute, "t": shape.t, "expand": shape.expand, "expand_as": _expand_as,
    "split": shape.split, "chunk": shape.chunk, "unbind": shape.unbind, "repeat": shape.repeat,
    "flip": shape.flip, "roll": shape.roll, "tril": shape.tril, "triu": shape.triu,
    # products
    "matmul": linalg.matmul, "mm": linalg.mm, "bmm": linalg.bmm, "dot": linalg.dot, "mv": linalg.mv,
    # in place
    "add_": inplace.add_, "sub_": inplace.sub_, "mul_": inplace.mul_, "div_": inplace.div_,
    "clamp_": inplace.clamp_, "clamp_min_": inplace.clamp_min_, "clamp_max_": inplace.clamp_max_,
    "fill_": inplace.fill_, "zero_": inplace.zero_, "copy_": inplace.copy_,
    "uniform_": _uniform_, "normal_": _normal_,
    # more pointwise, reductions, shape and in-place ops (special.py, reduction_more.py,
    # shape_more.py, inplace_math.py)
    "floor": special.floor, "ceil": special.ceil, "round": special.round, "trunc": special.trunc,
    "fix": special.trunc, "frac": special.frac, "reciprocal": special.reciprocal,
    "rsqrt": special.rsqrt, "exp2": special.exp2, "log2": special.log2, "log10": special.log10,
    "expm1": special.expm1, "tan": special.tan, "fmod": special.fmod,
    "nan_to_num": special.nan_to_num, "isclose": special.isclose, "lerp": special.lerp,
    "addcmul": special.addcmul, "addcdiv": special.addcdiv,
    "prod": reduction_more.prod, "cumprod": reduction_more.cumprod,
    "logsumexp": reduction_more.logsumexp, "count_nonzero": reduction_more.count_nonzero,
    "type_as": _type_as, "is_nonzero": is_nonzero, "ndimension": _ndimension,
    **shape_more.METHODS, **inplace_math.METHODS, **trig.METHODS, **matrix_more.METHODS,
    **reduction_more.METHODS, **index_more.METHODS, **misc_more.METHODS, **extra.METHODS,
    **gamma.METHODS, **scatter_ops.METHODS, **numeric.METHODS,
    **scatter_views.METHODS, **random_fills.METHODS,
}


def install(cls):
    for name, fn in _METHODS.items():
        setattr(cls, name, fn)
