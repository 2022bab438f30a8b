"""Reshaping: ``reshape``/``view``, ``flatten``/``unflatten``/``ravel``, ``squeeze``/``unsqueeze``,
``atleast_1d``/``2d``/``3d``.

They return views that share memory with their input where the layout allows (as in PyTorch);
their backward only reshapes the gradient back to the input's shape.
"""
import numbers

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import canonical_dim, canonical_dims, tensor_varargs
from .conversion import view_as_dtype

__all__ = ["reshape", "flatten", "unflatten", "ravel", "squeeze", "unsqueeze", "atleast_1d",
           "atleast_2d", "atleast_3d"]


def _keyword_sizes(args, kwargs, name, fn):
    """Sizes given positionally, or as torch's keyword (``x.reshape(shape=(2, 3))``)."""
    if not kwargs:
        return args
    unknown = sorted(set(kwargs) - {name})
    if unknown or args:
        raise TypeError(f"{fn}() got an unexpected keyword argument '{unknown[0] if unknown else name}'")
    return (kwargs[name],)


def parse_shape(args):
    """Shape arguments given as ``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])``, as a tuple of ints."""
    if len(args) == 1 and not isinstance(args[0], numbers.Integral):
        args = args[0]
    shape = []
    for s in args:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, numbers.Integral) or isinstance(s, bool):
            raise TypeError(f"shape must be a sequence of ints, but got an element of type {type(s).__name__}")
        shape.append(int(s))
    return tuple(shape)


def infer_shape(shape, numel):
    """Replace a -1 in ``shape`` by the size that makes ``numel`` elements (PyTorch's errors)."""
    shape = list(shape)
    unknown = None
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if unknown is not None:
                raise RuntimeError("only one dimension can be inferred")
            unknown = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {shape}")
        else:
            known *= s
    if unknown is not None:
        if known == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {shape} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous"
                )
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        if numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[unknown] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


class Reshape(Op):
    @staticmethod
    def forward(ctx, a, shape, must_view, kind=None):
        ctx.in_shape = (a.shape, kind)
        if must_view:
            try:
                return np.reshape(a, shape, copy=False)
            except ValueError:
                raise RuntimeError(
                    "view size is not compatible with input tensor's size and stride (at least one "
                    "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
                ) from None
        return np.reshape(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape[0]), None, None, None

    def name(self):  # squeeze/unsqueeze are views too, named apart in PyTorch's graph
        return self.in_shape[1] or "ViewBackward0"

    __slots__ = ("in_shape",)


def reshape(input, *shape, **kwargs):
    """The same elements in a new shape: a view of ``input`` when the memory layout allows it, else a
    copy. One size may be -1 (inferred from the others). Sizes may be given as ints or as one
    tuple/list.

    Example::

        >>> x = minigrad.arange(6)
        >>> x.reshape(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> minigrad.reshape(x, (-1, 2)).shape
        minigrad.Size([3, 2])
    """
    shape = _keyword_sizes(shape, kwargs, "shape", "reshape")
    shape = infer_shape(parse_shape(shape), input._data.size)
    if shape == input._data.shape:
        return Reshape.apply(input, shape, True)
    return Reshape.apply(input, shape, False)


def view(input, *shape, **kwargs):
    """A view of ``input`` (sharing its memory) with a new shape, like ``reshape`` but an error when
    the memory layout does not allow a view (e.g. after ``t()``: use ``reshape``). ``x.view(dtype)``
    reinterprets the same bytes as another dtype.

    Example::

        >>> x = minigrad.arange(6.)
        >>> y = x.view(3, 2)
        >>> y[0, 0] = 100.
        >>> x
        tensor([100.,   1.,   2.,   3.,   4.,   5.])
    """
    if not shape and set(kwargs) == {"dtype"}:
        return view_as_dtype(input, kwargs["dtype"])
    shape = _keyword_sizes(shape, kwargs, "size", "view")
    if len(shape) == 1 and not isinstance(shape[0], (numbers.Integral, tuple, list, Tensor)):
        return view_as_dtype(input, shape[0])
    shape = infer_shape(parse_shape(shape), input._data.size)
    return Reshape.apply(input, shape, True)


def flatten(input, start_dim=0, end_dim=-1):
    """Flattens the dimensions ``start_dim`` to ``end_dim`` (all, by default) into one; a 0-d tensor
    becomes 1-d. A view when possible.

    Example::

        >>> x = minigrad.zeros(2, 3, 4)
        >>> x.flatten().shape
        minigrad.Size([24])
        >>> minigrad.flatten(x, start_dim=1).shape
        minigrad.Size([2, 12])
    """
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, 1)
    s = canonical_dim(start_dim, nd)
    e = canonical_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input._data.shape
    return reshape(input, shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Expands dimension ``dim`` of ``input`` into ``sizes`` (whose product must be its size; one entry
    may be -1).

    Example::

        >>> minigrad.zeros(2, 12).unflatten(1, (3, -1)).shape
        minigrad.Size([2, 3, 4])
    """
    nd = input._data.ndim
    d = canonical_dim(dim, nd)
    shape = input._data.shape
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = infer_shape(sizes, shape[d])
    except RuntimeError as exc:
        if "only one dimension" in str(exc) or "invalid shape dimension" in str(exc):
            raise
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({shape[d]}) in the input tensor"
        ) from None
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def ravel(input):
    """``input`` flattened to 1-d and contiguous: a view of a contiguous ``input``, else a copy
    (as PyTorch's; ``reshape`` may return a strided view).

    Example::

        >>> minigrad.tensor([[1, 2], [3, 4]]).ravel()
        tensor([1, 2, 3, 4])
    """
    return reshape(input if input._data.flags.c_contiguous else input.clone(), (-1,))


def squeeze(input, dim=None):
    """Removes dimensions of size 1: all of them, or those among ``dim`` (an int or a tuple) that have
    size 1. A view of ``input``.

    Example::

        >>> x = minigrad.zeros(2, 1, 3, 1)
        >>> x.squeeze().shape
        minigrad.Size([2, 3])
        >>> minigrad.squeeze(x, 1).shape
        minigrad.Size([2, 3, 1])
    """
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    elif not isinstance(dim, numbers.Integral) and len(dim) == 0:
        new = shape  # squeeze(()) squeezes nothing (unlike a reduction's dim=())
    else:
        dims = canonical_dims(dim, input._data.ndim)
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    kind = ("SqueezeBackward0" if dim is None else
            "SqueezeBackward1" if isinstance(dim, numbers.Integral) else "SqueezeBackward2")
    return Reshape.apply(input, new, True, kind)


def unsqueeze(input, dim):
    """Inserts a dimension of size 1 at position ``dim`` (in ``[-ndim-1, ndim]``; negative counts from
    the end). A view of ``input``.

    Example::

        >>> x = minigrad.tensor([1, 2, 3])
        >>> x.unsqueeze(0)
        tensor([[1, 2, 3]])
        >>> minigrad.unsqueeze(x, -1).shape
        minigrad.Size([3, 1])
    """
    nd = input._data.ndim
    if not -nd - 1 <= dim <= nd:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd - 1}, {nd}], but got {dim})"
        )
    d = dim % (nd + 1)
    shape = input._data.shape
    return Reshape.apply(input, shape[:d] + (1,) + shape[d:], True, "UnsqueezeBackward0")


def _atleast(n, tensors):
    one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    # a single list or tuple of tensors is unpacked (as PyTorch), not one among others
    seq = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    tensor_varargs(seq)
    out = []
    for t in seq:
        shape = t._data.shape
        if len(shape) < n:
            if n == 3 and len(shape) == 2:
                shape = shape + (1,)
            elif n == 3 and len(shape) == 1:
                shape = (1,) + shape + (1,)
            else:
                shape = (1,) * (n - len(shape)) + shape
            t = reshape(t, shape)
        out.append(t)
    return out[0] if one else tuple(out)


def atleast_1d(*tensors):
    """The tensor(s) viewed with at least one dimension (a 0-d tensor becomes shape (1,)).

    Example::

        >>> minigrad.atleast_1d(minigrad.tensor(5.))
        tensor([5.])
    """
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    """The tensor(s) viewed with at least two dimensions (new leading dimensions of size 1).

    Example::

        >>> minigrad.atleast_2d(minigrad.tensor([1, 2])).shape
        minigrad.Size([1, 2])
    """
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    """The tensor(s) viewed with at least three dimensions (numpy's rule: shape (n,) becomes
    (1, n, 1), (m, n) becomes (m, n, 1)).

    Example::

        >>> minigrad.atleast_3d(minigrad.ones(2, 3)).shape
        minigrad.Size([2, 3, 1])
    """
    return _atleast(3, tensors)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"reshape": reshape, "view": view, "flatten": flatten, "unflatten": unflatten,
           "ravel": ravel, "squeeze": squeeze, "unsqueeze": unsqueeze}
