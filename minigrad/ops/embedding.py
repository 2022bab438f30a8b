"""Embedding lookups: ``F.embedding(input, weight)`` is ``weight[input]``, row by row, and
``F.embedding_bag`` sums, averages or takes the maximum of bags of such rows.

The backward adds each looked-up row's gradient into the weight row it came from; a row looked
up many times (a frequent word, a common character) gets the sum. That scatter-add is the
compiled kernel ``_ops.index_add_rows`` (csrc/embedding.h): deterministic, the contributions to a
row always added in the order of the input, whatever the thread count, as PyTorch's CPU kernel
adds them. ``padding_idx`` rows get no gradient; ``scale_grad_by_freq`` divides each
contribution by how often its row occurs in the input; ``max_norm`` renormalises, in place, the
rows the input looks up whose norm exceeds it (as PyTorch, outside the graph).
"""
import numbers

import numpy as np

from .._dtype import tensor_type_name
from .._ops import index_add_rows
from ..autograd.function import Op
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor, _wrap
from ._util import qualified_type_name

__all__ = ["embedding", "embedding_bag"]


class Embedding(Op):
    """``weight[indices]``: rows of a 2-D weight picked by an integer tensor of any shape."""

    edge_args = (0,)  # the weight (the indices are not differentiable)

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.meta = (weight.shape, indices, padding_idx, scale_grad_by_freq)
        return np.take(weight, indices, axis=0)

    @staticmethod
    def backward(ctx, grad):
        shape, indices, padding_idx, scaled = ctx.meta
        out = np.zeros(shape, dtype=grad.dtype)
        rows = indices.reshape(-1).astype(np.int64, copy=False)
        values = np.ascontiguousarray(grad).reshape(rows.size, shape[1])
        if padding_idx is not None:
            keep = rows != padding_idx
            rows, values = rows[keep], values[keep]
        index_add_rows(out, rows, np.ascontiguousarray(values), scaled)
        return out, None, None, None

    __slots__ = ("meta",)


def _check_indices(fn, input, weight):
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices_dtype(fn, input)
    idx = input._data
    if idx.size and (idx.min() < 0 or idx.max() >= weight._data.shape[0]):
        raise IndexError("index out of range in self")


def _check_indices_dtype(fn, input):
    dtype = input._data.dtype
    if dtype not in (np.int64, np.int32):
        name = "CPUBoolType" if dtype == np.bool_ else f"minigrad.{tensor_type_name(dtype)}"
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {name} instead (while checking arguments for {fn})")


def _padding_idx(padding_idx, num):
    """PyTorch's reading of ``padding_idx``: in range, negative counting from the end."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, numbers.Integral):
        raise TypeError("embedding(): argument 'padding_idx' (position 3) must be int, not "
                        f"{qualified_type_name(padding_idx)}")
    if not -num <= padding_idx < num:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + num if padding_idx < 0 else int(padding_idx)


def renorm_rows_(weight, input, max_norm, norm_type):
    """``embedding_renorm_``: each row of ``weight`` that ``input`` looks up and whose
    ``norm_type``-norm exceeds ``max_norm`` is scaled, in place and outside the graph, to norm
    ``max_norm`` (by ``max_norm / (norm + 1e-7)``, as PyTorch)."""
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices_dtype("embedding_renorm_", input)
    rows = np.unique(input._data.reshape(-1))  # sorted, as PyTorch walks them
    num = weight._data.shape[0]
    bad = (rows < -num) | (rows >= num)
    if bad.any():
        raise IndexError(f"select(): index {int(rows[bad][0])} out of range for tensor of size "
                         f"{list(weight._data.shape)} at dimension 0")
    rows = np.where(rows < 0, rows + num, rows)
    if not rows.size:
        return
    data = weight._data
    picked = data[rows].astype(np.float64)
    p = float(norm_type)
    if p == float("inf"):
        norms = np.abs(picked).max(axis=1)
    elif p == 0:
        norms = (picked != 0).sum(axis=1).astype(np.float64)
    else:
        norms = (np.abs(picked) ** p).sum(axis=1) ** (1.0 / p)
    over = norms > max_norm
    if over.any():
        scale = (max_norm / (norms[over] + 1e-7)).astype(data.dtype)
        with no_grad():
            data[rows[over]] *= scale[:, None]
        weight._vc[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """The rows of ``weight`` at the integer positions in ``input``: a lookup table.

    Shape:
        - input: integer tensor (int64 or int32) of any shape, values in [0, num_embeddings)
        - weight: (num_embeddings, embedding_dim)
        - output: input's shape + (embedding_dim,)

    ``padding_idx`` (negative counts from the end): that row gets no gradient. ``max_norm``:
    the rows looked up whose ``norm_type``-norm exceeds it are rescaled to it, in ``weight``
    itself. ``scale_grad_by_freq``: each row's gradient is divided by how often it occurs in
    ``input``. ``sparse=True`` is accepted, but minigrad has no sparse tensors: the weight's
    gradient is dense (the same values as PyTorch's sparse one, densified).

    Example::

        >>> w = minigrad.tensor([[0., 0.], [1., 1.], [2., 2.]])
        >>> F.embedding(minigrad.tensor([[2, 0], [1, 1]]), w)
        tensor([[[2., 2.],
                 [0., 0.]],
        <BLANKLINE>
                [[1., 1.],
                 [1., 1.]]])
    """
    if not isinstance(input, Tensor):
        raise TypeError("embedding(): argument 'indices' (position 2) must be Tensor, not "
                        f"{qualified_type_name(input)}")
    if not isinstance(weight, Tensor):
        raise TypeError("embedding(): argument 'weight' (position 1) must be Tensor, not "
                        f"{qualified_type_name(weight)}")
    num = weight._data.shape[0] if weight._data.ndim else 0
    if padding_idx is not None and not (isinstance(padding_idx, numbers.Integral)
                                        and not isinstance(padding_idx, bool)):
        _padding_idx(padding_idx, num)  # the type error
    padding_idx = _padding_idx(padding_idx, num)
    if max_norm is not None:
        renorm_rows_(weight, input, max_norm, norm_type)
    _check_indices("embedding", input, weight)
    return Embedding.apply(weight, input._data, padding_idx, bool(scale_grad_by_freq))


_BAG_MODES = ("sum", "mean", "max")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    """Sums, means or maxima of bags of embedding rows, without making the rows first.

    ``input`` is 2-D (B, N): B bags of N indices; or 1-D with ``offsets`` (B,) giving where each
    bag starts (``include_last_offset=True``: B + 1 offsets, the last one the end).
    ``per_sample_weights`` (input's shape) multiplies each row first (``mode="sum"`` only).
    ``padding_idx`` rows are left out of their bag (a bag of only padding is zeros). An empty
    bag gives zeros. Output: (B, embedding_dim).

    Example::

        >>> w = minigrad.tensor([[1., 1.], [2., 2.], [4., 4.]])
        >>> F.embedding_bag(minigrad.tensor([0, 1, 2, 2]), w, minigrad.tensor([0, 2]), mode="sum")
        tensor([[3., 3.],
                [8., 8.]])
    """
    from .indexing import getitem
    from .joining import stack
    from .reduction import sum as _sum

    if mode not in _BAG_MODES:
        raise ValueError(f"{mode} is not a valid value for mode")
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError("embedding_bag(): input and weight must be Tensors")
    if weight._data.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight._data.ndim}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub.")
    if per_sample_weights is not None and per_sample_weights.shape != input.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) "
                         f"is not None, then it must have the same shape as the input "
                         f"({tuple(input.shape)})")
    idx = input._data
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {qualified_type_name(offsets)}")
        starts = np.arange(0, idx.size, idx.shape[1]) if idx.shape[1] else np.zeros(idx.shape[0], int)
        ends = starts + idx.shape[1]
        flat = idx.reshape(-1)
    elif idx.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets._data.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        off = offsets._data.astype(np.int64)
        if include_last_offset:
            starts, ends = off[:-1], off[1:]
        else:
            starts, ends = off, np.append(off[1:], idx.size)
        flat = idx
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    num = weight._data.shape[0]
    padding_idx = _padding_idx(padding_idx, num)
    flat_input = _wrap(np.ascontiguousarray(flat))
    rows = embedding(flat_input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    bags = []
    dim = weight._data.shape[1]
    for s, e in zip(starts.tolist(), ends.tolist()):
        keep = np.arange(s, e)
        if padding_idx is not None:
            keep = keep[flat[s:e] != padding_idx]
        if not keep.size:
            bags.append(_wrap(np.zeros(dim, weight._data.dtype)))
            continue
        part = getitem(rows, _wrap(keep))
        if mode == "sum":
            bags.append(_sum(part, 0))
        elif mode == "mean":
            bags.append(_sum(part, 0) / keep.size)
        else:
            bags.append(part.max(0)[0])
    if not bags:
        return _wrap(np.zeros((0, dim), weight._data.dtype))
    return stack(bags)
