"""Selecting by a mask: ``where``, ``masked_fill``, ``masked_select``, ``masked_scatter``,
``nonzero`` and ``argwhere``. (``masked_scatter`` is in ``scatter_views.py``.)
"""
import numpy as np

from .._dtype import c_type_name, scalar_type_name
from ..autograd.function import Op, broadcast_error
from ..creation import tensor
from ..tensor import Tensor, _wrap
from ._util import as_operand, promote, sum_to
from .arithmetic import _shape
from .broadcast import expand
from .indexing import getitem
from .inplace import apply_inplace

__all__ = ["where", "masked_fill", "masked_select", "nonzero", "argwhere"]


# ------------------------------------------------------------------ selection
class Where(Op):
    edge_args = (1, 2)  # the condition is not one of PyTorch's inputs

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        ctx.shapes = (_shape(a), _shape(b))
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        sa, sb = ctx.shapes
        _, need_a, need_b = ctx.needs_input_grad
        ga = sum_to(np.where(cond, grad, 0).astype(grad.dtype, copy=False), sa) if need_a else None
        gb = sum_to(np.where(cond, 0, grad).astype(grad.dtype, copy=False), sb) if need_b else None
        return None, ga, gb

    __slots__ = ("shapes",)


def where(condition, input=None, other=None):
    """Elements of ``input`` where ``condition`` is True, else of ``other``.

    ``condition`` (a bool tensor), ``input`` and ``other`` broadcast together; ``input`` and
    ``other`` may be numbers, and their types are promoted as for ``add``. The gradient goes to
    ``input`` where the condition holds and to ``other`` elsewhere. ``where(condition)`` alone is
    ``nonzero(condition, as_tuple=True)``. As a method, ``x.where(condition, y)`` is
    ``where(condition, x, y)``.

    Example::

        >>> x = minigrad.tensor([[-1., 2.], [3., -4.]])
        >>> minigrad.where(x > 0, x, 0.)
        tensor([[0., 2.],
                [3., 0.]])
        >>> minigrad.where(x > 0)
        (tensor([0, 1]), tensor([1, 0]))
    """
    if input is None and other is None:
        return nonzero(as_operand(condition), as_tuple=True)
    condition = as_operand(condition)
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{scalar_type_name(cond.dtype)}"
        )
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        # two Python numbers: each is a 0-d tensor of its own type (1.0 -> float32, 1 -> int64)
        input, other = tensor(input), tensor(other)
    a, b = promote(input, other)
    return Where.apply(cond, a, b)


def _mask_and_value(input, mask, value):
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


class MaskedFill(Where):
    """``where(mask, value, input)`` as PyTorch's ``masked_fill`` node: the input first, then
    the value if it is a tensor."""

    def pytorch_graph(self):
        if self._tensor_args[1]:
            return ("MaskedFillBackward1", [2, 1])
        return ("MaskedFillBackward0", [2])

    __slots__ = ()


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
    value = _mask_and_value(input, mask, value)
    err = broadcast_error(mask._data.shape, input._data.shape)
    if err is not None:
        raise err
    return MaskedFill.apply(mask._data, value, input)


def masked_fill_(input, mask, value):
    """In-place version of ``masked_fill``: ``mask`` must broadcast to ``input``'s shape."""
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
    err = broadcast_error(out_shape, shape)
    if err is not None:
        return err
    full = np.broadcast_shapes(shape, out_shape)
    if full != tuple(out_shape):
        return RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast shape {list(full)}")
    return None


def masked_select(input, mask):
    """The elements of ``input`` where the bool ``mask`` is True (they broadcast), as a 1-d
    tensor. The gradient flows back to the selected elements.

    Example::

        >>> x = minigrad.tensor([[1., -2.], [-3., 4.]])
        >>> minigrad.masked_select(x, x > 0)
        tensor([1., 4.])
    """
    if not isinstance(mask, Tensor) or mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    err = broadcast_error(mask._data.shape, input._data.shape)
    if err is not None:
        raise err
    shape = np.broadcast_shapes(input._data.shape, mask._data.shape)
    return getitem(expand(input, shape), _wrap(np.broadcast_to(mask._data, shape).copy()))


def nonzero(input, *, as_tuple=False):
    """The indices of the non-zero elements of ``input``: an int64 tensor of shape (n, ndim), one row
    per element, or with ``as_tuple=True`` one index tensor per dimension (usable as ``x[...]``).

    Example::

        >>> x = minigrad.tensor([[0, 1], [2, 0]])
        >>> minigrad.nonzero(x)
        tensor([[0, 1],
                [1, 0]])
        >>> x.nonzero(as_tuple=True)
        (tensor([0, 1]), tensor([1, 0]))
    """
    idx = np.nonzero(input._data) if input._data.ndim else np.nonzero(input._data.reshape(1))
    if as_tuple:
        return tuple(_wrap(i.astype(np.int64)) for i in idx)
    return _wrap(np.stack(idx, axis=1).astype(np.int64) if input._data.ndim else
                 np.zeros((len(idx[0]), 0), np.int64))


def argwhere(input):
    """The indices of the non-zero elements of ``input``, one row each (``nonzero``).

    Example::

        >>> minigrad.argwhere(minigrad.tensor([[0, 1], [1, 0]]))
        tensor([[0, 1],
                [1, 0]])
    """
    return _wrap(np.argwhere(input._data).astype(np.int64))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"masked_fill": masked_fill, "masked_fill_": masked_fill_, "masked_select": masked_select,
           "nonzero": nonzero, "argwhere": argwhere}
