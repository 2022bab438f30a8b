"""Helpers shared by the ops: dimension arguments, broadcasting, operand conversion."""
import numbers

import numpy as np

from .._dtype import from_numpy_dtype, get_default_dtype, result_type
from ..tensor import Tensor, _wrap

__all__ = ["canonical_dim", "canonical_dims", "sum_to", "as_operand", "promote", "float_input",
           "NotAnOperand", "qualified_type_name"]


def qualified_type_name(value):
    """``list``, ``Tensor``, ``numpy.ndarray``: how PyTorch's argument errors name a type."""
    t = type(value)
    if t.__module__ == "builtins" or isinstance(value, Tensor):
        return t.__qualname__
    return f"{t.__module__}.{t.__qualname__}"


def canonical_dim(dim, ndim):
    """``dim`` as a non-negative index into ``ndim`` dimensions (negative counts from the end),
    with PyTorch's IndexError for out-of-range values (a 0-d tensor accepts -1 and 0)."""
    n = max(ndim, 1)
    if isinstance(dim, Tensor) and dim._data.ndim == 0 and dim._data.dtype.kind in "iu":
        dim = int(dim._data)  # a 0-d integer tensor is accepted as a dim, as in torch
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, not {type(dim).__name__}")
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim % n if ndim else 0


def canonical_dims(dim, ndim):
    """A dim argument that may be None (all), an int or a sequence, as a sorted tuple of axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, Tensor) and dim._data.ndim == 0:
        dim = canonical_dim(dim, ndim)
    if not isinstance(dim, numbers.Integral) and len(dim) == 0:
        return tuple(range(ndim))  # dim=() reduces over all dimensions, as in PyTorch
    if isinstance(dim, numbers.Integral):
        dims = (canonical_dim(dim, ndim),)
    else:
        dims = tuple(canonical_dim(d, ndim) for d in dim)
        if len(set(dims)) != len(dims):
            repeated = next(d for i, d in enumerate(dims) if d in dims[:i])
            raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
    return tuple(sorted(d for d in dims if d < ndim)) if ndim else ()


def sum_to(grad, shape):
    """Sum a gradient back to the shape of an input that was broadcast to ``grad.shape``."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and grad.shape[lead + i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


_SCALARS = (bool, int, float)


class NotAnOperand(TypeError):
    """An operand that is neither a tensor nor a number (``x + "a"``, ``x * None``). The Tensor
    operators turn it into ``NotImplemented``, so Python raises its usual TypeError."""


def as_operand(x):
    """A Tensor stays; a Python number stays (ops treat it as a constant); numpy arrays, numpy
    scalars and nested lists become tensors; anything else is a ``NotAnOperand`` error."""
    if isinstance(x, Tensor) or type(x) in _SCALARS:
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, numbers.Number):
        return x
    if isinstance(x, (np.ndarray, list, tuple)):
        from ..creation import tensor

        if isinstance(x, np.ndarray) and not x.dtype.isnative:
            # PyTorch converts an operand in the other byte order (torch.tensor would refuse it)
            x = x.astype(x.dtype.newbyteorder("="))

        try:
            return tensor(x)
        except TypeError as exc:
            raise NotAnOperand(str(exc)) from None
    raise NotAnOperand(f"expected a Tensor or a number, but got {type(x).__name__}")


def promote(a, b):
    """Both operands converted to PyTorch's result dtype of ``a op b``.

    Python numbers are left as they are when the tensor's dtype already is the result (numpy then
    keeps that dtype, as PyTorch does); tensors are cast (differentiably) where needed.
    """
    a = as_operand(a)
    b = as_operand(b)
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb:
        if a._data.dtype == b._data.dtype:
            return a, b
    elif ta:
        if a._data.dtype.kind == "f" and type(b) is not bool:
            return a, b
    elif tb:
        if b._data.dtype.kind == "f" and type(a) is not bool:
            return a, b
    if not ta and not tb:
        raise TypeError("expected at least one Tensor operand")
    dtype = result_type(a, b)
    if ta and a._data.dtype != dtype.np:
        a = a.to(dtype)
    elif not ta and type(a) is int and dtype.np.kind in "iu":
        a = _wrap_int(a, dtype.np)
    if tb and b._data.dtype != dtype.np:
        b = b.to(dtype)
    elif not tb and type(b) is int and dtype.np.kind in "iu":
        b = _wrap_int(b, dtype.np)
    return a, b


def _wrap_int(value, np_dtype):
    """A Python int outside an integer dtype's range wraps around, as in PyTorch (``uint8_tensor
    - 3``); numpy would raise OverflowError."""
    info = np.iinfo(np_dtype)
    if info.min <= value <= info.max:
        return value
    return np.array(value & ((1 << (8 * np_dtype.itemsize)) - 1)).astype(np_dtype)[()]


def float_input(t):
    """Integer and bool inputs of float-valued functions (exp, sqrt ...) become the default float
    dtype first, as in PyTorch."""
    if t._data.dtype.kind in "fc":
        return t
    return t.to(get_default_dtype())


def dtype_of(x):
    return from_numpy_dtype(x._data.dtype) if isinstance(x, Tensor) else None


def wrap(data):
    return _wrap(data)
