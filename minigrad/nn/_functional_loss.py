"""The loss functions of ``minigrad.nn.functional`` (``F.cross_entropy``, ``F.mse_loss`` ...;
import them from there): PyTorch's names, signatures, reductions, dtype rules and errors. The
``nn`` loss modules (``nn/modules/loss.py``) are thin wrappers around these."""
import numbers
import warnings

import numpy as np

from .._dtype import from_numpy_dtype
from ..autograd.function import Op
from ..autograd.grad_mode import is_grad_enabled
from ..ops import loss as _loss
from ..ops._util import promote
from ..ops.broadcast import broadcast_tensors
from ..tensor import Tensor
from ._arg_checks import (
    _broadcast_pair, _broadcast_shapes, _check_into, _check_same_type, _check_tensor_args,
    _fp_quiet, _not_implemented, _qualified_type_name, _type_name,
)


# ====================================================================== losses
_REDUCTIONS = ("none", "mean", "sum")


def _reduction(size_average, reduce, reduction, stacklevel=4):
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else ("mean" if size_average else "sum")
        warnings.warn(
            f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
            "instead.",
            stacklevel=stacklevel,  # 4: the caller of a loss wrapped by _fp_quiet
        )
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _class_weight(input, weight, n_classes):
    if weight is None:
        return None
    if weight._data.ndim != 1 or weight._data.size != n_classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight._data.shape)}"
        )
    _check_same_type(input, weight)
    return weight._data


def _check_index_args(fn, ignore_index, weight):
    """PyTorch's argument errors of ``cross_entropy_loss`` / ``nll_loss_nd``."""
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"{fn}(): argument 'ignore_index' (position 5) must be int, not "
                        f"{_qualified_type_name(ignore_index)}")
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'nll_loss_forward' is not differentiable with respect "
                           "to argument 'weight'. This input cannot have requires_grad True.")


def _check_class_targets(input, target, ignore_index):
    """PyTorch's shape, dtype and range checks for class-index targets: (flat targets, C)."""
    ishape, tshape = tuple(input.shape), tuple(target.shape)
    if len(ishape) == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if len(ishape) == 1 and len(tshape) == 1:
        if tshape[0] != 1:
            raise ValueError(
                f"For 1D input, 1D target must have size 1, but got target size: {tshape[0]}"
            )
    elif len(ishape) >= 2 and tshape[:1] != ishape[:1]:
        got = tshape[0] if tshape else 1
        raise ValueError(
            f"Expected input batch_size ({ishape[0]}) to match target batch_size ({got})."
        )
    if len(ishape) <= 2:
        if len(tshape) > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif tshape != ishape[:1] + ishape[2:]:
        if len(ishape) == 4:
            raise RuntimeError(
                f"size mismatch (got input: {list(ishape)} , target: {list(tshape)}"
            )
        raise RuntimeError(
            f"Expected target size {list(ishape[:1] + ishape[2:])}, got {list(tshape)}"
        )
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_type_name(target)}"
        )
    t = target._data.reshape(-1).astype(np.int64, copy=False)
    n_classes = ishape[1] if len(ishape) >= 2 else ishape[0]
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[np.argmax(bad)])} is out of bounds.")
    return t, n_classes


def _index_out_shape(input, target):
    """reduction='none' shape for class-index targets: the target's, except that an unbatched
    input's 1-element target gives a 0-d loss (as PyTorch)."""
    return () if input.dim() == 1 else tuple(target.shape)


def _check_label_smoothing(label_smoothing):
    # PyTorch ignores a negative or NaN label_smoothing; we refuse it (documented difference)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    return float(label_smoothing)


@_fp_quiet
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross entropy between logits and a target: log-softmax and negative log-likelihood fused
    in one numerically stable op.

    Shapes: input (C), (N, C) or (N, C, d1, ..., dk) of unnormalised logits; target either
    class indices (), (N) or (N, d1, ..., dk) (int64, values in [0, C) or ``ignore_index``),
    or class probabilities of the input's shape (float). Output: a scalar, or the target's
    shape (probabilities: the input's shape without C) with ``reduction='none'``.

    ``weight`` (C,) rescales each class; with ``reduction='mean'`` and class indices the sum is
    divided by the total weight of the non-ignored targets, as in PyTorch.
    ``label_smoothing`` in [0, 1] mixes the target with the uniform distribution.

    With probability targets the computation happens in the promoted dtype of input, target and
    weight (float32 logits with float64 probabilities give a float64 loss), as PyTorch;
    ``ignore_index`` must then stay negative (PyTorch's error otherwise).

    Differences from PyTorch: a negative or NaN ``label_smoothing`` is an error (PyTorch
    silently ignores it); an unbatched input with a 1-element target and label smoothing works
    (PyTorch fails on a broadcast shape).

    Example::

        >>> logits = minigrad.randn(3, 5, requires_grad=True)
        >>> loss = F.cross_entropy(logits, minigrad.tensor([1, 0, 4]))
        >>> loss.backward()
    """
    if (weight is None and size_average is None and reduce is None and type(ignore_index) is int
            and ignore_index == -100 and type(reduction) is str and reduction == "mean"
            and type(label_smoothing) in (float, int) and label_smoothing == 0
            and type(input) is Tensor and type(target) is Tensor):
        # A training loop's call, (N, C) float logits and N class indices: checked in a few
        # comparisons and two reductions (every target in [0, C), so none is ignored), then the
        # op's common case (CrossEntropyIndex with ignore_index=None). Anything else, including
        # every error, takes the checks below.
        x, t = input._data, target._data
        if (x.ndim == 2 and t.ndim == 1 and x.dtype.kind == "f" and t.dtype == np.int64
                and 0 < t.shape[0] == x.shape[0]
                and np.minimum.reduce(t) >= 0 and np.maximum.reduce(t) < x.shape[1]):
            return _loss.CrossEntropyIndex.apply(input, t, None, None, "mean", 0.0, ())
    _check_tensor_args("cross_entropy_loss", input=(input, False), target=(target, False),
                       weight=(weight, True))
    reduction = _reduction(size_average, reduce, reduction)
    _check_index_args("cross_entropy_loss", ignore_index, None)
    if input.shape == target.shape:
        return _cross_entropy_prob(input, target, weight, ignore_index, reduction,
                                   label_smoothing)
    if input._data.dtype.kind != "f":
        lastdim = input.dim() <= 2
        raise _not_implemented("log_softmax_lastdim_kernel_impl" if lastdim else
                               "log_softmax_kernel_impl", input)
    eps = _check_label_smoothing(label_smoothing)
    t, n_classes = _check_class_targets(input, target, ignore_index)
    w = _class_weight(input, weight, n_classes)
    _check_index_args("cross_entropy_loss", ignore_index, weight)
    return _loss.CrossEntropyIndex.apply(_rows(input), t, w, ignore_index, reduction, eps,
                                         _index_out_shape(input, target), input.dim())


def _cross_entropy_prob(input, target, weight, ignore_index, reduction, label_smoothing):
    """cross_entropy with class probabilities (``target`` has the input's shape)."""
    if target._data.dtype.kind != "f":
        raise RuntimeError(
            f"Expected floating point type for target with class probabilities, got "
            f"{_type_name(target)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.dim() == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    if input._data.dtype.kind != "f":
        raise _not_implemented("log_softmax_lastdim_kernel_impl" if input.dim() <= 2 else
                               "log_softmax_kernel_impl", input)
    eps = _check_label_smoothing(label_smoothing)
    x = input._data
    n_classes = x.shape[1] if x.ndim >= 2 else x.shape[0]
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != n_classes):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {n_classes} classes "
            f"or no classes but got weight tensor of shape: {list(weight._data.shape)}"
        )
    # PyTorch computes -(w * target * log_softmax(input)) with ordinary type promotion
    dtype = np.result_type(x.dtype, target._data.dtype,
                           *(() if weight is None else (weight._data.dtype,)))
    common = from_numpy_dtype(dtype)
    input, target = input.to(common), target.to(common)
    w = None if weight is None else weight.to(common)  # a tensor: its gradient is computed
    out_shape = x.shape[:1] + x.shape[2:] if x.ndim >= 2 else ()
    return _loss.CrossEntropyProb.apply(_rows(input), _rows(target), w, reduction, eps,
                                        out_shape, input.dim())


class _Rows(Op):
    """The class-dimension-last, flattened view of a (N, C, d...) tensor (see ops/loss.py).
    PyTorch has no such node: the fused loss shows PyTorch's own views (``transparent``)."""

    transparent = True

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        return _loss.to_rows(a)

    @staticmethod
    def backward(ctx, grad):
        return _loss.from_rows(grad, ctx.shape)

    def name(self):
        return "ViewBackward0"

    __slots__ = ("shape",)


def _rows(t):
    if t._data.ndim == 2:
        return t
    return _Rows.apply(t)


@_fp_quiet
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities ``input`` at class indices ``target``.

    Shapes as ``cross_entropy`` with class indices. Typically used after ``log_softmax``.

    Example::

        >>> logp = F.log_softmax(minigrad.tensor([[2., 0., 0.], [0., 0., 3.]]), dim=1)
        >>> F.nll_loss(logp, minigrad.tensor([0, 2]))
        tensor(0.1672)
    """
    _check_tensor_args("nll_loss_nd", input=(input, False), target=(target, False),
                       weight=(weight, True))
    reduction = _reduction(size_average, reduce, reduction)
    _check_index_args("nll_loss_nd", ignore_index, None)
    t, n_classes = _check_class_targets(input, target, ignore_index)
    w = _class_weight(input, weight, n_classes)
    _check_index_args("nll_loss_nd", ignore_index, weight)
    if input._data.dtype.kind != "f":
        raise _not_implemented("nll_loss_out_frame" if input.dim() <= 2 else
                               "nll_loss2d_forward_out_frame", input)
    return _loss.NLL.apply(_rows(input), t, w, ignore_index, reduction,
                           _index_out_shape(input, target), input.dim())


def _pointwise_loss(input, target, reduction, kind, stacklevel=4, param=None):
    # PyTorch: AttributeError ("'list' object has no attribute 'size'"); we name the argument
    for name, value in (("input", input), ("target", target)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{kind}_loss(): argument '{name}' must be Tensor, not "
                            f"{type(value).__name__}")
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=stacklevel,
        )
        try:
            np.broadcast_shapes(input._data.shape, target._data.shape)
        except ValueError:
            a, b = input._data.shape[::-1], target._data.shape[::-1]
            for i, (sa, sb) in enumerate(zip(a, b)):
                if sa != sb and sa != 1 and sb != 1:
                    dim = max(len(a), len(b)) - 1 - i
                    raise RuntimeError(
                        f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                        f"non-singleton dimension {dim}"
                    ) from None
    a, b = promote(input, target)
    kind_of_result = a._data.dtype.kind
    if kind_of_result != "f" and kind != "l1":
        raise _not_implemented({"mse": "mse_cpu", "smooth_l1": "smooth_l1_cpu",
                                "huber": "huber_cpu"}[kind], a)
    if kind_of_result == "b":  # l1 in PyTorch: (input - target).abs() first
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if kind_of_result != "f":
        if reduction == "mean":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either "
                               f"a floating point or complex dtype. Got: {_type_name(a)}")
    if kind == "l1":  # PyTorch computes it as (input - target).abs() and its reduction
        from ..ops.arithmetic import sub

        return _apply_weight_and_reduction(sub(a, b).abs(), None, reduction)
    return _loss.PointwiseLoss.apply(a, b, reduction, kind, param)


@_fp_quiet
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: mean((input - target)²) (or 'sum' / 'none'). With ``weight`` (of the
    input's size, PyTorch 2.13), each squared error is weighted and 'mean' divides by the sum of
    the weights.

    Shapes: input (*), target of the same shape (a different shape broadcasts, with PyTorch's
    warning). Example::

        >>> F.mse_loss(minigrad.tensor([1., 2.]), minigrad.tensor([1., 4.]))
        tensor(2.)
    """
    if weight is not None:
        return _weighted_pointwise_loss(input, target, size_average, reduce, reduction, weight,
                                        "mse")
    reduction = _reduction(size_average, reduce, reduction)
    return _pointwise_loss(input, target, reduction, "mse")


@_fp_quiet
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: ``mean(|input - target|)`` (or ``reduction="sum"`` / ``"none"``);
    ``weight`` as for ``mse_loss``.

    Example::

        >>> F.l1_loss(minigrad.tensor([1., 2.]), minigrad.tensor([0., 4.]))
        tensor(1.5000)
    """
    if weight is not None:
        return _weighted_pointwise_loss(input, target, size_average, reduce, reduction, weight,
                                        "l1")
    reduction = _reduction(size_average, reduce, reduction)
    return _pointwise_loss(input, target, reduction, "l1")


def _weighted_pointwise_loss(input, target, size_average, reduce, reduction, weight, kind):
    """``mse_loss``/``l1_loss`` with ``weight``: PyTorch computes these with ordinary ops."""
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", stacklevel=4)
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    a, b = broadcast_tensors(input, target)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = ((a - b) ** 2 if kind == "mse" else (a - b).abs()) * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


@_fp_quiet
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Smooth L1 loss: ``0.5 d² / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``
    (d = input - target); ``beta=0`` is the L1 loss. Shapes as ``mse_loss``.

    Example::

        >>> F.smooth_l1_loss(minigrad.tensor([0., 2., 0.3]), minigrad.zeros(3))
        tensor(0.5150)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return _pointwise_loss(input, target, reduction, "l1")
    return _pointwise_loss(input, target, reduction, "smooth_l1", param=float(beta))


@_fp_quiet
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss: ``0.5 d²`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``
    (d = input - target). ``weight``, of the input's size, multiplies the element losses before
    the reduction (PyTorch 2.13). Shapes as ``mse_loss``.

    Example::

        >>> F.huber_loss(minigrad.tensor([0., 2., 0.3]), minigrad.zeros(3))
        tensor(0.5150)
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return _pointwise_loss(input, target, reduction, "huber", param=float(delta))
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = _pointwise_loss(input, target, "none", "huber", param=float(delta))
    return _apply_weight_and_reduction(loss, weight, reduction)


def _apply_weight_and_reduction(loss, weight, reduction):
    if weight is not None:
        loss = loss * weight.to(loss.dtype)  # in place in PyTorch: the loss keeps its dtype
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


@_fp_quiet
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Sigmoid and binary cross entropy fused (stable for any logit):
    ``-w * [pos_weight * y * log σ(x) + (1 - y) * log(1 - σ(x))]``.

    Shapes: input (*), target of the same shape; ``weight`` and ``pos_weight`` broadcastable
    to it (``pos_weight`` typically (C,), one weight per class of the last dimension). The loss
    has the target's dtype, as in PyTorch.

    Differences from PyTorch: a non-tensor ``input`` or ``target`` is a TypeError (PyTorch: an
    AttributeError); ``weight`` and ``pos_weight`` may require grad (PyTorch refuses them).

    Example::

        >>> F.binary_cross_entropy_with_logits(minigrad.tensor([0., 100.]), minigrad.tensor([1., 1.]))
        tensor(0.3466)
    """
    _check_tensor_args("binary_cross_entropy_with_logits", input=(input, False),
                       target=(target, False), weight=(weight, True),
                       pos_weight=(pos_weight, True))
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    if input._data.dtype.kind != "f":
        raise _not_implemented("log_sigmoid_cpu", input)
    if target._data.dtype == np.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if target._data.dtype.kind != "f":  # (1 - target).mul_(input) in PyTorch
        raise RuntimeError(f"result type {_type_name(input)} can't be cast to the desired output "
                           f"type {_type_name(target)}")
    if pos_weight is not None:
        _check_into(input.shape, _broadcast_pair(pos_weight.shape, target.shape))
    if weight is not None:
        _check_into(input.shape, weight.shape)
    if weight is not None:
        weight = weight.to(target.dtype)  # (the loss keeps the target's dtype)
    return _loss.BCEWithLogits.apply(input, target, pos_weight, weight, reduction)


@_fp_quiet
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross entropy of probabilities ``input`` (in [0, 1]) against ``target`` (in [0, 1],
    the input's dtype): ``-w * [y * log x + (1 - y) * log(1 - x)]``, logs clamped at -100 as
    PyTorch.

    Shapes: input (*), target of the same shape, ``weight`` broadcastable to it.

    Difference from PyTorch: a non-tensor argument is a TypeError (PyTorch: an AttributeError,
    or for ``weight`` a list accepted by accident).

    Example::

        >>> F.binary_cross_entropy(minigrad.tensor([0.5, 0.9]), minigrad.tensor([1., 1.]))
        tensor(0.3993)
    """
    _check_tensor_args("binary_cross_entropy", input=(input, False), target=(target, False),
                       weight=(weight, True))
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    if weight is not None:
        _check_into(input.shape, _broadcast_shapes(target.shape, weight.shape))
    x, y = input._data, target._data
    if y.dtype != x.dtype:
        raise RuntimeError(f"Found dtype {_type_name(target)} but expected {_type_name(input)}")
    if x.dtype.kind != "f":
        raise _not_implemented("binary_cross_entropy", input)
    # PyTorch checks element by element, input before target: the first bad element is named
    bad_x = ~((x >= 0) & (x <= 1))
    bad = bad_x | ~((y >= 0) & (y <= 1))
    if bad.any():
        which = "input" if bad_x.reshape(-1)[np.argmax(bad.reshape(-1))] else "target"
        raise RuntimeError(f"all elements of {which} should be between 0 and 1")
    if weight is not None:
        weight = weight.to(input.dtype)
    return _loss.BCE.apply(input, target, weight, reduction)
