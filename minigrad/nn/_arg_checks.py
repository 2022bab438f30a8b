"""Argument checks and helpers shared by ``minigrad.nn.functional`` and its losses
(``_functional_loss.py``): PyTorch's type errors and messages, broadcasting checks, and the
wrapper that keeps numpy's floating-point warnings quiet."""
import functools

import numpy as np

from ..autograd.function import broadcast_error
from ..ops._util import qualified_type_name as _qualified_type_name
from ..tensor import Tensor


def _fp_quiet(fn):
    """Run ``fn`` with numpy's floating-point warnings off: inf and NaN propagate silently, as in
    PyTorch, whatever warnings filter the user has set (minigrad's module filter does not apply
    under ``simplefilter("always")``). Only for the functions whose numpy code can warn (sigmoid,
    tanh and the softmax family run kernels that do not): np.errstate costs a few microseconds."""

    @functools.wraps(fn)
    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return quiet


def _type_name(t):
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}[t.dtype.name]


def _check_same_type(input, other):
    if other is not None and other._data.dtype != input._data.dtype:
        raise RuntimeError(
            f"expected scalar type {_type_name(input)} but found {_type_name(other)}"
        )


def _check_tensor_args(fn, **named):
    """PyTorch's TypeError for a non-tensor argument (``None`` is allowed for optional ones)."""
    for pos, (name, (value, optional)) in enumerate(named.items(), 1):
        if not isinstance(value, Tensor) and not (optional and value is None):
            raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{_qualified_type_name(value)}")


def _not_implemented(kernel, t):
    # the kernel names PyTorch's messages mention, so that the text is the same
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(t)}'")


def _broadcast_shapes(*shapes):
    """``torch.broadcast_shapes``, with its error text (``expand`` of a loss weight uses it)."""
    result = [1] * max(len(s) for s in shapes)
    for i, shape in enumerate(shapes):
        for j in range(-1, -1 - len(shape), -1):
            if shape[j] != 1 and shape[j] != result[j]:
                if result[j] != 1:
                    raise RuntimeError(
                        f"Attempting to broadcast a dimension of length {shape[j]} at {j}! "
                        f"Mismatching argument at index {i} had {shape}; but expected shape "
                        f"should be broadcastable to {result}"
                    )
                result[j] = shape[j]
    return tuple(result)


def _broadcast_pair(a_shape, b_shape):
    """The broadcast shape of ``a op b``, or PyTorch's "size of tensor a ..." error."""
    err = broadcast_error(tuple(a_shape), tuple(b_shape))
    if err is not None:
        raise err
    return np.broadcast_shapes(tuple(a_shape), tuple(b_shape))


def _check_into(out_shape, other_shape):
    """PyTorch's errors for ``out.mul_(other)`` when ``other`` does not broadcast into ``out``."""
    full = _broadcast_pair(out_shape, other_shape)
    if tuple(full) != tuple(out_shape):
        raise RuntimeError(
            f"output with shape {list(out_shape)} doesn't match the broadcast shape {list(full)}"
        )
