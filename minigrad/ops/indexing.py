"""Indexing: ``x[i]``, ``x[1:3, ::2]``, ``x[idx, target]`` (integer arrays), ``x[mask]``,
``x[...] = value``, ``index_put`` and ``unravel_index``.

Basic indices (ints, slices, None, Ellipsis) give views; integer-array and boolean indices
gather copies. The backward scatters the gradient back: for integer arrays with repeated
indices, the contributions are added (``np.add.at``).
"""
import numbers
import re

import numpy as np

from .._dtype import fill_value
from ..autograd.function import Op
from ..autograd.grad_mode import _state
from ..tensor import Tensor, _wrap
from ._util import c_contiguous, sum_to
from .broadcast import expand_error
from .inplace import apply_inplace

__all__ = ["unravel_index"]


_BASIC = (int, slice, type(None), type(Ellipsis))


def _convert(item):
    if isinstance(item, Tensor):
        kind = item._data.dtype.kind
        if kind not in "biu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if item._data.ndim == 0 and kind != "b":
            return int(item._data)  # a 0-d integer tensor indexes like an int (a view), as in torch
        return item._data
    if isinstance(item, (list, np.ndarray)):
        arr = np.asarray(item)
        if arr.dtype.kind not in "biu" and arr.size:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return arr.astype(np.int64) if arr.size == 0 and arr.dtype.kind == "f" else arr
    if isinstance(item, np.integer):
        return int(item)
    if isinstance(item, (bool, np.bool_)):
        return np.asarray(item)
    if not isinstance(item, _BASIC) and hasattr(item, "__index__"):
        return item.__index__()
    return item


def convert_index(index, ndim=None):
    """The index with tensors and lists turned into numpy arrays, and whether it is basic."""
    items = index if isinstance(index, tuple) else (index,)
    items = tuple(_convert(i) for i in items)
    basic = all(isinstance(i, _BASIC) for i in items)
    if not basic and ndim is not None and any(i is Ellipsis for i in items):
        # numpy counts "..." as separating advanced indices even when it stands for no
        # dimension (which moves the result's dimensions); PyTorch does not: spell it out
        used = sum(0 if i is None or i is Ellipsis else
                   (i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1) for i in items)
        at = next(k for k, i in enumerate(items) if i is Ellipsis)
        items = items[:at] + (slice(None),) * max(ndim - used, 0) + items[at + 1:]
        index = items
    if not basic and any(type(i) is int for i in items):
        split = _two_stages(items)
        if split is not None:
            return split, basic
    return (items if isinstance(index, tuple) else items[0]), basic


class TwoStages(tuple):
    """An index applied in two steps, ``a[first][second]``: PyTorch applies integer indices
    before integer-array ones (``x[0, :, [1, 2]]`` has shape (n, 2)), where numpy treats them
    as advanced indices together (shape (2, n)). ``first`` is basic (a view), ``second`` holds
    the arrays. ``items`` keeps the whole index for error messages."""

    items = ()


def _two_stages(items):
    first, second = [], []
    for it in items:
        if isinstance(it, np.ndarray):
            if it.ndim == 0:
                return None  # a 0-d bool index adds a dimension in place: keep numpy's rule
            k = it.ndim if it.dtype == np.bool_ else 1
            first.extend([slice(None)] * k)
            second.append(it)
        elif type(it) is int:
            first.append(it)
        elif it is None:
            first.append(None)
            second.append(slice(None))
        elif it is Ellipsis:
            first.append(Ellipsis)
            second.append(Ellipsis)
        else:  # a slice
            first.append(it)
            second.append(slice(None))
    split = TwoStages((tuple(first), tuple(second)))
    split.items = items
    return split


def _get(a, index):
    if type(index) is TwoStages:
        return a[index[0]][index[1]]
    return a[index]


def _set(a, index, value):
    if type(index) is TwoStages:
        a[index[0]][index[1]] = value  # a[first] is a view: this writes into a
    else:
        a[index] = value


def _add_at(a, index, value):
    if type(index) is TwoStages:
        np.add.at(a[index[0]], index[1], value)
    else:
        np.add.at(a, index, value)


def _items(index):
    return index.items if type(index) is TwoStages else index


def _index_error(exc, shape=None, index=None):
    """numpy's IndexError in PyTorch's words (the message names tensors and dimensions)."""
    msg = str(exc)
    if msg.startswith("too many indices") and shape is not None:
        return IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if msg.startswith("boolean index did not match") and shape is not None:
        items = index if isinstance(index, tuple) else (index,)
        dim = 0
        for item in items:
            if isinstance(item, np.ndarray) and item.dtype == np.bool_ and item.ndim:
                for k in range(item.ndim):
                    if dim + k >= len(shape) or item.shape[k] != shape[dim + k]:
                        return IndexError(
                            f"The shape of the mask {list(item.shape)} at index {k} does not match "
                            f"the shape of the indexed tensor {list(shape)} at index {dim + k}"
                        )
                dim += item.ndim
            elif item is None or (isinstance(item, np.ndarray) and item.dtype == np.bool_):
                continue
            elif item is Ellipsis:
                dim = len(shape) - sum(_consumed(i) for i in items[items.index(item) + 1:] if i is not Ellipsis)
            else:
                dim += 1
    if msg.startswith("shape mismatch: indexing arrays"):
        shapes = re.findall(r"\(([\d, ]*)\)", msg)
        listed = ", ".join(str([int(x) for x in g.split(",") if x.strip()]) for g in shapes)
        return IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {listed}")
    return IndexError(msg.replace("axis", "dimension"))


def _consumed(item):
    """How many dimensions of the indexed array an index item uses."""
    if item is None:
        return 0
    if isinstance(item, np.ndarray) and item.dtype == np.bool_:
        return item.ndim
    return 1


class GetItem(Op):
    @staticmethod
    def forward(ctx, a, index, basic):
        ctx.meta = (a.shape, a.dtype, index, basic)
        try:
            out = _get(a, index)
        except IndexError as exc:
            raise _index_error(exc, a.shape, _items(index)) from None
        if not basic:
            return c_contiguous(out)  # a fresh array (0-d stays 0-d)
        if type(out) is not np.ndarray:  # an element: index again with "..." to get a 0-d view
            out = a[(index if isinstance(index, tuple) else (index,)) + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, grad):
        shape, dtype, index, basic = ctx.meta
        out = np.zeros(shape, dtype=grad.dtype)
        if basic:
            out[index] = grad
        else:
            _add_at(out, index, grad)
        return out, None, None

    def name(self):
        return "IndexBackward0"

    __slots__ = ("meta",)


def getitem(input, index):
    index, basic = convert_index(index, input._data.ndim)
    return GetItem.apply(input, index, basic)


class IndexPut(Op):
    """``out = a.clone(); out[index] = value``: the gradient of ``a`` is zero where overwritten."""

    @staticmethod
    def forward(ctx, a, value, index):
        ctx.meta = (np.shape(value), index)
        out = a.copy()
        try:
            _set(out, index, value)
        except IndexError as exc:
            raise _index_error(exc, a.shape, _items(index)) from None
        except ValueError as exc:
            raise _assign_error(out, index, value, exc) from None
        return out

    @staticmethod
    def backward(ctx, grad):
        value_shape, index = ctx.meta
        ga = grad.copy()
        _set(ga, index, 0)
        gv = sum_to(np.asarray(_get(grad, index)), value_shape) if ctx.needs_input_grad[1] else None
        return ga, gv, None

    __slots__ = ("meta",)


def _assign_error(data, index, value, exc):
    """PyTorch's error when ``value`` cannot be expanded to the region ``data[index]``; other
    numpy errors (a read-only array ...) keep their message."""
    if "broadcast" not in str(exc):
        return RuntimeError(str(exc))

    value = np.asarray(value)
    region = np.shape(_get(data, index))
    items = _items(index)
    items = items if isinstance(items, tuple) else (items,)
    err = None
    if all(isinstance(i, _BASIC) for i in items):
        err = expand_error(value.shape, region, value.dtype)
    return err if err is not None else RuntimeError(
        f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
        f"indexing result of shape {list(region)}"
    )


def setitem(input, index, value):
    """``input[index] = value`` in place (recorded in the graph when a gradient is needed)."""
    if input._requires_grad and input.grad_fn is None and _state.enabled:
        # PyTorch writes through a view of the tensor, hence its message
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    index, _ = convert_index(index, input._data.ndim)
    if isinstance(value, Tensor):
        value = value.to(input.dtype) if value._data.dtype != input._data.dtype else value
        raw = value._data
    else:
        if isinstance(value, (int, float)):  # PyTorch's errors for a number that does not fit
            value = fill_value(value, input._data.dtype, unpack=True)
        raw = value._data if isinstance(value, Tensor) else np.asarray(value)

    def write(data):
        try:
            _set(data, index, raw)
        except IndexError as exc:
            raise _index_error(exc, data.shape, _items(index)) from None
        except ValueError as exc:
            raise _assign_error(data, index, raw, exc) from None

    dest = None  # the region written (a view for basic indexing), for apply_inplace's overlap checks
    if isinstance(value, Tensor) or not input._data.flags.writeable:  # an operand, or an expand()ed input
        try:
            dest = input._data[index]
        except (IndexError, ValueError, TypeError):
            pass
    apply_inplace(input, lambda old: IndexPut.apply(old, value, index), write, others=(value,),
                  fill=dest is None, dest=dest)


def unravel_index(indices, shape):
    """The coordinates in a tensor of ``shape`` of the flat ``indices``, one tensor per
    dimension.

    Example::

        >>> minigrad.unravel_index(minigrad.tensor([5, 1]), (2, 3))
        (tensor([1, 0]), tensor([2, 1]))
    """
    if not isinstance(indices, Tensor):
        indices = _wrap(np.asarray(indices))
    if indices._data.dtype.kind not in "iu":
        raise TypeError("expected 'indices' to be integer dtype, but got "
                        f"{str(indices.dtype)}")
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(shape)}")
    idx = indices._data.astype(np.int64)
    out = []
    for s in reversed(shape):
        out.append(idx % s if s else idx * 0)
        idx = idx // s if s else idx
    return tuple(_wrap(np.asarray(o, np.int64)) for o in reversed(out))
