"""``minigrad.cuda``: what ``torch.cuda`` answers when PyTorch is built without CUDA, so that
device-selection code runs unchanged::

    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.cuda.manual_seed_all(0)   # does nothing

Queries that need a GPU (``current_device()``, ``get_device_name()`` ...) raise PyTorch's
``AssertionError: Torch not compiled with CUDA enabled``; the ones PyTorch answers without a GPU
(``is_available``, ``device_count``, the seeding and memory counters) answer the same.
"""
from collections import OrderedDict

__all__ = ["is_available", "device_count", "is_initialized", "init", "current_device",
           "set_device", "get_device_name", "get_device_capability", "get_device_properties",
           "synchronize", "empty_cache", "manual_seed", "manual_seed_all", "seed", "seed_all",
           "initial_seed", "get_rng_state", "set_rng_state", "get_rng_state_all",
           "set_rng_state_all", "memory_allocated", "max_memory_allocated", "memory_reserved",
           "max_memory_reserved", "memory_stats", "reset_peak_memory_stats",
           "reset_max_memory_allocated", "mem_get_info", "get_arch_list", "is_bf16_supported",
           "current_stream", "default_stream", "ipc_collect", "device", "device_of"]

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _no_cuda(*args, **kwargs):
    """PyTorch's error for what needs a GPU: ``AssertionError: Torch not compiled with CUDA
    enabled``."""
    raise AssertionError(_NOT_COMPILED)


def is_available():
    """False: there is no CUDA device.

    Example::

        >>> device = "cuda" if minigrad.cuda.is_available() else "cpu"
        >>> device
        'cpu'
    """
    return False


def device_count():
    """0: there is no CUDA device.

    Example::

        >>> minigrad.cuda.device_count()
        0
    """
    return 0


def is_initialized():
    """False: CUDA was never initialised."""
    return False


def is_bf16_supported(including_emulation=True):
    """False."""
    return False


def get_arch_list():
    """[]: no CUDA architecture was compiled in."""
    return []


def manual_seed(seed):
    """Does nothing (there is no CUDA generator to seed); use ``minigrad.manual_seed``.

    Example::

        >>> minigrad.cuda.manual_seed(0)  # does nothing
    """


def manual_seed_all(seed):
    """Does nothing (there is no CUDA generator to seed); use ``minigrad.manual_seed``.

    Example::

        >>> minigrad.cuda.manual_seed_all(0)  # does nothing
    """


def seed():
    """Does nothing (as PyTorch without CUDA)."""


def seed_all():
    """Does nothing (as PyTorch without CUDA)."""


def empty_cache():
    """Does nothing: there is no CUDA memory cache."""


def ipc_collect():
    """PyTorch's error: there is no CUDA memory to collect."""
    raise AssertionError(_NOT_COMPILED)


def get_rng_state_all():
    """[]: one state per CUDA device, and there are none."""
    return []


def set_rng_state_all(new_states):
    """Does nothing: there are no CUDA devices."""


def memory_allocated(device=None):
    """0 bytes."""
    return 0


def max_memory_allocated(device=None):
    """0 bytes."""
    return 0


def memory_reserved(device=None):
    """0 bytes."""
    return 0


def max_memory_reserved(device=None):
    """0 bytes."""
    return 0


def memory_stats(device=None):
    """An empty ``OrderedDict``."""
    return OrderedDict()


def reset_peak_memory_stats(device=None):
    """Does nothing. (PyTorch without CUDA fails here on a missing internal function; resetting
    counters that are all zero is harmless.)"""


reset_max_memory_allocated = reset_peak_memory_stats

# what needs a GPU: PyTorch's AssertionError
init = current_device = set_device = get_device_name = get_device_capability = _no_cuda
get_device_properties = synchronize = initial_seed = get_rng_state = set_rng_state = _no_cuda
mem_get_info = current_stream = default_stream = _no_cuda


class device:
    """``with minigrad.cuda.device(i):``: can be made, fails on entry (no CUDA)."""

    def __init__(self, device):
        self.idx = device

    def __enter__(self):
        if self.idx != -1:
            raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc):
        return False


class device_of(device):
    """``with minigrad.cuda.device_of(tensor):``: a CPU tensor selects no CUDA device."""

    def __init__(self, obj):
        super().__init__(-1)

    def __enter__(self):
        return None
