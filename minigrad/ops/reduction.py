"""Reductions: sum, mean, max/min (all elements or along a dim), argmax, var, std, all, any.

The backward of a reduction spreads the gradient back over the reduced dimensions: evenly for
sum and mean, onto the winning elements for max and min.
"""
import collections

import numpy as np

from .._dtype import to_dtype
from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._util import canonical_dim, canonical_dims

__all__ = ["sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "var", "std",
           "all", "any", "cumsum", "norm"]


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
    def forward(ctx, a, axes, keepdim, dtype):
        ctx.meta = (a.shape, axes, keepdim)
        return _add_reduce(a, axes, keepdim, dtype)

    @staticmethod
    def backward(ctx, grad):
        shape, axes, keepdim = ctx.meta
        return _expand_back(grad, shape, axes, keepdim), None, None, None

    __slots__ = ("meta",)


class Mean(Op):
    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.meta = (a.shape, axes, keepdim)
        n = int(np.prod([a.shape[i] for i in axes]))
        return np.divide(_add_reduce(a, axes, keepdim), n, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        shape, axes, keepdim = ctx.meta
        n = int(np.prod([shape[i] for i in axes]))
        return _expand_back(grad / n if n else grad * np.nan, shape, axes, keepdim), None, None

    __slots__ = ("meta",)


class AllMax(Op):
    """max()/min() over every element; at ties the gradient is shared evenly (PyTorch's rule)."""

    @staticmethod
    def forward(ctx, a, minimum):
        out = np.min(a) if minimum else np.max(a)
        ctx.save_for_backward(a, out)
        return np.asarray(out)

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        winners = (a == out) | (np.isnan(a) & np.isnan(out))
        return grad * winners / winners.sum(), None

    def name(self):
        return "MaxBackward1"

    __slots__ = ()


class MaxDim(Op):
    """max/min along one dim, given the winning indices: the gradient goes to those elements."""

    @staticmethod
    def forward(ctx, a, idx, dim, keepdim):
        values = np.take_along_axis(a, idx, axis=dim)
        ctx.save_for_backward(idx)
        ctx.meta = (a.shape, dim, keepdim)
        return values if keepdim else np.squeeze(values, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        (idx,) = ctx.saved_tensors
        shape, dim, keepdim = ctx.meta
        if not keepdim:
            grad = np.expand_dims(grad, dim)
        out = np.zeros(shape, dtype=grad.dtype)
        np.put_along_axis(out, idx, grad, axis=dim)
        return out, None, None, None

    def name(self):
        return "MaxBackward0"

    __slots__ = ("meta",)


def _reduce_dim(input, dim, keepdim, minimum):
    """(values, indices) of the max (or min) along ``dim``; the first index wins ties."""
    find = np.argmin if minimum else np.argmax
    idx = find(input._data, axis=dim, keepdims=True)
    values = MaxDim.apply(input, idx, dim, keepdim)
    return values, _wrap(idx if keepdim else np.squeeze(idx, axis=dim))


_MaxResult = collections.namedtuple("max", ["values", "indices"])
_MinResult = collections.namedtuple("min", ["values", "indices"])


def _result_repr(self):
    return f"minigrad.return_types.{type(self).__name__}(\nvalues={self.values!r},\nindices={self.indices!r})"


_MaxResult.__repr__ = _MinResult.__repr__ = _result_repr


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
    return Sum.apply(input, axes, keepdim, np_dtype)


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
    return Mean.apply(input, axes, keepdim)


_TYPE_NAME = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _max_or_min(input, dim, keepdim, other, minimum):
    name = "min" if minimum else "max"
    if isinstance(dim, Tensor):  # max(input, other): elementwise
        other, dim = dim, None
    if other is not None:
        from .arithmetic import maximum, minimum as _minimum

        return _minimum(input, other) if minimum else maximum(input, other)
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return AllMax.apply(input, minimum)
    dim = canonical_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        return (_MinResult if minimum else _MaxResult)(input.clone(), _wrap(np.zeros((), np.int64)))
    if input._data.shape[dim] == 0:
        raise IndexError(
            f"{name}(): Expected reduction dim {dim} to have non-zero size."
        )
    return (_MinResult if minimum else _MaxResult)(*_reduce_dim(input, dim, keepdim, minimum))


def max(input, dim=None, keepdim=False, *, other=None):  # noqa: A001
    """The maximum of ``input``, in three forms:

    * ``max(input)``: the largest element (NaN if there is one); tied maxima share the gradient.
    * ``max(input, dim, keepdim=False)``: a namedtuple ``(values, indices)`` of the maxima along
      ``dim`` and their positions (the first one at ties); the gradient goes to those positions.
    * ``max(input, other)``: the elementwise ``maximum``.

    Example::

        >>> x = minigrad.tensor([[1., 5.], [4., 2.]])
        >>> x.max()
        tensor(5.)
        >>> minigrad.max(x, dim=1)
        minigrad.return_types.max(
        values=tensor([5., 4.]),
        indices=tensor([1, 0]))
        >>> x.max(0, keepdim=True).values
        tensor([[4., 5.]])
    """
    return _max_or_min(input, dim, keepdim, other, minimum=False)


def min(input, dim=None, keepdim=False, *, other=None):  # noqa: A001
    """The minimum of ``input``: ``min(input)`` (the smallest element), ``min(input, dim,
    keepdim=False)`` (a namedtuple ``(values, indices)`` along ``dim``) or ``min(input, other)``
    (the elementwise ``minimum``); see ``max``.

    Example::

        >>> x = minigrad.tensor([[1., 5.], [4., 2.]])
        >>> x.min()
        tensor(1.)
        >>> x.min(dim=0).indices
        tensor([0, 1])
    """
    return _max_or_min(input, dim, keepdim, other, minimum=True)


class AMax(Op):
    """amax/amin over some dims; the gradient is shared evenly among tied maxima (PyTorch's rule
    for amax, unlike max(dim), which picks one index)."""

    @staticmethod
    def forward(ctx, a, axes, keepdim, minimum):
        out = (np.amin if minimum else np.amax)(a, axis=axes, keepdims=True)
        ctx.save_for_backward(a, out)
        ctx.meta = (axes, keepdim)
        return out if keepdim else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        axes, keepdim = ctx.meta
        if not keepdim:
            grad = np.expand_dims(grad, axes)
        # PyTorch's amax backward: grad / count over the elements equal to the result (a NaN
        # result equals nothing, so its row gets NaN, as in PyTorch)
        winners = a == out
        count = winners.sum(axis=axes, keepdims=True)
        return grad * winners / count, None, None, None

    def name(self):
        return "AmaxBackward0"

    __slots__ = ("meta",)


def _amax(input, dim, keepdim, minimum):
    nd = input._data.ndim
    axes = canonical_dims(None if dim == () else dim, nd)
    name = "amin" if minimum else "amax"
    if input._data.size == 0 and (dim == () or dim is None):
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument."
        )
    for ax in axes:
        if input._data.shape[ax] == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim {ax} to have non-zero size."
            )
    return AMax.apply(input, axes, keepdim, minimum)


def amax(input, dim=(), keepdim=False):
    """The maxima of ``input`` over ``dim`` (int or tuple; all dimensions if empty), without indices.
    Unlike ``max(dim)``, tied maxima share the gradient evenly.

    Example::

        >>> x = minigrad.tensor([[1., 5.], [4., 2.]])
        >>> minigrad.amax(x, dim=0)
        tensor([4., 5.])
        >>> x.amax()
        tensor(5.)
    """
    return _amax(input, dim, keepdim, False)


def amin(input, dim=(), keepdim=False):
    """The minima of ``input`` over ``dim`` (int or tuple; all dimensions if empty), without indices;
    tied minima share the gradient evenly (see ``amax``).

    Example::

        >>> minigrad.tensor([[1., 5.], [4., 2.]]).amin(1)
        tensor([1., 2.])
    """
    return _amax(input, dim, keepdim, True)


def _arg_reduce(find, name, input, dim, keepdim):
    a = input._data
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = find(a)
        return _wrap(np.asarray(r).reshape((1,) * a.ndim if keepdim else ()))
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _wrap(np.zeros((), np.int64))
    if a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return _wrap(find(a, axis=d, keepdims=keepdim))


def argmax(input, dim=None, keepdim=False):
    """The index of the largest element of ``input`` (of the flattened tensor if ``dim`` is None), or
    the indices of the maxima along ``dim``; the first one wins ties. An int64 tensor, without
    gradient.

    Example::

        >>> x = minigrad.tensor([[1., 5.], [4., 2.]])
        >>> x.argmax()
        tensor(1)
        >>> minigrad.argmax(x, dim=0)
        tensor([1, 0])
    """
    return _arg_reduce(np.argmax, "argmax", input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """The index of the smallest element of ``input`` (of the flattened tensor if ``dim`` is None), or
    the indices of the minima along ``dim`` (see ``argmax``).

    Example::

        >>> minigrad.tensor([[1., 5.], [4., 2.]]).argmin(dim=1)
        tensor([0, 1])
    """
    return _arg_reduce(np.argmin, "argmin", input, dim, keepdim)


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
    if correction is None:
        correction = 0 if unbiased is False else 1
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
    return StdSqrt.apply(var(input, dim, unbiased, keepdim, correction=correction))


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


# ------------------------------------------------------------------ cumulative sum
class CumSum(Op):
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


# ------------------------------------------------------------------ norms
class VectorNorm(Op):
    """The ``ord``-norm over ``axes``: (sum |x|^ord)^(1/ord), max |x| (inf), min |x| (-inf),
    or the number of non-zero elements (0). The backward follows PyTorch's ``norm_backward``:
    a zero norm gets a zero gradient (not 0/0), and the inf-norms share it among ties."""

    @staticmethod
    def forward(ctx, a, ord, axes, keepdim):
        absa = np.abs(a)
        if ord == 2:
            out = np.sqrt(np.add.reduce(a * a, axis=axes, keepdims=True))
        elif ord == 1:
            out = np.add.reduce(absa, axis=axes, keepdims=True)
        elif ord == np.inf:
            out = np.maximum.reduce(absa, axis=axes, keepdims=True)
        elif ord == -np.inf:
            out = np.minimum.reduce(absa, axis=axes, keepdims=True)
        elif ord == 0:
            out = np.add.reduce((a != 0).astype(a.dtype), axis=axes, keepdims=True)
        else:
            out = np.power(np.add.reduce(np.power(absa, ord), axis=axes, keepdims=True), 1.0 / ord)
        out = np.asarray(out, dtype=a.dtype)
        ctx.save_for_backward(a, out)
        ctx.meta = (ord, axes, keepdim)
        return out if keepdim else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        a, norm = ctx.saved_tensors
        ord, axes, keepdim = ctx.meta
        if not keepdim:
            grad = np.expand_dims(grad, axes)
        if ord == 0:
            return np.zeros(a.shape, grad.dtype), None, None, None
        sign = np.sign(a)
        with np.errstate(all="ignore"):
            if ord == 2:
                g = a * np.where(norm == 0, 0, grad / norm)
            elif ord == 1:
                g = sign * grad
            elif np.isinf(ord):
                winners = (np.abs(a) == norm) | np.isnan(a)
                g = sign * (grad / winners.sum(axis=axes, keepdims=True)) * winners
            elif ord < 1:
                scaled = np.where(a == 0, 0, sign * np.power(np.abs(a), ord - 1))
                g = scaled * grad * np.power(norm, 1 - ord)
            elif ord < 2:
                scaled = sign * np.power(np.abs(a), ord - 1)
                g = scaled * np.where(norm == 0, 0, grad / np.power(norm, ord - 1))
            else:
                scaled = a * np.power(np.abs(a), ord - 2)
                g = scaled * np.where(norm == 0, 0, grad / np.power(norm, ord - 1))
        return np.asarray(g, dtype=a.dtype), None, None, None

    def name(self):
        return "LinalgVectorNormBackward0"

    __slots__ = ("meta",)


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The vector norm of ``input`` (all elements, or along ``dim``), as
    ``torch.linalg.vector_norm``: ``ord`` is 2 (Euclidean), 1, ``inf`` (largest absolute value),
    ``-inf`` (smallest), 0 (number of non-zero elements) or any other real p,
    ``(sum |x|^p)^(1/p)``. ``input`` must be floating point; with ``dtype`` it is converted first.

    Example::

        >>> x = minigrad.tensor([[3., -4.], [0., 1.]])
        >>> minigrad.linalg.vector_norm(x)
        tensor(5.0990)
        >>> minigrad.linalg.vector_norm(x, ord=1, dim=1)
        tensor([7., 1.])
    """
    from .._dtype import scalar_type_name

    if isinstance(ord, str) or isinstance(ord, bool) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}")
    if input._data.dtype.kind != "f":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_type_name(input._data.dtype)}")
    if dtype is not None:
        input = input.to(dtype)
    ord = float(ord)
    axes = canonical_dims(dim, input._data.ndim)
    if ord < 0 or np.isinf(ord):
        shape = input._data.shape
        name = "inf" if ord == np.inf else "-inf" if ord == -np.inf else f"{ord:g}"
        if input._data.size == 0 and dim is None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {name} norm on an empty tensor "
                               "because the operation does not have an identity")
        for ax in axes:
            if shape[ax] == 0:  # (PyTorch's message lacks the space before "because")
                raise RuntimeError(f"linalg.vector_norm cannot compute the {name} norm on the dimension "
                                   f"{ax}because this dimension is empty and the operation does not "
                                   "have an identity")
    return VectorNorm.apply(input, ord, axes, keepdim)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The norm of ``input`` (all elements, or over ``dim``), as ``torch.norm``.

    ``p="fro"`` (the default) and ``p=2`` give the Euclidean norm, sqrt(sum x^2), of the
    elements; any other number p the vector p-norm (see ``minigrad.linalg.vector_norm``:
    1, ``inf``, ``-inf``, 0 ...). The matrix norm ``p="nuc"`` is not supported. The gradient at a
    zero norm is zero, as in PyTorch.

    Args:
        p (float or "fro"): the order of the norm.
        dim (int or tuple of ints, optional): the dimensions to reduce (default: all).
        keepdim (bool): keep the reduced dimensions, with size 1.
        dtype (minigrad.dtype, optional): convert ``input`` to this dtype first.

    Example::

        >>> x = minigrad.tensor([[3., 4.], [6., 8.]])
        >>> x.norm()
        tensor(11.1803)
        >>> x.norm(dim=1)
        tensor([ 5., 10.])
        >>> x.norm(p=1, dim=0, keepdim=True)
        tensor([[ 9., 12.]])
    """
    if isinstance(p, str):
        if p != "fro":
            if p == "nuc":
                raise NotImplementedError("minigrad does not support the nuclear norm (p='nuc')")
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        p = 2
    return vector_norm(input, p, dim, keepdim, dtype=dtype)
