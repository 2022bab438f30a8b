"""minigrad's differentiable operations, one family per module.

Each op is an ``Op`` subclass (``autograd/function.py``) with its forward and backward side by
side, plus a plain function that checks arguments, applies PyTorch's type promotion and calls
``Op.apply``. ``minigrad.<name>`` and ``Tensor.<name>`` are these functions.
"""
from ._util import canonical_dim, sum_to  # noqa: F401
from .arithmetic import *  # noqa: F401,F403
from .pointwise import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .inplace import *  # noqa: F401,F403
from .dropout import dropout  # noqa: F401
