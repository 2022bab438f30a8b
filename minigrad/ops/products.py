"""Products beyond the matrix product: ``outer``/``ger``, ``inner``, ``vdot``, ``tensordot``,
``kron``, ``cross``, ``vander``, and the scaled sums ``addmm``, ``addmv``, ``addbmm``, ``baddbmm``,
``addr`` (``beta * input + alpha * product``).

They are compositions of other ops (matmul, einsum, broadcasting ...), so their gradients come
from those.
"""
import numbers

import numpy as np

from .._dtype import c_type_name, result_type
from ..autograd.function import Op, broadcast_error
from ..tensor import Tensor, _wrap
from ._util import canonical_dim
from .._deprecation import warn_once
from .arithmetic import _scalar_in, pow as _pow
from .broadcast import expand
from .einsum import einsum
from .joining import stack
from .linalg import bmm, dot, mm, mv
from .masking import where
from .shape import reshape
from .slicing import select
from .permutation import permute

__all__ = ["outer", "ger", "inner", "vdot", "tensordot", "kron", "cross", "vander", "addmm",
           "addmv", "baddbmm", "addbmm", "addr", "bilinear"]


def _vector(t, name, which):
    if t._data.ndim != 1:
        raise RuntimeError(f"{name}: Expected 1-D argument {which}, but got {t._data.ndim}-D")


def outer(input, vec2):
    """The outer product of two 1-d tensors: ``out[i, j] = input[i] * vec2[j]``. ``ger`` is an
    alias.

    Example::

        >>> minigrad.outer(minigrad.tensor([1, 2]), minigrad.tensor([1, 10]))
        tensor([[ 1, 10],
                [ 2, 20]])
    """
    _vector(input, "outer", "self")
    _vector(vec2, "outer", "vec2")
    return reshape(input, (-1, 1)) * vec2


ger = outer


def inner(input, other):
    """The sum of products over the last dimension of both tensors (a number times a tensor for
    0-d input).

    Example::

        >>> minigrad.inner(minigrad.tensor([1., 2.]), minigrad.tensor([3., 4.]))
        tensor(11.)
    """
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    return tensordot(input, other, ([-1], [-1]))


def vdot(input, other):
    """The dot product of two 1-d tensors (real tensors: ``dot``).

    Example::

        >>> minigrad.vdot(minigrad.tensor([1., 2.]), minigrad.tensor([3., 4.]))
        tensor(11.)
    """
    return dot(input, other)


def tensordot(a, b, dims=2):
    """Sums the products of ``a`` and ``b`` over the last ``dims`` dimensions of ``a`` and the
    first ``dims`` of ``b`` (or over the dimension lists ``dims = (dims_a, dims_b)``).

    Example::

        >>> minigrad.tensordot(minigrad.ones(2, 3), minigrad.ones(3, 4), dims=1).shape
        minigrad.Size([2, 4])
    """
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, numbers.Integral):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = [i - dims for i in range(dims)], list(range(dims))  # PyTorch's (for messages)
    elif isinstance(dims, Tensor):
        return tensordot(a, b, dims.tolist() if dims._data.ndim else int(dims.item()))
    else:
        da, db = dims
        da = [da] if isinstance(da, numbers.Integral) else list(da)
        db = [db] if isinstance(db, numbers.Integral) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    raw = list(zip(da, db))  # the dims as given name them in the message
    da = [canonical_dim(d, na) for d in da]
    db = [canonical_dim(d, nb) for d in db]
    for (x, y), (rx, ry) in zip(zip(da, db), raw):
        if a._data.shape[x] != b._data.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a._data.shape[x]} in dim {rx} and second has size "
                               f"{b._data.shape[y]} in dim {ry}")
    free_a = [d for d in range(na) if d not in da]
    free_b = [d for d in range(nb) if d not in db]
    k = int(np.prod([a._data.shape[d] for d in da]))
    left = reshape(permute(a, free_a + da), (-1, k))
    right = reshape(permute(b, db + free_b), (k, -1))
    shape = [a._data.shape[d] for d in free_a] + [b._data.shape[d] for d in free_b]
    return reshape(mm(left, right), shape)


def kron(input, other):
    """The Kronecker product: every element of ``input`` times the whole of ``other``.

    Example::

        >>> minigrad.kron(minigrad.tensor([1, 2]), minigrad.tensor([1, 10]))
        tensor([ 1, 10,  2, 20])
    """
    nd = max(input._data.ndim, other._data.ndim)
    a = reshape(input, (1,) * (nd - input._data.ndim) + input._data.shape)
    b = reshape(other, (1,) * (nd - other._data.ndim) + other._data.shape)
    # a[i] * b[j] on interleaved axes, then the pairs merged
    a_shape = sum(((s, 1) for s in a._data.shape), ())
    b_shape = sum(((1, s) for s in b._data.shape), ())
    out = reshape(a, a_shape) * reshape(b, b_shape)
    return reshape(out, tuple(x * y for x, y in zip(a._data.shape, b._data.shape)))


def cross(input, other, dim=None):
    """The cross product of 3-vectors along ``dim`` (by default the first dimension of size 3);
    the inputs broadcast.

    Example::

        >>> minigrad.cross(minigrad.tensor([1., 0., 0.]), minigrad.tensor([0., 1., 0.]), dim=0)
        tensor([0., 0., 1.])
    """
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:
        warn_once("Using minigrad.cross without specifying the dim arg is deprecated.\nPlease "
                  "either pass the dim explicitly or simply use minigrad.linalg.cross.\nThe "
                  "default value of dim will change to agree with that of linalg.cross in a "
                  "future release.")
        dim = next((i for i, s in enumerate(np.broadcast_shapes(input._data.shape,
                                                                 other._data.shape)) if s == 3),
                   None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    d = canonical_dim(dim, input._data.ndim)
    if input._data.shape[d] != 3 or other._data.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input._data.shape[d]} and {other._data.shape[d]}")
    err = broadcast_error(input._data.shape, other._data.shape)
    if err is not None:
        raise err
    shape = np.broadcast_shapes(input._data.shape, other._data.shape)
    a, b = expand(input, shape), expand(other, shape)
    a0, a1, a2 = (select(a, d, i) for i in range(3))
    b0, b1, b2 = (select(b, d, i) for i in range(3))
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-d ``x``: columns ``x ** (N-1) ... x ** 0`` (or the other
    way round with ``increasing=True``).

    Example::

        >>> minigrad.vander(minigrad.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x._data.dtype.kind in "b":
        x = x.to(np.int64)
    powers = list(range(n)) if increasing else list(range(n - 1, -1, -1))
    if not powers:
        return _wrap(np.zeros((x._data.shape[0], 0), x._data.dtype))
    # (x ** 0 is a constant column, outside the graph: with N = 1 the result needs no gradient,
    # as in PyTorch)
    ones = _wrap(np.ones(x._data.shape, x._data.dtype))
    return stack([_pow(x, p) if p else ones for p in powers], 1)


class _IgnoredInput(Op):
    """``beta * input`` for beta == 0 as PyTorch computes it: zeros (NaN/inf in ``input`` are
    ignored), but the gradient is ``0 * grad`` (NaN where ``grad`` is NaN or inf)."""

    @staticmethod
    def forward(ctx, a):
        return np.zeros_like(a)

    @staticmethod
    def backward(ctx, grad):
        with np.errstate(invalid="ignore"):
            return grad * np.zeros((), grad.dtype)

    def name(self):
        return "MulBackward0"

    __slots__ = ()


def _scaled_sum(input, product, beta, alpha):
    dtype = result_type(input, product)  # alpha and beta are cast to it (PyTorch)
    alpha, beta = _scalar_in(alpha, dtype), _scalar_in(beta, dtype)
    if alpha != 1:
        product = product * alpha
    if beta == 0:  # PyTorch ignores input's values (even NaN/inf) when beta is 0
        input = _IgnoredInput.apply(input)
    return (input if beta == 1 else input * beta) + product


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)`` (``input`` broadcasts).

    Example::

        >>> minigrad.addmm(minigrad.ones(2, 2), minigrad.ones(2, 3), minigrad.ones(3, 2), beta=0.5)
        tensor([[3.5000, 3.5000],
                [3.5000, 3.5000]])
    """
    return _scaled_sum(input, mm(mat1, mat2), beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``.

    Example::

        >>> minigrad.addmv(minigrad.ones(2), minigrad.ones(2, 3), minigrad.ones(3))
        tensor([4., 4.])
    """
    return _scaled_sum(input, mv(mat, vec), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * bmm(batch1, batch2)``.

    Example::

        >>> minigrad.baddbmm(minigrad.zeros(2, 1, 1), minigrad.ones(2, 1, 3), minigrad.ones(2, 3, 1)).shape
        minigrad.Size([2, 1, 1])
    """
    return _scaled_sum(input, bmm(batch1, batch2), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``.

    Example::

        >>> minigrad.addbmm(minigrad.zeros(1, 1), minigrad.ones(2, 1, 3), minigrad.ones(2, 3, 1))
        tensor([[6.]])
    """
    return _scaled_sum(input, bmm(batch1, batch2).sum(0), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)``.

    Example::

        >>> minigrad.addr(minigrad.zeros(2, 2), minigrad.ones(2), minigrad.ones(2), alpha=2)
        tensor([[2., 2.],
                [2., 2.]])
    """
    return _scaled_sum(input, outer(vec1, vec2), beta, alpha)


def bilinear(input1, input2, weight, bias=None):
    """The bilinear form ``y[..., o] = x1[..., :] @ weight[o] @ x2[..., :] + bias[o]`` (``x1``
    (*, in1), ``x2`` (*, in2) with the same leading dimensions, ``weight`` (out, in1, in2)).

    Example::

        >>> minigrad.bilinear(minigrad.ones(1, 2), minigrad.ones(1, 3), minigrad.ones(4, 2, 3))
        tensor([[6., 6., 6., 6.]])
    """
    a, b, w = input1._data, input2._data, weight._data
    if not a.dtype == b.dtype == w.dtype:
        names = ", ".join(f"{n}: {c_type_name(t._data.dtype)}" for n, t in
                          (("input1", input1), ("input2", input2), ("weight", weight)))
        raise RuntimeError(f"All tensors must have the same dtype, got {names}")
    if a.ndim != b.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {a.ndim} and {b.ndim}")
    for d in range(a.ndim - 1):
        if a.shape[d] != b.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got "
                               f"{a.shape[d]} and {b.shape[d]}")
    if w.ndim < 2 or a.shape[-1] != w.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{a.shape[-1]} but expected {w.shape[1] if w.ndim > 1 else '?'}")
    if w.ndim != 3 or b.shape[-1] != w.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{b.shape[-1]} but expected {w.shape[2] if w.ndim > 2 else '?'}")
    if bias is not None and bias._data.shape[-1:] != w.shape[:1]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias._data.shape[-1]} but expected {w.shape[0]}")
    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"ger": outer, "outer": outer, "inner": inner, "vdot": vdot, "kron": kron, "cross": cross,
           "addmm": addmm, "addmv": addmv, "baddbmm": baddbmm, "addbmm": addbmm, "addr": addr}
