"""Indexing: ``x[i]``, ``x[1:3, ::2]``, ``x[idx, target]`` (integer arrays), ``x[mask]``,
``x[...] = value``, and ``unravel_index``.

``index_expression.py`` reads the index as PyTorch does; here it is applied. Basic indices
(ints, slices, None, Ellipsis) give views, one node per view as in PyTorch's graph; integer
arrays and masks then gather a copy (``IndexBackward0``), whose backward adds the gradient back
into the indexed positions (repeats add up). ``x[index] = value`` writes in place; when a
gradient is needed it enters the graph as an out-of-place write (``IndexPut``).
"""
import numbers

import numpy as np

from .._dtype import _C_TYPES, fill_value, scalar_type_name, tensor_type_name
from .._ops import index_add_rows as add_rows
from ..autograd.function import Op
from ..autograd.grad_mode import _state
from ..tensor import Tensor, _wrap
from ._util import c_contiguous, qualified_type_name, sum_to
from .broadcast import Expand, expand_error
from .index_expression import ALIAS, SELECT, parse_index
from .inplace import apply_inplace
from .shape import Reshape

__all__ = ["unravel_index"]


class BasicView(Op):
    """One step of basic indexing (a select, a slice, a new dimension, or an alias of the whole
    tensor): a view. The gradient goes back into the viewed positions."""

    @staticmethod
    def forward(ctx, a, items, kind):
        ctx.meta = (a.shape, items, kind)
        out = a[items]
        if type(out) is not np.ndarray:  # an element: index again with "..." for a 0-d view
            out = a[items + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, grad):
        shape, items, _ = ctx.meta
        out = np.zeros(shape, dtype=grad.dtype)
        out[items] = grad
        return out, None, None

    def name(self):
        return self.meta[2]

    __slots__ = ("meta",)


class Index(Op):
    """Advanced indexing (integer arrays, masks as their coordinates): a copy. The gradient of
    repeated positions adds up."""

    @staticmethod
    def forward(ctx, a, index, region):
        ctx.meta = (a.shape, index)
        if 0 in region:  # numpy would still check the indices' range; PyTorch does not
            return np.empty(region, a.dtype)
        return c_contiguous(a[index])  # (0-d stays 0-d)

    @staticmethod
    def backward(ctx, grad):
        shape, index = ctx.meta
        out = np.zeros(shape, dtype=grad.dtype)
        if grad.size:
            index_add(out, index, grad)
        return out, None, None

    def name(self):
        return "IndexBackward0"

    __slots__ = ("meta",)


def index_add(out, index, values):
    """``out[index] += values`` with repeated positions adding up (``np.add.at``); one integer
    array over the first dimension (``C[X]``, an embedding lookup) goes to the compiled kernel,
    which is many times faster and adds each row's contributions in a fixed order."""
    if (len(index) == 1 and out.ndim >= 1 and out.dtype.kind == "f" and out.flags.c_contiguous
            and out.size):
        rows = index[0]
        rows = np.where(rows < 0, rows + out.shape[0], rows).reshape(-1)
        add_rows(out.reshape(out.shape[0], -1), rows,
                 np.ascontiguousarray(values, dtype=out.dtype).reshape(rows.size, -1))
    else:
        np.add.at(out, index, values)


def _sliced(input, plan):
    """Stage 1 of ``x[index]``: the view the basic items give, as PyTorch's chain of views when
    the graph records it (``x[0, 1:3]`` is a Select then a Slice)."""
    steps = plan.steps
    if not steps:
        if plan.advanced is not None:
            return input  # the index arrays apply to the tensor itself
        return BasicView.apply(input, (Ellipsis,), ALIAS)  # x[...], x[:, :]: a new view
    if len(steps) == 1:
        return BasicView.apply(input, steps[0][1], steps[0][0])
    if _state.enabled and input._requires_grad:
        for kind, items in steps:
            input = BasicView.apply(input, items, kind)
        return input
    return BasicView.apply(input, plan.basic, steps[-1][0])  # one numpy step (not recorded)


def getitem(input, index):
    """``input[index]``, read as PyTorch reads it (``index_expression.py``)."""
    shape = input._data.shape
    if type(index) is int and shape and -shape[0] <= index < shape[0]:
        return BasicView.apply(input, (index,), SELECT)  # x[i], the commonest index, directly
    if type(index) is Tensor and index._data.dtype == np.int64 and index._data.ndim and shape:
        rows = index._data  # x[idx], C[X]: one integer tensor, in range
        if rows.size and shape[0] and -shape[0] <= rows.min() and rows.max() < shape[0]:
            return Index.apply(input, (rows,), rows.shape + shape[1:])
    plan = parse_index(index, shape)
    sliced = _sliced(input, plan)
    if plan.advanced is None:
        return sliced
    plan.check_bounds()
    return Index.apply(sliced, plan.advanced, plan.region)


class IndexPut(Op):
    """``out = a.clone(); out[index] = value``, out of place (how ``x[index] = value`` enters the
    graph): the gradient of ``a`` is zero where it was overwritten, ``value`` gets the gradient
    of the region it was written to (summed where it was broadcast), in its own dtype."""

    edge_args = (0, 1)  # a number written is a tensor input in PyTorch's graph too

    @staticmethod
    def forward(ctx, a, value, plan):
        value = np.asarray(value)
        ctx.meta = (value.shape, value.dtype, plan)
        out = a.copy()
        _write(out, plan, value)
        return out

    @staticmethod
    def backward(ctx, grad):
        value_shape, value_dtype, plan = ctx.meta
        ga = np.array(grad)  # (a 0-d gradient may come as a numpy scalar)
        _write(ga, plan, np.zeros((), ga.dtype))
        gv = None
        if ctx.needs_input_grad[1]:
            region = grad[plan.basic]
            if plan.advanced is not None:
                region = region[plan.advanced] if 0 not in plan.region else np.zeros(plan.region)
            stripped = _strip_leading_ones(value_shape)
            gv = sum_to(np.asarray(region), stripped).reshape(value_shape).astype(value_dtype)
        return ga, gv, None

    def name(self):
        value_shape, _, plan = self.meta
        if plan.steps:
            return "torch::autograd::CopySlices"  # written through a view of the tensor
        if plan.advanced is not None:
            return "IndexPutBackward0"
        filled = not value_shape and plan.region != ()  # a 0-d value spread over the tensor
        return "FillBackward3" if filled else "torch::autograd::CopyBackwards"

    __slots__ = ("meta",)


def _strip_leading_ones(shape):
    """PyTorch drops a value's leading size-1 dimensions before fitting it to the region."""
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return tuple(shape[k:])


def _write(data, plan, value):
    """Write ``value`` (already checked) into ``data[index]``."""
    region = data[plan.basic]
    if type(region) is not np.ndarray:
        region = data[plan.basic + (Ellipsis,)]
    value = value.reshape(_strip_leading_ones(value.shape))
    if plan.advanced is not None:
        if 0 in plan.region:
            return  # nothing to write (numpy would still check the indices' range)
        region[plan.advanced] = value
    else:
        region[...] = value


def _value_operand(input, value):
    """``valueToTensor``: a tensor as it is, a Python number as the tensor's dtype (with
    PyTorch's overflow errors); anything else is PyTorch's TypeError."""
    if isinstance(value, Tensor):
        return value
    np_dtype = input._data.dtype
    if isinstance(value, (bool, int, float, np.integer)):
        return np.asarray(fill_value(value, np_dtype, unpack=True), dtype=np_dtype)
    if isinstance(value, complex):
        raise RuntimeError(f"value cannot be converted to type {_C_TYPES.get(np_dtype.name, 'bool')} "
                           "without overflow")
    raise TypeError(f"can't assign a {qualified_type_name(value)} to a "
                    f"minigrad.{tensor_type_name(np_dtype)}")


def _check_value(input, plan, value):
    """PyTorch's checks of the value against the region it is written to, in its order."""
    shape = tuple(value._data.shape) if isinstance(value, Tensor) else ()
    dtype = value._data.dtype if isinstance(value, Tensor) else input._data.dtype
    region = plan.region
    if plan.advanced is None:  # copy_to: equal shapes, a 0-d value, or an expandable one
        if shape != region and shape:
            err = expand_error(_strip_leading_ones(shape), region, dtype)
            if err is not None:
                raise err
        return
    if plan.mask and int(np.prod(shape)) == 1:  # a masked fill with the value's single element
        if plan.mask == "uint8":
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                               "unsigned char")
        return
    stripped = _strip_leading_ones(shape)
    try:
        fits = np.broadcast_shapes(stripped, region) == tuple(region)
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(stripped)} cannot be "
                           f"broadcast to indexing result of shape {list(region)}")
    if dtype != input._data.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{scalar_type_name(input._data.dtype)} for the destination and "
            f"{scalar_type_name(dtype)} for the source.")


def _fitted(value, plan):
    """A value tensor fitted to the region as PyTorch fits it, so that the graph shows the same
    nodes: leading size-1 dimensions viewed away, and, for a basic index, expanded."""
    shape = value._data.shape
    stripped = _strip_leading_ones(shape)
    if plan.advanced is not None:  # index_put_: viewed only if it has leading 1s
        return value if stripped == shape else Reshape.apply(value, stripped, True)
    if shape == plan.region or not shape:  # copy_to: a copy, a fill, or view then expand
        return value
    value = Reshape.apply(value, stripped, True)
    return value if stripped == plan.region else Expand.apply(value, plan.region)


def setitem(input, index, value):
    """``input[index] = value`` in place (recorded in the graph when a gradient is needed), read
    and checked as PyTorch does it: the value is converted first, then the index is read."""
    value = _value_operand(input, value)
    if index is False:
        return  # PyTorch writes nothing, and checks nothing more
    plan = parse_index(index, input._data.shape,
                       value._data.size if isinstance(value, Tensor) else 1)
    if input._requires_grad and input.grad_fn is None and _state.enabled:
        if plan.steps:  # PyTorch writes through a view of the tensor, hence its message
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    _check_value(input, plan, value)
    plan.check_bounds()
    if isinstance(value, Tensor):
        value = _fitted(value, plan)
        raw = value._data
    else:
        raw = value

    def write(data):
        _write(data, plan, raw)

    dest = None  # the region written (a view for basic indexing), for apply_inplace's overlap checks
    if plan.advanced is None:
        dest = input._data[plan.basic]
        if type(dest) is not np.ndarray:
            dest = input._data[plan.basic + (Ellipsis,)]
    apply_inplace(input, lambda old: IndexPut.apply(old, value, plan), write,
                  others=(value,), fill=dest is None, dest=dest)


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
