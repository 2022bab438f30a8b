"""minigrad runs on the CPU; this module lets ``torch.cuda.is_available()`` checks run unchanged."""


def is_available():
    """False: minigrad has no CUDA devices (so ``torch.cuda.is_available()`` checks run unchanged).

    Example::

        >>> device = "cuda" if minigrad.cuda.is_available() else "cpu"
        >>> device
        'cpu'
    """
    return False


def device_count():
    """0: minigrad has no CUDA devices.

    Example::

        >>> minigrad.cuda.device_count()
        0
    """
    return 0


def manual_seed(seed):
    """No-op (there are no CUDA devices); seeds nothing. Use ``minigrad.manual_seed``.

    Example::

        >>> minigrad.cuda.manual_seed(0)  # does nothing
    """


def manual_seed_all(seed):
    """No-op (there are no CUDA devices); seeds nothing. Use ``minigrad.manual_seed``.

    Example::

        >>> minigrad.cuda.manual_seed_all(0)  # does nothing
    """
