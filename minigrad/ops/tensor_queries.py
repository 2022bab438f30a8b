"""Questions about a tensor that PyTorch also asks at top level: ``is_signed`` (does its dtype
hold negative numbers) and ``is_same_size`` (do two tensors have one shape)."""
from ..tensor import Tensor

__all__ = ["is_signed", "is_same_size"]


def is_signed(input):
    """True if ``input``'s dtype is signed (the floating-point and signed integer types; not
    bool or uint8).

    Example::

        >>> minigrad.is_signed(minigrad.tensor([1])), minigrad.tensor([True]).is_signed()
        (True, False)
    """
    return input._data.dtype.kind in "fi"


def is_same_size(input, other):
    """True if ``input`` and ``other`` have the same shape.

    Example::

        >>> minigrad.zeros(2, 3).is_same_size(minigrad.ones(2, 3))
        True
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"is_same_size(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    return input._data.shape == other._data.shape


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"is_signed": is_signed, "is_same_size": is_same_size}
