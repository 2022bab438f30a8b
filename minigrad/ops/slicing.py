"""Views of parts of a tensor: ``narrow``, ``select``, ``Tensor.unfold`` (sliding windows),
``split``, ``chunk``, ``unbind``, ``tensor_split`` and ``hsplit``/``vsplit``/``dsplit``.
"""
import numbers

import numpy as np

from ..tensor import Tensor, _wrap
from ._util import canonical_dim
from .index_rows import index_select
from .indexing import getitem
from .shape import reshape
from .permutation import movedim

__all__ = ["narrow", "select", "split", "split_with_sizes", "chunk", "unbind", "tensor_split", "hsplit", "vsplit",
           "dsplit"]


def narrow(input, dim, start, length):
    """The view of ``input`` of ``length`` elements along ``dim`` from ``start`` (negative
    ``start`` counts from the end).

    Example::

        >>> minigrad.arange(6).reshape(2, 3).narrow(1, 1, 2)
        tensor([[1, 2],
                [4, 5]])
    """
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = canonical_dim(dim, input._data.ndim)
    if isinstance(start, Tensor):
        start = int(start.item())
    size = input._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but "
                         f"got {start})")
    if start < 0:
        start += size
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def select(input, dim, index):
    """The slice of ``input`` at ``index`` along ``dim`` (that dimension removed), a view.

    Example::

        >>> minigrad.tensor([[1, 2], [3, 4]]).select(1, 0)
        tensor([1, 3])
    """
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = canonical_dim(dim, nd)
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input._data.shape)} at dimension {d}")
    return getitem(input, (slice(None),) * d + (index,))


def unfold(self, dimension, size, step):
    """``x.unfold(dimension, size, step)``: all windows of ``size`` elements along ``dimension``,
    ``step`` apart, as a new last dimension. (A copy in minigrad; PyTorch returns a view.)

    Example::

        >>> minigrad.arange(7.).unfold(0, 3, 2)
        tensor([[0., 1., 2.],
                [2., 3., 4.],
                [4., 5., 6.]])
    """
    nd = self._data.ndim
    d = canonical_dim(dimension, nd)
    length = self._data.shape[d] if nd else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    x = reshape(self, (1,)) if nd == 0 else self
    n = (length - size) // step + 1
    idx = (np.arange(n)[:, None] * step + np.arange(size)).reshape(-1)
    picked = index_select(x, d, _wrap(idx.astype(np.int64)))
    shape = list(x._data.shape)
    shape[d:d + 1] = [n, size]
    out = movedim(reshape(picked, shape), d + 1, -1)
    return reshape(out, (size,)) if nd == 0 else out


def split_with_sizes(input, split_sizes, dim=0):
    """``input`` split along ``dim`` into pieces of the sizes in ``split_sizes`` (which must sum
    to the dimension's size): ``split`` with a list. The pieces are views.

    Example::

        >>> minigrad.arange(5).split_with_sizes([2, 3])
        (tensor([0, 1]), tensor([2, 3, 4]))
    """
    if isinstance(split_sizes, numbers.Integral) or not hasattr(split_sizes, "__iter__"):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 2) must be tuple "
                        f"of ints, not {type(split_sizes).__name__}")
    return split(input, [int(s) for s in split_sizes], dim)


def split(input, split_size_or_sections, dim=0):
    """Splits ``input`` into pieces along ``dim``: of ``split_size_or_sections`` elements each (the last
    one may be smaller), or of the sizes in a list. The pieces are views.

    Example::

        >>> x = minigrad.arange(5)
        >>> x.split(2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> minigrad.split(x, [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    if input._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = canonical_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if isinstance(split_size_or_sections, numbers.Integral):
        step = int(split_size_or_sections)
        if step <= 0 and n > 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [min(step, n - i) for i in range(0, n, step)] if n else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                f"dimension {d}), but got split_sizes={sizes}"
            )
    pieces, start = [], 0
    index = [slice(None)] * input._data.ndim
    for s in sizes:
        index[d] = slice(start, start + s)
        pieces.append(input[tuple(index)])
        start += s
    return tuple(pieces)


def chunk(input, chunks, dim=0):
    """Splits ``input`` into ``chunks`` pieces of (nearly) equal size along ``dim``; there may be fewer
    pieces if the size does not allow that many. The pieces are views.

    Example::

        >>> minigrad.arange(5).chunk(3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: %d" % chunks)
    n = input._data.shape[canonical_dim(dim, input._data.ndim)]
    if n == 0:  # as PyTorch: `chunks` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, max(-(-n // chunks), 1), dim)


def unbind(input, dim=0):
    """Removes dimension ``dim``: the tuple of all the slices along it (views).

    Example::

        >>> minigrad.tensor([[1, 2], [3, 4]]).unbind(1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    d = canonical_dim(dim, input._data.ndim)
    index = [slice(None)] * input._data.ndim
    out = []
    for i in range(input._data.shape[d]):
        index[d] = i
        out.append(input[tuple(index)])
    return tuple(out)


def tensor_split(input, indices_or_sections, dim=0):
    """``input`` split along ``dim`` into ``n`` nearly equal parts (the first ones one larger),
    or at the given indices. The parts are views.

    Example::

        >>> minigrad.tensor_split(minigrad.arange(7), 3)
        (tensor([0, 1, 2]), tensor([3, 4]), tensor([5, 6]))
    """
    if input._data.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = canonical_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = (indices_or_sections.tolist() if indices_or_sections._data.ndim
                               else int(indices_or_sections.item()))
    if isinstance(indices_or_sections, numbers.Integral):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        bounds = np.cumsum([q + 1] * r + [q] * (n - r))[:-1].tolist()
    else:
        bounds = list(indices_or_sections)
    edges = [0] + [min(max(b if b >= 0 else b + size, 0), size) for b in bounds] + [size]
    lead = (slice(None),) * d
    return tuple(getitem(input, lead + (slice(s, max(s, e)),)) for s, e in zip(edges, edges[1:]))


def _split_along(name, input, sections, dim, need):
    if input._data.ndim < need:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {need} dimension, but "
                           f"got a tensor with {input._data.ndim} dimensions!"
                           .replace("torch.", "minigrad."))
    if isinstance(sections, numbers.Integral):
        size = input._data.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the "
                               f"size of the dimension {size} is not divisible by the split_size "
                               f"{sections}!".replace("torch.", "minigrad."))
    return tensor_split(input, sections, dim)


def hsplit(input, sections):
    """``tensor_split`` along dim 1 (dim 0 for 1-d tensors); an int must divide the size.

    Example::

        >>> minigrad.hsplit(minigrad.arange(4), 2)
        (tensor([0, 1]), tensor([2, 3]))
    """
    return _split_along("hsplit", input, sections, 0 if input._data.ndim == 1 else 1, 1)


def vsplit(input, sections):
    """``tensor_split`` along dim 0 of a tensor with at least 2 dimensions.

    Example::

        >>> [p.shape for p in minigrad.vsplit(minigrad.zeros(4, 2), 2)]
        [minigrad.Size([2, 2]), minigrad.Size([2, 2])]
    """
    return _split_along("vsplit", input, sections, 0, 2)


def dsplit(input, sections):
    """``tensor_split`` along dim 2 of a tensor with at least 3 dimensions.

    Example::

        >>> [p.shape for p in minigrad.dsplit(minigrad.zeros(1, 1, 4), 2)]
        [minigrad.Size([1, 1, 2]), minigrad.Size([1, 1, 2])]
    """
    return _split_along("dsplit", input, sections, 2, 3)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"narrow": narrow, "select": select, "unfold": unfold, "split": split,
           "split_with_sizes": split_with_sizes, "chunk": chunk,
           "unbind": unbind, "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit,
           "dsplit": dsplit}
