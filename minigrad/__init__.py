"""minigrad: a small, fast autograd framework with PyTorch's API.

    import minigrad as torch
    import minigrad.nn as nn

Tensors and their operations (``tensor.py``, ``ops/``), reverse-mode autograd (``autograd/``),
neural-network layers (``nn/``), optimizers (``optim/``) and data loading (``utils/data/``);
the hot kernels (matmul, linear, ReLU, dropout, random numbers) are Cython + OpenMP in
``_ops.pyx``.
"""
try:
    from . import _ops  # noqa: F401
except ImportError as exc:  # pragma: no cover - only when importing an unbuilt source tree
    import os as _os

    _here = _os.path.dirname(_os.path.abspath(__file__))
    if any(f.startswith("_ops.") and f.endswith((".so", ".pyd")) for f in _os.listdir(_here)):
        raise  # the kernels are there but do not load: the original error says why
    # (Python's own message here speaks of a "partially initialized module" and a "circular
    # import", which is not what happened: the compiled kernels were never built in this folder)
    raise ImportError(
        f"minigrad's compiled kernels (minigrad._ops) are not in {_here}: this is a source tree "
        "whose kernels were never built. Build them in place with `pip install -e .` (the "
        "README's setup command), or, if minigrad is installed with `pip install .`, run Python "
        "from another directory."
    ) from None

from ._version import __version__  # noqa: F401
from ._dtype import (  # noqa: F401
    bool, uint8, int8, int16, int32, int64, float32, float64, float, double, long, int, short,
    dtype, get_default_dtype, set_default_dtype, promote_types, result_type,
)
from ._device import device, get_default_device, set_default_device  # noqa: F401
from .tensor import Tensor, Size  # noqa: F401
from .creation import *  # noqa: F401,F403
from .ops import *  # noqa: F401,F403
from .ops.joining import concat  # noqa: F401
from .random import (  # noqa: F401
    Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator,
)
from .parallel import set_num_threads, get_num_threads  # noqa: F401
from .autograd import (  # noqa: F401
    no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode,
)
from ._tensor_str import set_printoptions  # noqa: F401
from . import autograd, linalg  # noqa: F401
from . import accelerator, cuda, backends  # noqa: F401


def is_tensor(obj):
    """True if ``obj`` is a minigrad Tensor.

    Example::

        >>> minigrad.is_tensor(minigrad.zeros(1)), minigrad.is_tensor([0.])
        (True, False)
    """
    return isinstance(obj, Tensor)


def numel(input):
    """The number of elements of ``input``.

    Example::

        >>> minigrad.numel(minigrad.zeros(2, 3))
        6
    """
    return input.numel()


def is_floating_point(input):
    """True if ``input``'s dtype is a floating-point type.

    Example::

        >>> minigrad.is_floating_point(minigrad.tensor([1.]))
        True
    """
    return input.is_floating_point()
from . import datasets  # noqa: F401,E402
from . import nn, optim, utils  # noqa: F401,E402
from . import profiler  # noqa: F401,E402
from .utils import data as _utils_data  # noqa: F401,E402  (minigrad.utils.data)
from .serialization import load, save  # noqa: F401,E402
from . import safetensors  # noqa: F401,E402  (the safetensors format: minigrad.safetensors.save_file ...)
del _utils_data
