"""minigrad runs on the CPU; this module lets ``torch.cuda.is_available()`` checks run unchanged."""


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """No-op (there are no CUDA devices); seeds nothing."""


def manual_seed_all(seed):
    """No-op (there are no CUDA devices); seeds nothing."""
