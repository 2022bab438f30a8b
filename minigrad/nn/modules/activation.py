"""Activation layers, each a thin module over its ``nn.functional`` twin: ``ReLU``, ``ReLU6``,
``Sigmoid``, ``Tanh``, ``Softmax``, ``Softmax2d``, ``LogSoftmax``, ``Softmin``, ``LeakyReLU``,
``RReLU``, ``PReLU`` (learned slopes), ``ELU``, ``CELU``, ``SELU``, ``GELU``, ``SiLU``, ``Mish``,
``Softplus``, ``Softsign``, ``LogSigmoid``, ``Hardtanh``, ``Hardsigmoid``, ``Hardswish``,
``Threshold``, ``Hardshrink``, ``Softshrink``, ``Tanhshrink``, ``GLU``. (PyTorch's
``MultiheadAttention``, also in its activation module, is left out with attention.)"""
import warnings

from ... import creation
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softmin", "LeakyReLU", "ELU",
           "SELU", "GELU", "SiLU", "Softplus", "Threshold", "Hardtanh", "ReLU6", "RReLU", "PReLU",
           "Hardsigmoid", "Hardswish", "Mish", "CELU", "GLU", "Hardshrink", "Softshrink",
           "LogSigmoid", "Softsign", "Tanhshrink", "Softmax2d"]


def _inplace_suffix(module, first=False):
    """``extra_repr``'s ``inplace=True`` part: empty when not in place; after other fields
    (``first=False``) it starts with ", "."""
    if not module.inplace:
        return ""
    return "inplace=True" if first else ", inplace=True"


class ReLU(Module):
    """Applies :math:`\\text{ReLU}(x) = \\max(0, x)` element-wise.

    Args:
        inplace: overwrite the input instead of allocating the output. Default: ``False``

    Shape:
        - Input: :math:`(*)`; Output: :math:`(*)`, same shape.

    Example::

        >>> nn.ReLU()(minigrad.tensor([-1., 2.]))
        tensor([0., 2.])
    """

    __constants__ = ["inplace"]

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return _inplace_suffix(self, first=True)


class Sigmoid(Module):
    """Applies :math:`\\sigma(x) = 1 / (1 + e^{-x})` element-wise.

    Shape: input :math:`(*)`, output the same shape. Example: ``nn.Sigmoid()(minigrad.zeros(2))``
    gives ``tensor([0.5000, 0.5000])``.
    """

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """Applies the hyperbolic tangent element-wise.

    Shape: input :math:`(*)`, output the same shape. Example: ``nn.Tanh()(minigrad.zeros(2))``.
    """

    def forward(self, input):
        return F.tanh(input)


class _DimModule(Module):
    __constants__ = ["dim"]
    _function = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input):
        return type(self)._function(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_DimModule):
    """Applies softmax along ``dim``: the slices along it become probabilities summing to 1.

    Shape: input :math:`(*)`, output the same shape.

    Example::

        >>> nn.Softmax(dim=1)(minigrad.tensor([[1., 2., 3.], [0., 0., 0.]]))
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """

    _function = staticmethod(F.softmax)


class LogSoftmax(_DimModule):
    """Applies log(softmax(x)) along ``dim`` (stable). Shape: input :math:`(*)`, output the same.

    Example: ``nn.LogSoftmax(dim=1)(minigrad.randn(2, 3))``.
    """

    _function = staticmethod(F.log_softmax)


class Softmin(_DimModule):
    """Applies softmax(-x) along ``dim``: the smallest elements get the largest probabilities.
    Shape: input :math:`(*)`, output the same.

    Example::

        >>> nn.Softmin(dim=0)(minigrad.tensor([0., 1.]))
        tensor([0.7311, 0.2689])
    """

    _function = staticmethod(F.softmin)


class LeakyReLU(Module):
    """Applies x for x > 0 and ``negative_slope`` * x otherwise.

    Shape: input :math:`(*)`, output the same. Example: ``nn.LeakyReLU(0.1)(x)``.
    """

    __constants__ = ["inplace", "negative_slope"]

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}{_inplace_suffix(self)}"


class ELU(Module):
    """Applies x for x > 0 and alpha * (exp(x) - 1) otherwise. Shape: :math:`(*)` to the same.

    Example::

        >>> nn.ELU(alpha=2.0)(minigrad.tensor([-1., 1.]))
        tensor([-1.2642,  1.0000])
    """

    __constants__ = ["alpha", "inplace"]

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}{_inplace_suffix(self)}"


class SELU(Module):
    """Applies the self-normalising SELU activation (pairs with ``AlphaDropout``).
    Shape: :math:`(*)` to the same. Example: ``nn.SELU()(minigrad.randn(3))``."""

    __constants__ = ["inplace"]

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.selu(input, self.inplace)

    def extra_repr(self):
        return _inplace_suffix(self, first=True)


class GELU(Module):
    """Applies x * Φ(x) (``approximate='none'``) or its tanh approximation.
    Shape: :math:`(*)` to the same.

    Example::

        >>> nn.GELU()(minigrad.tensor([-1., 1.]))
        tensor([-0.1587,  0.8413])
    """

    __constants__ = ["approximate"]

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """Applies x * sigmoid(x). Shape: :math:`(*)` to the same.

    Example::

        >>> nn.SiLU()(minigrad.tensor([-1., 1.]))
        tensor([-0.2689,  0.7311])
    """

    __constants__ = ["inplace"]

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self):
        return _inplace_suffix(self, first=True)


class Softplus(Module):
    """Applies log(1 + exp(beta * x)) / beta, a smooth ReLU (linear where beta * x > threshold).
    Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Softplus(beta=2.0)(minigrad.tensor([-1., 0., 1.]))
        tensor([0.0635, 0.3466, 1.0635])
    """

    __constants__ = ["beta", "threshold"]

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Threshold(Module):
    """Replaces the elements not above ``threshold`` by ``value``: ``y = x if x > threshold else
    value``.

    Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Threshold(0.5, -1.)(minigrad.tensor([0.2, 0.9]))
        tensor([-1.0000,  0.9000])
    """

    __constants__ = ["threshold", "value", "inplace"]

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}{_inplace_suffix(self)}"


class Hardtanh(Module):
    """Clamps to ``[min_val, max_val]`` (default [-1, 1]); the gradient passes strictly inside.
    ``min_value``/``max_value`` are PyTorch's deprecated names (with its FutureWarning).

    Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Hardtanh(-2., 2.)(minigrad.tensor([-3., 0.5, 3.]))
        tensor([-2.0000,  0.5000,  2.0000])
    """

    __constants__ = ["min_val", "max_val", "inplace"]

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        for old, new, value in (("min_value", "min_val", min_value),
                                ("max_value", "max_val", max_value)):
            if value is not None:
                warnings.warn(f"keyword argument `{old}` is deprecated and renamed to `{new}`",
                              FutureWarning, stacklevel=2)
        self.min_val = min_val if min_value is None else min_value
        self.max_val = max_val if max_value is None else max_value
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val "
                                 f"({self.min_val})")

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self)}"


class ReLU6(Hardtanh):
    """``min(max(0, x), 6)``: ``Hardtanh(0, 6)``.

    Shape: :math:`(*)` to the same.

    Example::

        >>> nn.ReLU6()(minigrad.tensor([-1., 7.]))
        tensor([0., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_suffix(self, first=True)


class RReLU(Module):
    """Randomized leaky ReLU: in training, each negative element is multiplied by a slope drawn
    from U(``lower``, ``upper``); in evaluation by ``(lower + upper) / 2`` (Xu et al. 2015).

    Shape: :math:`(*)` to the same.

    Example::

        >>> nn.RReLU(0.1, 0.3).eval()(minigrad.tensor([-1., 1.]))
        tensor([-0.2000,  1.0000])
    """

    __constants__ = ["lower", "upper", "inplace"]

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}{_inplace_suffix(self)}"


class PReLU(Module):
    """Leaky ReLU with learned slopes: ``x`` if ``x > 0`` else ``a * x``, one slope per channel
    (``num_parameters`` = the size of dimension 1) or one for all, initialised to ``init``.

    Shape: :math:`(*)` to the same (channels on dimension 1).

    Attributes:
        weight: the slopes, shape (num_parameters,)

    Example::

        >>> m = nn.PReLU(2)
        >>> m(minigrad.tensor([[-4., -4.]]))
        tensor([[-1., -1.]], grad_fn=<PreluKernelBackward0>)
    """

    __constants__ = ["num_parameters"]

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(creation.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """Set every slope back to ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class _Inplace(Module):
    """An activation with only an ``inplace`` flag, which its repr does not show (as PyTorch's
    ``Hardsigmoid``, ``Hardswish`` and ``Mish``)."""

    __constants__ = ["inplace"]
    _function = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self)._function(input, self.inplace)


class Hardsigmoid(_Inplace):
    """``relu6(x + 3) / 6``. Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Hardsigmoid()(minigrad.tensor([-4., 0.]))
        tensor([0.0000, 0.5000])
    """

    _function = staticmethod(F.hardsigmoid)


class Hardswish(_Inplace):
    """``x * relu6(x + 3) / 6`` (MobileNetV3). Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Hardswish()(minigrad.tensor([-1., 4.]))
        tensor([-0.3333,  4.0000])
    """

    _function = staticmethod(F.hardswish)


class Mish(_Inplace):
    """``x * tanh(softplus(x))``. Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Mish()(minigrad.tensor([1.]))
        tensor([0.8651])
    """

    _function = staticmethod(F.mish)


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``. Shape: :math:`(*)` to the same.

    Example::

        >>> nn.CELU(alpha=2.)(minigrad.tensor([-1., 1.]))
        tensor([-0.7869,  1.0000])
    """

    __constants__ = ["alpha", "inplace"]

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}{_inplace_suffix(self)}"


class GLU(Module):
    """The gated linear unit: the input's halves ``a, b`` along ``dim``, ``a * sigmoid(b)``.

    Shape: :math:`(*_1, N, *_2)` to :math:`(*_1, N / 2, *_2)` (N even, along ``dim``).

    Example::

        >>> nn.GLU()(minigrad.tensor([[1., 2., 0., 100.]]))
        tensor([[0.5000, 2.0000]])
    """

    __constants__ = ["dim"]

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class _Shrink(Module):
    __constants__ = ["lambd"]
    _function = None

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return type(self)._function(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Hardshrink(_Shrink):
    """``x`` where ``|x| > lambd``, else 0. Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Hardshrink()(minigrad.tensor([0.3, -2.]))
        tensor([ 0., -2.])
    """

    _function = staticmethod(F.hardshrink)


class Softshrink(_Shrink):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.
    Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Softshrink(1.)(minigrad.tensor([0.3, -2.]))
        tensor([ 0., -1.])
    """

    _function = staticmethod(F.softshrink)


class LogSigmoid(Module):
    """``log(sigmoid(x))``, stable for any input. Shape: :math:`(*)` to the same.

    Example::

        >>> nn.LogSigmoid()(minigrad.tensor([0.]))
        tensor([-0.6931])
    """

    def forward(self, input):
        return F.logsigmoid(input)


class Softsign(Module):
    """``x / (1 + |x|)``. Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Softsign()(minigrad.tensor([3.]))
        tensor([0.7500])
    """

    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """``x - tanh(x)``. Shape: :math:`(*)` to the same.

    Example::

        >>> nn.Tanhshrink()(minigrad.tensor([0.]))
        tensor([0.])
    """

    def forward(self, input):
        return F.tanhshrink(input)


class Softmax2d(Module):
    """Softmax over the channels at each location: input (N, C, H, W) or (C, H, W), softmax
    along dimension -3.

    Example::

        >>> nn.Softmax2d()(minigrad.zeros(1, 2, 1, 1)).flatten()
        tensor([0.5000, 0.5000])
    """

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                             "instead")
        return F.softmax(input, -3, _stacklevel=5)
