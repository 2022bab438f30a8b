"""Layouts and memory formats (``torch.strided``, ``torch.contiguous_format`` ...): the values of
the ``layout=`` and ``memory_format=`` arguments that PyTorch's factories and conversions take.

minigrad has one layout, ``strided`` (dense arrays; no sparse tensors), and keeps tensors in
row-major order: ``contiguous_format`` and ``preserve_format`` are accepted wherever PyTorch
accepts them; ``channels_last`` is not (it is left out, see docs/coverage.md).
"""

__all__ = ["layout", "strided", "memory_format", "contiguous_format", "preserve_format",
           "check_layout", "check_memory_format", "check_pin_memory"]


class layout:
    """A tensor layout, as ``torch.layout``: minigrad has ``minigrad.strided`` only.

    Example::

        >>> minigrad.zeros(2).layout
        minigrad.strided
    """

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"minigrad.{self.name}"

    def __reduce__(self):
        return self.name  # pickles as the module-level singleton


class memory_format:
    """How a tensor's elements are ordered in memory, as ``torch.memory_format``: minigrad has
    ``contiguous_format`` (row-major) and ``preserve_format`` (keep the input's order).

    Example::

        >>> minigrad.zeros(2, 3).t().contiguous(memory_format=minigrad.contiguous_format).stride()
        (2, 1)
    """

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"minigrad.{self.name}"

    def __reduce__(self):
        return self.name


strided = layout("strided")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")


def check_layout(value, fn):
    """``layout=`` of function ``fn`` as PyTorch takes it: None or ``strided``."""
    if value is not None and value is not strided:
        if isinstance(value, layout):
            raise RuntimeError(f"minigrad supports the strided layout only, not {value!r}")
        raise TypeError(f"{fn}(): argument 'layout' must be minigrad.layout, not "
                        f"{type(value).__name__}")


def check_memory_format(value, fn):
    """``memory_format=`` of ``fn``: None, ``contiguous_format`` or ``preserve_format``."""
    if value is not None and value is not contiguous_format and value is not preserve_format:
        if isinstance(value, memory_format):
            raise RuntimeError(f"minigrad supports contiguous_format and preserve_format only, "
                               f"not {value!r}")
        raise TypeError(f"{fn}(): argument 'memory_format' must be minigrad.memory_format, not "
                        f"{type(value).__name__}")


def check_pin_memory(value):
    """``pin_memory=True`` asks for page-locked memory for copies to a GPU; minigrad has no GPU
    (PyTorch without one fails the same way)."""
    if value:
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no "
                           "pinned memory allocator is available on this system.")
