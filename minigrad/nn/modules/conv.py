"""Convolution layers: ``Conv1d`` and ``Conv2d`` (thin modules over ``F.conv1d``/``F.conv2d``).

Non-zero ``padding_mode`` ("reflect", "replicate", "circular") pads the input explicitly
first, then convolves without padding, as PyTorch does.
"""
import math
import operator

from ... import creation
from ...ops.convolution import pad_for_conv
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d"]

_PADDING_STRINGS = {"same", "valid"}
_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


def _tuple(value, n):
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


class _ConvNd(Module):
    """The parameters, checks, initialisation and ``repr`` shared by ``Conv1d`` and ``Conv2d``."""

    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding",
                     "in_channels", "out_channels", "kernel_size"]

    def __init__(self, n, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 groups, bias, padding_mode, device=None, dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        kernel_size, stride, dilation = (_tuple(kernel_size, n), _tuple(stride, n),
                                         _tuple(dilation, n))
        if isinstance(padding, str):
            if padding not in _PADDING_STRINGS:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 f"{_PADDING_STRINGS}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _tuple(padding, n)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = False
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad's order: the last dimension first, (left, right) for each
        if isinstance(padding, str):
            pads = [0, 0] * n
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size, range(n - 1, -1, -1)):
                    total = d * (k - 1)
                    pads[2 * i] = total // 2
                    pads[2 * i + 1] = total - total // 2
            self._reversed_padding_repeated_twice = pads
        else:
            self._reversed_padding_repeated_twice = tuple(p for p in reversed(padding) for _ in (0, 1))
        shape = (operator.index(out_channels), operator.index(in_channels) // groups) + kernel_size
        self.weight = Parameter(creation.empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-draw weight and bias with PyTorch's default initialisation: U(-b, b) with
        b = 1/√fan_in (fan_in = in_channels / groups × kernel size)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"

    def _conv_forward(self, conv, input, weight, bias):
        if self.padding_mode != "zeros":
            padded = pad_for_conv(input, self._reversed_padding_repeated_twice, self.padding_mode)
            return conv(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    r"""A 1-d convolution over an input of several channels (a cross-correlation, as PyTorch):

    .. math:: \text{out}(N_i, C_{out_j}) = \text{bias}(C_{out_j}) +
              \sum_{k} \text{weight}(C_{out_j}, k) \star \text{input}(N_i, k)

    Args:
        in_channels, out_channels: channels of the input and of the output
        kernel_size: the window's length
        stride: the step between windows. Default: 1
        padding: an int, ``"valid"`` (none) or ``"same"`` (output length = input length).
            Default: 0
        dilation: spacing between the kernel's taps. Default: 1
        groups: blocked connections: input and output channels split into ``groups`` groups,
            each convolved with its own filters. Default: 1
        bias: learn an additive bias. Default: ``True``
        padding_mode: ``"zeros"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.
            Default: ``"zeros"``

    Shape:
        - Input: :math:`(N, C_{in}, L_{in})` or :math:`(C_{in}, L_{in})`
        - Output: :math:`(N, C_{out}, L_{out})` with
          :math:`L_{out} = \lfloor (L_{in} + 2p - d(k - 1) - 1) / s \rfloor + 1`

    Attributes:
        weight: (out_channels, in_channels / groups, kernel_size), from U(-√k, √k) with
            k = groups / (in_channels × kernel_size)
        bias: (out_channels,), from the same range

    Example::

        >>> m = nn.Conv1d(16, 33, 3, stride=2)
        >>> m(minigrad.randn(20, 16, 50)).shape
        minigrad.Size([20, 33, 24])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(1, in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        return self._conv_forward(F.conv1d, input, self.weight, self.bias)


class Conv2d(_ConvNd):
    r"""A 2-d convolution over an input of several channels (a cross-correlation, as PyTorch),
    computed as im2col + the compiled GEMM:

    .. math:: \text{out}(N_i, C_{out_j}) = \text{bias}(C_{out_j}) +
              \sum_{k} \text{weight}(C_{out_j}, k) \star \text{input}(N_i, k)

    Args:
        in_channels, out_channels: channels of the input and of the output
        kernel_size: an int or a pair (height, width)
        stride: an int or a pair. Default: 1
        padding: an int, a pair, ``"valid"`` (none) or ``"same"`` (output size = input size).
            Default: 0
        dilation: spacing between the kernel's taps. Default: 1
        groups: blocked connections between input and output channels. Default: 1
        bias: learn an additive bias. Default: ``True``
        padding_mode: ``"zeros"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.
            Default: ``"zeros"``

    Shape:
        - Input: :math:`(N, C_{in}, H_{in}, W_{in})` or :math:`(C_{in}, H_{in}, W_{in})`
        - Output: :math:`(N, C_{out}, H_{out}, W_{out})` with
          :math:`H_{out} = \lfloor (H_{in} + 2p_0 - d_0(k_0 - 1) - 1) / s_0 \rfloor + 1`
          (and the same for the width)

    Attributes:
        weight: (out_channels, in_channels / groups, kH, kW), from U(-√k, √k) with
            k = groups / (in_channels × kH × kW)
        bias: (out_channels,), from the same range

    Example::

        >>> m = nn.Conv2d(1, 32, 3)
        >>> m
        Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))
        >>> m(minigrad.randn(64, 1, 28, 28)).shape
        minigrad.Size([64, 32, 26, 26])
        >>> nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
        Conv2d(16, 33, kernel_size=(3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(2, in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        return self._conv_forward(F.conv2d, input, self.weight, self.bias)
