"""Pooling layers (thin modules over ``F.max_pool2d``, ``F.avg_pool2d`` ... ; see
``minigrad/ops/pooling.py`` for the windows and ``csrc/pool.h`` for the kernels)."""
from .. import functional as F
from .module import Module

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d"]


def _single(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class _MaxPoolNd(Module):
    """The arguments and ``repr`` of the max-pooling layers."""

    __constants__ = ["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"]

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    r"""1-d max pooling: the maximum of each window of ``kernel_size`` values (with
    ``dilation`` between them), moved by ``stride`` (default ``kernel_size``) over the input
    padded with ``padding`` (padding never wins). ``ceil_mode`` keeps a last, partial window;
    ``return_indices`` also returns each maximum's position (for ``MaxUnpool1d``).

    Shape:
        - Input: :math:`(N, C, L_{in})` or :math:`(C, L_{in})`
        - Output: :math:`(N, C, L_{out})`, :math:`L_{out} = \lfloor (L_{in} + 2p - d(k-1) - 1)/s \rfloor + 1`

    Example::

        >>> nn.MaxPool1d(3, stride=2)(minigrad.randn(20, 16, 50)).shape
        minigrad.Size([20, 16, 24])
    """

    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    r"""2-d max pooling over (kH, kW) windows (see ``MaxPool1d`` for the arguments; each may be
    an int or a pair). NaN propagates; among equal maxima the first in row-major order wins, as
    in PyTorch.

    Shape:
        - Input: :math:`(N, C, H_{in}, W_{in})` or :math:`(C, H_{in}, W_{in})`
        - Output: :math:`(N, C, H_{out}, W_{out})`

    Example::

        >>> m = nn.MaxPool2d(2)
        >>> m
        MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        >>> m(minigrad.randn(64, 64, 24, 24)).shape
        minigrad.Size([64, 64, 12, 12])
    """

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool1d(Module):
    r"""1-d average pooling. With ``count_include_pad`` (the default) the zero padding counts
    in each average.

    Shape:
        - Input: :math:`(N, C, L_{in})` or :math:`(C, L_{in})`
        - Output: :math:`(N, C, L_{out})`

    Example::

        >>> m = nn.AvgPool1d(3, stride=2)
        >>> m
        AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))
        >>> m(minigrad.tensor([[[1., 2., 3., 4., 5., 6., 7.]]]))
        tensor([[[2., 4., 6.]]])
    """

    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    r"""2-d average pooling over (kH, kW) windows. ``count_include_pad`` (default True): the
    zero padding counts in each average; ``divisor_override``: divide by this instead.

    Shape:
        - Input: :math:`(N, C, H_{in}, W_{in})` or :math:`(C, H_{in}, W_{in})`
        - Output: :math:`(N, C, H_{out}, W_{out})`

    Example::

        >>> m = nn.AvgPool2d(3, stride=2)
        >>> m
        AvgPool2d(kernel_size=3, stride=2, padding=0)
        >>> m(minigrad.randn(20, 16, 50, 32)).shape
        minigrad.Size([20, 16, 24, 15])
    """

    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                     "divisor_override"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptivePoolNd(Module):
    """``output_size`` and the ``repr`` of the adaptive pooling layers."""

    __constants__ = ["output_size"]

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    r"""1-d adaptive average pooling: the output length is ``output_size`` whatever the input's;
    output i averages the inputs ``floor(i L / l) .. ceil((i+1) L / l)``.

    Example::

        >>> nn.AdaptiveAvgPool1d(5)(minigrad.randn(1, 64, 8)).shape
        minigrad.Size([1, 64, 5])
    """

    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    r"""2-d adaptive average pooling: output (N, C, *output_size) whatever the input size (a
    ``None`` entry keeps that input size). ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Example::

        >>> m = nn.AdaptiveAvgPool2d((5, 7))
        >>> m(minigrad.randn(1, 64, 8, 9)).shape
        minigrad.Size([1, 64, 5, 7])
        >>> nn.AdaptiveAvgPool2d((None, 7))(minigrad.randn(1, 64, 10, 9)).shape
        minigrad.Size([1, 64, 10, 7])
    """

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool1d(_AdaptivePoolNd):
    r"""1-d adaptive max pooling (see ``AdaptiveAvgPool1d``); ``return_indices`` also returns
    each maximum's position.

    Example::

        >>> nn.AdaptiveMaxPool1d(5)(minigrad.randn(1, 64, 8)).shape
        minigrad.Size([1, 64, 5])
    """

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptivePoolNd):
    r"""2-d adaptive max pooling (see ``AdaptiveAvgPool2d``); ``return_indices`` also returns
    each maximum's flat position ``h * W + w``.

    Example::

        >>> nn.AdaptiveMaxPool2d((5, 7))(minigrad.randn(1, 64, 8, 9)).shape
        minigrad.Size([1, 64, 5, 7])
    """

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)
