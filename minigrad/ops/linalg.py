"""Matrix products: ``matmul`` (``@``), ``mm``, ``bmm``, and the fused affine map of a Linear layer
(``affine``, the op behind ``nn.functional.linear``).

Float products run in the compiled GEMM (``_ops.matmul``), which reads transposed operands through
their strides: the backward ``grad @ Bᵀ`` and ``Aᵀ @ grad`` never copy a matrix.
"""
import numpy as np

from .. import _ops
from .._dtype import c_type_name, scalar_type_name
from ..autograd.function import Op, broadcast_error
from ..tensor import Tensor, _wrap
from ._util import c_contiguous, sum_to

# affine is nn.functional.linear's op (torch has no torch.linear)
__all__ = ["matmul", "mm", "bmm", "dot", "mv"]

_FLOATS = (np.float32, np.float64)


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


class MatMul(Op):
    """2-D matrix product C = A @ B."""

    saved_for = ((1,), (0,))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _ops.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = _ops.matmul(grad, b.T) if need_a else None  # dL/dA = dL/dC @ Bᵀ
        gb = _ops.matmul(a.T, grad) if need_b else None  # dL/dB = Aᵀ @ dL/dC
        return ga, gb

    def name(self):
        return "MmBackward0"

    __slots__ = ()


class BatchedMatMul(Op):
    """Batched product with broadcast batch dimensions: (..., M, K) @ (..., K, N)."""

    saved_for = ((1,), (0,))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        n = _prod(batch)  # explicit, not -1: a matrix dimension may be 0
        a3 = np.broadcast_to(a, batch + a.shape[-2:]).reshape((n,) + a.shape[-2:])
        b3 = np.broadcast_to(b, batch + b.shape[-2:]).reshape((n,) + b.shape[-2:])
        return _ops.bmm(a3, b3).reshape(batch + (a.shape[-2], b.shape[-1]))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        batch = grad.shape[:-2]
        n = _prod(batch)
        g3 = c_contiguous(grad).reshape((n,) + grad.shape[-2:])
        a3 = np.broadcast_to(a, batch + a.shape[-2:]).reshape((n,) + a.shape[-2:])
        b3 = np.broadcast_to(b, batch + b.shape[-2:]).reshape((n,) + b.shape[-2:])
        ga = gb = None
        if need_a:
            ga = sum_to(_ops.bmm(g3, b3.transpose(0, 2, 1)).reshape(batch + a.shape[-2:]), a.shape)
        if need_b:
            gb = sum_to(_ops.bmm(a3.transpose(0, 2, 1), g3).reshape(batch + b.shape[-2:]), b.shape)
        return ga, gb

    def name(self):
        return "BmmBackward0"

    __slots__ = ()


class Affine(Op):
    """y = x @ Wᵀ + b in one kernel call (the bias is added in the GEMM's epilogue): the graph
    node of ``nn.functional.linear``, named ``AddmmBackward0`` as in PyTorch."""

    saved_for = ((1,), (0,))

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return _ops.linear_forward(x, weight, bias)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        return _ops.linear_backward(grad, x, weight, need_x, need_w, need_b)

    def pytorch_graph(self):  # PyTorch: addmm(bias, x, weight.t()), or mm(x, weight.t())
        weight_t = ("TBackward0", [1])
        if self._tensor_args[2]:
            return ("AddmmBackward0", [2, 0, weight_t])
        return ("MmBackward0", [0, weight_t])

    __slots__ = ()


def _shape_str(shape):
    return "x".join(str(s) for s in shape)


def _check_same_dtype(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {c_type_name(a._data.dtype)} != "
            f"{c_type_name(b._data.dtype)}"
        )


def _matmul_2d(a, b):
    if a._data.shape[1] != b._data.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(a._data.shape)} and "
            f"{_shape_str(b._data.shape)})"
        )
    if a._data.dtype.type not in _FLOATS:
        return _wrap(np.matmul(a._data, b._data))
    return MatMul.apply(a, b)


def _batched_matmul_error(a, b, a2, b2):
    """The error PyTorch gives for a batched matmul, in the order it checks (see
    ``_matmul_impl``): a >=3-D @ <=2-D product is folded into one mm; otherwise the batch dims
    must broadcast, then the inner sizes must agree (the bmm check)."""
    sa, sb = a._data.shape, b._data.shape
    if len(sa) >= 3 and len(sb) <= 2:
        rows = int(np.prod(sa[:-1]))
        if len(sb) == 1:
            return RuntimeError(
                f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})"
            )
        return RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{sa[-1]} and {_shape_str(sb)})"
        )
    err = broadcast_error(a2._data.shape[:-2], b2._data.shape[:-2])
    if err is not None:
        return err
    batch = int(np.prod(np.broadcast_shapes(a2._data.shape[:-2], b2._data.shape[:-2])))
    return RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, "
        f"{a2._data.shape[-1]}] but got: [{batch}, {b2._data.shape[-2]}]."
    )


def matmul(input, other):
    """Matrix product of two tensors, with ``torch.matmul``'s rules:

    * 1-d @ 1-d: the dot product (a 0-d tensor);
    * 2-d @ 2-d: the matrix product;
    * a 1-d operand is treated as a row (left) or column (right) vector, and that dimension is
      removed from the result;
    * more dimensions: batches of matrices, whose batch dimensions broadcast.

    Float products run in the compiled GEMM; both operands must have the same dtype. ``a @ b`` is
    ``matmul(a, b)``.

    Example::

        >>> a = minigrad.tensor([[1., 2.], [3., 4.]])
        >>> a @ minigrad.tensor([[1.], [1.]])
        tensor([[3.],
                [7.]])
        >>> minigrad.matmul(a, minigrad.tensor([1., 0.]))
        tensor([1., 3.])
        >>> minigrad.matmul(minigrad.ones(5, 2, 3), minigrad.ones(3, 4)).shape
        minigrad.Size([5, 2, 4])
    """
    for name, x in (("input", input), ("other", other)):
        if not isinstance(x, Tensor):
            pos = 1 if name == "input" else 2
            raise TypeError(
                f"matmul(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}"
            )
    a, b = input, other
    da, db = a._data.ndim, b._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if da == 1 and db == 1:
        return dot(a, b)
    _check_same_dtype(a, b)
    if da <= 2 and db <= 2:
        if da == 1:
            return _matmul_2d(a.unsqueeze(0), b).squeeze(0)
        if db == 1:
            if a._data.shape[1] != b._data.shape[0]:
                raise RuntimeError(
                    f"size mismatch, got input ({a._data.shape[0]}), mat ({_shape_str(a._data.shape)}), "
                    f"vec ({b._data.shape[0]})"
                )
            return _matmul_2d(a, b.unsqueeze(1)).squeeze(1)
        return _matmul_2d(a, b)
    # batched: a 1-D operand becomes a matrix, then the added dimension is removed again
    a2 = a.unsqueeze(0) if da == 1 else a
    b2 = b.unsqueeze(1) if db == 1 else b
    if a2._data.shape[-1] != b2._data.shape[-2] or broadcast_error(
            a2._data.shape[:-2], b2._data.shape[:-2]) is not None:
        raise _batched_matmul_error(a, b, a2, b2)
    if a2._data.dtype.type not in _FLOATS:
        out = _wrap(np.matmul(a2._data, b2._data))
    else:
        out = BatchedMatMul.apply(a2, b2)
    if da == 1:
        out = out.squeeze(-2)
    if db == 1:
        out = out.squeeze(-1)
    return out


def mm(input, mat2):
    """The matrix product of two 2-d tensors (no broadcasting: see ``matmul``).

    Example::

        >>> minigrad.mm(minigrad.ones(2, 3), minigrad.ones(3, 4)).shape
        minigrad.Size([2, 4])
    """
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_same_dtype(input, mat2)
    return _matmul_2d(input, mat2)


def bmm(input, mat2):
    """Batched matrix product of 3-d tensors: (b, n, m) @ (b, m, p) -> (b, n, p), no broadcasting.

    Example::

        >>> minigrad.bmm(minigrad.ones(10, 3, 4), minigrad.ones(10, 4, 5)).shape
        minigrad.Size([10, 3, 5])
    """
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return matmul(input, mat2)


def dot(input, other):
    """The dot product of two 1-d tensors of the same size and dtype (a 0-d tensor).

    Example::

        >>> minigrad.dot(minigrad.tensor([2., 3.]), minigrad.tensor([2., 1.]))
        tensor(7.)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors"
        )
    n, m = input.shape[0], other.shape[0]
    if n != m:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number "
            f"of elements, but got {n} and {m} elements respectively"
        )
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{scalar_type_name(input._data.dtype)} and {scalar_type_name(other._data.dtype)}"
        )
    return _matmul_2d(input.unsqueeze(0), other.unsqueeze(1)).reshape(())


def mv(input, vec):
    """The product of a matrix (n, m) and a vector (m,): a vector (n,).

    Example::

        >>> minigrad.tensor([[1., 2.], [3., 4.]]).mv(minigrad.tensor([1., -1.]))
        tensor([-1., -1.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError("vector + matrix @ vector expected, got %d, %d" % (input.ndim, vec.ndim))
    return matmul(input, vec)


def affine(input, weight, bias=None):
    """``input @ weight.T + bias``, one fused kernel call (``Affine``), for arguments already
    checked by the caller (``nn.functional.linear``): input (*, in_features) and weight
    (out_features, in_features) of one floating-point dtype, bias None or (out_features,) of that
    dtype. Inputs that are not 2-D are flattened to rows and the result shaped back."""
    lead = input._data.shape[:-1]
    x = input if len(lead) == 1 else input.reshape(int(np.prod(lead)), weight._data.shape[1])  # (not -1: in_features may be 0)
    out = Affine.apply(x, weight, bias)
    return out if len(lead) == 1 else out.reshape(lead + (weight._data.shape[0],))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"matmul": matmul, "mm": mm, "bmm": bmm, "dot": dot, "mv": mv}
