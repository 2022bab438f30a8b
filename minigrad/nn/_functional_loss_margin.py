"""The margin and embedding losses of ``minigrad.nn.functional`` (import them from there):
``margin_ranking_loss``, ``hinge_embedding_loss``, ``cosine_embedding_loss``,
``triplet_margin_loss``, ``triplet_margin_with_distance_loss``, ``soft_margin_loss``,
``multi_margin_loss``, ``multilabel_margin_loss``, ``multilabel_soft_margin_loss``.

Where PyTorch builds a loss from ordinary ops, so does minigrad (the same gradients, and the same
``grad_fn`` names); the three with kernels of their own are in ``ops/loss_margin.py``.
"""
import numpy as np

from ..ops import loss_margin as _kernels
from ..ops.arithmetic import mul
from ..ops.clamping import clamp_min
from ..ops.distance import pairwise_distance
from ..ops.masking import where
from ..ops.comparison import minimum
from ..ops.pointwise import sqrt
from ..ops.reduction import mean, sum as _sum
from .._dtype import get_default_dtype, result_type, scalar_type_name
from ._arg_checks import _check_into, _check_tensor_args, _fp_quiet, _not_implemented, _type_name
from ._functional_activation import logsigmoid
from ._functional_loss import _reduction

__all__ = ["margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
           "triplet_margin_loss", "triplet_margin_with_distance_loss", "soft_margin_loss",
           "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss"]

_EPSILON = 1e-12  # added to the squared norms of cosine_embedding_loss, as in PyTorch


def apply_reduction(loss, reduction):
    """PyTorch's ``apply_loss_reduction``: the mean, the sum, or the losses as they are."""
    if reduction == "mean":
        return mean(loss)
    if reduction == "sum":
        return _sum(loss)
    return loss


@_fp_quiet
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """``max(0, -y * (x1 - x2) + margin)``: ``x1`` should rank above ``x2`` where ``y = 1`` and
    below where ``y = -1``.

    Example::

        >>> F.margin_ranking_loss(minigrad.tensor([1., 2.]), minigrad.tensor([2., 1.]),
        ...                       minigrad.tensor([1., 1.]))
        tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return apply_reduction(clamp_min(-target * (input1 - input2) + margin, 0), reduction)


@_fp_quiet
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """``x`` where ``y = 1``, ``max(0, margin - x)`` where ``y = -1`` (``x`` typically a
    distance, ``y`` whether the pair is similar).

    Example::

        >>> F.hinge_embedding_loss(minigrad.tensor([0.2, 0.3]), minigrad.tensor([1., -1.]))
        tensor(0.4500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    margin_part = where(target != 1, clamp_min(margin - input, 0), 0.0)
    self_part = where(target != -1, input, 0.0)
    return apply_reduction(margin_part + self_part, reduction)


@_fp_quiet
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """``1 - cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) - margin)`` where ``y = -1``
    (rows of 2-D inputs with a 1-D target, or two vectors with a 0-d target).

    Example::

        >>> F.cosine_embedding_loss(minigrad.tensor([[1., 0.]]), minigrad.tensor([[0., 1.]]),
        ...                         minigrad.tensor([1.]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    d = target.dim()
    if d not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if d == 1 else 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(f"{d}D target tensor expects {want}D input tensors, but found inputs "
                           f"with sizes {list(input1.shape)} and {list(input2.shape)}.")
    prod = _sum(input1 * input2, d)
    mag1 = _sum(input1 * input1, d) + _EPSILON
    mag2 = _sum(input2 * input2, d) + _EPSILON
    cos = prod / sqrt(mag1 * mag2)
    pos = where(target == 1, 1 - cos, 0.0)
    neg = where(target == -1, clamp_min(cos - margin, 0), 0.0)
    return apply_reduction(pos + neg, reduction)


def _check_triplet_dims(anchor, positive, negative):
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not a == p == n:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a}D, positive {p}D, and "
                           f"negative {n}D inputs")


@_fp_quiet
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """``max(0, margin + d(a, p) - d(a, n))`` with ``d`` the p-norm ``pairwise_distance``;
    ``swap=True`` uses ``min(d(a, n), d(p, n))`` (Balntas et al. 2016).

    Example::

        >>> a = minigrad.tensor([[0., 0.]])
        >>> F.triplet_margin_loss(a, minigrad.tensor([[1., 0.]]), minigrad.tensor([[3., 0.]]))
        tensor(0.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return apply_reduction(clamp_min(margin + d_pos - d_neg, 0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """``triplet_margin_loss`` with any distance (default: ``pairwise_distance``).

    Example::

        >>> a = minigrad.tensor([[0., 0.]])
        >>> F.triplet_margin_with_distance_loss(a, minigrad.tensor([[1., 0.]]),
        ...     minigrad.tensor([[1.5, 0.]]), distance_function=lambda x, y: (x - y).abs().sum(1))
        tensor(0.5000)
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    dist = pairwise_distance if distance_function is None else distance_function
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = minimum(d_neg, dist(positive, negative))
    return apply_reduction(clamp_min(margin + d_pos - d_neg, 0), reduction)


@_fp_quiet
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """The two-class logistic loss ``log(1 + exp(-y * x))`` (``y`` in {1, -1}).

    Example::

        >>> F.soft_margin_loss(minigrad.tensor([0., 2.]), minigrad.tensor([1., -1.]))
        tensor(1.4100)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_tensor_args("soft_margin_loss", input=(input, False), target=(target, False))
    _check_into(input.shape, target.shape)  # the loss is written into a tensor like the input
    if input._data.dtype.kind != "f":  # exp(-x * y) is a float: it cannot go into the input's type
        res = result_type(input, target)
        res = res if res.is_floating_point else get_default_dtype()
        raise RuntimeError(f"result type {scalar_type_name(res.np)} can't be cast to the desired "
                           f"output type {_type_name(input)}")
    y = np.broadcast_to(target._data, input._data.shape).astype(input._data.dtype)
    return _kernels.SoftMarginLoss.apply(input, y, reduction)


def _class_rows(input, target, fn):
    """PyTorch's checks of the (C,) or (N, C) scores and the int64 targets of the multi-class
    margin losses; returns the input's number of dimensions."""
    x = input._data
    if x.ndim > 2 or x.size == 0:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(x.shape)}")
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {_type_name(target)}")
    return x.ndim


@_fp_quiet
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """The multi-class hinge loss: for each sample, ``sum over j != y of max(0, margin - x[y] +
    x[j]) ** p / C`` (``p`` 1 or 2), each class's loss scaled by ``weight[y]``.

    Example::

        >>> F.multi_margin_loss(minigrad.tensor([[0.1, 0.2, 0.4, 0.8]]), minigrad.tensor([3]))
        tensor(0.3250)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _check_tensor_args("multi_margin_loss", input=(input, False), target=(target, False))
    if input._data.dtype.kind != "f":
        raise _not_implemented("multi_margin_loss_cpu_kernel", input)
    ndim = _class_rows(input, target, "multi_margin_loss")
    x = input._data.reshape(-1, input._data.shape[-1])
    n, c = x.shape
    t = target._data.reshape(-1)
    if t.size != n or (ndim == 2 and target.dim() != 1) or target.dim() > 1:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                           f"the number of input samples (batch size). Expected target size "
                           f"[{n}], but got {list(target.shape)}. Input has shape "
                           f"{list(input.shape)}.")
    if ((t < 0) | (t >= c)).any():
        raise RuntimeError("target out of range")
    w = None
    if weight is not None:
        if weight.numel() != c:
            raise RuntimeError(f"inconsistent weight size, expected {c} but got "
                               f"{list(weight.shape)}")
        w = weight._data.astype(x.dtype, copy=False)
    rows = input if ndim == 2 else input.reshape(1, c)
    out_shape = (n,) if ndim == 2 else ()
    return _kernels.MultiMarginLoss.apply(rows, t, int(p), float(margin), w, reduction,
                                          out_shape)


@_fp_quiet
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """The multi-label hinge loss: each row of ``target`` lists the sample's classes (ended by
    the first -1); the loss is ``sum over listed j and unlisted k of max(0, 1 - (x[j] - x[k]))
    / C``.

    Example::

        >>> F.multilabel_margin_loss(minigrad.tensor([[0.1, 0.2, 0.4, 0.8]]),
        ...                          minigrad.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_tensor_args("multilabel_margin_loss", input=(input, False), target=(target, False))
    if input._data.dtype.kind != "f":
        raise _not_implemented("multilabel_margin_loss_forward_out_frame", input)
    ndim = _class_rows(input, target, "multilabel_margin_loss")
    if target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    c = input._data.shape[-1]
    t = target._data.reshape(-1, c)
    if ((t < -1) | (t >= c)).any():
        raise RuntimeError("argument #2 'target' is out of range")
    rows = input if ndim == 2 else input.reshape(1, c)
    out_shape = (t.shape[0],) if ndim == 2 else ()
    return _kernels.MultilabelMarginLoss.apply(rows, t, reduction, out_shape)


@_fp_quiet
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Binary logistic loss for each class, averaged over the classes: ``-mean_c(y log
    sigmoid(x) + (1 - y) log sigmoid(-x))``, each class scaled by ``weight``.

    Example::

        >>> F.multilabel_soft_margin_loss(minigrad.tensor([[0., 2.]]), minigrad.tensor([[1., 0.]]))
        tensor(1.4100)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = mul(loss, weight)
    class_dim = input.dim() - 1
    loss = _sum(loss, class_dim) / input.size(class_dim)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    return apply_reduction(loss, reduction)
