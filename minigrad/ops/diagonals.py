"""Diagonals and triangles of matrices: ``diagonal``, ``diag``, ``diag_embed``, ``diagflat``,
``trace``, ``Tensor.fill_diagonal_``, ``tril``/``triu`` and ``tril_indices``/``triu_indices``.
"""
import numpy as np

from ..autograd.function import Op
from ..autograd.grad_mode import _state
from ..tensor import _wrap
from ._util import canonical_dim
from .einsum import einsum
from .indexing import getitem
from .inplace import apply_inplace
from .masking import where
from .permutation import movedim

__all__ = ["diagonal", "diag", "diag_embed", "diagflat", "trace", "tril", "triu", "tril_indices",
           "triu_indices"]


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
    if nd == 2:  # a copy, as PyTorch's (diagonal() is the view)
        return globals()["diagonal"](input, diagonal).clone()
    if nd != 1:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
    n = input._data.shape[0]
    size = n + abs(diagonal)
    eye = np.zeros((n, size, size), dtype=input._data.dtype)
    rows = np.arange(n) + max(-diagonal, 0)
    cols = np.arange(n) + max(diagonal, 0)
    eye[np.arange(n), rows, cols] = 1
    return einsum("i,ijk->jk", input, _wrap(eye))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices whose ``offset`` diagonal (in the plane of the new dimensions ``dim1``, ``dim2``)
    holds the last dimension of ``input``.

    Example::

        >>> minigrad.diag_embed(minigrad.tensor([[1, 2]]))
        tensor([[[1, 0],
                 [0, 2]]])
    """
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
    return diag(input.reshape(-1), offset)


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


def _fill_diagonal_(self, fill_value, wrap=False):
    """Fills the main diagonal of this tensor (2-d, or all dimensions equal) with
    ``fill_value``, in place (``wrap=True``: restart below the square part of a tall matrix).

    Example::

        >>> minigrad.zeros(2, 3).fill_diagonal_(5)
        tensor([[5., 0., 0.],
                [0., 5., 0.]])
    """
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


class Triangle(Op):
    """The lower (tril) or upper (triu) triangle of the last two dimensions, zeros elsewhere."""

    @staticmethod
    def forward(ctx, a, diagonal, upper):
        ctx.meta = (diagonal, upper)
        return (np.triu if upper else np.tril)(a, diagonal)

    @staticmethod
    def backward(ctx, grad):
        diagonal, upper = ctx.meta
        return (np.triu if upper else np.tril)(grad, diagonal), None, None

    def name(self):
        return "TriuBackward0" if self.meta[1] else "TrilBackward0"

    __slots__ = ("meta",)


def _triangle(input, diagonal, upper):
    if input._data.ndim < 2:
        raise RuntimeError(f"{'triu' if upper else 'tril'}: input tensor must have at least 2 dimensions")
    return Triangle.apply(input, int(diagonal), upper)


def tril(input, diagonal=0):
    """The lower triangular part of the matrix (the last two dimensions of ``input``, so a batch
    of matrices works too): the elements on and below the ``diagonal``-th diagonal are kept, the
    others set to 0. ``diagonal=0`` is the main diagonal, positive values go above it, negative
    below.

    Example::

        >>> a = minigrad.ones(3, 3)
        >>> minigrad.tril(a)
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
        >>> a.tril(diagonal=-1)
        tensor([[0., 0., 0.],
                [1., 0., 0.],
                [1., 1., 0.]])
    """
    return _triangle(input, diagonal, upper=False)


def triu(input, diagonal=0):
    """The upper triangular part of the matrix (last two dimensions): the elements on and above
    the ``diagonal``-th diagonal are kept, the others set to 0 (see ``tril``).

    Example::

        >>> minigrad.ones(3, 3).triu(1)
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    return _triangle(input, diagonal, upper=True)


def _triangle_indices(row, col, offset, lower):
    r, c = np.indices((row, col)) if row and col else (np.zeros((0, 0), int),) * 2
    keep = (c - r <= offset) if lower else (c - r >= offset)
    return _wrap(np.stack([r[keep], c[keep]]).astype(np.int64).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device="cpu", layout=None):
    """The (row, column) indices of the lower triangle of a ``row`` x ``col`` matrix, as a
    2 x N tensor (``offset`` shifts the diagonal).

    Example::

        >>> minigrad.tril_indices(3, 3, -1)
        tensor([[1, 2, 2],
                [0, 0, 1]])
    """
    out = _triangle_indices(row, col, offset, True)
    return out if dtype is None else out.to(dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device="cpu", layout=None):
    """The (row, column) indices of the upper triangle of a ``row`` x ``col`` matrix, as a
    2 x N tensor.

    Example::

        >>> minigrad.triu_indices(2, 2)
        tensor([[0, 0, 1],
                [0, 1, 1]])
    """
    out = _triangle_indices(row, col, offset, False)
    return out if dtype is None else out.to(dtype)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"diagflat": diagflat, "diagonal": diagonal, "diag": diag, "diag_embed": diag_embed, "trace": trace,
           "fill_diagonal_": _fill_diagonal_, "tril": tril, "triu": triu}
