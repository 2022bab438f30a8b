"""More shape and indexing ops: hstack/vstack/dstack, atleast_Nd, movedim, tile,
repeat_interleave, narrow, index_select, masked_select, take_along_dim, broadcast_tensors,
broadcast_shapes, unique, and the in-place scatter_/scatter_add_/tril_/triu_.

Most are compositions of the ops in ``shape.py`` and ``indexing.py`` (so their gradients come
from those); ``index_select`` is its own op (its backward adds into the selected rows).
"""
import numbers

import numpy as np

from .._dtype import scalar_type_name
from ..autograd.function import Op, broadcast_error
from ..tensor import Size, Tensor, _wrap
from ._util import canonical_dim
from .indexing import gather, getitem, scatter, scatter_add
from .shape import cat, expand, permute, repeat, reshape, tril, triu

__all__ = ["hstack", "vstack", "row_stack", "dstack", "column_stack", "atleast_1d", "atleast_2d",
           "atleast_3d", "movedim", "moveaxis", "tile", "repeat_interleave", "narrow",
           "index_select", "masked_select", "take_along_dim", "broadcast_tensors",
           "broadcast_shapes", "unique"]


def _atleast(n, tensors):
    one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    seq = tensors[0] if len(tensors) == 1 and not one else tensors
    out = []
    for t in seq:
        shape = t._data.shape
        if len(shape) < n:
            if n == 3 and len(shape) == 2:
                shape = shape + (1,)
            elif n == 3 and len(shape) == 1:
                shape = (1,) + shape + (1,)
            else:
                shape = (1,) * (n - len(shape)) + shape
            t = reshape(t, shape)
        out.append(t)
    return out[0] if one else tuple(out)


def atleast_1d(*tensors):
    """The tensor(s) viewed with at least one dimension (a 0-d tensor becomes shape (1,)).

    Example::

        >>> minigrad.atleast_1d(minigrad.tensor(5.))
        tensor([5.])
    """
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    """The tensor(s) viewed with at least two dimensions (new leading dimensions of size 1).

    Example::

        >>> minigrad.atleast_2d(minigrad.tensor([1, 2])).shape
        minigrad.Size([1, 2])
    """
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    """The tensor(s) viewed with at least three dimensions (numpy's rule: shape (n,) becomes
    (1, n, 1), (m, n) becomes (m, n, 1)).

    Example::

        >>> minigrad.atleast_3d(minigrad.ones(2, 3)).shape
        minigrad.Size([2, 3, 1])
    """
    return _atleast(3, tensors)


def _tensor_list(tensors, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return list(tensors)


def hstack(tensors):
    """Concatenates tensors horizontally: along dim 1, or dim 0 for 1-d tensors.

    Example::

        >>> minigrad.hstack([minigrad.tensor([1, 2]), minigrad.tensor([3])])
        tensor([1, 2, 3])
    """
    tensors = atleast_1d(_tensor_list(tensors, "hstack"))
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    """Concatenates tensors vertically (along dim 0, 1-d tensors as rows). ``row_stack`` is an
    alias.

    Example::

        >>> minigrad.vstack([minigrad.tensor([1, 2]), minigrad.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    return cat(atleast_2d(_tensor_list(tensors, "vstack")), 0)


row_stack = vstack


def dstack(tensors):
    """Concatenates tensors along the third dimension (after ``atleast_3d``).

    Example::

        >>> minigrad.dstack([minigrad.tensor([1, 2]), minigrad.tensor([3, 4])])
        tensor([[[1, 3],
                 [2, 4]]])
    """
    return cat(atleast_3d(_tensor_list(tensors, "dstack")), 2)


def column_stack(tensors):
    """Stacks tensors as columns: 0-d and 1-d tensors become columns, 2-d ones are joined along
    dim 1.

    Example::

        >>> minigrad.column_stack([minigrad.tensor([1, 2]), minigrad.tensor([3, 4])])
        tensor([[1, 3],
                [2, 4]])
    """
    tensors = _tensor_list(tensors, "column_stack")
    cols = [reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in tensors]
    return cat(cols, 1)


def _dim_list(dims, ndim):
    dims = [dims] if isinstance(dims, numbers.Integral) else list(dims)
    return [canonical_dim(d, ndim) for d in dims]


def movedim(input, source, destination):
    """A view of ``input`` with the dimension(s) ``source`` moved to position(s) ``destination``
    (the other dimensions keep their order). ``moveaxis`` is an alias.

    Example::

        >>> minigrad.movedim(minigrad.zeros(2, 3, 4), 0, -1).shape
        minigrad.Size([3, 4, 2])
    """
    nd = input._data.ndim
    src, dst = _dim_list(source, nd), _dim_list(destination, nd)
    if len(src) != len(dst):
        raise RuntimeError(
            "movedim: Invalid source or destination dims: source "
            f"({list(source) if not isinstance(source, numbers.Integral) else [source]} dims) "
            f"should contain the same number of dims as destination "
            f"({list(destination) if not isinstance(destination, numbers.Integral) else [destination]} dims)")
    for name, ds, given in (("source", src, source), ("destination", dst, destination)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order) if nd else input.view(())


moveaxis = movedim


def tile(input, dims):
    """``input`` repeated ``dims[i]`` times along each dimension; with fewer ``dims`` than
    dimensions, ones are prepended (``repeat`` would refuse).

    Example::

        >>> minigrad.tensor([1, 2]).tile((2,))
        tensor([1, 2, 1, 2])
        >>> minigrad.tile(minigrad.tensor([[1, 2]]), (2, 1))
        tensor([[1, 2],
                [1, 2]])
    """
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, *dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) of ``input`` repeated ``repeats`` times, next to
    each other (``repeat`` repeats the whole tensor). ``repeats`` is an int or a tensor of one
    count per slice; without ``dim`` the input is flattened first.

    Example::

        >>> minigrad.tensor([1, 2]).repeat_interleave(2)
        tensor([1, 1, 2, 2])
        >>> minigrad.repeat_interleave(minigrad.tensor([[1, 2], [3, 4]]), minigrad.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
    """
    if repeats is None:  # repeat_interleave(counts): the indices repeated by their counts
        counts = input._data
        if counts.ndim != 1 or counts.dtype.kind not in "iu":
            raise RuntimeError("repeats must be 1-d integer tensor")
        return _wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    d = canonical_dim(dim, input._data.ndim)
    size = input._data.shape[d] if input._data.ndim else 1
    if isinstance(repeats, Tensor):
        counts = repeats._data
        if counts.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        counts = np.broadcast_to(counts.reshape(-1), (size,)) if counts.size == 1 else counts
        if counts.size != size:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {counts.size} and input.size({d}) = {size}")
    else:
        counts = np.full(size, repeats, dtype=np.int64)
    if np.any(counts < 0):
        raise RuntimeError("repeats can not be negative" if isinstance(repeats, Tensor)
                           else "Repeats must be non-negative")
    index = np.repeat(np.arange(size, dtype=np.int64), counts)
    if input._data.ndim == 0:
        input = reshape(input, (1,))
    return index_select(input, d, _wrap(index))


def narrow(input, dim, start, length):
    """The view of ``input`` of ``length`` elements along ``dim`` from ``start`` (negative
    ``start`` counts from the end).

    Example::

        >>> minigrad.arange(6).reshape(2, 3).narrow(1, 1, 2)
        tensor([[1, 2],
                [4, 5]])
    """
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = canonical_dim(dim, input._data.ndim)
    if isinstance(start, Tensor):
        start = int(start.item())
    size = input._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but "
                         f"got {start})")
    if start < 0:
        start += size
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


class IndexSelect(Op):
    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.meta = (a.shape, dim, index)
        return np.take(a, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.meta
        out = np.zeros(shape, dtype=grad.dtype)
        np.add.at(np.moveaxis(out, dim, 0), index, np.moveaxis(grad, dim, 0))
        return out, None, None

    __slots__ = ("meta",)


def index_select(input, dim, index):
    """The slices of ``input`` along ``dim`` at the positions in ``index`` (a 1-d int64/int32
    tensor; repeats allowed). The gradient adds up into the selected slices.

    Example::

        >>> x = minigrad.tensor([[1, 2, 3], [4, 5, 6]])
        >>> minigrad.index_select(x, 1, minigrad.tensor([2, 0]))
        tensor([[3, 1],
                [6, 4]])
    """
    if not isinstance(index, Tensor):
        raise TypeError("index_select(): argument 'index' (position 3) must be Tensor, not "
                        f"{type(index).__name__}")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = canonical_dim(dim, input._data.ndim)
    idx = index._data.reshape(-1)
    size = input._data.shape[d] if input._data.ndim else 1
    if np.any((idx < 0) | (idx >= size)):  # negative indices too, as in PyTorch
        raise IndexError("index out of range in self")
    if input._data.ndim == 0:  # a 0-d input gives a 0-d result, as in PyTorch
        return reshape(IndexSelect.apply(reshape(input, (1,)), 0, idx), ())
    return IndexSelect.apply(input, d, idx)


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


def broadcast_shapes(*shapes):
    """The shape that tensors of these shapes broadcast to (PyTorch's error if they do not).

    Example::

        >>> minigrad.broadcast_shapes((2, 1), (3,))
        minigrad.Size([2, 3])
    """
    shapes = [(s,) if isinstance(s, numbers.Integral) else tuple(s) for s in shapes]
    for s in shapes:
        for x in s:
            if x < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {x}: {list(s)}")
    acc = []
    for i, s in enumerate(shapes):
        if len(s) > len(acc):
            acc = [1] * (len(s) - len(acc)) + acc
        for k in range(1, len(s) + 1):
            if s[-k] != 1 and acc[-k] != 1 and s[-k] != acc[-k]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {s[-k]} at {-k}! Mismatching "
                    f"argument at index {i} had {tuple(s)}; but expected shape should be "
                    f"broadcastable to {acc}")
            if acc[-k] == 1:
                acc[-k] = s[-k]
    return Size(np.broadcast_shapes(*shapes)) if shapes else Size(())


def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common broadcast shape.

    Example::

        >>> a, b = minigrad.broadcast_tensors(minigrad.tensor([[1], [2]]), minigrad.tensor([3, 4]))
        >>> a
        tensor([[1, 1],
                [2, 2]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    err = broadcast_error(*(t._data.shape for t in tensors))
    if err is not None:
        raise err
    shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements of ``input`` (sorted), as a 1-d tensor; with ``return_inverse`` also
    the position of each input element in it, with ``return_counts`` how often each occurs.
    With ``dim``, the distinct slices along ``dim``. Not differentiable.

    Example::

        >>> minigrad.unique(minigrad.tensor([3, 1, 3, 2]))
        tensor([1, 2, 3])
        >>> _, inverse, counts = minigrad.tensor([3, 1, 3]).unique(return_inverse=True, return_counts=True)
        >>> inverse, counts
        (tensor([1, 0, 1]), tensor([1, 2]))
    """
    a = input._data
    if dim is None:
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(a.shape)
    else:
        d = canonical_dim(dim, a.ndim)
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    out = [_wrap(values)]
    if return_inverse:
        out.append(_wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(_wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


# ------------------------------------------------------------------ in place
def _inplace_from(out_of_place, name):
    def method(self, *args, **kwargs):
        from .inplace import apply_inplace

        others = tuple(a for a in list(args) + list(kwargs.values()) if isinstance(a, Tensor))

        def write(data):
            np.copyto(data, out_of_place(_wrap(data), *args, **kwargs)._data, casting="unsafe")

        return apply_inplace(self, lambda old: out_of_place(old, *args, **kwargs), write,
                             others=others)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"In-place version of ``{name[:-1]}``: writes the result into this tensor "
                      f"and returns it.\n\n    Example::\n\n"
                      f"        >>> x = minigrad.ones(2, 2)\n"
                      f"        >>> x.{name}({_EXAMPLE_ARGS[name]}) is x\n        True\n")
    return method


_EXAMPLE_ARGS = {"scatter_": "1, minigrad.tensor([[0], [1]]), 5.",
                 "scatter_add_": "1, minigrad.tensor([[0], [1]]), minigrad.ones(2, 1)",
                 "tril_": "", "triu_": ""}

METHODS = {
    "scatter_": _inplace_from(scatter, "scatter_"),
    "scatter_add_": _inplace_from(scatter_add, "scatter_add_"),
    "tril_": _inplace_from(tril, "tril_"),
    "triu_": _inplace_from(triu, "triu_"),
    "movedim": movedim, "moveaxis": movedim, "tile": tile, "repeat_interleave": repeat_interleave,
    "narrow": narrow, "index_select": index_select, "masked_select": masked_select,
    "take_along_dim": take_along_dim, "unique": unique,
}
