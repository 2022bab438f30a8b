"""minigrad's differentiable operations, one family per module.

Each op is an ``Op`` subclass (``autograd/function.py``) with its forward and backward side by
side, plus a plain function that checks arguments, applies PyTorch's type promotion and calls
``Op.apply``. ``minigrad.<name>`` and ``Tensor.<name>`` are these functions.

``__all__`` (what ``minigrad`` re-exports at top level) holds only the functions torch also has
at top level; the helpers and the Tensor-only functions below stay reachable here
(``minigrad.ops.getitem``), for ``Tensor``'s methods and the other modules.
"""
from . import arithmetic, indexing, inplace, linalg, pointwise, reduction, shape, sorting
from . import (extra, gamma, index_more, inplace_math, matrix_more, misc_more, numeric,
               random_fills, reduction_more, scatter_views, shape_more, special, trig, typeinfo)
from ._util import canonical_dim, sum_to  # noqa: F401
from .arithmetic import *  # noqa: F401,F403
from .arithmetic import cast  # noqa: F401
from .pointwise import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
from .reduction import vector_norm  # noqa: F401
from .shape import *  # noqa: F401,F403
from .shape import expand, infer_shape, parse_shape, repeat, view  # noqa: F401
from .sorting import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .indexing import getitem, masked_fill_, setitem  # noqa: F401
from .linalg import *  # noqa: F401,F403
from .linalg import linear  # noqa: F401
from .inplace import *  # noqa: F401,F403
from .inplace import add_, apply_inplace, copy_, div_, mul_, sub_  # noqa: F401
from .dropout import dropout  # noqa: F401
from .special import *  # noqa: F401,F403
from .reduction_more import *  # noqa: F401,F403
from .shape_more import *  # noqa: F401,F403
from .inplace_math import *  # noqa: F401,F403
from .typeinfo import *  # noqa: F401,F403
from .trig import *  # noqa: F401,F403
from .matrix_more import *  # noqa: F401,F403
from .index_more import *  # noqa: F401,F403
from .misc_more import *  # noqa: F401,F403
from .extra import *  # noqa: F401,F403
from .gamma import *  # noqa: F401,F403
from .numeric import *  # noqa: F401,F403
from .scatter_views import *  # noqa: F401,F403
from .random_fills import multinomial, poisson  # noqa: F401
from .scatter_ops import scatter_reduce  # noqa: F401
from .einsum import einsum  # noqa: F401
from . import convolution, normalization, pooling  # noqa: F401
from .methods import is_nonzero  # noqa: F401

__all__ = (arithmetic.__all__ + pointwise.__all__ + reduction.__all__ + shape.__all__
           + sorting.__all__ + indexing.__all__ + linalg.__all__ + inplace.__all__ + ["dropout"]
           + special.__all__ + reduction_more.__all__ + shape_more.__all__ + inplace_math.__all__
           + typeinfo.__all__ + trig.__all__ + matrix_more.__all__
           + index_more.__all__ + misc_more.__all__ + extra.__all__ + gamma.__all__
           + numeric.__all__ + scatter_views.__all__ + random_fills.__all__
           + ["is_nonzero", "einsum", "scatter_reduce"])
