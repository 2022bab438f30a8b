"""What ``x[index]`` means: the index read as PyTorch reads it, once, into an ``IndexPlan``
that ``indexing.py`` applies for reading (``x[index]``) and writing (``x[index] = value``).

PyTorch reads an index in two stages, and so does the plan:

1. *basic*: the items are walked left to right. An integer selects (removes a dimension), a
   slice narrows, ``None`` adds a dimension, ``...`` stands for the dimensions no other item
   names. The result, ``sliced``, is a view of the tensor.
2. *advanced*: the integer and boolean arrays (lists, ranges, numpy arrays, tensors) then index
   ``sliced`` together: a boolean mask becomes its ``nonzero()`` coordinates, the index arrays
   are broadcast together, and the result's dimensions for them go where they stand if they are
   next to each other, else first (numpy's rule). The result is a copy.

Where this differs from numpy: integers are not advanced indices (``x[0, :, [1, 2]]`` has shape
(n, 2), not (2, n)); a 0-d integer tensor or array is an integer (a view); ``True``/``False``
add a dimension of size 1 or 0 and index it; a sequence of floats is truncated to integers; a
negative slice step is an error; every ``...`` expands; and a short non-tuple sequence holding a
sequence, slice, ``None``, ``...`` or tensor is read as a tuple (PyTorch's legacy rule, with its
deprecation warning). The errors are PyTorch's, raised in PyTorch's order.
"""
import operator
import warnings

import numpy as np

from ..tensor import Tensor
from ._util import qualified_type_name

__all__ = ["IndexPlan", "parse_index"]

_INVALID = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
            "valid indices (got {})")
_NON_TUPLE = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed "
    "in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be "
    "interpreted as tensor index, x[torch.tensor(seq)], which will result either in an error or "
    "a different result"
)
_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.bool_))
_FULL = slice(None)

# the name of each kind of basic step as PyTorch's graph shows it
SELECT, SLICE, UNSQUEEZE, ALIAS = ("SelectBackward0", "SliceBackward0", "UnsqueezeBackward0",
                                   "AliasBackward0")


class IndexPlan:
    """An index, read.

    basic      a numpy index of ints, slices and None giving the view ``sliced`` in one step
    steps      the same as PyTorch's chain of views: ``(kind, numpy index)`` per step, each
               applied to the previous step's result (empty if the view is the tensor itself)
    advanced   None, or the numpy index of int64 arrays and full slices applied to ``sliced``
    region     the shape of ``x[index]``
    mask       "bool" or "uint8" if ``advanced`` comes from a single mask and nothing else
               (PyTorch's ``x[mask] = value`` with a one-element value is a masked fill: any
               value dtype goes), else False
    """

    __slots__ = ("basic", "steps", "advanced", "mask", "region", "_bounds")

    def __init__(self, basic, steps, region, advanced=None, mask=None, bounds=None):
        self.basic = basic
        self.steps = steps
        self.region = region
        self.advanced = advanced
        self.mask = mask
        self._bounds = bounds

    def check_bounds(self):
        """The advanced indices' range check, PyTorch's last one (``x[index] = value`` checks the
        value first)."""
        if self._bounds is not None:
            self._bounds()


def _is_int(obj):
    """THPUtils_checkLong: a Python int (not a bool) or a numpy integer scalar."""
    return isinstance(obj, (int, np.integer)) and not isinstance(obj, bool)


def _is_sequence(obj):
    if isinstance(obj, (list, tuple, range, str, bytes, bytearray, np.ndarray)):
        return True
    if isinstance(obj, (dict, np.generic, Tensor)):
        return False
    kind = type(obj)
    return hasattr(kind, "__getitem__") and hasattr(kind, "__len__")


def _treat_as_tuple(index):
    """numpy's legacy rule, kept by PyTorch: a non-tuple sequence shorter than 32 that holds a
    tensor, a sequence, a slice, ``...`` or ``None`` is a tuple of indices."""
    if isinstance(index, tuple):
        return True
    if isinstance(index, (Tensor, np.ndarray, str, bytes)) or not _is_sequence(index):
        return False
    try:
        n = len(index)
    except TypeError:
        return False
    if n >= 32:
        return False
    for i in range(n):
        try:
            item = index[i]
        except Exception:  # noqa: BLE001 - PyTorch gives up on the rule, as here
            return False
        if isinstance(item, (Tensor, slice)) or item is None or item is Ellipsis or _is_sequence(item):
            return True
    return False


def _as_long(value):
    """An integer index value, with PyTorch's error beyond int64."""
    value = operator.index(value)
    if not -2**63 <= value < 2**63:
        raise ValueError("Overflow when unpacking long long")
    return value


def _sequence_array(seq):
    """``indexing_tensor_from_data``: a sequence as an index array, bool or uint8 if it is made
    of those, else int64 (floats truncated towards zero, as PyTorch does)."""
    if isinstance(seq, (str, bytes, bytearray)):
        raise TypeError(f"new(): invalid data type '{type(seq).__name__}'")
    try:
        arr = np.asarray(seq)
    except ValueError:
        raise ValueError("expected sequence of equal-length lists (a ragged index)") from None
    kind = arr.dtype.kind
    if kind in "US":
        raise TypeError(f"new(): invalid data type '{'str' if kind == 'U' else 'bytes'}'")
    if kind == "O":
        raise TypeError(f"new(): invalid data type '{type(arr.flat[0]).__name__}'")
    if arr.dtype in (np.bool_, np.uint8):
        return arr
    if kind == "f":
        with np.errstate(invalid="ignore"):
            return np.trunc(arr).astype(np.int64)
    return arr.astype(np.int64, copy=False)


def _count_specified(items):
    """PyTorch's count of the dimensions an index names (bool and uint8 tensors: their ndim)."""
    count = 0
    for it in items:
        if isinstance(it, Tensor):
            count += it._data.ndim if it._data.dtype in (np.bool_, np.uint8) else 1
        elif not (it is None or it is Ellipsis or it is True or it is False):
            count += 1
    return count


def _select_error(value, real_dim, size):
    return IndexError(f"index {value} is out of bounds for dimension {real_dim} with size {size}")


def _slice(item):
    """A slice with its bounds read as integers; PyTorch refuses negative steps."""
    def bound(b):
        if b is None:
            return None
        try:
            return operator.index(b)
        except TypeError:
            raise TypeError("slice indices must be integers or None or have an __index__ "
                            "method") from None

    start, stop, step = bound(item.start), bound(item.stop), bound(item.step)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step is not None and step < 0:
        raise ValueError("step must be greater than zero")
    return slice(start, stop, step)


def _is_full(s, size):
    """PyTorch skips a slice that keeps every element: start 0, step 1, stop at or past the end
    (``x[:, 0]`` is one Select, not a Slice and a Select)."""
    return (s.start is None or s.start == 0) and (s.step is None or s.step == 1) and \
        (s.stop is None or s.stop >= size)


def parse_index(index, shape, write_numel=None):
    """The ``IndexPlan`` of ``x[index]`` for a tensor of ``shape``, or PyTorch's error. For
    ``x[index] = value``, ``write_numel`` is the number of elements of the value (a single one
    makes ``x[mask] = value`` a masked fill, as in PyTorch)."""
    ndim = len(shape)
    # the simple kinds are read alone (PyTorch's own fast paths, with their 0-d messages)
    if type(index) is int or _is_int(index):
        i = _as_long(index)
        if ndim == 0:
            if i == 0:
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
                                 "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a "
                                 "number")
            raise _select_error(i, 0, 0)  # (PyTorch reads the size of a missing dimension as 0)
        if not -shape[0] <= i < shape[0]:
            raise _select_error(i, 0, shape[0])
        return IndexPlan((i,), [(SELECT, (i,))], shape[1:])
    if type(index) is slice:
        s = _slice(index)
        if ndim == 0:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        region = (len(range(*s.indices(shape[0]))),) + shape[1:]
        if write_numel is not None and _is_full(s, shape[0]):
            return IndexPlan((s,), [], region)  # x[:] = v writes into x itself
        return IndexPlan((s,), [(SLICE, (s,))], region)  # x[:] is a Slice view, not x
    if type(index) is tuple and 0 < len(index) <= ndim and all(type(i) is int for i in index):
        for d, i in enumerate(index):  # x[i, j]: the commonest index in loops, read directly
            if not -shape[d] <= i < shape[d]:
                raise _select_error(_as_long(i), d, shape[d])
        return IndexPlan(index, [(SELECT, (i,)) for i in index], shape[len(index):])
    if index is True and write_numel is not None:  # x[True] = v writes into x.unsqueeze(0)
        return IndexPlan((None,), [(UNSQUEEZE, (None,))], (1,) + tuple(shape))
    if _treat_as_tuple(index):
        if not isinstance(index, tuple):
            warnings.warn(_NON_TUPLE, UserWarning, stacklevel=4)
        items = tuple(index)
    else:
        items = (index,)
    specified = _count_specified(items)
    if specified > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    return _walk(items, shape, specified, write_numel == 1)


def _walk(items, shape, specified, fill):
    """Stage 1: the basic items left to right (``applySlicing``), recording the index arrays."""
    ndim = len(shape)
    basic, steps, arrays = [], [], []  # arrays: (dim in sliced, array, from a tensor?)
    cur = list(shape)  # the shape of the view so far
    dim = 0  # the dimension of the view the next item applies to
    for real_dim, it in enumerate(items):
        if (it is None or it is True or it is False) and dim > len(cur):
            raise _unsqueeze_error(dim, len(cur))
        if it is None:
            basic.append(None)
            steps.append((UNSQUEEZE, (_FULL,) * dim + (None,)))
            cur.insert(dim, 1)
            dim += 1
            continue
        if it is Ellipsis:
            skip = ndim - specified
            basic.extend([_FULL] * skip)
            dim += skip
            continue
        if it is True or it is False:
            _record_bool(basic, steps, arrays, cur, dim, it)
            dim += 1
            continue
        if type(it) is slice:
            if dim >= len(cur):
                n = max(len(cur), 1)
                raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, "
                                 f"{n - 1}], but got {dim})")
            s = _slice(it)
            basic.append(s)
            if not _is_full(s, cur[dim]):
                steps.append((SLICE, (_FULL,) * dim + (s,)))
                cur[dim] = len(range(*s.indices(cur[dim])))
            dim += 1
            continue
        if _is_int(it):
            dim = _record_select(basic, steps, cur, dim, _as_long(it), real_dim)
            continue
        if isinstance(it, Tensor):
            arr, from_tensor = it._data, True
        elif _is_sequence(it):
            arr, from_tensor = _sequence_array(it), False
        else:
            try:
                value = _as_long(it)
            except TypeError:
                raise IndexError(_INVALID.format(qualified_type_name(it))) from None
            dim = _record_select(basic, steps, cur, dim, value, real_dim)
            continue
        if arr.ndim == 0 and arr.dtype.kind in "biu":
            if arr.dtype in (np.bool_, np.uint8):
                if dim > len(cur):
                    raise _unsqueeze_error(dim, len(cur))
                _record_bool(basic, steps, arrays, cur, dim, bool(arr))
                dim += 1
            else:  # a 0-d integer tensor is an integer: a view
                dim = _record_select(basic, steps, cur, dim, int(arr), real_dim)
            continue
        consumed = arr.ndim if arr.dtype in (np.bool_, np.uint8) else 1
        arrays.append((dim, arr, from_tensor))
        basic.extend([_FULL] * consumed)
        dim += consumed
    while basic and basic[-1] is _FULL:  # (an "..." or a mask may reach past the last dimension)
        basic.pop()
    basic = tuple(basic)
    if not arrays:
        return IndexPlan(basic, steps, tuple(cur))
    return _advanced(basic, steps, arrays, tuple(cur), fill)


def _record_select(basic, steps, cur, dim, value, real_dim):
    size = cur[dim] if dim < len(cur) else 0  # (PyTorch reads a missing dimension's size as 0)
    if not -size <= value < size:
        raise _select_error(value, real_dim, size)
    basic.append(value)
    steps.append((SELECT, (_FULL,) * dim + (value,)))
    del cur[dim]
    return dim


def _unsqueeze_error(dim, ndim):
    return IndexError(f"Dimension out of range (expected to be in range of [{-ndim - 1}, {ndim}], "
                      f"but got {dim})")


def _record_bool(basic, steps, arrays, cur, dim, value):
    """``True``/``False`` (or a 0-d bool tensor): a new dimension of size 1, indexed by [0] (kept)
    or [] (dropped)."""
    basic.append(None)
    steps.append((UNSQUEEZE, (_FULL,) * dim + (None,)))
    cur.insert(dim, 1)
    arrays.append((dim, np.zeros(1 if value else 0, np.int64), False))


def _check_mask(arr, dim, sliced_shape):
    n = len(sliced_shape)
    for j in range(arr.ndim):
        at = dim + j
        if at >= n:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-max(n, 1)}, {max(n, 1) - 1}], but got {at})")
        if arr.shape[j] != sliced_shape[at]:
            raise IndexError(
                f"The shape of the mask {list(arr.shape)} at index {j} does not match the shape "
                f"of the indexed tensor {list(sliced_shape)} at index {at}")


def _advanced(basic, steps, arrays, sliced_shape, fill):
    """Stage 2, ATen's ``index``: dtype and mask checks, masks to coordinates, broadcasting; the
    range check is kept for last (``IndexPlan.check_bounds``). ``fill``: a write of a single
    element, which with a single mask is a masked fill (no uint8 warning)."""
    mask = len(arrays) == 1 and arrays[0][1].dtype in (np.bool_, np.uint8) and (
        "uint8" if arrays[0][1].dtype == np.uint8 else "bool")
    if fill:  # PyTorch first looks for a masked fill, checking the leading mask's shape
        for dim, arr, _ in arrays[:1]:
            if arr.dtype in (np.bool_, np.uint8):
                _check_mask(arr, dim, sliced_shape)
    if not (fill and mask):
        for _, arr, _ in arrays:
            if arr.dtype not in _INDEX_DTYPES:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    n = len(sliced_shape)
    if arrays[-1][0] >= n:  # (two "..." or a numpy mask can push an index past the end)
        raise IndexError(f"too many indices for tensor of dimension {n} (got {arrays[-1][0] + 1})")
    index = [_FULL] * n
    coords = []  # (dim, int64 array)
    for dim, arr, _ in arrays:
        if arr.dtype in (np.bool_, np.uint8):
            if arr.dtype == np.uint8 and not (fill and mask):
                warnings.warn("indexing with dtype minigrad.uint8 is now deprecated, please use a "
                              "dtype minigrad.bool instead.", UserWarning, stacklevel=5)
            _check_mask(arr, dim, sliced_shape)
            coords.extend(zip(range(dim, dim + arr.ndim), np.nonzero(arr)))
        else:
            coords.append((dim, arr.astype(np.int64, copy=False)))
    try:
        bshape = coords[0][1].shape if len(coords) == 1 else np.broadcast_shapes(
            *(c.shape for _, c in coords))
    except ValueError:
        listed = ", ".join(str(list(c.shape)) for _, c in coords)
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with "
                         f"shapes {listed}") from None
    for dim, c in coords:
        index[dim] = c
    last = max(dim for dim, _ in coords)
    advanced = tuple(index[:last + 1])
    dims = [d for d, _ in coords]
    rest = [s for d, s in enumerate(sliced_shape) if d not in dims]
    empty = 0 in bshape or 0 in rest
    if 0 not in bshape and any(sliced_shape[d] == 0 for d in dims):
        # no number indexes an empty dimension (PyTorch checks this before the range check)
        raise IndexError("index is out of bounds for dimension with size 0")
    if dims == list(range(dims[0], dims[-1] + 1)):  # next to each other: in place
        region = sliced_shape[:dims[0]] + bshape + sliced_shape[dims[-1] + 1:]
    else:  # apart: the broadcast index dimensions first
        region = bshape + tuple(rest)

    def check_bounds():  # (not when nothing is read or written: PyTorch checks no index then)
        sizes = [sliced_shape[dim] for dim, _ in coords]
        if all(-size <= c.min() and c.max() < size for (_, c), size in zip(coords, sizes)):
            return  # the usual case, in two reductions per index
        # PyTorch reports the first element (in the broadcast index's order) that is out of range
        full = [np.broadcast_to(c, bshape).reshape(-1) for _, c in coords]
        bad = np.zeros(full[0].shape if full else (0,), bool)
        for c, size in zip(full, sizes):
            bad |= (c < -size) | (c >= size)
        if bad.any():
            at = int(np.argmax(bad))
            for i, (c, size) in enumerate(zip(full, sizes)):
                v = int(c[at])
                if not -size <= v < size:
                    raise IndexError(f"index {v} is out of bounds for dimension {i} with size {size}")

    return IndexPlan(basic, steps, region, advanced, mask, None if empty else check_bounds)
