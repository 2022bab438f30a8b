"""The ops as ``Tensor`` methods: ``x.exp()`` is ``minigrad.exp(x)``, ``x.sum(1)`` is
``minigrad.sum(x, 1)`` and so on. (PyTorch generates these bindings; here they are a table.)"""
import numpy as np

from . import arithmetic, indexing, inplace, linalg, pointwise, reduction, shape, sorting


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
}


def install(cls):
    for name, fn in _METHODS.items():
        setattr(cls, name, fn)
