"""Padding layers, thin modules over ``F.pad``: ``ZeroPad1d/2d/3d``, ``ConstantPad1d/2d/3d``,
``ReflectionPad1d/2d/3d``, ``ReplicationPad1d/2d/3d``, ``CircularPad1d/2d/3d``. ``padding`` is
an int (the same on every side) or a tuple (left, right[, top, bottom[, front, back]])."""
from .. import functional as F
from .module import Module

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d"]


def _sides(padding, n):
    """``padding`` for ``n`` sides: an int repeated, a sequence kept as it is (as PyTorch)."""
    if isinstance(padding, (list, tuple)):
        return tuple(padding)
    return (padding,) * n


class _PadNd(Module):
    """Pads the last ``len(padding) / 2`` dimensions in ``mode``."""

    __constants__ = ["padding"]
    mode = None
    dims = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _sides(padding, 2 * self.dims)

    def forward(self, input):
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]
    mode = "constant"

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dimension with ``value``. Input :math:`(C, W)` or :math:`(N, C, W)`.

    Example::

        >>> nn.ConstantPad1d((1, 2), 3.5)(minigrad.tensor([[1., 2.]]))
        tensor([[3.5000, 1.0000, 2.0000, 3.5000, 3.5000]])
    """

    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dimensions with ``value`` (left, right, top, bottom).

    Example::

        >>> nn.ConstantPad2d(1, -1.)(minigrad.ones(1, 1, 1)).shape
        minigrad.Size([1, 3, 3])
    """

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last three dimensions with ``value``.

    Example::

        >>> nn.ConstantPad3d(1, 0.)(minigrad.ones(1, 1, 1, 1)).shape
        minigrad.Size([1, 3, 3, 3])
    """

    dims = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pads the last dimension with zeros.

    Example::

        >>> nn.ZeroPad1d(1)(minigrad.tensor([[1., 2.]]))
        tensor([[0., 1., 2., 0.]])
    """


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pads the last two dimensions with zeros (left, right, top, bottom).

    Example::

        >>> nn.ZeroPad2d((1, 0, 0, 1))(minigrad.ones(1, 1, 1))
        tensor([[[0., 1.],
                 [0., 0.]]])
    """


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    """Pads the last three dimensions with zeros.

    Example::

        >>> nn.ZeroPad3d(1)(minigrad.ones(1, 1, 1, 1)).sum()
        tensor(1.)
    """


class ReflectionPad1d(_PadNd):
    """Pads the last dimension with its reflection (the edge not repeated).
    Input :math:`(C, W)` or :math:`(N, C, W)`; each amount less than W.

    Example::

        >>> nn.ReflectionPad1d(2)(minigrad.tensor([[1., 2., 3.]]))
        tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """

    mode, dims = "reflect", 1


class ReflectionPad2d(_PadNd):
    """Pads the last two dimensions with their reflection. Input :math:`(C, H, W)` or
    :math:`(N, C, H, W)`.

    Example::

        >>> nn.ReflectionPad2d(1)(minigrad.arange(4.).reshape(1, 2, 2)).shape
        minigrad.Size([1, 4, 4])
    """

    mode, dims = "reflect", 2


class ReflectionPad3d(_PadNd):
    """Pads the last three dimensions with their reflection. Input :math:`(C, D, H, W)` or
    :math:`(N, C, D, H, W)`.

    Example::

        >>> nn.ReflectionPad3d(1)(minigrad.ones(1, 2, 2, 2)).shape
        minigrad.Size([1, 4, 4, 4])
    """

    mode, dims = "reflect", 3


class ReplicationPad1d(_PadNd):
    """Pads the last dimension by repeating its edge values.

    Example::

        >>> nn.ReplicationPad1d((1, 2))(minigrad.tensor([[1., 2.]]))
        tensor([[1., 1., 2., 2., 2.]])
    """

    mode, dims = "replicate", 1


class ReplicationPad2d(_PadNd):
    """Pads the last two dimensions by repeating their edges.

    Example::

        >>> nn.ReplicationPad2d(1)(minigrad.ones(1, 1, 1)).sum()
        tensor(9.)
    """

    mode, dims = "replicate", 2


class ReplicationPad3d(_PadNd):
    """Pads the last three dimensions by repeating their edges.

    Example::

        >>> nn.ReplicationPad3d(1)(minigrad.ones(1, 1, 1, 1)).sum()
        tensor(27.)
    """

    mode, dims = "replicate", 3


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input):
        if input.dim() not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got "
                             f"{input.dim()}D input)")
        return F.pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Pads the last dimension by wrapping around (periodic boundary).

    Example::

        >>> nn.CircularPad1d((1, 2))(minigrad.tensor([[1., 2., 3.]]))
        tensor([[3., 1., 2., 3., 1., 2.]])
    """

    dims = 1


class CircularPad2d(_CircularPadNd):
    """Pads the last two dimensions by wrapping around.

    Example::

        >>> nn.CircularPad2d(1)(minigrad.ones(1, 2, 2)).shape
        minigrad.Size([1, 4, 4])
    """

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last three dimensions by wrapping around.

    Example::

        >>> nn.CircularPad3d(1)(minigrad.ones(1, 1, 2, 2, 2)).shape
        minigrad.Size([1, 1, 4, 4, 4])
    """

    dims = 3
