"""The dropout layers: ``Dropout``, ``Dropout1d``, ``Dropout2d``, ``Dropout3d``, ``AlphaDropout``,
``FeatureAlphaDropout``.

All of them are *inverted* dropout: the scaling happens during training (kept values are
multiplied by 1/(1-p)), so that in evaluation mode the layer is the identity and needs no
rescaling. (The classic formulation instead leaves training values unscaled and multiplies by
the keep probability at test time; the two give the same expected outputs, but they must not be
mixed.) ``p`` is always the probability of *dropping* a unit, as in PyTorch.

Masks come from minigrad's counter-based generator: ``minigrad.manual_seed`` makes them
repeatable, whatever the number of threads.
"""
from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    """Base of the dropout layers: holds ``p`` and ``inplace`` and prints them."""

    __constants__ = ["p", "inplace"]

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        # PyTorch's check (a non-number is Python's TypeError for the comparison); p is kept as
        # given, e.g. for the repr. Difference: PyTorch accepts NaN here (and fails in forward)
        if p < 0 or p > 1 or p != p:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    r"""During training, randomly zeroes elements of the input with probability ``p`` and scales
    the others by :math:`\frac{1}{1-p}` (*inverted* dropout); in evaluation mode it is the identity.

    Each element is dropped independently on every forward call (a Bernoulli mask from the
    seeded generator). This regularises the network and prevents co-adaptation of neurons
    (Hinton et al., 2012, "Improving neural networks by preventing co-adaptation of feature
    detectors"). Because the surviving values are scaled during training, the expected output
    equals the input, and ``model.eval()`` needs no rescaling. The backward pass multiplies the
    gradient by the same mask and scale.

    Args:
        p: probability of an element to be zeroed. Default: 0.5
        inplace: If set to ``True``, will do this operation in-place. Default: ``False``
        generator: (minigrad extension, keyword only) a ``minigrad.Generator`` to draw the masks
            from instead of the global generator: give each model trained in its own thread one,
            so that its masks do not depend on the other threads. Not saved in ``state_dict``.

    Shape:
        - Input: :math:`(*)`. Input can be of any shape
        - Output: :math:`(*)`. Output is of the same shape as input

    Examples::

        >>> m = nn.Dropout(p=0.2)
        >>> input = minigrad.randn(20, 16)
        >>> output = m(input)          # about 20% zeros, the rest multiplied by 1.25
        >>> m.eval()(input) is input   # evaluation: the identity
        True
    """

    def __init__(self, p=0.5, inplace=False, *, generator=None):
        super().__init__(p, inplace)
        self.generator = generator

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace, generator=self.generator)


class Dropout1d(_DropoutNd):
    r"""Randomly zero out entire channels (a channel is a 1D feature map, ``input[i, j]``) with
    probability ``p`` during training, scaling the kept channels by :math:`\frac{1}{1-p}`
    (inverted dropout); the identity in evaluation mode.

    Useful after 1-D convolutions, where adjacent elements are correlated and element-wise
    dropout would not regularise (Tompson et al., "Efficient Object Localization Using
    Convolutional Networks").

    Args:
        p (float, optional): probability of an element to be zero-ed.
        inplace (bool, optional): If set to ``True``, will do this operation in-place

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: :math:`(N, C, L)` or :math:`(C, L)` (same shape as input).

    Examples::

        >>> m = nn.Dropout1d(p=0.2)
        >>> output = m(minigrad.randn(20, 16, 32))   # whole rows output[i, j, :] are zero
    """

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    r"""Randomly zero out entire channels (a channel is a 2D feature map, ``input[i, j]``) with
    probability ``p`` during training, scaling the kept channels by :math:`\frac{1}{1-p}`
    (inverted dropout); the identity in evaluation mode.

    Args:
        p (float, optional): probability of an element to be zero-ed.
        inplace (bool, optional): If set to ``True``, will do this operation in-place

    .. warning ::
        As in PyTorch, a 3-D input is interpreted as :math:`(N, C, L)` (1-D channel-wise
        dropout, with a warning), not as an unbatched :math:`(C, H, W)`; use ``Dropout1d``
        for that case.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(N, C, L)`.
        - Output: the same shape as input.

    Examples::

        >>> m = nn.Dropout2d(p=0.2)
        >>> output = m(minigrad.randn(20, 16, 32, 32))   # whole maps output[i, j] are zero
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    r"""Randomly zero out entire channels (a channel is a 3D feature map, ``input[i, j]``) with
    probability ``p`` during training, scaling the kept channels by :math:`\frac{1}{1-p}`
    (inverted dropout); the identity in evaluation mode.

    Args:
        p (float, optional): probability of an element to be zeroed.
        inplace (bool, optional): If set to ``True``, will do this operation in-place

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: the same shape as input.

    Examples::

        >>> m = nn.Dropout3d(p=0.2)
        >>> output = m(minigrad.randn(20, 16, 4, 32, 32))
    """

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    r"""Alpha Dropout for self-normalising networks (SELU activations, Klambauer et al., 2017).

    During training, each element is dropped with probability ``p``; instead of 0 it takes
    SELU's negative saturation value :math:`\alpha' = -1.7580993408473766`, and the output is
    then transformed by :math:`a \cdot y + b` with
    :math:`a = ((1 - p)(1 + p \alpha'^2))^{-1/2}` and :math:`b = -a \alpha' p`, so that a
    standard-normal input keeps mean 0 and variance 1. In evaluation mode it is the identity.

    Args:
        p (float): probability of an element to be dropped. Default: 0.5
        inplace (bool, optional): If set to ``True``, will do this operation in-place

    Shape:
        - Input: :math:`(*)`. Input can be of any shape
        - Output: :math:`(*)`. Output is of the same shape as input

    Examples::

        >>> m = nn.AlphaDropout(p=0.2)
        >>> output = m(minigrad.randn(20, 16))   # mean ≈ 0, variance ≈ 1
    """

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(_DropoutNd):
    r"""Alpha dropout of entire channels: like ``AlphaDropout``, with one decision per
    (sample, channel), broadcast over the feature map.

    Shape:
        - Input: :math:`(N, C, *)`.
        - Output: the same shape as input.

    Examples::

        >>> m = nn.FeatureAlphaDropout(p=0.2)
        >>> output = m(minigrad.randn(20, 16, 4, 32, 32))
    """

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training, self.inplace)
