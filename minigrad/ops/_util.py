"""Helpers shared by the ops: dimension arguments, broadcasting, operand conversion, result
tuples and PyTorch's "not implemented for this dtype" error."""
import collections
import numbers

import numpy as np

from .._dtype import from_numpy_dtype, get_default_dtype, result_type, scalar_type_name
from ..creation import tensor as _tensor_from_data
from ..tensor import Tensor, _wrap, canonical_dim

__all__ = ["canonical_dim", "canonical_dims", "sum_to", "as_operand", "promote", "float_input",
           "NotAnOperand", "qualified_type_name", "return_type"]


def qualified_type_name(value):
    """``list``, ``Tensor``, ``numpy.ndarray``: how PyTorch's argument errors name a type."""
    t = type(value)
    if t.__module__ == "builtins" or isinstance(value, Tensor):
        return t.__qualname__
    return f"{t.__module__}.{t.__qualname__}"


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


def tensor_varargs(tensors):
    """Check the ``*tensors`` of broadcast_tensors, block_diag, cartesian_prod, atleast_nd:
    every one a Tensor (a list is not unpacked), with PyTorch's TypeError otherwise."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return tensors


def c_contiguous(a):
    """``a`` as a C-contiguous array of the same shape, copied only if it is not one already.
    Every array handed to a compiled kernel goes through here: unlike ``np.ascontiguousarray``,
    which makes a 0-d array 1-d, the shape is kept, so a 0-d input gives a 0-d result."""
    return np.asarray(a, order="C")


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
        if isinstance(x, np.ndarray) and not x.dtype.isnative:
            # PyTorch converts an operand in the other byte order (torch.tensor would refuse it)
            x = x.astype(x.dtype.newbyteorder("="))

        try:
            return _tensor_from_data(x)
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


def _not_implemented(kernel, t):
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{scalar_type_name(t._data.dtype)}'")


def _result_repr(self):
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
    return f"minigrad.return_types.{type(self).__name__}(\n{fields})"


def return_type(name, fields=("values", "indices")):
    """The named tuple an op returns (``max(dim)``'s ``(values, indices)`` ...), printed as
    PyTorch prints its ``torch.return_types``."""
    cls = collections.namedtuple(name, fields)
    cls.__repr__ = _result_repr
    return cls
