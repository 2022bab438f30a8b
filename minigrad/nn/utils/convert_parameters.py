"""``parameters_to_vector`` / ``vector_to_parameters`` (as ``torch.nn.utils``)."""
import numpy as np

from ...tensor import Tensor
from ...ops.joining import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D tensor (differentiable).

    Example::

        >>> parameters_to_vector(nn.Linear(3, 2).parameters()).shape
        minigrad.Size([8])
    """
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy slices of the 1-d tensor ``vec`` into ``parameters``, in order (the inverse of
    ``parameters_to_vector``).

    Example::

        >>> lin = nn.Linear(2, 1)
        >>> nn.utils.vector_to_parameters(minigrad.tensor([1., 2., 3.]), lin.parameters())
        >>> lin.weight.data, lin.bias.data
        (tensor([[1., 2.]]), tensor([3.]))
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    flat = vec._data.reshape(-1)
    for p in parameters:
        n = p._data.size
        p._data[...] = flat[offset:offset + n].reshape(p._data.shape)
        p._vc[0] += 1
        offset += n
