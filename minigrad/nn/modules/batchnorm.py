"""Batch normalisation: ``BatchNorm1d`` and ``BatchNorm2d`` (thin modules over ``F.batch_norm``).

In training mode a layer normalises with the batch's statistics and updates its running
estimates; in evaluation mode (``model.eval()``) it normalises with the running estimates, so
the output of one sample no longer depends on the rest of the batch.
"""
import numpy as np

from ... import creation
from ..._dtype import int64
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d"]


def _count_batch(counter):
    """counter.add_(1), directly when it is the layer's own writable 0-d int64 buffer (the usual
    case; add_'s general path costs a tenth of a BatchNorm1d(512) step)."""
    data = counter._data
    if (data.ndim == 0 and data.dtype == np.int64 and data.flags.writeable
            and counter._base is None and not counter._requires_grad):
        np.add(data, 1, out=data)
        counter._vc[0] += 1  # a new version, as add_ makes
    else:
        counter.add_(1)


class _NormBase(Module):
    """Parameters, running statistics, ``repr`` and checkpoint compatibility of batch norm."""

    _version = 2  # version 2 added num_batches_tracked (old checkpoints load with 0)
    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(creation.empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(creation.empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, device=device,
                                                                 dtype=dtype))
            self.register_buffer("running_var", creation.ones(num_features, device=device,
                                                               dtype=dtype))
            self.register_buffer("num_batches_tracked", creation.tensor(0, dtype=int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Reset the running statistics, and the affine parameters to weight 1, bias 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            key = prefix + "num_batches_tracked"
            if key not in state_dict:  # a checkpoint from before the counter existed
                state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked is not None
                                   else creation.tensor(0, dtype=int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            _count_batch(self.num_batches_tracked)
            if self.momentum is None:  # a cumulative moving average: each batch weighs the same
                factor = 1.0 / float(self.num_batches_tracked)
        # batch statistics in training, and in eval when no running statistics are kept
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None,
                            self.running_var if track else None, self.weight, self.bias,
                            use_batch, factor, self.eps)


class BatchNorm1d(_NormBase):
    r"""Batch normalisation of a 2-d or 3-d input (Ioffe & Szegedy, 2015):

    .. math:: y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta

    per channel, over the batch (and the length of a 3-d input). In training the batch's mean
    and biased variance are used and the running estimates updated with ``momentum``
    (``running = (1 - momentum) * running + momentum * batch``, the variance unbiased;
    ``momentum=None``: a cumulative average); in evaluation the running estimates are used.

    Args:
        num_features: C, the number of channels
        eps: added to the variance. Default: 1e-5
        momentum: the running estimates' update rate, or None. Default: 0.1
        affine: learn γ (weight, init 1) and β (bias, init 0). Default: ``True``
        track_running_stats: keep running estimates (else the batch's statistics are used in
            evaluation too). Default: ``True``
        bias: (keyword) learn β when ``affine``. Default: ``True``

    Shape:
        - Input: :math:`(N, C)` or :math:`(N, C, L)`
        - Output: the same shape

    Example::

        >>> m = nn.BatchNorm1d(100)
        >>> m
        BatchNorm1d(100, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
        >>> m(minigrad.randn(20, 100)).shape
        minigrad.Size([20, 100])
        >>> list(m.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_NormBase):
    r"""Batch normalisation of a 4-d input (N, C, H, W): each channel over the batch and the
    spatial positions (see ``BatchNorm1d`` for the arguments and the running statistics).

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: the same shape

    Example::

        >>> m = nn.BatchNorm2d(64, affine=False)
        >>> m(minigrad.randn(8, 64, 5, 5)).shape
        minigrad.Size([8, 64, 5, 5])
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")
