"""The likelihood losses of ``minigrad.nn.functional`` (import them from there): ``kl_div``,
``poisson_nll_loss`` and ``gaussian_nll_loss``, built from ordinary ops as PyTorch builds them
(the same values, gradients and ``grad_fn`` names), with PyTorch's checks and its warning for
``kl_div``'s ``reduction='mean'``."""
import math
import warnings

from ..ops.arithmetic import mul, sub
from ..ops.distance import ClampedOutsideTheGraph
from ..ops.masking import masked_fill
from ..ops.pointwise import exp, log
from ..ops.shape import unsqueeze
from ..ops.special_functions import xlogy
from ..tensor import Tensor
from ._arg_checks import _fp_quiet
from ._functional_loss import _reduction
from ._functional_loss_margin import apply_reduction

__all__ = ["kl_div", "poisson_nll_loss", "gaussian_nll_loss"]


@_fp_quiet
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """The Kullback-Leibler divergence ``target * (log(target) - input)`` (``input``: log-
    probabilities; ``target``: probabilities, or log-probabilities with ``log_target=True``).

    ``reduction='batchmean'`` divides the sum by the batch size: the divergence per sample, as
    the mathematics defines it. ``'mean'``, the default, divides by the number of elements
    (PyTorch warns that it does; so does minigrad).

    Example::

        >>> p = minigrad.tensor([[0.25, 0.75]])
        >>> F.kl_div(p.log(), p, reduction="batchmean")
        tensor(0.)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=3)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if input._data.dtype.kind != "f" or target._data.dtype.kind != "f":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = mul(exp(target), target - input)
    else:
        loss = sub(xlogy(target, target), target * input)
    if reduction == "batchmean":
        total = apply_reduction(loss, "sum")
        return total / input.size(0) if input.dim() else total
    return apply_reduction(loss, reduction)


@_fp_quiet
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """The negative log-likelihood of ``target`` counts under a Poisson distribution of rate
    ``exp(input)`` (``log_input=True``) or ``input``: ``exp(input) - target * input``, or
    ``input - target * log(input + eps)``; ``full=True`` adds Stirling's approximation of
    ``log(target!)`` where ``target > 1``.

    Example::

        >>> F.poisson_nll_loss(minigrad.tensor([0., 1.]), minigrad.tensor([1., 2.]))
        tensor(0.8591)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_input:
        loss = exp(input) - target * input
    else:
        loss = input - target * log(input + eps)
    if full:
        stirling = (target * log(target) - target + 0.5 * log(2 * math.pi * target))
        loss = loss + masked_fill(stirling, target <= 1, 0)
    return apply_reduction(loss, reduction)


@_fp_quiet
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """The negative log-likelihood of ``target`` under a Gaussian of mean ``input`` and variance
    ``var``: ``0.5 * (log(var) + (input - target)**2 / var)`` (+ ``0.5 log(2 pi)`` with
    ``full=True``); ``var`` is clamped below at ``eps`` (outside the graph, as PyTorch) and may
    have one dimension fewer than the input, or one of size 1 (one variance shared).

    Example::

        >>> F.gaussian_nll_loss(minigrad.tensor([0., 1.]), minigrad.tensor([0., 0.]),
        ...                     minigrad.tensor([1., 1.]))
        tensor(0.2500)
    """
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * input.new_ones(input.shape)
    elif not isinstance(var, Tensor):
        raise TypeError(f"gaussian_nll_loss(): var must be a Tensor or a float, not "
                        f"{type(var).__name__}")
    elif (var < 0).any():
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:  # one variance for each row (homoscedastic)
            var = unsqueeze(var, -1)
        elif not (input.dim() == var.dim()
                  and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = ClampedOutsideTheGraph.apply(var, eps)  # PyTorch: var.clone().clamp_() under no_grad
    loss = 0.5 * (log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return apply_reduction(loss, reduction)
