"""Indexing: ``x[i]``, ``x[1:3, ::2]``, ``x[idx, target]`` (integer arrays), ``x[mask]``, and
``x[...] = value``.

Basic indices (ints, slices, None, Ellipsis) give views; integer-array and boolean indices
gather copies. The backward scatters the gradient back: for integer arrays with repeated
indices, the contributions are added (``np.add.at``).
"""
import re

import numpy as np

from .._dtype import fill_value
from ..autograd.function import Op
from ..autograd.grad_mode import _state
from ..tensor import Tensor
from ._util import sum_to

# getitem/setitem are Tensor.__getitem__/__setitem__, not top-level functions (torch has none)
__all__ = ["gather", "scatter", "scatter_add", "masked_fill"]

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
    view = True

    @staticmethod
    def forward(ctx, a, index, basic):
        ctx.meta = (a.shape, a.dtype, index, basic)
        try:
            out = _get(a, index)
        except IndexError as exc:
            raise _index_error(exc, a.shape, _items(index)) from None
        if not basic:
            # a fresh array; ascontiguousarray would turn a 0-d result into 1-d
            return np.ascontiguousarray(out) if np.ndim(out) else np.asarray(out)
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
    from .shape import expand_error

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
    from .inplace import apply_inplace

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


# ------------------------------------------------------------------ gather / scatter / masked_fill
def _along(index, dim):
    """The full numpy index that picks, for every element of ``index``, the element at position
    ``index[...]`` along ``dim`` and at the element's own coordinates in the other dims."""
    items = []
    for d in range(index.ndim):
        if d == dim:
            items.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = index.shape[d]
            items.append(np.arange(index.shape[d]).reshape(shape))
    return tuple(items)


def _at_least_1d(a):
    return a.reshape(1) if a.ndim == 0 else a


def _region(shape):
    """The leading block of that shape (``src[:i0, :i1, ...]``): the part of ``src`` a scatter
    reads when its index is smaller."""
    return tuple(slice(0, s) for s in shape)


class Gather(Op):
    """``out[i][j] = a[index[i][j]][j]`` (for dim 0): picks elements along ``dim``. The
    gradient is added back where they came from (repeated indices add up)."""

    saved_for = ((0,),)  # the index serves the input's gradient
    distinct = False  # True in subclasses whose indices never repeat along dim (sort, topk)

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.save_for_backward(index)
        ctx.meta = (a.shape, dim)
        a, i = _at_least_1d(a), _at_least_1d(index)
        # index may be smaller than a in the other dims: gather from that leading block
        block = tuple(slice(None) if k == dim else slice(0, s) for k, s in enumerate(i.shape))
        return np.take_along_axis(a[block], i, axis=dim).reshape(index.shape)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        shape, dim = ctx.meta
        out = np.zeros(shape if shape else (1,), dtype=grad.dtype)
        index = _at_least_1d(index)
        grad = np.reshape(grad, index.shape)
        if ctx.distinct:  # a permutation (or part of one): plain assignment
            np.put_along_axis(out, index, grad, axis=dim)
        else:
            np.add.at(out, _along(index, dim), grad)
        return out.reshape(shape), None, None

    __slots__ = ("meta",)


class Scatter(Op):
    """``out = a.clone(); out[index[i][j]][j] = src[i][j]`` (for dim 0); ``src`` may be a number.
    The overwritten elements of ``a`` get no gradient; ``src``'s elements get the gradient of the
    place they were written to."""

    saved_for = ((0, 3),)

    @staticmethod
    def forward(ctx, a, dim, index, src):
        ctx.save_for_backward(index)
        ctx.meta = (dim, np.shape(src))
        out = np.array(_at_least_1d(a))
        index = _at_least_1d(index)
        value = src if not isinstance(src, np.ndarray) else _at_least_1d(src)[_region(index.shape)]
        out[_along(index, dim)] = value
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        dim, src_shape = ctx.meta
        need_a, _, _, need_src = ctx.needs_input_grad
        g = _at_least_1d(np.asarray(grad))
        index = _at_least_1d(index)
        ga = gs = None
        if need_a:
            ga = np.array(g)
            ga[_along(index, dim)] = 0
            ga = ga.reshape(np.shape(grad))
        if need_src:
            gs = np.zeros(src_shape if src_shape else (1,), dtype=g.dtype)
            gs[_region(index.shape)] = g[_along(index, dim)]
            gs = gs.reshape(src_shape)
        return ga, None, None, gs

    __slots__ = ("meta",)


class ScatterAdd(Op):
    """``out = a.clone(); out[index[i][j]][j] += src[i][j]`` (for dim 0), repeated indices
    adding up. ``a`` gets the whole gradient, ``src``'s elements the gradient of their place."""

    saved_for = ((3,),)

    @staticmethod
    def forward(ctx, a, dim, index, src):
        ctx.save_for_backward(index)
        ctx.meta = (dim, src.shape)
        out = np.array(_at_least_1d(a))
        index = _at_least_1d(index)
        np.add.at(out, _along(index, dim), _at_least_1d(src)[_region(index.shape)])
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        dim, src_shape = ctx.meta
        gs = None
        if ctx.needs_input_grad[3]:
            index = _at_least_1d(index)
            gs = np.zeros(src_shape if src_shape else (1,), dtype=grad.dtype)
            gs[_region(index.shape)] = _at_least_1d(np.asarray(grad))[_along(index, dim)]
            gs = gs.reshape(src_shape)
        return grad, None, None, gs

    __slots__ = ("meta",)


def _check_index(name, input, dim, index, src=None):
    """PyTorch's checks of gather/scatter arguments; returns the canonical dim."""
    from ._util import canonical_dim

    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{'gather' if name == 'gather' else 'scatter'}(): Expected dtype int32/int64 for index")
    a, idx = input._data, index._data
    d = canonical_dim(dim, a.ndim)
    nd = max(a.ndim, 1)
    if max(idx.ndim, 1) != nd and idx.size:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as "
                           f"{'input' if name == 'gather' else 'self'} tensor")
    if src is not None and max(src._data.ndim, 1) != max(idx.ndim, 1) and idx.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    a_shape, i_shape = a.shape or (1,), idx.shape or (1,)
    if idx.size:
        for k in range(nd):
            if name == "gather":
                if k != d and i_shape[k] > a_shape[k]:
                    raise RuntimeError(
                        f"Size does not match at dimension {k} expected index {list(idx.shape)} to be no "
                        f"larger than self {list(a.shape)} apart from dimension {d}"
                    )
            elif (k != d and i_shape[k] > a_shape[k]) or (
                    src is not None and i_shape[k] > (src._data.shape or (1,))[k]):
                msg = (f"Expected index {list(idx.shape)} to be no larger than self {list(a.shape)} "
                       f"apart from dimension {d}")
                if src is not None:
                    msg += f" and to be no larger size than src {list(src._data.shape)}"
                raise RuntimeError(msg)
        bad = (idx < 0) | (idx >= a_shape[d])
        if bad.any():
            raise RuntimeError(f"index {int(idx[bad].flat[0])} is out of bounds for dimension {d} "
                               f"with size {a_shape[d]}")
    return d


def gather(input, dim, index, *, sparse_grad=False):
    """Gathers values along an axis specified by ``dim``.

    For a 3-D tensor the output is::

        out[i][j][k] = input[index[i][j][k]][j][k]  # if dim == 0
        out[i][j][k] = input[i][index[i][j][k]][k]  # if dim == 1
        out[i][j][k] = input[i][j][index[i][j][k]]  # if dim == 2

    ``index`` (int64 or int32) has as many dimensions as ``input``, and ``index.size(d) <=
    input.size(d)`` for every ``d != dim``; the result has ``index``'s shape. The gradient flows
    back to the gathered elements (adding up where an element was gathered several times).

    Args:
        input (Tensor): the source tensor.
        dim (int): the axis along which to index.
        index (LongTensor): the indices of the elements to gather.
        sparse_grad (bool): accepted for compatibility; the gradient is always dense.

    Example::

        >>> t = minigrad.tensor([[1, 2], [3, 4]])
        >>> minigrad.gather(t, 1, minigrad.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    d = _check_index("gather", input, dim, index)
    return Gather.apply(input, d, index)


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """Out-of-place version of ``Tensor.scatter_``: a copy of ``input`` with the values of
    ``src`` (a tensor, or a number ``value``) written at the positions given by ``index`` along
    ``dim``.

    For a 3-D tensor::

        out[index[i][j][k]][j][k] = src[i][j][k]  # if dim == 0
        out[i][index[i][j][k]][k] = src[i][j][k]  # if dim == 1

    ``index`` has as many dimensions as ``input``, with ``index.size(d) <= src.size(d)`` for all
    ``d`` and ``index.size(d) <= input.size(d)`` for ``d != dim``. Where ``index`` repeats a
    position the value written there is one of the candidates (PyTorch does not specify which).
    ``src`` must have ``input``'s dtype; a number is converted to it. Gradients: the overwritten
    elements of ``input`` get none, each element of ``src`` the gradient of the place it went to.

    Args:
        input (Tensor): the tensor to copy.
        dim (int): the axis along which to index.
        index (LongTensor): where to write, along ``dim``.
        src (Tensor or float): the values to write (or pass ``value=``).
        reduce (str): not supported by minigrad (use ``scatter_add``).

    Example::

        >>> src = minigrad.arange(1, 11).reshape((2, 5))
        >>> index = minigrad.tensor([[0, 1, 2, 0]])
        >>> minigrad.zeros(3, 5, dtype=src.dtype).scatter(0, index, src)
        tensor([[1, 0, 0, 4, 0],
                [0, 2, 0, 0, 0],
                [0, 0, 3, 0, 0]])
    """
    if reduce is not None:
        raise NotImplementedError("minigrad's scatter does not support reduce=: use scatter_add")
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing required argument 'src' (or 'value')")
    if isinstance(src, Tensor):
        d = _check_index("scatter", input, dim, index, src)
        if src._data.dtype != input._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        return Scatter.apply(input, d, index, src)
    d = _check_index("scatter", input, dim, index)
    return Scatter.apply(input, d, index, np.asarray(src).astype(input._data.dtype)[()])


def scatter_add(input, dim, index, src):
    """Out-of-place version of ``Tensor.scatter_add_``: a copy of ``input`` to which the values
    of ``src`` are added at the positions given by ``index`` along ``dim`` (values sent to the
    same position add up).

    For a 3-D tensor::

        out[index[i][j][k]][j][k] += src[i][j][k]  # if dim == 0
        out[i][index[i][j][k]][k] += src[i][j][k]  # if dim == 1

    Shapes as for ``scatter``; ``src`` must have ``input``'s dtype. ``input`` gets the whole
    gradient, each element of ``src`` the gradient of the place it was added to.

    Example::

        >>> src = minigrad.ones(2, 5)
        >>> index = minigrad.tensor([[0, 1, 2, 0, 0], [0, 1, 2, 2, 2]])
        >>> minigrad.zeros(3, 5).scatter_add(0, index, src)
        tensor([[2., 0., 0., 1., 1.],
                [0., 2., 0., 0., 0.],
                [0., 0., 2., 1., 1.]])
    """
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
    d = _check_index("scatter_add", input, dim, index, src)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return ScatterAdd.apply(input, d, index, src)


def _mask_and_value(input, mask, value):
    from .._dtype import c_type_name

    if not isinstance(mask, Tensor):
        raise TypeError(f"masked_fill(): argument 'mask' (position 1) must be Tensor, not {type(mask).__name__}")
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{c_type_name(mask._data.dtype)}")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return value if value._data.dtype == input._data.dtype else value.to(input.dtype)
    if isinstance(value, (bool, int, float, np.generic)):
        return np.asarray(value).astype(input._data.dtype)
    raise TypeError(f"masked_fill(): argument 'value' must be Number or Tensor, not {type(value).__name__}")


def masked_fill(input, mask, value):
    """A copy of ``input`` with ``value`` where the boolean ``mask`` is True.

    ``mask`` broadcasts with ``input`` (the result has the broadcast shape); ``value`` is a number
    or a 0-dim tensor, converted to ``input``'s dtype. The gradient of ``input`` is zero where the
    mask is True; a ``value`` tensor gets the sum of the gradient there.

    Example::

        >>> x = minigrad.tensor([[1., -2.], [-3., 4.]])
        >>> x.masked_fill(x < 0, 0.)
        tensor([[1., 0.],
                [0., 4.]])
    """
    from ..autograd.function import broadcast_error
    from .arithmetic import Where

    value = _mask_and_value(input, mask, value)
    err = broadcast_error(mask._data.shape, input._data.shape)
    if err is not None:
        raise err
    return Where.apply(mask._data, value, input)


def masked_fill_(input, mask, value):
    """In-place version of ``masked_fill``: ``mask`` must broadcast to ``input``'s shape."""
    from .inplace import apply_inplace

    converted = _mask_and_value(input, mask, value)
    raw = converted._data if isinstance(converted, Tensor) else converted

    def write(data):
        np.copyto(data, raw, where=mask._data)

    shape = input._data.shape
    err = broadcast_error_inplace(mask._data.shape, shape)
    if err is not None:
        raise err
    return apply_inplace(input, lambda old: masked_fill(old, mask, value), write, others=(converted,),
                         fill=True)


def broadcast_error_inplace(shape, out_shape):
    """PyTorch's error when an operand of an in-place op does not broadcast to its output."""
    from ..autograd.function import broadcast_error

    err = broadcast_error(out_shape, shape)
    if err is not None:
        return err
    full = np.broadcast_shapes(shape, out_shape)
    if full != tuple(out_shape):
        return RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast shape {list(full)}")
    return None
