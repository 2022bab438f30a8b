"""``nn.init``: fill parameters in place with PyTorch's initialisation schemes.

Every function works under ``no_grad`` (it may be applied to parameters that require grad),
returns the tensor it filled, and draws from the default generator unless ``generator=`` is given
(so ``minigrad.manual_seed`` makes model initialisation repeatable).

Example::

    >>> w = nn.Parameter(minigrad.empty(3, 5))
    >>> nn.init.kaiming_uniform_(w, a=math.sqrt(5))   # what nn.Linear does
    >>> nn.init.zeros_(nn.Parameter(minigrad.empty(3)))
"""
import math
import warnings

import numpy as np

from .._dtype import scalar_type_name
from ..creation import fill_normal, fill_uniform
from ..random import Generator

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_", "dirac_"]


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (``relu``: √2, ``tanh``: 5/3, ``selu``: 3/4,
    ``leaky_relu``: √(2 / (1 + slope²)), linear and sigmoid: 1).

    Example::

        >>> nn.init.calculate_gain("leaky_relu", 0.2)
        1.3867504905630728
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight (out_features, in_features, *kernel)."""
    if tensor.dim() < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid = ["fan_in", "fan_out"]
    if mode not in valid:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _check_float(tensor, kernel):
    """PyTorch's error for random initialisation of an integer tensor (``kernel`` is the name
    its message gives)."""
    if tensor._data.dtype.kind != "f":
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{scalar_type_name(tensor._data.dtype)}'"
        )


def _check_generator(generator, fn):
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"{fn}(): argument 'generator' must be minigrad.Generator, not "
                        f"{type(generator).__name__}")


def _check_uniform_args(tensor, a, b, generator):
    """PyTorch's errors of ``tensor.uniform_(a, b, generator=generator)``, in its order."""
    _check_generator(generator, "uniform_")
    _check_float(tensor, "check_uniform_bounds")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={a:g} > to={b:g}")


def _fill(tensor, fill):
    """Write ``fill(array)`` into the tensor's memory without recording a graph."""
    data = tensor._data
    if data.flags.c_contiguous:
        fill(data)
    else:
        tmp = np.empty(data.shape, data.dtype)
        fill(tmp)
        data[...] = tmp
    tensor._vc[0] += 1
    return tensor


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill ``tensor`` in place with values drawn from U(a, b); returns it.

    Example::

        >>> w = nn.init.uniform_(minigrad.empty(1000), a=-0.1, b=0.1)
        >>> bool(w.min() >= -0.1 and w.max() < 0.1)
        True
    """
    _check_uniform_args(tensor, a, b, generator)
    return _fill(tensor, lambda arr: fill_uniform(arr, generator, a, b))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill ``tensor`` in place with values drawn from N(mean, std²); returns it.

    Example::

        >>> w = nn.init.normal_(minigrad.empty(10000), mean=1., std=0.1)
        >>> round(w.mean().item(), 2), round(w.std().item(), 2)
        (1.0, 0.1)
    """
    _check_generator(generator, "normal_")
    _check_float(tensor, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    return _fill(tensor, lambda arr: fill_normal(arr, generator, mean, std))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill ``tensor`` in place with values from N(mean, std²) truncated to [a, b]; returns it.

    PyTorch 2.13's method: when [a, b] holds more than 30% of the distribution, normal draws
    with the ones outside redrawn; otherwise uniform proposals on [a, b] accepted with
    probability pdf(x) / pdf(mode), so that a range far in the tail needs few rounds. PyTorch's
    warning when ``mean`` is more than 2 std outside [a, b]; ``std=0`` is a ZeroDivisionError
    and ``a > b`` uniform_'s RuntimeError, as in PyTorch.

    Example::

        >>> w = nn.init.trunc_normal_(minigrad.empty(1000), std=1., a=-0.5, b=0.5)
        >>> bool(w.abs().max() <= 0.5)
        True
    """
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    mass = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std)
    if mass > 0.3:
        _check_generator(generator, "normal_")
        _check_float(tensor, "normal_kernel_cpu")
        return _fill(tensor, lambda arr: _redraw_outside(arr, mean, std, a, b, generator))
    _check_uniform_args(tensor, a, b, generator)
    return _fill(tensor, lambda arr: _accept_reject(arr, mean, std, a, b, generator))


def _norm_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def _redraw_outside(arr, mean, std, a, b, generator):
    flat = arr.reshape(-1)
    lo, hi = arr.dtype.type(a), arr.dtype.type(b)  # the bounds as the tensor can hold them
    fill_normal(flat, generator, mean, std)
    todo = np.flatnonzero((flat < lo) | (flat > hi))
    while todo.size:  # each round keeps > 30% of what it draws
        draw = fill_normal(np.empty(todo.size, arr.dtype), generator, mean, std)
        flat[todo] = draw
        todo = todo[(draw < lo) | (draw > hi)]


def _accept_reject(arr, mean, std, a, b, generator):
    flat = arr.reshape(-1)
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2
    todo = np.arange(flat.size)
    while todo.size:
        x = fill_uniform(np.empty(todo.size, arr.dtype), generator, a, b)
        log_u = np.log(fill_uniform(np.empty(todo.size, arr.dtype), generator))
        flat[todo] = x
        with np.errstate(divide="ignore"):
            todo = todo[log_u > -0.5 * ((x - mean) / std) ** 2 - log_peak]


def constant_(tensor, val):
    """Fill ``tensor`` in place with the value ``val``; returns it.

    Example::

        >>> nn.init.constant_(minigrad.empty(3), 0.3)
        tensor([0.3000, 0.3000, 0.3000])
    """
    return _fill(tensor, lambda arr: arr.fill(val))


def ones_(tensor):
    """Fill ``tensor`` in place with ones; returns it.

    Example::

        >>> nn.init.ones_(minigrad.empty(2))
        tensor([1., 1.])
    """
    return constant_(tensor, 1)


def zeros_(tensor):
    """Fill ``tensor`` in place with zeros; returns it (works on parameters: no graph is recorded).

    Example::

        >>> b = nn.Parameter(minigrad.ones(2))
        >>> nn.init.zeros_(b)
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
    """
    return constant_(tensor, 0)


def eye_(tensor):
    """Fill a 2-d ``tensor`` in place with the identity matrix; returns it.

    Example::

        >>> nn.init.eye_(minigrad.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, lambda arr: np.copyto(arr, np.eye(*arr.shape, dtype=arr.dtype)))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot initialisation: fill ``tensor`` with U(-a, a), a = gain * √(6 / (fan_in + fan_out));
    returns it.

    Example::

        >>> w = nn.init.xavier_uniform_(minigrad.empty(30, 20))
        >>> bool(w.abs().max() <= (6 / 50) ** 0.5)
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot initialisation: fill ``tensor`` with N(0, std²), std = gain * √(2 / (fan_in + fan_out));
    returns it.

    Example::

        >>> w = nn.init.xavier_normal_(minigrad.empty(300, 200))
        >>> round(w.std().item(), 2)
        0.06
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def _zero_elements(tensor):
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op")
        return True
    return False


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He initialisation: fill ``tensor`` with U(-bound, bound), bound = gain * √(3 / fan), where
    gain = calculate_gain(nonlinearity, a) and fan is fan_in or fan_out (``mode``); returns it.
    ``nn.Linear`` uses ``kaiming_uniform_(weight, a=math.sqrt(5))``.

    Example::

        >>> w = nn.init.kaiming_uniform_(minigrad.empty(64, 100), nonlinearity="relu")
        >>> bool(w.abs().max() <= (2 ** 0.5) * (3 / 100) ** 0.5)
        True
    """
    if _zero_elements(tensor):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He initialisation: fill ``tensor`` with N(0, std²), std = gain / √fan (see
    ``kaiming_uniform_``); returns it.

    Example::

        >>> w = nn.init.kaiming_normal_(minigrad.empty(500, 200), mode="fan_in", nonlinearity="relu")
        >>> round(w.std().item(), 2)  # √2 / √200
        0.1
    """
    if _zero_elements(tensor):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill ``tensor`` with a (semi-)orthogonal matrix (QR of a normal matrix), times ``gain``;
    returns it.

    Example::

        >>> q = nn.init.orthogonal_(minigrad.empty(3, 3, dtype=minigrad.float64))
        >>> minigrad.allclose(q @ q.T, minigrad.eye(3, dtype=minigrad.float64))
        True
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = fill_normal(np.empty((rows, cols), np.float64), generator)
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, lambda arr: np.copyto(arr, (gain * q).reshape(arr.shape), casting="unsafe"))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill the 2-d ``tensor`` with N(0, std²) values, then zero ``ceil(sparsity * rows)``
    randomly chosen entries of every column (Martens, 2010); returns it. Unlike PyTorch, the
    zeroed rows are drawn from ``generator`` too, so a seeded generator repeats everything.

    Example::

        >>> w = nn.init.sparse_(minigrad.empty(10, 3), sparsity=0.3)
        >>> [int((w[:, j] == 0).sum()) for j in range(3)]
        [3, 3, 3]
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    normal_(tensor, 0, std, generator)

    def zero(arr):
        arr[...] = tensor._data
        keys = fill_uniform(np.empty((rows, cols), np.float64), generator)
        zeroed = np.argsort(keys, axis=0, kind="stable")[:num_zeros]  # a random permutation per column
        arr[zeroed, np.arange(cols)] = 0

    return _fill(tensor, zero) if rows and cols else tensor


def dirac_(tensor, groups=1):
    """Fill the 3-, 4- or 5-d ``tensor`` (a convolution weight) with the Dirac delta, keeping the
    identity of the inputs in each of ``groups``; returns it.

    Example::

        >>> nn.init.dirac_(minigrad.empty(2, 2, 3))
        tensor([[[0., 1., 0.],
                 [0., 0., 0.]],
        <BLANKLINE>
                [[0., 0., 0.],
                 [0., 1., 0.]]])
    """
    ndim = tensor.dim()
    if ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tuple(tensor.shape)
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = sizes[0] // groups
    min_dim = min(per_group, sizes[1])
    if min_dim and groups:
        for dim, size in enumerate(sizes[2:], 2):
            if size == 0:  # PyTorch's indexing error
                raise IndexError(f"index 0 is out of bounds for dimension {dim} with size 0")
    centre = tuple(size // 2 for size in sizes[2:])

    def fill(arr):
        arr[...] = 0
        for g in range(groups):
            for d in range(min_dim):
                arr[(g * per_group + d, d) + centre] = 1

    return _fill(tensor, fill)


# PyTorch's deprecated names without the trailing underscore
def _deprecated(fn):
    def wrapper(*args, **kwargs):
        warnings.warn(f"`nn.init.{fn.__name__[:-1]}` is now deprecated in favor of "
                      f"`nn.init.{fn.__name__}`.", FutureWarning, stacklevel=2)
        return fn(*args, **kwargs)

    wrapper.__doc__ = fn.__doc__
    return wrapper


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
