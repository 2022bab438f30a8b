"""Argument checks and helpers shared by ``minigrad.nn.functional`` and its losses
(``_functional_loss.py``): PyTorch's type errors and messages, broadcasting checks, the wrapper
that keeps numpy's floating-point warnings quiet, and ``linear``'s cases beyond a Linear
layer's own (PyTorch's checks, in its order, on its routes), so that ``F.linear`` reads as the
layer's call."""
import functools
import math

import numpy as np

from ..autograd.function import broadcast_error
from ..ops import linalg as _linalg
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


# ------------------------------------------------------------------ F.linear
def is_layer_case(input, weight, bias):
    """True for a Linear layer's own call, which ``ops.linalg.affine`` computes as it is: a 2-D
    input and a 2-D weight of one floating-point dtype whose sizes match, and no bias or a 1-D
    bias of that dtype and of the weight's row count."""
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor)):
        return False
    x, w = input._data, weight._data
    if not (x.ndim == 2 and w.ndim == 2 and x.dtype == w.dtype and x.dtype.kind == "f"
            and x.shape[1] == w.shape[1]):
        return False
    return bias is None or (isinstance(bias, Tensor) and bias._data.dtype == w.dtype
                            and bias._data.shape == (w.shape[0],))


def linear_any_case(input, weight, bias):
    """``F.linear`` for everything but a Linear layer's own call: PyTorch's checks on PyTorch's
    route (``addmm`` with a bias and a 2-D input, or a contiguous input and a 1-D bias;
    otherwise ``matmul`` then the bias added into the output)."""
    _check_tensor_args("linear", input=(input, False), weight=(weight, False), bias=(bias, True))
    x, w = input._data, weight._data
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{x.ndim}D and {w.ndim}D")
    fast = x.dtype == w.dtype and x.dtype.kind == "f" and w.ndim == 2
    if bias is not None and (x.ndim == 2 or (bias._data.ndim == 1 and input.is_contiguous())):
        _check_addmm(input, weight, bias)
        if fast and bias._data.shape == (w.shape[0],):
            return _linalg.affine(input, weight, bias)
        out = _linalg.affine(input, weight) if fast else _linalg.matmul(input, weight.t())
        return out + bias
    if fast:
        _check_mat_shapes(input, weight)
    out = _linalg.affine(input, weight) if fast else _linalg.matmul(input, weight.t())
    if bias is None:
        return out
    _check_into(out.shape, bias.shape)  # output.add_(bias) in PyTorch
    if out._data.dtype.kind != "f" and bias._data.dtype.kind == "f":
        raise RuntimeError(f"result type {_type_name(bias)} can't be cast to the desired output "
                           f"type {_type_name(out)}")
    return out + bias.to(out.dtype)


def _check_mat_shapes(input, weight):
    """PyTorch's error when ``input @ weight.T`` cannot be computed (input read as rows)."""
    k = input.shape[-1]
    if k != weight.shape[1]:
        rows = math.prod(input.shape[:-1])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and "
                           f"{weight.shape[1]}x{weight.shape[0]})")


def _check_addmm(input, weight, bias):
    """PyTorch's checks of ``addmm(bias, input.reshape(-1, k), weight.t())``, in its order."""
    if bias._data.dtype != weight._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_type_name(bias)} "
                           f"and {_type_name(weight)}")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_type_name(input)} "
                           f"and {_type_name(weight)}")
    if weight.dim() != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {weight.dim()}-D tensor")
    _check_mat_shapes(input, weight)
    bias.expand(math.prod(input.shape[:-1]), weight.shape[0])  # raises PyTorch's expand errors
