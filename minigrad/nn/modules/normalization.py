"""``LayerNorm`` (a thin module over ``F.layer_norm``)."""
import numbers

from ... import creation
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    r"""Layer normalisation (Ba et al., 2016) over the trailing ``normalized_shape`` dimensions:

    .. math:: y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta

    with the mean and the (biased) variance of each sample's last ``len(normalized_shape)``
    dimensions; the same in training and evaluation.

    Args:
        normalized_shape: an int or a shape: the trailing dimensions to normalise
        eps: added to the variance. Default: 1e-5
        elementwise_affine: learn γ (weight, init 1) and β (bias, init 0), each of shape
            ``normalized_shape``. Default: ``True``
        bias: learn β (with ``elementwise_affine``). Default: ``True``

    Shape:
        - Input: :math:`(N, *)`
        - Output: the same shape

    Example::

        >>> m = nn.LayerNorm(10)
        >>> m
        LayerNorm((10,), eps=1e-05, elementwise_affine=True, bias=True)
        >>> m(minigrad.randn(20, 5, 10)).shape
        minigrad.Size([20, 5, 10])
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(creation.empty(self.normalized_shape, device=device,
                                                   dtype=dtype))
            if bias:
                self.bias = Parameter(creation.empty(self.normalized_shape, device=device,
                                                     dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Weight 1, bias 0."""
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")
