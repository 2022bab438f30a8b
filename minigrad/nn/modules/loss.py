"""Loss layers: ``MSELoss``, ``L1Loss``, ``SmoothL1Loss``, ``HuberLoss``, ``CrossEntropyLoss``,
``NLLLoss``, ``BCELoss``, ``BCEWithLogitsLoss``. Each is a thin wrapper around its ``nn.functional`` twin; class weights
are registered as buffers (so they appear in ``state_dict``, as in PyTorch)."""
from .. import functional as F
from .._functional_loss import _reduction
from .module import Module

__all__ = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss",
           "BCELoss", "BCEWithLogitsLoss"]


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
