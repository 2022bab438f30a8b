"""Activation layers: ``ReLU``, ``Sigmoid``, ``Tanh``, ``Softmax``, ``LogSoftmax``, ``LeakyReLU``,
``ELU``, ``SELU``, ``GELU``, ``SiLU``, ``Softplus``, ``Softmin``."""
from .. import functional as F
from .module import Module

__all__ = ["ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softmin", "LeakyReLU", "ELU",
           "SELU", "GELU", "SiLU", "Softplus"]


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
        return "inplace=True" if self.inplace else ""


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
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


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
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


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
        return "inplace=True" if self.inplace else ""


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
        return "inplace=True" if self.inplace else ""


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
