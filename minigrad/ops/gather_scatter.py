"""Gathering and scattering along a dimension: ``gather``, ``take_along_dim``, ``scatter`` and
``scatter_add``.

``gather``'s backward adds each gradient into the place it was taken from; ``scatter``'s sends
the gradient of the overwritten places to ``src`` and of the others to ``input``.
"""
import numpy as np

from .._dtype import scalar_type_name
from ..autograd.function import Op, broadcast_error
from ..tensor import Tensor, _wrap
from ._util import canonical_dim
from .broadcast import expand
from .shape import reshape

__all__ = ["gather", "take_along_dim", "scatter", "scatter_add"]


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
    edge_args = (0,)  # the index is not one of PyTorch's inputs
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
    def pytorch_graph(self):  # input, and src if it is a tensor (the index is no input)
        return ("ScatterBackward0", [0, 3]) if self._tensor_args[3] else ("ScatterBackward1", [0])

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
    def pytorch_graph(self):  # input, and src if it is a tensor (the index is no input)
        return ("ScatterAddBackward0", [0, 3]) if self._tensor_args[3] else ("ScatterAddBackward0", [0])

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


def take_along_dim(input, indices, dim=None):
    """The values of ``input`` at ``indices`` along ``dim`` (``input`` and ``indices`` broadcast
    in the other dimensions), as ``numpy.take_along_axis``; without ``dim`` both are flattened.
    Pairs with ``argsort``/``argmax(keepdim=True)``.

    Example::

        >>> x = minigrad.tensor([[10, 30, 20], [60, 40, 50]])
        >>> minigrad.take_along_dim(x, x.argsort(dim=1), dim=1)
        tensor([[10, 20, 30],
                [40, 50, 60]])
    """
    if not isinstance(indices, Tensor) or indices._data.dtype.kind not in "iu":
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{scalar_type_name(indices._data.dtype) if isinstance(indices, Tensor) else type(indices).__name__}"
                           .replace("torch.", "minigrad."))
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)).to(np.int64))
    nd = input._data.ndim
    if nd == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if indices._data.ndim != nd:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {nd} dimensions for input, and "
                           f"{indices._data.ndim} dimensions for indices"
                           .replace("torch.", "minigrad."))
    d = canonical_dim(dim, nd)
    ishape, jshape = list(input._data.shape), list(indices._data.shape)
    ishape[d] = jshape[d] = 1
    err = broadcast_error(tuple(ishape), tuple(jshape))
    if err is not None:
        raise err
    common = np.broadcast_shapes(tuple(ishape), tuple(jshape))
    in_shape = list(common)
    in_shape[d] = input._data.shape[d]
    idx_shape = list(common)
    idx_shape[d] = indices._data.shape[d]
    idx = indices._data
    idx = np.where(idx < 0, idx + input._data.shape[d], idx).astype(np.int64)
    return gather(expand(input, in_shape), d, _wrap(np.broadcast_to(idx, idx_shape).copy()))


def _scatter_with_reduce(input, dim, index, src, reduce):
    """``scatter(..., reduce="add"/"multiply")``: ``scatter_reduce`` with the input included."""
    from .scatter_reduction import scatter_reduce

    modes = {"add": "sum", "multiply": "prod"}
    if reduce not in modes:
        raise RuntimeError("reduce argument must be either add or multiply.")
    if not isinstance(src, Tensor):
        src = _wrap(np.full(index._data.shape, src, dtype=input._data.dtype))
    return scatter_reduce(input, dim, index, src, modes[reduce], include_self=True)


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
        reduce (str): "add" or "multiply": combine with the values there instead of replacing
            them (PyTorch's deprecated form of ``scatter_reduce``, whose gradients it has).

    Example::

        >>> src = minigrad.arange(1, 11).reshape((2, 5))
        >>> index = minigrad.tensor([[0, 1, 2, 0]])
        >>> minigrad.zeros(3, 5, dtype=src.dtype).scatter(0, index, src)
        tensor([[1, 0, 0, 4, 0],
                [0, 2, 0, 0, 0],
                [0, 0, 3, 0, 0]])
    """
    if src is None:
        src = value
    if reduce is not None:
        return _scatter_with_reduce(input, dim, index, src, reduce)
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


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"gather": gather, "take_along_dim": take_along_dim, "scatter": scatter,
           "scatter_add": scatter_add}
