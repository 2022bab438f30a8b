"""Helpers shared by the ops: dimension arguments, broadcasting, operand conversion."""
import numbers

import numpy as np

from .._dtype import from_numpy_dtype, get_default_dtype, result_type
from ..tensor import Tensor, _wrap

__all__ = ["canonical_dim", "canonical_dims", "sum_to", "as_operand", "promote", "float_input"]


def canonical_dim(dim, ndim):
    """``dim`` as a non-negative index into ``ndim`` dimensions (negative counts from the end),
    with PyTorch's IndexError for out-of-range values (a 0-d tensor accepts -1 and 0)."""
    n = max(ndim, 1)
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
    if isinstance(dim, numbers.Integral):
        dims = (canonical_dim(dim, ndim),)
    else:
        dims = tuple(canonical_dim(d, ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"dim {dims} appears multiple times in the list of dims")
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


def as_operand(x):
    """A Tensor stays; a Python number stays (ops treat it as a constant); numpy arrays, numpy
    scalars and nested lists become tensors."""
    if isinstance(x, Tensor) or type(x) in _SCALARS:
        return x
    if isinstance(x, numbers.Number) and not isinstance(x, np.generic):
        return x
    if isinstance(x, np.generic):
        return x.item()
    from ..creation import tensor

    return tensor(x)


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
    dtype = result_type(a, b)
    if ta and a._data.dtype != dtype.np:
        a = a.to(dtype)
    if tb and b._data.dtype != dtype.np:
        b = b.to(dtype)
    if not ta and not tb:
        raise TypeError("expected at least one Tensor operand")
    return a, b


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
