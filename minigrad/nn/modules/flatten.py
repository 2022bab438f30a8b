"""``Flatten`` and ``Unflatten``."""
from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Flattens the dimensions ``start_dim`` .. ``end_dim`` into one (a view when possible).

    Shape:
        - Input: :math:`(*, S_{start}, ..., S_{end}, *)`.
        - Output: :math:`(*, \\prod_{i=start}^{end} S_i, *)`.

    Example::

        >>> nn.Flatten()(minigrad.randn(32, 1, 5, 5)).shape
        minigrad.Size([32, 25])
    """

    __constants__ = ["start_dim", "end_dim"]

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        for pos, (name, value) in enumerate((("start_dim", self.start_dim),
                                              ("end_dim", self.end_dim)), 1):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"flatten(): argument '{name}' (position {pos}) must be int, "
                                f"not {type(value).__name__}")
            if input.dim() == 0 and not -1 <= value <= 0:
                # a 0-d tensor flattens as if it had one dimension (PyTorch's range check)
                raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], "
                                 f"but got {value})")
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expands dimension ``dim`` into the shape ``unflattened_size``.

    Shape:
        - Input: :math:`(*, S_{dim}, *)`.
        - Output: :math:`(*, U_1, ..., U_n, *)` with :math:`\\prod U_i = S_{dim}`.

    Example::

        >>> nn.Unflatten(1, (2, 5, 5))(minigrad.randn(2, 50)).shape
        minigrad.Size([2, 2, 5, 5])
    """

    __constants__ = ["dim", "unflattened_size"]

    def __init__(self, dim, unflattened_size):
        super().__init__()
        # PyTorch 2.13's checks (any dim is stored; a bad one fails in forward)
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(
                "unflattened_size must be a tuple of ints, but found type "
                f"{type(unflattened_size).__name__}"
            )
        for idx, elem in enumerate(unflattened_size):
            if not isinstance(elem, int):
                raise TypeError(
                    f"unflattened_size must be tuple of ints, but found element of type "
                    f"{type(elem).__name__} at pos {idx}"
                )
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
