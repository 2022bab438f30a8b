"""In-place operations: the machinery (``apply_inplace``, in-place writes through a view) and
the writes ``fill_``, ``zero_`` and ``copy_``.

Without autograd an in-place op modifies the tensor's array directly. When a gradient is needed,
the op is computed out of place on a snapshot of the old value and the result is copied into the
tensor, which takes the new node as its ``grad_fn`` (PyTorch "rebases" the history the same
way). Either way the version counter is bumped, so a backward that saved the old array notices.
"""
import numpy as np

from .._dtype import fill_value, result_type
from ..autograd.function import AsStrided, Op, geometry, translate_numpy_error, view_into
from ..autograd.grad_mode import _state
from ..tensor import Tensor, _wrap
from ._util import as_operand, c_contiguous, sum_to
from .conversion import clone

__all__ = ["fill", "fill_", "zero_"]


_CLONE_HINT = "Please clone() the tensor before performing the operation."


def _needs_graph(t, others):
    if not _state.enabled or t._data.dtype.kind != "f":
        return False  # (an integer tensor written from a float that requires grad has none)
    if t._requires_grad:
        return True
    return any(isinstance(o, Tensor) and o._requires_grad for o in others)


def _internal_overlap(arr):
    return 0 in arr.strides and arr.size > 1 and any(s == 0 and n > 1 for s, n in zip(arr.strides, arr.shape))


def check_overlap(t, others=(), fill=False, dest=None):
    """PyTorch's memory-overlap checks before an in-place write into ``t``: ``t`` may not have two
    elements at one address (an ``expand()``ed tensor) unless every element gets the same value
    (``fill``), and an operand may not partly overlap ``t`` (``x[1:] += x[:-1]``): numpy would
    compute such cases as if the operand were copied first, PyTorch refuses them. ``dest``: the
    part of ``t``'s array written, when it is not all of it (``x[1:] = v``)."""
    out = t._data if dest is None else dest
    if not fill and _internal_overlap(out):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            f"single memory location. {_CLONE_HINT}"
        )
    for o in others:
        if not isinstance(o, Tensor):
            continue
        arr = o._data
        if arr is out or not np.may_share_memory(arr, out):  # (a cheap bounds check first)
            continue
        if (arr.shape == out.shape and arr.strides == out.strides
                and arr.__array_interface__["data"][0] == out.__array_interface__["data"][0]):
            continue  # the same elements in the same order (x.add_(x)): fine
        try:
            shared = np.shares_memory(arr, out, max_work=10**6)
        except np.exceptions.TooHardError:
            shared = True
        if shared:
            raise RuntimeError(
                "unsupported operation: some elements of the input tensor and the written-to tensor "
                f"refer to a single memory location. {_CLONE_HINT}"
            )


def writable(t):
    """The array to write ``t``'s new value into: its own, or, for a view made read-only by
    ``expand()`` (numpy's ``broadcast_to``) of a writable base tensor, a writable alias of the same
    memory. Memory that is really read-only (a read-only numpy array shared by ``from_numpy``) is
    an error: minigrad never writes through numpy's flag."""
    arr = t._data
    if arr.flags.writeable:
        return arr
    if arr.size == 0:
        return np.empty(arr.shape, arr.dtype)  # no element to write
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    base = t._base
    if base is None or not base._data.flags.writeable or not root.flags.writeable or not root.flags.c_contiguous:
        raise ValueError(
            "the tensor's memory is read-only (it shares a read-only numpy array): clone() it "
            "before writing to it in place"
        )
    offset = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(arr.shape, arr.dtype, buffer=root.reshape(-1).view(np.uint8),
                      offset=offset, strides=arr.strides)


def apply_inplace(t, graph_fn, write, others=(), fill=False, dest=None):
    """Change ``t`` in place.

    write(array)   modifies t's array directly (used when no gradient is needed);
    graph_fn(old)  computes the new value out of place from a snapshot tensor ``old`` (recorded);
    fill           every element gets the same value (fill_): writing to an expand()ed tensor is fine;
    dest           the part of t's array that is written, if not all of it (for the overlap checks).
    """
    target = writable(t)
    check_overlap(t, others, fill, dest)
    if _needs_graph(t, others):
        if t._base is not None:
            if t._base._requires_grad and t._base.grad_fn is None:
                raise RuntimeError(
                    "a view of a leaf Variable that requires grad is being used in an in-place operation."
                )
            _inplace_on_view(t, graph_fn, write)
            t._vc[0] += 1
            return t
        if t.grad_fn is None and t._requires_grad:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        old = _wrap(t._data.copy())
        old.grad_fn = t.grad_fn
        old._requires_grad = t._requires_grad
        result = graph_fn(old)
        if result._data.shape != t._data.shape:
            raise RuntimeError(
                f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                f"{list(result._data.shape)}"
            )
        np.copyto(target, result._data, casting="same_kind")
        t.grad_fn = result.grad_fn
        t._requires_grad = result._requires_grad
    else:
        try:
            write(target)
        except ValueError as exc:
            err = translate_numpy_error(exc, [t._data] + [_raw(o) for o in others])
            if err is None:
                raise
            raise err from None
        except RuntimeWarning:
            pass  # numpy warns (made an error by a user's filter) after the write is complete
    t._vc[0] += 1
    return t


class CopySlices(Op):
    """The base after an in-place op through one of its views: the old base with the view's
    region replaced by the op's result (PyTorch's CopySlices). The region's gradient goes to the
    result, the rest to the old base."""

    @staticmethod
    def forward(ctx, base, value, geometry):
        ctx.geometry = geometry
        out = np.array(base, order="C")
        view_into(out, geometry)[...] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        grad = c_contiguous(grad)
        need_base, need_value = ctx.needs_input_grad[:2]
        g_value = np.array(view_into(grad, ctx.geometry)) if need_value else None
        g_base = None
        if need_base:
            g_base = grad.copy()
            view_into(g_base, ctx.geometry)[...] = 0
        return g_base, g_value, None

    def name(self):
        return "torch::autograd::CopySlices"

    __slots__ = ("geometry",)


def _inplace_on_view(t, graph_fn, write):
    """An in-place op on view ``t`` when a gradient is needed: compute the new value of the
    view out of place, write it into the base, and give the base a CopySlices node and ``t`` a
    fresh view of it (so both see the op in their history, as in PyTorch)."""
    base = t._base
    if not base._data.flags.c_contiguous:
        raise RuntimeError(
            "minigrad supports in-place operations through a view (when a gradient is needed) "
            "only on views of contiguous tensors: write it out of place, e.g. `y = x.clone()`"
        )
    where = geometry(t, base)
    old_view = clone(AsStrided.apply(base, where))  # the view's current value, in the graph
    result = graph_fn(old_view)
    if result._data.shape != t._data.shape:
        raise RuntimeError(
            f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
            f"{list(result._data.shape)}"
        )
    old_base = _wrap(base._data.copy())
    old_base.grad_fn = base.grad_fn
    old_base._requires_grad = base._requires_grad
    new_base = CopySlices.apply(old_base, result, where)
    if _internal_overlap(t._data):
        # an expand()ed view: its elements share memory, and copying the whole result back
        # would let the last copy of each element win over the written one; the op writes
        # the memory itself instead (x[0] = v of an expanded x sets the shared row)
        write(writable(t))
    else:
        np.copyto(base._data, new_base._data, casting="same_kind")
    base.grad_fn = new_base.grad_fn
    base._requires_grad = new_base._requires_grad
    fresh = AsStrided.apply(base, where)
    t.grad_fn = fresh.grad_fn
    t._requires_grad = fresh._requires_grad
    t._base_fn = base.grad_fn


def _check_cast(t, other):
    res = result_type(t, other)
    if res._category > t.dtype._category:
        raise RuntimeError(
            f"result type {_NAMES.get(res.name, res.name)} can't be cast to the desired output type "
            f"{_NAMES.get(t.dtype.name, t.dtype.name)}"
        )


_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "bool": "Bool",
          "int16": "Short", "int8": "Char", "uint8": "Byte"}


def _raw(x):
    return x._data if isinstance(x, Tensor) else x


def broadcast_error(shape, out_shape):
    """PyTorch's error when an operand of an in-place op does not broadcast to the output's shape."""
    try:
        ok = np.broadcast_shapes(shape, out_shape) == tuple(out_shape)
    except ValueError:
        ok = False
    if ok:
        return None
    try:
        full = list(np.broadcast_shapes(shape, out_shape))
    except ValueError:
        return None  # the op itself reports the size mismatch
    return RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast shape {full}")


class Overwrite(Op):
    """Every element replaced by (a broadcast of) ``value``: no gradient reaches the old value."""

    @staticmethod
    def forward(ctx, a, value, kind="torch::autograd::CopyBackwards"):
        ctx.shape = (np.shape(value), kind, np.asarray(value).dtype)
        return np.array(np.broadcast_to(np.asarray(value, dtype=a.dtype), a.shape))

    @staticmethod
    def backward(ctx, grad):
        shape, _, dtype = ctx.shape  # the value's gradient in the value's dtype
        return np.zeros_like(grad), sum_to(grad, shape).astype(dtype, copy=False), None

    def name(self):  # fill_ with a number / with a 0-d tensor, zero_, copy_
        return self.shape[1]

    @property
    def edge_args(self):  # a number filled in is not one of PyTorch's inputs
        return (0, 1) if self._tensor_args[1] else (0,)

    __slots__ = ("shape",)


def fill_(t, value):
    """Fills this tensor with ``value`` (a number or a 0-d tensor), in place. Returns this tensor.

    Example::

        >>> minigrad.empty(2, 2).fill_(7)
        tensor([[7., 7.],
                [7., 7.]])
    """
    value = as_operand(value)
    if not isinstance(value, Tensor):
        value = fill_value(value, t._data.dtype)
    elif value._data.ndim != 0:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions."
        )
    return _fill(t, value, "FillBackward3" if isinstance(value, Tensor) else "FillBackward2")


def fill(input, value):
    """A new tensor of ``input``'s shape and dtype filled with ``value`` (a number or a 0-d
    tensor): ``fill_`` on a copy. In the graph, ``input`` gets a zero gradient.

    Example::

        >>> minigrad.fill(minigrad.zeros(2), 3)
        tensor([3., 3.])
    """
    return fill_(clone(input), value)


def _fill(t, value, kind):
    return apply_inplace(
        t, lambda old: Overwrite.apply(old, value, kind), lambda data: data.fill(_raw(value)),
        others=(value,), fill=True,
    )


def zero_(t):
    """Fills this tensor with zeros, in place. Returns this tensor.

    Example::

        >>> minigrad.ones(3).zero_()
        tensor([0., 0., 0.])
    """
    return _fill(t, 0, "ZeroBackward0")


def copy_(t, src, non_blocking=False):
    """Copies the elements of ``src`` into this tensor, in place (``src`` is broadcast to this shape and
    converted to this dtype). Returns this tensor.

    Example::

        >>> x = minigrad.zeros(2, 3)
        >>> x.copy_(minigrad.tensor([1, 2, 3]))
        tensor([[1., 2., 3.],
                [1., 2., 3.]])
    """
    src = as_operand(src)
    shape = np.shape(_raw(src))
    try:
        np.broadcast_shapes(shape, t._data.shape)
        if len(shape) > t._data.ndim or np.broadcast_shapes(shape, t._data.shape) != t._data.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({t._data.shape[-1] if t._data.ndim else 1}) must match the size "
            f"of tensor b ({shape[-1] if shape else 1}) at non-singleton dimension {max(t._data.ndim - 1, 0)}"
        ) from None

    def write(data):
        np.copyto(data, _raw(src), casting="unsafe")

    return apply_inplace(t, lambda old: Overwrite.apply(old, src), write, others=(src,))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"fill_": fill_, "zero_": zero_, "copy_": copy_}
