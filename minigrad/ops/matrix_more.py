"""Matrix helpers and more views: diagonal, diag, trace, outer/ger, inner, tensordot, kron,
addmm/addmv/baddbmm/addbmm, swapaxes/swapdims, ravel, fliplr/flipud, rot90, select, take,
tensor_split/hsplit/vsplit/dsplit, diff, meshgrid, tril_indices/triu_indices, argwhere, isin.

They are compositions of other ops (einsum, indexing, matmul ...), so their gradients come from
those.
"""
import numbers

import numpy as np

from ..tensor import Tensor, _wrap
from ._util import canonical_dim
from .einsum import einsum
from .indexing import getitem
from .linalg import bmm, mm, mv
from .shape import cat, flip, permute, reshape, transpose
from .shape_more import movedim

__all__ = ["diagonal", "diag", "trace", "outer", "ger", "inner", "tensordot", "kron", "addmm",
           "addmv", "baddbmm", "addbmm", "swapaxes", "swapdims", "ravel", "fliplr", "flipud",
           "rot90", "select", "take", "tensor_split", "hsplit", "vsplit", "dsplit", "diff",
           "meshgrid", "tril_indices", "triu_indices", "argwhere", "isin"]


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of ``input`` in the plane of ``dim1`` and ``dim2`` (``offset`` > 0: above the
    main diagonal), as the last dimension of the result.

    Example::

        >>> minigrad.diagonal(minigrad.tensor([[1, 2], [3, 4]]))
        tensor([1, 4])
        >>> minigrad.arange(6).reshape(2, 3).diagonal(1)
        tensor([1, 5])
    """
    nd = input._data.ndim
    d1, d2 = canonical_dim(dim1, nd), canonical_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    x = movedim(input, (d1, d2), (-2, -1))
    if offset >= 0:
        x = getitem(x, (Ellipsis, slice(None), slice(offset, None)))
    else:
        x = getitem(x, (Ellipsis, slice(-offset, None), slice(None)))
    n = min(x._data.shape[-2], x._data.shape[-1])
    x = getitem(x, (Ellipsis, slice(0, n), slice(0, n)))
    return einsum("...ii->...i", x)


def diag(input, diagonal=0):
    """For a 1-d ``input``, the square matrix with ``input`` on its ``diagonal``-th diagonal;
    for a 2-d ``input``, that diagonal as a 1-d tensor.

    Example::

        >>> minigrad.diag(minigrad.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
    """
    nd = input._data.ndim
    if nd == 2:
        return globals()["diagonal"](input, diagonal)
    if nd != 1:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
    n = input._data.shape[0]
    size = n + abs(diagonal)
    eye = np.zeros((n, size, size), dtype=input._data.dtype)
    rows = np.arange(n) + max(-diagonal, 0)
    cols = np.arange(n) + max(diagonal, 0)
    eye[np.arange(n), rows, cols] = 1
    return einsum("i,ijk->jk", input, _wrap(eye))


def trace(input):
    """The sum of the main diagonal of a 2-d ``input``.

    Example::

        >>> minigrad.trace(minigrad.tensor([[1., 2.], [3., 4.]]))
        tensor(5.)
    """
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    out = diagonal(input).sum()
    return out


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


def _scaled_sum(input, product, beta, alpha):
    if alpha != 1:
        product = product * alpha
    if beta == 0:  # PyTorch ignores input's values (even NaN/inf) when beta is 0
        from .arithmetic import where

        input = where(_wrap(np.zeros(input._data.shape, bool)), input, 0)
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


def swapaxes(input, axis0, axis1):
    """Alias of ``transpose``.

    Example::

        >>> minigrad.swapaxes(minigrad.zeros(2, 3), 0, 1).shape
        minigrad.Size([3, 2])
    """
    return transpose(input, axis0, axis1)


swapdims = swapaxes


def ravel(input):
    """``input`` flattened to 1-d (a view when possible).

    Example::

        >>> minigrad.tensor([[1, 2], [3, 4]]).ravel()
        tensor([1, 2, 3, 4])
    """
    return reshape(input, (-1,))


def fliplr(input):
    """``input`` with its columns (dim 1) in reverse order.

    Example::

        >>> minigrad.fliplr(minigrad.tensor([[1, 2], [3, 4]]))
        tensor([[2, 1],
                [4, 3]])
    """
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    """``input`` with its rows (dim 0) in reverse order.

    Example::

        >>> minigrad.flipud(minigrad.tensor([1, 2]))
        tensor([2, 1])
    """
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def rot90(input, k=1, dims=(0, 1)):
    """``input`` rotated by 90 degrees ``k`` times, from ``dims[0]`` towards ``dims[1]``.

    Example::

        >>> minigrad.rot90(minigrad.tensor([[1, 2], [3, 4]]))
        tensor([[2, 4],
                [1, 3]])
    """
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = canonical_dim(dims[0], nd), canonical_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return transpose(flip(input, d1), d0, d1)
    if k == 2:
        return flip(input, d0, d1)
    if k == 3:
        return flip(transpose(input, d0, d1), d1)
    return input.clone()


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


def take(input, index):
    """The elements of ``input`` (read as 1-d) at ``index``; the result has ``index``'s shape.

    Example::

        >>> minigrad.take(minigrad.tensor([[1, 2], [3, 4]]), minigrad.tensor([0, 3]))
        tensor([1, 4])
    """
    n = input._data.size
    idx = index._data
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(idx[bad].flat[0])} on a "
                         f"tensor of {n} elements.")
    return getitem(reshape(input, (-1,)), _wrap(np.where(idx < 0, idx + n, idx).astype(np.int64)))


def tensor_split(input, indices_or_sections, dim=0):
    """``input`` split along ``dim`` into ``n`` nearly equal parts (the first ones one larger),
    or at the given indices. The parts are views.

    Example::

        >>> minigrad.tensor_split(minigrad.arange(7), 3)
        (tensor([0, 1, 2]), tensor([3, 4]), tensor([5, 6]))
    """
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


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim`` (``out[i] = x[i + 1] - x[i]``), after
    joining ``prepend`` and ``append``. Bool tensors give XOR, as in PyTorch.

    Example::

        >>> minigrad.diff(minigrad.tensor([1, 3, 6, 10]))
        tensor([2, 3, 4])
    """
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = canonical_dim(dim, input._data.ndim)
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, d) if len(parts) > 1 else input
    lead = (slice(None),) * d
    for _ in range(n):
        hi, lo = getitem(x, lead + (slice(1, None),)), getitem(x, lead + (slice(None, -1),))
        x = hi ^ lo if x._data.dtype == np.bool_ else hi - lo
    return x


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-d tensors: with ``indexing="ij"`` the i-th result varies along
    dim i; ``"xy"`` swaps the first two dimensions (as numpy's default).

    Example::

        >>> x, y = minigrad.meshgrid(minigrad.tensor([1, 2]), minigrad.tensor([3, 4, 5]), indexing="ij")
        >>> x.shape
        minigrad.Size([2, 3])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f"{indexing}".replace("torch.", "minigrad."))
    from .shape import expand

    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t._data.size for t in ts)
    grids = []
    for i, t in enumerate(ts):
        view = [1] * len(ts)
        view[i] = -1
        grids.append(expand(reshape(t, tuple(view)), shape))
    if swap:  # "xy": the first two inputs' roles are exchanged, the outputs keep their order
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def _triangle_indices(row, col, offset, lower):
    r, c = np.indices((row, col)) if row and col else (np.zeros((0, 0), int),) * 2
    keep = (c - r <= offset) if lower else (c - r >= offset)
    return _wrap(np.stack([r[keep], c[keep]]).astype(np.int64).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) indices of the lower triangle of a ``row`` x ``col`` matrix, as a
    2 x N tensor (``offset`` shifts the diagonal).

    Example::

        >>> minigrad.tril_indices(3, 3, -1)
        tensor([[1, 2, 2],
                [0, 0, 1]])
    """
    out = _triangle_indices(row, col, offset, True)
    return out if dtype is None else out.to(dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) indices of the upper triangle of a ``row`` x ``col`` matrix, as a
    2 x N tensor.

    Example::

        >>> minigrad.triu_indices(2, 2)
        tensor([[0, 0, 1],
                [0, 1, 1]])
    """
    out = _triangle_indices(row, col, offset, False)
    return out if dtype is None else out.to(dtype)


def argwhere(input):
    """The indices of the non-zero elements of ``input``, one row each (``nonzero``).

    Example::

        >>> minigrad.argwhere(minigrad.tensor([[0, 1], [1, 0]]))
        tensor([[0, 1],
                [1, 0]])
    """
    return _wrap(np.argwhere(input._data).astype(np.int64))


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A bool tensor, True where an element of ``elements`` occurs in ``test_elements``
    (either may be a number).

    Example::

        >>> minigrad.isin(minigrad.tensor([1, 2, 3]), minigrad.tensor([2, 5]))
        tensor([False,  True, False])
    """
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _wrap(np.isin(a, b, invert=invert))


METHODS = {
    "diagonal": diagonal, "diag": diag, "trace": trace, "outer": outer, "ger": ger,
    "inner": inner, "kron": kron, "addmm": addmm, "addmv": addmv, "baddbmm": baddbmm,
    "addbmm": addbmm, "swapdims": swapdims, "ravel": ravel, "fliplr": fliplr, "flipud": flipud,
    "rot90": rot90, "select": select, "take": take, "tensor_split": tensor_split,
    "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit, "diff": diff, "argwhere": argwhere,
}
