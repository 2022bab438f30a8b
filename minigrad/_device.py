"""``minigrad.device``: minigrad runs on the CPU only; other devices are a clear error."""

__all__ = ["device"]


class device:
    """A device description, as ``torch.device``; only ``"cpu"`` exists in minigrad (any other device is
    a clear error), so code that passes ``device=`` arguments runs unchanged on the CPU.

    Example::

        >>> minigrad.device("cpu")
        device(type='cpu')
        >>> minigrad.zeros(2).device
        device(type='cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        name = str(type)
        if ":" in name:
            name, _, idx = name.partition(":")
            index = int(idx)
        if name != "cpu":
            raise RuntimeError(
                f"minigrad runs on the CPU only; device {str(type)!r} is not available"
            )
        self.type = name
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type

    def __hash__(self):
        return hash(self.type)


cpu = device("cpu")
