"""Shape ops: reshape/view, flatten, squeeze/unsqueeze, transpose/permute, expand, cat, stack.

Most return views that share memory with their input (as in PyTorch); their backward only
rearranges the gradient back into the input's shape.
"""
import numbers

import numpy as np

from .._dtype import promote_types, tensor_type_name
from ..autograd.function import Op
from ..tensor import Tensor
from ._util import canonical_dim, canonical_dims

# the names minigrad exports at top level (as torch does); view, expand and repeat are Tensor
# methods only, parse_shape and infer_shape helpers of the ops
__all__ = ["reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "transpose", "permute", "t",
           "broadcast_to", "cat", "stack", "split", "chunk", "unbind", "flip", "roll", "tril",
           "triu"]


def _keyword_sizes(args, kwargs, name, fn):
    """Sizes given positionally, or as torch's keyword (``x.reshape(shape=(2, 3))``)."""
    if not kwargs:
        return args
    unknown = sorted(set(kwargs) - {name})
    if unknown or args:
        raise TypeError(f"{fn}() got an unexpected keyword argument '{unknown[0] if unknown else name}'")
    return (kwargs[name],)


def parse_shape(args):
    """Shape arguments given as ``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])``, as a tuple of ints."""
    if len(args) == 1 and not isinstance(args[0], numbers.Integral):
        args = args[0]
    shape = []
    for s in args:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, numbers.Integral) or isinstance(s, bool):
            raise TypeError(f"shape must be a sequence of ints, but got an element of type {type(s).__name__}")
        shape.append(int(s))
    return tuple(shape)


def infer_shape(shape, numel):
    """Replace a -1 in ``shape`` by the size that makes ``numel`` elements (PyTorch's errors)."""
    shape = list(shape)
    unknown = None
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if unknown is not None:
                raise RuntimeError("only one dimension can be inferred")
            unknown = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {shape}")
        else:
            known *= s
    if unknown is not None:
        if known == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {shape} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous"
                )
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        if numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[unknown] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


class Reshape(Op):
    view = True

    @staticmethod
    def forward(ctx, a, shape, must_view):
        ctx.in_shape = a.shape
        if must_view:
            try:
                return np.reshape(a, shape, copy=False)
            except ValueError:
                raise RuntimeError(
                    "view size is not compatible with input tensor's size and stride (at least one "
                    "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
                ) from None
        return np.reshape(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None, None

    def name(self):
        return "ViewBackward0"

    __slots__ = ("in_shape",)


def reshape(input, *shape, **kwargs):
    """The same elements in a new shape: a view of ``input`` when the memory layout allows it, else a
    copy. One size may be -1 (inferred from the others). Sizes may be given as ints or as one
    tuple/list.

    Example::

        >>> x = minigrad.arange(6)
        >>> x.reshape(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> minigrad.reshape(x, (-1, 2)).shape
        minigrad.Size([3, 2])
    """
    shape = _keyword_sizes(shape, kwargs, "shape", "reshape")
    shape = infer_shape(parse_shape(shape), input._data.size)
    if shape == input._data.shape:
        return Reshape.apply(input, shape, True)
    return Reshape.apply(input, shape, False)


def view(input, *shape, **kwargs):
    """A view of ``input`` (sharing its memory) with a new shape, like ``reshape`` but an error when
    the memory layout does not allow a view (e.g. after ``t()``: use ``reshape``). ``x.view(dtype)``
    reinterprets the same bytes as another dtype.

    Example::

        >>> x = minigrad.arange(6.)
        >>> y = x.view(3, 2)
        >>> y[0, 0] = 100.
        >>> x
        tensor([100.,   1.,   2.,   3.,   4.,   5.])
    """
    if not shape and set(kwargs) == {"dtype"}:
        return view_as_dtype(input, kwargs["dtype"])
    shape = _keyword_sizes(shape, kwargs, "size", "view")
    if len(shape) == 1 and not isinstance(shape[0], (numbers.Integral, tuple, list, Tensor)):
        return view_as_dtype(input, shape[0])
    shape = infer_shape(parse_shape(shape), input._data.size)
    return Reshape.apply(input, shape, True)


def view_as_dtype(input, dtype):
    """``x.view(dtype)``: the same memory read as another dtype (bits reinterpreted, not
    converted), as in PyTorch. With a different element size the last dimension is rescaled.
    Outside the graph (no gradient), sharing the version counter."""
    from .._dtype import scalar_type_name, to_dtype
    from ..tensor import _wrap

    d = to_dtype(dtype)
    a = input._data
    if d.itemsize != a.itemsize:
        ratio = f"{scalar_type_name(a.dtype)} as {scalar_type_name(d)} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {ratio}")
        if a.strides[-1] != a.itemsize and a.shape[-1] != 1:
            raise RuntimeError(
                f"self.stride(-1) must be 1 to view {ratio}, but got {a.strides[-1] // a.itemsize}"
            )
        if d.itemsize > a.itemsize and (a.shape[-1] * a.itemsize) % d.itemsize:
            raise RuntimeError(
                f"self.size(-1) must be divisible by {d.itemsize // a.itemsize} to view {ratio}, "
                f"but got {a.shape[-1]}"
            )
    t = _wrap(a.view(d.np), base=input if input._base is None else input._base)
    return t


def flatten(input, start_dim=0, end_dim=-1):
    """Flattens the dimensions ``start_dim`` to ``end_dim`` (all, by default) into one; a 0-d tensor
    becomes 1-d. A view when possible.

    Example::

        >>> x = minigrad.zeros(2, 3, 4)
        >>> x.flatten().shape
        minigrad.Size([24])
        >>> minigrad.flatten(x, start_dim=1).shape
        minigrad.Size([2, 12])
    """
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, 1)
    s = canonical_dim(start_dim, nd)
    e = canonical_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input._data.shape
    return reshape(input, shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Expands dimension ``dim`` of ``input`` into ``sizes`` (whose product must be its size; one entry
    may be -1).

    Example::

        >>> minigrad.zeros(2, 12).unflatten(1, (3, -1)).shape
        minigrad.Size([2, 3, 4])
    """
    nd = input._data.ndim
    d = canonical_dim(dim, nd)
    shape = input._data.shape
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = infer_shape(sizes, shape[d])
    except RuntimeError as exc:
        if "only one dimension" in str(exc) or "invalid shape dimension" in str(exc):
            raise
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({shape[d]}) in the input tensor"
        ) from None
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def squeeze(input, dim=None):
    """Removes dimensions of size 1: all of them, or those among ``dim`` (an int or a tuple) that have
    size 1. A view of ``input``.

    Example::

        >>> x = minigrad.zeros(2, 1, 3, 1)
        >>> x.squeeze().shape
        minigrad.Size([2, 3])
        >>> minigrad.squeeze(x, 1).shape
        minigrad.Size([2, 3, 1])
    """
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    elif not isinstance(dim, numbers.Integral) and len(dim) == 0:
        new = shape  # squeeze(()) squeezes nothing (unlike a reduction's dim=())
    else:
        dims = canonical_dims(dim, input._data.ndim)
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return Reshape.apply(input, new, True)


def unsqueeze(input, dim):
    """Inserts a dimension of size 1 at position ``dim`` (in ``[-ndim-1, ndim]``; negative counts from
    the end). A view of ``input``.

    Example::

        >>> x = minigrad.tensor([1, 2, 3])
        >>> x.unsqueeze(0)
        tensor([[1, 2, 3]])
        >>> minigrad.unsqueeze(x, -1).shape
        minigrad.Size([3, 1])
    """
    nd = input._data.ndim
    if not -nd - 1 <= dim <= nd:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd - 1}, {nd}], but got {dim})"
        )
    d = dim % (nd + 1)
    shape = input._data.shape
    return Reshape.apply(input, shape[:d] + (1,) + shape[d:], True)


class Permute(Op):
    view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.transpose(a, dims)

    @staticmethod
    def backward(ctx, grad):
        return np.transpose(grad, np.argsort(ctx.dims)), None

    __slots__ = ("dims",)


def permute(input, *dims, **kwargs):
    """A view of ``input`` with its dimensions reordered: dimension ``i`` of the result is dimension
    ``dims[i]`` of ``input``. ``dims`` may be given as ints or as one tuple.

    Example::

        >>> x = minigrad.zeros(2, 3, 4)
        >>> x.permute(2, 0, 1).shape
        minigrad.Size([4, 2, 3])
        >>> minigrad.permute(x, (1, 2, 0)).shape
        minigrad.Size([3, 4, 2])
    """
    dims = _keyword_sizes(dims, kwargs, "dims", "permute")
    dims = parse_shape(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(canonical_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


def transpose(input, dim0, dim1):
    """A view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped (``swapaxes`` is an alias).

    Example::

        >>> x = minigrad.tensor([[1, 2, 3], [4, 5, 6]])
        >>> x.transpose(0, 1)
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
        >>> minigrad.transpose(minigrad.zeros(2, 3, 4), -1, 0).shape
        minigrad.Size([4, 3, 2])
    """
    nd = input._data.ndim
    d0, d1 = canonical_dim(dim0, nd), canonical_dim(dim1, nd)
    if nd == 0:
        return Permute.apply(input, ())
    dims = list(range(nd))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims))


def t(input):
    """The transpose of a matrix (``input`` with at most 2 dimensions; 0-d and 1-d tensors are
    returned as they are). A view.

    Example::

        >>> minigrad.tensor([[1, 2], [3, 4]]).t()
        tensor([[1, 3],
                [2, 4]])
    """
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return input if nd < 2 else transpose(input, 0, 1)


class Expand(Op):
    view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        from ._util import sum_to

        return sum_to(grad, ctx.in_shape), None

    __slots__ = ("in_shape",)


def expand_error(shape, sizes, dtype):
    """PyTorch's error for expanding ``shape`` to ``sizes``, or None if it is possible (also the
    error for ``x[index] = value`` when value does not fit the indexed region)."""
    if len(sizes) < len(shape):
        return RuntimeError(
            f"expand(minigrad.{tensor_type_name(dtype)}{{{list(shape)}}}, size={list(sizes)}): the number of "
            "sizes provided (%d) must be greater or equal to the number of dimensions in the tensor (%d)"
            % (len(sizes), len(shape))
        )
    lead = len(sizes) - len(shape)
    for i in range(lead, len(sizes)):
        s, cur = sizes[i], shape[i - lead]
        if s != -1 and cur != 1 and s != cur:
            return RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
    return None


def expand(input, *sizes, **kwargs):
    """A view of ``input`` broadcast to a larger shape, without copying: dimensions of size 1 are
    repeated, new leading dimensions added; -1 keeps a dimension's size. Writing into the result
    writes the shared elements.

    Example::

        >>> x = minigrad.tensor([[1], [2]])
        >>> x.expand(2, 3)
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> x.expand(4, -1, 2).shape
        minigrad.Size([4, 2, 2])
    """
    sizes = _keyword_sizes(sizes, kwargs, "size", "expand")
    sizes = parse_shape(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise expand_error(shape, sizes, input._data.dtype)
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}")
            target.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
        target.append(s)
    return Expand.apply(input, tuple(target))


def broadcast_to(input, size):
    """``input`` broadcast to ``size``: the same as ``input.expand(size)`` (a view).

    Example::

        >>> minigrad.broadcast_to(minigrad.tensor([1, 2, 3]), (2, 3))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """
    return expand(input, size)


def _legacy_empty(a):
    return a.ndim == 1 and a.shape[0] == 0


class Cat(Op):
    """Join along ``dim``. Legacy empty 1-D tensors (shape (0,)) are skipped when joining others,
    as in PyTorch; they still get their (empty) gradient."""

    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        skip = tuple(_legacy_empty(a) for a in arrays)
        if all(skip):
            skip = (False,) + skip[1:]
        ctx.skip = skip
        joined = [a for a, s in zip(arrays, skip) if not s]
        ctx.bounds = np.cumsum([a.shape[dim] for a in joined])[:-1]
        return np.concatenate(joined, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        pieces = iter(np.split(grad, ctx.bounds, axis=ctx.dim))
        return (None, *(np.zeros(0, grad.dtype) if s else next(pieces) for s in ctx.skip))

    __slots__ = ("dim", "bounds", "skip")


class Stack(Op):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None, *np.moveaxis(grad, ctx.dim, 0))

    __slots__ = ("dim",)


def _common_dtype(tensors, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}")
    if not tensors:
        if name == "stack":
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError(f"minigrad.{name}(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}(): expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    dtype = tensors[0].dtype
    for x in tensors[1:]:
        dtype = promote_types(dtype, x.dtype)
    return [x.to(dtype) for x in tensors]


def cat(tensors, dim=0):
    """Concatenates a sequence of tensors along an existing dimension ``dim``.

    The tensors must have the same shape except in ``dim``; their dtypes are promoted to a common
    one. Legacy empty 1-d tensors (shape (0,)) are skipped, as in PyTorch. ``concat`` is an alias.

    Example::

        >>> a, b = minigrad.zeros(2, 3), minigrad.ones(1, 3)
        >>> minigrad.cat([a, b])
        tensor([[0., 0., 0.],
                [0., 0., 0.],
                [1., 1., 1.]])
        >>> minigrad.cat((a, a), dim=1).shape
        minigrad.Size([2, 6])
    """
    tensors = _common_dtype(tensors, "cat")
    # PyTorch skips legacy empty 1-D tensors (shape (0,)) when joining others
    nonempty = [x for x in tensors if not (x._data.ndim == 1 and x._data.shape[0] == 0)] or tensors[:1]
    ref = nonempty[0]._data
    d = canonical_dim(dim, ref.ndim)
    for i, x in enumerate(nonempty):
        if x._data.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {x._data.ndim}"
            )
        for k in range(ref.ndim):
            if k != d and x._data.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref.shape[k]} but got size {x._data.shape[k]} for tensor number {i} in the list."
                )
    return Cat.apply(d, *tensors)


concat = cat


def stack(tensors, dim=0):
    """Stacks a sequence of tensors of equal shape along a new dimension ``dim``.

    Example::

        >>> a, b = minigrad.tensor([1, 2]), minigrad.tensor([3, 4])
        >>> minigrad.stack([a, b])
        tensor([[1, 2],
                [3, 4]])
        >>> minigrad.stack([a, b], dim=1)
        tensor([[1, 3],
                [2, 4]])
    """
    tensors = _common_dtype(tensors, "stack")
    shape = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                f"{list(x._data.shape)} at entry {i}"
            )
    nd = len(shape) + 1
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return Stack.apply(dim % nd, *tensors)


def split(input, split_size_or_sections, dim=0):
    """Splits ``input`` into pieces along ``dim``: of ``split_size_or_sections`` elements each (the last
    one may be smaller), or of the sizes in a list. The pieces are views.

    Example::

        >>> x = minigrad.arange(5)
        >>> x.split(2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> minigrad.split(x, [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    d = canonical_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if isinstance(split_size_or_sections, numbers.Integral):
        step = int(split_size_or_sections)
        if step <= 0 and n > 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [min(step, n - i) for i in range(0, n, step)] if n else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                f"dimension {d}), but got split_sizes={sizes}"
            )
    pieces, start = [], 0
    index = [slice(None)] * input._data.ndim
    for s in sizes:
        index[d] = slice(start, start + s)
        pieces.append(input[tuple(index)])
        start += s
    return tuple(pieces)


def chunk(input, chunks, dim=0):
    """Splits ``input`` into ``chunks`` pieces of (nearly) equal size along ``dim``; there may be fewer
    pieces if the size does not allow that many. The pieces are views.

    Example::

        >>> minigrad.arange(5).chunk(3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: %d" % chunks)
    n = input._data.shape[canonical_dim(dim, input._data.ndim)]
    return split(input, max(-(-n // chunks), 1), dim)


def unbind(input, dim=0):
    """Removes dimension ``dim``: the tuple of all the slices along it (views).

    Example::

        >>> minigrad.tensor([[1, 2], [3, 4]]).unbind(1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    d = canonical_dim(dim, input._data.ndim)
    index = [slice(None)] * input._data.ndim
    out = []
    for i in range(input._data.shape[d]):
        index[d] = i
        out.append(input[tuple(index)])
    return tuple(out)


# ------------------------------------------------------------------ repeat, flip, roll, tril/triu
class Repeat(Op):
    """``np.tile``: the tensor repeated along each dimension. Backward sums the copies."""

    @staticmethod
    def forward(ctx, a, reps):
        ctx.meta = (a.shape, reps)
        return np.tile(a, reps)  # always a copy

    @staticmethod
    def backward(ctx, grad):
        shape, reps = ctx.meta
        full = (1,) * (len(reps) - len(shape)) + shape
        if grad.size == 0:
            return np.zeros(shape, grad.dtype), None
        split = []
        for r, s in zip(reps, full):
            split += [r, s]  # each dimension of the result as (copy, position in the copy)
        g = np.reshape(grad, split).sum(axis=tuple(range(0, 2 * len(full), 2)))
        return g.reshape(shape), None

    __slots__ = ("meta",)


def repeat(input, *sizes):
    """Repeats this tensor along the specified dimensions (``Tensor.repeat``, numpy's ``tile``).

    ``sizes`` (ints, or one tuple/list) gives the number of copies along each dimension; there
    may be more sizes than dimensions (leading dimensions of size 1 are added). Unlike
    ``expand``, the data is copied.

    Example::

        >>> x = minigrad.tensor([1, 2, 3])
        >>> x.repeat(4, 2)
        tensor([[1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3]])
        >>> x.repeat(4, 2, 1).size()
        minigrad.Size([4, 2, 3])
    """
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = parse_shape(sizes)
    shape = input._data.shape
    if len(reps) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    full = (1,) * (len(reps) - len(shape)) + shape
    out = [r * s for r, s in zip(reps, full)]
    for r in reps:
        if r < 0:
            neg = next(o for o, r2 in zip(out, reps) if r2 < 0)
            raise RuntimeError(f"Trying to create tensor with negative dimension {neg}: {out}")
    return Repeat.apply(input, reps)


def _dims_arg(dims, name):
    """``f(0, 1)``, ``f((0, 1))`` or ``f([0, 1])`` as a tuple of ints."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    for d in dims:
        if not isinstance(d, numbers.Integral) or isinstance(d, bool):
            raise TypeError(f"{name}(): argument 'dims' (position 1) must be tuple of ints, not {type(d).__name__}")
    return dims


class Flip(Op):
    @staticmethod
    def forward(ctx, a, axes):
        ctx.axes = axes
        return np.array(np.flip(a, axes)) if axes else a.copy()

    @staticmethod
    def backward(ctx, grad):
        return (np.flip(grad, ctx.axes) if ctx.axes else grad), None

    __slots__ = ("axes",)


def flip(input, *dims):
    """Reverses the order of the elements along the given dimensions (a copy, not a view).

    Args:
        dims (int or tuple of ints): the dimensions to flip (``x.flip(0, 1)`` or
            ``minigrad.flip(x, (0, 1))``).

    Example::

        >>> x = minigrad.arange(8).view(2, 2, 2)
        >>> minigrad.flip(x, (0, 1))
        tensor([[[6, 7],
                 [4, 5]],
        <BLANKLINE>
                [[2, 3],
                 [0, 1]]])
    """
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    dims = _dims_arg(dims, "flip")
    axes = canonical_dims(dims, input._data.ndim) if dims else ()
    return Flip.apply(input, axes)


class Roll(Op):
    @staticmethod
    def forward(ctx, a, shifts, axes):
        ctx.meta = (shifts, axes)
        return np.roll(a, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        shifts, axes = ctx.meta
        back = -shifts if axes is None else tuple(-s for s in shifts)
        return np.roll(grad, back, axes), None, None

    __slots__ = ("meta",)


def roll(input, shifts, dims=None):
    """Rolls the elements along the given dimensions: those shifted past the last position come
    back at the first. Without ``dims`` the tensor is flattened, rolled and given its shape back.

    Args:
        shifts (int or tuple of ints): by how many places (negative: towards the start).
        dims (int or tuple of ints, optional): the dimensions, one per shift.

    Example::

        >>> x = minigrad.tensor([1, 2, 3, 4, 5, 6, 7, 8]).view(4, 2)
        >>> x.roll(1)
        tensor([[8, 1],
                [2, 3],
                [4, 5],
                [6, 7]])
        >>> x.roll((2, 1), (0, 1))
        tensor([[6, 5],
                [8, 7],
                [2, 1],
                [4, 3]])
    """
    shift_list = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(shifts)
    dim_list = () if dims is None else (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if dims is None and len(shift_list) == 1:
        return Roll.apply(input, int(shift_list[0]), None)
    if len(shift_list) != len(dim_list):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shift_list)}, dims:{len(dim_list)}")
    nd = input._data.ndim
    if nd == 0:
        raise IndexError(f"Dimension specified as {dim_list[0]} but tensor has no dimensions")
    axes = tuple(canonical_dim(d, nd) for d in dim_list)
    return Roll.apply(input, tuple(int(s) for s in shift_list), axes)


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
