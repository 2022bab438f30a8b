"""The ops as ``Tensor`` methods and operators: ``x.exp()`` is ``minigrad.exp(x)``, ``x.sum(1)``
is ``minigrad.sum(x, 1)``, ``x + y`` is ``minigrad.add(x, y)``, ``x[i]`` is ``ops.getitem(x, i)``.

``tensor.py`` defines the Tensor (its data, its place in the graph, conversions); the ops are
defined on top of it, so they cannot be imported by it. ``install`` (called once, at the end of
``ops/__init__.py``) adds them to the class: the operators and the methods below, and every op
family's ``METHODS`` table. (PyTorch generates these bindings; here they are tables.)
"""
import numpy as np

from .. import _device, _dtype, _legacy
from ..creation import as_tensor, empty, full, ones, tensor, zeros
from ..tensor import Tensor, _wrap
from . import (activation, activation_piecewise, arithmetic, broadcast, clamping, comparison,
               cumulative, diagonals, floating_point, gather_scatter, histograms, index_rows,
               inplace, inplace_arithmetic, inplace_variants, inplace_views, integer, linalg,
               masking, min_max, norms, permutation, pointwise, products, rearrange, reduction,
               rounding, sampling, scatter_reduction, scatter_views, shape, slicing, sorting,
               special_functions, statistics, tensor_queries, trigonometric)
from ._arg_parser import METHOD_EXTRA_KEYWORDS, METHOD_KEYWORD_RENAMES, torch_method
from ._util import NotAnOperand
from .._deprecation import warn_once
from .conversion import cast, clone
from .indexing import getitem, setitem

FAMILIES = (arithmetic, rounding, comparison, clamping, floating_point, integer, pointwise,
            trigonometric, special_functions, activation, activation_piecewise, reduction, min_max, cumulative,
            statistics, histograms, norms, shape, permutation, broadcast, slicing, rearrange,
            diagonals, index_rows, gather_scatter, scatter_reduction, scatter_views, masking,
            linalg, products, sorting, sampling, inplace, inplace_arithmetic, inplace_variants,
            inplace_views, tensor_queries)


# ------------------------------------------------------------------ operators
def _operator(fn, name, reflected=False):
    """``x <op> y`` as ``fn(x, y)`` (``fn(y, x)`` for the reflected ``y <op> x``). An operand that
    is neither a tensor nor a number gives ``NotImplemented``, so that Python tries the other
    operand's method and then raises its usual TypeError."""
    if reflected:
        def method(self, other):
            try:
                return fn(other, self)
            except NotAnOperand:
                return NotImplemented
    else:
        def method(self, other):
            try:
                return fn(self, other)
            except NotAnOperand:
                return NotImplemented
    method.__name__, method.__qualname__ = name, f"Tensor.{name}"
    return method


def _inplace_operator(method_name, name):
    """``x += y`` is ``x.add_(y)`` (the tensor's own method, looked up when it runs)."""
    def method(self, other):
        return getattr(self, method_name)(other)

    method.__name__, method.__qualname__ = name, f"Tensor.{name}"
    return method


_BINARY_OPERATORS = {  # x.__add__(y) is add(x, y); x.__radd__(y) (for y + x) is add(y, x)
    "add": arithmetic.add, "sub": arithmetic.sub, "mul": arithmetic.mul, "truediv": arithmetic.div,
    "pow": arithmetic.pow, "floordiv": rounding.floor_divide, "mod": rounding.remainder,
    "lshift": integer.bitwise_left_shift, "rshift": integer.bitwise_right_shift,
}
_COMPARISONS = {"eq": comparison.eq, "ne": comparison.ne, "lt": comparison.lt, "le": comparison.le,
                "gt": comparison.gt, "ge": comparison.ge}
_LOGIC = {"and": integer.bitwise_and, "or": integer.bitwise_or,  # (y & x is x & y)
          "xor": integer.bitwise_xor}
_INPLACE_OPERATORS = {"add": "add_", "sub": "sub_", "mul": "mul_", "truediv": "div_",
                      "floordiv": "floor_divide_", "mod": "remainder_", "pow": "pow_",
                      "and": "bitwise_and_", "or": "bitwise_or_", "xor": "bitwise_xor_",
                      "lshift": "bitwise_left_shift_", "rshift": "bitwise_right_shift_"}


def __matmul__(self, other):
    if not isinstance(other, Tensor):
        if not isinstance(other, np.ndarray):
            return NotImplemented
        if not other.dtype.isnative:  # torch converts an operand in the other byte order
            other = other.astype(other.dtype.newbyteorder("="))
        other = as_tensor(other)
    return linalg.matmul(self, other)


def __rmatmul__(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return linalg.matmul(other, self)


def __neg__(self):
    return arithmetic.neg(self)


def __pos__(self):
    if self._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return self


def __abs__(self):
    return pointwise.abs(self)


def __invert__(self):
    return integer.bitwise_not(self)


def __getitem__(self, index):
    return getitem(self, index)


def __setitem__(self, index, value):
    setitem(self, index, value)


def __delitem__(self, index):
    raise TypeError("Tensor does not support deleting items")


# numpy functions on tensors: the arithmetic and comparison ufuncs are minigrad's ops
_UFUNC_OPS = {
    np.add: arithmetic.add, np.subtract: arithmetic.sub, np.multiply: arithmetic.mul,
    np.true_divide: arithmetic.div, np.floor_divide: rounding.floor_divide,
    np.remainder: rounding.remainder, np.power: arithmetic.pow, np.matmul: linalg.matmul,
    np.equal: comparison.eq, np.not_equal: comparison.ne, np.less: comparison.lt,
    np.less_equal: comparison.le, np.greater: comparison.gt, np.greater_equal: comparison.ge,
    np.bitwise_and: integer.bitwise_and, np.bitwise_or: integer.bitwise_or,
    np.bitwise_xor: integer.bitwise_xor, np.left_shift: integer.bitwise_left_shift,
    np.right_shift: integer.bitwise_right_shift,
}


def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
    """numpy functions on tensors. The arithmetic and comparison ufuncs (so ``ndarray + tensor``,
    ``np.add(t, 1)``, ``t == ndarray``) are minigrad's ops: a tensor with torch's type promotion
    and autograd. Any other ufunc (``np.exp(t)``) runs on the arrays and gives a tensor, as in
    torch; like ``numpy()``, that is an error for a tensor that requires grad."""
    op = _UFUNC_OPS.get(ufunc)
    if op is not None and method == "__call__" and not kwargs and len(inputs) == 2:
        a, b = (as_tensor(x) if isinstance(x, np.ndarray) else x for x in inputs)
        return op(a, b)
    inputs = tuple(x.numpy() if isinstance(x, Tensor) else x for x in inputs)
    out = kwargs.get("out")
    if out is not None:  # written in place (ndarray += tensor): the result is what was written to
        kwargs["out"] = tuple(x.numpy() if isinstance(x, Tensor) else x for x in out)
        getattr(ufunc, method)(*inputs, **kwargs)
        return out[0] if len(out) == 1 else out
    result = getattr(ufunc, method)(*inputs, **kwargs)
    return tuple(_ufunc_result(r) for r in result) if isinstance(result, tuple) else _ufunc_result(result)


def _ufunc_result(r):
    # arrays of a dtype minigrad has become tensors; anything else (float16, a Python scalar ...) stays
    if type(r) is np.ndarray and r.dtype in _dtype._by_numpy:
        return _wrap(r)
    return r


# ------------------------------------------------------------------ methods that are not functions
def T(self):
    """The tensor with its dimensions reversed (``permute(n-1, ..., 0)``), a view.

    Example::

        >>> minigrad.zeros(2, 3, 4).T.shape
        minigrad.Size([4, 3, 2])
    """
    ndim = self._data.ndim
    if ndim == 0:
        warn_once("Tensor.T is deprecated on 0-D tensors. This function is the identity in these "
                  "cases.")
    elif ndim != 2:
        warn_once("The use of `x.T` on tensors of dimension other than 2 to reverse their shape "
                  "is deprecated and it will throw an error in a future release. Consider `x.mT` "
                  "to transpose batches of matrices or "
                  "`x.permute(*minigrad.arange(x.ndim - 1, -1, -1))` to reverse the dimensions "
                  "of a tensor.")
    return permutation.permute(self, tuple(range(ndim - 1, -1, -1)))


def mT(self):
    """The transpose of the last two dimensions (a batch of matrices transposed), a view.

    Example::

        >>> minigrad.zeros(5, 2, 3).mT.shape
        minigrad.Size([5, 3, 2])
    """
    return permutation.transpose(self, -2, -1)


def H(self):
    """The conjugate transpose of a matrix; minigrad's tensors are real, so the transpose of a
    2-D tensor (a view). A 0-d tensor is returned as it is, with PyTorch's deprecation warning.

    Example::

        >>> minigrad.zeros(2, 3).H.shape
        minigrad.Size([3, 2])
    """
    ndim = self._data.ndim
    if ndim == 0:
        warn_once("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().")
        return self
    if ndim != 2:
        extra = " For batches of matrices, consider using tensor.mH" if ndim > 2 else ""
        raise RuntimeError("tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{ndim}-D tensor.{extra}")
    return permutation.transpose(self, 0, 1)


def clone_method(self, memory_format=None):
    """A copy of the tensor (new memory), recorded in the graph (see ``minigrad.clone``).

    Example::

        >>> x = minigrad.tensor([1., 2.])
        >>> y = x.clone()
        >>> y[0] = 10.
        >>> x
        tensor([1., 2.])
    """
    return clone(self)


def contiguous(self, memory_format=None):
    """This tensor if its memory is contiguous, else a contiguous copy (``clone``).

    Example::

        >>> x = minigrad.zeros(2, 3).t()
        >>> x.contiguous().is_contiguous()
        True
    """
    return self if self._data.flags.c_contiguous else clone(self)


def to(self, *args, **kwargs):
    """The tensor converted to another dtype (``x.to(minigrad.float64)``, ``x.to(other_tensor)``,
    ``x.to(dtype=...)``); the tensor itself when nothing changes (unless ``copy=True``). The
    conversion is differentiable between floating-point types. Devices other than "cpu" are errors.

    Example::

        >>> x = minigrad.tensor([1.5, -2.5])
        >>> x.to(minigrad.int64)
        tensor([ 1, -2])
        >>> x.to("cpu") is x
        True
    """
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    device = kwargs.pop("device", None)
    kwargs.pop("non_blocking", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, (str, _device.device)):
            device = a
        else:
            dtype = a
    if device is not None:
        _device.place(device, "to")  # PyTorch's error for anything but the CPU
    if dtype is None:
        return self.clone() if copy else self
    dtype = _dtype.to_dtype(dtype)
    if dtype.np == self._data.dtype:
        return self.clone() if copy else self
    return cast(self, dtype)


def type_as(self, other):
    """``x.type_as(other)``: ``x`` converted to ``other``'s dtype (``x`` itself if it already has
    it).

    Example::

        >>> minigrad.tensor([1.7, 2.2]).type_as(minigrad.tensor([0]))
        tensor([1, 2])
    """
    return self.to(other.dtype)


def ndimension(self):
    """``x.ndimension()``: the number of dimensions (``x.dim()``).

    Example::

        >>> minigrad.zeros(2, 3).ndimension()
        2
    """
    return self._data.ndim


def where(self, condition, other):
    """``x.where(condition, y)``: ``minigrad.where(condition, x, y)``, the elements of this tensor
    where ``condition`` is True, else of ``y``.

    Example::

        >>> x = minigrad.tensor([-1., 2.])
        >>> x.where(x > 0, minigrad.tensor(0.))
        tensor([0., 2.])
    """
    return masking.where(condition, self, other)


def view_as(self, other):
    """``x.view_as(other)``: ``x.view(other.shape)``.

    Example::

        >>> minigrad.arange(6).view_as(minigrad.zeros(2, 3)).shape
        minigrad.Size([2, 3])
    """
    return shape.view(self, other.shape)


def reshape_as(self, other):
    """``x.reshape_as(other)``: ``x.reshape(other.shape)``.

    Example::

        >>> minigrad.arange(6).reshape_as(minigrad.zeros(3, 2)).shape
        minigrad.Size([3, 2])
    """
    return shape.reshape(self, other.shape)


def expand_as(self, other):
    """``x.expand_as(other)``: ``x.expand(other.shape)``, a broadcast view.

    Example::

        >>> minigrad.tensor([[1], [2]]).expand_as(minigrad.zeros(2, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    return broadcast.expand(self, other.shape)


# ------------------------------------------------------------------ new tensors like this one
def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """A new tensor from ``data`` with this tensor's dtype (unless ``dtype`` is given).

    Example::

        >>> x = minigrad.zeros(2, dtype=minigrad.float64)
        >>> x.new_tensor([1, 2]).dtype
        minigrad.float64
    """
    return tensor(data, dtype=self.dtype if dtype is None else dtype, device=device,
                  requires_grad=requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros of the given size, with this tensor's dtype (unless ``dtype`` is given).

    Example::

        >>> minigrad.tensor([1, 2]).new_zeros(2, 2)
        tensor([[0, 0],
                [0, 0]])
    """
    return zeros(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                 requires_grad=requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    """A tensor of ones of the given size, with this tensor's dtype (unless ``dtype`` is given).

    Example::

        >>> minigrad.zeros(1, dtype=minigrad.float64).new_ones(3).dtype
        minigrad.float64
    """
    return ones(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                requires_grad=requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of the given size, with this tensor's dtype (unless ``dtype`` is given).

    Example::

        >>> minigrad.tensor([1, 2]).new_empty(2, 3).shape
        minigrad.Size([2, 3])
    """
    return empty(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                 requires_grad=requires_grad)


def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of the given size filled with ``fill_value``, with this tensor's dtype (unless
    ``dtype`` is given).

    Example::

        >>> minigrad.zeros(1).new_full((2, 2), 7.)
        tensor([[7., 7.],
                [7., 7.]])
    """
    return full(size, fill_value, dtype=self.dtype if dtype is None else dtype, device=device,
                requires_grad=requires_grad)


_OWN_METHODS = {
    "__matmul__": __matmul__, "__rmatmul__": __rmatmul__, "__neg__": __neg__, "__pos__": __pos__,
    "__abs__": __abs__, "__invert__": __invert__, "__getitem__": __getitem__,
    "__setitem__": __setitem__, "__delitem__": __delitem__, "__array_ufunc__": __array_ufunc__, "T": property(T),
    "mT": property(mT), "H": property(H), "clone": clone_method, "contiguous": contiguous, "to": to,
    "type_as": type_as, "ndimension": ndimension, "where": where, "view_as": view_as,
    "reshape_as": reshape_as, "expand_as": expand_as, "new_tensor": new_tensor,
    "new_zeros": new_zeros, "new_ones": new_ones, "new_empty": new_empty, "new_full": new_full,
    "new": _legacy.new, "type": _legacy.type_method,
}


def install(cls):
    """Add the operators and every op family's methods to ``cls`` (the Tensor)."""
    for family in FAMILIES:
        for name, fn in family.METHODS.items():
            setattr(cls, name, torch_method(fn, name))  # with PyTorch's keyword aliases
    for name, fn in _BINARY_OPERATORS.items():
        setattr(cls, f"__{name}__", _operator(fn, f"__{name}__"))
        # 2 + x is add(x, 2) in PyTorch (its graph lists x first); 2 - x is rsub(x, 2)
        setattr(cls, f"__r{name}__", _operator(fn, f"__r{name}__", reflected=name not in ("add", "mul")))
    for name, fn in _LOGIC.items():
        setattr(cls, f"__{name}__", _operator(fn, f"__{name}__"))
        setattr(cls, f"__r{name}__", getattr(cls, f"__{name}__"))
    for name, fn in _COMPARISONS.items():
        setattr(cls, f"__{name}__", _operator(fn, f"__{name}__"))
    for name, method in _INPLACE_OPERATORS.items():
        setattr(cls, f"__i{name}__", _inplace_operator(method, f"__i{name}__"))
    for name, member in _OWN_METHODS.items():
        fn = member.fget if isinstance(member, property) else member
        fn.__name__, fn.__qualname__ = name, f"{cls.__name__}.{name}"
        setattr(cls, name, member)
    # PyTorch's parameter names and extra keywords for the methods not in the tables above
    # (Tensor.float(memory_format=...), Tensor.copy_(other) ...)
    for name in set(METHOD_EXTRA_KEYWORDS) | set(METHOD_KEYWORD_RENAMES):
        fn = cls.__dict__.get(name)
        if fn is not None and not hasattr(fn, "__wrapped__"):
            setattr(cls, name, torch_method(fn, name))
