"""Loss layers: ``MSELoss``, ``L1Loss``, ``SmoothL1Loss``, ``HuberLoss``, ``CrossEntropyLoss``,
``NLLLoss`` (and its deprecated ``NLLLoss2d``), ``BCELoss``, ``BCEWithLogitsLoss``, ``KLDivLoss``,
``PoissonNLLLoss``, ``GaussianNLLLoss``, ``MarginRankingLoss``, ``HingeEmbeddingLoss``,
``CosineEmbeddingLoss``, ``TripletMarginLoss``, ``TripletMarginWithDistanceLoss``,
``SoftMarginLoss``, ``MultiMarginLoss``, ``MultiLabelMarginLoss``,
``MultiLabelSoftMarginLoss``. Each is a thin wrapper around its ``nn.functional`` twin; class
weights are registered as buffers (so they appear in ``state_dict``, as in PyTorch)."""
import warnings

from .. import functional as F
from .._functional_loss import _reduction
from .distance import PairwiseDistance
from .module import Module

__all__ = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss",
           "NLLLoss2d", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "PoissonNLLLoss",
           "GaussianNLLLoss", "MarginRankingLoss", "HingeEmbeddingLoss", "CosineEmbeddingLoss",
           "TripletMarginLoss", "TripletMarginWithDistanceLoss", "SoftMarginLoss",
           "MultiMarginLoss", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss"]


def _legacy_reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _reduction(size_average, reduce, reduction, stacklevel=3)
    return reduction


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = _legacy_reduction(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error between input and target: mean((x - y)²) (``reduction='mean'``),
    their sum (``'sum'``) or the element-wise values (``'none'``).

    Shape:
        - Input: :math:`(*)`; Target: :math:`(*)`, same shape.
        - Output: scalar, or :math:`(*)` with ``reduction='none'``.

    Example::

        >>> loss = nn.MSELoss()
        >>> out = loss(minigrad.randn(3, 5, requires_grad=True), minigrad.randn(3, 5))
        >>> out.backward()
    """

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error between input and target (``reduction`` as ``MSELoss``).

    Shape: input :math:`(*)`, target the same; output scalar or :math:`(*)`.
    Example: ``nn.L1Loss()(minigrad.randn(3), minigrad.randn(3))``.
    """

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss (``F.smooth_l1_loss``): quadratic below ``beta``, linear above.

    Shape: input :math:`(*)`, target the same; output scalar or :math:`(*)`.
    Example: ``nn.SmoothL1Loss(beta=0.5)(minigrad.randn(3), minigrad.randn(3))``.
    """

    __constants__ = ["reduction"]

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss (``F.huber_loss``): quadratic below ``delta``, linear (slope ``delta``) above.

    Shape: input :math:`(*)`, target the same; output scalar or :math:`(*)`.
    Example: ``nn.HuberLoss(delta=2.0)(minigrad.randn(3), minigrad.randn(3))``.
    """

    __constants__ = ["reduction", "delta"]

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy between logits and targets: log-softmax and NLL fused, numerically stable.

    Args:
        weight (Tensor, optional): a rescaling weight per class, shape (C,)
        ignore_index (int): targets equal to it contribute neither loss nor gradient, and are
            left out of the mean's denominator. Default: -100
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. With class weights, ``'mean'``
            divides by the summed weights of the targets (PyTorch's weighted mean).
        label_smoothing (float): in [0.0, 1.0]; the target becomes
            (1 - label_smoothing) * target + label_smoothing / C.

    Shape:
        - Input: :math:`(C)`, :math:`(N, C)` or :math:`(N, C, d_1, ..., d_K)` (logits).
        - Target: class indices :math:`()`, :math:`(N)` or :math:`(N, d_1, ..., d_K)` (int64,
          in [0, C)), or class probabilities of the input's shape (float).
        - Output: scalar, or with ``reduction='none'`` :math:`()`, :math:`(N)` or
          :math:`(N, d_1, ..., d_K)`.

    Example::

        >>> loss = nn.CrossEntropyLoss()
        >>> input = minigrad.randn(3, 5, requires_grad=True)
        >>> target = minigrad.tensor([1, 0, 4])
        >>> loss(input, target).backward()
    """

    __constants__ = ["ignore_index", "reduction", "label_smoothing"]

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (e.g. the output of ``LogSoftmax``).

    Args and shapes as ``CrossEntropyLoss`` with class-index targets (no label smoothing).

    Example::

        >>> m = nn.LogSoftmax(dim=1)
        >>> loss = nn.NLLLoss()
        >>> loss(m(minigrad.tensor([[2., 0., 0.], [0., 0., 3.]])), minigrad.tensor([0, 2]))
        tensor(0.1672)
    """

    __constants__ = ["ignore_index", "reduction"]

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross entropy of probabilities: -w [y log x + (1 - y) log(1 - x)].

    Shape: input :math:`(*)` in [0, 1], target the same shape; output scalar or :math:`(*)`.
    Example: ``nn.BCELoss()(nn.Sigmoid()(minigrad.randn(3)), minigrad.tensor([0., 1., 1.]))``.
    """

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross entropy in one stable op:
    -w [pos_weight · y log σ(x) + (1 - y) log(1 - σ(x))].

    Args:
        weight (Tensor, optional): rescaling weight broadcast to the input
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``
        pos_weight (Tensor, optional): weight of positive examples, broadcast along the last
            (class) dimension

    Shape: input :math:`(*)`, target the same shape; output scalar or :math:`(*)`.

    Example::

        >>> loss = nn.BCEWithLogitsLoss(pos_weight=minigrad.tensor([2.]))
        >>> loss(minigrad.tensor([[0.], [0.], [0.]]), minigrad.tensor([[0.], [1.], [1.]]))
        tensor(1.1552)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class NLLLoss2d(NLLLoss):
    """Deprecated (with PyTorch's FutureWarning): ``NLLLoss``, which takes (N, C, H, W) inputs."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in "
                      "replacement and see https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss "
                      "for more details.", FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class KLDivLoss(_Loss):
    """The Kullback-Leibler divergence of ``target`` from ``input`` (log-probabilities), see
    ``F.kl_div``; prefer ``reduction='batchmean'``, the divergence per sample.

    Shape: input :math:`(*)`, target the same; output scalar or :math:`(*)`.

    Example::

        >>> p = minigrad.tensor([[0.25, 0.75]])
        >>> nn.KLDivLoss(reduction="batchmean")(p.log(), p)
        tensor(0.)
    """

    __constants__ = ["reduction"]

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(_Loss):
    """Negative log-likelihood of counts under a Poisson distribution (``F.poisson_nll_loss``).

    Shape: input :math:`(*)`, target the same; output scalar or :math:`(*)`.

    Example::

        >>> nn.PoissonNLLLoss()(minigrad.tensor([0., 1.]), minigrad.tensor([1., 2.]))
        tensor(0.8591)
    """

    __constants__ = ["log_input", "full", "eps", "reduction"]

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Negative log-likelihood of targets under Gaussians of predicted means and variances
    (``F.gaussian_nll_loss``).

    Shape: input :math:`(N, *)`, target the same, var the same or with one dimension of size 1
    (or one fewer); output scalar or :math:`(N, *)`.

    Example::

        >>> nn.GaussianNLLLoss()(minigrad.tensor([0., 1.]), minigrad.zeros(2), minigrad.ones(2))
        tensor(0.2500)
    """

    __constants__ = ["full", "eps", "reduction"]

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """``max(0, -y * (x1 - x2) + margin)`` (``F.margin_ranking_loss``).

    Shape: inputs :math:`(N)` or :math:`()`, target the same; output scalar or :math:`(N)`.

    Example::

        >>> nn.MarginRankingLoss(margin=0.5)(minigrad.tensor([2.]), minigrad.tensor([1.]),
        ...                                  minigrad.tensor([1.]))
        tensor(0.)
    """

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """``x`` where ``y = 1``, ``max(0, margin - x)`` where ``y = -1``
    (``F.hinge_embedding_loss``).

    Shape: input :math:`(*)`, target the same; output scalar or :math:`(*)`.

    Example::

        >>> nn.HingeEmbeddingLoss()(minigrad.tensor([0.2, 0.3]), minigrad.tensor([1., -1.]))
        tensor(0.4500)
    """

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """``1 - cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) - margin)`` where ``y = -1``
    (``F.cosine_embedding_loss``).

    Shape: inputs :math:`(N, D)` or :math:`(D)`, target :math:`(N)` or :math:`()`.

    Example::

        >>> nn.CosineEmbeddingLoss()(minigrad.tensor([[1., 0.]]), minigrad.tensor([[0., 1.]]),
        ...                          minigrad.tensor([-1.]))
        tensor(0.)
    """

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                       reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """``max(0, margin + d(a, p) - d(a, n))`` with the p-norm distance
    (``F.triplet_margin_loss``).

    Shape: anchor, positive, negative :math:`(N, D)` or :math:`(D)`; output scalar or :math:`(N)`.

    Example::

        >>> a = minigrad.tensor([[0., 0.]])
        >>> nn.TripletMarginLoss()(a, minigrad.tensor([[1., 0.]]), minigrad.tensor([[1.5, 0.]]))
        tensor(0.5000)
    """

    __constants__ = ["margin", "p", "eps", "swap", "reduction"]

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got "
                             f"{margin} instead")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """``TripletMarginLoss`` with any distance function (default: ``nn.PairwiseDistance()``,
    which is then a submodule, as in PyTorch).

    Example::

        >>> loss = nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1))
        >>> a = minigrad.tensor([[0., 0.]])
        >>> loss(a, minigrad.tensor([[1., 0.]]), minigrad.tensor([[1.5, 0.]]))
        tensor(0.5000)
    """

    __constants__ = ["margin", "swap", "reduction"]

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(size_average=None, reduce=None, reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than "
                             f"0, got {margin} instead")
        self.distance_function = (distance_function if distance_function is not None
                                  else PairwiseDistance())
        self.margin = margin
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """The two-class logistic loss ``log(1 + exp(-y * x))`` (``F.soft_margin_loss``).

    Shape: input :math:`(*)`, target the same; output scalar or :math:`(*)`.

    Example::

        >>> nn.SoftMarginLoss()(minigrad.tensor([0., 2.]), minigrad.tensor([1., -1.]))
        tensor(1.4100)
    """

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """The multi-class hinge loss (``F.multi_margin_loss``), ``p`` 1 or 2, class weights
    optional (a buffer).

    Shape: input :math:`(N, C)` or :math:`(C)`, target :math:`(N)` or :math:`()` class indices.

    Example::

        >>> nn.MultiMarginLoss()(minigrad.tensor([[0.1, 0.2, 0.4, 0.8]]), minigrad.tensor([3]))
        tensor(0.3250)
    """

    __constants__ = ["p", "margin", "reduction"]

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        if p != 1 and p != 2:
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.dim() != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got "
                             f"{weight.dim()}D instead")
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                   weight=self.weight, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """The multi-label hinge loss (``F.multilabel_margin_loss``): each target row lists the
    sample's classes, ended by -1.

    Shape: input :math:`(N, C)` or :math:`(C)`, target the same (int64).

    Example::

        >>> nn.MultiLabelMarginLoss()(minigrad.tensor([[0.1, 0.2, 0.4, 0.8]]),
        ...                           minigrad.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Binary logistic loss per class, averaged over the classes
    (``F.multilabel_soft_margin_loss``); class weights optional (a buffer).

    Shape: input :math:`(N, C)`, target the same (0 or 1); output scalar or :math:`(N)`.

    Example::

        >>> nn.MultiLabelSoftMarginLoss()(minigrad.tensor([[0., 2.]]), minigrad.tensor([[1., 0.]]))
        tensor(1.4100)
    """

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight,
                                             reduction=self.reduction)
