"""``minigrad.accelerator``: PyTorch's device-agnostic accelerator API (``torch.accelerator``),
answering as PyTorch built for the CPU only answers: there is no accelerator. The idiom of
current tutorials runs unchanged::

    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"

``is_available()`` is False, ``current_accelerator()`` None, ``device_count()`` 0; what needs an
accelerator (``current_device_index()``, ``synchronize()``, the memory queries ...) raises
PyTorch's ``RuntimeError: Cannot access accelerator device when none is available.``
"""
import functools
import warnings

from ._device import _NO_ACCELERATOR, device as _device_cls

__all__ = ["Graph", "current_accelerator", "current_device_idx", "current_device_index",
           "get_device_capability", "current_stream", "device_count", "device_index",
           "empty_cache", "empty_host_cache", "get_memory_info", "is_available",
           "max_memory_allocated", "max_memory_reserved", "memory_allocated", "memory_reserved",
           "memory_stats", "reset_accumulated_memory_stats", "reset_peak_memory_stats",
           "set_device_idx", "set_device_index", "set_stream", "synchronize"]


def _none_available(*args, **kwargs):
    """PyTorch's error: ``RuntimeError: Cannot access accelerator device when none is
    available.``"""
    raise RuntimeError(_NO_ACCELERATOR)


def _device_index(device, optional):
    """PyTorch's reading of a device argument (``_get_device_index``) and then its call: an int
    or None gets PyTorch's error for a missing accelerator; a device (or its name) must be the
    accelerator's, which there is none of."""
    if isinstance(device, int):
        raise RuntimeError(_NO_ACCELERATOR)
    if isinstance(device, str):
        device = _device_cls(device)
    if isinstance(device, _device_cls):
        raise RuntimeError("Accelerator expected")
    if not optional:
        raise ValueError("Expected a minigrad.device with a specified index or an integer, but "
                         f"got:{device}")
    raise RuntimeError(_NO_ACCELERATOR)


def is_available():
    """False: there is no accelerator (minigrad runs on the CPU).

    Example::

        >>> minigrad.accelerator.is_available()
        False
    """
    return False


def current_accelerator(check_available=False):
    """None: no accelerator was built in.

    Example::

        >>> minigrad.accelerator.current_accelerator() is None
        True
    """
    return None


def device_count():
    """0: no accelerator.

    Example::

        >>> minigrad.accelerator.device_count()
        0
    """
    return 0


def current_device_index():
    """PyTorch's error: there is no accelerator device."""
    raise RuntimeError(_NO_ACCELERATOR)


def set_device_index(device, /):
    """PyTorch's error: there is no accelerator device to select."""
    _device_index(device, optional=False)


def current_stream(device=None, /):
    """PyTorch's error: there is no accelerator stream."""
    _device_index(device, optional=True)


def set_stream(stream):
    """PyTorch's TypeError: minigrad has no streams to pass."""
    raise TypeError(
        "_accelerator_setStream(): incompatible function arguments. The following argument types "
        "are supported:\n    1. (arg0: minigrad.Stream) -> None\n\nInvoked with: "
        f"{stream!r}")


def synchronize(device=None, /):
    """PyTorch's error: there is no accelerator to wait for."""
    _device_index(device, optional=True)


@functools.lru_cache(maxsize=None)
def get_device_capability(device=None, /):
    """PyTorch's error: there is no accelerator device."""
    _device_index(device, optional=True)


def _deprecated(fn, new):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        warnings.warn(f"Use `{new}` instead.", FutureWarning, stacklevel=2)
        return fn(*args, **kwargs)

    return wrapper


current_device_idx = _deprecated(current_device_index, "current_device_index")
set_device_idx = _deprecated(set_device_index, "set_device_index")


class device_index:
    """``with minigrad.accelerator.device_index(i):``: with ``None``, nothing happens; with an
    index, PyTorch's error (there is no accelerator device)."""

    def __init__(self, device, /):
        self.idx = device
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is not None:
            raise RuntimeError(_NO_ACCELERATOR)

    def __exit__(self, *exc_info):
        return False


class Graph:
    """An accelerator graph (capture and replay): PyTorch's error, there is no accelerator."""

    def __init__(self, keep_graph=False, *, pool=None, capture_error_mode="default"):
        raise RuntimeError(_NO_ACCELERATOR)


# the memory queries (torch.accelerator.memory): all need an accelerator (the counters' first
# question, whether its allocator is initialised, already fails)
def get_memory_info(device_index=None, /):
    """PyTorch's error: there is no accelerator memory."""
    _device_index(device_index, optional=True)


empty_cache = empty_host_cache = memory_stats = memory_allocated = _none_available
max_memory_allocated = memory_reserved = max_memory_reserved = _none_available
reset_peak_memory_stats = reset_accumulated_memory_stats = _none_available
