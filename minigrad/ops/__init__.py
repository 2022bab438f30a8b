"""minigrad's differentiable operations, one family per module.

Each op is an ``Op`` subclass (``autograd/function.py``) with its forward and backward side by
side, plus a plain function that checks arguments, applies PyTorch's type promotion and calls
``Op.apply``. ``minigrad.<name>`` and ``Tensor.<name>`` are these functions: each family lists
its Tensor methods in ``METHODS``, and ``tensor_methods.install`` (at the end of this file) adds
them, and the operators, to the Tensor.

The families, from the ones the others build on:

* elementwise: ``arithmetic``, ``rounding``, ``comparison``, ``clamping``, ``floating_point``,
  ``integer``, ``conversion``, ``pointwise``, ``trigonometric``, ``special_functions``,
  ``activation``, ``activation_piecewise``, ``activation_smooth``;
* shape and views: ``shape``, ``permutation``, ``broadcast``, ``slicing``, ``joining``,
  ``rearrange``, ``diagonals``;
* indexing: ``indexing`` (``x[i]``), ``gather_scatter``, ``masking``, ``index_rows``,
  ``scatter_views``, ``scatter_reduction``;
* reductions: ``reduction``, ``min_max``, ``cumulative``, ``statistics``, ``histograms``,
  ``norms``;
* linear algebra: ``linalg`` (matmul, linear), ``products``, ``einsum``;
* ``sorting``, ``sampling`` (random fills), ``dropout``, ``loss`` (fused losses), ``typeinfo``;
* in place: ``inplace`` (the machinery), ``inplace_arithmetic``, ``inplace_variants``,
  ``inplace_views`` (t_, transpose_, squeeze_ ...).

``__all__`` (what ``minigrad`` re-exports at top level) holds only the functions torch also has
at top level; the helpers and the Tensor-only functions below stay reachable here
(``minigrad.ops.getitem``), for ``Tensor``'s methods and the other modules.
"""
from ..tensor import Tensor as _Tensor
from . import (activation, activation_piecewise, activation_smooth, arithmetic, broadcast,
               clamping, comparison, conversion, cumulative, diagonals, distance, floating_point,
               gather_scatter, histograms, index_rows, indexing, inplace, inplace_arithmetic,
               inplace_variants, integer, joining, linalg, loss_margin, masking, min_max, norms,
               padding, permutation, pointwise, products, rearrange, reduction, rounding, sampling,
               scatter_views, shape, slicing, sorting, special_functions, statistics,
               tensor_methods, tensor_queries, trigonometric, typeinfo)
from ._util import canonical_dim, sum_to  # noqa: F401
from .activation import *  # noqa: F401,F403
from .activation_piecewise import *  # noqa: F401,F403
from .activation_smooth import *  # noqa: F401,F403
from .arithmetic import *  # noqa: F401,F403
from .broadcast import *  # noqa: F401,F403
from .broadcast import expand  # noqa: F401
from .clamping import *  # noqa: F401,F403
from .comparison import *  # noqa: F401,F403
from .conversion import *  # noqa: F401,F403
from .conversion import cast  # noqa: F401
from .cumulative import *  # noqa: F401,F403
from .diagonals import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .dropout import dropout  # noqa: F401
from .einsum import einsum  # noqa: F401
from .floating_point import *  # noqa: F401,F403
from .histograms import *  # noqa: F401,F403
from .index_rows import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .indexing import getitem, setitem  # noqa: F401
from .inplace import *  # noqa: F401,F403
from .inplace import apply_inplace, copy_  # noqa: F401
from .inplace_arithmetic import *  # noqa: F401,F403
from .inplace_arithmetic import add_, div_, mul_, sub_  # noqa: F401
from .inplace_variants import *  # noqa: F401,F403
from .integer import *  # noqa: F401,F403
from .joining import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .linalg import affine  # noqa: F401
from .masking import *  # noqa: F401,F403
from .masking import masked_fill_  # noqa: F401
from .min_max import *  # noqa: F401,F403
from .norms import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .norms import vector_norm  # noqa: F401
from .pointwise import *  # noqa: F401,F403
from .products import *  # noqa: F401,F403
from .rearrange import *  # noqa: F401,F403
from .rearrange import repeat  # noqa: F401
from .reduction import *  # noqa: F401,F403
from .rounding import *  # noqa: F401,F403
from .sampling import *  # noqa: F401,F403
from .gather_scatter import *  # noqa: F401,F403
from .scatter_reduction import scatter_reduce  # noqa: F401
from .scatter_views import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .shape import infer_shape, parse_shape, view  # noqa: F401
from .slicing import *  # noqa: F401,F403
from .sorting import *  # noqa: F401,F403
from .special_functions import *  # noqa: F401,F403
from .statistics import *  # noqa: F401,F403
from .tensor_queries import *  # noqa: F401,F403
from .permutation import *  # noqa: F401,F403
from .trigonometric import *  # noqa: F401,F403
from .typeinfo import *  # noqa: F401,F403
from . import convolution, normalization, pooling  # noqa: F401  (F.conv2d, F.batch_norm ...)

_FAMILIES = (activation, activation_piecewise, activation_smooth, arithmetic, broadcast, clamping,
             comparison, conversion, cumulative, diagonals, distance, floating_point,
             gather_scatter, histograms, index_rows, indexing, inplace, inplace_arithmetic,
             inplace_variants, integer, joining, linalg, loss_margin, masking, min_max, norms,
             padding, permutation, pointwise, products, rearrange, reduction, rounding, sampling,
             scatter_views, shape, slicing, sorting, special_functions, statistics,
             tensor_queries, trigonometric, typeinfo)
__all__ = [name for family in _FAMILIES for name in family.__all__] + ["dropout", "einsum", "scatter_reduce"]

# The Tensor's methods and operators: installed here, once both the Tensor and the ops exist.
tensor_methods.install(_Tensor)
