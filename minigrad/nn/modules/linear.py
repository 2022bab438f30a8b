"""``Linear`` and ``Identity`` layers."""
import math
import operator

from ... import creation
from .. import functional as F
from .._arg_checks import _qualified_type_name
from .. import init
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["Identity", "Linear", "LazyLinear"]


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored), e.g. to remove a layer.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Output: :math:`(*)`, the same tensor.

    Example::

        >>> m = nn.Identity(54, unused_argument1=0.1)
        >>> m(minigrad.randn(128, 20)).shape
        minigrad.Size([128, 20])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


def _feature_count(value, pos):
    """A size as ``torch.empty((out_features, in_features))`` reads it: anything with
    ``__index__`` (an int, a bool, a one-element integer tensor), with PyTorch's errors otherwise
    (which differ for the first and the second element)."""
    try:
        return operator.index(value)
    except TypeError:
        name = _qualified_type_name(value)
    if pos == 0:
        raise TypeError(f"empty(): argument 'size' (position 1) must be tuple of ints, but found "
                        f"element of type {name} at pos 0")
    raise TypeError(f"empty(): argument 'size' failed to unpack the object at pos 2 with error "
                    f"\"type must be tuple of ints,but got {name}\"")


class Linear(Module):
    """Applies an affine transformation: :math:`y = xA^T + b`.

    Args:
        in_features: size of each input sample
        out_features: size of each output sample
        bias: if ``False``, the layer learns no additive bias. Default: ``True``
        dtype: dtype of the parameters (default: the default float dtype)

    Shape:
        - Input: :math:`(*, H_{in})` with :math:`H_{in} = \\text{in\\_features}`.
        - Output: :math:`(*, H_{out})` with :math:`H_{out} = \\text{out\\_features}`.

    Attributes:
        weight: learnable weights of shape (out_features, in_features), initialised from
            U(-1/√in_features, 1/√in_features) (``kaiming_uniform_`` with a = √5)
        bias: learnable bias of shape (out_features,), initialised from the same range

    Example::

        >>> m = nn.Linear(20, 30)
        >>> m(minigrad.randn(128, 20)).shape
        minigrad.Size([128, 30])
    """

    __constants__ = ["in_features", "out_features"]

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        n_out, n_in = _feature_count(out_features, 0), _feature_count(in_features, 1)
        self.weight = Parameter(creation.empty((n_out, n_in), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(n_out, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-draw weight and bias with PyTorch's default initialisation."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        params = self._parameters  # direct lookup: skips Module.__getattr__ on the hot path
        return F.linear(input, params["weight"], params["bias"])

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class LazyLinear(LazyModuleMixin, Linear):
    """A ``Linear`` layer whose ``in_features`` is read from its first input: its weight and
    bias are ``UninitializedParameter``s until then, and after it the module is a ``Linear``.

    Args:
        out_features: size of each output sample
        bias: if ``False``, the layer learns no additive bias. Default: ``True``

    Example::

        >>> m = nn.LazyLinear(30)
        >>> m
        LazyLinear(in_features=0, out_features=30, bias=True)
        >>> m(minigrad.randn(128, 20)).shape
        minigrad.Size([128, 30])
        >>> m
        Linear(in_features=20, out_features=30, bias=True)
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        # no bias here: it would be replaced at once (as PyTorch does)
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        """Initialise weight and bias as ``Linear`` does, once their shapes are known."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """Shapes from the input's last dimension, then ``Linear``'s initialisation."""
        if self.has_uninitialized_params():
            from ...autograd.grad_mode import no_grad

            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # the weights came from a state dict: check the input against them
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(
                    f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                    f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]
