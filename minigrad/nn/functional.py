"""``minigrad.nn.functional`` (imported as ``F``): the stateless form of the layers.

Layers, activations, the dropout family and the losses, with PyTorch's names, signatures,
defaults and errors. ``nn.Module`` layers are thin wrappers around these functions. The losses
are written in ``_functional_loss.py`` and the shared argument checks in ``_arg_checks.py``;
both are imported here, so ``F.cross_entropy`` is where a PyTorch user looks for it.

Example::

    >>> import minigrad.nn.functional as F
    >>> x = minigrad.randn(4, 3)
    >>> F.relu(x).shape
    minigrad.Size([4, 3])
    >>> F.cross_entropy(x, minigrad.tensor([0, 2, 1, 0]))
    tensor(...)
"""
import math
import numbers
import warnings

import numpy as np

from .. import _ops
from ..autograd.function import Op
from ..ops import linalg as _linalg
from ..ops import activation as _act
from ..ops import activation_piecewise as _pw
from ..ops import activation_smooth as _smooth
from ..ops.trigonometric import tanh as _tanh
from ..ops._util import sum_to
from ..ops._elementwise import Pointwise as _Pointwise
from ..ops.dropout import check_float, check_probability, zero_out
from ..ops.dropout import dropout as _dropout
from ..ops.embedding import embedding, embedding_bag  # noqa: F401  (F.embedding is the op itself)
from ..ops.inplace import apply_inplace
from ..ops.padding import pad  # noqa: F401  (F.pad)
from ..ops.products import bilinear  # noqa: F401  (F.bilinear)
from ..random import next_call
from ..tensor import Tensor, _wrap
from ._arg_checks import (  # noqa: F401
    _check_into, _check_tensor_args, _fp_quiet, _not_implemented, _type_name, is_layer_case,
    linear_any_case,
)
# the distances, the other activations and the other losses live in files of their own; they
# are part of this module's namespace, as in PyTorch
from ._functional_distance import cosine_similarity, normalize, pairwise_distance, pdist  # noqa: F401
from ._functional_loss_likelihood import gaussian_nll_loss, kl_div, poisson_nll_loss  # noqa: F401
from ._functional_loss_margin import (  # noqa: F401
    cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss, multi_margin_loss,
    multilabel_margin_loss, multilabel_soft_margin_loss, soft_margin_loss, triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from ._functional_activation import (  # noqa: F401
    activation as _activation, celu, celu_, check_input as _check_input, elu_, glu, hardshrink,
    hardsigmoid, hardswish, hardtanh, hardtanh_, leaky_relu_, logsigmoid, mish, prelu, relu6,
    rrelu, rrelu_, selu_, softshrink, softsign, tanhshrink, threshold, threshold_,
)
from ._functional_gumbel import gumbel_softmax  # noqa: F401
# the losses live in their own file; they are part of this module's namespace, as in PyTorch
from ._functional_loss import (
    cross_entropy, nll_loss, mse_loss, l1_loss, smooth_l1_loss, huber_loss,
    binary_cross_entropy_with_logits, binary_cross_entropy,
)

__all__ = [
    "linear", "relu", "relu_", "sigmoid", "tanh", "softmax", "log_softmax", "softmin",
    "leaky_relu", "elu", "selu", "gelu", "silu", "softplus", "one_hot",
    "relu6", "hardtanh", "hardtanh_", "threshold", "threshold_", "hardshrink", "softshrink",
    "hardsigmoid", "hardswish", "logsigmoid", "mish", "softsign", "tanhshrink", "celu", "celu_",
    "selu_", "elu_", "leaky_relu_", "rrelu", "rrelu_", "glu", "prelu", "gumbel_softmax",
    "normalize", "pairwise_distance", "cosine_similarity", "pdist", "pad", "bilinear",
    "kl_div", "poisson_nll_loss", "gaussian_nll_loss", "margin_ranking_loss",
    "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss", "soft_margin_loss", "multi_margin_loss",
    "multilabel_margin_loss", "multilabel_soft_margin_loss",
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "embedding", "embedding_bag",
]

# ====================================================================== layers and activations
def linear(input, weight, bias=None):
    """Applies an affine transformation: ``y = x Wᵀ + b`` (one fused kernel call).

    Shape:
        - input: (*, in_features)
        - weight: (out_features, in_features)
        - bias: (out_features,), optional
        - output: (*, out_features)

    Example::

        >>> x = minigrad.tensor([[1., 2.]])
        >>> w = minigrad.tensor([[1., 0.], [1., 1.], [0., -1.]])
        >>> F.linear(x, w, minigrad.tensor([0., 0., 10.]))
        tensor([[1., 3., 8.]])

    As in PyTorch, the checks (and their messages) follow the route PyTorch takes: with a bias
    and a 2-D input (or a contiguous input and a 1-D bias), ``addmm(bias, input, weight.T)``
    on the input flattened to 2-D, where the bias may be anything that expands to the output;
    otherwise ``matmul(input, weight.T)``, then ``bias`` added in place (broadcast into the
    output). Integer tensors work (on the slower numpy path).
    """
    if is_layer_case(input, weight, bias):  # a Linear layer's call, checked in a few comparisons
        return _linalg.affine(input, weight, bias)
    return linear_any_case(input, weight, bias)  # PyTorch's checks and routes (_arg_checks.py)


def relu(input, inplace=False):
    """``max(x, 0)`` elementwise; ``inplace=True`` overwrites ``input``.

    Example::

        >>> F.relu(minigrad.tensor([-1., 0.5]))
        tensor([0.0000, 0.5000])
    """
    if not inplace and type(input) is Tensor and input._data.dtype.kind == "f":
        return _act.Relu.apply(input)  # the common case, checked in two comparisons
    if inplace:
        return relu_(input)
    if _check_input("relu", input)._data.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return _act.relu(input)


def relu_(input):
    """In-place ``relu``: overwrites ``input`` with ``max(x, 0)`` and returns it.

    Example::

        >>> x = minigrad.tensor([-1., 0.5])
        >>> F.relu_(x) is x, x
        (True, tensor([0.0000, 0.5000]))
    """
    _check_input("relu_", input)
    kind = input._data.dtype.kind
    if kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    if kind != "f":  # the compiled kernel is float-only; integer tensors clamp in place
        return apply_inplace(input, lambda old: _act.relu(old),
                             lambda data: np.maximum(data, 0, out=data))
    return _act.relu_(input)


def sigmoid(input):
    """``1 / (1 + exp(-x))`` elementwise (computed without overflow).

    Example::

        >>> F.sigmoid(minigrad.tensor([0., 2.]))
        tensor([0.5000, 0.8808])
    """
    return _act.sigmoid(_check_input("sigmoid", input))


def tanh(input):
    """The hyperbolic tangent, elementwise.

    Example::

        >>> F.tanh(minigrad.tensor([0., 1.]))
        tensor([0.0000, 0.7616])
    """
    return _tanh(_check_input("tanh", input))


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim`` (stable: the maximum is subtracted first).
    Without ``dim``, PyTorch's deprecated implicit choice is made, with its warning.

    Example::

        >>> F.softmax(minigrad.tensor([[0., 0.], [0., 1.]]), dim=1)
        tensor([[0.5000, 0.5000],
                [0.2689, 0.7311]])
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.dim(), _stacklevel)
    _check_softmax_args("softmax", input, dim, dtype)
    return _act.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(x))`` along ``dim``, computed as ``x - max - log(sum(exp(x - max)))``; the input of
    ``nll_loss``.

    Example::

        >>> F.log_softmax(minigrad.tensor([[0., 0.]]), dim=1)
        tensor([[-0.6931, -0.6931]])
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim(), _stacklevel)
    _check_softmax_args("log_softmax", input, dim, dtype)
    return _act.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-x)`` along ``dim``: the smallest elements get the largest weights.

    Example::

        >>> F.softmin(minigrad.tensor([[0., 1.]]), dim=1)
        tensor([[0.7311, 0.2689]])
    """
    if dim is None:
        dim = _softmax_dim("softmin", input.dim(), _stacklevel)
    _check_softmax_args("softmax", input, dim, dtype)  # PyTorch: (-input).softmax(dim)
    return _act.softmax(-input, dim, dtype)


def _check_softmax_args(fn, input, dim, dtype):
    """PyTorch's argument errors of ``input.softmax(dim)`` / ``log_softmax`` (the op refuses an
    integer input without a floating ``dtype`` itself)."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"{fn}(): argument 'dim' (position 1) must be int, not "
                        f"{type(dim).__name__}")


@_fp_quiet
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where ``x > 0``, else ``negative_slope * x``.

    Example::

        >>> F.leaky_relu(minigrad.tensor([-2., 3.]), negative_slope=0.1)
        tensor([-0.2000,  3.0000])
    """
    if isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real):
        raise TypeError(f"leaky_relu(): argument 'negative_slope' (position 2) must be Number, "
                        f"not {type(negative_slope).__name__}")
    return _activation(input, _pw.leaky_kernel(negative_slope), inplace, "leaky_relu",
                       "leaky_relu_cpu")


@_fp_quiet
def elu(input, alpha=1.0, inplace=False):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Example::

        >>> F.elu(minigrad.tensor([-1., 2.]))
        tensor([-0.6321,  2.0000])
    """
    return _activation(input, _smooth.elu_kernel(alpha), inplace, "elu", "elu_cpu")


@_fp_quiet
def selu(input, inplace=False):
    """``scale * (x where x > 0, else alpha * (exp(x) - 1))`` with PyTorch's constants (alpha ≈ 1.6733,
    scale ≈ 1.0507): the self-normalising activation that ``alpha_dropout`` is designed for.

    Example::

        >>> F.selu(minigrad.tensor([-1., 1.]))
        tensor([-1.1113,  1.0507])
    """
    # (PyTorch computes selu with its elu kernel: EluBackward0)
    kernel = _smooth.elu_kernel(_smooth.SELU_ALPHA, _smooth.SELU_SCALE)
    return _activation(input, kernel, inplace, "selu", "elu_cpu")


_erf = np.vectorize(math.erf, otypes=[np.float64])


@_fp_quiet
def gelu(input, approximate="none"):
    """``x * Φ(x)`` (Φ: the standard normal CDF) with ``approximate="none"``, or its tanh
    approximation with ``approximate="tanh"``.

    Example::

        >>> F.gelu(minigrad.tensor([-1., 0., 1.]))
        tensor([-0.1587,  0.0000,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")

    def Gelu(a):
        x = a.astype(np.float64)
        if approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            inner = k * (x + 0.044715 * x ** 3)
            t = np.tanh(inner)
            out = 0.5 * x * (1 + t)
            deriv = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        else:
            cdf = 0.5 * (1 + _erf(x / math.sqrt(2)))
            out = x * cdf
            deriv = cdf + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return out, deriv.astype(a.dtype)

    return _activation(input, Gelu, False, "gelu", "GeluKernelImpl")


@_fp_quiet
def silu(input, inplace=False):
    """``x * sigmoid(x)`` (also called swish).

    Example::

        >>> F.silu(minigrad.tensor([-1., 1.]))
        tensor([-0.2689,  0.7311])
    """

    def Silu(a):
        s = 1 / (1 + np.exp(-a.astype(np.float64)))
        return a * s, (s * (1 + a * (1 - s))).astype(a.dtype)

    return _activation(input, Silu, inplace, "silu", "silu_cpu")


@_fp_quiet
def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, a smooth ReLU (linear where ``beta * x > threshold``).

    Example::

        >>> F.softplus(minigrad.tensor([-1., 0., 30.]))
        tensor([ 0.3133,  0.6931, 30.0000])
    """

    def Softplus(a):
        z = a * beta
        lin = z > threshold
        out = np.where(lin, a, (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta)
        s = 1 / (1 + np.exp(-z))
        return out, np.where(lin, 1.0, s).astype(a.dtype)

    return _activation(input, Softplus, False, "softplus", "softplus_cpu")


def one_hot(tensor, num_classes=-1):
    """Class indices (an int64 tensor of any shape) as one-hot vectors: an int64 tensor with an extra
    last dimension of size ``num_classes`` (the largest index + 1 when -1).

    Example::

        >>> F.one_hot(minigrad.tensor([0, 2, 1]), num_classes=3)
        tensor([[1, 0, 0],
                [0, 0, 1],
                [0, 1, 0]])
    """
    idx = tensor._data
    if idx.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _wrap((idx[..., None] == np.arange(num_classes)).astype(np.int64))


# ====================================================================== dropout family
class _AffineNoise(Op):
    """y = x * scale + shift with constant arrays broadcast over x: the masks of channel-wise and
    alpha dropout. The backward applies the very same ``scale``."""

    @staticmethod
    def forward(ctx, a, scale, shift):
        ctx.scale = scale
        ctx.shape = a.shape
        out = a * scale
        if shift is not None:
            out += shift
        return out

    @staticmethod
    def backward(ctx, grad):
        return sum_to(grad * ctx.scale, ctx.shape), None, None

    def name(self):
        return "MulBackward0"

    __slots__ = ("scale", "shift", "shape")


def _noise(input, p, noise_shape, alpha):
    """The multiplicative (and, for alpha dropout, additive) noise of one dropout call."""
    dtype = input._data.dtype
    n = int(np.prod(noise_shape))
    seed, offset = next_call(None)
    keep = np.unpackbits(_ops.bernoulli_mask(n, p, seed, offset), count=n, bitorder="little")
    keep = keep.astype(dtype).reshape(noise_shape)
    if not alpha:
        return keep * dtype.type(1.0 / (1.0 - p)), None
    # SELU-preserving dropout: dropped units take the value alpha' = -alpha_selu * scale_selu,
    # then the affine correction a * y + b restores mean 0 and variance 1.
    alpha_p = 1.7580993408473766
    a = 1.0 / math.sqrt((alpha_p * alpha_p * p + 1) * (1 - p))
    shift = (keep - 1) * dtype.type(alpha_p * a) + dtype.type(alpha_p * a * p)
    return keep * dtype.type(a), shift


def _apply_noise(input, p, training, inplace, noise_shape, alpha, kernel):
    """The body of PyTorch's ``_dropout_impl``: ``kernel`` names the op in the argument errors,
    ``noise_shape(input)`` is the mask's shape (its errors come after the early returns)."""
    p = check_probability(p, training, kernel + "_" if inplace else kernel)
    if not training or p == 0.0 or input._data.size == 0:
        return input
    if p == 1.0:
        return zero_out(input, inplace)
    shape = noise_shape(input)
    check_float(input)
    scale, shift = _noise(input, p, shape, alpha)
    if inplace:
        def write(data):
            np.multiply(data, scale, out=data)
            if shift is not None:
                np.add(data, shift, out=data)

        return apply_inplace(input, lambda old: _AffineNoise.apply(old, scale, shift), write)
    return _AffineNoise.apply(input, scale, shift)


def _check_p(p):
    """PyTorch's Python-level check in ``F.dropout*`` (a ValueError; comparing a non-number
    raises Python's TypeError, as in PyTorch)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _channel_shape(shape, batched):
    """One mask value per (sample, channel), broadcast over the feature-map dimensions."""
    k = 2 if batched else 1
    return tuple(shape[:k]) + (1,) * (len(shape) - k)


def _feature_shape(input):
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return _channel_shape(input.shape, True)


def _unbatched_feature_shape(input):
    """The mask shape of PyTorch's ``feature_dropout(input.unsqueeze(0))``, without the 1."""
    if input.dim() < 1:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return _channel_shape(input.shape, False)


def _elementwise_shape(input):
    return tuple(input.shape)


@_fp_quiet
def dropout(input, p=0.5, training=True, inplace=False, *, generator=None):
    """Inverted dropout: during training, zero each element with probability ``p`` and scale
    the kept ones by 1/(1-p), so that evaluation needs no rescaling.

    ``training=False`` or ``p=0`` return ``input`` itself; ``p=1`` returns zeros (zero
    gradient). See ``nn.Dropout``.

    ``generator`` (a minigrad extension, keyword only): draw the mask from this
    ``minigrad.Generator`` instead of the global one. Models trained in parallel threads need
    one each, or their masks depend on how the threads interleave.

    Example::

        >>> y = F.dropout(minigrad.ones(1000), p=0.5)   # about half zeros, the rest 2.
        >>> sorted(set(y.tolist())), 400 < int((y == 0).sum()) < 600
        ([0.0, 2.0], True)
        >>> x = minigrad.ones(3)
        >>> F.dropout(x, p=0.5, training=False) is x
        True
    """
    _check_p(p)
    return _dropout(input, p, training, inplace, generator=generator)


@_fp_quiet
def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, L) or (C, L) inputs with probability ``p`` (inverted: kept
    channels are scaled by 1/(1-p)). See ``nn.Dropout1d``.

    Example::

        >>> y = F.dropout1d(minigrad.ones(2, 4, 3), p=0.5)
        >>> all(len(set(row.tolist())) == 1 for row in y.reshape(8, 3))  # a channel is all 0 or all 2
        True
    """
    _check_p(p)
    ndim = input.dim()
    if ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, "
            "a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs)."
        )
    shape = _feature_shape if ndim == 3 else _unbatched_feature_shape
    return _apply_noise(input, p, training, inplace, shape, False, "feature_dropout")


@_fp_quiet
def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, H, W) inputs with probability ``p`` (inverted: kept channels
    are scaled by 1/(1-p)). As PyTorch, a 3-D input is read as (N, C, L), with a warning.
    See ``nn.Dropout2d``.

    Example::

        >>> y = F.dropout2d(minigrad.ones(2, 4, 3, 3), p=0.5)
        >>> sorted(set(y.sum((2, 3)).flatten().tolist()))  # each channel: all 0, or all 2 (sum 18)
        [0.0, 18.0]
    """
    _check_p(p)
    ndim = input.dim()
    if ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=3,  # the caller of the function _fp_quiet wraps
        )
    if ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=3,  # the caller of the function _fp_quiet wraps
        )
    return _apply_noise(input, p, training, inplace, _feature_shape, False, "feature_dropout")


@_fp_quiet
def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability ``p``
    (inverted: kept channels are scaled by 1/(1-p)). See ``nn.Dropout3d``.

    Example::

        >>> F.dropout3d(minigrad.ones(2, 4, 2, 2, 2), p=0.5).shape
        minigrad.Size([2, 4, 2, 2, 2])
    """
    _check_p(p)
    ndim = input.dim()
    if ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=3,  # the caller of the function _fp_quiet wraps
        )
    # PyTorch adds a batch dimension to anything not 5-D; the mask is then per channel of dim 0
    shape = _feature_shape if ndim == 5 else _unbatched_feature_shape
    return _apply_noise(input, p, training, inplace, shape, False, "feature_dropout")


@_fp_quiet
def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout for SELU networks: dropped elements take SELU's negative saturation value
    and an affine correction keeps mean 0 and variance 1. See ``nn.AlphaDropout``.
    Note the default ``training=False``, as in PyTorch.

    Example::

        >>> x = minigrad.randn(10000)
        >>> y = F.alpha_dropout(x, p=0.2, training=True)
        >>> abs(y.mean().item()) < 0.05, abs(y.std().item() - 1) < 0.05
        (True, True)
    """
    _check_p(p)
    return _apply_noise(input, p, training, inplace, _elementwise_shape, True, "alpha_dropout")


@_fp_quiet
def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (inputs (N, C, *)): see ``alpha_dropout`` and
    ``nn.FeatureAlphaDropout``. Note the default ``training=False``, as in PyTorch.

    Example::

        >>> F.feature_alpha_dropout(minigrad.randn(2, 4, 3), p=0.5, training=True).shape
        minigrad.Size([2, 4, 3])
    """
    _check_p(p)
    return _apply_noise(input, p, training, inplace, _feature_shape, True,
                        "feature_alpha_dropout")


# the convolution, pooling and normalisation functions (written with their ops in minigrad/ops)
from ._functional_conv import *  # noqa: E402,F401,F403
from ._functional_conv import __all__ as _conv_all  # noqa: E402

__all__ += _conv_all


def __getattr__(name):
    """A name PyTorch has and minigrad leaves out: an AttributeError that says why."""
    from .._left_out import missing
    raise missing("nn.functional", name, "module 'minigrad.nn.functional'")
